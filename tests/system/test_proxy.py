"""Officers identified behind the shipped nginx configuration (deploy/nginx/credit-page.conf).

Voilà runs as `APP_USER_HEADER=X-Forwarded-User make app` runs it (pre-heated pool of one, so the first officer's
kernel learns the header through voila.utils.wait_for_request and the next one's may start on request), nginx
in front on loopback with a password file made here. Each officer's browser also sends a forged X-Forwarded-User:
the audit log must still name the officer who signed in. `make test` installs nginx (`make nginx`).
"""
from __future__ import annotations

import base64
import re
import secrets
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from credit_widgets.audit.log import AuditLog
from harness import officers as bench
from harness.browser import first_client_id
from harness.nginx import nginx_bin, nginx_proxy
from harness.voila import LOAD_MS, SIGNED_IN, STEP_MS, voila_server

OFFICERS = {"jdupont": secrets.token_hex(8), "mmartin": secrets.token_hex(8)}
FORGED = "the-boss"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if nginx_bin() is None:
        pytest.fail("nginx is missing: `make test` installs it (make nginx)")
    scratch = tmp_path_factory.mktemp("proxied")
    with voila_server(scratch, preheat=True, pool_size=1, **SIGNED_IN) as server:
        with nginx_proxy(server["port"], OFFICERS) as url:
            yield SimpleNamespace(url=url, direct=server["url"], pid=server["pid"], log=server["log"],
                                  audit=AuditLog(scratch / "audit.sqlite"))


def _status(url: str, headers: dict) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_no_or_wrong_credentials_get_401_and_the_header_endpoint_is_closed(proxied):
    assert _status(proxied.url, {}) == 401
    assert _status(proxied.url, {"X-Forwarded-User": "jdupont"}) == 401  # the header alone signs nobody in
    assert _status(proxied.url, _basic("jdupont", "wrong")) == 401
    assert _status(proxied.url + "voila/query/x", _basic("jdupont", OFFICERS["jdupont"])) == 403


def test_anonymous_requests_are_rate_limited_but_officers_are_not(proxied):
    anonymous = [_status(proxied.url + "voila/static/voila.js", {}) for _ in range(40)]
    assert set(anonymous) <= {401, 429} and anonymous.count(429) > 0, anonymous
    signed = _basic("jdupont", OFFICERS["jdupont"])
    assert {_status(proxied.url + "voila/static/voila.js", signed) for _ in range(40)} == {200}
    time.sleep(3)  # the anonymous bucket refills (5/s) before the browsers' first, credential-less, request


def _sign_in_score_and_follow(browser, proxied, officer: str, client: str) -> str:
    context = browser.new_context(http_credentials={"username": officer, "password": OFFICERS[officer]},
                                  extra_http_headers={"X-Forwarded-User": FORGED}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    try:
        page.goto(proxied.url)
        page.wait_for_selector(".cw-client-id input", state="visible", timeout=LOAD_MS)
        shown = page.inner_text(".cw-officer")
        page.fill(".cw-client-id input", client)
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.cw-verdict').innerText.trim().length > 0")
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_function("() => document.body.innerText.includes('Issue enregistrée')")
        return shown
    finally:
        page.goto("about:blank")
        context.close()


@pytest.mark.slow
def test_each_officer_is_named_for_the_decision_and_the_outcome_whatever_the_browser_claims(browser, proxied):
    # a client each: the same client's decision is one record, and its outcome is on record for the next officer
    for position, officer in enumerate(OFFICERS):
        client_id = first_client_id(position)
        shown = _sign_in_score_and_follow(browser, proxied, officer, client_id)
        assert officer in shown and FORGED not in shown
        last = proxied.audit.decisions()[-1]
        assert last["client_id"] == int(client_id)
        assert last["officer"] == officer, f"decision recorded for {last['officer']!r}"
        assert [(o["action"], o["officer"]) for o in last["outcomes"]] == [("follows", officer)]
    assert proxied.audit.verify()


@pytest.mark.slow
def test_ten_officers_at_once_behind_the_proxy_each_named_with_correct_answers(tmp_path):
    """tests/system/test_officers.py's ten officers, each signed in under a login of its own through nginx: every page
    shows its own answers and its own officer, and the audit log names the right officer for every decision."""
    from credit_widgets import CreditModel

    model = CreditModel.load()   # the client base's cache, before ten kernels look for it (as `make app`)
    officers = bench.plan_officers(model, bench.OFFICERS)
    del model
    logins = {f"officer{o.index}": secrets.token_hex(8) for o in officers}
    with voila_server(tmp_path, preheat=True, pool_size=2, **SIGNED_IN) as server:
        with nginx_proxy(server["port"], logins) as url:
            result = bench.run(bench.officers_at_once(url, server["pid"], officers, credentials=[
                {"username": login, "password": password} for login, password in logins.items()]))
        log = server["log"].read_text()
    sessions = result["sessions"]
    failures = [s["failure"] for s in sessions if s["failure"]]
    assert not failures, "\n".join(failures) + f"\nserver log:\n{log[-3000:]}"
    assert len({s["kernel_id"] for s in sessions}) == len(officers)
    names = bench.audit_names(tmp_path / "audit.sqlite", sessions, list(logins))
    for s, login in zip(sessions, logins):
        o, client, prospect = bench.Officer(**s["officer"]), s["client_shown"], s["prospect_shown"]
        assert client["probability"] == o.client_probability and prospect["probability"] == o.prospect_probability
        assert f"Connecté : {login}" in client["body"], f"{login}'s page does not say who is signed in"
        for other in logins:
            if other != login:
                assert not re.search(rf"\b{other}\b", client["body"] + prospect["body"]), other
    assert names["client_decisions_misnamed"] == [], names["client_decisions_misnamed"]
    # prospects too: nobody unnamed, nobody else
    assert names["records_naming_no_signed_in_officer"] == 0 and names["officers_named"] == sorted(logins)
    assert names["chain_verifies"]

"""A branch of loan officers on one Voilà server: ten pages opened at the same moment, each scoring its own client
and its own prospect; how long until each page is usable, how long each answer takes, what the kernels cost.

    .venv/bin/python -m benchmarks.officers [--officers 10] [--pool-size N]
    .venv/bin/python -m benchmarks.officers --behind-nginx     # -> results/officers-nginx.json

Starts Voilà as `make app` does (repository `voila.json`: template, pre-heated pool, culling; `harness.voila`) on a
free loopback port and waits until its pre-heated pool is full and quiet, as it is when the branch opens. Then one
Debian Chromium opens `--officers` browser contexts at once (async Playwright, all sessions driven concurrently by
`harness.officers`), and every officer, without waiting for the others:

- opens the page: `goto` to the first `.cw-client-id input` visible (seconds, measured by the driver);
- types a client's ID: from the ID landing in its box to the verdict's text showing, timed inside the page;
- switches to the prospect form, types income, annuity and two external scores, then the credit amount: from Enter
  in the amount to the probability's text changing, timed inside the page.

Each officer has a different client and different prospect inputs (the shown probabilities all differ), so every
answer is checked against the in-process `CreditModel`. With every page still open, the resident size (VmRSS) and
proportional size (Pss: shared pages split between the processes sharing them, so these add up) of each kernel and
of the server are read with psutil; then the pages are closed (each asks Voilà to shut its kernel down). Processor
time of the kernels, the server and the browser during the burst is read too: here Chromium runs on the same two
cores as the server, in a branch it runs on the officers' computers. The load average is recorded before and after.

--behind-nginx: the deployment of docs/deploy.md. Voilà as `APP_USER_HEADER=X-Forwarded-User make app` runs it,
Debian's nginx in front with the shipped deploy/nginx/credit-page.conf (`harness.nginx`), each officer signed in
with basic auth under a login of their own (officer0, officer1...). Also checked: every page says who is signed in,
every audit record (decisions and outcomes) names an officer, each officer's client decision names that officer,
and the hash chain verifies. The browser reaches the page through the proxy; nothing else changes.

Writes benchmarks/results/officers.json (officers-nginx.json behind nginx). Decisions go to a throw-away audit log.
Exit status 1 if any page failed or showed a wrong answer (or, behind nginx, any record named the wrong officer).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
from pathlib import Path

from harness import REPO
from harness.nginx import nginx_bin, nginx_proxy
from harness.officers import OFFICERS, audit_names, officers_at_once, plan_officers, run
from harness.processes import kernel_pids, rss_mb, wait_pool_full
from harness.voila import SIGNED_IN, voila_server

from .page import RESULTS, summary

# Measured while adding --behind-nginx: with Playwright's http_credentials set, the page's unload beacon
# (voila/api/shutdown) never leaves the browser, straight to Voilà as through nginx, so closed pages keep their kernels
# until the culler frees them; without credentials the same pages shut theirs down.
UNLOAD_NOTE = ("kernels_shut_down_when_pages_closed is false here because of the driver: with Playwright's "
               "http_credentials set, the unload beacon (voila/api/shutdown) is never sent, also straight to Voila "
               "without nginx (checked); the culler frees those kernels")


def measure(args) -> dict:
    from harness.browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make browser` installs it")
    if args.behind_nginx and nginx_bin() is None:
        raise SystemExit("nginx is missing: `make nginx` installs it")
    from credit_widgets import CreditModel

    model = CreditModel.load()   # also builds the client base's cache before any kernel needs it, as `make app`
    officers = plan_officers(model, args.officers)
    del model
    config = json.loads((REPO / "voila.json").read_text())
    pool_size = args.pool_size if args.pool_size is not None else config["VoilaConfiguration"]["default_pool_size"]
    logins = {f"officer{o.index}": secrets.token_hex(8) for o in officers} if args.behind_nginx else {}
    report: dict = {"machine": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]},
                    "config": {"officers": args.officers, "pool_size": pool_size, "behind_nginx": args.behind_nginx,
                               "voila_json": config},
                    "command": "python -m benchmarks.officers" + (" --behind-nginx" if args.behind_nginx else ""),
                    "method": {"load": "goto -> first .cw-client-id input visible, all officers at the same moment",
                               "verdict": "client ID in its box (input event) -> .cw-verdict shown, in-page clock",
                               "prospect": "Enter in AMT_CREDIT -> .cw-probability changed, in-page clock",
                               "memory": "VmRSS and Pss (smaps_rollup) of every kernel and of the server, all pages "
                                         "open; Pss adds up, RSS counts shared pages once per process"}}
    with tempfile.TemporaryDirectory(prefix="cw-bench-officers-") as tmp:
        signed_in = SIGNED_IN if args.behind_nginx else {}
        with voila_server(Path(tmp), preheat=pool_size > 0, pool_size=pool_size, **signed_in) as server:
            if pool_size > 0:
                report["pool_before"] = wait_pool_full(server["pid"], pool_size)
            report["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
            if args.behind_nginx:
                with nginx_proxy(server["port"], logins) as url:
                    result = run(officers_at_once(url, server["pid"], officers, credentials=[
                        {"username": login, "password": password} for login, password in logins.items()]))
            else:
                result = run(officers_at_once(server["url"], server["pid"], officers))
            report["server_rss_after_close_mb"] = rss_mb(server["pid"])
            report["kernels_after_close"] = len(kernel_pids(server["pid"]))
        sessions = result["sessions"]
        if args.behind_nginx:
            report["audit"] = audit_names(Path(tmp) / "audit.sqlite", sessions, list(logins))
    report["failures"] = [s["failure"] for s in sessions if s["failure"]]
    report["wrong_answers"] = [s["officer"]["index"] for s in sessions if not s["failure"] and (
        s["client_shown"]["probability"] != s["officer"]["client_probability"]
        or s["prospect_shown"]["probability"] != s["officer"]["prospect_probability"])]
    if args.behind_nginx:
        report["pages_not_naming_their_officer"] = [
            login for s, login in zip(sessions, logins)
            if not s["failure"] and f"Connecté : {login}" not in s["client_shown"]["body"]]
    done = [s for s in sessions if not s["failure"]]
    report["all_answers_correct"] = len(done) == len(sessions) and not report["wrong_answers"]
    if done:
        report["time_to_usable_page"] = summary([s["load_s"] for s in done], "s")
        report["client_id_to_verdict"] = summary([s["verdict_ms"] for s in done], "ms")
        report["prospect_field_to_probability"] = summary([s["prospect_ms"] for s in done], "ms")
    report["sessions"] = [{"officer": s["officer"]["index"], "client": s["officer"]["client"],
                           "load_s": s["load_s"] and round(s["load_s"], 3),
                           "verdict_ms": s["verdict_ms"] and round(s["verdict_ms"], 1),
                           "prospect_ms": s["prospect_ms"] and round(s["prospect_ms"], 1)} for s in sessions]
    report["all_answered_s"] = result["all_answered_s"]
    report["memory_all_open"] = result["memory_all_open"]
    report["cpu_during_burst"] = result["cpu"]
    report["kernels_shut_down_when_pages_closed"] = all(s["kernel_shut_down"] for s in sessions)
    if args.behind_nginx and not report["kernels_shut_down_when_pages_closed"]:
        report["notes"] = [UNLOAD_NOTE]
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def ok(report: dict) -> bool:
    if report["failures"] or report["wrong_answers"]:
        return False
    audit = report.get("audit")
    return audit is None or (not audit["records_naming_no_signed_in_officer"] and not audit["client_decisions_misnamed"]
                             and audit["chain_verifies"] and not report["pages_not_naming_their_officer"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=OFFICERS)
    parser.add_argument("--pool-size", type=int, default=None, help="default: voila.json's default_pool_size")
    parser.add_argument("--behind-nginx", action="store_true",
                        help="each officer signs in through the shipped nginx configuration (basic auth)")
    parser.add_argument("--out", default=None, help="default: results/officers.json (officers-nginx.json behind nginx)")
    args = parser.parse_args(argv)
    report = measure(args)
    print(json.dumps({k: v for k, v in report.items() if k not in ("memory_all_open", "config")}, indent=2,
                     ensure_ascii=False))
    mem = report["memory_all_open"]
    print(json.dumps({k: mem[k] for k in ("page_kernel_rss_mb", "total_rss_mb", "total_pss_mb", "server")}))
    out = Path(args.out or RESULTS / ("officers-nginx.json" if args.behind_nginx else "officers.json"))
    out.parent.mkdir(exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    print(f"written {out}", flush=True)
    return 0 if ok(report) else 1


if __name__ == "__main__":
    raise SystemExit(main())

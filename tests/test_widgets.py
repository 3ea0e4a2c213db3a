"""The page's behaviour without a browser: callbacks call the core and render, errors become messages."""
import ipywidgets as w
import pytest

from credit_widgets.audit import AuditLog
from credit_widgets.widgets import CreditApp


@pytest.fixture()
def app(credit_model, tmp_path):
    return CreditApp(credit_model, AuditLog(tmp_path / "audit.sqlite"))


def _texts(widget) -> str:
    out = []
    stack = [widget]
    while stack:
        current = stack.pop()
        for attr in ("value", "description"):
            value = getattr(current, attr, None)
            if isinstance(value, str):
                out.append(value)
        stack.extend(getattr(current, "children", ()))
    return "\n".join(out)


def test_client_path_shows_verdict_probability_reasons_and_records_it(app, credit_model):
    client = credit_model.client_ids()[4]
    app._client_id.value = str(client)
    decision = credit_model.score_client(client)
    assert decision.verdict("fr") in app._verdict.value
    assert f"{100 * decision.probability:.1f}".replace(".", ",") in app._probability.value
    assert "<li>" in app._reasons.value and str(client) in app._facts.value
    assert app._error.value == ""
    logged = app.audit.decisions()
    assert len(logged) == 1 and logged[0]["client_id"] == client


def test_unknown_id_is_a_message_and_keeps_the_typed_value(app):
    app._client_id.value = "9999999"
    assert "9999999" in app._error.value and "Traceback" not in _texts(app)
    assert app._client_id.value == "9999999"
    assert app._answer.layout.display == "none"
    app._client_id.value = "12ab"
    assert app._error.value and app._client_id.value == "12ab"


def test_prospect_field_change_rescores_and_absurd_input_is_refused(app):
    app._mode.value = "prospect"
    before = app._probability.value
    form = app._form
    form._inputs["AMT_CREDIT"].value = "1500000"
    form._inputs["AMT_ANNUITY"].value = "120000"
    assert app._probability.value != before
    form._inputs["AMT_CREDIT"].value = "1e12"
    assert "€" in app._error.value                # the valid range, in euros
    assert form._inputs["AMT_CREDIT"].value == "1e12"
    form._inputs["AMT_CREDIT"].value = "1500000"
    assert app._error.value == ""


def _prospect_with_suggestions(model):
    for income in (60000.0, 90000.0, 120000.0, 150000.0, 200000.0):
        for ext in (0.2, 0.3, 0.4, 0.5):
            prospect = {"AMT_INCOME_TOTAL": income, "AMT_CREDIT": 600000.0, "AMT_ANNUITY": 40000.0,
                        "EXT_SOURCE_2": ext, "EXT_SOURCE_3": ext}
            d = model.score_prospect(prospect)
            if not d.favourable and model.suggest(d):
                return prospect
    raise AssertionError("no unfavourable prospect with a suggestion: suggest() is broken")


def test_applying_a_suggestion_changes_the_form_and_the_answer(app, credit_model):
    prospect = _prospect_with_suggestions(credit_model)
    app._mode.value = "prospect"
    form = app._form
    for name in form._inputs:   # only what the prospect says, so that the form gives the same answer
        if name not in prospect:
            form._inputs[name].value = ""
    for name, value in prospect.items():
        form._inputs[name].value = str(value).replace(".", ",")
    assert not app.decision.favourable
    buttons = [b for b in app._suggestions.children if isinstance(b, w.Button)]
    assert buttons and all("cw-suggestion" in b._dom_classes for b in buttons)
    before = (app._probability.value, {k: v.value for k, v in form._inputs.items()})
    buttons[0].click()
    after = {k: v.value for k, v in form._inputs.items()}
    assert after != before[1] and app._probability.value != before[0]
    assert app.decision.favourable


def test_language_switch_relabels_without_changing_the_answer(app, credit_model):
    app._client_id.value = str(credit_model.client_ids()[2])
    probability = app.decision.probability
    app._lang.value = "en"
    assert app.decision.verdict("en") in app._verdict.value
    assert "Default probability" in app._probability.value and app._mode.value == "client"
    assert app._error.value == "" and app.decision.probability == probability


def test_outcome_override_needs_a_reason_then_is_logged(app, credit_model):
    app._client_id.value = str(credit_model.client_ids()[1])
    app._outcome.value = "overrides"
    app._on_record()
    assert "⚠" in app._record_status.value
    app._outcome_reason.value = "Garant solide présenté en entretien"
    app._on_record()
    assert "✔" in app._record_status.value
    outcomes = app.audit.decisions()[-1]["outcomes"]
    assert outcomes[0]["action"] == "overrides"


def test_unexpected_failure_becomes_a_message_not_a_traceback(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(app.model, "score_client", broken)
    app._client_id.value = str(app.model.client_ids()[0])
    assert app._error.value and "internal detail" not in _texts(app) and "Traceback" not in _texts(app)


def test_summary_download_is_self_contained_html(app, credit_model):
    import base64

    app._client_id.value = str(credit_model.client_ids()[0])
    href = app._download.value.split("base64,")[1].split("'")[0]
    page = base64.b64decode(href).decode()
    assert page.startswith("<!DOCTYPE html>") and "http" not in page
    assert app.decision.verdict("fr") in page

"""The page's behaviour without a browser: the one-state rule (the answer on screen is the answer for the inputs
on screen, or there is none), errors next to their field, simulations, outcomes, the summary as a record."""
import base64
import html
import re

import ipywidgets as w
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_widgets.audit.log import AuditLog
from credit_widgets.explain.recourse import apply as apply_suggestion
from credit_widgets.text import i18n
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


def _type(app, values: dict) -> None:
    for name, text in values.items():
        app.form._inputs[name].value = text


def _summary(app) -> str:
    href = app.outcome.download.value.split("base64,")[1].split("'")[0]
    return base64.b64decode(href).decode()


BASIC = {"AMT_INCOME_TOTAL": "150 000", "AMT_CREDIT": "600 000", "AMT_ANNUITY": "30 000"}


def _prospect(app, values=BASIC):
    app.mode.value = "prospect"
    _type(app, values)
    assert app.decision is not None, app.no_decision.value


def test_client_path_shows_verdict_probability_reasons_and_records_it(app, credit_model):
    client = credit_model.client_ids()[4]
    app.client.id.value = str(client)
    decision = credit_model.score_client(client)
    assert decision.verdict("fr") in app.answer.verdict.value
    assert f"{100 * decision.probability:.1f}".replace(".", ",") in app.answer.probability.value
    assert "<li>" in app.answer.reasons.value and str(client) in app.client.facts.value
    assert app.page_error.value == "" and app.no_decision.value == ""
    logged = app.audit.decisions()
    assert len(logged) == 1 and logged[0]["client_id"] == client


def test_an_id_typed_with_spaces_is_the_client(app, credit_model):
    client = str(credit_model.client_ids()[4])
    app.client.id.value = f"{client[:3]} {client[3:]}"
    assert app.decision is not None and app.decision.client_id == int(client)


def test_unknown_id_clears_the_previous_file_and_keeps_the_typed_value(app, credit_model):
    app.client.id.value = str(credit_model.client_ids()[2])
    assert app.client.facts.value
    app.client.id.value = "9999999"
    assert app.decision is None and app.client.facts.value == "" and app.outcome.download.value == ""
    assert "9999999" in app.client.error.value and "Traceback" not in _texts(app)
    assert app.client.id.value == "9999999"
    assert app.details.layout.display == "none" and app.answer.layout.display == "none"
    app.language.value = "en"   # the message follows the language
    assert "unknown" in app.client.error.value and "inconnu" not in app.client.error.value
    app.client.id.value = "12ab"
    assert app.client.error.value and app.client.id.value == "12ab" and app.decision is None


def test_prospect_form_starts_empty_without_a_decision_or_a_log(app):
    app.mode.value = "prospect"
    assert all(text == "" for text in app.form.texts().values())
    assert app.decision is None and app.audit.decisions() == []
    assert "Revenu mensuel" in app.no_decision.value   # what is missing, said in the answer's place


def test_a_rejected_entry_withdraws_the_answer_and_nothing_can_be_recorded(app):
    _prospect(app)
    logged = len(app.audit.decisions())
    for field, text in (("AMT_INCOME_TOTAL", "abc"), ("DAYS_BIRTH", "17"), ("EXT_SOURCE_2", "1,5"),
                        ("AMT_ANNUITY", "700 000")):
        before = app.form.texts()[field]
        app.form._inputs[field].value = text
        assert app.decision is None and app.decision_id is None, field
        assert app.answer.layout.display == "none" and app.details.layout.display == "none"
        assert app.outcome.download.value == ""
        message = app.form._messages[field]
        assert message.value.startswith("⚠") and "cw-invalid" in app.form._inputs[field]._dom_classes
        app.outcome.record.click()   # a click on the hidden button changes nothing
        assert len(app.audit.decisions()) == logged
        assert app.form.texts()[field] == text   # never rewritten
        app.form._inputs[field].value = before
        assert app.decision is not None and app.form._messages[field].value == ""
        logged = len(app.audit.decisions())


def test_an_empty_income_gives_no_answer(app):
    _prospect(app)
    app.form._inputs["AMT_INCOME_TOTAL"].value = ""
    assert app.decision is None and "Revenu mensuel" in app.no_decision.value


def test_language_switch_never_rewrites_what_was_typed_nor_forgets_an_error(app, credit_model):
    _prospect(app, {**BASIC, "AMT_CREDIT": "601 350,50"})
    probability = app.decision.probability
    app.form._inputs["DAYS_BIRTH"].value = "17"
    assert app.decision is None
    typed = app.form.texts()
    app.language.value = "en"
    assert app.form.texts() == typed
    assert app.decision is None and "Age" in app.form._messages["DAYS_BIRTH"].value
    app.form._inputs["DAYS_BIRTH"].value = ""
    assert app.decision is not None and app.decision.probability == pytest.approx(probability)
    assert app.decision.inputs["AMT_CREDIT"] == 601350.5   # the same number in both languages


def test_an_ambiguous_number_is_refused_not_guessed(app):
    _prospect(app)
    app.form._inputs["AMT_CREDIT"].value = "1,350"
    assert app.decision is None and "1,350" in app.form._messages["AMT_CREDIT"].value


def test_applying_a_suggestion_is_a_simulation_that_can_be_undone(app, credit_model):
    client = next(c for c in credit_model.client_ids()[:400]
                  if not credit_model.score_client(c).favourable and credit_model.suggest(credit_model.score_client(c)))
    app.client.id.value = str(client)
    original, original_id = app.decision, app.decision_id
    buttons = [b for b in app.answer.suggestions.children if isinstance(b, w.Button)]
    assert buttons and all("cw-suggestion" in b._dom_classes for b in buttons)
    buttons[0].click()
    assert app.original is original and app.changes
    assert app.answer.simulation_box.layout.display is None and "Simulation" in app.answer.simulation.value
    assert i18n.percent(original.probability, "fr", 1) in app.answer.simulation.value   # the original stays beside it
    assert "simulation" in app.client.facts.value and "<s>" in app.client.facts.value
    record = app.audit.decisions()[-1]
    assert record["inputs"]["simulation"]["of"] == original_id
    assert app.outcome.download.value == ""   # nothing to hand over before an outcome
    app.outcome.record.click()
    assert "Simulation" in _summary(app)
    app.answer.undo.click()
    assert app.decision is original and app.decision_id == original_id and app.original is None
    assert app.answer.simulation_box.layout.display == "none"


def test_undo_brings_back_the_outcome_recorded_for_the_application(app, credit_model):
    """The officer records an override, tries a suggestion (a new, unrecorded decision: a blank outcome), undoes
    it: the override on record for the application as it is shows again, and a click amends it."""
    client = next(c for c in credit_model.client_ids()[:400]
                  if not credit_model.score_client(c).favourable and credit_model.suggest(credit_model.score_client(c)))
    app.client.id.value = str(client)
    app.outcome.choice.value, app.outcome.reason.value = "overrides", "Garant solide"
    app.outcome.record.click()
    assert app.outcome.record.description == i18n.t("ui:amend", "fr")
    [b for b in app.answer.suggestions.children if isinstance(b, w.Button)][0].click()
    assert app.outcome.choice.value == "follows" and app.outcome.reason.value == ""
    assert app.outcome.record.description == i18n.t("ui:record", "fr")
    app.answer.undo.click()
    assert (app.outcome.choice.value, app.outcome.reason.value) == ("overrides", "Garant solide")
    assert app.outcome.record.description == i18n.t("ui:amend", "fr")


def test_a_prospect_simulation_changes_the_form_and_undo_restores_it(app, credit_model):
    for values in ({"AMT_INCOME_TOTAL": "60000", "AMT_CREDIT": "900000", "AMT_ANNUITY": "60000",
                    "EXT_SOURCE_2": "0,2", "EXT_SOURCE_3": "0,2"},
                   {"AMT_INCOME_TOTAL": "90000", "AMT_CREDIT": "600000", "AMT_ANNUITY": "40000",
                    "EXT_SOURCE_2": "0,3", "EXT_SOURCE_3": "0,3"}):
        _prospect(app, values)
        if not app.decision.favourable and app.suggestions:
            break
    else:
        raise AssertionError("no unfavourable prospect among these: make one weaker")
    typed = app.form.texts()
    buttons = [b for b in app.answer.suggestions.children if isinstance(b, w.Button)]
    buttons[0].click()
    assert app.form.texts() != typed and app.original is not None
    assert app.decision.probability == pytest.approx(
        credit_model.score_prospect({k: v for k, v in app.form.values().items() if v is not None}).probability)
    app.answer.undo.click()
    assert app.form.texts() == typed and app.original is None


def test_the_outcome_starts_clean_for_the_next_applicant_and_is_recorded_once(app, credit_model):
    first, second = credit_model.client_ids()[1], credit_model.client_ids()[2]
    app.client.id.value = str(first)
    app.outcome.choice.value = "overrides"
    app.outcome.record.click()
    assert "⚠" in app.outcome.status.value
    app.outcome.reason.value = f"Garant solide pour {first}"
    app.outcome.record.click()
    app.outcome.record.click()   # twice: no duplicate
    outcomes = app.audit.decisions()[-1]["outcomes"]
    assert [o["action"] for o in outcomes] == ["overrides"]
    app.outcome.choice.value = "follows"
    app.outcome.record.click()   # a change of mind is an amendment, said as such
    outcomes = app.audit.decisions()[-1]["outcomes"]
    assert [o["action"] for o in outcomes] == ["overrides", "follows"]
    assert "amendement" in app.outcome.status.value
    assert html.escape("Je suis l'avis") in _summary(app)
    app.client.id.value = str(second)
    assert app.outcome.choice.value == "follows" and app.outcome.reason.value == "" and app.outcome.status.value == ""
    assert app.audit.decisions()[-1]["outcomes"] == []


def test_the_example_is_marked_and_never_logged(app):
    app.mode.value = "prospect"
    app.prospect.example.click()
    assert app.decision is not None and app.decision_id is None
    assert app.prospect.example_note.value and app.outcome.layout.display == "none" and app.outcome.download.value == ""
    assert app.audit.decisions() == []
    app.prospect.new_prospect.click()
    assert app.decision is None and all(v == "" for v in app.form.texts().values())


def test_summary_is_a_self_contained_record(app, credit_model):
    client = credit_model.client_ids()[0]
    app.client.id.value = str(client)
    assert app.outcome.download.value == ""
    app.outcome.record.click()
    page = _summary(app)
    assert page.startswith("<!DOCTYPE html>") and "http" not in page
    assert app.decision.verdict("fr") in page and str(client) in page and app.decision_id in page
    assert app.decision.model_version in page
    assert re.search(r"UTC[+-]\d{4}", page)   # local time, with its offset
    for reason in app.decision.reasons:
        assert reason.text("fr").replace("'", "&#x27;") in page


def test_unexpected_failure_becomes_a_message_not_a_traceback(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(app.model, "score_client", broken)
    app.client.id.value = str(app.model.client_ids()[0])
    assert app.page_error.value and "internal detail" not in _texts(app) and "Traceback" not in _texts(app)
    assert app.decision is None


def _refused_client(credit_model):
    return next(c for c in credit_model.client_ids()[:400] if not credit_model.score_client(c).favourable)


def test_the_download_is_the_final_decisions_letter_and_appears_once_recorded(app, credit_model):
    client = _refused_client(credit_model)
    app.client.id.value = str(client)
    assert app.outcome.download.value == ""
    app.outcome.record.click()   # follows the unfavourable advice
    letter = _summary(app).split("officer-view")[0]
    assert 'data-final="refused"' in letter and i18n.t("letter:title_refused", "fr") in letter
    assert str(client) in letter
    app.outcome.choice.value, app.outcome.reason.value = "overrides", "Garant solide"
    app.outcome.record.click()
    letter = _summary(app).split("officer-view")[0]
    assert 'data-final="accepted"' in letter and "Garant solide" in letter and "refus" not in letter.lower()


def test_a_mode_switch_and_back_and_a_value_typed_again_log_nothing_new(app, credit_model):
    app.client.id.value = str(credit_model.client_ids()[3])
    logged = len(app.audit.decisions())
    app.mode.value = "prospect"
    app.mode.value = "client"
    assert app.decision is not None and len(app.audit.decisions()) == logged
    _prospect(app)
    logged = len(app.audit.decisions())
    app.form._inputs["AMT_CREDIT"].value = "600 000,00"   # the same number written otherwise
    app.mode.value = "client"
    app.mode.value = "prospect"
    assert app.decision is not None and len(app.audit.decisions()) == logged


def test_a_second_page_on_the_same_client_sees_the_outcome_and_only_amends_it_knowingly(credit_model, tmp_path):
    log = AuditLog(tmp_path / "shared.sqlite")
    a, b = CreditApp(credit_model, log), CreditApp(credit_model, log)
    client = str(credit_model.client_ids()[5])
    a.client.id.value = client
    b.client.id.value = client
    a.outcome.record.click()
    b.outcome.choice.value, b.outcome.reason.value = "overrides", "Revenus complémentaires justifiés"
    b.outcome.record.click()
    assert "⚠" in b.outcome.status.value and b.outcome.choice.value == "follows"   # shown what is on record
    assert [o["action"] for o in log.decisions()[-1]["outcomes"]] == ["follows"]
    b.outcome.choice.value, b.outcome.reason.value = "overrides", "Revenus complémentaires justifiés"
    b.outcome.record.click()
    assert [o["action"] for o in log.decisions()[-1]["outcomes"]] == ["follows", "overrides"]
    c = CreditApp(credit_model, log)
    c.client.id.value = client
    assert c.outcome.choice.value == "overrides" and "Revenus complémentaires" in c.outcome.status.value
    assert c.outcome.record.description == i18n.t("ui:amend", "fr")


# ---- the rule, over any sequence of the officer's actions --------------------------------------------------------
_FIELDS = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "EXT_SOURCE_2", "DAYS_BIRTH"]
_TEXTS = ["", "abc", "150 000", "600000", "30 000", "1,350", "0,45", "0.6", "17", "43", "1e12", "25 000,5"]
_ACTIONS = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(_FIELDS), st.sampled_from(_TEXTS)),
    st.tuples(st.just("lang"), st.sampled_from(["fr", "en"]), st.none()),
    st.tuples(st.just("mode"), st.sampled_from(["client", "prospect"]), st.none()),
    st.tuples(st.just("id"), st.sampled_from(["first", "second", "1", "12ab", ""]), st.none()),
    st.tuples(st.just("apply"), st.none(), st.none()),
    st.tuples(st.just("undo"), st.none(), st.none()),
    st.tuples(st.just("record"), st.sampled_from(["follows", "overrides"]), st.sampled_from(["", "garant"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ACTIONS, min_size=1, max_size=8))
def test_the_answer_on_screen_is_always_for_the_inputs_on_screen(credit_model, tmp_path_factory, actions):  # noqa: C901 (a rule-based state machine of officer actions: one branch per action)
    app = CreditApp(credit_model, AuditLog(tmp_path_factory.mktemp("audit") / "a.sqlite"))
    ids = {"first": str(credit_model.client_ids()[0]), "second": str(credit_model.client_ids()[1])}
    for kind, a, b in actions:
        if kind == "type" and app.mode.value == "prospect":
            app.form._inputs[a].value = b
        elif kind == "lang":
            app.language.value = a
        elif kind == "mode":
            app.mode.value = a
        elif kind == "id" and app.mode.value == "client":
            app.client.id.value = ids.get(a, a)
        elif kind == "apply":
            buttons = [x for x in app.answer.suggestions.children if isinstance(x, w.Button)]
            if buttons and app.decision is not None:
                buttons[0].click()
        elif kind == "undo" and app.original is not None:
            app.answer.undo.click()
        elif kind == "record":
            app.outcome.choice.value, app.outcome.reason.value = a, b
            app.outcome.record.click()
        d = app.decision
        if d is None:
            assert app.answer.layout.display == "none" and app.outcome.download.value == ""
            continue
        assert app.answer.layout.display is None
        if app.mode.value == "prospect":
            values, errors = app.form.read()
            assert not errors
            expected = credit_model.score_prospect({k: v for k, v in values.items() if v is not None})
        else:
            expected = credit_model.score_client(int(app.client.id.value))
            for suggestion in app.applied:   # a simulation: the suggestions applied, in order
                expected = apply_suggestion(credit_model, expected, suggestion)
        assert d.probability == pytest.approx(expected.probability, abs=1e-9)
        assert i18n.percent(d.probability, app.lang, 1) in app.answer.probability.value
        if app.decision_id is not None:
            logged = {r["id"]: r for r in app.audit.decisions()}[app.decision_id]
            assert logged["probability"] == pytest.approx(d.probability)
            for outcome in logged["outcomes"]:
                assert outcome["decision_id"] == app.decision_id


def test_a_refusal_with_only_partial_steps_shows_them_as_such_and_the_notice_follows(app, credit_model):
    for client in credit_model.client_ids()[:600]:
        d = credit_model.score_client(client)
        if not d.favourable:
            steps = credit_model.suggest(d)
            if steps and all(s.partial for s in steps):
                break
    else:
        pytest.skip("no refused client with only partial steps among the first 600")
    app.client.id.value = str(client)
    buttons = [b for b in app.answer.suggestions.children if isinstance(b, w.Button)]
    assert buttons and all("partielle" in b.description for b in buttons)
    app.outcome.record.click()
    page = _summary(app)
    assert "notice" in page and app.decision_id in page and "officer-view" in page
    from credit_widgets.documents.reason_codes import group_members, letter_reasons

    for code in letter_reasons(app.decision, group_members(credit_model.scoring.feature_names)):
        assert html.escape(code.text("fr")) in page
    buttons[0].click()
    assert app.original is not None and app.decision.probability < app.original.probability
    assert app.form is not None and "Simulation" in app.answer.simulation.value


def test_years_are_shown_to_one_decimal_and_without_a_trailing_zero():
    from credit_widgets.data.schema import FIELDS
    from credit_widgets.widgets.form import format_shown, parse_shown

    age = FIELDS["DAYS_BIRTH"]
    assert format_shown(age, age.to_display(-15706), "en") == "43"     # 43.0007 years: "43", not "43.0"
    assert format_shown(age, 42.5, "en") == "42.5" and format_shown(age, 42.5, "fr") == "42,5"
    for days in (-15706, -15530, -9000):   # what is shown, typed back, is the same number of days
        shown = format_shown(age, age.to_display(days), "fr")
        assert abs(age.from_display(parse_shown(age, shown)) - days) <= 0.05 * 365.25 + 1


def test_a_yes_no_input_is_not_offered_as_a_position_and_would_get_whole_ticks(credit_model):
    """"Where the applicant stands" offers no yes / no input (a rank among 0s and 1s reads wrongly); were one drawn,
    its axis would read 0 and 1, not d3's "200m", "400m"."""
    from credit_widgets.data.schema import FIELDS
    from credit_widgets.explain.reasons import value_style
    from credit_widgets.widgets.charts import _round_ticks, axis_scale

    offered = credit_model.position_columns()
    assert offered and not [c for c in offered if c in FIELDS and FIELDS[c].yes_no]
    for field in (f for f in FIELDS.values() if f.yes_no):
        style = value_style(field.name)
        assert axis_scale(style)[1] == "d"
        assert list(_round_ticks(0.0, 1.0, style)) == [0.0, 1.0]

"""The desk (the page's state, no widgets) and its rules, in milliseconds: a scoring service of a few lines stands in
for the model, the audit log is the real one. The rules do not depend on what the model learnt: the one-state rule,
one decision record per decision, the outcome read back from the log, the final decision and what it lets out."""
from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_widgets.audit.log import AuditLog
from credit_widgets.decision.desk import Desk
from credit_widgets.decision.final import FINAL_STATE, advice_state
from credit_widgets.decision.rules import Decision
from credit_widgets.decision.validate import InputError, validate_application
from credit_widgets.serving.ledger import Ledger

IDS = list(range(100000, 100008))
THRESHOLD = 0.3


class Change:
    """A suggestion as the desk reads one: the inputs it changes and its words."""

    history: dict = {}
    steps: tuple = ()
    partial = False

    def __init__(self, changes):
        self.changes = changes

    def text(self, lang):
        return f"credit {self.changes['AMT_CREDIT']:.0f}"


class Service:
    """The scoring service's face the desk uses: a known client's file, a prospect's inputs, a suggestion."""

    def __init__(self):
        self.population = SimpleNamespace(row=lambda c: IDS.index(c) if c in IDS else None)
        self.calls = 0

    def client_ids(self):
        return IDS

    def close_ids(self, client):
        return IDS[:2]

    def decide(self, inputs, client_id):
        self.calls += 1
        load = inputs["AMT_CREDIT"] / inputs["AMT_INCOME_TOTAL"] / 20 + inputs.get("EXT_SOURCE_2", 0.5) / 10
        p = load / (1 + load)
        return Decision(probability=p, threshold=THRESHOLD, favourable=p < THRESHOLD, margin=THRESHOLD - p,
                        model_version="fake-1", artifact_hash="h1", borderline=False, rare_profile=False,
                        thin_file=False, base_value=0.0, contributions={"AMT_CREDIT": p}, reasons=[],
                        client_id=client_id, inputs=dict(inputs), model="client" if client_id else "application")

    def score_client(self, client):
        i = IDS.index(client)
        return self.decide({"AMT_INCOME_TOTAL": 1000.0 * (1 + i), "AMT_CREDIT": 20000.0, "AMT_ANNUITY": 900.0},
                           client)

    def score_prospect(self, inputs):
        return self.decide(validate_application(inputs), None)

    def suggest(self, d):
        return [] if d.favourable else [Change({"AMT_CREDIT": round(d.inputs["AMT_CREDIT"] / 2)})]

    def apply(self, d, suggestion):
        return self.decide({**d.inputs, **suggestion.changes}, d.client_id)


@pytest.fixture()
def log(tmp_path):
    return AuditLog(tmp_path / "audit.sqlite")


def desk_on(log, officer="officer1"):
    return Desk(Service(), Ledger(log), officer)


FORM = {"AMT_INCOME_TOTAL": 30000.0, "AMT_CREDIT": 600000.0, "AMT_ANNUITY": 30000.0, "EXT_SOURCE_2": None}


def test_the_desk_imports_no_widget():
    code = ("import sys, credit_widgets.decision.desk; "
            "print([m for m in ('ipywidgets', 'bqplot', 'credit_widgets.widgets') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_client_is_decided_logged_once_and_shown_again_after_a_mode_switch(log):
    desk = desk_on(log)
    desk.enter_client(str(IDS[1]))
    first = desk.decision_id
    assert desk.decision is not None and first is not None and len(log.decisions()) == 1
    desk.set_mode("prospect")
    assert desk.decision is None and [p.field for p in desk.problems] == ["AMT_INCOME_TOTAL", "AMT_CREDIT",
                                                                        "AMT_ANNUITY"]
    desk.set_mode("client")
    desk.enter_client(f"{str(IDS[1])[:3]} {str(IDS[1])[3:]}", submitted=True)   # typed again, Enter
    assert desk.decision_id == first and len(log.decisions()) == 1


def test_the_same_application_typed_again_is_one_record_and_is_not_scored_again(log):
    desk = desk_on(log)
    desk.set_mode("prospect")
    desk.enter_prospect(FORM, typed={"AMT_CREDIT": "600 000"})
    first, calls = desk.decision_id, desk.model.calls
    desk.enter_prospect(FORM, typed={"AMT_CREDIT": "600 000,00"})   # the same number, written otherwise
    desk.enter_prospect(FORM, typed={"AMT_CREDIT": "600 000,00"})   # Enter twice
    assert desk.decision_id == first and desk.model.calls == calls and len(log.decisions()) == 1
    other = desk_on(log)   # another page, the same prospect: the same record
    other.set_mode("prospect")
    other.enter_prospect(FORM)
    assert other.decision_id == first and len(log.decisions()) == 1


def test_a_missing_required_input_or_an_impossible_one_withdraws_the_decision(log):
    desk = desk_on(log)
    desk.set_mode("prospect")
    desk.enter_prospect(FORM)
    assert desk.decision is not None
    desk.enter_prospect({**FORM, "AMT_ANNUITY": None})
    assert desk.decision is None and desk.decision_id is None and desk.final is None
    assert [(p.field, p.key) for p in desk.problems] == [("AMT_ANNUITY", "required")]
    desk.enter_prospect({**FORM, "AMT_CREDIT": 20000.0})   # the instalment above the credit
    assert desk.decision is None and desk.problems[0].key == "annuity_above_credit"
    desk.enter_prospect(FORM, errors={"EXT_SOURCE_2": InputError("EXT_SOURCE_2", "type_number")})
    assert desk.decision is None and desk.problems[0].field == "EXT_SOURCE_2"


def test_nothing_leaves_before_an_outcome_and_the_final_decision_follows_the_officer(log):
    desk = desk_on(log)
    desk.enter_client(str(IDS[0]))   # the lowest income: refused
    assert not desk.decision.favourable and desk.final is None
    desk.record("overrides", "")
    assert desk.record_notice.key == "ui:reason_needed" and desk.final is None
    desk.record("follows")
    assert desk.final.state == "refused" and desk.record_notice.key == "ui:recorded"
    desk.record("overrides", "Garant solide")
    final = desk.final
    assert final.state == "accepted" and final.outcome.reason == "Garant solide" and final.outcome.officer == "officer1"
    assert desk.record_notice.key == "ui:amended"
    desk.record("overrides", "Garant solide")   # the same again: nothing written
    assert desk.record_notice.key == "ui:already_recorded"
    assert [o["action"] for o in log.decisions()[-1]["outcomes"]] == ["follows", "overrides"]


def test_an_accepted_simulation_is_the_offer_with_its_changes_and_undo_comes_back_to_the_record(log):
    desk = desk_on(log)
    desk.enter_client(str(IDS[0]))
    original, original_id = desk.decision, desk.decision_id
    desk.record("follows")
    desk.apply(desk.suggestions[0])
    assert desk.simulation.original is original and desk.decision_id != original_id and desk.final is None
    desk.record("follows")
    final = desk.final
    assert final.advice is desk.decision and final.simulation is desk.simulation
    if final.state == "accepted":
        assert final.offer.changed() == [("AMT_CREDIT", 20000.0, 10000)]
    record = {r["id"]: r for r in log.decisions()}[desk.decision_id]
    assert record["inputs"]["simulation"]["of"] == original_id
    desk.undo()
    assert desk.decision is original and desk.decision_id == original_id and desk.simulation is None
    assert desk.final.state == "refused"   # the outcome on record for the application as it is
    assert len(log.decisions()) == 2


def test_a_second_page_sees_the_outcome_and_cannot_overwrite_it_unknowingly(log):
    a, b = desk_on(log, "officerA"), desk_on(log, "officerB")
    a.enter_client(str(IDS[2]))
    b.enter_client(str(IDS[2]))
    assert a.decision_id == b.decision_id
    a.record("follows")
    assert b.outcome is None   # b has not looked again yet
    b.record("overrides", "Revenus complémentaires justifiés")
    assert b.record_notice.key == "ui:recorded_elsewhere" and "officerA" in b.record_notice.text("en")
    assert b.outcome.action == "follows" and b.outcome.officer == "officerA"
    assert [o["action"] for o in log.decisions()[-1]["outcomes"]] == ["follows"]   # nothing written
    b.record("overrides", "Revenus complémentaires justifiés")   # now knowingly: an amendment
    assert b.record_notice.key == "ui:amended"
    c = desk_on(log, "officerC")
    c.enter_client(str(IDS[2]))   # a page opened later shows who recorded what
    assert c.outcome.officer == "officerB" and c.final.state == FINAL_STATE[(advice_state(c.decision), "overrides")]


def test_the_example_is_never_logged_and_nothing_of_it_can_be_recorded(log):
    desk = desk_on(log)
    desk.set_mode("prospect")
    desk.show_example(FORM)
    assert desk.decision is not None and desk.decision_id is None and log.decisions() == []
    desk.record("follows")
    assert desk.final is None and log.decisions() == []
    desk.new_prospect()
    assert desk.decision is None and not desk.example


def test_an_unexpected_failure_is_a_message_and_no_decision(log, monkeypatch):
    desk = desk_on(log)
    monkeypatch.setattr(desk.model, "score_client", lambda c: 1 / 0)
    desk.enter_client(str(IDS[0]))
    assert desk.decision is None and desk.page_notice.key == "ui:unexpected"


# ---- the rules over any sequence of the officer's actions ------------------------------------------------------
_VALUES = [None, 1000.0, 20000.0, 30000.0, 150000.0, 600000.0]
_ACTIONS = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY"]),
              st.sampled_from(_VALUES)),
    st.tuples(st.just("mode"), st.sampled_from(["client", "prospect"]), st.none()),
    st.tuples(st.just("id"), st.sampled_from([str(IDS[0]), str(IDS[3]), "12ab", "", "9999999"]), st.booleans()),
    st.tuples(st.just("apply"), st.none(), st.none()),
    st.tuples(st.just("undo"), st.none(), st.none()),
    st.tuples(st.just("lang"), st.sampled_from(["fr", "en"]), st.none()),
    st.tuples(st.just("record"), st.sampled_from(["follows", "overrides"]), st.sampled_from(["", "garant"])),
    st.tuples(st.just("other page records"), st.sampled_from(["follows", "overrides"]), st.none()),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ACTIONS, min_size=1, max_size=12))
def test_every_rule_holds_after_any_sequence_of_actions(tmp_path_factory, actions):  # noqa: C901 (one branch per officer action)
    log = AuditLog(tmp_path_factory.mktemp("audit") / "a.sqlite")
    desk, other = desk_on(log), desk_on(log, "other")
    form = {}
    for kind, a, b in actions:
        if kind == "type":
            form[a] = b
            if desk.mode == "prospect":
                desk.enter_prospect(dict(form))
        elif kind == "mode":
            desk.set_mode(a)
        elif kind == "id" and desk.mode == "client":
            desk.enter_client(a, b)
        elif kind == "apply" and desk.suggestions:
            desk.apply(desk.suggestions[0])
        elif kind == "undo":
            desk.undo()
        elif kind == "lang":
            desk.set_lang(a)
        elif kind == "record":
            desk.record(a, b)
        elif kind == "other page records" and desk.decision_id is not None:
            other.ledger.record_outcome(desk.decision_id, action=a, reason="other", officer="other")
        records = log.decisions()
        d = desk.decision
        # the one state: the decision is the one for exactly the inputs on the desk, or there is none
        if d is None:
            assert desk.decision_id is None and desk.final is None and desk.simulation is None
        else:
            assert desk.problems == []
            steps = desk.simulation.steps if desk.simulation else ()
            if desk.mode == "client":
                expected = desk.model.score_client(int(desk.client_text.replace(" ", "")))
            else:
                expected = desk.model.score_prospect({k: v for k, v in (desk.simulation.original.inputs if steps
                                                                        else desk.inputs).items() if v is not None})
            for step in steps:
                expected = desk.model.apply(expected, step)
            assert d.probability == pytest.approx(expected.probability) and d.inputs == expected.inputs
        # one record per decision: no two records of the same applicant, inputs and model
        keys = [(r["client_id"], r["prospect_key"], repr(sorted(r["inputs"].items(), key=str)), r["model_version"])
                for r in records]
        assert len(keys) == len(set(keys))
        if desk.decision_id is not None:
            record = {r["id"]: r for r in records}[desk.decision_id]
            assert record["probability"] == pytest.approx(d.probability)
            on_record = record["outcomes"][-1] if record["outcomes"] else None
            # what the desk says is on record is what the log has, unless another page wrote since it last looked
            if desk.outcome is not None:
                assert any((o["action"], o["officer"]) == (desk.outcome.action, desk.outcome.officer)
                           for o in record["outcomes"])
            if desk.final is not None:
                assert desk.final.state == FINAL_STATE[(advice_state(d), desk.final.outcome.action)]
            if on_record is None:
                assert desk.final is None
        # an outcome is never written twice in a row the same by this desk
        for r in records:
            mine = [(o["action"], o["reason"]) for o in r["outcomes"] if o["officer"] == "officer1"]
            assert all(x != y for x, y in zip(mine, mine[1:]))

"""The officer's desk: the page's state as one object, without widgets.

The one rule: the desk holds the applicant's inputs as typed and either the decision for exactly those inputs or no
decision at all (`problems` then say why). Every change of state is one of its methods; a front end (the Voilà page,
a test, another front end) only calls them and draws the traits it observes. A new applicant (another client, an
unknown id, a new prospect, a mode switch) starts from a clean desk, outcome included. Applying a suggestion is a
`Simulation`: it keeps the decision for the application as it is beside it and can be undone. The language only
changes the words.

The record rules: the same inputs for the same applicant and model are one decision record (shown again, never logged
again: mode switches, values typed again, Enter pressed twice); the outcome recorded for a decision is read back from
the log, so a second page on the same applicant sees it and can only amend it, never overwrite it unknowingly.

The desk never imports the scoring service, the log or the widgets: the front end hands them in. `model` is the
scoring service (`score_client`, `score_prospect`, `suggest`, `apply`, `population`, `close_ids`, `client_ids`),
`ledger` writes and reads the audit log (`record`, `outcomes`, `record_outcome`: `audit.Ledger`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import traitlets as tr

from ..text import i18n
from .final import FinalDecision, Outcome, Simulation
from .validate import InputError, missing_required, validate_application

log = logging.getLogger("credit_widgets.desk")
MODES = ("client", "prospect")


@dataclass(frozen=True)
class Notice:
    """A sentence for the officer about the last action (beside the record button, or at the top of the page)."""

    key: str
    params: tuple = ()

    def text(self, lang: str) -> str:
        values = {k: v(lang) if callable(v) else v for k, v in self.params}   # a value said per language
        return i18n.t(self.key, lang, **values)


def _guarded(method):
    """Bad input becomes problems next to its field; a failing log or anything unexpected withdraws the decision
    and says so at the top of the page (details go to the server log): never a traceback, never a stale answer."""

    def run(self, *args, **kwargs):
        with self.hold_trait_notifications():
            self.page_notice = None
            try:
                method(self, *args, **kwargs)
            except InputError as error:
                if error.field is None:   # not the applicant's input (the scoring service is silent...)
                    self._withdraw([])
                    self.page_notice = Notice("ui:as_said", (("text", error.message),))
                else:
                    self._withdraw([error])
            except Exception as error:
                if type(error).__name__ == "AuditError":   # a decision that could not be logged is not shown
                    self._withdraw([])
                    self.page_notice = Notice("ui:audit_failed", (("why", str(error)),))
                else:
                    log.exception("desk action failed")
                    self._withdraw([])
                    self.page_notice = Notice("ui:unexpected")
            self.revision += 1
    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


class Desk(tr.HasTraits):
    lang = tr.Unicode("fr")
    mode = tr.Enum(MODES, "client")
    client_text = tr.Unicode("")          # the client id as typed
    typed = tr.Dict()                     # the prospect form as typed (field -> text), kept for undo
    inputs = tr.Dict()                    # the prospect's inputs read from what was typed (data units, None: empty)
    example = tr.Bool(False)              # the form holds the fictitious example, not an applicant (never logged)
    problems = tr.List()                  # why there is no decision: InputErrors
    close_ids = tr.List()                 # known ids near an unknown one
    decision = tr.Any(None, allow_none=True)     # the decision for exactly the inputs on the desk, or None
    decision_id = tr.Unicode(None, allow_none=True)   # its audit id (None for the example)
    simulation = tr.Instance(Simulation, allow_none=True)
    suggestions = tr.List()
    outcomes = tr.Dict()                  # decision id -> Outcome, as the log has it
    record_notice = tr.Instance(Notice, allow_none=True)   # what became of the last click on "record"
    page_notice = tr.Instance(Notice, allow_none=True)     # a problem that is no input's
    revision = tr.Int(0)                  # one step per action: a front end redraws once per action

    def __init__(self, model, ledger, officer: str | None = None, lang: str = "fr", **kwargs):
        super().__init__(lang=i18n.check_lang(lang), **kwargs)
        self.model = model
        self.ledger = ledger
        self.officer = officer
        self._entered: dict = {}   # what the form last read: values and errors, for a switch back to the prospect

    # ---- what the front end reads ------------------------------------------------------------------------------
    @property
    def outcome(self) -> Outcome | None:
        """The outcome on record for the decision on the desk."""
        return self.outcomes.get(self.decision_id) if self.decision_id is not None else None

    @property
    def final(self) -> FinalDecision | None:
        """The final decision (advice + outcome) once an outcome is recorded, else None: nothing may be addressed
        to the customer before."""
        outcome = self.outcome
        if self.decision is None or outcome is None:
            return None
        return FinalDecision(self.decision, outcome, self.decision_id, self.simulation)

    # ---- the officer's actions ---------------------------------------------------------------------------------
    @_guarded
    def set_lang(self, lang: str) -> None:
        self.lang = i18n.check_lang(lang)

    @_guarded
    def set_mode(self, mode: str) -> None:
        """Another kind of applicant: a clean desk, then the applicant that mode shows (the id or the form as they
        still are: a switch and back shows the same decision, logged once)."""
        self.mode = mode
        self._new_applicant()
        if mode == "client":
            self._enter_client(False)
        else:
            self._enter_prospect(**(self._entered or {"values": {}, "errors": {}, "typed": {}}))

    @_guarded
    def enter_client(self, text: str, submitted: bool = False) -> None:
        self.client_text = text
        self._enter_client(submitted)

    @_guarded
    def enter_prospect(self, values: dict, errors: dict | None = None, typed: dict | None = None) -> None:
        """The form as read: `values` in data units (None where empty), `errors` the fields that could not be read
        (field -> InputError), `typed` the texts. A field typed by the officer is the application itself: any
        simulation ends there."""
        self._enter_prospect(values, errors or {}, typed or {})

    @_guarded
    def show_example(self, values: dict, typed: dict | None = None) -> None:
        self._new_applicant()
        self.example = True
        self._enter_prospect(values, {}, typed or {})

    @_guarded
    def new_prospect(self) -> None:
        self._new_applicant()
        self.example = False
        self._entered = {}
        self.inputs, self.typed = {}, {}
        self._enter_prospect({}, {}, {})

    @_guarded
    def apply(self, suggestion) -> None:
        """A suggestion applied to the decision on the desk: a simulation, the original kept beside it."""
        if self.decision is None:
            return
        current = self.simulation
        original = current.original if current else self.decision
        original_id = current.original_id if current else self.decision_id
        changes = {**(current.changes if current else {}), **suggestion.changes}
        typed = current.typed if current else dict(self.typed)
        steps = (*(current.steps if current else ()), suggestion)
        decision = self.model.apply(self.decision, suggestion)   # from the answer on the desk: computed for it
        simulation = Simulation(original, original_id, changes, steps, typed)
        if self.mode == "prospect":
            self.inputs = {**self.inputs, **changes}
        self._show(decision, simulation)

    @_guarded
    def undo(self) -> None:
        """Back to the application as it is: its decision, already logged (nothing new to record), its outcome."""
        simulation = self.simulation
        if simulation is None:
            return
        if self.mode == "prospect":
            self.inputs = dict(simulation.original.inputs)
            self.typed = dict(simulation.typed)
            self._entered = {**self._entered, "values": dict(self.inputs), "typed": dict(self.typed)}
        self.simulation = None
        self.decision, self.decision_id = simulation.original, simulation.original_id
        self.suggestions = self.model.suggest(self.decision)
        self.record_notice = None
        self._read_outcome()

    @_guarded
    def record(self, action: str, reason: str = "") -> None:
        """Record what the officer did with the advice on the desk. A click that changes nothing records nothing;
        an outcome another page recorded meanwhile is shown first, and only a second click amends it."""
        if self.decision is None or self.decision_id is None:
            return
        reason = (reason or "").strip()
        if action == "overrides" and not reason:
            self.record_notice = Notice("ui:reason_needed")
            return
        known = self.outcomes.get(self.decision_id)
        on_record = self._read_outcome()
        if on_record is not None and on_record != known:
            self.record_notice = Notice("ui:recorded_elsewhere", (("said", on_record.said),))
            return
        if on_record is not None and (on_record.action, on_record.reason) == (action, reason):
            self.record_notice = Notice("ui:already_recorded")
            return
        self.ledger.record_outcome(self.decision_id, action=action, reason=reason, officer=self.officer)
        self._read_outcome()
        self.record_notice = (Notice("ui:recorded") if on_record is None else
                              Notice("ui:amended", (("before", on_record.said),)))

    # ---- the one state -----------------------------------------------------------------------------------------
    def _new_applicant(self) -> None:
        self._withdraw([])
        self.close_ids = []
        self.record_notice = None

    def _withdraw(self, problems: list) -> None:
        """No decision: the reasons why are what the desk says instead."""
        self.decision = self.decision_id = self.simulation = None
        self.suggestions = []
        self.problems = list(problems)

    def _enter_client(self, submitted: bool) -> None:
        digits = "".join(self.client_text.split()).replace("\u202f", "")
        if self.decision is not None and self.decision.client_id is not None and digits == str(self.decision.client_id):
            return   # the same client, already answered (or simulated) as typed: nothing new to score or log
        self._new_applicant()
        if not digits:
            return
        if not digits.isdigit():
            self._withdraw([InputError("SK_ID_CURR", "type_number")])
            return
        client = int(digits)
        if self.model.population.row(client) is None:
            self.close_ids = list(self.model.close_ids(client))
            if submitted or len(digits) >= len(str(self.model.client_ids()[0])):
                self._withdraw([InputError("SK_ID_CURR", "unknown_client", value=client)])
            return
        self._show(self.model.score_client(client))

    def _enter_prospect(self, values: dict, errors: dict, typed: dict) -> None:
        self._entered = {"values": dict(values), "errors": dict(errors), "typed": dict(typed)}
        self.inputs, self.typed = dict(values), dict(typed)
        problems = list(errors.values())
        problems += [InputError(name, "required") for name in missing_required(values) if name not in errors]
        if problems:
            self._withdraw(problems)
            return
        inputs = validate_application({k: v for k, v in values.items() if v is not None})
        d = self.decision
        if d is not None and self.simulation is None and d.client_id is None and d.inputs == inputs:
            self.problems = []
            return   # the same application typed again (Enter twice, "45 000" as "45 000,00"): nothing new
        self._show(self.model.score_prospect(inputs))

    def _show(self, decision, simulation: Simulation | None = None) -> None:
        """Make `decision` the desk's state: logged once (unless it is the example), its outcome read back."""
        self.problems = []
        self.simulation = simulation
        self.suggestions = self.model.suggest(decision)
        self.decision_id = None if self.example and decision.client_id is None else \
            self.ledger.record(decision, simulation, self.officer, self.lang)
        self.decision = decision
        self.record_notice = None
        self._read_outcome()

    def _read_outcome(self) -> Outcome | None:
        """The outcome on record for the decision on the desk, read back from the log (another page may have
        recorded one)."""
        if self.decision_id is None:
            return None
        outcome = self.ledger.outcome(self.decision_id)
        outcomes = dict(self.outcomes)
        if outcome is None:
            outcomes.pop(self.decision_id, None)
        else:
            outcomes[self.decision_id] = outcome
        self.outcomes = outcomes
        return outcome


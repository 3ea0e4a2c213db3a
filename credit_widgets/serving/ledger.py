"""The desk's records in the audit log: one decision record per applicant, inputs and model, and the outcome on
record for it, read back from the log so that every page on the same applicant sees the same.

    ledger = Ledger(open_log(), model)          # what `decision.desk.Desk` writes through
    decision_id = ledger.record(decision, simulation, officer, lang)   # the same inputs: the same id, not logged again

What a record holds is the monitor's format (`monitor.journal.logged_inputs`: the monitored inputs, the flags shown,
the simulation, the shadow challenger's answer).
"""
from __future__ import annotations

from ..audit.log import prospect_key
from ..decision.final import Outcome, advice_state
from ..monitor.journal import logged_inputs
from ..monitor.shadow import from_env, shadow_fields


class Ledger:
    def __init__(self, audit, model=None):
        self.audit = audit
        self.model = model
        self._ids: dict = {}   # what this page already logged: no query for a decision shown again
        self._shadow = False

    def _shadow_fields(self, decision) -> dict:
        if self.model is None:
            return {}
        if self._shadow is False:
            application = getattr(self.model, "application", None)
            self._shadow = from_env(self.model.scoring.feature_names,
                                    application.feature_names if application is not None else None)
        return shadow_fields(decision, self._shadow) if self._shadow is not None else {}

    def record(self, decision, simulation=None, officer: str | None = None, lang: str = "fr") -> str:
        """The decision's audit id: the record of the same decision (applicant, inputs, model) if the log has one,
        else a new record."""
        inputs = logged_inputs(decision, None if simulation is None else simulation.logged(),
                               self._shadow_fields(decision))
        key = (decision.client_id, decision.model_version, decision.artifact_hash, prospect_key(inputs))
        if key in self._ids:
            return self._ids[key]
        found = self.audit.find_decision(client_id=decision.client_id, inputs=inputs,
                                         model_version=decision.model_version,
                                         artifact_hash=decision.artifact_hash)
        if found is None:
            found = self.audit.record_decision(
                client_id=decision.client_id, inputs=inputs, model_version=decision.model_version,
                artifact_hash=decision.artifact_hash, probability=decision.probability,
                threshold=decision.threshold, decision=advice_state(decision),
                reasons=[r.text("en") for r in decision.reasons], officer=officer, lang=lang)
        self._ids[key] = found
        return found

    def outcome(self, decision_id: str) -> Outcome | None:
        """The outcome on record (the last amendment stands), whichever page recorded it."""
        rows = self.audit.outcomes_of(decision_id)
        if not rows:
            return None
        last = rows[-1]
        return Outcome(last["action"], last["reason"] or "", last["officer"], last["time"])

    def record_outcome(self, decision_id: str, *, action: str, reason: str = "", officer: str | None = None) -> None:
        self.audit.record_outcome(decision_id, action=action, reason=reason, officer=officer)


"""The final decision: what the model advised, what the officer did with it (follows / overrides, the reason, who,
when) and the application it applies to: the simulated one when the officer recorded an outcome on a simulation,
which is then an *offer*, with each change named. Everything addressed to the customer derives from it only.

What the final decision is comes from one table, `FINAL_STATE` (the advice's state and the officer's action): a
third advice (a policy's "refer") is one more row there and one more letter in `documents.letter`, nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text import i18n

ACTIONS = ("follows", "overrides")
# (the model's advice, what the officer did) -> the final decision
FINAL_STATE = {("favourable", "follows"): "accepted", ("favourable", "overrides"): "refused",
               ("unfavourable", "follows"): "refused", ("unfavourable", "overrides"): "accepted"}


def advice_state(decision) -> str:
    """The model's advice as the log writes it."""
    return "favourable" if decision.favourable else "unfavourable"


@dataclass(frozen=True)
class Outcome:
    """What the officer recorded for one decision, as the audit log has it (the last amendment stands)."""

    action: str                  # one of ACTIONS
    reason: str = ""
    officer: str | None = None
    time: str | None = None      # when it was recorded (ISO 8601, UTC, as the log writes it)

    def said(self, lang: str) -> str:
        """"I override the advice: reason (officer1, 2026-12-04 10:42 UTC)"."""
        colon = " : " if lang == "fr" else ": "
        text = i18n.t(f"ui:{self.action}", lang) + (colon + self.reason if self.reason else "")
        who = ", ".join(x for x in (self.officer, _short_time(self.time)) if x)
        return f"{text} ({who})" if who else text


def _short_time(time: str | None) -> str:
    if not time:
        return ""
    return f"{time[:10]} {time[11:16]} UTC" if len(time) >= 16 else time


@dataclass(frozen=True)
class Simulation:
    """Suggestions applied to the application on the desk: what the decision would be if it were so."""

    original: object             # the Decision for the application as it is
    original_id: str | None      # its audit id
    changes: dict                # the simulated application inputs (data units)
    steps: tuple = ()            # the suggestions applied, in order (history changes are steps without a column)
    typed: dict = field(default_factory=dict, compare=False)   # the form as typed before, restored by undo

    def logged(self) -> dict:
        """What the decision record says of it."""
        return {"of": self.original_id, "changes": self.changes, "steps": [s.text("en") for s in self.steps]}

    def changed(self) -> list[tuple[str, object, object]]:
        """(column, as applied for, as offered), one per changed input."""
        return [(c, self.original.inputs.get(c), v) for c, v in self.changes.items()]

    def history_steps(self, lang: str) -> list[str]:
        return [s.text(lang) for s in self.steps if s.history]


@dataclass(frozen=True)
class FinalDecision:
    """The model's advice on an application, the officer's outcome on it, and the audit reference of both."""

    advice: object               # the Decision for the application it applies to (the offer's, when simulated)
    outcome: Outcome
    reference: str               # the advice's audit id (the outcome is recorded against it)
    simulation: Simulation | None = None

    @property
    def state(self) -> str:
        return FINAL_STATE[(advice_state(self.advice), self.outcome.action)]

    @property
    def overridden(self) -> bool:
        return self.outcome.action == "overrides"

    @property
    def offer(self) -> Simulation | None:
        """The simulation the officer accepted, when the final decision grants it."""
        return self.simulation if self.simulation is not None and self.state == "accepted" else None

"""What the officer does with the advice (follows / overrides, with a reason) and the downloadable summary.

The panel remembers what was recorded per decision id so that a second click amends instead of repeating and an undo
of a simulation brings the recorded outcome back. It never writes the audit log itself: `submit` says what should be
written, the page writes it (the page owns the decision and its id) and reports back with `recorded`.
"""
from __future__ import annotations

import base64
import html

import ipywidgets as w

from ..text import i18n


class OutcomePanel(w.VBox):
    def __init__(self, on_record):
        super().__init__()
        self._title = w.HTML()
        self.choice = w.ToggleButtons(options=[("", "follows"), ("", "overrides")], value="follows",
                                      style={"button_width": "190px"})
        self.choice.add_class("cw-outcome")
        self.reason = w.Textarea(layout=w.Layout(width="100%", height="48px"))
        self.record = w.Button(button_style="", icon="")
        self.record.add_class("cw-record")
        self.record.on_click(lambda _: on_record())
        self.status = w.HTML()
        self.status.add_class("cw-record-status")
        self.download = w.HTML()
        self.download.add_class("cw-download")
        self.children = [self._title, self.choice, self.reason, w.HBox([self.record, self.status]), self.download]
        self.add_class("cw-card")
        self.recorded: dict = {}     # decision id -> (action, reason) last recorded

    def relabel(self, lang: str, decision_id) -> None:
        self._title.value = f"<h3>{i18n.t('ui:outcome', lang)}</h3>"
        choice = self.choice.value
        self.choice.options = [(i18n.t("ui:follows", lang), "follows"), (i18n.t("ui:overrides", lang), "overrides")]
        self.choice.value = choice
        self.reason.placeholder = i18n.t("ui:override_reason", lang)
        self.record.description = i18n.t("ui:amend" if decision_id in self.recorded else "ui:record", lang)

    def reset(self, lang: str) -> None:
        """A new decision: nothing chosen yet."""
        self.choice.value = "follows"
        self.reason.value = ""
        self.status.value = ""
        self.record.description = i18n.t("ui:record", lang)

    def restore(self, decision_id, lang: str) -> None:
        """Back to a decision already on record (undo of a simulation): what was recorded for it is shown again."""
        self.reset(lang)
        recorded = self.recorded.get(decision_id)
        if recorded is not None:
            self.choice.value, self.reason.value = recorded
            self.record.description = i18n.t("ui:amend", lang)

    def submit(self, decision_id, lang: str):
        """(action, reason) to record for this decision, or None with the reason said beside the button."""
        action, reason = self.choice.value, self.reason.value.strip()
        if action == "overrides" and not reason:
            self.status.value = f"⚠ {i18n.t('ui:reason_needed', lang)}"
            return None
        if self.recorded.get(decision_id) == (action, reason):
            self.status.value = f"✔ {i18n.t('ui:already_recorded', lang)}"
            return None
        return action, reason

    def recorded_as(self, decision_id, outcome: tuple[str, str], lang: str) -> None:
        before = self.recorded.get(decision_id)
        self.recorded[decision_id] = outcome
        self.record.description = i18n.t("ui:amend", lang)
        if before is None:
            self.status.value = f"✔ {i18n.t('ui:recorded', lang)}"
        else:
            said = i18n.t(f"ui:{before[0]}", lang) + (f" : {before[1]}" if before[1] else "")
            self.status.value = f"✔ {html.escape(i18n.t('ui:amended', lang, before=said))}"

    def offer_download(self, report: str | None, name: str = "", lang: str = "fr") -> None:
        """The summary of the decision on screen as a file, or no link (`report=None`)."""
        if report is None:
            self.download.value = ""
            return
        encoded = base64.b64encode(report.encode()).decode()
        self.download.value = (f"<a download='{name}' href='data:text/html;base64,{encoded}' "
                               f"style='font-weight:bold'>⬇ {i18n.t('ui:download', lang)}</a>")

"""What the officer does with the advice (follows / overrides, with a reason) and the download of the final decision.

The panel draws what the desk knows (`show`: the decision's id, the outcome on record, what became of the last
click) and hands the officer's choice to the desk through `on_record`; it keeps nothing of its own. When the outcome
on record changes (recorded here, in another tab, or the page went back to a decision already on record), the
choice and the reason show it, and the button says the next click amends it.
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
        self.reason.add_class("cw-reason")
        self.record = w.Button(button_style="", icon="")
        self.record.add_class("cw-record")
        self.record.on_click(lambda _: on_record())
        self.status = w.HTML()
        self.status.add_class("cw-record-status")
        self.download = w.HTML()
        self.download.add_class("cw-download")
        self.children = [self._title, self.choice, self.reason, w.HBox([self.record, self.status]), self.download]
        self.add_class("cw-card")
        self._shown = (None, None)   # (decision id, outcome on record) the controls were last set from
        self._on_record = None

    def relabel(self, lang: str) -> None:
        self._title.value = f"<h3>{i18n.t('ui:outcome', lang)}</h3>"
        choice = self.choice.value
        self.choice.options = [(i18n.t("ui:follows", lang), "follows"), (i18n.t("ui:overrides", lang), "overrides")]
        self.choice.value = choice
        self.reason.placeholder = i18n.t("ui:override_reason", lang)
        self.record.description = i18n.t("ui:amend" if self._on_record is not None else "ui:record", lang)

    def show(self, decision_id, on_record, notice, lang: str) -> None:
        """`on_record`: the desk's Outcome for this decision (None: nothing recorded yet); `notice`: what became of
        the last click (None: nothing to say)."""
        if (decision_id, on_record) != self._shown:
            if decision_id != self._shown[0] or on_record is not None:
                self.choice.value = on_record.action if on_record is not None else "follows"
                self.reason.value = on_record.reason if on_record is not None else ""
            self._shown = (decision_id, on_record)
        self._on_record = on_record
        self.record.description = i18n.t("ui:amend" if on_record is not None else "ui:record", lang)
        if notice is not None:
            mark = "⚠" if notice.key in ("ui:reason_needed", "ui:recorded_elsewhere") else "✔"
            self.status.value = f"{mark} {html.escape(notice.text(lang))}"
        elif on_record is not None:   # recorded before this page showed it: by whom and when
            self.status.value = f"✔ {html.escape(i18n.t('ui:on_record', lang, said=on_record.said(lang)))}"
        else:
            self.status.value = ""

    def offer_download(self, report: str | None, name: str = "", lang: str = "fr") -> None:
        """The final decision's documents as a file, or no link (`report=None`)."""
        if report is None:
            self.download.value = ""
            return
        encoded = base64.b64encode(report.encode()).decode()
        self.download.value = (f"<a download='{name}' href='data:text/html;base64,{encoded}' "
                               f"style='font-weight:bold'>⬇ {i18n.t('ui:download', lang)}</a>")

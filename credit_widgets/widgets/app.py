"""The loan officer's page: one object holding the page's state, thin callbacks that call the core and render.

The one rule: the page holds the applicant's inputs as they are on screen and either the decision for exactly those
inputs or no decision at all. Every panel (verdict, why, standing, what would change it, outcome, summary) is drawn
from `self.decision`; an input in error or a required input missing means no decision, so nothing can be recorded or
downloaded. A new applicant (another client, an unknown id, a new prospect, a mode switch) starts from a clean page,
outcome included. Applying a suggestion is a simulation: it says so, keeps the original answer beside it and can be
undone. The language only changes the words: nothing typed is rewritten.

Every callback goes through `_safely`: bad input becomes a message in the officer's language next to where it was
typed, anything unexpected a generic message (details go to the server log), never a traceback.

CSS hooks (browser tests rely on them): cw-app, cw-lang, cw-mode, cw-client-id, cw-prospect-form, cw-field-<COLUMN>,
cw-message (a field's message line) and cw-message-<COLUMN>, cw-invalid (a field in error), cw-client-error,
cw-error (page-level problems), cw-no-decision (why there is no answer), cw-verdict, cw-probability, cw-reasons,
cw-suggestion, cw-simulation (the simulation band), cw-undo, cw-example, cw-example-note, cw-new-prospect,
cw-outcome, cw-record, cw-record-status, cw-download, cw-facts, cw-officer (who is signed in), cw-model (which
model decided), cw-why and cw-standing (the two panels of widgets/panels.py).
"""
from __future__ import annotations

import base64
import html
import logging
import warnings

import ipywidgets as w

from .. import i18n
from ..audit import AuditError, AuditLog
from ..explain import display_text, input_label
from ..journal import MONITORED
from ..model import CreditModel
from ..officer import current_officer, officer_html
from ..reason_codes import group_members
from ..recourse import apply as apply_suggestion
from ..remote import load_model
from ..report import summary_html
from ..schema import FIELDS
from ..shadow import from_env, shadow_fields
from ..validate import InputError
from .charts import BLUE, ORANGE, Gauge
from .form import ProspectForm
from .panels import StandingPanel, WhyPanel

log = logging.getLogger("credit_widgets.page")
# the file's key facts are the inputs the model-risk view watches: one list
KEY_FACTS = MONITORED
# Without these the answer would rest on guesses about the loan itself: no decision until they are given.
REQUIRED = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY")
_CSS = """<style>
.cw-app {font-size: 14px; color: #1a1a1a; max-width: 1180px}
.cw-app h2 {margin: 4px 0} .cw-app h3 {margin: 10px 0 4px; font-size: 16px}
.cw-card {border: 1px solid #c8c8c8; border-radius: 6px; padding: 8px 12px; margin: 4px 0}
.cw-verdict-box {font-size: 22px; font-weight: bold; padding: 8px 14px; border-radius: 6px; border-left: 10px solid}
.cw-app .cw-error .widget-html-content, .cw-app .cw-message .widget-html-content,
.cw-app .cw-client-error .widget-html-content {color: #a40000; font-weight: bold}
.cw-app .cw-message .widget-html-content {font-size: 12px; line-height: 1.3; white-space: normal}
.cw-app .cw-invalid input {border: 2px solid #a40000; background: #fff3f3}
.cw-app .cw-simulated input {border: 2px dashed #0072B2}
.cw-app .cw-no-decision .widget-html-content {white-space: normal}
.cw-no-decision-box {border-left: 10px solid #8a8a8a; background: #f3f3f3; padding: 8px 14px; border-radius: 6px}
.cw-simulation-box {border: 2px dashed #0072B2; background: #eef5fb; padding: 6px 12px; border-radius: 6px}
.cw-app .cw-suggestion {height: auto; white-space: normal; text-align: left; padding: 4px 8px}
.cw-reasons li {margin: 2px 0} .cw-facts td {padding: 1px 10px 1px 0}
.cw-app .widget-label, .cw-app .widget-html-content {color: #1a1a1a}
.cw-app .bqplot .toolbar, .cw-app .bqplot button {display: none}
</style>"""


def _shown(column: str, raw, lang: str) -> str:
    if raw is None:
        return i18n.t("missing_value", lang)
    field = FIELDS.get(column)
    if isinstance(raw, str):
        return html.escape(i18n.level(raw, lang))
    return html.escape(display_text(column, field.to_display(raw) if field is not None else raw, lang))


class CreditApp(w.VBox):
    """The page. Build it once per kernel (Voilà starts one per officer) and display it."""

    def __init__(self, model: CreditModel | None = None, audit: AuditLog | None = None, lang: str = "fr"):
        super().__init__()
        self.model = model or load_model()   # through the scoring API when CREDIT_API_URL is set
        self.audit = audit or AuditLog()
        self.officer = current_officer()  # after the model: a pre-heated kernel waits here for its page
        self.lang = lang
        self.decision = None           # the decision for exactly the inputs on screen, or None
        self.decision_id = None        # its audit-log id (None for an example, which is not logged)
        self.original = None           # during a simulation: the decision for the application as it is
        self.changes: dict = {}        # during a simulation: the simulated application inputs (data units)
        self.applied: list = []        # during a simulation: the suggestions applied, in order
        self.suggestions: list = []
        self._original_id = None
        self._original_texts: dict = {}   # the form as typed before a simulation, for undo
        self._outcomes: dict = {}      # decision id -> (action, reason) last recorded
        self._problems: list = []      # why there is no decision: InputErrors, shown in the officer's language
        self._example = False          # the form holds the fictitious example, not an applicant
        self._close_ids: list = []     # ids near an unknown one, offered under the ID box
        self._relabelling = False      # new option labels are no choice of the officer
        self._build()
        self._relabel()
        self._show_mode()

    # ---- layout -----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = w.HTML()
        self._officer = w.HTML()
        self._officer.add_class("cw-officer")
        self._lang = w.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=self.lang,
                                     style={"button_width": "52px"})
        self._lang.add_class("cw-lang")
        self._lang.observe(lambda c: self._safely(self._on_lang, c["new"]), names="value")
        self._mode = w.ToggleButtons(options=[("", "client"), ("", "prospect")], value="client",
                                     style={"button_width": "150px"})
        self._mode.add_class("cw-mode")
        self._mode.observe(lambda c: self._safely(self._show_mode), names="value")

        self._client_id = w.Text(continuous_update=True, layout=w.Layout(width="360px"),
                                 style={"description_width": "initial"})
        self._client_id.add_class("cw-client-id")
        self._client_id.observe(lambda c: self._safely(self._on_id, False), names="value")
        with warnings.catch_warnings():
            # deprecated in favour of continuous_update=False, but the ID validates as typed *and* on Enter
            warnings.simplefilter("ignore", DeprecationWarning)
            self._client_id.on_submit(lambda _: self._safely(self._on_id, True))
        self._client_error = w.HTML()
        self._client_error.add_class("cw-client-error")
        self._client_hint = w.HTML()
        self._facts = w.HTML()
        self._facts.add_class("cw-facts")
        self._client_box = w.VBox([self._client_id, self._client_error, self._client_hint, self._facts])

        self._form = ProspectForm(self.model.prospect_fields(), self.lang, columns=1)
        self._form.on_change(lambda: self._safely(self._on_form))
        self._form_intro = w.HTML()
        self._example_button = w.Button(layout=w.Layout(width="auto"))
        self._example_button.add_class("cw-example")
        self._example_button.on_click(lambda _: self._safely(self._on_example))
        self._new_prospect = w.Button(layout=w.Layout(width="auto"))
        self._new_prospect.add_class("cw-new-prospect")
        self._new_prospect.on_click(lambda _: self._safely(self._on_new_prospect))
        self._example_note = w.HTML()
        self._example_note.add_class("cw-example-note")
        self._prospect_box = w.VBox([self._form_intro, w.HBox([self._example_button, self._new_prospect]),
                                     self._example_note, self._form])

        self._error = w.HTML()
        self._error.add_class("cw-error")
        self._no_decision = w.HTML()
        self._no_decision.add_class("cw-no-decision")

        self._simulation = w.HTML()
        self._simulation.add_class("cw-simulation")
        self._undo = w.Button(layout=w.Layout(width="auto"))
        self._undo.add_class("cw-undo")
        self._undo.on_click(lambda _: self._safely(self._on_undo))
        self._simulation_box = w.VBox([self._simulation, self._undo])
        self._verdict = w.HTML()
        self._verdict.add_class("cw-verdict")
        self._probability = w.HTML()
        self._probability.add_class("cw-probability")
        self._flags = w.HTML()
        self._model_note = w.HTML()
        self._model_note.add_class("cw-model")
        self._gauge = Gauge()

        self._why = WhyPanel()
        self._standing = StandingPanel(self.model, self._safely)
        self._reasons = w.HTML()
        self._reasons.add_class("cw-reasons")

        self._change_title = w.HTML()
        self._suggestions = w.VBox()
        self._outcome_title = w.HTML()
        self._outcome = w.ToggleButtons(options=[("", "follows"), ("", "overrides")], value="follows",
                                        style={"button_width": "190px"})
        self._outcome.add_class("cw-outcome")
        self._outcome_reason = w.Textarea(layout=w.Layout(width="100%", height="48px"))
        self._record = w.Button(button_style="", icon="")
        self._record.add_class("cw-record")
        self._record.on_click(lambda _: self._safely(self._on_record))
        self._record_status = w.HTML()
        self._record_status.add_class("cw-record-status")
        self._download = w.HTML()
        self._download.add_class("cw-download")

        summary = w.VBox([self._simulation_box, self._verdict, self._flags, self._probability, self._model_note,
                          self._gauge.figure, self._reasons, self._change_title, self._suggestions])
        self._decide = w.VBox([self._outcome_title, self._outcome, self._outcome_reason,
                               w.HBox([self._record, self._record_status]), self._download])
        for box in (summary, self._decide):
            box.add_class("cw-card")
        two_columns = w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="12px")
        self._answer = w.VBox([w.GridBox([self._why, self._standing], layout=two_columns), self._decide])
        self._summary = summary
        self._answer.layout.display = summary.layout.display = "none"
        self._simulation_box.layout.display = "none"
        inputs = w.VBox([self._client_box, self._prospect_box])
        self.children = [w.HTML(_CSS), w.HBox([self._title, self._officer, self._lang],
                                              layout=w.Layout(justify_content="space-between")),
                         self._mode, self._error,
                         w.GridBox([inputs, w.VBox([self._no_decision, summary])], layout=two_columns),
                         self._answer]
        self.add_class("cw-app")

    def _relabel(self) -> None:
        self._relabelling = True
        try:
            self._relabel_widgets()
        finally:
            self._relabelling = False

    def _relabel_widgets(self) -> None:
        lang = self.lang
        t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
        self._title.value = f"<h2>{t('ui:title')}</h2>"
        self._officer.value = officer_html(self.officer, lang)
        mode = self._mode.value
        self._mode.options = [(t("ui:mode_client"), "client"), (t("ui:mode_prospect"), "prospect")]
        self._mode.value = mode
        self._client_id.description = t("ui:client_id")
        self._client_id.placeholder = t("ui:client_id_placeholder")
        self._form_intro.value = (f"<p>{t('ui:form_intro')}</p><p><b>{t('ui:required_note')}</b></p>"
                                  f"<p>ℹ {t('ui:thin_file')}</p>")
        self._example_button.description = t("ui:example")
        self._new_prospect.description = t("ui:new_prospect")
        self._example_note.value = f"<b>⚑ {t('ui:example_note')}</b>" if self._example else ""
        self._form.set_lang(lang)
        self._undo.description = t("ui:undo")
        self._why.relabel(lang)
        self._standing.relabel(lang)
        self._change_title.value = f"<h3>{t('ui:change')}</h3>"
        self._outcome_title.value = f"<h3>{t('ui:outcome')}</h3>"
        outcome = self._outcome.value
        self._outcome.options = [(t("ui:follows"), "follows"), (t("ui:overrides"), "overrides")]
        self._outcome.value = outcome
        self._outcome_reason.placeholder = t("ui:override_reason")
        self._record.description = t("ui:amend" if self.decision_id in self._outcomes else "ui:record")
        self._render_hint()

    # ---- callbacks (thin: read, call the core, render) ----------------------------------------------------------
    def _safely(self, callback, *args) -> None:
        if self._relabelling:
            return
        try:
            self._error.value = ""
            callback(*args)
        except InputError as error:   # one not caught next to its field: still a message, and no answer
            if error.field is None:    # not the applicant's input (the scoring service is silent...): page-level
                self._withdraw([])
                self._error.value = f"⚠ {html.escape(error.message(self.lang))}"
            else:
                self._withdraw([error])
        except AuditError as error:
            self._withdraw([])   # a decision that could not be logged must not be shown as if it had been
            self._error.value = f"⚠ {html.escape(i18n.t('ui:audit_failed', self.lang, why=str(error)))}"
        except Exception:  # the officer gets a message, the server log gets the details
            log.exception("page callback failed")
            self._withdraw([])
            self._error.value = f"⚠ {html.escape(i18n.t('ui:unexpected', self.lang))}"

    def _on_lang(self, lang: str) -> None:
        self.lang = lang
        self._relabel()
        self._render_problems()
        if self.decision is not None:
            self._render(record=False)

    def _show_mode(self) -> None:
        client = self._mode.value == "client"
        self._client_box.layout.display = None if client else "none"
        self._prospect_box.layout.display = "none" if client else None
        self._new_applicant()
        if client:
            self._on_id(False)
        else:
            self._on_form()

    def _new_applicant(self) -> None:
        """Nothing of the previous applicant stays: answer, simulation, outcome, summary, facts, messages."""
        self._withdraw([])
        self._outcomes_reset()
        self._facts.value = ""
        self._client_error.value = ""

    def _outcomes_reset(self) -> None:
        self._outcome.value = "follows"
        self._outcome_reason.value = ""
        self._record_status.value = ""
        self._record.description = i18n.t("ui:record", self.lang)

    def _withdraw(self, problems: list) -> None:
        """No decision: every panel that showed one is hidden, the reasons why are said in the answer's place."""
        self.decision = self.decision_id = self.original = self._original_id = None
        self.changes, self.suggestions, self.applied = {}, [], []
        self._problems = list(problems)
        self._answer.layout.display = self._summary.layout.display = "none"
        self._simulation_box.layout.display = "none"
        self._download.value = ""
        self._standing.clear()
        self._form.mark((), "cw-simulated")
        self._render_problems()

    def _render_problems(self) -> None:
        lang = self.lang
        self._client_error.value = "".join(
            f"⚠ {html.escape(p.message(lang))}" for p in self._problems if p.field == "SK_ID_CURR")
        # What is still missing is said in the answer's place, not under the empty fields: changing a field the
        # officer is about to type into makes the browser redraw it from the kernel's (empty) value, which was seen
        # to swallow what was being typed.
        form_errors = {p.field: p for p in self._problems if p.field in self._form.names and p.key != "required"}
        self._form.show_errors(form_errors)
        if not self._problems:
            self._no_decision.value = ""
            return
        items = "".join(f"<li>{html.escape(p.message(lang))}</li>" for p in self._problems)
        heading = i18n.t("ui:no_decision" if self._mode.value == "prospect" else "ui:no_decision_client", lang)
        self._no_decision.value = (f"<div class='cw-no-decision-box'><b>{heading}</b>"
                                   f"<ul>{items}</ul></div>")

    def _on_id(self, submitted: bool) -> None:
        text = self._client_id.value
        digits = "".join(text.split()).replace("\u202f", "")
        if self.decision is not None and digits == str(self.decision.client_id):
            return   # the same client, already answered (or simulated) as typed: nothing new to score or log
        self._new_applicant()
        self._close_ids = []
        if not digits:
            self._render_hint()
            return
        if not digits.isdigit():
            self._withdraw([InputError("SK_ID_CURR", "type_number")])
            return
        client = int(digits)
        if self.model.population.row(client) is None:
            self._close_ids = self.model.close_ids(client)
            self._render_hint()
            if submitted or len(digits) >= len(str(self.model.client_ids()[0])):
                self._withdraw([InputError("SK_ID_CURR", "unknown_client", value=client)])
            return
        self._render_hint()
        self._show(self.model.score_client(client))

    def _render_hint(self) -> None:
        if self._close_ids:
            ids = ", ".join(map(str, self._close_ids))
            self._client_hint.value = f"<small>{i18n.t('ui:close_ids', self.lang, ids=ids)}</small>"
        elif not self._client_id.value.strip():
            self._client_hint.value = f"<small>{i18n.t('ui:client_id_hint', self.lang)}</small>"
        else:
            self._client_hint.value = ""

    def _read_form(self):
        """The form's inputs, or None with the problems shown: no number, missing required, out of range."""
        values, errors = self._form.read()
        problems = list(errors.values())
        problems += [InputError(name, "required") for name in REQUIRED
                     if name in self._form.names and values.get(name) is None and name not in errors]
        if problems:
            self._withdraw(problems)
            return None
        inputs = {k: v for k, v in values.items() if v is not None}
        try:
            from ..validate import validate_prospect

            validate_prospect(inputs)
        except InputError as error:
            self._withdraw([error])
            return None
        return inputs

    def _on_form(self) -> None:
        # a field typed by the officer is the application itself: any simulation ends there
        inputs = self._read_form()
        if inputs is None:
            return
        self._show(self.model.score_prospect(inputs))

    def _on_example(self) -> None:
        self._form.clear()
        self._form.set_values(self._form.example())
        self._example = True
        self._relabel()
        self._new_applicant()
        self._on_form()

    def _on_new_prospect(self) -> None:
        self._example = False
        self._relabel()
        self._form.clear()
        self._new_applicant()
        self._on_form()

    def _on_apply(self, suggestion) -> None:
        if self.decision is None:
            return
        if self.original is None:
            self.original, self._original_id = self.decision, self.decision_id
            self._original_texts = self._form.texts()
        changes = {**self.changes, **suggestion.changes}
        if self._mode.value == "prospect":
            self._form.set_values(changes)
            self._form.mark(changes, "cw-simulated")
        # from the answer on screen: a suggestion was computed for it (history changes included)
        decision = apply_suggestion(self.model, self.decision, suggestion)
        original, original_id, texts = self.original, self._original_id, self._original_texts
        applied = [*self.applied, suggestion]
        self._show(decision, simulation=(original, original_id, changes, texts, applied))
        self._focus(self._undo)

    def _on_undo(self) -> None:
        if self.original is None:
            return
        original, original_id = self.original, self._original_id
        if self._mode.value == "prospect":
            self._form.set_texts(self._original_texts)
        self._form.mark((), "cw-simulated")
        self.decision_id = original_id   # back to the decision already logged: nothing new to record
        self._restore_outcome()
        self._show(original, record=False)

    def _on_record(self) -> None:
        if self.decision is None or self.decision_id is None:
            return
        action, reason = self._outcome.value, self._outcome_reason.value.strip()
        lang = self.lang
        if action == "overrides" and not reason:
            self._record_status.value = f"⚠ {i18n.t('ui:reason_needed', lang)}"
            return
        before = self._outcomes.get(self.decision_id)
        if before == (action, reason):
            self._record_status.value = f"✔ {i18n.t('ui:already_recorded', lang)}"
            return
        self.audit.record_outcome(self.decision_id, action=action, reason=reason, officer=self.officer)
        self._outcomes[self.decision_id] = (action, reason)
        self._record.description = i18n.t("ui:amend", lang)
        if before is None:
            self._record_status.value = f"✔ {i18n.t('ui:recorded', lang)}"
        else:
            said = i18n.t(f"ui:{before[0]}", lang) + (f" : {before[1]}" if before[1] else "")
            self._record_status.value = f"✔ {html.escape(i18n.t('ui:amended', lang, before=said))}"
        self._render_download()

    def _restore_outcome(self) -> None:
        recorded = self._outcomes.get(self.decision_id)
        self._outcomes_reset()
        if recorded is not None:
            self._outcome.value, self._outcome_reason.value = recorded
            self._record.description = i18n.t("ui:amend", self.lang)

    def _focus(self, widget) -> None:
        try:
            widget.focus()
        except Exception:   # focus is a comfort: an older front end without it must not break the answer
            log.debug("focus not supported", exc_info=True)

    # ---- the one state ------------------------------------------------------------------------------------------
    def _show(self, decision, record: bool = True, simulation=None) -> None:
        """Make `decision` the page's state and draw every panel from it; log it unless it is an example."""
        self._problems = []
        self._render_problems()
        self.decision = decision
        self.suggestions = self.model.suggest(decision)
        if simulation is None:
            self.original = self._original_id = None
            self.changes, self.applied = {}, []
            self._form.mark((), "cw-simulated")
        else:
            self.original, self._original_id, self.changes, self._original_texts, self.applied = simulation
        if record:
            self.decision_id = None if self._example and decision.client_id is None else self._log(decision)
            self._outcomes_reset()
        self._render(record=record)

    def _log(self, d) -> str:
        inputs = d.inputs if d.client_id is None else {"SK_ID_CURR": d.client_id,
                                                        **{k: d.inputs.get(k) for k in KEY_FACTS}}
        if self.original is not None:
            inputs = {**inputs, "simulation": {"of": self._original_id, "changes": self.changes,
                                               "steps": [s.text("en") for s in self.applied]}}
        # for the model-risk view: the flags shown, and the challenger's answer (never shown to the officer)
        inputs = {**inputs, "flags": {"borderline": d.borderline, "rare_profile": d.rare_profile,
                                      "thin_file": d.thin_file}, **self._shadow_fields(d)}
        return self.audit.record_decision(
            client_id=d.client_id, inputs=inputs, model_version=d.model_version, artifact_hash=d.artifact_hash,
            probability=d.probability, threshold=d.threshold,
            decision="favourable" if d.favourable else "unfavourable",
            reasons=[r.text("en") for r in d.reasons], officer=self.officer, lang=self.lang)

    def _shadow_fields(self, d) -> dict:
        application = getattr(self.model, "application", None)
        shadow = from_env(self.model.scoring.feature_names,
                          application.feature_names if application is not None else None)
        return shadow_fields(d, shadow) if shadow is not None else {}

    def _render(self, record: bool = True) -> None:
        d, lang = self.decision, self.lang
        # shown before the charts change: a chart drawn while hidden keeps a zero-sized layout in the browser
        self._summary.layout.display = None
        self._answer.layout.display = None
        self._decide.layout.display = "none" if self.decision_id is None else None
        colour = BLUE if d.favourable else ORANGE
        icon = "✔" if d.favourable else "✖"
        self._verdict.value = (f"<div class='cw-verdict-box' style='border-left-color:{colour};"
                               f"background:{'#eef5fb' if d.favourable else '#fdf0ea'}'>{icon} "
                               f"{d.verdict(lang)}</div>")
        self._render_simulation()
        flags = []
        if d.borderline:
            flags.append(f"⚠ {i18n.t('ui:borderline', lang)}")
        if d.rare_profile:
            flags.append(f"◆ {i18n.t('ui:rare', lang)}")
        if d.thin_file:
            # what the answer rests on: the application's own inputs (the empty history groups are the reason
            # it rests on them, not part of it)
            main = [input_label(name, lang) for name, _ in
                    sorted(((n, c) for n, c in d.contributions.items() if not n.startswith("history:")),
                           key=lambda kv: -abs(kv[1]))[:3]]
            flags.append(f"ℹ {html.escape(i18n.t('ui:rests_on', lang, inputs=', '.join(main)))}")
        self._flags.value = "".join(f"<div>{f}</div>" for f in flags)
        shown = i18n.probability_texts(d.probability, d.threshold, lang)
        self._probability.value = i18n.t("ui:probability", lang, **{**shown, "p": f"<b>{shown['p']}</b>"})
        self._model_note.value = f"<small>{i18n.t(f'ui:decided_by_{d.model}', lang)}</small>"
        self._gauge.update(d.probability, d.threshold, d.favourable)
        self._why.show(d, lang)
        against = "".join(f"<li>▲ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "against")
        support = "".join(f"<li>▼ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "for")
        self._reasons.value = (f"<b>{i18n.t('ui:against', lang)}</b><ul>{against or '<li>–</li>'}</ul>"
                               f"<b>{i18n.t('ui:for', lang)}</b><ul>{support or '<li>–</li>'}</ul>")
        self._render_facts()
        self._standing.show(d, lang)
        self._render_suggestions()
        self._render_download()

    def _render_facts(self) -> None:
        d, lang = self.decision, self.lang
        if d.client_id is None:
            self._facts.value = ""
            return
        base = self.original.inputs if self.original is not None else d.inputs
        rows = []
        for column in KEY_FACTS:
            now = _shown(column, d.inputs.get(column), lang)
            if column in self.changes:
                now = f"<s>{_shown(column, base.get(column), lang)}</s> → {now}"
            rows.append(f"<tr><td>{input_label(column, lang)}</td><td><b>{now}</b></td></tr>")
        heading = f"{i18n.t('ui:key_facts', lang)} {d.client_id}"
        if self.original is not None:
            heading += f" · {i18n.t('ui:key_facts_simulation', lang)}"
        self._facts.value = f"<h3>{heading}</h3><table>{''.join(rows)}</table>"

    def _render_simulation(self) -> None:
        if self.original is None:
            self._simulation_box.layout.display = "none"
            self._simulation.value = ""
            return
        lang, o = self.lang, self.original
        changed = "; ".join([f"{input_label(c, lang)} {_shown(c, o.inputs.get(c), lang)} → "
                             f"{_shown(c, v, lang)}" for c, v in self.changes.items()]
                            + [html.escape(s.text(lang)) for s in self.applied if s.history])
        self._simulation.value = (
            f"<div class='cw-simulation-box'><b>⚗ {i18n.t('ui:simulation', lang, changes=changed)}</b><br>"
            f"{i18n.t('ui:simulation_original', lang, verdict=o.verdict(lang), p=i18n.percent(o.probability, lang, 1))}"
            f"</div>")
        self._simulation_box.layout.display = None

    def _render_download(self) -> None:
        d = self.decision
        if d is None or self.decision_id is None:
            self._download.value = ""
            return
        lang = self.lang
        outcome = self._outcomes.get(self.decision_id)
        application = getattr(self.model, "application", None)
        scorer = application if d.model == "application" and application is not None else self.model.scoring
        report = summary_html(d, lang, self.suggestions, reference=self.decision_id, officer=self.officer,
                              group_members=group_members(scorer.feature_names), outcome=outcome,
                              original=self.original, changes=self.changes, key_facts=KEY_FACTS,
                              steps_done=[s.text(lang) for s in self.applied if s.history])
        encoded = base64.b64encode(report.encode()).decode()
        name = f"decision-{d.client_id if d.client_id is not None else 'prospect'}-{self.decision_id[:8]}.html"
        self._download.value = (f"<a download='{name}' href='data:text/html;base64,{encoded}' "
                                f"style='font-weight:bold'>⬇ {i18n.t('ui:download', lang)}</a>")

    def _render_suggestions(self) -> None:
        d, lang, suggestions = self.decision, self.lang, self.suggestions
        if d.favourable:
            note = i18n.t("ui:margin_note", lang, m=i18n.number(100 * d.margin, lang, 1))
            extra = "".join(f"<br>{html.escape(s.summary(lang))}" for s in suggestions)
            self._suggestions.children = [w.HTML(f"<p>✔ {note}{extra}</p>")]
            return
        if not suggestions:
            self._suggestions.children = [w.HTML(f"<p>{i18n.t('ui:no_suggestion', lang)}</p>")]
            return
        buttons = []
        for s in suggestions:
            # a partial step says it is one, and how far it gets against the threshold
            label = i18n.t("ui:apply_suggestion", lang, summary=s.summary(lang))
            button = w.Button(description=label, layout=w.Layout(width="100%", height="auto"), tooltip=label)
            button.add_class("cw-suggestion")
            button.on_click(lambda _, s=s: self._safely(self._on_apply, s))
            buttons.append(button)
        self._suggestions.children = buttons

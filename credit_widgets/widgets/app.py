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
model decided), cw-why and cw-standing (the two panels of widgets/panels.py), cw-card (every panel's frame).

The panels own their widgets and words, the page owns the state and what is written to the audit log:
inputs.ClientBox / inputs.ProspectBox (where the applicant is given), answer.AnswerPanel (verdict, probability,
reasons, simulation band, what would change it), panels.WhyPanel / panels.StandingPanel, outcome.OutcomePanel
(follows / overrides and the download).
"""
from __future__ import annotations

import html
import logging

import ipywidgets as w

from ..audit import AuditError, AuditLog, open_log
from ..decision.validate import InputError
from ..documents.reason_codes import group_members
from ..documents.summary import summary_html
from ..explain.recourse import apply as apply_suggestion
from ..monitor.journal import MONITORED, logged_inputs
from ..monitor.shadow import from_env, shadow_fields
from ..scoring.remote import load_model
from ..scoring.service import CreditModel
from ..serving.officer import current_officer, officer_html
from ..text import i18n
from .answer import AnswerPanel
from .inputs import ClientBox, ProspectBox
from .outcome import OutcomePanel
from .panels import StandingPanel, WhyPanel
from .style import PAGE_CSS

log = logging.getLogger("credit_widgets.page")
# the file's key facts are the inputs the model-risk view watches: one list
KEY_FACTS = MONITORED
# Without these the answer would rest on guesses about the loan itself: no decision until they are given.
REQUIRED = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY")


class CreditApp(w.VBox):
    """The page. Build it once per kernel (Voilà starts one per officer) and display it."""

    def __init__(self, model: CreditModel | None = None, audit: AuditLog | None = None, lang: str = "fr"):
        super().__init__()
        self.model = model or load_model()   # through the scoring API when CREDIT_API_URL is set
        self.audit = audit or open_log()
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
        self.language = w.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=self.lang,
                                     style={"button_width": "52px"})
        self.language.add_class("cw-lang")
        self.language.observe(lambda c: self._safely(self._on_lang, c["new"]), names="value")
        self.mode = w.ToggleButtons(options=[("", "client"), ("", "prospect")], value="client",
                                     style={"button_width": "150px"})
        self.mode.add_class("cw-mode")
        self.mode.observe(lambda c: self._safely(self._show_mode), names="value")

        self.client = ClientBox(on_id=lambda submitted: self._safely(self._on_id, submitted))
        self.prospect = ProspectBox(self.model.prospect_fields(), self.lang,
                                    on_change=lambda: self._safely(self._on_form),
                                    on_example=lambda: self._safely(self._on_example),
                                    on_new=lambda: self._safely(self._on_new_prospect))
        self.form = self.prospect.form

        self.page_error = w.HTML()
        self.page_error.add_class("cw-error")
        self.no_decision = w.HTML()
        self.no_decision.add_class("cw-no-decision")

        self._why = WhyPanel()
        self._standing = StandingPanel(self.model, self._safely)
        self.answer = AnswerPanel(on_undo=lambda: self._safely(self._on_undo),
                                  on_apply=lambda s: self._safely(self._on_apply, s))
        self.outcome = OutcomePanel(on_record=lambda: self._safely(self._on_record))
        two_columns = w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="12px")
        # below the inputs: why and where the applicant stands side by side, then what the officer does
        self.details = w.VBox([w.GridBox([self._why, self._standing], layout=two_columns), self.outcome])
        self.details.layout.display = "none"
        inputs = w.VBox([self.client, self.prospect])
        self.children = [w.HTML(PAGE_CSS), w.HBox([self._title, self._officer, self.language],
                                              layout=w.Layout(justify_content="space-between")),
                         self.mode, self.page_error,
                         w.GridBox([inputs, w.VBox([self.no_decision, self.answer])], layout=two_columns),
                         self.details]
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
        mode = self.mode.value
        self.mode.options = [(t("ui:mode_client"), "client"), (t("ui:mode_prospect"), "prospect")]
        self.mode.value = mode
        self.client.relabel(lang, self._close_ids)
        self.prospect.relabel(lang, self._example)
        self.answer.relabel(lang)
        self._why.relabel(lang)
        self._standing.relabel(lang)
        self.outcome.relabel(lang, self.decision_id)

    # ---- callbacks (thin: read, call the core, render) ----------------------------------------------------------
    def _safely(self, callback, *args) -> None:
        if self._relabelling:
            return
        try:
            self.page_error.value = ""
            callback(*args)
        except InputError as error:   # one not caught next to its field: still a message, and no answer
            if error.field is None:    # not the applicant's input (the scoring service is silent...): page-level
                self._withdraw([])
                self.page_error.value = f"⚠ {html.escape(error.message(self.lang))}"
            else:
                self._withdraw([error])
        except AuditError as error:
            self._withdraw([])   # a decision that could not be logged must not be shown as if it had been
            self.page_error.value = f"⚠ {html.escape(i18n.t('ui:audit_failed', self.lang, why=str(error)))}"
        except Exception:  # the officer gets a message, the server log gets the details
            log.exception("page callback failed")
            self._withdraw([])
            self.page_error.value = f"⚠ {html.escape(i18n.t('ui:unexpected', self.lang))}"

    def _on_lang(self, lang: str) -> None:
        self.lang = lang
        self._relabel()
        self._render_problems()
        if self.decision is not None:
            self._render(record=False)

    def _show_mode(self) -> None:
        client = self.mode.value == "client"
        self.client.layout.display = None if client else "none"
        self.prospect.layout.display = "none" if client else None
        self._new_applicant()
        if client:
            self._on_id(False)
        else:
            self._on_form()

    def _new_applicant(self) -> None:
        """Nothing of the previous applicant stays: answer, simulation, outcome, summary, facts, messages."""
        self._withdraw([])
        self.outcome.reset(self.lang)
        self.client.facts.value = ""
        self.client.error.value = ""

    def _withdraw(self, problems: list) -> None:
        """No decision: every panel that showed one is hidden, the reasons why are said in the answer's place."""
        self.decision = self.decision_id = self.original = self._original_id = None
        self.changes, self.suggestions, self.applied = {}, [], []
        self._problems = list(problems)
        self.answer.clear()
        self.details.layout.display = "none"
        self.outcome.offer_download(None)
        self._standing.clear()
        self.form.mark((), "cw-simulated")
        self._render_problems()

    def _render_problems(self) -> None:
        lang = self.lang
        self.client.error.value = "".join(
            f"⚠ {html.escape(p.message(lang))}" for p in self._problems if p.field == "SK_ID_CURR")
        # What is still missing is said in the answer's place, not under the empty fields: changing a field the
        # officer is about to type into makes the browser redraw it from the kernel's (empty) value, which was seen
        # to swallow what was being typed.
        form_errors = {p.field: p for p in self._problems if p.field in self.form.names and p.key != "required"}
        self.form.show_errors(form_errors)
        if not self._problems:
            self.no_decision.value = ""
            return
        items = "".join(f"<li>{html.escape(p.message(lang))}</li>" for p in self._problems)
        heading = i18n.t("ui:no_decision" if self.mode.value == "prospect" else "ui:no_decision_client", lang)
        self.no_decision.value = (f"<div class='cw-no-decision-box'><b>{heading}</b>"
                                   f"<ul>{items}</ul></div>")

    def _on_id(self, submitted: bool) -> None:
        text = self.client.id.value
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
        self.client.show_hint(self._close_ids, self.lang)

    def _read_form(self):
        """The form's inputs, or None with the problems shown: no number, missing required, out of range."""
        values, errors = self.form.read()
        problems = list(errors.values())
        problems += [InputError(name, "required") for name in REQUIRED
                     if name in self.form.names and values.get(name) is None and name not in errors]
        if problems:
            self._withdraw(problems)
            return None
        inputs = {k: v for k, v in values.items() if v is not None}
        try:
            from ..decision.validate import validate_prospect

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
        self.form.clear()
        self.form.set_values(self.form.example())
        self._example = True
        self._relabel()
        self._new_applicant()
        self._on_form()

    def _on_new_prospect(self) -> None:
        self._example = False
        self._relabel()
        self.form.clear()
        self._new_applicant()
        self._on_form()

    def _on_apply(self, suggestion) -> None:
        if self.decision is None:
            return
        if self.original is None:
            self.original, self._original_id = self.decision, self.decision_id
            self._original_texts = self.form.texts()
        changes = {**self.changes, **suggestion.changes}
        if self.mode.value == "prospect":
            self.form.set_values(changes)
            self.form.mark(changes, "cw-simulated")
        # from the answer on screen: a suggestion was computed for it (history changes included)
        decision = apply_suggestion(self.model, self.decision, suggestion)
        original, original_id, texts = self.original, self._original_id, self._original_texts
        applied = [*self.applied, suggestion]
        self._show(decision, simulation=(original, original_id, changes, texts, applied))
        self._focus(self.answer.undo)

    def _on_undo(self) -> None:
        if self.original is None:
            return
        original, original_id = self.original, self._original_id
        if self.mode.value == "prospect":
            self.form.set_texts(self._original_texts)
        self.form.mark((), "cw-simulated")
        self.decision_id = original_id   # back to the decision already logged: nothing new to record
        self.outcome.restore(original_id, self.lang)
        self._show(original, record=False)

    def _on_record(self) -> None:
        if self.decision is None or self.decision_id is None:
            return
        outcome = self.outcome.submit(self.decision_id, self.lang)
        if outcome is None:
            return
        action, reason = outcome
        self.audit.record_outcome(self.decision_id, action=action, reason=reason, officer=self.officer)
        self.outcome.recorded_as(self.decision_id, outcome, self.lang)
        self._render_download()

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
            self.form.mark((), "cw-simulated")
        else:
            self.original, self._original_id, self.changes, self._original_texts, self.applied = simulation
        if record:
            self.decision_id = None if self._example and decision.client_id is None else self._log(decision)
            self.outcome.reset(self.lang)
        self._render(record=record)

    def _log(self, d) -> str:
        simulation = None if self.original is None else {
            "of": self._original_id, "changes": self.changes, "steps": [s.text("en") for s in self.applied]}
        return self.audit.record_decision(
            client_id=d.client_id, inputs=logged_inputs(d, simulation, self._shadow_fields(d)),
            model_version=d.model_version, artifact_hash=d.artifact_hash, probability=d.probability,
            threshold=d.threshold, decision="favourable" if d.favourable else "unfavourable",
            reasons=[r.text("en") for r in d.reasons], officer=self.officer, lang=self.lang)

    def _shadow_fields(self, d) -> dict:
        application = getattr(self.model, "application", None)
        shadow = from_env(self.model.scoring.feature_names,
                          application.feature_names if application is not None else None)
        return shadow_fields(d, shadow) if shadow is not None else {}

    def _render(self, record: bool = True) -> None:
        d, lang = self.decision, self.lang
        simulation = None if self.original is None else (self.original, self.changes, self.applied)
        self.answer.show(d, lang, self.suggestions, simulation)
        # shown before the charts change: a chart drawn while hidden keeps a zero-sized layout in the browser
        self.details.layout.display = None
        self.outcome.layout.display = "none" if self.decision_id is None else None
        self._why.show(d, lang)
        self.client.show_facts(d, lang, KEY_FACTS, self.original, self.changes)
        self._standing.show(d, lang)
        self._render_download()

    def _render_download(self) -> None:
        d = self.decision
        if d is None or self.decision_id is None:
            self.outcome.offer_download(None)
            return
        lang = self.lang
        application = getattr(self.model, "application", None)
        scorer = application if d.model == "application" and application is not None else self.model.scoring
        report = summary_html(d, lang, self.suggestions, reference=self.decision_id, officer=self.officer,
                              group_members=group_members(scorer.feature_names),
                              outcome=self.outcome.recorded.get(self.decision_id), original=self.original,
                              changes=self.changes, key_facts=KEY_FACTS,
                              steps_done=[s.text(lang) for s in self.applied if s.history])
        name = f"decision-{d.client_id if d.client_id is not None else 'prospect'}-{self.decision_id[:8]}.html"
        self.outcome.offer_download(report, name, lang)

"""The loan officer's page: the desk (`decision.desk.Desk`, the page's state without widgets) drawn in widgets.

The page holds no state of its own: every widget callback calls one of the desk's methods (which enforce the one-state
rule and the record rules) and the page redraws from the desk once per action (`Desk.revision`). The desk's rule:
the answer on screen is the answer for exactly the inputs on screen, or there is none; nothing addressed to the
customer exists before the officer's outcome is recorded (the download appears with it, and is the final decision's
letter followed by the officer's view).

CSS hooks (browser tests rely on them): cw-app, cw-lang, cw-mode, cw-client-id, cw-prospect-form, cw-field-<COLUMN>,
cw-message (a field's message line) and cw-message-<COLUMN>, cw-invalid (a field in error), cw-client-error,
cw-error (page-level problems), cw-no-decision (why there is no answer), cw-verdict, cw-probability, cw-reasons,
cw-suggestion, cw-simulation (the simulation band), cw-undo, cw-example, cw-example-note, cw-new-prospect,
cw-outcome, cw-reason (the override's reason), cw-record, cw-record-status, cw-download, cw-facts, cw-officer (who
is signed in), cw-model (which model decided), cw-why and cw-standing (the two panels of widgets/panels.py), cw-card
(every panel's frame), cw-unsaved (on cw-app while something typed or decided has no outcome recorded: the browser
asks before leaving).

The panels own their widgets and words: inputs.ClientBox / inputs.ProspectBox (where the applicant is given),
answer.AnswerPanel (verdict, probability, reasons, simulation band, what would change it), panels.WhyPanel /
panels.StandingPanel, outcome.OutcomePanel (follows / overrides and the download).
"""
from __future__ import annotations

import html
import logging

import ipywidgets as w

from ..audit import AuditLog, open_log
from ..decision.desk import Desk
from ..documents.reason_codes import group_members
from ..documents.summary import summary_html
from ..monitor.journal import MONITORED
from ..scoring.remote import load_model
from ..scoring.service import CreditModel
from ..serving.ledger import Ledger
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


class CreditApp(w.VBox):
    """The page. Build it once per kernel (Voilà starts one per officer) and display it."""

    def __init__(self, model: CreditModel | None = None, audit: AuditLog | None = None, lang: str = "fr"):
        super().__init__()
        self.model = model or load_model()   # through the scoring API when CREDIT_API_URL is set
        self.audit = audit or open_log()
        officer = current_officer()  # after the model: a pre-heated kernel waits here for its page
        self.desk = Desk(self.model, Ledger(self.audit, self.model), officer, lang)
        self._drawn: tuple = (None, None, None)   # (decision, simulation, lang) the answer panels show
        self._drawing = False
        self._build()
        self.desk.observe(lambda _: self._draw(), names="revision")
        self._relabel()
        self.desk.set_mode("client")

    # ---- what tests and other code read: the desk's state ----------------------------------------------------
    officer = property(lambda self: self.desk.officer)
    lang = property(lambda self: self.desk.lang, lambda self, lang: self.desk.set_lang(lang))
    decision = property(lambda self: self.desk.decision)
    decision_id = property(lambda self: self.desk.decision_id)
    suggestions = property(lambda self: self.desk.suggestions)
    original = property(lambda self: self.desk.simulation.original if self.desk.simulation else None)
    changes = property(lambda self: self.desk.simulation.changes if self.desk.simulation else {})
    applied = property(lambda self: list(self.desk.simulation.steps) if self.desk.simulation else [])

    # ---- layout -----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        desk = self.desk
        self._title = w.HTML()
        self._officer = w.HTML()
        self._officer.add_class("cw-officer")
        self.language = w.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=desk.lang,
                                        style={"button_width": "52px"})
        self.language.add_class("cw-lang")
        self.language.observe(lambda c: self._call(desk.set_lang, c["new"]), names="value")
        self.mode = w.ToggleButtons(options=[("", "client"), ("", "prospect")], value="client",
                                    style={"button_width": "150px"})
        self.mode.add_class("cw-mode")
        self.mode.observe(lambda c: self._call(desk.set_mode, c["new"]), names="value")

        self.client = ClientBox(on_id=lambda submitted: self._call(desk.enter_client, self.client.id.value,
                                                                   submitted))
        self.prospect = ProspectBox(self.model.prospect_fields(), desk.lang,
                                    on_change=lambda: self._call(self._enter_form),
                                    on_example=lambda: self._call(self._example),
                                    on_new=lambda: self._call(self._new_prospect))
        self.form = self.prospect.form

        self.page_error = w.HTML()
        self.page_error.add_class("cw-error")
        self.no_decision = w.HTML()
        self.no_decision.add_class("cw-no-decision")

        self._why = WhyPanel()
        self._standing = StandingPanel(self.model, self._safely)
        self.answer = AnswerPanel(on_undo=lambda: self._call(desk.undo),
                                  on_apply=lambda s: self._call(self._apply, s))
        self.outcome = OutcomePanel(on_record=lambda: self._call(
            desk.record, self.outcome.choice.value, self.outcome.reason.value))
        two_columns = w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="12px")
        # below the inputs: why and where the applicant stands side by side, then what the officer does
        self.details = w.VBox([w.GridBox([self._why, self._standing], layout=two_columns), self.outcome])
        self.details.layout.display = "none"
        inputs = w.VBox([self.client, self.prospect])
        self.children = [w.HTML(PAGE_CSS),
                         w.HBox([self._title, self._officer, self.language],
                                layout=w.Layout(justify_content="space-between")),
                         self.mode, self.page_error,
                         w.GridBox([inputs, w.VBox([self.no_decision, self.answer])], layout=two_columns),
                         self.details]
        self.add_class("cw-app")

    # ---- callbacks: one desk method each (the desk turns any failure into its state) ----------------------------
    def _call(self, method, *args) -> None:
        if self._drawing:   # a widget set while drawing is no choice of the officer
            return
        method(*args)

    def _safely(self, callback, *args) -> None:
        """For the panels' own controls (which input a chart shows), which change no state of the desk."""
        if self._drawing:
            return
        try:
            callback(*args)
        except Exception:   # the officer gets a message, the server log gets the details
            log.exception("panel callback failed")
            self.page_error.value = f"⚠ {html.escape(i18n.t('ui:unexpected', self.lang))}"

    def _enter_form(self) -> None:
        values, errors = self.form.read()
        self.desk.enter_prospect(values, errors, self.form.texts())

    def _example(self) -> None:
        self._drawing = True
        try:
            self.form.clear()
            self.form.set_values(self.form.example())
        finally:
            self._drawing = False
        values, _ = self.form.read()
        self.desk.show_example(values, self.form.texts())

    def _new_prospect(self) -> None:
        self.form.clear()
        self.desk.new_prospect()

    def _apply(self, suggestion) -> None:
        self.desk.apply(suggestion)
        if self.desk.simulation is not None:
            self._focus(self.answer.undo)

    def _focus(self, widget) -> None:
        try:
            widget.focus()
        except Exception:   # focus is a comfort: an older front end without it must not break the answer
            log.debug("focus not supported", exc_info=True)

    # ---- drawing the desk -------------------------------------------------------------------------------------
    def _relabel(self) -> None:
        self._drawing = True
        try:
            lang = self.lang
            t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
            self._title.value = f"<h2>{t('ui:title')}</h2>"
            self._officer.value = officer_html(self.officer, lang)
            mode = self.mode.value
            self.mode.options = [(t("ui:mode_client"), "client"), (t("ui:mode_prospect"), "prospect")]
            self.mode.value = mode
            self.language.value = lang
            self.client.relabel(lang, self.desk.close_ids)
            self.prospect.relabel(lang, self.desk.example)
            self.answer.relabel(lang)
            self._why.relabel(lang)
            self._standing.relabel(lang)
            self.outcome.relabel(lang)
        finally:
            self._drawing = False
        self._labelled = (lang, self.desk.example)

    def _draw(self) -> None:
        desk = self.desk
        if getattr(self, "_labelled", None) != (desk.lang, desk.example):
            self._relabel()
        self._drawing = True
        try:
            self._draw_state()
        finally:
            self._drawing = False

    def _draw_state(self) -> None:
        desk, lang = self.desk, self.desk.lang
        notice = desk.page_notice
        self.page_error.value = "" if notice is None else f"⚠ {html.escape(notice.text(lang))}"
        self.client.show_hint(desk.close_ids, lang)
        self._draw_problems()
        self._draw_form()
        d = desk.decision
        if d is None:
            self._drawn = (None, None, None)
            self.answer.clear()
            self.details.layout.display = "none"
            self._standing.clear()
            self.client.facts.value = ""
            self.outcome.show(None, None, None, lang)
            self.outcome.offer_download(None)   # the last answer's letter goes with it: no document for no answer
            self._draw_unsaved()
            return
        shown = (d, desk.simulation, lang)
        if shown != self._drawn:   # the answer's panels are drawn once per answer (and language)
            simulation = desk.simulation
            self.answer.show(d, lang, desk.suggestions, None if simulation is None else
                             (simulation.original, simulation.changes, list(simulation.steps)))
            # shown before the charts change: a chart drawn while hidden keeps a zero-sized layout in the browser
            self.details.layout.display = None
            self._why.show(d, lang)
            self.client.show_facts(d, lang, KEY_FACTS, self.original, self.changes)
            self._standing.show(d, lang)
            self._drawn = shown
        self.outcome.layout.display = "none" if desk.decision_id is None else None
        self.outcome.show(desk.decision_id, desk.outcome, desk.record_notice, lang)
        self._draw_download()
        self._draw_unsaved()

    def _draw_problems(self) -> None:
        desk, lang = self.desk, self.desk.lang
        problems = desk.problems
        self.client.error.value = "".join(
            f"⚠ {html.escape(p.message(lang))}" for p in problems if p.field == "SK_ID_CURR")
        # What is still missing is said in the answer's place, not under the empty fields: changing a field the
        # officer is about to type into makes the browser redraw it from the kernel's (empty) value, which was seen
        # to swallow what was being typed.
        self.form.show_errors({p.field: p for p in problems if p.field in self.form.names and p.key != "required"})
        if not problems:
            self.no_decision.value = ""
            return
        items = "".join(f"<li>{html.escape(p.message(lang))}</li>" for p in problems)
        heading = i18n.t("ui:no_decision" if desk.mode == "prospect" else "ui:no_decision_client", lang)
        self.no_decision.value = f"<div class='cw-no-decision-box'><b>{heading}</b><ul>{items}</ul></div>"

    def _draw_form(self) -> None:
        """The mode's box, and the form as the desk has it: a simulation's changes shown and marked, an undo's
        texts back exactly as they were typed."""
        desk = self.desk
        client = desk.mode == "client"
        self.client.layout.display = None if client else "none"
        self.prospect.layout.display = "none" if client else None
        if self.mode.value != desk.mode:
            self.mode.value = desk.mode
        simulation = desk.simulation
        if desk.mode == "prospect" and simulation is not None:
            self.form.set_values(simulation.changes)
            self.form.mark(simulation.changes, "cw-simulated")
            return
        if desk.mode == "prospect" and desk.typed and desk.typed != self.form.texts():
            self.form.set_texts(desk.typed)   # an undo: what was typed before the simulation
        self.form.mark((), "cw-simulated")

    def _draw_download(self) -> None:
        """The final decision's documents, once an outcome is recorded: before, nothing to hand to the customer."""
        desk = self.desk
        final = desk.final
        if final is None:
            self.outcome.offer_download(None)
            return
        d, lang = final.advice, desk.lang
        application = getattr(self.model, "application", None)
        scorer = application if d.model == "application" and application is not None else self.model.scoring
        report = summary_html(final, lang, desk.suggestions, officer=self.officer,
                              group_members=group_members(scorer.feature_names), key_facts=KEY_FACTS)
        who = d.client_id if d.client_id is not None else "prospect"
        self.outcome.offer_download(report, f"decision-{who}-{final.reference[:8]}.html", lang)

    def _draw_unsaved(self) -> None:
        """Something typed or decided without an outcome on record: leaving the page asks first."""
        desk = self.desk
        typed = (desk.mode == "prospect" and any(desk.typed.values())) or bool(desk.client_text.strip())
        unsaved = typed and not (desk.decision_id is not None and desk.outcome is not None)
        if unsaved:
            self.add_class("cw-unsaved")
        else:
            self.remove_class("cw-unsaved")

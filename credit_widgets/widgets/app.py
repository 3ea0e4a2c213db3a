"""The loan officer's page: one object holding the page's state, thin callbacks that call the core and render.

Every callback goes through `_safely`: bad input becomes a message in the officer's language, anything unexpected a
generic message (details go to the server log), never a traceback; what was typed stays where it was.
"""
from __future__ import annotations

import base64
import html
import logging
import warnings

import ipywidgets as w

from .. import i18n
from ..audit import AuditError, AuditLog, prospect_key
from ..explain import input_label
from ..model import CreditModel
from ..officer import current_officer, officer_html
from ..remote import load_model
from ..report import decision_html
from ..schema import FIELDS
from ..validate import InputError
from .charts import BLUE, ORANGE, BaseScatter, Distribution, Gauge, Waterfall
from .form import ProspectForm

log = logging.getLogger("credit_widgets.page")
KEY_FACTS = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "NAME_CONTRACT_TYPE", "DAYS_BIRTH",
             "DAYS_EMPLOYED", "NAME_INCOME_TYPE", "NAME_EDUCATION_TYPE", "NAME_FAMILY_STATUS", "CNT_CHILDREN",
             "NAME_HOUSING_TYPE", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]
_CSS = """<style>
.cw-app {font-size: 14px; color: #1a1a1a; max-width: 1180px}
.cw-app h2 {margin: 4px 0} .cw-app h3 {margin: 10px 0 4px; font-size: 16px}
.cw-card {border: 1px solid #c8c8c8; border-radius: 6px; padding: 8px 12px; margin: 4px 0}
.cw-verdict-box {font-size: 22px; font-weight: bold; padding: 8px 14px; border-radius: 6px; border-left: 10px solid}
.cw-app .cw-error .widget-html-content {color: #a40000; font-weight: bold}
.cw-reasons li {margin: 2px 0} .cw-facts td {padding: 1px 10px 1px 0}
.cw-app .widget-label, .cw-app .widget-html-content {color: #1a1a1a}
</style>"""


def _shown(column: str, raw, lang: str) -> str:
    field = FIELDS.get(column)
    if raw is None:
        return i18n.t("missing_value", lang)
    if field is None or isinstance(raw, str):
        return html.escape(i18n.level(str(raw), lang))
    value = field.to_display(raw)
    if field.kind == "amount":
        return i18n.amount(value, lang)
    if field.unit == "years":
        return i18n.years(value, lang)
    return i18n.number(value, lang, 2 if field.kind == "score" else 0)


class CreditApp(w.VBox):
    """The page. Build it once per kernel (Voilà starts one per officer) and display it."""

    def __init__(self, model: CreditModel | None = None, audit: AuditLog | None = None, lang: str = "fr"):
        super().__init__()
        self.model = model or load_model()   # through the scoring API when CREDIT_API_URL is set
        self.audit = audit or AuditLog()
        self.officer = current_officer()  # after the model: a pre-heated kernel waits here for its page
        self.lang = lang
        self.decision = None
        self.decision_id = None
        self._samples: dict = {}
        self._relabelling = False   # new option labels are no choice of the officer
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
        self._client_hint = w.HTML()
        self._facts = w.HTML()
        self._client_box = w.VBox([self._client_id, self._client_hint, self._facts])

        self._form = ProspectForm(self.model.prospect_fields(), self.lang, columns=1)
        self._form.on_change(lambda: self._safely(self._on_form))
        self._form_intro = w.HTML()
        self._prospect_box = w.VBox([self._form_intro, self._form])

        self._error = w.HTML()
        self._error.add_class("cw-error")

        self._verdict = w.HTML()
        self._verdict.add_class("cw-verdict")
        self._probability = w.HTML()
        self._probability.add_class("cw-probability")
        self._flags = w.HTML()
        self._gauge = Gauge()

        self._why_title, self._why_caption = w.HTML(), w.HTML()
        self._waterfall = Waterfall()
        self._reasons = w.HTML()
        self._reasons.add_class("cw-reasons")

        self._standing_title = w.HTML()
        self._position_column = w.Dropdown(layout=w.Layout(width="420px"), style={"description_width": "initial"})
        self._position_column.observe(lambda c: self._safely(self._render_position), names="value")
        self._distribution = Distribution()
        self._position_text = w.HTML()
        self._scatter_x = w.Dropdown(layout=w.Layout(width="50%"), style={"description_width": "initial"})
        self._scatter_y = w.Dropdown(layout=w.Layout(width="50%"), style={"description_width": "initial"})
        for axis in (self._scatter_x, self._scatter_y):
            axis.observe(lambda c: self._safely(self._render_scatter), names="value")
        self._scatter = BaseScatter()
        self._scatter_caption = w.HTML()
        self._similar = w.HTML()

        self._change_title = w.HTML()
        self._suggestions = w.VBox()
        self._outcome_title = w.HTML()
        self._outcome = w.ToggleButtons(options=[("", "follows"), ("", "overrides")], value="follows",
                                        style={"button_width": "190px"})
        self._outcome_reason = w.Textarea(layout=w.Layout(width="100%", height="48px"))
        self._record = w.Button(button_style="", icon="")
        self._record.on_click(lambda _: self._safely(self._on_record))
        self._record_status = w.HTML()
        self._download = w.HTML()

        summary = w.VBox([self._verdict, self._flags, self._probability, self._gauge.figure, self._reasons,
                          self._change_title, self._suggestions])
        why = w.VBox([self._why_title, self._waterfall.figure, self._why_caption])
        standing = w.VBox([self._standing_title, self._position_column, self._distribution.figure,
                           self._position_text, w.HBox([self._scatter_x, self._scatter_y]), self._scatter.figure,
                           self._scatter_caption, self._similar])
        decide = w.VBox([self._outcome_title, self._outcome, self._outcome_reason,
                         w.HBox([self._record, self._record_status]), self._download])
        for box in (summary, why, standing, decide):
            box.add_class("cw-card")
        two_columns = w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="12px")
        self._answer = w.VBox([w.GridBox([why, standing], layout=two_columns), decide])
        self._summary = summary
        self._answer.layout.display = summary.layout.display = "none"
        inputs = w.VBox([self._client_box, self._prospect_box])
        self.children = [w.HTML(_CSS), w.HBox([self._title, self._officer, self._lang],
                                              layout=w.Layout(justify_content="space-between")),
                         self._mode, self._error, w.GridBox([inputs, summary], layout=two_columns), self._answer]
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
        self._client_id.placeholder = "100002"
        self._form_intro.value = f"<p>{t('ui:form_intro')}</p><p><b>ℹ {t('ui:thin_file')}</b></p>"
        self._form.set_lang(lang)
        self._why_title.value = f"<h3>{t('ui:why')}</h3>"
        self._why_caption.value = f"<small>{t('ui:waterfall_caption')}</small>"
        self._standing_title.value = f"<h3>{t('ui:standing')}</h3>"
        columns = self.model.position_columns()
        options = [(input_label(c, lang) if c in FIELDS else input_label(c, lang), c) for c in columns]
        keep = self._position_column.value or ("ANNUITY_INCOME_RATIO" if "ANNUITY_INCOME_RATIO" in columns
                                               else columns[0])
        self._position_column.description = t("ui:position_of")
        self._position_column.options = options
        self._position_column.value = keep
        for axis, default, key in ((self._scatter_x, "EXT_SOURCE_MEAN", "ui:scatter_x"),
                                   (self._scatter_y, "ANNUITY_INCOME_RATIO", "ui:scatter_y")):
            value = axis.value or (default if default in columns else columns[0])
            axis.description = t(key)
            axis.options = options
            axis.value = value
        self._change_title.value = f"<h3>{t('ui:change')}</h3>"
        self._outcome_title.value = f"<h3>{t('ui:outcome')}</h3>"
        outcome = self._outcome.value
        self._outcome.options = [(t("ui:follows"), "follows"), (t("ui:overrides"), "overrides")]
        self._outcome.value = outcome
        self._outcome_reason.placeholder = t("ui:override_reason")
        self._record.description = t("ui:record")
        if not self._client_id.value:
            self._client_hint.value = f"<small>{t('ui:client_id_hint')}</small>"

    # ---- callbacks (thin: validate, call the core, render) ------------------------------------------------------
    def _safely(self, callback, *args) -> None:
        if self._relabelling:
            return
        try:
            callback(*args)
        except InputError as error:
            self._error.value = f"⚠ {html.escape(error.message(self.lang))}"
        except AuditError as error:
            self._error.value = f"⚠ {html.escape(i18n.t('ui:audit_failed', self.lang, why=str(error)))}"
        except Exception:  # the officer gets a message, the server log gets the details
            log.exception("page callback failed")
            self._error.value = f"⚠ {html.escape(i18n.t('ui:unexpected', self.lang))}"

    def _on_lang(self, lang: str) -> None:
        self.lang = lang
        self._relabel()
        if self.decision is not None:
            self._render(self.decision, record=False)

    def _show_mode(self) -> None:
        client = self._mode.value == "client"
        self._client_box.layout.display = None if client else "none"
        self._prospect_box.layout.display = "none" if client else None
        self._clear()
        if client:
            self._on_id(False)
        else:
            self._on_form()

    def _clear(self) -> None:
        self.decision = None
        self._error.value = ""
        self._answer.layout.display = self._summary.layout.display = "none"

    def _on_id(self, submitted: bool) -> None:
        text = self._client_id.value.strip()
        self._error.value = ""
        if not text:
            self._facts.value = ""
            self._client_hint.value = f"<small>{i18n.t('ui:client_id_hint', self.lang)}</small>"
            self._clear()
            return
        if not text.isdigit():
            self._clear()
            raise InputError("SK_ID_CURR", "type_number")
        client = int(text)
        if self.model.population.row(client) is None:
            self._clear()
            close = ", ".join(map(str, self.model.close_ids(client)))
            self._client_hint.value = f"<small>{i18n.t('ui:close_ids', self.lang, ids=close)}</small>"
            if submitted or len(text) >= len(str(self.model.client_ids()[0])):
                raise InputError("SK_ID_CURR", "unknown_client", value=client)
            return
        self._client_hint.value = ""
        if submitted and self.decision is not None and self.decision.client_id == client:
            return   # already answered as it was typed: Enter would only score and log it twice
        self._render(self.model.score_client(client))

    def _on_form(self) -> None:
        self._error.value = ""
        inputs = {k: v for k, v in self._form.values().items() if v is not None}
        self._render(self.model.score_prospect(inputs))

    def _on_apply(self, suggestion) -> None:
        self._error.value = ""
        if self._mode.value == "prospect":
            self._form.set_values(suggestion.changes)
            self._on_form()
        else:
            self._render(self.model.rescore(self.decision, suggestion.changes))

    def _on_record(self) -> None:
        if self.decision_id is None:
            return
        action, reason = self._outcome.value, self._outcome_reason.value.strip()
        if action == "overrides" and not reason:
            self._record_status.value = f"⚠ {i18n.t('ui:reason_needed', self.lang)}"
            return
        self.audit.record_outcome(self.decision_id, action=action, reason=reason, officer=self.officer)
        self._record_status.value = f"✔ {i18n.t('ui:recorded', self.lang)}"

    # ---- rendering --------------------------------------------------------------------------------------------
    def _render(self, d, record: bool = True) -> None:
        lang = self.lang
        self.decision = d
        self._error.value = ""
        # shown before the charts change: a chart drawn while hidden keeps a zero-sized layout in the browser
        self._answer.layout.display = self._summary.layout.display = None
        colour = BLUE if d.favourable else ORANGE
        icon = "✔" if d.favourable else "✖"
        self._verdict.value = (f"<div class='cw-verdict-box' style='border-left-color:{colour};"
                               f"background:{'#eef5fb' if d.favourable else '#fdf0ea'}'>{icon} "
                               f"{d.verdict(lang)}</div>")
        flags = []
        if d.borderline:
            flags.append(f"⚠ {i18n.t('ui:borderline', lang)}")
        if d.rare_profile:
            flags.append(f"◆ {i18n.t('ui:rare', lang)}")
        if d.thin_file and d.client_id is not None:
            flags.append(f"ℹ {i18n.t('ui:thin_file', lang)}")
        self._flags.value = "".join(f"<div>{f}</div>" for f in flags)
        self._probability.value = i18n.t("ui:probability", lang, p=f"<b>{i18n.percent(d.probability, lang, 1)}</b>",
                                         t=i18n.percent(d.threshold, lang, 1),
                                         m=i18n.number(100 * d.margin, lang, 1))
        self._gauge.update(d.probability, d.threshold, d.favourable)
        labels = {name: input_label(name, lang) for name in d.contributions}
        labels["__rest__"] = "Autres éléments" if lang == "fr" else "Other inputs"
        self._waterfall.update(d.base_value, d.contributions, labels)
        against = "".join(f"<li>▲ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "against")
        support = "".join(f"<li>▼ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "for")
        self._reasons.value = (f"<b>{i18n.t('ui:against', lang)}</b><ul>{against or '<li>–</li>'}</ul>"
                               f"<b>{i18n.t('ui:for', lang)}</b><ul>{support or '<li>–</li>'}</ul>")
        if d.client_id is not None:
            rows = "".join(f"<tr><td>{input_label(c, lang)}</td><td><b>{_shown(c, d.inputs.get(c), lang)}</b></td></tr>"
                           for c in KEY_FACTS)
            self._facts.value = f"<h3>{i18n.t('ui:key_facts', lang)} {d.client_id}</h3><table class='cw-facts'>{rows}</table>"
        self._render_position()
        self._render_scatter()
        similar = self.model.similar(d)
        rate = i18n.percent(similar["default_rate"], lang, 0) if similar["default_rate"] is not None else "–"
        self._similar.value = i18n.t("ui:similar", lang, n=similar["count"], rate=f"<b>{rate}</b>",
                                     overall=i18n.percent(self.model.population.stats.default_rate, lang, 0))
        suggestions = self.model.suggest(d)
        self._render_suggestions(d, suggestions)
        if record:
            self.decision_id = self.audit.record_decision(
                client_id=d.client_id, inputs=d.inputs if d.client_id is None else {"SK_ID_CURR": d.client_id, **{
                    k: d.inputs.get(k) for k in KEY_FACTS}},
                model_version=d.model_version, artifact_hash=d.artifact_hash, probability=d.probability,
                threshold=d.threshold, decision="favourable" if d.favourable else "unfavourable",
                reasons=[r.text("en") for r in d.reasons], officer=self.officer, lang=lang)
            self._record_status.value = ""
        report = base64.b64encode(decision_html(d, lang, suggestions).encode()).decode()
        name = f"decision-{d.client_id or prospect_key(d.inputs)[:8]}.html"
        self._download.value = (f"<a download='{name}' href='data:text/html;base64,{report}' "
                                f"style='font-weight:bold'>⬇ {i18n.t('ui:download', lang)}</a>")

    def _render_position(self) -> None:
        d, lang = self.decision, self.lang
        if d is None or not self._position_column.value:
            return
        column = self._position_column.value
        position = self.model.position(d, column)
        percent_like = column.endswith("_RATIO") or column.endswith("_SHARE")
        self._distribution.update(position, (i18n.t("ui:repaid", lang), i18n.t("ui:defaulted", lang),
                                             i18n.t("ui:applicant", lang)), ".0%" if percent_like else "")
        if position["value"] is None:
            self._position_text.value = i18n.t("ui:not_placed", lang)
            return
        shown = i18n.percent(position["value"], lang) if percent_like else i18n.number(
            position["value"], lang, 2 if abs(position["value"]) < 10 else 0)
        self._position_text.value = i18n.t("ui:percentiles", lang, v=f"<b>{shown}</b>",
                                           all=i18n.number(position["percentile_all"], lang),
                                           r=i18n.number(position["percentile_repaid"], lang),
                                           d=i18n.number(position["percentile_defaulted"], lang))

    def _render_scatter(self) -> None:
        d, lang = self.decision, self.lang
        if d is None or not self._scatter_x.value or not self._scatter_y.value:
            return
        x, y = self._scatter_x.value, self._scatter_y.value
        if (x, y) not in self._samples:
            self._samples[(x, y)] = self.model.base_sample(x, y)
        point = (self.model.position(d, x)["value"], self.model.position(d, y)["value"])
        formats = tuple(".0%" if c.endswith(("_RATIO", "_SHARE")) else "" for c in (x, y))
        self._scatter_caption.value = (
            f"<small><span style='color:#3b7fb5'>●</span> {i18n.t('ui:repaid', lang)} · "
            f"<span style='color:{ORANGE}'>✚</span> {i18n.t('ui:defaulted', lang)} · ◆ {i18n.t('ui:applicant', lang)}"
            f"</small>")
        self._scatter.update(self._samples[(x, y)], point,
                             (i18n.t("ui:repaid", lang), i18n.t("ui:defaulted", lang), i18n.t("ui:applicant", lang)),
                             (input_label(x, lang), input_label(y, lang)), formats)

    def _render_suggestions(self, d, suggestions) -> None:
        lang = self.lang
        if d.favourable:
            note = i18n.t("ui:margin_note", lang, m=i18n.number(100 * d.margin, lang, 1))
            extra = "".join(f"<br>{html.escape(s.text(lang))}" for s in suggestions)
            self._suggestions.children = [w.HTML(f"<p>✔ {note}{extra}</p>")]
            return
        if not suggestions:
            self._suggestions.children = [w.HTML(f"<p>{i18n.t('ui:no_suggestion', lang)}</p>")]
            return
        buttons = []
        for s in suggestions:
            label = (f"{i18n.t('ui:apply', lang)} : {s.text(lang)} → "
                     f"{i18n.t('ui:new_probability', lang, p=i18n.percent(s.probability, lang, 1))}")
            button = w.Button(description=label, layout=w.Layout(width="auto", max_width="100%"),
                              tooltip=label)
            button.add_class("cw-suggestion")
            button.on_click(lambda _, s=s: self._safely(self._on_apply, s))
            buttons.append(button)
        self._suggestions.children = buttons

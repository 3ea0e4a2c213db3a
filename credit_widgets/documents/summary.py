"""The decision as a self-contained HTML record for the file: the final decision's customer letter, then the
officer's view of the same decision (who, what was asked, the answer with its probability and threshold, why, what
would change it, the outcome of the meeting, the references that find it in the audit log). Both open with the final
decision, then the model's advice and the officer's reason. Before an outcome is recorded there is no final decision,
hence no letter: only the officer's working view, marked as such (`working_view_html`). Local time with its zone."""
from __future__ import annotations

import html
from datetime import datetime

from ..explain.reasons import input_label, input_text
from ..text import i18n
from .letter import head_lines, letter_html
from .reason_codes import withheld


def summary_html(final, lang: str = "fr", suggestions=(), *, group_members: dict | None = None,
                 officer: str | None = None, when: datetime | None = None, key_facts: list[str] | None = None) -> str:
    """What the page downloads once the outcome is recorded: the customer's letter for the final decision, then,
    on a new printed page, the officer's view of it."""
    letter = letter_html(final, suggestions, lang, officer=officer, when=when, group_members=group_members,
                         body_only=True)
    simulation = final.simulation
    view = decision_html(final.advice, lang, suggestions, reference=final.reference, outcome=final.outcome,
                         officer=officer, original=simulation.original if simulation else None,
                         changes=simulation.changes if simulation else None, key_facts=key_facts, when=when,
                         steps_done=simulation.history_steps(lang) if simulation else (), body_only=True,
                         head="\n".join(head_lines(final, lang, when)))
    title = html.escape(i18n.t("report:title", lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_STYLE}</style></head><body>
<section class="notice letter" data-final="{final.state}">{letter}</section>
<section class="officer-view" style="page-break-before:always"><hr>
<h1>{html.escape(i18n.t('ui:officer_view', lang))}</h1>{view}</section>
</body></html>"""


def working_view_html(decision, lang: str = "fr", suggestions=(), **officer_view) -> str:
    """The officer's view before any outcome: printable, said to be no document for the customer."""
    view = decision_html(decision, lang, suggestions, body_only=True,
                         head=f'<p class="working-view"><b>{html.escape(i18n.t("report:working_view", lang))}</b></p>',
                         **officer_view)
    title = html.escape(i18n.t("report:title", lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_STYLE}</style></head><body>
<section class="officer-view working"><h1>{html.escape(i18n.t('ui:officer_view', lang))}</h1>{view}</section>
</body></html>"""


_STYLE = """body{font-family:sans-serif;max-width:46em;margin:2em auto;color:#1a1a1a;line-height:1.45}
h1{font-size:1.4em} .verdict{font-size:1.3em;font-weight:bold} small{color:#444} td{padding:1px 12px 1px 0}
.simulation{border:2px dashed #0072B2;padding:6px 10px} @media print{body{margin:1cm}}"""


def decision_html(decision, lang: str = "fr", suggestions=(), *, reference: str | None = None, outcome=None,
                  officer: str | None = None, original=None, changes: dict | None = None,
                  key_facts: list[str] | None = None, when: datetime | None = None, steps_done=(),
                  body_only: bool = False, head: str = "") -> str:
    def e(text):
        return html.escape(str(text))

    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    when = (when or datetime.now()).astimezone()
    verdict = decision.verdict(lang)
    icon = "✔" if decision.favourable else "✖"
    probability = t("ui:probability", **i18n.probability_texts(decision.probability, decision.threshold, lang))
    against = [r for r in decision.reasons if r.direction == "against"]
    support = [r for r in decision.reasons if r.direction == "for"]
    items = "".join
    who = (f"{t('ui:client_id')} {decision.client_id}" if decision.client_id is not None
           else f"{t('report:prospect')} {reference[:8] if reference else ''}")
    columns = key_facts if decision.client_id is not None and key_facts else list(decision.inputs)
    changes = changes or {}
    rows = []
    for column in columns:
        now = e(input_text(column, decision.inputs.get(column), lang))
        if column in changes and original is not None:
            now = f"<s>{e(input_text(column, original.inputs.get(column), lang))}</s> → {now}"
        rows.append(f"<tr><td>{e(input_label(column, lang))}</td><td>{now}</td></tr>")
    simulation = ""
    if original is not None and (changes or steps_done):
        said = "; ".join([f"{input_label(c, lang)} → {input_text(c, v, lang)}" for c, v in changes.items()]
                         + list(steps_done))
        before = t("ui:simulation_original", verdict=original.verdict(lang),
                   p=i18n.percent(original.probability, lang, 1))
        simulation = f"<p class='simulation'><b>⚗ {e(t('ui:simulation', changes=said))}</b><br>{e(before)}</p>"
    steps = items(f"<li>{e(s.summary(lang))}</li>" for s in suggestions)   # partial steps say how far they get
    if outcome is not None:
        outcome_text = e(outcome.said(lang))
    else:
        outcome_text = e(t("report:no_outcome"))
    colon = " :" if lang == "fr" else ":"
    kept_back = [r.label(lang) for r in withheld(decision)]
    kept_back = (f"<p class='withheld'><small>{e(t('report:withheld', inputs=', '.join(kept_back)))}</small></p>"
                 if kept_back else "")
    body = f"""{head}
<p><b>{e(who)}</b><br><small>{e(t('report:date'))}{colon} {when:%Y-%m-%d %H:%M %Z (UTC%z)} ·
{e(t('report:model'))} {e(decision.model_version)} · {e(t('report:reference'))}{colon} {e(reference or '–')} ·
{e(t('report:officer'))}{colon} {e(officer or '–')}</small></p>
{simulation}
<p class="verdict">{icon} {e(verdict)}</p>
<p>{e(probability)}</p>
<h2>{e(t('ui:against'))}</h2><ul>{items(f"<li>{e(r.text(lang))}</li>" for r in against) or '<li>–</li>'}</ul>
{kept_back}
<h2>{e(t('ui:for'))}</h2><ul>{items(f"<li>{e(r.text(lang))}</li>" for r in support) or '<li>–</li>'}</ul>
{f"<h2>{e(t('ui:change'))}</h2><ul>{steps}</ul>" if steps else ""}
<h2>{e(t('report:inputs'))}</h2><table>{items(rows)}</table>
<h2>{e(t('ui:outcome'))}</h2><p class="outcome">{outcome_text}</p>
<p><small>{e(t('report:footer'))}</small></p>"""
    if body_only:
        return body
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(t('report:title'))}</title>
<style>{_STYLE}</style></head><body>
<h1>{e(t('report:title'))}</h1>
{body}
</body></html>"""

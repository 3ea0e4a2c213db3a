"""The decision as a self-contained HTML record, to hand to the applicant and keep in the file: who, what was
asked, the answer with its probability and threshold, why, what would change it, the outcome of the meeting, and
the references that find it in the audit log (decision id, model version). Local time with its time zone."""
from __future__ import annotations

import html
from datetime import datetime

from ..explain.reasons import input_label, input_text
from ..text import i18n


def summary_html(decision, lang: str = "fr", suggestions=(), *, reference: str, group_members: dict | None = None,
                 officer: str | None = None, when: datetime | None = None, **officer_view) -> str:
    """What the page downloads: the applicant's notice (refusal notice or confirmation) then, on a new printed
    page, the officer's view of the same decision (`decision_html`)."""
    from .letter import notice_html

    notice = notice_html(decision, suggestions, lang, reference=reference, officer=officer, when=when,
                         group_members=group_members, body_only=True)
    view = decision_html(decision, lang, suggestions, reference=reference, officer=officer, when=when,
                         body_only=True, **officer_view)
    title = html.escape(i18n.t("report:title", lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_STYLE}</style></head><body>
<section class="notice">{notice}</section>
<section class="officer-view" style="page-break-before:always"><hr>
<h1>{html.escape(i18n.t('ui:officer_view', lang))}</h1>{view}</section>
</body></html>"""


_STYLE = """body{font-family:sans-serif;max-width:46em;margin:2em auto;color:#1a1a1a;line-height:1.45}
h1{font-size:1.4em} .verdict{font-size:1.3em;font-weight:bold} small{color:#444} td{padding:1px 12px 1px 0}
.simulation{border:2px dashed #0072B2;padding:6px 10px} @media print{body{margin:1cm}}"""


def decision_html(decision, lang: str = "fr", suggestions=(), *, reference: str | None = None, outcome=None,
                  officer: str | None = None, original=None, changes: dict | None = None,
                  key_facts: list[str] | None = None, when: datetime | None = None, steps_done=(),
                  body_only: bool = False) -> str:
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
        action, why = outcome
        outcome_text = e(t(f"ui:{action}")) + (f" — {e(why)}" if why else "")
    else:
        outcome_text = e(t("report:no_outcome"))
    colon = " :" if lang == "fr" else ":"
    body = f"""<p><b>{e(who)}</b><br><small>{e(t('report:date'))}{colon} {when:%Y-%m-%d %H:%M %Z (UTC%z)} ·
{e(t('report:model'))} {e(decision.model_version)} · {e(t('report:reference'))}{colon} {e(reference or '–')} ·
{e(t('report:officer'))}{colon} {e(officer or '–')}</small></p>
{simulation}
<p class="verdict">{icon} {e(verdict)}</p>
<p>{e(probability)}</p>
<h2>{e(t('ui:against'))}</h2><ul>{items(f"<li>{e(r.text(lang))}</li>" for r in against) or '<li>–</li>'}</ul>
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

"""A one-page summary of a decision and its reasons, as self-contained HTML, to hand to the applicant."""
from __future__ import annotations

import html
from datetime import datetime, timezone

from . import i18n


def decision_html(decision, lang: str = "fr", suggestions=()) -> str:
    def e(text):
        return html.escape(str(text))

    verdict = decision.verdict(lang)
    icon = "✔" if decision.favourable else "✖"
    probability = i18n.t("ui:probability", lang, p=i18n.percent(decision.probability, lang, 1),
                         t=i18n.percent(decision.threshold, lang, 1),
                         m=i18n.number(100 * decision.margin, lang, 1))
    against = [r for r in decision.reasons if r.direction == "against"]
    support = [r for r in decision.reasons if r.direction == "for"]
    items = "".join
    changes = items(f"<li>{e(s.summary(lang))}</li>" for s in suggestions)   # partial steps say so
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(i18n.t('report:title', lang))}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;color:#1a1a1a;line-height:1.45}}
h1{{font-size:1.4em}} .verdict{{font-size:1.3em;font-weight:bold}} small{{color:#444}}</style></head><body>
<h1>{e(i18n.t('report:title', lang))}</h1>
<p><small>{e(i18n.t('report:date', lang))} : {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ·
{e(i18n.t('report:model', lang))} {e(decision.model_version)}</small></p>
<p class="verdict">{icon} {e(verdict)}</p>
<p>{e(probability)}</p>
<h2>{e(i18n.t('ui:against', lang))}</h2><ul>{items(f"<li>{e(r.text(lang))}</li>" for r in against) or '<li>–</li>'}</ul>
<h2>{e(i18n.t('ui:for', lang))}</h2><ul>{items(f"<li>{e(r.text(lang))}</li>" for r in support) or '<li>–</li>'}</ul>
{f"<h2>{e(i18n.t('ui:change', lang))}</h2><ul>{changes}</ul>" if changes else ""}
<p><small>{e(i18n.t('report:footer', lang))}</small></p>
</body></html>"""

"""The refusal notice: a printable document for the applicant, in French or English.

For an unfavourable answer: the decision and its date (local time, with its time zone), the reference of the
decision in the audit log and the model's version, up to four principal reasons from the catalogue of reason codes,
what would improve the answer (with the probability each step reaches), and how to ask for a review by a person.
For a favourable answer, a short confirmation. Plain HTML, no widgets: the page and batch jobs can both call it.
"""
from __future__ import annotations

import html
from datetime import datetime

from ..text import i18n
from .reason_codes import principal_reasons

_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;color:#1a1a1a;line-height:1.45}"
          "h1{font-size:1.4em} .verdict{font-size:1.2em;font-weight:bold} small{color:#444}"
          "@media print{body{margin:1cm}}")


def when_text(when: datetime | None, lang: str) -> str:
    """Date and time with its zone: 2026-12-02 07:31 CET (UTC+01:00); the machine's local time unless `when` has
    a zone of its own (the branch's)."""
    when = when if when is not None and when.tzinfo is not None else (when or datetime.now()).astimezone()
    offset = when.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = when.tzname() or ""
    return f"{when:%Y-%m-%d %H:%M} {name} ({zone})" if name and not name.startswith(("UTC", "+", "-")) \
        else f"{when:%Y-%m-%d %H:%M} ({zone})"


def notice_html(decision, suggestions=(), lang: str = "fr", *, reference: str, officer: str | None = None,
                when: datetime | None = None, group_members: dict | None = None, body_only: bool = False) -> str:
    """The notice for one decision. `reference` is the decision's id in the audit log; `group_members` (from
    `reason_codes.group_members(model.scoring.feature_names)`) lets a group of columns count as provided."""
    lang = i18n.check_lang(lang)

    def e(text) -> str:
        return html.escape(str(text))

    date = when_text(when, lang)
    favourable = decision.favourable
    title = i18n.t("notice:title_favourable" if favourable else "notice:title_unfavourable", lang)
    parts = [f"<h1>{e(title)}</h1>",
             f'<p class="verdict" data-decision="{"favourable" if favourable else "unfavourable"}">'
             f'{e(i18n.t("notice:decision_favourable" if favourable else "notice:decision", lang, when=date))}</p>',
             '<p class="reference"><small>'
             f'{e(i18n.t("notice:reference", lang, reference=reference, version=decision.model_version))}'
             '</small></p>']
    if favourable:
        parts.append(f"<p>{e(i18n.t('notice:favourable_next', lang))}</p>")
    else:
        reasons = principal_reasons(decision, group_members)
        items = "".join(f'<li data-code="{e(r.code)}">{e(r.text(lang))} <small>({e(r.code)})</small></li>'
                        for r in reasons)
        parts.append(f"<h2>{e(i18n.t('notice:reasons', lang))}</h2>")
        parts.append(f'<ol class="reasons">{items}</ol>' if items else
                     f"<p>{e(i18n.t('notice:no_reason', lang))}</p>")
        steps = "".join(f'<li class="{"partial" if s.partial else "flip"}">{e(s.summary(lang))}</li>'
                        for s in suggestions)
        parts.append(f"<h2>{e(i18n.t('notice:improve', lang))}</h2>")
        parts.append(f'<ul class="improve">{steps}</ul>' if steps else
                     f"<p>{e(i18n.t('notice:nothing_to_improve', lang))}</p>")
        parts.append(f'<p class="review">{e(i18n.t("notice:review", lang, reference=reference))}</p>')
    if officer:
        parts.append(f'<p class="officer">{e(i18n.t("notice:officer", lang, officer=officer))}</p>')
    parts.append(f"<p><small>{e(i18n.t('notice:footer', lang))}</small></p>")
    body = "\n".join(parts)
    if body_only:
        return body
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>")

"""The customer's letter, derived from the final decision only (`decision.final.FinalDecision`), in French or English.

Which letter is chosen by the final decision's state (`LETTERS`): a refusal letter only for a final refusal, an
acceptance otherwise, whether the officer followed a favourable advice or overrode an unfavourable one; an accepted
simulation is an offer, its terms stated with each change named. The first lines state the final decision, then the
model's advice and what the officer did (with the reason). A refusal gives at most four principal reasons: the
officer's top adverse reasons in the same order, as codes of the catalogue (`reason_codes.letter_reasons`), what
would improve the answer and how to ask for a review. Plain HTML, no widgets. Nothing here is addressed to the
customer without an outcome: there is no letter without a final decision.
"""
from __future__ import annotations

import html
from datetime import datetime

from ..explain.reasons import input_label, input_text
from ..text import i18n
from .reason_codes import letter_reasons

_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;color:#1a1a1a;line-height:1.45}"
          "h1{font-size:1.4em} .final{font-size:1.2em;font-weight:bold} small{color:#444} td{padding:1px 12px 1px 0}"
          "@media print{body{margin:1cm}}")
# The loan's own terms, stated in an acceptance (an offer's changes are named beside them).
TERMS = ("NAME_CONTRACT_TYPE", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")


def when_text(when: datetime | None, lang: str) -> str:
    """Date and time with its zone: 2026-12-02 07:31 CET (UTC+01:00); the machine's local time unless `when` has
    a zone of its own (the branch's)."""
    when = when if when is not None and when.tzinfo is not None else (when or datetime.now()).astimezone()
    offset = when.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = when.tzname() or ""
    return f"{when:%Y-%m-%d %H:%M} {name} ({zone})" if name and not name.startswith(("UTC", "+", "-")) \
        else f"{when:%Y-%m-%d %H:%M} ({zone})"


def _e(text) -> str:
    return html.escape(str(text))


def applicant_text(decision, reference: str, lang: str) -> str:
    """Who the letter is for: the client's number, or the prospect's file reference."""
    if decision.client_id is not None:
        return i18n.t("letter:client", lang, client=decision.client_id)
    return i18n.t("letter:prospect", lang, reference=reference[:8])


def head_lines(final, lang: str, when: datetime | None = None) -> list[str]:
    """The first lines of every document of a final decision: the decision, then the advice, then the officer."""
    advice = final.advice
    probability = i18n.probability_texts(advice.probability, advice.threshold, lang)["p"]
    outcome = final.outcome
    did = i18n.t(f"ui:{outcome.action}", lang) + (f" — {outcome.reason}" if outcome.reason else "")
    return [f'<p class="final" data-final="{final.state}">'
            f'{_e(i18n.t(f"final:{final.state}", lang, when=when_text(when, lang)))}</p>',
            f'<p class="advice" data-advice="{"favourable" if advice.favourable else "unfavourable"}">'
            f'{_e(i18n.t("final:advice", lang, verdict=advice.verdict(lang), p=probability))}</p>',
            f'<p class="officer-outcome" data-action="{_e(outcome.action)}">'
            f'{_e(i18n.t("final:officer", lang, did=did))}</p>']


def _refusal(final, lang: str, suggestions, group_members) -> list[str]:
    reasons = letter_reasons(final.advice, group_members)
    items = "".join(f'<li data-code="{_e(r.code)}">{_e(r.text(lang))} <small>({_e(r.code)})</small></li>'
                    for r in reasons)
    parts = [f"<h2>{_e(i18n.t('notice:reasons', lang))}</h2>",
             f'<ol class="reasons">{items}</ol>' if items else f"<p>{_e(i18n.t('notice:no_reason', lang))}</p>"]
    if any(r.source == "bureau" for r in reasons):
        parts.append(f'<p class="bureau">{_e(i18n.t("letter:bureau", lang))}</p>')
    review = f'<p class="review">{_e(i18n.t("notice:review", lang, reference=final.reference))}</p>'
    if final.overridden:   # the model advised for it, the officer refused: the steps would not be his reasons
        return [*parts, review]
    steps = "".join(f'<li class="{"partial" if s.partial else "flip"}">{_e(s.summary(lang))}</li>'
                    for s in suggestions)
    parts.append(f"<h2>{_e(i18n.t('notice:improve', lang))}</h2>")
    parts.append(f'<ul class="improve">{steps}</ul>' if steps else
                 f"<p>{_e(i18n.t('notice:nothing_to_improve', lang))}</p>")
    return [*parts, review]


def _acceptance(final, lang: str, suggestions, group_members) -> list[str]:
    inputs = final.advice.inputs
    offer = final.offer
    changed = dict((c, before) for c, before, _ in offer.changed()) if offer is not None else {}
    rows = []
    for column in TERMS:
        if column not in inputs or inputs.get(column) is None:
            continue
        now = _e(input_text(column, inputs.get(column), lang))
        if column in changed:
            now = (f"<b>{now}</b> <small>({_e(i18n.t('letter:asked', lang))} "
                   f"{_e(input_text(column, changed[column], lang))})</small>")
        rows.append(f'<tr data-term="{column}"><td>{_e(input_label(column, lang))}</td><td>{now}</td></tr>')
    for column, before in changed.items():   # a change outside the loan's own terms is named too
        if column not in TERMS:
            asked = f'{_e(i18n.t("letter:asked", lang))} {_e(input_text(column, before, lang))}'
            rows.append(f'<tr data-term="{column}"><td>{_e(input_label(column, lang))}</td>'
                        f'<td><b>{_e(input_text(column, inputs.get(column), lang))}</b> '
                        f'<small>({asked})</small></td></tr>')
    parts = []
    if offer is not None:
        parts.append(f'<p class="offer">{_e(i18n.t("letter:offer", lang))}</p>')
        parts += [f'<p class="offer-step">{_e(s)}</p>' for s in offer.history_steps(lang)]
    parts.append(f"<h2>{_e(i18n.t('letter:terms', lang))}</h2><table class='terms'>{''.join(rows)}</table>")
    parts.append(f"<p>{_e(i18n.t('notice:favourable_next', lang))}</p>")
    return parts


# the final decision's state -> what the letter says after its first lines
LETTERS = {"refused": _refusal, "accepted": _acceptance}


def letter_html(final, suggestions=(), lang: str = "fr", *, officer: str | None = None,
                when: datetime | None = None, group_members: dict | None = None, body_only: bool = False) -> str:
    """The customer's letter for a final decision. `group_members` (`reason_codes.group_members(feature_names)`)
    lets a group of columns count as provided."""
    lang = i18n.check_lang(lang)
    if final is None:
        raise ValueError("no letter without a final decision: record the outcome first")
    title = i18n.t(f"letter:title_{final.state}", lang)
    parts = [f"<h1>{_e(title)}</h1>", *head_lines(final, lang, when),
             f'<p class="applicant">{_e(applicant_text(final.advice, final.reference, lang))}</p>',
             '<p class="reference"><small>'
             f'{_e(i18n.t("notice:reference", lang, reference=final.reference, version=final.advice.model_version))}'
             '</small></p>']
    parts += LETTERS[final.state](final, lang, suggestions, group_members)
    if officer:
        parts.append(f'<p class="officer">{_e(i18n.t("notice:officer", lang, officer=officer))}</p>')
    parts.append(f"<p><small>{_e(i18n.t('notice:footer', lang))}</small></p>")
    body = "\n".join(parts)
    if body_only:
        return body
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>")

"""Explanations a person understands: exact TreeSHAP contributions grouped back to the inputs, and reasons in words.

XGBoost's own `pred_contribs` gives exact TreeSHAP values per model feature in log-odds. Features are summed back
to what the applicant or the officer knows: a ratio's contribution is shared equally by the inputs it is computed
from, every history aggregate goes to its history group ("credit history at other lenders"...), a category code to
its column. The grouped values still add up: base_value + sum(contributions) == logit(probability).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..data.schema import FIELDS
from ..data.schema import label as column_label
from ..features.grouping import Grouping
from ..features.history import TABLE_COUNTS
from ..text import i18n

REASONS_PER_SIDE = 3
# Features that make a good sentence, with how to show their value. A group picks the one that weighs most for
# this applicant; a ratio already told by a higher reason is not told again.
METRICS = {
    "ANNUITY_INCOME_RATIO": "percent", "CREDIT_INCOME_RATIO": "times", "CREDIT_GOODS_RATIO": "percent",
    "CREDIT_TERM": "count", "BUREAU_ACTIVE_COUNT": "count", "BB_LATE_SHARE": "percent",
    "PREV_REFUSED_SHARE": "percent", "INST_LATE_SHARE": "percent", "CC_USAGE_MEAN": "percent",
}
HISTORY_COUNTS = {group: TABLE_COUNTS[table] for group, table in (
    ("history:bureau", "bureau"), ("history:previous", "previous_application"),
    ("history:instalments", "installments_payments"), ("history:credit_card", "credit_card_balance"))}


def input_label(name: str, lang: str) -> str:
    if name.startswith(("history:", "group:")):
        return i18n.t(name, lang)
    if f"label:{name}" in i18n.TEXTS:
        return i18n.t(f"label:{name}", lang)
    return column_label(name, lang)


@dataclass
class BaseStats:
    """What reasons compare an applicant with, computed once over the client base."""

    repaid_median: dict[str, float]                 # feature -> median among clients who repaid
    category_rates: dict[str, dict[str, float]]     # column -> level -> default rate
    default_rate: float
    defaulted_median: dict[str, float] = field(default_factory=dict)   # feature -> median among defaulted clients

    def favourable_side(self, feature: str) -> int:
        """+1 when higher values are on the repaid clients' side, -1 when lower, 0 when it cannot be told."""
        good, bad = self.repaid_median.get(feature), self.defaulted_median.get(feature)
        if good is None or bad is None or good == bad:
            return 0
        return 1 if good > bad else -1


@dataclass(frozen=True)
class Reason:
    input: str
    contribution: float            # log-odds; positive raises the default risk
    value: object                  # the applicant's value, in displayed units (None when missing)
    texts: dict = field(default_factory=dict, compare=False, repr=False)
    metric: str | None = None      # the model feature whose value the sentence tells, when not the input itself
    missing: bool = False          # the input is not known (left empty, no bureau score, no history): its own reason

    @property
    def direction(self) -> str:
        return "against" if self.contribution > 0 else "for"

    def label(self, lang: str = "fr") -> str:
        return input_label(self.input, lang)

    def text(self, lang: str = "fr") -> str:
        return self.texts[i18n.check_lang(lang)]


def value_style(column: str) -> str:
    """How a value of this input or feature reads: the one rule the page, the reasons and the charts follow."""
    if column in METRICS:
        return METRICS[column]
    if column in FIELDS:
        return FIELDS[column].style
    if column.startswith("EXT_SOURCE_"):
        return "score"
    if column.endswith(("_SHARE", "_SHARE_12M")) or column.startswith("CC_USAGE"):
        return "percent"
    if column.endswith(("_COUNT", "_MONTHS")):
        return "count"
    return "number"


def display_text(column: str, shown, lang: str) -> str:
    """A value already in displayed units (years, shares...) as text in `lang`, styled for its column."""
    return i18n.styled(shown, value_style(column), lang)


def input_text(column: str, raw, lang: str) -> str:
    """An applicant's input, in data units, as the officer reads it (the page's facts, the simulation band, the
    downloaded record)."""
    field = FIELDS.get(column)
    if raw is None:   # a score the bureau did not return is no input the applicant failed to give
        return i18n.t("missing_bureau" if field is not None and field.group == "external" else "missing_value", lang)
    if isinstance(raw, str):
        return i18n.level(raw, lang)
    return display_text(column, field.to_display(raw) if field is not None else raw, lang)


def _display(column: str, raw):
    f = FIELDS.get(column)
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return None
    return f.to_display(raw) if f is not None and not isinstance(raw, str) else raw


def describe(name: str, contribution: float, features: np.ndarray, feature_contributions: np.ndarray,
             index: dict[str, int], raw: dict, grouping: Grouping, feature_names: list[str], stats: BaseStats,
             used: set[str]) -> Reason:
    """One reason: the applicant's value for `name`, in words, with what clients who repaid look like."""
    # 1. a history group without any row: say so
    if name in HISTORY_COUNTS and index.get(HISTORY_COUNTS[name]) is not None \
            and not features[index[HISTORY_COUNTS[name]]] > 0:
        texts = {lang: f"{input_label(name, lang)} : {i18n.t('no_history', lang)}" if lang == "fr" else
                 f"{input_label(name, lang)}: {i18n.t('no_history', lang)}" for lang in i18n.LANGUAGES}
        return Reason(name, contribution, None, texts, missing=True)
    # 2. a group of minor columns: its name says it all
    if name.startswith("group:"):
        return Reason(name, contribution, None, {lang: input_label(name, lang) for lang in i18n.LANGUAGES})
    # 3. a telling metric among the features this input feeds, the one that weighs most here
    candidates = [feature_names[f] for f in grouping.members.get(name, []) if feature_names[f] in METRICS
                  and feature_names[f] not in used and not np.isnan(features[index[feature_names[f]]])]
    if candidates:
        metric = max(candidates, key=lambda m: abs(feature_contributions[index[m]]))
        used.add(metric)
        value = float(features[index[metric]])
        style = METRICS[metric]
        median = stats.repaid_median.get(metric, np.nan)
        texts = {}
        for lang in i18n.LANGUAGES:
            fact = i18n.t(f"metric:{metric}", lang, value=i18n.styled(value, style, lang))
            fact = fact[0].upper() + fact[1:]
            texts[lang] = f"{fact} ({i18n.t('repaid_median', lang, value=i18n.styled(median, style, lang))})"
        return Reason(name, contribution, value, texts, metric)
    # 4. the input itself: its value, and the clients who repaid (median) or its group's default rate
    value = _display(name, raw.get(name))
    style = FIELDS[name].style if name in FIELDS else "number"
    # a score the credit bureau did not return is not something the applicant failed to give
    bureau = name in FIELDS and FIELDS[name].group == "external"
    texts = {}
    for lang in i18n.LANGUAGES:
        said = i18n.t("missing_bureau", lang) if value is None and bureau else i18n.styled(value, style, lang)
        fact = i18n.t("metric:plain", lang, label=input_label(name, lang), value=said)
        if style == "category" and value is not None and name in stats.category_rates:
            rate = stats.category_rates[name].get(str(value))
            if rate is not None:
                said = i18n.t("group_rate", lang, rate=i18n.percent(rate, lang, 1),
                              overall=i18n.percent(stats.default_rate, lang, 1))
                fact += f" ({said})"
        # a yes / no has no telling median ("median No"): its value says it all
        elif style not in ("category", "yes_no") and name in index and name in stats.repaid_median:
            median = _display(name, stats.repaid_median[name])
            fact += f" ({i18n.t('repaid_median', lang, value=i18n.styled(median, style, lang))})"
        texts[lang] = fact
    return Reason(name, contribution, value, texts, missing=value is None and not name.startswith(("group:",
                                                                                                   "history:")))


def truthful(reason: Reason, stats: BaseStats, features: np.ndarray, index: dict[str, int]) -> bool:
    """Whether a reason says something true on its side. A missing value or an empty history never counts in
    favour; a category counts on the side its group's default rate is on; a number counts in favour only on the
    repaid clients' side of their median (against only on the other side), when that side can be told."""
    favour = reason.direction == "for"
    if reason.input in HISTORY_COUNTS and reason.value is None and not reason.input.startswith("group:"):
        count = index.get(HISTORY_COUNTS[reason.input])
        if count is not None and not features[count] > 0:
            return not favour   # "no history" is never a reason for
    if reason.input.startswith(("group:", "history:")) and reason.metric is None:
        return True
    if reason.value is None:
        return not favour
    if isinstance(reason.value, str):
        rate = stats.category_rates.get(reason.input, {}).get(reason.value)
        if rate is None:
            return True
        return rate < stats.default_rate if favour else rate > stats.default_rate
    feature = reason.metric or reason.input
    side = stats.favourable_side(feature)
    reference = stats.repaid_median.get(feature)
    if side == 0 or reference is None or feature not in index:
        return True
    offset = (float(features[index[feature]]) - reference) * side
    return offset > 0 if favour else offset <= 0


def reasons(grouped: dict[str, float], features: np.ndarray, feature_contributions: np.ndarray,
            index: dict[str, int], raw: dict, grouping: Grouping, feature_names: list[str], stats: BaseStats,
            per_side: int = REASONS_PER_SIDE) -> list[Reason]:
    """The strongest factors against (raising the risk) then for, each side by decreasing weight, keeping only
    reasons whose words agree with their side (`truthful`)."""
    ranked = sorted(grouped.items(), key=lambda item: -abs(item[1]))
    used: set[str] = set()
    chosen: list[Reason] = []
    for side in (1, -1):
        kept = 0
        for name, contribution in ranked:
            if kept == per_side:
                break
            if contribution * side <= 1e-6:
                continue
            probe = set(used)
            reason = describe(name, contribution, features, feature_contributions, index, raw, grouping,
                              feature_names, stats, probe)
            if truthful(reason, stats, features, index):
                used |= probe
                chosen.append(reason)
                kept += 1
    return chosen

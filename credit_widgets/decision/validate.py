"""Checking what a person typed, before anything is scored: every problem becomes an InputError that names the
field and says, in French and in English, what is expected."""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

from ..data.schema import APPLICATION_COLUMNS, DAYS_PER_YEAR, FIELDS, label
from ..text import i18n

# Outside the officer's fields no range is known; these bounds only stop absurd magnitudes.
_ABSURD = 1e12
# Without these a new applicant's answer would rest on guesses about the loan itself: the page, `score_prospect`,
# the API, batch and Spark give no decision until they are given (a known client's file has them already).
REQUIRED = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY")


class InputError(ValueError):
    """Bad input: `.field` names the application column, `.message(lang)` says what is wrong."""

    def __init__(self, field: str | None, key: str, **params):
        self.field = field
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "fr") -> str:
        values = dict(self.params)
        if self.field is not None:
            values.setdefault("label", label(self.field, lang))
            values.setdefault("field", self.field)
        for key, value in values.items():
            if callable(value):   # a value shown per language (a bound, a number the officer typed)
                values[key] = value(lang)
        return i18n.t(f"error:{self.key}", lang, **values)


def _shown_bound(field, value):
    """A field's bound as its values read, in the language of the message (said per language)."""
    return lambda lang: i18n.styled(value, field.style, lang)


def validate_prospect(inputs) -> dict:  # noqa: C901 (one check per kind of field, in the order a person reads the form)
    """Raw application values (data units, e.g. DAYS_BIRTH in negative days) checked field by field, then together.

    Missing values (None) stay missing. NaN and infinities are refused: a typed form never produces them, so they
    mean a bug upstream rather than an unknown value.
    """
    if not isinstance(inputs, Mapping):
        raise InputError(None, "not_a_mapping")
    clean = {}
    for name, value in inputs.items():
        if not isinstance(name, str) or name not in APPLICATION_COLUMNS:
            raise InputError(str(name), "unknown_field")
        if value is None:
            clean[name] = None
            continue
        kind = APPLICATION_COLUMNS[name]
        if kind == "category":
            if not isinstance(value, str):
                raise InputError(name, "type_text")
            field = FIELDS.get(name)
            if field is not None and not field.in_range(value):
                raise InputError(name, "choice", choices=", ".join(field.choices))
            clean[name] = value
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InputError(name, "type_number")
        value = float(value)
        if not math.isfinite(value):
            raise InputError(name, "not_finite")
        field = FIELDS.get(name)
        if field is not None and field.min is not None and field.max is not None:
            if not field.in_range(field.to_display(value)):
                raise InputError(name, "range", min=_shown_bound(field, field.min), max=_shown_bound(field, field.max))
        elif abs(value) > _ABSURD:
            raise InputError(name, "range", min=i18n.number(-_ABSURD, "en"), max=i18n.number(_ABSURD, "en"))
        clean[name] = value
    _check_consistency(clean)
    return clean


def missing_required(inputs) -> list[str]:
    """The required inputs an application lacks (None, absent, or a float NaN count as not given), in order."""
    def given(value):
        return value is not None and not (isinstance(value, float) and math.isnan(value))
    return [name for name in REQUIRED if not given(inputs.get(name))] if isinstance(inputs, Mapping) else []


def application_problems(inputs) -> list[InputError]:
    """Everything that stops a new applicant's application from being decided, required inputs first: what the page
    lists, while `validate_application` raises the first of them."""
    problems = [InputError(name, "required") for name in missing_required(inputs)]
    try:
        validate_prospect(inputs)
    except InputError as error:
        problems.append(error)
    return problems


def validate_application(inputs) -> dict:
    """A new applicant's application, complete enough to be decided: the required inputs given, then every field
    and the rules between them (`validate_prospect`). The one contract of the page, `score_prospect`, the API, batch
    and Spark: each refuses the same inputs with the same first message."""
    problems = application_problems(inputs)
    if problems:
        raise problems[0]
    return validate_prospect(inputs)


def table_problems(frame, columns) -> list:
    """The first problem of each row of a table of prospects (None where it can be decided), as
    `validate_application` finds it on the row's given `columns`: the required inputs first, then each column in
    order (a level the field does not offer, a value outside its range), then the rules between them. Column-wise,
    for batch files of hundreds of thousands of rows."""
    import numpy as np

    n = len(frame)
    found = np.zeros(n, dtype=bool)
    problems: list = [None] * n

    def mark(mask, error) -> None:
        for i in np.flatnonzero(mask & ~found):
            problems[i] = error
        found[:] |= mask

    def given(name):
        return frame[name].notna().to_numpy() if name in frame else np.zeros(n, dtype=bool)

    for name in REQUIRED:
        mark(~given(name), InputError(name, "required"))
    for name in columns:
        field = FIELDS.get(name)
        if name not in frame or field is None:
            continue
        values = frame[name]
        if field.choices:
            mark((values.notna() & ~values.isin(field.choices)).to_numpy(),
                 InputError(name, "choice", choices=", ".join(field.choices)))
        elif field.min is not None and field.max is not None:
            shown = field.to_display(values.astype(float).to_numpy())
            mark(given(name) & ((shown < field.min) | (shown > field.max)),
                 InputError(name, "range", min=_shown_bound(field, field.min), max=_shown_bound(field, field.max)))
    # the rules between inputs, as `_check_consistency` (same order, same messages)
    def num(name):
        return frame[name].astype(float).to_numpy() if name in frame else np.full(n, np.nan)

    with np.errstate(invalid="ignore"):
        for name, key, impossible in CONSISTENCY_RULES:
            mark(impossible(num), InputError(name, key))
    return problems


# Goods price / credit on 6,995 real Home Credit applications: 0.50 to 2.83 (a credit also pays insurance and fees;
# a down payment buys goods dearer than the credit). A ratio outside four times either way is a typing error.
GOODS_PRICE_RATIO = 4.0

# The rules between inputs that make an application impossible as typed: (the field named, the message's key, the
# test on a getter of values: NaN where not given, so a rule on an input not given never fires). One table for a
# row (`_check_consistency`) and for a table of rows (`table_problems`), in this order: the same first message.
CONSISTENCY_RULES = (
    ("AMT_ANNUITY", "annuity_above_credit", lambda v: v("AMT_ANNUITY") > v("AMT_CREDIT")),
    ("AMT_GOODS_PRICE", "goods_price_with_credit",
     lambda v: (v("AMT_GOODS_PRICE") > GOODS_PRICE_RATIO * v("AMT_CREDIT"))
     | (v("AMT_GOODS_PRICE") * GOODS_PRICE_RATIO < v("AMT_CREDIT"))),
    ("CNT_CHILDREN", "children_above_family", lambda v: v("CNT_CHILDREN") >= v("CNT_FAM_MEMBERS")),
    ("DAYS_EMPLOYED", "employed_before_birth", lambda v: v("DAYS_EMPLOYED") < v("DAYS_BIRTH") + 14 * DAYS_PER_YEAR),
)


def consistency_problem(row: dict, before: dict | None = None) -> InputError | None:
    """The first rule between inputs that `row` breaks (None if none), leaving out the rules `before` already broke:
    a known client's file is in the base as it is, and a change to it is refused only for what the change breaks."""
    def getter(values):
        def value(name):
            given = values.get(name)
            return math.nan if given is None else float(given)
        return value

    for name, key, impossible in CONSISTENCY_RULES:
        if bool(impossible(getter(row))) and not (before is not None and bool(impossible(getter(before)))):
            return InputError(name, key)
    return None


def validate_change(before: dict, changes) -> dict:
    """Changes to a known client's file (a suggestion applied, an API row with an id and other values): each field
    checked as typed (`validate_prospect`), then the file as changed against the rules between inputs."""
    clean = validate_prospect(changes)
    problem = consistency_problem({**before, **clean}, before=before)
    if problem is not None:
        raise problem
    return clean


def _check_consistency(row: dict) -> None:
    problem = consistency_problem(row)
    if problem is not None:
        raise problem

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
    def render(lang):
        if field.kind == "amount":
            return i18n.amount(value, lang)
        text = i18n.number(value, lang, 2 if field.kind == "score" else 0)
        return i18n.years(value, lang) if field.unit == "years" else text
    return render


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


def _check_consistency(row: dict) -> None:
    def given(name):
        return row.get(name) is not None

    if given("AMT_ANNUITY") and given("AMT_CREDIT") and row["AMT_ANNUITY"] > row["AMT_CREDIT"]:
        raise InputError("AMT_ANNUITY", "annuity_above_credit")
    if given("CNT_CHILDREN") and given("CNT_FAM_MEMBERS") and row["CNT_CHILDREN"] >= row["CNT_FAM_MEMBERS"]:
        raise InputError("CNT_CHILDREN", "children_above_family")
    if given("DAYS_EMPLOYED") and given("DAYS_BIRTH") and row["DAYS_EMPLOYED"] < row["DAYS_BIRTH"] + 14 * DAYS_PER_YEAR:
        raise InputError("DAYS_EMPLOYED", "employed_before_birth")

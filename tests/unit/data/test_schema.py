"""The schema against the real Kaggle files: column lists, kinds, and the loan officer's fields."""
import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_widgets.data.schema import (
    APPLICATION_TABLES,
    FIELD_KINDS,
    FIELDS,
    GROUP_LABELS,
    GROUPS,
    TABLE_NAMES,
    TABLES,
    Field,
    label,
)

NO_DATE = 365243
ACTIONABLE = {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "AMT_INCOME_TOTAL", "NAME_CONTRACT_TYPE"}
PROTECTED = {"CODE_GENDER", "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS"}
MUST_HAVE = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "NAME_CONTRACT_TYPE", "CODE_GENDER",
             "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS", "NAME_EDUCATION_TYPE",
             "NAME_INCOME_TYPE", "OCCUPATION_TYPE", "ORGANIZATION_TYPE", "DAYS_EMPLOYED", "NAME_HOUSING_TYPE",
             "FLAG_OWN_CAR", "FLAG_OWN_REALTY", "REGION_RATING_CLIENT", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3",
             "DAYS_ID_PUBLISH", "DAYS_REGISTRATION", "OWN_CAR_AGE", "NAME_TYPE_SUITE"]
REQUIRED = {
    "application_train": {"SK_ID_CURR", "AMT_INCOME_TOTAL", "AMT_CREDIT", "TARGET"},
    "application_test": {"SK_ID_CURR", "AMT_INCOME_TOTAL", "AMT_CREDIT"},
    "bureau": {"SK_ID_CURR", "SK_ID_BUREAU"},
    "bureau_balance": {"SK_ID_BUREAU", "MONTHS_BALANCE", "STATUS"},
    "previous_application": {"SK_ID_PREV", "SK_ID_CURR"},
    "POS_CASH_balance": {"SK_ID_PREV", "SK_ID_CURR", "MONTHS_BALANCE"},
    "credit_card_balance": {"SK_ID_PREV", "SK_ID_CURR", "MONTHS_BALANCE"},
    "installments_payments": {"SK_ID_PREV", "SK_ID_CURR", "DAYS_INSTALMENT", "AMT_INSTALMENT", "AMT_PAYMENT"},
}
UNIQUE = {"application_train": "SK_ID_CURR", "application_test": "SK_ID_CURR", "bureau": "SK_ID_BUREAU",
          "previous_application": "SK_ID_PREV"}


@pytest.fixture(scope="module")
def raw_tables(real_dir, real_joined_dir):
    """Every real row of each table, read by plain pandas (both folders together)."""
    out = {}
    for name in TABLE_NAMES:
        frames = [pd.read_csv(folder / f"{name}.csv") for folder in (real_dir, real_joined_dir)
                  if (folder / f"{name}.csv").exists()]
        out[name] = pd.concat(frames, ignore_index=True)
    return out


@pytest.fixture(scope="module")
def raw_applications(raw_tables):
    return pd.concat([raw_tables[n] for n in APPLICATION_TABLES], ignore_index=True)


@pytest.fixture(scope="module")
def descriptions(real_dir):
    frame = pd.read_csv(real_dir / "HomeCredit_columns_description.csv", encoding="latin-1")
    # the file was typed in Windows-1252: its byte 0x85 is an ellipsis, which latin-1 reads as a control character
    frame["Description"] = frame["Description"].str.replace("\x85", "…")
    return frame


# --- tables -------------------------------------------------------------------------------------------------------

def test_every_table_has_a_schema_under_its_own_name():
    assert tuple(TABLES) == TABLE_NAMES
    for name, schema in TABLES.items():
        assert schema.name == name
        assert set(schema.columns.values()) <= {"id", "int", "float", "category"}


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_columns_are_the_real_headers_in_order(name, real_dir, real_joined_dir):
    for folder in (real_dir, real_joined_dir):
        path = folder / f"{name}.csv"
        if path.exists():
            assert list(TABLES[name].columns) == list(pd.read_csv(path, nrows=0).columns), (folder, name)


def test_application_test_is_train_without_target():
    train, test = TABLES["application_train"].columns, TABLES["application_test"].columns
    assert list(test) == [c for c in train if c != "TARGET"]
    assert all(test[c] == train[c] for c in test)
    assert train["TARGET"] == "int" and len(train) == 122


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_kinds_match_the_real_values(name, raw_tables):
    raw = raw_tables[name]
    for column, kind in TABLES[name].columns.items():
        values = raw[column]
        assert (kind == "id") == column.startswith("SK_ID_"), column
        assert (kind == "category") == (not pd.api.types.is_numeric_dtype(values)), column
        present = values.dropna()
        if kind in ("id", "int"):
            assert (present == np.round(present)).all(), column
        if kind == "float" and len(present) and (present == np.round(present)).all():
            # whole money amounts stay floats: a currency amount is not a count
            assert column.startswith("AMT_") and not column.startswith("AMT_REQ_"), column


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_required_and_unique_columns(name):
    schema = TABLES[name]
    assert set(schema.required) == REQUIRED[name]
    assert set(schema.required) <= set(schema.columns)
    assert schema.unique == UNIQUE.get(name)
    assert schema.kind("SK_ID_CURR" if name != "bureau_balance" else "SK_ID_BUREAU") == "id"
    with pytest.raises(KeyError, match="NOT_A_COLUMN"):
        schema.kind("NOT_A_COLUMN")


def test_importing_the_schema_reads_no_file():
    # schema.py is loaded on its own: the package's __init__ imports pandas, which reads time-zone files itself
    path = Path(__file__).resolve().parents[3] / "credit_widgets" / "data" / "schema.py"
    code = ("import builtins, io, importlib.util, sys\n"
            "def refuse(*args, **kwargs): raise AssertionError(f'opened {args[0]!r} at import')\n"
            "import numpy\n"
            f"spec = importlib.util.spec_from_file_location('schema_alone', {str(path)!r})\n"
            "s = sys.modules['schema_alone'] = importlib.util.module_from_spec(spec)\n"
            "builtins.open = io.open = refuse\n"
            "spec.loader.exec_module(s)\n"
            "assert len(s.TABLES['application_train'].columns) == 122\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with open(sys.modules["credit_widgets.data.schema"].__file__, encoding="utf-8") as source:
        assert "/work/shared" not in source.read()


# --- fields -------------------------------------------------------------------------------------------------------

def test_the_officer_sees_the_expected_fields_in_grouped_order():
    assert set(MUST_HAVE) <= set(FIELDS)
    assert set(FIELDS) <= set(TABLES["application_test"].columns)
    groups = [f.group for f in FIELDS.values()]
    assert set(groups) <= set(GROUPS) and set(GROUP_LABELS) == set(GROUPS)
    # grouped: once a group ends it never comes back, and groups follow GROUPS
    firsts = list(dict.fromkeys(groups))
    assert firsts == [g for g in GROUPS if g in firsts]
    assert groups == sorted(groups, key=firsts.index)
    assert all(name == f.name for name, f in FIELDS.items())


def test_actionable_and_protected_are_the_agreed_sets():
    assert {n for n, f in FIELDS.items() if f.actionable} == ACTIONABLE
    assert {n for n, f in FIELDS.items() if f.protected} == PROTECTED


def test_prospect_form_asks_15_to_35_fields_including_external_scores_and_never_sex():
    # 35: what a meeting can learn (contact details, documents, region) is asked since the application model uses it
    asked = [n for n, f in FIELDS.items() if f.ask_prospect]
    assert 15 <= len(asked) <= 35
    assert "CODE_GENDER" not in asked
    assert {"EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"} <= set(asked)
    assert ACTIONABLE <= set(asked)


@pytest.mark.parametrize("name", list(FIELDS))
def test_field_kind_fits_the_column(name):
    field = FIELDS[name]
    column_kind = TABLES["application_train"].kind(name)
    assert field.kind in FIELD_KINDS
    if field.kind in ("choice", "flag"):
        assert column_kind == "category" and field.choices and field.unit is None
        assert field.min is None and field.max is None and field.display_scale == 1.0
        assert len(set(field.choices)) == len(field.choices)
        assert not set(field.choices) & {"XNA", "XAP"}
    else:
        assert column_kind in ("int", "float") and not field.choices
        assert field.min is not None and field.max is not None and field.min < field.max
    if field.kind == "amount":
        assert field.unit == "money"   # the data's currency, named in one place (i18n.CURRENCY)
    if field.display_scale != 1.0:
        assert name.startswith("DAYS_") and field.unit == "years"
    if field.kind == "flag":
        assert set(field.choices) == {"Y", "N"}


@pytest.mark.parametrize("name", list(FIELDS))
def test_default_lies_in_range(name):
    field = FIELDS[name]
    assert field.default is not None
    if field.choices:
        assert field.default in field.choices
    else:
        assert field.min <= field.default <= field.max
        if field.kind == "integer":
            assert float(field.default).is_integer()
    assert field.in_range(field.default)


@pytest.mark.parametrize("name", list(FIELDS))
def test_range_covers_the_real_data(name, raw_applications):
    field = FIELDS[name]
    values = raw_applications[name].dropna()
    if field.choices:
        levels = set(values) - {"XNA", "XAP"}
        assert levels <= set(field.choices), levels - set(field.choices)
        return
    values = values[values != NO_DATE]
    shown = field.to_display(values.astype(float))
    assert shown.min() >= field.min, (name, shown.min())
    assert shown.max() <= field.max, (name, shown.max())
    assert all(field.in_range(v) for v in (shown.min(), shown.max()))
    assert not field.in_range(field.max + 1) and not field.in_range(field.min - 1)


def test_choices_hold_the_real_levels_that_matter(raw_applications):
    assert set(FIELDS["CODE_GENDER"].choices) == {"F", "M"}
    for name in ("NAME_EDUCATION_TYPE", "NAME_HOUSING_TYPE", "NAME_FAMILY_STATUS", "NAME_TYPE_SUITE",
                 "OCCUPATION_TYPE", "ORGANIZATION_TYPE"):
        # every level in the real rows, and nothing invented
        assert set(FIELDS[name].choices) == set(raw_applications[name].dropna()) - {"XNA"}, name


def test_descriptions_are_the_official_ones(descriptions):
    official = descriptions[descriptions["Table"] == "application_{train|test}.csv"].set_index("Row")["Description"]
    for name, field in FIELDS.items():
        assert name in official.index, name
        assert field.description == official[name], name


def test_description_file_covers_every_application_column(descriptions):
    rows = set(descriptions.loc[descriptions["Table"] == "application_{train|test}.csv", "Row"])
    assert rows == set(TABLES["application_train"].columns)


# --- labels and display -------------------------------------------------------------------------------------------

def test_labels_in_both_languages():
    assert label("AMT_CREDIT", "fr") == "Montant du crédit"
    assert label("AMT_CREDIT", "en") == "Credit amount"
    assert label("DAYS_BIRTH", "fr") == FIELDS["DAYS_BIRTH"].label("fr") == "Âge"
    for lang in ("fr", "en"):
        labels = [f.label(lang) for f in FIELDS.values()]
        assert all(text.strip() and "_" not in text for text in labels)
        assert len(set(labels)) == len(labels), lang
    assert any(ch in "éèêàâçôûÉÂ" for f in FIELDS.values() for ch in f.label_fr)


@pytest.mark.parametrize("lang", ["de", "FR", "", None])
def test_unknown_language_is_refused(lang):
    with pytest.raises(ValueError):
        label("AMT_CREDIT", lang)
    with pytest.raises(ValueError):
        label("REGION_POPULATION_RELATIVE", lang)
    with pytest.raises(ValueError):
        FIELDS["AMT_CREDIT"].label(lang)


def test_columns_without_a_field_get_a_readable_label():
    for table in TABLES.values():
        for column in table.columns:
            for lang in ("fr", "en"):
                text = label(column, lang)
                assert text and "_" not in text and text[0].isupper(), (column, text)
    assert label("AMT_REQ_CREDIT_BUREAU_YEAR", "en") == "Amount requests credit bureau year"
    assert label("SOME_NEW_RATIO", "en") == "Some new ratio"
    assert label("SK_ID_CURR", "fr") == "Identifiant client" and label("TARGET", "en") == "Payment default"


def test_days_are_shown_as_years():
    age = FIELDS["DAYS_BIRTH"]
    assert age.to_display(-14610) == pytest.approx(40.0)
    assert age.from_display(40) == -14610.0
    assert FIELDS["DAYS_ID_PUBLISH"].to_display(0) == 0.0 and str(FIELDS["DAYS_ID_PUBLISH"].to_display(0)) == "0.0"
    shown = age.to_display(pd.Series([-14610.0, np.nan]))
    assert shown.iloc[0] == pytest.approx(40.0) and np.isnan(shown.iloc[1])
    np.testing.assert_allclose(FIELDS["DAYS_EMPLOYED"].from_display(np.array([1.0, 10.0])), [-365.0, -3652.0])
    assert age.to_display(None) is None


def test_unscaled_fields_pass_values_through():
    assert FIELDS["AMT_CREDIT"].to_display(500000.0) == 500000.0
    assert FIELDS["AMT_CREDIT"].from_display(500000) == 500000
    assert FIELDS["CODE_GENDER"].to_display("F") == "F" and FIELDS["CODE_GENDER"].from_display("M") == "M"


@settings(max_examples=200, deadline=None)
@given(days=st.integers(min_value=-30000, max_value=0),
       name=st.sampled_from([n for n, f in FIELDS.items() if f.display_scale != 1.0]))
def test_whole_days_survive_the_display_round_trip(days, name):
    field = FIELDS[name]
    assert field.from_display(field.to_display(days)) == days


def test_field_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FIELDS["AMT_CREDIT"].min = 0
    assert isinstance(FIELDS["AMT_CREDIT"], Field)


@pytest.mark.parametrize("name", list(FIELDS))
def test_the_input_check_refuses_exactly_what_the_field_range_refuses(name):
    """One range check: what a person types is refused (with the field named) exactly where `Field.in_range` says
    the shown value is outside, at both bounds and just past them."""
    from credit_widgets.decision.validate import InputError, validate_prospect

    field = FIELDS[name]
    if field.choices:
        candidates = [*field.choices, "not a level"]
    else:
        span = field.max - field.min
        candidates = [field.from_display(v) for v in (field.min, field.max, field.min + span / 2,
                                                      field.min - span / 100, field.max + span / 100)]
    outcomes = []
    for value in candidates:
        try:
            validate_prospect({name: value})
            accepted = True
        except InputError as error:
            assert (error.field, error.key) == (name, "choice" if field.choices else "range")
            accepted = False
        assert accepted == field.in_range(value if field.choices else field.to_display(value)), value
        outcomes.append(accepted)
    assert any(outcomes) and not all(outcomes)

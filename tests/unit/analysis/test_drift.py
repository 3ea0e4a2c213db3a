"""Drift: PSI and KS between training applications and new ones."""
import numpy as np
import pandas as pd
import pytest

from credit_widgets.analysis import drift
from credit_widgets.data.tables import load_tables


def test_identical_samples_have_no_drift():
    x = np.random.default_rng(0).normal(size=5000)
    assert drift.psi(x, x) == pytest.approx(0.0, abs=1e-12)
    y = np.random.default_rng(1).normal(size=5000)  # same distribution, another draw
    assert drift.psi(x, y) < 0.02


def test_a_shifted_sample_is_large():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=5000), rng.normal(loc=1.0, size=5000)
    assert drift.psi(x, y) > drift.LARGE
    table = drift.drift_table(pd.DataFrame({"a": x, "b": x}), pd.DataFrame({"a": y, "b": x[::-1]}), ["a", "b"])
    assert list(table["column"]) == ["a", "b"]
    assert table.loc[0, "flag"] == "large" and table.loc[1, "flag"] == "stable"
    assert table.loc[0, "ks"] > 0.3 and table.loc[1, "ks"] == pytest.approx(0.0)


def test_moderate_flag_and_hand_psi():
    # two bins by hand: expected 50/50, actual 70/30 -> (0.2 ln 1.4) + (-0.2 ln 0.6)
    e = pd.Series(["a"] * 50 + ["b"] * 50)
    a = pd.Series(["a"] * 70 + ["b"] * 30)
    expected = 0.2 * np.log(0.7 / 0.5) - 0.2 * np.log(0.3 / 0.5)
    # the unused "other" and missing bins add (eps - eps) ln 1 = 0
    assert drift.psi(e, a) == pytest.approx(expected)
    assert drift.flag(0.15) == "moderate" and drift.flag(0.05) == "stable" and drift.flag(0.3) == "large"


def test_missing_values_are_a_bin_of_their_own():
    x = pd.Series(np.r_[np.arange(900.0), [np.nan] * 100])
    more_missing = pd.Series(np.r_[np.arange(500.0), [np.nan] * 500])
    assert drift.psi(x, x) == pytest.approx(0.0)
    assert drift.psi(x, more_missing) > drift.LARGE
    only_missing = pd.Series([np.nan] * 100)
    assert drift.psi(only_missing, only_missing) == pytest.approx(0.0)
    assert np.isfinite(drift.psi(x, only_missing)) and drift.psi(x, only_missing) > drift.LARGE
    table = drift.drift_table(pd.DataFrame({"m": only_missing}), pd.DataFrame({"m": only_missing}), ["m"])
    assert table.loc[0, "psi"] == pytest.approx(0.0) and np.isnan(table.loc[0, "ks"])
    assert table.loc[0, "missing_expected"] == 1.0


def test_categories_and_unseen_levels():
    e = pd.Series(["F", "M"] * 500)
    assert drift.psi(e, e.sample(frac=1, random_state=0)) == pytest.approx(0.0)
    assert drift.psi(e, pd.Series(["XNA"] * 1000)) > drift.LARGE


def test_real_rows_give_a_finite_table(real_dir):
    tables = load_tables(real_dir, tables=["application_train", "application_test"])
    train, test = tables["application_train"], tables["application_test"]
    columns = ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "AMT_CREDIT", "AMT_ANNUITY", "AMT_INCOME_TOTAL",
               "DAYS_BIRTH", "DAYS_EMPLOYED", "CODE_GENDER", "NAME_CONTRACT_TYPE"]
    table = drift.drift_table(train, test, columns)
    assert len(table) == len(columns)
    assert np.isfinite(table["psi"]).all() and (table["psi"] >= 0).all()
    numeric = table[~table["column"].isin(["CODE_GENDER", "NAME_CONTRACT_TYPE"])]
    assert np.isfinite(numeric["ks"]).all()
    assert set(table["flag"]) <= {"stable", "moderate", "large"}
    everything = drift.drift_table(train, test)
    assert len(everything) > 100 and np.isfinite(everything["psi"]).all()

"""The bundled-default generator: deterministic, Home-Credit-shaped, and driven by a known true probability."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from credit_widgets.data import synth
from credit_widgets.data.schema import TABLES
from credit_widgets.data.tables import load_tables


@pytest.fixture(scope="module")
def generated():
    return synth.generate(4000, seed=3)


def test_same_seed_gives_identical_tables_and_another_seed_does_not(generated):
    again, truth_again = synth.generate(4000, seed=3)
    tables, truth = generated
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])
    pd.testing.assert_frame_equal(truth, truth_again)
    other, _ = synth.generate(4000, seed=4)
    assert not other["application_train"]["AMT_INCOME_TOTAL"].equals(tables["application_train"]["AMT_INCOME_TOTAL"])


def test_every_table_has_the_real_columns_in_the_real_order(generated):
    tables, _ = generated
    assert set(tables) == set(TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == list(TABLES[name].columns), name


def test_portfolio_looks_like_home_credit(generated):
    tables, truth = generated
    app = tables["application_train"]
    assert 0.06 < app["TARGET"].mean() < 0.10
    assert len(tables["application_test"]) == round(4000 * synth.TEST_SHARE)
    assert "TARGET" not in tables["application_test"]
    assert app["SK_ID_CURR"].is_unique
    ratio = app["AMT_ANNUITY"] / app["AMT_INCOME_TOTAL"]
    assert 0.12 < ratio.median() < 0.22
    age = -app["DAYS_BIRTH"] / 365.25
    assert age.min() >= 20 and age.max() <= 70
    # the real quirks are there for the loader to handle
    pensioners = app["NAME_INCOME_TYPE"] == "Pensioner"
    assert (app.loc[pensioners, "DAYS_EMPLOYED"] == synth.NO_DATE).all()
    assert (app.loc[pensioners, "ORGANIZATION_TYPE"] == "XNA").all()
    assert (app["NAME_TYPE_SUITE"] == "Spouse, partner").any()
    assert app["EXT_SOURCE_1"].isna().mean() > 0.4
    assert app["APARTMENTS_AVG"].isna().mean() > 0.5
    assert (tables["previous_application"]["DAYS_FIRST_DRAWING"] == synth.NO_DATE).any()
    assert set(tables["bureau_balance"]["STATUS"].unique()) <= set("CX012345")


def test_history_tables_join_to_the_applications(generated):
    tables, truth = generated
    ids = set(truth["SK_ID_CURR"])
    for name in ("bureau", "previous_application", "POS_CASH_balance", "installments_payments",
                 "credit_card_balance"):
        assert set(tables[name]["SK_ID_CURR"]) <= ids, name
    assert set(tables["bureau_balance"]["SK_ID_BUREAU"]) <= set(tables["bureau"]["SK_ID_BUREAU"])
    assert set(tables["installments_payments"]["SK_ID_PREV"]) <= set(tables["previous_application"]["SK_ID_PREV"])
    with_bureau = tables["bureau"]["SK_ID_CURR"].nunique() / len(ids)
    assert 0.7 < with_bureau < 0.95


def test_true_probability_drives_the_outcome(generated):
    tables, truth = generated
    app = tables["application_train"]
    p = truth.set_index("SK_ID_CURR").loc[app["SK_ID_CURR"], "TRUE_PROBABILITY"].to_numpy()
    assert abs(p.mean() - app["TARGET"].mean()) < 0.02
    assert roc_auc_score(app["TARGET"], p) > 0.75
    # the riskier decile defaults far more often than the safest
    order = np.argsort(p)
    y = app["TARGET"].to_numpy()
    assert y[order[-400:]].mean() > 5 * y[order[:400]].mean()


def test_cli_writes_files_the_loader_reads_back_unchanged(tmp_path):
    assert synth.main(["--clients", "300", "--seed", "5", "--out", str(tmp_path), "--format", "csv"]) == 0
    assert (tmp_path / "truth.csv").exists()
    loaded = load_tables(tmp_path)
    tables, _ = synth.generate(300, seed=5)
    assert set(loaded) == set(tables)
    for name in tables:
        assert loaded[name].shape == tables[name].shape, name
    pd.testing.assert_series_equal(loaded["application_train"]["AMT_CREDIT"],
                                   tables["application_train"]["AMT_CREDIT"], check_dtype=False)

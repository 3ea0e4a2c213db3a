"""The validation pack against direct computations: scipy's KS, scikit-learn's AUC, a hand-made PSI, and the
bootstrap's coverage on a simulated case whose true AUC is known."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp, norm
from sklearn.metrics import roc_auc_score

from credit_widgets.analysis import drift, validation


def _binormal(n: int, separation: float, rate: float, rng):
    y = (rng.random(n) < rate).astype(float)
    return y, rng.normal(size=n) + separation * y


def test_auc_ks_and_gini_match_direct_computations():
    rng = np.random.default_rng(0)
    y, p = _binormal(3000, 1.0, 0.1, rng)
    p = np.round(p, 1)  # many ties
    assert validation.auc_score(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert validation.ks_statistic(y, p) == pytest.approx(ks_2samp(p[y == 1], p[y == 0]).statistic, abs=1e-12)
    assert validation.gini(y, p) == pytest.approx(2 * roc_auc_score(y, p) - 1, abs=1e-12)


def test_bootstrap_interval_covers_the_true_auc_about_95_times_in_100():
    rng = np.random.default_rng(1)
    separation = 1.0
    truth = norm.cdf(separation / np.sqrt(2))  # AUC of two unit normals `separation` apart
    hits, widths = [], []
    for seed in range(120):
        y, p = _binormal(400, separation, 0.2, rng)
        table = validation.metric_intervals(y, p, n_boot=300, seed=seed)
        hits.append(table.loc["auc", "low"] <= truth <= table.loc["auc", "high"])
        widths.append(table.loc["auc", "high"] - table.loc["auc", "low"])
        assert table.loc["gini", "low"] == pytest.approx(2 * table.loc["auc", "low"] - 1)
    assert 0.88 <= np.mean(hits) <= 0.99
    # the analytic standard error (Hanley-McNeil) gives about the same width
    n1, n0 = 80, 320
    q1, q2 = truth / (2 - truth), 2 * truth ** 2 / (1 + truth)
    se = np.sqrt((truth * (1 - truth) + (n1 - 1) * (q1 - truth ** 2) + (n0 - 1) * (q2 - truth ** 2)) / (n1 * n0))
    assert np.median(widths) == pytest.approx(2 * 1.96 * se, rel=0.2)


def test_paired_difference_is_narrower_than_either_interval_and_finds_a_real_gap():
    rng = np.random.default_rng(2)
    y, p = _binormal(2000, 1.0, 0.1, rng)
    noisy = p + rng.normal(scale=1.0, size=len(p))
    same = validation.paired_difference(y, p, p, n_boot=200)
    assert same["difference"] == 0 and same["low"] == 0 and same["high"] == 0
    diff = validation.paired_difference(y, p, noisy, n_boot=300)
    assert diff["difference"] == pytest.approx(roc_auc_score(y, p) - roc_auc_score(y, noisy))
    single = validation.metric_intervals(y, p, n_boot=300)
    assert diff["high"] - diff["low"] < single.loc["auc", "high"] - single.loc["auc", "low"]
    assert diff["low"] > 0 and "better" in validation.difference_in_words(diff, "a", "b")
    swapped = validation.paired_difference(y, noisy, p, n_boot=300)
    assert swapped["high"] < 0


def test_gains_table_counts_and_lift():
    rng = np.random.default_rng(3)
    y, p = _binormal(1000, 1.5, 0.1, rng)
    table = validation.gains_table(y, p)
    assert table["clients"].sum() == 1000 and table["defaults"].sum() == y.sum()
    top = np.argsort(-p)[:100]
    assert table.loc[1, "lift"] == pytest.approx(y[top].mean() / y.mean())
    assert table["captured"].iloc[-1] == pytest.approx(1.0) and table["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    assert table.loc[1, "lift"] > table.loc[10, "lift"]


def test_wilson_interval_matches_the_formula_and_reliability_has_finer_bins_near_the_threshold():
    low, high = validation.wilson_interval(np.array([0, 5]), np.array([20, 10]))
    assert low[0] == 0 and high[0] == pytest.approx(1.96 ** 2 / (20 + 1.96 ** 2), rel=1e-3)
    assert low[1] == pytest.approx(1 - high[1])  # 5 of 10 is symmetric around one half
    rng = np.random.default_rng(4)
    p = rng.beta(1, 12, size=20000)
    y = (rng.random(len(p)) < p).astype(float)  # perfectly calibrated
    coarse = validation.reliability_table(y, p)
    fine = validation.reliability_table(y, p, threshold=0.1)
    assert len(fine) > len(coarse) and fine["near_threshold"].sum() >= 3
    assert fine["count"].sum() == len(p) and fine["inside"].mean() >= 0.75
    bad = validation.reliability_table(y, np.clip(p * 2, 0, 1), threshold=0.1)
    assert bad["inside"].mean() < 0.3
    assert "bins" in validation.reliability_in_words(bad)


def test_psi_on_a_known_case_and_its_bands():
    # deciles of the expected sample; the actual puts 20 % in the top decile and 0 in the bottom one
    expected = pd.Series(np.arange(1000.0))
    actual = pd.Series(np.r_[np.arange(100.0, 900.0), np.arange(900.0, 1000.0).repeat(2)])
    e = np.full(10, 0.1)
    a = np.r_[1e-4, np.full(8, 0.1), 0.2]
    by_hand = float(np.sum((a - e) * np.log(a / e)))
    assert drift.psi(expected, actual) == pytest.approx(by_hand, rel=1e-6)
    assert drift.flag(by_hand) == ("large" if by_hand > 0.25 else "moderate" if by_hand > 0.1 else "stable")


def test_core_contributions_equal_shap_tree_explainer_on_the_bundled_model():
    import shap
    import xgboost as xgb

    from credit_widgets import load_tables
    from credit_widgets.analysis import experiments
    from credit_widgets.data.tables import default_data_dir
    from credit_widgets.model.artifacts import ScoringModel

    model = ScoringModel.load()
    tables = experiments.sample_tables(load_tables(default_data_dir()), 300, seed=0)
    x = experiments.model_inputs(model, tables)
    core = model.booster.predict(xgb.DMatrix(x.to_numpy(np.float32), feature_names=list(x.columns)),
                                 pred_contribs=True)
    explainer = shap.TreeExplainer(model.booster)
    values = explainer.shap_values(x.to_numpy(np.float32))
    np.testing.assert_allclose(core[:, :-1], values, atol=1e-5)
    np.testing.assert_allclose(core[:, -1], explainer.expected_value, atol=1e-5)

"""The notebook's helpers: sampling, data facts, candidate model (the notebook test runs the rest end to end)."""
import numpy as np
import pandas as pd

from credit_widgets import load_tables
from credit_widgets.analysis import experiments
from credit_widgets.data.synth import NO_DATE


def test_sample_keeps_the_default_rate_and_only_the_sampled_clients_history(synth_dir):
    tables = load_tables(synth_dir)
    sample = experiments.sample_tables(tables, 500, seed=1)
    app = sample["application_train"]
    assert len(app) == 500 and "application_test" not in sample
    assert abs(app["TARGET"].mean() - tables["application_train"]["TARGET"].mean()) < 0.01
    ids = set(app["SK_ID_CURR"])
    for name in ("bureau", "previous_application", "installments_payments"):
        assert set(sample[name]["SK_ID_CURR"]) <= ids and len(sample[name]) > 0
    assert set(sample["bureau_balance"]["SK_ID_BUREAU"]) <= set(sample["bureau"]["SK_ID_BUREAU"])
    everything = experiments.sample_tables(tables, None)
    assert len(everything["application_train"]) == len(tables["application_train"])


def test_anomaly_is_counted_in_the_raw_file_and_missingness_per_table(synth_dir):
    raw = experiments.raw_column(synth_dir, "application_train", "DAYS_EMPLOYED")
    count = experiments.anomaly_count(synth_dir)
    assert count == int((raw == NO_DATE).sum()) and count > 0
    tables = load_tables(synth_dir)
    assert tables["application_train"]["DAYS_EMPLOYED"].isna().sum() >= count  # the loader made them missing
    table = experiments.missingness(tables)
    assert list(table["table"]) == list(tables)
    assert ((table["missing_cells"] >= 0) & (table["missing_cells"] <= 1)).all()


def test_shap_values_of_a_candidate_add_up(credit_model):
    """Each row's contributions plus the average applicant's log-odds give that row's log-odds (the model's own
    probability), the same base for every row: the one a decision states."""
    shap = experiments.shap_values(credit_model, sample=50)
    assert isinstance(shap, pd.DataFrame)
    assert shap.shape == (50, len(credit_model.scoring.feature_names))
    assert np.isfinite(shap.to_numpy()).all()
    probability = credit_model.scoring.predict_proba(credit_model.population.features[shap.index])
    base = np.log(probability / (1 - probability)) - shap.sum(axis=1).to_numpy()
    decision = credit_model.score_client(int(credit_model.population.ids[shap.index[0]]))
    np.testing.assert_allclose(base, decision.base_value, atol=1e-3)


def test_split_clients_is_disjoint_stratified_and_keeps_each_clients_history(synth_dir):
    tables = load_tables(synth_dir)
    dev, test = experiments.split_clients(tables, 0.25, seed=0)
    a, b = dev["application_train"], test["application_train"]
    assert not set(a["SK_ID_CURR"]) & set(b["SK_ID_CURR"])
    assert len(a) + len(b) == len(tables["application_train"]) and len(b) == round(0.25 * (len(a) + len(b)))
    assert abs(a["TARGET"].mean() - b["TARGET"].mean()) < 0.01
    for part in (dev, test):
        ids = set(part["application_train"]["SK_ID_CURR"])
        assert set(part["bureau"]["SK_ID_CURR"]) <= ids
        assert set(part["bureau_balance"]["SK_ID_BUREAU"]) <= set(part["bureau"]["SK_ID_BUREAU"])
    trained = tables["bureau"]["SK_ID_CURR"].isin(tables["application_train"]["SK_ID_CURR"])
    assert len(dev["bureau"]) + len(test["bureau"]) == int(trained.sum())


def test_the_baselines_are_cross_validated_on_the_folds_of_train_fit(synth_dir):
    """Each row's out-of-fold prediction comes from a model fitted on exactly the rows outside the fold
    `fitting.cv_folds` puts it in (the folds `fitting.fit` uses), so baselines and XGBoost are compared row by row."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    from credit_widgets.model.fitting import cv_folds

    class RowsSeen(ClassifierMixin, BaseEstimator):
        """Predicts the share of the row numbers it was fitted on: a fingerprint of its training rows."""

        def __init__(self, total: float = 1.0):
            self.total = total

        def fit(self, x, y):
            self.classes_, self.seen_ = np.unique(y), x[:, 0].sum() / self.total
            return self

        def predict_proba(self, x):
            return np.tile([1 - self.seen_, self.seen_], (len(x), 1))

        def predict(self, x):
            return np.zeros(len(x))

    y = load_tables(synth_dir)["application_train"]["TARGET"].to_numpy(float)
    rows = np.arange(len(y), dtype=float)[:, None]
    for folds, seed in ((3, 0), (5, 7)):
        p = experiments.out_of_fold(RowsSeen(float(rows.sum())), rows, y, folds, seed)
        for tr, va in cv_folds(folds, seed).split(np.zeros(len(y)), y):
            np.testing.assert_allclose(p[va], tr.sum() / rows.sum())

"""Fairness checks: group metrics against a hand count, age bands, counterfactual flips of gender and age."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from credit_widgets.analysis import fairness


def test_group_metrics_match_a_hand_count():
    # group a: 4 clients; refused = p >= 0.5
    #   y=0 p=.1 accepted | y=0 p=.7 refused (false refusal) | y=1 p=.2 accepted (missed) | y=1 p=.9 refused
    # group b: 3 clients: y=0 p=.1 accepted | y=0 p=.2 accepted | y=1 p=.3 accepted (missed)
    y = [0, 0, 1, 1, 0, 0, 1]
    p = [.1, .7, .2, .9, .1, .2, .3]
    groups = pd.Series(["a", "a", "a", "a", "b", "b", "b"], name="g")
    table = fairness.group_metrics(y, p, 0.5, groups)
    assert list(table.index) == ["a", "b", fairness.GAP_ROW]
    a, b, gap = table.loc["a"], table.loc["b"], table.loc[fairness.GAP_ROW]
    assert (a["count"], b["count"]) == (4, 3)
    assert a["approval_rate"] == pytest.approx(2 / 4) and b["approval_rate"] == pytest.approx(1.0)
    assert a["false_refusal_rate"] == pytest.approx(1 / 2) and b["false_refusal_rate"] == pytest.approx(0.0)
    assert a["missed_default_rate"] == pytest.approx(1 / 2) and b["missed_default_rate"] == pytest.approx(1.0)
    assert a["default_rate"] == pytest.approx(2 / 4) and b["default_rate"] == pytest.approx(1 / 3)
    assert gap["approval_rate"] == pytest.approx(0.5)
    assert gap["false_refusal_rate"] == pytest.approx(0.5)
    assert gap["missed_default_rate"] == pytest.approx(0.5)
    words = fairness.gaps_in_words(table)
    assert len(words) == 3
    assert words[0] == "Approval rate: largest gap 50.0 points, between b (100.0%) and a (50.0%)."
    assert "b" in words[2] and "a" in words[2]
    assert all(s for s in fairness.gaps_in_words(table, "fr"))


def test_group_without_defaults_has_no_missed_default_rate():
    table = fairness.group_metrics([0, 1, 0, 0], [.1, .2, .9, .1], 0.5, pd.Series(["a", "a", "b", "b"]))
    assert np.isnan(table.loc["b", "missed_default_rate"])
    assert table.loc[fairness.GAP_ROW, "missed_default_rate"] != table.loc[fairness.GAP_ROW, "missed_default_rate"]
    assert "not measurable" in fairness.gaps_in_words(table)[2]


def test_missing_group_labels_form_their_own_group():
    table = fairness.group_metrics([0, 1, 0], [.1, .9, .1], 0.5, pd.Series(["a", None, "a"]))
    assert set(table.index) == {"a", "unknown", fairness.GAP_ROW}


def test_age_band_edges():
    years = np.array([18, 29.99, 30, 39.99, 40, 49.99, 50, 59.99, 60, 80])
    days = pd.Series(-np.floor(years * fairness.DAYS_PER_YEAR))
    days.iloc[2], days.iloc[4], days.iloc[6], days.iloc[8] = (-np.ceil(y * fairness.DAYS_PER_YEAR)
                                                              for y in (30, 40, 50, 60))
    bands = fairness.age_band(days)
    assert list(bands.astype(str)) == ["<30", "<30", "30-39", "30-39", "40-49", "40-49", "50-59", "50-59",
                                       "60+", "60+"]
    assert bands.cat.ordered and list(bands.cat.categories) == list(fairness.AGE_BANDS)
    assert fairness.age_band(pd.Series([np.nan])).isna().all()
    # each band's middle falls in that band
    middles = [-round(fairness.AGE_BAND_MIDDLE[b] * fairness.DAYS_PER_YEAR) for b in fairness.AGE_BANDS]
    assert list(fairness.age_band(middles).astype(str)) == list(fairness.AGE_BANDS)


def test_age_band_order_is_kept_in_the_table():
    days = pd.Series([-70 * 365.25, -20 * 365.25, -45 * 365.25])
    table = fairness.group_metrics([0, 0, 1], [.1, .2, .3], 0.5, fairness.age_band(days))
    assert list(table.index) == ["<30", "40-49", "60+", fairness.GAP_ROW]


def _fake(credit_model, probability_of):
    """The trained model's feature pipeline and client base, with a scoring rule of our own. The pipeline also
    hands the rule the applicant's sex (last column, 1 for M), which no real model may see."""
    real = credit_model.scoring.builder

    def transform(tables, history=None):
        app = real._application(tables)
        return real.transform(tables, history=history).assign(
            _MALE=(app["CODE_GENDER"] == "M").to_numpy(dtype=float))

    builder = SimpleNamespace(transform=transform, feature_names_=real.feature_names_ + ["_MALE"],
                              history_tables_=real.history_tables_, history_names=real.history_names,
                              history_frame=real.history_frame)
    scoring = SimpleNamespace(builder=builder, threshold=0.5,
                              predict_proba=lambda f: probability_of(np.asarray(f, dtype=float), builder))
    return SimpleNamespace(scoring=scoring, population=credit_model.population)


def _gender_rule(features, builder):
    return np.where(features[:, -1] == 1.0, 0.8, 0.2)


def _ext_rule(features, builder):
    ext = features[:, builder.feature_names_.index("EXT_SOURCE_MEAN")]
    return np.where(np.isnan(ext), 0.3, 1 - ext)


def test_a_model_that_uses_gender_flips_and_one_that_ignores_it_does_not(credit_model):
    apps = credit_model.population.applications
    apps = apps[apps["CODE_GENDER"].isin(["F", "M"])].iloc[:300]
    biased = fairness.counterfactual_flips(_fake(credit_model, _gender_rule), apps, "CODE_GENDER", ["F", "M"])
    assert biased["applicants"] == 300 and biased["variants"] == 300
    assert biased["flip_rate"] == pytest.approx(1.0)
    assert biased["mean_abs_change"] == pytest.approx(0.6)
    assert set(biased["by_change"].index) == {("F", "M"), ("M", "F")}
    blind = fairness.counterfactual_flips(_fake(credit_model, _ext_rule), apps, "CODE_GENDER", ["F", "M"])
    assert blind["flip_rate"] == 0.0 and blind["mean_abs_change"] == 0.0
    # the same blind model reacts to nothing in age either; the biased one ignores age
    assert fairness.counterfactual_flips(_fake(credit_model, _ext_rule), apps, "DAYS_BIRTH")["flip_rate"] == 0.0
    assert fairness.counterfactual_flips(_fake(credit_model, _gender_rule), apps, "DAYS_BIRTH")["flip_rate"] == 0.0


def test_counterfactuals_keep_each_clients_history(credit_model):
    """Unchanged rows score exactly as the client base scored them (history aggregates included)."""
    population = credit_model.population
    apps = population.applications.iloc[:500]
    history = fairness._history(credit_model, apps["SK_ID_CURR"].to_numpy())
    features = credit_model.scoring.builder.transform({"application_test": apps.drop(columns="TARGET")},
                                                      history=history)
    np.testing.assert_allclose(credit_model.scoring.predict_proba(features), population.probability[:500],
                               rtol=1e-5, atol=1e-6)
    result = fairness.counterfactual_flips(credit_model, apps, "DAYS_BIRTH")
    assert result["variants"] == 4 * 500
    assert 0.0 <= result["flip_rate"] <= 1.0 and np.isfinite(result["mean_abs_change"])
    assert result["refused_rate"] == pytest.approx(np.mean(population.probability[:500] >= credit_model.threshold))


def test_unknown_age_value_is_refused(credit_model):
    with pytest.raises(ValueError):
        fairness.counterfactual_flips(credit_model, credit_model.population.applications.iloc[:3], "DAYS_BIRTH",
                                      ["twenties"])


# ---- the verdict ----------------------------------------------------------------------------------------------------

def _portfolio(n: int, approval: dict, seed: int = 0):
    """Groups with set approval rates; outcomes independent of the decision, 10 % defaults."""
    rng = np.random.default_rng(seed)
    groups = rng.choice(list(approval), size=n)
    refused = rng.random(n) >= np.vectorize(approval.get)(groups)
    y = (rng.random(n) < 0.1).astype(int)
    return y, refused.astype(float), pd.Series(groups, name="group")


def test_approval_ratio_is_the_lowest_over_the_highest_and_fails_below_four_fifths():
    y, p, groups = _portfolio(6000, {"a": 0.9, "b": 0.5})
    table = fairness.fairness_checks(y, p, 0.5, groups, n_boot=300)
    accepted = pd.Series(p < 0.5).groupby(groups).mean()
    assert table.loc["approval_ratio", "value"] == pytest.approx(accepted.min() / accepted.max())
    assert table.loc["approval_ratio", "low"] <= table.loc["approval_ratio", "value"] <= \
        table.loc["approval_ratio", "high"]
    assert table.loc["approval_ratio", "status"] == "fail"
    assert table.loc["approval_ratio", "tolerance"] == fairness.TOLERANCES["approval_ratio"]
    status, sentences = fairness.verdict(table, "group")
    assert status == "fail" and "FAIL" in sentences[0] and f"{table.loc['approval_ratio', 'value']:.3f}" in \
        sentences[0]


def test_equal_groups_pass_and_small_samples_are_to_watch():
    y, p, groups = _portfolio(20000, {"a": 0.8, "b": 0.8})
    table = fairness.fairness_checks(y, p, 0.5, groups, n_boot=300)
    assert (table["status"] == "pass").all() and fairness.verdict(table, "group")[0] == "pass"
    y, p, groups = _portfolio(300, {"a": 0.8, "b": 0.7}, seed=1)
    small = fairness.fairness_checks(y, p, 0.5, groups, n_boot=300)
    assert small.loc["approval_ratio", "status"] == "watch"
    assert fairness.verdict(small, "group", lang="fr")[1][0].startswith("Par group")


def test_error_gap_matches_group_metrics_and_tiny_groups_are_left_out():
    y, p, groups = _portfolio(4000, {"a": 0.9, "b": 0.6, "c": 0.8}, seed=2)
    groups = groups.where(np.arange(len(groups)) >= 10, "tiny")
    table = fairness.fairness_checks(y, p, 0.5, groups, n_boot=200)
    metrics = fairness.group_metrics(y, p, 0.5, groups).drop(index=["tiny", fairness.GAP_ROW])
    for rate in ("false_refusal_rate", "missed_default_rate"):
        assert table.loc[rate, "value"] == pytest.approx(metrics[rate].max() - metrics[rate].min())
    assert table.attrs["left_out"] == ["tiny"]


def test_a_new_age_keeps_the_record_possible():
    app = pd.DataFrame({"DAYS_BIRTH": [-20000, -20000, -15000], "DAYS_EMPLOYED": [-10000, -1000, np.nan],
                        "DAYS_REGISTRATION": [-12000, -500, -100], "DAYS_ID_PUBLISH": [-6000, -100, -100],
                        "OWN_CAR_AGE": [30, 2, np.nan]})
    young = fairness.with_age(app, -round(25 * fairness.DAYS_PER_YEAR))
    years = -young["DAYS_BIRTH"] / fairness.DAYS_PER_YEAR
    employed = -young["DAYS_EMPLOYED"] / fairness.DAYS_PER_YEAR
    assert (employed.dropna() <= years[employed.notna()] - fairness.WORKING_AGE + 1e-9).all()
    assert (young["DAYS_REGISTRATION"] >= young["DAYS_BIRTH"]).all()
    assert (young["OWN_CAR_AGE"].dropna() <= years[young["OWN_CAR_AGE"].notna()] - fairness.ADULT_AGE).all()
    # what was already possible at 25 stays as it was; missing stays missing
    assert young.loc[1, "DAYS_EMPLOYED"] == -1000 and np.isnan(young.loc[2, "DAYS_EMPLOYED"])
    assert young.loc[1, "OWN_CAR_AGE"] == 2 and young.loc[0, "DAYS_EMPLOYED"] > -10000
    assert app.loc[0, "DAYS_EMPLOYED"] == -10000  # the caller's frame is untouched


def test_many_equal_groups_do_not_fail_and_groups_with_few_defaults_are_left_out_of_that_rate():
    y, p, groups = _portfolio(2500, {g: 0.8 for g in "abcde"}, seed=3)
    table = fairness.fairness_checks(y, p, 0.5, groups, n_boot=300)
    assert "fail" not in set(table["status"])
    # group a keeps one default in ten (about 5): too few for its missed-default rate, enough rows for the rest
    few = groups.where(~((groups == "a") & (y == 1)) | (np.arange(len(y)) % 10 == 0), "moved")
    table = fairness.fairness_checks(y, p, 0.5, few, n_boot=200)
    assert "a" in table.attrs["left_out"]
    assert "a" not in (table.loc["missed_default_rate", "low_group"], table.loc["missed_default_rate", "high_group"])
    assert table.loc["approval_ratio", "groups"] == 6 and table.loc["missed_default_rate", "groups"] == 5


def test_a_rate_no_two_groups_can_measure_is_to_watch_not_dropped():
    y, p, groups = _portfolio(600, {"a": 0.9, "b": 0.9}, seed=4)   # about 30 defaults per group at most
    table = fairness.fairness_checks(y, p, 0.5, groups, n_boot=100, min_count=100)
    assert table.loc["missed_default_rate", "status"] == "watch" and np.isnan(table.loc["missed_default_rate",
                                                                                       "value"])
    status, sentences = fairness.verdict(table, "group")
    assert len(sentences) == 4 and "not measurable" in sentences[3] and "100" in sentences[3]

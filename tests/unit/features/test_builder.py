"""One feature pipeline: the same numbers for a client in a batch, alone, or typed in as a prospect."""
import numpy as np
import pandas as pd
import pytest

from credit_widgets.data import synth
from credit_widgets.data.tables import load_tables
from credit_widgets.features.builder import RATIO_SOURCES, FeatureBuilder


@pytest.fixture(scope="module")
def tables():
    generated, _ = synth.generate(2500, seed=21)
    return generated


@pytest.fixture(scope="module")
def builder(tables):
    return FeatureBuilder().fit(tables)


def _one_client(tables, client_id):
    out = {}
    for name, frame in tables.items():
        if "SK_ID_CURR" in frame.columns:
            out[name] = frame[frame["SK_ID_CURR"] == client_id]
    out["bureau_balance"] = tables["bureau_balance"][
        tables["bureau_balance"]["SK_ID_BUREAU"].isin(out["bureau"]["SK_ID_BUREAU"])]
    return out


def test_a_client_alone_gets_exactly_its_batch_features(tables, builder):
    batch = builder.transform(tables)
    rich = tables["installments_payments"]["SK_ID_CURR"].value_counts().index[:3]
    rich = [c for c in rich if c in set(tables["bureau"]["SK_ID_CURR"])]
    assert rich, "the generator should give some clients both bureau and instalment history"
    for client in rich:
        alone = builder.transform(_one_client(tables, client))
        assert alone.index.tolist() == [client]
        np.testing.assert_array_equal(alone.to_numpy(), batch.loc[[client]].to_numpy())
        assert alone["BUREAU_COUNT"].iloc[0] > 0 and alone["INST_COUNT"].iloc[0] > 0


def test_prospect_equals_a_known_client_without_history(tables, builder):
    app = tables["application_train"]
    history_ids = set().union(*(set(tables[t]["SK_ID_CURR"]) for t in
                                ("bureau", "previous_application", "POS_CASH_balance",
                                 "installments_payments", "credit_card_balance")))
    no_history = app[~app["SK_ID_CURR"].isin(history_ids)]
    assert len(no_history) > 0
    client = int(no_history["SK_ID_CURR"].iloc[0])
    batch = builder.transform(tables).loc[[client]]
    prospect = builder.transform({"application_test": no_history.iloc[[0]].drop(columns="TARGET")})
    np.testing.assert_array_equal(prospect.to_numpy(), batch.to_numpy())
    assert prospect["BUREAU_COUNT"].iloc[0] == 0  # no rows means none, not unknown
    assert np.isnan(prospect["BUREAU_DEBT_CREDIT_RATIO"].iloc[0])


def test_unseen_and_missing_categories_become_missing_not_errors(tables, builder):
    row = tables["application_train"].iloc[[0]].drop(columns="TARGET").copy()
    row["ORGANIZATION_TYPE"] = "Space agency"
    row["NAME_INCOME_TYPE"] = np.nan
    row["NAME_TYPE_SUITE"] = "XNA"
    features = builder.transform({"application_test": row})
    assert features[["ORGANIZATION_TYPE", "NAME_INCOME_TYPE", "NAME_TYPE_SUITE"]].isna().all(axis=None)
    assert not np.isnan(features["NAME_CONTRACT_TYPE"].iloc[0])


def test_ratios_are_computed_from_their_inputs(tables, builder):
    app = tables["application_train"].iloc[:50]
    features = builder.transform({"application_train": app})
    np.testing.assert_allclose(features["ANNUITY_INCOME_RATIO"],
                               (app["AMT_ANNUITY"] / app["AMT_INCOME_TOTAL"]).to_numpy(), rtol=1e-6)
    ext = app[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]]
    np.testing.assert_allclose(features["EXT_SOURCE_MEAN"], ext.mean(axis=1).to_numpy(), rtol=1e-6)
    employed = app["DAYS_EMPLOYED"].where(app["DAYS_EMPLOYED"] != synth.NO_DATE)
    np.testing.assert_allclose(features["EMPLOYED_AGE_RATIO"], (employed / app["DAYS_BIRTH"]).to_numpy(),
                               rtol=1e-6)


def test_categories_are_ordered_by_default_rate(tables, builder):
    app = tables["application_train"]
    levels = builder.categories_["NAME_EDUCATION_TYPE"]
    rates = app.groupby("NAME_EDUCATION_TYPE")["TARGET"].mean()
    big = [lvl for lvl in levels if (app["NAME_EDUCATION_TYPE"] == lvl).sum() > 200]
    assert [rates[lvl] for lvl in big] == sorted(rates[lvl] for lvl in big)


def test_every_feature_maps_back_to_inputs_a_person_understands(builder):
    sources = builder.feature_sources()
    assert set(sources) == set(builder.feature_names_)
    assert sources["CREDIT_TERM"] == RATIO_SOURCES["CREDIT_TERM"]
    assert sources["BB_LATE_SHARE"] == ("history:bureau",)
    assert sources["INST_LATE_SHARE"] == ("history:instalments",)
    assert sources["AMT_CREDIT"] == ("AMT_CREDIT",)


def test_spec_round_trips_through_json(tables, builder):
    import json

    again = FeatureBuilder.from_dict(json.loads(json.dumps(builder.to_dict())))
    pd.testing.assert_frame_equal(again.transform(tables), builder.transform(tables))


def test_application_only_builder_ignores_history(tables):
    builder = FeatureBuilder().fit({"application_train": tables["application_train"]})
    assert not any(f.startswith(("BUREAU_", "INST_", "PREV_")) for f in builder.feature_names_)
    assert builder.transform(tables).shape[1] == len(builder.feature_names_)


def test_real_joined_history_gives_finite_aggregates(real_joined_dir):
    real = load_tables(real_joined_dir)
    builder = FeatureBuilder().fit(real)
    features = builder.transform(real)
    assert len(features) == 5000
    assert not np.isinf(features.to_numpy()).any()
    assert (features["BUREAU_COUNT"] > 0).sum() == real["bureau"]["SK_ID_CURR"].nunique()
    assert (features["CC_MONTHS"] > 0).sum() == real["credit_card_balance"]["SK_ID_CURR"].nunique()
    assert features["BB_LATE_SHARE"].notna().sum() > 500
    assert "INST_COUNT" not in features.columns  # no installments file in that folder


def test_sex_is_never_a_feature_whatever_the_columns_asked(tables, builder):
    from credit_widgets.features.builder import NEVER_FEATURES

    restricted = FeatureBuilder(columns_=["CODE_GENDER", "AMT_CREDIT", "AMT_INCOME_TOTAL"]).fit(
        {"application_train": tables["application_train"]})
    for fitted in (builder, restricted):
        assert not set(NEVER_FEATURES) & set(fitted.feature_names_)
        assert not set(NEVER_FEATURES) & set(fitted.categories_)
        assert not {s for sources in fitted.feature_sources().values() for s in sources} & set(NEVER_FEATURES)
    # the sex still changes nothing in the features of an applicant
    row = tables["application_train"].iloc[[0]].drop(columns="TARGET").copy()
    other = row.assign(CODE_GENDER="M" if row["CODE_GENDER"].iloc[0] == "F" else "F")
    pd.testing.assert_frame_equal(builder.transform({"application_test": row}),
                                  builder.transform({"application_test": other}))


def test_a_restricted_builder_uses_its_columns_and_the_ratios_of_those_only(tables):
    restricted = FeatureBuilder(columns_=["AMT_CREDIT", "AMT_INCOME_TOTAL", "AMT_ANNUITY"]).fit(
        {"application_train": tables["application_train"], "bureau": tables["bureau"]})
    assert restricted.feature_names_[:6] == ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY",
                                             "CREDIT_INCOME_RATIO", "ANNUITY_INCOME_RATIO", "CREDIT_TERM"]
    assert all(name.startswith(("BUREAU_", "BB_")) for name in restricted.feature_names_[6:])
    again = FeatureBuilder.from_dict(restricted.to_dict())
    app = tables["application_train"].iloc[:20]
    pd.testing.assert_frame_equal(again.transform({"application_train": app}),
                                  restricted.transform({"application_train": app}))

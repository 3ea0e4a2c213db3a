"""Two models, one decision core: a known client is decided by the client model (whole row and history), a new
applicant by the application model (only what the prospect form asks). Sex is used by neither."""
import numpy as np
import pandas as pd
import pytest

from credit_widgets.data import synth
from credit_widgets.data.schema import FIELDS, PROSPECT_COLUMNS
from credit_widgets.data.tables import load_tables
from credit_widgets.features.builder import NEVER_FEATURES


@pytest.fixture(scope="module")
def held_out():
    """A synthetic portfolio split in two: an application model trained (the project's own training) on one half,
    the other half never seen, with its outcomes."""
    from credit_widgets.lifecycle import train
    from credit_widgets.model.artifacts import ScoringModel

    tables, _ = synth.generate(16000, seed=12, test_clients=0)
    app = tables["application_train"].sample(frac=1.0, random_state=0).reset_index(drop=True)
    seen, unseen = app.iloc[:8000], app.iloc[8000:].reset_index(drop=True)
    result = train.fit({"application_train": seen}, folds=3, nthread=1, seed=0, columns=PROSPECT_COLUMNS, quiet=True)
    return ScoringModel(result.booster, result.builder, result.meta), unseen


def _asked(model) -> set[str]:
    return {f.name for f in model.prospect_fields()}


def _prospect_rows(app: pd.DataFrame, model, columns=None) -> list[dict]:
    """Application rows as a form would send them: only the asked columns, blanks left out."""
    columns = columns or [f.name for f in model.prospect_fields()]
    from credit_widgets.data.tables import means_nothing
    from credit_widgets.decision.validate import InputError, validate_application

    rows = app[columns].astype(object).where(app[columns].notna(), None).to_dict(orient="records")
    out = []
    for row in rows:
        row = {k: v for k, v in row.items() if v is not None and not means_nothing(k, v)}   # as the API reads it
        try:
            validate_application(row)   # a form never sends what it refuses: out of range, or required inputs missing
        except InputError:
            continue
        out.append(row)
    return out


def test_no_model_uses_sex_or_anything_derived_from_it(credit_model):
    assert credit_model.application is not None
    for scoring in (credit_model.scoring, credit_model.application):
        assert not set(NEVER_FEATURES) & set(scoring.feature_names)
        sources = {s for names in scoring.builder.feature_sources().values() for s in names}
        assert not set(NEVER_FEATURES) & sources
        assert not set(NEVER_FEATURES) & set(scoring.builder.categories_)
    assert "CODE_GENDER" not in _asked(credit_model) and not FIELDS["CODE_GENDER"].ask_prospect


def test_the_form_asks_exactly_what_the_application_model_uses(credit_model):
    builder = credit_model.application.builder
    assert {f.name for f in credit_model.prospect_fields()} == set(builder.application_columns)
    assert [f.name for f in credit_model.prospect_fields()] == [n for n in FIELDS if n in PROSPECT_COLUMNS]
    assert not builder.history_tables_
    # every feature comes from asked fields only
    sources = {s for names in builder.feature_sources().values() for s in names}
    assert sources <= _asked(credit_model)


def test_a_known_client_goes_to_the_client_model_and_a_prospect_to_the_application_model(credit_model):
    client_id = credit_model.client_ids()[0]
    known = credit_model.score_client(client_id)
    assert known.model == "client" and known.threshold == pytest.approx(credit_model.scoring.threshold)
    # the same person's whole row typed in as a stranger is a prospect
    row = {k: v for k, v in credit_model.rows.application_row(known.row).items() if k != "SK_ID_CURR"
           and k in PROSPECT_COLUMNS and v is not None}
    prospect = credit_model.score_prospect(row)
    assert prospect.model == "application"
    assert prospect.threshold == pytest.approx(credit_model.application.threshold)
    assert prospect.threshold != pytest.approx(credit_model.scoring.threshold) or \
        prospect.probability != pytest.approx(known.probability)
    # the page's views stay in the client base's space
    assert prospect.features.shape == known.features.shape
    assert prospect.model_features.shape == (len(credit_model.application.feature_names),)
    # a batch mixes both, and each row keeps its own model and threshold
    applicants = credit_model.read_rows([{"SK_ID_CURR": client_id}, row,
                                         {"SK_ID_CURR": client_id, "AMT_CREDIT": 300000.0}])
    decisions = credit_model.decide_all(applicants)
    assert [d.model for d in decisions] == ["client", "application", "client"]
    assert credit_model.models_of(applicants) == ["client", "application", "client"]
    np.testing.assert_allclose(credit_model.probabilities(applicants), [d.probability for d in decisions],
                               rtol=1e-5)
    np.testing.assert_allclose(credit_model.thresholds_of(applicants), [d.threshold for d in decisions])
    assert decisions[0].probability == pytest.approx(known.probability)
    assert decisions[1].probability == pytest.approx(prospect.probability)
    # the rows written for the scoring API (`records`) read back as the same applicants, and the same decisions
    again = credit_model.read_rows(credit_model.records(applicants))
    assert [(a.client_id, a.row, a.changed) for a in again] == [(a.client_id, a.row, a.changed) for a in applicants]
    assert [d.probability for d in credit_model.decide_all(again)] == [d.probability for d in decisions]
    assert credit_model.records(applicants)[0] == {"SK_ID_CURR": client_id}
    assert credit_model.records(applicants)[2] == {"SK_ID_CURR": client_id, "AMT_CREDIT": 300000.0}
    # unasked columns sent with a prospect do not change its answer: the application model never reads them
    extra = credit_model.score_prospect({**row, "FLAG_DOCUMENT_6": 1, "APARTMENTS_AVG": 0.9, "CODE_GENDER": "M"})
    assert extra.probability == pytest.approx(prospect.probability)


def test_a_prospects_suggestions_and_rescores_use_the_application_model(credit_model):
    refused = None
    app = credit_model.population.applications
    for row in _prospect_rows(app.iloc[:200], credit_model):
        decision = credit_model.score_prospect(row)
        if not decision.favourable:
            refused = decision
            break
    assert refused is not None
    changed = credit_model.rescore(refused, {"AMT_CREDIT": refused.inputs["AMT_CREDIT"] * 0.5})
    assert changed.model == "application"
    for suggestion in credit_model.suggest(refused):
        after = credit_model.rescore(refused, suggestion.changes)
        assert after.probability == pytest.approx(suggestion.probability, rel=1e-5)
        assert after.favourable and after.threshold == refused.threshold


def test_a_prospects_reasons_never_name_a_field_the_form_does_not_ask(credit_model):
    asked = _asked(credit_model)
    app = credit_model.population.applications.drop(columns=["TARGET"], errors="ignore")
    # whole application rows sent as prospects (everything the API accepts): still only asked fields explain
    whole = _prospect_rows(app.iloc[:80], credit_model, columns=[c for c in app.columns if c != "SK_ID_CURR"])
    assert len(whole) > 40
    applicants = credit_model.read_rows(whole)
    for decision in credit_model.decide_all(applicants):
        assert decision.model == "application"
        assert {r.input for r in decision.reasons} <= asked
        assert set(decision.contributions) <= asked
        logit = decision.base_value + sum(decision.contributions.values())
        assert 1 / (1 + np.exp(-logit)) == pytest.approx(decision.probability, rel=1e-4)


def test_prospect_path_is_calibrated_on_held_out_synthetic_applicants(credit_model, held_out):
    """Trained on one part of a synthetic portfolio, the other part scored through the prospect path with only the
    form's fields: the mean predicted default is within ±10 % of the observed rate."""
    from credit_widgets.scoring.service import CreditModel

    application, unseen = held_out
    model = CreditModel(credit_model.scoring, credit_model.population, credit_model.model_dir,
                        credit_model.data_dir, application)
    rows = _prospect_rows(unseen, model)
    assert len(rows) > 0.99 * len(unseen)
    applicants = model.read_rows(rows)
    assert set(model.models_of(applicants)) == {"application"}
    predicted = model.probabilities(applicants).mean()
    observed = unseen["TARGET"].mean()   # over every applicant: the few a form refuses do not move it
    assert abs(predicted / observed - 1) <= 0.10, (predicted, observed)


def test_the_pyfunc_routes_rows(trained, monkeypatch):
    import mlflow.pyfunc

    monkeypatch.setenv("CREDIT_DATA_DIR", str(trained["data_dir"]))
    tables = load_tables(trained["data_dir"])
    known = int(tables["application_train"]["SK_ID_CURR"].iloc[0])
    prospect = {"AMT_INCOME_TOTAL": 120000.0, "AMT_CREDIT": 300000.0, "AMT_ANNUITY": 15000.0,
                "EXT_SOURCE_2": 0.6, "NAME_CONTRACT_TYPE": "Cash loans"}
    frame = pd.DataFrame([{"SK_ID_CURR": known}, prospect])
    model = mlflow.pyfunc.load_model(str(trained["model_dir"]))
    for params in ({"reasons": True}, {"reasons": False}):
        out = model.predict(frame, params=params)
        assert out["model"].tolist() == ["client", "application"]
        result = trained["result"]
        np.testing.assert_allclose(out["threshold"], [result.threshold, result.application.threshold])
        assert out["decision"].tolist() == ["favourable" if p < t else "unfavourable"
                                            for p, t in zip(out["probability"], out["threshold"])]

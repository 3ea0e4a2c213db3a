"""Candidate and champion: registering never moves the champion, promotion is one logged step with who and why,
and nothing is written to a folder unless asked."""
import pytest

from credit_widgets import load_tables
from credit_widgets.analysis import experiments
from credit_widgets.lifecycle import governance
from credit_widgets.model.artifacts import default_model_dir


@pytest.fixture(scope="module")
def small_result(synth_dir):
    from credit_widgets.lifecycle.train import fit

    tables = experiments.sample_tables(load_tables(synth_dir), 1500, seed=0)
    return fit(tables, folds=3, quiet=True, history_tables=()), tables


def test_candidate_then_explicit_promotion(small_result, synth_dir, tmp_path):
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    result, tables = small_result
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    champion, source = governance.current_champion(tracking_uri=uri)
    assert "no @champion in the registry" in source and str(default_model_dir()) in source
    before = {p.name: p.stat().st_mtime_ns for p in default_model_dir().rglob("*")}

    version = governance.register_candidate(result, synth_dir, reason="test", card_section="## extra",
                                            tracking_uri=uri, tables=tables)
    client = MlflowClient(tracking_uri=uri)
    assert str(client.get_model_version_by_alias("credit-widgets", "candidate").version) == version
    with pytest.raises(MlflowException):
        client.get_model_version_by_alias("credit-widgets", "champion")
    with pytest.raises(ValueError):
        governance.promote(version, who="", why="no name", tracking_uri=uri)

    record = governance.promote(version, who="tester", why="better on the test rows", tracking_uri=uri)
    assert record["replaces"] == "none" and record["exported_to"] is None
    tags = client.get_model_version("credit-widgets", version).tags
    assert tags["promoted_by"] == "tester" and tags["promotion_reason"] == "better on the test rows"
    champion, source = governance.current_champion(tracking_uri=uri)
    assert f"version {version}" in source
    assert champion.predict_proba(experiments.model_inputs(result, tables)).shape == (len(result.target),)
    assert before == {p.name: p.stat().st_mtime_ns for p in default_model_dir().rglob("*")}

    export = tmp_path / "exported"
    governance.promote(version, who="tester", why="export asked", tracking_uri=uri, export_to=export)
    assert (export / "MLmodel").exists()

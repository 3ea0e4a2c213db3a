"""explore.ipynb runs top to bottom headless: on a small synthetic portfolio, on the real rows and on the real joined
clients; with its default parameters it registers nothing and never touches the repository's models/; a candidate
becomes champion only through the explicit promotion step."""
import hashlib

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO


def _run(data_dir, tmp_path, **parameters):
    """Execute the notebook in a scratch folder, the parameters cell kept and the given values appended (as
    papermill injects them), so that everything not given keeps its shipped default."""
    notebook = nbformat.read(REPO / "explore.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "one cell tagged `parameters`"
    lines = [f"DATA_DIR = {str(data_dir)!r}"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    tagged[0].source += "\n" + "\n".join(lines)
    work = tmp_path / "cwd"  # relative paths written by the notebook (sqlite:///mlflow.db) land here
    work.mkdir()
    NotebookClient(notebook, timeout=None, kernel_name="python3",
                   resources={"metadata": {"path": str(work)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else None
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return outputs, text, work


def _snapshot(folder):
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _reached_every_section(text: str):
    for marker in ("Chosen on the development clients", "Reading: AUC ", "test cost is", "bins hold their mean",
                   "moves the log-odds most", "By gender:", "By age band:", "score PSI", "Champion:"):
        assert marker in text, marker


@pytest.mark.slow
def test_default_parameters_register_nothing_and_leave_models_alone(synth_dir, tmp_path):
    models = REPO / "models"
    before = _snapshot(models)
    outputs, text, work = _run(synth_dir, tmp_path, SAMPLE=2000)
    assert _snapshot(models) == before
    _reached_every_section(text)
    assert "REGISTER is False: nothing registered" in text and "No promotion" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 9
    assert "Downloading artifacts" not in text and "INFO mlflow" not in text and "Warning" not in text
    assert "Ceiling: the true probabilities" in text  # synthetic data: the ceiling is shown

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{work / 'mlflow.db'}")
    assert client.search_registered_models() == []
    runs = client.search_runs([client.get_experiment_by_name("credit-widgets-explore").experiment_id])
    assert {"dummy", "logistic", "xgboost", "xgboost-tuned", "trial-0", "trial-1"} <= {r.info.run_name for r in runs}


@pytest.mark.slow
def test_candidate_is_promoted_only_through_the_explicit_step(synth_dir, tmp_path):
    models = REPO / "models"
    before = _snapshot(models)
    export = tmp_path / "exported"
    outputs, text, work = _run(synth_dir, tmp_path, SAMPLE=2000, TRIALS=1, REGISTER=True, PROMOTE=True,
                               PROMOTED_BY="validator", PROMOTION_REASON="test", EXPORT_TO=str(export))
    assert "registered credit-widgets version 1 as candidate" in text and "promoted version 1 to champion" in text
    assert (export / "MLmodel").exists() and _snapshot(models) == before

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{work / 'mlflow.db'}")
    champion = client.get_model_version_by_alias("credit-widgets", "champion")
    assert str(champion.version) == "1" and champion.tags["promoted_by"] == "validator"
    assert str(client.get_model_version_by_alias("credit-widgets", "candidate").version) == "1"


@pytest.mark.slow
def test_explore_notebook_runs_on_the_real_rows(real_dir, tmp_path):
    """The real first rows of every Kaggle table (their history rarely joins), with an application_test."""
    outputs, text, work = _run(real_dir, tmp_path, SAMPLE=3000, TRIALS=1)
    _reached_every_section(text)
    assert "development clients against application_test" in text


@pytest.mark.slow
def test_explore_notebook_runs_on_the_real_joined_clients(real_joined_dir, tmp_path):
    """5,000 real clients with their history and no application_test: the stability section uses the held-out
    clients, and there is no ceiling."""
    outputs, text, work = _run(real_joined_dir, tmp_path, SAMPLE=None, TRIALS=2)
    _reached_every_section(text)
    assert "No truth.csv in DATA_DIR" in text and "development clients against the held-out clients" in text

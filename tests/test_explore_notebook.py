"""explore.ipynb runs top to bottom on a small synthetic portfolio, tracking and exporting into a temporary folder."""
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO


def _run(data_dir, tmp_path, sample: int):
    notebook = nbformat.read(REPO / "explore.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "one cell tagged `parameters`"
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    models = tmp_path / "models"
    tagged[0].source = "\n".join([
        f"DATA_DIR = {str(data_dir)!r}", f"SAMPLE = {sample}", f"MLFLOW_TRACKING_URI = {uri!r}",
        f"MODELS_DIR = {str(models)!r}", "REGISTER = True", "TRIALS = 2", "SEED = 0"])
    work = tmp_path / "cwd"  # relative paths written by the notebook land here, never in the repository
    work.mkdir()
    NotebookClient(notebook, timeout=None, kernel_name="python3",
                   resources={"metadata": {"path": str(work)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    return outputs, uri, models


@pytest.mark.slow
def test_explore_notebook_runs_on_the_real_rows(real_dir, tmp_path):
    """The real first rows of every Kaggle table (their history rarely joins): the notebook still runs through."""
    outputs, uri, models = _run(real_dir, tmp_path, sample=3000)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else None
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "flips" in text and "large shift (PSI" in text   # fairness and drift both reached
    assert (models / "MLmodel").exists()


@pytest.mark.slow
def test_explore_notebook_runs_and_registers_a_champion(synth_dir, tmp_path):
    outputs, uri, models = _run(synth_dir, tmp_path, sample=2000)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else None
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 8
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "flips" in text and "registered credit-widgets version" in text
    assert (models / "MLmodel").exists() and (models / "MODEL_CARD.md").exists()

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    assert str(client.get_model_version_by_alias("credit-widgets", "champion").version) == "1"
    explore = client.get_experiment_by_name("credit-widgets-explore")
    runs = client.search_runs([explore.experiment_id])
    names = {r.info.run_name for r in runs}
    assert {"dummy", "logistic", "xgboost", "xgboost-tuned", "trial-0", "trial-1"} <= names

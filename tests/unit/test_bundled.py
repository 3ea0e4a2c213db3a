"""What ships in the repository works out of the box: the bundled data, the bundled model, a light core."""
import json
import subprocess
import sys

from sklearn.metrics import roc_auc_score

from credit_widgets.data.tables import default_data_dir, load_tables
from credit_widgets.lifecycle.batch import score_folder
from credit_widgets.model.artifacts import ScoringModel, default_model_dir


def test_bundled_data_is_a_full_synthetic_portfolio():
    tables = load_tables(default_data_dir())
    assert len(tables) == 8
    app = tables["application_train"]
    assert 15_000 <= len(app) <= 25_000 and 0.06 < app["TARGET"].mean() < 0.10
    assert len(tables["application_test"]) > 1000
    size = sum(p.stat().st_size for p in default_data_dir().iterdir())
    assert size < 20 * 2 ** 20, f"bundled data is {size / 2 ** 20:.1f} MB"


def test_bundled_model_matches_its_card_and_scores_the_bundled_clients():
    model = ScoringModel.load()
    assert (default_model_dir() / "MLmodel").exists()
    card = (default_model_dir() / "MODEL_CARD.md").read_text()
    assert model.version in card and f"{model.threshold:.4f}" in card
    assert 0.02 < model.threshold < 0.5
    scores = score_folder(model, default_data_dir())
    tables = load_tables(default_data_dir(), tables=["application_train"])
    merged = tables["application_train"][["SK_ID_CURR", "TARGET"]].merge(scores, on="SK_ID_CURR")
    assert roc_auc_score(merged["TARGET"], merged["probability"]) > 0.8  # in-sample, so only a sanity floor
    assert 0.5 < (scores["decision"] == "favourable").mean() < 0.95


def test_bundled_model_was_trained_on_the_bundled_data():
    meta = json.loads((default_model_dir() / "artifacts" / "model_meta.json").read_text())
    assert meta["metrics"]["clients"] == len(load_tables(default_data_dir(), tables=["application_train"])
                                             ["application_train"])


def test_core_import_leaves_widgets_and_mlflow_out():
    code = ("import sys, credit_widgets, credit_widgets.scoring.service, credit_widgets.features.builder, "
            "credit_widgets.data.tables; "
            "print(sorted(m for m in ('ipywidgets', 'bqplot', 'mlflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

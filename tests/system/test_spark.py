"""Scoring on Spark (credit_widgets.lifecycle.spark): the MLflow model as a Spark UDF on a local[2] session scores the
bundled test clients exactly as the in-process batch scorer, explains like the pyfunc, reads CSV, and a bad row
fails the job quickly with the model's message."""
import json
import os
import shutil
import threading

import numpy as np
import pandas as pd
import pytest

from conftest import REPO

pytestmark = [pytest.mark.slow,
              # pyspark 4.3 on the project's pandas 3 (the scores are checked below): deprecation notices only
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore:.*Add type hints to the `predict` method:UserWarning")]
pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[spark]' (make test installs it)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (java on PATH or JAVA_HOME) for Spark", allow_module_level=True)

MODEL = REPO / "models"
DATA = REPO / "data"


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from credit_widgets.lifecycle import spark as cs

    scratch = tmp_path_factory.mktemp("spark")
    saved = {k: os.environ.get(k) for k in ("SPARK_LOCAL_DIRS", "CREDIT_DATA_DIR")}
    os.environ["SPARK_LOCAL_DIRS"] = str(scratch)
    os.environ.pop("CREDIT_DATA_DIR", None)       # known clients: the bundled data/
    session = cs.session("local[2]")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def in_process():
    """credit_widgets.lifecycle.batch's scores of the bundled folder, test clients only."""
    from credit_widgets.lifecycle.batch import score_folder
    from credit_widgets.model.artifacts import ScoringModel

    scores = score_folder(ScoringModel.load(MODEL), DATA)
    test_ids = pd.read_parquet(DATA / "application_test.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return scores[scores["SK_ID_CURR"].isin(test_ids)].set_index("SK_ID_CURR")


def _compare(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.set_index("SK_ID_CURR")
    assert got.index.is_unique and set(got.index) <= set(expected.index)
    expected = expected.loc[got.index]
    np.testing.assert_allclose(got["probability"].to_numpy(), expected["probability"].to_numpy(), rtol=0, atol=1e-6)
    assert (got["decision"].to_numpy() == expected["decision"].to_numpy()).all()


def test_every_test_client_scores_as_the_batch_scorer(spark, in_process):
    from credit_widgets.lifecycle import spark as cs

    applications = cs.read_applications(spark, DATA / "application_test.parquet")
    # no time limit here: a shared 2-core machine makes any wall-clock bound flaky (benchmarks.batch times it)
    got = cs.collect(cs.score(spark, applications, str(MODEL)))
    assert len(got) == len(in_process) == 3170
    assert list(got.columns) == ["SK_ID_CURR", "probability", "decision", "threshold", "model"]
    _compare(got, in_process)


def test_explain_gives_the_pyfunc_contributions(spark, in_process):
    import mlflow.pyfunc

    from credit_widgets.lifecycle import spark as cs

    frame = pd.read_parquet(DATA / "application_test.parquet").iloc[:150]
    applications = spark.createDataFrame(frame.astype(object).where(frame.notna(), None))
    got = cs.collect(cs.score(spark, applications, str(MODEL), explain=True, warm_up=False))
    assert list(got.columns) == ["SK_ID_CURR", "probability", "decision", "threshold", "model", "reasons",
                                 "contributions"]
    _compare(got, in_process)
    reference = mlflow.pyfunc.load_model(str(MODEL)).predict(frame, params={"explain": True})
    reference = reference.set_index(reference["SK_ID_CURR"].astype("int64"))
    for _, row in got.iterrows():
        contributions = json.loads(row["contributions"])
        assert contributions == pytest.approx(json.loads(reference.loc[row["SK_ID_CURR"], "contributions"]),
                                              abs=1e-9)
        assert json.loads(row["reasons"]) == json.loads(reference.loc[row["SK_ID_CURR"], "reasons"])
        logit = contributions.pop("base_value") + sum(contributions.values())
        assert 1 / (1 + np.exp(-logit)) == pytest.approx(row["probability"], abs=1e-5)


def test_csv_files_score_like_parquet(spark, in_process, tmp_path):
    from credit_widgets.lifecycle import spark as cs

    frame = pd.read_parquet(DATA / "application_test.parquet").iloc[:300]
    frame.to_csv(tmp_path / "application_test.csv", index=False)
    applications = cs.read_applications(spark, tmp_path)          # a folder: finds application_test.csv
    got = cs.collect(cs.score(spark, applications, str(MODEL), warm_up=False))
    assert len(got) == 300
    _compare(got, in_process)
    out = tmp_path / "scores.parquet"
    cs.write(cs.score(spark, applications, str(MODEL), warm_up=False), out)
    written = pd.read_parquet(out)
    assert sorted(written["SK_ID_CURR"]) == sorted(frame["SK_ID_CURR"])


def test_a_bad_row_fails_fast_with_the_models_message(spark):
    from credit_widgets.lifecycle import spark as cs

    frame = pd.read_parquet(DATA / "application_test.parquet", columns=["SK_ID_CURR", "AMT_CREDIT"]).iloc[:20]
    frame.loc[7, "AMT_CREDIT"] = -5000.0
    applications = spark.createDataFrame(frame)
    outcome = {}

    def run():
        try:
            cs.collect(cs.score(spark, applications, str(MODEL), warm_up=False))
        except Exception as error:   # the test looks at what came out
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)
    if worker.is_alive():
        spark.sparkContext.cancelAllJobs()
        pytest.fail("a bad row hung the Spark job for 2 minutes")
    error = outcome.get("error")
    assert isinstance(error, cs.SparkScoringError), repr(error)
    message = str(error)
    bad_id = int(frame.loc[7, "SK_ID_CURR"])   # the file's row, named by its id: the model's row counts per batch
    assert message.startswith(f"A row (SK_ID_CURR {bad_id}), field AMT_CREDIT: Credit amount must be between"), \
        message
    assert "Traceback" not in message and "at org.apache" not in message and len(message) < 600, message

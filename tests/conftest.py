"""Shared fixtures: where the real Home Credit rows live (outside the project), tidy test runs, and the servers and
browser the end-to-end tests share (started by the `harness` package, which the benchmarks use too)."""
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness import REPO

SHARED_DATA = Path(os.environ.get("CREDIT_REAL_DATA", REPO.parent / "shared" / "data"))

# Jupyter, IPython, matplotlib and MLflow write under $HOME unless told otherwise.
_scratch = Path(tempfile.mkdtemp(prefix="cw-tests-"))
for var, sub in [("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")]:
    os.environ.setdefault(var, str(_scratch / sub))
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")


def _real(folder: str) -> Path:
    path = SHARED_DATA / folder
    if not (path / "application_train.csv").exists():
        pytest.skip(f"real Home Credit rows not found at {path}")
    return path


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """First rows of every original Kaggle table (one table each; they rarely share clients)."""
    return _real("homecredit-real")


@pytest.fixture(scope="session")
def real_joined_dir() -> Path:
    """5,000 real clients with their whole history (no installments_payments)."""
    return _real("homecredit-real-joined")


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """A small synthetic portfolio (all eight tables and truth.csv), written as the CLI writes it."""
    from credit_widgets.data import synth

    folder = tmp_path_factory.mktemp("synth")
    # the shorter histories of the bundled data: the model tests' expectations were set on them (with real volumes
    # some refused clients have no lever that lowers their risk); tests/system/test_synth_volumes.py covers real volumes
    tables, truth = synth.generate(3000, seed=11, history="bundled")
    synth.write(tables, truth, folder)
    return folder


@pytest.fixture(scope="session")
def trained(tmp_path_factory, synth_dir):
    """A model trained on `synth_dir` through the real entry point, tracked in a throw-away MLflow store."""
    from credit_widgets.lifecycle import train

    root = tmp_path_factory.mktemp("trained")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    result = train.train(synth_dir, root / "model", folds=3, nthread=1, tracking_uri=uri, quiet=True)
    return {"result": result, "model_dir": root / "model", "tracking_uri": uri, "data_dir": synth_dir}


@pytest.fixture(scope="session")
def credit_model(trained):
    """The decision core over the small trained model and its synthetic client base."""
    from credit_widgets import CreditModel

    return CreditModel.load(trained["model_dir"], trained["data_dir"])


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, one for the whole session: sync Playwright can run only once per thread, so
    every browser test (page, Binder launch) shares this one fixture."""
    from playwright.sync_api import sync_playwright

    from harness.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """A real Voilà server on a free loopback port, configured as `make app` configures it; stopped afterwards.
    Test decisions go to a throw-away audit log, not the repository's."""
    from harness.voila import voila_server

    with voila_server(tmp_path_factory.mktemp("voila")) as server:
        yield SimpleNamespace(**server)


@pytest.fixture(scope="session")
def client_id() -> str:
    """A client of the bundled base."""
    from harness.browser import first_client_id

    return first_client_id()

"""The generator's history volumes: real rows per client by default, the committed data/ reproducible exactly."""
import shlex

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from credit_widgets.data import synth
from credit_widgets.data.tables import load_tables

HISTORY = synth.HISTORY_TABLES
# Row totals of the Kaggle tables (issue 18), which cover the 307,511 training and 48,744 test clients together:
# the same clients `--clients 307511` generates.
KAGGLE_ROWS = {"bureau": 1.72e6, "bureau_balance": 27.3e6, "previous_application": 1.67e6,
               "POS_CASH_balance": 10.0e6, "installments_payments": 13.6e6, "credit_card_balance": 3.8e6}
KAGGLE_CLIENTS = 307_511 + 48_744


@pytest.fixture(scope="module")
def real_volumes():
    tables, truth = synth.generate(12_000, seed=31)
    return synth.rows_per_client(tables, truth["SK_ID_CURR"])


def test_real_history_matches_the_real_clients_per_client_counts(real_volumes, real_joined_dir):
    real = load_tables(real_joined_dir)
    measured = synth.rows_per_client(real, real["application_train"]["SK_ID_CURR"])
    assert set(measured) == set(HISTORY) - {"installments_payments"}  # the joined folder lacks it
    for name, counts in measured.items():
        made = real_volumes[name]
        assert made.mean() == pytest.approx(counts.mean(), rel=0.10), name
        assert (made == 0).mean() == pytest.approx((counts == 0).mean(), abs=0.03), name
        for q in (0.9, 0.99):  # the tail: a few clients hold many rows
            assert made.quantile(q) == pytest.approx(counts.quantile(q), rel=0.20), (name, q)


def test_real_history_reaches_the_kaggle_totals(real_volumes):
    # bureau_balance is left to the test above: the 5,000 real clients have 48 monthly statuses each where the
    # Kaggle total gives 77, part of which belongs to credits absent from bureau (they join to no client).
    for name in set(HISTORY) - {"bureau_balance"}:
        assert real_volumes[name].mean() == pytest.approx(KAGGLE_ROWS[name] / KAGGLE_CLIENTS, rel=0.10), name
    # almost every client has instalments (a repeater), as in the real table
    assert (real_volumes["installments_payments"] == 0).mean() < 0.08


def test_bundled_history_is_the_shorter_one_with_the_same_applications():
    real, real_truth = synth.generate(2000, seed=8)
    short, short_truth = synth.generate(2000, seed=8, history="bundled")
    pd.testing.assert_frame_equal(real["application_test"], short["application_test"])
    for name in HISTORY:
        assert len(short[name]) < len(real[name]), name
    with pytest.raises(ValueError):
        synth.generate(2000, history="half")


def test_documented_command_regenerates_the_committed_data_exactly(tmp_path):
    """data/README.md's command gives the committed files back, frame for frame (the models were trained on them)."""
    lines = (REPO / "data" / "README.md").read_text().splitlines()
    line = next(x for x in lines if "-m credit_widgets.data.synth" in x)
    args = shlex.split(line)
    args = args[args.index("credit_widgets.data.synth") + 1:]
    args[args.index("--out") + 1] = str(tmp_path)
    assert synth.main(args) == 0
    for path in sorted((REPO / "data").glob("*.parquet")):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / path.name), pd.read_parquet(path), obj=path.name)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "truth.csv"), pd.read_csv(REPO / "data" / "truth.csv"))
    assert np.array_equal(sorted(p.name for p in tmp_path.iterdir()),
                          sorted(p.name for p in (REPO / "data").iterdir() if p.name != "README.md"))

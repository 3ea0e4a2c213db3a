"""A deterministic generator of a Home-Credit-shaped portfolio, with a known true default probability.

Every client has a hidden creditworthiness. It drives what the tables show (external scores, income, past late
payments, refusals...), but the true default probability is a fixed function of *observable* quantities only
(the application row and summaries of the history tables). A model that reads the same tables can therefore, with
enough data, reach the AUC of the truth itself: that gap is what the synthetic benchmark measures.

Each client gets as many history rows as real clients have (`--history real`, the default); `--history bundled`
gives the shorter histories (about half) the committed data/ was generated with:

    python -m credit_widgets.data.synth --clients 307511 --seed 7 --out /tmp/bank/      # a real bank's volumes
    python -m credit_widgets.data.synth --clients 20000 --seed 42 --history bundled --out data/   # the committed data/
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import (
    NO_DATE,  # noqa: F401  (the generator's users read the code from here)
    TABLES,
)
from .synth_applications import _applications, _sigmoid
from .synth_history import HISTORIES, _bureau, _instalments, _previous

TARGET_DEFAULT_RATE = 0.08
TEST_SHARE = 48_744 / 307_511  # the real test/train ratio
FIRST_ID = 100_002


def _frame(table: str, columns: dict[str, np.ndarray], n: int) -> pd.DataFrame:
    """Order the columns as the real file does; columns not simulated are left empty as in sparse real files."""
    schema = TABLES[table]
    data = {}
    for name, kind in schema.columns.items():
        if name in columns:
            data[name] = columns[name]
        elif kind == "category":
            data[name] = np.full(n, np.nan, dtype=object)
        else:
            data[name] = np.full(n, np.nan)
    frame = pd.DataFrame(data)
    for name, kind in schema.columns.items():
        if kind == "id":
            frame[name] = frame[name].astype("int64")
    return frame


def _true_logit(app: dict, hidden: dict, s: dict) -> np.ndarray:
    """The true default log-odds, a function of observable quantities only (intercept set later)."""
    ext = np.vstack([app["EXT_SOURCE_1"], app["EXT_SOURCE_2"], app["EXT_SOURCE_3"]]).astype(float)
    known = ~np.isnan(ext)
    ext_mean = np.where(known.any(axis=0), np.nansum(ext, axis=0) / np.maximum(known.sum(axis=0), 1), 0.5)
    annuity_share = np.nan_to_num(hidden["annuity"] / hidden["income"], nan=0.18)
    logit = (
        -4.2 * (ext_mean - 0.5)
        + 3.0 * np.clip(annuity_share - 0.18, -0.15, 0.4)
        - 0.022 * (hidden["age"] - 44)
        - 0.04 * np.minimum(hidden["years_employed"], 15)
        - 0.3 * hidden["higher"]
        + 0.2 * hidden["male"]
        + 0.3 * (hidden["region_rating"] - 2)
        + 3.0 * s["bureau_late_share"]
        + 0.6 * s["bureau_overdue"] + 0.9 * s["bureau_bad_debt"]
        + 0.08 * np.minimum(s["bureau_active"], 6)
        + 1.0 * s["prev_refused_share"]
        + 3.0 * s["inst_late_share"]
        + 0.8 * np.nan_to_num(s["card_usage"] - 0.4, nan=0.0)
    )
    return logit


def _calibrate_intercept(logit: np.ndarray, rate: float) -> float:
    lo, hi = -15.0, 15.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(logit + mid).mean() > rate:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def generate(clients: int, seed: int = 0, test_clients: int | None = None,
             default_rate: float = TARGET_DEFAULT_RATE,
             history: str = "real") -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Return ({table name: frame}, truth) for `clients` training clients plus `test_clients` without TARGET.

    `history="real"` gives each client as many history rows as real clients have; "bundled" the shorter histories
    the committed data/ and models/ were made with (same applications, about half the history rows)."""
    if clients < 10:
        raise ValueError("clients must be at least 10")
    if history not in HISTORIES:
        raise ValueError(f"history must be one of {HISTORIES}")
    if test_clients is None:
        test_clients = int(round(clients * TEST_SHARE))
    rng = np.random.default_rng(seed)
    n = clients + test_clients
    ids = FIRST_ID + np.cumsum(rng.integers(1, 3, n)) - 1
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, test_clients, replace=False)] = True
    z = rng.standard_normal(n)

    app, hidden = _applications(rng, ids, z)
    # Each history table becomes its frame as soon as it is drawn and its columns are let go: holding every table's
    # columns until the end doubled the peak memory at a real bank's volumes. Framing draws nothing at random.
    frames = {}
    bureau, n_bureau, bureau_balance, n_bb, s_bureau = _bureau(rng, ids, z, next_id=5_000_000, history=history)
    frames["bureau"] = _frame("bureau", bureau, n_bureau)
    frames["bureau_balance"] = _frame("bureau_balance", bureau_balance, n_bb)
    del bureau, bureau_balance
    prev, n_prev, prev_info, s_prev = _previous(rng, ids, z, hidden, next_id=1_000_000, history=history)
    prev_ids = prev["SK_ID_PREV"]
    frames["previous_application"] = _frame("previous_application", prev, n_prev)
    del prev
    inst, pos, card, s_inst = _instalments(rng, ids, z, prev_ids, prev_info, n, history=history)
    del prev_info
    for name, columns in (("POS_CASH_balance", pos), ("installments_payments", inst), ("credit_card_balance", card)):
        frames[name] = _frame(name, columns, len(columns["SK_ID_PREV"]))
        columns.clear()
    del inst, pos, card

    logit = _true_logit(app, hidden, {**s_bureau, **s_prev, **s_inst})
    probability = _sigmoid(logit + _calibrate_intercept(logit[~is_test], default_rate))
    target = (rng.random(n) < probability).astype(float)

    application = _frame("application_train", {**app, "TARGET": target}, n)
    tables = {
        "application_train": application[~is_test].reset_index(drop=True),
        "application_test": application[is_test].drop(columns="TARGET").reset_index(drop=True),
        **{name: frames.pop(name) for name in HISTORY_TABLES},
    }
    truth = pd.DataFrame({"SK_ID_CURR": ids, "TRUE_PROBABILITY": probability, "IN_TEST": is_test.astype(int)})
    return tables, truth


HISTORY_TABLES = tuple(name for name in TABLES if not name.startswith("application"))


def rows_per_client(tables: dict[str, pd.DataFrame], client_ids) -> dict[str, pd.Series]:
    """Each history table's row count per client, zeros included (bureau_balance reaches clients through bureau):
    what the generator's volumes are compared on with real clients'."""
    owners = tables["bureau"].set_index("SK_ID_BUREAU")["SK_ID_CURR"] if "bureau" in tables else pd.Series()
    counts = {}
    for name in HISTORY_TABLES:
        if name not in tables:
            continue
        frame = tables[name]
        key = frame["SK_ID_BUREAU"].map(owners) if name == "bureau_balance" else frame["SK_ID_CURR"]
        counts[name] = key.value_counts().reindex(client_ids, fill_value=0)
    return counts


def write(tables: dict[str, pd.DataFrame], truth: pd.DataFrame, out: Path, fmt: str = "parquet") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        if fmt == "parquet":
            path = out / f"{name}.parquet"
            frame.to_parquet(path, index=False, compression="zstd", compression_level=12)
        else:
            path = out / f"{name}.{fmt}"
            frame.to_csv(path, index=False, compression="gzip" if fmt == "csv.gz" else None)
        written.append(path)
    truth_path = out / "truth.csv"
    truth.to_csv(truth_path, index=False, float_format="%.6f")
    written.append(truth_path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_widgets.data.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000, help="training clients (with TARGET)")
    parser.add_argument("--test-clients", type=int, default=None,
                        help="clients without TARGET (default: the real test/train ratio)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=["parquet", "csv", "csv.gz"], default="parquet")
    parser.add_argument("--history", choices=HISTORIES, default="real",
                        help="real: as many history rows per client as the real tables; bundled: the shorter "
                             "histories of the committed data/ (about half the rows)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"generating {args.clients:,} clients (seed {args.seed})...", file=sys.stderr, flush=True)
    tables, truth = generate(args.clients, args.seed, args.test_clients, history=args.history)
    print(f"writing {args.format} files to {args.out}...", file=sys.stderr, flush=True)
    for path in write(tables, truth, args.out, args.format):
        print(f"  {path.name}", file=sys.stderr)
    rows = {name: len(frame) for name, frame in tables.items()}
    rate = tables["application_train"]["TARGET"].mean()
    print(f"done in {time.perf_counter() - started:.1f} s; default rate {rate:.2%}; rows {rows}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

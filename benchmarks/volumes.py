"""History rows per client: the generator (real and bundled histories) beside real clients and the Kaggle totals.

    .venv/bin/python -m benchmarks.volumes [--clients 20000] [--real ../shared/data/homecredit-real-joined]

For each history table: the share of clients with no row, the mean, the 50th, 90th and 99th percentiles and the
maximum of the rows per client, for the 5,000 real clients of the joined folder (every history row of theirs;
installments_payments is missing there), for `--clients` generated clients with `--history real` and `bundled`,
and the Kaggle table's rows divided by its 356,255 clients. Writes benchmarks/results/volumes.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from credit_widgets.data import synth
from credit_widgets.data.tables import load_tables

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# Row totals of the Kaggle tables as issue 18 gives them; they cover the 307,511 training and 48,744 test clients
KAGGLE_ROWS = {"bureau": 1.72e6, "bureau_balance": 27.3e6, "previous_application": 1.67e6,
               "POS_CASH_balance": 10.0e6, "installments_payments": 13.6e6, "credit_card_balance": 3.8e6}
KAGGLE_CLIENTS = 307_511 + 48_744


def describe(counts) -> dict:
    return {"none": round(float((counts == 0).mean()), 3), "mean": round(float(counts.mean()), 2),
            "p50": round(float(counts.quantile(0.5)), 1), "p90": round(float(counts.quantile(0.9)), 1),
            "p99": round(float(counts.quantile(0.99)), 1), "max": int(counts.max())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--real", type=Path, default=HERE.parents[1] / "shared" / "data" / "homecredit-real-joined")
    args = parser.parse_args(argv)
    report = {name: {"kaggle_rows_per_client": round(KAGGLE_ROWS[name] / KAGGLE_CLIENTS, 2)}
              for name in synth.HISTORY_TABLES}
    if (args.real / "application_train.csv").exists():
        real = load_tables(args.real)
        for name, counts in synth.rows_per_client(real, real["application_train"]["SK_ID_CURR"]).items():
            report[name]["real_joined_5000"] = describe(counts)
    for history in synth.HISTORIES:
        tables, truth = synth.generate(args.clients, seed=args.seed, history=history)
        for name, counts in synth.rows_per_client(tables, truth["SK_ID_CURR"]).items():
            report[name][f"generated_{history}"] = describe(counts)
            report[name][f"generated_{history}"]["rows_at_307511"] = round(counts.mean() * KAGGLE_CLIENTS)
    for name, figures in report.items():
        print(name, json.dumps(figures))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "volumes.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

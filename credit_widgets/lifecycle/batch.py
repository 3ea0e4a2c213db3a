"""Score every application in a folder with a trained model.

    python -m credit_widgets.lifecycle.batch --model models/ --data data/ --out scores.csv [--prospects]

Writes SK_ID_CURR, probability (of default), decision (favourable / unfavourable), threshold and model for every row
of application_train and application_test found in the folder. By default every row is a known client: the client
model scores the whole application row with the client's history. With `--prospects` every row is a new applicant:
the application model scores it from the columns the prospect form asks (the others are not read) at its own
threshold. Category levels the model never saw are treated as
missing, so any file of the Home Credit schema scores.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.tables import DataError, load_tables
from ..decision.rules import decide
from ..decision.validate import table_problems
from ..features.history import history_features
from ..model.artifacts import ScoringModel

CHUNK = 50_000  # applications per scoring step: bounds memory and paces the progress lines


def score_folder(model: ScoringModel, data_dir: Path, quiet: bool = True, prospects: bool = False) -> pd.DataFrame:
    tables = load_tables(data_dir)
    if prospects:
        model = ScoringModel.load_application(model.folder) or model
        tables = {k: v for k, v in tables.items() if k in ("application_train", "application_test")}
    history = {k: v for k, v in tables.items() if k not in ("application_train", "application_test")}
    apps = [tables[k] for k in ("application_train", "application_test") if k in tables]
    applications = pd.concat(apps, ignore_index=True) if len(apps) > 1 else apps[0]
    # History aggregates are per client: computing them once for everyone equals computing them per chunk.
    aggregates = history_features(history, tuple(model.builder.history_tables_))
    parts = []
    started = time.perf_counter()
    for start in range(0, len(applications), CHUNK):
        chunk = applications.iloc[start:start + CHUNK]
        features = model.builder.transform({"application_test": chunk}, history=aggregates)
        probability = model.predict_proba(features)
        parts.append(pd.DataFrame({"SK_ID_CURR": features.index.to_numpy(), "probability": probability}))
        if not quiet:
            done = min(start + CHUNK, len(applications))
            print(f"scored {done:,}/{len(applications):,} ({time.perf_counter() - started:.1f} s)",
                  file=sys.stderr, flush=True)
    scores = pd.concat(parts, ignore_index=True)
    scores["decision"] = decide(scores["probability"], model.threshold)
    scores["threshold"] = model.threshold
    scores["model"] = "application" if model.builder.columns_ is not None else "client"
    if prospects:
        # the one contract: a new applicant the page and the API would refuse gets no decision here either, and
        # the same message (rows of a file: the row is the line's SK_ID_CURR)
        asked = model.builder.columns_ or list(applications.columns)
        problems = table_problems(applications, [c for c in applications.columns if c in asked])
        refused = np.array([p is not None for p in problems], dtype=bool)
        scores.loc[refused, ["probability", "decision"]] = [np.nan, ""]
        scores["error"] = [f"field {p.field}: {p.message('en')}" if p is not None else "" for p in problems]
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_widgets.lifecycle.batch",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="MLflow model directory (default: models/)")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--prospects", action="store_true",
                        help="score every row as a new applicant, with the application model")
    args = parser.parse_args(argv)
    try:
        model = ScoringModel.load(args.model)
        scores = score_folder(model, args.data, quiet=False, prospects=args.prospects)
    except (DataError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scores.to_csv(args.out, index=False, float_format="%.6f")
    favourable = (scores["decision"] == "favourable").mean()
    print(f"wrote {len(scores):,} scores to {args.out} ({favourable:.1%} favourable, {scores['model'].iloc[0]} "
          f"model, threshold {scores['threshold'].iloc[0]:.4f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A synthetic month of activity in the audit log, so that the model-risk view has something to show.

    python -m credit_widgets.monitor.activity --out audit/demo.sqlite [--decisions 5000 --officers 6 --seed 0]

Applications are clients of the bundled data (the champion scores them exactly as the page does, reasons and flags
included), spread over four weeks; several officers follow or override the advice with a reason; a challenger scores
each in the shadow (`shadow.Shadow`, stored under inputs["shadow"] as the page stores it). From the middle of the
month incomes are lower and two external scores fall (`DRIFT`): the view must flag those inputs and no other.
Outcomes (SK_ID_CURR, TARGET) are written for the loans actually granted, as a bank's systems would export them.

Rows go in bulk through the audit log's own schema and hashing (audit.row_hash, chained from the table's last row
in one write transaction), so `AuditLog.verify()` holds; the decision times are the month's, not the clock's.
Decisions are drawn from a pool of scored applications (`--pool`), so 1,000,000 decisions cost little more than
the pool's scoring plus hashing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from ..audit import log as audit
from ..decision.rules import BORDERLINE_BAND
from .journal import MONITORED as LOGGED  # what the page logs of a client (its KEY_FACTS)
from .shadow import Shadow

# The drift of the month's second half: (column, factor, shift) applied as value * factor + shift, clipped to [0, 1]
# for scores. Every other input keeps its distribution.
DRIFT = {"AMT_INCOME_TOTAL": (0.7, 0.0), "EXT_SOURCE_2": (1.0, -0.15), "EXT_SOURCE_3": (1.0, -0.15)}
GRANT_REASONS = ["long-standing client", "guarantor provided", "collateral offered", "income documents checked"]
REFUSE_REASONS = ["income not verified", "recent job change", "existing debt not declared"]
START = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)   # a Monday: four whole weeks
DAYS = 28


def _drifted(inputs: dict) -> dict:
    changes = {}
    for column, (factor, shift) in DRIFT.items():
        value = inputs.get(column)
        if value is None:
            continue
        value = value * factor + shift
        changes[column] = float(np.clip(value, 0.0, 1.0)) if column.startswith("EXT_SOURCE") else round(value, 2)
    return changes


def demo_challenger(model, out: Path, exclude_ids=(), seed: int = 0, rounds: int = 150) -> Path:
    """A small challenger on the champion's features (shallower trees, another seed), trained on the client base's
    repaid/defaulted clients outside `exclude_ids`, threshold chosen at the business cost on a held-out third."""
    import json

    import xgboost as xgb

    from ..model.artifacts import BOOSTER_FILE, FEATURES_FILE, META_FILE, artifacts_dir
    from ..model.fitting import Costs, best_threshold

    population = model.population
    known = ~np.isnan(population.target) & ~np.isin(population.ids, np.asarray(list(exclude_ids), dtype=np.int64))
    rows = np.flatnonzero(known)
    rng = np.random.default_rng(seed)
    rng.shuffle(rows)
    fit_rows, hold_rows = rows[: len(rows) * 2 // 3], rows[len(rows) * 2 // 3:]
    names = model.scoring.feature_names
    params = {"objective": "binary:logistic", "eta": 0.08, "max_depth": 3, "subsample": 0.8, "nthread": 1,
              "seed": seed, "tree_method": "hist", "max_bin": 128}
    train = xgb.DMatrix(population.features[fit_rows], label=population.target[fit_rows], feature_names=names)
    booster = xgb.train(params, train, num_boost_round=rounds)
    held = booster.inplace_predict(population.features[hold_rows], validate_features=False)
    threshold, _ = best_threshold(population.target[hold_rows], held, Costs())
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    booster.save_model(str(out / BOOSTER_FILE))
    shutil.copy(artifacts_dir(model.model_dir) / FEATURES_FILE, out / FEATURES_FILE)
    (out / META_FILE).write_text(json.dumps({"version": f"challenger-demo-{seed}", "threshold": threshold,
                                             "borderline_band": BORDERLINE_BAND, "params": params, "n_rounds": rounds}))
    return out


def _pool(model, shadow: Shadow, ids: np.ndarray):
    """The clients `ids` scored as they are and with the drift: (target, before, after), before/after being lists
    of (inputs JSON, reasons JSON, probability, decision, model version, artefact hash, threshold)."""
    population = model.population
    rows = [population.row(int(i)) for i in ids]
    base = model.read_rows([{"SK_ID_CURR": int(i)} for i in ids])
    shifted = model.read_rows([{"SK_ID_CURR": a.client_id, **_drifted(a.inputs)} for a in base])
    scored = []
    for applicants in (base, shifted):
        texts = []
        for d in model.decide_all(applicants):
            inputs = {"SK_ID_CURR": d.client_id, **{k: d.inputs.get(k) for k in LOGGED},
                      "flags": {"borderline": d.borderline, "rare_profile": d.rare_profile, "thin_file": d.thin_file},
                      **shadow.fields(d)}
            texts.append((audit.canonical(inputs), audit.canonical([r.text("en") for r in d.reasons]),
                          d.probability, "favourable" if d.favourable else "unfavourable", d.model_version,
                          d.artifact_hash, d.threshold))
        scored.append(texts)
    return population.target[rows], scored[0], scored[1]


def _append_bulk(path: Path, table: str, cols: tuple, rows) -> None:
    """Chain `rows` onto `table` with the audit log's own hashing, in one write transaction."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        conn.execute("BEGIN IMMEDIATE")
        prev = conn.execute(f"SELECT row_hash FROM {table} ORDER BY rowid DESC LIMIT 1").fetchone()
        prev = prev[0] if prev else audit.GENESIS
        marks = ", ".join("?" * (len(cols) + 2))
        sql = f"INSERT INTO {table} ({', '.join(cols)}, prev_hash, row_hash) VALUES ({marks})"
        batch = []
        for values in rows:
            row_hash = audit.row_hash(prev, cols, values)
            batch.append((*values, prev, row_hash))
            prev = row_hash
            if len(batch) >= 20000:
                conn.executemany(sql, batch)
                batch = []
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
    finally:
        conn.close()


def generate(out: Path, decisions: int = 5000, officers: int = 6, seed: int = 0, pool: int = 1500, model=None,
             challenger: Path | str | None = None, outcomes: Path | None = None, quiet: bool = True) -> dict:
    """Write the month into the audit log `out` (created if needed) and the outcomes CSV beside it."""
    from ..scoring.service import CreditModel

    out = Path(out)
    outcomes = Path(outcomes) if outcomes else out.with_name(out.stem + "-outcomes.csv")
    model = model or CreditModel.load()
    rng = np.random.default_rng(seed)
    ids_all = model.population.ids[~np.isnan(model.population.target)]
    ids = rng.choice(ids_all, size=min(pool, len(ids_all)), replace=False).astype(np.int64)
    if challenger is None:
        challenger = demo_challenger(model, out.with_name(out.stem + "-challenger"), exclude_ids=ids, seed=seed)
    shadow = Shadow.load(challenger, model.scoring.feature_names)
    if not quiet:
        print(f"scoring a pool of {len(ids)} applications, challenger {shadow.version}", file=sys.stderr)
    target, before, after = _pool(model, shadow, ids)

    seconds = np.sort(rng.uniform(0, DAYS * 86400, decisions))
    second_half = seconds >= DAYS * 86400 / 2
    which = rng.integers(0, len(ids), decisions)
    officer_of = rng.integers(0, officers, decisions)
    # officers differ in how often they override: the first overrides most, the last hardly ever
    propensity = np.linspace(0.25, 0.02, officers)[officer_of]
    probability = np.array([(after if late else before)[k][2] for k, late in zip(which, second_half)])
    threshold = before[0][6]
    borderline = np.abs(probability - threshold) < 0.02
    overrides = rng.random(decisions) < propensity * np.where(borderline, 2.0, 1.0)
    recorded = rng.random(decisions) < 0.95   # some meetings end without an outcome recorded
    draw = random.Random(seed)

    def decision_rows():
        for i in range(decisions):
            row = (after if second_half[i] else before)[which[i]]
            when = (START + dt.timedelta(seconds=float(seconds[i]))).isoformat(timespec="microseconds")
            yield (uuid.UUID(int=draw.getrandbits(128)).hex, when, int(ids[which[i]]), None, row[0], row[4], row[5],
                   row[2], row[6], row[3], row[1], f"officer-{officer_of[i] + 1}", "fr" if i % 3 else "en")

    rows = list(decision_rows())
    log = audit.AuditLog(out)
    log.decisions(limit=1)          # the real AuditLog creates (or checks) the schema and WAL mode
    log.close()
    _append_bulk(log.path, "decisions", audit.DECISION_COLS, rows)

    def outcome_rows():
        for i in np.flatnonzero(recorded):
            favourable = rows[i][9] == "favourable"
            if overrides[i]:
                reason = draw.choice(REFUSE_REASONS if favourable else GRANT_REASONS)
                action = "overrides"
            else:
                reason, action = "", "follows"
            when = (dt.datetime.fromisoformat(rows[i][1]) + dt.timedelta(minutes=20)).isoformat(timespec="microseconds")
            yield (rows[i][0], when, action, reason, rows[i][11])

    _append_bulk(log.path, "outcomes", audit.OUTCOME_COLS, outcome_rows())
    granted = np.array([(r[9] == "favourable") != bool(o) for r, o in zip(rows, overrides)]) & recorded
    loans = pd.DataFrame({"SK_ID_CURR": ids[which[granted]], "TARGET": target[which[granted]].astype(int)})
    loans.drop_duplicates("SK_ID_CURR").sort_values("SK_ID_CURR").to_csv(outcomes, index=False)
    return {"log": log.path, "outcomes": outcomes, "challenger": str(challenger), "decisions": decisions,
            "granted": int(granted.sum()), "drift_from": (START + dt.timedelta(days=DAYS / 2)).isoformat()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("audit/demo.sqlite"))
    parser.add_argument("--decisions", type=int, default=5000)
    parser.add_argument("--officers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pool", type=int, default=1500, help="distinct scored applications drawn from")
    parser.add_argument("--challenger", help="model dir or models:/NAME@challenger (default: a demo one)")
    parser.add_argument("--outcomes", type=Path, help="outcomes CSV (default: <out>-outcomes.csv)")
    parser.add_argument("--replace", action="store_true", help="start from an empty log")
    args = parser.parse_args(argv)
    if args.replace:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.out) + suffix).unlink(missing_ok=True)
    result = generate(args.out, args.decisions, args.officers, args.seed, args.pool, challenger=args.challenger,
                      outcomes=args.outcomes, quiet=False)
    print(f"{result['decisions']:,} decisions in {result['log']}, {result['granted']:,} loans granted, outcomes in "
          f"{result['outcomes']}; drift from {result['drift_from']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

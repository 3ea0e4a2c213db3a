"""Model quality benchmarks (figures for the issue notes).

    .venv/bin/python -m benchmarks.quality [--real ../shared/data] [--repeats 2] [--synthetic 20000]

1. Real rows (homecredit-real/application_train.csv, 6,999 clients, application table only): repeated stratified
   5-fold; in every fold each model is trained on 4/5 and scored on the 1/5 it has never seen.
   - floor:  logistic regression on EXT_SOURCE_1-3 alone (median-imputed, missing flags);
   - anchor: a plain regularised XGBoost on the raw columns plus five ratios (credit/income, annuity/income,
             credit/annuity, employed/age, income per person), categories label-encoded, early-stopped;
   - ours:   credit_widgets.lifecycle.train.fit (its own inner CV chooses the number of trees).
2. Real history (homecredit-real-joined, 5,000 clients): cross-validated AUC with and without the history tables.
3. Synthetic: train on N generated clients, score N fresh ones (another seed); AUC against the AUC of the true
   probabilities on those fresh clients (the best any model can do).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

from credit_widgets.data import synth
from credit_widgets.data.schema import TABLES
from credit_widgets.data.tables import load_tables
from credit_widgets.lifecycle.train import fit

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
EXT = ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]


def floor_model(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    def design(frame, medians):
        x = frame[EXT].astype(float)
        return np.hstack([x.fillna(medians).to_numpy(), x.isna().to_numpy(dtype=float)])

    medians = train[EXT].astype(float).median()
    lr = LogisticRegression(max_iter=1000).fit(design(train, medians), train["TARGET"])
    return lr.predict_proba(design(test, medians))[:, 1]


def anchor_design(frame: pd.DataFrame, levels: dict[str, list]) -> pd.DataFrame:
    out = {}
    for name, kind in TABLES["application_train"].columns.items():
        if name in ("SK_ID_CURR", "TARGET"):
            continue
        if kind == "category":
            out[name] = frame[name].map({v: i for i, v in enumerate(levels[name])}).astype(float)
        else:
            out[name] = frame[name].astype(float)
    x = pd.DataFrame(out, index=frame.index)
    x["CREDIT_INCOME"] = x["AMT_CREDIT"] / x["AMT_INCOME_TOTAL"]
    x["ANNUITY_INCOME"] = x["AMT_ANNUITY"] / x["AMT_INCOME_TOTAL"]
    x["CREDIT_TERM"] = x["AMT_CREDIT"] / x["AMT_ANNUITY"]
    x["EMPLOYED_AGE"] = x["DAYS_EMPLOYED"] / x["DAYS_BIRTH"]
    x["INCOME_PER_PERSON"] = x["AMT_INCOME_TOTAL"] / x["CNT_FAM_MEMBERS"]
    return x.replace([np.inf, -np.inf], np.nan)


def anchor_model(train: pd.DataFrame, test: pd.DataFrame, seed: int) -> np.ndarray:
    import xgboost as xgb

    levels = {c: sorted(train[c].dropna().unique()) for c, k in TABLES["application_train"].columns.items()
              if k == "category"}
    fit_part, stop_part = train_test_split(train, test_size=0.2, stratify=train["TARGET"], random_state=seed)
    model = xgb.XGBClassifier(n_estimators=2000, learning_rate=0.05, max_depth=6, subsample=0.8,
                              colsample_bytree=0.8, reg_lambda=1.0, min_child_weight=1, tree_method="hist",
                              eval_metric="auc", early_stopping_rounds=100, n_jobs=1, random_state=seed)
    model.fit(anchor_design(fit_part, levels), fit_part["TARGET"],
              eval_set=[(anchor_design(stop_part, levels), stop_part["TARGET"])], verbose=False)
    return model.predict_proba(anchor_design(test, levels))[:, 1]


def ours(train: pd.DataFrame, test: pd.DataFrame, seed: int, nthread: int) -> np.ndarray:
    result = fit({"application_train": train}, folds=5, nthread=nthread, seed=seed, quiet=True, history_tables=())
    features = result.builder.transform({"application_train": test})
    return result.booster.inplace_predict(features.to_numpy(np.float32))


def real_rows(real: Path, repeats: int, nthread: int) -> dict:
    app = load_tables(real / "homecredit-real", tables=["application_train"])["application_train"]
    y = app["TARGET"].to_numpy()
    scores = {"floor": [], "anchor": [], "ours": []}
    briers = {"floor": [], "anchor": [], "ours": []}
    splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
    for k, (tr, te) in enumerate(splitter.split(app, y)):
        train, test = app.iloc[tr].reset_index(drop=True), app.iloc[te].reset_index(drop=True)
        predictions = {"floor": floor_model(train, test), "anchor": anchor_model(train, test, k),
                       "ours": ours(train, test, k, nthread)}
        for name, p in predictions.items():
            scores[name].append(roc_auc_score(test["TARGET"], p))
            briers[name].append(brier_score_loss(test["TARGET"], p))
        print(f"  outer fold {k + 1}: " + ", ".join(f"{n} {scores[n][-1]:.4f}" for n in scores), flush=True)
    gain = np.array(scores["ours"]) - np.array(scores["anchor"])
    return {
        "clients": len(app), "outer_folds": len(scores["ours"]),
        **{f"{n}_auc_mean": float(np.mean(v)) for n, v in scores.items()},
        **{f"{n}_auc_std": float(np.std(v)) for n, v in scores.items()},
        **{f"{n}_brier_mean": float(np.mean(v)) for n, v in briers.items()},
        "ours_minus_anchor_mean": float(gain.mean()),
        "ours_minus_anchor_se": float(gain.std(ddof=1) / np.sqrt(len(gain))),
        "folds_ours_beats_anchor": int((gain > 0).sum()),
    }


def real_history(real: Path, nthread: int) -> dict:
    tables = load_tables(real / "homecredit-real-joined")
    out = {"clients": len(tables["application_train"])}
    for label, history in (("without_history", ()), ("with_history", None)):
        aucs = []
        for seed in range(3):
            kwargs = {"history_tables": history} if history is not None else {}
            result = fit(tables, folds=5, nthread=nthread, seed=seed, quiet=True, **kwargs)
            aucs.append(result.metrics["cv_auc"])
        out[f"{label}_cv_auc_mean"] = float(np.mean(aucs))
        out[f"{label}_cv_auc_std"] = float(np.std(aucs))
        print(f"  {label}: CV AUC {np.mean(aucs):.4f} ± {np.std(aucs):.4f} (3 seeds)", flush=True)
    return out


def synthetic(clients: int, nthread: int) -> dict:
    train_tables, _ = synth.generate(clients, seed=101, test_clients=0)
    fresh, truth = synth.generate(clients, seed=202, test_clients=0)
    result = fit(train_tables, folds=5, nthread=nthread, quiet=True)
    features = result.builder.transform(fresh)
    p = result.booster.inplace_predict(features.to_numpy(np.float32))
    app = fresh["application_train"].set_index("SK_ID_CURR").loc[features.index]
    true_p = truth.set_index("SK_ID_CURR").loc[features.index, "TRUE_PROBABILITY"]
    out = {"clients": clients, "model_auc": float(roc_auc_score(app["TARGET"], p)),
           "truth_auc": float(roc_auc_score(app["TARGET"], true_p)),
           "model_brier": float(brier_score_loss(app["TARGET"], p)),
           "truth_brier": float(brier_score_loss(app["TARGET"], true_p)),
           "cv_auc_on_train": result.metrics["cv_auc"]}
    out["gap"] = out["truth_auc"] - out["model_auc"]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--synthetic", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", choices=["real", "history", "synthetic"], default=None)
    args = parser.parse_args(argv)
    report = {}
    started = time.perf_counter()
    if args.only in (None, "real") and (args.real / "homecredit-real").exists():
        print("real rows: floor / anchor / ours on held-out folds", flush=True)
        report["real_rows"] = real_rows(args.real, args.repeats, args.threads)
    if args.only in (None, "history") and (args.real / "homecredit-real-joined").exists():
        print("real history: with and without history tables", flush=True)
        report["real_history"] = real_history(args.real, args.threads)
    if args.only in (None, "synthetic"):
        print(f"synthetic: {args.synthetic:,} clients, fresh held-out set", flush=True)
        report["synthetic"] = synthetic(args.synthetic, args.threads)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = f"quality{'-' + args.only if args.only else ''}.json"
    (RESULTS / name).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

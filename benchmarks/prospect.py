"""The prospect path on real rows: is a new applicant's answer as right as a known client's?

    .venv/bin/python -m benchmarks.prospect [--real ../shared/data] [--repeats 3] [--joined-repeats 2]
    .venv/bin/python -m benchmarks.prospect --variants      # training variants compared on the same held-out halves

Repeated stratified 50/50 splits. On one half the project's own training (`train.fit_pair`: client model and
application model, every choice inside its folds) is run; the other half, never seen, is scored
  (a) as known clients, from the whole row (and history where there is one): the client model;
  (b) as prospects, through the API's prospect path (`CreditModel.read_rows` + `probabilities`, as `score_prospect`)
      with exactly the fields the form asks: the application model;
  (c) as prospects the way it was done before the application model: the client model on the form's fields, every
      other column missing (the defect of issue 16).
Per path: mean predicted vs observed default rate, AUC, Brier, refusal rate and cost per application at the path's
own threshold. Known clients are compared with two anchors on the same halves: a plain regularised XGBoost on the raw
application columns plus five ratios, and a logistic regression on EXT_SOURCE_1-3 (benchmarks.quality). Also: the AUC
cost of leaving sex out (client model trained with CODE_GENDER allowed), and what the fields added to the form bring
(application model on the form of before, without sex).
Data: homecredit-real/application_train.csv (6,999 clients, no history) and homecredit-real-joined (5,000 clients with
their history).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit

from benchmarks.quality import anchor_model, floor_model
from credit_widgets.data.schema import PROSPECT_COLUMNS
from credit_widgets.data.tables import load_tables
from credit_widgets.features import builder as features_module
from credit_widgets.lifecycle.train import APPLICATION_OPTIONS, CLIENT_OPTIONS, Costs, fit, fit_pair
from credit_widgets.model.artifacts import ScoringModel
from credit_widgets.scoring.service import CreditModel

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# the form before issue 16, without sex: what the added fields are measured against
FORM_BEFORE = ("DAYS_BIRTH", "NAME_EDUCATION_TYPE", "AMT_INCOME_TOTAL", "NAME_INCOME_TYPE", "OCCUPATION_TYPE",
               "ORGANIZATION_TYPE", "DAYS_EMPLOYED", "NAME_CONTRACT_TYPE", "AMT_CREDIT", "AMT_ANNUITY",
               "AMT_GOODS_PRICE", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS", "NAME_HOUSING_TYPE",
               "FLAG_OWN_REALTY", "FLAG_OWN_CAR", "OWN_CAR_AGE", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")


def _scoring(result) -> ScoringModel:
    return ScoringModel(result.booster, result.builder, result.meta)


def _form_rows(app: pd.DataFrame, columns) -> list[dict]:
    frame = app[list(columns)].astype(object)
    return frame.where(frame.notna(), None).to_dict(orient="records")


def _measures(y: np.ndarray, p: np.ndarray, threshold: float, costs: Costs) -> dict:
    return {"mean_predicted": float(p.mean()), "observed": float(y.mean()),
            "calibration_ratio": float(p.mean() / y.mean()), "auc": float(roc_auc_score(y, p)),
            "brier": float(brier_score_loss(y, p)), "threshold": float(threshold),
            "refusal_rate": float(np.mean(p >= threshold)),
            "cost_per_application": costs.per_application(y, p, threshold)}


def one_split(tables: dict, train_ids: np.ndarray, test_ids: np.ndarray, seed: int, extras: bool) -> dict:
    costs = Costs()
    app = tables["application_train"]
    seen = {k: v for k, v in tables.items()}
    seen["application_train"] = app.iloc[train_ids].reset_index(drop=True)
    unseen = app.iloc[test_ids].reset_index(drop=True)
    y = unseen["TARGET"].to_numpy(float)
    pair = fit_pair(seen, folds=5, nthread=1, seed=seed, quiet=True)
    client, application = _scoring(pair), _scoring(pair.application)
    history = {k: v for k, v in tables.items() if k in pair.builder.history_tables_}
    whole = client.builder.transform({"application_test": unseen.drop(columns="TARGET"), **history})
    p_client = client.predict_proba(whole)
    # (b) the API's prospect path: rows of exactly the asked fields, checked, routed to the application model
    core = CreditModel(client, None, Path("."), Path("."), application)
    asked = [f.name for f in core.prospect_fields()]
    applicants = core.read_rows([{k: v for k, v in row.items() if v is not None}
                                 for row in _form_rows(unseen, asked)])
    assert set(core.models_of(applicants)) == {"application"}
    p_prospect = core.probabilities(applicants)
    # (c) before: the client model with every unasked column missing and no history
    before = client.builder.transform({"application_test": unseen[["SK_ID_CURR", *asked]].assign(SK_ID_CURR=0)})
    p_before = client.predict_proba(before)
    out = {"known_client": _measures(y, p_client, client.threshold, costs),
           "prospect_application_model": _measures(y, p_prospect, application.threshold, costs),
           "prospect_client_model_before": _measures(y, p_before, client.threshold, costs)}
    out["prospect_auc_minus_whole_row"] = out["prospect_application_model"]["auc"] - out["known_client"]["auc"]
    if extras:
        train_app = seen["application_train"]
        anchor = anchor_model(train_app, unseen, seed)
        floor = floor_model(train_app, unseen)
        out["anchor_xgboost"] = {"auc": float(roc_auc_score(y, anchor)), "brier": float(brier_score_loss(y, anchor))}
        out["anchor_logistic_ext"] = {"auc": float(roc_auc_score(y, floor)), "brier": float(brier_score_loss(y, floor))}
        out["known_minus_anchor_auc"] = out["known_client"]["auc"] - out["anchor_xgboost"]["auc"]
        # sex allowed, for its AUC cost only: never shipped
        saved = features_module._NOT_FEATURES
        features_module._NOT_FEATURES = {"SK_ID_CURR", "TARGET"}
        try:
            with_sex = fit(seen, folds=5, nthread=1, seed=seed, quiet=True, **CLIENT_OPTIONS)
            assert "CODE_GENDER" in with_sex.builder.feature_names_
            p_sex = with_sex.booster.inplace_predict(with_sex.builder.transform(
                {"application_test": unseen.drop(columns="TARGET"), **history}).to_numpy(np.float32))
        finally:
            features_module._NOT_FEATURES = saved
        out["auc_with_sex"] = float(roc_auc_score(y, p_sex))
        out["auc_cost_of_leaving_sex_out"] = out["auc_with_sex"] - out["known_client"]["auc"]
        old_form = fit(seen, folds=5, nthread=1, seed=seed, quiet=True, columns=FORM_BEFORE, **APPLICATION_OPTIONS)
        p_old = old_form.booster.inplace_predict(old_form.builder.transform(
            {"application_test": unseen[["SK_ID_CURR", *FORM_BEFORE]]}).to_numpy(np.float32))
        out["prospect_auc_form_before"] = float(roc_auc_score(y, p_old))
        out["prospect_auc_gain_of_added_fields"] = (out["prospect_application_model"]["auc"]
                                                     - out["prospect_auc_form_before"])
    return out


def _summary(splits: list[dict]) -> dict:
    """Mean and std over splits of every figure."""
    def flat(d, prefix=""):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from flat(v, f"{prefix}{k}.")
            else:
                yield f"{prefix}{k}", v
    rows = pd.DataFrame([dict(flat(s)) for s in splits])
    return {k: {"mean": float(rows[k].mean()), "std": float(rows[k].std(ddof=0))} for k in rows.columns}


def run(folder: Path, repeats: int, extras: bool, label: str, wanted=None, split_seed: int = 1) -> dict:
    tables = load_tables(folder, tables=wanted)
    app = tables["application_train"]
    y = app["TARGET"].to_numpy()
    # other halves than those the training variants were chosen on (--variants uses random_state 0)
    splitter = StratifiedShuffleSplit(n_splits=repeats, test_size=0.5, random_state=split_seed)
    splits = []
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y)):
        t0 = time.perf_counter()
        splits.append(one_split(tables, tr, te, k, extras))
        s = splits[-1]
        print(f"  {label} split {k + 1}: known AUC {s['known_client']['auc']:.4f} "
              f"pred/obs {s['known_client']['calibration_ratio']:.3f} | prospect AUC "
              f"{s['prospect_application_model']['auc']:.4f} pred/obs "
              f"{s['prospect_application_model']['calibration_ratio']:.3f} | before pred/obs "
              f"{s['prospect_client_model_before']['calibration_ratio']:.3f} ({time.perf_counter() - t0:.0f} s)",
              flush=True)
    return {"clients": len(app), "tables": sorted(tables), "splits": splits, "summary": _summary(splits)}


VARIANTS = {
    "current": {},
    "monotone_ext_source": {"monotone": True},
    "no_building_block": {"drop_building": True},
    "more_regularised": {"params": {"max_depth": 3, "min_child_weight": 30, "colsample_bytree": 0.4,
                                    "reg_alpha": 1.0}},
    "monotone_no_building": {"monotone": True, "drop_building": True},
}


def variants(folder: Path, repeats: int) -> dict:
    """Each training variant, client and application model, trained on one half and scored on the other (the same
    halves for every variant): held-out AUC and Brier."""
    app = load_tables(folder, tables=["application_train"])["application_train"]
    y = app["TARGET"].to_numpy()
    rows = []
    splitter = StratifiedShuffleSplit(n_splits=repeats, test_size=0.5, random_state=0)
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y)):
        seen = {"application_train": app.iloc[tr].reset_index(drop=True)}
        unseen = app.iloc[te].reset_index(drop=True)
        for name, options in VARIANTS.items():
            for model, columns in (("client", None), ("application", PROSPECT_COLUMNS)):
                result = fit(seen, folds=5, nthread=1, seed=k, quiet=True, columns=columns, **options)
                p = result.booster.inplace_predict(result.builder.transform(
                    {"application_test": unseen.drop(columns="TARGET")}).to_numpy(np.float32))
                rows.append({"split": k, "variant": name, "model": model,
                             "auc": roc_auc_score(unseen["TARGET"], p),
                             "brier": brier_score_loss(unseen["TARGET"], p), "cv_auc": result.metrics["cv_auc"]})
                print(f"  split {k + 1} {name:22s} {model:11s} held-out AUC {rows[-1]['auc']:.4f} "
                      f"(its own CV {rows[-1]['cv_auc']:.4f})", flush=True)
    table = pd.DataFrame(rows)
    summary = table.groupby(["model", "variant"])[["auc", "brier", "cv_auc"]].agg(["mean", "std"])
    print(summary.round(4).to_string())
    gain = table.pivot_table(index=["split", "model"], columns="variant", values="auc")
    gain = gain.sub(gain["current"], axis=0).groupby(level="model").agg(["mean", "min"])
    return {"rows": rows, "gain_over_current": {f"{m}|{v}|{stat}": float(x) for (m), r in gain.iterrows()
                                                for (v, stat), x in r.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--joined-repeats", type=int, default=2)
    parser.add_argument("--variants", action="store_true", help="compare training variants instead")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.variants:
        report = variants(args.real / "homecredit-real", args.repeats)
        report["seconds"] = round(time.perf_counter() - started, 1)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "prospect-variants.json").write_text(json.dumps(report, indent=2))
        return 0
    report = {"prospect_columns": list(PROSPECT_COLUMNS)}
    if (args.real / "homecredit-real").exists():
        print("real application rows (no history): repeated 50/50 splits", flush=True)
        report["real_rows"] = run(args.real / "homecredit-real", args.repeats, True, "real",
                                  wanted=["application_train"])   # its other tables rarely share clients
    if (args.real / "homecredit-real-joined").exists() and args.joined_repeats:
        print("real clients with history: repeated 50/50 splits", flush=True)
        report["real_joined"] = run(args.real / "homecredit-real-joined", args.joined_repeats, False, "joined")
    report["seconds"] = round(time.perf_counter() - started, 1)
    for part in ("real_rows", "real_joined"):
        if part in report:
            print(part, json.dumps({k: round(v["mean"], 4) for k, v in report[part]["summary"].items()}, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "prospect.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

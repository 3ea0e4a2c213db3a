"""What the customer's letter cites on refusals: how often a bureau score or missing information, and whether its
codes are the codes of the officer's top reasons against.

    .venv/bin/python -m benchmarks.letters [--model models/ --data data/] [--prospects 2000]
    .venv/bin/python -m credit_widgets.lifecycle.train --data ../shared/data/homecredit-real-joined --out /tmp/real \
        --folds 3 --threads 1 --register-as ''          # a model trained on the 5,000 real clients
    .venv/bin/python -m benchmarks.letters --model /tmp/real --data ../shared/data/homecredit-real-joined

Every client of the base is decided as a known client (the client model, reasons as the officer sees them); a
sample of the same application rows is decided as prospects (the form's fields only, the application model). For
every refusal: the letter's codes, whether one of them is the bureau consultation (external scores) or insufficient
information (a missing value, no history), and whether the letter's codes are exactly the codes of the officer's
reasons against, in order. Runs on the code of before issue 25 too (`principal_reasons`, which cited neither and
skipped to lower-ranked inputs: `git archive` of that commit, this file copied in), which is how the "before"
figures of benchmarks/results/letters.json were taken.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

try:   # after issue 25: the letter's reasons are the officer's
    from credit_widgets.documents.reason_codes import (
        BUREAU_CODE,
        INSUFFICIENT_CODE,
        PROTECTED,
        group_members,
        letter_reasons,
        reason_code,
    )
    BEFORE = False
except ImportError:   # the code of before: the notice's own ranking
    from credit_widgets.reason_codes import PROTECTED, group_members
    from credit_widgets.reason_codes import principal_reasons as letter_reasons
    BUREAU_CODE, INSUFFICIENT_CODE, BEFORE = "R17", None, True
    reason_code = None
from credit_widgets import CreditModel

HERE = Path(__file__).resolve().parent


def _officer_codes(decision, members) -> list[str]:
    """The codes of the reasons against the officer sees, in order (after issue 25's mapping)."""
    if reason_code is None:
        return []
    codes = []
    for r in decision.reasons:
        if r.direction == "against":
            code = reason_code(r, decision, members)
            if code is not None and code.code not in codes:
                codes.append(code.code)
    return codes[:4]


def measure(decisions, members) -> dict:
    refusals = [d for d in decisions if not d.favourable]
    bureau = missing = either = agree = protected_top = empty = officer_either = 0
    for d in refusals:
        codes = [c.code for c in letter_reasons(d, members)]
        b, m = BUREAU_CODE in codes, INSUFFICIENT_CODE in codes
        bureau += b
        missing += m
        either += b or m
        empty += not codes
        if not BEFORE:
            agree += codes == _officer_codes(d, members)
        against = [r for r in d.reasons if r.direction == "against"]
        protected_top += any(r.input in PROTECTED for r in against)
        # what the officer reads, whatever the letter's code: a bureau score or a value not known among the top
        officer_either += any(r.input.startswith("EXT_SOURCE") or (r.value is None and not r.input.startswith("group:"))
                              for r in against)
    n = max(len(refusals), 1)
    out = {"decisions": len(decisions), "refusals": len(refusals), "cites_bureau": bureau / n,
           "cites_insufficient": missing / n, "cites_either": either / n, "no_reason": empty / n,
           "protected_among_officer_top": protected_top / n,
           "officer_top_has_bureau_or_missing": officer_either / n}
    if not BEFORE:
        out["letter_equals_officer_codes"] = agree / n
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=0, help="at most this many clients (0: all)")
    parser.add_argument("--prospects", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = CreditModel.load(args.model, args.data)
    members = group_members(model.scoring.feature_names)
    ids = model.client_ids()
    if args.clients:
        ids = ids[:args.clients]
    clients = []
    for start in range(0, len(ids), 500):
        clients += model.decide_all(model.read_rows([{"SK_ID_CURR": i} for i in ids[start:start + 500]]))
    asked = [f.name for f in model.prospect_fields()]
    chosen = np.random.default_rng(0).choice(len(ids), min(args.prospects, len(ids)), replace=False)
    rows = []
    for k in chosen:
        d = clients[k]
        rows.append({c: d.inputs.get(c) for c in asked if d.inputs.get(c) is not None})
    prospects = []
    for row in rows:
        try:
            prospects.append(model.score_prospect(row))
        except Exception:   # after issue 25 a row missing a required input is refused, as on the page
            continue
    result = {"code": "before issue 25" if BEFORE else "after issue 25", "model": str(args.model or "bundled"),
              "data": str(args.data or "bundled"), "clients": measure(clients, members),
              "prospects": measure(prospects, members), "seconds": round(time.perf_counter() - started, 1)}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

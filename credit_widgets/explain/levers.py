"""The levers of "what would change the answer": what each one moves, in which direction, within which bounds,
and the amounts worth trying (see `recourse` for the search and why these amounts)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..features.history import safe_ratio

MAX_TERM = 60.0                 # credit / annuity: about the longest repayment a consumer loan offers
MAX_ANNUITY_SHARE = 0.5         # annuity / income: past this no lender calls the loan affordable
MAX_DOWN_PAYMENT_SHARE = 0.7    # a down payment or a cheaper purchase covers at most 70 % of the credit
MAX_CO_APPLICANT_SHARE = 1.4    # a co-applicant adds at most 140 % of the applicant's income (the bound used so far)
PAIR_STEPS = 8                  # amounts per lever when two levers are combined
REPORTING_MONTHS = 1            # a repayment at another lender shows in the credit bureau's file about a month later
CARD_MONTHS = (3, 6, 12)
ENQUIRY_MONTHS = (3, 12)
ENQUIRY_COLUMNS = ("AMT_REQ_CREDIT_BUREAU_HOUR", "AMT_REQ_CREDIT_BUREAU_DAY", "AMT_REQ_CREDIT_BUREAU_WEEK",
                   "AMT_REQ_CREDIT_BUREAU_MON", "AMT_REQ_CREDIT_BUREAU_QRT", "AMT_REQ_CREDIT_BUREAU_YEAR")
# Never changed by any suggestion (the property test checks it).
FORBIDDEN = ("CODE_GENDER", "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS",
             "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
# The only way each changed input may move: -1 down, +1 up.
DIRECTIONS = {"AMT_CREDIT": -1, "AMT_ANNUITY": -1, "AMT_GOODS_PRICE": -1, "AMT_INCOME_TOTAL": +1,
              **{c: -1 for c in ENQUIRY_COLUMNS}, "BUREAU_RECENT_COUNT": -1, "PREV_REFUSED_LAST_YEAR": -1,
              "BUREAU_OVERDUE_SUM": -1, "BUREAU_DAY_OVERDUE_MAX": -1, "BUREAU_DEBT_SUM": -1,
              "BUREAU_ACTIVE_DEBT_SUM": -1, "BUREAU_ACTIVE_COUNT": -1, "BUREAU_DEBT_CREDIT_RATIO": -1,
              "CC_USAGE_MEAN": -1, "CC_BALANCE_MEAN": -1, "CC_DRAWINGS_MEAN": -1, "CC_LATE_SHARE": -1,
              "CC_MONTHS": +1}
APPLICATION_LEVERS = ("down_payment", "smaller_purchase", "longer_term", "co_applicant")
HISTORY_LEVERS = ("settle_overdue", "repay_debt", "close_credits", "card_balance", "enquiries")


@dataclass
class Step:
    """One lever moved by one amount: application changes, history overrides, and what it costs the applicant."""

    lever: str
    changes: dict                       # application columns -> new value (data units)
    history: dict = field(default_factory=dict)   # client-model features or enquiry columns -> new value
    effort: float = 0.0                 # the ordering of "smallest": a share of the credit, income or a year
    months: int = 0
    amount: float | None = None         # what the applicant pays or adds, in euros, when it says
    count: int = 0                      # credits closed
    term: float | None = None           # months, for a longer term


# ---- the levers -----------------------------------------------------------------------------------------------

def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and value > 0


def _thresholds(model) -> dict:
    """Split thresholds per feature name, of the client model's trees and the application model's (a prospect is
    decided by the latter: its own split points are where its answer can change). Cached on the model."""
    cached = getattr(model, "_recourse_thresholds", None)
    if cached is None:
        found: dict[str, set] = {}
        for scorer in (model.scoring, getattr(model, "application", None)):
            if scorer is None:
                continue
            names = scorer.feature_names
            for tree in scorer.booster.get_dump(dump_format="json"):
                for name, value in re.findall(r'"split": "([^"]+)", "split_condition": ([-0-9.eE+]+)', tree):
                    if name.startswith("f") and name[1:].isdigit() and name not in names:
                        name = names[int(name[1:])]
                    found.setdefault(name, set()).add(float(value))
        cached = {k: np.array(sorted(v)) for k, v in found.items()}
        model._recourse_thresholds = cached
    return cached


def _amounts(model, moves: list[tuple[str, float, int]], lo: float, hi: float, today: float) -> np.ndarray:
    """Lever amounts x in [lo, hi] (x != today), one per piece where no feature (feature = coef * x ** power)
    crosses a split threshold, in whole euros."""
    thresholds = _thresholds(model)
    cuts = [lo, hi]
    for name, coef, power in moves:
        if not coef or not np.isfinite(coef):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            x = (thresholds.get(name, np.empty(0)) / coef) ** power
        cuts.extend(x[np.isfinite(x) & (x > lo) & (x < hi)])
    cuts = np.unique(np.round(cuts, 6))
    # the model is constant inside a piece: its edge nearest today is the smallest change that reaches it
    near = np.where(cuts[1:] <= today, np.floor(cuts[1:] - 1e-6), np.ceil(cuts[:-1] + 1e-6))
    x = np.unique(np.concatenate([near, [lo, hi]]))
    return x[(x >= np.ceil(lo)) & (x <= np.floor(hi)) & (x != today)]


def application_steps(model, decision) -> dict[str, list[Step]]:
    """Every amount worth trying for each loan lever the applicant's inputs allow, smallest effort first."""
    from ..data.schema import FIELDS

    inputs = decision.inputs
    credit, annuity, income, goods = (inputs.get(c) for c in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_INCOME_TOTAL",
                                                              "AMT_GOODS_PRICE"))
    fam = inputs.get("CNT_FAM_MEMBERS")
    debt = _feature(model, decision, "BUREAU_ACTIVE_DEBT_SUM")
    debt = 0.0 if debt is None or np.isnan(debt) else debt
    steps: dict[str, list[Step]] = {}
    if _given(credit):
        lo = max(FIELDS["AMT_CREDIT"].min, credit * (1 - MAX_DOWN_PAYMENT_SHARE))
        a, i, g = (annuity if _given(annuity) else 0.0), (income if _given(income) else 0.0), \
            (goods if _given(goods) else 0.0)
        base = [("AMT_CREDIT", 1.0, 1), ("AMT_ANNUITY", a / credit, 1),
                ("CREDIT_INCOME_RATIO", 1 / i if i else 0, 1), ("ANNUITY_INCOME_RATIO", a / credit / i if i else 0, 1)]
        for lever, extra in (("down_payment", [("CREDIT_GOODS_RATIO", 1 / g if g else 0, 1)]),
                             ("smaller_purchase", [("AMT_GOODS_PRICE", g / credit, 1)] if g else None)):
            if extra is None:
                continue
            found = []
            for x in _amounts(model, base + extra, lo, credit, credit)[::-1]:
                changes = {"AMT_CREDIT": x}
                # to the cent: whole euros would jitter the term (credit / annuity) and the goods ratio around
                # today's, and the trees split on them
                if a:
                    changes["AMT_ANNUITY"] = float(max(round(a * x / credit, 2), FIELDS["AMT_ANNUITY"].min))
                if lever == "smaller_purchase":
                    changes["AMT_GOODS_PRICE"] = float(max(round(g * x / credit, 2), FIELDS["AMT_GOODS_PRICE"].min))
                found.append(Step(lever, changes, effort=(credit - x) / credit))
            steps[lever] = found
    if _given(credit) and _given(annuity) and credit / annuity < MAX_TERM:
        lo = max(FIELDS["AMT_ANNUITY"].min, credit / MAX_TERM)
        i = income if _given(income) else 0.0
        moves = [("AMT_ANNUITY", 1.0, 1), ("ANNUITY_INCOME_RATIO", 1 / i if i else 0, 1), ("CREDIT_TERM", credit, -1)]
        steps["longer_term"] = [Step("longer_term", {"AMT_ANNUITY": x}, effort=(annuity - x) / annuity,
                                     term=credit / x)
                                for x in _amounts(model, moves, lo, annuity, annuity)[::-1]]
    if _given(income):
        hi = min(FIELDS["AMT_INCOME_TOTAL"].max, income * (1 + MAX_CO_APPLICANT_SHARE))
        moves = [("AMT_INCOME_TOTAL", 1.0, 1), ("CREDIT_INCOME_RATIO", credit or 0, -1),
                 ("ANNUITY_INCOME_RATIO", annuity or 0, -1), ("BUREAU_DEBT_INCOME_RATIO", debt, -1),
                 ("INCOME_PER_PERSON", 1 / fam if _given(fam) else 0, 1)]
        steps["co_applicant"] = [Step("co_applicant", {"AMT_INCOME_TOTAL": x}, effort=(x - income) / income)
                                 for x in _amounts(model, moves, income, hi, income)]
    return {k: v for k, v in steps.items() if v}


def _feature(model, decision, name: str):
    j = model.feature_index.get(name)
    if j is None or decision.features is None or len(decision.features) != len(model.feature_index):
        return None
    return float(decision.features[j])


def history_steps(model, decision) -> dict[str, list[Step]]:  # noqa: C901 (one branch per history lever, each a few lines; split, they would share all their state)
    """What a known client can change in their history, and how long it takes to show."""
    if decision.client_id is None or not getattr(model, "history_levers", True):
        return {}
    f = {name: _feature(model, decision, name) for name in DIRECTIONS}
    income = decision.inputs.get("AMT_INCOME_TOTAL")
    per_income = 1.0 / income if _given(income) else 1e-5
    steps: dict[str, list[Step]] = {}

    def debt_after(paid: float) -> dict:
        out = {}
        for name in ("BUREAU_DEBT_SUM", "BUREAU_ACTIVE_DEBT_SUM"):
            if f[name] is not None and not np.isnan(f[name]):
                out[name] = max(f[name] - paid, 0.0)
        amount_sum = _feature(model, decision, "BUREAU_AMOUNT_SUM")
        if "BUREAU_DEBT_SUM" in out and f["BUREAU_DEBT_CREDIT_RATIO"] is not None and amount_sum:
            out["BUREAU_DEBT_CREDIT_RATIO"] = float(safe_ratio([out["BUREAU_DEBT_SUM"]], [amount_sum])[0])
        return out

    overdue = f["BUREAU_OVERDUE_SUM"]
    if overdue is not None and overdue > 0:
        history = {"BUREAU_OVERDUE_SUM": 0.0, **debt_after(overdue)}
        if f["BUREAU_DAY_OVERDUE_MAX"] is not None:
            history["BUREAU_DAY_OVERDUE_MAX"] = 0.0
        steps["settle_overdue"] = [Step("settle_overdue", {}, history, overdue * per_income + REPORTING_MONTHS / 12,
                                        REPORTING_MONTHS, round(overdue))]
    active, active_debt = f["BUREAU_ACTIVE_COUNT"], f["BUREAU_ACTIVE_DEBT_SUM"]
    if active_debt is not None and active_debt > 0:
        steps["repay_debt"] = [Step("repay_debt", {}, debt_after(share * active_debt),
                                    share * active_debt * per_income + REPORTING_MONTHS / 12, REPORTING_MONTHS,
                                    round(share * active_debt)) for share in (0.25, 0.5, 0.75)]
        if active is not None and active >= 1:
            mean = active_debt / active
            steps["close_credits"] = [
                Step("close_credits", {}, {**debt_after(k * mean), "BUREAU_ACTIVE_COUNT": active - k},
                     k * mean * per_income + REPORTING_MONTHS / 12, REPORTING_MONTHS, round(k * mean), count=k)
                for k in range(1, int(min(active, 3)) + 1)]
    months_on_card, balance = f["CC_MONTHS"], f["CC_BALANCE_MEAN"]
    if months_on_card and balance is not None and balance > 0:
        found = []
        for m in CARD_MONTHS:
            keep = months_on_card / (months_on_card + m)   # m more months at a zero balance in the monthly means
            history = {"CC_MONTHS": months_on_card + m}
            for name in ("CC_USAGE_MEAN", "CC_BALANCE_MEAN", "CC_DRAWINGS_MEAN", "CC_LATE_SHARE"):
                if f[name] is not None and not np.isnan(f[name]):
                    history[name] = f[name] * keep
            found.append(Step("card_balance", {}, history, balance * per_income + m / 12, m, round(balance)))
        steps["card_balance"] = found
    enquiries = {c: decision.inputs.get(c) for c in ENQUIRY_COLUMNS}
    if any(_given(v) for v in enquiries.values()):
        found = []
        for m in ENQUIRY_MONTHS:
            # after 3 months without a new enquiry every window up to a quarter is empty; after 12 the year too,
            # and no credit was opened or refused in the last year
            emptied = ENQUIRY_COLUMNS[:5] if m < 12 else ENQUIRY_COLUMNS
            history = {c: 0.0 for c in emptied if enquiries[c] is not None}
            if m >= 12:
                history.update({n: 0.0 for n in ("BUREAU_RECENT_COUNT", "PREV_REFUSED_LAST_YEAR") if f[n]})
            found.append(Step("enquiries", {}, history, m / 12, m, None))
        steps["enquiries"] = found
    return steps



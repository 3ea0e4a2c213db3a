"""The history tables of the synthetic portfolio (credit_widgets.data.synth): bureau and its monthly balance, previous
applications, their instalments, POS/cash and card balances, with the summaries the true probability reads."""
from __future__ import annotations

import numpy as np

from .schema import NO_DATE
from .synth_applications import _missing, _pick, _round_to, _sigmoid

HISTORIES = ("real", "bundled")
# "real" draws as many rows per client as the real tables hold (read from 5,000 real clients with every history row:
# the share with none, the mean and the tail); "bundled" is the shorter history the committed data/ was made with
# (about half the rows), kept so that data/ regenerates byte for byte.
MAX_MONTHS = 96  # the real monthly tables go back eight years


def _long_tail(rng, mean_extra: float, variance: float, size: int) -> np.ndarray:
    """1 + a negative binomial draw: the real counts per client are over-dispersed (a few clients hold 20-50)."""
    p = mean_extra / variance
    return 1 + rng.negative_binomial(mean_extra * p / (1 - p), p, size)


def _labels(levels: list[str], codes: np.ndarray) -> np.ndarray:
    """levels[codes] as an object column whose rows share the few string objects: the monthly tables have tens of
    millions of rows, and a string per row (or a fixed-width text array on the way) held gigabytes."""
    return np.array(levels, dtype=object)[codes]


def _elapsed_days(rng, shape: float, scale: float, size: int) -> np.ndarray:
    """Days since an event within the eight real years, most of them recent as in the real tables."""
    return np.round(np.clip(rng.gamma(shape, scale, size), 1, 2922))


def _bureau(rng, ids, z, next_id: int, history: str = "real"):
    n = len(ids)
    has = rng.random(n) < _sigmoid(1.8)  # ~86 % of real clients have a bureau record
    counts = np.where(has, _long_tail(rng, 4.45, 17.7, n) if history == "real" else 1 + rng.poisson(4.5, n), 0)
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    zz = z[owner]
    days_credit = -(_elapsed_days(rng, 1.5, 780, m) if history == "real" else np.round(rng.uniform(1, 2922, m)))
    active = rng.random(m) < np.clip(0.37 + 0.5 * np.exp(days_credit / 400), 0, 0.95)
    bad = rng.random(m) < 0.004 * np.exp(-1.2 * zz)
    credit_type = _pick(rng, {"Consumer credit": 73, "Credit card": 23.5, "Car loan": 1.6, "Mortgage": 1.1,
                              "Microloan": 0.7, "Loan for business development": 0.1, "Another type of loan": 0.1}, m)
    card = credit_type == "Credit card"
    duration = np.round(rng.uniform(180, 1800, m))
    amount = _round_to(np.exp(np.log(120_000) + 0.9 * rng.standard_normal(m)), 450)
    overdue_now = active & (rng.random(m) < 0.004 * np.exp(-1.5 * zz))
    # Share of late months on each credit's monthly history drives both bureau_balance and, through it, the truth.
    late_propensity = np.clip(0.02 * np.exp(-1.1 * zz + 0.5 * rng.standard_normal(m)), 0, 0.8)
    cols = {
        "SK_ID_CURR": ids[owner],
        "SK_ID_BUREAU": next_id + np.arange(m),
        "CREDIT_ACTIVE": np.where(bad, "Bad debt", np.where(active, "Active", "Closed")).astype(object),
        "CREDIT_CURRENCY": np.where(rng.random(m) < 0.999, "currency 1", "currency 2").astype(object),
        "DAYS_CREDIT": days_credit,
        "CREDIT_DAY_OVERDUE": np.where(overdue_now, np.round(rng.exponential(60, m)) + 1, 0.0),
        "DAYS_CREDIT_ENDDATE": _missing(rng, days_credit + duration, 0.06),
        "DAYS_ENDDATE_FACT": np.where(active, np.nan, np.minimum(days_credit + duration * rng.uniform(0.5, 1, m), 0)
                                      .round()),
        "AMT_CREDIT_MAX_OVERDUE": np.where(rng.random(m) < 0.35, np.where(
            rng.random(m) < late_propensity * 5, _round_to(amount * rng.uniform(0, 0.1, m), 0.5), 0.0), np.nan),
        "CNT_CREDIT_PROLONG": (rng.random(m) < 0.005).astype(float),
        "AMT_CREDIT_SUM": amount,
        "AMT_CREDIT_SUM_DEBT": np.where(active, _round_to(amount * rng.uniform(0, 0.9, m), 45),
                                        np.where(rng.random(m) < 0.3, np.nan, 0.0)),
        "AMT_CREDIT_SUM_LIMIT": np.where(card, _round_to(amount * rng.uniform(0, 1, m), 450),
                                         np.where(rng.random(m) < 0.35, np.nan, 0.0)),
        "AMT_CREDIT_SUM_OVERDUE": np.where(overdue_now, _round_to(amount * rng.uniform(0.01, 0.2, m), 0.5), 0.0),
        "CREDIT_TYPE": credit_type,
        "DAYS_CREDIT_UPDATE": np.minimum(days_credit + np.round(rng.uniform(0, 1, m) * -days_credit), 0),
        "AMT_ANNUITY": np.where(rng.random(m) < 0.29, _round_to(amount / rng.uniform(6, 36, m), 0.5), np.nan),
    }
    # Monthly status for ~40 % of the credits, at most 24 months each: the real table has 27M rows for 1.7M
    # credits; shorter histories keep the bundled default small while keeping the same shape.
    if history == "real":
        # Real monthly statuses come per client (the bureau that reports them): about a third of the clients with
        # a bureau record have them for every credit, the others for none; they cover ~3/4 of each credit's months.
        with_history = (rng.random(n) < 0.354)[owner]
        covered = np.round(-days_credit / 30.4 * rng.uniform(0.55, 1.0, m))
        n_months = np.where(with_history, np.minimum(covered, MAX_MONTHS - 1).astype(int) + 1, 0)
    else:
        with_history = rng.random(m) < 0.4
        n_months = np.where(with_history, np.minimum(np.round(-days_credit / 30.4), 24).astype(int) + 1, 0)
    b_owner = np.repeat(np.arange(m), n_months)
    offsets = np.arange(len(b_owner)) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    u = rng.random(len(b_owner))
    late = u < late_propensity[b_owner]
    severity = np.minimum(1 + rng.geometric(0.6, len(b_owner)) - 1, 5)
    closed_month = (~active[b_owner]) & (offsets < 3)
    status = _labels(["0", "1", "2", "3", "4", "5"], np.where(late, severity, 0))
    status[rng.random(len(b_owner)) < 0.12] = "X"
    status[closed_month] = "C"
    balance = {"SK_ID_BUREAU": cols["SK_ID_BUREAU"][b_owner], "MONTHS_BALANCE": -offsets.astype(float),
               "STATUS": status}
    # Observable summaries the truth uses (computed exactly as a reader of the tables would).
    counted = status != "X"
    late_months = np.bincount(owner[b_owner], weights=(late & counted & ~closed_month), minlength=n)
    known_months = np.bincount(owner[b_owner], weights=counted, minlength=n)
    summary = {
        "bureau_late_share": np.divide(late_months, known_months, out=np.zeros(n), where=known_months > 0),
        "bureau_overdue": np.bincount(owner, weights=cols["AMT_CREDIT_SUM_OVERDUE"], minlength=n) > 0,
        "bureau_bad_debt": np.bincount(owner, weights=bad, minlength=n) > 0,
        "bureau_active": np.bincount(owner, weights=active, minlength=n),
        "bureau_debt": np.bincount(owner, weights=np.nan_to_num(cols["AMT_CREDIT_SUM_DEBT"]), minlength=n),
    }
    return cols, m, balance, len(b_owner), summary


def _previous(rng, ids, z, hidden, next_id: int, history: str = "real"):
    n = len(ids)
    if history == "real":
        counts = np.where(rng.random(n) < 0.043, 0, _long_tail(rng, 3.83, 16.8, n))
    else:
        counts = np.where(rng.random(n) < 0.05, 0, 1 + rng.poisson(3.5, n))
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    zz = z[owner]
    if history == "real":
        # Nearly every real client with a previous application had one POS or cash loan approved (a repeater); a
        # card is one per client (28 % of them); the XNA portfolio is the one of applications that never became a
        # credit (canceled, unused).
        portfolio = _pick(rng, {"POS": 43, "Cash": 30, "XNA": 24, "Cards": 3}, m)
        first = np.r_[True, owner[1:] != owner[:-1]] if m else np.zeros(0, dtype=bool)
        last = np.r_[owner[1:] != owner[:-1], True] if m else np.zeros(0, dtype=bool)
        portfolio[first] = _pick(rng, {"POS": 60, "Cash": 40}, int(first.sum()))
        card = last & ~first & (rng.random(m) < 0.31)
        portfolio[card] = "Cards"
        status = np.where(portfolio == "XNA", _pick(rng, {"Canceled": 90, "Unused offer": 10}, m),
                          _pick(rng, {"Approved": 80, "Canceled": 17, "Unused offer": 3}, m)).astype(object)
        status[first | card] = "Approved"
        status[(rng.random(m) < _sigmoid(-1.7 - 0.8 * zz)) & ~first & ~card] = "Refused"
    else:
        portfolio = _pick(rng, {"POS": 41, "Cash": 28, "XNA": 22, "Cards": 9}, m)
        status = np.where(rng.random(m) < _sigmoid(-1.7 - 0.8 * zz), "Refused",
                          _pick(rng, {"Approved": 78, "Canceled": 20, "Unused offer": 2}, m)).astype(object)
    approved = status == "Approved"
    refused = status == "Refused"
    canceled = status == "Canceled"
    application = _round_to(np.exp(np.log(100_000) + 1.0 * rng.standard_normal(m)), 450)
    application[canceled & (rng.random(m) < 0.8)] = 0.0
    credit = _round_to(application * np.where(rng.random(m) < 0.5, 1.0, rng.uniform(0.9, 1.2, m)), 0.5)
    if history == "real":  # the real terms: POS loans short, cash loans long
        terms = np.where(portfolio == "POS", _pick(rng, {4: 4, 6: 24, 8: 5, 10: 20, 12: 32, 14: 1, 18: 3, 24: 8}, m),
                         _pick(rng, {6: 7, 12: 26, 18: 13, 24: 18, 30: 4, 36: 13, 48: 9, 60: 6}, m))
    else:
        terms = _pick(rng, {6: 20, 10: 12, 12: 25, 18: 8, 24: 20, 36: 10, 48: 3, 60: 2}, m)
    n_payments = np.where(canceled, np.nan, terms.astype(float))
    annuity = np.where(np.isnan(n_payments) | (credit == 0), np.nan,
                       _round_to(credit * 1.25 / np.where(np.isnan(n_payments), 1, n_payments), 0.5))
    down = np.where(portfolio == "POS", _round_to(application * rng.uniform(0, 0.2, m), 0.5), np.nan)
    decision = -(_elapsed_days(rng, 0.9, 970, m) if history == "real" else np.round(rng.uniform(1, 2922, m)))
    if history == "real":  # a card stays open for years: the real card balances average three years per card
        decision[portfolio == "Cards"] = -_elapsed_days(rng, 1.2, 880, int((portfolio == "Cards").sum()))
    first_due = np.where(approved, decision + np.round(rng.uniform(10, 40, m)), np.nan)
    last_due = first_due + 30 * np.nan_to_num(n_payments)
    still_running = approved & (last_due > 0)
    reject = np.where(approved | canceled, "XAP",
                      _pick(rng, {"HC": 50, "LIMIT": 16, "SCO": 11, "CLIENT": 8, "SCOFR": 4, "XNA": 2,
                                  "VERIF": 2, "SYSTEM": 0.1}, m)).astype(object)
    cols = {
        "SK_ID_PREV": next_id + np.arange(m),
        "SK_ID_CURR": ids[owner],
        "NAME_CONTRACT_TYPE": np.where(portfolio == "Cards", "Revolving loans",
                                       np.where(portfolio == "POS", "Consumer loans", "Cash loans")).astype(object),
        "AMT_ANNUITY": annuity,
        "AMT_APPLICATION": application,
        "AMT_CREDIT": credit,
        "AMT_DOWN_PAYMENT": down,
        "AMT_GOODS_PRICE": np.where(portfolio == "Cash", np.nan, application),
        "WEEKDAY_APPR_PROCESS_START": _pick(rng, {"TUESDAY": 1, "WEDNESDAY": 1, "MONDAY": 1, "THURSDAY": 1,
                                                  "FRIDAY": 1, "SATURDAY": 0.8, "SUNDAY": 0.4}, m),
        "HOUR_APPR_PROCESS_START": np.clip(np.round(rng.normal(12, 3.3, m)), 0, 23),
        "FLAG_LAST_APPL_PER_CONTRACT": np.where(rng.random(m) < 0.995, "Y", "N").astype(object),
        "NFLAG_LAST_APPL_IN_DAY": (rng.random(m) < 0.996).astype(float),
        "RATE_DOWN_PAYMENT": np.where(np.isnan(down), np.nan, np.round(down / np.maximum(application, 1), 6)),
        "NAME_CASH_LOAN_PURPOSE": np.where(portfolio == "Cash", _pick(
            rng, {"XNA": 70, "XAP": 5, "Repairs": 8, "Other": 5, "Urgent needs": 3, "Buying a used car": 2,
                  "Everyday expenses": 2, "Medicine": 2, "Education": 1}, m), "XAP").astype(object),
        "NAME_CONTRACT_STATUS": status,
        "DAYS_DECISION": decision,
        "NAME_PAYMENT_TYPE": _pick(rng, {"Cash through the bank": 62, "XNA": 37, "Non-cash from your account": 1},
                                   m),
        "CODE_REJECT_REASON": reject,
        "NAME_TYPE_SUITE": _missing(rng, _pick(rng, {"Unaccompanied": 60, "Family": 25, "Spouse, partner": 8,
                                                     "Children": 4, "Other_B": 2, "Other_A": 1}, m), 0.49),
        "NAME_CLIENT_TYPE": _pick(rng, {"Repeater": 74, "New": 18, "Refreshed": 8}, m),
        "NAME_GOODS_CATEGORY": np.where(portfolio == "POS", _pick(
            rng, {"Mobile": 30, "Consumer Electronics": 25, "Computers": 15, "Audio/Video": 13, "Furniture": 7,
                  "Photo / Cinema Equipment": 4, "Construction Materials": 3, "Clothing and Accessories": 3}, m),
            "XNA").astype(object),
        "NAME_PORTFOLIO": portfolio,
        "NAME_PRODUCT_TYPE": np.where(portfolio == "Cash", _pick(rng, {"x-sell": 75, "walk-in": 25}, m),
                                      "XNA").astype(object),
        "CHANNEL_TYPE": _pick(rng, {"Credit and cash offices": 43, "Country-wide": 30, "Stone": 13,
                                    "Regional / Local": 6.5, "Contact center": 4.3, "AP+ (Cash loan)": 3.4}, m),
        "SELLERPLACE_AREA": np.where(portfolio == "POS", rng.integers(1, 500, m), -1).astype(float),
        "NAME_SELLER_INDUSTRY": np.where(portfolio == "POS", _pick(
            rng, {"Consumer electronics": 60, "Connectivity": 25, "Furniture": 8, "Construction": 4,
                  "Clothing": 3}, m), "XNA").astype(object),
        "CNT_PAYMENT": n_payments,
        "NAME_YIELD_GROUP": np.where(canceled, "XNA", _pick(
            rng, {"middle": 35, "high": 32, "low_normal": 23, "low_action": 10}, m)).astype(object),
        "PRODUCT_COMBINATION": np.where(portfolio == "POS", "POS household with interest",
                                        np.where(portfolio == "Cards", "Card Street",
                                                 np.where(portfolio == "Cash", "Cash X-Sell: middle", "Cash"))
                                        ).astype(object),
        "DAYS_FIRST_DRAWING": np.where(approved, np.where(portfolio == "Cards", first_due - 10, NO_DATE), np.nan),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": np.where(approved, last_due, np.nan),
        "DAYS_LAST_DUE": np.where(approved, np.where(still_running, NO_DATE, last_due), np.nan),
        "DAYS_TERMINATION": np.where(approved, np.where(still_running, NO_DATE, last_due + 3), np.nan),
        "NFLAG_INSURED_ON_APPROVAL": np.where(approved, (rng.random(m) < 0.33).astype(float), np.nan),
    }
    n_prev = np.bincount(owner, minlength=n)
    summary = {"prev_refused_share": np.divide(np.bincount(owner, weights=refused, minlength=n), n_prev,
                                               out=np.zeros(n), where=n_prev > 0)}
    info = {"owner": owner, "approved": approved, "portfolio": portfolio, "first_due": first_due, "decision": decision,
            "n_payments": np.nan_to_num(n_payments), "annuity": annuity, "credit": credit}
    return cols, m, info, summary


def _instalments(rng, ids, z, prev_ids, info, n_clients, history: str = "real"):
    """Instalments, POS/cash monthly balances and card balances of the approved previous credits."""
    is_card = info["portfolio"] == "Cards"
    if history == "real":  # every instalment already due, cards' monthly ones included, as in the real table
        loans = np.flatnonzero(info["approved"] & (info["n_payments"] > 0))
        term = np.where(is_card[loans], MAX_MONTHS, info["n_payments"][loans])
    else:  # only the instalments already due, at most 8 per credit, no card
        loans = np.flatnonzero(info["approved"] & ~is_card & (info["n_payments"] > 0))
        term = info["n_payments"][loans]
    due_count = np.minimum(np.floor(-info["first_due"][loans] / 30).clip(0) + 1, term)
    due_count = np.minimum(due_count, MAX_MONTHS if history == "real" else 8).astype(int)
    loans, due_count = loans[due_count > 0], due_count[due_count > 0]
    owner_loan = np.repeat(loans, due_count)
    number = np.arange(len(owner_loan)) - np.repeat(np.cumsum(due_count) - due_count, due_count) + 1
    client = info["owner"][owner_loan]
    days_instalment = info["first_due"][owner_loan] + 30 * (number - 1)
    loan_late_p = np.clip(0.05 * np.exp(-1.1 * z[info["owner"][loans]] + 0.4 * rng.standard_normal(len(loans))),
                          0, 0.9)
    late_p = loan_late_p[np.repeat(np.arange(len(loans)), due_count)]
    late = rng.random(len(owner_loan)) < late_p
    delay = np.where(late, np.round(rng.exponential(12, len(owner_loan))) + 1,
                     -np.round(rng.exponential(8, len(owner_loan))))
    amount = np.nan_to_num(info["annuity"][owner_loan])
    under = late & (rng.random(len(owner_loan)) < 0.3)
    paid = np.where(under, _round_to(amount * rng.uniform(0.2, 0.95, len(owner_loan)), 4.5), amount)
    inst = {
        "SK_ID_PREV": prev_ids[owner_loan], "SK_ID_CURR": ids[client],
        "NUM_INSTALMENT_VERSION": np.where(number == 1, 1.0, rng.choice([0.0, 1.0], len(owner_loan), p=[0.3, 0.7])),
        "NUM_INSTALMENT_NUMBER": number.astype(float), "DAYS_INSTALMENT": days_instalment,
        "DAYS_ENTRY_PAYMENT": np.minimum(days_instalment + delay, -1), "AMT_INSTALMENT": amount, "AMT_PAYMENT": paid,
    }
    late_count = np.bincount(client, weights=inst["DAYS_ENTRY_PAYMENT"] > days_instalment, minlength=n_clients)
    total = np.bincount(client, minlength=n_clients)
    late_share = np.divide(late_count, total, out=np.zeros(n_clients), where=total > 0)

    # POS/cash monthly balance: one row per month already elapsed, at most 8 per credit.
    if history == "real":  # one row per instalment month, none for cards (they have their own table)
        months = np.where(is_card[loans], 0, due_count)
    else:
        months = np.minimum(due_count + 1, 8)
    pos_loan = np.repeat(loans, months)
    pos_idx = np.arange(len(pos_loan)) - np.repeat(np.cumsum(months) - months, months)
    pos_client = info["owner"][pos_loan]
    pos_late_p = loan_late_p[np.repeat(np.arange(len(loans)), months)] * 0.5
    dpd = np.where(rng.random(len(pos_loan)) < pos_late_p, np.round(rng.exponential(10, len(pos_loan))) + 1, 0.0)
    n_pay = info["n_payments"][pos_loan]
    pos = {
        "SK_ID_PREV": prev_ids[pos_loan], "SK_ID_CURR": ids[pos_client],
        "MONTHS_BALANCE": -(pos_idx + 1).astype(float), "CNT_INSTALMENT": n_pay,
        "CNT_INSTALMENT_FUTURE": np.maximum(n_pay - (months[np.repeat(np.arange(len(loans)), months)] - pos_idx), 0),
        "NAME_CONTRACT_STATUS": _labels(["Completed", "Active"], (rng.random(len(pos_loan)) < 0.91).astype(int)),
        "SK_DPD": dpd, "SK_DPD_DEF": np.where(dpd > 30, dpd - 30, 0.0),
    }

    cards = np.flatnonzero(info["approved"] & (info["portfolio"] == "Cards"))
    if history == "real":  # one row per month since the card was granted
        card_months = np.minimum(np.floor(-info["decision"][cards] / 30.4) + 1, MAX_MONTHS).astype(int)
    else:
        card_months = rng.integers(3, 13, len(cards))
    card_row = np.repeat(cards, card_months)
    card_idx = np.arange(len(card_row)) - np.repeat(np.cumsum(card_months) - card_months, card_months)
    card_client = info["owner"][card_row]
    limit = _round_to(np.maximum(info["credit"][card_row], 45_000), 4500)
    usage = np.clip(_sigmoid(-0.8 * z[card_client] + rng.normal(-0.3, 0.8, len(cards))[
        np.repeat(np.arange(len(cards)), card_months)]), 0, 1)
    balance = _round_to(limit * usage, 45)
    drawings = _round_to(np.where(rng.random(len(card_row)) < 0.4, limit * rng.uniform(0, 0.2, len(card_row)), 0),
                         450)
    payment = _round_to(balance * rng.uniform(0.03, 0.3, len(card_row)), 45)
    card_dpd = np.where(rng.random(len(card_row)) < 0.02 * np.exp(-z[card_client]),
                        np.round(rng.exponential(15, len(card_row))) + 1, 0.0)
    card = {
        "SK_ID_PREV": prev_ids[card_row], "SK_ID_CURR": ids[card_client],
        "MONTHS_BALANCE": -(card_idx + 1).astype(float), "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": limit, "AMT_DRAWINGS_ATM_CURRENT": drawings * 0.6,
        "AMT_DRAWINGS_CURRENT": drawings, "AMT_DRAWINGS_OTHER_CURRENT": np.zeros(len(card_row)),
        "AMT_DRAWINGS_POS_CURRENT": drawings * 0.4, "AMT_INST_MIN_REGULARITY": _round_to(balance * 0.05, 4.5),
        "AMT_PAYMENT_CURRENT": payment, "AMT_PAYMENT_TOTAL_CURRENT": payment,
        "AMT_RECEIVABLE_PRINCIPAL": _round_to(balance * 0.95, 4.5), "AMT_RECIVABLE": balance,
        "AMT_TOTAL_RECEIVABLE": balance, "CNT_DRAWINGS_ATM_CURRENT": (drawings > 0).astype(float),
        "CNT_DRAWINGS_CURRENT": (drawings > 0) * rng.integers(1, 5, len(card_row)).astype(float),
        "CNT_DRAWINGS_OTHER_CURRENT": np.zeros(len(card_row)),
        "CNT_DRAWINGS_POS_CURRENT": np.zeros(len(card_row)), "CNT_INSTALMENT_MATURE_CUM": card_idx.astype(float),
        "NAME_CONTRACT_STATUS": _labels(["Completed", "Active"], (rng.random(len(card_row)) < 0.96).astype(int)),
        "SK_DPD": card_dpd, "SK_DPD_DEF": np.where(card_dpd > 30, 1.0, 0.0),
    }
    card_balance = np.bincount(card_client, weights=balance, minlength=n_clients)
    card_limit = np.bincount(card_client, weights=limit, minlength=n_clients)
    summary = {"inst_late_share": late_share, "has_instalments": total > 0,
               "card_usage": np.divide(card_balance, card_limit, out=np.full(n_clients, np.nan),
                                       where=card_limit > 0)}
    return inst, pos, card, summary


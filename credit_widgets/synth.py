"""A deterministic generator of a Home-Credit-shaped portfolio, with a known true default probability.

Every client has a hidden creditworthiness. It drives what the tables show (external scores, income, past late
payments, refusals...), but the true default probability is a fixed function of *observable* quantities only
(the application row and summaries of the history tables). A model that reads the same tables can therefore, with
enough data, reach the AUC of the truth itself: that gap is what the synthetic benchmark measures.

    python -m credit_widgets.synth --clients 20000 --seed 7 --out data/
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import DAYS_PER_YEAR, TABLES

ANOMALY_DAYS = 365243  # Home Credit's code for "no date" (not employed, never drawn...)
TARGET_DEFAULT_RATE = 0.08
TEST_SHARE = 48_744 / 307_511  # the real test/train ratio
FIRST_ID = 100_002


def _pick(rng, levels_and_weights: dict, size: int) -> np.ndarray:
    levels = np.array(list(levels_and_weights.keys()), dtype=object)
    weights = np.array(list(levels_and_weights.values()), dtype=float)
    return levels[rng.choice(len(levels), size=size, p=weights / weights.sum())]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _round_to(x, step):
    return np.round(np.asarray(x, dtype=float) / step) * step


def _missing(rng, values: np.ndarray, share: float) -> np.ndarray:
    out = np.asarray(values, dtype=object if values.dtype == object else float).copy()
    out[rng.random(len(out)) < share] = np.nan
    return out


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


ORGANIZATIONS = {
    "Business Entity Type 3": 27, "Self-employed": 16, "Other": 7, "Medicine": 4.5, "Government": 4.2,
    "Business Entity Type 2": 4.2, "School": 3.6, "Trade: type 7": 3.1, "Kindergarten": 2.7, "Construction": 2.7,
    "Business Entity Type 1": 2.4, "Transport: type 4": 2.1, "Trade: type 3": 1.4, "Industry: type 9": 1.3,
    "Industry: type 3": 1.3, "Security": 1.3, "Housing": 1.2, "Industry: type 11": 1.1, "Military": 1.0,
    "Bank": 1.0, "Agriculture": 1.0, "Police": 0.9, "Transport: type 2": 0.9, "Postal": 0.8,
    "Security Ministries": 0.8, "Trade: type 2": 0.7, "Restaurant": 0.7, "Services": 0.6, "University": 0.5,
    "Industry: type 7": 0.5, "Transport: type 3": 0.4, "Industry: type 1": 0.4, "Hotel": 0.4, "Electricity": 0.4,
}
OCCUPATIONS = {
    "Laborers": 25, "Sales staff": 15.2, "Core staff": 13.1, "Managers": 10.1, "Drivers": 8.8,
    "High skill tech staff": 5.4, "Accountants": 4.6, "Medicine staff": 4.0, "Security staff": 3.2,
    "Cooking staff": 2.8, "Cleaning staff": 2.2, "Private service staff": 1.2, "Low-skill Laborers": 1.0,
    "Waiters/barmen staff": 0.6, "Secretaries": 0.6, "Realty agents": 0.4, "HR staff": 0.3, "IT staff": 0.3,
}
REGION_POPULATIONS = np.array([0.035792, 0.04622, 0.025164, 0.030755, 0.026392, 0.028663, 0.031329, 0.072508,
                               0.019101, 0.01885, 0.020713, 0.018634, 0.022625, 0.015221, 0.010032, 0.009175,
                               0.006671, 0.00702, 0.003541, 0.002042, 0.010006, 0.014464, 0.00496, 0.008019])
HOUSING_AVG = ["APARTMENTS", "BASEMENTAREA", "YEARS_BEGINEXPLUATATION", "YEARS_BUILD", "COMMONAREA", "ELEVATORS",
               "ENTRANCES", "FLOORSMAX", "FLOORSMIN", "LANDAREA", "LIVINGAPARTMENTS", "LIVINGAREA",
               "NONLIVINGAPARTMENTS", "NONLIVINGAREA"]


def _applications(rng, ids: np.ndarray, z: np.ndarray) -> tuple[dict, dict]:
    """Application columns, plus the hidden quantities the history tables need."""
    n = len(ids)
    gender = _pick(rng, {"F": 65.8, "M": 34.2}, n)
    if n >= 50_000:  # the real file has four XNA genders in 307k rows
        gender[rng.choice(n, 4, replace=False)] = "XNA"
    age = 20.5 + 48.5 * rng.beta(2.0, 2.3, n)
    pensioner = rng.random(n) < _sigmoid((age - 58.0) / 2.5) * 0.92
    income_type = np.where(pensioner, "Pensioner",
                           _pick(rng, {"Working": 63.6, "Commercial associate": 28.4, "State servant": 8.0}, n))
    rare = rng.random(n) < 0.0004
    income_type[rare] = _pick(rng, {"Unemployed": 5, "Student": 2, "Businessman": 1, "Maternity leave": 1},
                              int(rare.sum()))
    not_employed = np.isin(income_type, ["Pensioner", "Unemployed"])
    education = _pick(rng, {"Secondary / secondary special": 71.0, "Higher education": 24.3,
                            "Incomplete higher": 3.3, "Lower secondary": 1.3, "Academic degree": 0.05}, n)
    higher = np.isin(education, ["Higher education", "Academic degree"])
    family = _pick(rng, {"Married": 63.9, "Single / not married": 14.8, "Civil marriage": 9.7,
                         "Separated": 6.4, "Widow": 5.2}, n)
    couple = np.isin(family, ["Married", "Civil marriage"])
    children = np.minimum(rng.poisson(0.42 * (age < 55) + 0.05, n), 6).astype(float)
    years_employed = np.minimum(rng.gamma(1.3, 4.5, n), np.maximum(age - 18.5, 0.2))
    days_employed = np.where(not_employed, ANOMALY_DAYS, -np.round(years_employed * DAYS_PER_YEAR))

    income = np.exp(np.log(147_000) + 0.45 * rng.standard_normal(n) + 0.25 * higher + 0.15 * z
                    + 0.12 * (income_type == "Commercial associate") - 0.25 * pensioner)
    income = np.maximum(_round_to(income, 2250), 25_650)

    revolving = rng.random(n) < 0.095
    credit_to_income = np.exp(np.log(3.0) + 0.6 * rng.standard_normal(n))
    goods = np.maximum(_round_to(income * credit_to_income / 1.12, 4500), 45_000)
    insurance = np.where(rng.random(n) < 0.35, 1.0, rng.uniform(1.05, 1.25, n))
    months = _pick(rng, {12: 18, 18: 10, 24: 24, 30: 8, 36: 20, 48: 10, 60: 10}, n).astype(float)
    rate = rng.uniform(0.011, 0.024, n)
    cash_credit = _round_to(goods * insurance, 0.5)
    cash_annuity = _round_to(cash_credit * rate / (1 - (1 + rate) ** -months), 0.5)
    card_limit = np.maximum(_round_to(income * rng.uniform(0.5, 2.5, n), 22_500), 45_000)
    credit = np.where(revolving, card_limit, cash_credit)
    annuity = np.where(revolving, card_limit * 0.05, cash_annuity)
    goods = np.where(revolving, card_limit, goods)
    goods[revolving & (rng.random(n) < 0.003)] = np.nan
    annuity[rng.random(n) < 0.00004] = np.nan

    ext = {}
    for k, (rho, missing) in {1: (0.75, 0.564), 2: (0.7, 0.002), 3: (0.78, 0.198)}.items():
        raw = 0.51 + 0.19 * (rho * z + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)) + 0.02 * (age - 44) / 12
        ext[k] = _missing(rng, np.clip(raw, 0.0005, 0.962).round(6), missing)

    car = rng.random(n) < 0.34
    region_rating = _pick(rng, {1: 10.5, 2: 73.8, 3: 15.7}, n).astype(float)
    region_rating_city = np.clip(region_rating + (rng.random(n) < 0.08) * rng.choice([-1, 1], n), 1, 3)
    has_housing_info = rng.random(n) < 0.5
    occupation = np.where(not_employed, np.nan, _pick(rng, OCCUPATIONS, n)).astype(object)
    occupation[rng.random(n) < 0.1] = np.nan
    organization = np.where(not_employed, "XNA", _pick(rng, ORGANIZATIONS, n)).astype(object)

    cols = {
        "SK_ID_CURR": ids,
        "NAME_CONTRACT_TYPE": np.where(revolving, "Revolving loans", "Cash loans").astype(object),
        "CODE_GENDER": gender,
        "FLAG_OWN_CAR": np.where(car, "Y", "N").astype(object),
        "FLAG_OWN_REALTY": np.where(rng.random(n) < 0.69, "Y", "N").astype(object),
        "CNT_CHILDREN": children,
        "AMT_INCOME_TOTAL": income,
        "AMT_CREDIT": credit,
        "AMT_ANNUITY": annuity,
        "AMT_GOODS_PRICE": goods,
        "NAME_TYPE_SUITE": _missing(rng, _pick(rng, {"Unaccompanied": 81.2, "Family": 13.2, "Spouse, partner": 3.7,
                                                     "Children": 1.1, "Other_B": 0.6, "Other_A": 0.3,
                                                     "Group of people": 0.1}, n), 0.004),
        "NAME_INCOME_TYPE": income_type.astype(object),
        "NAME_EDUCATION_TYPE": education,
        "NAME_FAMILY_STATUS": family,
        "NAME_HOUSING_TYPE": _pick(rng, {"House / apartment": 88.7, "With parents": 4.8, "Municipal apartment": 3.6,
                                         "Rented apartment": 1.6, "Office apartment": 0.9, "Co-op apartment": 0.4}, n),
        "REGION_POPULATION_RELATIVE": REGION_POPULATIONS[rng.integers(0, len(REGION_POPULATIONS), n)],
        "DAYS_BIRTH": -np.round(age * DAYS_PER_YEAR),
        "DAYS_EMPLOYED": days_employed.astype(float),
        "DAYS_REGISTRATION": -np.round(rng.uniform(0, 1, n) * (age - 18) * DAYS_PER_YEAR),
        "DAYS_ID_PUBLISH": -np.round(rng.uniform(0, 1, n) * np.minimum(age - 14, 17) * DAYS_PER_YEAR),
        "OWN_CAR_AGE": np.where(car, np.minimum(rng.gamma(2.0, 6.0, n).round(), 65), np.nan),
        "FLAG_MOBIL": np.ones(n),
        "FLAG_EMP_PHONE": (~not_employed).astype(float),
        "FLAG_WORK_PHONE": (rng.random(n) < 0.2).astype(float),
        "FLAG_CONT_MOBILE": (rng.random(n) < 0.998).astype(float),
        "FLAG_PHONE": (rng.random(n) < 0.28).astype(float),
        "FLAG_EMAIL": (rng.random(n) < 0.057).astype(float),
        "OCCUPATION_TYPE": occupation,
        "CNT_FAM_MEMBERS": children + 1 + couple,
        "REGION_RATING_CLIENT": region_rating,
        "REGION_RATING_CLIENT_W_CITY": region_rating_city,
        "WEEKDAY_APPR_PROCESS_START": _pick(rng, {"TUESDAY": 17.5, "WEDNESDAY": 16.9, "MONDAY": 16.5,
                                                  "THURSDAY": 16.5, "FRIDAY": 16.4, "SATURDAY": 11.0,
                                                  "SUNDAY": 5.3}, n),
        "HOUR_APPR_PROCESS_START": np.clip(np.round(rng.normal(12, 3.3, n)), 0, 23),
        "REG_REGION_NOT_LIVE_REGION": (rng.random(n) < 0.015).astype(float),
        "REG_REGION_NOT_WORK_REGION": (rng.random(n) < 0.05).astype(float),
        "LIVE_REGION_NOT_WORK_REGION": (rng.random(n) < 0.04).astype(float),
        "REG_CITY_NOT_LIVE_CITY": (rng.random(n) < 0.078).astype(float),
        "REG_CITY_NOT_WORK_CITY": (rng.random(n) < 0.23).astype(float),
        "LIVE_CITY_NOT_WORK_CITY": (rng.random(n) < 0.18).astype(float),
        "ORGANIZATION_TYPE": organization,
        "EXT_SOURCE_1": ext[1], "EXT_SOURCE_2": ext[2], "EXT_SOURCE_3": ext[3],
        "OBS_30_CNT_SOCIAL_CIRCLE": rng.poisson(1.4, n).astype(float),
        "DEF_30_CNT_SOCIAL_CIRCLE": rng.poisson(0.14 * np.exp(-0.3 * z), n).astype(float),
        "DAYS_LAST_PHONE_CHANGE": -np.round(rng.exponential(900, n)),
        "FLAG_DOCUMENT_3": (rng.random(n) < 0.71).astype(float),
        "FLAG_DOCUMENT_6": (rng.random(n) < 0.088).astype(float),
        "FLAG_DOCUMENT_8": (rng.random(n) < 0.081).astype(float),
    }
    cols["OBS_60_CNT_SOCIAL_CIRCLE"] = cols["OBS_30_CNT_SOCIAL_CIRCLE"]
    cols["DEF_60_CNT_SOCIAL_CIRCLE"] = np.minimum(cols["DEF_30_CNT_SOCIAL_CIRCLE"], cols["OBS_30_CNT_SOCIAL_CIRCLE"])
    cols["DEF_30_CNT_SOCIAL_CIRCLE"] = cols["DEF_60_CNT_SOCIAL_CIRCLE"].copy()
    for name in TABLES["application_train"].columns:
        if name.startswith("FLAG_DOCUMENT_") and name not in cols:
            cols[name] = (rng.random(n) < 0.003).astype(float)
    no_bureau_requests = rng.random(n) < 0.135
    for name, mean in {"HOUR": 0.006, "DAY": 0.007, "WEEK": 0.034, "MON": 0.27, "QRT": 0.27, "YEAR": 1.9}.items():
        cols[f"AMT_REQ_CREDIT_BUREAU_{name}"] = np.where(no_bureau_requests, np.nan, rng.poisson(mean, n))
    base = rng.uniform(0, 1, n)
    for i, stem in enumerate(HOUSING_AVG):
        value = np.clip(base * (0.3 + 0.1 * (i % 5)) + rng.normal(0, 0.03, n), 0, 1).round(4)
        if stem == "YEARS_BEGINEXPLUATATION":
            value = np.clip(0.97 + rng.normal(0, 0.02, n), 0, 1).round(4)
        sparse = has_housing_info & (rng.random(n) < (0.3 if i % 3 else 0.9))
        for suffix in ("AVG", "MODE", "MEDI"):
            cols[f"{stem}_{suffix}"] = np.where(sparse, value, np.nan)
    cols["TOTALAREA_MODE"] = np.where(has_housing_info, (base * 0.2).round(4), np.nan)
    cols["FONDKAPREMONT_MODE"] = np.where(has_housing_info & (rng.random(n) < 0.63), _pick(
        rng, {"reg oper account": 77, "reg oper spec account": 12, "org spec account": 6, "not specified": 5}, n),
        np.nan).astype(object)
    cols["HOUSETYPE_MODE"] = np.where(has_housing_info, _pick(
        rng, {"block of flats": 98, "specific housing": 1, "terraced house": 1}, n), np.nan).astype(object)
    cols["WALLSMATERIAL_MODE"] = np.where(has_housing_info & (rng.random(n) < 0.97), _pick(
        rng, {"Panel": 44, "Stone, brick": 42, "Block": 7, "Wooden": 3, "Mixed": 1.6, "Monolithic": 1.2,
              "Others": 1.0}, n), np.nan).astype(object)
    emergency = np.where(rng.random(n) < 0.985, "No", "Yes").astype(object)
    cols["EMERGENCYSTATE_MODE"] = np.where(has_housing_info, emergency, np.nan).astype(object)

    hidden = {"age": age, "income": income, "annuity": annuity, "not_employed": not_employed,
              "years_employed": np.where(not_employed, 0.0, years_employed), "higher": higher,
              "male": gender == "M", "region_rating": region_rating, "goods": goods}
    return cols, hidden


def _bureau(rng, ids, z, next_id: int):
    n = len(ids)
    has = rng.random(n) < _sigmoid(1.8)  # ~86 % of real clients have a bureau record
    counts = np.where(has, 1 + rng.poisson(4.5, n), 0)
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    zz = z[owner]
    days_credit = -np.round(rng.uniform(1, 2922, m))
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
    with_history = rng.random(m) < 0.4
    n_months = np.where(with_history, np.minimum(np.round(-days_credit / 30.4), 24).astype(int) + 1, 0)
    b_owner = np.repeat(np.arange(m), n_months)
    offsets = np.arange(len(b_owner)) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    u = rng.random(len(b_owner))
    late = u < late_propensity[b_owner]
    severity = np.minimum(1 + rng.geometric(0.6, len(b_owner)) - 1, 5)
    closed_month = (~active[b_owner]) & (offsets < 3)
    status = np.where(late, severity.astype(str), "0").astype(object)
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


def _previous(rng, ids, z, hidden, next_id: int):
    n = len(ids)
    counts = np.where(rng.random(n) < 0.05, 0, 1 + rng.poisson(3.5, n))
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    zz = z[owner]
    portfolio = _pick(rng, {"POS": 41, "Cash": 28, "XNA": 22, "Cards": 9}, m)
    status = np.where(rng.random(m) < _sigmoid(-1.7 - 0.8 * zz), "Refused",
                      _pick(rng, {"Approved": 78, "Canceled": 20, "Unused offer": 2}, m)).astype(object)
    approved = status == "Approved"
    refused = status == "Refused"
    canceled = status == "Canceled"
    application = _round_to(np.exp(np.log(100_000) + 1.0 * rng.standard_normal(m)), 450)
    application[canceled & (rng.random(m) < 0.8)] = 0.0
    credit = _round_to(application * np.where(rng.random(m) < 0.5, 1.0, rng.uniform(0.9, 1.2, m)), 0.5)
    n_payments = np.where(canceled, np.nan, _pick(rng, {6: 20, 10: 12, 12: 25, 18: 8, 24: 20, 36: 10, 48: 3,
                                                        60: 2}, m).astype(float))
    annuity = np.where(np.isnan(n_payments) | (credit == 0), np.nan,
                       _round_to(credit * 1.25 / np.where(np.isnan(n_payments), 1, n_payments), 0.5))
    down = np.where(portfolio == "POS", _round_to(application * rng.uniform(0, 0.2, m), 0.5), np.nan)
    decision = -np.round(rng.uniform(1, 2922, m))
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
        "DAYS_FIRST_DRAWING": np.where(approved, np.where(portfolio == "Cards", first_due - 10, ANOMALY_DAYS), np.nan),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": np.where(approved, last_due, np.nan),
        "DAYS_LAST_DUE": np.where(approved, np.where(still_running, ANOMALY_DAYS, last_due), np.nan),
        "DAYS_TERMINATION": np.where(approved, np.where(still_running, ANOMALY_DAYS, last_due + 3), np.nan),
        "NFLAG_INSURED_ON_APPROVAL": np.where(approved, (rng.random(m) < 0.33).astype(float), np.nan),
    }
    n_prev = np.bincount(owner, minlength=n)
    summary = {"prev_refused_share": np.divide(np.bincount(owner, weights=refused, minlength=n), n_prev,
                                               out=np.zeros(n), where=n_prev > 0)}
    info = {"owner": owner, "approved": approved, "portfolio": portfolio, "first_due": first_due,
            "n_payments": np.nan_to_num(n_payments), "annuity": annuity, "credit": credit}
    return cols, m, info, summary


def _instalments(rng, ids, z, prev_ids, info, n_clients):
    """Instalments, POS/cash monthly balances and card balances of the approved previous credits."""
    loans = np.flatnonzero(info["approved"] & (info["portfolio"] != "Cards") & (info["n_payments"] > 0))
    # Only the instalments already due, at most 8 per credit: the real table keeps every one (13.6M rows).
    due_count = np.minimum(np.floor(-info["first_due"][loans] / 30).clip(0) + 1, info["n_payments"][loans])
    due_count = np.minimum(due_count, 8).astype(int)
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
        "NAME_CONTRACT_STATUS": np.where(rng.random(len(pos_loan)) < 0.91, "Active", "Completed").astype(object),
        "SK_DPD": dpd, "SK_DPD_DEF": np.where(dpd > 30, dpd - 30, 0.0),
    }

    cards = np.flatnonzero(info["approved"] & (info["portfolio"] == "Cards"))
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
        "NAME_CONTRACT_STATUS": np.where(rng.random(len(card_row)) < 0.96, "Active", "Completed").astype(object),
        "SK_DPD": card_dpd, "SK_DPD_DEF": np.where(card_dpd > 30, 1.0, 0.0),
    }
    card_balance = np.bincount(card_client, weights=balance, minlength=n_clients)
    card_limit = np.bincount(card_client, weights=limit, minlength=n_clients)
    summary = {"inst_late_share": late_share, "has_instalments": total > 0,
               "card_usage": np.divide(card_balance, card_limit, out=np.full(n_clients, np.nan),
                                       where=card_limit > 0)}
    return inst, pos, card, summary


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
             default_rate: float = TARGET_DEFAULT_RATE) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Return ({table name: frame}, truth) for `clients` training clients plus `test_clients` without TARGET."""
    if clients < 10:
        raise ValueError("clients must be at least 10")
    if test_clients is None:
        test_clients = int(round(clients * TEST_SHARE))
    rng = np.random.default_rng(seed)
    n = clients + test_clients
    ids = FIRST_ID + np.cumsum(rng.integers(1, 3, n)) - 1
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, test_clients, replace=False)] = True
    z = rng.standard_normal(n)

    app, hidden = _applications(rng, ids, z)
    bureau, n_bureau, bureau_balance, n_bb, s_bureau = _bureau(rng, ids, z, next_id=5_000_000)
    prev, n_prev, prev_info, s_prev = _previous(rng, ids, z, hidden, next_id=1_000_000)
    inst, pos, card, s_inst = _instalments(rng, ids, z, prev["SK_ID_PREV"], prev_info, n)

    logit = _true_logit(app, hidden, {**s_bureau, **s_prev, **s_inst})
    probability = _sigmoid(logit + _calibrate_intercept(logit[~is_test], default_rate))
    target = (rng.random(n) < probability).astype(float)

    application = _frame("application_train", {**app, "TARGET": target}, n)
    tables = {
        "application_train": application[~is_test].reset_index(drop=True),
        "application_test": application[is_test].drop(columns="TARGET").reset_index(drop=True),
        "bureau": _frame("bureau", bureau, n_bureau),
        "bureau_balance": _frame("bureau_balance", bureau_balance, n_bb),
        "previous_application": _frame("previous_application", prev, n_prev),
        "POS_CASH_balance": _frame("POS_CASH_balance", pos, len(pos["SK_ID_PREV"])),
        "installments_payments": _frame("installments_payments", inst, len(inst["SK_ID_PREV"])),
        "credit_card_balance": _frame("credit_card_balance", card, len(card["SK_ID_PREV"])),
    }
    truth = pd.DataFrame({"SK_ID_CURR": ids, "TRUE_PROBABILITY": probability, "IN_TEST": is_test.astype(int)})
    return tables, truth


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
    parser = argparse.ArgumentParser(prog="python -m credit_widgets.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000, help="training clients (with TARGET)")
    parser.add_argument("--test-clients", type=int, default=None,
                        help="clients without TARGET (default: the real test/train ratio)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=["parquet", "csv", "csv.gz"], default="parquet")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"generating {args.clients:,} clients (seed {args.seed})...", file=sys.stderr, flush=True)
    tables, truth = generate(args.clients, args.seed, args.test_clients)
    print(f"writing {args.format} files to {args.out}...", file=sys.stderr, flush=True)
    for path in write(tables, truth, args.out, args.format):
        print(f"  {path.name}", file=sys.stderr)
    rows = {name: len(frame) for name, frame in tables.items()}
    rate = tables["application_train"]["TARGET"].mean()
    print(f"done in {time.perf_counter() - started:.1f} s; default rate {rate:.2%}; rows {rows}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

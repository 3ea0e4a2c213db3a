"""The application rows of the synthetic portfolio (credit_widgets.data.synth), and the draws every table shares."""
from __future__ import annotations

import numpy as np

from .schema import DAYS_PER_YEAR, NO_DATE, TABLES


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
    days_employed = np.where(not_employed, NO_DATE, -np.round(years_employed * DAYS_PER_YEAR))

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


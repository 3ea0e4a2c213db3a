"""What every Home Credit column means: its table, its kind, and how a loan officer sees it.

Everything here is written out literally (column lists from the headers of the public Kaggle files, kinds from their
values, form bounds from the real rows plus plausible bank limits) so that importing the package never reads a file.
The other modules ask this one instead of guessing from column names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TABLE_NAMES = ("application_train", "application_test", "bureau", "bureau_balance", "previous_application",
               "POS_CASH_balance", "installments_payments", "credit_card_balance")
APPLICATION_TABLES = ("application_train", "application_test")

# Kinds: SK_ID_* keys are "id"; text is "category"; a number is "int" when it counts, flags or dates something and
# every real value is whole (AMT_* money stays "float" even when whole, except the AMT_REQ_CREDIT_BUREAU_* counts).

_APPLICATION_TRAIN = {
    "SK_ID_CURR": "id", "TARGET": "int", "NAME_CONTRACT_TYPE": "category", "CODE_GENDER": "category",
    "FLAG_OWN_CAR": "category", "FLAG_OWN_REALTY": "category", "CNT_CHILDREN": "int", "AMT_INCOME_TOTAL": "float",
    "AMT_CREDIT": "float", "AMT_ANNUITY": "float", "AMT_GOODS_PRICE": "float", "NAME_TYPE_SUITE": "category",
    "NAME_INCOME_TYPE": "category", "NAME_EDUCATION_TYPE": "category", "NAME_FAMILY_STATUS": "category",
    "NAME_HOUSING_TYPE": "category", "REGION_POPULATION_RELATIVE": "float", "DAYS_BIRTH": "int",
    "DAYS_EMPLOYED": "int", "DAYS_REGISTRATION": "int", "DAYS_ID_PUBLISH": "int", "OWN_CAR_AGE": "int",
    "FLAG_MOBIL": "int", "FLAG_EMP_PHONE": "int", "FLAG_WORK_PHONE": "int", "FLAG_CONT_MOBILE": "int",
    "FLAG_PHONE": "int", "FLAG_EMAIL": "int", "OCCUPATION_TYPE": "category", "CNT_FAM_MEMBERS": "int",
    "REGION_RATING_CLIENT": "int", "REGION_RATING_CLIENT_W_CITY": "int", "WEEKDAY_APPR_PROCESS_START": "category",
    "HOUR_APPR_PROCESS_START": "int", "REG_REGION_NOT_LIVE_REGION": "int", "REG_REGION_NOT_WORK_REGION": "int",
    "LIVE_REGION_NOT_WORK_REGION": "int", "REG_CITY_NOT_LIVE_CITY": "int", "REG_CITY_NOT_WORK_CITY": "int",
    "LIVE_CITY_NOT_WORK_CITY": "int", "ORGANIZATION_TYPE": "category", "EXT_SOURCE_1": "float",
    "EXT_SOURCE_2": "float", "EXT_SOURCE_3": "float", "APARTMENTS_AVG": "float", "BASEMENTAREA_AVG": "float",
    "YEARS_BEGINEXPLUATATION_AVG": "float", "YEARS_BUILD_AVG": "float", "COMMONAREA_AVG": "float",
    "ELEVATORS_AVG": "float", "ENTRANCES_AVG": "float", "FLOORSMAX_AVG": "float", "FLOORSMIN_AVG": "float",
    "LANDAREA_AVG": "float", "LIVINGAPARTMENTS_AVG": "float", "LIVINGAREA_AVG": "float",
    "NONLIVINGAPARTMENTS_AVG": "float", "NONLIVINGAREA_AVG": "float", "APARTMENTS_MODE": "float",
    "BASEMENTAREA_MODE": "float", "YEARS_BEGINEXPLUATATION_MODE": "float", "YEARS_BUILD_MODE": "float",
    "COMMONAREA_MODE": "float", "ELEVATORS_MODE": "float", "ENTRANCES_MODE": "float", "FLOORSMAX_MODE": "float",
    "FLOORSMIN_MODE": "float", "LANDAREA_MODE": "float", "LIVINGAPARTMENTS_MODE": "float",
    "LIVINGAREA_MODE": "float", "NONLIVINGAPARTMENTS_MODE": "float", "NONLIVINGAREA_MODE": "float",
    "APARTMENTS_MEDI": "float", "BASEMENTAREA_MEDI": "float", "YEARS_BEGINEXPLUATATION_MEDI": "float",
    "YEARS_BUILD_MEDI": "float", "COMMONAREA_MEDI": "float", "ELEVATORS_MEDI": "float", "ENTRANCES_MEDI": "float",
    "FLOORSMAX_MEDI": "float", "FLOORSMIN_MEDI": "float", "LANDAREA_MEDI": "float",
    "LIVINGAPARTMENTS_MEDI": "float", "LIVINGAREA_MEDI": "float", "NONLIVINGAPARTMENTS_MEDI": "float",
    "NONLIVINGAREA_MEDI": "float", "FONDKAPREMONT_MODE": "category", "HOUSETYPE_MODE": "category",
    "TOTALAREA_MODE": "float", "WALLSMATERIAL_MODE": "category", "EMERGENCYSTATE_MODE": "category",
    "OBS_30_CNT_SOCIAL_CIRCLE": "int", "DEF_30_CNT_SOCIAL_CIRCLE": "int", "OBS_60_CNT_SOCIAL_CIRCLE": "int",
    "DEF_60_CNT_SOCIAL_CIRCLE": "int", "DAYS_LAST_PHONE_CHANGE": "int", "FLAG_DOCUMENT_2": "int",
    "FLAG_DOCUMENT_3": "int", "FLAG_DOCUMENT_4": "int", "FLAG_DOCUMENT_5": "int", "FLAG_DOCUMENT_6": "int",
    "FLAG_DOCUMENT_7": "int", "FLAG_DOCUMENT_8": "int", "FLAG_DOCUMENT_9": "int", "FLAG_DOCUMENT_10": "int",
    "FLAG_DOCUMENT_11": "int", "FLAG_DOCUMENT_12": "int", "FLAG_DOCUMENT_13": "int", "FLAG_DOCUMENT_14": "int",
    "FLAG_DOCUMENT_15": "int", "FLAG_DOCUMENT_16": "int", "FLAG_DOCUMENT_17": "int", "FLAG_DOCUMENT_18": "int",
    "FLAG_DOCUMENT_19": "int", "FLAG_DOCUMENT_20": "int", "FLAG_DOCUMENT_21": "int",
    "AMT_REQ_CREDIT_BUREAU_HOUR": "int", "AMT_REQ_CREDIT_BUREAU_DAY": "int", "AMT_REQ_CREDIT_BUREAU_WEEK": "int",
    "AMT_REQ_CREDIT_BUREAU_MON": "int", "AMT_REQ_CREDIT_BUREAU_QRT": "int", "AMT_REQ_CREDIT_BUREAU_YEAR": "int",
}

_BUREAU = {
    "SK_ID_CURR": "id", "SK_ID_BUREAU": "id", "CREDIT_ACTIVE": "category", "CREDIT_CURRENCY": "category",
    "DAYS_CREDIT": "int", "CREDIT_DAY_OVERDUE": "int", "DAYS_CREDIT_ENDDATE": "int", "DAYS_ENDDATE_FACT": "int",
    "AMT_CREDIT_MAX_OVERDUE": "float", "CNT_CREDIT_PROLONG": "int", "AMT_CREDIT_SUM": "float",
    "AMT_CREDIT_SUM_DEBT": "float", "AMT_CREDIT_SUM_LIMIT": "float", "AMT_CREDIT_SUM_OVERDUE": "float",
    "CREDIT_TYPE": "category", "DAYS_CREDIT_UPDATE": "int", "AMT_ANNUITY": "float",
}

_BUREAU_BALANCE = {
    "SK_ID_BUREAU": "id", "MONTHS_BALANCE": "int", "STATUS": "category",
}

_PREVIOUS_APPLICATION = {
    "SK_ID_PREV": "id", "SK_ID_CURR": "id", "NAME_CONTRACT_TYPE": "category", "AMT_ANNUITY": "float",
    "AMT_APPLICATION": "float", "AMT_CREDIT": "float", "AMT_DOWN_PAYMENT": "float", "AMT_GOODS_PRICE": "float",
    "WEEKDAY_APPR_PROCESS_START": "category", "HOUR_APPR_PROCESS_START": "int",
    "FLAG_LAST_APPL_PER_CONTRACT": "category", "NFLAG_LAST_APPL_IN_DAY": "int", "RATE_DOWN_PAYMENT": "float",
    "RATE_INTEREST_PRIMARY": "float", "RATE_INTEREST_PRIVILEGED": "float", "NAME_CASH_LOAN_PURPOSE": "category",
    "NAME_CONTRACT_STATUS": "category", "DAYS_DECISION": "int", "NAME_PAYMENT_TYPE": "category",
    "CODE_REJECT_REASON": "category", "NAME_TYPE_SUITE": "category", "NAME_CLIENT_TYPE": "category",
    "NAME_GOODS_CATEGORY": "category", "NAME_PORTFOLIO": "category", "NAME_PRODUCT_TYPE": "category",
    "CHANNEL_TYPE": "category", "SELLERPLACE_AREA": "int", "NAME_SELLER_INDUSTRY": "category", "CNT_PAYMENT": "int",
    "NAME_YIELD_GROUP": "category", "PRODUCT_COMBINATION": "category", "DAYS_FIRST_DRAWING": "int",
    "DAYS_FIRST_DUE": "int", "DAYS_LAST_DUE_1ST_VERSION": "int", "DAYS_LAST_DUE": "int", "DAYS_TERMINATION": "int",
    "NFLAG_INSURED_ON_APPROVAL": "int",
}

_POS_CASH_BALANCE = {
    "SK_ID_PREV": "id", "SK_ID_CURR": "id", "MONTHS_BALANCE": "int", "CNT_INSTALMENT": "int",
    "CNT_INSTALMENT_FUTURE": "int", "NAME_CONTRACT_STATUS": "category", "SK_DPD": "int", "SK_DPD_DEF": "int",
}

_INSTALLMENTS_PAYMENTS = {
    "SK_ID_PREV": "id", "SK_ID_CURR": "id", "NUM_INSTALMENT_VERSION": "int", "NUM_INSTALMENT_NUMBER": "int",
    "DAYS_INSTALMENT": "int", "DAYS_ENTRY_PAYMENT": "int", "AMT_INSTALMENT": "float", "AMT_PAYMENT": "float",
}

_CREDIT_CARD_BALANCE = {
    "SK_ID_PREV": "id", "SK_ID_CURR": "id", "MONTHS_BALANCE": "int", "AMT_BALANCE": "float",
    "AMT_CREDIT_LIMIT_ACTUAL": "float", "AMT_DRAWINGS_ATM_CURRENT": "float", "AMT_DRAWINGS_CURRENT": "float",
    "AMT_DRAWINGS_OTHER_CURRENT": "float", "AMT_DRAWINGS_POS_CURRENT": "float", "AMT_INST_MIN_REGULARITY": "float",
    "AMT_PAYMENT_CURRENT": "float", "AMT_PAYMENT_TOTAL_CURRENT": "float", "AMT_RECEIVABLE_PRINCIPAL": "float",
    "AMT_RECIVABLE": "float", "AMT_TOTAL_RECEIVABLE": "float", "CNT_DRAWINGS_ATM_CURRENT": "int",
    "CNT_DRAWINGS_CURRENT": "int", "CNT_DRAWINGS_OTHER_CURRENT": "int", "CNT_DRAWINGS_POS_CURRENT": "int",
    "CNT_INSTALMENT_MATURE_CUM": "int", "NAME_CONTRACT_STATUS": "category", "SK_DPD": "int", "SK_DPD_DEF": "int",
}


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: dict[str, str]  # every official column, in the official order -> kind
    required: tuple[str, ...]  # a file without these is refused
    unique: str | None = None  # key that must not repeat

    def kind(self, column: str) -> str:
        try:
            return self.columns[column]
        except KeyError:
            raise KeyError(f"{column!r} is not a column of {self.name}") from None


_APPLICATION_TEST = {c: k for c, k in _APPLICATION_TRAIN.items() if c != "TARGET"}
_APPLICATION_REQUIRED = ("SK_ID_CURR", "AMT_INCOME_TOTAL", "AMT_CREDIT")

TABLES: dict[str, TableSchema] = {
    "application_train": TableSchema("application_train", _APPLICATION_TRAIN,
                                     _APPLICATION_REQUIRED + ("TARGET",), "SK_ID_CURR"),
    "application_test": TableSchema("application_test", _APPLICATION_TEST, _APPLICATION_REQUIRED, "SK_ID_CURR"),
    "bureau": TableSchema("bureau", _BUREAU, ("SK_ID_CURR", "SK_ID_BUREAU"), "SK_ID_BUREAU"),
    "bureau_balance": TableSchema("bureau_balance", _BUREAU_BALANCE, ("SK_ID_BUREAU", "MONTHS_BALANCE", "STATUS")),
    "previous_application": TableSchema("previous_application", _PREVIOUS_APPLICATION,
                                        ("SK_ID_PREV", "SK_ID_CURR"), "SK_ID_PREV"),
    "POS_CASH_balance": TableSchema("POS_CASH_balance", _POS_CASH_BALANCE,
                                    ("SK_ID_PREV", "SK_ID_CURR", "MONTHS_BALANCE")),
    "installments_payments": TableSchema("installments_payments", _INSTALLMENTS_PAYMENTS,
                                         ("SK_ID_PREV", "SK_ID_CURR", "DAYS_INSTALMENT", "AMT_INSTALMENT",
                                          "AMT_PAYMENT")),
    "credit_card_balance": TableSchema("credit_card_balance", _CREDIT_CARD_BALANCE,
                                       ("SK_ID_PREV", "SK_ID_CURR", "MONTHS_BALANCE")),
}


# ------------------------------------------------------------------------------------------------------------------
# What the loan officer sees.

LANGUAGES = ("fr", "en")
GROUPS = ("identity", "income_employment", "loan", "housing_family", "external")
GROUP_LABELS = {
    "identity": {"fr": "Identité", "en": "Identity"},
    "income_employment": {"fr": "Revenus et emploi", "en": "Income and employment"},
    "loan": {"fr": "Crédit demandé", "en": "Requested loan"},
    "housing_family": {"fr": "Famille et logement", "en": "Family and housing"},
    "external": {"fr": "Scores externes", "en": "External scores"},
}
# What an application row may hold (name -> kind, official order): the API, Spark and the input checks accept these.
APPLICATION_COLUMNS = dict(TABLES["application_test"].columns)
FIELD_KINDS = ("amount", "number", "integer", "choice", "flag", "score")
# The data counts days backwards from the application; people think in years since then.
DAYS_PER_YEAR = 365.25
NO_DATE = 365243  # Home Credit's "no date" in DAYS_* columns (not employed, never drawn, still running...)
DAYS_TO_YEARS = -1 / DAYS_PER_YEAR


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")


def _scalar(value):
    # numpy hands back 0-d results for scalars; callers comparing with plain floats should get plain floats
    return float(value) if np.ndim(value) == 0 else value


@dataclass(frozen=True)
class Field:
    name: str
    label_fr: str
    label_en: str
    unit: str | None  # unit of the displayed value
    kind: str
    min: float | None  # bounds in displayed units
    max: float | None
    display_scale: float
    group: str
    actionable: bool  # the applicant can change it for this application
    protected: bool  # fairness-sensitive: never suggest changing it
    ask_prospect: bool
    choices: tuple[str, ...] = ()
    default: object = None  # in displayed units
    description: str = ""  # official Home Credit description

    def label(self, lang: str) -> str:
        _check_lang(lang)
        return self.label_fr if lang == "fr" else self.label_en

    @property
    def yes_no(self) -> bool:
        """A 0/1 column (a phone given, a document provided): asked and shown as yes / no, never as a number."""
        return self.kind == "integer" and self.min == 0 and self.max == 1

    @property
    def style(self) -> str:
        """How its values read (`i18n.styled`): a level, yes / no, an amount, a score, a count, years or a number."""
        if self.kind in ("choice", "flag"):
            return "category"
        if self.yes_no:
            return "yes_no"
        return {"amount": "amount", "score": "score", "integer": "count"}.get(
            self.kind, "years" if self.unit == "years" else "number")

    def to_display(self, raw):
        """Raw value(s) (scalar, array or Series) in the units shown; text and missing pass through."""
        if self.display_scale == 1.0 or raw is None or isinstance(raw, str):
            return raw
        # + 0.0 turns the -0.0 of "0 days ago" into 0.0
        return _scalar(raw * self.display_scale + 0.0)

    def from_display(self, shown):
        """Back to raw units; scaled fields come back as whole days, the unit of the data."""
        if self.display_scale == 1.0 or shown is None or isinstance(shown, str):
            return shown
        return _scalar(np.round(shown / self.display_scale) + 0.0)

    def in_range(self, shown) -> bool:
        """Whether one displayed value is acceptable (missing is: the model takes missing values). The one range
        check: `validate.validate_prospect` refuses what it refuses, with the bounds in the message."""
        if shown is None or (not isinstance(shown, str) and np.ndim(shown) == 0 and shown != shown):
            return True
        if self.choices:
            return shown in self.choices
        return (self.min is None or shown >= self.min) and (self.max is None or shown <= self.max)


_YES_NO = ("Y", "N")
_EXTERNAL = "Normalized score from external data source"
# Levels seen in the real rows. NAME_INCOME_TYPE adds three rare levels of the full Kaggle file (Student,
# Businessman, Maternity leave) that a prospect can still have. XNA/XAP codes are "missing", never a choice.
_ORGANIZATIONS = (
    "Business Entity Type 3", "Self-employed", "Other", "Medicine", "Government", "Business Entity Type 2", "School",
    "Kindergarten", "Trade: type 7", "Construction", "Business Entity Type 1", "Transport: type 4", "Housing",
    "Industry: type 3", "Trade: type 3", "Industry: type 11", "Industry: type 9", "Transport: type 2", "Security",
    "Bank", "Services", "Military", "Agriculture", "Police", "Postal", "Security Ministries", "Trade: type 2",
    "Restaurant", "Transport: type 3", "Industry: type 7", "University", "Industry: type 1", "Hotel", "Electricity",
    "Trade: type 6", "Telecom", "Emergency", "Insurance", "Industry: type 2", "Industry: type 12", "Industry: type 4",
    "Industry: type 5", "Legal Services", "Advertising", "Culture", "Mobile", "Trade: type 1", "Industry: type 10",
    "Realtor", "Cleaning", "Trade: type 5", "Industry: type 13", "Transport: type 1", "Religion", "Trade: type 4",
    "Industry: type 8", "Industry: type 6",
)
_OCCUPATIONS = (
    "Laborers", "Sales staff", "Core staff", "Managers", "Drivers", "High skill tech staff", "Accountants",
    "Medicine staff", "Security staff", "Cooking staff", "Cleaning staff", "Private service staff",
    "Low-skill Laborers", "Secretaries", "Waiters/barmen staff", "Realty agents", "HR staff", "IT staff",
)


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


# Periods: AMT_ANNUITY is the monthly instalment (in previous_application, credit / annuity follows CNT_PAYMENT, a
# number of months) and AMT_INCOME_TOTAL is of the same period (the median instalment is 16 % of it, which only makes
# sense month for month): both are shown and asked as monthly amounts. Amounts are in the data's own currency, named
# by i18n.CURRENCY (CREDIT_CURRENCY), never assumed to be euros.
# Bounds cover the real rows here and the ranges usually reported for the full Kaggle data (307,511 applications),
# except its single 117,000,000 income, a typing error. Defaults are the real rows' median or mode, rounded.
FIELDS: dict[str, Field] = _fields(
    # identity
    # Kept for the fairness checks only: no model uses it, so the form does not ask it (Directive 2004/113/EC).
    Field("CODE_GENDER", "Sexe", "Gender", None, "choice", None, None, 1.0, "identity",
          False, True, False, ("F", "M"), "F", "Gender of the client"),
    Field("DAYS_BIRTH", "Âge", "Age", "years", "number", 18, 75, DAYS_TO_YEARS, "identity",
          False, True, True, (), 43, "Client's age in days at the time of application"),
    Field("NAME_EDUCATION_TYPE", "Niveau d'études", "Education", None, "choice", None, None, 1.0, "identity",
          False, False, True,
          ("Secondary / secondary special", "Higher education", "Incomplete higher", "Lower secondary",
           "Academic degree"),
          "Secondary / secondary special", "Level of highest education the client achieved"),
    Field("DAYS_ID_PUBLISH", "Ancienneté de la pièce d'identité", "Age of the identity document", "years",
          "number", 0, 25, DAYS_TO_YEARS, "identity", False, False, True, (), 9,
          "How many days before the application did client change the identity document with which he applied "
          "for the loan"),
    Field("DAYS_REGISTRATION", "Ancienneté de la domiciliation", "Years since registration changed", "years",
          "number", 0, 70, DAYS_TO_YEARS, "identity", False, False, True, (), 12,
          "How many days before the application did client change his registration"),
    # what the applicant hands over or gives to be reached: the officer sees it in the meeting
    Field("FLAG_DOCUMENT_3", "Document 3 fourni", "Document 3 provided", None, "integer", 0, 1, 1.0, "identity",
          False, False, True, (), 1, "Did client provide document 3"),
    Field("FLAG_EMP_PHONE", "Téléphone de l'employeur donné", "Employer's phone given", None, "integer", 0, 1, 1.0,
          "identity", False, False, True, (), 1, "Did client provide work phone (1=YES, 0=NO)"),
    Field("FLAG_WORK_PHONE", "Téléphone professionnel donné", "Work phone given", None, "integer", 0, 1, 1.0,
          "identity", False, False, True, (), 0, "Did client provide home phone (1=YES, 0=NO)"),
    Field("FLAG_PHONE", "Téléphone fixe donné", "Home phone given", None, "integer", 0, 1, 1.0, "identity",
          False, False, True, (), 0, "Did client provide home phone (1=YES, 0=NO)"),
    Field("FLAG_EMAIL", "Adresse e-mail donnée", "Email given", None, "integer", 0, 1, 1.0, "identity",
          False, False, True, (), 0, "Did client provide email (1=YES, 0=NO)"),
    # income_employment
    Field("AMT_INCOME_TOTAL", "Revenu mensuel", "Monthly income", "money", "amount", 10_000, 20_000_000, 1.0,
          "income_employment", True, False, True, (), 144_000, "Income of the client"),
    Field("NAME_INCOME_TYPE", "Type de revenu", "Income type", None, "choice", None, None, 1.0, "income_employment",
          False, False, True,
          ("Working", "Commercial associate", "Pensioner", "State servant", "Unemployed", "Student", "Businessman",
           "Maternity leave"),
          "Working", "Clients income type (businessman, working, maternity leave,…)"),
    Field("OCCUPATION_TYPE", "Profession", "Occupation", None, "choice", None, None, 1.0, "income_employment",
          False, False, True, _OCCUPATIONS, "Laborers", "What kind of occupation does the client have"),
    Field("ORGANIZATION_TYPE", "Secteur de l'employeur", "Employer's sector", None, "choice", None, None, 1.0,
          "income_employment", False, False, True, _ORGANIZATIONS, "Business Entity Type 3",
          "Type of organization where client works"),
    Field("DAYS_EMPLOYED", "Ancienneté dans l'emploi", "Years in current job", "years", "number", 0, 50,
          DAYS_TO_YEARS, "income_employment", False, False, True, (), 4.5,
          "How many days before the application the person started current employment"),
    # loan
    Field("NAME_CONTRACT_TYPE", "Type de crédit", "Loan type", None, "choice", None, None, 1.0, "loan",
          True, False, True, ("Cash loans", "Revolving loans"), "Cash loans",
          "Identification if loan is cash or revolving"),
    Field("AMT_CREDIT", "Montant du crédit", "Credit amount", "money", "amount", 10_000, 5_000_000, 1.0, "loan",
          True, False, True, (), 506_000, "Credit amount of the loan"),
    Field("AMT_ANNUITY", "Mensualité", "Monthly instalment", "money", "amount", 1_000, 500_000, 1.0, "loan",
          True, False, True, (), 25_000, "Loan annuity"),
    Field("AMT_GOODS_PRICE", "Prix du bien financé", "Price of the goods", "money", "amount", 10_000, 5_000_000, 1.0,
          "loan", True, False, True, (), 450_000,
          "For consumer loans it is the price of the goods for which the loan is given"),
    Field("NAME_TYPE_SUITE", "Accompagnant lors de la demande", "Accompanied by", None, "choice", None, None, 1.0,
          "loan", False, False, True,
          ("Unaccompanied", "Family", "Spouse, partner", "Children", "Other_A", "Other_B", "Group of people"),
          "Unaccompanied", "Who was accompanying client when he was applying for the loan"),
    # housing_family
    Field("NAME_FAMILY_STATUS", "Situation familiale", "Family status", None, "choice", None, None, 1.0,
          "housing_family", False, True, True,
          ("Married", "Single / not married", "Civil marriage", "Separated", "Widow"),
          "Married", "Family status of the client"),
    Field("CNT_CHILDREN", "Nombre d'enfants", "Number of children", "count", "integer", 0, 20, 1.0,
          "housing_family", False, True, True, (), 0, "Number of children the client has"),
    Field("CNT_FAM_MEMBERS", "Personnes au foyer", "Household size", "count", "integer", 1, 21, 1.0,
          "housing_family", False, True, True, (), 2, "How many family members does client have"),
    Field("NAME_HOUSING_TYPE", "Type de logement", "Housing type", None, "choice", None, None, 1.0,
          "housing_family", False, False, True,
          ("House / apartment", "With parents", "Municipal apartment", "Rented apartment", "Office apartment",
           "Co-op apartment"),
          "House / apartment", "What is the housing situation of the client (renting, living with parents, ...)"),
    Field("FLAG_OWN_REALTY", "Propriétaire d'un logement", "Owns a home", None, "flag", None, None, 1.0,
          "housing_family", False, False, True, _YES_NO, "Y", "Flag if client owns a house or flat"),
    Field("FLAG_OWN_CAR", "Possède une voiture", "Owns a car", None, "flag", None, None, 1.0, "housing_family",
          False, False, True, _YES_NO, "N", "Flag if the client owns a car"),
    # The data holds cars of 64, 65 and even 91 years (codes rather than ages, probably); a form must accept them.
    Field("OWN_CAR_AGE", "Âge de la voiture", "Car age", "years", "integer", 0, 100, 1.0, "housing_family",
          False, False, True, (), 9, "Age of client's car"),
    # the lender's own rating of where the applicant lives: known from the address given
    Field("REGION_RATING_CLIENT", "Note de la région", "Region rating", None, "integer", 1, 3, 1.0,
          "housing_family", False, False, True, (), 2, "Our rating of the region where client lives (1,2,3)"),
    Field("REGION_RATING_CLIENT_W_CITY", "Note de la région et de la ville", "Region and city rating", None,
          "integer", 1, 3, 1.0, "housing_family", False, False, True, (), 2,
          "Our rating of the region where client lives with taking city into account (1,2,3)"),
    # external: the officer reads these off the credit bureau report
    Field("EXT_SOURCE_1", "Score externe 1", "External score 1", "score", "score", 0, 1, 1.0, "external",
          False, False, True, (), 0.51, _EXTERNAL),
    Field("EXT_SOURCE_2", "Score externe 2", "External score 2", "score", "score", 0, 1, 1.0, "external",
          False, False, True, (), 0.57, _EXTERNAL),
    Field("EXT_SOURCE_3", "Score externe 3", "External score 3", "score", "score", 0, 1, 1.0, "external",
          False, False, True, (), 0.53, _EXTERNAL),
)

# Abbreviations in column names, spelled out for columns that have no Field (history aggregates, housing
# statistics...); other words stay as they are, which beats a word-by-word translation.
_WORDS = {
    "fr": {"AMT": "montant", "CNT": "nombre", "DAYS": "jours", "FLAG": "indicateur", "NFLAG": "indicateur",
           "NUM": "numéro", "AVG": "moyenne", "MEDI": "médiane", "EXT": "externe", "DPD": "jours de retard",
           "REQ": "demandes", "PREV": "précédent", "CC": "carte de crédit", "POS": "point de vente",
           "INST": "échéances", "BB": "historique bureau"},
    "en": {"AMT": "amount", "CNT": "count", "DAYS": "days", "NFLAG": "flag", "NUM": "number", "AVG": "average",
           "MEDI": "median", "EXT": "external", "DPD": "days past due", "REQ": "requests", "PREV": "previous",
           "CC": "credit card", "POS": "point of sale", "INST": "instalments", "BB": "bureau balance"},
}


# Columns every screen shows that are not form fields.
_COLUMN_LABELS = {
    "SK_ID_CURR": {"fr": "Identifiant client", "en": "Client ID"},
    "SK_ID_PREV": {"fr": "Identifiant de la demande précédente", "en": "Previous application ID"},
    "SK_ID_BUREAU": {"fr": "Identifiant du crédit au bureau", "en": "Credit bureau loan ID"},
    "TARGET": {"fr": "Défaut de paiement", "en": "Payment default"},
}


def label(column: str, lang: str) -> str:
    """The Field label when there is one, else the column name in plain words."""
    _check_lang(lang)
    field = FIELDS.get(column)
    if field is not None:
        return field.label(lang)
    if column in _COLUMN_LABELS:
        return _COLUMN_LABELS[column][lang]
    words = [_WORDS[lang].get(part, part.lower()) for part in str(column).split("_") if part]
    text = " ".join(words) or str(column)
    return text[:1].upper() + text[1:]


# What a new applicant's form asks, in schema order: the application model is trained on exactly these columns (and
# ratios of them), so a prospect is never scored on something nobody asked.
PROSPECT_COLUMNS = tuple(name for name, f in FIELDS.items() if f.ask_prospect)

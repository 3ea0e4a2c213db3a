"""The catalogue of reason codes: what a refusal notice may give as a principal reason, in French and English.

Each code covers inputs as the explanations name them (an application column, a group of columns, a history
group). `source` says where the input comes from; a notice cites only inputs the applicant provided (their
application) or their own credit history (`NOTICE_SOURCES`), never a protected attribute, never an input that was
not given. Every input the explanations can produce maps to one code, or is protected
(tests/unit/documents/test_letter.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..text import i18n

# Never a reason, whatever the model makes of them.
PROTECTED = ("CODE_GENDER", "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS")
NOTICE_SOURCES = ("application", "history")
MAX_REASONS = 4


@dataclass(frozen=True)
class ReasonCode:
    code: str
    fr: str
    en: str
    inputs: tuple
    source: str            # application, history, external (scores, social circle) or process (when applied)

    def text(self, lang: str) -> str:
        return self.fr if i18n.check_lang(lang) == "fr" else self.en


CATALOGUE = (
    ReasonCode("R01", "Montant du crédit élevé au regard de vos revenus ou du prix du bien",
               "Amount of credit high relative to your income or to the price of the goods",
               ("AMT_CREDIT", "AMT_GOODS_PRICE"), "application"),
    ReasonCode("R02", "Mensualité élevée au regard de vos revenus", "Instalment high relative to your income",
               ("AMT_ANNUITY",), "application"),
    ReasonCode("R03", "Niveau ou nature de vos revenus", "Level or type of your income",
               ("AMT_INCOME_TOTAL", "NAME_INCOME_TYPE"), "application"),
    ReasonCode("R04", "Ancienneté ou nature de votre emploi", "Length or type of your employment",
               ("DAYS_EMPLOYED", "OCCUPATION_TYPE", "ORGANIZATION_TYPE"), "application"),
    ReasonCode("R05", "Type de crédit demandé et conditions de la demande", "Type of credit and how it was applied for",
               ("NAME_CONTRACT_TYPE", "NAME_TYPE_SUITE"), "application"),
    ReasonCode("R06", "Situation de logement", "Housing situation",
               ("NAME_HOUSING_TYPE", "FLAG_OWN_REALTY", "group:building"), "application"),
    ReasonCode("R07", "Biens déclarés (véhicule)", "Assets declared (car)", ("FLAG_OWN_CAR", "OWN_CAR_AGE"),
               "application"),
    ReasonCode("R08", "Niveau d'études déclaré", "Level of education declared", ("NAME_EDUCATION_TYPE",),
               "application"),
    ReasonCode("R09", "Région de résidence ou de travail", "Region where you live or work",
               ("REGION_POPULATION_RELATIVE", "REGION_RATING_CLIENT", "REGION_RATING_CLIENT_W_CITY", "group:address"),
               "application"),
    ReasonCode("R10", "Changements récents d'adresse, de pièce d'identité ou de coordonnées",
               "Recent changes of address, identity document or contact details",
               ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH", "group:contact"), "application"),
    ReasonCode("R11", "Justificatifs fournis avec la demande", "Documents provided with the application",
               ("group:documents",), "application"),
    ReasonCode("R12", "Nombre de demandes de crédit récentes", "Number of recent credit applications",
               ("group:bureau_enquiries",), "application"),
    ReasonCode("R13", "Crédits en cours, retards ou dettes auprès d'autres organismes",
               "Credits running, arrears or debts at other lenders", ("history:bureau",), "history"),
    ReasonCode("R14", "Demandes de crédit précédentes chez nous (refus, annulations)",
               "Your previous credit applications with us (refused, cancelled)", ("history:previous",), "history"),
    ReasonCode("R15", "Régularité du remboursement de vos crédits précédents chez nous",
               "How regularly your previous credits with us were repaid", ("history:instalments",), "history"),
    ReasonCode("R16", "Utilisation et remboursement de votre carte de crédit",
               "Use and repayment of your credit card", ("history:credit_card",), "history"),
    ReasonCode("R17", "Scores de sources externes", "Scores from external sources",
               ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"), "external"),
    ReasonCode("R18", "Défauts de paiement dans votre entourage déclaré", "Payment defaults in your declared circle",
               ("group:social_circle",), "external"),
    ReasonCode("R19", "Moment de la demande", "When the application was made", ("group:application_time",),
               "process"),
)
BY_INPUT = {name: c for c in CATALOGUE for name in c.inputs}
BY_CODE = {c.code: c for c in CATALOGUE}


def _given(value) -> bool:
    if value is None or value is np.nan:
        return False
    return not (isinstance(value, float) and np.isnan(value))


def provided(name: str, decision, group_members: dict | None = None) -> bool:
    """Whether the applicant's file has the input: an application column given, a group with one given column,
    a history group of a known client (a prospect's history is not looked up, so not known)."""
    if name.startswith("history:"):
        return decision.client_id is not None
    if name.startswith("group:"):
        members = (group_members or {}).get(name, ())
        return any(_given(decision.inputs.get(c)) for c in members)
    return _given(decision.inputs.get(name))


def principal_reasons(decision, group_members: dict | None = None, count: int = MAX_REASONS) -> list[ReasonCode]:
    """Up to `count` codes, strongest first, from the inputs that raised the risk in this decision: each input's
    grouped contribution (log-odds) summed per code; only inputs provided and in NOTICE_SOURCES."""
    weights: dict[str, float] = {}
    for name, contribution in decision.contributions.items():
        code = BY_INPUT.get(name)
        if code is None or name in PROTECTED or code.source not in NOTICE_SOURCES or contribution <= 0:
            continue
        if not provided(name, decision, group_members):
            continue
        weights[code.code] = weights.get(code.code, 0.0) + float(contribution)
    ranked = sorted(weights, key=lambda c: -weights[c])
    return [BY_CODE[c] for c in ranked[:count]]


def group_members(feature_names: list[str]) -> dict[str, list[str]]:
    """Application columns behind each `group:` input, for `provided`."""
    from ..features.builder import application_group

    members: dict[str, list[str]] = {}
    for name in feature_names:
        group = application_group(name)
        if group is not None:
            members.setdefault(group, []).append(name)
    return members

"""The catalogue of reason codes: what a refusal letter gives as principal reasons, in French and English.

One ranking of reasons: a letter's reasons are the reasons against the officer saw (`decision.reasons`), in the same
order, each as its code (`letter_reasons`). Each code covers inputs as the explanations name them (an application
column, a group of columns, a history group); `source` says where the input comes from. Two codes belong to no
single input: the consultation of a credit bureau (the external scores, R17), and insufficient information (R20:
a value not known, a score the bureau did not return, no credit history), which is itself a principal reason. A
protected input is never cited and never replaced by a lower-ranked one: the letter then gives fewer reasons
(`withheld` says which, for the officer's view). Every input the explanations can produce maps to one code, or is
protected (tests/unit/documents/test_letter.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..text import i18n

# Never a reason, whatever the model makes of them.
PROTECTED = ("CODE_GENDER", "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS")
MAX_REASONS = 4
BUREAU_CODE = "R17"        # the external scores: a credit bureau was consulted
INSUFFICIENT_CODE = "R20"  # what was not known


@dataclass(frozen=True)
class ReasonCode:
    code: str
    fr: str
    en: str
    inputs: tuple
    source: str            # application, history, bureau (external scores), external (social circle), process
    #                        (when applied) or missing (insufficient information)

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
    ReasonCode("R17", "Consultation d'un bureau de crédit : scores externes défavorables",
               "Consultation of a credit bureau: unfavourable external scores",
               ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"), "bureau"),
    ReasonCode("R18", "Défauts de paiement dans votre entourage déclaré", "Payment defaults in your declared circle",
               ("group:social_circle",), "external"),
    ReasonCode("R19", "Moment de la demande", "When the application was made", ("group:application_time",),
               "process"),
    ReasonCode("R20", "Informations insuffisantes (score du bureau de crédit non disponible, donnée non connue ou "
               "absence d'historique de crédit)",
               "Insufficient information (no credit bureau score available, information not known or no credit "
               "history)", (), "missing"),
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


def reason_code(reason, decision, group_members: dict | None = None) -> ReasonCode | None:
    """The code a letter gives for one of the officer's reasons against; None for a protected input (never cited).
    A value not known (a field left empty, a score the bureau did not return, no credit history) is insufficient
    information, whatever the input; a bureau score given is the bureau consultation."""
    name = reason.input
    if name in PROTECTED:
        return None
    if reason.missing or not provided(name, decision, group_members):
        return BY_CODE[INSUFFICIENT_CODE]
    return BY_INPUT.get(name)


def letter_reasons(decision, group_members: dict | None = None, count: int = MAX_REASONS) -> list[ReasonCode]:
    """Up to `count` codes: those of the reasons against the officer sees, in the same order, each code once."""
    codes: list[ReasonCode] = []
    for reason in decision.reasons:
        if reason.direction != "against":
            continue
        code = reason_code(reason, decision, group_members)
        if code is not None and code not in codes:
            codes.append(code)
    return codes[:count]


def withheld(decision) -> list:
    """The officer's reasons against that a letter may not cite (protected inputs): said in the officer's view."""
    return [r for r in decision.reasons if r.direction == "against" and r.input in PROTECTED]


def group_members(feature_names: list[str]) -> dict[str, list[str]]:
    """Application columns behind each `group:` input, for `provided`."""
    from ..features.builder import application_group

    members: dict[str, list[str]] = {}
    for name in feature_names:
        group = application_group(name)
        if group is not None:
            members.setdefault(group, []).append(name)
    return members

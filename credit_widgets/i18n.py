"""French and English: every sentence the core produces, and numbers formatted the way each language writes them."""
from __future__ import annotations

import math

LANGUAGES = ("fr", "en")
NNBSP = "\u202f"  # French thousands separator and space before % and units

TEXTS: dict[str, dict[str, str]] = {
    "favourable": {"fr": "Favorable", "en": "Favourable"},
    "unfavourable": {"fr": "Défavorable", "en": "Unfavourable"},
    "raises_risk": {"fr": "augmente le risque", "en": "raises the risk"},
    "lowers_risk": {"fr": "réduit le risque", "en": "lowers the risk"},
    "repaid_median": {"fr": "clients ayant remboursé : médiane {value}", "en": "clients who repaid: median {value}"},
    "group_rate": {"fr": "taux de défaut de ce groupe {rate}, contre {overall} en moyenne",
                   "en": "default rate in this group {rate}, against {overall} on average"},
    "missing_value": {"fr": "non renseigné", "en": "not given"},
    "not_employed": {"fr": "sans emploi salarié (retraité ou sans emploi)",
                     "en": "not in employment (pensioner or unemployed)"},
    "history:bureau": {"fr": "Historique de crédit auprès d'autres organismes",
                       "en": "Credit history at other lenders"},
    "history:previous": {"fr": "Demandes de crédit précédentes chez nous", "en": "Previous applications with us"},
    "history:instalments": {"fr": "Remboursement des crédits précédents", "en": "Repayment of previous loans"},
    "history:credit_card": {"fr": "Utilisation de la carte de crédit", "en": "Credit card usage"},
    "no_history": {"fr": "aucun historique", "en": "no history"},
    "group:documents": {"fr": "Pièces justificatives fournies", "en": "Documents provided"},
    "group:bureau_enquiries": {"fr": "Consultations récentes du bureau de crédit",
                               "en": "Recent credit bureau enquiries"},
    "group:social_circle": {"fr": "Défauts dans l'entourage", "en": "Defaults in the social circle"},
    "group:address": {"fr": "Cohérence des adresses (domicile, travail)", "en": "Home and work address consistency"},
    "group:contact": {"fr": "Coordonnées fournies", "en": "Contact details given"},
    "group:application_time": {"fr": "Moment de la demande", "en": "Time of the application"},
    "group:building": {"fr": "Caractéristiques du logement (immeuble)", "en": "Building characteristics"},
    "group_fact": {"fr": "{label}", "en": "{label}"},
    # one sentence per reason metric: {value} is the applicant's, formatted
    "metric:ANNUITY_INCOME_RATIO": {"fr": "la mensualité représente {value} du revenu",
                                    "en": "the annuity is {value} of income"},
    "metric:CREDIT_INCOME_RATIO": {"fr": "le crédit vaut {value} fois le revenu annuel",
                                   "en": "the credit is {value} times annual income"},
    "metric:CREDIT_GOODS_RATIO": {"fr": "le crédit représente {value} du prix du bien",
                                  "en": "the credit is {value} of the goods price"},
    "metric:CREDIT_TERM": {"fr": "durée de remboursement de {value} mensualités",
                           "en": "repaid over {value} instalments"},
    "metric:BUREAU_ACTIVE_COUNT": {"fr": "{value} crédit(s) en cours ailleurs", "en": "{value} active credit(s) elsewhere"},
    "metric:BB_LATE_SHARE": {"fr": "retards sur {value} des mois déclarés ailleurs",
                             "en": "late on {value} of the months reported elsewhere"},
    "metric:PREV_REFUSED_SHARE": {"fr": "{value} des demandes précédentes refusées",
                                  "en": "{value} of previous applications refused"},
    "metric:INST_LATE_SHARE": {"fr": "{value} des échéances payées en retard", "en": "{value} of instalments paid late"},
    "metric:CC_USAGE_MEAN": {"fr": "carte utilisée à {value} de son plafond en moyenne",
                             "en": "card used at {value} of its limit on average"},
    "metric:plain": {"fr": "{label} : {value}", "en": "{label}: {value}"},
    # input errors
    "error:unknown_client": {"fr": "Le client {value} est inconnu.", "en": "Client {value} is unknown."},
    "error:unknown_field": {"fr": "« {field} » n'est pas une donnée de la demande de crédit.",
                            "en": "“{field}” is not a field of the credit application."},
    "error:type_number": {"fr": "{label} doit être un nombre.", "en": "{label} must be a number."},
    "error:type_text": {"fr": "{label} doit être un texte.", "en": "{label} must be text."},
    "error:not_finite": {"fr": "{label} doit être un nombre fini.", "en": "{label} must be a finite number."},
    "error:range": {"fr": "{label} doit être compris entre {min} et {max}.",
                    "en": "{label} must be between {min} and {max}."},
    "error:choice": {"fr": "{label} doit être l'une des valeurs : {choices}.",
                     "en": "{label} must be one of: {choices}."},
    "error:annuity_above_credit": {"fr": "La mensualité ne peut pas dépasser le montant du crédit.",
                                   "en": "The annuity cannot exceed the credit amount."},
    "error:children_above_family": {"fr": "Le nombre d'enfants dépasse la taille du foyer.",
                                    "en": "The number of children exceeds the family size."},
    "error:employed_before_birth": {"fr": "L'ancienneté dans l'emploi dépasse l'âge moins 14 ans.",
                                    "en": "Years employed exceed the age minus 14."},
    "error:not_a_mapping": {"fr": "Les données du prospect doivent être une liste de champs et de valeurs.",
                            "en": "Prospect data must be a mapping of fields to values."},
    "error:unknown_column": {"fr": "« {field} » n'est pas une donnée disponible.",
                             "en": "“{field}” is not an available input."},
    # suggestions
    "change:AMT_CREDIT": {"fr": "Réduire le crédit à {value}", "en": "Lower the credit to {value}"},
    "change:AMT_ANNUITY": {"fr": "Allonger la durée : mensualité de {value}",
                           "en": "Lengthen the term: annuity of {value}"},
    "change:AMT_INCOME_TOTAL": {"fr": "Ajouter un co-emprunteur : revenu du foyer de {value}",
                                "en": "Add a co-applicant: household income of {value}"},
    "change:AMT_GOODS_PRICE": {"fr": "Apport personnel : crédit de {value} pour le même bien",
                               "en": "Down payment: credit of {value} for the same goods"},
    "change:more_credit": {"fr": "Crédit possible jusqu'à {value}", "en": "Credit possible up to {value}"},
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    return lang


def t(key: str, lang: str, **values) -> str:
    return TEXTS[key][check_lang(lang)].format(**values)


def _group(digits: str, sep: str) -> str:
    head, _, tail = digits.partition(".")
    sign = "-" if head.startswith("-") else ""
    head = head.lstrip("-")
    groups = []
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    groups.insert(0, head)
    return sign + sep.join(groups) + (("," if sep == NNBSP else ".") + tail if tail else "")


def number(value, lang: str, decimals: int = 0) -> str:
    """12 345,6 in French, 12,345.6 in English; a dash for missing."""
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _group(f"{float(value):.{decimals}f}", NNBSP if lang == "fr" else ",")


def amount(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{number(value, lang)}{NNBSP}€" if lang == "fr" else f"€{number(value, lang)}"


def percent(share, lang: str, decimals: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{number(100 * share, lang, decimals)}{NNBSP}%" if lang == "fr" else f"{number(100 * share, lang, decimals)}%"


def years(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{number(value, lang, 0 if value >= 10 else 1)} ans" if lang == "fr" else \
        f"{number(value, lang, 0 if value >= 10 else 1)} years"

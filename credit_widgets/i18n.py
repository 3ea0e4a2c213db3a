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
    "label:ANNUITY_INCOME_RATIO": {"fr": "Mensualité / revenu", "en": "Annuity / income"},
    "label:CREDIT_INCOME_RATIO": {"fr": "Crédit / revenu annuel", "en": "Credit / annual income"},
    "label:CREDIT_TERM": {"fr": "Durée (nombre de mensualités)", "en": "Term (number of instalments)"},
    "label:EXT_SOURCE_MEAN": {"fr": "Score externe moyen", "en": "Average external score"},
    "label:BUREAU_ACTIVE_COUNT": {"fr": "Crédits en cours ailleurs", "en": "Active credits elsewhere"},
    "label:INST_LATE_SHARE": {"fr": "Part des échéances payées en retard", "en": "Share of instalments paid late"},
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
    "error:empty_row": {"fr": "Ligne vide : donnez SK_ID_CURR pour un client connu, ou les données de la demande "
                              "pour un prospect.",
                        "en": "Empty row: give SK_ID_CURR for a known client, or application columns for a prospect."},
    "error:service_down": {"fr": "Le service de scoring ({url}) ne répond pas : réessayez dans un instant.",
                           "en": "The scoring service ({url}) is not answering: try again in a moment."},
    "error:service_refused": {"fr": "Le service de scoring a refusé la demande : {detail}",
                              "en": "The scoring service refused the request: {detail}"},
    # suggestions
    "change:AMT_CREDIT": {"fr": "Réduire le crédit à {value}", "en": "Lower the credit to {value}"},
    "change:AMT_ANNUITY": {"fr": "Allonger la durée : mensualité de {value}",
                           "en": "Lengthen the term: annuity of {value}"},
    "change:AMT_INCOME_TOTAL": {"fr": "Ajouter un co-emprunteur : revenu du foyer de {value}",
                                "en": "Add a co-applicant: household income of {value}"},
    "change:AMT_GOODS_PRICE": {"fr": "Apport personnel : crédit de {value} pour le même bien",
                               "en": "Down payment: credit of {value} for the same goods"},
    "change:more_credit": {"fr": "Crédit possible jusqu'à {value}", "en": "Credit possible up to {value}"},
    # the loan officer's page
    "ui:title": {"fr": "Prêt à dépenser · aide à la décision de crédit", "en": "Prêt à dépenser · credit decision aid"},
    "ui:mode_client": {"fr": "Client existant", "en": "Existing client"},
    "ui:mode_prospect": {"fr": "Prospect", "en": "Prospect"},
    "ui:client_id": {"fr": "Identifiant client", "en": "Client ID"},
    "ui:client_id_hint": {"fr": "Saisissez l'identifiant (SK_ID_CURR) : la réponse s'affiche dès qu'il est reconnu.",
                          "en": "Type the ID (SK_ID_CURR): the answer appears as soon as it is recognised."},
    "ui:close_ids": {"fr": "Identifiants proches : {ids}", "en": "Close IDs: {ids}"},
    "ui:digits_only": {"fr": "Un identifiant ne contient que des chiffres.", "en": "An ID contains digits only."},
    "ui:key_facts": {"fr": "Le dossier", "en": "The file"},
    "ui:form_intro": {"fr": "Renseignez la situation du prospect : la réponse se met à jour à chaque champ validé "
                            "(Entrée ou changement de champ). Laissez vide ce qui n'est pas connu.",
                      "en": "Fill in the prospect's situation: the answer updates at each field you confirm "
                            "(Enter or moving to another field). Leave blank what is not known."},
    "ui:thin_file": {"fr": "Dossier sans historique de crédit : la décision repose sur la seule demande.",
                     "en": "No credit history on file: the decision rests on the application alone."},
    "ui:probability": {"fr": "Probabilité de défaut : {p} · seuil de décision : {t} · marge : {m} points",
                       "en": "Default probability: {p} · decision threshold: {t} · margin: {m} points"},
    "ui:borderline": {"fr": "Cas limite : proche du seuil, à examiner avec soin",
                      "en": "Borderline: close to the threshold, look closely"},
    "ui:rare": {"fr": "Profil atypique : peu de clients comparables, prudence",
                "en": "Rare profile: few comparable clients, be careful"},
    "ui:why": {"fr": "Pourquoi cette réponse", "en": "Why this answer"},
    "ui:against": {"fr": "Ce qui pèse contre", "en": "What weighs against"},
    "ui:for": {"fr": "Ce qui joue en faveur", "en": "What counts in favour"},
    "ui:waterfall_caption": {"fr": "Contribution de chaque élément au risque (barres vers la droite : risque accru).",
                             "en": "Contribution of each input to the risk (bars to the right: higher risk)."},
    "ui:standing": {"fr": "Situation par rapport aux clients", "en": "Standing among clients"},
    "ui:position_of": {"fr": "Donnée comparée", "en": "Compared input"},
    "ui:percentiles": {"fr": "Valeur {v} : plus élevée que {all} % des clients ({r} % de ceux qui ont remboursé, "
                             "{d} % de ceux en défaut).",
                       "en": "Value {v}: higher than {all}% of clients ({r}% of those who repaid, "
                             "{d}% of those who defaulted)."},
    "ui:not_placed": {"fr": "Donnée non renseignée : le dossier n'est pas placé.",
                      "en": "Input not given: the file is not placed."},
    "ui:repaid": {"fr": "ont remboursé", "en": "repaid"},
    "ui:defaulted": {"fr": "en défaut", "en": "defaulted"},
    "ui:applicant": {"fr": "ce dossier", "en": "this file"},
    "ui:scatter_x": {"fr": "Axe horizontal", "en": "Horizontal axis"},
    "ui:scatter_y": {"fr": "Axe vertical", "en": "Vertical axis"},
    "ui:similar": {"fr": "Parmi les {n} clients les plus proches : {rate} en défaut (tous clients : {overall}).",
                   "en": "Among the {n} closest clients: {rate} defaulted (all clients: {overall})."},
    "ui:change": {"fr": "Ce qui changerait la réponse", "en": "What would change the answer"},
    "ui:no_suggestion": {"fr": "Aucun changement réaliste du crédit demandé ne suffit à rendre la réponse favorable.",
                         "en": "No realistic change of the requested loan is enough to make the answer favourable."},
    "ui:margin_note": {"fr": "Réponse favorable avec une marge de {m} points.",
                       "en": "Favourable answer with a margin of {m} points."},
    "ui:apply": {"fr": "Appliquer", "en": "Apply"},
    "ui:new_probability": {"fr": "probabilité {p}", "en": "probability {p}"},
    "ui:outcome": {"fr": "Issue de l'entretien", "en": "Outcome of the meeting"},
    "ui:follows": {"fr": "Je suis l'avis", "en": "I follow the advice"},
    "ui:overrides": {"fr": "Je ne suis pas l'avis", "en": "I override the advice"},
    "ui:override_reason": {"fr": "Motif (obligatoire si vous ne suivez pas l'avis)",
                           "en": "Reason (required when overriding the advice)"},
    "ui:record": {"fr": "Enregistrer", "en": "Record"},
    "ui:recorded": {"fr": "Issue enregistrée dans le journal d'audit.", "en": "Outcome recorded in the audit log."},
    "ui:busy": {"fr": "Le service est très sollicité en ce moment. Merci de réessayer dans un instant.",
                "en": "The service is busy right now. Please try again in a moment."},
    "ui:officer": {"fr": "Connecté : {who}", "en": "Signed in: {who}"},
    "ui:officer_unknown": {"fr": "Agent non identifié : les décisions seront enregistrées sans nom.",
                           "en": "Officer not identified: decisions will be recorded without a name."},
    "ui:reason_needed": {"fr": "Indiquez le motif pour lequel vous ne suivez pas l'avis.",
                         "en": "Give the reason for overriding the advice."},
    "ui:download": {"fr": "Télécharger la synthèse", "en": "Download the summary"},
    "ui:unexpected": {"fr": "Une erreur inattendue est survenue ; vos saisies sont conservées. Réessayez ou "
                            "signalez-la.",
                      "en": "An unexpected error occurred; what you typed is kept. Try again or report it."},
    "ui:audit_failed": {"fr": "Le journal d'audit n'a pas pu être écrit : {why}",
                        "en": "The audit log could not be written: {why}"},
    "ui:yes": {"fr": "Oui", "en": "Yes"},
    "ui:no": {"fr": "Non", "en": "No"},
    "ui:unknown": {"fr": "—", "en": "—"},
    "report:title": {"fr": "Synthèse de la décision de crédit", "en": "Credit decision summary"},
    "report:date": {"fr": "Date", "en": "Date"},
    "report:model": {"fr": "Modèle", "en": "Model"},
    "report:footer": {"fr": "Cette synthèse explique l'avis du modèle de score ; la décision finale appartient au "
                            "conseiller.",
                      "en": "This summary explains the scoring model's advice; the final decision is the "
                            "officer's."},
}


# French names of the category levels an officer reads (the data keeps Home Credit's English codes).
LEVELS_FR = {
    "F": "Femme", "M": "Homme",
    "Cash loans": "Prêt personnel", "Revolving loans": "Crédit renouvelable",
    "Secondary / secondary special": "Secondaire", "Higher education": "Supérieur",
    "Incomplete higher": "Supérieur non terminé", "Lower secondary": "Premier cycle du secondaire",
    "Academic degree": "Doctorat",
    "Married": "Marié(e)", "Single / not married": "Célibataire", "Civil marriage": "Union libre / PACS",
    "Separated": "Séparé(e)", "Widow": "Veuf / veuve",
    "House / apartment": "Propriétaire (maison / appartement)", "With parents": "Chez ses parents",
    "Municipal apartment": "Logement social", "Rented apartment": "Locataire",
    "Office apartment": "Logement de fonction", "Co-op apartment": "Coopérative",
    "Working": "Salarié(e)", "Commercial associate": "Commercial / associé", "Pensioner": "Retraité(e)",
    "State servant": "Fonctionnaire", "Unemployed": "Sans emploi", "Student": "Étudiant(e)",
    "Businessman": "Chef d'entreprise", "Maternity leave": "Congé maternité",
    "Unaccompanied": "Seul(e)", "Family": "Famille", "Spouse, partner": "Conjoint(e)", "Children": "Enfants",
    "Group of people": "Groupe", "Other_A": "Autre", "Other_B": "Autre",
    "Y": "Oui", "N": "Non",
}
LEVELS_EN = {"F": "Woman", "M": "Man", "Y": "Yes", "N": "No"}


def level(value: str, lang: str) -> str:
    """A category level as the officer reads it; levels without a translation are shown as the data has them."""
    return (LEVELS_FR if check_lang(lang) == "fr" else LEVELS_EN).get(value, value)


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

"""Every sentence a person reads, in French and English: `i18n.t(key, lang, **values)` fills them in.

Keys are grouped by prefix: none for the core's sentences (reasons, verdicts, input errors), `ui:` the page, `label:`
the inputs' names, `recourse:` / `notice:` what would change the answer and the refusal notice, `monitor:` / `chart:`
the model-risk view. tests/unit/text/test_i18n.py checks both languages, the same placeholders and that every key is
used.
"""
from __future__ import annotations

from .catalogue_monitor import MONITOR_TEXTS

TEXTS: dict[str, dict[str, str]] = {
    "favourable": {"fr": "Favorable", "en": "Favourable"},
    "unfavourable": {"fr": "Défavorable", "en": "Unfavourable"},
    "repaid_median": {"fr": "clients ayant remboursé : médiane {value}", "en": "clients who repaid: median {value}"},
    "group_rate": {"fr": "taux de défaut de ce groupe {rate}, contre {overall} en moyenne",
                   "en": "default rate in this group {rate}, against {overall} on average"},
    "missing_value": {"fr": "non renseigné", "en": "not given"},
    "missing_bureau": {"fr": "aucun score du bureau de crédit disponible", "en": "no bureau score available"},
    "not_employed": {"fr": "sans emploi salarié (retraité ou sans emploi)",
                     "en": "not in employment (pensioner or unemployed)"},
    "history:bureau": {"fr": "Historique de crédit auprès d'autres organismes",
                       "en": "Credit history at other lenders"},
    "history:previous": {"fr": "Demandes de crédit précédentes chez nous", "en": "Previous applications with us"},
    "history:instalments": {"fr": "Remboursement des crédits précédents", "en": "Repayment of previous loans"},
    "history:credit_card": {"fr": "Utilisation de la carte de crédit", "en": "Credit card usage"},
    "no_history": {"fr": "aucun historique", "en": "no history"},
    "label:ANNUITY_INCOME_RATIO": {"fr": "Mensualité / revenu mensuel", "en": "Instalment / monthly income"},
    "label:CREDIT_INCOME_RATIO": {"fr": "Crédit / revenu mensuel", "en": "Credit / monthly income"},
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
    # one sentence per reason metric: {value} is the applicant's, formatted
    "metric:ANNUITY_INCOME_RATIO": {"fr": "la mensualité représente {value} du revenu mensuel",
                                    "en": "the monthly instalment is {value} of monthly income"},
    "metric:CREDIT_INCOME_RATIO": {"fr": "le crédit vaut {value} fois le revenu mensuel",
                                   "en": "the credit is {value} times monthly income"},
    "metric:CREDIT_GOODS_RATIO": {"fr": "le crédit représente {value} du prix du bien",
                                  "en": "the credit is {value} of the goods price"},
    "metric:CREDIT_TERM": {"fr": "durée de remboursement de {value} mensualités",
                           "en": "repaid over {value} instalments"},
    "metric:BUREAU_ACTIVE_COUNT": {"fr": "{value} crédit(s) en cours ailleurs",
                                   "en": "{value} active credit(s) elsewhere"},
    "metric:BB_LATE_SHARE": {"fr": "retards sur {value} des mois déclarés ailleurs",
                             "en": "late on {value} of the months reported elsewhere"},
    "metric:PREV_REFUSED_SHARE": {"fr": "{value} des demandes précédentes refusées",
                                  "en": "{value} of previous applications refused"},
    "metric:INST_LATE_SHARE": {"fr": "{value} des échéances payées en retard",
                               "en": "{value} of instalments paid late"},
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
                                   "en": "The monthly instalment cannot exceed the credit amount."},
    "error:ambiguous_number": {"fr": "{label} : « {text} » est ambigu ({whole} ou {decimal} ?). Écrivez-le sans "
                                     "séparateur de milliers, ou avec des espaces (1 350).",
                               "en": "{label}: “{text}” is ambiguous ({whole} or {decimal}?). Write it without a "
                                     "thousands separator, or with spaces (1 350)."},
    "error:required": {"fr": "{label} : à renseigner pour obtenir une réponse.",
                       "en": "{label}: needed for an answer."},
    "error:goods_price_with_credit": {"fr": "Le prix du bien ne va pas avec le crédit : il doit être compris entre "
                                            "le quart et quatre fois le montant du crédit.",
                                      "en": "The goods price does not go with the credit: it must lie between a "
                                            "quarter of the credit amount and four times it."},
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
    "change:AMT_ANNUITY": {"fr": "Allonger la durée : mensualité de {value}",
                           "en": "Lengthen the term: monthly instalment of {value}"},
    "change:AMT_INCOME_TOTAL": {"fr": "Ajouter un co-emprunteur : revenu mensuel du foyer de {value}",
                                "en": "Add a co-applicant: monthly household income of {value}"},
    "change:AMT_GOODS_PRICE": {"fr": "Apport personnel : crédit de {value} pour le même bien",
                               "en": "Down payment: credit of {value} for the same goods"},
    "change:more_credit": {"fr": "Crédit possible jusqu'à {value}", "en": "Credit possible up to {value}"},
    # the loan officer's page
    "ui:title": {"fr": "Prêt à dépenser · aide à la décision de crédit", "en": "Prêt à dépenser · credit decision aid"},
    "ui:mode_client": {"fr": "Client existant", "en": "Existing client"},
    "ui:mode_prospect": {"fr": "Prospect", "en": "Prospect"},
    "ui:client_id": {"fr": "Identifiant client", "en": "Client ID"},
    "ui:client_id_placeholder": {"fr": "ex. : identifiant à 6 chiffres", "en": "e.g. a 6-digit ID"},
    "ui:apply_suggestion": {"fr": "Simuler : {summary}", "en": "Simulate: {summary}"},
    "ui:client_id_hint": {"fr": "Saisissez l'identifiant (SK_ID_CURR) : la réponse s'affiche dès qu'il est reconnu.",
                          "en": "Type the ID (SK_ID_CURR): the answer appears as soon as it is recognised."},
    "ui:close_ids": {"fr": "Identifiants proches : {ids}", "en": "Close IDs: {ids}"},
    "ui:key_facts": {"fr": "Le dossier", "en": "The file"},
    "ui:form_intro": {"fr": "Renseignez la situation du prospect : la réponse se met à jour à chaque champ validé "
                            "(Entrée ou changement de champ). Laissez vide ce qui n'est pas connu.",
                      "en": "Fill in the prospect's situation: the answer updates at each field you confirm "
                            "(Enter or moving to another field). Leave blank what is not known."},
    "ui:bureau_note": {"fr": "Les scores externes 1 à 3 viennent du bureau de crédit consulté, pas du prospect. "
                             "Laissés vides, ils comptent comme « aucun score du bureau disponible » : la réponse "
                             "est alors plus prudente et, en cas de refus, le courrier cite des informations "
                             "insuffisantes.",
                       "en": "External scores 1 to 3 come from the credit bureau consulted, not from the prospect. "
                             "Left empty, they count as \"no bureau score available\": the answer is then more "
                             "cautious and, on a refusal, the letter cites insufficient information."},
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
    "ui:no_decision": {"fr": "Pas de réponse tant que la demande n'est pas complète et correcte :",
                       "en": "No answer until the application is complete and correct:"},
    "ui:decided_by_client": {"fr": "Modèle des clients connus (la demande et l'historique de crédit).",
                             "en": "Known clients' model (the application and the credit history)."},
    "ui:decided_by_application": {"fr": "Modèle des nouveaux demandeurs (ce que le formulaire demande, seul).",
                                  "en": "New applicants' model (what the form asks, alone)."},
    "ui:no_decision_client": {"fr": "Pas de réponse :", "en": "No answer:"},
    "ui:example": {"fr": "Remplir avec un exemple", "en": "Fill with an example"},
    "ui:example_note": {"fr": "Exemple fictif, pas un demandeur : aucune décision n'est enregistrée ni téléchargeable.",
                        "en": "Fictitious example, not an applicant: no decision is recorded or downloadable."},
    "ui:new_prospect": {"fr": "Nouveau prospect (vider le formulaire)", "en": "New prospect (clear the form)"},
    "ui:required_note": {"fr": "Revenu, montant du crédit et mensualité sont nécessaires pour une réponse.",
                         "en": "Income, credit amount and monthly instalment are needed for an answer."},
    "ui:simulation": {"fr": "Simulation, pas la demande telle qu'elle est : {changes}.",
                      "en": "Simulation, not the application as it is: {changes}."},
    "ui:simulation_original": {"fr": "Réponse pour la demande telle qu'elle est : {verdict}, probabilité {p}.",
                               "en": "Answer for the application as it is: {verdict}, probability {p}."},
    "ui:undo": {"fr": "Annuler la simulation", "en": "Undo the simulation"},
    "ui:key_facts_simulation": {"fr": "simulation", "en": "simulation"},
    "ui:already_recorded": {"fr": "Cette issue est déjà enregistrée pour cette décision.",
                            "en": "This outcome is already recorded for this decision."},
    "ui:amended": {"fr": "Issue modifiée : l'amendement est enregistré et remplace l'issue précédente ({before}).",
                   "en": "Outcome changed: the amendment is recorded and replaces the previous outcome ({before})."},
    "ui:amend": {"fr": "Modifier l'issue", "en": "Change the outcome"},
    "ui:waterfall_from_to": {"fr": "De {base} (client moyen) à {p} (ce dossier), en points de probabilité.",
                             "en": "From {base} (average client) to {p} (this file), in probability points."},
    "ui:other_inputs": {"fr": "Autres éléments", "en": "Other inputs"},
    "ui:share_of_clients": {"fr": "Part des clients", "en": "Share of clients"},
    "ui:rests_on": {"fr": "Sans historique de crédit, la réponse repose sur la demande seule, surtout : {inputs}.",
                    "en": "With no credit history, the answer rests on the application alone, mainly: {inputs}."},
    "ui:officer_view": {"fr": "Vue du conseiller", "en": "Officer's view"},
    "ui:yes": {"fr": "Oui", "en": "Yes"},
    "ui:no": {"fr": "Non", "en": "No"},
    "report:title": {"fr": "Synthèse de la décision de crédit", "en": "Credit decision summary"},
    "report:date": {"fr": "Date", "en": "Date"},
    "report:model": {"fr": "Modèle", "en": "Model"},
    "report:prospect": {"fr": "Prospect, référence", "en": "Prospect, reference"},
    "report:reference": {"fr": "Référence d'audit", "en": "Audit reference"},
    "report:officer": {"fr": "Conseiller", "en": "Officer"},
    "report:inputs": {"fr": "Données de la demande", "en": "Application data"},
    "report:no_outcome": {"fr": "Issue de l'entretien pas encore enregistrée.",
                          "en": "Outcome of the meeting not recorded yet."},
    "report:footer": {"fr": "Cette synthèse explique l'avis du modèle de score ; la décision finale appartient au "
                            "conseiller.",
                      "en": "This summary explains the scoring model's advice; the final decision is the "
                            "officer's."},
}

# ---- what would change the answer (recourse.py) and the refusal notice (notice.py): kept in one block --------------
TEXTS.update({
    "recourse:annuity_note": {"fr": "(mensualité {value})", "en": "(monthly instalment {value})"},
    "recourse:term": {"fr": "durée d'environ {months} mois", "en": "term of about {months} months"},
    "recourse:smaller_purchase": {"fr": "Bien moins cher : bien de {goods}, crédit de {value}",
                                  "en": "A cheaper purchase: goods of {goods}, credit of {value}"},
    "recourse:settle_overdue": {"fr": "Régler les {amount} en retard auprès d'un autre organisme (visible sous "
                                      "{months} mois environ)",
                                "en": "Settle the {amount} overdue at another lender (seen within about "
                                      "{months} month(s))"},
    "recourse:repay_debt": {"fr": "Rembourser {amount} des crédits en cours auprès d'autres organismes (visible "
                                  "sous {months} mois environ)",
                            "en": "Repay {amount} of the credits running at other lenders (seen within about "
                                  "{months} month(s))"},
    "recourse:close_credits": {"fr": "Rembourser et clôturer {count} crédit(s) en cours auprès d'autres organismes, "
                                     "environ {amount} (visible sous {months} mois environ)",
                               "en": "Repay and close {count} credit(s) running at other lenders, about {amount} "
                                     "(seen within about {months} month(s))"},
    "recourse:card_balance": {"fr": "Solder la carte de crédit (solde moyen {amount}) et la laisser à zéro pendant "
                                    "{months} mois",
                              "en": "Pay off the credit card (average balance {amount}) and keep it at zero for "
                                    "{months} months"},
    "recourse:enquiries": {"fr": "Ne faire aucune nouvelle demande de crédit pendant {months} mois{amount}",
                           "en": "Make no new credit application for {months} months{amount}"},
    "recourse:flip": {"fr": "{step} : la réponse devient favorable (probabilité {to}, seuil {t})",
                      "en": "{step}: the answer becomes favourable (probability {to}, threshold {t})"},
    "recourse:partial": {"fr": "{step} : le risque passe de {from} à {to} ; le seuil est {t} (étape partielle)",
                         "en": "{step}: the risk goes from {from} to {to}; the threshold is {t} (partial step)"},
    "recourse:headroom": {"fr": "{step} (probabilité {to}, seuil {t})",
                          "en": "{step} (probability {to}, threshold {t})"},
    "notice:reference": {"fr": "Référence de la décision : {reference} · version du modèle : {version}",
                         "en": "Decision reference: {reference} · model version: {version}"},
    "notice:reasons": {"fr": "Principales raisons", "en": "Principal reasons"},
    "notice:no_reason": {"fr": "Aucune raison ne peut être citée à partir des seules données que vous avez fournies.",
                         "en": "No reason can be given from the information you provided alone."},
    "notice:improve": {"fr": "Ce qui améliorerait la réponse", "en": "What would improve the answer"},
    "notice:nothing_to_improve": {"fr": "Aucun changement réaliste n'a été trouvé.",
                                  "en": "No realistic change was found."},
    "notice:review": {"fr": "Vous pouvez demander qu'une personne réexamine cette décision : répondez à ce courrier "
                            "ou adressez-vous à votre conseiller dans les 30 jours, "
                            "en citant la référence {reference}. "
                            "Vous pouvez y joindre vos observations et tout document utile.",
                      "en": "You may ask for this decision to be reviewed by a person: reply to this notice or "
                            "contact your adviser within 30 days, quoting the reference {reference}. You may add "
                            "your comments and any useful document."},
    "notice:officer": {"fr": "Votre conseiller : {officer}", "en": "Your adviser: {officer}"},
    "notice:footer": {"fr": "Cette réponse repose sur un modèle de score statistique et sur les informations de votre "
                            "dossier ; elle ne préjuge pas d'une nouvelle demande.",
                      "en": "This answer rests on a statistical scoring model and on the information in your file; "
                            "it does not prejudge a new application."},
    "notice:favourable_next": {"fr": "Votre conseiller vous communiquera l'offre et ses conditions.",
                               "en": "Your adviser will send you the offer and its terms."},
})

# ---- the model-risk view (monitor.ipynb): its own module, merged here ------------------------------------------
TEXTS.update(MONITOR_TEXTS)

# ---- the final decision (advice + the officer's outcome) and the customer's letter derived from it ----------------
TEXTS.update({
    "final:accepted": {"fr": "Décision finale : demande de crédit acceptée, le {when}.",
                       "en": "Final decision: credit application accepted, on {when}."},
    "final:refused": {"fr": "Décision finale : demande de crédit refusée, le {when}.",
                      "en": "Final decision: credit application refused, on {when}."},
    "final:advice": {"fr": "Avis du modèle de score : {verdict} (probabilité de défaut {p}).",
                     "en": "Scoring model's advice: {verdict} (default probability {p})."},
    "final:officer": {"fr": "Décision du conseiller : {did}.", "en": "Officer's decision: {did}."},
    "letter:title_accepted": {"fr": "Acceptation de votre demande de crédit",
                              "en": "Acceptance of your credit application"},
    "letter:title_refused": {"fr": "Notification de refus de crédit", "en": "Notice of credit refusal"},
    "letter:client": {"fr": "Client n° {client}", "en": "Client no. {client}"},
    "letter:prospect": {"fr": "Demande référence {reference}", "en": "Application reference {reference}"},
    "letter:terms": {"fr": "Conditions de l'offre", "en": "Terms of the offer"},
    "letter:offer": {"fr": "L'offre diffère de votre demande : chaque changement est indiqué ci-dessous.",
                     "en": "The offer differs from your application: each change is shown below."},
    "letter:asked": {"fr": "demandé :", "en": "applied for:"},
    "letter:bureau": {"fr": "Cette décision s'appuie notamment sur la consultation d'un bureau de crédit (scores "
                            "externes). Vous pouvez demander à ce bureau les informations qu'il détient sur vous et "
                            "leur rectification.",
                      "en": "This decision rests in part on the consultation of a credit bureau (external scores). "
                            "You may ask that bureau for the information it holds on you and have it corrected."},
    "report:working_view": {"fr": "Vue de travail du conseiller : aucune issue n'est encore enregistrée, ce document "
                                  "n'est pas destiné au client.",
                            "en": "Officer's working view: no outcome is recorded yet; this is not a document for "
                                  "the customer."},
    "report:withheld": {"fr": "Non cité dans le courrier (donnée protégée) : {inputs}. Le courrier donne les autres "
                              "raisons, sans les remplacer par une raison de rang inférieur.",
                        "en": "Not cited in the letter (protected input): {inputs}. The letter gives the other "
                              "reasons, without replacing it by a lower-ranked one."},
    "ui:as_said": {"fr": "{text}", "en": "{text}"},
    "ui:on_record": {"fr": "Issue enregistrée : {said}.", "en": "Outcome on record: {said}."},
    "ui:recorded_elsewhere": {"fr": "Une issue a été enregistrée entre-temps pour ce dossier : {said}. Rien n'a été "
                                    "écrit ; cliquez à nouveau pour la modifier.",
                              "en": "An outcome was recorded meanwhile for this file: {said}. Nothing was written; "
                                    "click again to change it."},
})

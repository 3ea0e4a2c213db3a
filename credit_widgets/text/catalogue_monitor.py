"""The model-risk view's sentences (monitor.ipynb): headings, chart labels, and the sentences built from its figures.
Kept apart from the page's catalogue (`catalogue`), which merges them into the one `TEXTS`."""
from __future__ import annotations

MONITOR_TEXTS: dict[str, dict[str, str]] = {
    "monitor:title": {"fr": "Surveillance du modèle", "en": "Model monitoring"},
    "monitor:h_activity": {"fr": "Activité", "en": "Activity"},
    "monitor:h_officers": {"fr": "Dérogations par conseiller et par type de contrat",
                           "en": "Overrides by officer and by contract type"},
    "monitor:h_drift": {"fr": "Stabilité des populations", "en": "Population stability"},
    "monitor:h_reasons": {"fr": "Motifs principaux au fil du temps", "en": "Main reasons over time"},
    "monitor:h_outcomes": {"fr": "Issues des crédits accordés", "en": "Outcomes of the loans granted"},
    "monitor:h_challenger": {"fr": "Challenger", "en": "Challenger"},
    "monitor:activity": {
        "fr": "{n} décisions en {weeks} semaine(s) ; le modèle a conseillé d'accorder {approval} des demandes, et les "
              "conseillers ont passé outre dans {override} des cas où ils ont enregistré leur choix.",
        "en": "{n} decisions over {weeks} week(s); the model advised granting {approval} of them, and officers "
              "overrode the advice in {override} of the cases where they recorded what they did."},
    "monitor:approval_trend": {"fr": "Accord conseillé : {first} la première semaine, {last} la dernière.",
                               "en": "Advised approval: {first} in the first week, {last} in the last."},
    "monitor:flags": {"fr": "{borderline} des décisions étaient proches du seuil ; profils rares : {rare}.",
                      "en": "{borderline} of decisions were close to the threshold; rare profiles: {rare}."},
    "monitor:rare_unknown": {"fr": "non enregistrés dans ce journal", "en": "not recorded in this log"},
    "monitor:officers": {"fr": "{most} passe outre le plus souvent ({most_rate} de ses décisions), {least} le moins "
                               "({least_rate}).",
                         "en": "{most} overrides most often ({most_rate} of their decisions), {least} least often "
                               "({least_rate})."},
    "monitor:officers_unknown": {"fr": "Les conseillers ne sont pas enregistrés dans ce journal.",
                                 "en": "Officers are not recorded in this log."},
    "monitor:contracts": {"fr": "Accord conseillé le plus élevé : {best} ({best_rate}) ; le plus bas : {worst} "
                                "({worst_rate}).",
                          "en": "Highest advised approval: {best} ({best_rate}); lowest: {worst} ({worst_rate})."},
    "monitor:reasons": {"fr": "Motif de dérogation le plus fréquent : « {reason} » ({share} des dérogations) ; "
                              "{grant} des dérogations accordent un crédit que le modèle déconseillait.",
                        "en": "Most frequent override reason: “{reason}” ({share} of overrides); {grant} of "
                              "overrides grant a loan the model advised against."},
    "monitor:no_overrides": {"fr": "Aucune dérogation enregistrée.", "en": "No override recorded."},
    "monitor:drift_large": {"fr": "Fort changement sur les sept derniers jours (PSI au-dessus de 0,25) : {columns}.",
                            "en": "Large shift over the last seven days (PSI above 0.25): {columns}."},
    "monitor:drift_moderate": {"fr": "Changement modéré (PSI entre 0,1 et 0,25) : {columns}.",
                               "en": "Moderate shift (PSI 0.1 to 0.25): {columns}."},
    "monitor:drift_stable": {"fr": "Stables (PSI sous 0,1) : les {count} autres.",
                             "en": "Stable (PSI below 0.1): the other {count}."},
    "monitor:drift_none": {"fr": "Aucune donnée n'a changé : tous les PSI des sept derniers jours sont sous 0,1.",
                           "en": "No input has shifted: every PSI over the last seven days is below 0.1."},
    "monitor:drift_since": {"fr": "Le changement apparaît la semaine du {week}.",
                            "en": "The shift appears in the week of {week}."},
    "monitor:score": {"fr": "Score du modèle", "en": "Model score"},
    "monitor:trends": {"fr": "Motif principal qui a le plus progressé : « {reason} », de {first} des décisions la "
                             "première semaine à {last} la dernière.",
                       "en": "Main reason that grew most: “{reason}”, from {first} of decisions in the first week "
                             "to {last} in the last."},
    "monitor:no_outcomes": {"fr": "Pas encore d'issues : fournissez l'export de la banque (SK_ID_CURR, TARGET) pour "
                                  "voir les défauts, la calibration et les coûts.",
                            "en": "No outcomes yet: give the bank's export (SK_ID_CURR, TARGET) to see defaults, "
                                  "calibration and costs."},
    "monitor:performance": {
        "fr": "{loans} crédits accordés dont l'issue est connue : {rate} en défaut ; AUC {auc} ; probabilité prévue "
              "{predicted} en moyenne (écart de calibration {ece}).",
        "en": "{loans} granted loans with a known outcome: {rate} defaulted; AUC {auc}; predicted probability "
              "{predicted} on average (calibration error {ece})."},
    "monitor:bands": {"fr": "Le taux de défaut observé va de {low} dans la tranche de probabilité la plus basse à "
                            "{high} dans la plus haute.",
                      "en": "The realised default rate goes from {low} in the lowest probability band to {high} in "
                            "the highest."},
    "monitor:override_cost": {
        "fr": "Crédits accordés contre l'avis : {n}, dont {defaults} en défaut ; coût {cost} contre {advice} si "
              "l'avis avait été suivi (un défaut manqué compte 10, un bon client refusé 1).",
        "en": "Loans granted against the advice: {n}, of which {defaults} defaulted; cost {cost} against {advice} "
              "had the advice been followed (a missed default counts 10, a good client refused 1)."},
    "monitor:override_refuse_cost": {
        "fr": "Refus contre un avis favorable : {n} ; sans crédit il n'y a pas d'issue, le coût est estimé par la "
              "probabilité du modèle : {cost} contre {advice} en suivant l'avis.",
        "en": "Refusals against a favourable advice: {n}; without a loan there is no outcome, so the cost is "
              "estimated from the model's probability: {cost} against {advice} following the advice."},
    "monitor:challenger": {
        "fr": "Le challenger {version} est en désaccord avec le modèle en production sur {rate} des demandes ({n}), "
              "surtout dans la tranche de probabilité {band} ({band_rate}).",
        "en": "The challenger {version} disagrees with the champion on {rate} of applications ({n}), most in the "
              "probability band {band} ({band_rate})."},
    "monitor:challenger_cost": {
        "fr": "Sur les {loans} crédits dont l'issue est connue, l'avis du modèle en production aurait coûté "
              "{champion}, celui du challenger {challenger} (crédits accordés seulement : un refus n'a pas d'issue).",
        "en": "On the {loans} loans with a known outcome, the champion's advice would have cost {champion}, the "
              "challenger's {challenger} (granted loans only: a refusal has no outcome)."},
    "monitor:no_challenger": {"fr": "Aucun challenger n'a noté ces décisions (CREDIT_CHALLENGER pour la page).",
                              "en": "No challenger scored these decisions (set CREDIT_CHALLENGER for the page)."},
    "chart:week": {"fr": "Semaine", "en": "Week"},
    "chart:decisions": {"fr": "Décisions", "en": "Decisions"},
    "chart:rate": {"fr": "Part", "en": "Share"},
    "chart:approval": {"fr": "Accord conseillé", "en": "Advised approval"},
    "chart:override": {"fr": "Dérogations", "en": "Overrides"},
    "chart:disagreement": {"fr": "Désaccord du challenger", "en": "Challenger disagreement"},
    "chart:override_rate": {"fr": "Taux de dérogation", "en": "Override rate"},
    "chart:officer": {"fr": "Conseiller", "en": "Officer"},
    "chart:contract": {"fr": "Type de contrat", "en": "Contract type"},
    "chart:psi": {"fr": "PSI (7 derniers jours)", "en": "PSI (last 7 days)"},
    "chart:psi_week": {"fr": "PSI par semaine", "en": "PSI per week"},
    "chart:share": {"fr": "Part des décisions", "en": "Share of decisions"},
    "chart:band": {"fr": "Tranche de probabilité", "en": "Probability band"},
    "chart:default_rate": {"fr": "Taux de défaut observé", "en": "Realised default rate"},
    "chart:predicted": {"fr": "Probabilité prévue", "en": "Predicted probability"},
    "chart:cost": {"fr": "Coût (défaut manqué {fn}, bon client refusé {fp})",
                   "en": "Cost (missed default {fn}, good client refused {fp})"},
    "chart:as_decided": {"fr": "Tel que décidé", "en": "As decided"},
    "chart:advice": {"fr": "En suivant l'avis", "en": "Following the advice"},
    "chart:champion": {"fr": "Modèle en production", "en": "Champion"},
    "chart:challenger": {"fr": "Challenger", "en": "Challenger"},
    "chart:grant": {"fr": "Accordés contre l'avis", "en": "Granted against the advice"},
    "chart:refuse": {"fr": "Refusés contre l'avis (estimé)", "en": "Refused against the advice (estimated)"},
}

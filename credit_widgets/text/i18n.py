"""French and English: every sentence the core produces, and numbers formatted the way each language writes them."""
from __future__ import annotations

import math
import os
import re

from .catalogue import TEXTS  # the sentences; this module picks the language and formats the numbers

LANGUAGES = ("fr", "en")
NNBSP = "\u202f"  # French thousands separator and space before % and units
# The currency of the data's amounts, set in one place. Home Credit's (and the bundled synthetic) amounts are in no
# stated currency, so none is shown unless the bank's own data says so (CREDIT_CURRENCY=EUR).
CURRENCY = os.environ.get("CREDIT_CURRENCY", "").strip().upper()
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


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
    "Group of people": "Groupe", "Other_A": "Autre (A)", "Other_B": "Autre (B)",
    "Y": "Oui", "N": "Non",
    # occupations
    "Laborers": "Ouvrier(ère)", "Sales staff": "Vendeur(se)", "Core staff": "Employé(e) qualifié(e)",
    "Managers": "Cadre dirigeant", "Drivers": "Chauffeur",
    "High skill tech staff": "Technicien(ne) hautement qualifié(e)",
    "Accountants": "Comptable", "Medicine staff": "Personnel médical", "Security staff": "Agent de sécurité",
    "Cooking staff": "Cuisinier(ère)", "Cleaning staff": "Agent d'entretien",
    "Private service staff": "Employé(e) de maison", "Low-skill Laborers": "Ouvrier(ère) non qualifié(e)",
    "Secretaries": "Secrétaire", "Waiters/barmen staff": "Serveur(se) / barman", "Realty agents": "Agent immobilier",
    "HR staff": "Ressources humaines", "IT staff": "Informaticien(ne)",
    # employers' sectors (Home Credit numbers the sub-types without naming them)
    "Self-employed": "Indépendant(e)", "Other": "Autre", "Medicine": "Santé", "Government": "Administration",
    "School": "Enseignement scolaire", "Kindergarten": "Crèche / maternelle", "Construction": "Bâtiment",
    "Housing": "Logement", "Security": "Sécurité", "Bank": "Banque", "Services": "Services", "Military": "Armée",
    "Agriculture": "Agriculture", "Police": "Police", "Postal": "Poste",
    "Security Ministries": "Ministères de la sécurité",
    "Restaurant": "Restauration", "University": "Université", "Hotel": "Hôtellerie", "Electricity": "Électricité",
    "Telecom": "Télécommunications", "Emergency": "Services d'urgence", "Insurance": "Assurance",
    "Legal Services": "Services juridiques", "Advertising": "Publicité", "Culture": "Culture",
    "Mobile": "Téléphonie mobile", "Realtor": "Agence immobilière", "Cleaning": "Nettoyage", "Religion": "Culte",
    **{f"Business Entity Type {i}": f"Entreprise (type {i})" for i in range(1, 4)},
    **{f"Trade: type {i}": f"Commerce (type {i})" for i in range(1, 8)},
    **{f"Industry: type {i}": f"Industrie (type {i})" for i in range(1, 14)},
    **{f"Transport: type {i}": f"Transport (type {i})" for i in range(1, 5)},
    # day of the application, and the building statistics' categories
    "MONDAY": "Lundi", "TUESDAY": "Mardi", "WEDNESDAY": "Mercredi", "THURSDAY": "Jeudi", "FRIDAY": "Vendredi",
    "SATURDAY": "Samedi", "SUNDAY": "Dimanche",
    "reg oper account": "Compte d'exploitation", "reg oper spec account": "Compte d'exploitation spécial",
    "org spec account": "Compte spécial d'organisme", "not specified": "Non précisé",
    "block of flats": "Immeuble", "specific housing": "Logement spécifique", "terraced house": "Maison mitoyenne",
    "Panel": "Panneaux", "Stone, brick": "Pierre, brique", "Block": "Blocs", "Wooden": "Bois", "Mixed": "Mixte",
    "Monolithic": "Monolithe", "Others": "Autres", "Yes": "Oui", "No": "Non",
}
# English codes that do not read as English words.
LEVELS_EN = {
    "F": "Woman", "M": "Man", "Y": "Yes", "N": "No", "Other_A": "Other (A)", "Other_B": "Other (B)",
    "Secondary / secondary special": "Secondary", "Low-skill Laborers": "Low-skill labourers", "Laborers": "Labourers",
    "Waiters/barmen staff": "Waiters / bar staff",
    **{f"Business Entity Type {i}": f"Business (type {i})" for i in range(1, 4)},
    **{f"Trade: type {i}": f"Trade (type {i})" for i in range(1, 8)},
    **{f"Industry: type {i}": f"Industry (type {i})" for i in range(1, 14)},
    **{f"Transport: type {i}": f"Transport (type {i})" for i in range(1, 5)},
    **{day: day.capitalize() for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY",
                                         "SUNDAY")},
    "reg oper account": "Operating account", "reg oper spec account": "Special operating account",
    "org spec account": "Organisation's special account", "not specified": "Not specified",
    "block of flats": "Block of flats", "specific housing": "Specific housing", "terraced house": "Terraced house",
}



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
    text = f"{float(value):.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]   # -0.4 rounded to no decimals is 0, not "-0"
    return _group(text, NNBSP if lang == "fr" else ",")


def currency_symbol() -> str:
    return _SYMBOLS.get(CURRENCY, CURRENCY)


def amount(value, lang: str) -> str:
    """An amount in the data's currency: 12 345 € / €12,345 when one is set, the plain number otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    symbol = currency_symbol()
    if not symbol:
        return number(value, lang)
    if lang == "fr" or len(symbol) > 1:
        return f"{number(value, lang)}{NNBSP if lang == 'fr' else ' '}{symbol}"
    return f"{symbol}{number(value, lang)}"


def percent(share, lang: str, decimals: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    shown = number(100 * share, lang, decimals)
    return f"{shown}{NNBSP}%" if lang == "fr" else f"{shown}%"


def years(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = 0 if round(value, 1) >= 10 else 1   # 9.96 is "10 years", not "10.0 years"
    return f"{number(value, lang, decimals)} ans" if lang == "fr" else f"{number(value, lang, decimals)} years"


def styled(value, style: str, lang: str) -> str:
    """A value in displayed units as text, by its style (`Field.style` for an input; the explanations add "percent"
    and "times" for their ratios): the one value -> text rule of the reasons, the page, the charts, the letter and
    the input errors' bounds. Missing reads "not given"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("missing_value", lang)
    if style == "percent":
        return percent(value, lang)
    if style == "times":
        return number(value, lang, 1)
    if style == "count":
        return number(value, lang, 0)
    if style == "amount":
        return amount(value, lang)
    if style == "years":
        return years(value, lang)
    if style == "score":
        return number(value, lang, 2)
    if style == "yes_no":
        return t("ui:yes" if value else "ui:no", lang)
    if isinstance(value, str):
        return level(value, lang)
    try:
        size = abs(float(value))
    except (TypeError, ValueError):
        return str(value)
    decimals = 0 if size >= 100 or float(value).is_integer() else (2 if size >= 1 else 3)
    return number(value, lang, decimals)


def as_typed(shown, style: str, lang: str) -> str:
    """A value in displayed units as a person would type it back into a field (no unit, no grouping): what
    `parse_number` reads as the same number. Amounts to the cent only when they have cents (a suggestion: the screen
    is what is scored), scores to 2 decimals, years to one decimal unless it is 0 ("43", not "43.0")."""
    if shown is None:
        return ""
    if style == "score" or (style == "amount" and shown != int(shown)):
        decimals = 2
    else:
        decimals = 1 if style == "years" and round(shown, 1) != round(shown) else 0
    text = f"{shown:.{decimals}f}"
    return text.replace(".", ",") if lang == "fr" else text


# ---- reading numbers typed by a person ---------------------------------------------------------------------------
_SPACES = (" ", "\u00a0", NNBSP, "\u2009")
_DIGITS = re.compile(r"\d+")


class AmbiguousNumber(ValueError):
    """Text that reads as two different numbers (1,350: one thousand three hundred and fifty, or 1.35)."""

    def __init__(self, text: str, whole: float, decimal: float):
        self.text, self.whole, self.decimal = text, whole, decimal
        super().__init__(f"{text!r} is ambiguous: {whole} or {decimal}")


def parse_number(text: str) -> float | None:
    """A number typed in either language, by one rule that never depends on the page's language (so switching it
    never changes what was typed): spaces group thousands; with both a comma and a point, the last one is the
    decimal mark and the other groups thousands; a single comma or point is the decimal mark, unless exactly three
    digits follow it after a non-zero whole part ("1,350", "12.500"), which reads as two numbers and is refused
    (AmbiguousNumber). Several of the same mark group thousands ("1,350,000"). Blank is None (unknown);
    anything else that is no number raises ValueError. "1e6" is accepted as written."""
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    symbol = currency_symbol()
    for sign in ({symbol} if symbol else set()) | {"€"}:
        cleaned = cleaned.replace(sign, "")
    if not cleaned:
        return None
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if re.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+", cleaned):
        return float(sign + cleaned)
    if not re.fullmatch(r"[\d.,]+", cleaned) or not cleaned[0].isdigit() or not cleaned[-1].isdigit():
        raise ValueError(f"not a number: {text!r}")
    commas, points = cleaned.count(","), cleaned.count(".")
    if commas and points:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        if cleaned.count(decimal_mark) > 1:
            raise ValueError(f"not a number: {text!r}")
        whole, fraction = cleaned.split(decimal_mark)
        return float(sign + _ungroup(whole, group_mark, text) + "." + fraction)
    if commas + points == 0:
        return float(sign + cleaned)
    mark = "," if commas else "."
    if commas + points > 1:
        return float(sign + _ungroup(cleaned, mark, text))
    whole, fraction = cleaned.split(mark)
    if len(fraction) == 3 and whole.lstrip("0"):
        raise AmbiguousNumber(text.strip(), float(sign + whole + fraction), float(sign + whole + "." + fraction))
    return float(sign + whole + "." + fraction)


def _ungroup(digits: str, mark: str, text: str) -> str:
    groups = digits.split(mark)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise ValueError(f"not a number: {text!r}")
    return "".join(groups)


def decimals_apart(*shares: float) -> int:
    """Decimals (1 to 4) for percentages that must read as different as they are: 9,0 % against a 9,0 % threshold
    reads as a tie the answer does not make."""
    decimals = 1
    while decimals < 4 and len({round(100 * s, decimals) for s in shares}) < len(set(shares)):
        decimals += 1
    return decimals


def probability_texts(probability: float, threshold: float, lang: str) -> dict:
    """{p, t, m} for "ui:probability", the probability and the threshold with the decimals that tell them apart."""
    decimals = decimals_apart(probability, threshold)
    return {"p": percent(probability, lang, decimals), "t": percent(threshold, lang, decimals),
            "m": number(100 * (threshold - probability), lang, decimals)}

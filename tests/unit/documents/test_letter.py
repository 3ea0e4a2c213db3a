"""The reason codes catalogue and the customer's letter, derived from the final decision only: a refusal letter only
for a final refusal, its principal reasons the officer's top reasons against in the same order."""
import string
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from credit_widgets.decision.final import FinalDecision, Outcome, Simulation
from credit_widgets.documents.letter import letter_html
from credit_widgets.documents.reason_codes import (
    BUREAU_CODE,
    BY_INPUT,
    CATALOGUE,
    INSUFFICIENT_CODE,
    MAX_REASONS,
    PROTECTED,
    group_members,
    letter_reasons,
)
from credit_widgets.explain.reasons import Reason
from credit_widgets.features.builder import HISTORY_TABLES, RATIO_SOURCES, FeatureBuilder, history_columns
from credit_widgets.text import i18n


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_input_the_explanations_can_produce_has_a_code_or_is_protected():
    builder = FeatureBuilder(history_tables_=list(HISTORY_TABLES))
    builder.feature_names_ = (list(builder.application_columns) + list(RATIO_SOURCES)
                              + [c for t in HISTORY_TABLES for c in history_columns(t)] + ["BUREAU_DEBT_INCOME_RATIO"])
    inputs = {source for sources in builder.feature_sources().values() for source in sources}
    assert {"history:bureau", "group:documents", "AMT_CREDIT"} <= inputs
    missing = sorted(name for name in inputs if name not in BY_INPUT and name not in PROTECTED)
    assert not missing, f"inputs without a reason code: {missing}"
    assert not set(PROTECTED) & set(BY_INPUT), "a protected attribute has a reason code"


def test_codes_are_unique_and_said_in_both_languages_with_the_same_placeholders():
    assert len({c.code for c in CATALOGUE}) == len(CATALOGUE)
    for c in CATALOGUE:
        assert c.fr.strip() and c.en.strip() and c.fr != c.en and (c.inputs or c.code == INSUFFICIENT_CODE)
        assert _placeholders(c.fr) == _placeholders(c.en)
    for key, texts in i18n.TEXTS.items():
        if key.startswith(("recourse:", "notice:", "letter:", "final:")):
            assert set(texts) == set(i18n.LANGUAGES) and _placeholders(texts["fr"]) == _placeholders(texts["en"]), key


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.codes, self.classes = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-code" in attrs:
            self.codes.append(attrs["data-code"])
        if attrs.get("class"):
            self.classes.add(attrs["class"])
        if "data-final" in attrs and not hasattr(self, "final"):
            self.final = attrs["data-final"]
        self.order = getattr(self, "order", []) + [attrs.get("class")]

    def handle_data(self, data):
        self.text.append(data)


def _parse(document):
    parser = _Text()
    parser.feed(document)
    return parser, " ".join(" ".join(parser.text).split())


@pytest.fixture(scope="module")
def refusal(credit_model):
    for client in credit_model.client_ids():
        d = credit_model.score_client(client)
        if not d.favourable:
            return d
    pytest.fail("no refused client in the test base")


WHEN = datetime(2026, 12, 2, 7, 31, tzinfo=timezone(timedelta(hours=1)))


def _letter(final, credit_model, lang, suggestions=()):
    members = group_members(credit_model.scoring.feature_names)
    return _parse(letter_html(final, suggestions, lang, officer="C. Martin", when=WHEN, group_members=members))


def officer_codes(decision, members) -> list[str]:
    """The codes of the reasons against the officer sees, in their order, as the catalogue says each is coded."""
    codes = []
    for r in decision.reasons:
        if r.direction != "against" or r.input in PROTECTED:
            continue
        if r.missing or (r.input.startswith("group:") and not any(
                decision.inputs.get(c) is not None for c in members.get(r.input, ()))) or (
                not r.input.startswith(("group:", "history:")) and decision.inputs.get(r.input) is None):
            code = INSUFFICIENT_CODE
        elif r.input.startswith("EXT_SOURCE"):
            code = BUREAU_CODE
        else:
            code = BY_INPUT[r.input].code
        if code not in codes:
            codes.append(code)
    return codes[:MAX_REASONS]



def test_a_followed_refusal_is_a_refusal_letter_naming_the_client_that_opens_with_the_final_decision(
        credit_model, refusal):
    suggestions = credit_model.suggest(refusal)
    final = FinalDecision(refusal, Outcome("follows", "", "C. Martin"), "AUD-42-XYZ")
    members = group_members(credit_model.scoring.feature_names)
    for lang in ("fr", "en"):
        parser, text = _letter(final, credit_model, lang, suggestions)
        assert parser.final == "refused" and i18n.t("letter:title_refused", lang) in text
        # the final decision first, then the model's advice, then what the officer did
        order = [c for c in parser.order if c in ("final", "advice", "officer-outcome", "reasons")]
        assert order == ["final", "advice", "officer-outcome", "reasons"]
        assert str(refusal.client_id) in text and "AUD-42-XYZ" in text and refusal.model_version in text
        assert "2026-12-02 07:31" in text and "UTC+01:00" in text
        assert parser.codes == officer_codes(refusal, members) and 1 <= len(parser.codes) <= MAX_REASONS
        assert "review" in parser.classes and "C. Martin" in text
        for s in suggestions:
            assert " ".join(s.summary(lang).split()) in text


def test_an_overridden_refusal_is_an_acceptance_with_the_officers_reason_and_no_refusal_wording(credit_model, refusal):
    final = FinalDecision(refusal, Outcome("overrides", "Garant solide, client connu de l'agence"), "AUD-43")
    for lang, refusal_words in (("fr", ("refus",)), ("en", ("refus",))):
        parser, text = _letter(final, credit_model, lang)
        assert parser.final == "accepted" and i18n.t("letter:title_accepted", lang) in text
        assert "Garant solide, client connu de l'agence" in text
        assert not any(word in text.lower() for word in refusal_words) and not parser.codes
        assert "reasons" not in parser.classes and "improve" not in parser.classes


def test_an_overridden_favourable_advice_is_a_refusal_without_the_steps_to_improve(credit_model):
    d = next(d for d in (credit_model.score_client(c) for c in credit_model.client_ids()) if d.favourable)
    parser, text = _letter(FinalDecision(d, Outcome("overrides", "Pièces justificatives incohérentes"), "AUD-44"),
                           credit_model, "fr")
    assert parser.final == "refused" and "Pièces justificatives incohérentes" in text
    assert "improve" not in parser.classes


def test_a_followed_favourable_advice_is_an_acceptance_with_the_loans_terms(credit_model):
    d = next(d for d in (credit_model.score_client(c) for c in credit_model.client_ids()) if d.favourable)
    for lang in ("fr", "en"):
        parser, text = _letter(FinalDecision(d, Outcome("follows"), "AUD-7"), credit_model, lang)
        assert parser.final == "accepted" and "terms" in parser.classes and not parser.codes
        assert " ".join(i18n.amount(d.inputs["AMT_CREDIT"], lang).split()) in text


def test_an_accepted_simulation_is_an_offer_with_each_change_named(credit_model, refusal):
    asked = refusal.inputs["AMT_CREDIT"]
    offered = round(asked * 0.6)
    advice = credit_model.rescore(refusal, {"AMT_CREDIT": offered})
    simulation = Simulation(refusal, "AUD-50", {"AMT_CREDIT": offered})
    action = "follows" if advice.favourable else "overrides"
    final = FinalDecision(advice, Outcome(action, "" if advice.favourable else "Offre réduite"), "AUD-51",
                          simulation)
    assert final.state == "accepted" and final.offer is simulation
    parser, text = _letter(final, credit_model, "fr")
    assert "offer" in parser.classes and i18n.t("letter:offer", "fr") in text
    assert " ".join(i18n.amount(offered, "fr").split()) in text
    assert f"{i18n.t('letter:asked', 'fr')} {' '.join(i18n.amount(asked, 'fr').split())}" in text


def test_there_is_no_letter_without_a_final_decision():
    with pytest.raises(ValueError):
        letter_html(None)


def test_a_letter_cites_exactly_the_codes_of_the_officers_top_reasons_against(credit_model):
    """Over refusals of known clients and of prospects (the form's fields of the same rows): the letter's codes are
    the codes of the reasons against the officer sees, in the same order, a bureau score as the bureau, a value not
    known as insufficient information; the bureau sentence comes with the bureau's code."""
    members = group_members(credit_model.scoring.feature_names)
    asked = [f.name for f in credit_model.prospect_fields()]
    refusals, seen = [], {"client": 0, "prospect": 0, BUREAU_CODE: 0, INSUFFICIENT_CODE: 0}
    for client in credit_model.client_ids()[:600]:
        d = credit_model.score_client(client)
        if not d.favourable and seen["client"] < 25:
            refusals.append(d)
            seen["client"] += 1
        row = {c: d.inputs.get(c) for c in asked if d.inputs.get(c) is not None}
        try:
            p = credit_model.score_prospect(row)
        except Exception:   # a row without a required input has no answer
            continue
        if not p.favourable and seen["prospect"] < 25:
            refusals.append(p)
            seen["prospect"] += 1
    assert seen["client"] >= 5 and seen["prospect"] >= 5, seen
    for d in refusals:
        parser, text = _letter(FinalDecision(d, Outcome("follows"), "AUD-1"), credit_model, "en")
        assert parser.codes == officer_codes(d, members) == [c.code for c in letter_reasons(d, members)]
        assert ("bureau" in parser.classes) == (BUREAU_CODE in parser.codes)
        for code in (BUREAU_CODE, INSUFFICIENT_CODE):
            seen[code] += code in parser.codes
    assert seen[BUREAU_CODE] and seen[INSUFFICIENT_CODE], seen   # the sample exercises both codes


def test_a_protected_input_is_never_cited_nor_replaced_by_a_lower_ranked_one(credit_model, refusal):
    members = group_members(credit_model.scoring.feature_names)
    reasons = [Reason("DAYS_BIRTH", 3.0, 23.0, {"fr": "Âge", "en": "Age"}),
               Reason("EXT_SOURCE_2", 2.0, None, {"fr": "Score externe 2", "en": "External score 2"}, missing=True),
               Reason("AMT_ANNUITY", 1.0, 30000.0, {"fr": "Mensualité", "en": "Instalment"}),
               Reason("AMT_INCOME_TOTAL", -1.0, 90000.0, {"fr": "Revenu", "en": "Income"})]
    d = replace(refusal, reasons=reasons, inputs={**refusal.inputs, "EXT_SOURCE_2": None})
    cited = [c.code for c in letter_reasons(d, members)]
    assert cited == [INSUFFICIENT_CODE, BY_INPUT["AMT_ANNUITY"].code]   # the age is not cited and not replaced
    from credit_widgets.documents.summary import summary_html

    page = summary_html(FinalDecision(d, Outcome("follows"), "AUD-2"), "en", group_members=members)
    assert "withheld" in page and "Age" in page.split("officer-view")[1]


def test_a_bureau_score_not_returned_reads_as_such_in_the_reasons():
    """On the bundled model, where an empty external score raises the risk (on the small test base it lowers it,
    and a missing value is never a reason for): the reason says no bureau score was available, not "not given"."""
    from credit_widgets import CreditModel

    credit_model = CreditModel.load()
    asked = [f.name for f in credit_model.prospect_fields()]
    said = []
    for client in credit_model.client_ids()[:20]:
        inputs = credit_model.score_client(client).inputs
        row = {c: inputs.get(c) for c in asked if inputs.get(c) is not None and not c.startswith("EXT_SOURCE")}
        try:
            d = credit_model.score_prospect(row)
        except Exception:   # a row without a required input has no answer
            continue
        said += [(r.text("fr"), r.text("en")) for r in d.reasons if r.input.startswith("EXT_SOURCE")]
    assert said, "no reason on a bureau score in the sample"
    for fr, en in said:
        assert i18n.t("missing_bureau", "en") in en and i18n.t("missing_bureau", "fr") in fr
        assert i18n.t("missing_value", "fr") not in fr


def test_the_officers_view_still_renders_with_partial_steps(credit_model, refusal):
    from credit_widgets.documents.summary import decision_html, working_view_html

    suggestions = credit_model.suggest(refusal)
    for lang in ("fr", "en"):
        _, text = _parse(decision_html(refusal, lang, suggestions))
        assert all(" ".join(s.summary(lang).split()) in text for s in suggestions)
        parser, text = _parse(working_view_html(refusal, lang, suggestions, reference="AUD-9"))
        assert i18n.t("report:working_view", lang) in text and not parser.codes

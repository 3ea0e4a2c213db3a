"""The reason codes catalogue and the refusal notice."""
import string
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from credit_widgets.documents.letter import notice_html
from credit_widgets.documents.reason_codes import (
    BY_INPUT,
    CATALOGUE,
    MAX_REASONS,
    NOTICE_SOURCES,
    PROTECTED,
    group_members,
    principal_reasons,
)
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
        assert c.fr.strip() and c.en.strip() and c.fr != c.en and c.inputs
        assert _placeholders(c.fr) == _placeholders(c.en)
    for key, texts in i18n.TEXTS.items():
        if key.startswith(("recourse:", "notice:")):
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


def test_the_refusal_notice_names_reasons_reference_version_and_review_in_both_languages(credit_model, refusal):
    suggestions = credit_model.suggest(refusal)
    members = group_members(credit_model.scoring.feature_names)
    reasons = principal_reasons(refusal, members)
    assert 1 <= len(reasons) <= MAX_REASONS
    when = datetime(2026, 12, 2, 7, 31, tzinfo=timezone(timedelta(hours=1)))
    for lang in ("fr", "en"):
        document = notice_html(refusal, suggestions, lang, reference="AUD-42-XYZ", officer="C. Martin", when=when,
                               group_members=members)
        parser, text = _parse(document)
        assert document.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in document
        assert parser.codes == [r.code for r in reasons]
        for r in reasons:
            assert r.text(lang) in text
        assert "AUD-42-XYZ" in text and refusal.model_version in text
        assert " ".join(i18n.t("notice:review", lang, reference="AUD-42-XYZ").split()) in text
        assert "2026-12-02 07:31" in text and "UTC+01:00" in text
        for s in suggestions:
            assert " ".join(s.summary(lang).split()) in text
        assert " ".join(i18n.percent(suggestions[0].probability, lang, 1).split()) in text
        assert "C. Martin" in text


def test_a_notice_never_cites_a_protected_or_missing_input(credit_model, refusal):
    members = group_members(credit_model.scoring.feature_names)
    code_of = {name: c.code for name, c in BY_INPUT.items()}
    # the strongest contributions on a protected attribute, a field not given and an external score
    inputs = {**refusal.inputs, "OWN_CAR_AGE": None, "FLAG_OWN_CAR": None}
    contributions = {name: 0.01 for name in refusal.contributions}
    contributions.update({"CODE_GENDER": 9.0, "DAYS_BIRTH": 8.0, "OWN_CAR_AGE": 7.0, "FLAG_OWN_CAR": 7.0,
                          "EXT_SOURCE_2": 6.0, "AMT_ANNUITY": 1.0})
    refusal_changed = type(refusal)(**{**refusal.__dict__, "inputs": inputs, "contributions": contributions})
    cited = [c.code for c in principal_reasons(refusal_changed, members)]
    assert code_of["AMT_ANNUITY"] == cited[0]
    assert code_of["OWN_CAR_AGE"] not in cited and code_of["EXT_SOURCE_2"] not in cited
    for code in principal_reasons(refusal_changed, members):
        assert code.source in NOTICE_SOURCES and not set(code.inputs) & set(PROTECTED)


def test_a_favourable_answer_gets_a_short_confirmation(credit_model):
    d = next(d for d in (credit_model.score_client(c) for c in credit_model.client_ids()) if d.favourable)
    for lang in ("fr", "en"):
        parser, text = _parse(notice_html(d, credit_model.suggest(d), lang, reference="AUD-7"))
        assert i18n.t("notice:title_favourable", lang) in text and "AUD-7" in text and d.model_version in text
        assert not parser.codes and "reasons" not in parser.classes


def test_the_downloadable_summary_still_renders_with_partial_steps(credit_model, refusal):
    from credit_widgets.documents.summary import decision_html

    suggestions = credit_model.suggest(refusal)
    for lang in ("fr", "en"):
        _, text = _parse(decision_html(refusal, lang, suggestions))
        assert all(" ".join(s.summary(lang).split()) in text for s in suggestions)

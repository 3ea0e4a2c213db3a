"""Words and numbers: one rule for typed numbers in both languages, every category level translated, formatters."""
import pandas as pd
import pytest

from conftest import REPO, SHARED_DATA
from credit_widgets.data.schema import FIELDS, TABLES
from credit_widgets.text import i18n


@pytest.mark.parametrize("text, value", [
    ("1 350,50", 1350.5), ("1\u202f350,50", 1350.5), ("1350,50", 1350.5), ("1,350.50", 1350.5),
    ("1.350,50", 1350.5), ("0,55", 0.55), ("0.55", 0.55), ("0,350", 0.35), ("1,350,000", 1350000.0),
    ("100 002", 100002.0), ("-0,5", -0.5), ("1e6", 1e6), ("  42 ", 42.0), ("", None), ("  ", None),
])
def test_a_number_reads_the_same_in_both_languages(text, value):
    assert i18n.parse_number(text) == value


@pytest.mark.parametrize("text", ["1,350", "1.350", "12.500", "-3,000"])
def test_a_number_that_reads_two_ways_is_refused(text):
    with pytest.raises(i18n.AmbiguousNumber) as caught:
        i18n.parse_number(text)
    assert caught.value.whole != caught.value.decimal


@pytest.mark.parametrize("text", ["abc", "12ab", "1.2.3", "1,35,0", ",5", "5,", "1,350.5.0"])
def test_text_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        i18n.parse_number(text)


def test_formatters_round_without_artefacts():
    assert i18n.number(-0.4, "fr") == "0" and i18n.number(-0.6, "en") == "-1"
    assert i18n.years(9.96, "en") == "10 years" and i18n.years(9.94, "fr") == "9,9 ans"
    assert i18n.number(1234567.891, "fr", 1) == "1\u202f234\u202f567,9" and i18n.number(1234.5, "en", 1) == "1,234.5"


def test_no_currency_is_invented(monkeypatch):
    monkeypatch.setattr(i18n, "CURRENCY", "")
    assert i18n.amount(12345, "fr") == "12\u202f345" and "€" not in i18n.amount(12345, "en")
    monkeypatch.setattr(i18n, "CURRENCY", "EUR")
    assert i18n.amount(12345, "fr") == "12\u202f345\u202f€" and i18n.amount(12345, "en") == "€12,345"


def test_catalogue_has_both_languages_with_the_same_placeholders():
    import string

    for key, texts in i18n.TEXTS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        fields = [{name for _, name, _, _ in string.Formatter().parse(texts[lang]) if name} for lang in i18n.LANGUAGES]
        assert fields[0] == fields[1], key


def _levels(frame: pd.DataFrame) -> set[tuple[str, str]]:
    out = set()
    for column, kind in TABLES["application_train"].columns.items():
        if kind == "category" and column in frame.columns:
            out |= {(column, str(v)) for v in frame[column].dropna().unique() if v not in ("XNA", "XAP")}
    return out


def _untranslated(levels) -> list:
    missing = []
    for column, level in sorted(levels):
        if level not in i18n.LEVELS_FR:
            missing.append(("fr", column, level))
        if "_" in level or ":" in level or level.isupper() or "Type" in level:
            if level not in i18n.LEVELS_EN:
                missing.append(("en", column, level))
    return missing


def test_every_level_of_every_form_field_and_of_the_data_is_translated():
    levels = {(name, level) for name, field in FIELDS.items() for level in field.choices}
    levels |= _levels(pd.read_parquet(REPO / "data" / "application_train.parquet"))
    real = SHARED_DATA / "homecredit-real" / "application_train.csv"
    if real.exists():
        levels |= _levels(pd.read_csv(real))
    assert _untranslated(levels) == []


def test_a_probability_never_reads_as_equal_to_a_threshold_it_is_not():
    shown = i18n.probability_texts(0.0901, 0.0899, "fr")
    assert shown["p"] != shown["t"] and shown["m"].strip("-0,") != ""
    assert i18n.probability_texts(0.072, 0.09, "en") == {"p": "7.2%", "t": "9.0%", "m": "1.8"}


# ---- no unused key --------------------------------------------------------------------------------------------------
def _sources() -> str:
    """The package's modules (the catalogues aside) and the notebooks, where every key shown is asked for."""
    files = [*(REPO / "credit_widgets").rglob("*.py"), *REPO.glob("*.ipynb")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files if not p.name.startswith("catalogue"))


def _quoted(word: str, sources: str) -> bool:
    return any(f"{q}{word}{q}" in sources for q in ('"', "'", '\\"'))


def _built(key: str, sources: str) -> bool:
    """Keys the code builds with an f-string from a prefix and one of the values it takes (the notebooks' and
    modules' literal for the value, or the tuple it comes from)."""
    from credit_widgets.audit.log import ACTIONS
    from credit_widgets.decision.final import FINAL_STATE
    from credit_widgets.explain.reasons import METRICS

    prefix, _, rest = key.partition(":")
    if prefix == "final" and rest in FINAL_STATE.values():   # f"final:{final.state}"
        return True
    if key.startswith("letter:title_"):                  # f"letter:title_{final.state}"
        return rest.removeprefix("title_") in FINAL_STATE.values()
    if key.startswith("ui:decided_by_"):                 # f"ui:decided_by_{decision.model}"
        return rest.removeprefix("decided_by_") in ("client", "application")
    if prefix == "ui":                                   # f"ui:{action}" for the recorded outcome
        return rest in ACTIONS
    if prefix == "metric":                               # f"metric:{name}" for the reasons' metrics
        return rest in METRICS
    if prefix in ("error", "label", "recourse"):         # InputError(field, "key"), a feature's name, a lever
        return _quoted(rest, sources)
    return False


def test_every_key_of_the_catalogue_is_used():
    sources = _sources()
    unused = [key for key in i18n.TEXTS if not _quoted(key, sources) and not _built(key, sources)]
    assert unused == [], f"keys nothing asks for: {unused}"


def test_a_yes_no_input_reads_as_yes_or_no_in_the_form_and_in_the_reasons():
    """A phone given or a document provided is asked as yes / no: the reasons and the page say it the same way
    (the page once said "Home phone given: 0 (clients who repaid: median 0)" beside a form showing "No")."""
    from credit_widgets.data.schema import FIELDS
    from credit_widgets.explain.reasons import display_text, value_style

    flags = [f for f in FIELDS.values() if f.yes_no]
    assert {"FLAG_PHONE", "FLAG_DOCUMENT_3", "FLAG_EMP_PHONE"} <= {f.name for f in flags}
    for field in flags:
        assert value_style(field.name) == "yes_no"
        for lang in i18n.LANGUAGES:
            assert display_text(field.name, 0.0, lang) == i18n.t("ui:no", lang)
            assert display_text(field.name, 1.0, lang) == i18n.t("ui:yes", lang)
    assert not FIELDS["CNT_CHILDREN"].yes_no and display_text("CNT_CHILDREN", 0.0, "en") == "0"


def test_figures_said_together_get_the_decimals_that_tell_them_apart():
    """A partial step "from 9.03 % to 9.02 %, threshold 8.0 %" must not read "from 9.0 % to 9.0 %"."""
    assert i18n.decimals_apart(0.0903, 0.0902, 0.08) == 2
    assert i18n.decimals_apart(0.25, 0.08) == 1
    assert i18n.decimals_apart(0.07481, 0.0748, 0.075) == 3
    assert i18n.decimals_apart(0.09, 0.09) == 1             # equal figures read equal: no extra decimals
    texts = [i18n.percent(s, "fr", i18n.decimals_apart(0.0903, 0.0902, 0.08)) for s in (0.0903, 0.0902)]
    assert texts[0] != texts[1]


_NUMERIC = [f for f in FIELDS.values() if f.min is not None and f.max is not None and not f.yes_no
            and f.kind not in ("choice", "flag")]


@pytest.mark.parametrize("field", _NUMERIC, ids=lambda f: f.name)
def test_one_value_to_text_rule_for_the_page_the_reasons_and_the_input_errors(field):
    """A value typed back as the form writes it is the same number; a range error's bounds read as the field's
    values read in the reasons and on the page (one rule, `i18n.styled` by `Field.style`)."""
    from credit_widgets.decision.validate import InputError, validate_prospect
    from credit_widgets.explain.reasons import display_text
    from credit_widgets.widgets.form import format_shown

    step = 0.01 if field.style == "score" else (0.1 if field.style == "years" else 1.0)
    for lang in i18n.LANGUAGES:
        for shown in (field.min, (field.min + field.max) / 2, field.max):
            typed = format_shown(field, shown, lang)
            assert i18n.parse_number(typed) == pytest.approx(shown, abs=step / 2 + 1e-9), (typed, shown)
        with pytest.raises(InputError) as error:
            validate_prospect({field.name: field.from_display(field.max + 10 * max(step, abs(field.max)))})
        message = error.value.message(lang)
        for bound in (field.min, field.max):
            assert display_text(field.name, bound, lang) in message, (message, bound)

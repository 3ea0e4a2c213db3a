"""The decision core: score, explain, position and suggest, for a client or a prospect."""
import dataclasses
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_widgets import CreditModel, InputError
from credit_widgets.data.schema import FIELDS
from credit_widgets.decision.validate import GOODS_PRICE_RATIO, consistency_problem
from credit_widgets.explain.population import COMPLETE


def _logit(p):
    return math.log(p / (1 - p))


def _clients(model, favourable, count=5):
    found = []
    for client in model.client_ids():
        d = model.score_client(client)
        if d.favourable == favourable:
            found.append(d)
            if len(found) == count:
                break
    return found


def test_contributions_add_up_to_the_probability(credit_model):
    d = credit_model.score_client(credit_model.client_ids()[7])
    assert d.base_value + sum(d.contributions.values()) == pytest.approx(_logit(d.probability), abs=1e-4)
    p = credit_model.score_prospect({"AMT_INCOME_TOTAL": 90000.0, "AMT_CREDIT": 600000.0, "AMT_ANNUITY": 40000.0})
    assert p.base_value + sum(p.contributions.values()) == pytest.approx(_logit(p.probability), abs=1e-4)
    assert p.favourable == (p.probability < p.threshold) and p.margin == pytest.approx(p.threshold - p.probability)


def test_history_is_grouped_into_inputs_a_person_understands(credit_model):
    d = credit_model.score_client(credit_model.client_ids()[3])
    assert "history:bureau" in d.contributions and "history:instalments" in d.contributions
    assert not any(name.startswith(("BUREAU_", "BB_", "INST_", "PREV_", "CC_", "POS_")) for name in d.contributions)
    assert not any(name.endswith("_RATIO") or name.startswith("EXT_SOURCE_M") for name in d.contributions)


def test_a_client_without_history_is_the_same_applicant_as_a_prospect_in_the_client_base(credit_model):
    """Same features in the client base's space (positions, similar clients, flags); the decision differs by design:
    a known client is decided by the client model, a prospect by the application model
    (tests/unit/scoring/test_routing.py)."""
    population = credit_model.population
    counts = [credit_model.feature_index[c] for c in ("BUREAU_COUNT", "PREV_COUNT", "INST_COUNT", "CC_MONTHS")]
    no_history = np.flatnonzero((population.features[:, counts] == 0).all(axis=1))
    assert len(no_history) > 0
    client = int(population.ids[no_history[0]])
    known = credit_model.score_client(client)
    row = {k: v for k, v in known.inputs.items() if v is not None}
    prospect = credit_model.score_prospect(row)
    np.testing.assert_allclose(prospect.features, known.features, rtol=1e-6)
    assert known.model == "client" and prospect.model == "application"
    assert known.thin_file and prospect.thin_file


def test_reasons_name_the_factors_against_then_for_in_both_languages(credit_model):
    d = _clients(credit_model, favourable=False, count=1)[0]
    assert d.reasons, "an unfavourable decision must be explained"
    directions = [r.direction for r in d.reasons]
    assert directions == sorted(directions, key=lambda x: x != "against")
    against = [r for r in d.reasons if r.direction == "against"]
    assert against and all(r.contribution > 0 for r in against)
    assert [abs(r.contribution) for r in against] == sorted((abs(r.contribution) for r in against), reverse=True)
    for r in d.reasons:
        assert r.text("fr") and r.text("en") and r.text("fr") != r.text("en")
    joined = " ".join(r.text("en") for r in d.reasons)
    assert "median" in joined or "default rate" in joined or "no history" in joined
    with pytest.raises(ValueError):
        d.reasons[0].text("de")


def test_unknown_client_is_an_input_error_with_close_ids(credit_model):
    missing = max(credit_model.client_ids()) + 1
    with pytest.raises(InputError) as caught:
        credit_model.score_client(missing)
    assert caught.value.field == "SK_ID_CURR"
    assert str(missing) in caught.value.message("fr") and str(missing) in caught.value.message("en")
    assert caught.value.message("fr") != caught.value.message("en")
    close = credit_model.close_ids(missing)
    assert close and all(c in set(credit_model.client_ids()) for c in close)
    with pytest.raises(InputError):
        credit_model.score_client("abc")


def test_position_places_the_applicant_among_repaid_and_defaulted(credit_model):
    low = credit_model.score_prospect({"AMT_INCOME_TOTAL": 300000.0, "AMT_CREDIT": 200000.0, "AMT_ANNUITY": 5000.0})
    high = credit_model.score_prospect({"AMT_INCOME_TOTAL": 60000.0, "AMT_CREDIT": 900000.0, "AMT_ANNUITY": 60000.0})
    p_low = credit_model.position(low, "ANNUITY_INCOME_RATIO")
    p_high = credit_model.position(high, "ANNUITY_INCOME_RATIO")
    assert 0 <= p_low["percentile_all"] < p_high["percentile_all"] <= 100
    assert p_high["percentile_repaid"] > 90
    repaid = int((credit_model.population.target == 0).sum())
    assert sum(p_low["repaid_counts"]) == repaid
    assert len(p_low["edges"]) == len(p_low["repaid_counts"]) + 1
    age = credit_model.position(low, "DAYS_BIRTH")
    assert age["value"] is None  # age not given: the prospect is not placed
    with pytest.raises(InputError):
        credit_model.position(low, "NOT_A_COLUMN")


def test_similar_clients_give_rates_never_identities(credit_model):
    d = credit_model.score_client(credit_model.client_ids()[11])
    similar = credit_model.similar(d)
    assert set(similar) == {"count", "with_outcome", "default_rate", "mean_probability", "medians"}
    assert similar["count"] == 50 and 0 <= similar["default_rate"] <= 1
    ids = set(credit_model.client_ids())
    flat = [similar["count"], similar["with_outcome"], *similar["medians"].values()]
    assert not any(isinstance(v, (int, float)) and v in ids for v in flat)
    # a client is not its own neighbour
    nearest, _ = credit_model.population.neighbours(credit_model.population.z[d.row], 50, exclude=d.row)
    assert d.row not in nearest


def test_every_refusal_gets_a_true_indication_with_actionable_changes_only(credit_model):
    """A flip when one exists, otherwise partial steps that lower the risk; the probability is always the model's."""

    flipped = 0
    for d in _clients(credit_model, favourable=False, count=15):
        suggestions = credit_model.suggest(d)
        assert 1 <= len(suggestions) <= 3
        flips = [s for s in suggestions if s.favourable]
        assert not flips or len(flips) == len(suggestions), "partial steps are shown only when nothing flips"
        for s in suggestions:
            changes, probability = s.changes, s.probability
            assert s.favourable == (probability < d.threshold) == s.reaches_threshold == (not s.partial)
            if s.partial:
                assert probability < d.probability and s.from_probability == d.probability
            for column, value in changes.items():
                field = FIELDS[column]
                assert field.actionable and not field.protected
                assert field.min <= value <= field.max
            assert consistency_problem({**d.inputs, **changes}, before=d.inputs) is None, "a change the page refuses"
            if not s.history:
                again = credit_model.score_variants(d, [{**d.inputs, **changes}])[0]
                assert again == pytest.approx(probability, abs=1e-6)
            assert s.text("fr") and s.text("en") and s.summary("fr") != s.summary("en")
        flipped += bool(flips)
    assert flipped > 0, "no unfavourable client could be turned favourable"


def test_a_favourable_decision_gets_its_credit_headroom(credit_model):
    d = _clients(credit_model, favourable=True, count=1)[0]
    (headroom,) = credit_model.suggest(d)
    assert headroom.kind == "headroom" and headroom.favourable
    assert headroom.changes["AMT_CREDIT"] > d.inputs["AMT_CREDIT"]


def test_rare_profile_flags_about_one_percent_of_clients_and_absurd_prospects(credit_model):
    population = credit_model.population
    sample = np.random.default_rng(0).choice(len(population.ids), 400, replace=False)
    flagged = [population.rare(population.z[i], exclude=int(i)) for i in sample]
    assert np.mean(flagged) < 0.05
    odd = credit_model.score_prospect({"AMT_INCOME_TOTAL": 19_000_000.0, "AMT_CREDIT": 10_500.0,
                                       "AMT_ANNUITY": 1_000.0, "DAYS_BIRTH": -74 * 365.0,
                                       "EXT_SOURCE_2": 0.001})
    assert odd.rare_profile


def test_borderline_follows_the_band_of_the_model_card(credit_model):
    band = credit_model.scoring.meta["borderline_band"]
    for client in credit_model.client_ids()[:200]:
        d = credit_model.score_client(client)
        assert d.borderline == (abs(d.probability - d.threshold) < band)


_COMPLETE = {"AMT_INCOME_TOTAL": 150000.0, "AMT_CREDIT": 300000.0, "AMT_ANNUITY": 15000.0}


@pytest.mark.parametrize("inputs, field, key", [
    ({"NOT_A_COLUMN": 1.0}, "NOT_A_COLUMN", "unknown_field"),
    ({"AMT_CREDIT": "lots"}, "AMT_CREDIT", "type_number"),
    ({"AMT_CREDIT": float("nan")}, "AMT_CREDIT", "required"),   # a required amount left blank is not given
    ({"DAYS_BIRTH": float("nan")}, "DAYS_BIRTH", "not_finite"),
    ({"AMT_CREDIT": float("inf")}, "AMT_CREDIT", "not_finite"),
    ({"AMT_CREDIT": 1e9}, "AMT_CREDIT", "range"),
    ({"DAYS_BIRTH": -5.0 * 365}, "DAYS_BIRTH", "range"),
    ({"CODE_GENDER": "Z"}, "CODE_GENDER", "choice"),
    ({"NAME_CONTRACT_TYPE": 3}, "NAME_CONTRACT_TYPE", "type_text"),
    ({"AMT_CREDIT": 100000.0, "AMT_ANNUITY": 200000.0}, "AMT_ANNUITY", "annuity_above_credit"),
    ({"CNT_CHILDREN": 3, "CNT_FAM_MEMBERS": 2}, "CNT_CHILDREN", "children_above_family"),
    ({"AMT_CREDIT": 300000.0, "AMT_GOODS_PRICE": 50000.0}, "AMT_GOODS_PRICE", "goods_price_with_credit"),
    ({"AMT_CREDIT": 300000.0, "AMT_GOODS_PRICE": 1_500_000.0}, "AMT_GOODS_PRICE", "goods_price_with_credit"),
    ({"AMT_CREDIT": True}, "AMT_CREDIT", "type_number"),
])
def test_bad_input_names_the_field_in_both_languages(credit_model, inputs, field, key):
    # the required amounts are given, so the error found is the one about the wrong field
    with pytest.raises(InputError) as caught:
        credit_model.score_prospect({**_COMPLETE, **inputs})
    error = caught.value
    assert error.field == field and error.key == key and isinstance(error, ValueError)
    fr, en = error.message("fr"), error.message("en")
    assert fr and en and fr != en
    if key == "range":
        assert any(ch.isdigit() for ch in en)  # the valid range is spelled out


_VALUES = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**15, 10**15),
                    st.text(max_size=12), st.booleans(), st.sampled_from(["Cash loans", "M", "F", "Y", "N"]),
                    st.lists(st.integers(), max_size=2))
_NAMES = st.one_of(st.sampled_from(sorted(FIELDS)), st.sampled_from(["SK_ID_CURR", "FLAG_DOCUMENT_3",
                                                                     "TARGET", "", "amt_credit"]),
                   st.text(max_size=8))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_NAMES, _VALUES, max_size=8))
def test_any_input_gives_a_decision_or_an_input_error(credit_model, inputs):
    try:
        d = credit_model.score_prospect(inputs)
    except InputError as error:
        assert error.message("fr") and error.message("en")
        return
    assert 0 < d.probability < 1 and d.reasons is not None
    assert d.favourable == (d.probability < d.threshold)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({name: st.floats(FIELDS[name].min, FIELDS[name].max)
                              for name in ("AMT_INCOME_TOTAL", "AMT_CREDIT")},
                             optional={name: st.floats(FIELDS[name].min, FIELDS[name].max)
                                       for name in ("EXT_SOURCE_2", "EXT_SOURCE_3")}),
       st.floats(0.01, 1.0))
def test_valid_ranges_always_score(credit_model, shown, instalment_share):
    # any instalment up to the credit itself is a consistent application
    annuity = FIELDS["AMT_ANNUITY"]
    shown = {**shown, "AMT_ANNUITY": min(annuity.max, max(annuity.min, shown["AMT_CREDIT"] * instalment_share))}
    d = credit_model.score_prospect(shown)
    assert 0 < d.probability < 1


def test_a_decision_stays_as_it_was_decided(credit_model):
    """Shown, logged and explained as one: a changed answer is a new Decision, the first one is left as it was."""
    d = credit_model.score_client(credit_model.client_ids()[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.favourable = not d.favourable
    flipped = dataclasses.replace(d, favourable=not d.favourable)
    assert flipped.favourable != d.favourable and flipped.probability == d.probability


def test_a_batch_decides_each_row_as_one_call_would(credit_model):
    ids = credit_model.client_ids()[:6]
    prospect = {"AMT_INCOME_TOTAL": 90000.0, "AMT_CREDIT": 400000.0, "AMT_ANNUITY": 30000.0, "DAYS_BIRTH": -9000.0}
    change = {"AMT_CREDIT": 120000.0, "AMT_ANNUITY": 7000.0, "AMT_GOODS_PRICE": 108000.0}
    rows = [{"SK_ID_CURR": ids[0]}, prospect, {"SK_ID_CURR": ids[1], **change}, {"SK_ID_CURR": np.float64(ids[2])},
            {"SK_ID_CURR": ids[3], "DAYS_EMPLOYED": 365243.0, "NAME_TYPE_SUITE": "XNA"}]
    expected = [credit_model.score_client(ids[0]), credit_model.score_prospect(prospect),
                credit_model.rescore(credit_model.score_client(ids[1]), change), credit_model.score_client(ids[2]),
                credit_model.score_client(ids[3])]   # Home Credit's codes for nothing are missing values
    applicants = credit_model.read_rows(rows)
    decisions = credit_model.decide_all(applicants)
    probabilities = credit_model.probabilities(applicants)
    for d, e, p in zip(decisions, expected, probabilities):
        assert d.probability == pytest.approx(e.probability, abs=1e-7) and p == pytest.approx(e.probability, abs=1e-7)
        assert [r.text("en") for r in d.reasons] == [r.text("en") for r in e.reasons]
        assert d.client_id == e.client_id and d.rare_profile == e.rare_profile and d.thin_file == e.thin_file


def test_a_change_to_a_client_file_obeys_the_rules_between_inputs_like_a_typed_application(credit_model):
    """A credit cut to a tenth of the goods price is refused for a client (page and API) as for a prospect; the
    goods price moved with it is not; a rule the file itself already broke is not held against a change."""
    d = next(c for c in map(credit_model.score_client, credit_model.client_ids())
             if (c.inputs.get("AMT_GOODS_PRICE") or 0) > 100_000)
    cut = {"AMT_CREDIT": d.inputs["AMT_GOODS_PRICE"] / (2 * GOODS_PRICE_RATIO)}
    cut["AMT_ANNUITY"] = cut["AMT_CREDIT"] / 20
    with pytest.raises(InputError) as error:
        credit_model.rescore(d, cut)
    assert (error.value.field, error.value.key) == ("AMT_GOODS_PRICE", "goods_price_with_credit")
    with pytest.raises(InputError) as error:
        credit_model.read_rows([{"SK_ID_CURR": d.client_id, **cut}])
    assert error.value.key == "goods_price_with_credit" and error.value.row == 0
    moved = {**cut, "AMT_GOODS_PRICE": cut["AMT_CREDIT"]}
    assert credit_model.rescore(d, moved).probability == pytest.approx(
        credit_model.score_variants(d, [{**d.inputs, **moved}])[0], abs=1e-6)
    already = {**d.inputs, "AMT_GOODS_PRICE": d.inputs["AMT_CREDIT"] * 2 * GOODS_PRICE_RATIO}
    assert consistency_problem(already) is not None
    assert consistency_problem({**already, "AMT_INCOME_TOTAL": 99_000.0}, before=already) is None


def test_a_bad_row_in_a_batch_is_named_by_its_position(credit_model):
    ids = credit_model.client_ids()
    with pytest.raises(InputError) as error:
        credit_model.read_rows([{"SK_ID_CURR": ids[0]}, {"SK_ID_CURR": ids[1], "AMT_CREDIT": -3.0}])
    assert error.value.row == 1 and error.value.field == "AMT_CREDIT"
    with pytest.raises(InputError) as error:
        credit_model.read_rows([{"SK_ID_CURR": None, "AMT_CREDIT": float("nan")}])
    assert error.value.row == 0 and error.value.key == "empty_row"


def test_the_client_base_is_cached_beside_the_model(trained, credit_model):
    folders = list((trained["model_dir"] / "cache").iterdir())
    assert len(folders) == 1 and (folders[0] / COMPLETE).exists()
    stamp = (folders[0] / COMPLETE).stat().st_mtime_ns
    again = CreditModel.load(trained["model_dir"], trained["data_dir"])
    assert (folders[0] / COMPLETE).stat().st_mtime_ns == stamp   # read, not rebuilt
    assert again.global_importance() == credit_model.global_importance()
    top = next(iter(credit_model.global_importance()))
    assert top.startswith(("EXT_SOURCE", "history:"))


def test_kernels_building_the_cache_together_all_get_a_whole_one(trained, tmp_path):
    """Several page kernels started at once on a fresh machine build the same cache: no one reads a half-written
    file, one folder remains, no scratch folder is left behind."""
    import shutil
    import subprocess
    import sys

    model_dir = tmp_path / "model"
    shutil.copytree(trained["model_dir"], model_dir, ignore=shutil.ignore_patterns("cache"))
    code = ("import sys; from credit_widgets import CreditModel; "
            "m = CreditModel.load(sys.argv[1], sys.argv[2]); print(m.score_client(m.client_ids()[3]).probability)")
    home = tmp_path / "home"   # where a failed write beside the model would fall back to
    env = {**os.environ, "HOME": str(home)}
    processes = [subprocess.Popen([sys.executable, "-c", code, str(model_dir), str(trained["data_dir"])], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=600) for p in processes]
    assert all(p.returncode == 0 for p in processes), [err[-2000:] for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    entries = list((model_dir / "cache").iterdir())
    assert len(entries) == 1 and (entries[0] / COMPLETE).exists(), entries
    assert not (home / ".cache" / "credit_widgets").exists(), "a kernel failed to write beside the model"


def test_real_clients_go_through_the_core_unchanged(trained, real_joined_dir, tmp_path):
    """A real client base (5,000 clients with their history) behind the model: scored, explained, placed."""
    import shutil

    model_dir = tmp_path / "model"
    shutil.copytree(trained["model_dir"], model_dir, ignore=shutil.ignore_patterns("cache"))
    model = CreditModel.load(model_dir, real_joined_dir)
    assert len(model.client_ids()) == 5000
    d = model.score_client(100002)
    assert 0 < d.probability < 1 and d.reasons
    assert d.base_value + sum(d.contributions.values()) == pytest.approx(_logit(d.probability), abs=1e-4)
    assert model.position(d, "AMT_ANNUITY")["percentile_all"] is not None
    assert model.similar(d)["with_outcome"] == 50
    flagged = np.mean([model.score_client(c).rare_profile for c in model.client_ids()[:300]])
    assert flagged < 0.05


def _mapped(array) -> bool:
    """True when `array` is a view of a memory-mapped file (np.load(mmap_mode="r")), not a private copy."""
    import mmap

    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def test_every_kernel_maps_the_client_base_read_only(trained, credit_model):
    """Loaded from the cache, the client base is the cache's files mapped read-only, not a copy per process: the
    operating system holds one copy for all the kernels of a server (benchmarks/shared_base.py measures it)."""
    again = CreditModel.load(trained["model_dir"], trained["data_dir"])
    population = again.population
    arrays = {"features": population.features, "z": population.z, "probability": population.probability,
              "ids": population.ids, "target": population.target,
              **{f"{c}/{k}": v for c, spec in population.positions.items() for k, v in spec.items()}}
    for name, values in arrays.items():
        assert _mapped(values) and not values.flags.writeable, name
    frame = population.applications
    numeric = frame.select_dtypes("number").columns
    assert len(numeric) > 50
    for column in numeric:
        assert _mapped(frame[column].to_numpy()), column
    for column in frame.select_dtypes("category").columns:
        assert _mapped(frame[column].array.codes), column
    with pytest.raises(ValueError):
        population.features[0, 0] = 1.0   # read-only: no kernel can change what the others read
    d, e = credit_model.score_client(again.client_ids()[5]), again.score_client(again.client_ids()[5])
    assert d.probability == e.probability and [r.text("en") for r in d.reasons] == [r.text("en") for r in e.reasons]


def test_a_reason_on_a_yes_no_input_says_yes_or_no_without_a_median(credit_model):
    """The schema's example prospect (the form's "example" button), its phones and documents given or not."""
    from credit_widgets.data.schema import PROSPECT_COLUMNS
    from credit_widgets.text import i18n

    example = {f.name: float(f.from_display(f.default)) if f.kind in ("amount", "number", "integer", "score")
               else f.default for f in (FIELDS[c] for c in PROSPECT_COLUMNS) if f.default is not None}
    flags = [c for c in PROSPECT_COLUMNS if FIELDS[c].yes_no]
    seen = 0
    for answer in (0.0, 1.0):
        for reason in credit_model.score_prospect({**example, **dict.fromkeys(flags, answer)}).reasons:
            if reason.input not in flags or reason.metric is not None:
                continue
            seen += 1
            for lang in i18n.LANGUAGES:
                said = reason.text(lang)
                assert said.endswith((i18n.t("ui:yes", lang), i18n.t("ui:no", lang))), said
                assert i18n.t("repaid_median", lang, value="").split()[0] not in said, said
    assert seen, "no reason on a yes / no input for the example: the check above never ran"

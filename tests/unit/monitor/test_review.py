"""The model-risk view: the synthetic month, the figures checked against direct computations on the raw log, the
challenger kept out of the officer's sight, and the notebook run headless."""
import json
import sqlite3
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

from conftest import REPO
from credit_widgets.audit.log import AuditLog
from credit_widgets.data.tables import DataError
from credit_widgets.monitor import activity, journal, shadow
from credit_widgets.monitor import review as monitor
from credit_widgets.text import i18n


@pytest.fixture(scope="module", autouse=True)
def journal_cache(tmp_path_factory):
    """Parsed logs cached in a throw-away folder, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("journal-cache")
        patch.setenv("CREDIT_MONITOR_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="module")
def bundled():
    from credit_widgets import CreditModel

    return CreditModel.load()


@pytest.fixture(scope="module")
def month(bundled, tmp_path_factory):
    out = tmp_path_factory.mktemp("month") / "demo.sqlite"
    result = activity.generate(out, decisions=1600, officers=3, seed=3, pool=400, model=bundled)
    return result


@pytest.fixture(scope="module")
def review(month):
    frame = monitor.read_log(month["log"])
    return monitor.review(frame, monitor.reference(), monitor.read_outcomes(month["outcomes"]))


def _raw(path):
    """The log read the plain way: every row, every JSON parsed by Python, the last outcome per decision."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT id, time, client_id, probability, threshold, decision, inputs FROM decisions "
                        "ORDER BY rowid").fetchall()
    last = {}
    for decision_id, action, reason in conn.execute("SELECT decision_id, action, reason FROM outcomes ORDER BY rowid"):
        last[decision_id] = (action, reason)
    conn.close()
    return pd.DataFrame([{"id": r[0], "time": r[1], "client_id": r[2], "probability": r[3], "threshold": r[4],
                          "decision": r[5], "inputs": json.loads(r[6]), "action": last.get(r[0], (None,))[0]}
                         for r in rows])


def test_the_month_keeps_the_hash_chain_and_its_outcomes_are_granted_loans(month):
    assert AuditLog(month["log"]).verify()
    raw = _raw(month["log"])
    assert len(raw) == 1600 and raw["time"].is_monotonic_increasing
    granted = raw[(raw["decision"] == "favourable") == (raw["action"] == "follows")]
    loans = pd.read_csv(month["outcomes"])
    assert set(loans["SK_ID_CURR"]) == set(granted.loc[granted["action"].notna(), "client_id"])
    assert raw["inputs"].map(lambda i: "shadow" in i and "flags" in i).all()


def test_the_drift_introduced_is_flagged_and_the_stable_inputs_are_not(review):
    flags = review.stability["flag"]
    drifted = set(activity.DRIFT)
    assert all(flags[c] != "stable" for c in drifted), flags
    assert all(flags[c] == "stable" for c in monitor.MONITORED if c not in drifted), flags
    # before the drift, the drifted inputs were stable too: the weekly series shows when it began
    first_week = min(c for c in review.stability.columns if isinstance(c, pd.Timestamp))
    assert (review.stability.loc[list(drifted), first_week] < 0.1).all()


def _direct_psi(expected: pd.Series, actual: pd.Series, bins: int = 10) -> float:
    """PSI written out from its definition, independently of drift.py."""
    if pd.api.types.is_numeric_dtype(expected):
        e, a = expected.to_numpy(float), actual.to_numpy(float)
        cuts = np.unique(np.quantile(e[~np.isnan(e)], np.linspace(0, 1, bins + 1))[1:-1])
        e_bins = np.where(np.isnan(e), -1, np.searchsorted(cuts, e, side="right"))
        a_bins = np.where(np.isnan(a), -1, np.searchsorted(cuts, a, side="right"))
        keys = list(range(-1, len(cuts) + 1))
    else:
        e_bins, a_bins = expected.fillna("<missing>").astype(str), actual.fillna("<missing>").astype(str)
        keys = sorted(set(e_bins) | set(a_bins))
    total = 0.0
    for key in keys:
        p = max(np.mean(e_bins == key), 1e-4)
        q = max(np.mean(a_bins == key), 1e-4)
        total += (q - p) * np.log(q / p)
    return total


def test_psi_figures_match_a_direct_computation(month, review):
    raw = _raw(month["log"])
    raw["time"] = pd.to_datetime(raw["time"], format="ISO8601")
    recent = raw[raw["time"] > raw["time"].max() - pd.Timedelta(days=7)]
    ref = monitor.reference()
    for column in ("AMT_INCOME_TOTAL", "EXT_SOURCE_2", "DAYS_BIRTH", "NAME_CONTRACT_TYPE", "NAME_INCOME_TYPE"):
        values = recent["inputs"].map(lambda i: i.get(column))
        values = values.astype(object) if column in journal.CATEGORICAL else pd.to_numeric(values)
        expected = ref[column].astype(object) if column in journal.CATEGORICAL else ref[column]
        assert review.stability.loc[column, "latest"] == pytest.approx(_direct_psi(expected, values), abs=1e-9)
    score = _direct_psi(ref["score"], recent["probability"])
    assert review.stability.loc["score", "latest"] == pytest.approx(score, abs=1e-9)


def test_disagreement_and_costs_match_a_direct_computation(month, review):
    raw = _raw(month["log"])
    shadow_decision = raw["inputs"].map(lambda i: i["shadow"]["decision"])
    assert review.challenger["disagreement"] == pytest.approx(np.mean(shadow_decision != raw["decision"]))
    loans = pd.read_csv(month["outcomes"]).set_index("SK_ID_CURR")["TARGET"]
    granted = raw["action"].notna() & ((raw["decision"] == "favourable") == (raw["action"] == "follows"))
    known = raw[granted & raw["client_id"].isin(loans.index)]
    y = known["client_id"].map(loans).to_numpy()

    def cost(decisions):
        favourable = decisions.to_numpy() == "favourable"
        return float(np.sum(np.where(favourable, 10 * y, 1 - y)))
    assert review.challenger["loans"] == len(known)
    assert review.challenger["cost_champion"] == pytest.approx(cost(known["decision"]))
    assert review.challenger["cost_challenger"] == pytest.approx(cost(shadow_decision[known.index]))
    # overrides that granted against the advice: their realised cost against refusing as advised
    over = known[known["action"] == "overrides"]
    y_over = over["client_id"].map(loans).to_numpy()
    assert review.costs.loc["grant", "cost_as_decided"] == pytest.approx(10 * y_over.sum())
    assert review.costs.loc["grant", "cost_of_advice"] == pytest.approx((1 - y_over).sum())


def test_the_sqlite_path_and_the_generic_path_read_the_same(month):
    class OtherBackend:     # only the public AuditLog API, as the PostgreSQL log offers it
        def __init__(self, path):
            self._log = AuditLog(path)

        def decisions(self, limit=None):
            return self._log.decisions(limit)

    fast, generic = monitor.read_log(month["log"]), monitor.read_log(OtherBackend(month["log"]))
    columns = monitor.MONITORED + ["probability", "decision", "officer", "action", "outcome_reason",
                                   "shadow_probability", "granted", "borderline", "reason_kind", "week"]
    pd.testing.assert_frame_equal(fast[columns].astype(str), generic[columns].astype(str))
    assert (fast["time"] - generic["time"]).abs().max() < pd.Timedelta(milliseconds=1)


def test_a_log_written_by_the_page_reads_with_its_amendments_and_without_simulations(tmp_path):
    log = AuditLog(tmp_path / "page.sqlite")
    common = dict(model_version="v1", artifact_hash="h", threshold=0.1, reasons=["External score 2: 0.20"])
    first = log.record_decision(client_id=1, inputs={"SK_ID_CURR": 1, "AMT_INCOME_TOTAL": float("nan")},
                                probability=0.05, decision="favourable", **common)
    log.record_outcome(first, action="follows")
    log.record_outcome(first, action="overrides", reason="Income not verified", officer="ann")
    log.record_decision(client_id=1, inputs={"SK_ID_CURR": 1, "simulation": {"of": first, "changes": {}}},
                        probability=0.04, decision="favourable", **common)
    second = log.record_decision(client_id=None, inputs={"AMT_INCOME_TOTAL": 5000.0}, probability=0.11,
                                 decision="unfavourable", **common)
    frame = monitor.read_log(log.path)
    assert frame["seq"].tolist() == [1, 3]                 # the simulation is no application
    assert frame.loc[0, "action"] == "overrides" and frame.loc[0, "officer"] == "ann"   # the amendment stands
    assert np.isnan(frame.loc[0, "AMT_INCOME_TOTAL"]) and frame.loc[1, "AMT_INCOME_TOTAL"] == 5000.0
    assert frame["borderline"].tolist() == [False, True]    # recomputed: |0.11 - 0.1| < 0.02
    assert frame["rare_profile"].isna().all() and not frame.loc[1, "recorded"]
    review = monitor.review(frame, monitor.reference())
    said = review.sentences("en")
    assert "not recorded in this log" in said["activity"][2]
    assert said["challenger"] == ["No challenger scored these decisions (set CREDIT_CHALLENGER for the page)."]
    assert "income not verified" in said["officers"][-1]
    assert monitor.read_log(log.path, simulations=True)["seq"].tolist() == [1, 2, 3]
    assert second


def test_outcome_files_that_cannot_be_used_are_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("SK_ID_CURR,DEFAULT\n1,0\n")
    with pytest.raises(DataError, match="TARGET"):
        monitor.read_outcomes(bad)
    bad.write_text("SK_ID_CURR,TARGET\n1,2\n")
    with pytest.raises(DataError, match="0 \\(repaid\\) or 1"):
        monitor.read_outcomes(bad)
    with pytest.raises(DataError):
        monitor.read_outcomes(tmp_path / "absent.csv")


def test_the_shadow_scores_the_champions_own_row_and_only_adds_to_the_audit_inputs(bundled, month, tmp_path):
    challenger = shadow.Shadow.load(month["challenger"], bundled.scoring.feature_names)
    decision = bundled.score_client(bundled.client_ids()[7])
    before = (decision.probability, decision.favourable, [r.text("en") for r in decision.reasons])
    fields = shadow.shadow_fields(decision, challenger)
    assert list(fields) == ["shadow"] and set(fields["shadow"]) == {"version", "probability", "decision"}
    assert (decision.probability, decision.favourable, [r.text("en") for r in decision.reasons]) == before
    # the same row scored by the challenger's own booster: no second feature build, the same answer
    direct = challenger.scoring.predict_proba(decision.features[None, :])[0]
    assert fields["shadow"]["probability"] == pytest.approx(direct)
    # a challenger on a subset of the champion's features picks them by name
    names = bundled.scoring.feature_names
    subset = shadow.Shadow(challenger.scoring, champion_features=list(reversed(names)))
    reversed_row = type("D", (), {"features": decision.features[::-1]})()
    assert subset.score(reversed_row)["probability"] == pytest.approx(direct)
    with pytest.raises(ValueError, match="does not build"):
        shadow.Shadow(challenger.scoring, champion_features=names[:-1])
    # what the page stores: the inputs JSON, and nothing the officer sees
    log = AuditLog(tmp_path / "a.sqlite")
    log.record_decision(client_id=decision.client_id, inputs={"SK_ID_CURR": decision.client_id, **fields},
                        model_version=decision.model_version, artifact_hash=decision.artifact_hash,
                        probability=decision.probability, threshold=decision.threshold,
                        decision="favourable" if decision.favourable else "unfavourable", reasons=[])
    stored = log.decisions()[0]
    assert stored["probability"] == decision.probability and stored["inputs"]["shadow"] == fields["shadow"]


def test_a_failing_or_absent_challenger_never_costs_the_officer_an_answer(bundled, month, monkeypatch):
    monkeypatch.delenv(shadow.ENV, raising=False)
    decision = bundled.score_client(bundled.client_ids()[3])
    assert shadow.shadow_fields(decision) == {}
    challenger = shadow.Shadow.load(month["challenger"])
    broken = type("D", (), {"features": np.zeros(3, np.float32)})()
    assert "error" in challenger.fields(broken)["shadow"]
    monkeypatch.setenv(shadow.ENV, "/nonexistent/challenger")
    assert shadow.from_env() is None


def test_the_core_of_the_view_imports_no_ui_nor_mlflow():
    code = ("import sys, credit_widgets.monitor.review, credit_widgets.monitor.shadow, "
            "credit_widgets.monitor.activity, "
            "credit_widgets.monitor.text; bad = [m for m in ('ipywidgets', 'bqplot', 'mlflow') if m in sys.modules];"
            " print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_monitor_notebook_runs_headless_on_the_month(month, tmp_path):
    notebook = nbformat.read(REPO / "monitor.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    tagged[0].source = f"LOG = {str(month['log'])!r}\nOUTCOMES = {str(month['outcomes'])!r}\n" \
                       "MODEL_DIR = None\nDATA_DIR = None\nLANG = 'en'"
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_promoting_a_challenger_directory_replaces_the_champion_and_keeps_a_rollback(month, tmp_path):
    import shutil

    champion = tmp_path / "models"
    shutil.copytree(REPO / "models", champion, ignore=shutil.ignore_patterns("cache"))
    before = (champion / "artifacts" / "model_meta.json").read_text()
    shadow.promote(str(month["challenger"]), champion)
    from credit_widgets.model.artifacts import ScoringModel

    assert ScoringModel.load(champion).version == shadow.Shadow.load(month["challenger"]).version
    assert (tmp_path / "models.previous" / "artifacts" / "model_meta.json").read_text() == before
    with pytest.raises(FileNotFoundError):
        shadow.promote(str(tmp_path / "no-model"), champion)
    assert ScoringModel.load(champion).version.startswith("challenger-demo")   # a refused promotion leaves it


def test_the_cache_serves_only_the_log_it_was_made_from_and_reads_new_rows_and_amendments(tmp_path, journal_cache):
    log = AuditLog(tmp_path / "c.sqlite")
    common = dict(model_version="v1", artifact_hash="h", threshold=0.1, reasons=[], decision="favourable")
    first = log.record_decision(client_id=1, inputs={"AMT_CREDIT": 1.0}, probability=0.01, **common)
    assert monitor.read_log(log.path)["AMT_CREDIT"].tolist() == [1.0]
    log.record_decision(client_id=2, inputs={"AMT_CREDIT": 2.0}, probability=0.02, **common)
    log.record_outcome(first, action="overrides", reason="r")
    frame = monitor.read_log(log.path)
    assert frame["AMT_CREDIT"].tolist() == [1.0, 2.0] and frame["action"].tolist()[0] == "overrides"
    pd.testing.assert_frame_equal(frame, monitor.read_log(log.path, cache=False))
    # the same path, another log: the cached rows are not its rows
    log.close()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"c.sqlite{suffix}").unlink(missing_ok=True)
    other = AuditLog(tmp_path / "c.sqlite")
    other.record_decision(client_id=3, inputs={"AMT_CREDIT": 3.0}, probability=0.03, **common)
    assert monitor.read_log(other.path)["AMT_CREDIT"].tolist() == [3.0]


def _everything_shown(widget) -> tuple[str, list]:
    """Every text and every plotted number of a widget tree (bqplot marks included)."""
    texts, numbers, stack, seen = [], [], [widget], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for attr in ("value", "description", "title", "tooltip", "placeholder", "label", "labels", "options"):
            value = getattr(current, attr, None)
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (list, tuple)):
                texts.extend(str(v) for v in value)
        for attr in ("x", "y", "color", "sizes"):
            value = getattr(current, attr, None)
            if value is not None and hasattr(value, "__len__") and not isinstance(value, str):
                try:
                    numbers.extend(np.asarray(value, dtype=float).ravel().tolist())
                except (TypeError, ValueError):
                    texts.extend(str(v) for v in np.ravel(value))
        for attr in ("children", "marks", "axes"):
            stack.extend(getattr(current, attr, None) or ())
    return "\n".join(texts), numbers


def test_the_challenger_is_never_visible_on_the_officers_page(bundled, month, tmp_path, monkeypatch):
    """With a challenger configured for the page, nothing it computed reaches the officer's screen."""
    from credit_widgets.widgets import CreditApp

    monkeypatch.setenv(shadow.ENV, str(month["challenger"]))
    shadow._configured.clear()
    challenger = shadow.from_env(bundled.scoring.feature_names)
    app = CreditApp(bundled, AuditLog(tmp_path / "page.sqlite"), lang="fr")
    checked = 0
    for client in bundled.client_ids()[:60]:
        decision = bundled.score_client(client)
        theirs = challenger.score(decision)["probability"]
        if abs(theirs - decision.probability) < 0.01:
            continue                      # the same figure on screen would prove nothing
        app.client.id.value = str(client)
        assert app.decision is not None and app.decision.client_id == client
        for lang in ("fr", "en"):
            app.lang = lang
            texts, numbers = _everything_shown(app)
            # at two decimals a figure is the challenger's, not some neighbourhood's rate that happens to round alike
            assert i18n.percent(theirs, lang, 2) not in texts and repr(theirs) not in texts
            assert not np.isclose(numbers, theirs, rtol=0, atol=1e-9).any()
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    shadow._configured.clear()


@pytest.mark.slow
def test_a_registered_challenger_loads_from_mlflow_and_promotes_in_one_step(trained, credit_model, tmp_path,
                                                                            monkeypatch):
    import mlflow
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained["tracking_uri"])
    # another test of the session may have set MLflow's process-wide store, which beats the variable
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(trained["tracking_uri"])
    client = MlflowClient(tracking_uri=trained["tracking_uri"])
    version = client.get_model_version_by_alias("credit-widgets", "champion").version
    client.set_registered_model_alias("credit-widgets", "challenger", version)
    challenger = shadow.Shadow.load("models:/credit-widgets@challenger", credit_model.scoring.feature_names)
    decision = credit_model.score_client(credit_model.client_ids()[2])
    # the registered copy of the same model: the shadow must give the champion's own answer on its own row
    scored = challenger.score(decision)
    assert scored["probability"] == pytest.approx(decision.probability, abs=1e-7)
    assert scored["decision"] == ("favourable" if decision.favourable else "unfavourable")
    target = tmp_path / "models"
    shadow.promote("models:/credit-widgets@challenger", target)
    aliases = client.get_registered_model("credit-widgets").aliases
    assert str(aliases.get("champion")) == str(version) and "challenger" not in aliases
    assert shadow.Shadow.load(target).version == challenger.version
    mlflow.set_tracking_uri(previous)


def test_the_page_stores_the_challengers_answer_and_the_flags_with_each_decision(bundled, month, tmp_path,
                                                                                monkeypatch):
    """What the view reads: the challenger's answer in the shadow, and the flags the officer saw."""
    from credit_widgets.widgets import CreditApp

    monkeypatch.setenv(shadow.ENV, str(month["challenger"]))
    shadow._configured.clear()
    app = CreditApp(bundled, AuditLog(tmp_path / "page.sqlite"), lang="fr")
    client = bundled.client_ids()[3]
    app.client.id.value = str(client)
    stored = app.audit.decisions()[-1]["inputs"]
    expected = shadow.from_env(bundled.scoring.feature_names).score(bundled.score_client(client))
    assert stored["shadow"]["probability"] == pytest.approx(expected["probability"])
    assert stored["flags"] == {"borderline": app.decision.borderline, "rare_profile": app.decision.rare_profile,
                               "thin_file": app.decision.thin_file}
    shadow._configured.clear()


def test_override_costs_are_counted_at_the_deciding_models_costs(tmp_path):
    """A model trained with --cost-fn 25 --cost-fp 2 is judged at 25 and 2, not at the defaults 10 and 1."""
    (tmp_path / "model_meta.json").write_text(json.dumps({"costs": {"false_negative": 25.0, "false_positive": 2.0}}))
    assert journal.model_costs(tmp_path) == (25.0, 2.0)
    assert journal.model_costs(tmp_path / "nothing here") == journal.COSTS
    frame = pd.DataFrame({"overridden": [True, True, True], "favourable": [False, False, True],
                          "granted": [1.0, 1.0, 0.0], "client_id": [1, 2, 3], "probability": [0.4, 0.5, 0.1]})
    outcomes = pd.DataFrame({"SK_ID_CURR": [1, 2], "TARGET": [1, 0]})
    default, trained = (monitor.override_costs(frame, outcomes, costs) for costs in (journal.COSTS, (25.0, 2.0)))
    assert default.loc["grant", "cost_as_decided"] == 10 and trained.loc["grant", "cost_as_decided"] == 25
    assert trained.loc["grant", "cost_of_advice"] == 2 and trained.loc["refuse", "cost_of_advice"] == 25 * 0.1

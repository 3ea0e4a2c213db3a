"""The scoring API end to end: the real `mlflow models serve` on a free loopback port, spoken to over HTTP."""
import json
import math
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from harness.api import start_server, stop_server
from harness.processes import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The real server, started and stopped as the API benchmark does (one implementation of both)."""
    process, port, _ = start_server(tmp_path_factory.mktemp("api"))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(process)


def _post(url: str, body, timeout: float = 300) -> tuple[int, object]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + "/invocations", data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def _rows(records: list[dict], explain: bool | None = None) -> dict:
    frame = pd.DataFrame(records)
    body = {"dataframe_split": json.loads(frame.to_json(orient="split", index=False))}
    if explain is not None:
        body["params"] = {"explain": explain}
    return body


def _message(answer) -> str:
    return answer.get("message", "") if isinstance(answer, dict) else str(answer)


@pytest.fixture(scope="session")
def client_ids():
    return pd.read_parquet(REPO / "data" / "application_train.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"].tolist()


@pytest.fixture(scope="session")
def core():
    from credit_widgets import CreditModel

    return CreditModel.load()


PROSPECT = {"AMT_INCOME_TOTAL": 180000.0, "AMT_CREDIT": 500000.0, "AMT_ANNUITY": 25000.0,
            "AMT_GOODS_PRICE": 450000.0, "DAYS_BIRTH": -14000.0, "NAME_CONTRACT_TYPE": "Cash loans",
            "EXT_SOURCE_2": 0.55}


def _ping(url: str) -> int:
    with urllib.request.urlopen(url + "/ping", timeout=60) as answer:
        return answer.status


def test_client_row_scores_like_the_core(server, client_ids, core):
    client = int(client_ids[0])
    status, answer = _post(server, _rows([{"SK_ID_CURR": client}]))
    assert status == 200, answer
    (row,) = answer["predictions"]
    expected = core.score_client(client)
    assert row["SK_ID_CURR"] == client
    assert row["probability"] == pytest.approx(expected.probability, abs=1e-6)
    assert row["threshold"] == pytest.approx(expected.threshold)
    assert row["decision"] == ("favourable" if expected.favourable else "unfavourable")
    reasons = json.loads(row["reasons"])
    assert reasons and {"input", "direction", "contribution", "text_fr", "text_en"} <= set(reasons[0])
    assert "contributions" not in row


def test_prospect_row(server, core):
    status, answer = _post(server, _rows([PROSPECT]))
    assert status == 200, answer
    (row,) = answer["predictions"]
    expected = core.score_prospect(PROSPECT)
    assert row["probability"] == pytest.approx(expected.probability, abs=1e-6)
    assert row["model"] == expected.model == "application"
    assert row["threshold"] == pytest.approx(expected.threshold)
    assert row["decision"] in ("favourable", "unfavourable")
    assert row["SK_ID_CURR"] is None


def test_batch_of_mixed_rows(server, client_ids, core):
    records = [{"SK_ID_CURR": int(c)} if i % 2 == 0 else {**PROSPECT, "AMT_CREDIT": 200000.0 + 10000 * i}
               for i, c in enumerate(client_ids[:50])]
    status, answer = _post(server, _rows(records))
    assert status == 200, answer
    rows = answer["predictions"]
    assert len(rows) == 50
    for i in (0, 2, 48):
        assert rows[i]["probability"] == pytest.approx(core.score_client(int(client_ids[i])).probability, abs=1e-6)
    assert rows[1]["probability"] == pytest.approx(core.score_prospect(records[1]).probability, abs=1e-6)
    assert [row["SK_ID_CURR"] for row in rows[:4]] == [int(client_ids[0]), None, int(client_ids[2]), None]


def test_known_client_with_changed_inputs_keeps_the_history_like_the_page(server, client_ids, core):
    from credit_widgets.decision.validate import InputError, validate_prospect

    def typable(client):     # a file an officer could also type in (within every field's range)
        try:
            validate_prospect({k: v for k, v in core.score_client(client).inputs.items() if v is not None})
            return True
        except InputError:
            return False

    client = next(int(c) for c in client_ids[3:] if typable(int(c)))
    changes = {"AMT_CREDIT": 150000.0, "AMT_ANNUITY": 9000.0, "AMT_GOODS_PRICE": 135000.0}
    status, answer = _post(server, _rows([{"SK_ID_CURR": client, **changes}]))
    assert status == 200, answer
    (row,) = answer["predictions"]
    expected = core.rescore(core.score_client(client), changes)
    assert row["SK_ID_CURR"] == client
    assert row["probability"] == pytest.approx(expected.probability, abs=1e-6)
    assert not expected.thin_file
    without_id = {k: v for k, v in {**expected.inputs, **changes}.items() if v is not None and k != "SK_ID_CURR"}
    status, answer = _post(server, _rows([without_id]))
    assert status == 200, answer
    assert abs(row["probability"] - answer["predictions"][0]["probability"]) > 1e-4, "the history was ignored"


def test_application_file_rows_score_like_the_batch_scorer(server, core):
    """Rows exactly as a file holds them (Home Credit's codes for nothing included, values outside the officer's
    ranges included) score as `credit_widgets.lifecycle.batch` scores the file; `reasons: false` is the short answer."""
    from credit_widgets.lifecycle.batch import score_folder

    rows = pd.read_parquet(REPO / "data" / "application_test.parquet").head(200)
    assert (rows["DAYS_EMPLOYED"] == 365243).any()
    body = {"dataframe_split": json.loads(rows.to_json(orient="split", index=False)), "params": {"reasons": False}}
    status, answer = _post(server, body)
    assert status == 200, _message(answer)[:500]
    got = pd.DataFrame(answer["predictions"])
    assert list(got.columns) == ["SK_ID_CURR", "probability", "decision", "threshold", "model"]
    assert set(got["model"]) == {"client"}   # ids of the client base: known clients
    expected = score_folder(core.scoring, REPO / "data").set_index("SK_ID_CURR").loc[rows["SK_ID_CURR"]]
    assert got["SK_ID_CURR"].tolist() == rows["SK_ID_CURR"].tolist()
    assert got["probability"].to_numpy() == pytest.approx(expected["probability"].to_numpy(), abs=1e-6)
    assert got["decision"].tolist() == expected["decision"].tolist()


def test_explain_gives_contributions_that_add_up(server, client_ids):
    status, answer = _post(server, _rows([{"SK_ID_CURR": int(client_ids[1])}, PROSPECT], explain=True))
    assert status == 200, answer
    for row in answer["predictions"]:
        contributions = json.loads(row["contributions"])
        base = contributions.pop("base_value")
        p = row["probability"]
        assert base + sum(contributions.values()) == pytest.approx(math.log(p / (1 - p)), abs=1e-4)


@pytest.mark.parametrize("body", [
    b"{not json", b"", b"[1, 2]", b'{"nothing": 1}', b"\xff\xfe{}", b"null", b'"text"', b"1e999999",
    b"[" * 100_000, b'{"a":' * 100_000, b'{"dataframe_split": ' + b"[" * 100_000,   # the parser's recursion
    b'{"dataframe_split": 5}', b'{"dataframe_split": {"columns": ["SK_ID_CURR"]}}',
    b'{"dataframe_split": {"columns": ["SK_ID_CURR"], "data": [[[[100002]]]]}}',
    b'{"dataframe_split": {"columns": ["SK_ID_CURR"], "data": [[1, 2, 3]]}}',
    b'{"dataframe_records": [{"SK_ID_CURR": {"nested": [1]}}]}', b'{"inputs": "x"}', b'{"instances": [[]]}',
    b'{"dataframe_split": {"columns": ["SK_ID_CURR"], "data": [[100002]]}, "params": {"explain": [1]}}',
])
def test_malformed_json_is_a_4xx(server, body):
    status, _ = _post(server, body)
    assert 400 <= status < 500, status
    assert _ping(server) == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=latin-1",
                                          "application/json; boundary=x"])
def test_missing_or_unknown_content_type_is_a_4xx(server, content_type):
    import http.client

    host, port = server.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    # http.client adds no Content-Type of its own (urllib would say form-urlencoded)
    connection.request("POST", "/invocations", body=b'{"dataframe_split": {"columns": [], "data": []}}',
                       headers={} if content_type is None else {"Content-Type": content_type})
    status = connection.getresponse().status
    connection.close()
    assert 400 <= status < 500, status


def test_text_in_a_number_names_the_field(server):
    status, answer = _post(server, _rows([{**PROSPECT, "AMT_CREDIT": "a lot"}]))
    assert 400 <= status < 500
    assert "AMT_CREDIT" in _message(answer)


def test_unknown_column_names_it(server):
    status, answer = _post(server, _rows([{**PROSPECT, "SALARY_WISHES": 3.0}]))
    assert 400 <= status < 500
    assert "SALARY_WISHES" in _message(answer)


def test_unknown_client_is_a_4xx(server):
    status, answer = _post(server, _rows([{"SK_ID_CURR": 999_999_999}]))
    assert 400 <= status < 500
    assert "SK_ID_CURR" in _message(answer) and "999999999" in _message(answer)


def test_out_of_range_value_names_the_field(server):
    status, answer = _post(server, _rows([{**PROSPECT, "AMT_INCOME_TOTAL": -5.0}]))
    assert 400 <= status < 500
    assert "AMT_INCOME_TOTAL" in _message(answer)


def test_out_of_range_change_of_a_known_client_names_the_row_and_field(server, client_ids):
    status, answer = _post(server, _rows([{"SK_ID_CURR": int(client_ids[0])},
                                          {"SK_ID_CURR": int(client_ids[1]), "AMT_CREDIT": 1.0}]))
    assert 400 <= status < 500
    assert f"Row 1 (SK_ID_CURR {int(client_ids[1])})" in _message(answer) and "AMT_CREDIT" in _message(answer)


def test_empty_row_is_a_4xx_naming_the_row(server, client_ids):
    status, answer = _post(server, _rows([{"SK_ID_CURR": int(client_ids[0]), "AMT_CREDIT": 300000.0},
                                          {"SK_ID_CURR": None, "AMT_CREDIT": None}]))
    assert 400 <= status < 500
    assert "Row 1" in _message(answer) and "Empty row" in _message(answer)


def test_oversized_request_is_refused_and_the_server_lives_on(server, client_ids):
    ids = [int(c) for c in client_ids]
    data = [[ids[i % len(ids)]] for i in range(2_000_000)]       # about 20 MB of JSON
    body = json.dumps({"dataframe_split": {"columns": ["SK_ID_CURR"], "data": data}}).encode()
    assert len(body) > 15_000_000
    status, answer = _post(server, body)
    assert status in (400, 413), _message(answer)[:500]
    assert "Too many rows" in _message(answer)
    assert _ping(server) == 200


def test_server_still_answers_after_everything(server, client_ids):
    assert _ping(server) == 200
    status, _ = _post(server, _rows([{"SK_ID_CURR": int(client_ids[2])}]))
    assert status == 200


# ---- the page through the API (CREDIT_API_URL) -------------------------------------------------------------------

@pytest.fixture(scope="session")
def remote(server):
    from credit_widgets.scoring.remote import load_model

    return load_model(url=server)


def _same_decision(got, expected):
    assert got.probability == pytest.approx(expected.probability, abs=1e-6)
    assert (got.favourable, got.threshold, got.client_id) == (expected.favourable, expected.threshold,
                                                              expected.client_id)
    assert (got.borderline, got.rare_profile, got.thin_file) == (expected.borderline, expected.rare_profile,
                                                                expected.thin_file)
    for lang in ("fr", "en"):
        assert [r.text(lang) for r in got.reasons] == [r.text(lang) for r in expected.reasons]
    assert got.base_value == pytest.approx(expected.base_value, abs=1e-6)
    assert got.contributions == pytest.approx(expected.contributions, abs=1e-6)


def _loan_terms_only(core, decision):
    """What the in-process model suggests without the history levers, which the served model cannot verify."""
    core.scorer.history_levers = False
    try:
        return core.suggest(decision)
    finally:
        del core.scorer.history_levers


def _same_suggestions(got, expected):
    assert [(s.kind, s.changes) for s in got] == [(s.kind, s.changes) for s in expected]
    assert [s.probability for s in got] == pytest.approx([s.probability for s in expected], abs=1e-6)


def test_the_page_model_through_the_api_decides_exactly_as_in_process(remote, core):
    """Clients (favourable and not), a client after two changes, prospects, and what would change the answer."""
    ids = core.client_ids()
    for client in ids[:30]:
        _same_decision(remote.score_client(client), core.score_client(client))
    favourable = next(c for c in ids if core.score_client(c).favourable)
    turnable = next(c for c in ids if not core.score_client(c).favourable
                    and any(s.favourable for s in _loan_terms_only(core, core.score_client(c))))
    hopeless = next(c for c in ids if not core.score_client(c).favourable
                    and all(s.partial for s in _loan_terms_only(core, core.score_client(c))))
    for client in (favourable, turnable, hopeless):
        got, expected = remote.score_client(client), core.score_client(client)
        suggestions = _loan_terms_only(core, expected)
        _same_suggestions(remote.suggest(got), suggestions)
        if suggestions:   # apply the first, then change the income too: the history stays the client's
            got_after = remote.rescore(remote.rescore(got, suggestions[0].changes), {"AMT_INCOME_TOTAL": 95000.0})
            expected_after = core.rescore(core.rescore(expected, suggestions[0].changes),
                                          {"AMT_INCOME_TOTAL": 95000.0})
            _same_decision(got_after, expected_after)
            _same_suggestions(remote.suggest(got_after), _loan_terms_only(core, expected_after))
    for credit in (150000.0, 900000.0, 2500000.0):
        prospect = {**PROSPECT, "AMT_CREDIT": credit, "AMT_ANNUITY": credit / 20, "AMT_GOODS_PRICE": credit * 0.9}
        got, expected = remote.score_prospect(prospect), core.score_prospect(prospect)
        _same_decision(got, expected)
        _same_suggestions(remote.suggest(got), core.suggest(expected))
        _same_decision(remote.rescore(got, {"AMT_INCOME_TOTAL": 400000.0}),
                       core.rescore(expected, {"AMT_INCOME_TOTAL": 400000.0}))


def test_the_page_uses_the_api_when_credit_api_url_is_set(server, core, monkeypatch, tmp_path):
    from credit_widgets.audit.log import AuditLog
    from credit_widgets.scoring.remote import ApiScorer
    from credit_widgets.widgets import CreditApp

    monkeypatch.setenv("CREDIT_API_URL", server + "/")
    app = CreditApp(audit=AuditLog(tmp_path / "audit.sqlite"))
    assert isinstance(app.model.scorer, ApiScorer) and app.model.scorer.url == server
    local = CreditApp(core, AuditLog(tmp_path / "local.sqlite"))
    for page in (app, local):
        page.client.id.value = str(core.client_ids()[5])
    assert app.page_error.value == "" and app.answer.verdict.value == local.answer.verdict.value
    assert app.answer.probability.value == local.answer.probability.value
    assert app.answer.reasons.value == local.answer.reasons.value


def test_a_silent_api_is_a_message_in_the_officers_language_and_nothing_typed_is_lost(core, tmp_path):
    from credit_widgets import CreditModel
    from credit_widgets.audit.log import AuditLog
    from credit_widgets.scoring.remote import ApiScorer
    from credit_widgets.widgets import CreditApp

    nowhere = CreditModel(core.scoring, core.population, core.model_dir, core.data_dir,
                          scorer=ApiScorer(f"http://127.0.0.1:{free_port()}"))   # nothing listens there
    app = CreditApp(nowhere, AuditLog(tmp_path / "audit.sqlite"))
    client = str(core.client_ids()[6])
    app.client.id.value = client
    assert "service de scoring" in app.page_error.value and "Traceback" not in app.page_error.value
    assert app.client.id.value == client


def test_the_registered_champion_is_served_from_the_registry(trained, tmp_path):
    """What the notebook and `train` register (alias champion, the package shipped inside) is what MLflow serves."""
    import mlflow

    from credit_widgets import CreditModel
    from credit_widgets.model.artifacts import MODEL_NAME

    uri = f"models:/{MODEL_NAME}@champion"
    copy = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path / "registered"),
                                                    tracking_uri=trained["tracking_uri"]))
    shipped = copy / "code" / "credit_widgets" / "lifecycle" / "pyfunc.py"
    assert shipped.exists(), "the package is not shipped with the model"
    process, port, _ = start_server(tmp_path, model_uri=uri, env={"MLFLOW_TRACKING_URI": trained["tracking_uri"],
                                                                  "CREDIT_DATA_DIR": str(trained["data_dir"])})
    try:
        core = CreditModel.load(trained["model_dir"], trained["data_dir"])
        client = core.client_ids()[0]
        status, answer = _post(f"http://127.0.0.1:{port}", _rows([{"SK_ID_CURR": client}, PROSPECT]))
        assert status == 200, answer
        served, prospect = answer["predictions"]
        assert served["probability"] == pytest.approx(core.score_client(client).probability, abs=1e-6)
        assert prospect["probability"] == pytest.approx(core.score_prospect(PROSPECT).probability, abs=1e-6)
    finally:
        stop_server(process)

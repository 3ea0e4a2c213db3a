"""One contract for what can be decided: the page's desk, `score_prospect` and the API's pyfunc refuse exactly the same
incomplete or impossible prospects, with the same first message (the API's names the row and the field)."""
from __future__ import annotations

import threading

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_widgets.audit.log import AuditLog
from credit_widgets.decision.desk import Desk
from credit_widgets.decision.validate import REQUIRED, InputError
from credit_widgets.serving.ledger import Ledger

mlflow = pytest.importorskip("mlflow")

from mlflow.exceptions import MlflowException  # noqa: E402

from credit_widgets.lifecycle.pyfunc import CreditPyfunc  # noqa: E402

# values inside and outside the fields' ranges, and missing ones
_AMOUNTS = st.sampled_from([None, 5000.0, 20000.0, 150000.0, 600000.0, 6_000_000.0])
_FIELDS = {"AMT_INCOME_TOTAL": _AMOUNTS, "AMT_CREDIT": _AMOUNTS, "AMT_ANNUITY": _AMOUNTS,
           "AMT_GOODS_PRICE": _AMOUNTS, "EXT_SOURCE_2": st.sampled_from([None, 0.1, 0.6, 1.5]),
           "DAYS_BIRTH": st.sampled_from([None, -5000.0, -15000.0])}


@pytest.fixture(scope="module")
def api(credit_model):
    served = CreditPyfunc()
    served.model, served._lock = credit_model, threading.Lock()
    return served


def _api_message(api, row):
    frame = pd.DataFrame([{k: (float("nan") if v is None else v) for k, v in row.items()}])
    try:
        api.predict(None, frame)
    except MlflowException as error:
        return error.message
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional=_FIELDS))
def test_the_page_score_prospect_and_the_api_refuse_the_same_inputs_with_the_same_message(
        credit_model, api, tmp_path_factory, row):
    desk = Desk(credit_model, Ledger(AuditLog(tmp_path_factory.mktemp("a") / "a.sqlite")))
    desk.set_mode("prospect")
    desk.enter_prospect(row)
    try:
        credit_model.score_prospect({k: v for k, v in row.items() if v is not None})
        core = None
    except InputError as error:
        core = error
    served = _api_message(api, row)
    if core is None:
        assert desk.decision is not None and desk.problems == [] and served is None
        return
    assert desk.decision is None and desk.problems, row
    assert desk.problems[0].message("en") == core.message("en"), row
    assert served is not None and served.startswith("Row 0")
    if not any(v is not None for v in row.values()):   # the API says first that a row with nothing is empty
        assert "Empty row" in served
        return
    assert f"field {core.field}" in served and core.message("en") in served


def test_nothing_given_is_refused_everywhere_naming_the_first_required_input(credit_model, api):
    with pytest.raises(InputError) as refused:
        credit_model.score_prospect({})
    assert refused.value.field == REQUIRED[0] and refused.value.key == "required"
    only_income = {"AMT_INCOME_TOTAL": 150000.0}
    with pytest.raises(InputError) as refused:
        credit_model.score_prospect(only_income)
    assert refused.value.field == "AMT_CREDIT"
    assert "field AMT_CREDIT" in _api_message(api, only_income)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={**_FIELDS, "CNT_CHILDREN": st.sampled_from([None, 0.0, 3.0]),
                                                    "CNT_FAM_MEMBERS": st.sampled_from([None, 1.0, 4.0]),
                                                    "NAME_CONTRACT_TYPE": st.sampled_from(
                                                        [None, "Cash loans", "Mortgage"])}),
                min_size=1, max_size=8))
def test_a_batch_file_refuses_the_rows_the_api_refuses_with_the_same_message(rows):
    """`table_problems` (batch files, column-wise) finds, row by row, the first problem `validate_application` finds."""
    from credit_widgets.decision.validate import table_problems, validate_application

    columns = list(_FIELDS) + ["CNT_CHILDREN", "CNT_FAM_MEMBERS", "NAME_CONTRACT_TYPE"]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    for row, problem in zip(rows, table_problems(frame, columns)):
        ordered = {c: row[c] for c in columns if row.get(c) is not None}
        try:
            validate_application(ordered)
            expected = None
        except InputError as error:
            expected = error.message("en")
        assert (None if problem is None else problem.message("en")) == expected, row


@pytest.mark.parametrize("folder, table", [("real_dir", "application_train.csv"), ("real_dir", "application_test.csv"),
                                           ("real_joined_dir", "application_train.csv")])
def test_no_real_application_is_impossible_as_typed(request, folder, table):
    """The rules between inputs refuse typing errors, not real applications: every real Home Credit row passes them
    (the goods-price bound was read on these rows' ratio, 0.50-2.83; the rule refuses beyond 1/4 and 4)."""
    from credit_widgets.decision.validate import CONSISTENCY_RULES, table_problems

    rows = pd.read_csv(request.getfixturevalue(folder) / table)
    columns = sorted({name for name, _, _ in CONSISTENCY_RULES} | {"AMT_CREDIT", "CNT_FAM_MEMBERS", "DAYS_BIRTH"})
    problems = table_problems(rows, columns)
    refused = [(i, p.key) for i, p in enumerate(problems) if p is not None and p.key in
               {key for _, key, _ in CONSISTENCY_RULES}]
    assert len(rows) > 100 and refused == []

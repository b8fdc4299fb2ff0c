"""ssm_automation_execution with botocore's Stubber: the local endpoint has no StartAutomationExecution.

Responses are shaped as the SSM API reference documents GetAutomationExecution and
DescribeAutomationStepExecutions.
"""

from __future__ import annotations

import datetime
import uuid

import botocore.session
import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils import _ssm
from ansible_collections.multiregion.serverless.plugins.modules import ssm_automation_execution as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

DOCUMENT = "prod-restore-table-pitr"
EXECUTION_ID = "4105a4fc-f944-11e6-9d32-0123456789ab"
RUN_ID = "2026-12-06T05-00-00"
TOKEN = module.derive_client_token(DOCUMENT, RUN_ID)
T0 = datetime.datetime(2026, 12, 6, 5, 0, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(minutes=3)
PARAMETERS = {"SourceTableName": ["prod-table"], "TargetTableName": ["prod-table-drill"]}
ARGS = {"document_name": DOCUMENT, "run_id": RUN_ID, "parameters": PARAMETERS, "poll_interval": 2}


def execution(status="InProgress", ended=False, **extra):
    result = {
        "AutomationExecutionId": EXECUTION_ID,
        "DocumentName": DOCUMENT,
        "DocumentVersion": "1",
        "ExecutionStartTime": T0,
        "AutomationExecutionStatus": status,
        "Parameters": PARAMETERS,
        "Outputs": {},
        "Mode": "Auto",
    }
    if ended:
        result["ExecutionEndTime"] = T1
    result.update(extra)
    return result


def step(name="restore", status="Success", **extra):
    return {
        "StepName": name,
        "Action": "aws:executeAwsApi",
        "ExecutionStartTime": T0,
        "ExecutionEndTime": T1,
        "StepStatus": status,
        "Outputs": {"TableArn": ["arn:aws:dynamodb:eu-west-1:123456789012:table/prod-table-drill"]},
        "StepExecutionId": str(uuid.uuid4()),
        **extra,
    }


def started(stub, token=TOKEN, parameters=None, **extra):
    parameters = PARAMETERS if parameters is None else parameters
    params = {"DocumentName": DOCUMENT, "ClientToken": token, **extra}
    if parameters:
        params["Parameters"] = parameters
    stub.add_response("start_automation_execution", {"AutomationExecutionId": EXECUTION_ID}, params)


def polled(stub, *executions):
    for item in executions:
        stub.add_response(
            "get_automation_execution", {"AutomationExecution": item}, {"AutomationExecutionId": EXECUTION_ID}
        )


def steps(stub, *pages):
    token = None
    for i, page in enumerate(pages):
        params = {"AutomationExecutionId": EXECUTION_ID}
        if token:
            params["NextToken"] = token
        response = {"StepExecutions": list(page)}
        token = f"page{i + 2}" if i + 1 < len(pages) else None
        if token:
            response["NextToken"] = token
        stub.add_response("describe_automation_step_executions", response, params)


def test_start_and_wait_until_success(aws):
    stub = aws.stub("ssm")
    started(stub)
    polled(
        stub,
        execution("InProgress"),
        execution("InProgress"),
        execution("Success", ended=True, Outputs={"restore.TableArn": ["arn:table"]}),
    )
    steps(stub, [step("check", Action="aws:assertAwsResourceProperty"), step()])
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert result["timed_out"] is False
    got = result["execution"]
    assert got["automation_execution_id"] == EXECUTION_ID
    assert got["status"] == "Success"
    assert got["outputs"] == {"restore.TableArn": ["arn:table"]}
    assert got["execution_start_time"] == "2026-12-06T05:00:00+00:00"
    assert got["execution_end_time"] == "2026-12-06T05:03:00+00:00"
    assert [s["step_name"] for s in got["step_executions"]] == ["check", "restore"]
    assert got["step_executions"][1] == {
        "step_name": "restore",
        "action": "aws:executeAwsApi",
        "status": "Success",
        "start_time": "2026-12-06T05:00:00+00:00",
        "end_time": "2026-12-06T05:03:00+00:00",
        "outputs": {"TableArn": ["arn:aws:dynamodb:eu-west-1:123456789012:table/prod-table-drill"]},
        "failure_message": None,
    }
    assert result["client_token"] == TOKEN
    assert aws.sleeps == [2, 2]


def test_steps_are_read_page_by_page(aws):
    stub = aws.stub("ssm")
    started(stub)
    polled(stub, execution("InProgress"))
    steps(stub, [step("one")], [step("two")], [step("three")])
    result = run_module(module.main, dict(ARGS, wait=False))
    assert [s["step_name"] for s in result["execution"]["step_executions"]] == ["one", "two", "three"], result
    assert result["execution"]["status"] == "InProgress"


def test_a_failed_runbook_is_reported_not_failed(aws):
    stub = aws.stub("ssm")
    started(stub)
    polled(stub, execution("Failed", ended=True, FailureMessage="Step fails when it is restoring"))
    steps(stub, [step(status="Failed", FailureMessage="TableAlreadyExistsException")])
    result = run_module(module.main, ARGS)
    assert not result.get("failed"), result
    assert result["execution"]["status"] == "Failed"
    assert result["execution"]["failure_message"] == "Step fails when it is restoring"
    assert result["execution"]["step_executions"][0]["failure_message"] == "TableAlreadyExistsException"


def test_timeout_cancels_the_execution(aws):
    stub = aws.stub("ssm")
    started(stub)
    polled(stub, execution("InProgress"))
    stub.add_response("stop_automation_execution", {}, {"AutomationExecutionId": EXECUTION_ID, "Type": "Cancel"})
    polled(stub, execution("Cancelling"), execution("Cancelled", ended=True))
    steps(stub, [step(status="Cancelled")])
    result = run_module(module.main, dict(ARGS, wait_timeout=0))
    assert not result.get("failed"), result
    assert result["timed_out"] is True
    assert result["execution"]["status"] == "Cancelled"


def test_timeout_without_stopping(aws):
    stub = aws.stub("ssm")
    started(stub)
    polled(stub, execution("InProgress"))
    steps(stub, [step(status="InProgress")])
    result = run_module(module.main, dict(ARGS, wait_timeout=0, stop_on_timeout=False))
    assert result["timed_out"] is True, result
    assert result["execution"]["status"] == "InProgress"


def test_version_tags_and_given_token_are_sent(aws):
    stub = aws.stub("ssm")
    token = str(uuid.uuid4())
    started(
        stub,
        token=token,
        parameters={"SourceTableName": ["t"], "Count": ["3"]},
        DocumentVersion="2",
        Tags=[{"Key": "Deployment", "Value": "prod"}],
    )
    polled(stub, execution("Success", ended=True))
    steps(stub, [])
    result = run_module(
        module.main,
        {
            "document_name": DOCUMENT,
            "document_version": "2",
            "client_token": token,
            "parameters": {"SourceTableName": "t", "Count": 3},
            "tags": {"Deployment": "prod"},
        },
    )
    assert not result.get("failed"), result
    assert result["client_token"] == token


def test_without_run_id_a_fresh_token_is_used(aws):
    stub = aws.stub("ssm")
    stub.add_response(
        "start_automation_execution",
        {"AutomationExecutionId": EXECUTION_ID},
        {"DocumentName": DOCUMENT, "ClientToken": ANY},
    )
    polled(stub, execution("Success", ended=True))
    steps(stub, [])
    result = run_module(module.main, {"document_name": DOCUMENT})
    assert result["changed"] is True, result
    assert module.is_uuid(result["client_token"]) and result["client_token"] != TOKEN


def test_check_mode_starts_nothing(aws):
    result = run_module(module.main, ARGS, check_mode=True)
    assert result["changed"] is True, result
    assert result["execution"] == {}
    assert result["client_token"] == TOKEN


def test_throttled_then_retried(aws):
    stub = aws.stub("ssm")
    stub.add_client_error("start_automation_execution", **client_error("ThrottlingException"))
    started(stub)
    stub.add_client_error("get_automation_execution", **client_error("ThrottlingException"))
    polled(stub, execution("Success", ended=True))
    steps(stub, [step()])
    result = run_module(module.main, ARGS)
    assert not result.get("failed"), result
    assert result["execution"]["status"] == "Success"


def test_document_not_found(aws):
    aws.stub("ssm").add_client_error(
        "start_automation_execution", **client_error("InvalidDocument", "Document prod-restore does not exist")
    )
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"start automation execution of {DOCUMENT}")


def test_execution_gone_fails_naming_it(aws):
    stub = aws.stub("ssm")
    started(stub)
    stub.add_client_error("get_automation_execution", **client_error("AutomationExecutionNotFoundException"))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"get automation execution {EXECUTION_ID}")


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"client_token": "not-a-uuid"}, "client_token must be a UUID"),
        ({"parameters": {"A": {"x": 1}}}, "parameters.A"),
        ({"parameters": {"A": None}}, "parameters.A"),
        ({"parameters": {"A": ["x", {"y": 1}]}}, "parameters.A"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"wait_timeout": -1}, "wait_timeout"),
    ],
    ids=["token", "dict_value", "null_value", "dict_in_list", "poll_interval", "wait_timeout"],
)
def test_bad_input_fails_before_any_call(aws, bad, message):
    result = run_module(module.main, dict(ARGS, **bad))
    assert_fails_mentioning(result, message)


# --- pure functions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, {}),
        ({"A": "x"}, {"A": ["x"]}),
        ({"A": ["x", "y"]}, {"A": ["x", "y"]}),
        ({"A": 5, "B": True}, {"A": ["5"], "B": ["true"]}),
        ({"A": []}, {"A": []}),
    ],
    ids=["none", "string", "list", "scalars", "empty_list"],
)
def test_normalize_parameters(given, expected):
    assert module.normalize_parameters(given) == (expected, [])


def test_derived_tokens_are_stable_uuids():
    assert module.derive_client_token(DOCUMENT, RUN_ID) == TOKEN
    assert module.is_uuid(TOKEN)
    assert module.derive_client_token(DOCUMENT, "other-run") != TOKEN
    assert module.derive_client_token("other-document", RUN_ID) != TOKEN


def test_terminal_statuses_are_in_the_service_model():
    enum = botocore.session.Session().get_service_model("ssm").shape_for("AutomationExecutionStatus").enum
    assert set(_ssm.AUTOMATION_TERMINAL_STATUSES) <= set(enum)
    for running in ("Pending", "InProgress", "Waiting", "Cancelling", "PendingApproval", "RunbookInProgress"):
        assert not module.is_terminal({"AutomationExecutionStatus": running})

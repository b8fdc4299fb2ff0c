"""fis_experiment: start, find again, wait, time out, stop; with botocore's Stubber."""

from __future__ import annotations

import copy
import datetime

import botocore.session
import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _fis
from ansible_collections.multiregion.serverless.plugins.modules import fis_experiment as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

TEMPLATE_ID = "EXT6aBcD7eFgH1jK"
EXPERIMENT_ID = "EXPaBcD7eFgH1jK2"
RUN_ID = "2026-12-06T05-00-00"
TOKEN = module.derive_client_token(TEMPLATE_ID, RUN_ID)
T0 = datetime.datetime(2026, 12, 6, 5, 0, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(minutes=10)
TEMPLATE = {
    "id": TEMPLATE_ID,
    "arn": f"arn:aws:fis:eu-west-1:123456789012:experiment-template/{TEMPLATE_ID}",
    "description": "Region impairment",
    "roleArn": "arn:aws:iam::123456789012:role/fis",
    "actions": {"disrupt": {"actionId": "aws:network:disrupt-connectivity"}},
    "stopConditions": [{"source": "none"}],
    "tags": {"Name": "prod-region-impairment"},
}


def experiment(status="running", action_status=None, ended=False, tags=None):
    action = {
        "actionId": "aws:network:disrupt-connectivity",
        "state": {"status": action_status or status, "reason": f"Action is {action_status or status}."},
        "startTime": T0,
    }
    result = {
        "id": EXPERIMENT_ID,
        "arn": f"arn:aws:fis:eu-west-1:123456789012:experiment/{EXPERIMENT_ID}",
        "experimentTemplateId": TEMPLATE_ID,
        "roleArn": "arn:aws:iam::123456789012:role/fis",
        "state": {"status": status, "reason": f"Experiment is {status}."},
        "actions": {"disrupt": action},
        "stopConditions": [{"source": "none"}],
        "creationTime": T0,
        "startTime": T0,
        "tags": {module.TOKEN_TAG: TOKEN} if tags is None else tags,
    }
    if ended:
        result["endTime"] = T1
        action["endTime"] = T1
    return result


def summary(token=TOKEN, created=T0):
    return {
        "id": EXPERIMENT_ID,
        "experimentTemplateId": TEMPLATE_ID,
        "state": {"status": "completed"},
        "creationTime": created,
        "tags": {module.TOKEN_TAG: token},
    }


def template_found(stub):
    stub.add_response("get_experiment_template", {"experimentTemplate": TEMPLATE}, {"id": TEMPLATE_ID})


def no_experiments(stub, experiments=()):
    stub.add_response("list_experiments", {"experiments": list(experiments)}, {"experimentTemplateId": TEMPLATE_ID})


def started(stub, tags=None):
    stub.add_response(
        "start_experiment",
        {"experiment": experiment("pending")},
        {
            "clientToken": TOKEN,
            "experimentTemplateId": TEMPLATE_ID,
            "tags": dict(tags or {}, **{module.TOKEN_TAG: TOKEN}),
        },
    )


def polled(stub, *experiments):
    for item in experiments:
        stub.add_response("get_experiment", {"experiment": item}, {"id": EXPERIMENT_ID})


ARGS = {"template_id": TEMPLATE_ID, "run_id": RUN_ID, "poll_interval": 1}


def test_start_and_wait_until_completed(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub)
    started(stub, tags={"Deployment": "prod"})
    polled(stub, experiment("running"), experiment("completed", ended=True))
    result = run_module(module.main, dict(ARGS, tags={"Deployment": "prod"}))
    assert_changed(result)
    assert result["timed_out"] is False
    got = result["experiment"]
    assert got["id"] == EXPERIMENT_ID and got["template_id"] == TEMPLATE_ID
    assert got["state"] == {"status": "completed", "reason": "Experiment is completed."}
    assert got["start_time"] == "2026-12-06T05:00:00+00:00"
    assert got["end_time"] == "2026-12-06T05:10:00+00:00"
    assert got["actions"]["disrupt"] == {
        "action_id": "aws:network:disrupt-connectivity",
        "state": {"status": "completed", "reason": "Action is completed."},
        "start_time": "2026-12-06T05:00:00+00:00",
        "end_time": "2026-12-06T05:10:00+00:00",
    }
    assert got["client_token"] == TOKEN
    # The aws fixture records sleeps (time.sleep is patched there): one poll interval before each look.
    assert aws.sleeps == [1, 1]


def test_start_by_template_name(aws):
    stub = aws.stub("fis")
    stub.add_response(
        "list_experiment_templates",
        {"experimentTemplates": [{"id": TEMPLATE_ID, "tags": {"Name": "prod-region-impairment"}}]},
        {},
    )
    template_found(stub)
    no_experiments(stub)
    started(stub)
    result = run_module(module.main, {"template_name": "prod-region-impairment", "run_id": RUN_ID, "wait": False})
    assert result["changed"] is True, result
    assert result["experiment"]["state"]["status"] == "pending"


def test_a_run_already_started_is_found_not_started_again(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub, [summary(token="another-run"), summary()])
    polled(stub, experiment("completed", ended=True))
    result = run_module(module.main, ARGS)
    assert_unchanged(result)
    assert result["experiment"]["id"] == EXPERIMENT_ID


def test_check_mode_starts_nothing(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub)
    result = run_module(module.main, ARGS, check_mode=True)
    assert result["changed"] is True, result
    assert result["experiment"] == {"template_id": TEMPLATE_ID, "client_token": TOKEN}


def test_check_mode_reports_a_run_already_started(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub, [summary()])
    polled(stub, experiment("running"))
    result = run_module(module.main, ARGS, check_mode=True)
    assert result["changed"] is False, result
    assert result["experiment"]["state"]["status"] == "running"


def test_timeout_stops_the_experiment(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub)
    started(stub)
    stub.add_response("stop_experiment", {"experiment": experiment("stopping")}, {"id": EXPERIMENT_ID})
    polled(stub, experiment("stopped", action_status="cancelled", ended=True))
    result = run_module(module.main, dict(ARGS, wait_timeout=0))
    assert not result.get("failed"), result
    assert result["timed_out"] is True
    assert result["changed"] is True
    assert result["experiment"]["state"]["status"] == "stopped"
    assert result["experiment"]["actions"]["disrupt"]["state"]["status"] == "cancelled"


def test_timeout_without_stopping(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub, [summary()])
    polled(stub, experiment("running"))
    result = run_module(module.main, dict(ARGS, wait_timeout=0, stop_on_timeout=False))
    assert result["timed_out"] is True, result
    assert result["changed"] is False
    assert result["experiment"]["state"]["status"] == "running"


def test_template_not_found(aws):
    aws.stub("fis").add_client_error("get_experiment_template", **client_error("ResourceNotFoundException", status=404))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, "template_id")


def test_template_name_not_found(aws):
    aws.stub("fis").add_response("list_experiment_templates", {"experimentTemplates": []}, {})
    result = run_module(module.main, {"template_name": "nope", "run_id": RUN_ID})
    assert_fails_mentioning(result, "template_name")


def test_throttled_then_retried(aws):
    stub = aws.stub("fis")
    template_found(stub)
    stub.add_client_error("list_experiments", **client_error("ThrottlingException"))
    no_experiments(stub)
    stub.add_client_error("start_experiment", **client_error("ThrottlingException"))
    started(stub)
    result = run_module(module.main, dict(ARGS, wait=False))
    assert_changed(result)


def test_start_refused(aws):
    stub = aws.stub("fis")
    template_found(stub)
    no_experiments(stub)
    stub.add_client_error("start_experiment", **client_error("ValidationException", "Role cannot be assumed"))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, "start experiment from template")


def test_stop_a_running_experiment(aws):
    stub = aws.stub("fis")
    polled(stub, experiment("running"))
    stub.add_response("stop_experiment", {"experiment": experiment("stopping")}, {"id": EXPERIMENT_ID})
    polled(stub, experiment("stopped", ended=True))
    result = run_module(module.main, {"state": "stopped", "experiment_id": EXPERIMENT_ID, "poll_interval": 1})
    assert_changed(result)
    assert result["experiment"]["state"]["status"] == "stopped"


def test_stop_without_waiting(aws):
    stub = aws.stub("fis")
    polled(stub, experiment("running"))
    stub.add_response("stop_experiment", {"experiment": experiment("stopping")}, {"id": EXPERIMENT_ID})
    result = run_module(module.main, {"state": "stopped", "experiment_id": EXPERIMENT_ID, "wait": False})
    assert result["changed"] is True, result
    assert result["experiment"]["state"]["status"] == "stopping"


@pytest.mark.parametrize("status", ["completed", "stopped", "failed", "cancelled", "stopping"])
def test_stop_an_experiment_that_ended_or_is_ending_is_no_change(aws, status):
    polled(aws.stub("fis"), experiment(status, ended=status != "stopping"))
    result = run_module(module.main, {"state": "stopped", "experiment_id": EXPERIMENT_ID, "wait": False})
    assert result["changed"] is False, result


def test_stop_in_check_mode(aws):
    polled(aws.stub("fis"), experiment("running"))
    result = run_module(module.main, {"state": "stopped", "experiment_id": EXPERIMENT_ID}, check_mode=True)
    assert result["changed"] is True, result
    assert result["experiment"]["state"]["status"] == "running"


def test_stop_an_experiment_that_does_not_exist(aws):
    aws.stub("fis").add_client_error("get_experiment", **client_error("ResourceNotFoundException", status=404))
    result = run_module(module.main, {"state": "stopped", "experiment_id": EXPERIMENT_ID})
    assert_fails_mentioning(result, "experiment_id")


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"template_id": TEMPLATE_ID, "template_name": "x"}, "mutually exclusive"),
        ({"run_id": RUN_ID}, "template_id"),
        ({"state": "stopped"}, "experiment_id"),
        (dict(ARGS, client_token="x" * 1025), "client_token"),
        (dict(ARGS, client_token="has space"), "client_token"),
        (dict(ARGS, poll_interval=0), "poll_interval"),
    ],
    ids=["both_template_options", "no_template", "stop_without_id", "long_token", "token_with_space", "poll_interval"],
)
def test_bad_input_fails_before_any_call(aws, bad, message):
    result = run_module(module.main, bad)
    assert_fails_mentioning(result, message)


# --- pure functions -----------------------------------------------------------------------------------------


def test_the_derived_token_is_stable_short_and_distinct():
    assert module.derive_client_token("EXT1", "run-1") == module.derive_client_token("EXT1", "run-1")
    assert module.derive_client_token("EXT1", "run-1") != module.derive_client_token("EXT1", "run-2")
    assert module.derive_client_token("EXT1", "run-1") != module.derive_client_token("EXT2", "run-1")
    assert len(module.derive_client_token("EXT1", "r" * 500)) <= 64


@pytest.mark.parametrize(
    "summaries, expected",
    [
        ([], None),
        ([summary(token="other")], None),
        ([summary()], EXPERIMENT_ID),
        (
            [dict(summary(), id="old"), dict(summary(created=T1), id="new")],
            "new",
        ),
    ],
    ids=["none", "other_token", "found", "newest_of_two"],
)
def test_find_by_token(summaries, expected):
    found = module.find_by_token(copy.deepcopy(summaries), TOKEN)
    assert (found or {}).get("id") == expected


@pytest.mark.parametrize(
    "status, terminal",
    [(s, s in ("completed", "stopped", "failed", "cancelled")) for s in _fis.EXPERIMENT_STATUSES],
)
def test_is_terminal(status, terminal):
    assert module.is_terminal({"state": {"status": status}}) is terminal


def test_the_statuses_are_the_service_models():
    model = botocore.session.Session().get_service_model("fis")
    assert list(_fis.EXPERIMENT_STATUSES) == model.shape_for("ExperimentStatus").enum
    assert set(_fis.EXPERIMENT_TERMINAL_STATUSES) <= set(_fis.EXPERIMENT_STATUSES)
    assert _fis.ACCOUNT_TARGETING == model.shape_for("AccountTargeting").enum
    assert _fis.EMPTY_TARGET_RESOLUTION_MODES == model.shape_for("EmptyTargetResolutionMode").enum


def test_check_mode_with_a_template_not_created_yet(aws):
    aws.stub("fis").add_response("list_experiment_templates", {"experimentTemplates": []}, {})
    result = run_module(
        module.main, {"template_name": "created-earlier-in-this-run", "run_id": RUN_ID}, check_mode=True
    )
    assert not result.get("failed"), result
    assert (result["changed"], result["experiment"]) == (True, {})
    assert any("template_name" in warning for warning in result["warnings"])

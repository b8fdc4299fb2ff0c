"""apigateway_account against a stubbed API Gateway client."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import apigateway_account
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_account import main
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

ROLE = "arn:aws:iam::123456789012:role/apigateway-cloudwatch-logs"
OLD_ROLE = "arn:aws:iam::123456789012:role/old"
NOT_ACCEPTED = (
    "The role ARN does not have required permissions configured. "
    "Please grant trust permission for API Gateway and add the required role policy."
)


def account(role=None) -> dict:
    result = {
        "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
        "features": ["UsagePlans"],
        "apiKeyVersion": "4",
    }
    if role:
        result["cloudwatchRoleArn"] = role
    return result


UPDATE = {"patchOperations": [{"op": "replace", "path": "/cloudwatchRoleArn", "value": ROLE}]}


@pytest.fixture
def sleeps(monkeypatch):
    return patch_clock(monkeypatch, apigateway_account).sleeps


def test_sets_the_role(aws):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_account", account(), {})
    apigw.add_response("update_account", account(ROLE), UPDATE)
    result = run_module(main, {"cloudwatch_role_arn": ROLE}, diff=True)
    assert result["changed"] is True
    assert result["account"]["cloudwatch_role_arn"] == ROLE
    assert result["account"]["throttle_settings"] == {"burst_limit": 5000, "rate_limit": 10000.0}
    assert result["diff"] == {"before": {"cloudwatch_role_arn": None}, "after": {"cloudwatch_role_arn": ROLE}}


def test_replaces_another_role(aws):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_account", account(OLD_ROLE), {})
    apigw.add_response("update_account", account(ROLE), UPDATE)
    result = run_module(main, {"cloudwatch_role_arn": ROLE}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {"cloudwatch_role_arn": OLD_ROLE}


def test_no_change(aws):
    aws.stub("apigateway").add_response("get_account", account(ROLE), {})
    result = run_module(main, {"cloudwatch_role_arn": ROLE}, diff=True)
    assert_unchanged_with_equal_diff(result)


@pytest.mark.parametrize("current, changed", [(None, True), (OLD_ROLE, True), (ROLE, False)])
def test_check_mode_makes_no_update(aws, current, changed):
    aws.stub("apigateway").add_response("get_account", account(current), {})
    result = run_module(main, {"cloudwatch_role_arn": ROLE}, check_mode=True, diff=True)
    assert result["changed"] is changed
    assert result["account"]["cloudwatch_role_arn"] == ROLE
    assert result["diff"]["after"] == {"cloudwatch_role_arn": ROLE}


def test_throttled_then_retried(aws):
    apigw = aws.stub("apigateway")
    apigw.add_client_error("get_account", **client_error("TooManyRequestsException", "Too Many Requests", 429))
    apigw.add_response("get_account", account(), {})
    apigw.add_client_error("update_account", **client_error("TooManyRequestsException", "Too Many Requests", 429))
    apigw.add_response("update_account", account(ROLE), UPDATE)
    assert run_module(main, {"cloudwatch_role_arn": ROLE})["changed"] is True
    assert len(aws.sleeps) == 2


def test_a_role_still_propagating_is_retried(aws, sleeps):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_account", account(), {})
    apigw.add_client_error("update_account", **client_error("BadRequestException", NOT_ACCEPTED))
    apigw.add_client_error("update_account", **client_error("BadRequestException", NOT_ACCEPTED))
    apigw.add_response("update_account", account(ROLE), UPDATE)
    assert run_module(main, {"cloudwatch_role_arn": ROLE})["changed"] is True
    assert sleeps == [5, 5]


def test_a_role_never_accepted_fails_after_the_timeout(aws, sleeps):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_account", account(), {})
    for _attempt in range(3):
        apigw.add_client_error("update_account", **client_error("BadRequestException", NOT_ACCEPTED))
    result = run_module(main, {"cloudwatch_role_arn": ROLE, "wait_timeout": 10})
    assert_fails_with(result, "Failed to update the API Gateway account settings: the role was still rejected")
    assert "does not have required permissions" in result["error"]["message"]
    assert sleeps == [5, 5]


def test_other_errors_fail_at_once(aws, sleeps):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_account", account(), {})
    apigw.add_client_error("update_account", **client_error("BadRequestException", "Invalid ARN specified"))
    result = run_module(main, {"cloudwatch_role_arn": "not-an-arn"})
    assert_fails_with(result, "Failed to update the API Gateway account settings")
    assert sleeps == []


def test_a_read_error_fails(aws):
    aws.stub("apigateway").add_client_error("get_account", **client_error("AccessDeniedException", "denied", 403))
    result = run_module(main, {"cloudwatch_role_arn": ROLE})
    assert_fails_with(result, "Failed to get the API Gateway account settings")

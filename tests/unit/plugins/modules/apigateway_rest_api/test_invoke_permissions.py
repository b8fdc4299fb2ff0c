"""apigateway_rest_api's invoke_permissions against stubbed API Gateway, STS and Lambda clients: the statements
added, left alone, replaced, added to a function without a policy, and the retries."""

from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import apigateway_rest_api
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_rest_api import main
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_rest_api import permission_action
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_rest_api import wanted_permissions
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

from .test_apigateway_rest_api import ACCOUNT
from .test_apigateway_rest_api import API_ID
from .test_apigateway_rest_api import ARGS
from .test_apigateway_rest_api import queue_current
from .test_apigateway_rest_api import queue_identity
from .test_apigateway_rest_api import queue_lookup

clock = clock_fixture(apigateway_rest_api)

FUNCTION = "items"
SID = "apigateway-items-api-v1"
SOURCE_ARN = f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}/v1/*/*"
ALIAS_ARN = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}:live"
PERMISSIONS = [{"function_name": FUNCTION, "qualifier": "live", "statement_id": SID}]
WITH_PERMISSIONS = dict(ARGS, invoke_permissions=PERMISSIONS)
ADD_REQUEST = {
    "FunctionName": FUNCTION,
    "Qualifier": "live",
    "StatementId": SID,
    "Action": "lambda:InvokeFunction",
    "Principal": "apigateway.amazonaws.com",
    "SourceArn": SOURCE_ARN,
}


def statement(sid=SID, source_arn=SOURCE_ARN, principal="apigateway.amazonaws.com", **condition) -> dict:
    """A statement as GetPolicy shows one AddPermission made."""
    conditions = {"ArnLike": {"AWS:SourceArn": source_arn}, **condition}
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": "lambda:InvokeFunction",
        "Resource": ALIAS_ARN,
        "Condition": conditions,
    }


def policy(*statements) -> dict:
    document = {"Version": "2012-10-17", "Id": "default", "Statement": list(statements)}
    return {"Policy": json.dumps(document), "RevisionId": "rev-1"}


def expect_policy(aws, *statements, qualifier="live", function=FUNCTION):
    request = {"FunctionName": function, **({"Qualifier": qualifier} if qualifier else {})}
    aws.stub("lambda").add_response("get_policy", policy(*statements), request)


def expect_no_policy(aws, qualifier="live"):
    aws.stub("lambda").add_client_error(
        "get_policy",
        expected_params={"FunctionName": FUNCTION, "Qualifier": qualifier},
        **client_error("ResourceNotFoundException", "The resource you requested does not exist.", 404),
    )


def expect_add(aws, request=None):
    aws.stub("lambda").add_response("add_permission", {"Statement": "{}"}, request or ADD_REQUEST)


# --- the statements ---------------------------------------------------------------------------------------------


def test_a_statement_present_and_equal_is_no_change(aws):
    queue_current(aws)
    expect_policy(aws, statement(sid="other", source_arn="arn:aws:execute-api:x"), statement())
    result = run_module(main, WITH_PERMISSIONS, diff=True)
    assert_unchanged(result)
    [permission] = result["invoke_permissions"]
    assert permission == {
        "function_name": FUNCTION,
        "qualifier": "live",
        "statement_id": SID,
        "source_arn": SOURCE_ARN,
        "action": "none",
    }
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_missing_statement_is_added_and_read_back(aws, clock):
    queue_current(aws)
    expect_policy(aws, statement(sid="other"))
    expect_add(aws)
    # GetPolicy may not show a new statement at once: the module reads until it does.
    expect_policy(aws, statement(sid="other"))
    expect_policy(aws, statement(sid="other"), statement())
    result = run_module(main, WITH_PERMISSIONS, diff=True)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "added"
    assert result["diff"]["before"]["invoke_permissions"][0]["grant"] is None
    assert result["diff"]["after"]["invoke_permissions"][0]["grant"]["source_arn"] == SOURCE_ARN
    assert clock.sleeps == [2]


def test_a_function_without_any_policy_gets_the_statement(aws, clock):
    queue_current(aws)
    expect_no_policy(aws)
    expect_add(aws)
    expect_policy(aws, statement())
    result = run_module(main, WITH_PERMISSIONS)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "added"
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "current",
    [
        statement(source_arn=f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}/*/*/*"),
        statement(principal="events.amazonaws.com"),
        statement(StringEquals={"AWS:SourceAccount": ACCOUNT}),
        dict(statement(), Action="lambda:GetFunction"),
    ],
    ids=["another source", "another principal", "an extra condition", "another action"],
)
def test_a_statement_that_differs_is_removed_and_added_again(aws, clock, current):
    queue_current(aws)
    expect_policy(aws, current)
    aws.stub("lambda").add_response(
        "remove_permission", {}, {"FunctionName": FUNCTION, "Qualifier": "live", "StatementId": SID}
    )
    expect_add(aws)
    expect_policy(aws, statement())
    result = run_module(main, WITH_PERMISSIONS, diff=True)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "replaced"
    assert result["diff"]["before"]["invoke_permissions"] != result["diff"]["after"]["invoke_permissions"]


def test_a_statement_removed_meanwhile_is_still_added(aws, clock):
    queue_current(aws)
    expect_policy(aws, statement(source_arn="arn:aws:execute-api:old"))
    aws.stub("lambda").add_client_error("remove_permission", **client_error("ResourceNotFoundException", "gone", 404))
    expect_add(aws)
    expect_policy(aws, statement())
    assert_changed(run_module(main, WITH_PERMISSIONS))


def test_throttled_and_conflicting_calls_are_retried(aws, clock):
    queue_current(aws)
    aws.stub("lambda").add_client_error("get_policy", **client_error("TooManyRequestsException", "Rate exceeded", 429))
    expect_no_policy(aws)
    # The policy is being changed by another call; then an alias created moments before is not seen yet.
    aws.stub("lambda").add_client_error(
        "add_permission", **client_error("ResourceConflictException", "The policy is being modified", 409)
    )
    aws.stub("lambda").add_client_error(
        "add_permission", **client_error("ResourceNotFoundException", "Alias not found", 404)
    )
    expect_add(aws)
    expect_policy(aws, statement())
    result = run_module(main, WITH_PERMISSIONS)
    assert_changed(result)
    assert len(aws.sleeps) == 3


def test_a_permission_that_never_becomes_visible_fails(aws, clock):
    queue_current(aws)
    expect_no_policy(aws)
    expect_add(aws)
    for _poll in range(61):
        expect_no_policy(aws)
    result = run_module(main, WITH_PERMISSIONS)
    assert_fails_with(result, f"Failed to let API Gateway invoke function {FUNCTION}: Timeout waiting for")
    assert sum(clock.sleeps) == 120


def test_an_access_error_fails_naming_the_function(aws):
    queue_current(aws)
    aws.stub("lambda").add_client_error("get_policy", **client_error("AccessDeniedException", "not allowed", 403))
    result = run_module(main, WITH_PERMISSIONS)
    assert_fails_with(result, f"Failed to get the policy of function {FUNCTION}")


def test_one_policy_read_serves_every_statement_of_a_function(aws, clock):
    queue_current(aws)
    other = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:health"
    expect_policy(aws, statement(), statement(sid="second"))
    expect_policy(aws, qualifier=None, function=other)
    expect_add(
        aws,
        {
            "FunctionName": other,
            "StatementId": SID,
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": SOURCE_ARN,
        },
    )
    expect_policy(aws, statement(), qualifier=None, function=other)
    permissions = [
        *PERMISSIONS,
        {"function_name": f"{FUNCTION}:live", "statement_id": "second"},
        {"function_name": other, "statement_id": SID},
    ]
    result = run_module(main, dict(ARGS, invoke_permissions=permissions))
    assert_changed(result)
    assert [p["action"] for p in result["invoke_permissions"]] == ["none", "none", "added"]
    assert result["invoke_permissions"][2]["qualifier"] is None


# --- check mode ---------------------------------------------------------------------------------------------------


def test_check_mode_reads_and_reports_the_statement_to_add(aws):
    queue_current(aws)
    expect_no_policy(aws)
    result = run_module(main, WITH_PERMISSIONS, check_mode=True, diff=True)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "added"
    assert result["invoke_permissions"][0]["source_arn"] == SOURCE_ARN


def test_check_mode_with_the_statement_in_place_is_no_change(aws):
    queue_current(aws)
    expect_policy(aws, statement())
    assert_unchanged(run_module(main, WITH_PERMISSIONS, check_mode=True))


def test_check_mode_for_a_new_api_reports_a_source_arn_still_unknown(aws):
    queue_lookup(aws, apis=[])
    queue_identity(aws)
    expect_no_policy(aws)
    result = run_module(main, WITH_PERMISSIONS, check_mode=True, diff=True)
    assert_changed(result)
    assert result["invoke_permissions"][0]["source_arn"] is None
    assert result["invoke_permissions"][0]["action"] == "added"
    assert result["diff"]["after"]["invoke_permissions"][0]["grant"]["source_arn"] is None


# --- input ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, qualifier, expected",
    [
        ("items", None, ("items", None)),
        ("items:live", None, ("items", "live")),
        ("items:live", "live", ("items", "live")),
        (f"{ACCOUNT}:function:items:7", None, (f"{ACCOUNT}:function:items", "7")),
        (ALIAS_ARN, None, (f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:items", "live")),
        (
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:items",
            "live",
            (f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:items", "live"),
        ),
    ],
)
def test_function_names_and_qualifiers(function_name, qualifier, expected):
    [wanted] = wanted_permissions([{"function_name": function_name, "qualifier": qualifier, "statement_id": SID}])
    assert (wanted["function_name"], wanted["qualifier"]) == expected


def test_bad_entries_fail_before_any_call_each_named(aws):
    queue_lookup(aws)
    permissions = [
        {"function_name": "items:live", "qualifier": "beta", "statement_id": SID},
        {"function_name": "not a function", "statement_id": SID},
        {"function_name": "items", "statement_id": "x"},
        {"function_name": "items", "statement_id": "x"},
    ]
    result = run_module(main, dict(ARGS, invoke_permissions=permissions))
    assert_fails_as(
        result,
        "invoke_permissions[0].qualifier 'beta' differs from the qualifier 'live' in its function_name; "
        "invoke_permissions[1].function_name 'not a function' is not a Lambda function name or ARN; "
        "invoke_permissions[3] repeats statement x of the same function",
    )


@pytest.mark.parametrize(
    "current, source_arn, action",
    [
        (None, SOURCE_ARN, "added"),
        (statement(), SOURCE_ARN, "none"),
        (dict(statement(), Action=["lambda:InvokeFunction"]), SOURCE_ARN, "none"),
        (statement(), None, "replaced"),
        (dict(statement(), Effect="Deny"), SOURCE_ARN, "replaced"),
        (statement(ArnLike={"AWS:SourceArn": SOURCE_ARN, "aws:SourceVpc": "vpc-1"}), SOURCE_ARN, "replaced"),
    ],
)
def test_permission_action(current, source_arn, action):
    assert permission_action(current, source_arn) == action


def test_state_absent_ignores_the_permissions(aws):
    queue_lookup(aws)
    aws.stub("apigateway").add_response("delete_rest_api", {}, {"restApiId": API_ID})
    result = run_module(main, {"name": ARGS["name"], "state": "absent", "invoke_permissions": PERMISSIONS})
    assert_changed(result)
    assert "invoke_permissions" not in result

"""apigateway_rest_api's invoke_permissions against stubbed API Gateway, STS and Lambda clients: the statements
added, left alone, replaced, added to a function without a policy, and the retries."""

from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import apigateway_rest_api
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_rest_api import identity_of_functions
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
from .test_apigateway_rest_api import SHA
from .test_apigateway_rest_api import deployment
from .test_apigateway_rest_api import queue_current
from .test_apigateway_rest_api import queue_identity
from .test_apigateway_rest_api import queue_lookup
from .test_apigateway_rest_api import rest_api
from .test_apigateway_rest_api import stage

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
    # One function named by its ARN: the account comes from it, not from STS.
    queue_current(aws, identity=False)
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


# --- a function named by its ARN: the account and partition without STS -------------------------------------------

FUNCTION_ARN = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}"
BY_ARN = dict(ARGS, invoke_permissions=[{"function_name": FUNCTION_ARN, "qualifier": "live", "statement_id": SID}])


def expect_arn_policy(aws, *statements):
    expect_policy(aws, *statements, function=FUNCTION_ARN)


def test_a_function_arn_spares_the_sts_call_on_a_run_that_changes_nothing(aws):
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_current(aws, identity=False)
    expect_arn_policy(aws, statement())
    result = run_module(main, BY_ARN, diff=True)
    assert_unchanged(result)
    assert identities == []
    assert result["execution_arn"] == f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}"
    assert result["stage"]["arn"] == f"arn:aws:apigateway:eu-west-1::/restapis/{API_ID}/stages/v1"
    assert result["invoke_permissions"][0]["source_arn"] == SOURCE_ARN
    assert result["invoke_permissions"][0]["action"] == "none"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_statement_added_by_name_is_the_same_statement_by_arn(aws):
    # What a rerun sees after a role changed function_name from the name to the ARN: the statement is in place.
    queue_current(aws)
    expect_policy(aws, statement())
    by_name = run_module(main, WITH_PERMISSIONS)
    queue_current(aws, identity=False)
    expect_arn_policy(aws, statement())
    by_arn = run_module(main, BY_ARN)
    assert_unchanged(by_arn)
    for key in ("rest_api", "stage", "deployment_id", "invoke_url", "execution_arn"):
        assert by_arn[key] == by_name[key], key
    assert by_arn["invoke_permissions"][0] == dict(by_name["invoke_permissions"][0], function_name=FUNCTION_ARN)


def test_a_missing_statement_of_a_function_arn_is_added_with_the_account_of_the_arn(aws, clock):
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_current(aws, identity=False)
    aws.stub("lambda").add_client_error(
        "get_policy",
        expected_params={"FunctionName": FUNCTION_ARN, "Qualifier": "live"},
        **client_error("ResourceNotFoundException", "The resource you requested does not exist.", 404),
    )
    expect_add(aws, dict(ADD_REQUEST, FunctionName=FUNCTION_ARN))
    expect_arn_policy(aws, statement())
    result = run_module(main, BY_ARN)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "added"
    assert identities == []


def test_a_statement_of_a_function_arn_that_differs_is_replaced(aws, clock):
    queue_current(aws, identity=False)
    expect_arn_policy(aws, statement(source_arn=f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}/*/*/*"))
    aws.stub("lambda").add_response(
        "remove_permission", {}, {"FunctionName": FUNCTION_ARN, "Qualifier": "live", "StatementId": SID}
    )
    expect_add(aws, dict(ADD_REQUEST, FunctionName=FUNCTION_ARN))
    expect_arn_policy(aws, statement())
    result = run_module(main, BY_ARN)
    assert_changed(result)
    assert result["invoke_permissions"][0]["action"] == "replaced"


def test_the_policy_of_a_function_arn_is_read_again_when_throttled(aws):
    queue_current(aws, identity=False)
    aws.stub("lambda").add_client_error("get_policy", **client_error("TooManyRequestsException", "Rate exceeded", 429))
    expect_arn_policy(aws, statement())
    assert_unchanged(run_module(main, BY_ARN))
    assert len(aws.sleeps) == 1


def test_a_new_api_with_a_function_arn_is_created_without_sts(aws, clock):
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_lookup(aws, apis=[])
    apigw = aws.stub("apigateway")
    apigw.add_response("create_rest_api", rest_api())
    apigw.add_response("put_rest_api", rest_api())
    apigw.add_response("create_deployment", deployment("dep1", SHA))
    apigw.add_response("create_stage", stage(methodSettings={}, accessLogSettings=None))
    apigw.add_response("update_stage", stage())
    expect_arn_policy(aws)
    expect_add(aws, dict(ADD_REQUEST, FunctionName=FUNCTION_ARN))
    expect_arn_policy(aws, statement())
    result = run_module(main, BY_ARN)
    assert_changed(result)
    assert identities == []
    assert result["execution_arn"] == f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}"
    assert result["invoke_permissions"][0]["action"] == "added"


def test_check_mode_for_a_new_api_with_a_function_arn_makes_no_sts_call(aws):
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_lookup(aws, apis=[])
    expect_arn_policy(aws)
    result = run_module(main, BY_ARN, check_mode=True)
    assert_changed(result)
    assert identities == []
    assert result["invoke_permissions"][0]["source_arn"] is None


def test_the_partition_comes_from_the_function_arn(aws):
    china = f"arn:aws-cn:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}"
    queue_current(aws, identity=False)
    aws.stub("lambda").add_response(
        "get_policy",
        policy(statement(source_arn=f"arn:aws-cn:execute-api:eu-west-1:{ACCOUNT}:{API_ID}/v1/*/*")),
        {"FunctionName": china, "Qualifier": "live"},
    )
    args = dict(ARGS, invoke_permissions=[{"function_name": f"{china}:live", "statement_id": SID}])
    result = run_module(main, args)
    assert_unchanged(result)
    assert result["execution_arn"] == f"arn:aws-cn:execute-api:eu-west-1:{ACCOUNT}:{API_ID}"
    assert result["invoke_url"] == f"https://{API_ID}.execute-api.eu-west-1.amazonaws.com.cn/v1"


def test_function_arns_of_two_accounts_leave_the_account_to_sts(aws):
    other = f"arn:aws:lambda:eu-west-1:210987654321:function:{FUNCTION}"
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_current(aws)
    expect_arn_policy(aws, statement())
    aws.stub("lambda").add_response("get_policy", policy(statement()), {"FunctionName": other, "Qualifier": "live"})
    args = dict(
        ARGS,
        invoke_permissions=[
            {"function_name": FUNCTION_ARN, "qualifier": "live", "statement_id": SID},
            {"function_name": other, "qualifier": "live", "statement_id": SID},
        ],
    )
    assert_unchanged(run_module(main, args))
    assert len(identities) == 1


def test_a_function_name_or_partial_arn_leaves_the_account_to_sts(aws):
    identities = aws.sent("sts", "GetCallerIdentity")
    queue_current(aws)
    partial = f"{ACCOUNT}:function:{FUNCTION}"
    expect_policy(aws, statement(), function=partial)
    args = dict(ARGS, invoke_permissions=[{"function_name": partial, "qualifier": "live", "statement_id": SID}])
    assert_unchanged(run_module(main, args))
    assert len(identities) == 1


@pytest.mark.parametrize(
    "names, identity",
    [
        ([FUNCTION], None),
        ([f"{ACCOUNT}:function:{FUNCTION}"], None),
        ([FUNCTION, FUNCTION_ARN], (ACCOUNT, "aws")),
        ([FUNCTION_ARN, FUNCTION_ARN.replace("eu-west-1", "us-east-1")], (ACCOUNT, "aws")),
        ([FUNCTION_ARN, FUNCTION_ARN.replace(ACCOUNT, "210987654321")], None),
        ([FUNCTION_ARN, FUNCTION_ARN.replace("arn:aws:", "arn:aws-cn:")], None),
        ([], None),
    ],
)
def test_identity_of_functions(names, identity):
    wanted = [{"function_name": name, "qualifier": None, "statement_id": SID} for name in names]
    assert identity_of_functions(wanted) == identity

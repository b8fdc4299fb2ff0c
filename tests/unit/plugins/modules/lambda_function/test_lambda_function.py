"""lambda_function end to end against a stubbed Lambda client: every API path."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import lambda_function
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

from .function_settings import CREATE_SETTINGS
from .function_settings import KEY
from .function_settings import ROLE

NAME = "items-api"
ACCOUNT = "123456789012"
ARN = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{NAME}"
ZIP = b"PK\x05\x06" + b"\x00" * 18
ZIP_SHA = lambda_function.code_sha256(ZIP)
NEW_ZIP = ZIP + b"new"
NEW_SHA = lambda_function.code_sha256(NEW_ZIP)
NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


clock = clock_fixture(lambda_function)


@pytest.fixture
def zips(tmp_path):
    current = tmp_path / "current.zip"
    current.write_bytes(ZIP)
    new = tmp_path / "new.zip"
    new.write_bytes(NEW_ZIP)
    return {"current": str(current), "new": str(new)}


def configuration(version="$LATEST", sha=ZIP_SHA, **overrides) -> dict:
    return {
        "FunctionName": NAME,
        "FunctionArn": ARN if version == "$LATEST" else f"{ARN}:{version}",
        "Runtime": "python3.13",
        "Role": ROLE,
        "Handler": "app.handler.lambda_handler",
        "CodeSize": len(ZIP),
        "Description": "",
        "Timeout": 10,
        "MemorySize": 256,
        "LastModified": "2026-11-24T20:41:07.113+0000",
        "CodeSha256": sha,
        "Version": version,
        "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
        "Environment": {"Variables": {"TABLE_NAME": "items"}},
        "KMSKeyArn": KEY,
        "TracingConfig": {"Mode": "Active"},
        "RevisionId": "r1",
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["arm64"],
        **overrides,
    }


def function(config=None, tags=None, concurrency=None) -> dict:
    response = {
        "Configuration": config or configuration(),
        "Code": {"RepositoryType": "S3", "Location": "https://awslambda-eu-west-1-tasks.s3.amazonaws.com/x"},
        "Tags": {"Application": "items"} if tags is None else tags,
    }
    if concurrency is not None:
        response["Concurrency"] = {"ReservedConcurrentExecutions": concurrency}
    return response


def args(zip_file, **overrides) -> dict:
    return {
        "name": NAME,
        "zip_file": zip_file,
        "runtime": "python3.13",
        "handler": "app.handler.lambda_handler",
        "architecture": "arm64",
        "role": ROLE,
        "timeout": 10,
        "memory_size": 256,
        "environment_variables": {"TABLE_NAME": "items"},
        "kms_key_arn": KEY,
        "tracing_mode": "Active",
        "vpc_subnet_ids": ["subnet-b", "subnet-a"],
        "vpc_security_group_ids": ["sg-1"],
        "tags": {"Application": "items"},
        **overrides,
    }


def expect_get(aws, response):
    aws.stub("lambda").add_response("get_function", response, {"FunctionName": NAME})


def expect_missing(aws):
    aws.stub("lambda").add_client_error(
        "get_function", **client_error("ResourceNotFoundException", f"Function not found: {ARN}", 404)
    )


def expect_rejected(aws, operation, message, times=1):
    """``operation`` refused ``times`` times for an invalid parameter, with ``message``."""
    for _attempt in range(times):
        aws.stub("lambda").add_client_error(operation, **client_error("InvalidParameterValueException", message))


def expect_versions(aws, *versions):
    latest = configuration()
    published = [configuration(version=str(i), **overrides) for i, overrides in versions]
    aws.stub("lambda").add_response(
        "list_versions_by_function", {"Versions": [latest, *published]}, {"FunctionName": NAME}
    )


def expect_deployed(aws, *versions):
    """The function found as ``function()`` describes it, with ``versions`` published (as for expect_versions)."""
    expect_get(aws, function())
    expect_versions(aws, *versions)


def expect_configuration_update(aws, request, answer=None):
    """UpdateFunctionConfiguration with ``request`` (besides the function's name), answered with ``answer``."""
    aws.stub("lambda").add_response(
        "update_function_configuration", answer or configuration(), {"FunctionName": NAME, **request}
    )


def expect_ready(aws, config=None):
    aws.stub("lambda").add_response("get_function_configuration", config or configuration(), {"FunctionName": NAME})


def expect_publish(aws, version, sha=ZIP_SHA):
    aws.stub("lambda").add_response(
        "publish_version",
        configuration(version=version, sha=sha),
        {"FunctionName": NAME, "CodeSha256": sha},
    )


CREATE_REQUEST = {
    "FunctionName": NAME,
    **CREATE_SETTINGS,
    "Code": {"ZipFile": ZIP},
    "Publish": True,
    "Tags": {"Application": "items"},
}


# --- create -------------------------------------------------------------------------------------------------


def test_creates_the_function_waits_until_active_and_returns_version_1(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_response(
        "create_function",
        {k: v for k, v in configuration(version="1", State="Pending").items() if k != "LastUpdateStatus"},
        CREATE_REQUEST,
    )
    # A function in a VPC stays Pending while Lambda creates its network interfaces.
    expect_ready(aws, configuration(State="Pending"))
    expect_ready(aws)
    aws.stub("lambda").add_response(
        "put_function_concurrency",
        {"ReservedConcurrentExecutions": 4},
        {"FunctionName": NAME, "ReservedConcurrentExecutions": 4},
    )
    expect_get(aws, function(concurrency=4))
    result = run_module(lambda_function.main, args(zips["current"], reserved_concurrency=4), diff=True)
    assert_changed(result)
    assert result["published"] is True
    assert result["version"] == "1"
    assert result["version_arn"] == f"{ARN}:1"
    assert result["function"]["function_arn"] == ARN
    assert result["function"]["environment"] == {"variables": {"TABLE_NAME": "items"}}
    assert result["function"]["reserved_concurrency"] == 4
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["code_sha256"] == ZIP_SHA
    assert result["diff"]["after"]["reserved_concurrency"] == 4
    assert clock.sleeps == [5]


def test_create_without_publish_returns_no_version(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_response(
        "create_function", configuration(), dict(CREATE_REQUEST, Publish=False, Tags={"Application": "items"})
    )
    expect_ready(aws)
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"], publish=False))
    assert result["changed"] is True
    assert result["published"] is False
    assert result["version"] is None and result["version_arn"] is None


def test_create_retries_while_the_new_role_propagates(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_client_error(
        "create_function",
        expected_params=CREATE_REQUEST,
        **client_error("InvalidParameterValueException", NOT_ASSUMABLE),
    )
    aws.stub("lambda").add_response("create_function", configuration(version="1"), CREATE_REQUEST)
    expect_ready(aws)
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"]))
    assert result["changed"] is True and result["version"] == "1"
    assert clock.sleeps == [5]


def test_create_gives_up_when_the_role_stays_unusable(aws, zips, clock):
    expect_missing(aws)
    expect_rejected(aws, "create_function", NOT_ASSUMABLE, times=3)
    result = run_module(lambda_function.main, args(zips["current"], wait_timeout=12))
    assert_fails_with(result, f"Failed to create function {NAME}: Lambda still rejected the role after 12 s")


def test_create_fails_on_another_invalid_parameter_without_retrying(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_client_error(
        "create_function", **client_error("InvalidParameterValueException", "Unzipped size must be smaller")
    )
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_fails_with(result, f"Failed to create function {NAME}")
    assert "Unzipped size" in result["msg"]
    assert clock.sleeps == []


def test_create_fails_when_lambda_fails_the_function(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_response("create_function", configuration(version="1", State="Pending"), CREATE_REQUEST)
    expect_ready(aws, configuration(State="Failed", StateReason="Subnet subnet-a does not exist"))
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_fails_as(result, f"Failed to deploy function {NAME}: Subnet subnet-a does not exist")


def test_create_needs_code_runtime_handler_and_role(aws):
    expect_missing(aws)
    result = run_module(lambda_function.main, {"name": NAME, "timeout": 3})
    assert_fails_as(result, f"Function {NAME} does not exist; to create it give zip_file, runtime, handler, role")


def test_check_mode_on_a_missing_function_reports_the_creation_and_calls_nothing_else(aws, zips):
    expect_missing(aws)
    result = run_module(lambda_function.main, args(zips["current"]), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["published"] is True
    assert result["version"] is None
    assert result["function"]["function_arn"] is None
    assert result["function"]["code_sha256"] == ZIP_SHA
    assert result["diff"]["after"]["vpc_subnet_ids"] == ["subnet-a", "subnet-b"]


# --- no change --------------------------------------------------------------------------------------------


def test_nothing_changes_when_the_function_and_its_newest_version_match(aws, zips):
    expect_deployed(aws, (1, {"CodeSha256": "old="}), (2, {}))
    result = run_module(lambda_function.main, args(zips["current"]), diff=True)
    assert_unchanged(result)
    assert result["published"] is False
    assert result["version"] == "2"
    assert result["version_arn"] == f"{ARN}:2"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_settings_left_out_are_left_alone(aws):
    expect_get(aws, function(config=configuration(Timeout=900)))
    expect_versions(aws, (1, {"Timeout": 900}))
    result = run_module(lambda_function.main, {"name": NAME})
    assert result["changed"] is False and result["version"] == "1"


def test_check_mode_without_changes(aws, zips):
    expect_deployed(aws, (3, {}))
    result = run_module(lambda_function.main, args(zips["current"]), check_mode=True)
    assert result["changed"] is False and result["version"] == "3"


# --- updates ----------------------------------------------------------------------------------------------


def test_configuration_change_updates_and_publishes_a_version(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    expect_configuration_update(
        aws,
        {"Environment": {"Variables": {"TABLE_NAME": "other"}}, "Timeout": 30},
        configuration(Environment={"Variables": {"TABLE_NAME": "other"}}, LastUpdateStatus="InProgress"),
    )
    expect_ready(aws, configuration(LastUpdateStatus="InProgress"))
    expect_ready(aws)
    expect_publish(aws, "2")
    expect_get(aws, function(config=configuration(Timeout=30, Environment={"Variables": {"TABLE_NAME": "other"}})))
    result = run_module(
        lambda_function.main,
        args(zips["current"], timeout=30, environment_variables={"TABLE_NAME": "other"}),
        diff=True,
    )
    assert not result.get("failed"), result
    assert result["changed"] is True and result["published"] is True
    assert result["version"] == "2"
    assert result["diff"]["before"]["environment_variables"] == {"TABLE_NAME": "items"}
    assert result["diff"]["after"]["environment_variables"] == {"TABLE_NAME": "other"}
    assert result["diff"]["after"]["timeout"] == 30
    assert result["function"]["timeout"] == 30
    assert clock.sleeps == [5]


def test_code_change_uploads_and_publishes_that_code(aws, zips, clock):
    expect_deployed(aws, (4, {}))
    expect_ready(aws)
    aws.stub("lambda").add_response(
        "update_function_code",
        configuration(sha=NEW_SHA),
        {"FunctionName": NAME, "ZipFile": NEW_ZIP, "Architectures": ["arm64"], "Publish": False},
    )
    expect_ready(aws, configuration(sha=NEW_SHA))
    expect_publish(aws, "5", sha=NEW_SHA)
    expect_get(aws, function(config=configuration(sha=NEW_SHA)))
    result = run_module(lambda_function.main, args(zips["new"]), diff=True)
    assert result["changed"] is True and result["published"] is True
    assert result["version"] == "5" and result["version_arn"] == f"{ARN}:5"
    assert result["diff"]["before"]["code_sha256"] == ZIP_SHA
    assert result["diff"]["after"]["code_sha256"] == NEW_SHA
    assert clock.sleeps == []


def test_architecture_change_uploads_the_code_again(aws, zips):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    aws.stub("lambda").add_response(
        "update_function_code",
        configuration(Architectures=["x86_64"]),
        {"FunctionName": NAME, "ZipFile": ZIP, "Architectures": ["x86_64"], "Publish": False},
    )
    expect_ready(aws, configuration(Architectures=["x86_64"]))
    expect_publish(aws, "2")
    expect_get(aws, function(config=configuration(Architectures=["x86_64"])))
    result = run_module(lambda_function.main, args(zips["current"], architecture="x86_64"))
    assert result["changed"] is True and result["version"] == "2"


def test_architecture_needs_the_code(aws):
    result = run_module(lambda_function.main, {"name": NAME, "architecture": "arm64"})
    assert_fails_mentioning(result, "architecture needs zip_file")


@pytest.mark.parametrize(
    "overrides, request_part",
    [
        ({"kms_key_arn": ""}, {"KMSKeyArn": ""}),
        ({"tracing_mode": "PassThrough"}, {"TracingConfig": {"Mode": "PassThrough"}}),
        ({"environment_variables": {}}, {"Environment": {"Variables": {}}}),
        ({"memory_size": 512}, {"MemorySize": 512}),
        ({"handler": "app.other.handler"}, {"Handler": "app.other.handler"}),
        ({"runtime": "python3.12"}, {"Runtime": "python3.12"}),
        ({"role": f"arn:aws:iam::{ACCOUNT}:role/other"}, {"Role": f"arn:aws:iam::{ACCOUNT}:role/other"}),
        (
            {"vpc_subnet_ids": [], "vpc_security_group_ids": []},
            {"VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}},
        ),
        (
            {"vpc_subnet_ids": ["subnet-c"], "vpc_security_group_ids": ["sg-1"]},
            {"VpcConfig": {"SubnetIds": ["subnet-c"], "SecurityGroupIds": ["sg-1"]}},
        ),
    ],
)
def test_each_setting_is_updated_alone(aws, zips, overrides, request_part):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    expect_configuration_update(aws, request_part)
    expect_ready(aws)
    expect_publish(aws, "2")
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"], **overrides))
    assert not result.get("failed"), result
    assert result["changed"] is True and result["version"] == "2"


def test_description_change_is_not_published(aws, zips):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    expect_configuration_update(aws, {"Description": "Items"}, configuration(Description="Items"))
    expect_ready(aws, configuration(Description="Items"))
    expect_get(aws, function(config=configuration(Description="Items")))
    result = run_module(lambda_function.main, args(zips["current"], description="Items"))
    assert result["changed"] is True and result["published"] is False and result["version"] == "1"


def test_update_waits_for_an_update_in_progress_first(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    expect_ready(aws, configuration(LastUpdateStatus="InProgress"))
    expect_ready(aws, configuration(LastUpdateStatus="Failed", LastUpdateStatusReason="earlier failure"))
    expect_configuration_update(aws, {"Timeout": 20})
    expect_ready(aws)
    expect_publish(aws, "2")
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"], timeout=20))
    # An earlier failed update does not stop a new one.
    assert not result.get("failed"), result
    assert clock.sleeps == [5]


def test_failed_update_is_reported_with_lambdas_reason(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    expect_configuration_update(aws, {"Timeout": 20})
    expect_ready(aws, configuration(LastUpdateStatus="Failed", LastUpdateStatusReason="ENI limit reached"))
    result = run_module(lambda_function.main, args(zips["current"], timeout=20))
    assert_fails_as(result, f"Failed to deploy function {NAME}: ENI limit reached")


def test_wait_gives_up_after_wait_timeout(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    for _attempt in range(3):
        expect_ready(aws, configuration(LastUpdateStatus="InProgress"))
    result = run_module(lambda_function.main, args(zips["current"], timeout=20, wait_timeout=10))
    assert_fails_with(result, f"Failed to wait for function {NAME}: Timeout waiting for function {NAME}")
    assert clock.sleeps == [5, 5]


def test_latest_that_differs_from_the_newest_version_is_published(aws, zips):
    # A run that updated the function and failed before publishing leaves $LATEST ahead of the newest version.
    expect_deployed(aws, (1, {"CodeSha256": "old="}))
    expect_publish(aws, "2")
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"]))
    assert result["changed"] is True and result["published"] is True and result["version"] == "2"


def test_first_version_of_a_function_without_versions(aws, zips):
    expect_get(aws, function())
    expect_versions(aws)
    expect_publish(aws, "1")
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"]))
    assert result["changed"] is True and result["version"] == "1"


def test_publish_false_never_lists_nor_publishes(aws, zips):
    expect_get(aws, function())
    result = run_module(lambda_function.main, args(zips["current"], publish=False))
    assert result["changed"] is False and result["published"] is False and result["version"] is None


def test_check_mode_update_calls_nothing_that_changes(aws, zips):
    expect_get(aws, function(concurrency=4))
    expect_versions(aws, (1, {}))
    result = run_module(
        lambda_function.main,
        args(zips["new"], timeout=30, reserved_concurrency=-1, tags={"Application": "other"}),
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert result["published"] is True
    assert result["version"] is None
    assert result["version_arn"] is None
    assert result["function"]["code_sha256"] == NEW_SHA
    assert result["function"]["timeout"] == 30
    assert result["function"]["reserved_concurrency"] is None
    assert result["diff"]["before"]["reserved_concurrency"] == 4
    assert result["diff"]["after"]["tags"] == {"Application": "other"}


# --- tags and concurrency -----------------------------------------------------------------------------------


def test_tags_are_replaced(aws, zips):
    expect_get(aws, function(tags={"Application": "items", "Old": "x"}))
    expect_versions(aws, (1, {}))
    aws.stub("lambda").add_response("untag_resource", {}, {"Resource": ARN, "TagKeys": ["Old"]})
    aws.stub("lambda").add_response("tag_resource", {}, {"Resource": ARN, "Tags": {"Team": "api"}})
    expect_get(aws, function(tags={"Application": "items", "Team": "api"}))
    result = run_module(lambda_function.main, args(zips["current"], tags={"Application": "items", "Team": "api"}))
    assert result["changed"] is True and result["published"] is False
    assert result["function"]["tags"] == {"Application": "items", "Team": "api"}


def test_tags_are_kept_without_purge(aws, zips):
    expect_get(aws, function(tags={"Application": "items", "Old": "x"}))
    expect_versions(aws, (1, {}))
    result = run_module(lambda_function.main, args(zips["current"], purge_tags=False))
    assert result["changed"] is False


@pytest.mark.parametrize(
    "current, wanted, call, params",
    [
        (None, 4, "put_function_concurrency", {"FunctionName": NAME, "ReservedConcurrentExecutions": 4}),
        (4, 8, "put_function_concurrency", {"FunctionName": NAME, "ReservedConcurrentExecutions": 8}),
        (4, -1, "delete_function_concurrency", {"FunctionName": NAME}),
    ],
)
def test_reserved_concurrency(aws, zips, current, wanted, call, params):
    expect_get(aws, function(concurrency=current))
    expect_versions(aws, (1, {}))
    response = {"ReservedConcurrentExecutions": wanted} if call.startswith("put") else {}
    aws.stub("lambda").add_response(call, response, params)
    expect_get(aws, function(concurrency=None if wanted < 0 else wanted))
    result = run_module(lambda_function.main, args(zips["current"], reserved_concurrency=wanted))
    assert result["changed"] is True and result["published"] is False
    assert result["function"]["reserved_concurrency"] == (None if wanted < 0 else wanted)


@pytest.mark.parametrize("current, wanted", [(4, 4), (None, -1), (4, None)])
def test_reserved_concurrency_unchanged(aws, zips, current, wanted):
    expect_get(aws, function(concurrency=current))
    expect_versions(aws, (1, {}))
    overrides = {} if wanted is None else {"reserved_concurrency": wanted}
    result = run_module(lambda_function.main, args(zips["current"], **overrides))
    assert result["changed"] is False


# --- delete -------------------------------------------------------------------------------------------------


def test_deletes_the_function(aws):
    expect_get(aws, function())
    aws.stub("lambda").add_response("delete_function", {}, {"FunctionName": NAME})
    result = run_module(lambda_function.main, {"name": NAME, "state": "absent"}, diff=True)
    assert result["changed"] is True
    assert result["function"] == {}
    assert result["diff"]["before"]["runtime"] == "python3.13"
    assert result["diff"]["after"] == {}


def test_delete_of_a_missing_function_changes_nothing(aws):
    expect_missing(aws)
    result = run_module(lambda_function.main, {"name": NAME, "state": "absent"})
    assert result["changed"] is False


def test_delete_of_a_function_deleted_meanwhile(aws):
    expect_get(aws, function())
    aws.stub("lambda").add_client_error("delete_function", **client_error("ResourceNotFoundException", "gone", 404))
    result = run_module(lambda_function.main, {"name": NAME, "state": "absent"})
    assert result["changed"] is False


def test_check_mode_delete_calls_nothing_that_changes(aws):
    expect_get(aws, function())
    result = run_module(lambda_function.main, {"name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] is True


# --- retries, errors and input ------------------------------------------------------------------------------


def test_throttling_is_retried(aws, zips):
    aws.stub("lambda").add_client_error(
        "get_function", **client_error("TooManyRequestsException", "Rate exceeded", 429)
    )
    expect_get(aws, function())
    aws.stub("lambda").add_client_error(
        "list_versions_by_function", **client_error("ThrottlingException", "Rate exceeded", 429)
    )
    expect_versions(aws, (1, {}))
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_unchanged(result)
    assert aws.sleeps


def test_access_denied_is_reported(aws, zips):
    aws.stub("lambda").add_client_error("get_function", **client_error("AccessDeniedException", "not allowed", 403))
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_fails_with(result, f"Failed to get function {NAME}")


def test_publish_failure_is_reported(aws, zips):
    expect_deployed(aws, (1, {"CodeSha256": "old="}))
    aws.stub("lambda").add_client_error(
        "publish_version",
        expected_params={"FunctionName": NAME, "CodeSha256": ANY},
        **client_error("PreconditionFailedException", "CodeSha256 does not match"),
    )
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_fails_with(result, f"Failed to publish a version of function {NAME}")


def test_unreadable_zip_file(aws, tmp_path):
    result = run_module(lambda_function.main, args(str(tmp_path / "missing.zip")))
    assert_fails_with(result, f"Cannot read zip_file {tmp_path / 'missing.zip'}")


def test_vpc_lists_must_both_be_empty_to_detach(aws, zips):
    result = run_module(lambda_function.main, args(zips["current"], vpc_subnet_ids=[], vpc_security_group_ids=["sg-1"]))
    assert_fails_mentioning(result, "must both be empty")


# --- code_sha256 ----------------------------------------------------------------------------------------------


def test_check_mode_creation_with_the_packages_sha_needs_no_file(aws, tmp_path):
    expect_missing(aws)
    missing = str(tmp_path / "not-written-in-check-mode.zip")
    result = run_module(lambda_function.main, args(missing, code_sha256=ZIP_SHA), check_mode=True)
    assert_changed(result)
    assert result["function"]["code_sha256"] == ZIP_SHA


def test_unchanged_code_with_the_packages_sha_is_not_read(aws, tmp_path):
    expect_deployed(aws, (1, {}))
    result = run_module(lambda_function.main, args(str(tmp_path / "absent.zip"), code_sha256=ZIP_SHA))
    assert_unchanged(result)


def test_changed_code_is_read_and_checked_against_the_packages_sha(aws, zips):
    expect_deployed(aws, (1, {}))
    result = run_module(lambda_function.main, args(zips["current"], code_sha256=NEW_SHA, timeout=30))
    assert_fails_as(result, f"zip_file {zips['current']} does not match code_sha256 {NEW_SHA}")


def test_code_sha256_needs_the_zip_file(aws):
    result = run_module(lambda_function.main, {"name": NAME, "code_sha256": ZIP_SHA})
    assert_fails_mentioning(result, "zip_file")


# --- the IAM propagation cap and a reservation the account cannot spare --------------------------------------

NO_ENI_PERMISSION = "The provided execution role does not have permissions to call CreateNetworkInterface on EC2"
POOL_REFUSAL = (
    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
    "its minimum value of [100]."
)


def test_a_missing_vpc_permission_is_retried_about_two_minutes_then_shown_as_aws_said_it(aws, zips, clock):
    # A role that lacks ec2:CreateNetworkInterface is a wrong policy, not a slow one: after the propagation cap the
    # module stops, well before the 600 s wait timeout, and shows AWS's message.
    expect_missing(aws)
    expect_rejected(aws, "create_function", NO_ENI_PERMISSION, times=25)
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_fails_with(result, f"Failed to create function {NAME}: Lambda still rejected the role after 120 s")
    assert NO_ENI_PERMISSION in result["msg"]
    assert "InvalidParameterValueException" in result["msg"]
    assert sum(clock.sleeps) <= 120
    assert len(clock.sleeps) == 24


def test_the_propagation_cap_is_configurable(aws, zips, clock):
    expect_missing(aws)
    expect_rejected(aws, "create_function", NO_ENI_PERMISSION, times=7)
    result = run_module(lambda_function.main, args(zips["current"], iam_propagation_timeout=30))
    assert result["failed"] is True
    assert "after 30 s" in result["msg"] and NO_ENI_PERMISSION in result["msg"]


def test_a_configuration_update_refused_for_the_vpc_permission_stops_at_the_cap(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    expect_rejected(aws, "update_function_configuration", NO_ENI_PERMISSION, times=25)
    result = run_module(lambda_function.main, args(zips["current"], timeout=30))
    assert_fails_with(result, f"Failed to update function {NAME}: Lambda still rejected the role after 120 s")
    assert NO_ENI_PERMISSION in result["msg"]


def test_best_effort_reservation_refused_by_a_small_account_warns_and_deploys(aws, zips, clock):
    # A new account's concurrency limit may be 10: any reservation would leave fewer than 100 unreserved.
    expect_missing(aws)
    aws.stub("lambda").add_response("create_function", configuration(version="1"), CREATE_REQUEST)
    expect_ready(aws)
    aws.stub("lambda").add_client_error(
        "put_function_concurrency",
        expected_params={"FunctionName": NAME, "ReservedConcurrentExecutions": 100},
        **client_error("InvalidParameterValueException", POOL_REFUSAL),
    )
    expect_get(aws, function())
    result = run_module(
        lambda_function.main,
        args(zips["current"], reserved_concurrency=100, reserved_concurrency_best_effort=True),
        diff=True,
    )
    assert not result.get("failed"), result
    assert result["changed"] is True and result["version"] == "1"
    assert result["function"]["reserved_concurrency"] is None
    assert result["diff"]["after"]["reserved_concurrency"] is None
    assert POOL_REFUSAL in result["reserved_concurrency_refused"]
    assert any("has no reserved concurrency" in w for w in result.get("warnings", []))


def test_best_effort_refusal_on_an_unchanged_function_is_no_change(aws, zips):
    expect_deployed(aws, (1, {}))
    aws.stub("lambda").add_client_error(
        "put_function_concurrency", **client_error("InvalidParameterValueException", POOL_REFUSAL)
    )
    result = run_module(
        lambda_function.main, args(zips["current"], reserved_concurrency=100, reserved_concurrency_best_effort=True)
    )
    assert_unchanged(result)
    assert result["function"]["reserved_concurrency"] is None


def test_without_best_effort_the_refusal_fails_the_task(aws, zips):
    expect_deployed(aws, (1, {}))
    aws.stub("lambda").add_client_error(
        "put_function_concurrency", **client_error("InvalidParameterValueException", POOL_REFUSAL)
    )
    result = run_module(lambda_function.main, args(zips["current"], reserved_concurrency=100))
    assert_fails_mentioning(result, "UnreservedConcurrentExecution")

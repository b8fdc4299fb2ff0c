"""lambda_function's alias option against a stubbed Lambda client: create, no change, update, weights, throttling."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import lambda_function
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

from .test_lambda_function import ARN
from .test_lambda_function import CREATE_REQUEST
from .test_lambda_function import NAME
from .test_lambda_function import NEW_SHA
from .test_lambda_function import NEW_ZIP
from .test_lambda_function import ZIP
from .test_lambda_function import args
from .test_lambda_function import configuration
from .test_lambda_function import expect_deployed
from .test_lambda_function import expect_get
from .test_lambda_function import expect_missing
from .test_lambda_function import expect_publish
from .test_lambda_function import expect_ready
from .test_lambda_function import expect_versions
from .test_lambda_function import function

clock = clock_fixture(lambda_function)


@pytest.fixture
def zips(tmp_path):
    current = tmp_path / "current.zip"
    current.write_bytes(ZIP)
    new = tmp_path / "new.zip"
    new.write_bytes(NEW_ZIP)
    return {"current": str(current), "new": str(new)}


ALIAS = {"name": "live", "description": "The version the API invokes"}
ALIAS_ARN = f"{ARN}:live"


def alias(version="1", description="The version the API invokes", revision="rev-1", weights=None) -> dict:
    answer = {
        "AliasArn": ALIAS_ARN,
        "Name": "live",
        "FunctionVersion": version,
        "Description": description,
        "RevisionId": revision,
    }
    if weights is not None:
        answer["RoutingConfig"] = {"AdditionalVersionWeights": weights}
    return answer


def expect_alias(aws, answer):
    aws.stub("lambda").add_response("get_alias", answer, {"FunctionName": NAME, "Name": "live"})


def expect_no_alias(aws):
    aws.stub("lambda").add_client_error(
        "get_alias", **client_error("ResourceNotFoundException", f"Cannot find alias arn: {ALIAS_ARN}", 404)
    )


def expect_update(aws, request, answer):
    aws.stub("lambda").add_response("update_alias", answer, {"FunctionName": NAME, "Name": "live", **request})


def test_a_new_alias_is_created_on_the_newest_version(aws, zips):
    expect_deployed(aws, (1, {}), (2, {}))
    expect_no_alias(aws)
    aws.stub("lambda").add_response(
        "create_alias",
        alias(version="2"),
        {"FunctionName": NAME, "Name": "live", "FunctionVersion": "2", "Description": ALIAS["description"]},
    )
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS), diff=True)
    assert_changed(result)
    assert result["published"] is False
    assert result["alias"] == {
        "name": "live",
        "arn": ALIAS_ARN,
        "function_version": "2",
        "description": ALIAS["description"],
        "revision_id": "rev-1",
    }
    assert result["diff"]["before"]["alias"] is None
    assert result["diff"]["after"]["alias"]["function_version"] == "2"


def test_an_alias_on_the_newest_version_is_no_change(aws, zips):
    expect_deployed(aws, (1, {}), (2, {}))
    expect_alias(aws, alias(version="2"))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS), diff=True)
    assert_unchanged(result)
    assert result["alias"]["function_version"] == "2"
    assert result["alias"]["revision_id"] == "rev-1"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_the_newest_version_is_taken_from_the_last_page_of_versions(aws, zips):
    # Lambda lists at most 50 versions a page, oldest first ($LATEST leading): the newest is on the last page, and a
    # module that stopped at the first page would move the alias back to version 49.
    expect_get(aws, function())
    first_page = [configuration()] + [configuration(version=str(i)) for i in range(1, 50)]
    aws.stub("lambda").add_response(
        "list_versions_by_function", {"Versions": first_page, "NextMarker": "page-2"}, {"FunctionName": NAME}
    )
    aws.stub("lambda").add_response(
        "list_versions_by_function",
        {"Versions": [configuration(version="50"), configuration(version="51")]},
        {"FunctionName": NAME, "Marker": "page-2"},
    )
    expect_alias(aws, alias(version="51"))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS))
    assert_unchanged(result)
    assert result["version"] == "51"
    assert result["alias"]["function_version"] == "51"


def test_a_description_left_out_is_left_alone(aws, zips):
    expect_deployed(aws, (1, {}))
    expect_alias(aws, alias(description="set elsewhere"))
    result = run_module(lambda_function.main, args(zips["current"], alias={"name": "live"}))
    assert_unchanged(result)
    assert result["alias"]["description"] == "set elsewhere"


def test_a_new_version_moves_the_alias_with_the_revision_it_read(aws, zips, clock):
    expect_deployed(aws, (1, {}))
    expect_ready(aws)
    aws.stub("lambda").add_response(
        "update_function_code",
        configuration(sha=NEW_SHA),
        {"FunctionName": NAME, "ZipFile": NEW_ZIP, "Architectures": ["arm64"], "Publish": False},
    )
    expect_ready(aws, configuration(sha=NEW_SHA))
    expect_publish(aws, "2", sha=NEW_SHA)
    expect_get(aws, function(config=configuration(sha=NEW_SHA)))
    expect_alias(aws, alias(version="1"))
    expect_update(aws, {"FunctionVersion": "2", "RevisionId": "rev-1"}, alias(version="2", revision="rev-2"))
    result = run_module(lambda_function.main, args(zips["new"], alias=ALIAS), diff=True)
    assert_changed(result)
    assert result["version"] == "2"
    assert result["alias"]["function_version"] == "2"
    assert result["alias"]["revision_id"] == "rev-2"
    assert result["diff"]["before"]["alias"]["function_version"] == "1"
    assert result["diff"]["after"]["alias"]["function_version"] == "2"


def test_only_the_alias_differs_its_description_is_updated(aws, zips):
    expect_deployed(aws, (1, {}))
    expect_alias(aws, alias(description="old"))
    expect_update(aws, {"Description": ALIAS["description"], "RevisionId": "rev-1"}, alias(revision="rev-2"))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS))
    assert_changed(result)
    assert result["published"] is False


def test_routing_weights_are_removed_and_awaited(aws, zips, clock):
    expect_deployed(aws, (1, {}), (2, {}))
    expect_alias(aws, alias(version="1", weights={"2": 0.1}))
    expect_update(
        aws,
        {"FunctionVersion": "2", "RoutingConfig": {"AdditionalVersionWeights": {}}, "RevisionId": "rev-1"},
        alias(version="2", revision="rev-2", weights={"1": 0.1}),
    )
    # Lambda may still report the old weights for a moment; the module waits until they are gone.
    expect_alias(aws, alias(version="2", revision="rev-2", weights={"1": 0.1}))
    expect_alias(aws, alias(version="2", revision="rev-2", weights={}))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS), diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["alias"]["additional_version_weights"] == {"2": 0.1}
    assert result["diff"]["after"]["alias"]["additional_version_weights"] == {}
    assert result["alias"]["function_version"] == "2"
    assert clock.sleeps == [5]


def test_an_alias_changed_meanwhile_fails_and_is_not_overwritten(aws, zips):
    expect_deployed(aws, (1, {}), (2, {}))
    expect_alias(aws, alias(version="1"))
    aws.stub("lambda").add_client_error(
        "update_alias",
        expected_params={"FunctionName": NAME, "Name": "live", "FunctionVersion": "2", "RevisionId": "rev-1"},
        **client_error("PreconditionFailedException", "The RevisionId provided does not match", 412),
    )
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS))
    assert_fails_with(result, f"Failed to update alias live of function {NAME}")
    assert "PreconditionFailedException" in result["msg"] or "RevisionId" in result["msg"]


def test_throttled_and_conflicting_alias_calls_are_retried(aws, zips):
    expect_deployed(aws, (1, {}), (2, {}))
    aws.stub("lambda").add_client_error("get_alias", **client_error("TooManyRequestsException", "Rate exceeded", 429))
    expect_alias(aws, alias(version="1"))
    aws.stub("lambda").add_client_error(
        "update_alias", **client_error("ResourceConflictException", "An update is in progress", 409)
    )
    aws.stub("lambda").add_client_error("update_alias", **client_error("ThrottlingException", "Rate exceeded", 429))
    expect_update(aws, {"FunctionVersion": "2", "RevisionId": "rev-1"}, alias(version="2", revision="rev-2"))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS))
    assert_changed(result)
    assert result["alias"]["function_version"] == "2"
    assert len(aws.sleeps) == 3


def test_check_mode_with_a_version_to_publish_points_the_alias_at_null(aws, zips):
    expect_get(aws, function())
    expect_versions(aws, (1, {}))
    expect_alias(aws, alias(version="1"))
    result = run_module(lambda_function.main, args(zips["new"], alias=ALIAS), check_mode=True, diff=True)
    assert_changed(result)
    assert result["version"] is None
    assert result["alias"]["function_version"] is None
    assert result["alias"]["revision_id"] is None
    assert result["diff"]["before"]["alias"]["function_version"] == "1"
    assert result["diff"]["after"]["alias"]["function_version"] is None


def test_check_mode_with_the_alias_in_place_is_no_change(aws, zips):
    expect_deployed(aws, (1, {}))
    expect_alias(aws, alias(version="1"))
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS), check_mode=True)
    assert_unchanged(result)
    assert result["alias"]["revision_id"] == "rev-1"


def test_check_mode_on_a_missing_function_plans_the_alias_without_reading_it(aws, zips):
    expect_missing(aws)
    result = run_module(lambda_function.main, args(zips["current"], alias=ALIAS), check_mode=True, diff=True)
    assert_changed(result)
    assert result["alias"]["name"] == "live"
    assert result["alias"]["function_version"] is None
    assert result["diff"]["after"]["alias"]["function_version"] is None


def test_a_new_function_gets_its_alias_on_version_1(aws, zips, clock):
    expect_missing(aws)
    aws.stub("lambda").add_response("create_function", configuration(version="1"), CREATE_REQUEST)
    expect_ready(aws)
    expect_get(aws, function())
    expect_no_alias(aws)
    aws.stub("lambda").add_response(
        "create_alias", alias(), {"FunctionName": NAME, "Name": "live", "FunctionVersion": "1"}
    )
    result = run_module(lambda_function.main, args(zips["current"], alias={"name": "live"}))
    assert_changed(result)
    assert result["alias"]["arn"] == ALIAS_ARN


def test_an_alias_without_any_version_fails_before_any_change(aws, zips):
    expect_get(aws, function())
    expect_versions(aws)
    result = run_module(lambda_function.main, args(zips["current"], publish=False, timeout=30, alias=ALIAS))
    assert_fails_as(
        result, f"alias.name live needs a published version of function {NAME}, and it has none: set publish to true"
    )


def test_without_the_alias_option_no_alias_is_read(aws, zips):
    expect_deployed(aws, (1, {}))
    result = run_module(lambda_function.main, args(zips["current"]))
    assert_unchanged(result)
    assert "alias" not in result

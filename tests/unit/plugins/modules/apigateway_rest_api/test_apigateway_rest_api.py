"""apigateway_rest_api against stubbed API Gateway and STS clients: every API path of the module."""

from __future__ import annotations

import copy
import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import deployment_description
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import prepare_definition
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_rest_api import main
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

from .stage_settings import AWS_SETTINGS

ACCOUNT = "123456789012"
API_ID = "a1b2c3d4e5"
ROOT_ID = "r00t1d"
NAME = "items-api"
API_ARN = f"arn:aws:apigateway:eu-west-1::/restapis/{API_ID}"
STAGE_ARN = f"{API_ARN}/stages/v1"
LOG_ARN = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/apigateway/items-api"
LOG_FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}'
NOW = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
ALIAS = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:items:live"
URI = f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{ALIAS}/invocations"


def definition(description: str = "The item") -> dict:
    integration = {"type": "aws_proxy", "httpMethod": "POST", "uri": URI}
    return {
        "openapi": "3.0.1",
        "info": {"title": NAME, "version": "1"},
        "x-amazon-apigateway-request-validators": {
            "all": {"validateRequestBody": True, "validateRequestParameters": True}
        },
        "paths": {
            "/healthcheck": {
                "get": {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": integration}
            },
            "/items/{id}": {
                "get": {
                    "responses": {"200": {"description": description}},
                    "x-amazon-apigateway-integration": integration,
                },
            },
        },
    }


BODY, SHA = prepare_definition(definition(), NAME)[1:]
NEW_BODY, NEW_SHA = prepare_definition(definition("An item"), NAME)[1:]

STAGE_OPTION = {
    "name": "v1",
    "tracing_enabled": True,
    "access_log_destination_arn": LOG_ARN + ":*",
    "access_log_format": {"requestId": "$context.requestId", "status": "$context.status"},
    "method_settings": {
        "logging_level": "INFO",
        "metrics_enabled": True,
        "data_trace_enabled": False,
        "throttling_burst_limit": 200,
        "throttling_rate_limit": 100,
    },
}
ARGS = {
    "name": NAME,
    "description": "Items",
    "definition": definition(),
    "stage": STAGE_OPTION,
    "tags": {"project": "multiregion"},
}


def rest_api(**changes) -> dict:
    return {
        "id": API_ID,
        "name": NAME,
        "description": "Items",
        "createdDate": NOW,
        "version": "V1",
        "apiKeySource": "HEADER",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "tags": {"project": "multiregion"},
        "disableExecuteApiEndpoint": False,
        "rootResourceId": ROOT_ID,
        **changes,
    }


METHOD_SETTINGS = {"*/*": AWS_SETTINGS}


def stage(**changes) -> dict:
    result = {
        "deploymentId": "dep1",
        "stageName": "v1",
        "description": "",
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": copy.deepcopy(METHOD_SETTINGS),
        "accessLogSettings": {"format": LOG_FORMAT, "destinationArn": LOG_ARN},
        "tracingEnabled": True,
        "createdDate": NOW,
        "lastUpdatedDate": NOW,
    }
    result.update(changes)
    return {k: v for k, v in result.items() if v is not None}


def deployment(deployment_id: str, sha: str) -> dict:
    return {"id": deployment_id, "description": deployment_description(sha), "createdDate": NOW}


def queue_lookup(aws, apis=None):
    aws.stub("apigateway").add_response("get_rest_apis", {"items": [rest_api()] if apis is None else apis}, {})


def queue_identity(aws):
    aws.stub("sts").add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/deployer"},
        {},
    )


def queue_current(aws, current_stage=None, deployed_sha=SHA, identity=True):
    """An existing API with stage v1 serving the deployment made from ``deployed_sha``; with ``identity``, the STS
    call of a module that cannot take the account from a function's ARN."""
    current_stage = stage() if current_stage is None else current_stage
    queue_lookup(aws)
    if identity:
        queue_identity(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response("get_stage", current_stage, {"restApiId": API_ID, "stageName": "v1"})
    apigw.add_response(
        "get_deployment",
        deployment(current_stage["deploymentId"], deployed_sha),
        {"restApiId": API_ID, "deploymentId": current_stage["deploymentId"]},
    )


CREATED_STAGE_OPS = [
    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": LOG_ARN},
    {"op": "replace", "path": "/accessLogSettings/format", "value": LOG_FORMAT},
    {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
    {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "false"},
    {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
    {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "200"},
    {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100.0"},
    {"op": "replace", "path": "/*/*/caching/enabled", "value": "false"},
]


# ----------------------------------------------------------------------------------------------------------------
# Create
# ----------------------------------------------------------------------------------------------------------------


def test_create_puts_the_definition_deploys_and_configures_the_stage(aws):
    queue_lookup(aws, apis=[])
    queue_identity(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response(
        "create_rest_api",
        rest_api(),
        {
            "name": NAME,
            "description": "Items",
            "endpointConfiguration": {"types": ["REGIONAL"]},
            "tags": {"project": "multiregion"},
        },
    )
    apigw.add_response(
        "put_rest_api", rest_api(), {"restApiId": API_ID, "mode": "overwrite", "failOnWarnings": True, "body": BODY}
    )
    apigw.add_response(
        "create_deployment", deployment("dep1", SHA), {"restApiId": API_ID, "description": deployment_description(SHA)}
    )
    apigw.add_response(
        "create_stage",
        stage(methodSettings={}, accessLogSettings=None),
        {"restApiId": API_ID, "stageName": "v1", "deploymentId": "dep1", "tracingEnabled": True},
    )
    apigw.add_response(
        "update_stage", stage(), {"restApiId": API_ID, "stageName": "v1", "patchOperations": CREATED_STAGE_OPS}
    )

    result = run_module(main, ARGS, diff=True)

    assert result["changed"] is True
    assert result["deployment_id"] == "dep1"
    assert result["rest_api"]["id"] == API_ID
    assert result["rest_api"]["root_resource_id"] == ROOT_ID
    assert result["rest_api"]["endpoint_configuration"] == {"types": ["REGIONAL"]}
    assert result["rest_api"]["definition_sha256"] == SHA
    assert result["rest_api"]["tags"] == {"project": "multiregion"}
    assert result["rest_api"]["created_date"] == NOW.isoformat()
    assert result["stage"]["name"] == "v1"
    assert result["stage"]["arn"] == STAGE_ARN
    assert result["stage"]["tracing_enabled"] is True
    assert result["stage"]["method_settings"]["*/*"]["logging_level"] == "INFO"
    assert result["stage"]["access_log_settings"] == {"destination_arn": LOG_ARN, "format": LOG_FORMAT}
    assert result["invoke_url"] == f"https://{API_ID}.execute-api.eu-west-1.amazonaws.com/v1"
    assert result["execution_arn"] == f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API_ID}"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["definition_sha256"] == SHA
    assert result["diff"]["after"]["stage"]["access_log_settings"] == {"destination_arn": LOG_ARN, "format": LOG_FORMAT}


def test_create_then_reconciles_a_description_the_put_took_from_the_definition(aws):
    queue_lookup(aws, apis=[])
    queue_identity(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response("create_rest_api", rest_api(tags={}))
    apigw.add_response("put_rest_api", rest_api(description="from info.description", tags={}))
    apigw.add_response("create_deployment", deployment("dep1", SHA))
    apigw.add_response(
        "update_rest_api",
        rest_api(tags={}),
        {"restApiId": API_ID, "patchOperations": [{"op": "replace", "path": "/description", "value": "Items"}]},
    )
    apigw.add_response("create_stage", stage(methodSettings={}, accessLogSettings=None))
    apigw.add_response("update_stage", stage())

    result = run_module(main, dict(ARGS, tags=None))

    assert result["changed"] is True
    assert result["rest_api"]["description"] == "Items"


def test_create_check_mode_makes_no_call_but_reads(aws):
    queue_lookup(aws, apis=[])
    queue_identity(aws)

    result = run_module(main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["rest_api"]["id"] is None
    assert result["rest_api"]["name"] == NAME
    assert result["deployment_id"] is None
    assert "invoke_url" not in result
    assert result["diff"]["before"] == {}
    after = result["diff"]["after"]
    assert after["definition_sha256"] == SHA
    assert after["endpoint_type"] == "REGIONAL"
    assert after["stage"]["method_settings"]["*/*"]["throttling_rate_limit"] == 100.0
    assert after["stage"]["tracing_enabled"] is True


# ----------------------------------------------------------------------------------------------------------------
# Update
# ----------------------------------------------------------------------------------------------------------------


def test_no_change_makes_no_put_and_no_deployment(aws):
    queue_current(aws)

    result = run_module(main, ARGS, diff=True)

    assert result["changed"] is False
    assert result["deployment_id"] == "dep1"
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["rest_api"]["definition_sha256"] == SHA


def test_no_change_in_check_mode(aws):
    queue_current(aws)
    result = run_module(main, ARGS, check_mode=True)
    assert result["changed"] is False
    assert result["deployment_id"] == "dep1"
    assert result["invoke_url"].endswith("/v1")


def test_the_same_definition_as_yaml_text_is_no_change(aws):
    queue_current(aws)
    yaml_text = """
openapi: 3.0.1
info: {title: items-api, version: "1"}
x-amazon-apigateway-request-validators:
  all: {validateRequestBody: true, validateRequestParameters: true}
paths:
  /healthcheck:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "URI"}
  /items/{id}:
    get:
      responses: {"200": {description: The item}}
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "URI"}
""".replace("URI", URI)
    assert run_module(main, dict(ARGS, definition=yaml_text))["changed"] is False


def test_definition_change_puts_and_points_the_stage_at_a_new_deployment(aws):
    queue_current(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response(
        "put_rest_api", rest_api(), {"restApiId": API_ID, "mode": "overwrite", "failOnWarnings": True, "body": NEW_BODY}
    )
    apigw.add_response(
        "create_deployment",
        deployment("dep2", NEW_SHA),
        {"restApiId": API_ID, "description": deployment_description(NEW_SHA)},
    )
    apigw.add_response(
        "update_stage",
        stage(deploymentId="dep2"),
        {
            "restApiId": API_ID,
            "stageName": "v1",
            "patchOperations": [{"op": "replace", "path": "/deploymentId", "value": "dep2"}],
        },
    )

    result = run_module(main, dict(ARGS, definition=definition("An item")), diff=True)

    assert result["changed"] is True
    assert result["deployment_id"] == "dep2"
    assert result["rest_api"]["definition_sha256"] == NEW_SHA
    assert result["diff"]["before"]["definition_sha256"] == SHA
    assert result["diff"]["after"]["definition_sha256"] == NEW_SHA


def test_definition_change_in_check_mode(aws):
    queue_current(aws)
    result = run_module(main, dict(ARGS, definition=definition("An item")), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["deployment_id"] is None
    assert result["diff"]["after"]["definition_sha256"] == NEW_SHA
    assert result["diff"]["before"]["stage"] == result["diff"]["after"]["stage"]


def test_a_deployment_made_elsewhere_is_replaced(aws):
    queue_current(aws, deployed_sha="f" * 64)
    apigw = aws.stub("apigateway")
    apigw.add_response("put_rest_api", rest_api())
    apigw.add_response("create_deployment", deployment("dep2", SHA))
    apigw.add_response("update_stage", stage(deploymentId="dep2"))
    assert run_module(main, ARGS)["deployment_id"] == "dep2"


def test_fail_on_warnings_can_be_turned_off(aws):
    queue_current(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response(
        "put_rest_api",
        rest_api(warnings=["Unsupported model"]),
        {"restApiId": API_ID, "mode": "overwrite", "failOnWarnings": False, "body": NEW_BODY},
    )
    apigw.add_response("create_deployment", deployment("dep2", NEW_SHA))
    apigw.add_response("update_stage", stage(deploymentId="dep2"))
    result = run_module(main, dict(ARGS, definition=definition("An item"), fail_on_warnings=False))
    assert result["rest_api"]["warnings"] == ["Unsupported model"]


def _settings(**changes):
    return {"*/*": dict(METHOD_SETTINGS["*/*"], **changes)}


@pytest.mark.parametrize(
    "stage_change, ops, updated",
    [
        (
            {"tracing_enabled": False},
            [{"op": "replace", "path": "/tracingEnabled", "value": "false"}],
            {"tracingEnabled": False},
        ),
        (
            {"description": "Version 1"},
            [{"op": "replace", "path": "/description", "value": "Version 1"}],
            {"description": "Version 1"},
        ),
        (
            {"variables": {"table": "items"}},
            [{"op": "replace", "path": "/variables/table", "value": "items"}],
            {"variables": {"table": "items"}},
        ),
        (
            {"access_log_destination_arn": "", "access_log_format": None},
            [{"op": "remove", "path": "/accessLogSettings"}],
            {"accessLogSettings": None},
        ),
        (
            {"method_settings": dict(STAGE_OPTION["method_settings"], logging_level="ERROR")},
            [{"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}],
            {"methodSettings": _settings(loggingLevel="ERROR")},
        ),
        (
            {"method_settings": dict(STAGE_OPTION["method_settings"], throttling_rate_limit=50)},
            [{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50.0"}],
            {"methodSettings": _settings(throttlingRateLimit=50.0)},
        ),
    ],
)
def test_a_stage_setting_change_is_only_an_update_stage(aws, stage_change, ops, updated):
    queue_current(aws)
    aws.stub("apigateway").add_response(
        "update_stage", stage(**updated), {"restApiId": API_ID, "stageName": "v1", "patchOperations": ops}
    )
    args = dict(ARGS, stage=dict(STAGE_OPTION, **stage_change))
    result = run_module(main, args, diff=True)
    assert result["changed"] is True
    assert result["deployment_id"] == "dep1"
    assert result["diff"]["before"]["stage"] != result["diff"]["after"]["stage"]
    assert result["diff"]["before"]["definition_sha256"] == result["diff"]["after"]["definition_sha256"]


def test_a_stage_setting_change_in_check_mode_shows_the_new_setting(aws):
    queue_current(aws)
    args = dict(ARGS, stage=dict(STAGE_OPTION, tracing_enabled=False))
    result = run_module(main, args, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["stage"]["tracing_enabled"] is True
    assert result["diff"]["after"]["stage"]["tracing_enabled"] is False
    assert result["stage"]["tracing_enabled"] is False
    assert result["deployment_id"] == "dep1"


def test_a_missing_stage_gets_a_deployment_and_is_created(aws):
    queue_lookup(aws)
    queue_identity(aws)
    apigw = aws.stub("apigateway")
    apigw.add_client_error("get_stage", **client_error("NotFoundException", "Invalid stage identifier specified", 404))
    apigw.add_response("put_rest_api", rest_api())
    apigw.add_response("create_deployment", deployment("dep3", SHA))
    apigw.add_response(
        "create_stage",
        stage(deploymentId="dep3", methodSettings={}, accessLogSettings=None),
        {"restApiId": API_ID, "stageName": "v1", "deploymentId": "dep3", "tracingEnabled": True},
    )
    apigw.add_response(
        "update_stage",
        stage(deploymentId="dep3"),
        {"restApiId": API_ID, "stageName": "v1", "patchOperations": CREATED_STAGE_OPS},
    )
    result = run_module(main, ARGS, diff=True)
    assert result["changed"] is True
    assert result["deployment_id"] == "dep3"
    assert result["diff"]["before"]["stage"] is None


def test_rest_api_properties_are_patched(aws):
    queue_current(aws)
    aws.stub("apigateway").add_response(
        "update_rest_api",
        rest_api(description="Items v2", endpointConfiguration={"types": ["EDGE"]}),
        {
            "restApiId": API_ID,
            "patchOperations": [
                {"op": "replace", "path": "/description", "value": "Items v2"},
                {"op": "replace", "path": "/endpointConfiguration/types/REGIONAL", "value": "EDGE"},
            ],
        },
    )
    result = run_module(main, dict(ARGS, description="Items v2", endpoint_type="EDGE"), diff=True)
    assert result["changed"] is True
    assert result["rest_api"]["endpoint_configuration"] == {"types": ["EDGE"]}
    assert result["diff"]["after"]["endpoint_type"] == "EDGE"


def test_rest_api_tags_are_updated(aws):
    queue_current(aws)
    apigw = aws.stub("apigateway")
    apigw.add_response("untag_resource", {}, {"resourceArn": API_ARN, "tagKeys": ["project"]})
    apigw.add_response("tag_resource", {}, {"resourceArn": API_ARN, "tags": {"owner": "team-a"}})
    result = run_module(main, dict(ARGS, tags={"owner": "team-a"}), diff=True)
    assert result["changed"] is True
    assert result["rest_api"]["tags"] == {"owner": "team-a"}
    assert result["diff"]["after"]["tags"] == {"owner": "team-a"}


def test_rest_api_tags_without_purge_are_only_added(aws):
    queue_current(aws)
    aws.stub("apigateway").add_response("tag_resource", {}, {"resourceArn": API_ARN, "tags": {"owner": "team-a"}})
    result = run_module(main, dict(ARGS, tags={"owner": "team-a"}, purge_tags=False))
    assert result["rest_api"]["tags"] == {"project": "multiregion", "owner": "team-a"}


def test_stage_tags_are_updated(aws):
    queue_current(aws, current_stage=stage(tags={"old": "1", "keep": "2"}))
    apigw = aws.stub("apigateway")
    apigw.add_response("untag_resource", {}, {"resourceArn": STAGE_ARN, "tagKeys": ["old"]})
    apigw.add_response("tag_resource", {}, {"resourceArn": STAGE_ARN, "tags": {"new": "3"}})
    result = run_module(main, dict(ARGS, stage=dict(STAGE_OPTION, tags={"keep": "2", "new": "3"})))
    assert result["changed"] is True
    assert result["stage"]["tags"] == {"keep": "2", "new": "3"}


def test_tags_left_out_are_left_alone(aws):
    queue_current(aws, current_stage=stage(tags={"other": "1"}))
    assert run_module(main, dict(ARGS, tags=None))["changed"] is False


def test_tag_change_in_check_mode(aws):
    queue_current(aws)
    result = run_module(main, dict(ARGS, tags={"owner": "team-a"}), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["tags"] == {"owner": "team-a"}


# ----------------------------------------------------------------------------------------------------------------
# Identity
# ----------------------------------------------------------------------------------------------------------------


def test_duplicate_names_fail_clearly(aws):
    queue_lookup(aws, apis=[rest_api(), rest_api(id="z9y8x7w6v5")])
    result = run_module(main, ARGS)
    assert_fails_as(
        result, "2 REST APIs are named 'items-api' (a1b2c3d4e5, z9y8x7w6v5); set api_id to say which one to manage"
    )


def test_duplicate_names_fail_for_deletion_too(aws):
    queue_lookup(aws, apis=[rest_api(), rest_api(id="z9y8x7w6v5")])
    result = run_module(main, {"name": NAME, "state": "absent"})
    assert_fails_mentioning(result, "set api_id")


def test_api_id_selects_among_duplicates_and_renames(aws):
    apigw = aws.stub("apigateway")
    apigw.add_response("get_rest_api", rest_api(name="old-name"), {"restApiId": API_ID})
    queue_identity(aws)
    apigw.add_response("get_stage", stage(), {"restApiId": API_ID, "stageName": "v1"})
    apigw.add_response("get_deployment", deployment("dep1", SHA), {"restApiId": API_ID, "deploymentId": "dep1"})
    apigw.add_response(
        "update_rest_api",
        rest_api(),
        {"restApiId": API_ID, "patchOperations": [{"op": "replace", "path": "/name", "value": NAME}]},
    )
    result = run_module(main, dict(ARGS, api_id=API_ID))
    assert result["changed"] is True
    assert result["rest_api"]["name"] == NAME


def test_unknown_api_id_fails_for_present(aws):
    aws.stub("apigateway").add_client_error(
        "get_rest_api", **client_error("NotFoundException", "Invalid API identifier specified", 404)
    )
    result = run_module(main, dict(ARGS, api_id="nope"))
    assert_fails_as(result, "REST API nope not found; leave out api_id to create 'items-api'")


# ----------------------------------------------------------------------------------------------------------------
# Delete
# ----------------------------------------------------------------------------------------------------------------


def test_delete(aws):
    queue_lookup(aws)
    aws.stub("apigateway").add_response("delete_rest_api", {}, {"restApiId": API_ID})
    result = run_module(main, {"name": NAME, "state": "absent"}, diff=True)
    assert result["changed"] is True
    assert result["rest_api"] == {}
    assert result["diff"]["before"]["name"] == NAME
    assert result["diff"]["after"] == {}


def test_delete_check_mode(aws):
    queue_lookup(aws)
    result = run_module(main, {"name": NAME, "state": "absent"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"] == {}


def test_already_absent(aws):
    queue_lookup(aws, apis=[rest_api(name="another-api")])
    result = run_module(main, {"name": NAME, "state": "absent"})
    assert result["changed"] is False


def test_already_absent_by_id(aws):
    aws.stub("apigateway").add_client_error(
        "get_rest_api", **client_error("NotFoundException", "Invalid API identifier specified", 404)
    )
    assert run_module(main, {"name": NAME, "api_id": API_ID, "state": "absent"})["changed"] is False


def test_delete_throttled_then_retried(aws):
    queue_lookup(aws)
    apigw = aws.stub("apigateway")
    apigw.add_client_error("delete_rest_api", **client_error("TooManyRequestsException", "Too Many Requests", 429))
    apigw.add_response("delete_rest_api", {}, {"restApiId": API_ID})
    assert run_module(main, {"name": NAME, "state": "absent"})["changed"] is True
    assert aws.sleeps


# ----------------------------------------------------------------------------------------------------------------
# Throttling and errors
# ----------------------------------------------------------------------------------------------------------------


def test_listing_throttled_then_retried(aws):
    apigw = aws.stub("apigateway")
    apigw.add_client_error("get_rest_apis", **client_error("TooManyRequestsException", "Too Many Requests", 429))
    queue_current(aws)
    assert run_module(main, ARGS)["changed"] is False
    assert aws.sleeps


def test_put_throttled_then_retried(aws):
    queue_current(aws)
    apigw = aws.stub("apigateway")
    apigw.add_client_error("put_rest_api", **client_error("TooManyRequestsException", "Too Many Requests", 429))
    apigw.add_response("put_rest_api", rest_api())
    apigw.add_response("create_deployment", deployment("dep2", NEW_SHA))
    apigw.add_response("update_stage", stage(deploymentId="dep2"))
    assert run_module(main, dict(ARGS, definition=definition("An item")))["deployment_id"] == "dep2"
    assert aws.sleeps


def test_a_refused_definition_fails_with_the_reason(aws):
    queue_current(aws)
    aws.stub("apigateway").add_client_error(
        "put_rest_api", **client_error("BadRequestException", "Errors found during import: Unable to put integration")
    )
    result = run_module(main, dict(ARGS, definition=definition("An item")))
    assert_fails_with(result, f"Failed to put the definition of REST API {API_ID}")
    assert "Unable to put integration" in result["msg"]


def test_a_listing_error_fails(aws):
    aws.stub("apigateway").add_client_error("get_rest_apis", **client_error("AccessDeniedException", "no", 403))
    result = run_module(main, ARGS)
    assert_fails_with(result, "Failed to list REST APIs")


def test_an_invalid_definition_fails_before_any_change(aws):
    queue_lookup(aws)
    result = run_module(main, dict(ARGS, definition={"openapi": "3.0.1"}))
    assert_fails_as(result, "definition has no 'paths' mapping")


def test_access_log_destination_needs_a_format(aws):
    queue_lookup(aws)
    result = run_module(main, dict(ARGS, stage={"access_log_destination_arn": LOG_ARN}))
    assert_fails_mentioning(result, "access_log_format is required")


def test_definition_is_required_when_present(aws):
    result = run_module(main, {"name": NAME})
    assert_fails_mentioning(result, "definition")


# --- the stage's client certificate (Security Hub APIGateway.2) -------------------------------------------------


def test_a_client_certificate_is_attached_to_the_stage(aws):
    queue_current(aws)
    aws.stub("apigateway").add_response(
        "update_stage",
        stage(clientCertificateId="cert1"),
        {
            "restApiId": API_ID,
            "stageName": "v1",
            "patchOperations": [{"op": "replace", "path": "/clientCertificateId", "value": "cert1"}],
        },
    )
    result = run_module(main, dict(ARGS, stage=dict(STAGE_OPTION, client_certificate_id="cert1")), diff=True)
    assert result["changed"] is True
    assert result["stage"]["client_certificate_id"] == "cert1"
    assert result["diff"]["before"]["stage"]["client_certificate_id"] is None
    assert result["diff"]["after"]["stage"]["client_certificate_id"] == "cert1"


def test_an_attached_client_certificate_is_no_change(aws):
    queue_current(aws, current_stage=stage(clientCertificateId="cert1"))
    result = run_module(main, dict(ARGS, stage=dict(STAGE_OPTION, client_certificate_id="cert1")))
    assert result["changed"] is False


def test_a_client_certificate_in_check_mode_is_planned_only(aws):
    queue_current(aws)
    result = run_module(main, dict(ARGS, stage=dict(STAGE_OPTION, client_certificate_id="cert1")), check_mode=True)
    assert result["changed"] is True
    assert result["stage"]["client_certificate_id"] == "cert1"

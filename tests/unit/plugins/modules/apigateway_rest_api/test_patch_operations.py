"""The pure functions behind apigateway_rest_api: definition hashing and the PATCH operations."""

from __future__ import annotations

import hashlib
import json

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _apigateway as apigw
from ansible_collections.multiregion.serverless.plugins.modules import apigateway_rest_api as module

from .stage_settings import AWS_SETTINGS

DOC = {
    "openapi": "3.0.1",
    "info": {"title": "ignored", "version": "1"},
    "paths": {"/healthcheck": {"get": {"responses": {"200": {"description": "ok"}}}}},
}

DOC_YAML = """
paths:
  /healthcheck:
    get:
      responses:
        "200": {description: ok}
info: {version: "1", title: something else}
openapi: 3.0.1
"""


# ----------------------------------------------------------------------------------------------------------------
# Definition
# ----------------------------------------------------------------------------------------------------------------


def test_prepare_definition_hashes_the_canonical_json_with_the_name_as_title():
    doc, body, sha = apigw.prepare_definition(DOC, "items-api")
    expected = (
        b'{"info":{"title":"items-api","version":"1"},"openapi":"3.0.1",'
        b'"paths":{"/healthcheck":{"get":{"responses":{"200":{"description":"ok"}}}}}}'
    )
    assert body == expected
    assert sha == hashlib.sha256(expected).hexdigest()
    assert doc["info"]["title"] == "items-api"
    assert DOC["info"]["title"] == "ignored", "the caller's document must not be modified"


@pytest.mark.parametrize("value", [DOC, json.dumps(DOC, indent=4), json.dumps(DOC).encode(), DOC_YAML])
def test_the_same_document_in_any_form_has_the_same_sha(value):
    assert apigw.prepare_definition(value, "items-api")[2] == apigw.prepare_definition(DOC, "items-api")[2]


def test_a_changed_document_has_another_sha():
    changed = json.loads(json.dumps(DOC))
    changed["paths"]["/healthcheck"]["get"]["responses"]["200"]["description"] = "healthy"
    assert apigw.prepare_definition(changed, "x")[2] != apigw.prepare_definition(DOC, "x")[2]


def test_yaml_dates_are_hashed_as_their_text():
    doc = apigw.load_definition("openapi: 3.0.1\ninfo: {version: 2024-01-02}\npaths: {}\n")
    assert b'"version":"2024-01-02"' in apigw.canonical_json(doc)


def test_swagger_2_is_accepted():
    assert apigw.load_definition({"swagger": "2.0", "paths": {}})["swagger"] == "2.0"


@pytest.mark.parametrize(
    "value, message",
    [
        ("[1, 2]", "must be a mapping"),
        ("a: [unclosed", "neither valid JSON nor valid YAML"),
        ({"info": {}, "paths": {}}, "OpenAPI 3"),
        ({"openapi": "3.0.1"}, "no 'paths'"),
        (42, "not int"),
    ],
)
def test_unusable_definitions_are_refused(value, message):
    with pytest.raises(apigw.DefinitionError, match=message):
        apigw.load_definition(value)


@pytest.mark.parametrize(
    "description, expected",
    [
        (apigw.deployment_description("a" * 64), "a" * 64),
        ("Deployed from the console", None),
        (None, None),
        ("definition-sha256=abc", None),
    ],
)
def test_deployed_sha256(description, expected):
    assert apigw.deployed_sha256(description) == expected


# ----------------------------------------------------------------------------------------------------------------
# REST API
# ----------------------------------------------------------------------------------------------------------------

API = {"name": "items-api", "description": "Items", "endpointConfiguration": {"types": ["REGIONAL"]}}


@pytest.mark.parametrize(
    "name, description, endpoint_type, expected",
    [
        ("items-api", "Items", "REGIONAL", []),
        ("items-api", None, "REGIONAL", []),
        ("items-api", "Items v2", "REGIONAL", [{"op": "replace", "path": "/description", "value": "Items v2"}]),
        ("renamed", "Items", "REGIONAL", [{"op": "replace", "path": "/name", "value": "renamed"}]),
        (
            "items-api",
            "Items",
            "EDGE",
            [{"op": "replace", "path": "/endpointConfiguration/types/REGIONAL", "value": "EDGE"}],
        ),
    ],
)
def test_rest_api_patch_operations(name, description, endpoint_type, expected):
    ops = apigw.rest_api_patch_operations(API, name, description, endpoint_type)
    assert ops == expected
    after = apigw.apply_rest_api_patch_operations(API, ops)
    assert apigw.rest_api_patch_operations(after, name, description, endpoint_type) == []


def test_rest_api_without_description_compares_as_empty():
    assert apigw.rest_api_patch_operations({"name": "x"}, "x", "", None) == []


# ----------------------------------------------------------------------------------------------------------------
# Stage
# ----------------------------------------------------------------------------------------------------------------

SETTINGS = {
    "logging_level": "INFO",
    "data_trace_enabled": False,
    "metrics_enabled": True,
    "throttling_burst_limit": 200,
    "throttling_rate_limit": 100.0,
    "caching_enabled": False,
}


def _op(path, value):
    return {"op": "replace", "path": path, "value": value}


@pytest.mark.parametrize(
    "current, wanted, expected",
    [
        ({"*/*": AWS_SETTINGS}, SETTINGS, []),
        ({"*/*": AWS_SETTINGS}, None, []),
        ({"*/*": AWS_SETTINGS}, {"throttling_rate_limit": 100}, []),
        ({"*/*": AWS_SETTINGS}, {"logging_level": "ERROR"}, [_op("/*/*/logging/loglevel", "ERROR")]),
        ({"*/*": AWS_SETTINGS}, {"metrics_enabled": False}, [_op("/*/*/metrics/enabled", "false")]),
        ({"*/*": AWS_SETTINGS}, {"data_trace_enabled": True}, [_op("/*/*/logging/dataTrace", "true")]),
        ({"*/*": AWS_SETTINGS}, {"throttling_burst_limit": 50}, [_op("/*/*/throttling/burstLimit", "50")]),
        ({"*/*": AWS_SETTINGS}, {"throttling_rate_limit": 25.5}, [_op("/*/*/throttling/rateLimit", "25.5")]),
        ({"*/*": AWS_SETTINGS}, {"caching_enabled": True}, [_op("/*/*/caching/enabled", "true")]),
        # An entry without a logging level reports OFF.
        ({"*/*": {"metricsEnabled": True}}, {"logging_level": "OFF"}, []),
        (
            {},
            SETTINGS,
            [
                _op("/*/*/logging/loglevel", "INFO"),
                _op("/*/*/logging/dataTrace", "false"),
                _op("/*/*/metrics/enabled", "true"),
                _op("/*/*/throttling/burstLimit", "200"),
                _op("/*/*/throttling/rateLimit", "100.0"),
                _op("/*/*/caching/enabled", "false"),
            ],
        ),
        (None, {"metrics_enabled": True}, [_op("/*/*/metrics/enabled", "true")]),
        # A per-method override is not the stage-wide entry.
        ({"~1items/GET": AWS_SETTINGS}, {"metrics_enabled": True}, [_op("/*/*/metrics/enabled", "true")]),
    ],
)
def test_method_settings_patch_operations(current, wanted, expected):
    assert apigw.method_settings_patch_operations(current, wanted) == expected


LOG_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/items"
LOG_FORMAT = '{"requestId":"$context.requestId"}'


@pytest.mark.parametrize(
    "current, destination, log_format, expected",
    [
        ({"destinationArn": LOG_ARN, "format": LOG_FORMAT}, LOG_ARN, LOG_FORMAT, []),
        ({"destinationArn": LOG_ARN, "format": LOG_FORMAT}, None, None, []),
        (
            None,
            LOG_ARN,
            LOG_FORMAT,
            [_op("/accessLogSettings/destinationArn", LOG_ARN), _op("/accessLogSettings/format", LOG_FORMAT)],
        ),
        (
            {"destinationArn": LOG_ARN, "format": "$context.requestId"},
            LOG_ARN,
            LOG_FORMAT,
            [_op("/accessLogSettings/format", LOG_FORMAT)],
        ),
        (
            {"destinationArn": LOG_ARN + "-old", "format": LOG_FORMAT},
            LOG_ARN,
            LOG_FORMAT,
            [_op("/accessLogSettings/destinationArn", LOG_ARN)],
        ),
        ({"destinationArn": LOG_ARN, "format": LOG_FORMAT}, "", None, [{"op": "remove", "path": "/accessLogSettings"}]),
        (None, "", None, []),
    ],
)
def test_access_log_patch_operations(current, destination, log_format, expected):
    assert apigw.access_log_patch_operations(current, destination, log_format) == expected


@pytest.mark.parametrize(
    "current, wanted, expected",
    [
        ({"a": "1"}, {"a": "1"}, []),
        ({"a": "1"}, None, []),
        ({"a": "1"}, {"a": "2"}, [_op("/variables/a", "2")]),
        ({}, {"b": "x", "a": "y"}, [_op("/variables/a", "y"), _op("/variables/b", "x")]),
        ({"a": "1", "old": "z"}, {"a": "1"}, [{"op": "remove", "path": "/variables/old"}]),
        (None, {}, []),
    ],
)
def test_variables_patch_operations(current, wanted, expected):
    assert apigw.variables_patch_operations(current, wanted) == expected


STAGE = {
    "stageName": "v1",
    "deploymentId": "dep1",
    "description": "Version 1",
    "tracingEnabled": True,
    "variables": {"table": "items"},
    "accessLogSettings": {"destinationArn": LOG_ARN, "format": LOG_FORMAT},
    "methodSettings": {"*/*": AWS_SETTINGS},
}
WANTED_STAGE = {
    "name": "v1",
    "description": "Version 1",
    "tracing_enabled": True,
    "variables": {"table": "items"},
    "access_log_destination_arn": LOG_ARN,
    "access_log_format": LOG_FORMAT,
    "method_settings": SETTINGS,
}


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, []),
        ({"description": "Version one"}, [_op("/description", "Version one")]),
        ({"tracing_enabled": False}, [_op("/tracingEnabled", "false")]),
        ({"variables": {"table": "items2"}}, [_op("/variables/table", "items2")]),
        ({"access_log_destination_arn": ""}, [{"op": "remove", "path": "/accessLogSettings"}]),
        ({"method_settings": dict(SETTINGS, logging_level="ERROR")}, [_op("/*/*/logging/loglevel", "ERROR")]),
        (
            {"tracing_enabled": False, "method_settings": dict(SETTINGS, metrics_enabled=False)},
            [_op("/tracingEnabled", "false"), _op("/*/*/metrics/enabled", "false")],
        ),
        # Options left out are left alone.
        ({k: None for k in WANTED_STAGE if k != "name"}, []),
    ],
)
def test_stage_patch_operations_send_only_what_differs(change, expected):
    wanted = dict(WANTED_STAGE, **change)
    ops = apigw.stage_patch_operations(STAGE, wanted)
    assert ops == expected
    assert apigw.stage_patch_operations(apigw.apply_stage_patch_operations(STAGE, ops), wanted) == []


@pytest.mark.parametrize(
    "created",
    [
        # As AWS answers CreateStage, and as the local endpoint does (accessLogSettings null).
        {"stageName": "v1", "deploymentId": "d", "methodSettings": {}, "tracingEnabled": True},
        {"stageName": "v1", "deploymentId": "d", "methodSettings": {}, "accessLogSettings": None, "variables": None},
    ],
)
def test_a_new_stage_converges_in_one_update(created):
    wanted = dict(WANTED_STAGE, description=None, variables=None, tracing_enabled=None)
    ops = apigw.stage_patch_operations(created, wanted)
    assert {op["path"] for op in ops} == {
        "/accessLogSettings/destinationArn",
        "/accessLogSettings/format",
        "/*/*/logging/loglevel",
        "/*/*/logging/dataTrace",
        "/*/*/metrics/enabled",
        "/*/*/throttling/burstLimit",
        "/*/*/throttling/rateLimit",
        "/*/*/caching/enabled",
    }
    assert apigw.stage_patch_operations(apigw.apply_stage_patch_operations(created, ops), wanted) == []


def test_apply_stage_patch_operations_refuses_unknown_paths():
    with pytest.raises(ValueError):
        apigw.apply_stage_patch_operations(STAGE, [_op("/*/*/unknown/setting", "1")])


@pytest.mark.parametrize(
    "current, role, expected",
    [
        ({"cloudwatchRoleArn": "arn:aws:iam::1:role/a"}, "arn:aws:iam::1:role/a", []),
        (
            {"cloudwatchRoleArn": "arn:aws:iam::1:role/a"},
            "arn:aws:iam::1:role/b",
            [_op("/cloudwatchRoleArn", "arn:aws:iam::1:role/b")],
        ),
        ({}, "arn:aws:iam::1:role/a", [_op("/cloudwatchRoleArn", "arn:aws:iam::1:role/a")]),
        ({}, None, []),
    ],
)
def test_account_patch_operations(current, role, expected):
    assert apigw.account_patch_operations(current, role) == expected


# ----------------------------------------------------------------------------------------------------------------
# Names and option normalisation
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "partition, url",
    [
        ("aws", "https://abc.execute-api.eu-west-1.amazonaws.com/v1"),
        ("aws-cn", "https://abc.execute-api.eu-west-1.amazonaws.com.cn/v1"),
    ],
)
def test_invoke_url(partition, url):
    assert apigw.invoke_url(partition, "eu-west-1", "abc", "v1") == url


def test_arns():
    assert (
        apigw.execution_arn("aws", "eu-west-1", "123456789012", "abc")
        == "arn:aws:execute-api:eu-west-1:123456789012:abc"
    )
    assert apigw.stage_arn("aws", "eu-west-1", "abc", "v1") == "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/v1"


def test_wanted_stage_normalises_values_as_api_gateway_reports_them():
    wanted = module.wanted_stage(
        {
            "name": "v1",
            "variables": {"weight": 50},
            "tags": {"n": 1},
            "access_log_destination_arn": LOG_ARN + ":*",
            "access_log_format": {"requestId": "$context.requestId", "status": "$context.status"},
        }
    )
    assert wanted["variables"] == {"weight": "50"}
    assert wanted["tags"] == {"n": "1"}
    assert wanted["access_log_destination_arn"] == LOG_ARN
    assert wanted["access_log_format"] == '{"requestId":"$context.requestId","status":"$context.status"}'


@pytest.mark.parametrize(
    "stage, error",
    [
        ({"access_log_destination_arn": LOG_ARN, "access_log_format": LOG_FORMAT}, None),
        ({"access_log_destination_arn": LOG_ARN}, "access_log_format is required"),
        ({"access_log_format": LOG_FORMAT}, "access_log_destination_arn is required"),
        ({"access_log_destination_arn": ""}, None),
        ({}, None),
    ],
)
def test_stage_option_errors(stage, error):
    result = module.stage_option_errors(stage)
    assert (result is None) if error is None else (error in result)

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Shared code of the API Gateway REST API (v1) modules.

- Definition handling: an OpenAPI 3 / Swagger 2 document (dict, JSON or YAML text) turned into the canonical JSON
  body sent to PutRestApi and its SHA-256.
- The deployment marker: the SHA-256 of the definition a deployment was made from, kept in the deployment's
  description, so "does this stage serve this definition?" is answered by the stage's own deployment.
- Pure functions computing PATCH operations (RestApi, Stage, Account) and applying them to a described resource,
  which is what makes check mode and diff exact.
- Thin API wrappers with this collection's error handling, retried on throttling.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import MultiregionAWSError
from .common import error_handler
from .common import given_options

ApiGatewayErrorHandler = error_handler(["NotFoundException"])

# The method-settings key API Gateway uses for "every resource, every method" of a stage.
ALL_METHODS = "*/*"

_MARKER = "definition-sha256"
_MARKER_RE = re.compile(_MARKER + r"=([0-9a-f]{64})")


class DefinitionError(ValueError):
    """The definition is not a usable OpenAPI/Swagger document."""


class DuplicateRestApiName(MultiregionAWSError):
    """More than one REST API carries the name, and no api_id says which one is meant."""


# --------------------------------------------------------------------------------------------------------------
# Definition
# --------------------------------------------------------------------------------------------------------------


def load_definition(value: Any) -> dict:
    """The definition as a dict, from a dict or from JSON/YAML text."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError:
            try:
                import yaml
            except ImportError:
                raise DefinitionError(
                    "definition is not valid JSON, and PyYAML is not installed to read it as YAML"
                ) from None
            try:
                doc = yaml.safe_load(value)
            except yaml.YAMLError as e:
                raise DefinitionError(f"definition is neither valid JSON nor valid YAML: {e}") from e
    elif isinstance(value, dict):
        doc = value
    else:
        raise DefinitionError(f"definition must be a dict or a JSON/YAML string, not {type(value).__name__}")
    if not isinstance(doc, dict):
        raise DefinitionError("definition must be a mapping (an OpenAPI or Swagger document)")
    if "openapi" not in doc and "swagger" not in doc:
        raise DefinitionError(
            "definition must be an OpenAPI 3 ('openapi: 3.0.1') or Swagger 2 ('swagger: \"2.0\"') document"
        )
    if not isinstance(doc.get("paths"), dict):
        raise DefinitionError("definition has no 'paths' mapping")
    return doc


def canonical_json(doc: Any) -> bytes:
    """JSON with sorted keys and no insignificant whitespace: equal documents give equal bytes."""
    # default=str covers the dates YAML turns into datetime objects (info.version: 2024-01-01).
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def prepare_definition(value: Any, name: str) -> tuple[dict, bytes, str]:
    """(document, PutRestApi body, SHA-256 hex of the body).

    ``info.title`` is set to ``name``: PutRestApi renames the API after the title, and the name is how this
    collection finds the API again.
    """
    doc = copy.deepcopy(load_definition(value))
    info = doc.get("info")
    doc["info"] = dict(info) if isinstance(info, dict) else {}
    doc["info"]["title"] = name
    body = canonical_json(doc)
    return doc, body, hashlib.sha256(body).hexdigest()


def deployment_description(sha256: str) -> str:
    return f"multiregion.serverless.apigateway_rest_api {_MARKER}={sha256}"


def deployed_sha256(description: str | None) -> str | None:
    """The definition SHA-256 recorded in a deployment's description, None for a deployment made elsewhere."""
    match = _MARKER_RE.search(description or "")
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------------------------
# PATCH operations: computing them (what would change) and applying them to a described resource (what it becomes)
# --------------------------------------------------------------------------------------------------------------


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _replace(path: str, value: str) -> dict:
    return {"op": "replace", "path": path, "value": value}


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) or isinstance(current, float):
        try:
            return float(current) == float(wanted)
        except (TypeError, ValueError):
            return False
    return current == wanted


def rest_api_patch_operations(
    current: dict, name: str | None, description: str | None, endpoint_type: str | None
) -> list[dict]:
    """UpdateRestApi operations turning ``current`` (a RestApi) into the wanted one; None means leave alone."""
    ops = []
    if name is not None and current.get("name") != name:
        ops.append(_replace("/name", name))
    if description is not None and (current.get("description") or "") != description:
        ops.append(_replace("/description", description))
    types = (current.get("endpointConfiguration") or {}).get("types") or []
    if endpoint_type is not None and types != [endpoint_type]:
        # The path names the type being replaced; a REST API has exactly one.
        ops.append(_replace(f"/endpointConfiguration/types/{types[0] if types else 'EDGE'}", endpoint_type))
    return ops


def apply_rest_api_patch_operations(rest_api: dict, ops: list[dict]) -> dict:
    result = copy.deepcopy(rest_api)
    for op in ops:
        if op["path"] == "/name":
            result["name"] = op["value"]
        elif op["path"] == "/description":
            result["description"] = op["value"]
        elif op["path"].startswith("/endpointConfiguration/types/"):
            result["endpointConfiguration"] = dict(result.get("endpointConfiguration") or {}, types=[op["value"]])
        else:
            raise ValueError(f"unexpected RestApi patch operation {op!r}")
    return result


# (option, MethodSetting field, patch path below /{resource}/{method}/, encoder, decoder)
METHOD_SETTINGS: tuple[tuple[str, str, str, Callable[[Any], str], Callable[[str], Any]], ...] = (
    ("logging_level", "loggingLevel", "logging/loglevel", str, str),
    ("data_trace_enabled", "dataTraceEnabled", "logging/dataTrace", _bool, lambda v: v == "true"),
    ("metrics_enabled", "metricsEnabled", "metrics/enabled", _bool, lambda v: v == "true"),
    ("throttling_burst_limit", "throttlingBurstLimit", "throttling/burstLimit", lambda v: str(int(v)), int),
    ("throttling_rate_limit", "throttlingRateLimit", "throttling/rateLimit", lambda v: repr(float(v)), float),
    ("caching_enabled", "cachingEnabled", "caching/enabled", _bool, lambda v: v == "true"),
)
_SETTING_BY_SUFFIX = {suffix: (field, decode) for _o, field, suffix, _e, decode in METHOD_SETTINGS}
# What API Gateway reports for a setting of an existing method-settings entry that was never set.
_METHOD_SETTING_DEFAULTS = {"loggingLevel": "OFF"}


def method_settings_patch_operations(current: dict | None, wanted: dict | None, key: str = ALL_METHODS) -> list[dict]:
    """Operations for the method settings of ``key`` (``*/*``: every method); only the options given count."""
    if not wanted:
        return []
    existing = (current or {}).get(key)
    ops = []
    for option, field, suffix, encode, _decode in METHOD_SETTINGS:
        value = wanted.get(option)
        if value is None:
            continue
        if existing is not None and _same(existing.get(field, _METHOD_SETTING_DEFAULTS.get(field)), value):
            continue
        ops.append(_replace(f"/{key}/{suffix}", encode(value)))
    return ops


def access_log_patch_operations(
    current: dict | None, destination_arn: str | None, log_format: str | None
) -> list[dict]:
    """``destination_arn`` None leaves access logging alone, "" turns it off."""
    if destination_arn is None:
        return []
    current = current or {}
    if destination_arn == "":
        return [{"op": "remove", "path": "/accessLogSettings"}] if current.get("destinationArn") else []
    ops = []
    if current.get("destinationArn") != destination_arn:
        ops.append(_replace("/accessLogSettings/destinationArn", destination_arn))
    if log_format is not None and current.get("format") != log_format:
        ops.append(_replace("/accessLogSettings/format", log_format))
    return ops


def variables_patch_operations(current: dict | None, wanted: dict | None) -> list[dict]:
    """Stage variables are replacive: the wanted set is the whole set."""
    if wanted is None:
        return []
    current = current or {}
    ops = [_replace(f"/variables/{k}", v) for k, v in sorted(wanted.items()) if current.get(k) != v]
    ops += [{"op": "remove", "path": f"/variables/{k}"} for k in sorted(current) if k not in wanted]
    return ops


def stage_patch_operations(current: dict, wanted: dict) -> list[dict]:
    """UpdateStage operations for the stage settings (not the deployment) in ``wanted`` (the module's stage option,
    normalised by the module: variables as strings, the access-log format as a string, the destination without
    a trailing ``:*``)."""
    ops = []
    if wanted.get("description") is not None and (current.get("description") or "") != wanted["description"]:
        ops.append(_replace("/description", wanted["description"]))
    if wanted.get("tracing_enabled") is not None and bool(current.get("tracingEnabled")) != wanted["tracing_enabled"]:
        ops.append(_replace("/tracingEnabled", _bool(wanted["tracing_enabled"])))
    certificate = wanted.get("client_certificate_id")
    if certificate is not None and (current.get("clientCertificateId") or "") != certificate:
        ops.append(_replace("/clientCertificateId", certificate))
    ops += variables_patch_operations(current.get("variables"), wanted.get("variables"))
    ops += access_log_patch_operations(
        current.get("accessLogSettings"), wanted.get("access_log_destination_arn"), wanted.get("access_log_format")
    )
    ops += method_settings_patch_operations(current.get("methodSettings"), wanted.get("method_settings"))
    return ops


def apply_stage_patch_operations(stage: dict, ops: list[dict]) -> dict:
    """The stage as UpdateStage leaves it after ``ops`` (the subset of operations this collection sends)."""
    result = copy.deepcopy(stage)
    for op in ops:
        path, kind = op["path"], op["op"]
        if path == "/description":
            result["description"] = op["value"]
        elif path == "/deploymentId":
            result["deploymentId"] = op["value"]
        elif path == "/tracingEnabled":
            result["tracingEnabled"] = op["value"] == "true"
        elif path == "/clientCertificateId":
            if op["value"]:
                result["clientCertificateId"] = op["value"]
            else:
                result.pop("clientCertificateId", None)
        elif path.startswith("/variables/"):
            variables = result["variables"] = dict(result.get("variables") or {})
            if kind == "remove":
                variables.pop(path[len("/variables/") :], None)
            else:
                variables[path[len("/variables/") :]] = op["value"]
        elif path == "/accessLogSettings" and kind == "remove":
            result.pop("accessLogSettings", None)
        elif path.startswith("/accessLogSettings/"):
            settings = result["accessLogSettings"] = dict(result.get("accessLogSettings") or {})
            settings[path.rsplit("/", 1)[1]] = op["value"]
        else:
            parts = path.split("/", 3)  # "", resource, method, setting
            if len(parts) != 4 or parts[3] not in _SETTING_BY_SUFFIX:
                raise ValueError(f"unexpected Stage patch operation {op!r}")
            field, decode = _SETTING_BY_SUFFIX[parts[3]]
            method_settings = result["methodSettings"] = dict(result.get("methodSettings") or {})
            key = f"{parts[1]}/{parts[2]}"
            method_settings[key] = dict(method_settings.get(key) or {})
            method_settings[key][field] = decode(op["value"])
    return result


def account_patch_operations(current: dict, cloudwatch_role_arn: str | None) -> list[dict]:
    if cloudwatch_role_arn is None or (current.get("cloudwatchRoleArn") or "") == cloudwatch_role_arn:
        return []
    return [_replace("/cloudwatchRoleArn", cloudwatch_role_arn)]


# --------------------------------------------------------------------------------------------------------------
# Names, ARNs and URLs
# --------------------------------------------------------------------------------------------------------------


def rest_api_arn(partition: str, region: str, api_id: str) -> str:
    return f"arn:{partition}:apigateway:{region}::/restapis/{api_id}"


def stage_arn(partition: str, region: str, api_id: str, stage_name: str) -> str:
    return f"{rest_api_arn(partition, region, api_id)}/stages/{stage_name}"


def execution_arn(partition: str, region: str, account_id: str, api_id: str) -> str:
    """The ARN prefix Lambda permissions use as SourceArn (append ``/<stage>/<METHOD>/<path>`` or ``/*``)."""
    return f"arn:{partition}:execute-api:{region}:{account_id}:{api_id}"


def invoke_url(partition: str, region: str, api_id: str, stage_name: str) -> str:
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://{api_id}.execute-api.{region}.{suffix}/{stage_name}"


# --------------------------------------------------------------------------------------------------------------
# API calls
# --------------------------------------------------------------------------------------------------------------

# Paginators bypass the retrying client's per-call decorator, so the whole listing is retried instead.
_retry = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)


@ApiGatewayErrorHandler.common_error_handler("list REST APIs")
@_retry
def list_rest_apis(client) -> list[dict]:
    return client.get_paginator("get_rest_apis").paginate().build_full_result().get("items", [])


@ApiGatewayErrorHandler.list_error_handler("get REST API {api_id}")
def get_rest_api(client, api_id: str) -> dict | None:
    return without_metadata(client.get_rest_api(restApiId=api_id, aws_retry=True))


def find_rest_api(client, name: str, api_id: str | None = None) -> dict | None:
    """The REST API with ``api_id`` if given, else the one named ``name``; None when there is none."""
    if api_id:
        return get_rest_api(client, api_id)
    matches = [api for api in list_rest_apis(client) if api.get("name") == name]
    if len(matches) > 1:
        ids = ", ".join(sorted(api["id"] for api in matches))
        raise DuplicateRestApiName(
            message=f"{len(matches)} REST APIs are named {name!r} ({ids}); set api_id to say which one to manage"
        )
    return matches[0] if matches else None


@ApiGatewayErrorHandler.common_error_handler("create REST API {name}")
def create_rest_api(client, name: str, description: str | None, endpoint_type: str, tags: dict | None) -> dict:
    params: dict[str, Any] = {"name": name, "endpointConfiguration": {"types": [endpoint_type]}}
    if description is not None:
        params["description"] = description
    if tags:
        params["tags"] = tags
    return without_metadata(client.create_rest_api(aws_retry=True, **params))


@ApiGatewayErrorHandler.common_error_handler("put the definition of REST API {api_id}")
def put_rest_api(client, api_id: str, body: bytes, fail_on_warnings: bool) -> dict:
    return without_metadata(
        client.put_rest_api(
            restApiId=api_id, mode="overwrite", failOnWarnings=fail_on_warnings, body=body, aws_retry=True
        )
    )


@ApiGatewayErrorHandler.common_error_handler("update REST API {api_id}")
def update_rest_api(client, api_id: str, ops: list[dict]) -> dict:
    return without_metadata(client.update_rest_api(restApiId=api_id, patchOperations=ops, aws_retry=True))


@ApiGatewayErrorHandler.deletion_error_handler("delete REST API {api_id}")
def delete_rest_api(client, api_id: str) -> bool:
    client.delete_rest_api(restApiId=api_id, aws_retry=True)
    return True


@ApiGatewayErrorHandler.list_error_handler("get stage {stage_name} of REST API {api_id}")
def get_stage(client, api_id: str, stage_name: str) -> dict | None:
    return without_metadata(client.get_stage(restApiId=api_id, stageName=stage_name, aws_retry=True))


@ApiGatewayErrorHandler.list_error_handler("get deployment {deployment_id} of REST API {api_id}")
def get_deployment(client, api_id: str, deployment_id: str) -> dict | None:
    return without_metadata(client.get_deployment(restApiId=api_id, deploymentId=deployment_id, aws_retry=True))


@ApiGatewayErrorHandler.common_error_handler("create a deployment of REST API {api_id}")
def create_deployment(client, api_id: str, description: str) -> dict:
    return without_metadata(client.create_deployment(restApiId=api_id, description=description, aws_retry=True))


@ApiGatewayErrorHandler.common_error_handler("create stage {stage_name} of REST API {api_id}")
def create_stage(client, api_id: str, stage_name: str, deployment_id: str, wanted: dict) -> dict:
    params: dict[str, Any] = {"restApiId": api_id, "stageName": stage_name, "deploymentId": deployment_id}
    optional = {
        "description": "description",
        "variables": "variables",
        "tracing_enabled": "tracingEnabled",
        "tags": "tags",
    }
    params.update(given_options(wanted, optional, keep_falsy=["description", "tracing_enabled"]))
    return without_metadata(client.create_stage(aws_retry=True, **params))


@ApiGatewayErrorHandler.common_error_handler("update stage {stage_name} of REST API {api_id}")
def update_stage(client, api_id: str, stage_name: str, ops: list[dict]) -> dict:
    return without_metadata(
        client.update_stage(restApiId=api_id, stageName=stage_name, patchOperations=ops, aws_retry=True)
    )


@ApiGatewayErrorHandler.common_error_handler("update the tags of {arn}")
def update_tags(client, arn: str, set_tags: dict, unset_keys: list[str]) -> None:
    if unset_keys:
        client.untag_resource(resourceArn=arn, tagKeys=unset_keys, aws_retry=True)
    if set_tags:
        client.tag_resource(resourceArn=arn, tags=set_tags, aws_retry=True)


@ApiGatewayErrorHandler.common_error_handler("tag {what} {arn}")
def tag_resource(client, what: str, arn: str, tags: dict) -> None:
    """Tag the resource ``arn``; ``what`` names its kind in the error message."""
    client.tag_resource(resourceArn=arn, tags=tags, aws_retry=True)


@ApiGatewayErrorHandler.common_error_handler("untag {what} {arn}")
def untag_resource(client, what: str, arn: str, keys: list[str]) -> None:
    client.untag_resource(resourceArn=arn, tagKeys=sorted(keys), aws_retry=True)


@ApiGatewayErrorHandler.common_error_handler("get the caller identity")
def caller_identity(sts_client) -> tuple[str, str]:
    """(account id, partition) of the credentials in use."""
    identity = sts_client.get_caller_identity(aws_retry=True)
    return identity["Account"], identity["Arn"].split(":")[1]


def is_role_not_yet_accepted(error: BaseException) -> bool:
    """UpdateAccount's answer for a CloudWatch role API Gateway cannot assume (yet: IAM is eventually consistent)."""
    exception = getattr(error, "exception", None)
    response = getattr(exception, "response", None) or {}
    details = response.get("Error", {})
    return details.get("Code") == "BadRequestException" and "role ARN does not have required permissions" in (
        details.get("Message") or ""
    )


@ApiGatewayErrorHandler.common_error_handler("get the API Gateway account settings")
def get_account(client) -> dict:
    return without_metadata(client.get_account(aws_retry=True))


@ApiGatewayErrorHandler.common_error_handler("update the API Gateway account settings")
def update_account(client, ops: list[dict]) -> dict:
    return without_metadata(client.update_account(patchOperations=ops, aws_retry=True))


def without_metadata(response: dict) -> dict:
    """An API Gateway answer without its ResponseMetadata: the resource."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}

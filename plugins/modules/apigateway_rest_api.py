#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigateway_rest_api
short_description: Manage an API Gateway REST API from an OpenAPI definition, with its deployment and stage
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon API Gateway REST API (API Gateway v1) identified by O(name), defined by an
    OpenAPI 3 or Swagger 2 document, and keeps one stage of it serving that definition.
  - The definition is applied with PutRestApi in C(overwrite) mode, so the document is the whole API; resources,
    methods, integrations, request validators, models and gateway responses not in it are removed.
  - Change detection is exact. The module computes the SHA-256 of the canonical JSON of the definition (sorted keys,
    no insignificant whitespace, C(info.title) set to O(name)) and records it in the description of every deployment
    it creates. The definition is put and a new deployment made only when the deployment the stage serves does not
    carry that SHA-256 (or the stage does not exist yet); otherwise neither PutRestApi nor CreateDeployment is called.
  - The deployment is created without a stage and the stage then pointed at it (CreateStage for a new stage,
    UpdateStage C(/deploymentId) for an existing one), so the stage's own settings are never reset by a deployment.
  - Stage settings (description, X-Ray tracing, variables, access logging, method settings for every method) are
    reconciled with one UpdateStage call carrying only the PATCH operations for the settings that differ.
  - Changes made to the API outside this module (console, other tools) are not detected until the definition given
    to the module changes; see the collection's docs/modules/apigateway.md.
  - With O(invoke_permissions), it also grants API Gateway the right to invoke the Lambda functions (or aliases)
    the integrations call, from this API's stage only, in the same task (what AWS SAM does for an API's functions),
    so no M(amazon.aws.lambda_policy) task is needed after it.
  - The account and partition of the returned ARNs and of the permissions' source ARN are those of the functions
    O(invoke_permissions) names by their full ARN; only when none is (or their ARNs disagree) does the module ask
    STS GetCallerIdentity, one call per run.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - Name of the REST API. Without O(api_id) the API is found by this name, and the module fails when more than one
        REST API in the region carries it.
      - It is also written into C(info.title) of the definition, because PutRestApi renames the API after the title.
    type: str
    required: true
  api_id:
    description:
      - Id of an existing REST API to manage, for when several APIs share O(name). The API is renamed to O(name) if
        its name differs.
      - With O(state=present) the API must exist; the module does not create an API with a given id.
    type: str
  state:
    description: Whether the REST API should exist.
  definition:
    description:
      - 'The OpenAPI 3 (C(openapi: 3.0.1)) or Swagger 2 (C(swagger: "2.0")) document defining the API, as a dict or as
        JSON or YAML text (for example C("{{ lookup(''file'', ''api.yml'') }}")).'
      - Integrations come from each operation's C(x-amazon-apigateway-integration), request validators from
        C(x-amazon-apigateway-request-validators) and C(x-amazon-apigateway-request-validator).
      - Required with O(state=present).
    type: raw
  description:
    description:
      - Description of the REST API. Left alone when not given.
      - Reconciled after the definition is put, because PutRestApi may take the description from C(info.description).
    type: str
  endpoint_type:
    description: Endpoint type of the API. C(PRIVATE) APIs also need a resource policy (C(x-amazon-apigateway-policy)).
    type: str
    choices: [REGIONAL, EDGE, PRIVATE]
    default: REGIONAL
  fail_on_warnings:
    description: Whether PutRestApi rolls the update back when API Gateway finds warnings in the definition.
    type: bool
    default: true
  stage:
    description:
      - The stage that serves the definition. Options left out are left alone on an existing stage.
    type: dict
    default: {}
    suboptions:
      name:
        description: Stage name; it is the first path segment of the invoke URL.
        type: str
        default: v1
      description:
        description: Description of the stage.
        type: str
      tracing_enabled:
        description: Whether AWS X-Ray tracing is enabled for the stage.
        type: bool
      client_certificate_id:
        description:
          - Id of the client certificate the stage presents to its integrations' backends (see
            M(multiregion.serverless.apigateway_client_certificate)); V('') detaches it. Left alone when omitted.
          - Security Hub's control APIGateway.2 asks for one on every stage.
        type: str
      variables:
        description:
          - Stage variables. Replacive - variables of the stage that are not listed are removed. Values are strings.
        type: dict
      access_log_destination_arn:
        description:
          - ARN of the CloudWatch Logs log group (or C(amazon-apigateway-) Firehose stream) receiving access logs.
            A trailing C(:*), as in the ARNs DescribeLogGroups returns, is removed.
          - An empty string turns access logging off.
          - Requires O(stage.access_log_format).
        type: str
      access_log_format:
        description:
          - Access log line format using C($context) variables. A dict is written as compact JSON (one JSON object
            per request), a string is used as given.
        type: raw
      method_settings:
        description:
          - Settings for every method of the stage (the C(*/*) method-settings entry). Only the settings given are
            compared and set.
          - C(INFO) or C(ERROR) logging needs the account's CloudWatch Logs role, see
            M(multiregion.serverless.apigateway_account).
        type: dict
        suboptions:
          logging_level:
            description: CloudWatch execution logging level.
            type: str
            choices: ['OFF', ERROR, INFO]
          data_trace_enabled:
            description: Whether full requests and responses are logged. Keep it off in production.
            type: bool
          metrics_enabled:
            description: Whether detailed CloudWatch metrics are published per method.
            type: bool
          throttling_burst_limit:
            description: Throttling burst limit.
            type: int
          throttling_rate_limit:
            description: Throttling steady-state rate limit (requests per second).
            type: float
          caching_enabled:
            description:
              - Whether responses are cached. This module does not manage a stage cache cluster, so caching stays off
                unless set otherwise here.
            type: bool
            default: false
      tags:
        description: Tags of the stage. Left alone when not given.
        type: dict
      purge_tags:
        description: Whether stage tags not in O(stage.tags) are removed.
        type: bool
        default: true
  invoke_permissions:
    description:
      - Statements of the Lambda functions' resource policies that let principal C(apigateway.amazonaws.com) call
        C(lambda:InvokeFunction) with C(AWS:SourceArn) C(<execution_arn>/<stage>/*/*) (this API's stage, any method,
        any path).
      - Each statement is read with GetPolicy (once per function and qualifier); one that is present and equal is
        left alone, one that differs (another principal, action, source ARN or an extra condition) is removed and
        added again (RemovePermission, AddPermission), a missing one is added. Statements with other IDs are left
        alone, and so is a statement whose entry is removed from this list.
      - After a change the module waits, up to 120 seconds, until GetPolicy shows the statements (Lambda's policy is
        eventually consistent), so the next task and the next run see them.
      - Ignored with O(state=absent); deleting the function removes its policies.
      - Left out, no policy is read or changed.
      - A function named by its full ARN gives the API's account and partition, which spares the STS
        GetCallerIdentity call; so such a function must be in the account of the API (and of the credentials in
        use). To grant a function of another account, use a task of its own (M(amazon.aws.lambda_policy)).
    type: list
    elements: dict
    suboptions:
      function_name:
        description:
          - Name, ARN or partial ARN of the function, with or without a qualifier (V(items-api),
            V(items-api:live), V(arn:aws:lambda:eu-west-1:123456789012:function:items-api:live)). Lambda's
            GetPolicy, AddPermission and RemovePermission take each form; the full ARN also gives the account and
            partition, without an STS call.
        type: str
        required: true
      qualifier:
        description:
          - Version or alias whose policy holds the statement (the one the integration URIs name). It must agree
            with a qualifier in O(invoke_permissions[].function_name).
        type: str
      statement_id:
        description: Id (C(Sid)) of the statement.
        type: str
        required: true
notes:
  - The local AWS endpoint (moto) accepts only OpenAPI 3 documents in PutRestApi, cannot tag a REST API after it is
    created, and ignores request validators; see the collection's docs/modules/apigateway.md.
  - Deleting a REST API is rate-limited by AWS (about one call per 30 seconds per account); throttled calls are
    retried.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# API Gateway writes execution logs with the account's CloudWatch role: set it once per account and region.
- name: CloudWatch Logs role of API Gateway
  multiregion.serverless.apigateway_account:
    cloudwatch_role_arn: "{{ apigw_logs_role.iam_role.arn }}"

- name: KMS-encrypted log group for the access logs
  amazon.aws.cloudwatchlogs_log_group:
    log_group_name: /aws/apigateway/items-api/v1/access
    kms_key_id: "{{ logs_key.key_arn }}"
    retention: 30
  register: access_log_group

- name: Items API, Lambda proxy integrations, stage v1
  multiregion.serverless.apigateway_rest_api:
    name: items-api
    description: Items API (multi-region active/active)
    endpoint_type: REGIONAL
    definition:
      openapi: 3.0.1
      info:
        title: items-api
        version: "1.0"
      x-amazon-apigateway-request-validators:
        all:
          validateRequestBody: true
          validateRequestParameters: true
        params-only:
          validateRequestBody: false
          validateRequestParameters: true
      x-amazon-apigateway-request-validator: params-only
      paths:
        /healthcheck:
          get:
            responses:
              "200": {description: Healthy}
            x-amazon-apigateway-integration: &health
              type: aws_proxy
              httpMethod: POST
              uri: "{{ lambda_invocations }}/{{ health_alias_arn }}/invocations"
        /items/{id}:
          # Parameters per operation: the local endpoint cannot read path-level ones.
          get:
            parameters: &id
              - {name: id, in: path, required: true, schema: {type: string}}
            responses:
              "200": {description: The item}
            x-amazon-apigateway-integration: &items
              type: aws_proxy
              httpMethod: POST
              uri: "{{ lambda_invocations }}/{{ items_alias_arn }}/invocations"
          put:
            parameters: *id
            x-amazon-apigateway-request-validator: all
            requestBody:
              required: true
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Item"}
            responses:
              "200": {description: Stored}
            x-amazon-apigateway-integration: *items
          delete:
            parameters: *id
            responses:
              "204": {description: Deleted}
            x-amazon-apigateway-integration: *items
      components:
        schemas:
          Item:
            type: object
            required: [value]
            properties:
              value: {type: string}
    stage:
      name: v1
      tracing_enabled: true
      access_log_destination_arn: "{{ access_log_group.arn }}"
      access_log_format:
        requestId: $context.requestId
        ip: $context.identity.sourceIp
        requestTime: $context.requestTime
        httpMethod: $context.httpMethod
        resourcePath: $context.resourcePath
        status: $context.status
        responseLength: $context.responseLength
        integrationLatency: $context.integrationLatency
      method_settings:
        logging_level: INFO
        data_trace_enabled: false
        metrics_enabled: true
        throttling_burst_limit: 200
        throttling_rate_limit: 100
    tags:
      project: multiregion-serverless
  vars:
    # An aws_proxy integration calls Lambda's Invoke API for the alias (a Lambda alias ARN, version pinned).
    lambda_invocations: "arn:aws:apigateway:{{ aws_region }}:lambda:path/2015-03-31/functions"
  register: items_api

# Lambda needs a resource policy letting this API invoke the aliases: given here, the same task grants it.
- name: Items API, and the permission of its stage to invoke the aliases
  multiregion.serverless.apigateway_rest_api:
    name: items-api
    definition: "{{ lookup('ansible.builtin.template', 'openapi.yml.j2') }}"
    stage:
      name: v1
    invoke_permissions:
      - function_name: items
        qualifier: live
        statement_id: apigateway-items-api-v1
      - function_name: arn:aws:lambda:eu-west-1:123456789012:function:health:live
        statement_id: apigateway-items-api-v1

- name: The definition can also come from a file (JSON or YAML)
  multiregion.serverless.apigateway_rest_api:
    name: items-api
    definition: "{{ lookup('ansible.builtin.template', 'openapi.yml.j2') }}"

- name: Delete the API, its stages and deployments
  multiregion.serverless.apigateway_rest_api:
    name: items-api
    state: absent
"""

RETURN = r"""
rest_api:
  description: The REST API. Empty when it was deleted or is absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the REST API (none in check mode for an API still to be created).
      type: str
      sample: a1b2c3d4e5
    name:
      description: Name.
      type: str
      sample: items-api
    description:
      description: Description.
      type: str
    endpoint_configuration:
      description: Endpoint configuration.
      type: dict
      sample: {"types": ["REGIONAL"]}
    root_resource_id:
      description: Id of the C(/) resource.
      type: str
    tags:
      description: Tags of the REST API.
      type: dict
    definition_sha256:
      description: SHA-256 of the canonical JSON of the definition the stage now serves.
      type: str
      sample: 3f2a...e9
    arn:
      description: ARN of the REST API (for tagging and WAF).
      type: str
      sample: arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5
stage:
  description: The stage.
  returned: when state=present
  type: dict
  contains:
    name:
      description: Stage name.
      type: str
      sample: v1
    arn:
      description: ARN of the stage, the resource a regional WAF web ACL is associated with.
      type: str
      sample: arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1
    deployment_id:
      description: Id of the deployment the stage serves (none in check mode when a new one would be made).
      type: str
    tracing_enabled:
      description: Whether X-Ray tracing is on.
      type: bool
    variables:
      description: Stage variables.
      type: dict
    method_settings:
      description: Method settings by C(resource/method) key (C(*/*) for every method), keys in snake_case.
      type: dict
      sample: {"*/*": {"logging_level": "INFO", "metrics_enabled": true, "throttling_rate_limit": 100.0}}
    access_log_settings:
      description: Access log destination and format.
      type: dict
      sample: {"destination_arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/x", "format": "{}"}
    tags:
      description: Tags of the stage.
      type: dict
deployment_id:
  description: Id of the deployment the stage serves; it changes exactly when the definition does.
  returned: when state=present
  type: str
  sample: x1y2z3
invoke_url:
  description: The stage's invoke URL, computed as C(https://{id}.execute-api.{region}.amazonaws.com/{stage}).
  returned: when state=present and the API exists
  type: str
  sample: https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1
execution_arn:
  description: The API's execute-api ARN, for Lambda permissions' C(source_arn) (append C(/<stage>/<METHOD>/<path>)).
  returned: when state=present and the API exists
  type: str
  sample: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5
invoke_permissions:
  description: The statements of O(invoke_permissions), as they are after the task (in check mode, would be).
  returned: when state=present and O(invoke_permissions) is given
  type: list
  elements: dict
  contains:
    function_name:
      description: The function, without its qualifier.
      type: str
      sample: items-api
    qualifier:
      description: Version or alias whose policy holds the statement; V(null) for the unqualified function.
      type: str
      sample: live
    statement_id:
      description: Id of the statement.
      type: str
    source_arn:
      description: The C(AWS:SourceArn) it allows; V(null) in check mode for an API still to be created.
      type: str
      sample: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/*/*
    action:
      description: What the task did to the statement (in check mode, would do).
      type: str
      choices: [added, replaced, none]
"""

import json
import re
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import DefinitionError
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import apply_rest_api_patch_operations
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import apply_stage_patch_operations
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import caller_identity
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import create_deployment
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import create_rest_api
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import create_stage
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import delete_rest_api
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import deployed_sha256
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import deployment_description
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import execution_arn
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import find_rest_api
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import get_deployment
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import get_stage
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import invoke_url
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import prepare_definition
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import put_rest_api
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import rest_api_arn
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import rest_api_patch_operations
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import stage_arn
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import stage_patch_operations
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import update_rest_api
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import update_stage
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import update_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import THROTTLING_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import plain
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

METHOD_SETTINGS_SPEC = dict(
    logging_level=dict(type="str", choices=["OFF", "ERROR", "INFO"]),
    data_trace_enabled=dict(type="bool"),
    metrics_enabled=dict(type="bool"),
    throttling_burst_limit=dict(type="int"),
    throttling_rate_limit=dict(type="float"),
    caching_enabled=dict(type="bool", default=False),
)

STAGE_SPEC = dict(
    name=dict(type="str", default="v1"),
    description=dict(type="str"),
    tracing_enabled=dict(type="bool"),
    client_certificate_id=dict(type="str"),
    variables=dict(type="dict"),
    access_log_destination_arn=dict(type="str"),
    access_log_format=dict(type="raw"),
    method_settings=dict(type="dict", options=METHOD_SETTINGS_SPEC),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
)

INVOKE_PERMISSION_SPEC = dict(
    function_name=dict(type="str", required=True),
    qualifier=dict(type="str"),
    statement_id=dict(type="str", required=True),
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    api_id=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    definition=dict(type="raw"),
    description=dict(type="str"),
    endpoint_type=dict(type="str", choices=["REGIONAL", "EDGE", "PRIVATE"], default="REGIONAL"),
    fail_on_warnings=dict(type="bool", default=True),
    stage=dict(type="dict", default={}, options=STAGE_SPEC),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    invoke_permissions=dict(type="list", elements="dict", options=INVOKE_PERMISSION_SPEC),
)

LambdaErrorHandler = error_handler(["ResourceNotFoundException"])
PRINCIPAL = "apigateway.amazonaws.com"
ACTION = "lambda:InvokeFunction"
# How long to wait for GetPolicy to show the statements just added (Lambda's policy is eventually consistent).
PERMISSION_PROPAGATION_TIMEOUT = 120
PERMISSION_POLL_DELAY = 2
# A function name, partial ARN or ARN, with an optional qualifier (as Lambda's FunctionName pattern).
_FUNCTION = re.compile(
    r"^(?P<function>(?:arn:[\w-]+:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]+)"
    r"(?::(?P<qualifier>\$LATEST|[A-Za-z0-9_-]+))?$"
)
# AddPermission answers ResourceConflictException while the policy is being changed (or while a statement just
# removed is still seen), and ResourceNotFoundException for an alias created moments before: both are retried, as
# terraform-provider-aws's aws_lambda_permission does, but for a shorter while (a missing function stays missing).
_permission_retry = AWSRetry.jittered_backoff(
    retries=6,
    delay=1,
    max_delay=10,
    catch_extra_error_codes=THROTTLING_CODES + ["ResourceConflictException", "ResourceNotFoundException"],
)
# RemovePermission's ResourceNotFoundException is a statement already gone: not retried, taken as done.
_removal_retry = AWSRetry.jittered_backoff(
    retries=6, delay=1, max_delay=10, catch_extra_error_codes=THROTTLING_CODES + ["ResourceConflictException"]
)


# ------------------------------------------------------------------------------------------------------------------
# What is wanted
# ------------------------------------------------------------------------------------------------------------------


def wanted_stage(stage: dict) -> dict:
    """The stage option with values in the form API Gateway reports them."""
    wanted = dict(stage)
    if wanted.get("variables") is not None:
        wanted["variables"] = {str(k): str(v) for k, v in wanted["variables"].items()}
    if wanted.get("tags") is not None:
        wanted["tags"] = {str(k): str(v) for k, v in wanted["tags"].items()}
    destination = wanted.get("access_log_destination_arn")
    if destination and destination.endswith(":*"):
        wanted["access_log_destination_arn"] = destination[:-2]
    log_format = wanted.get("access_log_format")
    if isinstance(log_format, dict):
        wanted["access_log_format"] = json.dumps(log_format, separators=(",", ":"))
    elif log_format is not None:
        wanted["access_log_format"] = str(log_format)
    return wanted


def stage_option_errors(stage: dict) -> str | None:
    destination, log_format = stage.get("access_log_destination_arn"), stage.get("access_log_format")
    if destination and not log_format:
        return "stage.access_log_format is required with stage.access_log_destination_arn"
    if log_format and not destination:
        return "stage.access_log_destination_arn is required with stage.access_log_format"
    return None


# ------------------------------------------------------------------------------------------------------------------
# What would change
# ------------------------------------------------------------------------------------------------------------------


def new_rest_api(params: dict) -> dict:
    """The REST API as CreateRestApi makes it."""
    return {
        "name": params["name"],
        "description": params["description"] or "",
        "endpointConfiguration": {"types": [params["endpoint_type"]]},
        "tags": dict(params["tags"] or {}),
    }


def new_stage(stage: dict) -> dict:
    """The stage as CreateStage makes it (method settings and access logs need UpdateStage)."""
    return {
        "stageName": stage["name"],
        "description": stage.get("description") or "",
        "tracingEnabled": bool(stage.get("tracing_enabled")),
        "variables": dict(stage.get("variables") or {}),
        "methodSettings": {},
        "tags": dict(stage.get("tags") or {}),
    }


def plan_changes(api: dict | None, stage: dict | None, live_sha256: str | None, params: dict, wanted: dict):
    """Every change the module would make, and the API and stage it would leave. Pure: no AWS call."""
    plan: dict[str, Any] = {"create_api": api is None, "create_stage": stage is None}
    plan["deploy"] = live_sha256 != wanted["sha256"]

    if api is None:
        plan["api_ops"], plan["api_tags"] = [], ({}, [])
        predicted_api = new_rest_api(params)
    else:
        plan["api_ops"] = rest_api_patch_operations(api, params["name"], params["description"], params["endpoint_type"])
        plan["api_tags"] = tag_changes(api.get("tags"), params["tags"], params["purge_tags"])
        predicted_api = apply_rest_api_patch_operations(api, plan["api_ops"])
        predicted_api["tags"] = updated_tags(api.get("tags"), *plan["api_tags"])

    wanted_st = wanted["stage"]
    base_stage = new_stage(wanted_st) if stage is None else stage
    plan["stage_ops"] = stage_patch_operations(base_stage, wanted_st)
    plan["stage_tags"] = (
        ({}, []) if stage is None else tag_changes(stage.get("tags"), wanted_st["tags"], wanted_st["purge_tags"])
    )
    predicted_stage = apply_stage_patch_operations(base_stage, plan["stage_ops"])
    predicted_stage["tags"] = updated_tags(predicted_stage.get("tags"), *plan["stage_tags"])
    if plan["deploy"]:
        predicted_stage["deploymentId"] = None

    plan["changed"] = bool(
        plan["create_api"]
        or plan["deploy"]
        or plan["api_ops"]
        or any(plan["api_tags"])
        or plan["stage_ops"]
        or any(plan["stage_tags"])
    )
    plan["api"], plan["stage"] = predicted_api, predicted_stage
    return plan


def wanted_permissions(permissions: list[dict]) -> list[dict]:
    """O(invoke_permissions) as (function, qualifier, statement_id); every input error listed, naming the option."""
    wanted, errors, seen = [], [], set()
    for index, entry in enumerate(permissions):
        where = f"invoke_permissions[{index}]"
        match = _FUNCTION.match(entry["function_name"])
        if not match:
            errors.append(f"{where}.function_name {entry['function_name']!r} is not a Lambda function name or ARN")
            continue
        in_name, given = match.group("qualifier"), entry.get("qualifier")
        if in_name and given and in_name != given:
            errors.append(f"{where}.qualifier {given!r} differs from the qualifier {in_name!r} in its function_name")
            continue
        permission = {
            "function_name": match.group("function"),
            "qualifier": given or in_name,
            "statement_id": entry["statement_id"],
        }
        key = (permission["function_name"], permission["qualifier"], permission["statement_id"])
        if key in seen:
            errors.append(f"{where} repeats statement {permission['statement_id']} of the same function")
        seen.add(key)
        wanted.append(permission)
    if errors:
        raise ModuleFailure("; ".join(errors))
    return wanted


def identity_of_functions(wanted: list[dict]) -> tuple[str, str] | None:
    """(account id, partition) of the functions of ``wanted`` named by their full ARN, when they agree; None when none
    is, or when their ARNs name several accounts or partitions (then the module asks STS)."""
    found = {
        (parts[4], parts[1])
        for parts in (p["function_name"].split(":") for p in wanted)
        if parts[0] == "arn" and len(parts) == 7
    }
    return found.pop() if len(found) == 1 else None


def policy_statement(policy: dict | None, statement_id: str) -> dict | None:
    """The statement ``statement_id`` of a function policy (GetPolicy's ``Policy``, parsed), or None."""
    for statement in (policy or {}).get("Statement") or []:
        if statement.get("Sid") == statement_id:
            return statement
    return None


def statement_view(statement: dict | None) -> dict | None:
    """What a statement grants, in the terms amazon.aws.lambda_policy compares: action, principal, conditions."""
    if statement is None:
        return None
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS")
    action = statement.get("Action")
    if isinstance(action, list) and len(action) == 1:
        action = action[0]
    condition = {test: dict(values) for test, values in (statement.get("Condition") or {}).items()}
    source_arn = condition.get("ArnLike", {}).pop("AWS:SourceArn", None)
    return {
        "effect": statement.get("Effect", "Allow"),
        "action": action,
        "principal": principal,
        "source_arn": source_arn,
        "other_conditions": {test: values for test, values in condition.items() if values},
    }


def wanted_view(source_arn: str | None) -> dict:
    return {
        "effect": "Allow",
        "action": ACTION,
        "principal": PRINCIPAL,
        "source_arn": source_arn,
        "other_conditions": {},
    }


def permission_action(statement: dict | None, source_arn: str | None) -> str:
    """added, replaced or none: what reconciling ``statement`` (None: missing) with the wanted grant takes.

    A source ARN still unknown (check mode, an API still to be created) never matches.
    """
    if statement is None:
        return "added"
    if source_arn is None or statement_view(statement) != wanted_view(source_arn):
        return "replaced"
    return "none"


def stage_source_arn(execution_arn_value: str | None, stage_name: str) -> str | None:
    """This API's stage, every method and every path: what the statements allow."""
    return f"{execution_arn_value}/{stage_name}/*/*" if execution_arn_value else None


def summary(api: dict | None, stage: dict | None, sha256: str | None) -> dict:
    """What the diff shows: the managed properties only."""
    if api is None:
        return {}
    result: dict[str, Any] = {
        "name": api.get("name"),
        "description": api.get("description") or "",
        "endpoint_type": ((api.get("endpointConfiguration") or {}).get("types") or [None])[0],
        "tags": api.get("tags") or {},
        "definition_sha256": sha256,
        "stage": None,
    }
    if stage is not None:
        access_log = stage.get("accessLogSettings") or {}
        result["stage"] = {
            "name": stage.get("stageName"),
            "description": stage.get("description") or "",
            "tracing_enabled": bool(stage.get("tracingEnabled")),
            "client_certificate_id": stage.get("clientCertificateId"),
            "variables": stage.get("variables") or {},
            "access_log_settings": {
                "destination_arn": access_log.get("destinationArn"),
                "format": access_log.get("format"),
            }
            if access_log
            else None,
            "method_settings": snake_result(stage.get("methodSettings") or {}),
            "tags": stage.get("tags") or {},
        }
    return result


# ------------------------------------------------------------------------------------------------------------------
# Apply
# ------------------------------------------------------------------------------------------------------------------


def apply_changes(client, module, api: dict | None, stage: dict | None, plan: dict, wanted: dict, partition: str):
    params, region = module.params, module.region
    wanted_st = wanted["stage"]

    if api is None:
        api = create_rest_api(client, params["name"], params["description"], params["endpoint_type"], params["tags"])
    api_id = api["id"]

    deployment_id = (stage or {}).get("deploymentId")
    if plan["deploy"]:
        api = dict(api, **put_rest_api(client, api_id, wanted["body"], params["fail_on_warnings"]))
        deployment_id = create_deployment(client, api_id, deployment_description(wanted["sha256"]))["id"]

    # Against the API as PutRestApi left it: the put may have taken the description from the definition.
    api_ops = rest_api_patch_operations(api, params["name"], params["description"], params["endpoint_type"])
    if api_ops:
        api = dict(api, **update_rest_api(client, api_id, api_ops))
    if not plan["create_api"] and any(plan["api_tags"]):
        update_tags(client, rest_api_arn(partition, region, api_id), *plan["api_tags"])
        api["tags"] = updated_tags(api.get("tags"), *plan["api_tags"])

    if stage is None:
        stage = create_stage(client, api_id, wanted_st["name"], deployment_id, wanted_st)
        stage_ops = stage_patch_operations(stage, wanted_st)
    else:
        stage_ops = list(plan["stage_ops"])
        if plan["deploy"]:
            stage_ops.insert(0, {"op": "replace", "path": "/deploymentId", "value": deployment_id})
        if any(plan["stage_tags"]):
            update_tags(client, stage_arn(partition, region, api_id, wanted_st["name"]), *plan["stage_tags"])
            stage = dict(stage, tags=updated_tags(stage.get("tags"), *plan["stage_tags"]))
    if stage_ops:
        tags = stage.get("tags")
        stage = update_stage(client, api_id, wanted_st["name"], stage_ops)
        stage.setdefault("tags", tags)
    return api, stage


# ------------------------------------------------------------------------------------------------------------------
# Lambda permissions
# ------------------------------------------------------------------------------------------------------------------


def _qualified(request: dict, qualifier: str | None) -> dict:
    return dict(request, Qualifier=qualifier) if qualifier else request


@LambdaErrorHandler.list_error_handler("get the policy of function {function_name}")
def get_policy(client, function_name: str, qualifier: str | None) -> dict | None:
    """The function's (or qualifier's) policy, parsed; None when it has none (ResourceNotFoundException)."""
    response = client.get_policy(aws_retry=True, **_qualified({"FunctionName": function_name}, qualifier))
    return json.loads(response.get("Policy") or "{}")


@LambdaErrorHandler.common_error_handler("let API Gateway invoke function {function_name}")
def add_permission(client, function_name: str, qualifier: str | None, statement_id: str, source_arn: str) -> None:
    request = {
        "FunctionName": function_name,
        "StatementId": statement_id,
        "Action": ACTION,
        "Principal": PRINCIPAL,
        "SourceArn": source_arn,
    }
    _permission_retry(client.add_permission)(**_qualified(request, qualifier))


@LambdaErrorHandler.deletion_error_handler(
    "remove statement {statement_id} from the policy of function {function_name}"
)
def remove_permission(client, function_name: str, qualifier: str | None, statement_id: str) -> bool:
    request = {"FunctionName": function_name, "StatementId": statement_id}
    _removal_retry(client.remove_permission)(**_qualified(request, qualifier))
    return True


def wait_statements_visible(client, function_name: str, qualifier: str | None, statements: list[str], source_arn):
    """Wait until GetPolicy shows ``statements`` as granted, as terraform-provider-aws reads a new permission back."""
    try:
        wait_for(
            lambda: get_policy(client, function_name, qualifier),
            lambda policy: all(
                permission_action(policy_statement(policy, sid), source_arn) == "none" for sid in statements
            ),
            f"the policy of function {function_name} to show statements {', '.join(statements)}",
            timeout=PERMISSION_PROPAGATION_TIMEOUT,
            delay=PERMISSION_POLL_DELAY,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise MultiregionAWSError(message=f"Failed to let API Gateway invoke function {function_name}: {e}") from e


def reconcile_permissions(module, wanted: list[dict], source_arn: str | None) -> tuple[bool, list[dict], list, list]:
    """(changed, results, diff before, diff after) of O(invoke_permissions): one GetPolicy per function and
    qualifier, then RemovePermission/AddPermission for the statements that differ, in check mode nothing."""
    client = module.retrying_client("lambda")
    policies: dict[tuple, dict | None] = {}
    results, before, after = [], [], []
    for permission in wanted:
        key = (permission["function_name"], permission["qualifier"])
        if key not in policies:
            policies[key] = get_policy(client, *key)
        statement = policy_statement(policies[key], permission["statement_id"])
        action = permission_action(statement, source_arn)
        results.append(dict(permission, source_arn=source_arn, action=action))
        before.append(dict(permission, grant=statement_view(statement)))
        after.append(dict(permission, grant=wanted_view(source_arn)))
    changed = any(result["action"] != "none" for result in results)
    if module.check_mode or not changed:
        return changed, results, before, after

    added: dict[tuple, list[str]] = {}
    for result in results:
        if result["action"] == "none":
            continue
        key = (result["function_name"], result["qualifier"])
        if result["action"] == "replaced":
            remove_permission(client, *key, result["statement_id"])
        add_permission(client, *key, result["statement_id"], source_arn)
        added.setdefault(key, []).append(result["statement_id"])
    for key, statements in added.items():
        wait_statements_visible(client, *key, statements, source_arn)
    return changed, results, before, after


def with_permissions(module, result: dict, api_id: str | None, account_id: str, partition: str) -> dict:
    """``result`` with O(invoke_permissions) reconciled: its ``invoke_permissions``, diff and ``changed``."""
    if module.params["invoke_permissions"] is None:
        return result
    wanted = wanted_permissions(module.params["invoke_permissions"])
    source_arn = stage_source_arn(
        execution_arn(partition, module.region, account_id, api_id) if api_id else None,
        wanted_stage(module.params["stage"])["name"],
    )
    changed, permissions, before, after = reconcile_permissions(module, wanted, source_arn)
    result["changed"] = result["changed"] or changed
    result["invoke_permissions"] = permissions
    if result["diff"]["before"]:
        result["diff"]["before"]["invoke_permissions"] = before
    result["diff"]["after"]["invoke_permissions"] = after
    return result


# ------------------------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------------------------


def results(api: dict, stage: dict, sha256: str, region: str, account_id: str, partition: str) -> dict:
    api_id = api.get("id")
    rest = snake_result(api)
    rest["id"] = api_id
    rest["tags"] = api.get("tags") or {}
    rest["definition_sha256"] = sha256
    rest["arn"] = rest_api_arn(partition, region, api_id) if api_id else None
    st = snake_result(stage, ignore=("tags", "variables"))
    st["name"] = stage.get("stageName")
    st["tags"] = stage.get("tags") or {}
    st["arn"] = stage_arn(partition, region, api_id, st["name"]) if api_id else None
    out = {"rest_api": rest, "stage": st, "deployment_id": stage.get("deploymentId")}
    if api_id:
        out["invoke_url"] = invoke_url(partition, region, api_id, st["name"])
        out["execution_arn"] = execution_arn(partition, region, account_id, api_id)
    return plain(out)


# ------------------------------------------------------------------------------------------------------------------
# The story
# ------------------------------------------------------------------------------------------------------------------


def ensure_absent(module, client) -> dict:
    api = find_rest_api(client, module.params["name"], module.params["api_id"])
    if api is None:
        return dict(changed=False, rest_api={}, diff={"before": {}, "after": {}})
    if not module.check_mode:
        delete_rest_api(client, api["id"])
    return dict(changed=True, rest_api={}, diff={"before": summary(api, None, None), "after": {}})


def ensure_present(module, client) -> dict:
    params = module.params
    api = find_rest_api(client, params["name"], params["api_id"])
    if api is None and params["api_id"]:
        raise ModuleFailure(f"REST API {params['api_id']} not found; leave out api_id to create {params['name']!r}")
    error = stage_option_errors(params["stage"])
    if error:
        raise ModuleFailure(error)
    # Bad input fails before any call.
    permissions = wanted_permissions(params["invoke_permissions"]) if params["invoke_permissions"] is not None else []
    try:
        _doc, body, sha256 = prepare_definition(params["definition"], params["name"])
    except DefinitionError as e:
        raise ModuleFailure(str(e)) from e
    wanted = {"body": body, "sha256": sha256, "stage": wanted_stage(params["stage"])}

    # A function's ARN says the account and partition: no STS call then, on a run that changes nothing either.
    account_id, partition = identity_of_functions(permissions) or caller_identity(module.retrying_client("sts"))
    stage = get_stage(client, api["id"], wanted["stage"]["name"]) if api else None
    deployment = (
        get_deployment(client, api["id"], stage["deploymentId"]) if stage and stage.get("deploymentId") else None
    )
    live_sha256 = deployed_sha256((deployment or {}).get("description"))

    plan = plan_changes(api, stage, live_sha256, params, wanted)
    before = summary(api, stage, live_sha256)

    if module.check_mode:
        result = dict(
            changed=plan["changed"],
            diff={"before": before, "after": summary(plan["api"], plan["stage"], sha256)},
            **results(plan["api"], plan["stage"], sha256, module.region, account_id, partition),
        )
        return with_permissions(module, result, plan["api"].get("id"), account_id, partition)

    if plan["changed"]:
        api, stage = apply_changes(client, module, api, stage, plan, wanted, partition)
    result = dict(
        changed=plan["changed"],
        diff={"before": before, "after": summary(api, stage, sha256)},
        **results(api, stage, sha256, module.region, account_id, partition),
    )
    return with_permissions(module, result, api.get("id"), account_id, partition)


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[("state", "present", ["definition"])],
        supports_check_mode=True,
    )
    client = module.retrying_client("apigateway")
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lambda_function
short_description: Manage a zip-packaged Lambda function and publish a version when its code or configuration changes
version_added: 0.1.0
description:
  - Creates, updates or deletes an AWS Lambda function deployed from a local zip file, with its configuration
    (runtime, handler, architecture, role, memory, timeout, environment, KMS key, X-Ray tracing, VPC), its
    reserved concurrency and its tags.
  - The code is compared by SHA-256 with the function's C(CodeSha256) and uploaded only when it differs. Every
    configuration setting is compared with the function's, and only the settings that differ are sent, in one
    UpdateFunctionConfiguration call.
  - With O(publish=true) a version is published whenever the function's unpublished code and configuration
    (C($LATEST)) differ from its newest published version, so a version always holds what the task asked for,
    whether the code, the configuration or both changed. Nothing is published when nothing changed, and
    RV(version) is then the newest version.
  - Waits, up to O(wait_timeout) seconds, until the function is ready before and after each change (a function in a
    VPC stays C(Pending) while Lambda creates its network interfaces), and retries while Lambda cannot assume a role
    that IAM is still propagating - at most O(iam_propagation_timeout) seconds, after which AWS's own error is shown
    (a role that still lacks a permission after that is a wrong policy, not a slow one).
  - Unlike M(amazon.aws.lambda), it compares O(kms_key_arn) instead of sending it on every run (which makes that
    module report a change every time), publishes a version for configuration changes too, and manages reserved
    concurrency.
  - With O(alias), it also keeps an alias on the version this run published, or on the newest published version
    when nothing was published, in the same task (GetAlias, then CreateAlias or UpdateAlias only when the alias
    differs), so no M(amazon.aws.lambda_alias) task is needed after it.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: Name of the function.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the function; V(absent) deletes it with all its versions and aliases.
  zip_file:
    description:
      - Path of the deployment package (a zip file) on the host the module runs on. Required to create a function;
        left out, the code of an existing function is left alone.
    type: path
  code_sha256:
    description:
      - The package's SHA-256, base64-encoded, as M(multiregion.serverless.lambda_package) returns it and Lambda
        reports it. Requires O(zip_file).
      - With it the file is read only when the code has to be uploaded, so check mode works before the file exists
        (M(multiregion.serverless.lambda_package) writes nothing in check mode). A file that does not match it is an
        error.
    type: str
  runtime:
    description: The runtime identifier, for example V(python3.13). Required to create a function.
    type: str
  handler:
    description: The handler, for example V(app.handler.lambda_handler). Required to create a function.
    type: str
  architecture:
    description:
      - The instruction set architecture. Changing it uploads the code again, since it is part of the code update.
    type: str
    choices: [x86_64, arm64]
  role:
    description: ARN of the execution role. Required to create a function.
    type: str
  description:
    description: Description of the function.
    type: str
  timeout:
    description: Timeout of an invocation, in seconds.
    type: int
  memory_size:
    description: Memory of the function, in MB.
    type: int
  environment_variables:
    description:
      - The function's environment variables. Replacive - variables not listed are removed; V({}) removes them all.
      - Values are converted to strings.
    type: dict
  kms_key_arn:
    description:
      - ARN of the customer managed KMS key that encrypts the environment variables (and SnapStart snapshots).
      - V('') goes back to the AWS managed key.
    type: str
  tracing_mode:
    description: AWS X-Ray tracing mode.
    type: str
    choices: [Active, PassThrough]
  vpc_subnet_ids:
    description:
      - Subnets the function's network interfaces are created in. Requires O(vpc_security_group_ids).
      - V([]) (with O(vpc_security_group_ids=[])) detaches the function from its VPC.
    type: list
    elements: str
  vpc_security_group_ids:
    description: Security groups of the function's network interfaces. Requires O(vpc_subnet_ids).
    type: list
    elements: str
  reserved_concurrency:
    description:
      - Concurrent executions reserved for the function, taken from the account's unreserved pool (which AWS
        keeps at 100 or more).
      - V(-1) removes the reservation. Left out, the reservation is left alone.
    type: int
  reserved_concurrency_best_effort:
    description:
      - When AWS refuses the reservation because it would leave the account's unreserved pool under its minimum
        (an account whose concurrency limit is still 10 cannot reserve anything), warn, leave the function without
        a reservation and go on, instead of failing. The refusal is reported in RV(reserved_concurrency_refused).
    type: bool
    default: false
  publish:
    description:
      - Publish a version when the code or configuration of C($LATEST) differs from the newest published version.
    type: bool
    default: true
  alias:
    description:
      - An alias to keep on the version this run published, or on the newest published version when nothing was
        published. Left out, no alias is read or changed.
      - The function must have a published version (or publish one), since the alias never points at C($LATEST).
      - UpdateAlias is sent with the RevisionId GetAlias read, so an alias changed by someone else in between is not
        overwritten (Lambda answers C(PreconditionFailedException) and the task fails); rerun to apply.
      - A routing configuration (C(AdditionalVersionWeights), the weights a canary deployment leaves on an alias) is
        removed, so that the alias sends every request to its version, as the task asks. An alias whose weights
        another tool (CodeDeploy) manages should not be given here.
      - Moving the alias changes the version only for invocations that start after the update; invocations already
        running finish on the version they started on.
    type: dict
    suboptions:
      name:
        description: Name of the alias, for example V(live).
        type: str
        required: true
      description:
        description: Description of the alias. Left alone when omitted (a new alias gets none).
        type: str
  wait_timeout:
    description:
      - How long to wait, in seconds, for the function to become ready before and after each change.
    type: int
    default: 600
  iam_propagation_timeout:
    description:
      - How long to retry, in seconds, while Lambda rejects the role as IAM propagates it ("cannot be assumed by
        Lambda", "does not have permissions to call CreateNetworkInterface"). Capped by O(wait_timeout).
      - IAM changes reach Lambda within seconds to a minute or so; past this the error is AWS's own, shown as it is.
    type: int
    default: 120
notes:
  - In check mode a version that would be published has no number yet, so RV(version) is V(null) then and
    RV(published) is V(true); an alias that would move to it has V(null) as its RV(alias.function_version) and the
    task reports a change.
  - Tags are set on the function; versions and aliases have none of their own.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Package the function
  multiregion.serverless.lambda_package:
    src: files/lambda
    dest: .build/items-api.zip
  delegate_to: localhost
  register: package

- name: Function in the VPC, versioned
  multiregion.serverless.lambda_function:
    name: items-api
    zip_file: "{{ package.path }}"
    # The file is then read only when the code changed, and check mode works before it is written.
    code_sha256: "{{ package.code_sha256 }}"
    runtime: python3.13
    handler: app.handler.lambda_handler
    architecture: arm64
    role: arn:aws:iam::123456789012:role/items-api-eu-west-1
    memory_size: 256
    timeout: 10
    environment_variables:
      TABLE_NAME: items
    kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b
    tracing_mode: Active
    vpc_subnet_ids: [subnet-0a1b2c3d, subnet-4e5f6a7b]
    vpc_security_group_ids: [sg-0123456789abcdef0]
    tags:
      Application: items-api
    # The alias the API invokes follows the newest version, in the same task.
    alias:
      name: live
      description: The version the API invokes
  register: function

- name: Reserve concurrency
  multiregion.serverless.lambda_function:
    name: items-api
    reserved_concurrency: 50

- name: Delete the function, its versions and aliases
  multiregion.serverless.lambda_function:
    name: items-api
    state: absent
"""

RETURN = r"""
function:
  description:
    - The function's configuration (of C($LATEST)) as GetFunction reports it, keys in snake_case, with its tags
      and reserved concurrency. Empty when O(state=absent).
    - In check mode, a function that would be created has no ARN.
  returned: always
  type: dict
  contains:
    function_name:
      description: Name of the function.
      type: str
      sample: items-api
    function_arn:
      description: Unqualified ARN of the function.
      type: str
      sample: arn:aws:lambda:eu-west-1:123456789012:function:items-api
    code_sha256:
      description: Base64 SHA-256 of the deployment package.
      type: str
      sample: OwsbX4seXYyPX29vCzofPG8LGiw9Tl9gcYKTpLXG1+g=
    runtime:
      description: Runtime.
      type: str
      sample: python3.13
    architectures:
      description: Instruction set architecture.
      type: list
      elements: str
      sample: [arm64]
    environment:
      description: Environment variables, under C(variables).
      type: dict
    kms_key_arn:
      description: Key of the environment variables' encryption.
      type: str
    tracing_config:
      description: X-Ray tracing mode, under C(mode).
      type: dict
    vpc_config:
      description: Subnets, security groups and VPC of the function.
      type: dict
    state:
      description: State of the function, for example V(Active).
      type: str
    reserved_concurrency:
      description: Reserved concurrent executions; V(null) when none are reserved.
      type: int
    tags:
      description: Tags of the function.
      type: dict
version:
  description:
    - The newest published version, the one just published when RV(published) is true. V(null) when the function
      has no published version, or in check mode when a version would be published.
  returned: when O(state=present)
  type: str
  sample: "7"
version_arn:
  description: Qualified ARN of RV(version).
  returned: when O(state=present)
  type: str
  sample: arn:aws:lambda:eu-west-1:123456789012:function:items-api:7
published:
  description: Whether a version was (in check mode, would be) published.
  returned: when O(state=present)
  type: bool
reserved_concurrency_refused:
  description:
    - AWS's reason for refusing the reservation, when O(reserved_concurrency_best_effort=true) let the task go on
      without it; V(null) otherwise.
  returned: when O(state=present)
  type: str
alias:
  description:
    - The alias as GetAlias (or CreateAlias, UpdateAlias) reports it. In check mode, what it would be.
  returned: when O(state=present) and O(alias) is given
  type: dict
  contains:
    name:
      description: Name of the alias.
      type: str
      sample: live
    arn:
      description: ARN of the alias, the qualified ARN that API Gateway integrations and permissions name.
      type: str
      sample: arn:aws:lambda:eu-west-1:123456789012:function:items-api:live
    function_version:
      description:
        - The version the alias points at. V(null) in check mode when it would move to a version not published yet.
      type: str
      sample: "7"
    description:
      description: Description of the alias.
      type: str
    revision_id:
      description: Revision of the alias; V(null) in check mode when the alias would change.
      type: str
"""

import base64
import copy
import hashlib
from typing import Any
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.multiregion.serverless.plugins.module_utils.common import THROTTLING_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

LambdaErrorHandler = error_handler(["ResourceNotFoundException"])

# UpdateAlias answers ResourceConflictException while another operation on the function is in progress; it is
# retried like throttling. (CreateAlias's ResourceConflictException means the alias exists: not retried.)
_alias_retry = AWSRetry.jittered_backoff(
    retries=10, delay=1, max_delay=30, catch_extra_error_codes=THROTTLING_CODES + ["ResourceConflictException"]
)

WAIT_DELAY = 5
# What Lambda answers, for a while after IAM changes, about a role it cannot use yet.
IAM_PROPAGATION_MESSAGES = (
    "cannot be assumed by Lambda",
    "does not have permissions to call CreateNetworkInterface",
    "does not have permission to call CreateNetworkInterface",
)
# The settings a published version freezes; $LATEST differing from the newest version in any of them means
# a version has to be published. The description is left out: a version's description is its own (PublishVersion's),
# not the function's, and it changes nothing the function does.
VERSIONED_SETTINGS = (
    "code_sha256",
    "runtime",
    "handler",
    "role",
    "timeout",
    "memory_size",
    "environment_variables",
    "kms_key_arn",
    "tracing_mode",
    "vpc_subnet_ids",
    "vpc_security_group_ids",
    "architecture",
)


# --- pure functions ---------------------------------------------------------------------------------------


def code_sha256(data: bytes) -> str:
    """The package's SHA-256 as Lambda reports it (base64 of the digest)."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def settings_of(config: Optional[dict]) -> dict:
    """The managed settings of a function configuration (GetFunction's Configuration), in the options' terms."""
    if not config:
        return {}
    vpc = config.get("VpcConfig") or {}
    architectures = config.get("Architectures") or ["x86_64"]
    return {
        "code_sha256": config.get("CodeSha256"),
        "runtime": config.get("Runtime"),
        "handler": config.get("Handler"),
        "role": config.get("Role"),
        "description": config.get("Description") or "",
        "timeout": config.get("Timeout"),
        "memory_size": config.get("MemorySize"),
        "environment_variables": dict((config.get("Environment") or {}).get("Variables") or {}),
        "kms_key_arn": config.get("KMSKeyArn") or "",
        "tracing_mode": (config.get("TracingConfig") or {}).get("Mode") or "PassThrough",
        "vpc_subnet_ids": sorted(vpc.get("SubnetIds") or []),
        "vpc_security_group_ids": sorted(vpc.get("SecurityGroupIds") or []),
        "architecture": architectures[0],
    }


def wanted_settings(params: dict, sha256: Optional[str]) -> dict:
    """The settings the task asks for; a setting left out is not in the result (it is left alone)."""
    wanted: dict[str, Any] = {}
    for key in ("runtime", "handler", "role", "description", "timeout", "memory_size", "kms_key_arn"):
        if params.get(key) is not None:
            wanted[key] = params[key]
    if params.get("tracing_mode") is not None:
        wanted["tracing_mode"] = params["tracing_mode"]
    if params.get("architecture") is not None:
        wanted["architecture"] = params["architecture"]
    if params.get("environment_variables") is not None:
        wanted["environment_variables"] = {k: str(v) for k, v in params["environment_variables"].items()}
    if params.get("vpc_subnet_ids") is not None:
        wanted["vpc_subnet_ids"] = sorted(params["vpc_subnet_ids"])
        wanted["vpc_security_group_ids"] = sorted(params["vpc_security_group_ids"] or [])
    if sha256 is not None:
        wanted["code_sha256"] = sha256
    return wanted


def configuration_changes(current: dict, wanted: dict) -> dict:
    """UpdateFunctionConfiguration parameters (without FunctionName) for the settings that differ."""
    changes: dict[str, Any] = {}
    simple = {
        "runtime": "Runtime",
        "handler": "Handler",
        "role": "Role",
        "description": "Description",
        "timeout": "Timeout",
        "memory_size": "MemorySize",
        "kms_key_arn": "KMSKeyArn",
    }
    for key, api_key in simple.items():
        if key in wanted and wanted[key] != current.get(key):
            changes[api_key] = wanted[key]
    if "environment_variables" in wanted and wanted["environment_variables"] != current.get("environment_variables"):
        changes["Environment"] = {"Variables": wanted["environment_variables"]}
    if "tracing_mode" in wanted and wanted["tracing_mode"] != current.get("tracing_mode"):
        changes["TracingConfig"] = {"Mode": wanted["tracing_mode"]}
    if "vpc_subnet_ids" in wanted and (
        wanted["vpc_subnet_ids"] != current.get("vpc_subnet_ids")
        or wanted["vpc_security_group_ids"] != current.get("vpc_security_group_ids")
    ):
        changes["VpcConfig"] = {
            "SubnetIds": wanted["vpc_subnet_ids"],
            "SecurityGroupIds": wanted["vpc_security_group_ids"],
        }
    return changes


def code_changes(current: dict, wanted: dict, zip_given: bool) -> bool:
    """Whether the code has to be uploaded: a new package, or a new architecture (set with the code)."""
    if zip_given and wanted.get("code_sha256") != current.get("code_sha256"):
        return True
    return "architecture" in wanted and wanted["architecture"] != current.get("architecture")


def concurrency_change(current: Optional[int], wanted: Optional[int]) -> Optional[int]:
    """The reservation to set (-1: remove it), or None when nothing changes."""
    if wanted is None:
        return None
    if wanted < 0:
        return -1 if current is not None else None
    return wanted if wanted != current else None


def newest_version(versions: list[dict]) -> Optional[dict]:
    """The published version with the highest number ($LATEST is not a published version)."""
    published = [v for v in versions if str(v.get("Version", "")).isdigit()]
    if not published:
        return None
    return max(published, key=lambda v: int(v["Version"]))


def needs_version(latest: dict, newest: Optional[dict]) -> bool:
    """Whether $LATEST's settings differ from those frozen in the newest published version."""
    if newest is None:
        return True
    return any(latest.get(key) != newest.get(key) for key in VERSIONED_SETTINGS)


def alias_changes(current: Optional[dict], version: Optional[str], description: Optional[str]) -> dict:
    """The CreateAlias or UpdateAlias parameters (API names) that bring the alias ``current`` (GetAlias's answer,
    None when there is none) to ``version`` and ``description``; {} when nothing differs.

    ``version`` None is a version still to be published (check mode): always a change. ``description`` None leaves
    the description alone. A routing configuration is removed (see the documentation of O(alias)).
    """
    if current is None:
        changes: dict[str, Any] = {"FunctionVersion": version}
        if description is not None:
            changes["Description"] = description
        return changes
    changes = {}
    if version is None or current.get("FunctionVersion") != version:
        changes["FunctionVersion"] = version
    if description is not None and (current.get("Description") or "") != description:
        changes["Description"] = description
    if alias_weights(current):
        changes["RoutingConfig"] = {"AdditionalVersionWeights": {}}
    return changes


def alias_weights(alias: Optional[dict]) -> dict:
    return dict(((alias or {}).get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {})


def planned_alias(current: Optional[dict], changes: dict, name: str, function_arn: Optional[str]) -> dict:
    """The alias (API-shaped) once ``changes`` are made; its revision is unknown until Lambda makes it."""
    alias = dict(current or {"Name": name, "AliasArn": f"{function_arn}:{name}" if function_arn else None})
    alias.update(changes)
    if changes:
        alias["RevisionId"] = None
    return alias


def alias_result(alias: Optional[dict]) -> Optional[dict]:
    if not alias:
        return None
    return {
        "name": alias.get("Name"),
        "arn": alias.get("AliasArn"),
        "function_version": alias.get("FunctionVersion"),
        "description": alias.get("Description") or "",
        "revision_id": alias.get("RevisionId"),
    }


def alias_diff(alias: Optional[dict]) -> Optional[dict]:
    if not alias:
        return None
    return {
        "name": alias.get("Name"),
        "function_version": alias.get("FunctionVersion"),
        "description": alias.get("Description") or "",
        "additional_version_weights": alias_weights(alias),
    }


def creation_request(params: dict, wanted: dict, zip_bytes: bytes) -> dict:
    request: dict[str, Any] = {
        "FunctionName": params["name"],
        "Role": wanted["role"],
        "Runtime": wanted["runtime"],
        "Handler": wanted["handler"],
        "Code": {"ZipFile": zip_bytes},
        "Publish": params["publish"],
    }
    optional = {
        "description": ("Description", lambda v: v),
        "timeout": ("Timeout", lambda v: v),
        "memory_size": ("MemorySize", lambda v: v),
        "environment_variables": ("Environment", lambda v: {"Variables": v}),
        "tracing_mode": ("TracingConfig", lambda v: {"Mode": v}),
        "architecture": ("Architectures", lambda v: [v]),
    }
    for key, (api_key, convert) in optional.items():
        if key in wanted:
            request[api_key] = convert(wanted[key])
    if wanted.get("kms_key_arn"):
        request["KMSKeyArn"] = wanted["kms_key_arn"]
    if wanted.get("vpc_subnet_ids"):
        request["VpcConfig"] = {
            "SubnetIds": wanted["vpc_subnet_ids"],
            "SecurityGroupIds": wanted["vpc_security_group_ids"],
        }
    if params.get("tags"):
        request["Tags"] = params["tags"]
    return request


def diff_view(settings: dict, tags: dict, concurrency: Optional[int]) -> dict:
    if not settings:
        return {}
    return dict(settings, tags=tags, reserved_concurrency=concurrency)


def planned_raw(wanted: dict) -> dict:
    """A configuration as Lambda would report it for a function with the settings ``wanted``.

    A setting left out of ``wanted`` is Lambda's default, as for a function created without it.
    """
    return {
        "CodeSha256": wanted.get("code_sha256"),
        "Runtime": wanted.get("runtime"),
        "Handler": wanted.get("handler"),
        "Role": wanted.get("role"),
        "Description": wanted.get("description", ""),
        "Timeout": wanted.get("timeout", 3),
        "MemorySize": wanted.get("memory_size", 128),
        "Environment": {"Variables": wanted.get("environment_variables", {})},
        "KMSKeyArn": wanted.get("kms_key_arn") or None,
        "TracingConfig": {"Mode": wanted.get("tracing_mode", "PassThrough")},
        "VpcConfig": {
            "SubnetIds": wanted.get("vpc_subnet_ids", []),
            "SecurityGroupIds": wanted.get("vpc_security_group_ids", []),
        },
        "Architectures": [wanted.get("architecture", "x86_64")],
    }


def planned_function(name: str, settings: dict, tags: dict, concurrency: Optional[int], config: dict) -> dict:
    """What the function would look like after the change, for check mode (API-shaped, then snake_cased)."""
    planned = copy.deepcopy(config) if config else {"FunctionName": name, "FunctionArn": None, "Version": "$LATEST"}
    planned.update(planned_raw(settings))
    return function_result(planned, tags, concurrency)


def function_result(config: dict, tags: dict, concurrency: Optional[int]) -> dict:
    # Environment variable names are the application's: they keep their case (camel_dict_to_snake_dict's
    # ignore_list only works at the top level, so the environment is set aside).
    config = dict(config)
    environment = config.pop("Environment", None)
    result = snake_result(config)
    if environment is not None:
        result["environment"] = {"variables": dict(environment.get("Variables") or {})}
        if environment.get("Error"):
            result["environment"]["error"] = snake_result(environment["Error"])
    result["tags"] = tags
    result["reserved_concurrency"] = concurrency
    return result


def aws_message(error: BaseException) -> str:
    """AWS's own code and message of a wrapped botocore error, as AWS wrote them."""
    exception = getattr(error, "exception", None)
    details = (getattr(exception, "response", None) or {}).get("Error", {})
    if not details.get("Message"):
        return ""
    return f"{details['Message']} ({details.get('Code', 'error')})"


def is_concurrency_pool_refusal(error: BaseException) -> bool:
    """Whether AWS refused a reservation because the account's unreserved pool would fall under its minimum."""
    exception = getattr(error, "exception", None)
    details = (getattr(exception, "response", None) or {}).get("Error", {})
    return details.get("Code") == "InvalidParameterValueException" and "UnreservedConcurrentExecution" in (
        details.get("Message") or ""
    )


def is_iam_propagation(error: BaseException) -> bool:
    exception = getattr(error, "exception", None)
    details = (getattr(exception, "response", None) or {}).get("Error", {})
    message = details.get("Message") or ""
    return details.get("Code") == "InvalidParameterValueException" and any(
        text in message for text in IAM_PROPAGATION_MESSAGES
    )


# --- AWS calls --------------------------------------------------------------------------------------------


@LambdaErrorHandler.list_error_handler("get function {name}")
def get_function(client, name: str) -> Optional[dict]:
    response = client.get_function(FunctionName=name, aws_retry=True)
    response.pop("ResponseMetadata", None)
    return response


@LambdaErrorHandler.common_error_handler("get the configuration of function {name}")
def get_configuration(client, name: str) -> dict:
    return client.get_function_configuration(FunctionName=name, aws_retry=True)


@LambdaErrorHandler.list_error_handler("list the versions of function {name}", [])
def list_versions(client, name: str) -> list[dict]:
    return paginate(client, "list_versions_by_function", FunctionName=name).get("Versions", [])


@LambdaErrorHandler.common_error_handler("create function {request[FunctionName]}")
def create_function(client, request: dict) -> dict:
    return client.create_function(aws_retry=True, **request)


@LambdaErrorHandler.common_error_handler("update the configuration of function {name}")
def update_configuration(client, name: str, changes: dict) -> dict:
    return client.update_function_configuration(FunctionName=name, aws_retry=True, **changes)


@LambdaErrorHandler.common_error_handler("update the code of function {name}")
def update_code(client, name: str, zip_bytes: bytes, architecture: str) -> dict:
    # The architecture goes with every upload: Lambda would otherwise reset it to its default.
    return client.update_function_code(
        FunctionName=name, ZipFile=zip_bytes, Architectures=[architecture], Publish=False, aws_retry=True
    )


@LambdaErrorHandler.common_error_handler("publish a version of function {name}")
def publish_version(client, name: str, sha256: str) -> dict:
    # CodeSha256 makes Lambda refuse to publish code other than what this task deployed.
    return client.publish_version(FunctionName=name, CodeSha256=sha256, aws_retry=True)


@LambdaErrorHandler.common_error_handler("set the reserved concurrency of function {name}")
def put_concurrency(client, name: str, value: int) -> None:
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=value, aws_retry=True)


def reserve_concurrency(module, client, name: str, value: int) -> Optional[str]:
    """Reserve ``value``; with reserved_concurrency_best_effort, AWS's refusal for want of unreserved concurrency
    is returned (and warned about) instead of raised."""
    try:
        put_concurrency(client, name, value)
    except AnsibleAWSError as e:
        if not (module.params["reserved_concurrency_best_effort"] and is_concurrency_pool_refusal(e)):
            raise
        reason = aws_message(e)
        module.warn(
            f"Function {name} has no reserved concurrency: the account cannot spare {value} from its unreserved "
            f"pool ({reason}). Raise the account's Lambda concurrency quota, or set a smaller reservation."
        )
        return reason
    return None


@LambdaErrorHandler.deletion_error_handler("remove the reserved concurrency of function {name}")
def delete_concurrency(client, name: str) -> bool:
    client.delete_function_concurrency(FunctionName=name, aws_retry=True)
    return True


@LambdaErrorHandler.common_error_handler("tag function {arn}")
def tag_function(client, arn: str, tags: dict) -> None:
    client.tag_resource(Resource=arn, Tags=tags, aws_retry=True)


@LambdaErrorHandler.common_error_handler("untag function {arn}")
def untag_function(client, arn: str, keys: list[str]) -> None:
    client.untag_resource(Resource=arn, TagKeys=sorted(keys), aws_retry=True)


@LambdaErrorHandler.deletion_error_handler("delete function {name}")
def delete_function(client, name: str) -> bool:
    client.delete_function(FunctionName=name, aws_retry=True)
    return True


@LambdaErrorHandler.list_error_handler("get alias {alias} of function {name}")
def get_alias(client, name: str, alias: str) -> Optional[dict]:
    response = client.get_alias(FunctionName=name, Name=alias, aws_retry=True)
    response.pop("ResponseMetadata", None)
    return response


@LambdaErrorHandler.common_error_handler("create alias {alias} of function {name}")
def create_alias(client, name: str, alias: str, changes: dict) -> dict:
    response = client.create_alias(FunctionName=name, Name=alias, aws_retry=True, **changes)
    response.pop("ResponseMetadata", None)
    return response


@LambdaErrorHandler.common_error_handler("update alias {alias} of function {name}")
def update_alias(client, name: str, alias: str, revision_id: Optional[str], changes: dict) -> dict:
    request = dict(changes, FunctionName=name, Name=alias)
    if revision_id:
        # Lambda refuses the update (PreconditionFailedException) if the alias changed since GetAlias read it.
        request["RevisionId"] = revision_id
    response = _alias_retry(client.update_alias)(**request)
    response.pop("ResponseMetadata", None)
    return response


def wait_weights_cleared(client, name: str, alias: str, timeout: int) -> dict:
    """Wait until GetAlias shows no routing weights, as terraform-provider-aws does after clearing them."""
    try:
        return wait_for(
            lambda: get_alias(client, name, alias) or {},
            lambda a: not alias_weights(a),
            f"the routing weights of alias {alias} of function {name} to be removed",
            timeout=timeout,
            delay=WAIT_DELAY,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise MultiregionAWSError(message=f"Failed to update alias {alias} of function {name}: {e}") from e


def retry_while_iam_propagates(call, timeout: int, what: str):
    """``call()``, retried while Lambda rejects a role (or its VPC permissions) that IAM has not propagated yet.

    After ``timeout`` seconds AWS's own message is shown: a role still refused then lacks the permission.
    """
    last: list[AnsibleAWSError] = []

    def attempt():
        try:
            return call()
        except AnsibleAWSError as e:
            if not is_iam_propagation(e):
                raise
            last[:] = [e]
            return None

    try:
        return wait_for(
            attempt, lambda r: r is not None, what, timeout=timeout, delay=WAIT_DELAY, clock=_now, sleep=_sleep
        )
    except WaitTimeout as e:
        reason = aws_message(last[0]) if last else ""
        raise MultiregionAWSError(
            message=f"Failed to {what}: Lambda still rejected the role after {timeout} s"
            + (f": {reason}" if reason else ""),
            exception=last[0].exception if last else None,
        ) from e


def wait_settled(client, name: str, timeout: int, after_change: bool) -> dict:
    """Wait until the function is neither Pending nor being updated.

    Before a change, a function whose last update failed may be changed again; after our own change, a failed
    update (or creation) is an error.
    """

    def done(config: dict) -> bool:
        return config.get("State") not in ("Pending",) and config.get("LastUpdateStatus") != "InProgress"

    def failed(config: dict) -> bool:
        return after_change and (config.get("State") == "Failed" or config.get("LastUpdateStatus") == "Failed")

    try:
        config = wait_for(
            lambda: get_configuration(client, name),
            lambda c: done(c) or failed(c),
            f"function {name} to be ready",
            timeout=timeout,
            delay=WAIT_DELAY,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise MultiregionAWSError(message=f"Failed to wait for function {name}: {e}") from e
    if failed(config):
        reason = config.get("LastUpdateStatusReason") or config.get("StateReason") or "no reason given"
        raise MultiregionAWSError(message=f"Failed to deploy function {name}: {reason}")
    return config


# --- states -----------------------------------------------------------------------------------------------


class Package:
    """The deployment package: its SHA-256 as given or computed, its bytes read only when they are needed."""

    def __init__(self, module, path: Optional[str], sha256: Optional[str]) -> None:
        self.module = module
        self.path = path
        self._sha256 = sha256
        self._declared = sha256
        self._bytes: Optional[bytes] = None

    @property
    def given(self) -> bool:
        return self.path is not None

    def sha256(self) -> Optional[str]:
        if self._sha256 is None and self.given:
            self._sha256 = code_sha256(self.read())
        return self._sha256

    def read(self) -> bytes:
        if self._bytes is None:
            try:
                with open(self.path, "rb") as f:
                    self._bytes = f.read()
            except OSError as e:
                self.module.fail_json(msg=f"Cannot read zip_file {self.path}: {e}")
            if self._declared is not None and code_sha256(self._bytes) != self._declared:
                self.module.fail_json(msg=f"zip_file {self.path} does not match code_sha256 {self._declared}")
        return self._bytes


def reconcile_alias(module, client, function_arn: Optional[str], version: Optional[str]) -> tuple[bool, dict]:
    """(changed, {"alias": result, "before": diff, "after": diff}) for O(alias) pointed at ``version``.

    ``function_arn`` None is a function still to be created (check mode): there is no alias to read.
    """
    params = module.params
    name, wanted = params["name"], params["alias"]
    current = get_alias(client, name, wanted["name"]) if function_arn else None
    changes = alias_changes(current, version, wanted.get("description"))
    planned = planned_alias(current, changes, wanted["name"], function_arn)
    view = {"before": alias_diff(current), "after": alias_diff(planned)}
    if module.check_mode or not changes:
        return bool(changes), dict(view, alias=alias_result(planned))
    if current is None:
        alias = create_alias(client, name, wanted["name"], changes)
    else:
        alias = update_alias(client, name, wanted["name"], current.get("RevisionId"), changes)
        if "RoutingConfig" in changes:
            alias = wait_weights_cleared(client, name, wanted["name"], params["wait_timeout"])
    return True, dict(view, alias=alias_result(alias))


def alias_needs_a_version(module, version: Optional[str], would_publish: bool) -> None:
    """Fail before any change when O(alias) is given and no version can exist for it."""
    if module.params["alias"] and version is None and not would_publish:
        module.fail_json(
            msg=f"alias.name {module.params['alias']['name']} needs a published version of function "
            f"{module.params['name']}, and it has none: set publish to true"
        )


def add_alias(module, client, result: dict, function_arn: Optional[str], version: Optional[str]) -> dict:
    """``result`` with O(alias) reconciled: its ``alias``, its diff, and ``changed``."""
    if not module.params["alias"]:
        return result
    changed, alias = reconcile_alias(module, client, function_arn, version)
    result["alias"] = alias["alias"]
    result["changed"] = result["changed"] or changed
    if result["diff"]["after"]:
        result["diff"]["after"]["alias"] = alias["after"]
    if result["diff"]["before"]:
        result["diff"]["before"]["alias"] = alias["before"]
    return result


def iam_timeout(params: dict) -> int:
    """How long Lambda's refusals of a role are taken for IAM propagation: the cap, within the wait timeout."""
    return min(params["iam_propagation_timeout"], params["wait_timeout"])


def version_result(function_arn: Optional[str], version: Optional[str]) -> dict:
    if version is None or not function_arn:
        return {"version": version, "version_arn": None}
    return {"version": version, "version_arn": f"{function_arn}:{version}"}


def create(module, client, params: dict, wanted: dict, package: Package) -> dict:
    missing = [key for key in ("zip_file", "runtime", "handler", "role") if params.get(key) is None]
    if missing:
        module.fail_json(msg=f"Function {params['name']} does not exist; to create it give {', '.join(missing)}")
    reserved = params["reserved_concurrency"]
    concurrency = reserved if reserved is not None and reserved >= 0 else None
    tags = params["tags"] or {}
    alias_needs_a_version(module, None, params["publish"])
    planned = dict(settings_of(planned_raw(wanted)))
    diff = {"before": {}, "after": diff_view(planned, tags, concurrency)}
    if module.check_mode:
        function = planned_function(params["name"], planned, tags, concurrency, {})
        result = dict(
            changed=True,
            function=function,
            published=params["publish"],
            diff=diff,
            version=None,
            reserved_concurrency_refused=None,
        )
        return add_alias(module, client, result, None, None)

    request = creation_request(params, wanted, package.read())
    created = retry_while_iam_propagates(
        lambda: create_function(client, request), iam_timeout(params), f"create function {params['name']}"
    )
    wait_settled(client, params["name"], params["wait_timeout"], after_change=True)
    refused = None
    if concurrency is not None:
        refused = reserve_concurrency(module, client, params["name"], concurrency)
        if refused:
            concurrency = None
            diff["after"]["reserved_concurrency"] = None
    current = get_function(client, params["name"]) or {}
    config = current.get("Configuration", created)
    function = function_result(config, current.get("Tags") or {}, concurrency)
    version = created.get("Version") if params["publish"] and created.get("Version") != "$LATEST" else None
    result = dict(
        changed=True,
        function=function,
        published=version is not None,
        diff=diff,
        reserved_concurrency_refused=refused,
        **version_result(config.get("FunctionArn"), version),
    )
    return add_alias(module, client, result, config.get("FunctionArn"), version)


def update(module, client, params: dict, wanted: dict, package: Package, current: dict) -> dict:
    name = params["name"]
    config = current["Configuration"]
    arn = config["FunctionArn"]
    before = settings_of(config)
    current_tags = current.get("Tags") or {}
    current_concurrency = (current.get("Concurrency") or {}).get("ReservedConcurrentExecutions")

    config_changes = configuration_changes(before, wanted)
    upload = code_changes(before, wanted, package.given)
    tags_to_set, tags_to_remove = tag_changes(current_tags, params["tags"], params["purge_tags"])
    concurrency = concurrency_change(current_concurrency, params["reserved_concurrency"])

    after = dict(before, **wanted)
    tags_after = {k: v for k, v in {**current_tags, **tags_to_set}.items() if k not in tags_to_remove}
    concurrency_after = current_concurrency if concurrency is None else (None if concurrency < 0 else concurrency)

    newest = None
    if params["publish"] or params["alias"]:
        newest = newest_version(list_versions(client, name))
    publish = params["publish"] and needs_version(after, settings_of(newest) if newest else None)
    alias_needs_a_version(module, newest.get("Version") if newest else None, publish)

    changed = bool(config_changes or upload or tags_to_set or tags_to_remove or concurrency is not None or publish)
    diff = {
        "before": diff_view(before, current_tags, current_concurrency),
        "after": diff_view(after, tags_after, concurrency_after),
    }
    newest_number = newest.get("Version") if newest else None

    if module.check_mode:
        function = planned_function(name, after, tags_after, concurrency_after, config)
        result = dict(
            changed=changed,
            function=function,
            published=publish,
            diff=diff,
            reserved_concurrency_refused=None,
            **version_result(arn, None if publish else newest_number),
        )
        return add_alias(module, client, result, arn, None if publish else newest_number)

    timeout = params["wait_timeout"]
    if upload:
        # Read (and check) the package before anything changes, so a bad file changes nothing.
        package.read()
    if config_changes or upload:
        wait_settled(client, name, timeout, after_change=False)
    if config_changes:
        retry_while_iam_propagates(
            lambda: update_configuration(client, name, config_changes), iam_timeout(params), f"update function {name}"
        )
        wait_settled(client, name, timeout, after_change=True)
    if upload:
        update_code(client, name, package.read(), after["architecture"])
        wait_settled(client, name, timeout, after_change=True)
    version = newest_number
    if publish:
        version = publish_version(client, name, after["code_sha256"])["Version"]
    if tags_to_remove:
        untag_function(client, arn, tags_to_remove)
    if tags_to_set:
        tag_function(client, arn, tags_to_set)
    refused = None
    if concurrency is not None:
        if concurrency < 0:
            delete_concurrency(client, name)
        else:
            refused = reserve_concurrency(module, client, name, concurrency)
    if refused:
        # Nothing changed for the reservation: the function keeps what it had.
        concurrency_after = current_concurrency
        diff["after"]["reserved_concurrency"] = current_concurrency
        changed = bool(config_changes or upload or tags_to_set or tags_to_remove or publish)

    if changed:
        current = get_function(client, name) or current
    function = function_result(current["Configuration"], tags_after, concurrency_after)
    result = dict(
        changed=changed,
        function=function,
        published=publish,
        diff=diff,
        reserved_concurrency_refused=refused,
        **version_result(arn, version),
    )
    return add_alias(module, client, result, arn, version)


def ensure_present(module, client) -> dict:
    params = module.params
    if params["architecture"] is not None and params["zip_file"] is None:
        # Lambda sets the architecture with the code.
        module.fail_json(msg="architecture needs zip_file: Lambda changes the architecture together with the code")
    package = Package(module, params["zip_file"], params["code_sha256"])
    wanted = wanted_settings(params, package.sha256())
    current = get_function(client, params["name"])
    if current is None:
        return create(module, client, params, wanted, package)
    return update(module, client, params, wanted, package, current)


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    current = get_function(client, name)
    if current is None:
        return dict(changed=False, function={}, diff={"before": {}, "after": {}})
    before = diff_view(
        settings_of(current["Configuration"]),
        current.get("Tags") or {},
        (current.get("Concurrency") or {}).get("ReservedConcurrentExecutions"),
    )
    changed = True if module.check_mode else delete_function(client, name)
    return dict(changed=changed, function={}, diff={"before": before, "after": {}})


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        zip_file=dict(type="path"),
        code_sha256=dict(type="str"),
        runtime=dict(type="str"),
        handler=dict(type="str"),
        architecture=dict(type="str", choices=["x86_64", "arm64"]),
        role=dict(type="str"),
        description=dict(type="str"),
        timeout=dict(type="int"),
        memory_size=dict(type="int"),
        environment_variables=dict(type="dict"),
        kms_key_arn=dict(type="str", no_log=False),
        tracing_mode=dict(type="str", choices=["Active", "PassThrough"]),
        vpc_subnet_ids=dict(type="list", elements="str"),
        vpc_security_group_ids=dict(type="list", elements="str"),
        reserved_concurrency=dict(type="int"),
        publish=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        iam_propagation_timeout=dict(type="int", default=120),
        reserved_concurrency_best_effort=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        alias=dict(
            type="dict",
            options=dict(name=dict(type="str", required=True), description=dict(type="str")),
        ),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        required_together=[("vpc_subnet_ids", "vpc_security_group_ids")],
        required_by={"code_sha256": "zip_file"},
        supports_check_mode=True,
    )
    params = module.params
    subnets, groups = params["vpc_subnet_ids"], params["vpc_security_group_ids"]
    if subnets is not None and (subnets == []) != (groups == []):
        module.fail_json(msg="vpc_subnet_ids and vpc_security_group_ids must both be empty to detach from the VPC")
    client = module.retrying_client("lambda")
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, diff_mode_only=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wafv2_logging_configuration
short_description: Send a WAFv2 web ACL's request logs to CloudWatch Logs, S3 or Firehose
version_added: 0.1.0
description:
  - Enables, updates or removes the logging configuration of a WAFv2 web ACL (PutLoggingConfiguration,
    GetLoggingConfiguration, DeleteLoggingConfiguration).
  - The destination's name must start with C(aws-waf-logs-). For a CloudWatch Logs log group, WAF adds the
    resource policy that lets it write to the group when logging is enabled (the caller needs
    C(logs:PutResourcePolicy) and C(logs:DescribeResourcePolicies)).
  - PutLoggingConfiguration replaces the whole configuration; the options left out are carried over from the
    current configuration, so a task that sets only the destination keeps the redacted fields and filter.
  - community.aws has no module for a WAFv2 logging configuration.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  web_acl_arn:
    description:
      - The ARN of the web ACL.
    type: str
    required: true
  log_destination_configs:
    description:
      - The ARN of the destination, in a list of one (WAF takes a single destination per web ACL). For a log
        group, its ARN without the trailing C(:*).
      - Required with O(state=present).
    type: list
    elements: str
  redacted_fields:
    description:
      - Parts of the request to leave out of the logs, each a C(FieldToMatch) of the WAFv2 API as AWS spells
        it, for example a C(SingleHeader) with the C(Name) V(authorization) (see EXAMPLES).
      - Left alone when omitted; V([]) removes every redaction.
    type: list
    elements: dict
  logging_filter:
    description:
      - Which requests to log, a C(LoggingFilter) of the WAFv2 API as AWS spells it (C(DefaultBehavior),
        C(Filters)). Left alone when omitted; V({}) logs every request.
    type: dict
  state:
    description:
      - V(present) enables logging with this configuration; V(absent) removes the logging configuration.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log the web ACL's requests to a KMS-encrypted log group, without the Authorization header
  multiregion.serverless.wafv2_logging_configuration:
    web_acl_arn: "{{ web_acl.arn }}"
    log_destination_configs:
      - "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mrdemo"
    redacted_fields:
      - SingleHeader:
          Name: authorization

- name: Log only the requests WAF blocked
  multiregion.serverless.wafv2_logging_configuration:
    web_acl_arn: "{{ web_acl.arn }}"
    log_destination_configs:
      - "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mrdemo"
    logging_filter:
      DefaultBehavior: DROP
      Filters:
        - Behavior: KEEP
          Requirement: MEETS_ANY
          Conditions:
            - ActionCondition:
                Action: BLOCK

- name: Stop logging
  multiregion.serverless.wafv2_logging_configuration:
    web_acl_arn: "{{ web_acl.arn }}"
    state: absent
"""

RETURN = r"""
logging_configuration:
  description:
    - The logging configuration after the task; empty when there is none.
  returned: always
  type: dict
  contains:
    resource_arn:
      description: The ARN of the web ACL.
      type: str
      sample: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mrdemo-api/0f1e2d3c-aaaa-bbbb-cccc-123456789012
    log_destination_configs:
      description: The destinations.
      type: list
      elements: str
      sample: ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mrdemo"]
    redacted_fields:
      description: The redacted parts of the request, as AWS spells them.
      type: list
      elements: dict
      sample: [{"SingleHeader": {"Name": "authorization"}}]
    logging_filter:
      description: The filter of the logged requests, as AWS spells it; empty when every request is logged.
      type: dict
"""

from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import WAFErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import wafv2_client
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action

DESTINATION_PREFIX = "aws-waf-logs-"


# --- pure functions ---------------------------------------------------------------------------------------


def configuration_view(configuration: Optional[dict]) -> dict:
    if not configuration:
        return {}
    return {
        "resource_arn": configuration.get("ResourceArn", ""),
        "log_destination_configs": list(configuration.get("LogDestinationConfigs") or []),
        "redacted_fields": list(configuration.get("RedactedFields") or []),
        "logging_filter": dict(configuration.get("LoggingFilter") or {}),
    }


def wanted_configuration(current: Optional[dict], params: dict) -> dict:
    """The complete configuration to put: the options given, and the current values of the others."""
    current = current or {}
    wanted = {
        "ResourceArn": params["web_acl_arn"],
        "LogDestinationConfigs": list(params["log_destination_configs"]),
    }
    redacted = params.get("redacted_fields")
    if redacted is None:
        redacted = current.get("RedactedFields") or []
    if redacted:
        wanted["RedactedFields"] = list(redacted)
    logging_filter = params.get("logging_filter")
    if logging_filter is None:
        logging_filter = current.get("LoggingFilter") or {}
    if logging_filter:
        wanted["LoggingFilter"] = dict(logging_filter)
    return wanted


def destination_name(arn: str) -> str:
    """The name of a log group, bucket or delivery stream, from its ARN."""
    if ":log-group:" in arn:
        return arn.split(":log-group:", 1)[1]
    if ":::" in arn:
        return arn.split(":::", 1)[1].split("/", 1)[0]
    return arn.rsplit("/", 1)[-1]


def destination_errors(destinations: list[str]) -> list[str]:
    errors = []
    if len(destinations) != 1:
        errors.append(f"log_destination_configs takes exactly one destination, not {len(destinations)}")
    for arn in destinations:
        if not destination_name(arn).startswith(DESTINATION_PREFIX):
            errors.append(f"log destination {arn} must be named {DESTINATION_PREFIX}...: WAF rejects other names")
        if arn.endswith(":*"):
            errors.append(f"log destination {arn}: give the log group's ARN without the trailing ':*'")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@WAFErrorHandler.list_error_handler("get the logging configuration of web ACL {web_acl_arn}", None)
def get_configuration(client, web_acl_arn: str) -> Optional[dict]:
    return client.get_logging_configuration(ResourceArn=web_acl_arn, aws_retry=True).get("LoggingConfiguration")


@WAFErrorHandler.common_error_handler("put the logging configuration of web ACL {web_acl_arn}")
def put_configuration(client, web_acl_arn: str, configuration: dict) -> dict:
    response = client.put_logging_configuration(LoggingConfiguration=configuration, aws_retry=True)
    return response.get("LoggingConfiguration") or configuration


@WAFErrorHandler.deletion_error_handler("delete the logging configuration of web ACL {web_acl_arn}")
def delete_configuration(client, web_acl_arn: str) -> bool:
    client.delete_logging_configuration(ResourceArn=web_acl_arn, aws_retry=True)
    return True


# --- main -------------------------------------------------------------------------------------------------


def ensure_present(module, client, params: dict) -> dict:
    current = get_configuration(client, params["web_acl_arn"])
    wanted = wanted_configuration(current, params)
    before, after = configuration_view(current), configuration_view(wanted)
    changed = before != after
    result = {"changed": changed, "logging_configuration": after if changed else before}
    result["diff"] = {"before": before, "after": after}
    if changed and not module.check_mode:
        result["logging_configuration"] = configuration_view(put_configuration(client, params["web_acl_arn"], wanted))
    return result


def ensure_absent(module, client, params: dict) -> dict:
    current = get_configuration(client, params["web_acl_arn"])
    before = configuration_view(current)
    changed = bool(current)
    if changed and not module.check_mode:
        changed = delete_configuration(client, params["web_acl_arn"])
    return {"changed": changed, "logging_configuration": {}, "diff": {"before": before, "after": {}}}


def main() -> None:
    argument_spec = dict(
        web_acl_arn=dict(type="str", required=True),
        log_destination_configs=dict(type="list", elements="str"),
        redacted_fields=dict(type="list", elements="dict"),
        logging_filter=dict(type="dict"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["log_destination_configs"]]],
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "present":
        errors = destination_errors(params["log_destination_configs"])
        module.fail_on_errors(errors)
    client = wafv2_client(module)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, params, diff_mode_only=True)


if __name__ == "__main__":
    main()

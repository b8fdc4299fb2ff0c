#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: route53_query_logging_config
short_description: Log a public hosted zone's DNS queries to CloudWatch Logs
version_added: 0.1.0
description:
  - Creates, replaces or deletes the query logging configuration of a Route 53 public hosted zone
    (CreateQueryLoggingConfig, DeleteQueryLoggingConfig). A zone has at most one; a configuration cannot be
    changed, so one that names another log group is deleted and created again.
  - Route 53 writes query logs only to a log group in us-east-1, in the zone's account, and only when a CloudWatch
    Logs resource policy lets C(route53.amazonaws.com) create log streams and put log events in it (see
    M(multiregion.serverless.cloudwatchlogs_resource_policy)). The module runs its calls against Route 53, which is
    global; O(log_group_arn) decides where the logs go.
  - The configuration is found by listing every configuration of the account and keeping the zone's, not with
    ListQueryLoggingConfigs' HostedZoneId filter (the local endpoint answers that filter with NoSuchHostedZone).
  - Security Hub's control Route53.2 asks for query logging on every public hosted zone.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  hosted_zone_id:
    description: Id of the public hosted zone, with or without the C(/hostedzone/) prefix.
    type: str
    required: true
  log_group_arn:
    description:
      - ARN of the log group in us-east-1, for example
        V(arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*). Compared without a trailing
        V(:*). Required with O(state=present).
    type: str
  state:
    description: V(present) logs the zone's queries to O(log_group_arn); V(absent) stops logging them.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log the zone's queries
  multiregion.serverless.route53_query_logging_config:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    log_group_arn: arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*

- name: Stop logging them
  multiregion.serverless.route53_query_logging_config:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    state: absent
"""

RETURN = r"""
query_logging_config:
  description: The zone's query logging configuration, keys in snake_case; empty when there is none.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the configuration; V(null) in check mode before it is created.
      type: str
      sample: 87654321-dcba-1234-abcd-1a2b3c4d5e6f
    hosted_zone_id:
      description: The zone.
      type: str
      sample: Z0123456789ABCDEFGHIJ
    cloud_watch_logs_log_group_arn:
      description: The log group the queries are logged to.
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*
"""

from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result

Route53ErrorHandler = error_handler(["NoSuchQueryLoggingConfig"])
RETRY_CODES = ["Throttling", "PriorRequestNotComplete"]


# --- pure functions ---------------------------------------------------------------------------------------


def zone_id(value: str) -> str:
    return value.split("/")[-1]


def log_group_key(arn: Optional[str]) -> str:
    """A log group ARN as compared: without the ``:*`` that DescribeLogGroups' ARNs end with."""
    return (arn or "").removesuffix(":*")


def of_zone(configs: list[dict], hosted_zone_id: str) -> list[dict]:
    return [c for c in configs if zone_id(c.get("HostedZoneId", "")) == hosted_zone_id]


def plan(current: Optional[dict], wanted_arn: Optional[str]) -> dict:
    """What to delete and whether to create, for the zone's configuration ``current``."""
    if wanted_arn is None:
        return {"delete": current is not None, "create": False}
    same = current is not None and log_group_key(current.get("CloudWatchLogsLogGroupArn")) == log_group_key(wanted_arn)
    return {"delete": current is not None and not same, "create": not same}


# --- AWS calls --------------------------------------------------------------------------------------------


@Route53ErrorHandler.list_error_handler("list query logging configurations", [])
def list_configs(client) -> list[dict]:
    return paginate(client, "list_query_logging_configs").get("QueryLoggingConfigs", [])


@Route53ErrorHandler.common_error_handler("create the query logging configuration of zone {hosted_zone_id}")
def create_config(client, hosted_zone_id: str, log_group_arn: str) -> dict:
    return client.create_query_logging_config(
        HostedZoneId=hosted_zone_id, CloudWatchLogsLogGroupArn=log_group_arn, aws_retry=True
    )["QueryLoggingConfig"]


@Route53ErrorHandler.deletion_error_handler("delete query logging configuration {config_id}")
def delete_config(client, config_id: str) -> bool:
    client.delete_query_logging_config(Id=config_id, aws_retry=True)
    return True


# --- the story --------------------------------------------------------------------------------------------


def view(config: Optional[dict]) -> dict:
    if not config:
        return {}
    return {"hosted_zone_id": config.get("HostedZoneId"), "log_group_arn": config.get("CloudWatchLogsLogGroupArn")}


def reconcile(module, client, hosted_zone: str, wanted_arn: Optional[str]) -> dict:
    """The zone's configuration made to log to ``wanted_arn`` (None: to log nowhere)."""
    found = of_zone(list_configs(client), hosted_zone)
    current = found[0] if found else None
    changes = plan(current, wanted_arn)
    after: Optional[dict] = None if changes["delete"] else current
    if changes["create"]:
        after = {"Id": None, "HostedZoneId": hosted_zone, "CloudWatchLogsLogGroupArn": wanted_arn}
    if not module.check_mode:
        if changes["delete"]:
            delete_config(client, current["Id"])
        if changes["create"]:
            after = create_config(client, hosted_zone, wanted_arn)
    return dict(
        changed=bool(changes["delete"] or changes["create"]),
        query_logging_config=snake_result(after),
        diff={"before": view(current), "after": view(after)},
    )


def main() -> None:
    argument_spec = dict(
        hosted_zone_id=dict(type="str", required=True),
        log_group_arn=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec, required_if=[("state", "present", ["log_group_arn"])], supports_check_mode=True
    )
    params = module.params
    hosted_zone = zone_id(params["hosted_zone_id"])
    wanted_arn = params["log_group_arn"] if params["state"] == "present" else None
    if wanted_arn is not None and ":logs:us-east-1:" not in wanted_arn:
        module.fail_json(msg=f"log_group_arn={wanted_arn} must be a log group in us-east-1: Route 53 logs only there")
    client = module.retrying_client("route53", extra_codes=RETRY_CODES)
    run_and_exit(module, lambda: reconcile(module, client, hosted_zone, wanted_arn), diff_mode_only=True)


if __name__ == "__main__":
    main()

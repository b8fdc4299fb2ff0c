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
    Logs resource policy lets C(route53.amazonaws.com) create log streams and put log events in it;
    CreateQueryLoggingConfig fails with C(InsufficientCloudWatchLogsResourcePolicy) without one. The module runs its
    Route 53 calls against Route 53, which is global; O(log_group_arn) decides where the logs go.
  - O(resource_policy) reconciles that resource policy in the same call, as the Route 53 console does, in us-east-1
    whatever O(region) is (one DescribeResourcePolicies listing; PutResourcePolicy only when the policy is absent or
    differs in meaning), before the configuration is created. When the policy was put by this call and Route 53
    does not see it yet, CreateQueryLoggingConfig is tried again every 5 seconds for at most 60 seconds while it
    answers C(InsufficientCloudWatchLogsResourcePolicy). M(multiregion.serverless.cloudwatchlogs_resource_policy)
    manages the same policy on its own.
  - The configuration is found by listing every configuration of the account and keeping the zone's, not with
    ListQueryLoggingConfigs' HostedZoneId filter (the local endpoint answers that filter with NoSuchHostedZone).
  - Security Hub's control Route53.2 asks for query logging on every public hosted zone.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  hosted_zone_id:
    description:
      - Id of the public hosted zone, with or without the C(/hostedzone/) prefix.
      - Required, except with O(state=absent) and O(resource_policy.state=absent), where without it only the resource
        policy is deleted (a zone already gone).
    type: str
  log_group_arn:
    description:
      - ARN of the log group in us-east-1, for example
        V(arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*). Compared without a trailing
        V(:*). Required with O(state=present).
    type: str
  resource_policy:
    description:
      - The CloudWatch Logs resource policy (in us-east-1) that lets Route 53 write the zone's query logs.
      - Left out, no resource policy is read or written.
    type: dict
    suboptions:
      name:
        description:
          - Name of the resource policy. An account has at most 10 resource policies per region, so give each
            deployment its own and scope it to its own log group.
        type: str
        required: true
      policy:
        description:
          - The policy, as a dict or a JSON string; compared by meaning (key order, a single value or a list of one),
            not as text. Required when the policy is to be present.
        type: json
      state:
        description:
          - V(present) puts the policy when it is absent or differs, before the configuration is created.
          - V(absent) deletes it, after the configuration is deleted; only with O(state=absent).
          - Left out, V(present) with O(state=present); with O(state=absent) the policy is left alone (another zone's
            configuration may rely on it).
        type: str
        choices: [present, absent]
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

- name: Log the zone's queries, with the resource policy Route 53 needs to write them, in one call
  multiregion.serverless.route53_query_logging_config:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    log_group_arn: arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*
    resource_policy:
      name: example-route53-query-logs
      policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: route53.amazonaws.com}
            Action: [logs:CreateLogStream, logs:PutLogEvents]
            Resource: arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*
            Condition:
              ArnLike: {aws:SourceArn: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"}
              StringEquals: {aws:SourceAccount: "123456789012"}

- name: Stop logging them
  multiregion.serverless.route53_query_logging_config:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    state: absent

- name: Stop logging them and delete the resource policy
  multiregion.serverless.route53_query_logging_config:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    resource_policy:
      name: example-route53-query-logs
      state: absent
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
resource_policy:
  description: The resource policy as put or found; empty when deleted or absent.
  returned: when O(resource_policy) is given and not left alone
  type: dict
  contains:
    policy_name:
      description: Its name.
      type: str
      sample: example-route53-query-logs
    policy_document:
      description: The policy, as JSON text.
      type: str
"""

from typing import Optional

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.multiregion.serverless.plugins.module_utils import _resource_policy
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import RETRY_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import zone_id
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result

Route53ErrorHandler = error_handler(["NoSuchQueryLoggingConfig"])
# Route 53 may not see a resource policy put a moment ago: CreateQueryLoggingConfig is tried again for this long
# after this call put the policy, and only then.
POLICY_PROPAGATION = "InsufficientCloudWatchLogsResourcePolicy"
POLICY_PROPAGATION_TIMEOUT = 60
POLICY_PROPAGATION_DELAY = 5
# CloudWatch Logs resource policies that Route 53 reads live with the log group, in us-east-1.
LOGS_REGION = "us-east-1"


# --- pure functions ---------------------------------------------------------------------------------------


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


def policy_state(state: str, resource_policy: Optional[dict]) -> Optional[str]:
    """What becomes of the resource policy: V(present), V(absent), or None (left alone, no call)."""
    if not resource_policy:
        return None
    if resource_policy.get("state"):
        return resource_policy["state"]
    return "present" if state == "present" else None


def validate(params: dict) -> list[str]:
    """Every input error, each naming its option."""
    errors = []
    state = params["state"]
    wanted_arn = params.get("log_group_arn")
    if state == "present" and wanted_arn and f":logs:{LOGS_REGION}:" not in wanted_arn:
        errors.append(f"log_group_arn={wanted_arn} must be a log group in us-east-1: Route 53 logs only there")
    policy = params.get("resource_policy")
    kept = policy_state(state, policy)
    if kept == "present" and not (policy or {}).get("policy"):
        errors.append("resource_policy.policy is required when the resource policy is to be present")
    elif kept == "present":
        try:
            _resource_policy.load(policy["policy"])
        except ValueError as e:
            errors.append(f"resource_policy.policy is not a JSON policy document: {e}")
    if kept == "absent" and state == "present":
        errors.append(
            "resource_policy.state=absent needs state=absent: Route 53 cannot log without the policy it writes by"
        )
    if not params.get("hosted_zone_id") and kept != "absent":
        errors.append("hosted_zone_id is required unless state=absent and resource_policy.state=absent")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@Route53ErrorHandler.list_error_handler("list query logging configurations", [])
def list_configs(client) -> list[dict]:
    return paginate(client, "list_query_logging_configs").get("QueryLoggingConfigs", [])


@Route53ErrorHandler.common_error_handler("create the query logging configuration of zone {hosted_zone_id}")
def create_config(client, hosted_zone_id: str, log_group_arn: str, policy_just_put: bool = False) -> dict:
    """CreateQueryLoggingConfig; when this call has just put the resource policy, tried again for a bounded time
    while Route 53 answers InsufficientCloudWatchLogsResourcePolicy (it does not see the new policy yet)."""
    deadline = _now() + POLICY_PROPAGATION_TIMEOUT
    while True:
        try:
            return client.create_query_logging_config(
                HostedZoneId=hosted_zone_id, CloudWatchLogsLogGroupArn=log_group_arn, aws_retry=True
            )["QueryLoggingConfig"]
        except botocore.exceptions.ClientError as e:
            if not (policy_just_put and is_not_found(e, [POLICY_PROPAGATION])):
                raise
            if _now() + POLICY_PROPAGATION_DELAY > deadline:
                raise
        _sleep(POLICY_PROPAGATION_DELAY)


@Route53ErrorHandler.deletion_error_handler("delete query logging configuration {config_id}")
def delete_config(client, config_id: str) -> bool:
    client.delete_query_logging_config(Id=config_id, aws_retry=True)
    return True


# --- the story --------------------------------------------------------------------------------------------


def view(config: Optional[dict]) -> dict:
    if not config:
        return {}
    return {"hosted_zone_id": config.get("HostedZoneId"), "log_group_arn": config.get("CloudWatchLogsLogGroupArn")}


def with_policy(config_view: dict, policy: Optional[dict]) -> dict:
    """A diff side: the configuration, and the resource policy when there is one."""
    return dict(config_view, resource_policy=policy) if policy else config_view


def reconcile(
    module, client, hosted_zone: Optional[str], wanted_arn: Optional[str], logs=None, policy: Optional[dict] = None
) -> dict:
    """The zone's configuration made to log to ``wanted_arn`` (None: to log nowhere), with the resource policy
    ``policy`` (``name`` and the wanted ``document``, None to delete it) put before a configuration is created and
    deleted after the configuration is; no resource policy call when ``logs`` is None."""
    reconciled_policy: dict = {"changed": False, "put": False, "before": {}, "after": {}}
    if logs is not None and policy["document"] is not None:
        reconciled_policy = _resource_policy.reconcile(logs, policy["name"], policy["document"], module.check_mode)
    current: Optional[dict] = None
    changes = {"delete": False, "create": False}
    if hosted_zone:
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
            after = create_config(client, hosted_zone, wanted_arn, policy_just_put=reconciled_policy["put"])
    if logs is not None and policy["document"] is None:
        reconciled_policy = _resource_policy.reconcile(logs, policy["name"], None, module.check_mode)
    result = dict(
        changed=bool(changes["delete"] or changes["create"] or reconciled_policy["changed"]),
        query_logging_config=snake_result(after),
        diff={
            "before": with_policy(view(current), reconciled_policy["before"]),
            "after": with_policy(view(after), reconciled_policy["after"]),
        },
    )
    if logs is not None:
        result["resource_policy"] = reconciled_policy.get("resource_policy", {})
    return result


def main() -> None:
    argument_spec = dict(
        hosted_zone_id=dict(type="str"),
        log_group_arn=dict(type="str"),
        resource_policy=dict(
            type="dict",
            options=dict(
                name=dict(type="str", required=True),
                policy=dict(type="json"),
                state=dict(type="str", choices=["present", "absent"]),
            ),
        ),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["hosted_zone_id", "log_group_arn"])],
        supports_check_mode=True,
    )
    params = module.params
    module.fail_on_errors(validate(params))
    hosted_zone = zone_id(params["hosted_zone_id"]) if params.get("hosted_zone_id") else None
    wanted_arn = params["log_group_arn"] if params["state"] == "present" else None
    client = module.retrying_client("route53", extra_codes=RETRY_CODES)
    kept = policy_state(params["state"], params.get("resource_policy"))
    logs = None
    policy = None
    if kept is not None:
        logs = module.retrying_client("logs", region=LOGS_REGION)
        document = _resource_policy.load(params["resource_policy"]["policy"]) if kept == "present" else None
        policy = {"name": params["resource_policy"]["name"], "document": document}
    run_and_exit(module, lambda: reconcile(module, client, hosted_zone, wanted_arn, logs, policy), diff_mode_only=True)


if __name__ == "__main__":
    main()

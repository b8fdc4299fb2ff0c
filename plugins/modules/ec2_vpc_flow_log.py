#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: ec2_vpc_flow_log
short_description: Manage a VPC flow log
version_added: 0.1.0
description:
  - Creates, replaces, tags and deletes a flow log on a VPC, subnet, network interface, transit gateway or
    transit gateway attachment.
  - A flow log is identified by O(resource_id), its destination (O(log_group_name) or O(log_destination))
    and O(traffic_type). A log group given by name and the same log group given by ARN are the same destination.
  - Flow logs cannot be modified apart from their tags. When an existing flow log differs in
    O(deliver_logs_permission_arn), O(max_aggregation_interval), O(log_format) or O(destination_options),
    the module creates the new flow log first and then deletes the old one, and returns RV(replaced=true).
    Should the API refuse a second flow log with the same identity, the old one is deleted first.
  - An option left out is left alone, also across a replacement; the new flow log takes the old one's value.
  - Where more than one flow log with the same identity exists (left over from an interrupted replacement),
    one is kept and the others are deleted.
  - Uses the EC2 CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs, CreateTags and DeleteTags APIs.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  state:
    description: Whether the flow log should exist.
  resource_id:
    description: The id of the VPC, subnet, network interface, transit gateway or transit gateway attachment.
    type: str
    required: true
  resource_type:
    description: The kind of resource O(resource_id) names. Only used when creating.
    type: str
    choices: [VPC, Subnet, NetworkInterface, TransitGateway, TransitGatewayAttachment]
    default: VPC
  traffic_type:
    description: The traffic to log.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  log_destination_type:
    description: Where the flow log delivers its records.
    type: str
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
    default: cloud-watch-logs
  log_group_name:
    description:
      - The CloudWatch Logs log group, for O(log_destination_type=cloud-watch-logs).
      - Mutually exclusive with O(log_destination).
    type: str
  log_destination:
    description:
      - The ARN of the destination, a log group, an S3 bucket (optionally with a folder) or a Firehose
        delivery stream, according to O(log_destination_type).
      - Required unless O(log_destination_type=cloud-watch-logs) and O(log_group_name) is given.
    type: str
  deliver_logs_permission_arn:
    description:
      - The IAM role the flow logs service assumes to deliver the records.
      - Required for O(log_destination_type=cloud-watch-logs) when O(state=present); not supported for
        O(log_destination_type=s3).
    type: str
  max_aggregation_interval:
    description: The longest time, in seconds, over which a flow is aggregated into one record.
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description:
      - The fields of a flow log record, for example C(${version} ${interface-id} ${srcaddr} ${dstaddr} ${action}).
      - When omitted, a new flow log gets the AWS default format and an existing one keeps its own.
    type: str
  destination_options:
    description: How records are written, for O(log_destination_type=s3) only.
    type: dict
    suboptions:
      file_format:
        description: The format of the log files; AWS uses C(plain-text) when omitted.
        type: str
        choices: [plain-text, parquet]
      hive_compatible_partitions:
        description: Whether to use Hive-compatible prefixes; AWS uses C(false) when omitted.
        type: bool
      per_hour_partition:
        description: Whether to partition per hour instead of per day; AWS uses C(false) when omitted.
        type: bool
  wait:
    description: Whether to wait until a created flow log can be described.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait, in seconds.
    type: int
    default: 60
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
notes:
  - The role in O(deliver_logs_permission_arn) must trust C(vpc-flow-logs.amazonaws.com) and may write only
    to the log group; see the examples.
  - A KMS-encrypted log group needs a key policy that lets C(logs.<region>.amazonaws.com) use the key.
"""

EXAMPLES = r"""
# Per region: ALL traffic of the VPC, 60 s aggregation, to a KMS-encrypted log group through a role that can
# only write to that log group.
- name: Key for the flow log group
  amazon.aws.kms_key:
    alias: alias/vpc-flow-logs
    enable_key_rotation: true
    policy: "{{ lookup('ansible.builtin.template', 'flow-log-key-policy.json.j2') }}"
    # The policy allows logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*,
    # kms:GenerateDataKey* and kms:Describe* on condition kms:EncryptionContext:aws:logs:arn matching
    # arn:aws:logs:<region>:<account>:log-group:/vpc/flow-logs.
  register: flow_log_key

- name: Log group for the flow log
  amazon.aws.cloudwatchlogs_log_group:
    log_group_name: /vpc/flow-logs
    kms_key_id: "{{ flow_log_key.key_arn }}"
    retention: 90
  register: flow_log_group

- name: Role the flow logs service assumes
  amazon.aws.iam_role:
    name: "vpc-flow-logs-{{ aws_region }}"
    assume_role_policy_document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: vpc-flow-logs.amazonaws.com}
          Action: sts:AssumeRole
          Condition:
            StringEquals: {"aws:SourceAccount": "{{ account_id }}"}
            ArnLike: {"aws:SourceArn": "arn:aws:ec2:{{ aws_region }}:{{ account_id }}:vpc-flow-log/*"}
  register: flow_log_role

- name: Let it write to that log group only (no logs:CreateLogGroup, so a deleted group is not recreated unencrypted)
  amazon.aws.iam_policy:
    iam_type: role
    iam_name: "vpc-flow-logs-{{ aws_region }}"
    policy_name: write-flow-log-group
    policy_json:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: [logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams]
          Resource: "arn:aws:logs:{{ aws_region }}:{{ account_id }}:log-group:/vpc/flow-logs:*"
        - Effect: Allow
          Action: logs:DescribeLogGroups
          Resource: "arn:aws:logs:{{ aws_region }}:{{ account_id }}:log-group:*"

- name: Flow log of all traffic in the VPC
  multiregion.serverless.ec2_vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    resource_type: VPC
    traffic_type: ALL
    log_destination_type: cloud-watch-logs
    log_group_name: /vpc/flow-logs
    deliver_logs_permission_arn: "{{ flow_log_role.iam_role.arn }}"
    max_aggregation_interval: 60
    tags:
      Name: vpc-flow-log
  register: flow_log

- name: Rejected traffic of one subnet to S3, as Parquet, partitioned per hour
  multiregion.serverless.ec2_vpc_flow_log:
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::example-flow-logs/rejected/
    destination_options:
      file_format: parquet
      per_hour_partition: true

- name: Remove the flow log
  multiregion.serverless.ec2_vpc_flow_log:
    state: absent
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: /vpc/flow-logs
"""

RETURN = r"""
flow_log:
  description: The flow log; empty when O(state=absent). In check mode, RV(flow_log.flow_log_id) of a flow log
    still to be created is null.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: The flow log's id.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The monitored resource.
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The traffic logged.
      type: str
      sample: ALL
    log_destination_type:
      description: The kind of destination.
      type: str
      sample: cloud-watch-logs
    log_group_name:
      description: The log group, for a CloudWatch Logs destination given by name.
      type: str
      sample: /vpc/flow-logs
    log_destination:
      description: The destination's ARN.
      type: str
      sample: arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs
    deliver_logs_permission_arn:
      description: The role that delivers the records.
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs-eu-west-1
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      type: int
      sample: 60
    log_format:
      description: The record format.
      type: str
      sample: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol}
        ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
    destination_options:
      description: File format and partitioning, for S3 destinations; null otherwise.
      type: dict
      sample: {"file_format": "parquet", "hive_compatible_partitions": false, "per_hour_partition": true}
    flow_log_status:
      description: The flow log's status.
      type: str
      sample: ACTIVE
    deliver_logs_status:
      description: Whether delivery works (V(SUCCESS) or V(FAILED)).
      type: str
      returned: when AWS reports it
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why delivery fails, for example C(Access error) when the role cannot write.
      type: str
      returned: when delivery fails
    creation_time:
      description: When the flow log was created (ISO 8601).
      type: str
      returned: when AWS reports it
    tags:
      description: The flow log's tags.
      type: dict
      sample: {"Name": "vpc-flow-log"}
replaced:
  description: Whether an existing flow log was replaced because an attribute fixed at creation differed.
  returned: always
  type: bool
  sample: false
replaced_attributes:
  description: The options whose difference forced the replacement.
  returned: always
  type: list
  elements: str
  sample: ["max_aggregation_interval"]
deleted_flow_log_ids:
  description: The flow logs deleted (or, in check mode, to be deleted).
  returned: always
  type: list
  elements: str
  sample: ["fl-0123456789abcdef0"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.multiregion.serverless.plugins.module_utils import _flow_logs as fl
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import retag
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["present", "absent"], default="present"),
    resource_id=dict(type="str", required=True),
    resource_type=dict(
        type="str",
        choices=["VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment"],
        default="VPC",
    ),
    traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"], default="ALL"),
    log_destination_type=dict(
        type="str", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"], default="cloud-watch-logs"
    ),
    log_group_name=dict(type="str"),
    log_destination=dict(type="str"),
    deliver_logs_permission_arn=dict(type="str"),
    max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
    log_format=dict(type="str"),
    destination_options=dict(
        type="dict",
        options=dict(
            file_format=dict(type="str", choices=["plain-text", "parquet"]),
            hive_compatible_partitions=dict(type="bool"),
            per_hour_partition=dict(type="bool"),
        ),
    ),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=60),
)


def wait_until_described(client, flow_log_id, timeout):
    return wait_for(
        lambda: fl.describe_flow_logs(client, flow_log_ids=[flow_log_id]),
        bool,
        f"flow log {flow_log_id} to be described",
        timeout=timeout,
        delay=2,
    )


def create_replacing(client, request, replaced_ids):
    """Create the new flow log, then delete the ones it replaces; delete first if the API insists."""
    try:
        new_id = fl.create_flow_log(client, request)
    except is_ansible_aws_error_code("FlowLogAlreadyExists"):
        if not replaced_ids:
            raise
        fl.delete_flow_logs(client, replaced_ids)
        return fl.create_flow_log(client, request)
    fl.delete_flow_logs(client, replaced_ids)
    return new_id


def ensure_present(module, client, wanted):
    params = module.params
    matches = fl.find_matching(client, wanted)
    plan = fl.plan_present(matches, wanted, params["tags"], params["purge_tags"])
    changed = fl.plan_changes(plan)
    before = plan["keep"] or plan["replaces"]

    if plan["action"] == "keep":
        after = dict(plan["keep"], Tags=fl.tags_to_boto3(plan["tags"]))
        if not module.check_mode:
            fl.delete_flow_logs(client, plan["delete"])
            retag(client, plan["keep"]["FlowLogId"], "flow log", (plan["tags_to_set"], plan["tags_to_remove"]))
    else:
        request = fl.create_request(plan["spec"], params["resource_type"], plan["tags"])
        after = fl.predicted_flow_log(plan["spec"], plan["tags"])
        if not module.check_mode:
            new_id = create_replacing(client, request, plan["delete"])
            after = fl.predicted_flow_log(plan["spec"], plan["tags"], new_id)
            described = (
                wait_until_described(client, new_id, params["wait_timeout"])
                if params["wait"]
                else fl.describe_flow_logs(client, flow_log_ids=[new_id])
            )
            if described:
                after = described[0]

    result = {
        "changed": changed,
        "replaced": plan["action"] == "replace",
        "replaced_attributes": plan["differences"],
        "deleted_flow_log_ids": plan["delete"],
        "flow_log": fl.flow_log_result(after),
    }
    if module._diff:
        result["diff"] = diff(before, after, plan)
    return result


def ensure_absent(module, client, wanted):
    matches = fl.find_matching(client, wanted)
    ids = [m["FlowLogId"] for m in matches]
    if ids and not module.check_mode:
        fl.delete_flow_logs(client, ids)
    result = {
        "changed": bool(ids),
        "replaced": False,
        "replaced_attributes": [],
        "deleted_flow_log_ids": ids,
        "flow_log": {},
    }
    if module._diff:
        result["diff"] = {
            "before": fl.diff_view(fl.flow_log_result(matches[0])) if matches else {},
            "after": {},
        }
    return result


def diff(before, after, plan):
    result = {
        "before": fl.diff_view(fl.flow_log_result(before)) if before else {},
        "after": fl.diff_view(fl.flow_log_result(after)),
    }
    if plan["action"] == "replace":
        result["before_header"] = f"flow log {before['FlowLogId']} (deleted)"
        result["after_header"] = (
            f"new flow log replacing {before['FlowLogId']} ({', '.join(plan['differences'])} cannot be changed)"
        )
    return result


def main():
    module = MultiregionAWSModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[["log_group_name", "log_destination"]],
        required_if=[("log_destination_type", "cloud-watch-logs", ("log_group_name", "log_destination"), True)],
        supports_check_mode=True,
    )
    module.fail_on_errors(fl.validate_params(module.params))

    client = module.retrying_client("ec2")
    wanted = fl.wanted_flow_log(module.params)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, wanted)


if __name__ == "__main__":
    main()

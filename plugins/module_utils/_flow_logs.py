# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""VPC flow logs: describe, compare, create, tag and delete.

A flow log is identified by its resource, its destination (log group or ARN) and its traffic type. Every
other attribute is fixed at creation, so a flow log that differs in one of them is replaced; only tags can
be changed in place. The comparison functions here are pure, so check mode and diff predict exactly what
a real run does.
"""

from __future__ import annotations

import uuid
from typing import Any

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import with_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import given_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3

NOT_FOUND_CODES = ("InvalidFlowLogId.NotFound",)
FlowLogErrors = error_handler(NOT_FOUND_CODES)

CLOUDWATCH = "cloud-watch-logs"
S3 = "s3"
FIREHOSE = "kinesis-data-firehose"

# The record format AWS gives a flow log created without LogFormat (the version 2 default fields).
DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)

# Attributes fixed at creation that the user can choose, as (API key, option name).
IMMUTABLE = (
    ("DeliverLogsPermissionArn", "deliver_logs_permission_arn"),
    ("MaxAggregationInterval", "max_aggregation_interval"),
    ("LogFormat", "log_format"),
    ("DestinationOptions", "destination_options"),
)

DESTINATION_OPTIONS = (
    ("FileFormat", "file_format"),
    ("HiveCompatiblePartitions", "hive_compatible_partitions"),
    ("PerHourPartition", "per_hour_partition"),
)

RESULT_KEYS = (
    "flow_log_id",
    "resource_id",
    "traffic_type",
    "log_destination_type",
    "log_group_name",
    "log_destination",
    "deliver_logs_permission_arn",
    "max_aggregation_interval",
    "log_format",
    "destination_options",
    "flow_log_status",
    "tags",
)
OPTIONAL_RESULT_KEYS = ("deliver_logs_status", "deliver_logs_error_message", "creation_time")


# ---------------------------------------------------------------------------------------------------------
# Pure functions


def log_group_name_from_arn(arn: str | None) -> str | None:
    """The log group name in a CloudWatch Logs log group ARN (with or without the trailing ``:*``)."""
    if not arn:
        return None
    parts = arn.split(":", 6)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group" or not parts[6]:
        return None
    name = parts[6]
    return name[:-2] if name.endswith(":*") else name


def destination_key(flow_log: dict) -> tuple[str, str | None]:
    """What a flow log delivers to, comparable whether it was given as a log group name or an ARN."""
    kind = flow_log.get("LogDestinationType") or CLOUDWATCH
    if kind == CLOUDWATCH:
        return kind, flow_log.get("LogGroupName") or log_group_name_from_arn(flow_log.get("LogDestination"))
    destination = flow_log.get("LogDestination")
    return kind, destination.rstrip("/") if destination else destination


def same_identity(existing: dict, wanted: dict) -> bool:
    return (
        existing.get("ResourceId") == wanted["ResourceId"]
        and existing.get("TrafficType") == wanted["TrafficType"]
        and destination_key(existing) == destination_key(wanted)
    )


def wanted_flow_log(params: dict) -> dict:
    """The flow log the options describe, API-shaped, with only the attributes the user chose."""
    wanted: dict[str, Any] = {
        "ResourceId": params["resource_id"],
        "TrafficType": params["traffic_type"],
        "LogDestinationType": params["log_destination_type"],
    }
    optional = {
        "log_group_name": "LogGroupName",
        "log_destination": "LogDestination",
        "deliver_logs_permission_arn": "DeliverLogsPermissionArn",
        "max_aggregation_interval": "MaxAggregationInterval",
        "log_format": "LogFormat",
    }
    wanted.update(given_options(params, optional, keep_falsy=["max_aggregation_interval"]))
    options = params.get("destination_options") or {}
    chosen = {key: options[name] for key, name in DESTINATION_OPTIONS if options.get(name) is not None}
    if chosen:
        wanted["DestinationOptions"] = chosen
    return wanted


def validate_params(params: dict) -> list[str]:
    """Combinations of options the API would refuse, or that leave the flow log unidentifiable, beyond the
    module's ``required_if`` (a cloud-watch-logs flow log needs log_group_name or log_destination). A missing
    log_destination for the other types is checked here, beside log_group_name given for them, so the message
    says both."""
    errors = []
    kind = params["log_destination_type"]
    if kind == CLOUDWATCH:
        if params.get("log_destination") and not log_group_name_from_arn(params["log_destination"]):
            errors.append(
                "log_destination must be a CloudWatch Logs log group ARN when log_destination_type=cloud-watch-logs"
            )
        if params.get("state") == "present" and not params.get("deliver_logs_permission_arn"):
            errors.append("log_destination_type=cloud-watch-logs needs deliver_logs_permission_arn")
    else:
        if params.get("log_group_name"):
            errors.append(f"log_group_name is only for cloud-watch-logs; give log_destination for {kind}")
        if not params.get("log_destination"):
            errors.append(f"log_destination_type={kind} needs log_destination (an ARN)")
    if kind == S3 and params.get("deliver_logs_permission_arn"):
        errors.append("deliver_logs_permission_arn is not supported when log_destination_type=s3")
    if kind != S3 and any(v is not None for v in (params.get("destination_options") or {}).values()):
        errors.append("destination_options apply to log_destination_type=s3 only")
    return errors


def immutable_differences(existing: dict, wanted: dict) -> list[str]:
    """Option names whose wanted value differs from the existing flow log's; they force a replacement."""
    differences = []
    for key, name in IMMUTABLE:
        if key not in wanted:
            continue
        if key == "DestinationOptions":
            current = existing.get(key) or {}
            if any(current.get(k) != v for k, v in wanted[key].items()):
                differences.append(name)
        elif existing.get(key) != wanted[key]:
            differences.append(name)
    return differences


def replacement_spec(wanted: dict, existing: dict | None) -> dict:
    """The flow log to create: what the user chose, and what the replaced one had for the rest."""
    spec = dict(wanted)
    if existing:
        for key, _name in IMMUTABLE:
            if key not in spec and existing.get(key) is not None:
                if key == "DestinationOptions" and spec["LogDestinationType"] != S3:
                    continue
                spec[key] = existing[key]
        if "DestinationOptions" in wanted and existing.get("DestinationOptions"):
            spec["DestinationOptions"] = {**existing["DestinationOptions"], **wanted["DestinationOptions"]}
    return spec


def tags_for_new(existing_tags: dict | None, wanted_tags: dict | None, purge: bool) -> dict:
    """Tags for a created flow log; a replacement keeps the replaced one's tags unless told otherwise."""
    current = existing_tags or {}
    if wanted_tags is None:
        return dict(current)
    if purge:
        return dict(wanted_tags)
    return {**current, **wanted_tags}


def plan_present(matches: list[dict], wanted: dict, wanted_tags: dict | None, purge_tags: bool) -> dict:
    """What to do so that exactly one flow log with ``wanted``'s identity and attributes exists.

    ``matches`` are the existing flow logs with the same identity (more than one is left behind only by an
    interrupted replacement). Returns ``{"action": "create"|"replace"|"keep", "keep", "replaces", "delete",
    "differences", "spec", "tags", "tags_to_set", "tags_to_remove"}``.
    """
    ordered = sorted(matches, key=lambda f: (str(f.get("CreationTime") or ""), f.get("FlowLogId") or ""))
    conforming = [f for f in ordered if not immutable_differences(f, wanted)]
    plan: dict[str, Any] = {"keep": None, "replaces": None, "differences": [], "tags_to_set": {}, "tags_to_remove": []}
    if conforming:
        keep = conforming[0]
        current_tags = tags_from_boto3(keep.get("Tags"))
        to_set, to_remove = tag_changes(current_tags, wanted_tags, purge_tags)
        plan.update(
            action="keep",
            keep=keep,
            delete=[f["FlowLogId"] for f in ordered if f is not keep],
            spec=None,
            tags=tags_for_new(current_tags, wanted_tags, purge_tags),
            tags_to_set=to_set,
            tags_to_remove=sorted(to_remove),
        )
        return plan
    replaced = ordered[0] if ordered else None
    replaced_tags = tags_from_boto3(replaced.get("Tags")) if replaced else None
    plan.update(
        action="replace" if replaced else "create",
        replaces=replaced,
        delete=[f["FlowLogId"] for f in ordered],
        differences=immutable_differences(replaced, wanted) if replaced else [],
        spec=replacement_spec(wanted, replaced),
        tags=tags_for_new(replaced_tags, wanted_tags, purge_tags),
    )
    return plan


def plan_changes(plan: dict) -> bool:
    return plan["action"] != "keep" or bool(plan["delete"] or plan["tags_to_set"] or plan["tags_to_remove"])


def create_request(spec: dict, resource_type: str, tags: dict) -> dict:
    """CreateFlowLogs parameters for one flow log."""
    request: dict[str, Any] = {
        "ResourceIds": [spec["ResourceId"]],
        "ResourceType": resource_type,
        "TrafficType": spec["TrafficType"],
        "LogDestinationType": spec["LogDestinationType"],
    }
    for key in (
        "LogGroupName",
        "LogDestination",
        "DeliverLogsPermissionArn",
        "MaxAggregationInterval",
        "LogFormat",
        "DestinationOptions",
    ):
        if spec.get(key) is not None:
            request[key] = spec[key]
    return with_tags(request, "vpc-flow-log", tags)


def flow_log_result(flow_log: dict | None) -> dict:
    """A described flow log as the modules return it: snake_case keys, tags as a dict."""
    if not flow_log:
        return {}
    result: dict[str, Any] = {
        "flow_log_id": flow_log.get("FlowLogId"),
        "resource_id": flow_log.get("ResourceId"),
        "traffic_type": flow_log.get("TrafficType"),
        "log_destination_type": flow_log.get("LogDestinationType"),
        "log_group_name": flow_log.get("LogGroupName"),
        "log_destination": flow_log.get("LogDestination"),
        "deliver_logs_permission_arn": flow_log.get("DeliverLogsPermissionArn"),
        "max_aggregation_interval": flow_log.get("MaxAggregationInterval"),
        "log_format": flow_log.get("LogFormat"),
        "destination_options": _snake_options(flow_log.get("DestinationOptions")),
        "flow_log_status": flow_log.get("FlowLogStatus"),
        "tags": tags_from_boto3(flow_log.get("Tags")),
    }
    for key, api_key in (
        ("deliver_logs_status", "DeliverLogsStatus"),
        ("deliver_logs_error_message", "DeliverLogsErrorMessage"),
        ("creation_time", "CreationTime"),
    ):
        if flow_log.get(api_key) is not None:
            value = flow_log[api_key]
            result[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return result


def _snake_options(options: dict | None) -> dict | None:
    if not options:
        return None
    return {name: options[key] for key, name in DESTINATION_OPTIONS if key in options}


def predicted_flow_log(spec: dict, tags: dict, flow_log_id: str | None = None) -> dict:
    """The flow log a CreateFlowLogs request makes, as DescribeFlowLogs would show it."""
    predicted = {
        "FlowLogId": flow_log_id,
        "MaxAggregationInterval": 600,
        "LogFormat": DEFAULT_LOG_FORMAT,
        **spec,
        "FlowLogStatus": "ACTIVE",
        "Tags": tags_to_boto3(tags),
    }
    if spec["LogDestinationType"] == S3:
        predicted["DestinationOptions"] = {
            "FileFormat": "plain-text",
            "HiveCompatiblePartitions": False,
            "PerHourPartition": False,
            **(spec.get("DestinationOptions") or {}),
        }
    return predicted


def diff_view(flow_log: dict) -> dict:
    """The configuration part of a result, for diffs: status and timestamps are not the user's to change."""
    return {key: flow_log[key] for key in RESULT_KEYS if key in flow_log and key != "flow_log_status"}


def unsuccessful_message(items: list[dict]) -> str:
    parts = []
    for item in items:
        error = item.get("Error") or {}
        parts.append(f"{item.get('ResourceId', '?')}: {error.get('Code', '?')}: {error.get('Message', '')}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Calls


def _describe_all(client, **params: Any) -> list[dict]:
    return paginate(client, "describe_flow_logs", **params).get("FlowLogs", [])


@FlowLogErrors.list_error_handler("describe flow logs", default_value=[])
def describe_flow_logs(client, filters: list[dict] | None = None, flow_log_ids: list[str] | None = None):
    params: dict[str, Any] = {}
    if filters:
        params["Filter"] = filters
    if flow_log_ids:
        params["FlowLogIds"] = flow_log_ids
    return _describe_all(client, **params)


def find_matching(client, wanted: dict) -> list[dict]:
    """Existing flow logs with ``wanted``'s identity.

    The API filters by resource and traffic type; a destination given as an ARN has no filter, and a log
    group may be recorded by name or by ARN, so the destination is compared here.
    """
    filters = [
        {"Name": "resource-id", "Values": [wanted["ResourceId"]]},
        {"Name": "traffic-type", "Values": [wanted["TrafficType"]]},
    ]
    return [f for f in describe_flow_logs(client, filters=filters) if same_identity(f, wanted)]


@FlowLogErrors.common_error_handler("create flow log for {request[ResourceIds][0]}")
def create_flow_log(client, request: dict) -> str:
    response = client.create_flow_logs(ClientToken=str(uuid.uuid4()), aws_retry=True, **request)
    failures = response.get("Unsuccessful") or []
    ids = response.get("FlowLogIds") or []
    if failures or not ids:
        raise MultiregionAWSError(
            message=f"Failed to create flow log for {request['ResourceIds'][0]}: "
            + (unsuccessful_message(failures) or "no flow log id returned")
        )
    return ids[0]


@FlowLogErrors.common_error_handler("delete flow logs {flow_log_ids}")
def delete_flow_logs(client, flow_log_ids: list[str]) -> None:
    if not flow_log_ids:
        return
    try:
        response = client.delete_flow_logs(FlowLogIds=flow_log_ids, aws_retry=True)
    except FlowLogErrors._is_missing():
        # Already gone, which is what was asked.
        return
    failures = [
        item for item in response.get("Unsuccessful") or [] if item.get("Error", {}).get("Code") not in NOT_FOUND_CODES
    ]
    if failures:
        raise MultiregionAWSError(message=f"Failed to delete flow logs: {unsuccessful_message(failures)}")

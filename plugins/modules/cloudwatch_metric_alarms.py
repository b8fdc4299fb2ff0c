#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarms
short_description: Reconcile a list of CloudWatch metric alarms in one call
version_added: 0.1.0
description:
  - Creates, updates or deletes a list of CloudWatch metric alarms of one region in one task, reading them with
    C(DescribeAlarms) by name (100 names a call) and writing with C(PutMetricAlarm) only the alarms that differ.
  - A loop of C(amazon.aws.cloudwatch_metric_alarm) costs one module process per alarm; this module costs one for
    the whole list, with the same comparison of each alarm, check mode and diff.
  - C(PutMetricAlarm) replaces an alarm's whole configuration, so an option left out of an alarm is its AWS
    default (no unit, no description, C(treat_missing_data=missing)), as with C(amazon.aws.cloudwatch_metric_alarm).
  - With O(purge=true), the metric alarms whose name starts with O(purge_prefix) and that are not in O(alarms) are
    deleted (C(DeleteAlarms), 100 names a call).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  alarms:
    description:
      - The alarms. With O(state=absent) only their C(name) is used.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The alarm's name, unique in the region.
        type: str
        required: true
      description:
        description: The alarm's description.
        type: str
      namespace:
        description: The metric's namespace, for example C(AWS/Lambda). Required with O(alarms[].metric_name).
        type: str
      metric_name:
        description:
          - The metric. One of O(alarms[].metric_name) and O(alarms[].metrics) is required with O(state=present).
        type: str
        aliases: [metric]
      statistic:
        description: The statistic of O(alarms[].metric_name); exclusive with O(alarms[].extended_statistic).
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      extended_statistic:
        description: A percentile or other extended statistic, for example C(p99).
        type: str
      dimensions:
        description: The metric's dimensions, name to value.
        type: dict
      period:
        description:
          - Seconds per evaluated period (10, 20, 30 or a multiple of 60). Required with O(alarms[].metric_name).
        type: int
      unit:
        description: The metric's unit; left out, the alarm evaluates the metric whatever its unit.
        type: str
      evaluation_periods:
        description: The number of most recent periods evaluated.
        type: int
      datapoints_to_alarm:
        description: How many of O(alarms[].evaluation_periods) must breach; left out, all of them.
        type: int
      threshold:
        description: The value compared with the statistic; exclusive with O(alarms[].threshold_metric_id).
        type: float
      threshold_metric_id:
        description: The id of the anomaly detection band in O(alarms[].metrics) used as the threshold.
        type: str
      comparison:
        description: How the statistic is compared with the threshold.
        type: str
        choices:
          - GreaterThanOrEqualToThreshold
          - GreaterThanThreshold
          - LessThanThreshold
          - LessThanOrEqualToThreshold
          - LessThanLowerOrGreaterThanUpperThreshold
          - LessThanLowerThreshold
          - GreaterThanUpperThreshold
      treat_missing_data:
        description: How periods without data count.
        type: str
        choices: [breaching, notBreaching, ignore, missing]
        default: missing
      evaluate_low_sample_count_percentile:
        description:
          - For percentile statistics, whether periods with too few samples are evaluated. Left out, the alarm keeps
            what CloudWatch set and it is not compared.
        type: str
        choices: [evaluate, ignore]
      actions_enabled:
        description: Whether the alarm's actions run on a state change.
        type: bool
        default: true
      alarm_actions:
        description: ARNs notified when the alarm enters C(ALARM). Compared as a set.
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified when the alarm enters C(OK). Compared as a set.
        type: list
        elements: str
        default: []
      insufficient_data_actions:
        description: ARNs notified when the alarm enters C(INSUFFICIENT_DATA). Compared as a set.
        type: list
        elements: str
        default: []
      metrics:
        description:
          - Metric math or several metrics, as C(PutMetricAlarm)'s C(Metrics) with snake_case keys (C(id),
            C(expression), C(label), C(return_data), C(period), C(account_id), C(metric_stat) with C(metric)
            (C(namespace), C(metric_name), C(dimensions) as a list of C(name)/C(value)), C(period), C(stat) and
            C(unit)). A query without C(return_data) is the alarm's result, as CloudWatch defaults it to true.
        type: list
        elements: dict
      tags:
        description: Tags of this alarm, on top of O(tags).
        type: dict
  tags:
    description:
      - Tags of every alarm in O(alarms). Omitted (and no alarm's own C(tags) given), the alarms' tags are left
        alone and not read.
      - C(PutMetricAlarm) sets tags only when it creates an alarm; an existing alarm is tagged with
        C(TagResource) and C(UntagResource).
      - The tags of the existing alarms are read in one call, the Resource Groups Tagging API's C(GetResources)
        (100 alarms a call; the caller needs C(tag:GetResources)). That API is eventually consistent, so an alarm whose
        tags there differ from the wanted ones, or that it does not list, is read again with CloudWatch's
        C(ListTagsForResource) before anything is written. Without C(tag:GetResources), the task warns once and reads
        every alarm's tags with C(ListTagsForResource).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags of an alarm that are not wanted (when tags are wanted for it).
    type: bool
    default: true
  purge:
    description:
      - Delete the metric alarms whose name starts with O(purge_prefix) and are not in O(alarms).
      - With O(state=absent), every metric alarm whose name starts with O(purge_prefix) is deleted.
    type: bool
    default: false
  purge_prefix:
    description: The name prefix of the alarms this task owns. Required with O(purge=true).
    type: str
  state:
    description:
      - V(present) creates or updates the alarms; V(absent) deletes the alarms named in O(alarms).
notes:
  - The diff has the alarms that change, by name, before and after.
  - Composite alarms are neither read nor deleted.
  - A tag changed outside Ansible within the Resource Groups Tagging API's propagation delay can be seen one run
    later; a tag is never written twice.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The API's alarms to the alarm topic, in one task
  multiregion.serverless.cloudwatch_metric_alarms:
    alarms:
      - name: mrdemo-api-5xx-rate
        namespace: AWS/ApiGateway
        metric_name: 5XXError
        statistic: Average
        dimensions: {ApiName: mrdemo-api, Stage: v1}
        comparison: GreaterThanThreshold
        threshold: 0.05
        period: 60
        evaluation_periods: 5
        datapoints_to_alarm: 3
        treat_missing_data: notBreaching
        alarm_actions: [arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms]
        ok_actions: [arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms]
      - name: mrdemo-api-latency-p99
        namespace: AWS/ApiGateway
        metric_name: Latency
        extended_statistic: p99
        dimensions: {ApiName: mrdemo-api, Stage: v1}
        comparison: GreaterThanThreshold
        threshold: 2000
        period: 60
        evaluation_periods: 5
    tags:
      Deployment: mrdemo
    # Alarms of the API that are no longer in the list go.
    purge: true
    purge_prefix: mrdemo-api-

- name: Remove every alarm of the API
  multiregion.serverless.cloudwatch_metric_alarms:
    purge: true
    purge_prefix: mrdemo-api-
    state: absent
"""

RETURN = r"""
alarms:
  description:
    - The alarms of O(alarms) after the task, in their order; empty with O(state=absent). In check mode an alarm
      that would be created has no C(alarm_arn).
  returned: always
  type: list
  elements: dict
  contains:
    alarm_name:
      description: The name.
      type: str
      sample: mrdemo-api-5xx-rate
    alarm_arn:
      description: The ARN.
      type: str
      sample: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mrdemo-api-5xx-rate
    metric_name:
      description: The metric (absent for metric math alarms).
      type: str
      sample: 5XXError
    dimensions:
      description: The dimensions, name to value.
      type: dict
      sample: {ApiName: mrdemo-api, Stage: v1}
    threshold:
      description: The threshold.
      type: float
      sample: 0.05
    tags:
      description: The tags, when they were read or set.
      type: dict
      sample: {Deployment: mrdemo}
created:
  description: The names of the alarms created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [mrdemo-api-5xx-rate]
updated:
  description: The names of the alarms whose configuration or tags changed.
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: The names of the alarms deleted (purged, or listed with O(state=absent)).
  returned: always
  type: list
  elements: str
  sample: [mrdemo-api-dynamodb-replication-latency-eu-north-1]
"""

import copy
from typing import Any
from typing import Optional

try:
    import botocore
except ImportError:
    pass  # MultiregionAWSModule reports a missing botocore.

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import BulkTagReader
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

# DeleteAlarms answers ResourceNotFound for a name that does not exist; the tagging calls ResourceNotFoundException.
NOT_FOUND = ["ResourceNotFound", "ResourceNotFoundException"]
CloudWatchErrorHandler = error_handler(NOT_FOUND)
# DescribeAlarms takes at most 100 names a call, DeleteAlarms at most 100 names.
NAME_BATCH = 100

# Option of an alarm -> PutMetricAlarm parameter (and DescribeAlarms key) for the scalar settings.
SCALARS = {
    "description": "AlarmDescription",
    "namespace": "Namespace",
    "metric_name": "MetricName",
    "statistic": "Statistic",
    "extended_statistic": "ExtendedStatistic",
    "period": "Period",
    "unit": "Unit",
    "evaluation_periods": "EvaluationPeriods",
    "datapoints_to_alarm": "DatapointsToAlarm",
    "threshold": "Threshold",
    "threshold_metric_id": "ThresholdMetricId",
    "comparison": "ComparisonOperator",
    "treat_missing_data": "TreatMissingData",
    "evaluate_low_sample_count_percentile": "EvaluateLowSampleCountPercentile",
    "actions_enabled": "ActionsEnabled",
}
ACTIONS = {
    "alarm_actions": "AlarmActions",
    "ok_actions": "OKActions",
    "insufficient_data_actions": "InsufficientDataActions",
}
# Settings CloudWatch may fill in by itself (terraform marks evaluate_low_sample_count_percentiles computed): compared
# only when the task gives them.
COMPUTED = ("EvaluateLowSampleCountPercentile",)
CONFIG_KEYS = set(SCALARS.values()) | set(ACTIONS.values()) | {"Dimensions", "Metrics"}


# --- pure functions ---------------------------------------------------------------------------------------


def _sorted_dimensions(dimensions: Optional[list[dict]]) -> list[dict]:
    return sorted(({"Name": d["Name"], "Value": d["Value"]} for d in dimensions or []), key=lambda d: d["Name"])


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def canonical_query(query: dict) -> dict:
    """A MetricDataQuery as CloudWatch stores it: ReturnData defaults to true, dimensions in name order."""
    query = _drop_none(copy.deepcopy(query))
    query.setdefault("ReturnData", True)
    metric = query.get("MetricStat", {}).get("Metric")
    if metric is not None:
        if metric.get("Dimensions"):
            metric["Dimensions"] = _sorted_dimensions(metric["Dimensions"])
        else:
            metric.pop("Dimensions", None)
    return query


def canonical(config: dict) -> dict:
    """An alarm's configuration (DescribeAlarms' alarm or PutMetricAlarm's parameters) in a comparable form.

    What DescribeAlarms omits or returns empty is the API's default: no description, TreatMissingData ``missing``
    (alarms older than the setting have none; terraform reads nil as ``missing`` too), DatapointsToAlarm equal to
    EvaluationPeriods, no dimensions, no metrics. Actions are sets, dimensions a mapping, thresholds floats.
    """
    out: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        value = config.get(key)
        if value is None or value == "" or value == []:
            continue
        out[key] = value
    out.setdefault("TreatMissingData", "missing")
    out.setdefault("ActionsEnabled", True)
    for key in ACTIONS.values():
        out[key] = sorted(set(out.get(key) or []))
    if out.get("DatapointsToAlarm") == out.get("EvaluationPeriods"):
        out.pop("DatapointsToAlarm", None)
    if "Dimensions" in out:
        out["Dimensions"] = _sorted_dimensions(out["Dimensions"])
    if "Metrics" in out:
        out["Metrics"] = sorted((canonical_query(q) for q in out["Metrics"]), key=lambda q: q.get("Id", ""))
    if "Threshold" in out:
        out["Threshold"] = float(out["Threshold"])
    return out


def wanted_config(alarm: dict) -> dict:
    """PutMetricAlarm's parameters (less AlarmName and Tags) for an alarm of the task."""
    config: dict[str, Any] = {}
    for option, key in SCALARS.items():
        if alarm.get(option) is not None and alarm.get(option) != "":
            config[key] = alarm[option]
    if "Threshold" in config:
        config["Threshold"] = float(config["Threshold"])
    for option, key in ACTIONS.items():
        config[key] = list(alarm.get(option) or [])
    if alarm.get("dimensions"):
        config["Dimensions"] = [{"Name": str(k), "Value": str(v)} for k, v in sorted(alarm["dimensions"].items())]
    if alarm.get("metrics"):
        config["Metrics"] = [_drop_none(snake_dict_to_camel_dict(q, capitalize_first=True)) for q in alarm["metrics"]]
    return config


def config_differs(current: dict, wanted: dict) -> bool:
    have, want = canonical(current), canonical(wanted)
    for key in COMPUTED:
        if key not in want:
            have.pop(key, None)
    return have != want


def wanted_tags(alarm: dict, common: Optional[dict]) -> Optional[dict]:
    """The alarm's wanted tags: the task's tags under the alarm's own; None when neither is given."""
    if common is None and alarm.get("tags") is None:
        return None
    return {**(common or {}), **(alarm.get("tags") or {})}


def plan(
    alarms: list[dict],
    current: dict[str, dict],
    current_tags: dict[str, dict],
    common_tags: Optional[dict],
    purge_tags: bool,
) -> list[dict]:
    """One step per alarm of the task: ``action`` create, update or none, with its config and tag changes."""
    steps = []
    for alarm in alarms:
        name = alarm["name"]
        config = wanted_config(alarm)
        tags = wanted_tags(alarm, common_tags)
        existing = current.get(name)
        if existing is None:
            steps.append({"name": name, "action": "create", "config": config, "tags": tags})
            continue
        have_tags = current_tags.get(name, {})
        to_set, to_remove = tag_changes(have_tags, tags, purge_tags)
        update_config = config_differs(existing, config)
        steps.append(
            {
                "name": name,
                "action": "update" if update_config or to_set or to_remove else "none",
                "config": config,
                "put": update_config,
                "arn": existing.get("AlarmArn"),
                "current": existing,
                "current_tags": have_tags if tags is not None else None,
                "tags_to_set": to_set,
                "tags_to_remove": to_remove,
                "tags": updated_tags(have_tags, to_set, to_remove) if tags is not None else None,
            }
        )
    return steps


def purge_candidates(prefixed: list[dict], names: set[str]) -> list[str]:
    return sorted(a["AlarmName"] for a in prefixed if a["AlarmName"] not in names)


def alarm_view(name: str, config: dict, arn: Optional[str] = None, tags: Optional[dict] = None) -> dict:
    view: dict[str, Any] = {"alarm_name": name}
    if arn:
        view["alarm_arn"] = arn
    shown = canonical(config)
    dimensions = shown.pop("Dimensions", [])
    view.update(snake_result(shown))
    view["dimensions"] = {d["Name"]: d["Value"] for d in dimensions}
    if tags is not None:
        view["tags"] = tags
    return view


def diff_view(view: dict) -> dict:
    return {k: v for k, v in view.items() if k != "alarm_arn"}


def validate(params: dict) -> list[str]:
    errors: list[str] = []
    names = [a["name"] for a in params["alarms"]]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"alarms: {name} is listed more than once")
    if params["purge"] and not params.get("purge_prefix"):
        # Without a prefix a purge would delete every metric alarm of the region.
        errors.append("purge_prefix is required with purge=true")
    if params["state"] != "present":
        return errors
    for i, alarm in enumerate(params["alarms"]):
        where = f"alarms[{i}] ({alarm['name']})"
        if bool(alarm.get("metric_name")) == bool(alarm.get("metrics")):
            errors.append(f"{where}: exactly one of metric_name and metrics is required")
        if alarm.get("metric_name"):
            if bool(alarm.get("statistic")) == bool(alarm.get("extended_statistic")):
                errors.append(f"{where}: exactly one of statistic and extended_statistic is required with metric_name")
            for option in ("namespace", "period"):
                if alarm.get(option) is None:
                    errors.append(f"{where}: {option} is required with metric_name")
        for option in ("comparison", "evaluation_periods"):
            if alarm.get(option) is None:
                errors.append(f"{where}: {option} is required")
        if (alarm.get("threshold") is None) == (alarm.get("threshold_metric_id") is None):
            errors.append(f"{where}: exactly one of threshold and threshold_metric_id is required")
        if alarm.get("datapoints_to_alarm") is not None and alarm.get("evaluation_periods") is not None:
            if not 1 <= alarm["datapoints_to_alarm"] <= alarm["evaluation_periods"]:
                errors.append(f"{where}: datapoints_to_alarm must be between 1 and evaluation_periods")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@CloudWatchErrorHandler.list_error_handler("describe alarms", {})
def describe_by_names(client, names: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(names), NAME_BATCH):
        result = paginate(
            client, "describe_alarms", AlarmNames=names[start : start + NAME_BATCH], AlarmTypes=["MetricAlarm"]
        )
        found.update({a["AlarmName"]: a for a in result.get("MetricAlarms", [])})
    return found


@CloudWatchErrorHandler.list_error_handler("describe alarms with prefix {prefix}", [])
def describe_by_prefix(client, prefix: str) -> list[dict]:
    return paginate(client, "describe_alarms", AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"]).get(
        "MetricAlarms", []
    )


@CloudWatchErrorHandler.list_error_handler("list the tags of alarm {name}", {})
def list_tags(client, name: str, arn: str) -> dict:
    return tags_from_boto3(client.list_tags_for_resource(ResourceARN=arn, aws_retry=True).get("Tags"))


@CloudWatchErrorHandler.common_error_handler("put alarm {name}")
def put_alarm(client, name: str, config: dict, tags: Optional[dict] = None) -> None:
    params = dict(config, AlarmName=name)
    if tags:
        params["Tags"] = tags_to_boto3(dict(sorted(tags.items())))
    client.put_metric_alarm(aws_retry=True, **params)


@CloudWatchErrorHandler.common_error_handler("tag alarm {name}")
def change_tags(client, name: str, arn: str, to_set: dict, to_remove: list[str]) -> None:
    if to_set:
        client.tag_resource(ResourceARN=arn, Tags=tags_to_boto3(dict(sorted(to_set.items()))), aws_retry=True)
    if to_remove:
        client.untag_resource(ResourceARN=arn, TagKeys=sorted(to_remove), aws_retry=True)


@CloudWatchErrorHandler.common_error_handler("delete alarms")
def delete_alarms(client, names: list[str]) -> None:
    """DeleteAlarms by batches of 100. A name gone meanwhile fails its whole batch with ResourceNotFound (and
    nothing of it is deleted): the batch is read again and what remains of it deleted."""
    for start in range(0, len(names), NAME_BATCH):
        batch = names[start : start + NAME_BATCH]
        try:
            client.delete_alarms(AlarmNames=batch, aws_retry=True)
        except botocore.exceptions.ClientError as e:
            if not is_not_found(e, NOT_FOUND):
                raise
            remaining = sorted(describe_by_names(client, batch))
            if remaining:
                client.delete_alarms(AlarmNames=remaining, aws_retry=True)


def read_tags(module, client, alarms: list[dict], current: dict[str, dict], params: dict) -> dict[str, dict]:
    """The current tags of the existing alarms whose tags the task manages, by name: O(known_tags) and GetResources
    for all of them, ListTagsForResource for those neither shows with the wanted tags (module_utils/_tagging.py)."""
    wanted: dict[str, dict] = {}
    names_by_arn: dict[str, str] = {}
    for alarm in alarms:
        existing = current.get(alarm["name"])
        tags = wanted_tags(alarm, params.get("tags"))
        if existing is not None and tags is not None:
            wanted[existing["AlarmArn"]] = tags
            names_by_arn[existing["AlarmArn"]] = alarm["name"]
    found = BulkTagReader(module, params["known_tags"]).current_tags(
        wanted, params["purge_tags"], lambda arn: list_tags(client, names_by_arn[arn], arn)
    )
    return {names_by_arn[arn]: tags for arn, tags in found.items()}


# --- states -----------------------------------------------------------------------------------------------


def ensure_present(module, client, params: dict) -> dict:
    alarms = params["alarms"]
    names = [a["name"] for a in alarms]
    current = describe_by_names(client, names)
    current_tags = read_tags(module, client, alarms, current, params)
    steps = plan(alarms, current, current_tags, params.get("tags"), params["purge_tags"])
    to_delete: list[str] = []
    if params["purge"]:
        to_delete = purge_candidates(describe_by_prefix(client, params["purge_prefix"]), set(names))

    before: dict[str, dict] = {}
    after: dict[str, dict] = {}
    for step in steps:
        name = step["name"]
        if step["action"] == "create":
            before[name] = {}
            after[name] = diff_view(alarm_view(name, step["config"], tags=step["tags"]))
        elif step["action"] == "update":
            before[name] = diff_view(alarm_view(name, step["current"], tags=step["current_tags"]))
            after[name] = diff_view(alarm_view(name, step["config"], tags=step["tags"]))
    for name in to_delete:
        before[name] = {"alarm_name": name}
        after[name] = {}

    if not module.check_mode:
        for step in steps:
            if step["action"] == "create":
                put_alarm(client, step["name"], step["config"], step["tags"])
            elif step["action"] == "update":
                if step["put"]:
                    put_alarm(client, step["name"], step["config"])
                change_tags(client, step["name"], step["arn"], step["tags_to_set"], step["tags_to_remove"])
        delete_alarms(client, to_delete)
        if any(step["action"] == "create" for step in steps):
            current = describe_by_names(client, names)

    results = []
    for step in steps:
        arn = (current.get(step["name"]) or {}).get("AlarmArn") or step.get("arn")
        results.append(alarm_view(step["name"], step["config"], arn=arn, tags=step["tags"]))
    created = [s["name"] for s in steps if s["action"] == "create"]
    updated = [s["name"] for s in steps if s["action"] == "update"]
    return {
        "changed": bool(created or updated or to_delete),
        "alarms": results,
        "created": created,
        "updated": updated,
        "deleted": to_delete,
        "diff": {"before": before, "after": after},
    }


def ensure_absent(module, client, params: dict) -> dict:
    names = [a["name"] for a in params["alarms"]]
    found = describe_by_names(client, names) if names else {}
    if params["purge"]:
        found.update({a["AlarmName"]: a for a in describe_by_prefix(client, params["purge_prefix"])})
    to_delete = sorted(found)
    if to_delete and not module.check_mode:
        delete_alarms(client, to_delete)
    before = {name: diff_view(alarm_view(name, found[name])) for name in to_delete}
    return {
        "changed": bool(to_delete),
        "alarms": [],
        "created": [],
        "updated": [],
        "deleted": to_delete,
        "diff": {"before": before, "after": {name: {} for name in to_delete}},
    }


def main() -> None:
    alarm_options = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        namespace=dict(type="str"),
        metric_name=dict(type="str", aliases=["metric"]),
        statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
        extended_statistic=dict(type="str"),
        dimensions=dict(type="dict"),
        period=dict(type="int"),
        unit=dict(type="str"),
        evaluation_periods=dict(type="int"),
        datapoints_to_alarm=dict(type="int"),
        threshold=dict(type="float"),
        threshold_metric_id=dict(type="str"),
        comparison=dict(
            type="str",
            choices=[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
                "LessThanLowerOrGreaterThanUpperThreshold",
                "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ],
        ),
        treat_missing_data=dict(
            type="str", choices=["breaching", "notBreaching", "ignore", "missing"], default="missing"
        ),
        evaluate_low_sample_count_percentile=dict(type="str", choices=["evaluate", "ignore"]),
        actions_enabled=dict(type="bool", default=True),
        alarm_actions=dict(type="list", elements="str", default=[]),
        ok_actions=dict(type="list", elements="str", default=[]),
        insufficient_data_actions=dict(type="list", elements="str", default=[]),
        metrics=dict(type="list", elements="dict"),
        tags=dict(type="dict"),
    )
    argument_spec = dict(
        alarms=dict(type="list", elements="dict", options=alarm_options, default=[]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        purge=dict(type="bool", default=False),
        purge_prefix=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("cloudwatch")
    run_state_action(
        module, {"present": ensure_present, "absent": ensure_absent}, client, module.params, diff_mode_only=True
    )


if __name__ == "__main__":
    main()

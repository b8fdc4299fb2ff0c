#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatchlogs_log_groups
short_description: Reconcile a list of CloudWatch Logs log groups in one call
version_added: 0.1.0
description:
  - Creates, updates or deletes a list of CloudWatch Logs log groups of one region in one task. Every group of the
    task is read with one C(DescribeLogGroups) call (C(logGroupIdentifiers), 50 names a call, every page, and an
    exact name match); the tags of the existing groups whose tags the task manages are read with one call of the
    Resource Groups Tagging API's C(GetResources) (100 groups a call; the caller needs C(tag:GetResources)). Only
    what differs is written.
  - C(GetResources) is eventually consistent, so a group whose tags there differ from the wanted ones, or that it
    does not list, is read again with CloudWatch Logs' C(ListTagsForResource) before anything is written. Without
    C(tag:GetResources), the task warns once and reads each group's tags with C(ListTagsForResource). A group whose
    tags the task leaves alone has them read with C(ListTagsForResource), for the result.
  - A loop of C(amazon.aws.cloudwatchlogs_log_group) costs one module process per group; this module costs one for
    the whole list, with the same check mode, diff and tag purge.
  - A new group gets its key, tags and deletion protection in C(CreateLogGroup), then its retention with
    C(PutRetentionPolicy). An existing group's retention changes with C(PutRetentionPolicy) (or
    C(DeleteRetentionPolicy) for O(log_groups[].retention=0)), its key with C(AssociateKmsKey) (or
    C(DisassociateKmsKey) for an empty O(log_groups[].kms_key_id)), its tags with C(TagResource) and
    C(UntagResource), its deletion protection with C(PutLogGroupDeletionProtection).
  - Unlike C(amazon.aws.cloudwatchlogs_log_group), which sets the key only when it creates a group, a key that
    differs on an existing group is associated (as terraform's C(aws_cloudwatch_log_group) does). CloudWatch Logs
    encrypts the events ingested from then on with it; the events already stored stay encrypted with the old one.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  log_groups:
    description:
      - The log groups. Two items cannot name the same group.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The log group's name.
        type: str
        required: true
      kms_key_id:
        description:
          - The ARN of the symmetric KMS key that encrypts the group's events (CloudWatch Logs takes a key ARN
            only; the key's policy must let the C(logs.<region>.amazonaws.com) service principal use it).
          - An empty string removes the key from an existing group (C(DisassociateKmsKey)). Omitted, the key is
            left alone.
        type: str
      retention:
        description:
          - Days the group keeps its events, one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90,
            120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), or C(0) to keep them
            forever (C(DeleteRetentionPolicy)). Omitted, the retention is left alone.
        type: int
      tags:
        description:
          - The group's tags. Omitted, the tags are left alone. With O(purge_tags=true), tags not listed are
            removed.
        type: dict
      deletion_protection:
        description:
          - Whether the group refuses to be deleted until the protection is turned off. Omitted, left alone (a new
            group is created without it, the API's default).
          - A protected group listed with O(log_groups[].state=absent) makes the task fail.
        type: bool
      state:
        description:
          - V(present) creates or updates the group; V(absent) deletes it with every event it holds.
        type: str
        choices: [present, absent]
        default: present
  kms_key_id:
    description:
      - The key of every group whose O(log_groups[].kms_key_id) is omitted.
    type: str
  retention:
    description:
      - The retention of every group whose O(log_groups[].retention) is omitted.
    type: int
  tags:
    description:
      - Tags of every group, under each group's own O(log_groups[].tags) (a group's own value wins on a shared key).
        Omitted (and a group's own C(tags) omitted), the group's tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags of a group that are not wanted (when tags are wanted for it).
    type: bool
    default: true
  purge:
    description:
      - Also delete, with every event they hold, the log groups whose name starts with O(purge_prefix), that no item
        of O(log_groups) names and that carry every tag of O(purge_filter_tags) (for example the execution log group
        of a REST API whose id is no longer known).
    type: bool
    default: false
  purge_prefix:
    description: The name prefix of the groups O(purge) may delete. Required with O(purge=true).
    type: str
  purge_filter_tags:
    description:
      - The tags a group of O(purge_prefix) must carry, all of them, to be deleted by O(purge). Omitted, every group
        of the prefix that no item names is deleted (and no tags are read).
    type: dict
notes:
  - The diff has the groups that change, by name, before and after; C(absent) is an empty mapping.
  - Check mode reads as a run does and reports the same result, less the C(arn) and C(creation_time) of a group
    still to be created.
  - A tag changed outside Ansible within the Resource Groups Tagging API's propagation delay can be seen one run
    later; a tag is never written twice.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The function's and the stage's access log groups, encrypted, in one task
  multiregion.serverless.cloudwatchlogs_log_groups:
    log_groups:
      - name: /aws/lambda/mrdemo-items
      - name: /aws/apigateway/mrdemo-api/v1/access
        retention: 30
        tags: {Log: access}
    # For every group that does not set its own.
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    retention: 90
    tags: {Deployment: mrdemo}
  register: log_groups

- name: Remove both groups, and the stage's execution log group found by its tags, with the events they hold
  multiregion.serverless.cloudwatchlogs_log_groups:
    log_groups:
      - name: /aws/lambda/mrdemo-items
        state: absent
      - name: /aws/apigateway/mrdemo-api/v1/access
        state: absent
    purge: true
    purge_prefix: API-Gateway-Execution-Logs_
    purge_filter_tags: {Deployment: mrdemo, RestApi: mrdemo-api}
"""

RETURN = r"""
log_groups:
  description:
    - One entry per item of O(log_groups), in their order. A group that is absent after the task (or would be, in
      check mode) has only C(name) and C(state).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The group's name.
      type: str
      sample: /aws/lambda/mrdemo-items
    state:
      description: V(present) or V(absent), after the task.
      type: str
      sample: present
    arn:
      description: The group's ARN, without the trailing C(:*) of C(DescribeLogGroups)' C(arn) (absent in check mode
        for a group still to be created).
      type: str
      sample: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/mrdemo-items
    kms_key_id:
      description: The ARN of the key that encrypts the group, or null.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    retention_in_days:
      description: Days the events are kept, or null for ever.
      type: int
      sample: 90
    tags:
      description: The group's tags.
      type: dict
      sample: {Deployment: mrdemo}
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
      sample: false
    creation_time:
      description: When the group was created, in milliseconds since the epoch (absent in check mode for a group
        still to be created).
      type: int
      sample: 1764979200000
created:
  description: The names of the groups created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [/aws/lambda/mrdemo-items]
updated:
  description: The names of the groups whose retention, key, tags or deletion protection changed.
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: The names of the groups deleted (listed with V(absent), then purged).
  returned: always
  type: list
  elements: str
  sample: []
"""

from typing import Any
from typing import Optional

try:
    import botocore
except ImportError:
    pass  # MultiregionAWSModule reports a missing botocore.

from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import BulkTagReader
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

NOT_FOUND = ["ResourceNotFoundException"]
LogsErrorHandler = error_handler(NOT_FOUND)
# A concurrent change of the same group (another task, a service creating it) answers OperationAbortedException.
RETRY_CODES = ["OperationAbortedException"]
# DescribeLogGroups' logGroupIdentifiers takes 1 to 50 names (botocore's DescribeLogGroupsLogGroupIdentifiers).
IDENTIFIER_BATCH = 50
# The values of the API reference's retentionInDays (PutRetentionPolicy); 0 stands for DeleteRetentionPolicy.
RETENTION_DAYS = (
    *(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731),
    *(1096, 1827, 2192, 2557, 2922, 3288, 3653),
)


# --- pure functions ---------------------------------------------------------------------------------------


def effective_groups(params: dict) -> list[dict]:
    """The items of O(log_groups) with the task's kms_key_id, retention and tags filled in under their own."""
    groups = []
    for group in params["log_groups"]:
        group = dict(group)
        for option in ("kms_key_id", "retention"):
            if group.get(option) is None:
                group[option] = params.get(option)
        if params.get("tags") is not None or group.get("tags") is not None:
            group["tags"] = {**(params.get("tags") or {}), **(group.get("tags") or {})}
        groups.append(group)
    return groups


def _value_errors(where: str, retention: Optional[int], key: Optional[str]) -> list[str]:
    errors = []
    if retention is not None and retention != 0 and retention not in RETENTION_DAYS:
        errors.append(
            f"{where}retention {retention} is not one of 0 (never expire), " + ", ".join(str(d) for d in RETENTION_DAYS)
        )
    if key and not (key.startswith("arn:") and ":key/" in key):
        errors.append(f"{where}kms_key_id must be a KMS key ARN (CloudWatch Logs takes no key id or alias)")
    return errors


def validate(params: dict) -> list[str]:
    """Every input error, each naming its option (an item's by the item's index and name)."""
    errors = _value_errors("", params.get("retention"), params.get("kms_key_id"))
    if params["purge"] and not params.get("purge_prefix"):
        # Without a prefix a purge would delete every log group of the region, and their events.
        errors.append("purge_prefix is required with purge=true")
    names = [g["name"] for g in params["log_groups"]]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"log_groups: {name} is listed more than once")
    for i, group in enumerate(params["log_groups"]):
        if not group["name"]:
            errors.append(f"log_groups[{i}]: name must not be empty")
        errors += _value_errors(f"log_groups[{i}] ({group['name']}): ", group.get("retention"), group.get("kms_key_id"))
    return errors


def group_arn(described: dict) -> str:
    """The group's ARN without the trailing ``:*`` (the form TagResource and ListTagsForResource take)."""
    arn = described.get("logGroupArn") or described.get("arn", "")
    return arn[:-2] if arn.endswith(":*") else arn


def current_view(described: dict, tags: Optional[dict]) -> dict:
    """What the module reports (and diffs) of a group as DescribeLogGroups and ListTagsForResource show it; without
    ``tags`` when they were not read (a group to delete)."""
    view = {
        "kms_key_id": described.get("kmsKeyId"),
        "retention_in_days": described.get("retentionInDays"),
        "deletion_protection": bool(described.get("deletionProtectionEnabled", False)),
    }
    if tags is not None:
        view["tags"] = tags
    return view


def plan_group(group: dict, current: Optional[dict], purge_tags: bool) -> dict:
    """The step of one item: ``action`` create, update, delete or none; ``before``/``after`` views; the writes."""
    name = group["name"]
    if group["state"] == "absent":
        if current is None:
            return {"name": name, "action": "none", "before": None, "after": None}
        return {"name": name, "action": "delete", "before": current, "after": None}
    if current is None:
        after = {
            "kms_key_id": group.get("kms_key_id") or None,
            "retention_in_days": group.get("retention") or None,
            "tags": dict(group.get("tags") or {}),
            "deletion_protection": bool(group.get("deletion_protection")),
        }
        return {"name": name, "action": "create", "before": None, "after": after}

    writes: dict[str, Any] = {}
    after = dict(current)
    retention = group.get("retention")
    if retention is not None and retention != (current["retention_in_days"] or 0):
        writes["retention"] = retention
        after["retention_in_days"] = retention or None
    key = group.get("kms_key_id")
    if key is not None and key != (current["kms_key_id"] or ""):
        writes["kms_key_id"] = key
        after["kms_key_id"] = key or None
    to_set, to_remove = tag_changes(current["tags"], group.get("tags"), purge_tags)
    if to_set or to_remove:
        writes["tags"] = (to_set, to_remove)
        after["tags"] = updated_tags(current["tags"], to_set, to_remove)
    protection = group.get("deletion_protection")
    if protection is not None and protection != current["deletion_protection"]:
        writes["deletion_protection"] = protection
        after["deletion_protection"] = protection
    return {
        "name": name,
        "action": "update" if writes else "none",
        "before": current,
        "after": after,
        "writes": writes,
    }


def diff_of(steps: list[dict]) -> dict:
    before: dict[str, dict] = {}
    after: dict[str, dict] = {}
    for step in steps:
        if step["action"] == "none":
            continue
        before[step["name"]] = step["before"] or {}
        after[step["name"]] = step["after"] or {}
    return {"before": before, "after": after}


def result_entry(step: dict, described: Optional[dict]) -> dict:
    if step["after"] is None:
        return {"name": step["name"], "state": "absent"}
    entry: dict[str, Any] = {"name": step["name"], "state": "present"}
    if described is not None:
        entry["arn"] = group_arn(described)
        entry["creation_time"] = described.get("creationTime")
    entry.update(step["after"])
    return entry


# --- AWS calls --------------------------------------------------------------------------------------------


@LogsErrorHandler.common_error_handler("describe log groups {names}")
def describe_groups(client, names: list[str]) -> dict[str, dict]:
    """The groups called exactly one of ``names``, by name: DescribeLogGroups with logGroupIdentifiers, 50 names a
    call, every page. Only exact names count, whatever the answer holds (an endpoint that ignores
    logGroupIdentifiers answers every group of the region)."""
    wanted = list(dict.fromkeys(names))
    found: dict[str, dict] = {}
    for start in range(0, len(wanted), IDENTIFIER_BATCH):
        batch = wanted[start : start + IDENTIFIER_BATCH]
        for group in paginate(client, "describe_log_groups", logGroupIdentifiers=batch).get("logGroups", []):
            if group["logGroupName"] in batch:
                found[group["logGroupName"]] = group
    return found


@LogsErrorHandler.list_error_handler("list the tags of log group {name}", {})
def list_tags(client, name: str, arn: str) -> dict:
    return client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags") or {}


def read_tags(
    tag_reader: BulkTagReader, client, groups: list[dict], found: dict[str, dict], purge_tags: bool
) -> dict[str, dict]:
    """The current tags of the existing groups of ``present`` items, by name: the reader's (O(known_tags), then
    GetResources) for those whose tags the task manages (ListTagsForResource for those neither shows with the wanted
    tags, module_utils/_tagging.py), ListTagsForResource for the others (their tags are reported, not managed)."""
    wanted: dict[str, dict] = {}
    names_by_arn: dict[str, str] = {}
    tags: dict[str, dict] = {}
    for group in groups:
        name = group["name"]
        if group["state"] != "present" or name not in found:
            continue
        arn = group_arn(found[name])
        if group.get("tags") is None:
            tags[name] = list_tags(client, name, arn)
        else:
            wanted[arn] = group["tags"]
            names_by_arn[arn] = name
    read = tag_reader.current_tags(wanted, purge_tags, lambda arn: list_tags(client, names_by_arn[arn], arn))
    tags.update({names_by_arn[arn]: current for arn, current in read.items()})
    return tags


@LogsErrorHandler.common_error_handler("list the log groups of prefix {prefix}")
def purge_candidates(client, prefix: str, filter_tags: Optional[dict], listed: set[str]) -> list[dict]:
    """The groups of ``prefix`` that no item names and that carry every tag of ``filter_tags``, by name."""
    found = paginate(client, "describe_log_groups", logGroupNamePrefix=prefix).get("logGroups", [])
    candidates = []
    for group in sorted(found, key=lambda g: g["logGroupName"]):
        if group["logGroupName"] in listed:
            continue
        if filter_tags:
            have = list_tags(client, group["logGroupName"], group_arn(group))
            if any(have.get(k) != v for k, v in filter_tags.items()):
                continue
        candidates.append(group)
    return candidates


@LogsErrorHandler.common_error_handler("create log group {name}")
def create_group(client, name: str, group: dict) -> bool:
    """True when created; False when a concurrent create won the race (ResourceAlreadyExistsException)."""
    params: dict[str, Any] = {"logGroupName": name}
    if group.get("kms_key_id"):
        params["kmsKeyId"] = group["kms_key_id"]
    if group.get("tags"):
        params["tags"] = dict(sorted(group["tags"].items()))
    if group.get("deletion_protection"):
        params["deletionProtectionEnabled"] = True
    try:
        client.create_log_group(aws_retry=True, **params)
    except botocore.exceptions.ClientError as e:
        if is_not_found(e, ["ResourceAlreadyExistsException"]):
            return False
        raise
    if group.get("retention"):
        client.put_retention_policy(logGroupName=name, retentionInDays=group["retention"], aws_retry=True)
    return True


@LogsErrorHandler.common_error_handler("update log group {name}")
def update_group(client, name: str, arn: str, writes: dict) -> None:
    if "retention" in writes:
        if writes["retention"]:
            client.put_retention_policy(logGroupName=name, retentionInDays=writes["retention"], aws_retry=True)
        else:
            client.delete_retention_policy(logGroupName=name, aws_retry=True)
    if "kms_key_id" in writes:
        if writes["kms_key_id"]:
            client.associate_kms_key(logGroupName=name, kmsKeyId=writes["kms_key_id"], aws_retry=True)
        else:
            client.disassociate_kms_key(logGroupName=name, aws_retry=True)
    if "tags" in writes:
        to_set, to_remove = writes["tags"]
        if to_set:
            client.tag_resource(resourceArn=arn, tags=dict(sorted(to_set.items())), aws_retry=True)
        if to_remove:
            client.untag_resource(resourceArn=arn, tagKeys=sorted(to_remove), aws_retry=True)
    if "deletion_protection" in writes:
        client.put_log_group_deletion_protection(
            logGroupIdentifier=name, deletionProtectionEnabled=writes["deletion_protection"], aws_retry=True
        )


@LogsErrorHandler.deletion_error_handler("delete log group {name}")
def delete_group(client, name: str) -> bool:
    client.delete_log_group(logGroupName=name, aws_retry=True)
    return True


# --- the run ----------------------------------------------------------------------------------------------


def reconcile(module, client, params: dict) -> dict:
    names = [g["name"] for g in params["groups"]]
    found = describe_groups(client, names) if names else {}
    tags = read_tags(BulkTagReader(module, params["known_tags"]), client, params["groups"], found, params["purge_tags"])
    described: dict[str, Optional[dict]] = {name: found.get(name) for name in names}
    steps: list[dict] = []
    for group in params["groups"]:
        name = group["name"]
        current = None if name not in found else current_view(found[name], tags.get(name))
        steps.append(plan_group(group, current, params["purge_tags"]))
    purged = []
    if params["purge"]:
        listed = {g["name"] for g in params["groups"]}
        for candidate in purge_candidates(client, params["purge_prefix"], params.get("purge_filter_tags"), listed):
            described[candidate["logGroupName"]] = candidate
            purged.append(
                plan_group({"name": candidate["logGroupName"], "state": "absent"}, current_view(candidate, None), True)
            )

    if not module.check_mode:
        groups = {g["name"]: g for g in params["groups"]}
        created = []
        for i, step in enumerate(steps):
            name = step["name"]
            if step["action"] == "create":
                if not create_group(client, name, groups[name]):
                    # Created meanwhile by someone else (a service writing its first event): reconcile that group.
                    raced = describe_groups(client, [name]).get(name)
                    current = None
                    if raced is not None:
                        current = current_view(raced, list_tags(client, name, group_arn(raced)))
                    step = steps[i] = plan_group(groups[name], current, params["purge_tags"])
                    if step["action"] == "update":
                        update_group(client, name, group_arn(raced), step["writes"])
                created.append(name)
            elif step["action"] == "update":
                update_group(client, name, group_arn(described[name]), step["writes"])
            elif step["action"] == "delete":
                delete_group(client, name)
        for step in purged:
            delete_group(client, step["name"])
        if created:
            # Their ARN and creation time, for the result: one read for every group created.
            described.update(describe_groups(client, created))

    return {
        "changed": any(s["action"] != "none" for s in steps + purged),
        "log_groups": [result_entry(s, described.get(s["name"])) for s in steps],
        "created": [s["name"] for s in steps if s["action"] == "create"],
        "updated": [s["name"] for s in steps if s["action"] == "update"],
        "deleted": [s["name"] for s in steps + purged if s["action"] == "delete"],
        "diff": diff_of(steps + purged),
    }


def main() -> None:
    group_options = dict(
        name=dict(type="str", required=True),
        kms_key_id=dict(type="str"),
        retention=dict(type="int"),
        tags=dict(type="dict"),
        deletion_protection=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    argument_spec = dict(
        log_groups=dict(type="list", elements="dict", options=group_options, required=True),
        kms_key_id=dict(type="str"),
        retention=dict(type="int"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        purge=dict(type="bool", default=False),
        purge_prefix=dict(type="str"),
        purge_filter_tags=dict(type="dict"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    groups = effective_groups(module.params)
    client = module.retrying_client("logs", extra_codes=RETRY_CODES)
    run_and_exit(module, lambda: reconcile(module, client, dict(module.params, groups=groups)))


if __name__ == "__main__":
    main()

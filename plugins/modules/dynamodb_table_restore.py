#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: dynamodb_table_restore
short_description: Restore a DynamoDB table into a new table (point in time or backup), verify it, delete it
version_added: 0.1.0
description:
  - O(state=present) restores O(source_table) into the new table O(target_table) - to a point in time with
    C(RestoreTableToPointInTime) (O(source=pitr)) or from an on-demand backup with C(RestoreTableFromBackup)
    (O(source=backup)) - when O(target_table) does not exist yet, waits for it to be C(ACTIVE) and checks which
    keys it holds. A target that exists already is not restored again (no change) but is verified again; a target
    that exists and is not a restore of O(source_table) is refused.
  - Restores only ever go into a new table. The module refuses, before any AWS call, a O(target_table) equal to
    O(production_table) or to O(source_table).
  - The verification reads, strongly consistent, each key of O(expect_keys) (which must be there) and of
    O(expect_absent_keys) (which must not be - canaries written after the restore point). Keys of
    O(expect_absent_keys) found in the restored table are reported in RV(restore.unexpected_keys) and in a
    warning - the restore did not honour its restore time - and are never hidden. With O(verify_prefix) every
    item under that key prefix found in the restored table is listed with its C(written_at) (paginated Scan),
    which is what the achieved RPO is computed from.
  - O(state=absent) deletes O(target_table) - only a table whose description says it is a restore
    (C(RestoreSummary)), never O(production_table) or O(source_table).
  - The restored table gets what AWS copies (key schema, indexes, capacity, encryption unless
    O(sse_kms_key_id) overrides it) and not what it does not (tags, streams, TTL, PITR, alarms); O(tags) are
    set on it after the restore.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  source_table:
    description:
      - The table restored from (for O(source=pitr)); recorded and compared for O(source=backup).
    type: str
    required: true
  target_table:
    description:
      - The new table to restore into, or to delete with O(state=absent).
    type: str
    required: true
  source:
    description:
      - V(pitr) restores to a point in time (the table must have point-in-time recovery on); V(backup) from the
        on-demand backup O(backup_arn).
    type: str
    choices: [pitr, backup]
    default: pitr
  restore_time:
    description:
      - With O(source=pitr), V(latest) (C(UseLatestRestorableTime), usually about five minutes before now) or an
        ISO 8601 date and time between the table's earliest and latest restorable times.
    type: str
    default: latest
  backup_arn:
    description:
      - The on-demand backup to restore with O(source=backup).
    type: str
  state:
    description:
      - V(present) restores and verifies; V(absent) deletes the restored table.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait for the restored table to be C(ACTIVE) (and with O(state=absent) to be gone). Without waiting nothing
        is verified.
    type: bool
    default: true
  wait_timeout:
    description:
      - The most seconds to wait.
    type: int
    default: 1800
  sse_kms_key_id:
    description:
      - Encrypt the restored table with this KMS key (ID, ARN or alias) instead of the source's encryption.
    type: str
  key_attribute:
    description:
      - The table's string partition key attribute, used to read the expected keys.
    type: str
    default: primary_key
  verify_prefix:
    description:
      - List every item of the restored table whose key starts with this prefix (the DR canaries).
    type: str
  expect_keys:
    description:
      - Keys that must be in the restored table (canaries written before the restore point).
    type: list
    elements: str
    default: []
  expect_absent_keys:
    description:
      - Keys that must not be in the restored table (canaries written after the restore point).
    type: list
    elements: str
    default: []
  production_table:
    description:
      - The production table's name. A O(target_table) with this name is refused before any AWS call, in both
        states.
    type: str
  tags:
    description:
      - Tags to set on the restored table after the restore (AWS copies none).
    type: dict
notes:
  - In check mode nothing is restored or deleted; an existing target is still verified (reads only), and
    RV(msg) says what would have been done.
  - Against AWS, O(restore_time=latest) restores to C(LatestRestorableDateTime); the point actually used is
    returned in RV(restore.restore_point).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Restore the table to the latest restorable time into a drill table and check the canaries
  multiregion.serverless.dynamodb_table_restore:
    source_table: prod-items
    target_table: prod-items-drill-20261206
    production_table: prod-items
    restore_time: latest
    verify_prefix: "__dr_canary__#{{ dr_run_id }}#"
    expect_keys: "{{ canaries_before | map(attribute='key') | list }}"
    expect_absent_keys: "{{ canaries_after | map(attribute='key') | list }}"
    tags:
      Deployment: prod
  register: restored

- name: Restore an on-demand backup
  multiregion.serverless.dynamodb_table_restore:
    source: backup
    source_table: prod-items
    backup_arn: arn:aws:dynamodb:eu-west-1:123456789012:table/prod-items/backup/01234567890123-abcdefgh
    target_table: prod-items-backup-drill
    production_table: prod-items

- name: Delete the drill table
  multiregion.serverless.dynamodb_table_restore:
    source_table: prod-items
    target_table: prod-items-drill-20261206
    production_table: prod-items
    state: absent
"""

RETURN = r"""
restore:
  description: The restore and what the restored table holds.
  returned: always
  type: dict
  contains:
    target_table:
      description: The restored table.
      type: str
    table_arn:
      description: Its ARN.
      type: str
    table_status:
      description: Its status when the module returned.
      type: str
    restored:
      description: Whether this run requested the restore.
      type: bool
    requested_at:
      description: When the restore was requested (ISO 8601, UTC); for an existing target, its creation time.
      type: str
    active_at:
      description: When the table was first seen C(ACTIVE); null when not waited for.
      type: str
    verified_at:
      description: When the verification ended; null when nothing was verified.
      type: str
    restore_point:
      description: The restore date and time AWS reports (C(RestoreSummary.RestoreDateTime)).
      type: str
    found_keys:
      description: Keys of O(expect_keys) found.
      type: list
      elements: str
    missing_keys:
      description: Keys of O(expect_keys) not found.
      type: list
      elements: str
    unexpected_keys:
      description: Keys of O(expect_absent_keys) found - the restore did not honour the restore time.
      type: list
      elements: str
    canaries:
      description: Items under O(verify_prefix) in the restored table, as {key, written_at}.
      type: list
      elements: dict
    honoured_restore_time:
      description: False when an unexpected key was found; null when there was nothing to tell it by.
      type: bool
    rto_seconds:
      description: From the request to ACTIVE and verified, when this run restored and waited.
      type: float
    rpo_seconds:
      description: Request time minus the newest canary present (under O(verify_prefix)); null without one.
      type: float
  sample:
    target_table: prod-items-drill
    requested_at: "2026-12-06T10:05:00.000+00:00"
    active_at: "2026-12-06T10:09:10.000+00:00"
    restore_point: "2026-12-06T10:00:00.000+00:00"
    found_keys: ["__dr_canary__#r1#eu-west-1#0"]
    missing_keys: []
    unexpected_keys: []
msg:
  description: What was done, or in check mode what would have been done.
  returned: always
  type: str
"""

import datetime
from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils import _dr
from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import utcnow as _wall
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

Handler = ddb.DynamoDBErrorHandler
POLL_SECONDS = 5


# ---- pure ----------------------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    """Every problem with the options, checked before any AWS call; the production table first."""
    errors = []
    target = params["target_table"]
    production = params.get("production_table")
    if production and target == production:
        verb = "restore into" if params["state"] == "present" else "delete"
        errors.append(f"target_table {target} is the production table (production_table): refusing to {verb} it")
    if target == params["source_table"]:
        errors.append(f"target_table {target} is the source_table: a restore goes into a new table only")
    if params["state"] == "present":
        if params["source"] == "backup" and not params.get("backup_arn"):
            errors.append("backup_arn is required with source=backup")
        if params["source"] == "pitr" and params["restore_time"] != "latest":
            try:
                _dr.parse_time(params["restore_time"])
            except ValueError:
                errors.append(f"restore_time must be 'latest' or an ISO 8601 date and time: {params['restore_time']!r}")
    if params["wait_timeout"] < 0:
        errors.append(f"wait_timeout must not be negative: {params['wait_timeout']}")
    return errors


def restore_request(params: dict, kms_key: Optional[str]) -> tuple[str, dict]:
    """(operation, parameters) of the restore call."""
    request: dict[str, Any] = {"TargetTableName": params["target_table"]}
    if kms_key:
        request["SSESpecificationOverride"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms_key}
    if params["source"] == "backup":
        request["BackupArn"] = params["backup_arn"]
        return "restore_table_from_backup", request
    request["SourceTableName"] = params["source_table"]
    if params["restore_time"] == "latest":
        request["UseLatestRestorableTime"] = True
    else:
        request["RestoreDateTime"] = _dr.parse_time(params["restore_time"])
    return "restore_table_to_point_in_time", request


def foreign_target(table: dict, params: dict) -> Optional[str]:
    """Why an existing target may not be used (or deleted): it is not a restore, or a restore of another table."""
    summary = table.get("RestoreSummary")
    name = table["TableName"]
    if not summary:
        return f"Table {name} exists and is not a restored table: it is neither restored into nor deleted"
    source_arn = summary.get("SourceTableArn") or ""
    if source_arn and not source_arn.endswith(f":table/{params['source_table']}"):
        return f"Table {name} is a restore of {source_arn}, not of {params['source_table']}"
    return None


def verification(found: dict, expect: list, expect_absent: list) -> dict:
    """found_keys/missing_keys/unexpected_keys from ``found`` (key -> present?)."""
    unexpected = [k for k in expect_absent if found.get(k)]
    return {
        "found_keys": [k for k in expect if found.get(k)],
        "missing_keys": [k for k in expect if not found.get(k)],
        "unexpected_keys": unexpected,
        "honoured_restore_time": (not unexpected) if expect_absent else None,
    }


# ---- calls ---------------------------------------------------------------------------------------------------


@Handler.common_error_handler("restore table {target}")
def start_restore(client, target: str, operation: str, request: dict) -> dict:
    return getattr(client, operation)(aws_retry=True, **request)["TableDescription"]


@Handler.common_error_handler("read key {key} of table {table}")
def has_key(client, table: str, key_attribute: str, key: str) -> bool:
    response = client.get_item(
        TableName=table,
        Key={key_attribute: {"S": key}},
        ConsistentRead=True,
        ProjectionExpression="#k",
        ExpressionAttributeNames={"#k": key_attribute},
        aws_retry=True,
    )
    return "Item" in response


@Handler.common_error_handler("list items under {prefix} in table {table}")
def items_under(client, table: str, key_attribute: str, prefix: str) -> list[dict]:
    return [
        {"key": i[key_attribute]["S"], "written_at": (i.get("written_at") or {}).get("S")}
        for i in ddb.scan_prefix(client, table, key_attribute, prefix)
    ]


def wait_active(client, name: str, timeout: float) -> tuple[dict, datetime.datetime]:
    """The table once ACTIVE with no restore in progress, and when that was first seen."""

    def done(table):
        return (
            bool(table)
            and table.get("TableStatus") == "ACTIVE"
            and not ((table.get("RestoreSummary") or {}).get("RestoreInProgress"))
        )

    table = wait_for(
        lambda: ddb.describe_table(client, name),
        done,
        f"table {name} to be ACTIVE",
        timeout=timeout,
        delay=POLL_SECONDS,
        failed=lambda t: bool(t) and t.get("TableStatus") in ddb.TABLE_FAILED_STATES,
        clock=_now,
        sleep=_sleep,
    )
    return table, _wall()


def wait_gone(client, name: str, timeout: float) -> None:
    wait_for(
        lambda: ddb.describe_table(client, name),
        lambda t: t is None,
        f"table {name} to be deleted",
        timeout=timeout,
        delay=POLL_SECONDS,
        clock=_now,
        sleep=_sleep,
    )


# ---- states --------------------------------------------------------------------------------------------------


def base_result(table: Optional[dict], target: str) -> dict:
    table = table or {}
    summary = table.get("RestoreSummary") or {}
    return {
        "target_table": target,
        "table_arn": table.get("TableArn"),
        "table_status": table.get("TableStatus"),
        "restored": False,
        "requested_at": _dr.iso(table.get("CreationDateTime")),
        "active_at": None,
        "verified_at": None,
        "restore_point": _dr.iso(summary.get("RestoreDateTime")),
        "found_keys": [],
        "missing_keys": [],
        "unexpected_keys": [],
        "canaries": [],
        "honoured_restore_time": None,
        "rto_seconds": None,
        "rpo_seconds": None,
    }


def verify(module, client, params: dict, result: dict) -> None:
    name = params["target_table"]
    expect, expect_absent = params["expect_keys"], params["expect_absent_keys"]
    found = {k: has_key(client, name, params["key_attribute"], k) for k in dict.fromkeys(expect + expect_absent)}
    result.update(verification(found, expect, expect_absent))
    if params.get("verify_prefix"):
        result["canaries"] = items_under(client, name, params["key_attribute"], params["verify_prefix"])
    result["verified_at"] = _dr.iso(_wall())
    if result["unexpected_keys"]:
        module.warn(
            f"Table {name} holds {len(result['unexpected_keys'])} key(s) written after the restore point"
            f" ({', '.join(result['unexpected_keys'])}): the restore did not honour its restore time"
        )


def present(module, client, params: dict) -> dict:
    name = params["target_table"]
    table = ddb.describe_table(client, name)
    if table is not None:
        problem = foreign_target(table, params)
        if problem:
            raise ModuleFailure(msg=problem)
        result = base_result(table, name)
        if params["wait"]:
            table, active = wait_active(client, name, params["wait_timeout"])
            result["table_status"] = table["TableStatus"]
            verify(module, client, params, result)
        msg = f"Table {name} is already a restore of {params['source_table']}; verified again"
        if module.check_mode:
            msg = f"check mode: {msg}"
        return {"changed": False, "restore": result, "msg": msg}
    if module.check_mode:
        result = base_result(None, name)
        return {
            "changed": True,
            "restore": result,
            "msg": f"check mode: nothing restored; {params['source_table']} would be restored ({params['source']})"
            f" into {name}",
        }
    kms_key = params.get("sse_kms_key_id")
    operation, request = restore_request(params, kms_key)
    requested = _wall()
    description = start_restore(client, name, operation, request)
    result = base_result(description, name)
    result["restored"] = True
    result["requested_at"] = _dr.iso(requested)
    if params.get("tags"):
        ddb.tag_resource(client, description["TableArn"], {"Tags": tags_to_boto3(params["tags"])})
    if params["wait"]:
        table, active = wait_active(client, name, params["wait_timeout"])
        result["table_status"] = table["TableStatus"]
        result["active_at"] = _dr.iso(active)
        summary = table.get("RestoreSummary") or {}
        if summary.get("RestoreDateTime"):
            result["restore_point"] = _dr.iso(summary["RestoreDateTime"])
        verify(module, client, params, result)
        result["rto_seconds"] = _dr.achieved_rto(result["requested_at"], result["active_at"], result["verified_at"])
        result["rpo_seconds"] = _dr.achieved_rpo(result["requested_at"], [c["written_at"] for c in result["canaries"]])
    return {"changed": True, "restore": result, "msg": f"{params['source_table']} restored into {name}"}


def absent(module, client, params: dict) -> dict:
    name = params["target_table"]
    table = ddb.describe_table(client, name)
    if table is None or table.get("TableStatus") == "DELETING":
        return {"changed": False, "restore": base_result(table, name), "msg": f"Table {name} does not exist"}
    problem = foreign_target(table, params)
    if problem:
        raise ModuleFailure(msg=problem)
    if table.get("DeletionProtectionEnabled"):
        raise ModuleFailure(msg=f"Table {name} has deletion protection on; the module does not turn it off")
    if module.check_mode:
        return {
            "changed": True,
            "restore": base_result(table, name),
            "msg": f"check mode: nothing deleted; table {name} would be deleted",
        }
    deleted = ddb.delete_table(client, name)
    if deleted and params["wait"]:
        wait_gone(client, name, params["wait_timeout"])
    return {"changed": deleted, "restore": base_result(table, name), "msg": f"Table {name} deleted"}


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            source_table=dict(type="str", required=True),
            target_table=dict(type="str", required=True),
            source=dict(type="str", default="pitr", choices=["pitr", "backup"]),
            restore_time=dict(type="str", default="latest"),
            backup_arn=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=1800),
            sse_kms_key_id=dict(type="str"),
            key_attribute=dict(type="str", default="primary_key", no_log=False),
            verify_prefix=dict(type="str"),
            expect_keys=dict(type="list", elements="str", default=[], no_log=False),
            expect_absent_keys=dict(type="list", elements="str", default=[], no_log=False),
            production_table=dict(type="str"),
            tags=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("dynamodb", extra_codes=ddb.CREATE_RETRY_CODES)
    run_state_action(module, {"present": present, "absent": absent}, client, module.params)


if __name__ == "__main__":
    main()

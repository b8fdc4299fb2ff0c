#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: dynamodb_canary
short_description: Write, measure and remove DR canary items in a DynamoDB (global) table
version_added: 0.1.0
description:
  - Canary items are small items under a reserved key prefix that the DR drills write into a table to measure
    what a restore kept (RPO) and how long replication takes between regions (Region RPO). Every key the module
    writes or deletes is C(<prefix>#<run_id>#<region>#<n>); it never touches an item outside O(prefix).
  - O(state=present) writes O(count) canaries in each write region (see O(write_region)) where the table exists
    (a region without it is listed in RV(missing_regions), with a warning) with the attributes
    C(written_at) (ISO 8601, UTC, milliseconds), C(run_id) and C(region). A canary that already exists is kept
    as it is (its C(written_at) is what a restore is measured against), so a second run reports no change.
  - O(state=measured) writes fresh canaries in each write region, then polls every other region of O(regions)
    with strongly consistent C(GetItem) until each canary has arrived with the same C(written_at), at most
    O(timeout) seconds. The lag of a canary is the time it was first seen in the other region minus its
    C(written_at) - it includes one request's latency, and its resolution is O(poll_interval). A canary that
    does not arrive in time, or a region where the table does not exist, is reported as missing - never as
    arrived.
  - O(state=absent) deletes, in every region of O(regions), every item whose key starts with
    C(<prefix>#<run_id>#), or with C(<prefix>#) when O(run_id) is left out. Items are found with a strongly
    consistent, paginated C(Scan) and each deleted with a condition that its key still starts with the prefix.
  - The table must have a single string partition key named O(key_attribute) and no sort key.
  - An empty O(prefix) is refused before any AWS call.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  table_name:
    description:
      - Name of the table; the same in every region (a global table's replicas share its name).
    type: str
    required: true
  regions:
    description:
      - The regions of the table's replicas the module works in. Defaults to the module's O(region).
      - Canaries are written in each of them unless O(write_region) is set; O(state=measured) reads every
        region that is not a write region.
    type: list
    elements: str
  write_region:
    description:
      - Write canaries in this region only. With O(state=measured) the other regions of O(regions) are polled.
    type: str
  prefix:
    description:
      - The reserved key prefix of canary items. Must not be empty; an application item must never start with it.
    type: str
    default: __dr_canary__
  key_attribute:
    description:
      - The table's partition key attribute (type C(S)).
    type: str
    default: primary_key
  run_id:
    description:
      - Identifies one drill run; part of every key. Required for O(state=present) and O(state=measured).
      - Must not contain C(#).
    type: str
  count:
    description:
      - Canaries to write per write region.
    type: int
    default: 3
  state:
    description:
      - V(present) writes canaries, V(measured) writes them and measures their replication lag, V(absent)
        deletes them.
    type: str
    choices: [present, measured, absent]
    default: present
  timeout:
    description:
      - With O(state=measured), the most seconds to wait for every canary to arrive in every other region.
    type: int
    default: 60
  poll_interval:
    description:
      - With O(state=measured), seconds between two reads of the canaries not yet arrived.
    type: float
    default: 0.5
notes:
  - In check mode nothing is written or deleted; the module reads what is there, reports what it would do, and
    says so in RV(msg). With O(state=measured) nothing is measured in check mode.
  - Both states that write report C(changed) only when an item was written or deleted.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Write three canaries before a point-in-time restore
  multiregion.serverless.dynamodb_canary:
    table_name: prod-items
    regions: [eu-west-1]
    run_id: "{{ dr_run_id }}"
    count: 3
  register: canaries

- name: Measure replication lag between the replicas
  multiregion.serverless.dynamodb_canary:
    table_name: prod-items
    regions: [eu-west-1, eu-central-1]
    run_id: "{{ dr_run_id }}-replication"
    state: measured
    timeout: 30
  register: replication

- name: Remove every canary of the run
  multiregion.serverless.dynamodb_canary:
    table_name: prod-items
    regions: [eu-west-1, eu-central-1]
    run_id: "{{ dr_run_id }}"
    state: absent
"""

RETURN = r"""
canaries:
  description: The canaries written (present, measured) or deleted (absent).
  returned: always
  type: list
  elements: dict
  contains:
    key:
      description: The canary's key.
      type: str
      sample: "__dr_canary__#run-1#eu-west-1#0"
    region:
      description: The region it was written in (or deleted from).
      type: str
    written_at:
      description: Its C(written_at) attribute (ISO 8601, UTC, milliseconds).
      type: str
    created:
      description: Whether this run wrote (or deleted) it; false for a canary that was already there.
      type: bool
lag_seconds:
  description: Replication lag statistics over every (canary, other region) pair; with O(state=measured).
  returned: always
  type: dict
  contains:
    p50:
      description: Median lag in seconds (linear interpolation); null when nothing arrived.
      type: float
    p99:
      description: 99th percentile lag in seconds; null when nothing arrived.
      type: float
    max:
      description: Largest lag in seconds; null when nothing arrived.
      type: float
    count:
      description: Pairs measured.
      type: int
    missing:
      description: Pairs that did not arrive within O(timeout), or whose region has no table.
      type: int
  sample: {p50: 0.9, p99: 1.4, max: 1.4, count: 3, missing: 0}
lags:
  description: With O(state=measured), one entry per (canary, other region).
  returned: always
  type: list
  elements: dict
  sample:
    - {key: "__dr_canary__#r1#eu-west-1#0", written_region: eu-west-1, read_region: eu-central-1,
       written_at: "2026-12-06T10:00:00.000+00:00", seen_at: "2026-12-06T10:00:00.912+00:00", lag_seconds: 0.912}
missing_regions:
  description: Regions of O(regions) where the table does not exist (canaries there count as missing).
  returned: always
  type: list
  elements: str
timeline:
  description: Timestamped events (written, arrived, missing, deleted, table_missing).
  returned: always
  type: list
  elements: dict
  sample:
    - {time: "2026-12-06T10:00:00.000+00:00", event: written, region: eu-west-1, detail: "__dr_canary__#r1#eu-west-1#0"}
msg:
  description: What was done, or in check mode what would have been done.
  returned: always
  type: str
"""

import datetime
from typing import Any
from typing import Callable
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils import _dr
from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import utcnow as _wall

Handler = ddb.DynamoDBErrorHandler


# ---- pure ----------------------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    """Every problem with the options, each naming its option; checked before any AWS call."""
    errors = []
    prefix = params.get("prefix")
    if not prefix or not prefix.strip():
        errors.append("prefix must not be empty: canaries live only under a reserved key prefix")
    run_id = params.get("run_id")
    if run_id is not None and (not run_id or "#" in run_id):
        errors.append(f"run_id must be a non-empty string without '#': {run_id!r}")
    if params["count"] < 1:
        errors.append(f"count must be at least 1, not {params['count']}")
    if params["timeout"] < 0:
        errors.append(f"timeout must not be negative, not {params['timeout']}")
    if params["poll_interval"] <= 0:
        errors.append(f"poll_interval must be positive, not {params['poll_interval']}")
    if not params.get("table_name"):
        errors.append("table_name must not be empty")
    return errors


def canary_key(prefix: str, run_id: str, region: str, n: int) -> str:
    if not prefix or not run_id:
        raise ValueError("a canary key needs a prefix and a run_id")
    return f"{prefix}#{run_id}#{region}#{n}"


def deletion_prefix(prefix: str, run_id: Optional[str]) -> str:
    """The key prefix of the canaries to delete: one run's (``<prefix>#<run_id>#``) or all (``<prefix>#``)."""
    return f"{prefix}#{run_id}#" if run_id else f"{prefix}#"


def key_schema_problem(table: dict, key_attribute: str) -> Optional[str]:
    keys = table.get("KeySchema") or []
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions") or []}
    if len(keys) != 1 or keys[0]["AttributeName"] != key_attribute or types.get(key_attribute) != "S":
        schema = ", ".join(f"{k['AttributeName']} ({k['KeyType']}, {types.get(k['AttributeName'])})" for k in keys)
        return (
            f"table {table.get('TableName')} must have a single string partition key named {key_attribute}"
            f" (key_attribute) for canaries; its key schema is: {schema}"
        )
    return None


def canary_item(key_attribute: str, key: str, run_id: str, region: str, written_at: str) -> dict:
    return {
        key_attribute: {"S": key},
        "written_at": {"S": written_at},
        "run_id": {"S": run_id},
        "region": {"S": region},
    }


def event(event_name: str, region: str, detail: str = "", when: Optional[datetime.datetime] = None) -> dict:
    return {"time": _dr.iso(when or _wall()), "event": event_name, "region": region, "detail": detail}


# ---- calls ---------------------------------------------------------------------------------------------------


@Handler.common_error_handler("read canary {key}")
def get_canary(client, table: str, key_attribute: str, key: str) -> Optional[dict]:
    return client.get_item(TableName=table, Key={key_attribute: {"S": key}}, ConsistentRead=True, aws_retry=True).get(
        "Item"
    )


@Handler.common_error_handler("write canary {key}")
def put_canary(client, table: str, key_attribute: str, key: str, item: dict, only_new: bool) -> bool:
    """Write the canary; with ``only_new`` keep an existing one (returns False then)."""
    params: dict[str, Any] = {"TableName": table, "Item": item}
    if only_new:
        params["ConditionExpression"] = "attribute_not_exists(#k)"
        params["ExpressionAttributeNames"] = {"#k": key_attribute}
    try:
        client.put_item(aws_retry=True, **params)
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


@Handler.common_error_handler("list canaries under {prefix}")
def list_canaries(client, table: str, key_attribute: str, prefix: str) -> list[dict]:
    return ddb.scan_prefix(client, table, key_attribute, prefix)


@Handler.deletion_error_handler("delete canary {key}")
def delete_canary(client, table: str, key_attribute: str, key: str, prefix: str) -> bool:
    """Delete one canary; False when it was already gone (the condition holds only for an item that exists)."""
    try:
        client.delete_item(
            TableName=table,
            Key={key_attribute: {"S": key}},
            ConditionExpression="begins_with(#k, :prefix)",
            ExpressionAttributeNames={"#k": key_attribute},
            ExpressionAttributeValues={":prefix": {"S": prefix}},
            aws_retry=True,
        )
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


# ---- states --------------------------------------------------------------------------------------------------


class Canaries:
    def __init__(self, module, clients: dict, params: dict) -> None:
        self.module = module
        self.clients = clients
        self.table = params["table_name"]
        self.key_attribute = params["key_attribute"]
        self.prefix = params["prefix"]
        self.run_id = params["run_id"]
        self.count = params["count"]
        self.check_mode = module.check_mode
        self.timeline: list[dict] = []
        self.missing_regions: list[str] = []

    def table_in(self, region: str) -> bool:
        """Whether the table exists in ``region`` (with a key canaries can use); a missing one is recorded."""
        table = ddb.describe_table(self.clients[region], self.table)
        if table is None or table.get("TableStatus") == "DELETING":
            self.missing_regions.append(region)
            self.timeline.append(event("table_missing", region, f"no table {self.table} in {region}"))
            return False
        problem = key_schema_problem(table, self.key_attribute)
        if problem:
            self.module.fail_json(msg=problem)
        return True

    def keys(self, region: str) -> list[str]:
        return [canary_key(self.prefix, self.run_id, region, n) for n in range(self.count)]

    def present(self, writers: list[str]) -> dict:
        canaries = []
        # A write region without the table (a replica that does not exist) is reported, not written to; only
        # when no write region has the table is that an error.
        writers = [r for r in writers if self.table_in(r)]
        if not writers:
            self.module.fail_json(
                msg=f"Table {self.table} does not exist in any write region: no canary can be written",
                missing_regions=self.missing_regions,
            )
        for region in self.missing_regions:
            self.module.warn(f"Table {self.table} does not exist in {region}: no canary written there")
        for region in writers:
            client = self.clients[region]
            for key in self.keys(region):
                existing = get_canary(client, self.table, self.key_attribute, key)
                if existing is not None:
                    canaries.append(self._canary(key, region, existing.get("written_at", {}).get("S"), False))
                    continue
                if self.check_mode:
                    canaries.append(self._canary(key, region, None, True))
                    continue
                written_at = _dr.iso(_wall())
                item = canary_item(self.key_attribute, key, self.run_id, region, written_at)
                created = put_canary(client, self.table, self.key_attribute, key, item, only_new=True)
                if not created:  # written by someone else between the read and the write
                    existing = get_canary(client, self.table, self.key_attribute, key) or {}
                    written_at = existing.get("written_at", {}).get("S")
                else:
                    self.timeline.append(event("written", region, key, _dr.parse_time(written_at)))
                canaries.append(self._canary(key, region, written_at, created))
        changed = any(c["created"] for c in canaries)
        new = sum(1 for c in canaries if c["created"])
        if self.check_mode:
            msg = f"check mode: nothing written; {new} canary item(s) would be written"
        else:
            msg = f"{new} canary item(s) written, {len(canaries) - new} already there"
        return {"changed": changed, "canaries": canaries, "msg": msg}

    def measured(self, writers: list[str], regions: list[str], timeout: float, poll_interval: float) -> dict:
        """Write in each of ``writers``; read each canary back in every other region of ``regions``."""
        # A region without the table (no replica there) is reported as missing, not as an error: that is the
        # finding. Only when no write region has the table is there nothing to measure at all.
        readable = [r for r in dict.fromkeys(writers + regions) if self.table_in(r)]
        writers = [w for w in writers if w in readable]
        if not writers:
            self.module.fail_json(
                msg=f"Table {self.table} does not exist in any write region: no canary can be written",
                missing_regions=self.missing_regions,
            )
        others = {w: [r for r in regions if r != w] for w in writers}
        if self.check_mode:
            planned = [self._canary(k, r, None, True) for r in writers for k in self.keys(r)]
            return {
                "changed": True,
                "canaries": planned,
                "msg": f"check mode: nothing written or measured; {len(planned)} canary item(s) would be written"
                f" and read back in {len(regions) - 1} other region(s)",
            }
        canaries = []
        pending: dict[tuple[str, str], dict] = {}
        items: list[dict] = []
        for region in writers:
            for key in self.keys(region):
                written = _wall()
                written_at = _dr.iso(written)
                item = canary_item(self.key_attribute, key, self.run_id, region, written_at)
                put_canary(self.clients[region], self.table, self.key_attribute, key, item, only_new=False)
                self.timeline.append(event("written", region, key, written))
                canaries.append(self._canary(key, region, written_at, True))
                for reader in others[region]:
                    entry = {
                        "key": key,
                        "written_region": region,
                        "read_region": reader,
                        "written_at": written_at,
                        "seen_at": None,
                        "lag_seconds": None,
                    }
                    items.append(entry)
                    if reader in readable:
                        pending[(key, reader)] = entry
        deadline = _now() + timeout
        while pending:
            for (key, reader), entry in list(pending.items()):
                found = get_canary(self.clients[reader], self.table, self.key_attribute, key)
                if found and found.get("written_at", {}).get("S") == entry["written_at"]:
                    seen = _wall()
                    entry["seen_at"] = _dr.iso(seen)
                    entry["lag_seconds"] = _dr.seconds_between(entry["written_at"], seen)
                    self.timeline.append(event("arrived", reader, f"{key} after {entry['lag_seconds']:g} s", seen))
                    del pending[(key, reader)]
            if not pending or _now() + poll_interval > deadline:
                break
            _sleep(poll_interval)
        for entry in items:
            if entry["lag_seconds"] is None:
                why = "no table" if entry["read_region"] in self.missing_regions else f"not there after {timeout} s"
                self.timeline.append(event("missing", entry["read_region"], f"{entry['key']}: {why}"))
        summary = _dr.lag_summary([e["lag_seconds"] for e in items])
        return {
            "changed": True,
            "canaries": canaries,
            "lags": items,
            "lag_seconds": summary,
            "msg": f"{len(canaries)} canary item(s) written; {summary['count']} arrival(s) measured,"
            f" {summary['missing']} missing",
        }

    def absent(self, regions: list[str]) -> dict:
        prefix = deletion_prefix(self.prefix, self.run_id)
        removed = []
        for region in regions:
            if not self.table_in(region):
                continue
            client = self.clients[region]
            for found in list_canaries(client, self.table, self.key_attribute, prefix):
                key = found[self.key_attribute]["S"]
                if not key.startswith(prefix):  # the filter guarantees it; deleting is too serious to assume
                    continue
                written_at = found.get("written_at", {}).get("S")
                if not self.check_mode:
                    if not delete_canary(client, self.table, self.key_attribute, key, prefix):
                        continue
                    self.timeline.append(event("deleted", region, key))
                removed.append(self._canary(key, region, written_at, True))
        if self.check_mode:
            msg = f"check mode: nothing deleted; {len(removed)} canary item(s) under {prefix} would be deleted"
        else:
            msg = f"{len(removed)} canary item(s) under {prefix} deleted"
        return {"changed": bool(removed), "canaries": removed, "msg": msg}

    @staticmethod
    def _canary(key: str, region: str, written_at: Optional[str], created: bool) -> dict:
        return {"key": key, "region": region, "written_at": written_at, "created": created}


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            table_name=dict(type="str", required=True),
            regions=dict(type="list", elements="str"),
            write_region=dict(type="str"),
            prefix=dict(type="str", default="__dr_canary__", no_log=False),
            key_attribute=dict(type="str", default="primary_key", no_log=False),
            run_id=dict(type="str"),
            count=dict(type="int", default=3),
            state=dict(type="str", default="present", choices=["present", "measured", "absent"]),
            timeout=dict(type="int", default=60),
            poll_interval=dict(type="float", default=0.5),
        ),
        supports_check_mode=True,
        required_if=[("state", "present", ["run_id"]), ("state", "measured", ["run_id"])],
    )
    params = module.params
    module.fail_on_errors(validate(params))
    regions = list(dict.fromkeys(params["regions"] or [module.region]))
    writers = [params["write_region"]] if params["write_region"] else regions
    clients = {r: module.retrying_client("dynamodb", region=r) for r in dict.fromkeys(regions + writers)}
    canaries = Canaries(module, clients, params)

    def with_timeline(action) -> Callable[[], dict]:
        def run() -> dict:
            result = action()
            result.setdefault("lags", [])
            result.setdefault("lag_seconds", _dr.lag_summary([]))
            return dict(timeline=canaries.timeline, missing_regions=canaries.missing_regions, **result)

        return run

    run_and_exit(
        module,
        {
            "present": with_timeline(lambda: canaries.present(writers)),
            "measured": with_timeline(
                lambda: canaries.measured(writers, regions, params["timeout"], params["poll_interval"])
            ),
            "absent": with_timeline(lambda: canaries.absent(list(dict.fromkeys(regions + writers)))),
        },
    )


if __name__ == "__main__":
    main()

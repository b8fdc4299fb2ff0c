# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""DynamoDB helpers shared by ``dynamodb_table`` and ``dynamodb_table_info``.

- Reading: ``describe_full`` gathers DescribeTable, DescribeContinuousBackups, DescribeTimeToLive and
  ListTagsOfResource into one snake_case dict (``table_result``), the shape both modules return.
- Planning (pure functions, no AWS calls): ``current_settings`` and ``wanted_settings`` reduce a table and the
  module's options to the same flat dict of managed settings (also the diff); ``validate`` rejects plans AWS
  would refuse; ``build_actions`` turns the difference into the ordered list of API calls to make.
- Waiting: ``TableWaiter`` polls DescribeTable for the table and its replicas, always bounded.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import given_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

DynamoDBErrorHandler = error_handler(["ResourceNotFoundException", "TableNotFoundException"])

# DynamoDB's throttling codes (ThrottlingException, ProvisionedThroughputExceededException) are among the
# THROTTLING_CODES every retrying client of this collection retries. Besides them, the DynamoDB API reference
# asks callers to wait and retry on these: a table operation already running (ResourceInUseException), too many
# concurrent control-plane operations (LimitExceededException), and PITR requested while a new table's backups
# are still being set up (ContinuousBackupsUnavailableException).
RETRY_CODES = [
    "LimitExceededException",
    "ResourceInUseException",
    "ContinuousBackupsUnavailableException",
]
# On CreateTable, ResourceInUseException means "the table already exists": retrying cannot help.
CREATE_RETRY_CODES = ["LimitExceededException"]

STREAM_DISABLED = "DISABLED"
AWS_OWNED_KEY = ""
DEFAULT_TABLE_CLASS = "STANDARD"
GLOBAL_TABLE_STREAM = "NEW_AND_OLD_IMAGES"

# Replica states from which no amount of waiting leads to ACTIVE.
REPLICA_FAILED_STATES = frozenset(
    {
        "CREATION_FAILED",
        "REGION_DISABLED",
        "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
        "REPLICATION_NOT_AUTHORIZED",
        "ARCHIVING",
        "ARCHIVED",
    }
)
TABLE_FAILED_STATES = frozenset(
    {"INACCESSIBLE_ENCRYPTION_CREDENTIALS", "ARCHIVING", "ARCHIVED", "REPLICATION_NOT_AUTHORIZED"}
)


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@DynamoDBErrorHandler.list_error_handler("describe table {name}", None)
def describe_table(client, name: str) -> dict | None:
    return client.describe_table(TableName=name, aws_retry=True)["Table"]


@DynamoDBErrorHandler.list_error_handler("describe continuous backups of table {name}", {})
def describe_continuous_backups(client, name: str) -> dict:
    return client.describe_continuous_backups(TableName=name, aws_retry=True)["ContinuousBackupsDescription"]


@DynamoDBErrorHandler.list_error_handler("describe time to live of table {name}", {})
def describe_time_to_live(client, name: str) -> dict:
    return client.describe_time_to_live(TableName=name, aws_retry=True)["TimeToLiveDescription"]


def scan_prefix(client, table: str, key_attribute: str, prefix: str) -> list[dict]:
    """The items of ``table`` whose key starts with ``prefix`` (key and ``written_at`` only), read consistently.

    The DR modules write their canaries under a reserved key prefix; this reads them back.
    """
    result = paginate(
        client,
        "scan",
        TableName=table,
        ConsistentRead=True,
        FilterExpression="begins_with(#k, :prefix)",
        ProjectionExpression="#k, written_at",
        ExpressionAttributeNames={"#k": key_attribute},
        ExpressionAttributeValues={":prefix": {"S": prefix}},
    )
    return result.get("Items", [])


@DynamoDBErrorHandler.list_error_handler("list tags of table {arn}", {})
def list_tags(client, arn: str) -> dict:
    return tags_from_boto3(paginate(client, "list_tags_of_resource", ResourceArn=arn).get("Tags", []))


@DynamoDBErrorHandler.common_error_handler("list tables")
def list_table_names(client) -> list:
    return paginate(client, "list_tables").get("TableNames", [])


@DynamoDBErrorHandler.common_error_handler("check whether table {name} holds items")
def table_has_items(client, name: str) -> bool:
    """Whether the table holds at least one item, read strongly consistent from the table itself.

    DescribeTable's ItemCount is refreshed only about every six hours, so an item written a minute ago would
    go unseen. A Scan with Limit=1 and Select=COUNT reads at most one item per page: it answers at the cost
    of one read unit. A page may come back empty with a LastEvaluatedKey (the scan has not reached the end),
    so it follows the key until an item turns up or the scan ends.
    """
    request = {"TableName": name, "Limit": 1, "Select": "COUNT", "ConsistentRead": True}
    while True:
        page = client.scan(aws_retry=True, **request)
        if page.get("Count", 0) > 0:
            return True
        if not page.get("LastEvaluatedKey"):
            return False
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def replica_result(replica: dict) -> dict:
    return snake_result(replica)


def table_result(table: dict, backups: dict, ttl: dict, tags: dict) -> dict:
    """The snake_case shape both modules return for a table."""
    stream = table.get("StreamSpecification") or {}
    stream_enabled = bool(stream.get("StreamEnabled"))
    throughput = table.get("ProvisionedThroughput") or {}
    pitr = (backups.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus") == "ENABLED"
    return {
        "table_name": table["TableName"],
        "table_arn": table.get("TableArn"),
        "table_id": table.get("TableId"),
        "table_status": table.get("TableStatus"),
        "key_schema": [{"attribute_name": k["AttributeName"], "key_type": k["KeyType"]} for k in table["KeySchema"]],
        "attribute_definitions": [
            {"attribute_name": a["AttributeName"], "attribute_type": a["AttributeType"]}
            for a in table.get("AttributeDefinitions", [])
        ],
        # A table created before on-demand capacity existed has no BillingModeSummary: it is provisioned.
        "billing_mode": (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
        "provisioned_throughput": {
            "read_capacity_units": throughput.get("ReadCapacityUnits", 0),
            "write_capacity_units": throughput.get("WriteCapacityUnits", 0),
        },
        "stream_enabled": stream_enabled,
        "stream_view_type": stream.get("StreamViewType") if stream_enabled else None,
        "latest_stream_arn": table.get("LatestStreamArn"),
        "sse_description": snake_result(table.get("SSEDescription")),
        # TableClassSummary appears only once a table class has been chosen; until then it is STANDARD.
        "table_class": (table.get("TableClassSummary") or {}).get("TableClass", DEFAULT_TABLE_CLASS),
        "deletion_protection_enabled": bool(table.get("DeletionProtectionEnabled", False)),
        "point_in_time_recovery": pitr,
        "ttl": {"status": ttl.get("TimeToLiveStatus", "DISABLED"), "attribute_name": ttl.get("AttributeName")},
        "global_table_version": table.get("GlobalTableVersion"),
        "replicas": [replica_result(r) for r in table.get("Replicas", [])],
        "item_count": table.get("ItemCount"),
        "tags": tags,
    }


def describe_full(client, name: str, params: dict | None = None) -> dict | None:
    """The table as ``table_result`` shapes it, or None when it does not exist.

    With ``params`` (dynamodb_table's, to plan with), the table's tags are those its O(known_tags) gives when they
    already are the wanted ones (module_utils/_tagging.py); otherwise, or without ``params``, ListTagsOfResource's.
    """
    table = describe_table(client, name)
    if table is None:
        return None
    backups = describe_continuous_backups(client, name)
    ttl = describe_time_to_live(client, name)
    arn = table["TableArn"]
    tags = known_or_read(params, arn, lambda: list_tags(client, arn)) if params else list_tags(client, arn)
    return table_result(table, backups, ttl, tags)


# ---------------------------------------------------------------------------------------------------------
# Planning: pure functions
# ---------------------------------------------------------------------------------------------------------


def current_settings(table: dict, region: str) -> dict:
    """The settings this module manages, from a ``table_result``. Replicas exclude ``region`` (the table itself)."""
    keys = {k["key_type"]: k["attribute_name"] for k in table["key_schema"]}
    types = {a["attribute_name"]: a["attribute_type"] for a in table["attribute_definitions"]}
    hash_name, range_name = keys.get("HASH"), keys.get("RANGE")
    sse = table["sse_description"]
    sse_on = sse.get("status") in ("ENABLED", "ENABLING", "UPDATING") and sse.get("sse_type") == "KMS"
    provisioned = table["billing_mode"] == "PROVISIONED"
    ttl = table["ttl"]
    return {
        "hash_key_name": hash_name,
        "hash_key_type": types.get(hash_name),
        "range_key_name": range_name,
        "range_key_type": types.get(range_name) if range_name else None,
        "billing_mode": table["billing_mode"],
        "read_capacity": table["provisioned_throughput"]["read_capacity_units"] if provisioned else None,
        "write_capacity": table["provisioned_throughput"]["write_capacity_units"] if provisioned else None,
        "stream_view_type": table["stream_view_type"] or STREAM_DISABLED,
        "sse_kms_key_arn": sse.get("kms_master_key_arn", AWS_OWNED_KEY) if sse_on else AWS_OWNED_KEY,
        "table_class": table["table_class"],
        "deletion_protection": table["deletion_protection_enabled"],
        "point_in_time_recovery": table["point_in_time_recovery"],
        "ttl_attribute": (ttl.get("attribute_name") or "") if ttl.get("status") in ("ENABLED", "ENABLING") else "",
        "tags": dict(table["tags"]),
        "replicas": sorted(r["region_name"] for r in table["replicas"] if r["region_name"] != region),
    }


def wanted_replicas(params: dict, region: str) -> dict:
    """Replica specs by region, in the order given, without the module's own region (that is the table)."""
    return {r["region_name"]: r for r in params.get("replicas") or [] if r["region_name"] != region}


def wanted_settings(params: dict, current: dict | None, region: str, sse_kms_key_arn: str | None) -> dict:
    """The settings after the run: each option left out keeps what the table has (or the creation default).

    ``sse_kms_key_arn`` is the resolved ``sse_kms_key_id``: None leaves encryption alone, "" is the AWS-owned key.
    """
    if current is None:
        wanted = {
            "hash_key_name": params.get("hash_key_name"),
            "hash_key_type": params.get("hash_key_type") or "S",
            "range_key_name": params.get("range_key_name"),
            "range_key_type": (params.get("range_key_type") or "S") if params.get("range_key_name") else None,
            "billing_mode": "PAY_PER_REQUEST",
            "read_capacity": None,
            "write_capacity": None,
            "stream_view_type": STREAM_DISABLED,
            "sse_kms_key_arn": AWS_OWNED_KEY,
            "table_class": DEFAULT_TABLE_CLASS,
            "deletion_protection": True,
            "point_in_time_recovery": False,
            "ttl_attribute": "",
            "tags": {},
            "replicas": [],
        }
    else:
        wanted = dict(current, tags=dict(current["tags"]), replicas=list(current["replicas"]))

    for option in ("billing_mode", "stream_view_type", "table_class", "deletion_protection"):
        if params.get(option) is not None:
            wanted[option] = params[option]
    for option in ("point_in_time_recovery", "ttl_attribute"):
        if params.get(option) is not None:
            wanted[option] = params[option]
    if params.get("billing_mode") is not None:
        provisioned = wanted["billing_mode"] == "PROVISIONED"
        wanted["read_capacity"] = params.get("read_capacity") if provisioned else None
        wanted["write_capacity"] = params.get("write_capacity") if provisioned else None
    if sse_kms_key_arn is not None:
        wanted["sse_kms_key_arn"] = sse_kms_key_arn

    to_set, to_remove = tag_changes(wanted["tags"], params.get("tags"), params.get("purge_tags", True))
    wanted["tags"] = {k: v for k, v in wanted["tags"].items() if k not in to_remove}
    wanted["tags"].update(to_set)

    if params.get("replicas") is not None:
        listed = list(wanted_replicas(params, region))
        if params.get("purge_replicas"):
            wanted["replicas"] = sorted(listed)
        else:
            wanted["replicas"] = sorted(set(wanted["replicas"]) | set(listed))

    # Replication reads the table's stream: a table gaining its first replica gets the stream it needs
    # unless the user chose one (validate() rejects a conflicting choice).
    if wanted["replicas"] and params.get("stream_view_type") is None and wanted["stream_view_type"] == STREAM_DISABLED:
        wanted["stream_view_type"] = GLOBAL_TABLE_STREAM
    return wanted


def validate(current: dict | None, wanted: dict, params: dict, region: str) -> list:
    """Why AWS would refuse this plan, as messages for the user (empty when the plan is sound)."""
    problems = []
    if current is None and not wanted["hash_key_name"]:
        problems.append("hash_key_name is required to create a table")
    if current is not None:
        for option in ("hash_key_name", "hash_key_type", "range_key_name", "range_key_type"):
            given = params.get(option)
            if given is not None and given != current[option]:
                problems.append(
                    f"{option} cannot change on an existing table ({current[option]!r} != {given!r}):"
                    " the key schema is fixed at creation"
                )
    if wanted["billing_mode"] == "PROVISIONED" and not (wanted["read_capacity"] and wanted["write_capacity"]):
        problems.append("billing_mode PROVISIONED needs read_capacity and write_capacity")

    regions = [r["region_name"] for r in params.get("replicas") or []]
    duplicates = sorted({r for r in regions if regions.count(r) > 1})
    if duplicates:
        problems.append(f"replicas lists a region more than once: {', '.join(duplicates)}")

    if wanted["replicas"] and wanted["stream_view_type"] != GLOBAL_TABLE_STREAM:
        problems.append(
            f"a table with replicas needs stream_view_type {GLOBAL_TABLE_STREAM} (replication reads the stream);"
            f" wanted {wanted['stream_view_type']}"
        )

    current_replicas = set(current["replicas"]) if current else set()
    specs = wanted_replicas(params, region)
    if wanted["sse_kms_key_arn"]:
        missing_key = [r for r in wanted["replicas"] if r not in current_replicas and not specs[r].get("kms_key_id")]
        if missing_key:
            problems.append(
                "the table is encrypted with a customer managed KMS key and KMS keys are regional: give kms_key_id"
                f" (a key in that region) for the new replica in {', '.join(missing_key)}"
            )
    return problems


def sse_specification(key_arn: str) -> dict:
    if key_arn == AWS_OWNED_KEY:
        return {"Enabled": False}
    return {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn}


def create_table_request(name: str, wanted: dict) -> dict:
    """CreateTable's arguments; PITR, TTL and replicas are not part of CreateTable and follow it."""
    keys = [("HASH", wanted["hash_key_name"], wanted["hash_key_type"])]
    if wanted["range_key_name"]:
        keys.append(("RANGE", wanted["range_key_name"], wanted["range_key_type"]))
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": attr, "AttributeType": kind} for _role, attr, kind in keys],
        "KeySchema": [{"AttributeName": attr, "KeyType": role} for role, attr, _kind in keys],
        "BillingMode": wanted["billing_mode"],
        "DeletionProtectionEnabled": wanted["deletion_protection"],
    }
    if wanted["billing_mode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = {
            "ReadCapacityUnits": wanted["read_capacity"],
            "WriteCapacityUnits": wanted["write_capacity"],
        }
    if wanted["stream_view_type"] != STREAM_DISABLED:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": wanted["stream_view_type"]}
    if wanted["sse_kms_key_arn"] != AWS_OWNED_KEY:
        request["SSESpecification"] = sse_specification(wanted["sse_kms_key_arn"])
    if wanted["table_class"] != DEFAULT_TABLE_CLASS:
        request["TableClass"] = wanted["table_class"]
    if wanted["tags"]:
        request["Tags"] = tags_to_boto3(wanted["tags"])
    return request


def created_settings(wanted: dict) -> dict:
    """What CreateTable alone leaves: everything wanted except the settings that need calls of their own."""
    return dict(wanted, point_in_time_recovery=False, ttl_attribute="", replicas=[])


def build_actions(current: dict, wanted: dict, replica_specs: dict) -> list:
    """The API calls that take the table from ``current`` to ``wanted``, in the order they must run.

    Each is ``(operation, arguments)`` without the table's name or ARN. UpdateTable accepts one kind of
    change at a time (capacity, stream, encryption, replicas...), so each kind is a call of its own; a new
    stream view type needs the stream off first; replicas come after the stream they replicate from, one
    region per call, additions before removals so the table never has fewer copies than before or after.
    """
    actions: list = []
    if (current["billing_mode"], current["read_capacity"], current["write_capacity"]) != (
        wanted["billing_mode"],
        wanted["read_capacity"],
        wanted["write_capacity"],
    ):
        update: dict[str, Any] = {"BillingMode": wanted["billing_mode"]}
        if wanted["billing_mode"] == "PROVISIONED":
            update["ProvisionedThroughput"] = {
                "ReadCapacityUnits": wanted["read_capacity"],
                "WriteCapacityUnits": wanted["write_capacity"],
            }
        actions.append(("update_table", update))
    if current["sse_kms_key_arn"] != wanted["sse_kms_key_arn"]:
        actions.append(("update_table", {"SSESpecification": sse_specification(wanted["sse_kms_key_arn"])}))
    if current["table_class"] != wanted["table_class"]:
        actions.append(("update_table", {"TableClass": wanted["table_class"]}))
    if current["deletion_protection"] != wanted["deletion_protection"]:
        actions.append(("update_table", {"DeletionProtectionEnabled": wanted["deletion_protection"]}))
    if current["stream_view_type"] != wanted["stream_view_type"]:
        if current["stream_view_type"] != STREAM_DISABLED:
            actions.append(("update_table", {"StreamSpecification": {"StreamEnabled": False}}))
        if wanted["stream_view_type"] != STREAM_DISABLED:
            spec = {"StreamEnabled": True, "StreamViewType": wanted["stream_view_type"]}
            actions.append(("update_table", {"StreamSpecification": spec}))
    if current["point_in_time_recovery"] != wanted["point_in_time_recovery"]:
        spec = {"PointInTimeRecoveryEnabled": wanted["point_in_time_recovery"]}
        actions.append(("update_continuous_backups", {"PointInTimeRecoverySpecification": spec}))
    if current["ttl_attribute"] != wanted["ttl_attribute"]:
        if current["ttl_attribute"]:
            spec = {"Enabled": False, "AttributeName": current["ttl_attribute"]}
            actions.append(("update_time_to_live", {"TimeToLiveSpecification": spec}))
        if wanted["ttl_attribute"]:
            spec = {"Enabled": True, "AttributeName": wanted["ttl_attribute"]}
            actions.append(("update_time_to_live", {"TimeToLiveSpecification": spec}))

    to_set = {k: v for k, v in wanted["tags"].items() if current["tags"].get(k) != v}
    to_remove = sorted(k for k in current["tags"] if k not in wanted["tags"])
    if to_set:
        actions.append(("tag_resource", {"Tags": tags_to_boto3(to_set)}))
    if to_remove:
        actions.append(("untag_resource", {"TagKeys": to_remove}))

    for region, spec in replica_specs.items():
        if region in wanted["replicas"] and region not in current["replicas"]:
            actions.append(("create_replica", replica_create_action(spec)))
    for region in current["replicas"]:
        if region not in wanted["replicas"]:
            actions.append(("delete_replica", {"RegionName": region}))
    return actions


def replica_create_action(spec: dict) -> dict:
    action = {"RegionName": spec["region_name"]}
    action.update(given_options(spec, {"kms_key_id": "KMSMasterKeyId", "table_class": "TableClassOverride"}))
    return action


# ---------------------------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------------------------


@DynamoDBErrorHandler.common_error_handler("create table {name}")
def create_table(client, name: str, request: dict) -> dict:
    return client.create_table(aws_retry=True, **request)["TableDescription"]


@DynamoDBErrorHandler.common_error_handler("update table {name} ({update})")
def update_table(client, name: str, update: dict) -> dict:
    return client.update_table(TableName=name, aws_retry=True, **update)["TableDescription"]


@DynamoDBErrorHandler.common_error_handler("add the replica in {region} to table {name}")
def add_replica(client, name: str, region: str, action: dict) -> dict:
    return client.update_table(TableName=name, ReplicaUpdates=[{"Create": action}], aws_retry=True)["TableDescription"]


@DynamoDBErrorHandler.common_error_handler("remove the replica in {region} from table {name}")
def remove_replica(client, name: str, region: str) -> dict:
    update = [{"Delete": {"RegionName": region}}]
    return client.update_table(TableName=name, ReplicaUpdates=update, aws_retry=True)["TableDescription"]


@DynamoDBErrorHandler.common_error_handler("update point-in-time recovery of table {name}")
def update_continuous_backups(client, name: str, update: dict) -> None:
    client.update_continuous_backups(TableName=name, aws_retry=True, **update)


@DynamoDBErrorHandler.common_error_handler("update time to live of table {name}")
def update_time_to_live(client, name: str, update: dict) -> None:
    client.update_time_to_live(TableName=name, aws_retry=True, **update)


@DynamoDBErrorHandler.common_error_handler("tag table {arn}")
def tag_resource(client, arn: str, update: dict) -> None:
    client.tag_resource(ResourceArn=arn, aws_retry=True, **update)


@DynamoDBErrorHandler.common_error_handler("untag table {arn}")
def untag_resource(client, arn: str, update: dict) -> None:
    client.untag_resource(ResourceArn=arn, aws_retry=True, **update)


@DynamoDBErrorHandler.deletion_error_handler("delete table {name}")
def delete_table(client, name: str) -> bool:
    client.delete_table(TableName=name, aws_retry=True)
    return True


# ---------------------------------------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------------------------------------


def replica_request_accepted(answer: dict, region: str) -> bool:
    """Whether UpdateTable's answer shows a replica request taking effect: the replica listed or the table busy."""
    return find_replica(answer, region) is not None or answer.get("TableStatus") != "ACTIVE"


def find_replica(table: dict | None, region: str) -> dict | None:
    for replica in (table or {}).get("Replicas", []):
        if replica.get("RegionName") == region:
            return replica
    return None


class ReplicaFailed(MultiregionAWSError):
    """A replica reached a state it cannot leave on its own."""


class TableWaiter:
    """Bounded polls of DescribeTable: each wait gives up after ``timeout`` seconds."""

    def __init__(self, client, name: str, timeout: float, delay: float = 5, replica_delay: float = 15) -> None:
        self.client = client
        self.name = name
        self.timeout = timeout
        self.delay = delay
        self.replica_delay = replica_delay

    def _fetch(self) -> dict | None:
        return describe_table(self.client, self.name)

    def _wait(self, done, description: str, delay: float, summary) -> dict | None:
        try:
            return wait_for(self._fetch, done, description, timeout=self.timeout, delay=delay, clock=_now, sleep=_sleep)
        except WaitTimeout as e:
            raise MultiregionAWSError(
                message=f"Timeout after {self.timeout} s waiting for {description}; last seen: {summary(e.last)}"
            ) from e

    def _table_status(self, table: dict | None) -> str:
        return table.get("TableStatus", "?") if table else "absent"

    def active(self) -> dict:
        """Wait until the table is ACTIVE (a table that can never get there fails at once)."""
        table = self._wait(
            lambda t: t is None or t.get("TableStatus") in {"ACTIVE"} | TABLE_FAILED_STATES,
            f"table {self.name} to be ACTIVE",
            self.delay,
            self._table_status,
        )
        if table is None or table.get("TableStatus") != "ACTIVE":
            raise MultiregionAWSError(message=f"Table {self.name} is {self._table_status(table)}, not ACTIVE")
        return table

    def gone(self) -> None:
        self._wait(lambda t: t is None, f"table {self.name} to be deleted", self.delay, self._table_status)

    def replica_settled(self, region: str, accepted: bool, patient: bool = True) -> dict | None:
        """The table once the new replica in ``region`` is ACTIVE or failed, or once it is clearly not coming.

        ``accepted`` says whether UpdateTable's own answer showed the request taking effect (the replica
        listed, or the table UPDATING). Then a replica missing from DescribeTable, which is eventually
        consistent, is waited for. Otherwise a table that is ACTIVE and does not list the replica means the
        request took no effect, and the caller is told at once (the replica is "missing").
        ``patient=False`` looks once.
        """

        def settled(table: dict | None) -> bool:
            if not patient or table is None:
                return True
            replica = find_replica(table, region)
            table_active = table.get("TableStatus") == "ACTIVE"
            if replica is None:
                return table_active and not accepted
            status = replica.get("ReplicaStatus")
            return status in REPLICA_FAILED_STATES or (status == "ACTIVE" and table_active)

        return self._wait(
            settled,
            f"the replica in {region} of table {self.name} to be ACTIVE",
            self.replica_delay,
            lambda t: (find_replica(t, region) or {}).get("ReplicaStatus", "not listed"),
        )

    def replica_gone(self, region: str) -> None:
        self._wait(
            lambda t: t is None or (find_replica(t, region) is None and t.get("TableStatus") == "ACTIVE"),
            f"the replica in {region} of table {self.name} to be removed",
            self.replica_delay,
            lambda t: (find_replica(t, region) or {}).get("ReplicaStatus", self._table_status(t)),
        )


def replica_outcome(name: str, region: str, replica: dict | None) -> str:
    """ "active", "pending" (on its way), "missing" (not listed), or raise ReplicaFailed naming the region.

    ``replica`` is a DescribeTable replica (or its snake_case form in ``table_result``), None when not listed.
    """
    if replica is None:
        return "missing"
    status = replica.get("ReplicaStatus", replica.get("replica_status"))
    if status in REPLICA_FAILED_STATES:
        detail = replica.get("ReplicaStatusDescription", replica.get("replica_status_description"))
        raise ReplicaFailed(
            message=f"The replica in {region} of table {name} is {status}"
            + (f": {detail}" if detail else "")
            + f" (check that DynamoDB is available and the region enabled in the account for {region}, and that"
            " DynamoDB may use the replica's KMS key there)"
        )
    return "active" if status == "ACTIVE" else "pending"


def check_replicas(table: dict, regions: list) -> None:
    """Raise ReplicaFailed for a replica of a ``table_result`` in ``regions`` that is in a failed state."""
    by_region = {r.get("region_name"): r for r in table.get("replicas", [])}
    for region in regions:
        replica_outcome(table.get("table_name"), region, by_region.get(region))

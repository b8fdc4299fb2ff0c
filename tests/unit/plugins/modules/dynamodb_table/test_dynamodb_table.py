"""dynamodb_table end to end against stubbed DynamoDB and KMS clients: every API path."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_table
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

from .responses import ARN
from .responses import CENTRAL_KEY_ARN
from .responses import KEY_ARN
from .responses import MATCHING_ARGS
from .responses import NAME
from .responses import OTHER_KEY_ARN
from .responses import STATE
from .responses import TAGS
from .responses import backups
from .responses import queue_describe_full
from .responses import queue_describe_table
from .responses import replica
from .responses import table
from .responses import tag_list
from .responses import ttl


class FakeClock:
    """Stands in for the waits' clock and sleep: time passes only when the module sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(ddb, "_now", fake.time)
    monkeypatch.setattr(ddb, "_sleep", fake.sleep)
    return fake


def run(args, **kwargs):
    return run_module(dynamodb_table.main, args, **kwargs)


def args(**overrides):
    return {**MATCHING_ARGS, **overrides}


# --- create -------------------------------------------------------------------------------------------------


def test_create_with_every_setting(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_table(ddb_stub, None)
    ddb_stub.add_response(
        "create_table",
        {"TableDescription": table(status="CREATING")},
        {
            "TableName": NAME,
            "AttributeDefinitions": [{"AttributeName": "primary_key", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "primary_key", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": True,
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ARN},
            "Tags": [{"Key": "application", "Value": "multiregion"}],
        },
    )
    # PITR and TTL need an ACTIVE table: the module waits through CREATING first.
    queue_describe_table(ddb_stub, table(status="CREATING"))
    queue_describe_table(ddb_stub, table(status="ACTIVE"))
    ddb_stub.add_response(
        "update_continuous_backups",
        {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
        {"TableName": NAME, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}},
    )
    ddb_stub.add_response(
        "update_time_to_live",
        {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires_at"}},
        {"TableName": NAME, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires_at"}},
    )
    queue_describe_full(ddb_stub, table())

    result = run(args())

    assert_changed(result)
    assert clock.sleeps == [5]
    t = result["table"]
    assert t["table_arn"] == ARN
    assert t["table_status"] == "ACTIVE"
    assert t["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    assert t["latest_stream_arn"].startswith(f"{ARN}/stream/")
    assert t["sse_description"] == {"status": "ENABLED", "sse_type": "KMS", "kms_master_key_arn": KEY_ARN}
    assert t["point_in_time_recovery"] is True
    assert t["deletion_protection_enabled"] is True
    assert t["ttl"] == {"status": "ENABLED", "attribute_name": "expires_at"}
    assert t["billing_mode"] == "PAY_PER_REQUEST"
    assert t["key_schema"] == [{"attribute_name": "primary_key", "key_type": "HASH"}]
    assert t["tags"] == TAGS
    assert t["replicas"] == []


def test_create_resolves_a_key_alias_to_its_arn(aws, clock):
    aws.stub("kms").add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": "11111111-2222-3333-4444-555555555555", "Arn": KEY_ARN}},
        {"KeyId": "alias/global-table"},
    )
    ddb_stub = aws.stub("dynamodb")
    queue_describe_table(ddb_stub, None)
    ddb_stub.add_response(
        "create_table",
        {"TableDescription": table(status="ACTIVE", stream=None)},
        {
            "TableName": NAME,
            "AttributeDefinitions": [{"AttributeName": "primary_key", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "primary_key", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ARN},
        },
    )
    queue_describe_full(ddb_stub, table(stream=None), pitr=False, ttl_attribute=None, tags={})

    result = run({"name": NAME, "hash_key_name": "primary_key", "sse_kms_key_id": "alias/global-table"})

    assert result["changed"] is True, result
    assert clock.sleeps == []


def test_unknown_kms_key_fails_naming_it(aws):
    aws.stub("kms").add_client_error("describe_key", **client_error("NotFoundException", "Alias is not found."))
    queue_describe_table(aws.stub("dynamodb"), None)
    result = run({"name": NAME, "hash_key_name": "primary_key", "sse_kms_key_id": "alias/missing"})
    assert_fails_mentioning(result, "Failed to find KMS key alias/missing")


def test_create_without_a_key_fails_before_any_change(aws):
    queue_describe_table(aws.stub("dynamodb"), None)
    result = run({"name": NAME})
    assert_fails_mentioning(result, "hash_key_name is required to create a table")


def test_pitr_right_after_creation_is_retried_while_backups_are_being_set_up(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_table(ddb_stub, None)
    ddb_stub.add_response("create_table", {"TableDescription": table(status="ACTIVE", stream=None, key_arn=None)})
    ddb_stub.add_client_error(
        "update_continuous_backups",
        **client_error("ContinuousBackupsUnavailableException", "Backups are being enabled"),
    )
    ddb_stub.add_response(
        "update_continuous_backups",
        {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
        {"TableName": NAME, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}},
    )
    queue_describe_full(ddb_stub, table(stream=None, key_arn=None), ttl_attribute=None, tags={})

    result = run({"name": NAME, "hash_key_name": "primary_key", "point_in_time_recovery": True})

    assert result["changed"] is True, result
    assert aws.sleeps


# --- no change, updates ---------------------------------------------------------------------------------------


def test_no_change(aws):
    queue_describe_full(aws.stub("dynamodb"), table())
    result = run(args(), diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["table"]["table_name"] == NAME


def test_left_out_options_leave_the_table_alone(aws):
    queue_describe_full(aws.stub("dynamodb"), table(stream="KEYS_ONLY", key_arn=None), pitr=False, ttl_attribute=None)
    result = run({"name": NAME})
    assert result["changed"] is False, result


UPDATE_CASES = {
    "billing mode": (
        {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 10},
        "update_table",
        {
            "TableName": NAME,
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10},
        },
    ),
    "sse key": (
        {"sse_kms_key_id": OTHER_KEY_ARN},
        "update_table",
        {"TableName": NAME, "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": OTHER_KEY_ARN}},
    ),
    "sse to the aws-owned key": (
        {"sse_kms_key_id": ""},
        "update_table",
        {"TableName": NAME, "SSESpecification": {"Enabled": False}},
    ),
    "table class": (
        {"table_class": "STANDARD_INFREQUENT_ACCESS"},
        "update_table",
        {"TableName": NAME, "TableClass": "STANDARD_INFREQUENT_ACCESS"},
    ),
    "deletion protection": (
        {"deletion_protection": False},
        "update_table",
        {"TableName": NAME, "DeletionProtectionEnabled": False},
    ),
    "stream off": (
        {"stream_view_type": "DISABLED"},
        "update_table",
        {"TableName": NAME, "StreamSpecification": {"StreamEnabled": False}},
    ),
    "pitr": (
        {"point_in_time_recovery": False},
        "update_continuous_backups",
        {"TableName": NAME, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False}},
    ),
    "ttl off": (
        {"ttl_attribute": ""},
        "update_time_to_live",
        {"TableName": NAME, "TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires_at"}},
    ),
    "tags added": (
        {"tags": {**TAGS, "team": "platform"}},
        "tag_resource",
        {"ResourceArn": ARN, "Tags": [{"Key": "team", "Value": "platform"}]},
    ),
    "tags purged": (
        {"tags": {}},
        "untag_resource",
        {"ResourceArn": ARN, "TagKeys": ["application"]},
    ),
}

UPDATE_RESPONSES = {
    "update_table": {"TableDescription": table(status="ACTIVE")},
    "update_continuous_backups": {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
    "update_time_to_live": {"TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires_at"}},
    "tag_resource": {},
    "untag_resource": {},
}


@pytest.mark.parametrize("overrides, operation, request_params", list(UPDATE_CASES.values()), ids=list(UPDATE_CASES))
def test_update_of_each_mutable_setting(aws, clock, overrides, operation, request_params):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response(operation, UPDATE_RESPONSES[operation], request_params)
    queue_describe_full(ddb_stub, table())

    result = run(args(**overrides), diff=True)

    assert_changed(result)
    changed_keys = {k for k in result["diff"]["after"] if result["diff"]["after"][k] != result["diff"]["before"][k]}
    assert changed_keys
    assert clock.sleeps == []


def test_stream_view_type_change_turns_the_stream_off_then_on_waiting_in_between(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(stream="NEW_IMAGE"))
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="UPDATING", stream=None)},
        {"TableName": NAME, "StreamSpecification": {"StreamEnabled": False}},
    )
    queue_describe_table(ddb_stub, table(status="UPDATING", stream=None))
    queue_describe_table(ddb_stub, table(status="ACTIVE", stream=None))
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="UPDATING")},
        {"TableName": NAME, "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}},
    )
    queue_describe_table(ddb_stub, table(status="ACTIVE"))
    queue_describe_full(ddb_stub, table())

    result = run(args())

    assert result["changed"] is True, result
    assert clock.sleeps == [5]


def test_key_schema_cannot_change(aws):
    queue_describe_full(aws.stub("dynamodb"), table())
    result = run(args(hash_key_name="id"))
    assert_fails_mentioning(result, "hash_key_name cannot change on an existing table")


def test_update_error_names_the_change(aws):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_client_error(
        "update_table", **client_error("ValidationException", "Billing mode can only be changed once per day")
    )
    result = run(args(billing_mode="PROVISIONED", read_capacity=1, write_capacity=1))
    assert_fails_with(result, f"Failed to update table {NAME} ({{'BillingMode': 'PROVISIONED'")
    assert "once per day" in result["msg"]


def test_wait_timeout_names_the_last_status(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(stream="NEW_IMAGE"))
    ddb_stub.add_response("update_table", {"TableDescription": table(status="UPDATING", stream=None)})
    for _poll in range(3):
        queue_describe_table(ddb_stub, table(status="UPDATING", stream=None))
    result = run(args(wait_timeout=12))
    assert_fails_mentioning(result, f"Timeout after 12 s waiting for table {NAME} to be ACTIVE; last seen: UPDATING")
    assert clock.sleeps == [5, 5]


# --- replicas -----------------------------------------------------------------------------------------------

CENTRAL = {"region_name": "eu-central-1", "kms_key_id": CENTRAL_KEY_ARN}
CREATE_CENTRAL = {"Create": {"RegionName": "eu-central-1", "KMSMasterKeyId": CENTRAL_KEY_ARN}}


def test_replica_add_waits_from_creating_to_active(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")])},
        {"TableName": NAME, "ReplicaUpdates": [CREATE_CENTRAL]},
    )
    queue_describe_table(ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")]))
    queue_describe_table(ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")]))
    queue_describe_table(ddb_stub, table(status="ACTIVE", replicas=[replica("eu-central-1", "ACTIVE")]))
    queue_describe_full(ddb_stub, table(replicas=[replica("eu-central-1", "ACTIVE", KMSMasterKeyId=CENTRAL_KEY_ARN)]))

    result = run(args(replicas=[{"region_name": "eu-west-1"}, CENTRAL]), diff=True)

    assert_changed(result)
    assert clock.sleeps == [15, 15]
    assert result["table"]["replicas"] == [
        {"region_name": "eu-central-1", "replica_status": "ACTIVE", "kms_master_key_id": CENTRAL_KEY_ARN}
    ]
    assert result["table"]["global_table_version"] == "2019.11.21"
    assert result["diff"]["before"]["replicas"] == []
    assert result["diff"]["after"]["replicas"] == ["eu-central-1"]


def test_replicas_are_added_one_region_at_a_time(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(key_arn=None))
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="UPDATING", key_arn=None, replicas=[replica("eu-central-1", "CREATING")])},
        {"TableName": NAME, "ReplicaUpdates": [{"Create": {"RegionName": "eu-central-1"}}]},
    )
    queue_describe_table(ddb_stub, table(key_arn=None, replicas=[replica("eu-central-1")]))
    both = [replica("eu-central-1"), replica("us-east-1", "CREATING")]
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="UPDATING", key_arn=None, replicas=both)},
        {"TableName": NAME, "ReplicaUpdates": [{"Create": {"RegionName": "us-east-1"}}]},
    )
    queue_describe_table(ddb_stub, table(key_arn=None, replicas=[replica("eu-central-1"), replica("us-east-1")]))
    queue_describe_full(ddb_stub, table(key_arn=None, replicas=[replica("eu-central-1"), replica("us-east-1")]))

    result = run(args(sse_kms_key_id=None, replicas=[{"region_name": "eu-central-1"}, {"region_name": "us-east-1"}]))

    assert result["changed"] is True, result
    assert [r["replica_status"] for r in result["table"]["replicas"]] == ["ACTIVE", "ACTIVE"]


def test_existing_replicas_are_kept_without_purge(aws):
    replicas = [replica("eu-central-1"), replica("us-east-1")]
    queue_describe_full(aws.stub("dynamodb"), table(replicas=replicas))
    result = run(args(replicas=[CENTRAL]))
    assert result["changed"] is False, result
    assert [r["region_name"] for r in result["table"]["replicas"]] == ["eu-central-1", "us-east-1"]


def test_replica_removed_with_purge(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(replicas=[replica("eu-central-1"), replica("us-east-1")]))
    ddb_stub.add_response(
        "update_table",
        {
            "TableDescription": table(
                status="UPDATING", replicas=[replica("eu-central-1"), replica("us-east-1", "DELETING")]
            )
        },
        {"TableName": NAME, "ReplicaUpdates": [{"Delete": {"RegionName": "us-east-1"}}]},
    )
    queue_describe_table(
        ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1"), replica("us-east-1", "DELETING")])
    )
    queue_describe_table(ddb_stub, table(status="ACTIVE", replicas=[replica("eu-central-1")]))
    queue_describe_full(ddb_stub, table(replicas=[replica("eu-central-1")]))

    result = run(args(replicas=[CENTRAL], purge_replicas=True))

    assert result["changed"] is True, result
    assert [r["region_name"] for r in result["table"]["replicas"]] == ["eu-central-1"]
    assert clock.sleeps == [15]


@pytest.mark.parametrize("status", ["CREATION_FAILED", "REGION_DISABLED"])
def test_replica_in_a_region_that_fails(aws, clock, status):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response(
        "update_table", {"TableDescription": table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")])}
    )
    failed = replica("eu-central-1", status, ReplicaStatusDescription="DynamoDB is not available in this region")
    queue_describe_table(ddb_stub, table(status="ACTIVE", replicas=[failed]))

    result = run(args(replicas=[CENTRAL]))

    assert_fails_mentioning(result, f"The replica in eu-central-1 of table {NAME} is {status}")
    assert "DynamoDB is not available in this region" in result["msg"]


def test_replica_rejected_by_the_api_names_the_region(aws):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_client_error(
        "update_table",
        **client_error("ValidationException", "The specified region xx-fake-1 is not a valid region"),
        expected_params={
            "TableName": NAME,
            "ReplicaUpdates": [{"Create": {"RegionName": "xx-fake-1", "KMSMasterKeyId": "k"}}],
        },
    )
    result = run(args(replicas=[{"region_name": "xx-fake-1", "kms_key_id": "k"}]))
    assert_fails_mentioning(result, f"Failed to add the replica in xx-fake-1 to table {NAME}")
    assert "not a valid region" in result["msg"]


def test_existing_replica_in_a_failed_state_fails_the_run(aws):
    queue_describe_full(
        aws.stub("dynamodb"), table(replicas=[replica("eu-central-1", "INACCESSIBLE_ENCRYPTION_CREDENTIALS")])
    )
    result = run(args(replicas=[CENTRAL]))
    assert result["failed"]
    assert "eu-central-1" in result["msg"] and "INACCESSIBLE_ENCRYPTION_CREDENTIALS" in result["msg"]


def test_replica_that_never_appears_fails(aws, clock):
    """An endpoint that answers 200 and creates nothing must not pass for a replica."""
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(status="ACTIVE")},
        {"TableName": NAME, "ReplicaUpdates": [CREATE_CENTRAL]},
    )
    queue_describe_table(ddb_stub, table(status="ACTIVE"))

    result = run(args(replicas=[CENTRAL]))

    assert_fails_mentioning(result, "lists the replica while the table is ACTIVE: the request took no effect")
    assert "eu-central-1" in result["msg"]
    assert clock.sleeps == []


def test_replica_still_unlisted_while_the_table_updates_is_waited_for(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response("update_table", {"TableDescription": table(status="UPDATING")})
    queue_describe_table(ddb_stub, table(status="UPDATING"))
    queue_describe_table(ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")]))
    queue_describe_table(ddb_stub, table(status="ACTIVE", replicas=[replica("eu-central-1")]))
    queue_describe_full(ddb_stub, table(replicas=[replica("eu-central-1")]))

    result = run(args(replicas=[CENTRAL]))

    assert result["changed"] is True, result
    assert [r["region_name"] for r in result["table"]["replicas"]] == ["eu-central-1"]


def test_replica_without_wait_is_checked_once(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response("update_table", {"TableDescription": table(status="UPDATING")})
    queue_describe_table(ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")]))
    queue_describe_full(ddb_stub, table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")]))

    result = run(args(replicas=[CENTRAL], wait=False))

    assert result["changed"] is True, result
    assert result["table"]["replicas"][0]["replica_status"] == "CREATING"
    assert clock.sleeps == []


def test_replica_needs_a_regional_key_when_the_table_has_one(aws):
    queue_describe_full(aws.stub("dynamodb"), table())
    result = run(args(replicas=[{"region_name": "eu-central-1"}]))
    assert result["failed"]
    assert "KMS keys are regional" in result["msg"] and "eu-central-1" in result["msg"]


# --- delete -------------------------------------------------------------------------------------------------


def test_delete_refused_with_deletion_protection_on(aws):
    queue_describe_full(aws.stub("dynamodb"), table(protection=True))
    result = run({"name": NAME, "state": "absent", "delete_with_items": True})
    assert_fails_mentioning(result, f"Table {NAME} in eu-west-1 has deletion protection on")


def test_delete_refused_when_the_table_holds_items(aws):
    ddb_stub = aws.stub("dynamodb")
    # ItemCount says 0 (it lags by hours); the scan finds the item.
    queue_describe_full(ddb_stub, table(protection=False, items=0))
    ddb_stub.add_response(
        "scan",
        {"Count": 1, "ScannedCount": 1},
        {"TableName": NAME, "Limit": 1, "Select": "COUNT", "ConsistentRead": True},
    )
    result = run({"name": NAME, "state": "absent"})
    assert_fails_mentioning(result, f"Table {NAME} in eu-west-1 holds items")
    assert "delete_with_items=true" in result["msg"]


def test_delete_follows_empty_scan_pages_to_the_first_item(aws):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(protection=False))
    start = {"primary_key": {"S": "a"}}
    request = {"TableName": NAME, "Limit": 1, "Select": "COUNT", "ConsistentRead": True}
    ddb_stub.add_response("scan", {"Count": 0, "ScannedCount": 0, "LastEvaluatedKey": start}, request)
    ddb_stub.add_response("scan", {"Count": 1, "ScannedCount": 1}, {**request, "ExclusiveStartKey": start})
    result = run({"name": NAME, "state": "absent"})
    assert result["failed"] and "holds items" in result["msg"]


def test_delete_of_an_empty_table_needs_no_confirmation(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(protection=False))
    ddb_stub.add_response("scan", {"Count": 0, "ScannedCount": 0})
    ddb_stub.add_response("delete_table", {"TableDescription": table(status="DELETING")}, {"TableName": NAME})
    queue_describe_table(ddb_stub, table(status="DELETING"))
    queue_describe_table(ddb_stub, None)
    result = run({"name": NAME, "state": "absent"})
    assert result["changed"] is True, result
    assert result["table"] == {}
    assert clock.sleeps == [5]


def test_delete_with_confirmation_skips_the_scan(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(protection=False, items=3))
    ddb_stub.add_response("delete_table", {"TableDescription": table(status="DELETING")}, {"TableName": NAME})
    queue_describe_table(ddb_stub, None)
    result = run({"name": NAME, "state": "absent", "delete_with_items": True}, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"]["hash_key_name"] == "primary_key"
    assert result["diff"]["after"] == {}


def test_already_absent(aws):
    queue_describe_table(aws.stub("dynamodb"), None)
    result = run({"name": NAME, "state": "absent"})
    assert result["changed"] is False, result
    assert result["table"] == {}


def test_delete_in_check_mode_checks_but_does_not_delete(aws):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(protection=False))
    ddb_stub.add_response("scan", {"Count": 0, "ScannedCount": 0})
    result = run({"name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] is True, result


# --- throttling, check mode, diff ---------------------------------------------------------------------------


def test_throttled_then_retried(aws):
    ddb_stub = aws.stub("dynamodb")
    ddb_stub.add_client_error("describe_table", **client_error("ThrottlingException", status=400))
    queue_describe_full(ddb_stub, table())
    result = run(args())
    assert result["changed"] is False, result
    assert aws.sleeps


def test_resource_in_use_on_update_is_retried(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_client_error("update_table", **client_error("ResourceInUseException", "Table is being updated"))
    ddb_stub.add_response("update_table", {"TableDescription": table(protection=False)})
    queue_describe_full(ddb_stub, table(protection=False))
    result = run(args(deletion_protection=False))
    assert result["changed"] is True, result
    assert aws.sleeps


def test_check_mode_create_makes_no_call_and_shows_the_diff(aws):
    queue_describe_table(aws.stub("dynamodb"), None)
    result = run(args(replicas=[CENTRAL]), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["table"] == {}
    assert result["diff"] == {
        "before": {},
        "after": {**STATE, "replicas": ["eu-central-1"]},
    }


def test_check_mode_update_diff_is_exact(aws):
    queue_describe_full(aws.stub("dynamodb"), table(replicas=[replica("us-east-1")]))
    result = run(
        args(point_in_time_recovery=False, tags={"team": "platform"}, replicas=[CENTRAL], purge_replicas=True),
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True, result
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert {k for k in after if after[k] != before[k]} == {"point_in_time_recovery", "tags", "replicas"}
    assert before["replicas"] == ["us-east-1"] and after["replicas"] == ["eu-central-1"]
    assert after["tags"] == {"team": "platform"}
    assert result["table"]["table_name"] == NAME


def test_accepted_replica_missing_from_a_stale_describe_is_waited_for(aws, clock):
    """DescribeTable is eventually consistent: once UpdateTable showed the replica, a read without it is stale."""
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    ddb_stub.add_response(
        "update_table", {"TableDescription": table(status="UPDATING", replicas=[replica("eu-central-1", "CREATING")])}
    )
    queue_describe_table(ddb_stub, table(status="ACTIVE"))
    queue_describe_table(ddb_stub, table(status="ACTIVE", replicas=[replica("eu-central-1")]))
    queue_describe_full(ddb_stub, table(replicas=[replica("eu-central-1")]))

    result = run(args(replicas=[CENTRAL]))

    assert result["changed"] is True, result
    assert [r["region_name"] for r in result["table"]["replicas"]] == ["eu-central-1"]
    assert clock.sleeps == [15]


def test_delete_waits_for_an_updating_table_first(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(status="UPDATING", protection=False))
    queue_describe_table(ddb_stub, table(status="ACTIVE", protection=False))
    ddb_stub.add_response("delete_table", {"TableDescription": table(status="DELETING")}, {"TableName": NAME})
    result = run({"name": NAME, "state": "absent", "delete_with_items": True, "wait": False})
    assert result["changed"] is True, result
    assert clock.sleeps == []


def test_a_table_being_deleted_is_not_recreated_under_it(aws):
    queue_describe_full(aws.stub("dynamodb"), table(status="DELETING"))
    result = run(args())
    assert_fails_mentioning(result, f"Table {NAME} in eu-west-1 is being deleted")


def test_no_change_still_waits_for_a_table_being_created(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(status="CREATING"))
    queue_describe_table(ddb_stub, table(status="CREATING"))
    queue_describe_table(ddb_stub, table(status="ACTIVE"))
    queue_describe_full(ddb_stub, table(status="ACTIVE"))
    result = run(args())
    assert result["changed"] is False, result
    assert result["table"]["table_status"] == "ACTIVE"
    assert clock.sleeps == [5]


def test_replica_removal_without_wait_returns_while_it_is_deleting(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(replicas=[replica("us-east-1")]))
    deleting = table(status="UPDATING", replicas=[replica("us-east-1", "DELETING")])
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": deleting},
        {"TableName": NAME, "ReplicaUpdates": [{"Delete": {"RegionName": "us-east-1"}}]},
    )
    queue_describe_full(ddb_stub, deleting)
    result = run(args(replicas=[], purge_replicas=True, wait=False))
    assert result["changed"] is True, result
    assert result["table"]["replicas"] == [{"region_name": "us-east-1", "replica_status": "DELETING"}]
    assert clock.sleeps == []


# --- known_tags -----------------------------------------------------------------------------------------------


def queue_describe_without_tags(stub, description: dict) -> None:
    """A full describe whose tags O(known_tags) answers: DescribeTable, continuous backups and TTL only."""
    queue_describe_table(stub, description)
    stub.add_response("describe_continuous_backups", backups(), {"TableName": NAME})
    stub.add_response("describe_time_to_live", ttl(), {"TableName": NAME})


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_with_the_wanted_tags_read_no_tags_and_report_the_same(aws, check_mode):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table())
    read = run(args(), check_mode=check_mode, diff=True)

    queue_describe_without_tags(ddb_stub, table())
    reads = aws.sent("dynamodb", "ListTagsOfResource")
    known = run(args(known_tags={ARN: TAGS}), check_mode=check_mode, diff=True)

    assert_unchanged_with_equal_diff(known)
    assert reads == []
    assert known == read
    assert known["table"]["tags"] == TAGS


def test_known_tags_with_the_wanted_tags_and_another_change_write_no_tags(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_without_tags(ddb_stub, table())
    ddb_stub.add_response(
        "update_table",
        {"TableDescription": table(protection=False)},
        {"TableName": NAME, "DeletionProtectionEnabled": False},
    )
    # The result is read again once changed, tags included.
    queue_describe_full(ddb_stub, table(protection=False))

    result = run(args(deletion_protection=False, known_tags={ARN: TAGS}), diff=True)

    assert_changed(result)
    assert result["diff"]["before"]["tags"] == result["diff"]["after"]["tags"] == TAGS
    assert result["table"]["tags"] == TAGS


def test_known_tags_with_another_value_are_read_and_updated(aws, clock):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(), tags={"application": "old"})
    ddb_stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": tag_list(TAGS)})
    queue_describe_full(ddb_stub, table())

    result = run(args(known_tags={ARN: {"application": "other"}}), diff=True)

    assert_changed(result)
    assert result["diff"]["before"]["tags"] == {"application": "old"}
    assert result["diff"]["after"]["tags"] == TAGS


def test_known_tags_without_the_table_are_read(aws):
    queue_describe_full(aws.stub("dynamodb"), table())

    result = run(args(known_tags={f"{ARN}-other": TAGS}), diff=True)

    assert_unchanged_with_equal_diff(result)
    assert result["table"]["tags"] == TAGS


def test_known_tags_with_an_extra_tag_without_purge_read_no_tags(aws):
    queue_describe_without_tags(aws.stub("dynamodb"), table())
    reads = aws.sent("dynamodb", "ListTagsOfResource")

    result = run(args(purge_tags=False, known_tags={ARN: {**TAGS, "team": "platform"}}), diff=True)

    assert_unchanged_with_equal_diff(result)
    assert reads == []
    assert result["table"]["tags"] == {**TAGS, "team": "platform"}


def test_known_tags_are_not_used_for_absent(aws):
    ddb_stub = aws.stub("dynamodb")
    queue_describe_full(ddb_stub, table(protection=False))

    result = run(
        {"name": NAME, "state": "absent", "tags": TAGS, "known_tags": {ARN: TAGS}, "delete_with_items": True},
        check_mode=True,
        diff=True,
    )

    assert_changed(result)
    assert result["diff"]["before"]["tags"] == TAGS

"""dynamodb_table_restore against a stubbed DynamoDB: every path, the production guard, time scripted."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_table_restore as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import T0
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.dynamodb_responses import prefix_scanned

SOURCE = "prod-items"
TARGET = "prod-items-drill"
ACCOUNT = "123456789012"
SOURCE_ARN = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{SOURCE}"
TARGET_ARN = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{TARGET}"
BACKUP_ARN = f"{SOURCE_ARN}/backup/01234567890123-abcdefgh"
POINT = T0 - datetime.timedelta(minutes=5)
KEYS = ["__dr_canary__#r1#eu-west-1#0", "__dr_canary__#r1#eu-west-1#1"]
LATE = ["__dr_canary__#r1-late#eu-west-1#0"]


clock = clock_fixture(module)


def table(status="ACTIVE", restored=True, source_arn=SOURCE_ARN, in_progress=False, name=TARGET, **extra):
    description = {
        "TableName": name,
        "TableArn": f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{name}",
        "TableStatus": status,
        "CreationDateTime": T0,
        "KeySchema": [{"AttributeName": "primary_key", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "primary_key", "AttributeType": "S"}],
        **extra,
    }
    if restored:
        description["RestoreSummary"] = {
            "SourceTableArn": source_arn,
            "RestoreDateTime": POINT,
            "RestoreInProgress": in_progress,
        }
    return description


def restores_latest(stub, description):
    """RestoreTableToPointInTime of SOURCE into TARGET at the latest restorable time, answered with ``description``."""
    params = {"SourceTableName": SOURCE, "TargetTableName": TARGET, "UseLatestRestorableTime": True}
    stub.add_response("restore_table_to_point_in_time", {"TableDescription": description}, params)


def restore_started(stub, operation, **request):
    """``operation``, a restore into TARGET with ``request`` besides, answered with TARGET being created."""
    stub.add_response(operation, {"TableDescription": table(status="CREATING")}, {"TargetTableName": TARGET, **request})


def described(stub, description=None, name=TARGET):
    if description is None:
        stub.add_client_error("describe_table", **client_error("ResourceNotFoundException"))
    else:
        stub.add_response("describe_table", {"Table": description}, {"TableName": name})


def has(stub, key, present):
    stub.add_response(
        "get_item",
        {"Item": {"primary_key": {"S": key}}} if present else {},
        {
            "TableName": TARGET,
            "Key": {"primary_key": {"S": key}},
            "ConsistentRead": True,
            "ProjectionExpression": "#k",
            "ExpressionAttributeNames": {"#k": "primary_key"},
        },
    )


def scanned(stub, items, prefix="__dr_canary__#r1"):
    prefix_scanned(stub, TARGET, prefix, items)


def args(**extra):
    return {"source_table": SOURCE, "target_table": TARGET, "production_table": SOURCE, **extra}


# ---- the production guard ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state, verb", [("present", "restore into"), ("absent", "delete")])
def test_the_production_table_is_refused_before_any_call(aws, state, verb):
    result = run_module(module.main, args(target_table="prod-live", production_table="prod-live", state=state))
    assert result["failed"] is True
    assert (
        f"target_table prod-live is the production table (production_table): refusing to {verb} it" in (result["msg"])
    )
    assert aws.clients == {}


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"target_table": SOURCE, "production_table": None}, "is the source_table"),
        ({"source": "backup"}, "backup_arn is required with source=backup"),
        ({"restore_time": "an hour ago"}, "restore_time must be 'latest' or an ISO 8601"),
        ({"wait_timeout": -1}, "wait_timeout must not be negative"),
    ],
)
def test_bad_input_fails_before_any_call(aws, extra, message):
    result = run_module(module.main, args(**extra))
    assert_fails_mentioning(result, message)
    assert aws.clients == {}


# ---- present -------------------------------------------------------------------------------------------------------


def test_restore_to_latest_waits_verifies_and_measures(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    restores_latest(stub, table(status="CREATING", in_progress=True))
    stub.add_response(
        "tag_resource",
        {},
        {"ResourceArn": TARGET_ARN, "Tags": [{"Key": "Deployment", "Value": "prod"}]},
    )
    described(stub, table(status="CREATING", in_progress=True))
    described(stub, table(status="ACTIVE", in_progress=True))
    described(stub, table(status="ACTIVE"))
    for k in KEYS:
        has(stub, k, True)
    has(stub, LATE[0], False)
    scanned(stub, [(KEYS[0], "2026-12-06T09:54:00.000+00:00"), (KEYS[1], "2026-12-06T09:54:30.000+00:00")])

    result = run_module(
        module.main,
        args(
            expect_keys=KEYS,
            expect_absent_keys=LATE,
            verify_prefix="__dr_canary__#r1",
            tags={"Deployment": "prod"},
        ),
    )

    assert result["changed"] is True
    restore = result["restore"]
    assert restore["restored"] is True
    assert restore["requested_at"] == "2026-12-06T10:00:00.000+00:00"
    assert restore["active_at"] == "2026-12-06T10:00:10.000+00:00"
    assert restore["restore_point"] == "2026-12-06T09:55:00.000+00:00"
    assert restore["found_keys"] == KEYS
    assert restore["missing_keys"] == []
    assert restore["unexpected_keys"] == []
    assert restore["honoured_restore_time"] is True
    assert restore["rto_seconds"] == 10.0
    assert restore["rpo_seconds"] == 330.0
    assert clock.sleeps == [5, 5]


def test_restore_to_a_time_with_a_kms_key(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/prod"}
    restore_started(
        stub,
        "restore_table_to_point_in_time",
        SourceTableName=SOURCE,
        RestoreDateTime=POINT,
        SSESpecificationOverride=sse,
    )

    result = run_module(module.main, args(restore_time="2026-12-06T09:55:00Z", sse_kms_key_id="alias/prod", wait=False))

    assert result["changed"] is True
    assert result["restore"]["active_at"] is None
    assert result["restore"]["verified_at"] is None


def test_keys_written_after_the_restore_point_are_reported_and_warned(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    restores_latest(stub, table(status="ACTIVE"))
    described(stub, table())
    has(stub, KEYS[0], True)
    has(stub, LATE[0], True)

    result = run_module(module.main, args(expect_keys=KEYS[:1], expect_absent_keys=LATE))

    assert result["restore"]["unexpected_keys"] == LATE
    assert result["restore"]["honoured_restore_time"] is False
    assert any("did not honour its restore time" in w for w in result["warnings"])


def test_restore_from_backup(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    restore_started(stub, "restore_table_from_backup", BackupArn=BACKUP_ARN)
    described(stub, table())
    has(stub, KEYS[0], False)

    result = run_module(module.main, args(source="backup", backup_arn=BACKUP_ARN, expect_keys=KEYS[:1]))

    assert result["changed"] is True
    assert result["restore"]["missing_keys"] == KEYS[:1]
    assert result["restore"]["rpo_seconds"] is None  # no canary under a prefix was asked for


def test_existing_restore_is_no_change_and_verified_again(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub, table())
    described(stub, table())
    has(stub, KEYS[0], True)

    result = run_module(module.main, args(expect_keys=KEYS[:1]))

    assert result["changed"] is False
    assert result["restore"]["restored"] is False
    assert result["restore"]["found_keys"] == KEYS[:1]
    assert result["restore"]["rto_seconds"] is None


def test_check_mode_restores_nothing_and_says_so(aws, clock):
    described(aws.stub("dynamodb"))
    result = run_module(module.main, args(), check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("check mode: nothing restored")


@pytest.mark.parametrize(
    "description, message",
    [
        (table(restored=False), "is not a restored table"),
        (table(source_arn=f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/other"), "not of prod-items"),
    ],
)
def test_an_existing_target_that_is_not_our_restore_is_refused(aws, clock, description, message):
    described(aws.stub("dynamodb"), description)
    result = run_module(module.main, args())
    assert_fails_mentioning(result, message)


def test_restore_retries_when_throttled(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    stub.add_client_error("restore_table_to_point_in_time", **client_error("LimitExceededException"))
    restores_latest(stub, table(status="CREATING"))

    result = run_module(module.main, args(wait=False))

    assert result["changed"] is True
    assert len(aws.sleeps) == 1


@pytest.mark.parametrize(
    "code, message",
    [
        ("PointInTimeRecoveryUnavailableException", "Failed to restore table prod-items-drill"),
        ("TableNotFoundException", "Failed to restore table prod-items-drill"),
    ],
)
def test_restore_errors_fail(aws, clock, code, message):
    stub = aws.stub("dynamodb")
    described(stub)
    stub.add_client_error("restore_table_to_point_in_time", **client_error(code))
    result = run_module(module.main, args())
    assert_fails_mentioning(result, message)


def test_wait_is_bounded(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    restores_latest(stub, table(status="CREATING"))
    for _poll in range(3):
        described(stub, table(status="CREATING", in_progress=True))

    result = run_module(module.main, args(wait_timeout=12))

    assert_fails_mentioning(result, "Timeout waiting for table prod-items-drill to be ACTIVE")


# ---- absent --------------------------------------------------------------------------------------------------------


def test_absent_deletes_the_restored_table_and_waits(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub, table())
    stub.add_response("delete_table", {"TableDescription": table(status="DELETING")}, {"TableName": TARGET})
    described(stub, table(status="DELETING"))
    described(stub)

    result = run_module(module.main, args(state="absent"))

    assert result["changed"] is True
    assert clock.sleeps == [5]


def test_absent_when_gone_is_no_change(aws, clock):
    described(aws.stub("dynamodb"))
    result = run_module(module.main, args(state="absent"))
    assert result["changed"] is False


def test_absent_refuses_a_table_that_is_not_a_restore(aws, clock):
    described(aws.stub("dynamodb"), table(restored=False))
    result = run_module(module.main, args(state="absent"))
    assert_fails_mentioning(result, "is neither restored into nor deleted")


def test_absent_in_check_mode_deletes_nothing(aws, clock):
    described(aws.stub("dynamodb"), table())
    result = run_module(module.main, args(state="absent"), check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("check mode: nothing deleted")


def test_absent_refuses_deletion_protection(aws, clock):
    described(aws.stub("dynamodb"), table(DeletionProtectionEnabled=True))
    result = run_module(module.main, args(state="absent"))
    assert_fails_mentioning(result, "deletion protection")

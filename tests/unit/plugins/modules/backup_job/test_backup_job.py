"""backup_job against a stubbed AWS Backup: every path (the local endpoint has no Backup jobs)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import backup_job as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import T0
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

ACCOUNT = "123456789012"
VAULT = "prod-vault"
TABLE_ARN = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/prod-items"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/prod-backup"
POINT = f"arn:aws:backup:eu-west-1:{ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
JOB = "9D8C7B6A-0000-1111-2222-333344445555"
RESTORE_JOB = "11112222-3333-4444-5555-666677778888"


clock = clock_fixture(module)


def backup_job(state, created=T0, completed=None, message=None):
    job = {
        "AccountId": ACCOUNT,
        "BackupJobId": JOB,
        "BackupVaultName": VAULT,
        "ResourceArn": TABLE_ARN,
        "CreationDate": created,
        "State": state,
        "IamRoleArn": ROLE,
        "ResourceType": "DynamoDB",
    }
    if state in ("COMPLETED", "FAILED", "ABORTED"):
        job["RecoveryPointArn"] = POINT
    if completed:
        job["CompletionDate"] = completed
    if message:
        job["StatusMessage"] = message
    return job


def restore_job(status, created=T0, completed=None):
    job = {
        "AccountId": ACCOUNT,
        "RestoreJobId": RESTORE_JOB,
        "RecoveryPointArn": POINT,
        "CreationDate": created,
        "Status": status,
        "IamRoleArn": ROLE,
        "ResourceType": "DynamoDB",
    }
    if completed:
        job["CompletionDate"] = completed
        job["CreatedResourceArn"] = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/prod-items-backup-drill"
    return job


def started(stub, token="run-1-backup"):
    params = {"BackupVaultName": VAULT, "ResourceArn": TABLE_ARN, "IamRoleArn": ROLE}
    if token:
        params["IdempotencyToken"] = token
    stub.add_response("start_backup_job", {"BackupJobId": JOB, "RecoveryPointArn": POINT, "CreationDate": T0}, params)


def described(stub, job):
    stub.add_response("describe_backup_job", job, {"BackupJobId": JOB})


def backup_args(**extra):
    return {
        "vault_name": VAULT,
        "resource_arn": TABLE_ARN,
        "iam_role_arn": ROLE,
        "idempotency_token": "run-1-backup",
        "poll_interval": 10,
        **extra,
    }


def restore_args(**extra):
    return {
        "state": "restored",
        "recovery_point_arn": POINT,
        "iam_role_arn": ROLE,
        "resource_type": "DynamoDB",
        "restore_metadata": {"targetTableName": "prod-items-backup-drill"},
        "production_table": "prod-items",
        "idempotency_token": "run-1-restore",
        **extra,
    }


# ---- input ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ({"vault_name": VAULT}, "state is backed_up but all of the following are missing: resource_arn, iam_role_arn"),
        (
            {"state": "restored", "restore_metadata": {"a": "b"}},
            "state is restored but all of the following are missing: recovery_point_arn",
        ),
        ({"state": "restored", "recovery_point_arn": POINT}, "restore_metadata is required with state=restored"),
        (
            restore_args(restore_metadata={"targetTableName": "prod-items"}),
            "targetTableName prod-items is the production table",
        ),
        (backup_args(poll_interval=0), "poll_interval must be at least 1"),
    ],
)
def test_bad_input_fails_before_any_call(aws, args, message):
    result = run_module(module.main, args)
    assert_fails_mentioning(result, message)
    assert aws.clients == {}


# ---- backup --------------------------------------------------------------------------------------------------------


def test_backup_runs_to_completion(aws, clock):
    stub = aws.stub("backup")
    started(stub)
    described(stub, backup_job("CREATED"))
    described(stub, backup_job("CREATED"))
    described(stub, backup_job("RUNNING"))
    described(stub, backup_job("COMPLETED", completed=T0 + datetime.timedelta(seconds=20)))

    result = run_module(module.main, backup_args())

    assert result["changed"] is True
    assert result["timed_out"] is False
    assert result["job"] == {
        "job_id": JOB,
        "status": "COMPLETED",
        "status_message": None,
        "recovery_point_arn": POINT,
        "created_resource_arn": None,
        "creation_date": "2026-12-06T10:00:00.000+00:00",
        "completion_date": "2026-12-06T10:00:20.000+00:00",
    }
    assert clock.sleeps == [10, 10]


def test_backup_without_waiting(aws, clock):
    stub = aws.stub("backup")
    started(stub, token=None)
    described(stub, backup_job("CREATED"))

    result = run_module(module.main, backup_args(idempotency_token=None, wait=False))

    assert result["changed"] is True
    assert result["job"]["status"] == "CREATED"
    assert clock.sleeps == []


def test_a_repeated_token_answered_with_an_earlier_job_is_no_change(aws, clock):
    earlier = T0 - datetime.timedelta(minutes=10)
    stub = aws.stub("backup")
    started(stub)
    described(stub, backup_job("COMPLETED", created=earlier, completed=earlier))
    described(stub, backup_job("COMPLETED", created=earlier, completed=earlier))

    result = run_module(module.main, backup_args())

    assert result["changed"] is False
    assert "earlier job" in result["msg"]


@pytest.mark.parametrize("state", ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"])
def test_backup_ending_badly_fails_with_the_message(aws, clock, state):
    stub = aws.stub("backup")
    started(stub)
    described(stub, backup_job("RUNNING"))
    described(stub, backup_job(state, message="Insufficient privileges"))

    result = run_module(module.main, backup_args())

    assert_fails_mentioning(result, f"ended {state}: Insufficient privileges")
    assert result["job"]["status"] == state


def test_backup_wait_is_bounded(aws, clock):
    stub = aws.stub("backup")
    started(stub)
    for _poll in range(4):  # the first describe, then polls at 0, 10 and 20 s; 30 s would pass the 25 s timeout
        described(stub, backup_job("RUNNING"))

    result = run_module(module.main, backup_args(wait_timeout=25))

    assert result["failed"] is True
    assert result["timed_out"] is True
    assert result["job"]["status"] == "RUNNING"
    assert "Timeout waiting for backup job" in result["msg"]


def test_backup_retries_when_throttled(aws, clock):
    stub = aws.stub("backup")
    stub.add_client_error("start_backup_job", **client_error("ThrottlingException"))
    stub.add_client_error("start_backup_job", **client_error("LimitExceededException"))
    started(stub)
    described(stub, backup_job("CREATED"))

    result = run_module(module.main, backup_args(wait=False))

    assert result["changed"] is True
    assert len(aws.sleeps) == 2


def test_backup_check_mode_starts_nothing(aws, clock):
    result = run_module(module.main, backup_args(), check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("check mode: no job started")
    assert result["job"] == {}
    assert aws.clients == {}


# ---- restore -------------------------------------------------------------------------------------------------------


def restore_described(stub, job):
    stub.add_response("describe_restore_job", job, {"RestoreJobId": RESTORE_JOB})


def restore_started(stub):
    stub.add_response(
        "start_restore_job",
        {"RestoreJobId": RESTORE_JOB},
        {
            "RecoveryPointArn": POINT,
            "Metadata": {"targetTableName": "prod-items-backup-drill"},
            "IamRoleArn": ROLE,
            "IdempotencyToken": "run-1-restore",
            "ResourceType": "DynamoDB",
        },
    )


def test_restore_runs_to_completion(aws, clock):
    stub = aws.stub("backup")
    restore_started(stub)
    restore_described(stub, restore_job("PENDING"))
    restore_described(stub, restore_job("RUNNING"))
    done = restore_job("COMPLETED", completed=T0 + datetime.timedelta(seconds=95))
    restore_described(stub, done)

    result = run_module(module.main, restore_args(poll_interval=5))

    assert result["changed"] is True
    assert result["job"]["job_id"] == RESTORE_JOB
    assert result["job"]["status"] == "COMPLETED"
    assert result["job"]["created_resource_arn"].endswith(":table/prod-items-backup-drill")
    assert clock.sleeps == [5]


def test_restore_failing_fails(aws, clock):
    stub = aws.stub("backup")
    restore_started(stub)
    restore_described(stub, restore_job("PENDING"))
    failed = dict(restore_job("FAILED"), StatusMessage="Table already exists")
    restore_described(stub, failed)

    result = run_module(module.main, restore_args())

    assert_fails_mentioning(result, "ended FAILED: Table already exists")


@pytest.mark.parametrize(
    "operation, message, make_args, expected",
    [
        pytest.param(
            "start_backup_job",
            "vault not found",
            backup_args,
            "Failed to start backup job of",
            id="backup_missing_vault",
        ),
        pytest.param(
            "start_restore_job", "", restore_args, "Failed to start restore job of", id="restore_unknown_recovery_point"
        ),
    ],
)
def test_a_job_on_a_missing_resource_fails(aws, clock, operation, message, make_args, expected):
    aws.stub("backup").add_client_error(operation, **client_error("ResourceNotFoundException", message))
    result = run_module(module.main, make_args())
    assert_fails_mentioning(result, expected)


def test_restore_check_mode_starts_nothing(aws, clock):
    result = run_module(module.main, restore_args(), check_mode=True)
    assert result["changed"] is True
    assert "would start a restore job" in result["msg"]
    assert aws.clients == {}

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_job
short_description: Run an on-demand AWS Backup job or a restore job and wait for it
version_added: 0.1.0
description:
  - O(state=backed_up) starts an on-demand backup of O(resource_arn) into the vault O(vault_name)
    (C(StartBackupJob)); O(state=restored) restores the recovery point O(recovery_point_arn) with
    O(restore_metadata) (C(StartRestoreJob)). With O(wait) the module polls C(DescribeBackupJob) /
    C(DescribeRestoreJob) until the job ends, at most O(wait_timeout) seconds, and fails when it ends in any state
    but C(COMPLETED) or does not end in time.
  - O(idempotency_token) is passed to AWS Backup, which answers a repeated start with the same token with the job
    it already started instead of a new one. The module reports C(changed=false) when the job AWS answers with was
    created before this run's request.
  - For a DynamoDB restore, O(restore_metadata) carries C(targetTableName); the module refuses, before any call, a
    C(targetTableName) equal to O(production_table). A restore always creates a new resource.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  state:
    description:
      - V(backed_up) runs a backup job, V(restored) a restore job.
    type: str
    choices: [backed_up, restored]
    default: backed_up
  vault_name:
    description:
      - The backup vault to back up into (O(state=backed_up)).
    type: str
  resource_arn:
    description:
      - The resource to back up (O(state=backed_up)), for example a DynamoDB table ARN.
    type: str
  iam_role_arn:
    description:
      - The role AWS Backup assumes to back up (required with O(state=backed_up)) or to restore.
    type: str
  recovery_point_arn:
    description:
      - The recovery point to restore (required with O(state=restored)).
    type: str
  restore_metadata:
    description:
      - The restore job's metadata (C(GetRecoveryPointRestoreMetadata) lists what a resource type takes); for
        DynamoDB at least C(targetTableName).
    type: dict
    default: {}
  resource_type:
    description:
      - The resource type of a restore (C(DynamoDB), C(EBS), ...).
    type: str
  production_table:
    description:
      - A restore whose C(targetTableName) is this table is refused before any AWS call.
    type: str
  idempotency_token:
    description:
      - Passed to AWS Backup; a start repeated with the same token returns the first job. Stable across retries of
        one drill run, new for each run.
    type: str
  start_window_minutes:
    description:
      - With O(state=backed_up), the minutes after which a backup job that has not started is cancelled.
    type: int
  wait:
    description:
      - Wait for the job to end.
    type: bool
    default: true
  wait_timeout:
    description:
      - The most seconds to wait.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two reads of the job's state.
    type: int
    default: 10
notes:
  - In check mode no job is started; RV(msg) says what would have been started.
  - The module always reports C(changed) when it starts a job (a job is an action, not a resource), except when AWS
    answers an O(idempotency_token) with an earlier job.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Back the table up now
  multiregion.serverless.backup_job:
    vault_name: prod-vault
    resource_arn: arn:aws:dynamodb:eu-west-1:123456789012:table/prod-items
    iam_role_arn: arn:aws:iam::123456789012:role/prod-backup
    idempotency_token: "{{ dr_run_id }}-backup"
    wait_timeout: 3600
  register: backup

- name: Restore it into a drill table
  multiregion.serverless.backup_job:
    state: restored
    recovery_point_arn: "{{ backup.job.recovery_point_arn }}"
    iam_role_arn: arn:aws:iam::123456789012:role/prod-backup
    resource_type: DynamoDB
    restore_metadata:
      targetTableName: prod-items-backup-drill
    production_table: prod-items
    idempotency_token: "{{ dr_run_id }}-restore"
"""

RETURN = r"""
job:
  description: The job as AWS Backup last described it; empty in check mode.
  returned: always
  type: dict
  contains:
    job_id:
      description: The backup or restore job's ID.
      type: str
    status:
      description: C(State) of a backup job (CREATED, PENDING, RUNNING, ABORTING, ABORTED, COMPLETED, FAILED,
        EXPIRED, PARTIAL) or C(Status) of a restore job (PENDING, RUNNING, COMPLETED, ABORTED, FAILED).
      type: str
    status_message:
      description: AWS Backup's message, mostly on failure.
      type: str
    recovery_point_arn:
      description: The recovery point made (backup) or restored (restore).
      type: str
    created_resource_arn:
      description: The resource a restore created.
      type: str
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
    completion_date:
      description: When it completed (ISO 8601); null until then.
      type: str
  sample:
    job_id: 9D8C7B6A-0000-1111-2222-333344445555
    status: COMPLETED
    recovery_point_arn: arn:aws:backup:eu-west-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45
    creation_date: "2026-12-06T10:00:00.000+00:00"
    completion_date: "2026-12-06T10:04:12.000+00:00"
timed_out:
  description: Whether the wait ended before the job did (the module then fails).
  returned: always
  type: bool
msg:
  description: What was done, or in check mode what would have been done.
  returned: always
  type: str
"""

import datetime
from typing import Any
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils import _dr
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import given_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import utcnow as _wall
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

BACKUP_FAILED = frozenset({"ABORTING", "ABORTED", "FAILED", "EXPIRED", "PARTIAL"})
RESTORE_FAILED = frozenset({"ABORTED", "FAILED"})
COMPLETED = "COMPLETED"
# A job AWS reports as created this long before our request is taken as one started by an earlier run with the same
# token, not by this one (the margin absorbs the difference between this host's clock and AWS's).
EARLIER_JOB_MARGIN = datetime.timedelta(seconds=30)
# AWS Backup answers some concurrent starts with these; waiting and retrying is what its API reference suggests.
RETRY_CODES = ["LimitExceededException", "ServiceUnavailableException"]


# ---- pure ----------------------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    """What the declared rules (``required_if``) cannot say, each message naming its option."""
    errors = []
    if params["state"] == "restored":
        if not params.get("restore_metadata"):
            errors.append("restore_metadata is required with state=restored")
        target = (params.get("restore_metadata") or {}).get("targetTableName")
        if params.get("production_table") and target == params["production_table"]:
            errors.append(
                f"restore_metadata.targetTableName {target} is the production table (production_table):"
                " a restore goes into a new table only"
            )
    if params["wait_timeout"] < 0:
        errors.append(f"wait_timeout must not be negative: {params['wait_timeout']}")
    if params["poll_interval"] < 1:
        errors.append(f"poll_interval must be at least 1: {params['poll_interval']}")
    return errors


def backup_request(params: dict) -> dict:
    request: dict[str, Any] = {
        "BackupVaultName": params["vault_name"],
        "ResourceArn": params["resource_arn"],
        "IamRoleArn": params["iam_role_arn"],
    }
    optional = {"idempotency_token": "IdempotencyToken", "start_window_minutes": "StartWindowMinutes"}
    request.update(given_options(params, optional))
    return request


def restore_request(params: dict) -> dict:
    request: dict[str, Any] = {
        "RecoveryPointArn": params["recovery_point_arn"],
        "Metadata": {k: str(v) for k, v in params["restore_metadata"].items()},
    }
    optional = {"iam_role_arn": "IamRoleArn", "idempotency_token": "IdempotencyToken", "resource_type": "ResourceType"}
    request.update(given_options(params, optional))
    return request


def job_result(job: dict, restore: bool) -> dict:
    return {
        "job_id": job.get("RestoreJobId") if restore else job.get("BackupJobId"),
        "status": job.get("Status") if restore else job.get("State"),
        "status_message": job.get("StatusMessage"),
        "recovery_point_arn": job.get("RecoveryPointArn"),
        "created_resource_arn": job.get("CreatedResourceArn"),
        "creation_date": _dr.iso(job.get("CreationDate")),
        "completion_date": _dr.iso(job.get("CompletionDate")),
    }


def started_earlier(job: dict, requested: datetime.datetime) -> bool:
    created = job.get("CreationDate")
    return created is not None and _dr.parse_time(created) < requested - EARLIER_JOB_MARGIN


# ---- calls ---------------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("start backup job of {resource}")
def start_backup(client, resource: str, request: dict) -> str:
    return client.start_backup_job(aws_retry=True, **request)["BackupJobId"]


@BackupErrorHandler.common_error_handler("start restore job of {recovery_point}")
def start_restore(client, recovery_point: str, request: dict) -> str:
    return client.start_restore_job(aws_retry=True, **request)["RestoreJobId"]


@BackupErrorHandler.common_error_handler("describe backup job {job_id}")
def describe_backup(client, job_id: str) -> dict:
    return client.describe_backup_job(BackupJobId=job_id, aws_retry=True)


@BackupErrorHandler.common_error_handler("describe restore job {job_id}")
def describe_restore(client, job_id: str) -> dict:
    return client.describe_restore_job(RestoreJobId=job_id, aws_retry=True)


def run_job(client, params: dict, restore: bool, what: str) -> dict:
    """Start the job, wait for its end when asked; the module's result."""
    describe = describe_restore if restore else describe_backup
    # Terminal states other than COMPLETED: waiting longer cannot make them complete.
    failed_states = RESTORE_FAILED if restore else BACKUP_FAILED
    job: Optional[dict] = None
    try:
        requested = _wall()
        if restore:
            job_id = start_restore(client, params["recovery_point_arn"], restore_request(params))
        else:
            job_id = start_backup(client, params["resource_arn"], backup_request(params))
        job = describe(client, job_id)
        changed = not started_earlier(job, requested)
        if params["wait"]:
            status_key = "Status" if restore else "State"
            job = wait_for(
                lambda: describe(client, job_id),
                lambda j: j.get(status_key) == COMPLETED or j.get(status_key) in failed_states,
                f"{what} ({job_id}) to end",
                timeout=params["wait_timeout"],
                delay=params["poll_interval"],
                clock=_now,
                sleep=_sleep,
            )
    except WaitTimeout as e:
        raise ModuleFailure(str(e), job=job_result(e.last or job or {}, restore), timed_out=True, changed=True) from e
    except AnsibleAWSError as e:
        if job is not None:
            raise ModuleFailure(e.message, job=job_result(job, restore), timed_out=False, changed=True) from e
        raise
    result = job_result(job, restore)
    if params["wait"] and result["status"] != COMPLETED:
        raise ModuleFailure(
            msg=f"The {what} ({result['job_id']}) ended {result['status']}: {result['status_message'] or 'no message'}",
            job=result,
            timed_out=False,
            changed=changed,
        )
    verb = "ran" if params["wait"] else "started"
    msg = f"{verb} {what}: {result['job_id']} {result['status']}"
    if not changed:
        msg = f"AWS Backup answered the idempotency token with the earlier job {result['job_id']} ({result['status']})"
    return dict(changed=changed, job=result, timed_out=False, msg=msg)


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="backed_up", choices=["backed_up", "restored"]),
            vault_name=dict(type="str"),
            resource_arn=dict(type="str"),
            iam_role_arn=dict(type="str"),
            recovery_point_arn=dict(type="str"),
            restore_metadata=dict(type="dict", default={}),
            resource_type=dict(type="str"),
            production_table=dict(type="str"),
            idempotency_token=dict(type="str", no_log=False),
            start_window_minutes=dict(type="int"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=3600),
            poll_interval=dict(type="int", default=10),
        ),
        supports_check_mode=True,
        required_if=[
            ("state", "backed_up", ["vault_name", "resource_arn", "iam_role_arn"]),
            ("state", "restored", ["recovery_point_arn"]),
        ],
    )
    params = module.params
    module.fail_on_errors(validate(params))
    restore = params["state"] == "restored"
    what = (
        f"restore job of {params['recovery_point_arn']}"
        if restore
        else f"backup job of {params['resource_arn']} into {params['vault_name']}"
    )

    def job() -> dict:
        if module.check_mode:
            return dict(changed=True, job={}, timed_out=False, msg=f"check mode: no job started; would start a {what}")
        return run_job(module.retrying_client("backup", extra_codes=RETRY_CODES), params, restore, what)

    run_and_exit(module, job)


if __name__ == "__main__":
    main()

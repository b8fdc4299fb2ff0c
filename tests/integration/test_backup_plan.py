"""backup_plan against the local endpoint: create with tags, rerun, check mode, retagging, delete.

The endpoint answers CreateBackupPlan, GetBackupPlan, ListBackupPlans, DeleteBackupPlan and the tagging calls;
it has no UpdateBackupPlan and no backup selection API, so those paths are covered by the unit tests only.
"""

from __future__ import annotations

import functools
import json
import re

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/backup_plan.yml"
NAME = "bp-test"

run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Plan")


def plans(backup) -> list[dict]:
    return [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == NAME]


def test_plan_reconciled_in_one_task(ansible_playbook, boto):
    backup = boto("backup", "eu-west-1")

    checked = run(ansible_playbook, "--check", "--diff")
    assert task(checked)["changed"] is True
    assert plans(backup) == []

    created = run(ansible_playbook)
    [listed] = plans(backup)
    result = task(created)["plan"]
    assert (result["backup_plan_id"], result["backup_plan_arn"]) == (listed["BackupPlanId"], listed["BackupPlanArn"])
    assert result["tags"] == {"Deployment": "bp-test"}
    assert task(created)["selection"] is None
    # The plan is created with its tags, and a retry of the same create would carry the same token.
    assert backup.list_tags(ResourceArn=listed["BackupPlanArn"])["Tags"] == {"Deployment": "bp-test"}
    assert re.fullmatch(r"plan-[0-9a-f]{20}-[0-9a-f]{16}", listed["CreatorRequestId"])
    plan = backup.get_backup_plan(BackupPlanId=listed["BackupPlanId"])["BackupPlan"]
    rules = {r["RuleName"]: r for r in plan["Rules"]}
    assert set(rules) == {"hourly", "daily"}
    assert rules["daily"]["Lifecycle"] == {"DeleteAfterDays": 35}
    assert rules["daily"]["CopyActions"] == [
        {
            "DestinationBackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:bp-test",
            "Lifecycle": {"DeleteAfterDays": 35},
        }
    ]
    assert rules["hourly"]["TargetBackupVaultName"] == NAME
    assert "CopyActions" not in rules["hourly"]

    again = run(ansible_playbook)
    assert again.changed() == {"localhost": 0}, task(again)
    assert task(again)["plan"]["version_id"] == result["version_id"]
    checked_again = run(ansible_playbook, "--check", "--diff")
    assert checked_again.changed() == {"localhost": 0}, task(checked_again)

    # Tags change on the plan's ARN, without a new version of the plan.
    retag = json.dumps({"bp_tags": {"Deployment": "bp-test", "Owner": "data"}})
    retagged = run(ansible_playbook, "-e", retag)
    assert task(retagged)["changed"] is True
    assert backup.list_tags(ResourceArn=listed["BackupPlanArn"])["Tags"] == {"Deployment": "bp-test", "Owner": "data"}
    assert task(retagged)["plan"]["version_id"] == result["version_id"]
    purged = run(ansible_playbook)
    assert task(purged)["changed"] is True
    assert backup.list_tags(ResourceArn=listed["BackupPlanArn"])["Tags"] == {"Deployment": "bp-test"}

    checked_delete = run(ansible_playbook, "-e", "bp_state=absent", "--check")
    assert task(checked_delete)["changed"] is True
    assert len(plans(backup)) == 1
    deleted = run(ansible_playbook, "-e", "bp_state=absent")
    assert task(deleted)["changed"] is True
    assert plans(backup) == []
    gone = run(ansible_playbook, "-e", "bp_state=absent")
    assert gone.changed() == {"localhost": 0}, task(gone)

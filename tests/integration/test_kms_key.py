"""kms_key against the local endpoint: create, rerun, check mode, update, recovery, scheduled deletion."""

from __future__ import annotations

import json

from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/kms_key.yml"
ALIAS = "alias/kms-test"


def run(ansible_playbook, *args: str):
    return succeeded(ansible_playbook(PLAYBOOK, *args))


def key_id_of_alias(kms) -> str | None:
    found = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == ALIAS]
    return found[0]["TargetKeyId"] if found else None


def tags(kms, key_id: str) -> dict:
    return {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}


def actions(kms, key_id: str) -> list[str]:
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    return policy["Statement"][0]["Action"]


def test_key_created_kept_updated_recovered_and_deleted(ansible_playbook, boto):
    kms = boto("kms", "eu-west-1")

    checked = run(ansible_playbook, "--check", "--diff")
    assert checked.changed() == {"localhost": 1}
    assert task_result(checked, "Key")["key"]["key_id"] is None
    assert key_id_of_alias(kms) is None
    assert kms.list_keys()["Keys"] == []

    created = run(ansible_playbook)
    key = task_result(created, "Key")["key"]
    key_id = key_id_of_alias(kms)
    assert key_id == key["key_id"]
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["Arn"], metadata["Description"], metadata["KeyState"]) == (
        key["key_arn"],
        "kms-test logs",
        "Enabled",
    )
    assert (metadata["KeySpec"], metadata["KeyUsage"]) == ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert actions(kms, key_id) == ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:Put*", "kms:Get*", "kms:List*"]
    assert tags(kms, key_id) == {"Deployment": "kms-test"}
    assert key["policy"]["Statement"][0]["Sid"] == "Account"

    again = run(ansible_playbook)
    assert again.changed() == {"localhost": 0}, task_result(again, "Key")
    assert task_result(again, "Key")["key"] == key
    assert run(ansible_playbook, "--check", "--diff").changed() == {"localhost": 0}

    changes = (
        "-e",
        '{"kms_description": "kms-test data", "kms_tags": {"Team": "api"}, "kms_rotation": false,'
        ' "kms_actions": ["kms:Describe*", "kms:Create*", "kms:Put*"]}',
    )
    checked_update = run(ansible_playbook, "--check", "--diff", *changes)
    assert checked_update.changed() == {"localhost": 1}
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "kms-test logs"

    updated = run(ansible_playbook, *changes)
    assert task_result(updated, "Key")["key"] == task_result(checked_update, "Key")["key"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "kms-test data"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    assert actions(kms, key_id) == ["kms:Describe*", "kms:Create*", "kms:Put*"]
    assert tags(kms, key_id) == {"Team": "api"}
    assert run(ansible_playbook, *changes).changed() == {"localhost": 0}

    # A key whose deletion someone scheduled, found by its alias, is recovered rather than replaced.
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    recovered = run(ansible_playbook)
    assert recovered.changed() == {"localhost": 1}
    assert key_id_of_alias(kms) == key_id
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert run(ansible_playbook).changed() == {"localhost": 0}

    checked_removal = run(ansible_playbook, "--check", "-e", "kms_state=absent")
    assert checked_removal.changed() == {"localhost": 1}
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"

    removed = run(ansible_playbook, "-e", "kms_state=absent")
    assert task_result(removed, "Key")["key"]["key_state"] == "PendingDeletion"
    assert task_result(removed, "Key")["key"]["deletion_date"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert key_id_of_alias(kms) is None

    gone = run(ansible_playbook, "-e", "kms_state=absent")
    assert gone.changed() == {"localhost": 0}
    assert task_result(gone, "Key")["key"] == {}

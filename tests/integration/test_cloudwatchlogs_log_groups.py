"""cloudwatchlogs_log_groups against the local endpoint: check mode, create, rerun, update, delete."""

from __future__ import annotations

import functools

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/cloudwatchlogs_log_groups.yml"
NAMES = ["/lg-test/function", "/lg-test/access"]

run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Log groups")


def groups(logs) -> dict[str, dict]:
    return {g["logGroupName"]: g for g in logs.describe_log_groups(logGroupNamePrefix="/lg-test/")["logGroups"]}


def tags(logs, group: dict) -> dict:
    return logs.list_tags_for_resource(resourceArn=group["arn"].removesuffix(":*"))["tags"]


def test_log_groups_reconciled_in_one_task(ansible_playbook, boto):
    logs = boto("logs")
    key = boto("kms").create_key(Description="lg-test")["KeyMetadata"]["Arn"]
    # A group whose name starts like a listed one is never taken for it.
    logs.create_log_group(logGroupName="/lg-test/function-other")
    key_arg = ("-e", f"lg_key={key}")

    checked = run(ansible_playbook, *key_arg, "--check", "--diff")
    assert task(checked)["created"] == NAMES
    assert task(checked)["changed"] is True
    assert set(groups(logs)) == {"/lg-test/function-other"}

    created = run(ansible_playbook, *key_arg)
    found = groups(logs)
    assert set(found) == {*NAMES, "/lg-test/function-other"}
    for name in NAMES:
        assert found[name]["retentionInDays"] == 30
        assert found[name]["kmsKeyId"] == key
        assert tags(logs, found[name]) == {"Deployment": "lg-test"}
    result = task(created)["log_groups"]
    assert [g["name"] for g in result] == NAMES
    assert [g["arn"] for g in result] == [found[n]["arn"].removesuffix(":*") for n in NAMES]
    assert result[0]["creation_time"] == found[NAMES[0]]["creationTime"]
    assert "retentionInDays" not in found["/lg-test/function-other"]

    again = run(ansible_playbook, *key_arg)
    assert again.changed() == {"localhost": 0}, task(again)
    checked_again = run(ansible_playbook, *key_arg, "--check", "--diff")
    assert checked_again.changed() == {"localhost": 0}, task(checked_again)

    # Drift: tags changed outside Ansible are seen (the tags are read with GetResources, then CloudWatch Logs' own
    # call), and a group whose name only starts like a listed one is still never taken for it.
    access_arn = found["/lg-test/access"]["arn"].removesuffix(":*")
    logs.tag_resource(resourceArn=access_arn, tags={"Deployment": "other", "Owner": "x"})
    drift = run(ansible_playbook, *key_arg, "--check", "--diff")
    assert task(drift)["updated"] == ["/lg-test/access"]
    assert task(drift)["diff"]["before"]["/lg-test/access"]["tags"] == {"Deployment": "other", "Owner": "x"}
    restored = run(ansible_playbook, *key_arg)
    assert task(restored)["updated"] == ["/lg-test/access"]
    assert tags(logs, groups(logs)["/lg-test/access"]) == {"Deployment": "lg-test"}

    previewed = run(ansible_playbook, *key_arg, "-e", "lg_retention=14", "--check", "--diff")
    assert task(previewed)["updated"] == NAMES
    assert groups(logs)[NAMES[0]]["retentionInDays"] == 30

    updated = run(
        ansible_playbook,
        *key_arg,
        "-e",
        "lg_retention=14",
        "-e",
        '{"lg_tags": {"Deployment": "lg-test", "Team": "api"}}',
    )
    assert task(updated)["updated"] == NAMES
    found = groups(logs)
    for name in NAMES:
        assert found[name]["retentionInDays"] == 14
        assert tags(logs, found[name]) == {"Deployment": "lg-test", "Team": "api"}
    # Retention 0: kept forever.
    forever = run(ansible_playbook, *key_arg, "-e", "lg_retention=0", "-e", '{"lg_names": ["/lg-test/access"]}')
    assert task(forever)["updated"] == ["/lg-test/access"]
    assert "retentionInDays" not in groups(logs)["/lg-test/access"]
    assert groups(logs)["/lg-test/function"]["retentionInDays"] == 14

    # Found by prefix and tags, as a REST API's execution log group is once the API is gone.
    logs.create_log_group(logGroupName="/lg-test/exec/abc/v1", tags={"RestApi": "lg-api"})
    logs.create_log_group(logGroupName="/lg-test/exec/def/v1", tags={"RestApi": "another-api"})
    removed_preview = run(ansible_playbook, "-e", "lg_state=absent", "--check")
    assert task(removed_preview)["deleted"] == [*NAMES, "/lg-test/exec/abc/v1"]
    assert set(NAMES) <= set(groups(logs))

    removed = run(ansible_playbook, "-e", "lg_state=absent")
    assert task(removed)["deleted"] == [*NAMES, "/lg-test/exec/abc/v1"]
    assert set(groups(logs)) == {"/lg-test/function-other", "/lg-test/exec/def/v1"}

    gone = run(ansible_playbook, "-e", "lg_state=absent")
    assert gone.changed() == {"localhost": 0}

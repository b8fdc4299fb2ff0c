"""ec2_security_groups against the local endpoint, through a playbook: create (the default group emptied, a rule
naming a group of the same call, a prefix-list rule), rerun, change, delete; check mode on a new and on a deployed
VPC."""

from __future__ import annotations

import functools

import pytest

from .conftest import succeeded
from .conftest import task_result as named_task_result

PLAYBOOK = "tests/integration/playbooks/ec2_security_groups.yml"
TASK = "Security groups of the VPC"
DELETE = "Delete the groups"
CIDR = "10.8.0.0/16"

task_result = functools.partial(named_task_result, name=TASK)


@pytest.fixture
def vpc(boto):
    """A new VPC (moto gives it a default group with its allow-all rules)."""
    return boto("ec2").create_vpc(CidrBlock=CIDR)["Vpc"]["VpcId"]


def run(ansible_playbook, vpc_id, phase, *args):
    return succeeded(ansible_playbook(PLAYBOOK, "-e", f"sg_vpc_id={vpc_id}", "-e", f"sg_phase={phase}", *args))


def groups(ec2, vpc_id: str) -> dict[str, dict]:
    found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    return {g["GroupName"]: g for g in found}


def flat(permissions: list[dict]) -> set[tuple]:
    """(protocol, from, to, peer, description) of every rule."""
    rules = set()
    for p in permissions:
        ports = (p["IpProtocol"], p.get("FromPort"), p.get("ToPort"))
        for r in p.get("IpRanges", []):
            rules.add((*ports, r["CidrIp"], r.get("Description")))
        for r in p.get("PrefixListIds", []):
            rules.add((*ports, r["PrefixListId"], r.get("Description")))
        for r in p.get("UserIdGroupPairs", []):
            rules.add((*ports, r["GroupId"], r.get("Description")))
    return rules


def tag_dict(group: dict) -> dict:
    return {t["Key"]: t["Value"] for t in group.get("Tags", [])}


def s3_prefix_list(ec2) -> str:
    return next(
        p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"] if p["PrefixListName"].endswith(".s3")
    )


def test_security_groups_lifecycle(ansible_playbook, boto, vpc):
    ec2 = boto("ec2")
    default_id = groups(ec2, vpc)["default"]["GroupId"]
    assert groups(ec2, vpc)["default"]["IpPermissionsEgress"], "the endpoint gives a default group an egress rule"

    created = run(ansible_playbook, vpc, "present")
    assert created.changed_tasks() == [f"localhost: {TASK}"]
    found = groups(ec2, vpc)
    assert sorted(found) == ["default", "sg-test-endpoints", "sg-test-lambda"]
    assert found["default"]["GroupId"] == default_id
    assert not found["default"]["IpPermissions"] and not found["default"]["IpPermissionsEgress"]
    endpoints, lambda_ = found["sg-test-endpoints"], found["sg-test-lambda"]
    assert flat(endpoints["IpPermissions"]) == {("tcp", 443, 443, CIDR, "HTTPS from the VPC")}
    assert endpoints["IpPermissionsEgress"] == [], "the allow-all rule of a new group is revoked"
    assert lambda_["IpPermissions"] == []
    egress = {r[:4] for r in flat(lambda_["IpPermissionsEgress"])}
    assert egress == {
        ("tcp", 443, 443, CIDR),
        ("tcp", 443, 443, endpoints["GroupId"]),
        ("tcp", 443, 443, s3_prefix_list(ec2)),
    }
    assert tag_dict(endpoints) == {"Name": "sg-test-endpoints"}
    assert tag_dict(lambda_) == {"Name": "sg-test-lambda"}
    result = task_result(created)["groups"]
    assert [(g["group_name"], g["group_id"]) for g in result] == [
        ("default", default_id),
        ("sg-test-endpoints", endpoints["GroupId"]),
        ("sg-test-lambda", lambda_["GroupId"]),
    ]
    assert [g["changed"] for g in result] == [True, True, True]

    # The endpoint drops the prefix-list rule's description: the rerun neither rewrites it nor reports a change.
    again = run(ansible_playbook, vpc, "present", "--diff")
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    diff = task_result(again)["diff"]
    assert diff["before"] == diff["after"]
    assert run(ansible_playbook, vpc, "present", "--check").changed() == {"localhost": 0}

    changed = run(ansible_playbook, vpc, "change", "--diff")
    assert changed.changed_tasks() == [f"localhost: {TASK}"]
    assert [g["changed"] for g in task_result(changed)["groups"]] == [False, True, True]
    found = groups(ec2, vpc)
    assert flat(found["sg-test-endpoints"]["IpPermissions"]) == {
        ("tcp", 443, 443, CIDR, "HTTPS from the VPC"),
        ("tcp", 8443, 8443, CIDR, "HTTPS from the VPC"),
    }
    assert ("tcp", 443, 443, CIDR, "HTTPS to the interface endpoints") in flat(
        found["sg-test-lambda"]["IpPermissionsEgress"]
    )
    assert tag_dict(found["sg-test-lambda"]) == {"Name": "sg-test-lambda", "Owner": "network"}
    after = task_result(changed)["diff"]["after"]["groups"]
    assert after["sg-test-lambda"]["tags"]["Owner"] == "network"
    assert run(ansible_playbook, vpc, "change").changed() == {"localhost": 0}

    # Back to the first rules: the extra port and the tag go (purge), the group ids stay.
    back = run(ansible_playbook, vpc, "present")
    assert back.changed_tasks() == [f"localhost: {TASK}"]
    found = groups(ec2, vpc)
    assert flat(found["sg-test-endpoints"]["IpPermissions"]) == {("tcp", 443, 443, CIDR, "HTTPS from the VPC")}
    assert found["sg-test-endpoints"]["GroupId"] == endpoints["GroupId"]
    assert tag_dict(found["sg-test-lambda"]) == {"Name": "sg-test-lambda"}

    # The lambda group names the endpoints' group: the delete revokes that rule first.
    deleted = run(ansible_playbook, vpc, "absent")
    assert deleted.changed_tasks() == [f"localhost: {DELETE}"]
    assert sorted(groups(ec2, vpc)) == ["default"]
    assert run(ansible_playbook, vpc, "absent").changed() == {"localhost": 0}


def test_check_mode_creates_and_changes_nothing(ansible_playbook, boto, vpc):
    ec2 = boto("ec2")
    before = groups(ec2, vpc)
    checked = run(ansible_playbook, vpc, "present", "--check", "--diff")
    assert checked.changed_tasks() == [f"localhost: {TASK}"]
    result = task_result(checked)
    assert [g.get("group_id") for g in result["groups"]] == [before["default"]["GroupId"], None, None]
    after = result["diff"]["after"]["groups"]
    assert after["default"]["rules"] == [] and after["default"]["rules_egress"] == []
    assert [r["group_name"] for r in after["sg-test-lambda"]["rules_egress"] if "group_name" in r] == [
        "sg-test-endpoints"
    ]
    assert groups(ec2, vpc) == before

    run(ansible_playbook, vpc, "present")
    deployed = groups(ec2, vpc)
    changes = run(ansible_playbook, vpc, "change", "--check")
    assert changes.changed_tasks() == [f"localhost: {TASK}"]
    removal = run(ansible_playbook, vpc, "absent", "--check")
    assert removal.changed_tasks() == [f"localhost: {DELETE}"]
    assert groups(ec2, vpc) == deployed

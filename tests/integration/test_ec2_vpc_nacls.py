"""ec2_vpc_nacls against the local endpoint, through a playbook: the private ACL and the default one emptied,
rerun, a change (subnet back to the default ACL, an entry replaced, one deleted, a tag), delete; check mode on a new
VPC and on deployed ACLs."""

from __future__ import annotations

import functools

from .conftest import phase_runner
from .conftest import tagged_vpc_id
from .conftest import task_result as named_task_result

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_nacls.yml"
TASK = "Network ACLs"

vpc_id = functools.partial(tagged_vpc_id, name="nacls-test")
task_result = functools.partial(named_task_result, name=TASK)
run_phase = phase_runner(PLAYBOOK, "vpc_nacls_phase")


def tag_dict(resource: dict) -> dict:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def acls(ec2, vpc: str) -> tuple[dict, list[dict]]:
    """(the default ACL, the other ACLs) of the VPC."""
    found = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    [default] = [a for a in found if a["IsDefault"]]
    return default, [a for a in found if not a["IsDefault"]]


def entries(acl: dict) -> set[tuple]:
    """(egress, rule number, protocol, action, CIDR, from port, to port) of each entry but the built-in ones."""
    found = set()
    for e in acl["Entries"]:
        ports = e.get("PortRange", {})
        if e["RuleNumber"] < 32767:
            found.add(
                (
                    e["Egress"],
                    e["RuleNumber"],
                    e["Protocol"],
                    e["RuleAction"],
                    e.get("CidrBlock"),
                    ports.get("From"),
                    ports.get("To"),
                )
            )
    return found


def subnet_ids(ec2, vpc: str) -> list[str]:
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    return [s["SubnetId"] for s in sorted(found, key=lambda s: s["CidrBlock"])]


def associated(acl: dict) -> list[str]:
    return sorted(a["SubnetId"] for a in acl["Associations"])


DEPLOYED = {
    (False, 50, "6", "deny", "0.0.0.0/0", 3389, 3389),
    (False, 100, "6", "allow", "10.8.0.0/16", 443, 443),
    (False, 200, "6", "allow", "0.0.0.0/0", 1024, 3388),
    (False, 210, "6", "allow", "0.0.0.0/0", 3390, 65535),
    (True, 50, "6", "deny", "0.0.0.0/0", 3389, 3389),
    (True, 100, "6", "allow", "0.0.0.0/0", 443, 443),
}


def test_nacls_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = run_phase(ansible_playbook, "present")
    assert f"localhost: {TASK}" in created.changed_tasks()
    vpc = vpc_id(ec2)
    subnets = subnet_ids(ec2, vpc)
    default, others = acls(ec2, vpc)
    [private] = others
    assert tag_dict(private) == {"Deployment": "nacls-test", "Name": "nacls-test-private"}
    assert associated(private) == sorted(subnets)
    assert entries(private) == DEPLOYED
    assert tag_dict(default) == {"Deployment": "nacls-test", "Name": "nacls-test-default-deny-all"}
    assert associated(default) == [] and entries(default) == set()
    result = task_result(created)["nacls"]
    assert [(n["nacl_id"], n["is_default"]) for n in result] == [
        (private["NetworkAclId"], False),
        (default["NetworkAclId"], True),
    ]

    again = run_phase(ansible_playbook, "present")
    assert again.changed() == {"localhost": 0}, again.changed_tasks()

    changed = run_phase(ansible_playbook, "change", "--diff")
    assert changed.changed_tasks() == [f"localhost: {TASK}"]
    default, [private] = acls(ec2, vpc)
    assert associated(private) == [subnets[0]]
    assert associated(default) == [subnets[1]]
    assert entries(private) == {
        (False, 100, "6", "allow", "10.9.0.0/16", 443, 443),
        (False, 200, "6", "allow", "0.0.0.0/0", 1024, 3388),
        (False, 210, "6", "allow", "0.0.0.0/0", 3390, 65535),
        (True, 100, "6", "allow", "0.0.0.0/0", 443, 443),
    }
    assert tag_dict(private)["Owner"] == "network" and tag_dict(default)["Owner"] == "network"
    diff = task_result(changed)["diff"]
    assert diff["before"]["nacls"]["nacls-test-private"]["subnets"] == sorted(subnets)
    assert diff["after"]["nacls"]["nacls-test-default-deny-all"]["subnets"] == [subnets[1]]
    assert [50, "tcp", "deny", "0.0.0.0/0", None, None, 3389, 3389] in diff["before"]["nacls"]["nacls-test-private"][
        "ingress"
    ]
    assert run_phase(ansible_playbook, "change").changed() == {"localhost": 0}

    removed = run_phase(ansible_playbook, "absent")
    assert removed.changed_tasks() == [f"localhost: {TASK}"]
    default, others = acls(ec2, vpc)
    assert others == []
    assert associated(default) == sorted(subnets)
    assert task_result(removed)["deleted"] == [private["NetworkAclId"]]
    assert tag_dict(default)["Name"] == "nacls-test-default-deny-all"
    assert run_phase(ansible_playbook, "absent").changed() == {"localhost": 0}


def test_check_mode_changes_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    run_phase(ansible_playbook, "subnets")
    vpc = vpc_id(ec2)
    subnets = subnet_ids(ec2, vpc)

    checked = run_phase(ansible_playbook, "present", "--check", "--diff")
    assert checked.changed_tasks() == [f"localhost: {TASK}"]
    result = task_result(checked)
    assert "nacl_id" not in result["nacls"][0]
    assert result["nacls"][0]["subnets"] == sorted(subnets)
    before, after = result["diff"]["before"]["nacls"], result["diff"]["after"]["nacls"]
    assert "nacls-test-private" not in before
    # The default ACL of a new VPC: every subnet on it, everything allowed, no name; the check says all of it.
    assert before["nacls-test-default-deny-all"]["subnets"] == sorted(subnets)
    assert before["nacls-test-default-deny-all"]["ingress"] != []
    assert after["nacls-test-default-deny-all"] == {
        "nacl_id": before["nacls-test-default-deny-all"]["nacl_id"],
        "is_default": True,
        "subnets": [],
        "ingress": [],
        "egress": [],
        "tags": {"Deployment": "nacls-test", "Name": "nacls-test-default-deny-all"},
    }
    default, others = acls(ec2, vpc)
    assert others == []
    assert associated(default) == sorted(subnets) and entries(default) != set() and tag_dict(default) == {}

    run_phase(ansible_playbook, "present")
    unchanged = run_phase(ansible_playbook, "present", "--check")
    assert unchanged.changed() == {"localhost": 0}, unchanged.changed_tasks()

    checked = run_phase(ansible_playbook, "change", "--check", "--diff")
    assert checked.changed_tasks() == [f"localhost: {TASK}"]
    default, [private] = acls(ec2, vpc)
    assert associated(private) == sorted(subnets) and entries(private) == DEPLOYED
    assert "Owner" not in tag_dict(private)
    assert task_result(checked)["diff"]["after"]["nacls"]["nacls-test-private"]["subnets"] == [subnets[0]]

    checked = run_phase(ansible_playbook, "absent", "--check")
    assert checked.changed_tasks() == [f"localhost: {TASK}"]
    assert task_result(checked)["deleted"] == [private["NetworkAclId"]]
    assert len(acls(ec2, vpc)[1]) == 1

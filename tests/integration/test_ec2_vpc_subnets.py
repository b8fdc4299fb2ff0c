"""ec2_vpc_subnets against the local endpoint, through a playbook: create, rerun, retag, a route out removed,
shrink with purge, delete; check mode on an empty and on a deployed VPC."""

from __future__ import annotations

import functools

from .conftest import PhasedPlaybook
from .conftest import tagged_vpc_id

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_subnets.yml"
TASK = "Private subnets and their route tables"
CIDRS = ["10.7.0.0/24", "10.7.1.0/24", "10.7.2.0/24"]


def tag_dict(resource: dict) -> dict:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


vpc_id = functools.partial(tagged_vpc_id, name="subnets-test")


def subnets(ec2, vpc: str) -> dict[str, dict]:
    """The VPC's subnets by CIDR."""
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    return {s["CidrBlock"]: s for s in found}


def own_tables(ec2, vpc: str) -> list[dict]:
    """The VPC's route tables but its main one."""
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    return [t for t in tables if not any(a.get("Main") for a in t.get("Associations", []))]


def table_of(tables: list[dict], subnet_id: str) -> list[dict]:
    return [t for t in tables if any(a.get("SubnetId") == subnet_id for a in t.get("Associations", []))]


playbook = PhasedPlaybook(PLAYBOOK, "vpc_subnets_phase", TASK)


def test_subnets_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = playbook.changing(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    found = subnets(ec2, vpc)
    assert sorted(found) == CIDRS
    assert [found[c]["AvailabilityZone"] for c in CIDRS] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert not any(s["MapPublicIpOnLaunch"] for s in found.values())
    tables = own_tables(ec2, vpc)
    assert len(tables) == 3
    result = playbook.result(created)["subnets"]
    for cidr, zone, item in zip(CIDRS, "abc", result, strict=True):
        subnet = found[cidr]
        assert tag_dict(subnet) == {"Deployment": "subnets-test", "Name": f"subnets-test-private-{zone}"}
        [table] = table_of(tables, subnet["SubnetId"])
        assert tag_dict(table) == tag_dict(subnet)
        assert [a["SubnetId"] for a in table["Associations"]] == [subnet["SubnetId"]]
        assert [r["GatewayId"] for r in table["Routes"]] == ["local"]
        assert item["subnet_id"] == subnet["SubnetId"] and item["route_table_id"] == table["RouteTableId"]

    playbook.unchanged(ansible_playbook, "present")

    retagged = playbook(ansible_playbook, "retag", "--diff")
    assert retagged.changed_tasks() == [playbook.changed_task]
    assert all(tag_dict(s)["Owner"] == "network" for s in subnets(ec2, vpc).values())
    assert all(tag_dict(t)["Owner"] == "network" for t in own_tables(ec2, vpc))
    diff = playbook.result(retagged)["diff"]
    assert "Owner" not in diff["before"]["subnets"]["10.7.0.0/24"]["tags"]
    assert diff["after"]["subnets"]["10.7.0.0/24"]["route_table"]["tags"]["Owner"] == "network"
    playbook.unchanged(ansible_playbook, "retag")

    # A route out of the VPC added behind the module's back is removed.
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    first = subnets(ec2, vpc)["10.7.0.0/24"]["SubnetId"]
    [table] = table_of(own_tables(ec2, vpc), first)
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    rerouted = playbook(ansible_playbook, "retag", "--diff")
    assert rerouted.changed_tasks() == [playbook.changed_task]
    assert playbook.result(rerouted)["diff"]["before"]["subnets"]["10.7.0.0/24"]["route_table"]["routes_out"] == [
        "0.0.0.0/0"
    ]
    [table] = table_of(own_tables(ec2, vpc), first)
    assert [r["GatewayId"] for r in table["Routes"]] == ["local"]

    shrunk = playbook(ansible_playbook, "shrink")
    assert shrunk.changed_tasks() == [playbook.changed_task]
    assert sorted(subnets(ec2, vpc)) == CIDRS[:2]
    assert len(own_tables(ec2, vpc)) == 2
    purged = playbook.result(shrunk)["purged"]
    assert len(purged["subnet_ids"]) == 1 and len(purged["route_table_ids"]) == 1
    playbook.unchanged(ansible_playbook, "shrink")

    removed = playbook(ansible_playbook, "absent")
    assert removed.changed_tasks() == [playbook.changed_task]
    assert subnets(ec2, vpc) == {}
    assert own_tables(ec2, vpc) == []
    playbook.unchanged(ansible_playbook, "absent")


def test_check_mode_creates_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    run = playbook.changing(ansible_playbook, "present", "--check", "--diff")
    result = playbook.result(run)
    assert sorted(result["diff"]["after"]["subnets"]) == CIDRS
    assert all("subnet_id" not in s and "route_table_id" not in s for s in result["subnets"])
    assert vpc_id(ec2) is None
    assert ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": CIDRS}])["Subnets"] == []


def test_check_mode_on_deployed_subnets_changes_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    playbook(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    before = {c: tag_dict(s) for c, s in subnets(ec2, vpc).items()}

    playbook.unchanged(ansible_playbook, "present", "--check")

    checked = playbook(ansible_playbook, "shrink", "--check", "--diff")
    assert checked.changed_tasks() == [playbook.changed_task]
    assert {c: tag_dict(s) for c, s in subnets(ec2, vpc).items()} == before
    assert len(own_tables(ec2, vpc)) == 3
    result = playbook.result(checked)
    assert "10.7.2.0/24" in result["diff"]["before"]["subnets"]
    assert "10.7.2.0/24" not in result["diff"]["after"]["subnets"]
    assert result["purged"]["subnet_ids"] == [subnets(ec2, vpc)["10.7.2.0/24"]["SubnetId"]]

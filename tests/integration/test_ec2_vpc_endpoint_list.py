"""ec2_vpc_endpoint's endpoints option against the local endpoint, through a playbook: a list of endpoints created,
rerun, changed in place, one dropped, all purged; check mode."""

from __future__ import annotations

import functools

from .conftest import PhasedPlaybook
from .conftest import live_vpc_endpoints
from .conftest import tagged_vpc_id
from .conftest import vpc_endpoint_actions

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_endpoint_list.yml"
TASK = "VPC endpoints"
SERVICES = {"dynamodb": "Gateway", "s3": "Gateway", "ec2": "Interface"}


vpc_id = functools.partial(tagged_vpc_id, name="vpc-endpoints-test")


def live_endpoints(ec2, vpc: str) -> dict[str, dict]:
    """The VPC's endpoints not deleted, by short service name."""
    found = live_vpc_endpoints(ec2, {"Name": "vpc-id", "Values": [vpc]})
    return {e["ServiceName"].rsplit(".", 1)[-1]: e for e in found}


def route_tables_and_subnets(ec2, vpc: str) -> tuple[list[str], list[str]]:
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    by_cidr = {s["CidrBlock"]: s["SubnetId"] for s in subnets}
    subnet_ids = [by_cidr["10.8.0.0/24"], by_cidr["10.8.1.0/24"]]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    table_of = {a["SubnetId"]: t["RouteTableId"] for t in tables for a in t["Associations"] if a.get("SubnetId")}
    return [table_of[s] for s in subnet_ids], subnet_ids


playbook = PhasedPlaybook(PLAYBOOK, "vpc_endpoints_phase", TASK)


def test_endpoint_list_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = playbook.changing(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    tables, subnet_ids = route_tables_and_subnets(ec2, vpc)
    found = live_endpoints(ec2, vpc)
    assert {s: e["VpcEndpointType"] for s, e in found.items()} == SERVICES
    assert sorted(found["dynamodb"]["RouteTableIds"]) == sorted(tables)
    assert sorted(found["s3"]["RouteTableIds"]) == sorted(tables)
    assert sorted(found["ec2"]["SubnetIds"]) == sorted(subnet_ids)
    assert found["ec2"]["PrivateDnsEnabled"] is True
    assert vpc_endpoint_actions(found["dynamodb"]) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    for service, endpoint in found.items():
        tags = {t["Key"]: t["Value"] for t in endpoint["Tags"]}
        assert tags == {"Project": "multiregion", "Name": f"{service}-test"}
    result = playbook.result(created)
    assert [e["vpc_endpoint_id"] for e in result["endpoints"]] == [found[s]["VpcEndpointId"] for s in SERVICES]

    playbook.unchanged(ansible_playbook, "present")

    changed = playbook(ansible_playbook, "change", "--diff")
    assert changed.changed_tasks() == [playbook.changed_task]
    updated = live_endpoints(ec2, vpc)
    assert {s: e["VpcEndpointId"] for s, e in updated.items()} == {s: e["VpcEndpointId"] for s, e in found.items()}
    assert vpc_endpoint_actions(updated["dynamodb"]) == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    assert updated["s3"]["RouteTableIds"] == tables[:1]
    assert updated["ec2"]["SubnetIds"] == subnet_ids[:1]
    diff = playbook.result(changed)["diff"]
    assert diff["before"]["s3-test"]["route_table_ids"] == sorted(tables)
    assert diff["after"]["s3-test"]["route_table_ids"] == tables[:1]
    playbook.unchanged(ansible_playbook, "change")

    dropped = playbook(ansible_playbook, "drop")
    assert dropped.changed_tasks() == [playbook.changed_task]
    assert sorted(live_endpoints(ec2, vpc)) == ["dynamodb", "s3"]
    assert playbook.result(dropped)["endpoints"][2] == {}
    playbook.unchanged(ansible_playbook, "drop")

    purged = playbook(ansible_playbook, "purge")
    assert purged.changed_tasks() == [playbook.changed_task]
    assert live_endpoints(ec2, vpc) == {}
    assert sorted(playbook.result(purged)["purged"]) == sorted(updated[s]["VpcEndpointId"] for s in ("dynamodb", "s3"))
    playbook.unchanged(ansible_playbook, "purge")


def test_check_mode(ansible_playbook, boto):
    ec2 = boto("ec2")
    empty = playbook.changing(ansible_playbook, "present", "--check", "--diff")
    result = playbook.result(empty)
    assert result["endpoints"] == [{}, {}, {}]
    assert sorted(result["diff"]["after"]) == ["dynamodb-test", "ec2-test", "s3-test"]
    assert vpc_id(ec2) is None and ec2.describe_vpc_endpoints()["VpcEndpoints"] == []

    playbook(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    before = live_endpoints(ec2, vpc)
    playbook.unchanged(ansible_playbook, "present", "--check")
    checked = playbook(ansible_playbook, "purge", "--check", "--diff")
    assert checked.changed_tasks() == [playbook.changed_task]
    assert sorted(playbook.result(checked)["purged"]) == sorted(e["VpcEndpointId"] for e in before.values())
    assert live_endpoints(ec2, vpc) == before

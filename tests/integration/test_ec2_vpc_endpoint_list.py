"""ec2_vpc_endpoint's endpoints option against the local endpoint, through a playbook: a list of endpoints created,
rerun, changed in place, one dropped, all purged; check mode."""

from __future__ import annotations

import functools
import json

from .conftest import phase_runner
from .conftest import tagged_vpc_id
from .conftest import task_result as named_task_result

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_endpoint_list.yml"
TASK = "VPC endpoints"
SERVICES = {"dynamodb": "Gateway", "s3": "Gateway", "ec2": "Interface"}


vpc_id = functools.partial(tagged_vpc_id, name="vpc-endpoints-test")


def live_endpoints(ec2, vpc: str) -> dict[str, dict]:
    """The VPC's endpoints not deleted, by short service name (the endpoint keeps deleted ones, as AWS does)."""
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]
    return {e["ServiceName"].rsplit(".", 1)[-1]: e for e in found if e["State"].lower() not in ("deleted", "deleting")}


def route_tables_and_subnets(ec2, vpc: str) -> tuple[list[str], list[str]]:
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    by_cidr = {s["CidrBlock"]: s["SubnetId"] for s in subnets}
    subnet_ids = [by_cidr["10.8.0.0/24"], by_cidr["10.8.1.0/24"]]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    table_of = {a["SubnetId"]: t["RouteTableId"] for t in tables for a in t["Associations"] if a.get("SubnetId")}
    return [table_of[s] for s in subnet_ids], subnet_ids


def actions(endpoint: dict) -> list[str]:
    return sorted(json.loads(endpoint["PolicyDocument"])["Statement"][0]["Action"])


task_result = functools.partial(named_task_result, name=TASK)


run_phase = phase_runner(PLAYBOOK, "vpc_endpoints_phase")


def test_endpoint_list_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = run_phase(ansible_playbook, "present")
    assert f"localhost: {TASK}" in created.changed_tasks()
    vpc = vpc_id(ec2)
    tables, subnet_ids = route_tables_and_subnets(ec2, vpc)
    found = live_endpoints(ec2, vpc)
    assert {s: e["VpcEndpointType"] for s, e in found.items()} == SERVICES
    assert sorted(found["dynamodb"]["RouteTableIds"]) == sorted(tables)
    assert sorted(found["s3"]["RouteTableIds"]) == sorted(tables)
    assert sorted(found["ec2"]["SubnetIds"]) == sorted(subnet_ids)
    assert found["ec2"]["PrivateDnsEnabled"] is True
    assert actions(found["dynamodb"]) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    for service, endpoint in found.items():
        tags = {t["Key"]: t["Value"] for t in endpoint["Tags"]}
        assert tags == {"Project": "multiregion", "Name": f"{service}-test"}
    result = task_result(created)
    assert [e["vpc_endpoint_id"] for e in result["endpoints"]] == [found[s]["VpcEndpointId"] for s in SERVICES]

    again = run_phase(ansible_playbook, "present")
    assert again.changed() == {"localhost": 0}, again.changed_tasks()

    changed = run_phase(ansible_playbook, "change", "--diff")
    assert changed.changed_tasks() == [f"localhost: {TASK}"]
    updated = live_endpoints(ec2, vpc)
    assert {s: e["VpcEndpointId"] for s, e in updated.items()} == {s: e["VpcEndpointId"] for s, e in found.items()}
    assert actions(updated["dynamodb"]) == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    assert updated["s3"]["RouteTableIds"] == tables[:1]
    assert updated["ec2"]["SubnetIds"] == subnet_ids[:1]
    diff = task_result(changed)["diff"]
    assert diff["before"]["s3-test"]["route_table_ids"] == sorted(tables)
    assert diff["after"]["s3-test"]["route_table_ids"] == tables[:1]
    assert run_phase(ansible_playbook, "change").changed() == {"localhost": 0}

    dropped = run_phase(ansible_playbook, "drop")
    assert dropped.changed_tasks() == [f"localhost: {TASK}"]
    assert sorted(live_endpoints(ec2, vpc)) == ["dynamodb", "s3"]
    assert task_result(dropped)["endpoints"][2] == {}
    assert run_phase(ansible_playbook, "drop").changed() == {"localhost": 0}

    purged = run_phase(ansible_playbook, "purge")
    assert purged.changed_tasks() == [f"localhost: {TASK}"]
    assert live_endpoints(ec2, vpc) == {}
    assert sorted(task_result(purged)["purged"]) == sorted(updated[s]["VpcEndpointId"] for s in ("dynamodb", "s3"))
    assert run_phase(ansible_playbook, "purge").changed() == {"localhost": 0}


def test_check_mode(ansible_playbook, boto):
    ec2 = boto("ec2")
    empty = run_phase(ansible_playbook, "present", "--check", "--diff")
    assert f"localhost: {TASK}" in empty.changed_tasks()
    result = task_result(empty)
    assert result["endpoints"] == [{}, {}, {}]
    assert sorted(result["diff"]["after"]) == ["dynamodb-test", "ec2-test", "s3-test"]
    assert vpc_id(ec2) is None and ec2.describe_vpc_endpoints()["VpcEndpoints"] == []

    run_phase(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    before = live_endpoints(ec2, vpc)
    assert run_phase(ansible_playbook, "present", "--check").changed() == {"localhost": 0}
    checked = run_phase(ansible_playbook, "purge", "--check", "--diff")
    assert checked.changed_tasks() == [f"localhost: {TASK}"]
    assert sorted(task_result(checked)["purged"]) == sorted(e["VpcEndpointId"] for e in before.values())
    assert live_endpoints(ec2, vpc) == before

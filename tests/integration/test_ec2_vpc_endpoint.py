"""ec2_vpc_endpoint against the local endpoint, through a playbook: create, rerun, policy change, delete."""

from __future__ import annotations

import functools
import json

from .conftest import phase_runner
from .conftest import tagged_vpc_id
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_endpoint.yml"
ENDPOINT_TASK = "localhost: DynamoDB gateway endpoint"
SERVICE = "com.amazonaws.eu-west-1.dynamodb"


vpc_id = functools.partial(tagged_vpc_id, name="vpc-endpoint-test")


def route_table_ids(ec2, vpc: str) -> list[str]:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Name", "Values": ["vpc-endpoint-test-*"]}]
    )["RouteTables"]
    named = {t["RouteTableId"]: {x["Key"]: x["Value"] for x in t["Tags"]}["Name"] for t in tables}
    return sorted(named, key=named.get)


def live_endpoints(ec2, vpc: str) -> list[dict]:
    """The DynamoDB endpoints of the VPC not deleted (the local endpoint keeps deleted ones, as AWS does a while)."""
    found = ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "service-name", "Values": [SERVICE]}]
    )["VpcEndpoints"]
    return [e for e in found if e["State"].lower() not in ("deleted", "deleting")]


def allowed_actions(endpoint: dict) -> list[str]:
    return sorted(json.loads(endpoint["PolicyDocument"])["Statement"][0]["Action"])


run_phase = phase_runner(PLAYBOOK, "vpc_endpoint_phase")


def test_gateway_endpoint_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = run_phase(ansible_playbook, "present")
    assert ENDPOINT_TASK in created.changed_tasks()
    vpc = vpc_id(ec2)
    tables = route_table_ids(ec2, vpc)
    [endpoint] = live_endpoints(ec2, vpc)
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert sorted(endpoint["RouteTableIds"]) == sorted(tables)
    assert allowed_actions(endpoint) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert {t["Key"]: t["Value"] for t in endpoint["Tags"]} == {"Name": "dynamodb-test", "Project": "multiregion"}
    result = task_result(created, "DynamoDB gateway endpoint")["result"]
    assert result["vpc_endpoint_id"] == endpoint["VpcEndpointId"] and result["state"] == "available"

    again = run_phase(ansible_playbook, "present")
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    assert [e["VpcEndpointId"] for e in live_endpoints(ec2, vpc)] == [endpoint["VpcEndpointId"]]

    repolicied = run_phase(ansible_playbook, "policy", "--diff")
    assert repolicied.changed_tasks() == [ENDPOINT_TASK]
    [updated] = live_endpoints(ec2, vpc)
    assert updated["VpcEndpointId"] == endpoint["VpcEndpointId"]
    assert allowed_actions(updated) == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    diff = task_result(repolicied, "DynamoDB gateway endpoint")["diff"]
    assert diff["before"]["policy"]["Statement"][0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert diff["after"]["policy"] == json.loads(updated["PolicyDocument"])

    assert run_phase(ansible_playbook, "policy").changed() == {"localhost": 0}

    rerouted = run_phase(ansible_playbook, "routes")
    assert rerouted.changed_tasks() == [ENDPOINT_TASK]
    [updated] = live_endpoints(ec2, vpc)
    assert updated["RouteTableIds"] == tables[:1]

    removed = run_phase(ansible_playbook, "absent")
    assert removed.changed_tasks() == [ENDPOINT_TASK]
    assert live_endpoints(ec2, vpc) == []

    assert run_phase(ansible_playbook, "absent").changed() == {"localhost": 0}


def test_check_mode_creates_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    run = run_phase(ansible_playbook, "present", "--check", "--diff")
    assert ENDPOINT_TASK in run.changed_tasks()
    after = task_result(run, "DynamoDB gateway endpoint")["diff"]["after"]
    assert after["policy"]["Statement"][0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert vpc_id(ec2) is None


def test_check_mode_on_an_existing_endpoint_changes_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    run_phase(ansible_playbook, "present")
    [endpoint] = live_endpoints(ec2, vpc_id(ec2))

    checked = run_phase(ansible_playbook, "policy", "--check", "--diff")
    assert checked.changed_tasks() == [ENDPOINT_TASK]
    [unchanged] = live_endpoints(ec2, vpc_id(ec2))
    assert unchanged["PolicyDocument"] == endpoint["PolicyDocument"]
    diff = task_result(checked, "DynamoDB gateway endpoint")["diff"]
    assert diff["after"]["policy"]["Statement"][0]["Action"] == [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    ]

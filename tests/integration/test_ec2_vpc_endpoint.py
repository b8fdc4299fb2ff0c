"""ec2_vpc_endpoint against the local endpoint, through a playbook: create, rerun, policy change, delete."""

from __future__ import annotations

import functools
import json

from .conftest import PhasedPlaybook
from .conftest import live_vpc_endpoints
from .conftest import tagged_vpc_id
from .conftest import vpc_endpoint_actions

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_endpoint.yml"
TASK = "DynamoDB gateway endpoint"
SERVICE = "com.amazonaws.eu-west-1.dynamodb"


vpc_id = functools.partial(tagged_vpc_id, name="vpc-endpoint-test")


def route_table_ids(ec2, vpc: str) -> list[str]:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Name", "Values": ["vpc-endpoint-test-*"]}]
    )["RouteTables"]
    named = {t["RouteTableId"]: {x["Key"]: x["Value"] for x in t["Tags"]}["Name"] for t in tables}
    return sorted(named, key=named.get)


def live_endpoints(ec2, vpc: str) -> list[dict]:
    """The DynamoDB endpoints of the VPC not deleted."""
    return live_vpc_endpoints(ec2, {"Name": "vpc-id", "Values": [vpc]}, {"Name": "service-name", "Values": [SERVICE]})


playbook = PhasedPlaybook(PLAYBOOK, "vpc_endpoint_phase", TASK)


def test_gateway_endpoint_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = playbook.changing(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    tables = route_table_ids(ec2, vpc)
    [endpoint] = live_endpoints(ec2, vpc)
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert sorted(endpoint["RouteTableIds"]) == sorted(tables)
    assert vpc_endpoint_actions(endpoint) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert {t["Key"]: t["Value"] for t in endpoint["Tags"]} == {"Name": "dynamodb-test", "Project": "multiregion"}
    result = playbook.result(created)["result"]
    assert result["vpc_endpoint_id"] == endpoint["VpcEndpointId"] and result["state"] == "available"

    playbook.unchanged(ansible_playbook, "present")
    assert [e["VpcEndpointId"] for e in live_endpoints(ec2, vpc)] == [endpoint["VpcEndpointId"]]

    repolicied = playbook(ansible_playbook, "policy", "--diff")
    assert repolicied.changed_tasks() == [playbook.changed_task]
    [updated] = live_endpoints(ec2, vpc)
    assert updated["VpcEndpointId"] == endpoint["VpcEndpointId"]
    assert vpc_endpoint_actions(updated) == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    diff = playbook.result(repolicied)["diff"]
    assert diff["before"]["policy"]["Statement"][0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert diff["after"]["policy"] == json.loads(updated["PolicyDocument"])

    playbook.unchanged(ansible_playbook, "policy")

    rerouted = playbook(ansible_playbook, "routes")
    assert rerouted.changed_tasks() == [playbook.changed_task]
    [updated] = live_endpoints(ec2, vpc)
    assert updated["RouteTableIds"] == tables[:1]

    removed = playbook(ansible_playbook, "absent")
    assert removed.changed_tasks() == [playbook.changed_task]
    assert live_endpoints(ec2, vpc) == []

    playbook.unchanged(ansible_playbook, "absent")


def test_check_mode_creates_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    run = playbook.changing(ansible_playbook, "present", "--check", "--diff")
    after = playbook.result(run)["diff"]["after"]
    assert after["policy"]["Statement"][0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert vpc_id(ec2) is None


def test_check_mode_on_an_existing_endpoint_changes_nothing(ansible_playbook, boto):
    ec2 = boto("ec2")
    playbook(ansible_playbook, "present")
    [endpoint] = live_endpoints(ec2, vpc_id(ec2))

    checked = playbook(ansible_playbook, "policy", "--check", "--diff")
    assert checked.changed_tasks() == [playbook.changed_task]
    [unchanged] = live_endpoints(ec2, vpc_id(ec2))
    assert unchanged["PolicyDocument"] == endpoint["PolicyDocument"]
    diff = playbook.result(checked)["diff"]
    assert diff["after"]["policy"]["Statement"][0]["Action"] == [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    ]

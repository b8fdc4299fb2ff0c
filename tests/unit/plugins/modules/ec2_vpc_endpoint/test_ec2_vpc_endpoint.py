"""ec2_vpc_endpoint against stubbed EC2: every API path, check mode and diff."""

from __future__ import annotations

import datetime
import json

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint
from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint as vpce
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import ec2_unsuccessful
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

from .conftest import described_endpoint
from .conftest import gone_on_delete

VPC = "vpc-0123456789abcdef0"
DDB = "com.amazonaws.eu-west-1.dynamodb"
EC2 = "com.amazonaws.eu-west-1.ec2"
VPCE = "vpce-0aaaaaaaaaaaaaaaa"
OTHER = "vpce-0bbbbbbbbbbbbbbbb"
RTB_A, RTB_B, RTB_C = "rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb", "rtb-0cccccccccccccccc"
SUBNET_A, SUBNET_B = "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"
SG_A, SG_B = "sg-0aaaaaaaaaaaaaaaa", "sg-0bbbbbbbbbbbbbbbb"
CREATED = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/global-table",
        }
    ],
}
NEW_POLICY = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Action": ["dynamodb:GetItem", "dynamodb:Query"]}]}

ARGS = {
    "vpc_id": VPC,
    "service": "dynamodb",
    "name": "dynamodb",
    "route_table_ids": [RTB_A, RTB_B],
    "policy": json.dumps(POLICY),
}
SEARCH = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "service-name", "Values": [DDB]}]}
CREATE = {
    "VpcId": VPC,
    "ServiceName": DDB,
    "VpcEndpointType": "Gateway",
    "ClientToken": ANY,
    "PolicyDocument": json.dumps(POLICY, sort_keys=True),
    "RouteTableIds": [RTB_A, RTB_B],
    "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "dynamodb"}]}],
}

# The diff of creating the endpoint of ARGS.
CREATE_DIFF = {
    "before": {},
    "after": {
        "policy": POLICY,
        "route_table_ids": [RTB_A, RTB_B],
        "subnet_ids": [],
        "security_group_ids": [],
        "tags": {"Name": "dynamodb"},
    },
}


def gateway(endpoint_id=VPCE, **overrides):
    """A DynamoDB gateway endpoint as DescribeVpcEndpoints returns it."""
    own = {
        "PolicyDocument": json.dumps(POLICY),
        "CreationTimestamp": CREATED,
        "Tags": [{"Key": "Name", "Value": "dynamodb"}],
    }
    described = described_endpoint(endpoint_id, DDB, **{**own, **overrides})
    return {k: v for k, v in described.items() if v is not None}


def interface(endpoint_id=VPCE, **overrides):
    """An EC2 interface endpoint as DescribeVpcEndpoints returns it."""
    described = gateway(
        endpoint_id,
        VpcEndpointType="Interface",
        ServiceName=EC2,
        PolicyDocument=json.dumps(vpce.DEFAULT_POLICY),
        RouteTableIds=[],
        SubnetIds=[SUBNET_A],
        Groups=[{"GroupId": SG_A, "GroupName": "endpoints"}],
        PrivateDnsEnabled=True,
        NetworkInterfaceIds=["eni-0aaaaaaaaaaaaaaaa"],
        DnsEntries=[{"DnsName": f"{endpoint_id}.ec2.eu-west-1.vpce.amazonaws.com", "HostedZoneId": "Z38GZ743OKFT7T"}],
        Tags=[{"Key": "Name", "Value": "ec2"}],
    )
    described.update(overrides)
    return {k: v for k, v in described.items() if v is not None}


def search(stub, found, params=None):
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": found}, params or SEARCH)


def describe_id(stub, found, endpoint_id=VPCE):
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": found}, {"VpcEndpointIds": [endpoint_id]})


def modified(stub, **params):
    stub.add_response("modify_vpc_endpoint", {"Return": True}, {"VpcEndpointId": VPCE, **params})


def run(args, **kwargs):
    return run_module(ec2_vpc_endpoint.main, args, **kwargs)


# --- create ------------------------------------------------------------------------------------------------


def test_create_gateway(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway(State="pending")}, CREATE)
    describe_id(ec2, [gateway()])
    result = run(ARGS, diff=True)
    assert_changed(result)
    assert result["result"]["vpc_endpoint_id"] == VPCE
    assert result["result"]["service_name"] == DDB
    assert result["result"]["route_table_ids"] == [RTB_A, RTB_B]
    assert result["result"]["creation_timestamp"] == "2026-11-01T12:00:00+00:00"
    assert result["result"]["tags"] == [{"Key": "Name", "Value": "dynamodb"}]
    assert result["diff"] == CREATE_DIFF


def test_create_passes_the_client_token_given(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway()}, {**CREATE, "ClientToken": "deploy-42"})
    describe_id(ec2, [gateway()])
    result = run({**ARGS, "client_token": "deploy-42"})
    assert result["changed"] is True


def test_create_with_defaults_sends_only_the_identity(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response(
        "create_vpc_endpoint",
        {"VpcEndpoint": gateway(PolicyDocument=json.dumps(vpce.DEFAULT_POLICY), RouteTableIds=[], Tags=[])},
        {"VpcId": VPC, "ServiceName": DDB, "VpcEndpointType": "Gateway", "ClientToken": ANY},
    )
    describe_id(ec2, [gateway(PolicyDocument=json.dumps(vpce.DEFAULT_POLICY), RouteTableIds=[], Tags=[])])
    result = run({"vpc_id": VPC, "service": DDB}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["policy"] == vpce.DEFAULT_POLICY


def test_create_interface(aws):
    args = {
        "vpc_id": VPC,
        "service": "ec2",
        "vpc_endpoint_type": "Interface",
        "vpc_endpoint_subnets": [SUBNET_B, SUBNET_A],
        "vpc_endpoint_security_groups": [SG_A],
        "private_dns_enabled": True,
        "name": "ec2",
    }
    ec2 = aws.stub("ec2")
    search(ec2, [], {"Filters": [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "service-name", "Values": [EC2]}]})
    ec2.add_response(
        "create_vpc_endpoint",
        {"VpcEndpoint": interface(State="pending", SubnetIds=[SUBNET_A, SUBNET_B])},
        {
            "VpcId": VPC,
            "ServiceName": EC2,
            "VpcEndpointType": "Interface",
            "ClientToken": ANY,
            "SubnetIds": [SUBNET_A, SUBNET_B],
            "SecurityGroupIds": [SG_A],
            "PrivateDnsEnabled": True,
            "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "ec2"}]}],
        },
    )
    describe_id(ec2, [interface(SubnetIds=[SUBNET_A, SUBNET_B])])
    result = run(args, diff=True)
    assert_changed(result)
    assert result["result"]["groups"] == [{"group_id": SG_A, "group_name": "endpoints"}]
    assert result["result"]["dns_entries"][0]["hosted_zone_id"] == "Z38GZ743OKFT7T"
    assert result["diff"]["after"] == {
        "policy": vpce.DEFAULT_POLICY,
        "route_table_ids": [],
        "subnet_ids": [SUBNET_A, SUBNET_B],
        "security_group_ids": [SG_A],
        "private_dns_enabled": True,
        "tags": {"Name": "ec2"},
    }


def test_create_error_is_described(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_client_error(
        "create_vpc_endpoint",
        **client_error("RouteAlreadyExists", "route table rtb-0aaaaaaaaaaaaaaaa already has a route"),
    )
    result = run(ARGS)
    assert_fails_with(result, f"Failed to create VPC endpoint for {DDB} in {VPC}")
    assert result["error"]["code"] == "RouteAlreadyExists"


def test_create_without_wait_returns_the_create_response_when_not_yet_described(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway(State="pending")}, CREATE)
    ec2.add_client_error("describe_vpc_endpoints", **client_error("InvalidVpcEndpointId.NotFound"))
    result = run(ARGS)
    assert not result.get("failed"), result
    assert result["result"]["vpc_endpoint_id"] == VPCE and result["result"]["state"] == "pending"


# --- wait --------------------------------------------------------------------------------------------------


def test_create_waits_until_available(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway(State="pending")}, CREATE)
    ec2.add_client_error(
        "describe_vpc_endpoints",
        **client_error("InvalidVpcEndpointId.NotFound"),
        expected_params={"VpcEndpointIds": [VPCE]},
    )
    describe_id(ec2, [gateway(State="pending")])
    describe_id(ec2, [gateway()])
    result = run({**ARGS, "wait": True})
    assert not result.get("failed"), result
    assert result["result"]["state"] == "available"
    assert slept == [5, 5]


def test_wait_timeout_names_the_state(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway(State="pending")}, CREATE)
    describe_id(ec2, [gateway(State="pendingAcceptance")])
    describe_id(ec2, [gateway(State="pendingAcceptance")])
    describe_id(ec2, [gateway(State="pendingAcceptance")])
    result = run({**ARGS, "wait": True, "wait_timeout": 12})
    assert_fails_as(result, f"VPC endpoint {VPCE} was still pendingacceptance after 12 seconds")
    assert slept == [5, 5]


def test_wait_stops_on_a_failed_endpoint(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway(State="pending")}, CREATE)
    describe_id(ec2, [gateway(State="failed", LastError={"Code": "Error", "Message": "subnet is full"})])
    result = run({**ARGS, "wait": True})
    assert_fails_as(result, f"VPC endpoint {VPCE} is failed instead of available: subnet is full")
    assert slept == []


def test_modify_waits_until_available(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    modified(ec2, PolicyDocument=json.dumps(NEW_POLICY, sort_keys=True))
    describe_id(ec2, [gateway(State="pending", PolicyDocument=json.dumps(NEW_POLICY))])
    describe_id(ec2, [gateway(PolicyDocument=json.dumps(NEW_POLICY))])
    result = run({**ARGS, "policy": json.dumps(NEW_POLICY), "wait": True})
    assert not result.get("failed"), result
    assert result["changed"] is True and slept == [5]


# --- no change, identity -----------------------------------------------------------------------------------


def test_no_change(aws):
    search(aws.stub("ec2"), [gateway()])
    result = run(ARGS, diff=True)
    assert_unchanged(result)
    assert result["result"]["vpc_endpoint_id"] == VPCE
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_change_with_wait_makes_no_more_calls(aws, slept):
    search(aws.stub("ec2"), [gateway()])
    result = run({**ARGS, "wait": True})
    assert result["changed"] is False and slept == []


def test_policy_order_and_version_default_are_no_change(aws):
    reordered = {"Statement": [dict(reversed(list(POLICY["Statement"][0].items())))], "Version": "2012-10-17"}
    search(aws.stub("ec2"), [gateway(PolicyDocument=json.dumps(reordered))])
    result = run(ARGS)
    assert result["changed"] is False


def test_options_left_out_are_left_alone(aws):
    search(aws.stub("ec2"), [gateway(Tags=[{"Key": "Name", "Value": "dynamodb"}, {"Key": "Team", "Value": "x"}])])
    result = run({"vpc_id": VPC, "service": DDB})
    assert result["changed"] is False


def test_deleted_endpoint_is_not_matched(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway(OTHER, State="deleted"), gateway("vpce-0cccccccccccccccc", State="deleting")])
    ec2.add_response("create_vpc_endpoint", {"VpcEndpoint": gateway()}, CREATE)
    describe_id(ec2, [gateway()])
    result = run(ARGS)
    assert result["changed"] is True and result["result"]["vpc_endpoint_id"] == VPCE


def test_several_matches_fail_listing_them(aws):
    search(aws.stub("ec2"), [gateway(Tags=[]), gateway(OTHER, Tags=[{"Key": "Name", "Value": "legacy"}])])
    result = run({k: v for k, v in ARGS.items() if k != "name"})
    assert_fails_as(
        result, f"2 Gateway endpoints match: {VPCE} (no Name tag), {OTHER} (Name: legacy); give vpc_endpoint_id"
    )


def test_several_matches_prefer_the_named_one(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway(OTHER, Tags=[{"Key": "Name", "Value": "legacy"}], RouteTableIds=[RTB_C]), gateway()])
    result = run(ARGS)
    assert not result.get("failed"), result
    assert result["changed"] is False and result["result"]["vpc_endpoint_id"] == VPCE


def test_other_types_are_not_matched(aws):
    search(aws.stub("ec2"), [interface(ServiceName=DDB)])
    result = run({**ARGS, "route_table_ids": None, "name": None, "policy": None, "vpc_endpoint_type": "Interface"})
    assert result["changed"] is False and result["result"]["vpc_endpoint_type"] == "Interface"


def test_by_id(aws):
    describe_id(aws.stub("ec2"), [gateway()])
    result = run({"vpc_endpoint_id": VPCE, "policy": json.dumps(POLICY)})
    assert result["changed"] is False and result["result"]["vpc_endpoint_id"] == VPCE


def test_by_id_that_does_not_exist_fails(aws):
    aws.stub("ec2").add_client_error(
        "describe_vpc_endpoints",
        **client_error("InvalidVpcEndpointId.NotFound"),
        expected_params={"VpcEndpointIds": [VPCE]},
    )
    result = run({"vpc_endpoint_id": VPCE, "vpc_id": VPC, "service": "dynamodb"})
    assert_fails_as(result, f"VPC endpoint {VPCE} does not exist; leave vpc_endpoint_id out to create one")


def test_by_id_that_contradicts_the_options_fails(aws):
    describe_id(aws.stub("ec2"), [gateway()])
    result = run({"vpc_endpoint_id": VPCE, "vpc_id": VPC, "service": "s3"})
    assert_fails_as(
        result,
        f"VPC endpoint {VPCE} does not match service=com.amazonaws.eu-west-1.s3 (it has {DDB}); "
        "the VPC, service and type of an endpoint cannot be changed",
    )


def test_by_id_checks_options_against_its_type(aws):
    describe_id(aws.stub("ec2"), [gateway()])
    result = run({"vpc_endpoint_id": VPCE, "private_dns_enabled": True})
    assert_fails_as(result, "private_dns_enabled cannot be used with Gateway endpoints")


# --- modify ------------------------------------------------------------------------------------------------


def test_policy_change_modifies_the_policy_only(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    modified(ec2, PolicyDocument=json.dumps(NEW_POLICY, sort_keys=True))
    describe_id(ec2, [gateway(PolicyDocument=json.dumps(NEW_POLICY))])
    result = run({**ARGS, "policy": json.dumps(NEW_POLICY)}, diff=True)
    assert_changed(result)
    assert json.loads(result["result"]["policy_document"]) == NEW_POLICY
    assert result["diff"]["before"]["policy"] == POLICY
    assert result["diff"]["after"]["policy"] == NEW_POLICY
    assert result["diff"]["after"]["route_table_ids"] == result["diff"]["before"]["route_table_ids"]


def test_policy_reset(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    modified(ec2, ResetPolicy=True)
    describe_id(ec2, [gateway(PolicyDocument=json.dumps(vpce.DEFAULT_POLICY))])
    result = run({**ARGS, "policy": "{}"}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["policy"] == vpce.DEFAULT_POLICY


def test_route_tables_added_and_removed(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    modified(ec2, AddRouteTableIds=[RTB_C], RemoveRouteTableIds=[RTB_A])
    describe_id(ec2, [gateway(RouteTableIds=[RTB_B, RTB_C])])
    result = run({**ARGS, "route_table_ids": [RTB_C, RTB_B]}, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["route_table_ids"] == [RTB_A, RTB_B]
    assert result["diff"]["after"]["route_table_ids"] == [RTB_B, RTB_C]


def test_subnets_and_security_groups(aws):
    ec2 = aws.stub("ec2")
    ec2_search = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "service-name", "Values": [EC2]}]}
    search(ec2, [interface()], ec2_search)
    modified(ec2, AddSubnetIds=[SUBNET_B], AddSecurityGroupIds=[SG_B], RemoveSecurityGroupIds=[SG_A])
    after = interface(SubnetIds=[SUBNET_A, SUBNET_B], Groups=[{"GroupId": SG_B, "GroupName": "endpoints-2"}])
    describe_id(ec2, [after])
    args = {
        "vpc_id": VPC,
        "service": EC2,
        "vpc_endpoint_type": "Interface",
        "vpc_endpoint_subnets": [SUBNET_A, SUBNET_B],
        "vpc_endpoint_security_groups": [SG_B],
    }
    result = run(args, diff=True)
    assert not result.get("failed"), result
    assert result["diff"]["after"]["subnet_ids"] == [SUBNET_A, SUBNET_B]
    assert result["diff"]["after"]["security_group_ids"] == [SG_B]


def test_private_dns(aws):
    ec2 = aws.stub("ec2")
    ec2_search = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "service-name", "Values": [EC2]}]}
    search(ec2, [interface()], ec2_search)
    modified(ec2, PrivateDnsEnabled=False)
    describe_id(ec2, [interface(PrivateDnsEnabled=False)])
    args = {"vpc_id": VPC, "service": "ec2", "vpc_endpoint_type": "Interface", "private_dns_enabled": False}
    result = run(args, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["private_dns_enabled"] is True
    assert result["diff"]["after"]["private_dns_enabled"] is False


def test_modify_error_is_described(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    ec2.add_client_error("modify_vpc_endpoint", **client_error("InvalidPolicyDocument", "bad principal"))
    result = run({**ARGS, "policy": json.dumps(NEW_POLICY)})
    assert_fails_with(result, f"Failed to modify VPC endpoint {VPCE}")
    assert result["error"]["code"] == "InvalidPolicyDocument"


# --- tags --------------------------------------------------------------------------------------------------


def test_tags_replaced(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway(Tags=[{"Key": "Name", "Value": "dynamodb"}, {"Key": "Team", "Value": "x"}])])
    ec2.add_response("delete_tags", {}, {"Resources": [VPCE], "Tags": [{"Key": "Team"}]})
    ec2.add_response("create_tags", {}, {"Resources": [VPCE], "Tags": [{"Key": "Project", "Value": "multiregion"}]})
    describe_id(ec2, [gateway(Tags=[{"Key": "Name", "Value": "dynamodb"}, {"Key": "Project", "Value": "multiregion"}])])
    result = run({**ARGS, "tags": {"Project": "multiregion"}}, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["tags"] == {"Name": "dynamodb", "Team": "x"}
    assert result["diff"]["after"]["tags"] == {"Name": "dynamodb", "Project": "multiregion"}


def test_name_alone_keeps_other_tags(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway(Tags=[{"Key": "Team", "Value": "x"}])])
    ec2.add_response("create_tags", {}, {"Resources": [VPCE], "Tags": [{"Key": "Name", "Value": "dynamodb"}]})
    describe_id(ec2, [gateway(Tags=[{"Key": "Team", "Value": "x"}, {"Key": "Name", "Value": "dynamodb"}])])
    result = run(ARGS)
    assert result["changed"] is True


def test_tag_error_is_described(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    ec2.add_client_error("create_tags", **client_error("UnauthorizedOperation"))
    result = run({**ARGS, "tags": {"Project": "multiregion"}, "purge_tags": False})
    assert result["failed"] and result["msg"].startswith(f"Failed to tag VPC endpoint {VPCE}")


# --- check mode --------------------------------------------------------------------------------------------


def test_check_mode_create_makes_no_call(aws):
    search(aws.stub("ec2"), [])
    result = run(ARGS, check_mode=True, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["result"] == {}
    assert result["diff"] == CREATE_DIFF


def test_check_mode_modify_predicts_the_real_diff(aws):
    args = {**ARGS, "policy": json.dumps(NEW_POLICY), "route_table_ids": [RTB_C], "tags": {"Project": "p"}}
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    checked = run(args, check_mode=True, diff=True)
    assert checked["changed"] is True
    assert checked["result"]["vpc_endpoint_id"] == VPCE

    search(ec2, [gateway()])
    modified(
        ec2,
        PolicyDocument=json.dumps(NEW_POLICY, sort_keys=True),
        AddRouteTableIds=[RTB_C],
        RemoveRouteTableIds=[RTB_A, RTB_B],
    )
    ec2.add_response("create_tags", {}, {"Resources": [VPCE], "Tags": [{"Key": "Project", "Value": "p"}]})
    describe_id(
        ec2,
        [
            gateway(
                PolicyDocument=json.dumps(NEW_POLICY),
                RouteTableIds=[RTB_C],
                Tags=[{"Key": "Name", "Value": "dynamodb"}, {"Key": "Project", "Value": "p"}],
            )
        ],
    )
    applied = run(args, diff=True)
    assert applied["changed"] is True
    assert checked["diff"] == applied["diff"]
    assert checked["diff"]["before"] != checked["diff"]["after"]


def test_check_mode_without_changes(aws):
    search(aws.stub("ec2"), [gateway()])
    result = run(ARGS, check_mode=True)
    assert result["changed"] is False and "diff" not in result


def test_check_mode_delete_makes_no_call(aws):
    search(aws.stub("ec2"), [gateway()])
    result = run({**ARGS, "state": "absent"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["policy"] == POLICY and result["diff"]["after"] == {}


# --- delete ------------------------------------------------------------------------------------------------


def test_delete(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    ec2.add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": [VPCE]})
    result = run({"vpc_id": VPC, "service": "dynamodb", "state": "absent"}, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["result"] == {}
    assert result["diff"]["before"]["route_table_ids"] == [RTB_A, RTB_B] and result["diff"]["after"] == {}


def test_delete_by_id_waits_until_deleted(aws, slept):
    ec2 = aws.stub("ec2")
    describe_id(ec2, [gateway()])
    ec2.add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": [VPCE]})
    describe_id(ec2, [gateway(State="deleting")])
    describe_id(ec2, [gateway(State="deleted")])
    result = run({"vpc_endpoint_id": VPCE, "state": "absent", "wait": True})
    assert not result.get("failed"), result
    assert result["changed"] is True and slept == [5]


def test_delete_wait_ends_when_the_endpoint_is_gone(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    ec2.add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": [VPCE]})
    ec2.add_client_error("describe_vpc_endpoints", **client_error("InvalidVpcEndpointId.NotFound"))
    result = run({**ARGS, "state": "absent", "wait": True})
    assert result["changed"] is True and slept == []


def test_delete_wait_timeout(aws, slept):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    ec2.add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": [VPCE]})
    describe_id(ec2, [gateway(State="deleting")])
    describe_id(ec2, [gateway(State="deleting")])
    result = run({**ARGS, "state": "absent", "wait": True, "wait_timeout": 5})
    assert_fails_as(result, f"VPC endpoint {VPCE} was still deleting after 5 seconds")


def test_already_absent(aws):
    search(aws.stub("ec2"), [gateway(State="deleted")])
    result = run({**ARGS, "state": "absent"}, diff=True)
    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_already_absent_by_id(aws):
    aws.stub("ec2").add_client_error("describe_vpc_endpoints", **client_error("InvalidVpcEndpointId.NotFound"))
    result = run({"vpc_endpoint_id": VPCE, "state": "absent"})
    assert_unchanged(result)


def test_delete_of_an_endpoint_gone_meanwhile(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    gone_on_delete(ec2, VPCE)
    result = run({**ARGS, "state": "absent"})
    assert_unchanged(result)


def test_unsuccessful_delete_fails_with_its_message(aws):
    ec2 = aws.stub("ec2")
    search(ec2, [gateway()])
    unsuccessful = ec2_unsuccessful(VPCE, "OperationNotPermitted", "managed")
    ec2.add_response("delete_vpc_endpoints", unsuccessful, {"VpcEndpointIds": [VPCE]})
    result = run({**ARGS, "state": "absent"})
    assert_fails_as(result, f"Failed to delete VPC endpoint {VPCE}: OperationNotPermitted: managed")


# --- retries and errors ------------------------------------------------------------------------------------


# EC2 throttles with RequestLimitExceeded; ThrottlingException is what most other services send.
@pytest.mark.parametrize("code", ["RequestLimitExceeded", "ThrottlingException"])
def test_throttled_then_retried(aws, code):
    ec2 = aws.stub("ec2")
    ec2.add_client_error("describe_vpc_endpoints", **client_error(code, status=503))
    search(ec2, [gateway()])
    ec2.add_client_error("modify_vpc_endpoint", **client_error(code, status=503))
    modified(ec2, PolicyDocument=json.dumps(NEW_POLICY, sort_keys=True))
    describe_id(ec2, [gateway(PolicyDocument=json.dumps(NEW_POLICY))])
    result = run({**ARGS, "policy": json.dumps(NEW_POLICY)})
    assert_changed(result)
    assert len(aws.sleeps) == 2


def test_describe_error_is_described(aws):
    aws.stub("ec2").add_client_error("describe_vpc_endpoints", **client_error("UnauthorizedOperation"))
    result = run(ARGS)
    assert result["failed"] and result["msg"].startswith("Failed to describe VPC endpoints")


@pytest.mark.parametrize(
    "args, message",
    [
        ({"vpc_id": VPC}, "vpc_id and service are required unless vpc_endpoint_id is given"),
        ({"service": "dynamodb", "state": "absent"}, "vpc_id and service are required unless vpc_endpoint_id is given"),
        ({**ARGS, "vpc_endpoint_subnets": [SUBNET_A]}, "vpc_endpoint_subnets cannot be used with Gateway endpoints"),
        (
            {**ARGS, "vpc_endpoint_type": "Interface"},
            "route_table_ids cannot be used with Interface endpoints",
        ),
        ({**ARGS, "policy": "[]"}, "policy is not a JSON object: policy must be a JSON object"),
    ],
)
def test_bad_options_fail_before_any_call(aws, args, message):
    result = run(args)
    assert result["failed"] and result["msg"] == message

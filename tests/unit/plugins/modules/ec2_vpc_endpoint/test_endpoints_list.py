"""ec2_vpc_endpoint's endpoints option against stubbed EC2: a VPC's list of endpoints in one call, every API path."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint
from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint as vpce
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

from .conftest import described_endpoint
from .conftest import gone_on_delete

VPC = "vpc-0123456789abcdef0"
DDB, S3, EC2 = ("com.amazonaws.eu-west-1.dynamodb", "com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.ec2")
VPCE_DDB, VPCE_S3, VPCE_EC2, VPCE_OLD = (
    "vpce-0aaaaaaaaaaaaaaaa",
    "vpce-0bbbbbbbbbbbbbbbb",
    "vpce-0cccccccccccccccc",
    "vpce-0dddddddddddddddd",
)
RTB_A, RTB_B = "rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"
SUBNET_A = "subnet-0aaaaaaaaaaaaaaaa"
SG_A = "sg-0aaaaaaaaaaaaaaaa"
COMMON = {"Deployment": "mr"}
IN_VPC = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]}


def policy(*actions: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": list(actions), "Resource": "*"}],
    }


DDB_POLICY = policy("dynamodb:GetItem", "dynamodb:PutItem")
EC2_POLICY = policy("ec2:DescribeSubnets")
ITEMS = [
    {"service": "dynamodb", "name": "mr-dynamodb", "route_table_ids": [RTB_A, RTB_B], "policy": json.dumps(DDB_POLICY)},
    {"service": "s3", "name": "mr-s3", "route_table_ids": [RTB_A, RTB_B]},
    {
        "service": "ec2",
        "name": "mr-ec2",
        "vpc_endpoint_type": "Interface",
        "vpc_endpoint_subnets": [SUBNET_A],
        "vpc_endpoint_security_groups": [SG_A],
        "policy": json.dumps(EC2_POLICY),
    },
]
ARGS = {"vpc_id": VPC, "tags": COMMON, "endpoints": ITEMS}


def tags(name: str, **extra: str) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in {**COMMON, **extra, "Name": name}.items()]


def endpoint(endpoint_id, service, name, **overrides):
    """An endpoint as DescribeVpcEndpoints returns it."""
    return described_endpoint(
        endpoint_id, service, **{"PolicyDocument": json.dumps(vpce.DEFAULT_POLICY), "Tags": tags(name), **overrides}
    )


def ddb(**overrides):
    return endpoint(VPCE_DDB, DDB, "mr-dynamodb", **{"PolicyDocument": json.dumps(DDB_POLICY), **overrides})


def s3(**overrides):
    return endpoint(VPCE_S3, S3, "mr-s3", **overrides)


def ec2(**overrides):
    described = endpoint(
        VPCE_EC2,
        EC2,
        "mr-ec2",
        VpcEndpointType="Interface",
        PolicyDocument=json.dumps(EC2_POLICY),
        RouteTableIds=[],
        SubnetIds=[SUBNET_A],
        Groups=[{"GroupId": SG_A, "GroupName": "mr-endpoints"}],
        PrivateDnsEnabled=True,
        NetworkInterfaceIds=["eni-0aaaaaaaaaaaaaaaa"],
    )
    described.update(overrides)
    return described


def search(stub, found):
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": found}, IN_VPC)


def by_ids(stub, found, ids):
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": found}, {"VpcEndpointIds": ids})


def create_expected(stub, answer, service, kind, tags_, **params):
    """CreateVpcEndpoint of ``service`` in VPC, tagged ``tags_``, with ``params`` besides; answered with ``answer``."""
    expected = {
        "VpcId": VPC,
        "ServiceName": service,
        "VpcEndpointType": kind,
        "ClientToken": ANY,
        **params,
        "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": tags_}],
    }
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": answer}, expected)


def deleted(stub, endpoint_id):
    stub.add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": [endpoint_id]})


def run(args, **kwargs):
    return run_module(ec2_vpc_endpoint.main, args, **kwargs)


# --- create ------------------------------------------------------------------------------------------------


def test_create_all_in_one_call_then_one_describe(aws):
    stub = aws.stub("ec2")
    search(stub, [])
    create_expected(
        stub,
        ddb(State="pending"),
        DDB,
        "Gateway",
        tags("mr-dynamodb"),
        PolicyDocument=json.dumps(DDB_POLICY, sort_keys=True),
        RouteTableIds=[RTB_A, RTB_B],
    )
    create_expected(stub, s3(State="pending"), S3, "Gateway", tags("mr-s3"), RouteTableIds=[RTB_A, RTB_B])
    create_expected(
        stub,
        ec2(State="pending"),
        EC2,
        "Interface",
        tags("mr-ec2"),
        PolicyDocument=json.dumps(EC2_POLICY, sort_keys=True),
        SubnetIds=[SUBNET_A],
        SecurityGroupIds=[SG_A],
    )
    by_ids(stub, [ddb(), s3(), ec2(State="pending")], [VPCE_DDB, VPCE_S3, VPCE_EC2])
    result = run(ARGS, diff=True)
    assert_changed(result)
    assert [e["vpc_endpoint_id"] for e in result["endpoints"]] == [VPCE_DDB, VPCE_S3, VPCE_EC2]
    assert [e["state"] for e in result["endpoints"]] == ["available", "available", "pending"]
    assert result["purged"] == []
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["mr-dynamodb"]["policy"] == DDB_POLICY
    assert result["diff"]["after"]["mr-s3"]["policy"] == vpce.DEFAULT_POLICY
    assert result["diff"]["after"]["mr-ec2"]["private_dns_enabled"] is True


def test_create_not_described_yet_returns_the_create_response(aws):
    stub = aws.stub("ec2")
    search(stub, [ddb(), ec2()])
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": s3(State="pending")}, None)
    stub.add_client_error("describe_vpc_endpoints", **client_error("InvalidVpcEndpointId.NotFound"))
    result = run(ARGS)
    assert result["changed"] is True, result
    assert result["endpoints"][1]["vpc_endpoint_id"] == VPCE_S3 and result["endpoints"][1]["state"] == "pending"


def test_create_with_wait_polls_them_together(aws, slept):
    stub = aws.stub("ec2")
    search(stub, [ddb(), ec2()])
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": s3(State="pending")}, None)
    stub.add_client_error("describe_vpc_endpoints", **client_error("InvalidVpcEndpointId.NotFound"))
    by_ids(stub, [s3(State="pending")], [VPCE_S3])
    by_ids(stub, [s3()], [VPCE_S3])
    result = run({**ARGS, "wait": True})
    assert result["changed"] is True, result
    assert slept == [5, 5]
    assert result["endpoints"][1]["state"] == "available"


def test_a_failed_endpoint_ends_the_wait_with_its_state(aws, slept):
    stub = aws.stub("ec2")
    search(stub, [ddb(), ec2()])
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": s3(State="pending")}, None)
    by_ids(stub, [s3(State="failed")], [VPCE_S3])
    result = run({**ARGS, "wait": True})
    assert_fails_as(result, f"VPC endpoints not available: {VPCE_S3} is failed")


def test_wait_timeout_names_the_states(aws, slept):
    stub = aws.stub("ec2")
    search(stub, [ddb(), ec2()])
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": s3(State="pending")}, None)
    by_ids(stub, [s3(State="pending")], [VPCE_S3])
    by_ids(stub, [s3(State="pending")], [VPCE_S3])
    result = run({**ARGS, "wait": True, "wait_timeout": 5})
    assert_fails_as(result, f"VPC endpoints were not all available after 5 seconds: {VPCE_S3} pending")


# --- no change ---------------------------------------------------------------------------------------------


def test_no_change_makes_one_call(aws):
    search(aws.stub("ec2"), [ddb(), s3(), ec2(), ddb(VpcEndpointId=VPCE_OLD, State="deleted")])
    result = run(ARGS, diff=True)
    assert result["changed"] is False, result
    assert [e["vpc_endpoint_id"] for e in result["endpoints"]] == [VPCE_DDB, VPCE_S3, VPCE_EC2]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert set(result["diff"]["before"]) == {"mr-dynamodb", "mr-s3", "mr-ec2"}


def test_pages_are_followed(aws):
    stub = aws.stub("ec2")
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [ddb(), s3()], "NextToken": "page-2"}, IN_VPC)
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [ec2()]}, {**IN_VPC, "NextToken": "page-2"})
    result = run(ARGS)
    assert result["changed"] is False, result
    assert result["endpoints"][2]["vpc_endpoint_id"] == VPCE_EC2


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "ThrottlingException"])
def test_throttled_then_retried(aws, code):
    stub = aws.stub("ec2")
    stub.add_client_error("describe_vpc_endpoints", **client_error(code, status=503))
    search(stub, [ddb(), s3(), ec2()])
    assert run(ARGS)["changed"] is False
    assert len(aws.sleeps) == 1


def test_describe_error_is_described(aws):
    aws.stub("ec2").add_client_error("describe_vpc_endpoints", **client_error("UnauthorizedOperation", status=403))
    result = run(ARGS)
    assert result["failed"] and result["msg"].startswith("Failed to describe VPC endpoints")


# --- update ------------------------------------------------------------------------------------------------


def test_only_what_differs_is_sent(aws):
    stub = aws.stub("ec2")
    search(stub, [ddb(PolicyDocument=json.dumps(policy("dynamodb:GetItem"))), s3(RouteTableIds=[RTB_A]), ec2()])
    stub.add_response(
        "modify_vpc_endpoint",
        {"Return": True},
        {"VpcEndpointId": VPCE_DDB, "PolicyDocument": json.dumps(DDB_POLICY, sort_keys=True)},
    )
    stub.add_response("modify_vpc_endpoint", {"Return": True}, {"VpcEndpointId": VPCE_S3, "AddRouteTableIds": [RTB_B]})
    by_ids(stub, [ddb(), s3()], [VPCE_DDB, VPCE_S3])
    result = run(ARGS, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"]["mr-s3"]["route_table_ids"] == [RTB_A]
    assert result["diff"]["after"]["mr-s3"]["route_table_ids"] == [RTB_A, RTB_B]
    assert result["diff"]["before"]["mr-ec2"] == result["diff"]["after"]["mr-ec2"]


def test_common_tags_and_item_tags(aws):
    stub = aws.stub("ec2")
    search(stub, [ddb(), s3(Tags=tags("mr-s3", Stale="yes")), ec2()])
    stub.add_response("delete_tags", {}, {"Resources": [VPCE_S3], "Tags": [{"Key": "Stale"}]})
    stub.add_response("create_tags", {}, {"Resources": [VPCE_S3], "Tags": [{"Key": "Tier", "Value": "storage"}]})
    by_ids(stub, [s3(Tags=tags("mr-s3", Tier="storage"))], [VPCE_S3])
    items = [ITEMS[0], {**ITEMS[1], "tags": {"Tier": "storage"}}, ITEMS[2]]
    result = run({**ARGS, "endpoints": items}, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["after"]["mr-s3"]["tags"] == {**COMMON, "Tier": "storage", "Name": "mr-s3"}


def test_two_items_of_one_service_are_told_apart_by_name(aws):
    stub = aws.stub("ec2")
    other = endpoint(VPCE_OLD, S3, "mr-s3-other")
    search(stub, [other, s3()])
    items = [{**ITEMS[1]}, {**ITEMS[1], "name": "mr-s3-other"}]
    result = run({**ARGS, "endpoints": items})
    assert result["changed"] is False, result
    assert [e["vpc_endpoint_id"] for e in result["endpoints"]] == [VPCE_S3, VPCE_OLD]


def test_several_matches_fail_listing_them(aws):
    search(aws.stub("ec2"), [s3(Tags=[]), s3(VpcEndpointId=VPCE_OLD, Tags=[])])
    result = run({**ARGS, "endpoints": [ITEMS[1]]})
    assert_fails_with(result, f"2 Gateway endpoints match: {VPCE_S3} (no Name tag), {VPCE_OLD} (no Name tag)")


def test_modify_error_is_described(aws):
    stub = aws.stub("ec2")
    search(stub, [ddb(), s3(RouteTableIds=[RTB_A]), ec2()])
    stub.add_client_error("modify_vpc_endpoint", **client_error("InvalidRouteTableId.NotFound"))
    result = run(ARGS)
    assert result["failed"] and result["msg"].startswith(f"Failed to modify VPC endpoint {VPCE_S3}")


# --- absent items and purge --------------------------------------------------------------------------------


def test_an_absent_item_is_deleted(aws):
    stub = aws.stub("ec2")
    search(stub, [ddb(), s3(), ec2()])
    deleted(stub, VPCE_EC2)
    result = run({**ARGS, "endpoints": ITEMS[:2] + [{**ITEMS[2], "state": "absent"}]}, diff=True)
    assert result["changed"] is True, result
    assert result["endpoints"][2] == {}
    assert "mr-ec2" in result["diff"]["before"] and "mr-ec2" not in result["diff"]["after"]


def test_an_absent_item_already_gone(aws):
    search(aws.stub("ec2"), [ddb(), s3(), ec2(State="deleted")])
    result = run({**ARGS, "endpoints": ITEMS[:2] + [{**ITEMS[2], "state": "absent"}]})
    assert result["changed"] is False


def test_an_endpoint_gone_meanwhile_is_not_a_change(aws):
    stub = aws.stub("ec2")
    search(stub, [ec2()])
    gone_on_delete(stub, VPCE_EC2)
    result = run({**ARGS, "endpoints": [{**ITEMS[2], "state": "absent"}]})
    assert not result.get("failed"), result
    assert result["changed"] is True and result["endpoints"] == [{}]


def test_purge_takes_the_unlisted_tagged_endpoints_only(aws):
    stub = aws.stub("ec2")
    theirs = endpoint(VPCE_OLD, "com.amazonaws.eu-west-1.sqs", "theirs", Tags=[{"Key": "Name", "Value": "theirs"}])
    managed = endpoint("vpce-0eeeeeeeeeeeeeeee", "com.amazonaws.eu-west-1.kms", "managed", RequesterManaged=True)
    search(stub, [ddb(), s3(), ec2(), theirs, managed])
    deleted(stub, VPCE_EC2)
    result = run({**ARGS, "endpoints": ITEMS[:2], "purge_endpoints": True, "purge_filter_tags": COMMON}, diff=True)
    assert result["changed"] is True, result
    assert result["purged"] == [VPCE_EC2]
    assert VPCE_EC2 in result["diff"]["before"]


def test_purge_everything_and_wait_until_gone(aws, slept):
    stub = aws.stub("ec2")
    search(stub, [ddb(), s3(), ddb(VpcEndpointId=VPCE_OLD, State="deleted")])
    deleted(stub, VPCE_DDB)
    deleted(stub, VPCE_S3)
    by_ids(stub, [ddb(State="deleting"), s3(State="deleted")], [VPCE_DDB, VPCE_S3])
    by_ids(stub, [ddb(State="deleted"), s3(State="deleted")], [VPCE_DDB, VPCE_S3])
    result = run({"vpc_id": VPC, "endpoints": [], "purge_endpoints": True, "wait": True})
    assert result["changed"] is True, result
    assert result["purged"] == [VPCE_DDB, VPCE_S3]
    assert slept == [5]


def test_purge_with_nothing_left(aws):
    search(aws.stub("ec2"), [ddb(State="deleted")])
    result = run({"vpc_id": VPC, "endpoints": [], "purge_endpoints": True, "wait": True})
    assert result["changed"] is False and result["purged"] == []


# --- check mode --------------------------------------------------------------------------------------------


def test_check_mode_makes_only_the_describe_call(aws):
    search(
        aws.stub("ec2"),
        [ddb(PolicyDocument=json.dumps(policy("dynamodb:GetItem"))), ec2(), endpoint(VPCE_OLD, S3, "x")],
    )
    result = run({**ARGS, "purge_endpoints": True}, check_mode=True, diff=True)
    assert result["changed"] is True
    # The unnamed S3 endpoint is adopted by the S3 item (a single match), so nothing is purged.
    assert result["purged"] == []
    assert result["diff"]["after"]["mr-dynamodb"]["policy"] == DDB_POLICY
    assert result["diff"]["after"]["mr-s3"]["tags"] == {**COMMON, "Name": "mr-s3"}


def test_check_mode_predicts_the_real_diff(aws):
    def scene():
        return [ddb(PolicyDocument=json.dumps(policy("dynamodb:GetItem"))), ec2(Groups=[])]

    stub = aws.stub("ec2")
    search(stub, scene())
    checked = run(ARGS, check_mode=True, diff=True)
    search(stub, scene())
    stub.add_response("modify_vpc_endpoint", {"Return": True}, None)
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": s3(State="pending")}, None)
    stub.add_response("modify_vpc_endpoint", {"Return": True}, None)
    by_ids(stub, [ddb(), s3(), ec2()], [VPCE_DDB, VPCE_S3, VPCE_EC2])
    applied = run(ARGS, diff=True)
    assert checked["changed"] is applied["changed"] is True
    assert checked["diff"] == applied["diff"]
    assert checked["endpoints"][1] == {}


# --- options -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            {**ARGS, "endpoints": [{**ITEMS[2], "route_table_ids": [RTB_A]}]},
            "endpoints[0].route_table_ids cannot be used with Interface endpoints",
        ),
        (
            {**ARGS, "endpoints": [{**ITEMS[0], "policy": "[]"}]},
            "endpoints[0].policy is not a JSON object: policy must be a JSON object",
        ),
        (
            {**ARGS, "endpoints": [ITEMS[1], ITEMS[1]]},
            "endpoints[1] names the same endpoint as endpoints[0] (service, type and name)",
        ),
        ({**ARGS, "service": "s3"}, "parameters are mutually exclusive: endpoints|service"),
        ({"endpoints": ITEMS}, "missing parameter(s) required by 'endpoints': vpc_id"),
        ({"vpc_id": VPC, "service": "s3", "purge_endpoints": True}, "purge_endpoints needs endpoints"),
    ],
)
def test_bad_options_fail_before_any_call(aws, args, message):
    result = run(args)
    assert_fails_mentioning(result, message)

"""ec2_vpc_subnets against stubbed EC2: every API path, check mode and diff, and its pure planning functions."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_subnets
from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_subnets as mod
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

VPC = "vpc-0123456789abcdef0"
SUBNET_A, SUBNET_B, SUBNET_C = "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"
RTB_MAIN, RTB_A, RTB_B, RTB_X = (
    "rtb-00000000000000000",
    "rtb-0aaaaaaaaaaaaaaaa",
    "rtb-0bbbbbbbbbbbbbbbb",
    "rtb-0eeeeeeeeeeeeeeee",
)
IN_VPC = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]}
COMMON = {"Deployment": "mr"}
ITEMS = [
    {"cidr": "10.1.0.0/24", "az": "eu-west-1a", "tags": {"Name": "mr-private-a"}},
    {"cidr": "10.1.1.0/24", "az": "eu-west-1b", "tags": {"Name": "mr-private-b"}},
]
ARGS = {"vpc_id": VPC, "tags": COMMON, "subnets": ITEMS}


def tag_list(tags: dict) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def subnet(subnet_id=SUBNET_A, cidr="10.1.0.0/24", az="eu-west-1a", name="mr-private-a", **overrides):
    """A subnet as DescribeSubnets returns it."""
    return {
        "SubnetId": subnet_id,
        "VpcId": VPC,
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "State": "available",
        "MapPublicIpOnLaunch": False,
        "AvailableIpAddressCount": 251,
        "Tags": tag_list({**COMMON, "Name": name}),
        **overrides,
    }


def association(table_id, subnet_id, association_id=None, main=False):
    found = {
        "Main": main,
        "RouteTableAssociationId": association_id or f"rtbassoc-{(subnet_id or 'main')[-8:]}{table_id[-9:]}",
        "RouteTableId": table_id,
        "AssociationState": {"State": "associated"},
    }
    if subnet_id:
        found["SubnetId"] = subnet_id
    return found


LOCAL = {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}
S3_ROUTE = {"DestinationPrefixListId": "pl-6da54004", "GatewayId": "vpce-0aaaaaaaaaaaaaaaa", "Origin": "CreateRoute"}
OUT_ROUTE = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0aaaaaaaaaaaaaaaa", "Origin": "CreateRoute"}


def table(table_id=RTB_A, subnet_ids=(SUBNET_A,), name="mr-private-a", routes=None, tags=None, main=False):
    """A route table as DescribeRouteTables returns it."""
    associations = [association(table_id, s) for s in subnet_ids]
    if main:
        associations.append(association(table_id, None, "rtbassoc-main0000000000", main=True))
    return {
        "RouteTableId": table_id,
        "VpcId": VPC,
        "OwnerId": "123456789012",
        "Associations": associations,
        "Routes": routes if routes is not None else [LOCAL],
        "PropagatingVgws": [],
        "Tags": tag_list(tags if tags is not None else ({**COMMON, "Name": name} if name else {})),
    }


MAIN = table(RTB_MAIN, subnet_ids=(), name=None, tags={}, main=True)


def deployed():
    return (
        [subnet(), subnet(SUBNET_B, "10.1.1.0/24", "eu-west-1b", "mr-private-b")],
        [MAIN, table(), table(RTB_B, (SUBNET_B,), "mr-private-b")],
    )


def described(stub, subnets, tables):
    stub.add_response("describe_subnets", {"Subnets": subnets}, IN_VPC)
    stub.add_response("describe_route_tables", {"RouteTables": tables}, IN_VPC)


def run(args, **kwargs):
    return run_module(ec2_vpc_subnets.main, args, **kwargs)


# --- create ------------------------------------------------------------------------------------------------


def create_calls(stub, state="available", between=None):
    """The calls that create subnet A and its route table on an empty VPC (``between`` queues calls between)."""
    stub.add_response(
        "create_subnet",
        {"Subnet": subnet(State=state)},
        {
            "VpcId": VPC,
            "CidrBlock": "10.1.0.0/24",
            "AvailabilityZone": "eu-west-1a",
            "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list({**COMMON, "Name": "mr-private-a"})}],
        },
    )
    if between:
        between(stub)
    stub.add_response(
        "create_route_table",
        {"RouteTable": table(subnet_ids=())},
        {
            "VpcId": VPC,
            "TagSpecifications": [
                {"ResourceType": "route-table", "Tags": tag_list({**COMMON, "Name": "mr-private-a"})}
            ],
        },
    )


def test_create_tags_in_the_create_calls_and_associates(aws):
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    create_calls(stub)
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run({**ARGS, "subnets": ITEMS[:1]})
    assert_changed(result)
    assert result["subnets"] == [
        {
            "cidr_block": "10.1.0.0/24",
            "availability_zone": "eu-west-1a",
            "map_public_ip_on_launch": False,
            "tags": {**COMMON, "Name": "mr-private-a"},
            "route_table_tags": {**COMMON, "Name": "mr-private-a"},
            "subnet_id": SUBNET_A,
            "route_table_id": RTB_A,
        }
    ]
    assert result["purged"] == {"subnet_ids": [], "route_table_ids": []}


def test_a_pending_subnet_is_waited_for_before_its_association(aws, monkeypatch):
    clock = patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    create_calls(stub, state="pending")
    # Not described yet right after the create (eventual consistency), then pending, then available.
    stub.add_client_error("describe_subnets", **client_error("InvalidSubnetID.NotFound"))
    stub.add_response("describe_subnets", {"Subnets": [subnet(State="pending")]}, {"SubnetIds": [SUBNET_A]})
    stub.add_response("describe_subnets", {"Subnets": [subnet()]}, {"SubnetIds": [SUBNET_A]})
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run({**ARGS, "subnets": ITEMS[:1]})
    assert result["changed"] is True, result
    assert clock.sleeps == [2, 2]


def test_a_subnet_still_pending_at_the_timeout_fails(aws, monkeypatch):
    patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    create_calls(stub, state="pending")
    for _attempt in range(3):
        stub.add_response("describe_subnets", {"Subnets": [subnet(State="pending")]}, {"SubnetIds": [SUBNET_A]})
    result = run({**ARGS, "subnets": ITEMS[:1], "wait_timeout": 5})
    assert_fails_as(result, f"subnets {SUBNET_A} were not all available after 5 seconds")


def test_association_retries_a_route_table_not_known_yet(aws):
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    create_calls(stub)
    stub.add_client_error("associate_route_table", **client_error("InvalidRouteTableID.NotFound"))
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run({**ARGS, "subnets": ITEMS[:1]})
    assert result["changed"] is True, result
    assert len(aws.sleeps) == 1


def test_public_ips_asked_for_on_a_new_subnet(aws):
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    create_calls(
        stub,
        between=lambda s: s.add_response(
            "modify_subnet_attribute", {}, {"SubnetId": SUBNET_A, "MapPublicIpOnLaunch": {"Value": True}}
        ),
    )
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run({**ARGS, "subnets": [{**ITEMS[0], "map_public_ip_on_launch": True}]})
    assert not result.get("failed"), result
    assert result["subnets"][0]["map_public_ip_on_launch"] is True


def test_create_error_is_described(aws):
    stub = aws.stub("ec2")
    described(stub, [], [MAIN])
    stub.add_client_error("create_subnet", **client_error("InvalidSubnet.Conflict", "conflicts with another subnet"))
    result = run({**ARGS, "subnets": ITEMS[:1]})
    assert_fails_with(result, f"Failed to create subnet 10.1.0.0/24 in {VPC}")


def test_an_existing_route_table_is_adopted_by_its_name(aws):
    stub = aws.stub("ec2")
    # The subnet is new; its route table exists (left by an earlier run), without the Deployment tag.
    described(stub, [], [MAIN, table(subnet_ids=(), tags={"Name": "mr-private-a"})])
    stub.add_response(
        "create_subnet",
        {"Subnet": subnet()},
        {
            "VpcId": VPC,
            "CidrBlock": "10.1.0.0/24",
            "AvailabilityZone": "eu-west-1a",
            "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list({**COMMON, "Name": "mr-private-a"})}],
        },
    )
    stub.add_response("create_tags", {}, {"Resources": [RTB_A], "Tags": tag_list(COMMON)})
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run({**ARGS, "subnets": ITEMS[:1]})
    assert result["subnets"][0]["route_table_id"] == RTB_A
    assert result["subnets"][0]["route_table_tags"] == {**COMMON, "Name": "mr-private-a"}


# --- no change ---------------------------------------------------------------------------------------------


def test_no_change_makes_two_calls(aws):
    subnets, tables = deployed()
    # A gateway endpoint's route stays: it does not lead out of the VPC.
    tables[1]["Routes"] = [LOCAL, S3_ROUTE]
    described(aws.stub("ec2"), subnets, tables)
    result = run(ARGS, diff=True)
    assert result["changed"] is False, result
    assert [s["subnet_id"] for s in result["subnets"]] == [SUBNET_A, SUBNET_B]
    assert [s["route_table_id"] for s in result["subnets"]] == [RTB_A, RTB_B]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_pages_are_followed(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    stub.add_response("describe_subnets", {"Subnets": subnets[:1], "NextToken": "page-2"}, IN_VPC)
    stub.add_response("describe_subnets", {"Subnets": subnets[1:]}, {**IN_VPC, "NextToken": "page-2"})
    stub.add_response("describe_route_tables", {"RouteTables": tables[:2], "NextToken": "page-2"}, IN_VPC)
    stub.add_response("describe_route_tables", {"RouteTables": tables[2:]}, {**IN_VPC, "NextToken": "page-2"})
    result = run(ARGS)
    assert result["changed"] is False, result
    assert [s["route_table_id"] for s in result["subnets"]] == [RTB_A, RTB_B]


# EC2 throttles with RequestLimitExceeded; ThrottlingException is what most other services send.
@pytest.mark.parametrize("code", ["RequestLimitExceeded", "ThrottlingException"])
def test_throttled_then_retried(aws, code):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    stub.add_client_error("describe_subnets", **client_error(code, status=503))
    described(stub, subnets, tables)
    result = run(ARGS)
    assert result["changed"] is False, result
    assert len(aws.sleeps) == 1


def test_describe_error_is_described(aws):
    aws.stub("ec2").add_client_error("describe_subnets", **client_error("UnauthorizedOperation", status=403))
    result = run(ARGS)
    assert_fails_with(result, f"Failed to describe the subnets of {VPC}")


# --- update ------------------------------------------------------------------------------------------------


def test_tags_public_ips_and_routes_out_are_reconciled(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    subnets[0]["Tags"] = tag_list({**COMMON, "Name": "mr-private-a", "Stale": "yes"})
    subnets[0]["MapPublicIpOnLaunch"] = True
    tables[1]["Routes"] = [LOCAL, S3_ROUTE, OUT_ROUTE]
    tables[1]["Tags"] = tag_list({"Name": "mr-private-a"})
    described(stub, subnets, tables)
    stub.add_response("delete_tags", {}, {"Resources": [SUBNET_A], "Tags": [{"Key": "Stale"}]})
    stub.add_response("modify_subnet_attribute", {}, {"SubnetId": SUBNET_A, "MapPublicIpOnLaunch": {"Value": False}})
    stub.add_response("create_tags", {}, {"Resources": [RTB_A], "Tags": tag_list(COMMON)})
    stub.add_response("delete_route", {}, {"RouteTableId": RTB_A, "DestinationCidrBlock": "0.0.0.0/0"})
    result = run(ARGS, diff=True)
    assert result["changed"] is True, result
    before, after = (result["diff"][k]["subnets"]["10.1.0.0/24"] for k in ("before", "after"))
    assert before["map_public_ip_on_launch"] is True and after["map_public_ip_on_launch"] is False
    assert before["route_table"]["routes_out"] == ["0.0.0.0/0"] and after["route_table"]["routes_out"] == []
    assert after["tags"] == {**COMMON, "Name": "mr-private-a"}
    assert after["route_table"]["tags"] == {**COMMON, "Name": "mr-private-a"}


def test_purge_routes_false_keeps_routes_out(aws):
    subnets, tables = deployed()
    tables[1]["Routes"] = [LOCAL, OUT_ROUTE]
    described(aws.stub("ec2"), subnets, tables)
    assert run({**ARGS, "purge_routes": False})["changed"] is False


def test_purge_tags_false_keeps_other_tags(aws):
    subnets, tables = deployed()
    subnets[0]["Tags"] = tag_list({**COMMON, "Name": "mr-private-a", "Owner": "network"})
    described(aws.stub("ec2"), subnets, tables)
    result = run({**ARGS, "purge_tags": False})
    assert result["changed"] is False
    assert result["subnets"][0]["tags"]["Owner"] == "network"


def test_a_subnet_on_the_main_table_is_associated(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    tables[1] = table(subnet_ids=())
    described(stub, subnets, tables)
    stub.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-0a"}, {"RouteTableId": RTB_A, "SubnetId": SUBNET_A}
    )
    result = run(ARGS, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["subnets"]["10.1.0.0/24"]["route_table"]["associated"] is False
    assert result["diff"]["after"]["subnets"]["10.1.0.0/24"]["route_table"]["associated"] is True


def test_a_subnet_on_another_table_is_moved_and_strangers_leave_its_table(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    # Subnet A sits on someone's table X; A's own table carries subnet C, which is not listed.
    subnets.append(subnet(SUBNET_C, "10.1.9.0/24", "eu-west-1c", "other"))
    tables[1] = table(subnet_ids=(SUBNET_C,))
    tables.append(table(RTB_X, (SUBNET_A,), tags={"Name": "someone-else"}))
    described(stub, subnets, tables)
    stub.add_response(
        "disassociate_route_table", {}, {"AssociationId": tables[1]["Associations"][0]["RouteTableAssociationId"]}
    )
    stub.add_response(
        "replace_route_table_association",
        {"NewAssociationId": "rtbassoc-0new", "AssociationState": {"State": "associated"}},
        {"AssociationId": tables[3]["Associations"][0]["RouteTableAssociationId"], "RouteTableId": RTB_A},
    )
    result = run(ARGS, diff=True)
    assert result["changed"] is True, result
    after = result["diff"]["after"]["subnets"]["10.1.0.0/24"]["route_table"]
    assert after == {
        "tags": {**COMMON, "Name": "mr-private-a"},
        "associated": True,
        "other_subnets": [],
        "routes_out": [],
    }
    assert result["purged"] == {"subnet_ids": [], "route_table_ids": []}


def test_tagging_retries_a_subnet_not_known_yet(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    subnets[0]["Tags"] = tag_list({"Name": "mr-private-a"})
    described(stub, subnets, tables)
    stub.add_client_error("create_tags", **client_error("InvalidSubnetID.NotFound"))
    stub.add_response("create_tags", {}, {"Resources": [SUBNET_A], "Tags": tag_list(COMMON)})
    assert run(ARGS)["changed"] is True
    assert len(aws.sleeps) == 1


def test_a_subnet_in_another_zone_fails(aws):
    subnets, tables = deployed()
    subnets[0]["AvailabilityZone"] = "eu-west-1c"
    described(aws.stub("ec2"), subnets, tables)
    result = run(ARGS)
    assert_fails_as(
        result,
        f"subnets[0]: subnet {SUBNET_A} (10.1.0.0/24) is in eu-west-1c, not in eu-west-1a; a subnet cannot move:"
        " delete it first",
    )


def test_several_route_tables_with_the_name_fail_listing_them(aws):
    subnets, tables = deployed()
    tables[1] = table(subnet_ids=())
    tables.append(table(RTB_X, subnet_ids=()))
    described(aws.stub("ec2"), subnets, tables)
    result = run(ARGS)
    assert_fails_as(
        result, f"2 route tables carry the tags {{'Name': 'mr-private-a'}}: {RTB_A}, {RTB_X}; keep one of them"
    )


def test_several_route_tables_with_the_name_prefer_the_associated_one(aws):
    subnets, tables = deployed()
    tables.append(table(RTB_X, subnet_ids=()))
    described(aws.stub("ec2"), subnets, tables)
    result = run(ARGS)
    assert result["changed"] is False
    assert result["subnets"][0]["route_table_id"] == RTB_A


# --- purge and delete --------------------------------------------------------------------------------------


def test_purge_deletes_the_unlisted_tagged_ones_only(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    subnets.append(subnet(SUBNET_C, "10.1.2.0/24", "eu-west-1c", "mr-private-c"))
    subnets.append(subnet("subnet-0dddddddddddddddd", "10.1.3.0/24", Tags=tag_list({"Name": "theirs"})))
    tables.append(table(RTB_X, (SUBNET_C,), "mr-private-c"))
    described(stub, subnets, tables)
    stub.add_response(
        "disassociate_route_table", {}, {"AssociationId": tables[3]["Associations"][0]["RouteTableAssociationId"]}
    )
    stub.add_response("delete_route_table", {}, {"RouteTableId": RTB_X})
    stub.add_response("delete_subnet", {}, {"SubnetId": SUBNET_C})
    result = run({**ARGS, "purge_subnets": True, "purge_filter_tags": COMMON}, diff=True)
    assert result["changed"] is True, result
    assert result["purged"] == {"subnet_ids": [SUBNET_C], "route_table_ids": [RTB_X]}
    assert "10.1.2.0/24" in result["diff"]["before"]["subnets"]
    assert "10.1.2.0/24" not in result["diff"]["after"]["subnets"]


def absent_calls(stub, tables):
    for t in tables[1:]:
        stub.add_response(
            "disassociate_route_table", {}, {"AssociationId": t["Associations"][0]["RouteTableAssociationId"]}
        )
        stub.add_response("delete_route_table", {}, {"RouteTableId": t["RouteTableId"]})
    stub.add_response("delete_subnet", {}, {"SubnetId": SUBNET_A})
    stub.add_response("delete_subnet", {}, {"SubnetId": SUBNET_B})


def test_absent_deletes_associations_then_route_tables_then_subnets(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    described(stub, subnets, tables)
    absent_calls(stub, tables)
    result = run({**ARGS, "state": "absent"}, diff=True)
    assert result["changed"] is True, result
    assert result["subnets"] == []
    assert result["purged"] == {"subnet_ids": [SUBNET_A, SUBNET_B], "route_table_ids": [RTB_A, RTB_B]}
    assert result["diff"]["after"] == {"subnets": {}, "other_route_tables": {}}


def test_absent_with_purge_and_no_list_deletes_every_one_but_the_main_table(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    described(stub, subnets, tables)
    absent_calls(stub, tables)
    result = run({"vpc_id": VPC, "state": "absent", "purge_subnets": True})
    assert result["purged"] == {"subnet_ids": [SUBNET_A, SUBNET_B], "route_table_ids": [RTB_A, RTB_B]}


def test_absent_when_gone_meanwhile_is_not_an_error(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    described(stub, subnets[:1], [MAIN, tables[1]])
    stub.add_client_error("disassociate_route_table", **client_error("InvalidAssociationID.NotFound"))
    stub.add_client_error("delete_route_table", **client_error("InvalidRouteTableID.NotFound"))
    stub.add_client_error("delete_subnet", **client_error("InvalidSubnetID.NotFound"))
    result = run({**ARGS, "state": "absent"})
    assert not result.get("failed"), result
    assert result["purged"] == {"subnet_ids": [], "route_table_ids": []}


def test_already_absent(aws):
    described(aws.stub("ec2"), [], [MAIN])
    result = run({**ARGS, "state": "absent"})
    assert result["changed"] is False
    assert result["purged"] == {"subnet_ids": [], "route_table_ids": []}


def test_a_subnet_still_in_use_fails_with_the_reason(aws):
    stub = aws.stub("ec2")
    subnets, tables = deployed()
    described(stub, subnets[:1], [MAIN])
    stub.add_client_error(
        "delete_subnet", **client_error("DependencyViolation", "The subnet has dependencies and cannot be deleted.")
    )
    result = run({**ARGS, "state": "absent"})
    assert_fails_with(result, f"Failed to delete subnet {SUBNET_A}")


# --- check mode --------------------------------------------------------------------------------------------


def test_check_mode_create_makes_no_call_and_has_no_ids(aws):
    described(aws.stub("ec2"), [], [MAIN])
    result = run(ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert [s.get("subnet_id") for s in result["subnets"]] == [None, None]
    assert [s.get("route_table_id") for s in result["subnets"]] == [None, None]
    assert result["diff"]["before"] == {"subnets": {}, "other_route_tables": {}}
    assert result["diff"]["after"]["subnets"]["10.1.1.0/24"]["route_table"]["tags"] == {
        **COMMON,
        "Name": "mr-private-b",
    }


def test_check_mode_predicts_the_real_diff(aws):
    def scene():
        subnets, tables = deployed()
        subnets[1]["Tags"] = tag_list({"Name": "mr-private-b"})
        tables[2]["Routes"] = [LOCAL, OUT_ROUTE]
        return subnets, tables

    stub = aws.stub("ec2")
    described(stub, *scene())
    checked = run(ARGS, check_mode=True, diff=True)
    described(stub, *scene())
    stub.add_response("create_tags", {}, {"Resources": [SUBNET_B], "Tags": tag_list(COMMON)})
    stub.add_response("delete_route", {}, {"RouteTableId": RTB_B, "DestinationCidrBlock": "0.0.0.0/0"})
    applied = run(ARGS, diff=True)
    assert checked["changed"] is applied["changed"] is True
    assert checked["diff"] == applied["diff"]
    assert checked["subnets"] == applied["subnets"]


def test_check_mode_absent_makes_no_call(aws):
    described(aws.stub("ec2"), *deployed())
    result = run({**ARGS, "state": "absent"}, check_mode=True)
    assert result["changed"] is True
    assert result["purged"] == {"subnet_ids": [SUBNET_A, SUBNET_B], "route_table_ids": [RTB_A, RTB_B]}


# --- options -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subnets, message",
    [
        ([{"cidr": "10.1.0.0/33"}], "subnets[0].cidr: '10.1.0.0/33' is not an IPv4 network"),
        ([ITEMS[0], {**ITEMS[1], "cidr": "10.1.0.0/24"}], "subnets[1].cidr: 10.1.0.0/24 is also subnets[0].cidr"),
        (
            [ITEMS[0], {**ITEMS[1], "route_table_tags": {"Name": "mr-private-a"}}],
            "subnets[1].route_table_tags: the route table would be the same as subnets[0]'s",
        ),
    ],
)
def test_bad_options_fail_before_any_call(aws, subnets, message):
    result = run({**ARGS, "subnets": subnets})
    assert_fails_mentioning(result, message)


# --- pure functions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "routes, expected",
    [
        ([LOCAL], []),
        ([LOCAL, S3_ROUTE], []),
        ([LOCAL, OUT_ROUTE], [OUT_ROUTE]),
        ([{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "Origin": "CreateRoute"}], 1),
        ([{"DestinationCidrBlock": "10.9.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"}], []),
    ],
)
def test_purgeable_routes(routes, expected):
    found = mod.purgeable_routes({"Routes": routes})
    assert (len(found) if isinstance(expected, int) else found) == expected


@pytest.mark.parametrize(
    "route, destination",
    [
        (OUT_ROUTE, {"DestinationCidrBlock": "0.0.0.0/0"}),
        ({"DestinationIpv6CidrBlock": "::/0"}, {"DestinationIpv6CidrBlock": "::/0"}),
        ({"DestinationPrefixListId": "pl-1"}, {"DestinationPrefixListId": "pl-1"}),
    ],
)
def test_route_destination(route, destination):
    assert mod.route_destination(route) == destination


@pytest.mark.parametrize(
    "tags, identity",
    [
        ({"Name": "a", "Deployment": "mr"}, (("Name", "a"),)),
        ({"Deployment": "mr", "Tier": "private"}, (("Deployment", "mr"), ("Tier", "private"))),
    ],
)
def test_table_identity(tags, identity):
    assert mod.table_identity(tags) == identity


def test_route_table_tags_default_to_the_subnets():
    assert mod.route_table_tags(COMMON, ITEMS[0]) == {**COMMON, "Name": "mr-private-a"}
    assert mod.route_table_tags(COMMON, {**ITEMS[0], "route_table_tags": {"Name": "rt"}}) == {**COMMON, "Name": "rt"}


def test_the_main_table_is_never_a_subnets_or_purged():
    params = {
        "subnets": [{"cidr": "10.1.0.0/24", "tags": {}, "route_table_tags": None}],
        "tags": {},
        "purge_tags": True,
        "purge_routes": True,
        "purge_subnets": True,
        "purge_filter_tags": {},
        "state": "present",
    }
    planned = mod.plan(params, [], [MAIN])
    assert planned["items"][0]["table"] is None
    assert planned["purge_tables"] == []

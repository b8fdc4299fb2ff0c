"""ec2_vpc against stubbed EC2: every API path, check mode and diff, and its pure change functions."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc as mod
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

VPC = "vpc-0123456789abcdef0"
OTHER = "vpc-0fedcba9876543210"
NAME, CIDR = "mr", "10.1.0.0/16"
TAGS = {"Deployment": "mr"}
ARGS = {"name": NAME, "cidr_block": CIDR, "dns_support": True, "dns_hostnames": True, "tags": TAGS}
FIND = {"Filters": [{"Name": "tag:Name", "Values": [NAME]}, {"Name": "cidr-block", "Values": [CIDR]}]}


def tag_list(tags: dict) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def vpc(vpc_id=VPC, tags=None, **overrides) -> dict:
    """A VPC as DescribeVpcs returns it."""
    return {
        "VpcId": vpc_id,
        "CidrBlock": CIDR,
        "CidrBlockAssociationSet": [
            {"AssociationId": "vpc-cidr-assoc-0a", "CidrBlock": CIDR, "CidrBlockState": {"State": "associated"}}
        ],
        "DhcpOptionsId": "dopt-0123456789abcdef0",
        "InstanceTenancy": "default",
        "IsDefault": False,
        "OwnerId": "123456789012",
        "State": "available",
        "Tags": tag_list(tags if tags is not None else {**TAGS, "Name": NAME}),
        **overrides,
    }


def found(stub, vpcs):
    stub.add_response("describe_vpcs", {"Vpcs": vpcs}, FIND)


def attributes(stub, support=True, hostnames=True, vpc_id=VPC):
    stub.add_response(
        "describe_vpc_attribute",
        {"VpcId": vpc_id, "EnableDnsSupport": {"Value": support}},
        {"VpcId": vpc_id, "Attribute": "enableDnsSupport"},
    )
    stub.add_response(
        "describe_vpc_attribute",
        {"VpcId": vpc_id, "EnableDnsHostnames": {"Value": hostnames}},
        {"VpcId": vpc_id, "Attribute": "enableDnsHostnames"},
    )


def modify(stub, key, value, vpc_id=VPC):
    stub.add_response("modify_vpc_attribute", {}, {"VpcId": vpc_id, key: {"Value": value}})


def create(stub, state="pending", tags=None):
    stub.add_response(
        "create_vpc",
        {"Vpc": vpc(State=state, Tags=[])},
        {
            "CidrBlock": CIDR,
            "InstanceTenancy": "default",
            "TagSpecifications": [{"ResourceType": "vpc", "Tags": tag_list(tags or {**TAGS, "Name": NAME})}],
        },
    )


def run(args=None, **kwargs):
    return run_module(mod.main, {**ARGS, **(args or {})}, **kwargs)


EXPECTED = {
    "id": VPC,
    "name": NAME,
    "cidr_block": CIDR,
    "cidr_block_association_set": [
        {"association_id": "vpc-cidr-assoc-0a", "cidr_block": CIDR, "cidr_block_state": {"state": "associated"}}
    ],
    "dhcp_options_id": "dopt-0123456789abcdef0",
    "instance_tenancy": "default",
    "is_default": False,
    "owner_id": "123456789012",
    "state": "available",
    "tags": {**TAGS, "Name": NAME},
    "enable_dns_support": True,
    "enable_dns_hostnames": True,
}


# --- no change -------------------------------------------------------------------------------------------


def test_no_change_is_three_calls(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    attributes(stub)
    result = run(diff=True)
    assert_unchanged(result)
    assert result["vpc"] == EXPECTED
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_dns_options_is_one_call(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    result = run({"dns_support": None, "dns_hostnames": None})
    assert_unchanged(result)
    assert "enable_dns_support" not in result["vpc"] and "enable_dns_hostnames" not in result["vpc"]


def test_without_tags_only_the_name_is_ensured(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(tags={"Owner": "someone", "Name": NAME})])
    result = run({"tags": None, "dns_support": None, "dns_hostnames": None})
    assert_unchanged(result)
    assert result["vpc"]["tags"] == {"Owner": "someone", "Name": NAME}


def test_a_vpc_made_by_ec2_vpc_net_is_adopted(aws):
    """ec2_vpc_net tags only Name when given no tags: the VPC is found by the same filters and tagged."""
    stub = aws.stub("ec2")
    found(stub, [vpc(tags={"Name": NAME})])
    attributes(stub)
    stub.add_response("create_tags", {}, {"Resources": [VPC], "Tags": tag_list(TAGS)})
    result = run()
    assert_changed(result)
    assert result["vpc"]["tags"] == {**TAGS, "Name": NAME}


# --- create ----------------------------------------------------------------------------------------------


def test_create_tags_in_the_create_call_waits_then_sets_dns_support_before_hostnames(aws, monkeypatch):
    clock = patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    found(stub, [])
    create(stub)
    # Not described yet right after the create (eventual consistency), then pending, then available.
    stub.add_client_error("describe_vpcs", **client_error("InvalidVpcID.NotFound"))
    stub.add_response("describe_vpcs", {"Vpcs": [vpc(State="pending")]}, {"VpcIds": [VPC]})
    stub.add_response("describe_vpcs", {"Vpcs": [vpc()]}, {"VpcIds": [VPC]})
    # A new VPC has DNS support: only hostnames is set.
    modify(stub, "EnableDnsHostnames", True)
    result = run(diff=True)
    assert_changed(result)
    assert result["vpc"] == EXPECTED
    assert clock.sleeps == [2, 2]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "cidr_block": CIDR,
        "instance_tenancy": "default",
        "tags": {**TAGS, "Name": NAME},
        "enable_dns_support": True,
        "enable_dns_hostnames": True,
    }


def test_create_with_dns_off_sets_support_only(aws):
    stub = aws.stub("ec2")
    found(stub, [])
    create(stub, state="available")
    modify(stub, "EnableDnsSupport", False)
    result = run({"dns_support": False, "dns_hostnames": False})
    assert_changed(result)
    assert result["vpc"]["enable_dns_support"] is False and result["vpc"]["enable_dns_hostnames"] is False


def test_attribute_call_retries_a_vpc_not_known_yet(aws):
    stub = aws.stub("ec2")
    found(stub, [])
    create(stub, state="pending")
    stub.add_client_error("modify_vpc_attribute", **client_error("InvalidVpcID.NotFound"))
    modify(stub, "EnableDnsHostnames", True)
    result = run({"wait": False})
    assert_changed(result)
    assert result["vpc"]["id"] == VPC and result["vpc"]["state"] == "pending"
    assert len(aws.sleeps) == 1


def test_a_vpc_still_pending_at_the_timeout_fails(aws, monkeypatch):
    patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    found(stub, [])
    create(stub)
    for _attempt in range(3):
        stub.add_response("describe_vpcs", {"Vpcs": [vpc(State="pending")]}, {"VpcIds": [VPC]})
    result = run({"wait_timeout": 5})
    assert_fails_as(result, f"VPC {VPC} was not available after 5 seconds (wait_timeout)")


def test_check_mode_create_makes_no_call_but_the_lookup(aws):
    stub = aws.stub("ec2")
    found(stub, [])
    result = run(check_mode=True, diff=True)
    assert_changed(result)
    assert result["vpc"] == {
        "name": NAME,
        "cidr_block": CIDR,
        "instance_tenancy": "default",
        "tags": {**TAGS, "Name": NAME},
        "enable_dns_support": True,
        "enable_dns_hostnames": True,
    }
    assert result["diff"]["before"] == {}


def test_dedicated_tenancy_at_creation(aws):
    stub = aws.stub("ec2")
    found(stub, [])
    stub.add_response(
        "create_vpc",
        {"Vpc": vpc(InstanceTenancy="dedicated")},
        {
            "CidrBlock": CIDR,
            "InstanceTenancy": "dedicated",
            "TagSpecifications": [{"ResourceType": "vpc", "Tags": tag_list({"Name": NAME})}],
        },
    )
    result = run({"tenancy": "dedicated", "tags": None, "dns_support": None, "dns_hostnames": None})
    assert_changed(result)
    assert result["vpc"]["instance_tenancy"] == "dedicated"


# --- update ----------------------------------------------------------------------------------------------


def test_update_dns_and_tags(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(tags={"Name": NAME, "Deployment": "old", "Stale": "x"})])
    attributes(stub, support=False, hostnames=False)
    stub.add_response("delete_tags", {}, {"Resources": [VPC], "Tags": [{"Key": "Stale"}]})
    stub.add_response("create_tags", {}, {"Resources": [VPC], "Tags": tag_list(TAGS)})
    modify(stub, "EnableDnsSupport", True)
    modify(stub, "EnableDnsHostnames", True)
    result = run(diff=True)
    assert_changed(result)
    assert result["vpc"] == EXPECTED
    assert result["diff"]["before"]["tags"] == {"Name": NAME, "Deployment": "old", "Stale": "x"}
    assert result["diff"]["before"]["enable_dns_support"] is False
    assert result["diff"]["after"]["tags"] == {**TAGS, "Name": NAME}


def test_disabling_turns_hostnames_off_before_support(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    attributes(stub, support=True, hostnames=True)
    sent = aws.sent("ec2", "ModifyVpcAttribute")
    modify(stub, "EnableDnsHostnames", False)
    modify(stub, "EnableDnsSupport", False)
    result = run({"dns_support": False, "dns_hostnames": False})
    assert_changed(result)
    assert [sorted(k for k in s if k != "VpcId") for s in sent] == [["EnableDnsHostnames"], ["EnableDnsSupport"]]


def test_purge_tags_false_keeps_other_tags(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(tags={**TAGS, "Name": NAME, "Owner": "net"})])
    attributes(stub)
    result = run({"purge_tags": False})
    assert_unchanged(result)


def test_check_mode_update_predicts_and_changes_nothing(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(tags={"Name": NAME})])
    attributes(stub, hostnames=False)
    result = run(check_mode=True, diff=True)
    assert_changed(result)
    assert result["vpc"] == EXPECTED
    assert result["diff"]["after"]["enable_dns_hostnames"] is True


def test_another_tenancy_fails_naming_the_option(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(InstanceTenancy="dedicated")])
    attributes(stub)
    result = run()
    assert_fails_with(result, f"VPC {VPC} has the tenancy 'dedicated', not 'default' (tenancy)")


# --- errors ----------------------------------------------------------------------------------------------


def test_ambiguous_match_fails_naming_the_vpcs(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc(OTHER), vpc()])
    result = run()
    assert_fails_as(
        result,
        f"2 VPCs are named {NAME} with the CIDR block {CIDR}: {VPC}, {OTHER}; keep one of them (or rename the"
        " others) so that the VPC is known",
    )


def test_throttled_lookup_is_retried(aws):
    stub = aws.stub("ec2")
    stub.add_client_error("describe_vpcs", **client_error("RequestLimitExceeded", status=503))
    found(stub, [vpc()])
    attributes(stub)
    result = run()
    assert_unchanged(result)
    assert len(aws.sleeps) == 1


def test_access_denied_fails_with_the_call(aws):
    stub = aws.stub("ec2")
    stub.add_client_error("describe_vpcs", **client_error("UnauthorizedOperation", status=403))
    result = run()
    assert_fails_with(result, f"Failed to describe the VPCs named {NAME} with CIDR block {CIDR}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"cidr_block": "10.1.0.1/16"}, "cidr_block: '10.1.0.1/16' has host bits set or is not written 10.1.0.0/16"),
        ({"cidr_block": "10.1.0.0/33"}, "cidr_block: '10.1.0.0/33' is not an IPv4 network"),
        ({"tags": {"Name": "other"}}, "tags.Name: 'other' differs from name 'mr'"),
        ({"dns_support": False, "dns_hostnames": True}, "dns_hostnames: true needs dns_support: true"),
        ({"wait_timeout": -1}, "wait_timeout: -1 is negative"),
        ({"name": ""}, "name: must not be empty"),
    ],
)
def test_bad_input_fails_before_any_call(aws, args, message):
    result = run(args)
    assert_fails_mentioning(result, message)


# --- delete ----------------------------------------------------------------------------------------------


def test_delete(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    stub.add_response("delete_vpc", {}, {"VpcId": VPC})
    result = run({"state": "absent"}, diff=True)
    assert_changed(result)
    assert result["vpc"]["id"] == VPC
    assert result["diff"]["after"] == {} and result["diff"]["before"]["cidr_block"] == CIDR


def test_delete_in_check_mode_returns_the_vpc_and_deletes_nothing(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    result = run({"state": "absent"}, check_mode=True)
    assert_changed(result)
    assert result["vpc"]["id"] == VPC


def test_delete_not_found_changes_nothing(aws):
    stub = aws.stub("ec2")
    found(stub, [])
    result = run({"state": "absent"})
    assert_unchanged(result)
    assert result["vpc"] == {}


def test_delete_of_a_vpc_gone_meanwhile_changes_nothing(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    stub.add_client_error("delete_vpc", **client_error("InvalidVpcID.NotFound"))
    result = run({"state": "absent"})
    assert_unchanged(result)


def residents_answered(stub, subnets=(), groups=(), endpoints=()):
    in_vpc = [{"Name": "vpc-id", "Values": [VPC]}]
    stub.add_response(
        "describe_subnets",
        {"Subnets": [{"SubnetId": s, "VpcId": VPC, "CidrBlock": "10.1.0.0/24"} for s in subnets]},
        {"Filters": in_vpc},
    )
    stub.add_response("describe_network_interfaces", {"NetworkInterfaces": []}, {"Filters": in_vpc})
    stub.add_response(
        "describe_security_groups",
        {
            "SecurityGroups": [{"GroupId": "sg-0d", "GroupName": "default", "VpcId": VPC}]
            + [{"GroupId": g, "GroupName": f"group-{g}", "VpcId": VPC} for g in groups]
        },
        {"Filters": in_vpc},
    )
    stub.add_response(
        "describe_route_tables",
        {"RouteTables": [{"RouteTableId": "rtb-0m", "Associations": [{"Main": True}]}]},
        {"Filters": in_vpc},
    )
    stub.add_response(
        "describe_network_acls", {"NetworkAcls": [{"NetworkAclId": "acl-0d", "IsDefault": True}]}, {"Filters": in_vpc}
    )
    stub.add_response(
        "describe_internet_gateways",
        {"InternetGateways": []},
        {"Filters": [{"Name": "attachment.vpc-id", "Values": [VPC]}]},
    )
    stub.add_client_error("describe_nat_gateways", **client_error("UnauthorizedOperation", status=403))
    stub.add_response(
        "describe_vpc_endpoints",
        {"VpcEndpoints": [{"VpcEndpointId": e, "State": s} for e, s in endpoints]},
        {"Filters": in_vpc},
    )


def test_dependency_violation_fails_at_once_naming_what_lives_in_the_vpc(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    stub.add_client_error("delete_vpc", **client_error("DependencyViolation"))
    residents_answered(
        stub,
        subnets=["subnet-0a"],
        groups=["sg-0l"],
        endpoints=[("vpce-0live", "Available"), ("vpce-0gone", "Deleted")],
    )
    result = run({"state": "absent"})
    assert_fails_as(
        result,
        f"VPC {VPC} cannot be deleted yet (DependencyViolation): something still lives in it. Found in it:"
        " subnets: subnet-0a; security groups: sg-0l; NAT gateways: not listed (UnauthorizedOperation);"
        " VPC endpoints: vpce-0live. Delete those, then run again.",
    )
    assert aws.sleeps == []


def test_dependency_violation_with_nothing_listed_says_so(aws):
    stub = aws.stub("ec2")
    found(stub, [vpc()])
    stub.add_client_error("delete_vpc", **client_error("DependencyViolation"))
    residents_answered(stub)
    result = run({"state": "absent"})
    assert_fails_mentioning(result, "NAT gateways: not listed (UnauthorizedOperation). Delete those")


# --- pure functions --------------------------------------------------------------------------------------

PARAMS = {**ARGS, "tenancy": "default", "purge_tags": True}


@pytest.mark.parametrize(
    ("params", "current", "dns", "expected"),
    [
        # A new VPC: tagged by its create call; only what differs from EC2's defaults is set.
        (PARAMS, None, {}, {"create": True, "tags": ({}, []), "dns": [("dns_hostnames", True)]}),
        (
            {**PARAMS, "dns_support": None, "dns_hostnames": None},
            None,
            {},
            {"create": True, "tags": ({}, []), "dns": []},
        ),
        (
            {**PARAMS, "dns_support": False, "dns_hostnames": False},
            None,
            {},
            {"create": True, "tags": ({}, []), "dns": [("dns_support", False)]},
        ),
        # In line: nothing.
        (PARAMS, vpc(), {"dns_support": True, "dns_hostnames": True}, {"create": False, "tags": ({}, []), "dns": []}),
        # Enabling: support first.
        (
            PARAMS,
            vpc(),
            {"dns_support": False, "dns_hostnames": False},
            {"create": False, "tags": ({}, []), "dns": [("dns_support", True), ("dns_hostnames", True)]},
        ),
        # Disabling: hostnames first.
        (
            {**PARAMS, "dns_support": False, "dns_hostnames": False},
            vpc(),
            {"dns_support": True, "dns_hostnames": True},
            {"create": False, "tags": ({}, []), "dns": [("dns_hostnames", False), ("dns_support", False)]},
        ),
        # Tags: without O(tags) the Name only and no purge.
        (
            {**PARAMS, "tags": None},
            vpc(tags={"Other": "x"}),
            {"dns_support": True, "dns_hostnames": True},
            {"create": False, "tags": ({"Name": NAME}, []), "dns": []},
        ),
        (
            PARAMS,
            vpc(tags={**TAGS, "Name": NAME, "Other": "x"}),
            {"dns_support": True, "dns_hostnames": True},
            {"create": False, "tags": ({}, ["Other"]), "dns": []},
        ),
    ],
)
def test_vpc_changes(params, current, dns, expected):
    assert mod.vpc_changes(params, current, dns) == expected


@pytest.mark.parametrize(
    ("item", "check", "resident"),
    [
        ({"GroupName": "default"}, "GroupName", False),
        ({"GroupName": "x"}, "GroupName", True),
        ({"Associations": [{"Main": True}]}, "Associations", False),
        ({"Associations": [{"Main": False, "SubnetId": "s"}]}, "Associations", True),
        ({"IsDefault": True}, "IsDefault", False),
        ({"State": "deleting"}, "State", True),
        ({"State": "Deleted"}, "State", False),
        ({"State": "failed"}, "State", False),
        ({}, None, True),
    ],
)
def test_is_resident(item, check, resident):
    assert mod.is_resident(item, check) is resident


def test_vpc_result_keeps_ec2_vpc_net_keys():
    result = mod.vpc_result(vpc(), {"dns_support": False})
    assert result["id"] == VPC and "vpc_id" not in result
    assert result["name"] == NAME and result["enable_dns_support"] is False
    assert mod.vpc_result(None, {}) == {}

"""The pure functions that decide which endpoint ec2_vpc_endpoint manages and what it changes on it."""

from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint as vpce

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/global-table",
        }
    ],
}
# The same policy as AWS may hand it back: keys and actions in another order.
POLICY_REORDERED = {
    "Statement": [
        {
            "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/global-table",
            "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
            "Principal": "*",
            "Effect": "Allow",
        }
    ],
    "Version": "2012-10-17",
}
OTHER_POLICY = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Action": ["dynamodb:GetItem"]}]}


def wanted(**overrides):
    return {
        "policy": None,
        "route_table_ids": None,
        "subnet_ids": None,
        "security_group_ids": None,
        "private_dns_enabled": None,
        "tags": None,
        "purge_tags": True,
        **overrides,
    }


def gateway_view(**overrides):
    return {
        "policy": POLICY,
        "route_table_ids": ["rtb-a", "rtb-b"],
        "subnet_ids": [],
        "security_group_ids": [],
        "tags": {"Name": "dynamodb"},
        **overrides,
    }


def interface_view(**overrides):
    return {
        "policy": vpce.DEFAULT_POLICY,
        "route_table_ids": [],
        "subnet_ids": ["subnet-a", "subnet-b"],
        "security_group_ids": ["sg-a"],
        "tags": {},
        "private_dns_enabled": True,
        **overrides,
    }


def endpoint(endpoint_id, state="available", endpoint_type="Gateway", name=None):
    described = {"VpcEndpointId": endpoint_id, "State": state, "VpcEndpointType": endpoint_type}
    if name is not None:
        described["Tags"] = [{"Key": "Name", "Value": name}]
    return described


@pytest.mark.parametrize(
    "service, expected",
    [
        ("dynamodb", "com.amazonaws.eu-west-1.dynamodb"),
        ("ecr.api", "com.amazonaws.eu-west-1.ecr.api"),
        ("com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.s3"),
        (
            "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
            "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
        ),
        ("aws.sagemaker.eu-west-1.notebook", "aws.sagemaker.eu-west-1.notebook"),
        ("cn.com.amazonaws.cn-north-1.ecr.api", "cn.com.amazonaws.cn-north-1.ecr.api"),
    ],
)
def test_full_service_name(service, expected):
    assert vpce.full_service_name(service, "eu-west-1") == expected


@pytest.mark.parametrize(
    "found, endpoint_type, name, expected",
    [
        ([], "Gateway", None, None),
        ([endpoint("vpce-1")], "Gateway", None, "vpce-1"),
        # A single live endpoint is adopted whatever its Name tag.
        ([endpoint("vpce-1", name="other")], "Gateway", "dynamodb", "vpce-1"),
        ([endpoint("vpce-1", state="deleted")], "Gateway", None, None),
        ([endpoint("vpce-1", state="deleting"), endpoint("vpce-2")], "Gateway", None, "vpce-2"),
        ([endpoint("vpce-1", state="Deleted"), endpoint("vpce-2", state="pending")], "Gateway", None, "vpce-2"),
        ([endpoint("vpce-1", state="rejected"), endpoint("vpce-2", state="failed")], "Gateway", None, None),
        ([endpoint("vpce-1", state="expired")], "Gateway", None, None),
        ([endpoint("vpce-1", endpoint_type="Interface")], "Gateway", None, None),
        ([endpoint("vpce-1", endpoint_type="Interface"), endpoint("vpce-2")], "Interface", None, "vpce-1"),
        ([endpoint("vpce-1", name="s3"), endpoint("vpce-2", name="dynamodb")], "Gateway", "dynamodb", "vpce-2"),
        ([endpoint("vpce-1", name="dynamodb", state="deleted"), endpoint("vpce-2")], "Gateway", "dynamodb", "vpce-2"),
    ],
)
def test_select_endpoint(found, endpoint_type, name, expected):
    selected = vpce.select_endpoint(found, endpoint_type, name)
    assert (selected or {}).get("VpcEndpointId") == expected


@pytest.mark.parametrize(
    "found, name, message",
    [
        (
            [endpoint("vpce-1", name="a"), endpoint("vpce-2")],
            None,
            "2 Gateway endpoints match: vpce-1 (Name: a), vpce-2 (no Name tag); give vpc_endpoint_id",
        ),
        (
            [endpoint("vpce-1", name="a"), endpoint("vpce-2", name="b")],
            "c",
            "2 Gateway endpoints match: vpce-1 (Name: a), vpce-2 (Name: b); give vpc_endpoint_id, or a name only one",
        ),
        (
            [endpoint("vpce-1", name="a"), endpoint("vpce-2", name="a"), endpoint("vpce-3", name="b")],
            "a",
            "2 Gateway endpoints match: vpce-1 (Name: a), vpce-2 (Name: a);",
        ),
    ],
)
def test_select_endpoint_refuses_to_guess(found, name, message):
    with pytest.raises(vpce.EndpointIdentityError) as raised:
        vpce.select_endpoint(found, "Gateway", name)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    "view, want, endpoint_type, expected",
    [
        # Nothing asked: nothing changes.
        (gateway_view(), wanted(), "Gateway", {}),
        # Same policy in another order, or without Version where AWS keeps 2008-10-17.
        (gateway_view(policy=POLICY_REORDERED), wanted(policy=POLICY), "Gateway", {}),
        (
            gateway_view(policy=vpce.DEFAULT_POLICY),
            wanted(policy={"Statement": vpce.DEFAULT_POLICY["Statement"]}),
            "Gateway",
            {},
        ),
        (
            gateway_view(),
            wanted(policy=OTHER_POLICY),
            "Gateway",
            {"PolicyDocument": json.dumps(OTHER_POLICY, sort_keys=True)},
        ),
        # A policy AWS returned as something other than JSON is replaced.
        (
            gateway_view(policy="not json"),
            wanted(policy=POLICY),
            "Gateway",
            {"PolicyDocument": json.dumps(POLICY, sort_keys=True)},
        ),
        # {} restores the default policy: ResetPolicy on a Gateway endpoint, the document on an Interface one.
        (gateway_view(), wanted(policy={}), "Gateway", {"ResetPolicy": True}),
        (gateway_view(policy=vpce.DEFAULT_POLICY), wanted(policy={}), "Gateway", {}),
        (
            interface_view(policy=POLICY),
            wanted(policy={}),
            "Interface",
            {"PolicyDocument": json.dumps(vpce.DEFAULT_POLICY, sort_keys=True)},
        ),
        (gateway_view(), wanted(route_table_ids=["rtb-b", "rtb-a"]), "Gateway", {}),
        (
            gateway_view(),
            wanted(route_table_ids=["rtb-a", "rtb-b", "rtb-c"]),
            "Gateway",
            {"AddRouteTableIds": ["rtb-c"]},
        ),
        (gateway_view(), wanted(route_table_ids=["rtb-b"]), "Gateway", {"RemoveRouteTableIds": ["rtb-a"]}),
        (
            gateway_view(),
            wanted(route_table_ids=["rtb-c", "rtb-b"]),
            "Gateway",
            {"AddRouteTableIds": ["rtb-c"], "RemoveRouteTableIds": ["rtb-a"]},
        ),
        (gateway_view(), wanted(route_table_ids=[]), "Gateway", {"RemoveRouteTableIds": ["rtb-a", "rtb-b"]}),
        (
            interface_view(),
            wanted(subnet_ids=["subnet-c", "subnet-a"], security_group_ids=["sg-b"]),
            "Interface",
            {
                "AddSubnetIds": ["subnet-c"],
                "RemoveSubnetIds": ["subnet-b"],
                "AddSecurityGroupIds": ["sg-b"],
                "RemoveSecurityGroupIds": ["sg-a"],
            },
        ),
        (interface_view(), wanted(subnet_ids=["subnet-b", "subnet-a"], security_group_ids=["sg-a"]), "Interface", {}),
        (interface_view(), wanted(private_dns_enabled=False), "Interface", {"PrivateDnsEnabled": False}),
        (interface_view(), wanted(private_dns_enabled=True), "Interface", {}),
        (
            gateway_view(),
            wanted(policy=OTHER_POLICY, route_table_ids=["rtb-a"]),
            "Gateway",
            {"PolicyDocument": json.dumps(OTHER_POLICY, sort_keys=True), "RemoveRouteTableIds": ["rtb-b"]},
        ),
    ],
)
def test_compute_changes_modify(view, want, endpoint_type, expected):
    changes = vpce.compute_changes(view, want, endpoint_type)
    assert changes["modify"] == expected
    assert vpce.has_changes(changes) is bool(expected)


@pytest.mark.parametrize(
    "current, want, purge, expected_set, expected_unset",
    [
        ({"Name": "dynamodb"}, None, True, {}, []),
        ({"Name": "dynamodb"}, {"Name": "dynamodb"}, True, {}, []),
        ({"Name": "dynamodb", "Team": "x"}, {"Name": "dynamodb"}, True, {}, ["Team"]),
        ({"Name": "dynamodb", "Team": "x"}, {"Name": "dynamodb"}, False, {}, []),
        ({"Name": "old"}, {"Name": "dynamodb", "Project": "p"}, True, {"Name": "dynamodb", "Project": "p"}, []),
    ],
)
def test_compute_changes_tags(current, want, purge, expected_set, expected_unset):
    changes = vpce.compute_changes(gateway_view(tags=current), wanted(tags=want, purge_tags=purge), "Gateway")
    assert changes == {"modify": {}, "set_tags": expected_set, "unset_tags": expected_unset}


@pytest.mark.parametrize(
    "tags, name, purge, expected",
    [
        (None, None, True, (None, True)),
        ({"a": "1"}, None, True, ({"a": "1"}, True)),
        (None, "dynamodb", True, ({"Name": "dynamodb"}, False)),
        ({"a": "1"}, "dynamodb", True, ({"a": "1", "Name": "dynamodb"}, True)),
        ({"Name": "x"}, "dynamodb", False, ({"Name": "dynamodb"}, False)),
    ],
)
def test_wanted_tags(tags, name, purge, expected):
    assert vpce.wanted_tags(tags, name, purge) == expected


@pytest.mark.parametrize(
    "view, want, endpoint_type",
    [
        (gateway_view(), wanted(policy=OTHER_POLICY), "Gateway"),
        (gateway_view(), wanted(policy={}), "Gateway"),
        (gateway_view(), wanted(route_table_ids=["rtb-c", "rtb-b"], tags={"Name": "x"}), "Gateway"),
        (
            interface_view(),
            wanted(subnet_ids=["subnet-c"], security_group_ids=[], private_dns_enabled=False),
            "Interface",
        ),
        (interface_view(), wanted(policy={}, tags={"a": "1"}, purge_tags=False), "Interface"),
    ],
)
def test_applied_view_is_what_was_asked(view, want, endpoint_type):
    after = vpce.applied_view(view, vpce.compute_changes(view, want, endpoint_type))
    # Applying the changes leaves nothing more to change.
    assert vpce.has_changes(vpce.compute_changes(after, want, endpoint_type)) is False
    for key in ("route_table_ids", "subnet_ids", "security_group_ids"):
        expected = sorted(want[key]) if want[key] is not None else view[key]
        assert after[key] == expected


def test_applied_view_leaves_the_view_alone():
    view = gateway_view()
    vpce.applied_view(view, vpce.compute_changes(view, wanted(route_table_ids=[], tags={}), "Gateway"))
    assert view == gateway_view()


@pytest.mark.parametrize(
    "endpoint_type, want, expected",
    [
        (
            "Gateway",
            wanted(),
            {
                "route_table_ids": [],
                "subnet_ids": [],
                "security_group_ids": [],
                "tags": {},
                "policy": vpce.DEFAULT_POLICY,
            },
        ),
        (
            "Gateway",
            wanted(policy=POLICY, route_table_ids=["rtb-b", "rtb-a"], tags={"Name": "dynamodb"}),
            {
                "route_table_ids": ["rtb-a", "rtb-b"],
                "subnet_ids": [],
                "security_group_ids": [],
                "tags": {"Name": "dynamodb"},
                "policy": POLICY,
            },
        ),
        (
            "Interface",
            wanted(subnet_ids=["subnet-a"], security_group_ids=["sg-a"]),
            {
                "route_table_ids": [],
                "subnet_ids": ["subnet-a"],
                "security_group_ids": ["sg-a"],
                "tags": {},
                "policy": vpce.DEFAULT_POLICY,
                "private_dns_enabled": True,
            },
        ),
        (
            "Interface",
            wanted(private_dns_enabled=False),
            {
                "route_table_ids": [],
                "subnet_ids": [],
                "security_group_ids": [],
                "tags": {},
                "policy": vpce.DEFAULT_POLICY,
                "private_dns_enabled": False,
            },
        ),
        (
            "GatewayLoadBalancer",
            wanted(subnet_ids=["subnet-a"]),
            {"route_table_ids": [], "subnet_ids": ["subnet-a"], "security_group_ids": [], "tags": {}, "policy": None},
        ),
    ],
)
def test_planned_view(endpoint_type, want, expected):
    assert vpce.planned_view(endpoint_type, want) == expected


@pytest.mark.parametrize(
    "endpoint_type, params, expected",
    [
        ("Gateway", {"route_table_ids": ["rtb-a"]}, []),
        (
            "Gateway",
            {"vpc_endpoint_subnets": ["subnet-a"], "private_dns_enabled": False},
            ["vpc_endpoint_subnets", "private_dns_enabled"],
        ),
        ("Gateway", {"vpc_endpoint_subnets": [], "vpc_endpoint_security_groups": None}, []),
        ("Interface", {"route_table_ids": ["rtb-a"], "vpc_endpoint_subnets": ["subnet-a"]}, ["route_table_ids"]),
        ("Interface", {"vpc_endpoint_security_groups": ["sg-a"], "private_dns_enabled": True}, []),
        (
            "GatewayLoadBalancer",
            {"vpc_endpoint_subnets": ["subnet-a"], "vpc_endpoint_security_groups": ["sg-a"]},
            ["vpc_endpoint_security_groups"],
        ),
    ],
)
def test_option_conflicts(endpoint_type, params, expected):
    assert vpce.option_conflicts(endpoint_type, params) == expected


@pytest.mark.parametrize(
    "vpc_id, service, endpoint_type, expected",
    [
        (None, None, None, []),
        ("vpc-1", "com.amazonaws.eu-west-1.dynamodb", "Gateway", []),
        ("vpc-2", None, None, ["vpc_id=vpc-2 (it has vpc-1)"]),
        (
            None,
            "com.amazonaws.eu-west-1.s3",
            "Interface",
            [
                "service=com.amazonaws.eu-west-1.s3 (it has com.amazonaws.eu-west-1.dynamodb)",
                "vpc_endpoint_type=Interface (it has Gateway)",
            ],
        ),
    ],
)
def test_identity_mismatches(vpc_id, service, endpoint_type, expected):
    found = {"VpcId": "vpc-1", "ServiceName": "com.amazonaws.eu-west-1.dynamodb", "VpcEndpointType": "Gateway"}
    assert vpce.identity_mismatches(found, vpc_id, service, endpoint_type) == expected


def test_create_params():
    want = wanted(policy=POLICY, route_table_ids=["rtb-b", "rtb-a"], tags={"Name": "dynamodb"})
    assert vpce.create_params("vpc-1", "com.amazonaws.eu-west-1.dynamodb", "Gateway", want, "token") == {
        "VpcId": "vpc-1",
        "ServiceName": "com.amazonaws.eu-west-1.dynamodb",
        "VpcEndpointType": "Gateway",
        "ClientToken": "token",
        "PolicyDocument": json.dumps(POLICY, sort_keys=True),
        "RouteTableIds": ["rtb-a", "rtb-b"],
        "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "dynamodb"}]}],
    }


def test_create_params_generates_a_token_per_call():
    first = vpce.create_params("vpc-1", "svc", "Gateway", wanted())
    second = vpce.create_params("vpc-1", "svc", "Gateway", wanted())
    assert first["ClientToken"] and first["ClientToken"] != second["ClientToken"]
    assert set(first) == {"VpcId", "ServiceName", "VpcEndpointType", "ClientToken"}


@pytest.mark.parametrize(
    "text, expected",
    [(None, None), ("{}", {}), (json.dumps(POLICY), POLICY), (POLICY, POLICY)],
)
def test_parse_policy(text, expected):
    assert vpce.parse_policy(text) == expected


@pytest.mark.parametrize("text", ["[]", "not json", '"Allow"'])
def test_parse_policy_rejects(text):
    with pytest.raises(ValueError):
        vpce.parse_policy(text)

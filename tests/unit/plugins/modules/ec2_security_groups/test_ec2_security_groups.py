"""ec2_security_groups against stubbed EC2: every API path, check mode and diff, and its pure planning functions."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.modules import ec2_security_groups
from ansible_collections.multiregion.serverless.plugins.modules import ec2_security_groups as mod
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

VPC = "vpc-0123456789abcdef0"
OWNER = "123456789012"
SG_DEFAULT, SG_ENDPOINTS, SG_LAMBDA, SG_OTHER = (
    "sg-00000000000000000",
    "sg-0eeeeeeeeeeeeeeee",
    "sg-0aaaaaaaaaaaaaaaa",
    "sg-0bbbbbbbbbbbbbbbb",
)
PL_S3 = "pl-6da54004"
CIDR = "10.1.0.0/16"
IN_VPC = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]}
ALL_OUT = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
ALL_OUT_V6 = {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
HTTPS_IN = {"proto": "tcp", "ports": ["443"], "cidr_ip": [CIDR], "rule_desc": "HTTPS from the VPC"}
ENDPOINTS = {
    "name": "mr-endpoints",
    "description": "mr interface endpoints",
    "rules": [HTTPS_IN],
    "rules_egress": [],
    "tags": {"Name": "mr-endpoints"},
}
LAMBDA = {
    "name": "mr-lambda",
    "description": "mr functions",
    "rules": [],
    "rules_egress": [
        {"proto": "tcp", "ports": ["443"], "group_name": ["mr-endpoints"], "rule_desc": "HTTPS to the endpoints"},
        {"proto": "tcp", "from_port": 443, "to_port": 443, "ip_prefix": [PL_S3], "rule_desc": "HTTPS to S3"},
    ],
    "tags": {"Name": "mr-lambda"},
}
DEFAULT = {"name": "default", "rules": [], "rules_egress": []}


def tag_list(tags: dict) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def https(peer_key: str, peer: str, description: str | None = None, list_key: str = "IpRanges") -> dict:
    entry = {peer_key: peer}
    if description:
        entry["Description"] = description
    if list_key == "UserIdGroupPairs":
        entry["UserId"] = OWNER
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, list_key: [entry]}


def group(group_id, name, ingress=(), egress=(), tags=None, description=None):
    """A group as DescribeSecurityGroups returns it."""
    return {
        "GroupId": group_id,
        "GroupName": name,
        "Description": description or {"default": "default VPC security group"}.get(name, f"{name[3:]} description"),
        "OwnerId": OWNER,
        "VpcId": VPC,
        "IpPermissions": list(ingress),
        "IpPermissionsEgress": list(egress),
        "Tags": tag_list(tags or {}),
    }


def default_group(emptied=False):
    if emptied:
        return group(SG_DEFAULT, "default")
    self_in = {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": SG_DEFAULT, "UserId": OWNER}]}
    return group(SG_DEFAULT, "default", [self_in], [ALL_OUT])


def deployed():
    return [
        default_group(emptied=True),
        group(
            SG_ENDPOINTS,
            "mr-endpoints",
            [https("CidrIp", CIDR, "HTTPS from the VPC")],
            tags={"Name": "mr-endpoints"},
            description="mr interface endpoints",
        ),
        group(
            SG_LAMBDA,
            "mr-lambda",
            egress=[
                https("GroupId", SG_ENDPOINTS, "HTTPS to the endpoints", "UserIdGroupPairs"),
                # The local endpoint drops a prefix-list rule's description.
                https("PrefixListId", PL_S3, list_key="PrefixListIds"),
            ],
            tags={"Name": "mr-lambda"},
            description="mr functions",
        ),
    ]


def described(stub, groups):
    stub.add_response("describe_security_groups", {"SecurityGroups": groups}, IN_VPC)


def run(args, **kwargs):
    return run_module(ec2_security_groups.main, {"vpc_id": VPC, **args}, **kwargs)


def params(**overrides):
    return {
        "vpc_id": VPC,
        "groups": [],
        "purge_rules": True,
        "purge_rules_egress": True,
        "purge_tags": True,
        "state": "present",
        **overrides,
    }


def rule(**options):
    """A rule as Ansible hands it to the module: every option present."""
    return {
        option: options.get(option)
        for option in mod.PEER_OPTIONS + ("proto", "ports", "from_port", "to_port", "rule_desc")
    }


# --- pure functions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [("tcp", "tcp"), ("TCP", "tcp"), ("6", "tcp"), ("17", "udp"), ("all", "-1"), ("-1", "-1"), ("50", "50")],
)
def test_protocols_read_as_ec2_reports_them(given, expected):
    assert mod.protocol(given) == expected


def test_ports_and_ranges():
    assert mod.parse_ports(["443", " 1024-65535 ", 22]) == [(443, 443), (1024, 65535), (22, 22)]
    with pytest.raises(ValueError, match="'https' is not a port"):
        mod.parse_ports(["https"])
    with pytest.raises(ValueError, match="'70000' is not a port range"):
        mod.parse_ports(["70000"])


@pytest.mark.parametrize(
    "given, error",
    [
        (rule(proto="tcp", cidr_ip=[CIDR]), "groups[0].rules[0]: proto tcp needs ports or from_port"),
        (rule(proto="tcp", ports=["443"]), "groups[0].rules[0]: give exactly one of cidr_ip, cidr_ipv6"),
        (
            rule(proto="tcp", ports=["443"], cidr_ip=[CIDR], ip_prefix=[PL_S3]),
            "groups[0].rules[0]: give exactly one of cidr_ip, cidr_ipv6, ip_prefix, group_id, group_name"
            " (given: cidr_ip, ip_prefix)",
        ),
        (rule(proto="tcp", ports=["443"], cidr_ip=["10.1.0.1/16"]), "groups[0].rules[0].cidr_ip: '10.1.0.1/16'"),
        (rule(proto="gre", cidr_ip=[CIDR]), "groups[0].rules[0].proto: 'gre' is not tcp, udp, icmp"),
        (rule(proto="all", ports=["443"], cidr_ip=[CIDR]), "groups[0].rules[0]: proto all has no ports"),
        (rule(proto="tcp", ports=["443"], from_port=443, cidr_ip=[CIDR]), "groups[0].rules[0]: give ports or"),
        (rule(proto="tcp", from_port=444, to_port=443, cidr_ip=[CIDR]), "groups[0].rules[0]: from_port 444 to"),
        (rule(proto="icmp", ports=["8"], cidr_ip=[CIDR]), "groups[0].rules[0]: give the ICMP type and code"),
        (rule(proto="tcp", ports=["a-b"], cidr_ip=[CIDR]), "groups[0].rules[0].ports: 'a-b' is not a port"),
    ],
)
def test_bad_rules_fail_naming_the_option(given, error):
    errors = mod.validate(params(groups=[{"name": "g", "rules": [given], "rules_egress": None}]))
    assert len(errors) == 1 and errors[0].startswith(error), errors


def test_duplicate_names_and_the_default_group_with_absent_are_refused():
    errors = mod.validate(params(groups=[{"name": "default"}, {"name": "default"}], state="absent"))
    assert errors == [
        "groups[0].name: the VPC's default group is deleted with the VPC only, not by this module",
        "groups[1].name: 'default' is also groups[0].name",
        "groups[1].name: the VPC's default group is deleted with the VPC only, not by this module",
    ]


def test_rules_are_expanded_per_port_range_and_peer():
    wanted = mod.wanted_rules(
        [
            rule(proto="tcp", ports=["443", "8000-8080"], cidr_ip=[CIDR, "10.2.0.0/16"], rule_desc="web"),
            rule(proto="icmp", cidr_ip=[CIDR]),
            rule(proto="all", group_name=["peer"]),
        ],
        {"peer": SG_OTHER},
    )
    assert wanted == {
        ("tcp", 443, 443, "cidr_ip", CIDR): "web",
        ("tcp", 443, 443, "cidr_ip", "10.2.0.0/16"): "web",
        ("tcp", 8000, 8080, "cidr_ip", CIDR): "web",
        ("tcp", 8000, 8080, "cidr_ip", "10.2.0.0/16"): "web",
        ("icmp", -1, -1, "cidr_ip", CIDR): None,
        ("-1", None, None, "group_id", SG_OTHER): None,
    }


def test_described_permissions_are_flattened():
    permissions = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": CIDR, "Description": "a"}, {"CidrIp": "10.2.0.0/16"}],
            "PrefixListIds": [{"PrefixListId": PL_S3}],
        },
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ]
    assert mod.current_rules(permissions) == {
        ("tcp", 443, 443, "cidr_ip", CIDR): "a",
        ("tcp", 443, 443, "cidr_ip", "10.2.0.0/16"): None,
        ("tcp", 443, 443, "ip_prefix", PL_S3): None,
        ("-1", None, None, "cidr_ipv6", "::/0"): None,
    }


def test_changes_purge_and_descriptions():
    key_a = ("tcp", 443, 443, "cidr_ip", CIDR)
    key_b = ("tcp", 80, 80, "cidr_ip", CIDR)
    key_pl = ("tcp", 443, 443, "ip_prefix", PL_S3)
    current = {key_a: "old", key_b: None, key_pl: None}
    wanted = {key_a: "new", key_pl: "HTTPS to S3", ("tcp", 22, 22, "cidr_ip", CIDR): None}
    assert mod.rule_changes(wanted, current, purge=True) == {
        "authorize": {("tcp", 22, 22, "cidr_ip", CIDR): None},
        "revoke": {key_b: None},
        # The prefix-list rule read back without its description is not rewritten.
        "describe": {key_a: "new"},
    }
    assert mod.rule_changes(wanted, current, purge=False)["revoke"] == {}
    assert mod.rule_changes(None, current, purge=True) == {"authorize": {}, "revoke": {}, "describe": {}}
    # A prefix-list rule with another description than the wanted one is updated.
    assert mod.rule_changes({key_pl: "new"}, {key_pl: "old"}, purge=True)["describe"] == {key_pl: "new"}


def test_a_new_group_is_planned_with_the_allow_all_egress_aws_gives_it():
    args = params(groups=[ENDPOINTS])
    [item] = mod.plan(args, [], mod.group_ids(args, []))
    assert item["create"] is True
    assert item["rules_egress"]["changes"]["revoke"] == {mod.DEFAULT_EGRESS: None}
    assert item["rules"]["changes"]["authorize"] == {("tcp", 443, 443, "cidr_ip", CIDR): "HTTPS from the VPC"}
    assert item["revoke_default_ipv6"] is True


@pytest.mark.parametrize(
    "egress, purge, revoked",
    [
        (None, True, False),  # egress left alone: the new group keeps what AWS gives it
        ([], False, False),
        ([{"proto": "all", "cidr_ipv6": ["::/0"]}], True, False),
        ([{"proto": "all", "cidr_ip": ["0.0.0.0/0"]}], True, True),
    ],
)
def test_the_ipv6_allow_all_egress_of_a_new_group_is_revoked_only_when_egress_is_exact(egress, purge, revoked):
    args = params(groups=[{**ENDPOINTS, "rules_egress": egress}], purge_rules_egress=purge)
    [item] = mod.plan(args, [], mod.group_ids(args, []))
    assert item["revoke_default_ipv6"] is revoked


def test_a_rule_naming_an_unknown_group_fails():
    args = params(groups=[{**LAMBDA, "rules_egress": [rule(proto="all", group_name=["nowhere"])]}])
    with pytest.raises(mod.SecurityGroupsError, match=r"groups\[0\].rules_egress\[0\].group_name: no group nowhere"):
        mod.plan(args, [], mod.group_ids(args, []))


# --- API paths -----------------------------------------------------------------------------------------------


def test_create_tags_in_the_create_call_revokes_the_default_egress_and_authorizes(aws):
    stub = aws.stub("ec2")
    described(stub, [default_group()])
    # Every new group first, then the rules (a rule may name a new group).
    stub.add_response(
        "create_security_group",
        {"GroupId": SG_ENDPOINTS},
        {
            "VpcId": VPC,
            "GroupName": "mr-endpoints",
            "Description": "mr interface endpoints",
            "TagSpecifications": [{"ResourceType": "security-group", "Tags": tag_list({"Name": "mr-endpoints"})}],
        },
    )
    stub.add_response(
        "create_security_group",
        {"GroupId": SG_LAMBDA},
        {
            "VpcId": VPC,
            "GroupName": "mr-lambda",
            "Description": "mr functions",
            "TagSpecifications": [{"ResourceType": "security-group", "Tags": tag_list({"Name": "mr-lambda"})}],
        },
    )
    # The default group emptied: its self-referencing ingress and allow-all egress revoked.
    stub.add_response(
        "revoke_security_group_ingress",
        {"Return": True},
        {
            "GroupId": SG_DEFAULT,
            "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": SG_DEFAULT}]}],
        },
    )
    stub.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": SG_DEFAULT, "IpPermissions": [ALL_OUT]}
    )
    # EC2 does not know the new group yet: retried. The VPC has no IPv6 block: no IPv6 allow-all rule to revoke.
    stub.add_client_error("revoke_security_group_egress", **client_error("InvalidGroup.NotFound"))
    stub.add_client_error(
        "revoke_security_group_egress",
        **client_error("InvalidPermission.NotFound"),
        expected_params={"GroupId": SG_ENDPOINTS, "IpPermissions": [ALL_OUT_V6]},
    )
    stub.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": SG_ENDPOINTS, "IpPermissions": [ALL_OUT]}
    )
    stub.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": SG_ENDPOINTS, "IpPermissions": [https("CidrIp", CIDR, "HTTPS from the VPC")]},
    )
    stub.add_client_error("revoke_security_group_egress", **client_error("InvalidParameterValue"))
    stub.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": SG_LAMBDA, "IpPermissions": [ALL_OUT]}
    )
    group_rule = https("GroupId", SG_ENDPOINTS, "HTTPS to the endpoints", "UserIdGroupPairs")
    del group_rule["UserIdGroupPairs"][0]["UserId"]
    stub.add_response(
        "authorize_security_group_egress",
        {"Return": True},
        {
            "GroupId": SG_LAMBDA,
            "IpPermissions": [group_rule, https("PrefixListId", PL_S3, "HTTPS to S3", "PrefixListIds")],
        },
    )
    result = run({"groups": [DEFAULT, ENDPOINTS, LAMBDA]}, diff=True)
    assert_changed(result)
    assert len(aws.sleeps) == 1
    assert [(g["group_name"], g["group_id"], g["changed"]) for g in result["groups"]] == [
        ("default", SG_DEFAULT, True),
        ("mr-endpoints", SG_ENDPOINTS, True),
        ("mr-lambda", SG_LAMBDA, True),
    ]
    assert result["groups"][2]["rules_egress"] == [
        {
            "proto": "tcp",
            "from_port": 443,
            "to_port": 443,
            "group_id": SG_ENDPOINTS,
            "group_name": "mr-endpoints",
            "rule_desc": "HTTPS to the endpoints",
        },
        {"proto": "tcp", "from_port": 443, "to_port": 443, "ip_prefix": PL_S3, "rule_desc": "HTTPS to S3"},
    ]
    assert result["groups"][1]["tags"] == {"Name": "mr-endpoints"}
    assert result["diff"]["before"]["groups"] == {
        "default": {
            "description": "default VPC security group",
            "tags": {},
            "rules": [{"proto": "-1", "group_id": SG_DEFAULT, "group_name": "default"}],
            "rules_egress": [{"proto": "-1", "cidr_ip": "0.0.0.0/0"}],
        }
    }
    assert result["diff"]["after"]["groups"]["default"]["rules"] == []
    assert result["diff"]["after"]["groups"]["mr-endpoints"]["rules_egress"] == []


def test_no_change_makes_one_call(aws):
    described(aws.stub("ec2"), deployed())
    result = run({"groups": [DEFAULT, ENDPOINTS, LAMBDA]}, diff=True)
    assert_unchanged(result)
    assert [g["group_id"] for g in result["groups"]] == [SG_DEFAULT, SG_ENDPOINTS, SG_LAMBDA]
    assert not any(g["changed"] for g in result["groups"])
    assert result["diff"]["before"] == result["diff"]["after"]


def test_update_retags_revokes_authorizes_and_rewrites_a_description(aws, monkeypatch):
    warnings = []
    monkeypatch.setattr(MultiregionAWSModule, "warn", lambda self, msg: warnings.append(msg))
    stub = aws.stub("ec2")
    groups = deployed()
    groups[1]["Tags"] = tag_list({"Name": "mr-endpoints", "Stale": "yes"})
    groups[1]["IpPermissions"] = [https("CidrIp", CIDR, "old text"), https("CidrIp", "0.0.0.0/0")]
    described(stub, groups)
    stub.add_response("delete_tags", {}, {"Resources": [SG_ENDPOINTS], "Tags": [{"Key": "Stale"}]})
    stub.add_response("create_tags", {}, {"Resources": [SG_ENDPOINTS], "Tags": [{"Key": "Owner", "Value": "net"}]})
    stub.add_response(
        "revoke_security_group_ingress",
        {"Return": True},
        {"GroupId": SG_ENDPOINTS, "IpPermissions": [https("CidrIp", "0.0.0.0/0")]},
    )
    stub.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": SG_ENDPOINTS, "IpPermissions": [{**https("CidrIp", CIDR), "FromPort": 22, "ToPort": 22}]},
    )
    stub.add_response(
        "update_security_group_rule_descriptions_ingress",
        {"Return": True},
        {"GroupId": SG_ENDPOINTS, "IpPermissions": [https("CidrIp", CIDR, "HTTPS from the VPC")]},
    )
    wanted = {
        **ENDPOINTS,
        "description": "another text",
        "rules": [HTTPS_IN, {"proto": "tcp", "ports": ["22"], "cidr_ip": [CIDR]}],
        "tags": {"Name": "mr-endpoints", "Owner": "net"},
    }
    result = run({"groups": [wanted]}, diff=True)
    assert_changed(result)
    assert warnings == [
        "security group mr-endpoints keeps its description 'mr interface endpoints': AWS cannot change it"
        " (delete and recreate the group to change it)"
    ]
    before = result["diff"]["before"]["groups"]["mr-endpoints"]
    after = result["diff"]["after"]["groups"]["mr-endpoints"]
    assert before["tags"] == {"Name": "mr-endpoints", "Stale": "yes"}
    assert after["tags"] == {"Name": "mr-endpoints", "Owner": "net"}
    assert [r["cidr_ip"] for r in before["rules"]] == ["0.0.0.0/0", CIDR]
    assert [(r["from_port"], r.get("rule_desc")) for r in after["rules"]] == [(22, None), (443, "HTTPS from the VPC")]


def test_rules_left_out_are_left_alone_and_purge_false_only_adds(aws):
    stub = aws.stub("ec2")
    described(stub, deployed())
    stub.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": SG_ENDPOINTS, "IpPermissions": [{**https("CidrIp", CIDR), "FromPort": 22, "ToPort": 22}]},
    )
    wanted = {"name": "mr-endpoints", "rules": [{"proto": "tcp", "ports": ["22"], "cidr_ip": [CIDR]}]}
    result = run({"groups": [wanted, {"name": "mr-lambda", "tags": None}], "purge_rules": False})
    assert_changed(result)
    assert [g["changed"] for g in result["groups"]] == [True, False]


def test_check_mode_makes_no_change_and_has_no_id_for_a_new_group(aws):
    described(aws.stub("ec2"), [default_group()])
    result = run({"groups": [DEFAULT, ENDPOINTS, LAMBDA]}, check_mode=True, diff=True)
    assert_changed(result)
    assert [g.get("group_id") for g in result["groups"]] == [SG_DEFAULT, None, None]
    after = result["diff"]["after"]["groups"]
    assert after["mr-lambda"]["rules_egress"][0]["group_name"] == "mr-endpoints"
    assert after["mr-endpoints"]["rules"] == [
        {"proto": "tcp", "from_port": 443, "to_port": 443, "cidr_ip": CIDR, "rule_desc": "HTTPS from the VPC"}
    ]
    assert set(result["diff"]["before"]["groups"]) == {"default"}


def test_a_rule_already_there_or_already_gone_counts_as_done(aws):
    stub = aws.stub("ec2")
    groups = deployed()
    groups[1]["IpPermissions"] = [https("CidrIp", "0.0.0.0/0"), https("CidrIp", "10.9.0.0/16")]
    described(stub, groups)
    gone = [https("CidrIp", "0.0.0.0/0"), https("CidrIp", "10.9.0.0/16")]
    stub.add_client_error("revoke_security_group_ingress", **client_error("InvalidPermission.NotFound"))
    stub.add_client_error("revoke_security_group_ingress", **client_error("InvalidPermission.NotFound"))
    stub.add_response(
        "revoke_security_group_ingress", {"Return": True}, {"GroupId": SG_ENDPOINTS, "IpPermissions": gone[1:]}
    )
    stub.add_client_error("authorize_security_group_ingress", **client_error("InvalidPermission.Duplicate"))
    result = run({"groups": [ENDPOINTS]})
    assert_changed(result)


def test_throttling_is_retried(aws):
    stub = aws.stub("ec2")
    stub.add_client_error("describe_security_groups", **client_error("RequestLimitExceeded", status=503))
    described(stub, deployed())
    assert_unchanged(run({"groups": [DEFAULT, ENDPOINTS, LAMBDA]}))
    assert len(aws.sleeps) == 1


def test_a_missing_default_group_or_description_fails_before_any_change(aws):
    described(aws.stub("ec2"), [])
    assert_fails_with(run({"groups": [DEFAULT]}), f"groups[0]: the VPC {VPC} has no default security group")
    described(aws.stub("ec2"), [])
    result = run({"groups": [{"name": "new", "rules": []}]})
    assert_fails_with(result, "groups[0].description: group new does not exist and needs one to be created")


def test_an_aws_error_names_the_call(aws):
    stub = aws.stub("ec2")
    described(stub, deployed())
    stub.add_client_error("authorize_security_group_ingress", **client_error("RulesPerSecurityGroupLimitExceeded"))
    result = run({"groups": [{**ENDPOINTS, "rules": [HTTPS_IN, {"proto": "udp", "ports": ["53"], "cidr_ip": [CIDR]}]}]})
    assert_fails_with(result, "Failed to authorize rules of security group sg-0eeeeeeeeeeeeeeee")


# --- delete ----------------------------------------------------------------------------------------------------

ABSENT = {"groups": [{"name": "mr-lambda"}, {"name": "mr-endpoints"}], "state": "absent"}


def test_delete_revokes_the_rules_between_the_groups_first(aws):
    stub = aws.stub("ec2")
    described(stub, deployed())
    group_rule = https("GroupId", SG_ENDPOINTS, list_key="UserIdGroupPairs")
    del group_rule["UserIdGroupPairs"][0]["UserId"]
    stub.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": SG_LAMBDA, "IpPermissions": [group_rule]}
    )
    stub.add_response("delete_security_group", {}, {"GroupId": SG_LAMBDA})
    stub.add_response("delete_security_group", {}, {"GroupId": SG_ENDPOINTS})
    result = run(ABSENT, diff=True)
    assert_changed(result)
    assert [(g["group_name"], g["group_id"], g["changed"]) for g in result["groups"]] == [
        ("mr-lambda", SG_LAMBDA, True),
        ("mr-endpoints", SG_ENDPOINTS, True),
    ]
    assert result["diff"]["after"]["groups"] == {}
    assert set(result["diff"]["before"]["groups"]) == {"mr-lambda", "mr-endpoints"}


def test_delete_of_groups_already_gone_changes_nothing(aws):
    described(aws.stub("ec2"), [default_group(emptied=True)])
    result = run(ABSENT)
    assert_unchanged(result)
    assert [g.get("group_id") for g in result["groups"]] == [None, None]


def test_delete_in_check_mode_calls_nothing_else(aws):
    described(aws.stub("ec2"), deployed())
    assert_changed(run(ABSENT, check_mode=True))


def test_delete_refuses_a_group_another_group_names(aws):
    described(aws.stub("ec2"), deployed())
    result = run({"groups": [{"name": "mr-endpoints"}], "state": "absent"})
    assert_fails_with(
        result,
        "Not deleting: rules of groups that stay name groups to delete: mr-lambda (sg-0aaaaaaaaaaaaaaaa) names"
        " mr-endpoints; remove them first",
    )


def test_delete_of_a_group_in_use_names_the_interfaces(aws):
    stub = aws.stub("ec2")
    described(stub, deployed()[:2])
    stub.add_client_error(
        "delete_security_group", **client_error("DependencyViolation", "resource sg-0eee has a dependent object")
    )
    stub.add_response(
        "describe_network_interfaces",
        {
            "NetworkInterfaces": [
                {"NetworkInterfaceId": "eni-0123456789abcdef0", "Status": "in-use", "Description": "VPC Endpoint"}
            ]
        },
        {"Filters": [{"Name": "group-id", "Values": [SG_ENDPOINTS]}]},
    )
    result = run({"groups": [{"name": "mr-endpoints"}], "state": "absent"})
    assert_fails_with(
        result,
        "Failed to delete security group mr-endpoints (sg-0eeeeeeeeeeeeeeee): DependencyViolation: still used by the"
        " network interfaces eni-0123456789abcdef0 (in-use, VPC Endpoint); wait for the interfaces",
    )

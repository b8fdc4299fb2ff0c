"""ec2_vpc_nacls against stubbed EC2: every API path, check mode and diff, and its pure planning functions."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_nacls
from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_nacls as mod
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

VPC = "vpc-0123456789abcdef0"
ACL_DEFAULT, ACL_PRIVATE, ACL_OTHER = "acl-00000000000000000", "acl-0aaaaaaaaaaaaaaaa", "acl-0eeeeeeeeeeeeeeee"
SUBNET_A, SUBNET_B, SUBNET_C = "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"
IN_VPC = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]}
COMMON = {"Deployment": "mr"}
PRIVATE_TAGS = {**COMMON, "Name": "mr-private"}
DEFAULT_TAGS = {**COMMON, "Name": "mr-default-deny-all"}

# What the role passes: denies first, then allows, in amazon.aws.ec2_vpc_nacl's list form.
INGRESS = [
    [50, "tcp", "deny", "0.0.0.0/0", None, None, 3389, 3389],
    [100, "tcp", "allow", "10.1.0.0/16", None, None, 443, 443],
    [200, "tcp", "allow", "0.0.0.0/0", None, None, 1024, 3388],
]
EGRESS = [[100, "tcp", "allow", "0.0.0.0/0", None, None, 443, 443]]
PRIVATE_ITEM = {"name": "mr-private", "subnets": [SUBNET_A, SUBNET_B], "ingress": INGRESS, "egress": EGRESS}
DEFAULT_ITEM = {"default": True, "name": "mr-default-deny-all", "ingress": [], "egress": [], "tags": DEFAULT_TAGS}
ARGS = {"vpc_id": VPC, "tags": COMMON, "nacls": [PRIVATE_ITEM, DEFAULT_ITEM]}


def tag_list(tags: dict) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def api_entry(rule, protocol, action, cidr, ports=None, egress=False, icmp=None):
    """An entry as DescribeNetworkAcls returns it."""
    entry = {"RuleNumber": rule, "Protocol": protocol, "RuleAction": action, "Egress": egress, "CidrBlock": cidr}
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    if icmp:
        entry["IcmpTypeCode"] = {"Type": icmp[0], "Code": icmp[1]}
    return entry


BUILT_IN = [api_entry(32767, "-1", "deny", "0.0.0.0/0"), api_entry(32767, "-1", "deny", "0.0.0.0/0", egress=True)]
ALLOW_ALL = [api_entry(100, "-1", "allow", "0.0.0.0/0"), api_entry(100, "-1", "allow", "0.0.0.0/0", egress=True)]
PRIVATE_ENTRIES = [
    api_entry(50, "6", "deny", "0.0.0.0/0", (3389, 3389)),
    api_entry(100, "6", "allow", "10.1.0.0/16", (443, 443)),
    api_entry(200, "6", "allow", "0.0.0.0/0", (1024, 3388)),
    api_entry(100, "6", "allow", "0.0.0.0/0", (443, 443), egress=True),
]


def assoc(acl_id, subnet_id):
    return {
        "NetworkAclAssociationId": f"aclassoc-{subnet_id[-4:]}{acl_id[-4:]}",
        "NetworkAclId": acl_id,
        "SubnetId": subnet_id,
    }


def acl(acl_id=ACL_PRIVATE, subnets=(), entries=None, tags=None, default=False):
    """A network ACL as DescribeNetworkAcls returns it."""
    return {
        "NetworkAclId": acl_id,
        "VpcId": VPC,
        "IsDefault": default,
        "OwnerId": "123456789012",
        "Associations": [assoc(acl_id, s) for s in subnets],
        "Entries": (entries if entries is not None else PRIVATE_ENTRIES) + BUILT_IN,
        "Tags": tag_list(tags if tags is not None else PRIVATE_TAGS),
    }


def fresh_vpc():
    """A new VPC: the default ACL allows everything, has no name and holds every subnet."""
    return [acl(ACL_DEFAULT, (SUBNET_A, SUBNET_B), ALLOW_ALL, {}, default=True)]


def deployed():
    return [acl(ACL_DEFAULT, (), [], DEFAULT_TAGS, default=True), acl(ACL_PRIVATE, (SUBNET_A, SUBNET_B))]


def described(stub, acls):
    stub.add_response("describe_network_acls", {"NetworkAcls": acls}, IN_VPC)


def run(args, **kwargs):
    return run_module(ec2_vpc_nacls.main, args, **kwargs)


def entry_request(acl_id, rule, protocol, action, cidr, ports=None, egress=False):
    request = {
        "NetworkAclId": acl_id,
        "RuleNumber": rule,
        "Protocol": protocol,
        "RuleAction": action,
        "Egress": egress,
        "CidrBlock": cidr,
    }
    if ports:
        request["PortRange"] = {"From": ports[0], "To": ports[1]}
    return request


def create_calls(stub):
    """The calls that build the private ACL and empty the default one, on a new VPC."""
    stub.add_response(
        "create_network_acl",
        {"NetworkAcl": acl(ACL_PRIVATE, entries=[], tags=PRIVATE_TAGS)},
        {"VpcId": VPC, "TagSpecifications": [{"ResourceType": "network-acl", "Tags": tag_list(PRIVATE_TAGS)}]},
    )
    for request in (
        entry_request(ACL_PRIVATE, 50, "6", "deny", "0.0.0.0/0", (3389, 3389)),
        entry_request(ACL_PRIVATE, 100, "6", "allow", "10.1.0.0/16", (443, 443)),
        entry_request(ACL_PRIVATE, 200, "6", "allow", "0.0.0.0/0", (1024, 3388)),
        entry_request(ACL_PRIVATE, 100, "6", "allow", "0.0.0.0/0", (443, 443), egress=True),
    ):
        stub.add_response("create_network_acl_entry", {}, request)
    for subnet in (SUBNET_A, SUBNET_B):
        stub.add_response(
            "replace_network_acl_association",
            {"NewAssociationId": f"aclassoc-new{subnet[-4:]}"},
            {"AssociationId": assoc(ACL_DEFAULT, subnet)["NetworkAclAssociationId"], "NetworkAclId": ACL_PRIVATE},
        )
    # Two tags set at once: their order is not the module's to keep (the test reads what was sent).
    stub.add_response("create_tags", {}, {"Resources": [ACL_DEFAULT], "Tags": ANY})
    for egress in (False, True):
        stub.add_response(
            "delete_network_acl_entry", {}, {"NetworkAclId": ACL_DEFAULT, "RuleNumber": 100, "Egress": egress}
        )


# --- create ------------------------------------------------------------------------------------------------


def test_create_on_a_new_vpc(aws):
    stub = aws.stub("ec2")
    described(stub, fresh_vpc())
    create_calls(stub)
    tagged = aws.sent("ec2", "CreateTags")
    result = run(ARGS)
    assert_changed(result)
    assert [sorted(t["Tags"], key=lambda tag: tag["Key"]) for t in tagged] == [tag_list(DEFAULT_TAGS)]
    assert result["nacls"] == [
        {
            "nacl_id": ACL_PRIVATE,
            "name": "mr-private",
            "is_default": False,
            "subnets": [SUBNET_A, SUBNET_B],
            "ingress": INGRESS,
            "egress": EGRESS,
            "tags": PRIVATE_TAGS,
        },
        {
            "nacl_id": ACL_DEFAULT,
            "name": "mr-default-deny-all",
            "is_default": True,
            "subnets": [],
            "ingress": [],
            "egress": [],
            "tags": DEFAULT_TAGS,
        },
    ]
    assert result["deleted"] == []
    assert "diff" not in result  # only with --diff


def test_check_mode_on_a_new_vpc_reports_every_change_and_calls_nothing_else(aws):
    described(aws.stub("ec2"), fresh_vpc())
    result = run(ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert "nacl_id" not in result["nacls"][0]
    assert result["nacls"][0]["subnets"] == [SUBNET_A, SUBNET_B]
    before, after = result["diff"]["before"]["nacls"], result["diff"]["after"]["nacls"]
    assert "mr-private" not in before
    assert after["mr-private"]["ingress"] == INGRESS
    # The default ACL, not yet named, is found all the same: its entries, name and subnets change.
    assert before["mr-default-deny-all"] == {
        "nacl_id": ACL_DEFAULT,
        "is_default": True,
        "subnets": [SUBNET_A, SUBNET_B],
        "ingress": [[100, "all", "allow", "0.0.0.0/0", None, None, None, None]],
        "egress": [[100, "all", "allow", "0.0.0.0/0", None, None, None, None]],
        "tags": {},
    }
    assert after["mr-default-deny-all"] == {
        "nacl_id": ACL_DEFAULT,
        "is_default": True,
        "subnets": [],
        "ingress": [],
        "egress": [],
        "tags": DEFAULT_TAGS,
    }


def test_entries_retry_an_acl_not_known_yet(aws):
    stub = aws.stub("ec2")
    described(stub, [acl(ACL_DEFAULT, (), [], {}, default=True)])
    stub.add_response(
        "create_network_acl",
        {"NetworkAcl": acl(ACL_PRIVATE, entries=[], tags=PRIVATE_TAGS)},
        {"VpcId": VPC, "TagSpecifications": [{"ResourceType": "network-acl", "Tags": tag_list(PRIVATE_TAGS)}]},
    )
    stub.add_client_error("create_network_acl_entry", **client_error("InvalidNetworkAclID.NotFound"))
    request = entry_request(ACL_PRIVATE, 100, "6", "allow", "0.0.0.0/0", (443, 443), egress=True)
    stub.add_response("create_network_acl_entry", {}, request)
    result = run({**ARGS, "nacls": [{"name": "mr-private", "egress": EGRESS}]})
    assert_changed(result)
    assert len(aws.sleeps) == 1


def test_a_new_subnet_not_described_yet_is_waited_for(aws, monkeypatch):
    clock = patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    described(stub, deployed())
    missing = {"Filters": [*IN_VPC["Filters"], {"Name": "association.subnet-id", "Values": [SUBNET_C]}]}
    stub.add_response("describe_network_acls", {"NetworkAcls": []}, missing)
    stub.add_response(
        "describe_network_acls", {"NetworkAcls": [acl(ACL_DEFAULT, (SUBNET_C,), [], DEFAULT_TAGS, True)]}, missing
    )
    now = deployed()
    now[0] = acl(ACL_DEFAULT, (SUBNET_C,), [], DEFAULT_TAGS, default=True)
    described(stub, now)
    stub.add_response(
        "replace_network_acl_association",
        {"NewAssociationId": "aclassoc-new"},
        {"AssociationId": assoc(ACL_DEFAULT, SUBNET_C)["NetworkAclAssociationId"], "NetworkAclId": ACL_PRIVATE},
    )
    item = {**PRIVATE_ITEM, "subnets": [SUBNET_A, SUBNET_B, SUBNET_C]}
    result = run({**ARGS, "nacls": [item, DEFAULT_ITEM]})
    assert_changed(result)
    assert result["nacls"][0]["subnets"] == [SUBNET_A, SUBNET_B, SUBNET_C]
    assert clock.sleeps == [2]


def test_a_subnet_of_no_acl_of_the_vpc_fails_after_the_timeout(aws, monkeypatch):
    patch_clock(monkeypatch, mod)
    stub = aws.stub("ec2")
    described(stub, deployed())
    missing = {"Filters": [*IN_VPC["Filters"], {"Name": "association.subnet-id", "Values": [SUBNET_C]}]}
    for _attempt in range(3):
        stub.add_response("describe_network_acls", {"NetworkAcls": []}, missing)
    item = {**PRIVATE_ITEM, "subnets": [SUBNET_A, SUBNET_B, SUBNET_C]}
    result = run({**ARGS, "nacls": [item], "wait_timeout": 5})
    assert_fails_as(
        result,
        f"subnets {SUBNET_C} are not associated with any network ACL of {VPC} after 5 seconds:"
        " are they subnets of this VPC?",
    )


# --- no change ---------------------------------------------------------------------------------------------


def test_deployed_acls_make_one_call_and_no_change(aws):
    described(aws.stub("ec2"), deployed())
    result = run(ARGS, diff=True)
    assert_unchanged(result)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert [n["nacl_id"] for n in result["nacls"]] == [ACL_PRIVATE, ACL_DEFAULT]


def test_check_mode_on_deployed_acls_reports_no_change(aws):
    described(aws.stub("ec2"), deployed())
    assert_unchanged(run(ARGS, check_mode=True))


def test_names_and_numbers_of_protocols_and_a_cidr_not_canonical_compare_equal(aws):
    entries = [
        api_entry(10, "-1", "allow", "10.1.0.0/16"),
        api_entry(20, "17", "allow", "10.1.0.0/16", (53, 53)),
        api_entry(30, "1", "allow", "10.1.0.0/16", icmp=(3, 4)),
    ]
    described(aws.stub("ec2"), [acl(ACL_DEFAULT, (), [], {}, default=True), acl(ACL_PRIVATE, (), entries)])
    ingress = [
        # Ports on an all-protocol entry are ignored by AWS, and so here.
        [10, "all", "allow", "10.1.0.18/16", None, None, 0, 65535],
        [20, 17, "ALLOW", "10.1.0.0/16", None, None, "53", "53"],
        [30, "icmp", "allow", "10.1.0.0/16", 3, 4, None, None],
    ]
    result = run({**ARGS, "nacls": [{"name": "mr-private", "ingress": ingress}]})
    assert_unchanged(result)
    assert result["nacls"][0]["ingress"] == [
        [10, "all", "allow", "10.1.0.0/16", None, None, None, None],
        [20, "udp", "allow", "10.1.0.0/16", None, None, 53, 53],
        [30, "icmp", "allow", "10.1.0.0/16", 3, 4, None, None],
    ]


def test_entries_and_subnets_left_out_are_left_alone(aws):
    stray = acl(ACL_PRIVATE, (SUBNET_A,), PRIVATE_ENTRIES + [api_entry(900, "-1", "allow", "0.0.0.0/0")])
    described(aws.stub("ec2"), [acl(ACL_DEFAULT, (SUBNET_B,), [], {}, default=True), stray])
    result = run({**ARGS, "nacls": [{"name": "mr-private"}]})
    assert_unchanged(result)
    assert result["nacls"][0]["subnets"] == [SUBNET_A]
    assert result["nacls"][0]["ingress"][-1] == [900, "all", "allow", "0.0.0.0/0", None, None, None, None]


# --- update ------------------------------------------------------------------------------------------------


def test_update_replaces_in_place_deletes_extra_entries_and_retags(aws):
    stub = aws.stub("ec2")
    changed = acl(
        ACL_PRIVATE,
        (SUBNET_A, SUBNET_B),
        [
            api_entry(50, "6", "deny", "0.0.0.0/0", (3389, 3389)),
            api_entry(100, "6", "allow", "10.9.0.0/16", (443, 443)),  # other CIDR: replaced
            api_entry(200, "6", "allow", "0.0.0.0/0", (1024, 3388)),
            api_entry(300, "-1", "allow", "0.0.0.0/0"),  # not wanted: deleted
            api_entry(100, "6", "allow", "0.0.0.0/0", (443, 443), egress=True),
        ],
        {**PRIVATE_TAGS, "Owner": "someone"},
    )
    described(stub, [acl(ACL_DEFAULT, (), [], DEFAULT_TAGS, default=True), changed])
    stub.add_response("delete_tags", {}, {"Resources": [ACL_PRIVATE], "Tags": [{"Key": "Owner"}]})
    stub.add_response("delete_network_acl_entry", {}, {"NetworkAclId": ACL_PRIVATE, "RuleNumber": 300, "Egress": False})
    stub.add_response(
        "replace_network_acl_entry", {}, entry_request(ACL_PRIVATE, 100, "6", "allow", "10.1.0.0/16", (443, 443))
    )
    result = run(ARGS, diff=True)
    assert_changed(result)
    before = result["diff"]["before"]["nacls"]["mr-private"]
    after = result["diff"]["after"]["nacls"]["mr-private"]
    assert before["tags"]["Owner"] == "someone" and "Owner" not in after["tags"]
    assert [300, "all", "allow", "0.0.0.0/0", None, None, None, None] in before["ingress"]
    assert after["ingress"] == INGRESS


def test_subnets_move_in_and_an_unlisted_one_goes_back_to_the_default_acl(aws):
    stub = aws.stub("ec2")
    described(
        stub,
        [
            acl(ACL_DEFAULT, (), [], DEFAULT_TAGS, default=True),
            acl(ACL_PRIVATE, (SUBNET_A, SUBNET_C)),
            acl(ACL_OTHER, (SUBNET_B,), [], {"Name": "someone-else"}),
        ],
    )
    stub.add_response(
        "replace_network_acl_association",
        {"NewAssociationId": "aclassoc-1"},
        {"AssociationId": assoc(ACL_OTHER, SUBNET_B)["NetworkAclAssociationId"], "NetworkAclId": ACL_PRIVATE},
    )
    stub.add_response(
        "replace_network_acl_association",
        {"NewAssociationId": "aclassoc-2"},
        {"AssociationId": assoc(ACL_PRIVATE, SUBNET_C)["NetworkAclAssociationId"], "NetworkAclId": ACL_DEFAULT},
    )
    result = run(ARGS, diff=True)
    assert_changed(result)
    assert result["nacls"][0]["subnets"] == [SUBNET_A, SUBNET_B]
    assert result["nacls"][1]["subnets"] == [SUBNET_C]
    diff = result["diff"]
    # The other ACL, not listed, is shown with the subnet it loses.
    assert diff["before"]["nacls"]["someone-else"] == {"nacl_id": ACL_OTHER, "subnets": [SUBNET_B]}
    assert diff["after"]["nacls"]["someone-else"] == {"nacl_id": ACL_OTHER, "subnets": []}
    assert diff["before"]["nacls"]["mr-default-deny-all"]["subnets"] == []
    assert diff["after"]["nacls"]["mr-default-deny-all"]["subnets"] == [SUBNET_C]


def test_subnets_listed_on_the_default_acl_move_to_it(aws):
    stub = aws.stub("ec2")
    described(stub, [acl(ACL_DEFAULT, (SUBNET_B,), [], DEFAULT_TAGS, default=True), acl(ACL_PRIVATE, (SUBNET_A,))])
    stub.add_response(
        "replace_network_acl_association",
        {"NewAssociationId": "aclassoc-1"},
        {"AssociationId": assoc(ACL_PRIVATE, SUBNET_A)["NetworkAclAssociationId"], "NetworkAclId": ACL_DEFAULT},
    )
    result = run({**ARGS, "nacls": [{**DEFAULT_ITEM, "subnets": [SUBNET_A]}]})
    assert_changed(result)
    # Only adds: the subnet already on it stays.
    assert result["nacls"][0]["subnets"] == [SUBNET_A, SUBNET_B]


def test_icmp_and_ipv6_entries_are_sent_as_the_api_takes_them(aws):
    stub = aws.stub("ec2")
    described(stub, [acl(ACL_DEFAULT, (), [], {}, default=True), acl(ACL_PRIVATE, (), [])])
    stub.add_response(
        "create_network_acl_entry",
        {},
        {
            "NetworkAclId": ACL_PRIVATE,
            "RuleNumber": 10,
            "Protocol": "1",
            "RuleAction": "allow",
            "Egress": False,
            "CidrBlock": "10.1.0.0/16",
            "IcmpTypeCode": {"Type": 3, "Code": -1},
        },
    )
    stub.add_response(
        "create_network_acl_entry",
        {},
        {
            "NetworkAclId": ACL_PRIVATE,
            "RuleNumber": 20,
            "Protocol": "-1",
            "RuleAction": "deny",
            "Egress": False,
            "Ipv6CidrBlock": "2001:db8::/32",
        },
    )
    ingress = [[10, "icmp", "allow", "10.1.0.0/16", 3, -1], [20, -1, "deny", "2001:DB8::/32", None, None, 22, 22]]
    assert_changed(run({**ARGS, "nacls": [{"name": "mr-private", "ingress": ingress}]}))


def test_throttling_is_retried(aws):
    stub = aws.stub("ec2")
    stub.add_client_error("describe_network_acls", **client_error("RequestLimitExceeded", status=503))
    described(stub, deployed())
    assert_unchanged(run(ARGS))
    assert len(aws.sleeps) == 1


# --- delete ------------------------------------------------------------------------------------------------


def test_absent_moves_the_subnets_to_the_default_acl_and_deletes(aws):
    stub = aws.stub("ec2")
    described(stub, deployed())
    for subnet in (SUBNET_A, SUBNET_B):
        stub.add_response(
            "replace_network_acl_association",
            {"NewAssociationId": f"aclassoc-new{subnet[-4:]}"},
            {"AssociationId": assoc(ACL_PRIVATE, subnet)["NetworkAclAssociationId"], "NetworkAclId": ACL_DEFAULT},
        )
    # The moves have not reached the ACL yet: the deletion is retried.
    stub.add_client_error("delete_network_acl", **client_error("DependencyViolation"))
    stub.add_response("delete_network_acl", {}, {"NetworkAclId": ACL_PRIVATE})
    result = run({**ARGS, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["deleted"] == [ACL_PRIVATE]
    assert result["nacls"] == []
    diff = result["diff"]
    assert diff["before"]["nacls"]["mr-private"]["subnets"] == [SUBNET_A, SUBNET_B]
    assert "mr-private" not in diff["after"]["nacls"]
    # The default ACL, listed, is left as it is, and shown with the subnets it gets back.
    assert diff["after"]["nacls"]["(default)"] == {"nacl_id": ACL_DEFAULT, "subnets": [SUBNET_A, SUBNET_B]}


def test_absent_in_check_mode_deletes_nothing(aws):
    described(aws.stub("ec2"), deployed())
    result = run({**ARGS, "state": "absent"}, check_mode=True)
    assert_changed(result)
    assert result["deleted"] == [ACL_PRIVATE]


def test_absent_when_gone_is_no_change(aws):
    described(aws.stub("ec2"), [acl(ACL_DEFAULT, (SUBNET_A,), [], {}, default=True)])
    result = run({**ARGS, "state": "absent"})
    assert_unchanged(result)
    assert result["deleted"] == []


def test_absent_when_deleted_meanwhile_is_not_an_error(aws):
    stub = aws.stub("ec2")
    described(stub, [acl(ACL_DEFAULT, (), [], {}, default=True), acl(ACL_PRIVATE, ())])
    stub.add_client_error("delete_network_acl", **client_error("InvalidNetworkAclID.NotFound"))
    result = run({**ARGS, "state": "absent"})
    assert result["changed"] is True and result["deleted"] == [], result


# --- failures ----------------------------------------------------------------------------------------------


def test_a_vpc_without_acls_fails(aws):
    described(aws.stub("ec2"), [])
    assert_fails_as(
        run({**ARGS, "nacls": [DEFAULT_ITEM]}), f"VPC {VPC} has no default network ACL: does the VPC exist?"
    )


def test_two_acls_with_the_name_fail(aws):
    described(aws.stub("ec2"), [*deployed(), acl(ACL_OTHER, (), [])])  # the same Name tag as ACL_PRIVATE
    assert_fails_as(
        run(ARGS),
        f"2 network ACLs of the VPC are named mr-private: {ACL_PRIVATE}, {ACL_OTHER}; keep one of them",
    )


def test_an_api_error_names_the_call(aws):
    stub = aws.stub("ec2")
    described(stub, [acl(ACL_DEFAULT, (), [], {}, default=True), acl(ACL_PRIVATE, (), [])])
    stub.add_client_error("create_network_acl_entry", **client_error("NetworkAclEntryLimitExceeded"))
    result = run({**ARGS, "nacls": [{"name": "mr-private", "egress": EGRESS}]})
    assert_fails_with(result, f"Failed to create entry egress 100 of network ACL {ACL_PRIVATE}")


@pytest.mark.parametrize(
    ("nacls", "message"),
    [
        ([{"subnets": [SUBNET_A]}], "nacls[0].name is required unless nacls[0].default is true"),
        ([{"default": True}, {"default": True, "name": "x"}], "nacls[1].default: the VPC has one default network ACL"),
        ([{"name": "a"}, {"name": "a"}], "nacls[1].name: a is also nacls[0].name"),
        (
            [{"name": "a", "subnets": [SUBNET_A]}, {"name": "b", "subnets": [SUBNET_A]}],
            f"nacls[1].subnets: {SUBNET_A} is also in nacls[0].subnets",
        ),
        (
            [{"name": "a", "ingress": [[0, "tcp", "allow", "0.0.0.0/0", None, None, 1, 2]]}],
            "nacls[0].ingress[0]: rule_no 0",
        ),
        ([{"name": "a", "egress": [[1, "gre", "allow", "0.0.0.0/0"]]}], "nacls[0].egress[0]: invalid literal"),
        (
            [{"name": "a", "egress": [[1, "tcp", "permit", "0.0.0.0/0", None, None, 1, 2]]}],
            "nacls[0].egress[0]: action",
        ),
        ([{"name": "a", "egress": [[1, "tcp", "allow", "10.0.0.0/33", None, None, 1, 2]]}], "nacls[0].egress[0]: '10."),
        ([{"name": "a", "ingress": [[1, "tcp", "allow", "0.0.0.0/0"]]}], "nacls[0].ingress[0]: from_port is required"),
        ([{"name": "a", "ingress": [[1, "icmp", "allow", "0.0.0.0/0"]]}], "nacls[0].ingress[0]: icmp_type is required"),
        (
            [{"name": "a", "ingress": [[1, "tcp", "allow", "0.0.0.0/0", None, None, 9, 8]]}],
            "nacls[0].ingress[0]: from_port 9 is above to_port 8",
        ),
        (
            [{"name": "a", "ingress": [[1, "all", "allow", "0.0.0.0/0"], [1, "all", "deny", "0.0.0.0/0"]]}],
            "nacls[0].ingress[1]: rule number 1 is listed twice",
        ),
        ([{"name": "a", "ingress": [[1, "all"]]}], "nacls[0].ingress[0]: is not a list"),
    ],
)
def test_bad_input_fails_before_any_call(aws, nacls, message):
    assert_fails_with(run({"vpc_id": VPC, "nacls": nacls}), message)


# --- pure functions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "entry"),
    [
        (
            [100, "tcp", "allow", "10.1.0.0/16", None, None, 443, 443],
            {"Protocol": "6", "CidrBlock": "10.1.0.0/16", "PortRange": {"From": 443, "To": 443}},
        ),
        ([100, "all", "deny", "0.0.0.0/0", None, None, 1, 2], {"Protocol": "-1", "CidrBlock": "0.0.0.0/0"}),
        ([100, "-1", "deny", "::/0"], {"Protocol": "-1", "Ipv6CidrBlock": "::/0"}),
        ([100, "50", "deny", "10.0.0.1/8"], {"Protocol": "50", "CidrBlock": "10.0.0.0/8"}),
        (
            [100, "ipv6-icmp", "allow", "2001:db8::/64", "128", "0"],
            {"Protocol": "58", "Ipv6CidrBlock": "2001:db8::/64", "IcmpTypeCode": {"Type": 128, "Code": 0}},
        ),
    ],
)
def test_entry_from_list(rule, entry):
    built = mod.entry_from_list(rule, egress=True)
    assert built == {"RuleNumber": 100, "RuleAction": rule[2], "Egress": True, **entry}
    assert mod.comparable(built) == built


def test_entry_changes_keyed_by_direction_and_rule_number():
    a = mod.entry_from_list([100, "tcp", "allow", "10.0.0.0/8", None, None, 1, 2], False)
    b = mod.entry_from_list([100, "tcp", "allow", "10.0.0.0/8", None, None, 1, 3], False)
    out = mod.entry_from_list([100, "tcp", "allow", "10.0.0.0/8", None, None, 1, 2], True)
    old = mod.entry_from_list([5, "all", "deny", "0.0.0.0/0"], False)
    changes = mod.entry_changes({(False, 100): a, (False, 5): old}, {(False, 100): b, (True, 100): out})
    assert changes == {"delete": [old], "replace": [b], "create": [out]}


def test_built_in_entries_are_ignored():
    ipv6_built_in = {**api_entry(32768, "-1", "deny", None), "Ipv6CidrBlock": "::/0"}
    del ipv6_built_in["CidrBlock"]
    found = acl(ACL_PRIVATE, (), [api_entry(1, "-1", "deny", "0.0.0.0/0"), ipv6_built_in])
    assert list(mod.current_entries(found)) == [(False, 1)]

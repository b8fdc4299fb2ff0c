"""route53resolver_firewall_rule_group_association against a stubbed Route 53 Resolver, with its async states."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.plugins.modules import (
    route53resolver_firewall_rule_group_association as module,
)
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r

GROUP_NAME = "prod-egress-dns"
ASSOCIATION_ID = r.ASSOCIATION_ID
ASSOCIATION_ARN = r.arn("firewall-rule-group-association", ASSOCIATION_ID)
TAGS = {"deployment": "prod"}
ARGS = {
    "name": "prod-egress-dns",
    "firewall_rule_group_name": GROUP_NAME,
    "vpc_id": r.VPC,
    "priority": 101,
    "mutation_protection": "DISABLED",
    "tags": TAGS,
}
ABSENT = {"firewall_rule_group_name": GROUP_NAME, "vpc_id": r.VPC, "state": "absent"}


def groups(stub, *items):
    stub.add_response("list_firewall_rule_groups", {"FirewallRuleGroups": list(items)}, {})


def found(stub, *items):
    stub.add_response(
        "list_firewall_rule_group_associations",
        {"FirewallRuleGroupAssociations": list(items)},
        {"VpcId": r.VPC, "FirewallRuleGroupId": r.GROUP_ID},
    )


def got(stub, item):
    stub.add_response(
        "get_firewall_rule_group_association",
        {"FirewallRuleGroupAssociation": item},
        {"FirewallRuleGroupAssociationId": ASSOCIATION_ID},
    )


def gone(stub):
    stub.add_client_error(
        "get_firewall_rule_group_association",
        expected_params={"FirewallRuleGroupAssociationId": ASSOCIATION_ID},
        **client_error("ResourceNotFoundException", status=404),
    )


def tags(stub, found_tags):
    stub.add_response("list_tags_for_resource", {"Tags": r.tag_list(found_tags)}, {"ResourceArn": ASSOCIATION_ARN})


def updated(stub, changes, answer):
    stub.add_response(
        "update_firewall_rule_group_association",
        {"FirewallRuleGroupAssociation": answer},
        dict(changes, FirewallRuleGroupAssociationId=ASSOCIATION_ID),
    )


def existing(stub, association, found_tags=None):
    found_tags = TAGS if found_tags is None else found_tags
    groups(stub, r.rule_group_metadata())
    found(stub, association)
    tags(stub, found_tags)


def associate_request(**overrides):
    request = module.build_associate_request(r.GROUP_ID, r.VPC, "prod-egress-dns", 101, "DISABLED", TAGS, ANY)
    request.update(overrides)
    return request


def associating(stub):
    """The group and no association found, then AssociateFirewallRuleGroup answered UPDATING."""
    groups(stub, r.rule_group_metadata())
    found(stub)
    stub.add_response(
        "associate_firewall_rule_group",
        {"FirewallRuleGroupAssociation": r.association(status="UPDATING")},
        associate_request(),
    )


def disassociating(stub):
    """DisassociateFirewallRuleGroup answered DELETING."""
    stub.add_response(
        "disassociate_firewall_rule_group",
        {"FirewallRuleGroupAssociation": r.association(status="DELETING")},
        {"FirewallRuleGroupAssociationId": ASSOCIATION_ID},
    )


# ---- present -------------------------------------------------------------------------------------------------


def test_create_waits_from_updating_to_complete(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    associating(stub)
    got(stub, r.association(status="UPDATING"))
    got(stub, r.association(status="UPDATING"))
    got(stub, r.association())

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    association = result["firewall_rule_group_association"]
    assert association["id"] == ASSOCIATION_ID
    assert association["status"] == "COMPLETE"
    assert association["priority"] == 101
    assert association["tags"] == TAGS
    assert time.sleeps == [r53r.POLL_DELAY, r53r.POLL_DELAY]


def test_each_association_has_a_token_of_its_own_and_its_retry_the_same(aws, monkeypatch):
    """A redeploy after a destroy must not send the token of the association removed since."""
    r.fake_time(monkeypatch)
    sent = aws.sent("route53resolver", "AssociateFirewallRuleGroup")
    stub = aws.stub("route53resolver")
    for attempt_errors in (1, 0):
        groups(stub, r.rule_group_metadata())
        found(stub)
        for _error in range(attempt_errors):
            stub.add_client_error("associate_firewall_rule_group", **client_error("ThrottlingException", status=400))
        stub.add_response(
            "associate_firewall_rule_group", {"FirewallRuleGroupAssociation": r.association()}, associate_request()
        )
        assert run_module(module.main, ARGS)["changed"] is True

    tokens = [params["CreatorRequestId"] for params in sent]
    assert len(tokens) == 3
    assert tokens[0] == tokens[1] != tokens[2]


def test_the_create_request_is_complete():
    assert associate_request() == {
        "CreatorRequestId": ANY,
        "FirewallRuleGroupId": r.GROUP_ID,
        "VpcId": r.VPC,
        "Name": "prod-egress-dns",
        "Priority": 101,
        "MutationProtection": "DISABLED",
        "Tags": [{"Key": "deployment", "Value": "prod"}],
    }


def test_create_by_group_id_without_waiting(aws):
    stub = aws.stub("route53resolver")
    found(stub)
    request = module.build_associate_request(r.GROUP_ID, r.VPC, "prod-egress-dns", 101, None, None, ANY)
    stub.add_response(
        "associate_firewall_rule_group", {"FirewallRuleGroupAssociation": r.association(status="UPDATING")}, request
    )
    args = {"name": "prod-egress-dns", "firewall_rule_group_id": r.GROUP_ID, "vpc_id": r.VPC, "priority": 101}

    result = run_module(module.main, dict(args, wait=False))

    assert result["changed"] is True
    assert result["firewall_rule_group_association"]["status"] == "UPDATING"


def assert_wait_timed_out(result, seconds, goal, last_status):
    """The module failed waiting ``seconds`` for the association to be ``goal``, last seen in ``last_status``."""
    assert_fails_as(
        result,
        f"Timeout waiting {seconds} s for firewall rule group association {ASSOCIATION_ID} to be {goal}; "
        f"last status: {last_status}",
    )


def test_create_timeout_is_reported(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    associating(stub)
    for _attempt in range(3):
        got(stub, r.association(status="UPDATING", StatusMessage="Creating Firewall Rule Group Association"))

    result = run_module(module.main, dict(ARGS, wait_timeout=10))

    assert_wait_timed_out(result, 10, "COMPLETE", "UPDATING (Creating Firewall Rule Group Association)")


def test_an_association_deleted_while_waiting_fails(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    associating(stub)
    got(stub, r.association(status="DELETING", StatusMessage="Deleting"))

    result = run_module(module.main, ARGS)

    assert_fails_as(
        result,
        f"Failed waiting for firewall rule group association {ASSOCIATION_ID} to be COMPLETE: status is DELETING "
        "(Deleting)",
    )


def test_no_change(aws):
    stub = aws.stub("route53resolver")
    existing(stub, r.association())

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert result["firewall_rule_group_association"]["status"] == "COMPLETE"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_omitted_mutation_protection_is_left_alone(aws):
    stub = aws.stub("route53resolver")
    existing(stub, r.association(mutation_protection="ENABLED"))

    result = run_module(module.main, {k: v for k, v in ARGS.items() if k != "mutation_protection"})

    assert result["changed"] is False


@pytest.mark.parametrize(
    ("option", "changes"),
    [
        pytest.param({"priority": 200}, {"Priority": 200}, id="priority"),
        pytest.param({"mutation_protection": "ENABLED"}, {"MutationProtection": "ENABLED"}, id="mutation-protection"),
        pytest.param({"name": "renamed"}, {"Name": "renamed"}, id="name"),
        pytest.param(
            {"priority": 300, "name": "renamed"}, {"Name": "renamed", "Priority": 300}, id="several-in-one-call"
        ),
    ],
)
def test_update_waits_from_updating_to_complete(aws, monkeypatch, option, changes):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, r.association())
    after = dict(r.association(), **changes)
    updated(stub, changes, dict(after, Status="UPDATING"))
    got(stub, dict(after, Status="UPDATING"))
    got(stub, after)

    result = run_module(module.main, dict(ARGS, **option), diff=True)

    assert result["changed"] is True
    assert result["firewall_rule_group_association"]["status"] == "COMPLETE"
    for key, value in option.items():
        assert result["firewall_rule_group_association"][key] == value
        assert result["diff"]["after"][key] == value
    assert time.sleeps == [r53r.POLL_DELAY]


def test_an_association_being_updated_is_waited_for_before_the_update(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, r.association(status="UPDATING"))
    got(stub, r.association())
    updated(stub, {"Priority": 200}, r.association(priority=200, status="UPDATING"))
    got(stub, r.association(priority=200))

    result = run_module(module.main, dict(ARGS, priority=200))

    assert result["changed"] is True


def test_tags_only_need_no_wait(aws):
    stub = aws.stub("route53resolver")
    existing(stub, r.association(), found_tags={"owner": "team-a"})
    stub.add_response("untag_resource", {}, {"ResourceArn": ASSOCIATION_ARN, "TagKeys": ["owner"]})
    stub.add_response("tag_resource", {}, {"ResourceArn": ASSOCIATION_ARN, "Tags": r.tag_list(TAGS)})

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_rule_group_association"]["tags"] == TAGS


def test_an_old_association_being_deleted_is_waited_out_before_associating_again(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association(status="DELETING"))
    got(stub, r.association(status="DELETING"))
    gone(stub)
    new = r.association(association_id="rslvr-frgassoc-new0000000000000", status="COMPLETE")
    stub.add_response("associate_firewall_rule_group", {"FirewallRuleGroupAssociation": new}, associate_request())

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_rule_group_association"]["id"] == "rslvr-frgassoc-new0000000000000"


def test_a_missing_rule_group_fails_naming_it(aws):
    stub = aws.stub("route53resolver")
    groups(stub)

    result = run_module(module.main, ARGS)

    assert_fails_as(result, f"Firewall rule group {GROUP_NAME} does not exist in eu-west-1; create it first")


def test_check_mode_warns_about_a_rule_group_an_earlier_task_would_create(aws):
    stub = aws.stub("route53resolver")
    groups(stub)

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["warnings"] == [
        f"Firewall rule group {GROUP_NAME} does not exist in eu-west-1; assuming an earlier task would have created it"
    ]
    assert result["diff"] == {
        "before": {},
        "after": {
            "vpc_id": r.VPC,
            "name": "prod-egress-dns",
            "priority": 101,
            "mutation_protection": "DISABLED",
            "tags": TAGS,
        },
    }
    assert result["firewall_rule_group_association"] == result["diff"]["after"]


def test_check_mode_update_shows_the_exact_diff(aws):
    stub = aws.stub("route53resolver")
    existing(stub, r.association(priority=150))

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    common = {
        "firewall_rule_group_id": r.GROUP_ID,
        "vpc_id": r.VPC,
        "name": "prod-egress-dns",
        "mutation_protection": "DISABLED",
        "tags": TAGS,
    }
    assert result["diff"] == {"before": dict(common, priority=150), "after": dict(common, priority=101)}


def test_throttling_is_retried(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    stub.add_client_error(
        "list_firewall_rule_group_associations",
        expected_params={"VpcId": r.VPC, "FirewallRuleGroupId": r.GROUP_ID},
        **client_error("ThrottlingException", status=400),
    )
    found(stub, r.association())
    tags(stub, TAGS)

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert len(aws.sleeps) == 1


def test_priority_is_required_when_present(aws):
    result = run_module(module.main, {k: v for k, v in ARGS.items() if k != "priority"})

    assert_fails_as(result, "state is present but all of the following are missing: priority")


# ---- absent --------------------------------------------------------------------------------------------------


def test_delete_waits_from_deleting_to_gone(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association())
    disassociating(stub)
    got(stub, r.association(status="DELETING"))
    got(stub, r.association(status="DELETING"))
    gone(stub)

    result = run_module(module.main, ABSENT)

    assert result["changed"] is True
    assert result["firewall_rule_group_association"] == {}
    assert time.sleeps == [r53r.POLL_DELAY, r53r.POLL_DELAY]


def test_delete_timeout_is_reported(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association())
    disassociating(stub)
    for _attempt in range(2):
        got(stub, r.association(status="DELETING", StatusMessage="Deleting"))

    result = run_module(module.main, dict(ABSENT, wait_timeout=5))

    assert_wait_timed_out(result, 5, "deleted", "DELETING (Deleting)")


def test_a_protected_association_is_not_removed_without_lifting_the_protection(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association(mutation_protection="ENABLED"))

    result = run_module(module.main, ABSENT, check_mode=True)

    assert_fails_as(
        result,
        f"Firewall rule group association {ASSOCIATION_ID} of VPC {r.VPC} has mutation protection ENABLED; give "
        "mutation_protection=DISABLED with state=absent to lift it and remove the association",
    )


def test_mutation_protection_disabled_with_absent_lifts_it_then_removes(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association(mutation_protection="ENABLED"))
    updated(stub, {"MutationProtection": "DISABLED"}, r.association(status="UPDATING"))
    got(stub, r.association())
    disassociating(stub)

    result = run_module(module.main, dict(ABSENT, mutation_protection="DISABLED", wait=False))

    assert result["changed"] is True


def test_an_association_already_being_deleted_is_not_a_change(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association(status="DELETING"))
    gone(stub)

    result = run_module(module.main, ABSENT)

    assert result["changed"] is False


def no_association_of_the_group(stub):
    groups(stub, r.rule_group_metadata())
    found(stub)


@pytest.mark.parametrize(
    "lookup", [no_association_of_the_group, groups], ids=["already_absent", "the_rule_group_does_not_exist"]
)
def test_absent_with_no_association_is_no_change(aws, lookup):
    lookup(aws.stub("route53resolver"))

    result = run_module(module.main, ABSENT)

    assert result["changed"] is False


def test_check_mode_delete_makes_no_call(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association())

    result = run_module(module.main, ABSENT, check_mode=True)

    assert result["changed"] is True


def test_an_association_gone_before_the_removal_counts_as_removed(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    found(stub, r.association())
    stub.add_client_error(
        "disassociate_firewall_rule_group",
        expected_params={"FirewallRuleGroupAssociationId": ASSOCIATION_ID},
        **client_error("ResourceNotFoundException", status=404),
    )

    result = run_module(module.main, dict(ABSENT, wait=False))

    assert result["changed"] is True


# ---- requests --------------------------------------------------------------------------------------------------


def test_the_enum_check_catches_an_invalid_mutation_protection():
    bad = module.build_associate_request(r.GROUP_ID, r.VPC, "n", 101, "ON", None, "t")

    assert r.violations("AssociateFirewallRuleGroup", associate_request()) == []
    assert r.violations("AssociateFirewallRuleGroup", bad) == [
        "AssociateFirewallRuleGroup.MutationProtection='ON' is not one of ['ENABLED', 'DISABLED']"
    ]
    assert r.violations(
        "UpdateFirewallRuleGroupAssociation", module.build_update_request(ASSOCIATION_ID, {"MutationProtection": "ON"})
    )


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        pytest.param(None, {"Name": "n", "Priority": 1, "MutationProtection": None}, {}, id="absent"),
        pytest.param(
            r.association(),
            {"Name": "prod-egress-dns", "Priority": 101, "MutationProtection": "DISABLED"},
            {},
            id="same",
        ),
        pytest.param(
            r.association(), {"Name": None, "Priority": None, "MutationProtection": None}, {}, id="all-omitted"
        ),
        pytest.param(
            r.association(),
            {"Name": "x", "Priority": 5, "MutationProtection": "ENABLED"},
            {"Name": "x", "Priority": 5, "MutationProtection": "ENABLED"},
            id="all",
        ),
    ],
)
def test_compute_association_changes(current, wanted, expected):
    assert module.compute_association_changes(current, wanted) == expected

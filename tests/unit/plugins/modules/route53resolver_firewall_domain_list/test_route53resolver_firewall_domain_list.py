"""route53resolver_firewall_domain_list against a stubbed Route 53 Resolver: every API path, check mode and diff."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_domain_list as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r

NAME = "prod-aws-domains"
LIST_ID = r.AWS_LIST_ID
LIST_ARN = r.arn("firewall-domain-list", LIST_ID)
TAGS = {"deployment": "prod"}
ARGS = {"name": NAME, "domains": ["*.amazonaws.com"], "tags": TAGS}


def listed(stub, *items, **params):
    stub.add_response("list_firewall_domain_lists", {"FirewallDomainLists": list(items)}, params)


def got(stub, item, list_id=LIST_ID):
    stub.add_response("get_firewall_domain_list", {"FirewallDomainList": item}, {"FirewallDomainListId": list_id})


def gone(stub, list_id=LIST_ID):
    stub.add_client_error(
        "get_firewall_domain_list",
        expected_params={"FirewallDomainListId": list_id},
        **client_error("ResourceNotFoundException", status=404),
    )


def domains(stub, names, list_id=LIST_ID):
    stub.add_response("list_firewall_domains", {"Domains": list(names)}, {"FirewallDomainListId": list_id})


def tags(stub, found, arn=LIST_ARN):
    stub.add_response("list_tags_for_resource", {"Tags": r.tag_list(found)}, {"ResourceArn": arn})


def created(stub, answer, tags=False):
    """CreateFirewallDomainList of NAME (any request token; with TAGS when ``tags``), answered with ``answer``."""
    request = {"Name": NAME, "CreatorRequestId": ANY, **({"Tags": r.tag_list(TAGS)} if tags else {})}
    stub.add_response("create_firewall_domain_list", {"FirewallDomainList": answer}, request)


def updated(stub, operation, names, status="UPDATING"):
    stub.add_response(
        "update_firewall_domains",
        {"Id": LIST_ID, "Name": NAME, "Status": status, "StatusMessage": "Updating"},
        {"FirewallDomainListId": LIST_ID, "Operation": operation, "Domains": names},
    )


def existing(stub, found_domains=("*.amazonaws.com.",), found_tags=None, status="COMPLETE"):
    """The reads of a run against a list that exists: lookup by name, details, domains, tags."""
    found_tags = TAGS if found_tags is None else found_tags
    listed(stub, r.domain_list_metadata(status=status))
    got(stub, r.domain_list(status=status, count=len(found_domains)))
    domains(stub, found_domains)
    tags(stub, found_tags)


# ---- present -------------------------------------------------------------------------------------------------


def test_create_adds_domains_and_waits_for_complete(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    listed(stub, r.managed_list_metadata(name=NAME))  # a managed list of that name is never ours
    created(stub, r.domain_list(count=0), tags=True)
    updated(stub, "ADD", ["*.amazonaws.com", "example.org"])
    got(stub, r.domain_list(status="UPDATING", count=0))
    got(stub, r.domain_list(count=2))

    result = run_module(module.main, dict(ARGS, domains=["*.amazonaws.com", "Example.org."]))

    assert result["changed"] is True
    assert result["firewall_domain_list"]["id"] == LIST_ID
    assert result["firewall_domain_list"]["domains"] == ["*.amazonaws.com", "example.org"]
    assert result["firewall_domain_list"]["domain_count"] == 2
    assert result["firewall_domain_list"]["status"] == "COMPLETE"
    assert result["firewall_domain_list"]["tags"] == TAGS
    assert time.sleeps == [r53r.POLL_DELAY]


def test_create_without_domains_makes_no_update(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    listed(stub)
    created(stub, r.domain_list(count=0))
    got(stub, r.domain_list(count=0))

    result = run_module(module.main, {"name": NAME})

    assert result["changed"] is True
    assert result["firewall_domain_list"]["domains"] == []
    assert result["firewall_domain_list"]["tags"] == {}


def test_create_answered_with_a_deleted_list_creates_again_with_a_new_token(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    listed(stub)
    created(stub, r.domain_list(list_id="rslvr-fdl-0000000000000old", status="DELETING"))
    created(stub, r.domain_list(count=0))
    got(stub, r.domain_list(count=0))

    sent = aws.sent("route53resolver", "CreateFirewallDomainList")

    result = run_module(module.main, {"name": NAME})

    assert result["firewall_domain_list"]["id"] == LIST_ID
    assert len(sent) == 2
    assert sent[0]["CreatorRequestId"] != sent[1]["CreatorRequestId"]
    assert all(p["CreatorRequestId"].startswith("ansible-fdl-") for p in sent)


def test_a_redeploy_of_the_same_name_creates_with_a_new_token(aws, monkeypatch):
    """Destroy, then deploy again: a token derived from the name would replay the deleted list."""
    r.fake_time(monkeypatch)
    sent = aws.sent("route53resolver", "CreateFirewallDomainList")
    stub = aws.stub("route53resolver")
    for list_id in ("rslvr-fdl-0000000000000old", LIST_ID):
        listed(stub)
        created(stub, r.domain_list(list_id=list_id, count=0))
        got(stub, r.domain_list(list_id=list_id, count=0), list_id=list_id)
        result = run_module(module.main, {"name": NAME})
        assert result["firewall_domain_list"]["id"] == list_id
        if list_id != LIST_ID:
            listed(stub, r.domain_list_metadata(list_id=list_id))
            stub.add_response("delete_firewall_domain_list", {}, {"FirewallDomainListId": list_id})
            assert run_module(module.main, {"name": NAME, "state": "absent", "wait": False})["changed"] is True

    assert len(sent) == 2
    assert sent[0]["CreatorRequestId"] != sent[1]["CreatorRequestId"]


def test_a_retried_create_sends_the_same_token(aws, monkeypatch):
    r.fake_time(monkeypatch)
    sent = aws.sent("route53resolver", "CreateFirewallDomainList")
    stub = aws.stub("route53resolver")
    listed(stub)
    stub.add_client_error("create_firewall_domain_list", **client_error("ThrottlingException"))
    stub.add_response("create_firewall_domain_list", {"FirewallDomainList": r.domain_list(count=0)})
    got(stub, r.domain_list(count=0))

    result = run_module(module.main, {"name": NAME})

    assert result["firewall_domain_list"]["id"] == LIST_ID
    assert len(sent) == 2
    assert sent[0]["CreatorRequestId"] == sent[1]["CreatorRequestId"]


def test_no_change_when_aws_holds_the_domains_fully_qualified(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["*.amazonaws.com."])

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert result["firewall_domain_list"]["domains"] == ["*.amazonaws.com"]
    assert result["firewall_domain_list"]["domain_count"] == 1
    assert result["diff"]["before"] == result["diff"]["after"]


def test_domains_omitted_leaves_them_alone(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["a.example.com.", "b.example.com."])

    result = run_module(module.main, {"name": NAME})

    assert result["changed"] is False
    assert result["firewall_domain_list"]["domains"] == ["a.example.com", "b.example.com"]


@pytest.mark.parametrize(
    "options, operation, sent, count, domains",
    [
        pytest.param(
            {"domains": ["*.amazonaws.com", "new.example.com"]},
            "REPLACE",
            ["*.amazonaws.com", "new.example.com"],
            2,
            ["*.amazonaws.com", "new.example.com"],
            id="added_and_removed_domains_are_replaced_in_one_call",
        ),
        pytest.param(
            {"domains": ["new.example.com"], "purge_domains": False},
            "ADD",
            ["new.example.com"],
            3,
            ["*.amazonaws.com", "new.example.com", "old.example.com"],
            id="purge_false_only_adds",
        ),
    ],
)
def test_domains_are_updated_in_one_call(aws, monkeypatch, options, operation, sent, count, domains):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["*.amazonaws.com.", "old.example.com."])
    updated(stub, operation, sent)
    got(stub, r.domain_list(count=count))

    result = run_module(module.main, dict(ARGS, **options))

    assert result["changed"] is True
    assert result["firewall_domain_list"]["domains"] == domains


def test_removed_domains_are_named_as_aws_holds_them(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["*.amazonaws.com.", "old.example.com."])
    updated(stub, "REMOVE", ["old.example.com."])
    got(stub, r.domain_list(count=1))

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["diff"]["before"]["domains"] == ["*.amazonaws.com", "old.example.com"]
    assert result["diff"]["after"]["domains"] == ["*.amazonaws.com"]


def test_empty_domains_with_purge_removes_every_domain(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["*.amazonaws.com."])
    updated(stub, "REMOVE", ["*.amazonaws.com."])
    got(stub, r.domain_list(count=0))

    result = run_module(module.main, dict(ARGS, domains=[]))

    assert result["changed"] is True
    assert result["firewall_domain_list"]["domains"] == []


def test_a_list_being_updated_is_waited_for_before_the_update(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=[], status="UPDATING")
    got(stub, r.domain_list(status="UPDATING", count=0))
    got(stub, r.domain_list(count=0))
    updated(stub, "ADD", ["*.amazonaws.com"])
    got(stub, r.domain_list(count=1))

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert time.sleeps == [r53r.POLL_DELAY]


def test_wait_false_returns_the_list_as_aws_has_it_right_after_the_update(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=[])
    updated(stub, "ADD", ["*.amazonaws.com"])
    got(stub, r.domain_list(status="UPDATING", count=0))

    result = run_module(module.main, dict(ARGS, wait=False))

    assert result["changed"] is True
    assert result["firewall_domain_list"]["status"] == "UPDATING"


def test_wait_timeout_is_reported_with_the_last_status(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=[])
    updated(stub, "ADD", ["*.amazonaws.com"])
    for _attempt in range(3):
        got(stub, r.domain_list(status="UPDATING", count=0, StatusMessage="Updating domains"))

    result = run_module(module.main, dict(ARGS, wait_timeout=10))

    assert_fails_as(
        result,
        f"Timeout waiting 10 s for firewall domain list {LIST_ID} to be COMPLETE; "
        "last status: UPDATING (Updating domains)",
    )
    assert time.sleeps == [5, 5]


def test_tags_are_set_and_purged(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_tags={"deployment": "staging", "owner": "team-a"})
    stub.add_response("untag_resource", {}, {"ResourceArn": LIST_ARN, "TagKeys": ["owner"]})
    stub.add_response("tag_resource", {}, {"ResourceArn": LIST_ARN, "Tags": r.tag_list(TAGS)})
    got(stub, r.domain_list())

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_domain_list"]["tags"] == TAGS
    assert result["diff"]["before"]["tags"] == {"deployment": "staging", "owner": "team-a"}
    assert result["diff"]["after"]["tags"] == TAGS


def test_tags_of_a_list_whose_import_failed_are_changed_without_waiting(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_tags={}, status="COMPLETE_IMPORT_FAILED")
    stub.add_response("tag_resource", {}, {"ResourceArn": LIST_ARN, "Tags": r.tag_list(TAGS)})
    got(stub, r.domain_list(status="COMPLETE_IMPORT_FAILED"))

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_domain_list"]["status"] == "COMPLETE_IMPORT_FAILED"


def test_purge_tags_false_keeps_other_tags(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_tags={"owner": "team-a"})
    stub.add_response("tag_resource", {}, {"ResourceArn": LIST_ARN, "Tags": r.tag_list(TAGS)})
    got(stub, r.domain_list())

    result = run_module(module.main, dict(ARGS, purge_tags=False))

    assert result["firewall_domain_list"]["tags"] == {"owner": "team-a", "deployment": "prod"}


def test_lists_are_read_across_pages(aws):
    stub = aws.stub("route53resolver")
    stub.add_response(
        "list_firewall_domain_lists",
        {
            "FirewallDomainLists": [r.domain_list_metadata(list_id="rslvr-fdl-other00000000000", name="other")],
            "NextToken": "p2",
        },
        {},
    )
    listed(stub, r.domain_list_metadata(), NextToken="p2")
    got(stub, r.domain_list(count=2))
    stub.add_response(
        "list_firewall_domains", {"Domains": ["*.amazonaws.com."], "NextToken": "d2"}, {"FirewallDomainListId": LIST_ID}
    )
    stub.add_response(
        "list_firewall_domains",
        {"Domains": ["extra.example.com."]},
        {"FirewallDomainListId": LIST_ID, "NextToken": "d2"},
    )
    tags(stub, TAGS)

    result = run_module(module.main, dict(ARGS, domains=["*.amazonaws.com", "extra.example.com"]))

    assert result["changed"] is False
    assert result["firewall_domain_list"]["domains"] == ["*.amazonaws.com", "extra.example.com"]


def test_throttling_is_retried(aws):
    stub = aws.stub("route53resolver")
    stub.add_client_error("list_firewall_domain_lists", **client_error("ThrottlingException", status=400))
    listed(stub, r.domain_list_metadata())
    stub.add_client_error(
        "get_firewall_domain_list",
        expected_params={"FirewallDomainListId": LIST_ID},
        **client_error("ThrottlingException", status=400),
    )
    got(stub, r.domain_list())
    domains(stub, ["*.amazonaws.com."])
    tags(stub, TAGS)

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert len(aws.sleeps) == 2


def test_several_lists_with_the_name_fail(aws):
    stub = aws.stub("route53resolver")
    listed(stub, r.domain_list_metadata(), r.domain_list_metadata(list_id="rslvr-fdl-twin000000000000"))

    result = run_module(module.main, ARGS)

    assert result["failed"] is True
    assert result["msg"].startswith(
        f"2 firewall domain lists are named '{NAME}' ({LIST_ID}, rslvr-fdl-twin000000000000)"
    )


def test_a_list_being_deleted_is_not_matched(aws, monkeypatch):
    r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    listed(stub, r.domain_list_metadata(list_id="rslvr-fdl-dying00000000000", status="DELETING"))
    created(stub, r.domain_list(count=0), tags=True)
    updated(stub, "ADD", ["*.amazonaws.com"])
    got(stub, r.domain_list(count=1))

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_domain_list"]["id"] == LIST_ID


def test_access_denied_is_reported(aws):
    stub = aws.stub("route53resolver")
    stub.add_client_error("list_firewall_domain_lists", **client_error("AccessDeniedException", "not allowed", 403))

    result = run_module(module.main, ARGS)

    assert_fails_with(result, "Failed to list firewall domain lists")
    assert result["error"]["code"] == "AccessDeniedException"


# ---- check mode and diff -------------------------------------------------------------------------------------


def test_check_mode_create_makes_no_call_but_the_lookup(aws):
    stub = aws.stub("route53resolver")
    listed(stub)

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": {"name": NAME, "domains": ["*.amazonaws.com"], "tags": TAGS}}
    assert result["firewall_domain_list"] == {"name": NAME, "domains": ["*.amazonaws.com"], "tags": TAGS}


def test_check_mode_update_shows_the_exact_diff(aws):
    stub = aws.stub("route53resolver")
    existing(stub, found_domains=["*.amazonaws.com.", "old.example.com."], found_tags={"deployment": "staging"})

    result = run_module(
        module.main, dict(ARGS, domains=["*.amazonaws.com", "new.example.com"]), check_mode=True, diff=True
    )

    assert result["changed"] is True
    assert result["diff"] == {
        "before": {"name": NAME, "domains": ["*.amazonaws.com", "old.example.com"], "tags": {"deployment": "staging"}},
        "after": {"name": NAME, "domains": ["*.amazonaws.com", "new.example.com"], "tags": TAGS},
    }
    assert result["firewall_domain_list"]["id"] == LIST_ID


def test_check_mode_delete_makes_no_call(aws):
    stub = aws.stub("route53resolver")
    listed(stub, r.domain_list_metadata())
    domains(stub, ["*.amazonaws.com."])
    tags(stub, TAGS)

    result = run_absent(module.main, NAME, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["diff"] == {"before": {"name": NAME, "domains": ["*.amazonaws.com"], "tags": TAGS}, "after": {}}


# ---- absent --------------------------------------------------------------------------------------------------


def test_delete_waits_until_the_list_is_gone(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    listed(stub, r.domain_list_metadata())
    stub.add_response(
        "delete_firewall_domain_list",
        {"FirewallDomainList": r.domain_list(status="DELETING")},
        {"FirewallDomainListId": LIST_ID},
    )
    got(stub, r.domain_list(status="DELETING"))
    gone(stub)

    result = run_absent(module.main, NAME)

    assert result["changed"] is True
    assert result["firewall_domain_list"] == {}
    assert time.sleeps == [r53r.POLL_DELAY]


def test_already_absent(aws):
    stub = aws.stub("route53resolver")
    listed(stub, r.domain_list_metadata(list_id="rslvr-fdl-other00000000000", name="other"))

    result = run_absent(module.main, NAME)

    assert result["changed"] is False
    assert result["firewall_domain_list"] == {}


def found_but_not_deleted(stub, error):
    """The list is found, and DeleteFirewallDomainList fails with ``error`` (keyword arguments of client_error)."""
    listed(stub, r.domain_list_metadata())
    stub.add_client_error(
        "delete_firewall_domain_list", expected_params={"FirewallDomainListId": LIST_ID}, **client_error(**error)
    )


def test_a_list_gone_between_lookup_and_delete_counts_as_deleted(aws):
    found_but_not_deleted(aws.stub("route53resolver"), {"code": "ResourceNotFoundException", "status": 404})

    result = run_module(module.main, {"name": NAME, "state": "absent", "wait": False})

    assert result["changed"] is True


def test_a_list_used_by_a_rule_is_not_deleted(aws):
    error = {"code": "ConflictException", "message": "The domain list is in use", "status": 409}
    found_but_not_deleted(aws.stub("route53resolver"), error)

    result = run_absent(module.main, NAME)

    assert_fails_with(
        result,
        f"Failed to delete firewall domain list {NAME}: it is still used by a rule or being updated; remove the rules "
        "that use it first: An error occurred (ConflictException)",
    )


# ---- requests --------------------------------------------------------------------------------------------------


def test_the_enum_check_catches_an_invalid_operation():
    good = module.build_update_domains_request(LIST_ID, "REPLACE", ["*.amazonaws.com"])
    bad = module.build_update_domains_request(LIST_ID, "MERGE", ["*.amazonaws.com"])

    assert r.violations("UpdateFirewallDomains", good) == []
    assert r.violations("UpdateFirewallDomains", bad) == [
        "UpdateFirewallDomains.Operation='MERGE' is not one of ['ADD', 'REMOVE', 'REPLACE', 'DENY']"
    ]


@pytest.mark.parametrize("operation", ["ADD", "REMOVE", "REPLACE"])
def test_every_operation_the_module_sends_is_in_the_model(operation):
    assert r.violations("UpdateFirewallDomains", module.build_update_domains_request(LIST_ID, operation, ["a"])) == []

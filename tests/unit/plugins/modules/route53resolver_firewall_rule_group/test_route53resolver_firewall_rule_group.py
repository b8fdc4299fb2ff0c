"""route53resolver_firewall_rule_group against a stubbed Route 53 Resolver: every API path, check mode and diff."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_rule_group as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r

NAME = "prod-egress-dns"
GROUP_ID = r.GROUP_ID
GROUP_ARN = r.arn("firewall-rule-group", GROUP_ID)
TAGS = {"deployment": "prod"}
ALLOW_AWS = {"name": "allow-aws", "priority": 100, "action": "ALLOW", "firewall_domain_list_name": "prod-aws-domains"}
BLOCK_ALL = {
    "name": "block-everything-else",
    "priority": 200,
    "action": "BLOCK",
    "block_response": "NODATA",
    "firewall_domain_list_name": "prod-all",
}
ARGS = {"name": NAME, "rules": [ALLOW_AWS, BLOCK_ALL], "tags": TAGS}
LISTS = [
    r.domain_list_metadata(list_id=r.AWS_LIST_ID, name="prod-aws-domains"),
    r.domain_list_metadata(list_id=r.ALL_LIST_ID, name="prod-all"),
    r.managed_list_metadata(),
]
ALLOW_RULE = r.rule(list_id=r.AWS_LIST_ID, name="allow-aws", priority=100, action="ALLOW")
BLOCK_RULE = r.rule(
    list_id=r.ALL_LIST_ID, name="block-everything-else", priority=200, action="BLOCK", BlockResponse="NODATA"
)
ALLOW_SPEC = {"FirewallDomainListId": r.AWS_LIST_ID, "Name": "allow-aws", "Priority": 100, "Action": "ALLOW"}
BLOCK_SPEC = {
    "FirewallDomainListId": r.ALL_LIST_ID,
    "Name": "block-everything-else",
    "Priority": 200,
    "Action": "BLOCK",
    "BlockResponse": "NODATA",
}


def groups(stub, *items):
    stub.add_response("list_firewall_rule_groups", {"FirewallRuleGroups": list(items)}, {})


def got(stub, item):
    stub.add_response("get_firewall_rule_group", {"FirewallRuleGroup": item}, {"FirewallRuleGroupId": GROUP_ID})


def rules(stub, *items):
    stub.add_response("list_firewall_rules", {"FirewallRules": list(items)}, {"FirewallRuleGroupId": GROUP_ID})


def read_back(stub, *found_rules):
    """The group read again: GetFirewallRuleGroup counting ``found_rules``, then ListFirewallRules with them."""
    got(stub, r.rule_group(rule_count=len(found_rules)))
    rules(stub, *found_rules)


def tags(stub, found):
    stub.add_response("list_tags_for_resource", {"Tags": r.tag_list(found)}, {"ResourceArn": GROUP_ARN})


def domain_lists(stub, items=None):
    items = LISTS if items is None else items
    stub.add_response("list_firewall_domain_lists", {"FirewallDomainLists": list(items)}, {})


def associations(stub, *items):
    stub.add_response(
        "list_firewall_rule_group_associations",
        {"FirewallRuleGroupAssociations": list(items)},
        {"FirewallRuleGroupId": GROUP_ID},
    )


def existing(stub, *found_rules, found_tags=None, lists=True):
    """The reads of a run against a group that exists."""
    found_tags = TAGS if found_tags is None else found_tags
    groups(stub, r.rule_group_metadata())
    read_back(stub, *found_rules)
    tags(stub, found_tags)
    if lists:
        domain_lists(stub)


def created(stub, spec, answer):
    stub.add_response(
        "create_firewall_rule", {"FirewallRule": answer}, module.build_create_rule_request(GROUP_ID, spec, ANY)
    )


def updated(stub, request, answer):
    stub.add_response("update_firewall_rule", {"FirewallRule": answer}, dict(request, FirewallRuleGroupId=GROUP_ID))


def deleted(stub, found):
    stub.add_response(
        "delete_firewall_rule", {"FirewallRule": found}, module.build_delete_rule_request(GROUP_ID, found)
    )


# ---- present -------------------------------------------------------------------------------------------------


def test_create_the_group_and_its_rules(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata(group_id="rslvr-frg-shared0000000000", name=NAME, share_status="SHARED_WITH_ME"))
    domain_lists(stub)
    stub.add_response(
        "create_firewall_rule_group",
        {"FirewallRuleGroup": r.rule_group(rule_count=0)},
        {"Name": NAME, "CreatorRequestId": ANY, "Tags": r.tag_list(TAGS)},
    )
    created(stub, ALLOW_SPEC, ALLOW_RULE)
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    read_back(stub, BLOCK_RULE, ALLOW_RULE)

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    group = result["firewall_rule_group"]
    assert group["id"] == GROUP_ID
    assert group["rule_count"] == 2
    assert group["tags"] == TAGS
    assert [(rule["name"], rule["priority"], rule["action"]) for rule in group["rules"]] == [
        ("allow-aws", 100, "ALLOW"),
        ("block-everything-else", 200, "BLOCK"),
    ]
    assert group["rules"][1]["block_response"] == "NODATA"
    assert group["rules"][1]["firewall_domain_list_id"] == r.ALL_LIST_ID


def test_no_change(aws):
    stub = aws.stub("route53resolver")
    existing(stub, BLOCK_RULE, ALLOW_RULE)

    result = run_module(module.main, ARGS)

    assert_unchanged_with_equal_diff(result)
    assert [rule["name"] for rule in result["firewall_rule_group"]["rules"]] == ["allow-aws", "block-everything-else"]


def test_rules_omitted_leaves_them_alone_and_lists_no_domain_lists(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, lists=False)

    result = run_module(module.main, {"name": NAME, "tags": TAGS})

    assert result["changed"] is False
    assert [rule["name"] for rule in result["firewall_rule_group"]["rules"]] == ["allow-aws"]


def test_rules_by_domain_list_id_need_no_lookup(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, lists=False)
    by_id = {"name": "allow-aws", "priority": 100, "action": "ALLOW", "firewall_domain_list_id": r.AWS_LIST_ID}

    result = run_module(module.main, {"name": NAME, "rules": [by_id]})

    assert result["changed"] is False


def test_a_managed_domain_list_can_be_named(aws):
    stub = aws.stub("route53resolver")
    existing(stub)
    managed = r.managed_list_metadata()
    rule = {
        "name": "block-malware",
        "priority": 50,
        "action": "BLOCK",
        "block_response": "NXDOMAIN",
        "firewall_domain_list_name": managed["Name"],
    }
    spec = {
        "FirewallDomainListId": managed["Id"],
        "Name": "block-malware",
        "Priority": 50,
        "Action": "BLOCK",
        "BlockResponse": "NXDOMAIN",
    }
    answer = r.rule(list_id=managed["Id"], name="block-malware", priority=50, action="BLOCK", BlockResponse="NXDOMAIN")
    created(stub, spec, answer)
    read_back(stub, answer)

    result = run_module(module.main, {"name": NAME, "rules": [rule]})

    assert result["changed"] is True
    assert result["firewall_rule_group"]["rules"][0]["firewall_domain_list_id"] == managed["Id"]


UPDATES = [
    pytest.param(
        dict(ALLOW_AWS, name="allow-aws-services"),
        dict(ALLOW_SPEC, Name="allow-aws-services"),
        id="name",
    ),
    pytest.param(dict(ALLOW_AWS, priority=150), dict(ALLOW_SPEC, Priority=150), id="priority"),
    pytest.param(dict(ALLOW_AWS, action="ALERT"), dict(ALLOW_SPEC, Action="ALERT"), id="action"),
    pytest.param(
        dict(ALLOW_AWS, action="BLOCK", block_response="NXDOMAIN"),
        dict(ALLOW_SPEC, Action="BLOCK", BlockResponse="NXDOMAIN"),
        id="action-to-block",
    ),
    pytest.param(
        dict(ALLOW_AWS, firewall_domain_redirection_action="TRUST_REDIRECTION_DOMAIN"),
        dict(ALLOW_SPEC, FirewallDomainRedirectionAction="TRUST_REDIRECTION_DOMAIN"),
        id="redirection-action",
    ),
]


@pytest.mark.parametrize(("wanted", "request_"), UPDATES)
def test_a_changed_property_is_updated_in_place(aws, wanted, request_):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, lists=False)
    domain_lists(stub)
    answer = dict(ALLOW_RULE, **{k: v for k, v in request_.items() if k != "FirewallDomainListId"})
    updated(stub, request_, answer)
    read_back(stub, answer)

    result = run_module(module.main, {"name": NAME, "rules": [wanted]})

    assert result["changed"] is True
    assert result["firewall_rule_group"]["rules"][0]["name"] == request_["Name"]


BLOCK_UPDATES = [
    pytest.param({"block_response": "NXDOMAIN"}, {"BlockResponse": "NXDOMAIN"}, id="block-response"),
    pytest.param(
        {
            "block_response": "OVERRIDE",
            "block_override_domain": "sinkhole.example.com",
            "block_override_dns_type": "CNAME",
            "block_override_ttl": 60,
        },
        {
            "BlockResponse": "OVERRIDE",
            "BlockOverrideDomain": "sinkhole.example.com",
            "BlockOverrideDnsType": "CNAME",
            "BlockOverrideTtl": 60,
        },
        id="override",
    ),
]


@pytest.mark.parametrize(("options", "keys"), BLOCK_UPDATES)
def test_block_settings_are_updated(aws, options, keys):
    stub = aws.stub("route53resolver")
    existing(stub, BLOCK_RULE)
    answer = dict(BLOCK_RULE, **keys)
    updated(stub, dict(BLOCK_SPEC, **keys), answer)
    read_back(stub, answer)

    result = run_module(module.main, {"name": NAME, "rules": [dict(BLOCK_ALL, **options)]})

    assert result["changed"] is True
    assert result["diff"]["after"]["rules"][0]["block_response"] == keys["BlockResponse"]


@pytest.mark.parametrize(
    ("override", "changed"),
    [
        pytest.param({"BlockOverrideTtl": 60}, False, id="same-override"),
        pytest.param({"BlockOverrideTtl": 300}, True, id="other-ttl"),
        pytest.param({"BlockOverrideDomain": "other.example.com"}, True, id="other-domain"),
    ],
)
def test_override_settings_are_compared(aws, override, changed):
    stub = aws.stub("route53resolver")
    keys = {
        "BlockResponse": "OVERRIDE",
        "BlockOverrideDomain": "sinkhole.example.com",
        "BlockOverrideDnsType": "CNAME",
        "BlockOverrideTtl": 60,
    }
    found = dict(BLOCK_RULE, **dict(keys, **override))
    existing(stub, found)
    if changed:
        updated(stub, dict(BLOCK_SPEC, **keys), dict(BLOCK_RULE, **keys))
        read_back(stub, dict(BLOCK_RULE, **keys))
    options = {
        "block_response": "OVERRIDE",
        "block_override_domain": "sinkhole.example.com",
        "block_override_dns_type": "CNAME",
        "block_override_ttl": 60,
    }

    result = run_module(module.main, {"name": NAME, "rules": [dict(BLOCK_ALL, **options)]})

    assert result["changed"] is changed


def test_unlisted_rules_are_deleted(aws):
    stub = aws.stub("route53resolver")
    stale = r.rule(list_id="rslvr-fdl-stale00000000000", name="stale", priority=300, action="ALERT")
    existing(stub, ALLOW_RULE, BLOCK_RULE, stale)
    deleted(stub, stale)
    read_back(stub, ALLOW_RULE, BLOCK_RULE)

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert [rule["name"] for rule in result["diff"]["before"]["rules"]] == [
        "allow-aws",
        "block-everything-else",
        "stale",
    ]
    assert [rule["name"] for rule in result["diff"]["after"]["rules"]] == ["allow-aws", "block-everything-else"]


def test_advanced_rules_are_deleted_by_their_threat_protection_id(aws):
    stub = aws.stub("route53resolver")
    advanced = r.rule(
        list_id=None,
        name="dga",
        priority=300,
        action="BLOCK",
        BlockResponse="NODATA",
        FirewallThreatProtectionId="rslvr-ftp-0000000000000000",
        DnsThreatProtection="DGA",
        ConfidenceThreshold="HIGH",
    )
    existing(stub, ALLOW_RULE, BLOCK_RULE, advanced)
    stub.add_response(
        "delete_firewall_rule",
        {"FirewallRule": advanced},
        {"FirewallRuleGroupId": GROUP_ID, "FirewallThreatProtectionId": "rslvr-ftp-0000000000000000"},
    )
    read_back(stub, ALLOW_RULE, BLOCK_RULE)

    result = run_module(module.main, ARGS)

    assert result["changed"] is True


def test_purge_rules_false_keeps_unlisted_rules(aws):
    stub = aws.stub("route53resolver")
    other = r.rule(list_id="rslvr-fdl-other00000000000", name="other", priority=300, action="ALERT")
    existing(stub, ALLOW_RULE, BLOCK_RULE, other)

    result = run_module(module.main, dict(ARGS, purge_rules=False))

    assert result["changed"] is False
    assert [rule["name"] for rule in result["diff"]["after"]["rules"]] == [
        "allow-aws",
        "block-everything-else",
        "other",
    ]


def test_a_kept_rule_holding_a_wanted_priority_fails_clearly(aws):
    stub = aws.stub("route53resolver")
    other = r.rule(list_id="rslvr-fdl-other00000000000", name="other", priority=200, action="ALERT")
    existing(stub, ALLOW_RULE, other)

    result = run_module(module.main, dict(ARGS, purge_rules=False))

    assert_fails_as(
        result,
        f"Cannot apply the rules of firewall rule group {NAME}: priority 200 of rule 'block-everything-else' is held "
        "by rule 'other', which is not in rules and stays (purge_rules is false)",
    )


def test_swapped_priorities_park_one_rule(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, BLOCK_RULE)
    swapped = [dict(ALLOW_AWS, priority=200), dict(BLOCK_ALL, priority=100)]
    updated(
        stub,
        {"FirewallDomainListId": r.ALL_LIST_ID, "Name": "block-everything-else", "Priority": 201},
        dict(BLOCK_RULE, Priority=201),
    )
    updated(stub, dict(ALLOW_SPEC, Priority=200), dict(ALLOW_RULE, Priority=200))
    updated(stub, dict(BLOCK_SPEC, Priority=100), dict(BLOCK_RULE, Priority=100))
    read_back(stub, dict(ALLOW_RULE, Priority=200), dict(BLOCK_RULE, Priority=100))

    result = run_module(module.main, dict(ARGS, rules=swapped))

    assert result["changed"] is True
    assert [rule["name"] for rule in result["firewall_rule_group"]["rules"]] == ["block-everything-else", "allow-aws"]


def test_a_changed_query_type_replaces_the_rule(aws):
    stub = aws.stub("route53resolver")
    aaaa = dict(ALLOW_RULE, Qtype="AAAA")
    existing(stub, aaaa)
    deleted(stub, aaaa)
    created(stub, dict(ALLOW_SPEC, Qtype="A"), dict(ALLOW_RULE, Qtype="A"))
    read_back(stub, dict(ALLOW_RULE, Qtype="A"))

    result = run_module(module.main, {"name": NAME, "rules": [dict(ALLOW_AWS, q_type="a")]})

    assert result["changed"] is True
    assert result["firewall_rule_group"]["rules"][0]["q_type"] == "A"
    assert module.build_delete_rule_request(GROUP_ID, aaaa) == {
        "FirewallRuleGroupId": GROUP_ID,
        "FirewallDomainListId": r.AWS_LIST_ID,
        "Qtype": "AAAA",
    }


def test_tags_are_set_and_purged(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, BLOCK_RULE, found_tags={"deployment": "staging", "owner": "team-a"})
    stub.add_response("untag_resource", {}, {"ResourceArn": GROUP_ARN, "TagKeys": ["owner"]})
    stub.add_response("tag_resource", {}, {"ResourceArn": GROUP_ARN, "Tags": r.tag_list(TAGS)})

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["firewall_rule_group"]["tags"] == TAGS


def test_a_missing_domain_list_fails_naming_it(aws):
    stub = aws.stub("route53resolver")
    groups(stub)
    domain_lists(stub, LISTS[:1])

    result = run_module(module.main, ARGS)

    assert_fails_as(
        result,
        "Firewall domain list 'prod-all' (used by rule 'block-everything-else') does not exist in eu-west-1; "
        "create it first",
    )


def test_check_mode_warns_about_a_domain_list_an_earlier_task_would_create(aws):
    stub = aws.stub("route53resolver")
    groups(stub)
    domain_lists(stub, [])

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert "Firewall domain list 'prod-all' (used by rule 'block-everything-else')" in result["warnings"][0]
    assert result["diff"]["after"]["rules"][1]["firewall_domain_list_id"] == "(domain list prod-all, not created yet)"


def test_a_rule_group_gone_between_lookup_and_read_is_created(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    stub.add_client_error(
        "get_firewall_rule_group",
        expected_params={"FirewallRuleGroupId": GROUP_ID},
        **client_error("ResourceNotFoundException", status=404),
    )
    stub.add_response(
        "create_firewall_rule_group",
        {"FirewallRuleGroup": r.rule_group(rule_count=0)},
        {"Name": NAME, "CreatorRequestId": ANY},
    )

    result = run_module(module.main, {"name": NAME})

    assert result["changed"] is True
    assert result["firewall_rule_group"]["rules"] == []


def test_throttling_is_retried(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE)
    request = module.build_create_rule_request(GROUP_ID, BLOCK_SPEC, ANY)
    stub.add_client_error(
        "create_firewall_rule", expected_params=request, **client_error("ThrottlingException", status=400)
    )
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    read_back(stub, ALLOW_RULE, BLOCK_RULE)

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert len(aws.sleeps) == 1


def test_a_rule_created_again_after_a_purge_has_a_new_token_and_a_retry_the_same(aws, monkeypatch):
    """A token derived from the rule would be answered, after the rule was purged, with the rule deleted since."""
    r.fake_time(monkeypatch)
    sent = aws.sent("route53resolver", "CreateFirewallRule")
    stub = aws.stub("route53resolver")
    # First run: the rule is created, its first attempt throttled.
    existing(stub, ALLOW_RULE)
    stub.add_client_error("create_firewall_rule", **client_error("ThrottlingException", status=400))
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    read_back(stub, ALLOW_RULE, BLOCK_RULE)
    assert run_module(module.main, ARGS)["changed"] is True
    # Second run: the rule was purged meanwhile, so it is created again.
    existing(stub, ALLOW_RULE)
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    read_back(stub, ALLOW_RULE, BLOCK_RULE)
    assert run_module(module.main, ARGS)["changed"] is True

    tokens = [params["CreatorRequestId"] for params in sent]
    assert len(tokens) == 3
    assert tokens[0] == tokens[1]
    assert tokens[2] != tokens[0]


def test_a_created_rule_the_listing_does_not_show_fails(aws, monkeypatch):
    """CreateFirewallRule answered (a replayed token answers with what it made before), the rule is not there."""
    time = r.fake_time(monkeypatch)
    monkeypatch.setattr(module, "CONFIRM_TIMEOUT", 10)
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE)
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    got(stub, r.rule_group(rule_count=1))
    for _poll in range(3):
        rules(stub, ALLOW_RULE)

    result = run_module(module.main, ARGS)

    assert_fails_as(
        result,
        f"Firewall rule group {NAME} ({GROUP_ID}) does not show the rules as set after 10 s: "
        "rule 'block-everything-else' is not listed after its create",
    )
    assert time.sleeps == [r53r.POLL_DELAY, r53r.POLL_DELAY]


def test_a_created_rule_listed_late_is_waited_for(aws, monkeypatch):
    time = r.fake_time(monkeypatch)
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE)
    created(stub, BLOCK_SPEC, BLOCK_RULE)
    got(stub, r.rule_group(rule_count=2))
    rules(stub, ALLOW_RULE)
    rules(stub, ALLOW_RULE, BLOCK_RULE)

    result = run_module(module.main, ARGS)

    assert not result.get("failed"), result
    assert [rule["name"] for rule in result["firewall_rule_group"]["rules"]] == ["allow-aws", "block-everything-else"]
    assert time.sleeps == [r53r.POLL_DELAY]


@pytest.mark.parametrize(
    "listed, operations, problems",
    [
        ([ALLOW_RULE, BLOCK_RULE], [("create", BLOCK_SPEC), ("update", ALLOW_SPEC)], []),
        ([ALLOW_RULE], [("create", BLOCK_SPEC)], ["rule 'block-everything-else' is not listed after its create"]),
        (
            [ALLOW_RULE, dict(BLOCK_RULE, Priority=300)],
            [("update", BLOCK_SPEC)],
            ["rule 'block-everything-else' is listed with other Priority after its update"],
        ),
        (
            [ALLOW_RULE, BLOCK_RULE],
            [("delete", BLOCK_RULE)],
            ["rule 'block-everything-else' is still listed after its deletion"],
        ),
        # A rule parked on a spare priority, then moved to its own: only where it ends counts.
        ([ALLOW_RULE], [("move", dict(ALLOW_SPEC, Priority=301)), ("update", ALLOW_SPEC)], []),
    ],
    ids=["all-there", "create-missing", "update-not-applied", "delete-not-applied", "move-then-update"],
)
def test_unconfirmed_rules(listed, operations, problems):
    assert module.unconfirmed_rules(listed, operations) == problems


def test_a_failed_rule_call_names_the_rule(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE)
    stub.add_client_error(
        "create_firewall_rule",
        expected_params=module.build_create_rule_request(GROUP_ID, BLOCK_SPEC, ANY),
        **client_error("LimitExceededException", "Too many rules", 400),
    )

    result = run_module(module.main, ARGS)

    assert_fails_with(result, f"Failed to create rule block-everything-else of firewall rule group {GROUP_ID}")


@pytest.mark.parametrize(
    ("rules_", "message"),
    [
        pytest.param(
            [dict(ALLOW_AWS, block_response="NODATA")],
            "Invalid rules: rule 'allow-aws': block_response apply to action BLOCK only",
            id="block-response-with-allow",
        ),
        pytest.param(
            [{k: v for k, v in BLOCK_ALL.items() if k != "block_response"}],
            "Invalid rules: rule 'block-everything-else': action BLOCK needs block_response",
            id="block-without-response",
        ),
        pytest.param(
            [dict(BLOCK_ALL, block_response="OVERRIDE", block_override_ttl=60)],
            "Invalid rules: rule 'block-everything-else': block_response OVERRIDE needs block_override_domain, "
            "block_override_dns_type",
            id="override-incomplete",
        ),
        pytest.param(
            [dict(ALLOW_AWS), dict(BLOCK_ALL, priority=100)],
            "Invalid rules: rules 'allow-aws' and 'block-everything-else' have the same priority 100",
            id="same-priority",
        ),
    ],
)
def test_invalid_rules_fail_before_any_call(aws, rules_, message):
    result = run_module(module.main, {"name": NAME, "rules": rules_})

    assert_fails_as(result, message)


def test_two_rules_on_one_domain_list_fail(aws):
    stub = aws.stub("route53resolver")
    existing(stub)
    twice = [ALLOW_AWS, dict(BLOCK_ALL, firewall_domain_list_name="prod-aws-domains")]

    result = run_module(module.main, {"name": NAME, "rules": twice})

    assert_fails_with(result, "Invalid rules: rules 'allow-aws' and 'block-everything-else' use the same domain")


def test_name_and_id_of_a_domain_list_are_exclusive(aws):
    both = dict(ALLOW_AWS, firewall_domain_list_id=r.AWS_LIST_ID)

    result = run_module(module.main, {"name": NAME, "rules": [both]})

    assert_fails_mentioning(result, "mutually exclusive")


# ---- check mode and diff -------------------------------------------------------------------------------------


def test_check_mode_create_makes_only_lookups(aws):
    stub = aws.stub("route53resolver")
    groups(stub)
    domain_lists(stub)

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["diff"] == {
        "before": {},
        "after": {
            "name": NAME,
            "rules": [
                {
                    "name": "allow-aws",
                    "priority": 100,
                    "action": "ALLOW",
                    "firewall_domain_list_id": r.AWS_LIST_ID,
                },
                {
                    "name": "block-everything-else",
                    "priority": 200,
                    "action": "BLOCK",
                    "block_response": "NODATA",
                    "firewall_domain_list_id": r.ALL_LIST_ID,
                },
            ],
            "tags": TAGS,
        },
    }


def test_check_mode_update_shows_the_exact_diff(aws):
    stub = aws.stub("route53resolver")
    existing(stub, ALLOW_RULE, dict(BLOCK_RULE, BlockResponse="NXDOMAIN"))

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["rules"][0] == after["rules"][0]
    assert before["rules"][1]["block_response"] == "NXDOMAIN"
    assert after["rules"][1]["block_response"] == "NODATA"
    assert after["rules"][1]["firewall_domain_redirection_action"] == "INSPECT_REDIRECTION_DOMAIN"


# ---- absent --------------------------------------------------------------------------------------------------


def test_delete_removes_the_rules_then_the_group(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    associations(stub)
    rules(stub, ALLOW_RULE, BLOCK_RULE)
    deleted(stub, ALLOW_RULE)
    deleted(stub, BLOCK_RULE)
    stub.add_response(
        "delete_firewall_rule_group",
        {"FirewallRuleGroup": r.rule_group(rule_count=0, status="DELETING")},
        {"FirewallRuleGroupId": GROUP_ID},
    )

    result = run_absent(module.main, NAME)

    assert result["changed"] is True
    assert result["firewall_rule_group"] == {}


def test_an_associated_group_is_not_deleted(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    associations(stub, r.association(), r.association(association_id="rslvr-frgassoc-2", vpc_id="vpc-2"))

    result = run_absent(module.main, NAME, check_mode=True)

    assert_fails_as(
        result,
        f"Firewall rule group {NAME} is still associated with VPC {r.VPC} (COMPLETE), vpc-2 (COMPLETE); remove the "
        "association first (route53resolver_firewall_rule_group_association with state=absent)",
    )


def test_a_conflict_on_delete_is_explained(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    associations(stub)
    rules(stub)
    stub.add_client_error(
        "delete_firewall_rule_group",
        expected_params={"FirewallRuleGroupId": GROUP_ID},
        **client_error("ConflictException", "in use", 409),
    )

    result = run_absent(module.main, NAME)

    assert_fails_with(result, f"Failed to delete firewall rule group {NAME}: AWS reports it in use")


def test_check_mode_delete_makes_no_call(aws):
    stub = aws.stub("route53resolver")
    groups(stub, r.rule_group_metadata())
    associations(stub)
    rules(stub, ALLOW_RULE)
    tags(stub, TAGS)

    result = run_absent(module.main, NAME, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["rules"][0]["name"] == "allow-aws"
    assert result["diff"]["before"]["tags"] == TAGS
    assert result["diff"]["after"] == {}


def test_already_absent(aws):
    stub = aws.stub("route53resolver")
    groups(stub)

    result = run_absent(module.main, NAME)

    assert result["changed"] is False


# ---- requests --------------------------------------------------------------------------------------------------


def test_the_enum_check_catches_an_invalid_action():
    good = module.build_create_rule_request(GROUP_ID, BLOCK_SPEC, ANY)
    bad = module.build_create_rule_request(GROUP_ID, dict(BLOCK_SPEC, Action="DENY", BlockResponse="DROP"), "t")

    assert r.violations("CreateFirewallRule", good) == []
    assert r.violations("CreateFirewallRule", bad) == [
        "CreateFirewallRule.Action='DENY' is not one of ['ALLOW', 'BLOCK', 'ALERT']",
        "CreateFirewallRule.BlockResponse='DROP' is not one of ['NODATA', 'NXDOMAIN', 'OVERRIDE']",
    ]
    assert r.violations(
        "UpdateFirewallRule", module.build_update_rule_request(GROUP_ID, dict(BLOCK_SPEC, Action="DENY"))
    )


def test_the_create_request_carries_the_token_given():
    request = module.build_create_rule_request(GROUP_ID, BLOCK_SPEC, "ansible-rule-1")

    assert request == dict(BLOCK_SPEC, CreatorRequestId="ansible-rule-1", FirewallRuleGroupId=GROUP_ID)

"""The pure change computation of route53resolver_firewall_rule_group."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_rule_group as module


def spec(list_id, priority, name=None, action="ALLOW", **extra):
    return dict(
        {"FirewallDomainListId": list_id, "Name": name or f"rule-{list_id}", "Priority": priority, "Action": action},
        **extra,
    )


def current(list_id, priority, name=None, action="ALLOW", **extra):
    """A rule as AWS lists it: the wanted keys plus those AWS adds."""
    return dict(
        spec(list_id, priority, name, action, **extra),
        FirewallRuleGroupId="rslvr-frg-1",
        FirewallDomainRedirectionAction=extra.get("FirewallDomainRedirectionAction", "INSPECT_REDIRECTION_DOMAIN"),
        CreatorRequestId="token",
    )


def option(name="r", priority=100, action="ALLOW", **extra):
    return dict({"name": name, "priority": priority, "action": action}, **extra)


@pytest.mark.parametrize(
    ("rules", "errors"),
    [
        pytest.param([option()], [], id="allow"),
        pytest.param([option(action="BLOCK", block_response="NODATA")], [], id="block-nodata"),
        pytest.param(
            [
                option(
                    action="BLOCK",
                    block_response="OVERRIDE",
                    block_override_domain="d",
                    block_override_dns_type="CNAME",
                    block_override_ttl=0,
                )
            ],
            [],
            id="override-complete-ttl-zero",
        ),
        pytest.param(
            [option(action="ALERT", block_override_ttl=5)],
            ["rule 'r': block_override_ttl apply to action BLOCK only"],
            id="alert-with-ttl",
        ),
        pytest.param([option(action="BLOCK")], ["rule 'r': action BLOCK needs block_response"], id="block-alone"),
        pytest.param(
            [option(action="BLOCK", block_response="NXDOMAIN", block_override_domain="d")],
            ["rule 'r': block_override_domain apply to block_response OVERRIDE only"],
            id="override-field-without-override",
        ),
        pytest.param(
            [option(action="BLOCK", block_response="OVERRIDE")],
            [
                "rule 'r': block_response OVERRIDE needs block_override_domain, block_override_dns_type, "
                "block_override_ttl"
            ],
            id="override-alone",
        ),
        pytest.param(
            [option("a", 1), option("b", 1), option("c", 1)],
            ["rules 'a' and 'b' have the same priority 1", "rules 'a' and 'c' have the same priority 1"],
            id="same-priority",
        ),
    ],
)
def test_validate_rule_options(rules, errors):
    assert module.validate_rule_options(rules) == errors


def test_rule_spec_leaves_out_what_is_not_given_and_upper_cases_the_query_type():
    rule = option(firewall_domain_list_name="x", q_type="aaaa", block_response=None)

    assert module.rule_spec(rule, "rslvr-fdl-1") == {
        "FirewallDomainListId": "rslvr-fdl-1",
        "Name": "r",
        "Priority": 100,
        "Action": "ALLOW",
        "Qtype": "AAAA",
    }


@pytest.mark.parametrize(
    ("found", "wanted", "differences"),
    [
        pytest.param(current("l", 1), spec("l", 1), [], id="same"),
        pytest.param(current("l", 1), spec("l", 2), ["Priority"], id="priority"),
        pytest.param(current("l", 1), spec("l", 1, name="other"), ["Name"], id="name"),
        pytest.param(current("l", 1), spec("l", 1, action="ALERT"), ["Action"], id="action"),
        pytest.param(
            current("l", 1, action="BLOCK", BlockResponse="NODATA"),
            spec("l", 1, action="BLOCK", BlockResponse="NXDOMAIN"),
            ["BlockResponse"],
            id="block-response",
        ),
        pytest.param(
            current("l", 1, action="BLOCK", BlockResponse="NODATA"),
            spec("l", 1, action="ALLOW"),
            ["Action"],
            id="block-settings-ignored-once-not-blocking",
        ),
        pytest.param(
            current("l", 1, action="BLOCK", BlockResponse="NODATA"),
            spec("l", 1, action="BLOCK", BlockResponse="NODATA", BlockOverrideTtl=5),
            [],
            id="override-settings-ignored-without-override",
        ),
        pytest.param(
            current(
                "l",
                1,
                action="BLOCK",
                BlockResponse="OVERRIDE",
                BlockOverrideDomain="a",
                BlockOverrideDnsType="CNAME",
                BlockOverrideTtl=5,
            ),
            spec(
                "l",
                1,
                action="BLOCK",
                BlockResponse="OVERRIDE",
                BlockOverrideDomain="b",
                BlockOverrideDnsType="CNAME",
                BlockOverrideTtl=6,
            ),
            ["BlockOverrideDomain", "BlockOverrideTtl"],
            id="override-settings",
        ),
        pytest.param(
            current("l", 1),
            spec("l", 1, FirewallDomainRedirectionAction="INSPECT_REDIRECTION_DOMAIN"),
            [],
            id="redirection-default",
        ),
        pytest.param(
            current("l", 1),
            spec("l", 1, FirewallDomainRedirectionAction="TRUST_REDIRECTION_DOMAIN"),
            ["FirewallDomainRedirectionAction"],
            id="redirection",
        ),
    ],
)
def test_rule_differences(found, wanted, differences):
    assert module.rule_differences(found, wanted) == differences


@pytest.mark.parametrize(
    ("found", "wanted", "purge", "expected"),
    [
        pytest.param([current("a", 1)], None, True, {"create": [], "update": [], "delete": []}, id="omitted"),
        pytest.param([], [spec("a", 1)], True, {"create": [spec("a", 1)], "update": [], "delete": []}, id="create"),
        pytest.param([current("a", 1)], [spec("a", 1)], True, {"create": [], "update": [], "delete": []}, id="same"),
        pytest.param(
            [current("a", 1, name="rule-a")],
            [spec("a", 2)],
            True,
            {"create": [], "update": [spec("a", 2)], "delete": []},
            id="update",
        ),
        pytest.param(
            [current("a", 1), current("b", 2)],
            [spec("a", 1)],
            True,
            {"create": [], "update": [], "delete": [current("b", 2)]},
            id="purge",
        ),
        pytest.param(
            [current("a", 1), current("b", 2)],
            [spec("a", 1)],
            False,
            {"create": [], "update": [], "delete": []},
            id="no-purge",
        ),
        pytest.param(
            [current("a", 1, Qtype="AAAA")],
            [spec("a", 1, Qtype="A")],
            True,
            {"create": [spec("a", 1, Qtype="A")], "update": [], "delete": [current("a", 1, Qtype="AAAA")]},
            id="query-type-is-identity",
        ),
        pytest.param(
            [current("a", 1, Qtype="aaaa")],
            [spec("a", 1, Qtype="AAAA")],
            True,
            {"create": [], "update": [], "delete": []},
            id="query-type-case",
        ),
    ],
)
def test_compute_rule_changes(found, wanted, purge, expected):
    assert module.compute_rule_changes(found, wanted, purge) == expected


def ops(found, changes):
    return [
        (operation, rule.get("FirewallDomainListId") or rule.get("FirewallThreatProtectionId"), rule["Priority"])
        for operation, rule in module.order_rule_operations(found, changes)
    ]


@pytest.mark.parametrize(
    ("found", "changes", "expected"),
    [
        pytest.param(
            [],
            {"create": [spec("a", 1), spec("b", 2)], "update": [], "delete": []},
            [("create", "a", 1), ("create", "b", 2)],
            id="creates",
        ),
        pytest.param(
            [current("a", 1)],
            {"create": [spec("b", 1)], "update": [], "delete": [current("a", 1)]},
            [("delete", "a", 1), ("create", "b", 1)],
            id="delete-frees-the-priority-first",
        ),
        pytest.param(
            [current("a", 1), current("b", 2)],
            {"create": [], "update": [spec("a", 2), spec("b", 1)], "delete": []},
            [("move", "b", 3), ("update", "a", 2), ("update", "b", 1)],
            id="swap",
        ),
        pytest.param(
            [current("a", 1), current("b", 2)],
            {"create": [spec("c", 2)], "update": [spec("b", 3)], "delete": []},
            [("update", "b", 3), ("create", "c", 2)],
            id="create-waits-for-the-move",
        ),
        pytest.param(
            [current("a", 1), current("b", 2), current("c", 3)],
            {"create": [], "update": [spec("a", 2), spec("b", 3), spec("c", 1)], "delete": []},
            [("move", "b", 4), ("update", "a", 2), ("update", "c", 1), ("update", "b", 3)],
            id="rotation",
        ),
        pytest.param(
            [current("a", 1)],
            {"create": [], "update": [spec("a", 1, name="renamed")], "delete": []},
            [("update", "a", 1)],
            id="same-priority-update",
        ),
    ],
)
def test_order_rule_operations(found, changes, expected):
    assert ops(found, changes) == expected


def test_a_parked_rule_keeps_its_name_and_query_type():
    found = [current("a", 1, Qtype="A"), current("b", 2)]
    changes = {"create": [], "update": [spec("a", 2, Qtype="A"), spec("b", 1)], "delete": []}

    operations = module.order_rule_operations(found, changes)

    assert operations[0] == ("move", {"FirewallDomainListId": "b", "Priority": 3, "Name": "rule-b"})
    assert module.order_rule_operations(
        [current("a", 1, Qtype="A"), current("b", 2)],
        {"create": [], "update": [spec("b", 1), spec("a", 2, Qtype="A")], "delete": []},
    )[0] == ("move", {"FirewallDomainListId": "a", "Qtype": "A", "Priority": 3, "Name": "rule-a"})


def test_a_priority_held_by_a_kept_rule_is_an_error():
    with pytest.raises(ValueError, match="priority 1 of rule 'rule-b' is held by rule 'rule-a'"):
        module.order_rule_operations([current("a", 1)], {"create": [spec("b", 1)], "update": [], "delete": []})


@pytest.mark.parametrize(
    ("found", "wanted", "purge", "expected_names"),
    [
        pytest.param([current("a", 1), current("b", 2)], None, True, ["rule-a", "rule-b"], id="omitted"),
        pytest.param([current("a", 1), current("b", 2)], [spec("b", 0)], True, ["rule-b"], id="purged"),
        pytest.param(
            [current("a", 1), current("b", 2)], [spec("c", 0)], False, ["rule-c", "rule-a", "rule-b"], id="kept"
        ),
    ],
)
def test_rules_after(found, wanted, purge, expected_names):
    assert [rule["Name"] for rule in module.rules_after(found, wanted, purge)] == expected_names


def test_rules_after_drops_block_settings_of_a_rule_no_longer_blocking():
    found = [current("a", 1, action="BLOCK", BlockResponse="NODATA")]

    (after,) = module.rules_after(found, [spec("a", 1, action="ALLOW")], True)

    assert "BlockResponse" not in after
    assert after["FirewallDomainRedirectionAction"] == "INSPECT_REDIRECTION_DOMAIN"

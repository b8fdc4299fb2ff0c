"""route53resolver_firewall_info against a stubbed Route 53 Resolver: every listing, every page, every option."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_info as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r

OWN_LIST = r.domain_list_metadata()
MANAGED_LIST = r.managed_list_metadata()
GROUP = r.rule_group_metadata()
SHARED_GROUP = r.rule_group_metadata(
    group_id="rslvr-frg-shared0000000000", name="shared", share_status="SHARED_WITH_ME"
)
ALLOW_RULE = r.rule(list_id=r.AWS_LIST_ID, name="allow-aws", priority=100, action="ALLOW")
BLOCK_RULE = r.rule(
    list_id=r.ALL_LIST_ID, name="block-everything-else", priority=200, action="BLOCK", BlockResponse="NODATA"
)


def domain_lists(stub, *items):
    stub.add_response("list_firewall_domain_lists", {"FirewallDomainLists": list(items)}, {})


def groups(stub, *items):
    stub.add_response("list_firewall_rule_groups", {"FirewallRuleGroups": list(items)}, {})


def rules(stub, group_id, *items):
    stub.add_response("list_firewall_rules", {"FirewallRules": list(items)}, {"FirewallRuleGroupId": group_id})


def associations(stub, params, *items):
    stub.add_response("list_firewall_rule_group_associations", {"FirewallRuleGroupAssociations": list(items)}, params)


def configs(stub, *items):
    stub.add_response("list_firewall_configs", {"FirewallConfigs": list(items)}, {})


def tags(stub, arn, found):
    stub.add_response("list_tags_for_resource", {"Tags": r.tag_list(found)}, {"ResourceArn": arn})


def test_everything_in_the_region(aws):
    stub = aws.stub("route53resolver")
    domain_lists(stub, OWN_LIST, MANAGED_LIST)
    groups(stub, GROUP)
    rules(stub, r.GROUP_ID, BLOCK_RULE, ALLOW_RULE)
    associations(stub, {}, r.association())
    configs(stub, r.firewall_config(), r.firewall_config(vpc_id="vpc-2", fail_open="ENABLED"))

    result = run_module(module.main, {})

    assert result["changed"] is False
    assert [item["name"] for item in result["firewall_domain_lists"]] == ["prod-aws-domains", MANAGED_LIST["Name"]]
    assert "domains" not in result["firewall_domain_lists"][0]
    assert result["firewall_domain_lists"][1]["managed_owner_name"] == "Route 53 Resolver DNS Firewall"
    (group,) = result["firewall_rule_groups"]
    assert [rule["name"] for rule in group["rules"]] == ["allow-aws", "block-everything-else"]
    assert group["rules"][1]["block_response"] == "NODATA"
    assert result["firewall_rule_group_associations"][0]["priority"] == 101
    assert [(c["resource_id"], c["firewall_fail_open"]) for c in result["firewall_configs"]] == [
        (r.VPC, "DISABLED"),
        ("vpc-2", "ENABLED"),
    ]


def test_domains_and_tags_of_own_resources(aws):
    stub = aws.stub("route53resolver")
    domain_lists(stub, OWN_LIST, MANAGED_LIST)
    stub.add_response(
        "list_firewall_domains",
        {"Domains": ["*.amazonaws.com.", "B.example.com."]},
        {"FirewallDomainListId": r.AWS_LIST_ID},
    )
    tags(stub, OWN_LIST["Arn"], {"deployment": "prod"})
    groups(stub, GROUP, SHARED_GROUP)
    rules(stub, r.GROUP_ID, ALLOW_RULE)
    tags(stub, GROUP["Arn"], {"deployment": "prod"})
    rules(stub, SHARED_GROUP["Id"])
    associations(stub, {}, r.association())
    tags(stub, r.association()["Arn"], {"deployment": "prod"})
    configs(stub)

    result = run_module(module.main, {"include_domains": True, "include_tags": True})

    own, managed = result["firewall_domain_lists"]
    assert own["domains"] == ["*.amazonaws.com", "b.example.com"]
    assert own["tags"] == {"deployment": "prod"}
    assert "domains" not in managed and "tags" not in managed
    group, shared = result["firewall_rule_groups"]
    assert group["tags"] == {"deployment": "prod"}
    assert "tags" not in shared and shared["rules"] == []
    assert result["firewall_rule_group_associations"][0]["tags"] == {"deployment": "prod"}


def test_one_vpc(aws):
    stub = aws.stub("route53resolver")
    domain_lists(stub)
    groups(stub)
    associations(stub, {"VpcId": r.VPC, "Status": "UPDATING"}, r.association(status="UPDATING"))
    stub.add_response("get_firewall_config", {"FirewallConfig": r.firewall_config()}, {"ResourceId": r.VPC})

    result = run_module(module.main, {"vpc_id": r.VPC, "association_status": "UPDATING"}, check_mode=True)

    assert result["firewall_rule_group_associations"][0]["status"] == "UPDATING"
    assert result["firewall_configs"] == [
        {
            "id": "rslvr-fc-eeeeeeeeeeeeeeee",
            "resource_id": r.VPC,
            "owner_id": r.ACCOUNT,
            "firewall_fail_open": "DISABLED",
        }
    ]


def test_a_vpc_without_config(aws):
    stub = aws.stub("route53resolver")
    domain_lists(stub)
    groups(stub)
    associations(stub, {"VpcId": r.VPC})
    stub.add_client_error(
        "get_firewall_config", expected_params={"ResourceId": r.VPC}, **client_error("ResourceNotFoundException")
    )

    result = run_module(module.main, {"vpc_id": r.VPC})

    assert result["firewall_configs"] == []
    assert result["firewall_rule_group_associations"] == []


def test_every_page_is_read(aws):
    stub = aws.stub("route53resolver")
    stub.add_response("list_firewall_domain_lists", {"FirewallDomainLists": [OWN_LIST], "NextToken": "l2"}, {})
    stub.add_response("list_firewall_domain_lists", {"FirewallDomainLists": [MANAGED_LIST]}, {"NextToken": "l2"})
    groups(stub, GROUP)
    stub.add_response(
        "list_firewall_rules", {"FirewallRules": [BLOCK_RULE], "NextToken": "r2"}, {"FirewallRuleGroupId": r.GROUP_ID}
    )
    stub.add_response(
        "list_firewall_rules", {"FirewallRules": [ALLOW_RULE]}, {"FirewallRuleGroupId": r.GROUP_ID, "NextToken": "r2"}
    )
    stub.add_response(
        "list_firewall_rule_group_associations",
        {"FirewallRuleGroupAssociations": [r.association()], "NextToken": "a2"},
        {},
    )
    stub.add_response(
        "list_firewall_rule_group_associations",
        {"FirewallRuleGroupAssociations": [r.association(association_id="rslvr-frgassoc-2", vpc_id="vpc-2")]},
        {"NextToken": "a2"},
    )
    stub.add_response("list_firewall_configs", {"FirewallConfigs": [r.firewall_config()], "NextToken": "c2"}, {})
    stub.add_response("list_firewall_configs", {"FirewallConfigs": [r.firewall_config("vpc-2")]}, {"NextToken": "c2"})

    result = run_module(module.main, {})

    assert len(result["firewall_domain_lists"]) == 2
    assert [rule["priority"] for rule in result["firewall_rule_groups"][0]["rules"]] == [100, 200]
    assert [a["vpc_id"] for a in result["firewall_rule_group_associations"]] == [r.VPC, "vpc-2"]
    assert [c["resource_id"] for c in result["firewall_configs"]] == [r.VPC, "vpc-2"]


def test_throttling_is_retried(aws):
    stub = aws.stub("route53resolver")
    stub.add_client_error("list_firewall_domain_lists", **client_error("ThrottlingException"))
    domain_lists(stub, OWN_LIST)
    groups(stub)
    stub.add_client_error("list_firewall_rule_group_associations", **client_error("ThrottlingException"))
    associations(stub, {})
    configs(stub)

    result = run_module(module.main, {})

    assert len(result["firewall_domain_lists"]) == 1
    assert len(aws.sleeps) == 2


def test_access_denied_is_reported(aws):
    stub = aws.stub("route53resolver")
    domain_lists(stub)
    stub.add_client_error("list_firewall_rule_groups", **client_error("AccessDeniedException", "denied", 403))

    result = run_module(module.main, {})

    assert_fails_with(result, "Failed to list firewall rule groups")


def test_the_enum_check_catches_an_invalid_status_filter():
    good = r53r.association_filters(vpc_id=r.VPC, status="COMPLETE")
    bad = r53r.association_filters(vpc_id=r.VPC, status="ACTIVE")

    assert r.violations("ListFirewallRuleGroupAssociations", good) == []
    assert r.violations("ListFirewallRuleGroupAssociations", bad) == [
        "ListFirewallRuleGroupAssociations.Status='ACTIVE' is not one of ['COMPLETE', 'DELETING', 'UPDATING']"
    ]

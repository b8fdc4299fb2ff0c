from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multiregion.serverless.plugins.filter.waf import FilterModule
from ansible_collections.multiregion.serverless.plugins.filter.waf import waf_redacted_headers
from ansible_collections.multiregion.serverless.plugins.filter.waf import waf_rules

GROUPS = [
    {"name": "AWSManagedRulesAmazonIpReputationList"},
    {"name": "AWSManagedRulesCommonRuleSet", "count_rules": ["GenericLFI_BODY", "GenericRFI_BODY"]},
]


def test_managed_groups_by_priority_then_the_rate_rule():
    rules = waf_rules(GROUPS, 2000, "mrdemo-api")
    assert [(r["Name"], r["Priority"]) for r in rules] == [
        ("AWSManagedRulesAmazonIpReputationList", 0),
        ("AWSManagedRulesCommonRuleSet", 1),
        ("rate-limit-per-ip", 2),
    ]
    assert rules[0] == {
        "Name": "AWSManagedRulesAmazonIpReputationList",
        "Priority": 0,
        "OverrideAction": {"None": {}},
        "Statement": {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}
        },
        "VisibilityConfig": {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "mrdemo-api-AWSManagedRulesAmazonIpReputationList",
        },
    }
    assert rules[1]["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"] == [
        {"Name": "GenericLFI_BODY", "ActionToUse": {"Count": {}}},
        {"Name": "GenericRFI_BODY", "ActionToUse": {"Count": {}}},
    ]
    assert rules[2]["Action"] == {"Block": {}}
    assert rules[2]["Statement"] == {
        "RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP", "EvaluationWindowSec": 300}
    }
    assert all(r["VisibilityConfig"]["SampledRequestsEnabled"] for r in rules)


def test_snake_case_round_trips_through_community_aws():
    from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

    from ansible_collections.community.aws.plugins.module_utils.wafv2 import wafv2_snake_dict_to_camel_dict

    api = waf_rules(GROUPS, 2000, "mrdemo-api")
    snake = waf_rules(GROUPS, 2000, "mrdemo-api", snake_case=True)
    assert snake[1]["override_action"] == {"none": {}}
    assert "cloud_watch_metrics_enabled" in snake[0]["visibility_config"]
    # What community.aws.wafv2_web_acl does to each rule it is given.
    sent = [wafv2_snake_dict_to_camel_dict(snake_dict_to_camel_dict(r, capitalize_first=True)) for r in snake]
    assert sent == api


def test_no_rate_limit_means_no_rate_rule():
    assert [r["Name"] for r in waf_rules(GROUPS, 0, "x")] == [g["name"] for g in GROUPS]


def test_rate_rule_can_count_and_use_another_window():
    [rule] = waf_rules([], "500", "x", rate_limit_action="count", evaluation_window=60)
    assert rule["Priority"] == 0
    assert rule["Action"] == {"Count": {}}
    assert rule["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 60


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"rate_limit": 5}, "waf_rate_limit=5 must be between 10"),
        ({"rate_limit": 100, "evaluation_window": 30}, "evaluation window 30"),
        ({"rate_limit": 100, "rate_limit_action": "allow"}, "waf_rate_limit_action='allow'"),
        ({"rate_limit": 100, "name": "bad name"}, "not a valid WAF metric name"),
    ],
)
def test_bad_settings_are_refused(kwargs, text):
    args = {"managed_rule_groups": [], "name": "x", **kwargs}
    with pytest.raises(AnsibleFilterError, match=text):
        waf_rules(**args)


def test_redacted_headers():
    assert waf_redacted_headers(["Authorization", "x-api-key"]) == [
        {"SingleHeader": {"Name": "authorization"}},
        {"SingleHeader": {"Name": "x-api-key"}},
    ]
    assert waf_redacted_headers(None) == []


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"waf_rules", "waf_redacted_headers"}

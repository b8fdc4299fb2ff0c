"""wafv2_web_acl's pure functions: normalisation and comparison against botocore's WAFv2 model, rule merging,
the requests it plans."""

from __future__ import annotations

import copy
import re

import botocore.session
import pytest

from ansible_collections.multiregion.serverless.plugins.filter.waf import waf_rules
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.modules import wafv2_web_acl as module

SERVICE = botocore.session.get_session().get_service_model("wafv2")
MODEL = module.model_of(SERVICE)
RULE = MODEL.rules.member
NAME = "mrdemo-api"
RULES = waf_rules([{"name": "AWSManagedRulesCommonRuleSet", "count_rules": ["GenericLFI_BODY"]}], 2000, NAME)
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": NAME}
SHIELD = f"ShieldMitigationRuleGroup_123456789012_5e665b6b-1a2b-4c3d-9e8f-0a1b2c3d4e5f_{NAME}"


def options(**given) -> dict:
    """The module's options, as main() hands them on: every option, None when not given."""
    base = {
        "name": NAME,
        "scope": "REGIONAL",
        "description": None,
        "default_action": None,
        "rules": None,
        "purge_rules": True,
        "sampled_requests": None,
        "cloudwatch_metrics": None,
        "metric_name": None,
        "tags": None,
        "purge_tags": True,
    }
    base.update(given)
    return base


def current(**changes) -> dict:
    acl = {
        "Name": NAME,
        "Id": "0f1e2d3c",
        "ARN": f"arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/{NAME}/0f1e2d3c",
        "DefaultAction": {"Allow": {}},
        "Description": "mrdemo",
        "Rules": copy.deepcopy(RULES),
        "VisibilityConfig": dict(VISIBILITY),
        "Capacity": 700,
        "ManagedByFirewallManager": False,
        "LabelNamespace": f"awswaf:123456789012:webacl:{NAME}:",
    }
    acl.update(changes)
    return acl


def rate_rule(**statement) -> dict:
    return {
        "Name": "rate",
        "Priority": 1,
        "Action": {"Block": {}},
        "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP", **statement}},
        "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "rate"},
    }


# --- normalisation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, described",
    [
        # The evaluation window WAF fills in and reports.
        (rate_rule(), rate_rule(EvaluationWindowSec=300)),
        # Numbers and booleans given as text (a template's output).
        (
            dict(rate_rule(Limit="2000"), Priority="1", VisibilityConfig=dict(rate_rule()["VisibilityConfig"])),
            rate_rule(EvaluationWindowSec=300),
        ),
        (
            dict(rate_rule(), VisibilityConfig={**rate_rule()["VisibilityConfig"], "SampledRequestsEnabled": "yes"}),
            rate_rule(),
        ),
        # An empty list and an absent one; None and absent.
        (dict(rate_rule(), RuleLabels=[]), rate_rule()),
        (dict(rate_rule(), CaptchaConfig=None), rate_rule()),
        # A blob: text in the request, bytes in GetWebACL's answer.
        (
            {"Statement": {"ByteMatchStatement": {"SearchString": "/admin", "FieldToMatch": {"UriPath": {}}}}},
            {"Statement": {"ByteMatchStatement": {"SearchString": b"/admin", "FieldToMatch": {"UriPath": {}}}}},
        ),
        # A body's oversize handling, an SQL injection match's sensitivity.
        (
            {"Statement": {"SqliMatchStatement": {"FieldToMatch": {"Body": {}}}}},
            {
                "Statement": {
                    "SqliMatchStatement": {
                        "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
                        "SensitivityLevel": "LOW",
                    }
                }
            },
        ),
    ],
)
def test_what_waf_fills_in_or_spells_otherwise_is_no_difference(given, described):
    assert module.normalized(RULE, given) == module.normalized(RULE, described)


@pytest.mark.parametrize(
    "given, described",
    [
        (rate_rule(), rate_rule(EvaluationWindowSec=60)),
        (rate_rule(), rate_rule(Limit=100)),
        (dict(rate_rule(), Action={"Count": {}}), rate_rule()),
        # An empty structure means something: OverrideAction None is not Count.
        ({"OverrideAction": {"None": {}}}, {"OverrideAction": {"Count": {}}}),
        ({"OverrideAction": {"None": {}}}, {}),
        (
            {"Statement": {"ByteMatchStatement": {"FieldToMatch": {"Body": {}}}}},
            {"Statement": {"ByteMatchStatement": {"FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}}}}},
        ),
    ],
)
def test_real_differences_stay(given, described):
    assert module.normalized(RULE, given) != module.normalized(RULE, described)


def test_without_defaults_only_types_and_empties_change():
    given = dict(rate_rule(Limit="2000"), RuleLabels=[], CaptchaConfig=None)
    assert module.normalized(RULE, given, defaults=False) == rate_rule()


def test_keys_the_model_does_not_know_are_kept_for_validation_to_report():
    assert module.normalized(RULE, {"Statment": {"X": "1"}}) == {"Statment": {"X": "1"}}


@pytest.mark.parametrize("shape_name, defaults", sorted(module.DEFAULTS.items()))
def test_each_default_is_the_one_the_api_reference_documents(shape_name, defaults):
    shape = SERVICE.shape_for(shape_name)
    for member, value in defaults.items():
        assert member in shape.members
        text = re.sub(r"<[^>]+>", "", shape.members[member].documentation)
        spelled = str(value).upper() if isinstance(value, bool) else str(value)
        assert f"Default: {spelled}" in text, (shape_name, member, text)


# --- comparison ---------------------------------------------------------------------------------------------


def test_a_web_acl_as_described_compares_equal_to_the_options_that_made_it():
    given = copy.deepcopy(RULES)
    del given[1]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"]
    wanted = module.update_request(
        current(),
        options(default_action="Allow", description="mrdemo", rules=given, sampled_requests=True, metric_name=NAME),
        MODEL,
    )
    described = current(Rules=list(reversed(copy.deepcopy(RULES))))
    assert module.compared_view(described, NAME, MODEL) == module.compared_view(wanted, NAME, MODEL)


def test_the_compared_view_shows_only_the_managed_settings():
    view = module.compared_view(current(), NAME, MODEL, tags={"A": "b"})
    assert set(view) == {"name", "description", "default_action", "rules", "visibility_config", "tags"}
    assert view["description"] == "mrdemo"
    assert module.compared_view(current(Description=None), NAME, MODEL)["description"] == ""
    assert "tags" not in module.compared_view(current(), NAME, MODEL)
    assert module.compared_view(None, NAME, MODEL) == {}


# --- rules --------------------------------------------------------------------------------------------------


def named(name: str, priority: int) -> dict:
    return dict(rate_rule(), Name=name, Priority=priority)


@pytest.mark.parametrize(
    "existing, given, purge, expected",
    [
        ([named("a", 0), named("b", 1)], [named("c", 2)], True, ["c"]),
        ([named("a", 0), named("b", 1)], [named("c", 2)], False, ["a", "b", "c"]),
        ([named("a", 0), named("b", 5)], [named("b", 1)], False, ["a", "b"]),
        ([named("a", 0), named(SHIELD, 9)], [named("c", 2)], True, ["c", SHIELD]),
        ([named("a", 0), named(SHIELD, 9)], [], True, [SHIELD]),
        # Named in the rules, Shield's rule is the task's like any other.
        ([named(SHIELD, 9)], [named(SHIELD, 3), named("c", 2)], True, ["c", SHIELD]),
        (None, [named("b", 1), named("a", 0)], True, ["a", "b"]),
    ],
)
def test_merged_rules(existing, given, purge, expected):
    assert [r["Name"] for r in module.merged_rules(existing, given, purge)] == expected


def test_a_shield_rule_is_known_by_its_whole_pattern():
    assert module.is_shield_rule({"Name": SHIELD})
    assert not module.is_shield_rule({"Name": "ShieldMitigationRuleGroup_mine"})


def test_a_kept_rule_with_a_given_rules_priority_clashes():
    merged = module.merged_rules([named("a", 0), named("b", 1)], [named("c", 1)], purge=False)
    [clash] = module.priority_clashes(merged, [named("c", 1)])
    assert clash == "rule b, which the web ACL keeps, has priority 1, as the rule c of rules"
    with pytest.raises(ModuleFailure, match="rule b, which the web ACL keeps"):
        module.update_request(
            current(Rules=[named("a", 0), named("b", 1)]), options(rules=[named("c", 1)], purge_rules=False), MODEL
        )


@pytest.mark.parametrize(
    "rules, messages",
    [
        (None, []),
        (RULES, []),
        ([dict(rate_rule(), Priority="1")], []),
        ([dict(rate_rule(), Statment={})], ['Unknown parameter in [0]: "Statment"']),
        ([{"Name": "x", "Priority": 0, "Statement": {}}], ['Missing required parameter in [0]: "VisibilityConfig"']),
        ([named("a", 0), named("a", 1)], ["two rules have the same name: a"]),
        ([named("a", 0), named("b", "0")], ["two rules have the same priority: 0"]),
    ],
)
def test_rule_errors(rules, messages):
    errors = module.rule_errors(rules, MODEL.rules)
    assert len(errors) == len(messages), errors
    for error, message in zip(errors, messages, strict=True):
        assert error.startswith("rules: ") and message in error


# --- requests -----------------------------------------------------------------------------------------------


def test_an_update_carries_the_settings_the_module_does_not_manage():
    kept = {
        "CustomResponseBodies": {"denied": {"ContentType": "TEXT_PLAIN", "Content": "no"}},
        "TokenDomains": ["example.com"],
        "ChallengeConfig": {"ImmunityTimeProperty": {"ImmunityTime": 300}},
        "DataProtectionConfig": {"DataProtections": []},
    }
    request = module.update_request(current(**kept), options(default_action="Block"), MODEL)
    for key in ("CustomResponseBodies", "TokenDomains", "ChallengeConfig"):
        assert request[key] == kept[key]
    # What WAF computes, and the web ACL's identifiers, are not settings.
    assert not {"Capacity", "LabelNamespace", "ManagedByFirewallManager", "ARN", "Id", "Name"} & set(request)
    assert request["DefaultAction"] == {"Block": {}}
    assert request["Rules"] == RULES
    assert request["Description"] == "mrdemo"


def test_options_left_out_leave_the_settings_as_they_are():
    acl = current()
    request = module.update_request(acl, options(), MODEL)
    assert {k: acl[k] for k in module.COMPARED} == {k: request[k] for k in module.COMPARED}


@pytest.mark.parametrize(
    "given, default_action",
    [
        ({"Block": {"CustomResponse": {"ResponseCode": 403}}}, {"Block": {"CustomResponse": {"ResponseCode": 403}}}),
        ({"Allow": {"CustomRequestHandling": {"InsertHeaders": []}}}, {"Block": {}}),
    ],
)
def test_the_default_action_keeps_its_settings_while_it_stays(given, default_action):
    assert module.with_options({"DefaultAction": given}, options(default_action="Block"))["DefaultAction"] == (
        default_action
    )


def test_an_empty_description_is_removed_and_visibility_options_replace_their_own_keys():
    spec = module.with_options(
        {"Description": "old", "VisibilityConfig": dict(VISIBILITY)},
        options(description="", sampled_requests=False),
    )
    assert "Description" not in spec
    assert spec["VisibilityConfig"] == dict(VISIBILITY, SampledRequestsEnabled=False)


def test_a_create_request_takes_a_new_web_acls_defaults():
    request = module.create_request(options(default_action="Allow", tags={"A": "b"}))
    assert request == {
        "Name": NAME,
        "Scope": "REGIONAL",
        "DefaultAction": {"Allow": {}},
        "Rules": [],
        "VisibilityConfig": {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": NAME},
        "Tags": [{"Key": "A", "Value": "b"}],
    }


def test_the_result_has_the_keys_in_snake_case_and_the_values_as_aws_spells_them():
    acl = current(Rules=[dict(rate_rule(), Statement={"ByteMatchStatement": {"SearchString": b"/x"}})])
    result = module.acl_result(dict(acl, LockToken="t"), {"A": "b"})
    assert result["default_action"] == {"Allow": {}}
    assert result["visibility_config"] == VISIBILITY
    assert result["rules"][0]["Statement"]["ByteMatchStatement"]["SearchString"] == "/x"
    assert result["label_namespace"] == acl["LabelNamespace"]
    assert result["tags"] == {"A": "b"}
    assert "lock_token" not in result

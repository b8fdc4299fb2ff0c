"""wafv2_web_acl's main() through botocore's Stubber: every request is checked against the WAFv2 service model, the
responses are shaped as the WAFv2 API reference documents them (GetWebACL with what WAF computes and fills in)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.multiregion.serverless.plugins.filter.waf import waf_rules
from ansible_collections.multiregion.serverless.plugins.modules import wafv2_web_acl as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ACCOUNT = "123456789012"
NAME = "mrdemo-api"
ACL_ID = "0f1e2d3c-aaaa-bbbb-cccc-123456789012"
ARN = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/{NAME}/{ACL_ID}"
TOKEN = "1a2b3c4d-0000-1111-2222-333344445555"
NEW_TOKEN = "5e6f7a8b-0000-1111-2222-333344445555"
DESCRIPTION = "mrdemo: protects the API stage in eu-west-1"
GROUPS = [
    {"name": "AWSManagedRulesAmazonIpReputationList"},
    {"name": "AWSManagedRulesCommonRuleSet", "count_rules": ["GenericLFI_BODY", "GenericRFI_BODY"]},
]
# The rules as the role gives them (the filter leaves EvaluationWindowSec in; a task may leave it out).
RULES = waf_rules(GROUPS, 2000, NAME)
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": NAME}
TAGS = {"Deployment": "mrdemo", "Owner": "platform"}
ARGS = {
    "name": NAME,
    "scope": "REGIONAL",
    "description": DESCRIPTION,
    "default_action": "Allow",
    "rules": RULES,
    "purge_rules": True,
    "sampled_requests": True,
    "cloudwatch_metrics": True,
    "metric_name": NAME,
    "tags": TAGS,
    "state": "present",
}
SHIELD_RULE = {
    "Name": f"ShieldMitigationRuleGroup_{ACCOUNT}_5e665b6b-1a2b-4c3d-9e8f-0a1b2c3d4e5f_uniqueid",
    "Priority": 10000000,
    "OverrideAction": {"None": {}},
    "Statement": {
        "RuleGroupReferenceStatement": {
            "ARN": "arn:aws:wafv2:eu-west-1:999999999999:regional/rulegroup/ShieldMitigationRuleGroup/abc"
        }
    },
    "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "shield"},
}


def summary(name=NAME, acl_id=ACL_ID, token=TOKEN, description=DESCRIPTION) -> dict:
    found = {
        "Name": name,
        "Id": acl_id,
        "LockToken": token,
        "ARN": f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/{name}/{acl_id}",
    }
    if description:
        found["Description"] = description
    return found


def described(rules=None, **changes) -> dict:
    """GetWebACL's WebACL as WAF answers it for the web ACL ARGS describes: what WAF computes, and what it fills in
    that the request left out."""
    acl = {
        "Name": NAME,
        "Id": ACL_ID,
        "ARN": ARN,
        "DefaultAction": {"Allow": {}},
        "Description": DESCRIPTION,
        "Rules": copy.deepcopy(RULES if rules is None else rules),
        "VisibilityConfig": dict(VISIBILITY),
        "Capacity": 1025,
        "PreProcessFirewallManagerRuleGroups": [],
        "PostProcessFirewallManagerRuleGroups": [],
        "ManagedByFirewallManager": False,
        "RetrofittedByFirewallManager": False,
        "LabelNamespace": f"awswaf:{ACCOUNT}:webacl:{NAME}:",
    }
    acl.update(changes)
    return acl


def calls(aws) -> list[str]:
    """The WAFv2 operations the module sends from now on, retries included."""
    sent: list[str] = []
    aws.client("wafv2").meta.events.register("provide-client-params.wafv2", lambda model, **_: sent.append(model.name))
    return sent


def expect_list(aws, *pages: list[dict], markers=()) -> None:
    """ListWebACLs answered with ``pages`` of summaries, each page but the last with its marker."""
    for index, page in enumerate(pages):
        params = {"Scope": "REGIONAL", "Limit": 100}
        if index:
            params["NextMarker"] = markers[index - 1]
        response = {"WebACLs": page}
        if index < len(markers):
            response["NextMarker"] = markers[index]
        aws.stub("wafv2").add_response("list_web_acls", response, params)


def expect_get(aws, acl=None, token=TOKEN) -> None:
    aws.stub("wafv2").add_response(
        "get_web_acl",
        {"WebACL": acl or described(), "LockToken": token},
        {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID},
    )


def expect_tags(aws, tags=None) -> None:
    tags = TAGS if tags is None else tags
    aws.stub("wafv2").add_response(
        "list_tags_for_resource",
        {"TagInfoForResource": {"ResourceARN": ARN, "TagList": [{"Key": k, "Value": v} for k, v in tags.items()]}},
        {"ResourceARN": ARN},
    )


def expect_existing(aws, acl=None, tags=None) -> None:
    """The web ACL found on the second entry of one page, read, and its tags (TAGS unless given) read."""
    expect_list(aws, [summary(name="other-api", acl_id="11111111-2222-3333-4444-555555555555"), summary()])
    expect_get(aws, acl)
    expect_tags(aws, tags)


def update_params(token=TOKEN, **changes) -> dict:
    """The UpdateWebACL request for the web ACL ``described()`` with ``changes``: the whole web ACL."""
    params = {
        "Name": NAME,
        "Scope": "REGIONAL",
        "Id": ACL_ID,
        "LockToken": token,
        "DefaultAction": {"Allow": {}},
        "Description": DESCRIPTION,
        "Rules": copy.deepcopy(RULES),
        "VisibilityConfig": dict(VISIBILITY),
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


def expect_update(aws, **changes) -> None:
    aws.stub("wafv2").add_response("update_web_acl", {"NextLockToken": NEW_TOKEN}, update_params(**changes))


# --- create -------------------------------------------------------------------------------------------------


def test_creates_the_web_acl_with_its_rules_and_tags(aws):
    sent = calls(aws)
    expect_list(aws, [])
    aws.stub("wafv2").add_response(
        "create_web_acl",
        {"Summary": summary()},
        {
            "Name": NAME,
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "Description": DESCRIPTION,
            "Rules": RULES,
            "VisibilityConfig": VISIBILITY,
            "Tags": [{"Key": "Deployment", "Value": "mrdemo"}, {"Key": "Owner", "Value": "platform"}],
        },
    )
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "CreateWebACL"]
    assert (result["arn"], result["id"], result["name"]) == (ARN, ACL_ID, NAME)
    assert result["web_acl"]["arn"] == ARN
    assert result["web_acl"]["rules"] == RULES
    assert result["web_acl"]["default_action"] == {"Allow": {}}
    assert result["web_acl"]["tags"] == TAGS
    assert "lock_token" not in result and "lock_token" not in result["web_acl"]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["rules"][1]["Name"] == "AWSManagedRulesCommonRuleSet"


def test_a_new_web_acl_takes_the_visibility_defaults_and_no_rules(aws):
    expect_list(aws, [])
    aws.stub("wafv2").add_response(
        "create_web_acl",
        {"Summary": summary(description=None)},
        {
            "Name": NAME,
            "Scope": "REGIONAL",
            "DefaultAction": {"Block": {}},
            "Rules": [],
            "VisibilityConfig": {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": NAME},
        },
    )
    result = run_module(module.main, {"name": NAME, "default_action": "Block"})
    assert_changed(result)
    assert "tags" not in result["web_acl"]


def test_creating_needs_the_default_action(aws):
    expect_list(aws, [])
    result = run_module(module.main, {"name": NAME, "rules": RULES})
    assert_fails_mentioning(result, "default_action is required to create web ACL mrdemo-api")


def test_a_rule_group_not_yet_available_is_retried(aws):
    expect_list(aws, [])
    aws.stub("wafv2").add_client_error("create_web_acl", **client_error("WAFUnavailableEntityException"))
    aws.stub("wafv2").add_response("create_web_acl", {"Summary": summary()})
    assert_changed(run_module(module.main, ARGS))
    assert len(aws.sleeps) == 1


# --- no change ----------------------------------------------------------------------------------------------


def test_a_web_acl_as_asked_costs_three_calls(aws):
    sent = calls(aws)
    # The name is on the first page: the listing stops there, whatever NextMarker says.
    expect_list(aws, [summary(name="other-api"), summary()], markers=["page-2"])
    expect_get(aws)
    expect_tags(aws)
    result = run_module(module.main, ARGS, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource"]
    assert (result["arn"], result["id"]) == (ARN, ACL_ID)
    assert result["web_acl"]["capacity"] == 1025
    assert result["web_acl"]["tags"] == TAGS


def test_what_waf_fills_in_and_computes_is_no_change(aws):
    # The task leaves EvaluationWindowSec out, gives numbers as text and an empty list; WAF reports the window's
    # default, the body's oversize handling and a blob as bytes, and computes capacity and the label namespace.
    given = copy.deepcopy(RULES)
    del given[2]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"]
    given[2]["Statement"]["RateBasedStatement"]["Limit"] = "2000"
    given[0]["Priority"] = "0"
    given[1]["Statement"]["ManagedRuleGroupStatement"]["ExcludedRules"] = []
    byte_match = {
        "Name": "block-admin",
        "Priority": 3,
        "Action": {"Block": {}},
        "Statement": {
            "ByteMatchStatement": {
                "SearchString": "/admin",
                "FieldToMatch": {"Body": {}},
                "PositionalConstraint": "STARTS_WITH",
                "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
            }
        },
        "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "admin"},
    }
    reported = copy.deepcopy(byte_match)
    reported["Statement"]["ByteMatchStatement"]["SearchString"] = b"/admin"
    reported["Statement"]["ByteMatchStatement"]["FieldToMatch"]["Body"] = {"OversizeHandling": "CONTINUE"}
    # GetWebACL lists the rules in its own order.
    expect_existing(aws, described(rules=[reported, *reversed(copy.deepcopy(RULES))]))
    result = run_module(module.main, dict(ARGS, rules=[*given, byte_match]), diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["web_acl"]["rules"][0]["Statement"]["ByteMatchStatement"]["SearchString"] == "/admin"


def test_options_left_out_are_left_alone(aws):
    sent = calls(aws)
    expect_list(aws, [summary()])
    expect_get(aws, described(DefaultAction={"Block": {}}, Description="another", Rules=[]))
    result = run_module(module.main, {"name": NAME}, diff=True)
    assert_unchanged_with_equal_diff(result)
    # Without tags, their read is left out too.
    assert sent == ["ListWebACLs", "GetWebACL"]
    assert "tags" not in result["web_acl"] and "tags" not in result["diff"]["before"]


def test_shields_mitigation_rule_is_neither_compared_nor_removed(aws):
    expect_existing(aws, described(rules=[*copy.deepcopy(RULES), SHIELD_RULE]))
    assert_unchanged(run_module(module.main, ARGS))


# --- updates ------------------------------------------------------------------------------------------------


def test_a_changed_rule_updates_the_whole_web_acl_keeping_what_the_module_does_not_manage(aws):
    kept = {
        "CustomResponseBodies": {"too-many": {"ContentType": "APPLICATION_JSON", "Content": '{"error": "slow down"}'}},
        "TokenDomains": ["example.com"],
        "CaptchaConfig": {"ImmunityTimeProperty": {"ImmunityTime": 600}},
        "AssociationConfig": {"RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_32"}}},
    }
    expect_existing(aws, described(rules=[*copy.deepcopy(RULES), SHIELD_RULE], **kept))
    rules = waf_rules(GROUPS, 500, NAME, rate_limit_action="count")
    expect_update(aws, Rules=[*rules, SHIELD_RULE], **kept)
    result = run_module(module.main, dict(ARGS, rules=rules), diff=True)
    assert_changed(result)
    before = {r["Name"]: r for r in result["diff"]["before"]["rules"]}
    after = {r["Name"]: r for r in result["diff"]["after"]["rules"]}
    assert before["rate-limit-per-ip"]["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert after["rate-limit-per-ip"]["Statement"]["RateBasedStatement"]["Limit"] == 500
    assert after["rate-limit-per-ip"]["Action"] == {"Count": {}}
    assert result["diff"]["before"]["default_action"] == result["diff"]["after"]["default_action"]
    assert result["web_acl"]["rules"][2]["Action"] == {"Count": {}}
    assert result["web_acl"]["token_domains"] == ["example.com"]


def test_a_rule_left_out_is_removed(aws):
    expect_existing(aws)
    expect_update(aws, Rules=RULES[:2])
    result = run_module(module.main, dict(ARGS, rules=RULES[:2]), diff=True)
    assert_changed(result)
    assert [r["Name"] for r in result["diff"]["before"]["rules"]][-1] == "rate-limit-per-ip"
    assert [r["Name"] for r in result["diff"]["after"]["rules"]] == [r["Name"] for r in RULES[:2]]


def test_without_purge_the_rules_given_are_added_or_replaced_and_the_others_kept(aws):
    extra = copy.deepcopy(RULES[2])
    extra.update(Name="rate-limit-strict", Priority=7)
    changed_rate = copy.deepcopy(RULES[2])
    changed_rate["Statement"]["RateBasedStatement"]["Limit"] = 100
    expect_existing(aws)
    expect_update(aws, Rules=[*RULES[:2], changed_rate, extra])
    result = run_module(module.main, dict(ARGS, rules=[extra, changed_rate], purge_rules=False))
    assert_changed(result)


def test_without_purge_a_kept_rule_cannot_share_a_priority(aws):
    clash = dict(copy.deepcopy(RULES[2]), Name="another-rate-limit", Priority=0)
    expect_existing(aws)
    result = run_module(module.main, dict(ARGS, rules=[clash], purge_rules=False))
    assert_fails_mentioning(
        result, "rule AWSManagedRulesAmazonIpReputationList, which the web ACL keeps, has priority 0"
    )


@pytest.mark.parametrize(
    "current, option, sent",
    [
        ({"Allow": {}}, "Block", {"Block": {}}),
        ({"Block": {}}, "Allow", {"Allow": {}}),
        # A custom response of the current action is kept while the action stays.
        (
            {"Block": {"CustomResponse": {"ResponseCode": 403, "CustomResponseBodyKey": "denied"}}},
            "Block",
            None,
        ),
    ],
)
def test_the_default_action(aws, current, option, sent):
    expect_existing(aws, described(DefaultAction=current))
    if sent is not None:
        expect_update(aws, DefaultAction=sent)
    result = run_module(module.main, dict(ARGS, default_action=option), diff=True)
    assert result["changed"] is (sent is not None)
    assert result["diff"]["before"]["default_action"] == current
    assert result["web_acl"]["default_action"] == (sent or current)


def test_a_new_description_is_sent(aws):
    expect_existing(aws)
    expect_update(aws, Description="mrdemo: renamed")
    result = run_module(module.main, dict(ARGS, description="mrdemo: renamed"), diff=True)
    assert_changed(result)
    assert (result["diff"]["before"]["description"], result["diff"]["after"]["description"]) == (
        DESCRIPTION,
        "mrdemo: renamed",
    )


def test_an_empty_description_removes_it(aws):
    expect_existing(aws)
    expect_update(aws, Description=None)
    result = run_module(module.main, dict(ARGS, description=""))
    assert_changed(result)
    assert "description" not in result["web_acl"]


def test_the_visibility_options_given_are_changed_the_others_kept(aws):
    expect_existing(aws, described(VisibilityConfig=dict(VISIBILITY, SampledRequestsEnabled=False)))
    expect_update(aws)
    result = run_module(
        module.main, dict(ARGS, cloudwatch_metrics=None, metric_name=None, sampled_requests=True), diff=True
    )
    assert_changed(result)
    assert result["diff"]["before"]["visibility_config"]["SampledRequestsEnabled"] is False
    assert result["diff"]["after"]["visibility_config"] == VISIBILITY


def test_a_stale_lock_token_is_read_again_and_the_update_planned_again(aws):
    expect_existing(aws)
    aws.stub("wafv2").add_client_error(
        "update_web_acl",
        expected_params=update_params(DefaultAction={"Block": {}}),
        **client_error(module.LOCKED, "AWS WAF couldn't save your changes because someone changed the resource"),
    )
    # Meanwhile someone added token domains: they are sent back with the new token.
    expect_get(aws, described(TokenDomains=["example.com"]), token=NEW_TOKEN)
    expect_update(aws, token=NEW_TOKEN, DefaultAction={"Block": {}}, TokenDomains=["example.com"])
    result = run_module(module.main, dict(ARGS, default_action="Block"))
    assert_changed(result)
    assert result["web_acl"]["token_domains"] == ["example.com"]
    assert result["web_acl"]["default_action"] == {"Block": {}}


def test_a_stale_lock_token_on_a_change_made_meanwhile_sends_nothing_more(aws):
    expect_existing(aws)
    aws.stub("wafv2").add_client_error("update_web_acl", **client_error(module.LOCKED))
    expect_get(aws, described(DefaultAction={"Block": {}}), token=NEW_TOKEN)
    result = run_module(module.main, dict(ARGS, default_action="Block"))
    assert_changed(result)
    assert result["web_acl"]["default_action"] == {"Block": {}}


def test_a_lock_token_stale_every_time_fails_after_three_attempts(aws):
    sent = calls(aws)
    expect_existing(aws)
    for attempt in range(module.LOCK_ATTEMPTS):
        aws.stub("wafv2").add_client_error("update_web_acl", **client_error(module.LOCKED))
        if attempt < module.LOCK_ATTEMPTS - 1:
            expect_get(aws, token=f"token-{attempt}")
    result = run_module(module.main, dict(ARGS, default_action="Block"))
    assert_fails_with(result, "Failed to update web ACL mrdemo-api")
    assert sent.count("UpdateWebACL") == module.LOCK_ATTEMPTS


# --- tags ---------------------------------------------------------------------------------------------------


def test_tags_added_and_removed(aws):
    sent = calls(aws)
    expect_existing(aws, tags={"Deployment": "mrdemo", "Team": "old"})
    aws.stub("wafv2").add_response(
        "tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "Owner", "Value": "platform"}]}
    )
    aws.stub("wafv2").add_response("untag_resource", {}, {"ResourceARN": ARN, "TagKeys": ["Team"]})
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource", "TagResource", "UntagResource"]
    assert result["diff"]["before"]["tags"] == {"Deployment": "mrdemo", "Team": "old"}
    assert result["diff"]["after"]["tags"] == TAGS
    assert result["diff"]["before"]["rules"] == result["diff"]["after"]["rules"]
    assert result["web_acl"]["tags"] == TAGS


def test_without_purge_tags_are_only_added(aws):
    expect_existing(aws, tags={"Deployment": "mrdemo", "Team": "old"})
    aws.stub("wafv2").add_response(
        "tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "Owner", "Value": "platform"}]}
    )
    result = run_module(module.main, dict(ARGS, purge_tags=False))
    assert_changed(result)
    assert result["web_acl"]["tags"] == {**TAGS, "Team": "old"}


def test_tags_are_read_on_every_page(aws):
    expect_list(aws, [summary()])
    expect_get(aws)
    wafv2 = aws.stub("wafv2")
    wafv2.add_response(
        "list_tags_for_resource",
        {
            "NextMarker": "tags-2",
            "TagInfoForResource": {"ResourceARN": ARN, "TagList": [{"Key": "Deployment", "Value": "mrdemo"}]},
        },
        {"ResourceARN": ARN},
    )
    wafv2.add_response(
        "list_tags_for_resource",
        {"TagInfoForResource": {"ResourceARN": ARN, "TagList": [{"Key": "Owner", "Value": "platform"}]}},
        {"ResourceARN": ARN, "NextMarker": "tags-2"},
    )
    assert_unchanged(run_module(module.main, ARGS))


# --- delete -------------------------------------------------------------------------------------------------


def absent(**args) -> dict:
    return {"name": NAME, "state": "absent", **args}


def test_deletes_with_the_lock_token_of_the_listing(aws):
    sent = calls(aws)
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_response(
        "delete_web_acl", {}, {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID, "LockToken": TOKEN}
    )
    result = run_module(module.main, absent(), diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "DeleteWebACL"]
    assert result["web_acl"] == {}
    assert "arn" not in result
    assert result["diff"] == {"before": {"name": NAME, "description": DESCRIPTION}, "after": {}}


def test_deleting_a_web_acl_that_does_not_exist_is_no_change(aws):
    expect_list(aws, [summary(name="other-api")])
    result = run_module(module.main, absent(), diff=True)
    assert_unchanged(result)
    assert result["diff"] == {"before": {}, "after": {}}


def test_a_web_acl_deleted_meanwhile_is_no_change(aws):
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_client_error("delete_web_acl", **client_error("WAFNonexistentItemException"))
    assert_unchanged(run_module(module.main, absent()))


def test_a_stale_lock_token_on_delete_is_read_again(aws):
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_client_error("delete_web_acl", **client_error(module.LOCKED))
    expect_get(aws, token=NEW_TOKEN)
    aws.stub("wafv2").add_response(
        "delete_web_acl", {}, {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID, "LockToken": NEW_TOKEN}
    )
    assert_changed(run_module(module.main, absent()))


def test_a_web_acl_still_associated_is_retried_then_fails(aws):
    expect_list(aws, [summary()])
    for _attempt in range(10):
        aws.stub("wafv2").add_client_error(
            "delete_web_acl",
            **client_error(
                "WAFAssociatedItemException",
                "AWS WAF couldn't perform the operation because your resource is being used",
            ),
        )
    result = run_module(module.main, absent())
    assert_fails_with(result, "Failed to delete web ACL mrdemo-api")
    assert len(aws.sleeps) == 9


def test_a_web_acl_associated_a_moment_ago_is_deleted_once_waf_lets_it_go(aws):
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_client_error("delete_web_acl", **client_error("WAFAssociatedItemException"))
    aws.stub("wafv2").add_response("delete_web_acl", {})
    assert_changed(run_module(module.main, absent()))


# --- check mode: no write -----------------------------------------------------------------------------------


def test_check_mode_create_writes_nothing(aws):
    sent = calls(aws)
    expect_list(aws, [])
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs"]
    # No ARN until the web ACL exists: the role's later tasks test `arn is defined`.
    assert "arn" not in result and "id" not in result
    assert result["web_acl"]["rules"] == RULES
    assert result["diff"]["after"]["tags"] == TAGS


def test_check_mode_update_writes_nothing(aws):
    sent = calls(aws)
    expect_existing(aws, tags={"Deployment": "mrdemo"})
    result = run_module(module.main, dict(ARGS, default_action="Block"), check_mode=True, diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource"]
    assert result["web_acl"]["default_action"] == {"Block": {}}
    assert result["web_acl"]["tags"] == TAGS
    assert result["diff"]["after"]["default_action"] == {"Block": {}}


def test_check_mode_delete_writes_nothing(aws):
    sent = calls(aws)
    expect_list(aws, [summary()])
    assert_changed(run_module(module.main, absent(), check_mode=True))
    assert sent == ["ListWebACLs"]


def test_the_diff_is_left_out_without_diff_mode(aws):
    expect_existing(aws)
    assert "diff" not in run_module(module.main, ARGS)


# --- listing, retries, input --------------------------------------------------------------------------------


def test_the_listing_follows_next_marker_to_the_name(aws):
    sent = calls(aws)
    expect_list(aws, [summary(name="other-api")], [summary()], markers=["page-2"])
    expect_get(aws)
    expect_tags(aws)
    assert_unchanged(run_module(module.main, ARGS))
    assert sent == ["ListWebACLs", "ListWebACLs", "GetWebACL", "ListTagsForResource"]


def test_a_name_on_no_page_is_created(aws):
    expect_list(aws, [summary(name="other-api")], [summary(name="third-api")], markers=["page-2"])
    aws.stub("wafv2").add_response("create_web_acl", {"Summary": summary()})
    assert_changed(run_module(module.main, ARGS))


def test_throttling_is_retried(aws):
    aws.stub("wafv2").add_client_error("list_web_acls", **client_error("ThrottlingException", status=400))
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_client_error("get_web_acl", **client_error("WAFInternalErrorException", status=500))
    expect_get(aws)
    expect_tags(aws)
    assert_unchanged(run_module(module.main, ARGS))
    assert len(aws.sleeps) == 2


def test_a_web_acl_gone_between_listing_and_reading_is_created(aws):
    expect_list(aws, [summary()])
    aws.stub("wafv2").add_client_error("get_web_acl", **client_error("WAFNonexistentItemException"))
    aws.stub("wafv2").add_response("create_web_acl", {"Summary": summary()})
    assert_changed(run_module(module.main, ARGS))


def test_a_failed_listing_names_the_web_acl(aws):
    aws.stub("wafv2").add_client_error("list_web_acls", **client_error("WAFInvalidParameterException"))
    result = run_module(module.main, ARGS)
    assert_fails_with(result, "Failed to list the REGIONAL web ACLs to find mrdemo-api")


@pytest.mark.parametrize("check_mode", [False, True])
def test_rules_the_api_would_refuse_fail_before_any_call(aws, check_mode):
    bad = copy.deepcopy(RULES)
    bad[0]["Statment"] = bad[0].pop("Statement")
    del bad[1]["VisibilityConfig"]
    result = run_module(module.main, dict(ARGS, rules=bad), check_mode=check_mode)
    assert_fails_mentioning(result, 'Unknown parameter in [0]: "Statment"')
    assert 'Missing required parameter in [1]: "VisibilityConfig"' in result["msg"]


# --- known_tags: the tags a GetResources snapshot showed earlier in the run -------------------------------------

OTHER_ARN = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/other-api/11111111-2222-3333-4444-555555555555"


def expect_existing_without_tags(aws, acl=None) -> None:
    """The web ACL found and read, its tags not read."""
    expect_list(aws, [summary(name="other-api", acl_id="11111111-2222-3333-4444-555555555555"), summary()])
    expect_get(aws, acl)


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_showing_the_wanted_tags_are_not_read_again(aws, check_mode):
    expect_existing(aws)
    read = run_module(module.main, ARGS, check_mode=check_mode, diff=True)
    sent = calls(aws)
    expect_existing_without_tags(aws)
    known = {ARN: dict(TAGS), OTHER_ARN: {"Deployment": "mrdemo"}}
    result = run_module(module.main, dict(ARGS, known_tags=known), check_mode=check_mode, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert sent == ["ListWebACLs", "GetWebACL"]
    assert result == read  # the same result and diff as with the tags read


def test_known_tags_showing_the_wanted_tags_with_a_settings_change_update_only_the_settings(aws):
    sent = calls(aws)
    expect_existing_without_tags(aws, described(Description="old"))
    expect_update(aws)
    result = run_module(module.main, dict(ARGS, known_tags={ARN: dict(TAGS)}), diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "GetWebACL", "UpdateWebACL"]
    assert result["diff"]["before"]["tags"] == result["diff"]["after"]["tags"] == TAGS
    assert result["web_acl"]["tags"] == TAGS


def test_known_tags_with_another_value_are_read_and_the_update_planned(aws):
    sent = calls(aws)
    expect_existing(aws, tags={"Deployment": "mrdemo", "Owner": "old"})
    aws.stub("wafv2").add_response(
        "tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "Owner", "Value": "platform"}]}
    )
    known = {ARN: {"Deployment": "mrdemo", "Owner": "old"}}
    result = run_module(module.main, dict(ARGS, known_tags=known), diff=True)
    assert_changed(result)
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource", "TagResource"]
    assert result["diff"]["before"]["tags"] == {"Deployment": "mrdemo", "Owner": "old"}
    assert result["web_acl"]["tags"] == TAGS


def test_known_tags_without_the_web_acl_are_read(aws):
    sent = calls(aws)
    expect_existing(aws)
    assert_unchanged(run_module(module.main, dict(ARGS, known_tags={OTHER_ARN: dict(TAGS)})))
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource"]


def test_known_tags_with_an_extra_tag_are_no_difference_without_purge(aws):
    sent = calls(aws)
    expect_existing_without_tags(aws)
    known = {ARN: {**TAGS, "Team": "edge"}}
    result = run_module(module.main, dict(ARGS, purge_tags=False, known_tags=known), diff=True)
    assert_unchanged_with_equal_diff(result)
    assert sent == ["ListWebACLs", "GetWebACL"]
    assert result["web_acl"]["tags"] == {**TAGS, "Team": "edge"}


def test_known_tags_with_an_extra_tag_are_read_with_purge(aws):
    sent = calls(aws)
    expect_existing(aws)
    assert_unchanged(run_module(module.main, dict(ARGS, known_tags={ARN: {**TAGS, "Team": "edge"}})))
    assert sent == ["ListWebACLs", "GetWebACL", "ListTagsForResource"]


def test_known_tags_without_tags_neither_read_nor_return_tags(aws):
    sent = calls(aws)
    expect_existing_without_tags(aws)
    args = {k: v for k, v in ARGS.items() if k != "tags"}
    result = run_module(module.main, dict(args, known_tags={ARN: dict(TAGS)}), diff=True)
    assert_unchanged_with_equal_diff(result)
    assert sent == ["ListWebACLs", "GetWebACL"]
    assert "tags" not in result["web_acl"] and "tags" not in result["diff"]["before"]

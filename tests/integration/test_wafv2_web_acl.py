"""wafv2_web_acl on the local endpoint: check mode on an empty account, creation, a rerun and a check-mode rerun
unchanged (the rerun's requests recorded: ListWebACLs, GetWebACL, ListTagsForResource), an update previewed then
made (default action, rate limit, description), tags added without purge and purged, deletion previewed then made,
and a second deletion unchanged.

The local endpoint keeps a web ACL's rules when UpdateWebACL sends an empty list, and deletes a web ACL that is still
associated (WAF answers WAFAssociatedItemException): removing every rule, the retries of a deletion, the lock token
refused and the other WAF answers are covered by the Stubber unit tests.
"""

from __future__ import annotations

import functools

from .conftest import playbook_runner
from .conftest import succeeded
from .conftest import task_result
from .request_log import recorded_requests

PLAYBOOK = "tests/integration/playbooks/wafv2_web_acl.yml"
NAME = "wa-test"
MANAGED = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet"]

run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Web ACL")


def web_acl(wafv2) -> dict | None:
    found = [a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == NAME]
    if not found:
        return None
    return wafv2.get_web_acl(Name=NAME, Scope="REGIONAL", Id=found[0]["Id"])["WebACL"]


def tags(wafv2, arn: str) -> dict:
    tag_list = wafv2.list_tags_for_resource(ResourceARN=arn)["TagInfoForResource"]["TagList"]
    return {t["Key"]: t["Value"] for t in tag_list}


def rate_rule(acl: dict) -> dict:
    return next(r for r in acl["Rules"] if r["Name"] == "rate-limit-per-ip")


def test_a_web_acl_through_its_life(ansible_playbook, boto, clean_endpoint):
    wafv2 = boto("wafv2")

    checked = run(ansible_playbook, "--check", "--diff")
    assert checked.changed() == {"localhost": 1}
    assert "arn" not in task(checked)
    assert task(checked)["diff"]["before"] == {}
    assert [r["Name"] for r in task(checked)["diff"]["after"]["rules"]] == [*MANAGED, "rate-limit-per-ip"]
    assert web_acl(wafv2) is None

    created = run(ansible_playbook)
    assert created.changed() == {"localhost": 1}
    acl = web_acl(wafv2)
    assert task(created)["arn"] == acl["ARN"]
    assert task(created)["id"] == acl["Id"]
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["Description"] == "wa-test: protects the API stage"
    assert acl["VisibilityConfig"] == {
        "SampledRequestsEnabled": True,
        "CloudWatchMetricsEnabled": True,
        "MetricName": NAME,
    }
    assert [(r["Name"], r["Priority"]) for r in acl["Rules"]] == [
        (n, i) for i, n in enumerate([*MANAGED, "rate-limit-per-ip"])
    ]
    common = acl["Rules"][1]["Statement"]["ManagedRuleGroupStatement"]
    assert [o["Name"] for o in common["RuleActionOverrides"]] == ["GenericLFI_BODY", "GenericRFI_BODY"]
    assert rate_rule(acl)["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert tags(wafv2, acl["ARN"]) == {"Deployment": "wa-test"}

    with recorded_requests(clean_endpoint) as (url, requests):
        again = succeeded(ansible_playbook(PLAYBOOK, extra_env={"AWS_ENDPOINT_URL": url}))
    assert again.changed() == {"localhost": 0}, task(again)
    assert requests == [("wafv2", "ListWebACLs"), ("wafv2", "GetWebACL"), ("wafv2", "ListTagsForResource")]
    assert task(again)["arn"] == acl["ARN"]
    assert task(again)["web_acl"]["tags"] == {"Deployment": "wa-test"}
    assert run(ansible_playbook, "--check", "--diff").changed() == {"localhost": 0}

    update = ("-e", '{"wa_default_action": "Block", "wa_rate_limit": 500, "wa_description": "wa-test: renamed"}')
    previewed = run(ansible_playbook, *update, "--check", "--diff")
    assert previewed.changed() == {"localhost": 1}
    diff = task(previewed)["diff"]
    assert (diff["before"]["default_action"], diff["after"]["default_action"]) == ({"Allow": {}}, {"Block": {}})
    assert rate_rule({"Rules": diff["after"]["rules"]})["Statement"]["RateBasedStatement"]["Limit"] == 500
    assert diff["after"]["description"] == "wa-test: renamed"
    assert web_acl(wafv2)["DefaultAction"] == {"Allow": {}}

    updated = run(ansible_playbook, *update)
    assert updated.changed() == {"localhost": 1}
    acl = web_acl(wafv2)
    assert acl["DefaultAction"] == {"Block": {}}
    assert acl["Description"] == "wa-test: renamed"
    assert rate_rule(acl)["Statement"]["RateBasedStatement"]["Limit"] == 500
    assert [r["Name"] for r in acl["Rules"]] == [*MANAGED, "rate-limit-per-ip"]
    assert run(ansible_playbook, *update).changed() == {"localhost": 0}

    owner = ("-e", '{"wa_tags": {"Owner": "platform"}, "wa_purge_tags": false}')
    assert run(ansible_playbook, *update, *owner).changed() == {"localhost": 1}
    assert tags(wafv2, acl["ARN"]) == {"Deployment": "wa-test", "Owner": "platform"}
    assert run(ansible_playbook, *update, *owner).changed() == {"localhost": 0}
    assert run(ansible_playbook, *update).changed() == {"localhost": 1}
    assert tags(wafv2, acl["ARN"]) == {"Deployment": "wa-test"}

    removing = run(ansible_playbook, "-e", "wa_state=absent", "--check", "--diff")
    assert removing.changed() == {"localhost": 1}
    assert task(removing)["diff"]["before"]["name"] == NAME
    assert web_acl(wafv2) is not None

    removed = run(ansible_playbook, "-e", "wa_state=absent")
    assert removed.changed() == {"localhost": 1}
    assert task(removed)["web_acl"] == {}
    assert web_acl(wafv2) is None
    assert run(ansible_playbook, "-e", "wa_state=absent").changed() == {"localhost": 0}

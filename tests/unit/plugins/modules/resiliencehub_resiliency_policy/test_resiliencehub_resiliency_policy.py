from __future__ import annotations

import copy
import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import resiliencehub_resiliency_policy as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_absent_changes_nothing
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import changed_copy
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import deleted_meanwhile
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    MISSION_CRITICAL,
)
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    MISSION_CRITICAL_TARGETS,
)

NAME = "prod-GlobalMissionCritical"
ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/8c3b5a1e-2f8e-4c43-9d6e-0d8c1a0f2b7e"
OTHER_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/0f0f0f0f-2f8e-4c43-9d6e-0d8c1a0f2b7e"
TARGETS = MISSION_CRITICAL_TARGETS
POLICY = {
    "policyArn": ARN,
    "policyName": NAME,
    "policyDescription": "Active/active API",
    "tier": "MissionCritical",
    "dataLocationConstraint": "AnyLocation",
    "estimatedCostTier": "L4",
    "creationTime": datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC),
    "policy": TARGETS,
    "tags": {"deployment": "prod"},
}
TAGS = {"deployment": "prod"}
ARGS = {
    "name": NAME,
    "description": "Active/active API",
    "tier": "MissionCritical",
    "data_location_constraint": "AnyLocation",
    "policy": MISSION_CRITICAL,
    "tags": TAGS,
}
LIST = {"policyName": NAME}


def args(**changes):
    return changed_copy(ARGS, **changes)


def policy(**changes):
    return changed_copy(POLICY, **changes)


def found(stub, current=None, tags=None, read_tags=False):
    """The policy listed with its ``tags``; ListTagsForResource is expected only with ``read_tags``: when the listed
    tags are not what the task wants (or the listing has none), the tagging API's own answer decides."""
    current = copy.deepcopy(POLICY) if current is None else current
    tags = copy.deepcopy(TAGS) if tags is None else tags
    current.setdefault("tags", tags)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [current]}, LIST)
    if read_tags:
        stub.add_response("list_tags_for_resource", {"tags": tags}, {"resourceArn": ARN})


def not_found(stub):
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": []}, LIST)


def test_create(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response(
        "create_resiliency_policy",
        {"policy": POLICY},
        {
            "policyName": NAME,
            "policyDescription": "Active/active API",
            "tier": "MissionCritical",
            "dataLocationConstraint": "AnyLocation",
            "policy": TARGETS,
            "tags": TAGS,
        },
    )
    result = run_module(module.main, args())
    assert_changed(result)
    assert result["policy"]["policy_arn"] == ARN
    assert result["policy"]["tier"] == "MissionCritical"
    assert result["policy"]["policy"]["region"] == {"rto_in_secs": 3600, "rpo_in_secs": 5}
    assert result["policy"]["policy"]["az"] == {"rto_in_secs": 1, "rpo_in_secs": 1}
    assert result["policy"]["creation_time"] == "2026-11-24T12:00:00+00:00"
    assert result["policy"]["tags"] == TAGS


def test_create_without_region_and_optional_attributes(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    targets = {k: v for k, v in TARGETS.items() if k != "Region"}
    stub.add_response(
        "create_resiliency_policy",
        {"policy": policy(policy=targets, tags={})},
        {"policyName": NAME, "tier": "Critical", "policy": targets},
    )
    wanted = {k: v for k, v in ARGS["policy"].items() if k != "region"}
    result = run_module(module.main, {"name": NAME, "tier": "Critical", "policy": wanted})
    assert result["changed"] is True, result
    assert "region" not in result["policy"]["policy"]


def test_no_change(aws):
    found(aws.stub("resiliencehub"))
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["policy"]["policy_arn"] == ARN


def test_rto_aliases_match_the_result_keys(aws):
    found(aws.stub("resiliencehub"))
    targets = {k: {"rto_in_secs": v["rto"], "rpo_in_secs": v["rpo"]} for k, v in ARGS["policy"].items()}
    result = run_module(module.main, args(policy=targets))
    assert result["changed"] is False, result


def test_omitted_attributes_are_left_alone(aws):
    current = policy(dataLocationConstraint="SameContinent", tags={"other": "x"})
    found(aws.stub("resiliencehub"), current=current, tags={"other": "x"})
    result = run_module(module.main, {"name": NAME})
    assert result["changed"] is False, result
    assert result["policy"]["data_location_constraint"] == "SameContinent"
    assert result["policy"]["tags"] == {"other": "x"}


@pytest.mark.parametrize(
    "changed_args, update",
    [
        ({"description": "New text"}, {"policyDescription": "New text"}),
        ({"tier": "Critical"}, {"tier": "Critical"}),
        ({"data_location_constraint": "SameCountry"}, {"dataLocationConstraint": "SameCountry"}),
        (
            {"policy": dict(ARGS["policy"], software={"rto": 3600, "rpo": 300})},
            {"policy": dict(TARGETS, Software={"rtoInSecs": 3600, "rpoInSecs": 300})},
        ),
        (
            {"policy": {k: v for k, v in ARGS["policy"].items() if k != "region"}},
            {"policy": {k: v for k, v in TARGETS.items() if k != "Region"}},
        ),
    ],
    ids=["description", "tier", "data_location_constraint", "software_rto", "region_removed"],
)
def test_update_each_attribute(aws, changed_args, update):
    stub = aws.stub("resiliencehub")
    found(stub)
    after = policy(**update)
    stub.add_response("update_resiliency_policy", {"policy": after}, {"policyArn": ARN, **update})
    result = run_module(module.main, args(**changed_args), diff=True)
    assert_changed(result)
    assert result["diff"]["before"] != result["diff"]["after"]


def test_update_reports_the_new_targets(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    new = dict(TARGETS, Software={"rtoInSecs": 3600, "rpoInSecs": 300})
    stub.add_response("update_resiliency_policy", {"policy": policy(policy=new)}, {"policyArn": ARN, "policy": new})
    result = run_module(module.main, args(policy=dict(ARGS["policy"], software={"rto": 3600, "rpo": 300})))
    assert result["policy"]["policy"]["software"] == {"rto_in_secs": 3600, "rpo_in_secs": 300}


def test_tags_added_and_purged(aws):
    stub = aws.stub("resiliencehub")
    found(
        stub,
        current=policy(tags={"deployment": "prod", "stale": "yes"}),
        tags={"deployment": "prod", "stale": "yes"},
        read_tags=True,
    )
    stub.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["stale"]})
    stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"owner": "team"}})
    result = run_module(module.main, args(tags={"deployment": "prod", "owner": "team"}))
    assert result["changed"] is True, result
    assert result["policy"]["tags"] == {"deployment": "prod", "owner": "team"}


def test_tags_kept_without_purge(aws):
    stub = aws.stub("resiliencehub")
    found(
        stub,
        current=policy(tags={"deployment": "prod", "stale": "yes"}),
        tags={"deployment": "prod", "stale": "yes"},
        read_tags=True,
    )
    stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"owner": "team"}})
    result = run_module(module.main, args(tags={"owner": "team"}, purge_tags=False))
    assert result["changed"] is True, result
    assert result["policy"]["tags"] == {"deployment": "prod", "stale": "yes", "owner": "team"}


def test_listed_tags_that_already_match_are_not_read_again(aws):
    # The Stubber fails the run on any call it was not given: no ListTagsForResource here.
    found(aws.stub("resiliencehub"))
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["policy"]["tags"] == TAGS


def test_listed_tags_that_differ_are_confirmed_before_any_write(aws):
    # The listing shows an older view; ListTagsForResource shows the tags already right: nothing is written.
    found(aws.stub("resiliencehub"), current=policy(tags={"deployment": "old"}), tags=TAGS, read_tags=True)
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["policy"]["tags"] == TAGS


def test_a_listing_without_tags_reads_them(aws):
    current = {k: v for k, v in POLICY.items() if k != "tags"}
    stub = aws.stub("resiliencehub")
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [current]}, LIST)
    stub.add_response("list_tags_for_resource", {"tags": TAGS}, {"resourceArn": ARN})
    result = run_module(module.main, args())
    assert_unchanged(result)


def test_delete(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    stub.add_response("delete_resiliency_policy", {"policyArn": ARN}, {"policyArn": ARN})
    result = run_absent(module.main, NAME, diff=True)
    assert result["changed"] is True, result
    assert result["policy"] == {}
    assert result["diff"]["before"]["name"] == NAME and result["diff"]["after"] == {}


def found_then_deleted_meanwhile(stub):
    found(stub)
    deleted_meanwhile(stub, "delete_resiliency_policy")


def list_not_found(stub):
    stub.add_client_error("list_resiliency_policies", **client_error("ResourceNotFoundException", status=404))


def only_a_similar_name_listed(stub):
    similar = policy(policyName=NAME + "-old", policyArn=OTHER_ARN)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [similar]}, LIST)


@pytest.mark.parametrize(
    "lookup",
    [not_found, found_then_deleted_meanwhile, list_not_found, only_a_similar_name_listed],
    ids=[
        "already_absent",
        "gone_between_lookup_and_delete",
        "list_not_found_means_absent",
        "only_the_exact_name_matches",
    ],
)
def test_absent_with_no_policy_to_delete_changes_nothing(aws, lookup):
    lookup(aws.stub("resiliencehub"))
    assert_absent_changes_nothing(module.main, NAME)


def test_listing_follows_next_token(aws):
    stub = aws.stub("resiliencehub")
    similar = policy(policyName=NAME + "-old", policyArn=OTHER_ARN)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [similar], "nextToken": "t1"}, LIST)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [POLICY]}, {**LIST, "nextToken": "t1"})
    result = run_module(module.main, args())
    assert result["changed"] is False, result
    assert result["policy"]["policy_arn"] == ARN


def test_two_policies_with_the_name_fail(aws):
    stub = aws.stub("resiliencehub")
    twin = policy(policyArn=OTHER_ARN)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": [POLICY, twin]}, LIST)
    result = run_module(module.main, args())
    assert result["failed"]
    assert "2 resiliency policies are named" in result["msg"] and ARN in result["msg"]


def test_throttled_then_retried(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("list_resiliency_policies", **client_error("ThrottlingException", status=429))
    found(stub)
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert aws.sleeps


def test_check_mode_create_makes_no_call(aws):
    not_found(aws.stub("resiliencehub"))
    result = run_module(module.main, args(), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["policy"]["region"] == {"rto_in_secs": 3600, "rpo_in_secs": 5}
    assert result["diff"]["after"]["tags"] == TAGS
    assert "policy_arn" not in result["policy"]


def test_check_mode_update_makes_no_call(aws):
    found(aws.stub("resiliencehub"), read_tags=True)
    result = run_module(module.main, args(tier="Critical", tags={}), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"]["tier"] == "MissionCritical"
    assert result["diff"]["after"]["tier"] == "Critical"
    assert result["diff"]["after"]["tags"] == {}
    assert result["policy"]["tier"] == "Critical"


def test_check_mode_delete_makes_no_call(aws):
    found(aws.stub("resiliencehub"))
    assert_check_mode_delete_changes(module.main, NAME)


def test_diff_without_change_is_equal(aws):
    found(aws.stub("resiliencehub"))
    result = run_module(module.main, args(), diff=True)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["diff"]["before"]["policy"]["software"] == {"rto_in_secs": 5400, "rpo_in_secs": 300}


def test_create_needs_tier_and_policy(aws):
    not_found(aws.stub("resiliencehub"))
    result = run_module(module.main, {"name": NAME, "tier": "MissionCritical"})
    assert_fails_with(result, f"tier and policy are required to create resiliency policy {NAME}")


@pytest.mark.parametrize(
    "targets, message",
    [
        ({"software": {"rto": -1, "rpo": 300}}, "policy.software.rto must be a non-negative"),
        ({"software": {"rto": 5400, "rpo": 300}, "hardware": {"rto": 1, "rpo": 1}}, "policy.az is required"),
    ],
)
def test_invalid_policy_fails_before_any_change(aws, targets, message):
    found(aws.stub("resiliencehub"))
    result = run_module(module.main, args(policy=targets))
    assert_fails_mentioning(result, message)


def test_missing_rpo_is_rejected_by_the_argument_spec(aws):
    result = run_module(module.main, args(policy={"software": {"rto": 1}}))
    assert_fails_mentioning(result, "rpo")


def test_create_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_client_error("create_resiliency_policy", **client_error("AccessDeniedException", status=403))
    result = run_module(module.main, args())
    assert_fails_with(result, f"Failed to create resiliency policy {NAME}")


def test_delete_in_use_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    stub.add_client_error("delete_resiliency_policy", **client_error("ConflictException", "in use", 409))
    result = run_absent(module.main, NAME)
    assert_fails_with(result, f"Failed to delete resiliency policy {ARN}")

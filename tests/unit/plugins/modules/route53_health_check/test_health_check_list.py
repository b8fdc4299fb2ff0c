"""route53_health_check's health_checks option: a list of checks reconciled in one call (Stubber)."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import route53_health_check as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]
WEST, CENTRAL = "mrdemo-api-eu-west-1", "mrdemo-api-eu-central-1"
WEST_ID = "aaaaaaaa-0000-0000-0000-000000000001"
CENTRAL_ID = "aaaaaaaa-0000-0000-0000-000000000002"
STRAY_ID = "aaaaaaaa-0000-0000-0000-000000000003"
FQDN = {WEST: "west.execute-api.eu-west-1.amazonaws.com", CENTRAL: "central.execute-api.eu-central-1.amazonaws.com"}
REGION_OF = {WEST: "eu-west-1", CENTRAL: "eu-central-1"}
COMMON_TAGS = {"Deployment": "mrdemo"}


def item(name, **options):
    return {
        "name": name,
        "fqdn": FQDN[name],
        "resource_path": "/v1/healthcheck",
        "request_interval": 10,
        "failure_threshold": 2,
        "measure_latency": True,
        "regions": REGIONS,
        "tags": {"Region": REGION_OF[name]},
        **options,
    }


ARGS = {"tags": COMMON_TAGS, "health_checks": [item(WEST), item(CENTRAL)]}


def config(name, **changes):
    return {
        "Type": "HTTPS",
        "Port": 443,
        "RequestInterval": 10,
        "FailureThreshold": 2,
        "MeasureLatency": True,
        "Inverted": False,
        "Disabled": False,
        "EnableSNI": True,
        "FullyQualifiedDomainName": FQDN[name],
        "ResourcePath": "/v1/healthcheck",
        "Regions": sorted(REGIONS),
        **changes,
    }


def tags_of(name):
    return {"Name": name, "Deployment": "mrdemo", "Region": REGION_OF[name]}


def check(check_id, name, version=1, **changes):
    return {
        "Id": check_id,
        "CallerReference": f"ref-{check_id}",
        "HealthCheckConfig": config(name, **changes),
        "HealthCheckVersion": version,
    }


def tag_set(check_id, tags):
    found = {"ResourceType": "healthcheck", "ResourceId": check_id}
    if tags:
        found["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return found


def expect_list(aws, checks, tags_by_id):
    """One ListHealthChecks, then one ListTagsForResources per 10 ids (sorted)."""
    aws.stub("route53").add_response(
        "list_health_checks", {"HealthChecks": checks, "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}
    )
    ids = sorted(c["Id"] for c in checks)
    for start in range(0, len(ids), 10):
        batch = ids[start : start + 10]
        aws.stub("route53").add_response(
            "list_tags_for_resources",
            {"ResourceTagSets": [tag_set(i, tags_by_id.get(i, {})) for i in batch]},
            {"ResourceType": "healthcheck", "ResourceIds": batch},
        )


def expect_both(aws, west=None, central=None, west_tags=None, extra=(), extra_tags=None):
    checks = [west or check(WEST_ID, WEST), central or check(CENTRAL_ID, CENTRAL), *extra]
    tags = {WEST_ID: west_tags or tags_of(WEST), CENTRAL_ID: tags_of(CENTRAL), **(extra_tags or {})}
    expect_list(aws, checks, tags)


def expect_create(aws, check_id, name):
    aws.stub("route53").add_response(
        "create_health_check",
        {
            "HealthCheck": check(check_id, name),
            "Location": f"https://route53.amazonaws.com/2013-04-01/healthcheck/{check_id}",
        },
        {"CallerReference": ANY, "HealthCheckConfig": config(name)},
    )
    aws.stub("route53").add_response(
        "change_tags_for_resource",
        {},
        {
            "ResourceType": "healthcheck",
            "ResourceId": check_id,
            "AddTags": [{"Key": k, "Value": v} for k, v in sorted(tags_of(name).items())],
        },
    )


def expect_delete(aws, check_id):
    aws.stub("route53").add_response("delete_health_check", {}, {"HealthCheckId": check_id})


# --- create, no change ------------------------------------------------------------------------------------


def test_creates_two_checks_in_one_call_in_the_order_given(aws):
    sent = aws.sent("route53", "CreateHealthCheck")
    expect_list(aws, [], {})
    expect_create(aws, WEST_ID, WEST)
    expect_create(aws, CENTRAL_ID, CENTRAL)
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert [c["id"] for c in result["health_checks"]] == [WEST_ID, CENTRAL_ID]
    assert [c["name"] for c in result["health_checks"]] == [WEST, CENTRAL]
    assert result["health_checks"][1]["tags"] == tags_of(CENTRAL)
    assert result["health_checks"][0]["health_check_config"]["fully_qualified_domain_name"] == FQDN[WEST]
    assert set(result["health_checks"][0]) == {"id", "name", "health_check_version", "health_check_config", "tags"}
    assert result["purged"] == []
    assert result["diff"]["before"] == {}
    assert sorted(result["diff"]["after"]) == sorted([WEST, CENTRAL])
    # Each creation its own reference, made for its name.
    assert module.made_for(WEST, sent[0]["CallerReference"]) and module.made_for(CENTRAL, sent[1]["CallerReference"])


def test_check_mode_plans_the_creations_and_makes_no_write(aws):
    expect_list(aws, [], {})
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert [c["id"] for c in result["health_checks"]] == [None, None]
    assert [c["tags"] for c in result["health_checks"]] == [tags_of(WEST), tags_of(CENTRAL)]
    assert result["diff"]["after"][CENTRAL]["health_check_config"]["request_interval"] == 10


def test_unchanged_checks_are_two_reads_and_no_change(aws):
    expect_both(aws)
    result = run_module(module.main, ARGS, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert [c["id"] for c in result["health_checks"]] == [WEST_ID, CENTRAL_ID]
    assert [c["health_check_version"] for c in result["health_checks"]] == [1, 1]


def test_unchanged_in_check_mode_is_no_change(aws):
    expect_both(aws)
    assert_unchanged_with_equal_diff(run_module(module.main, ARGS, check_mode=True, diff=True))


def test_the_tags_of_more_than_ten_checks_are_read_ten_at_a_time(aws):
    others = [
        check(f"bbbbbbbb-0000-0000-0000-{i:012d}", WEST, FullyQualifiedDomainName=f"o{i}.example.com")
        for i in range(11)
    ]
    other_tags = {c["Id"]: {"Name": f"other-{i}"} for i, c in enumerate(others)}
    # 13 checks: batches of 10 and 3.
    expect_both(aws, extra=others, extra_tags=other_tags)
    assert_unchanged_with_equal_diff(run_module(module.main, ARGS, diff=True))


# --- update -----------------------------------------------------------------------------------------------


def test_only_the_check_that_differs_is_updated_with_its_version(aws):
    expect_both(aws, central=check(CENTRAL_ID, CENTRAL, version=4, FailureThreshold=3))
    aws.stub("route53").add_response(
        "update_health_check",
        {"HealthCheck": check(CENTRAL_ID, CENTRAL, version=5)},
        {"HealthCheckId": CENTRAL_ID, "HealthCheckVersion": 4, "FailureThreshold": 2, "Regions": sorted(REGIONS)},
    )
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert [c["health_check_version"] for c in result["health_checks"]] == [1, 5]
    assert result["diff"]["before"][WEST] == result["diff"]["after"][WEST]
    assert result["diff"]["before"][CENTRAL]["health_check_config"]["failure_threshold"] == 3
    assert result["diff"]["after"][CENTRAL]["health_check_config"]["failure_threshold"] == 2


def test_check_mode_shows_the_update_and_makes_no_write(aws):
    expect_both(aws, central=check(CENTRAL_ID, CENTRAL, FailureThreshold=3))
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert result["health_checks"][1]["health_check_config"]["failure_threshold"] == 2


def test_tags_only_change_tags_and_nothing_else(aws):
    expect_both(aws, west_tags={**tags_of(WEST), "Deployment": "old", "Stale": "x"})
    aws.stub("route53").add_response(
        "change_tags_for_resource",
        {},
        {
            "ResourceType": "healthcheck",
            "ResourceId": WEST_ID,
            "AddTags": [{"Key": "Deployment", "Value": "mrdemo"}],
            "RemoveTagKeys": ["Stale"],
        },
    )
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert result["health_checks"][0]["tags"] == tags_of(WEST)
    assert result["health_checks"][0]["health_check_version"] == 1
    assert result["diff"]["before"][WEST]["tags"]["Stale"] == "x"


def test_a_setting_that_cannot_change_fails_before_any_write(aws):
    # The first item would be created; the second's request interval cannot change: nothing is written.
    expect_list(aws, [check(CENTRAL_ID, CENTRAL, RequestInterval=30)], {CENTRAL_ID: tags_of(CENTRAL)})
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"Health check {CENTRAL} ({CENTRAL_ID}): request_interval is 30")


# --- delete, purge ----------------------------------------------------------------------------------------


def test_an_item_listed_absent_is_deleted(aws):
    expect_both(aws)
    expect_delete(aws, CENTRAL_ID)
    args = {**ARGS, "health_checks": [item(WEST), {"name": CENTRAL, "state": "absent"}]}
    result = run_module(module.main, args, diff=True)
    assert_changed(result)
    assert result["health_checks"][1] == {}
    assert result["health_checks"][0]["id"] == WEST_ID
    assert CENTRAL in result["diff"]["before"] and CENTRAL not in result["diff"]["after"]


def test_state_absent_applies_to_every_item_and_a_second_run_changes_nothing(aws):
    expect_both(aws)
    expect_delete(aws, WEST_ID)
    expect_delete(aws, CENTRAL_ID)
    args = {"health_checks": [{"name": WEST}, {"name": CENTRAL}], "state": "absent"}
    result = run_module(module.main, args)
    assert_changed(result)
    assert result["health_checks"] == [{}, {}]
    expect_list(aws, [], {})
    again = run_module(module.main, args)
    assert again["changed"] is False and again["health_checks"] == [{}, {}]


def test_check_mode_deletes_nothing(aws):
    expect_both(aws)
    result = run_module(module.main, {"health_checks": [{"name": WEST}], "state": "absent"}, check_mode=True)
    assert_changed(result)


def test_a_check_deleted_meanwhile_is_no_change(aws):
    expect_both(aws)
    aws.stub("route53").add_client_error("delete_health_check", **client_error("NoSuchHealthCheck", status=404))
    result = run_module(module.main, {"health_checks": [{"name": WEST}], "state": "absent"})
    assert not result.get("failed"), result
    assert result["changed"] is False


def test_purge_deletes_the_unnamed_checks_carrying_the_filter_tags_only(aws):
    stray = check(STRAY_ID, WEST, FullyQualifiedDomainName="gone.execute-api.eu-north-1.amazonaws.com")
    foreign = check("cccccccc-0000-0000-0000-000000000001", WEST, FullyQualifiedDomainName="x.example.com")
    linked = {
        **check("cccccccc-0000-0000-0000-000000000002", WEST),
        "LinkedService": {"ServicePrincipal": "servicediscovery.amazonaws.com"},
    }
    expect_both(
        aws,
        extra=[stray, foreign, linked],
        extra_tags={
            STRAY_ID: {"Name": "mrdemo-api-eu-north-1", "Deployment": "mrdemo"},
            foreign["Id"]: {"Name": "other", "Deployment": "other"},
            linked["Id"]: {"Deployment": "mrdemo"},
        },
    )
    expect_delete(aws, STRAY_ID)
    args = {**ARGS, "purge_health_checks": True, "purge_filter_tags": COMMON_TAGS}
    result = run_module(module.main, args, diff=True)
    assert_changed(result)
    assert result["purged"] == [STRAY_ID]
    assert result["diff"]["before"][STRAY_ID]["name"] == "mrdemo-api-eu-north-1"
    assert STRAY_ID not in result["diff"]["after"]


def test_purge_in_check_mode_names_what_it_would_delete(aws):
    expect_both(aws, extra=[check(STRAY_ID, WEST)], extra_tags={STRAY_ID: {"Deployment": "mrdemo"}})
    args = {**ARGS, "purge_health_checks": True, "purge_filter_tags": COMMON_TAGS}
    result = run_module(module.main, args, check_mode=True)
    assert_changed(result)
    assert result["purged"] == [STRAY_ID]


def test_a_purged_check_gone_meanwhile_is_not_reported(aws):
    expect_both(aws, extra=[check(STRAY_ID, WEST)], extra_tags={STRAY_ID: {"Deployment": "mrdemo"}})
    aws.stub("route53").add_client_error("delete_health_check", **client_error("NoSuchHealthCheck", status=404))
    result = run_module(module.main, {**ARGS, "purge_health_checks": True, "purge_filter_tags": COMMON_TAGS})
    assert result["changed"] is False
    assert result["purged"] == []


# --- throttling, errors -----------------------------------------------------------------------------------


def test_throttled_reads_and_writes_are_retried_with_the_same_reference(aws):
    sent = aws.sent("route53", "CreateHealthCheck")
    aws.stub("route53").add_client_error("list_health_checks", **client_error("Throttling"))
    expect_list(aws, [check(WEST_ID, WEST)], {WEST_ID: tags_of(WEST)})
    aws.stub("route53").add_client_error("create_health_check", **client_error("Throttling"))
    expect_create(aws, CENTRAL_ID, CENTRAL)
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert len(aws.sleeps) == 2
    assert len(sent) == 2 and sent[0]["CallerReference"] == sent[1]["CallerReference"]


def test_a_failed_update_names_the_check(aws):
    expect_both(aws, central=check(CENTRAL_ID, CENTRAL, FailureThreshold=3))
    aws.stub("route53").add_client_error("update_health_check", **client_error("NoSuchHealthCheck", status=404))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"Failed to update health check {CENTRAL}")


def test_two_checks_carrying_an_items_name_fail(aws):
    expect_list(aws, [check(WEST_ID, WEST), check(STRAY_ID, WEST)], {WEST_ID: tags_of(WEST), STRAY_ID: tags_of(WEST)})
    assert_fails_mentioning(run_module(module.main, ARGS), f"Several health checks carry the name {WEST}")


def test_an_untagged_check_made_for_an_item_is_adopted(aws):
    orphan = {**check(CENTRAL_ID, CENTRAL), "CallerReference": module.caller_reference(CENTRAL)}
    expect_list(aws, [check(WEST_ID, WEST), orphan], {WEST_ID: tags_of(WEST)})
    aws.stub("route53").add_response(
        "change_tags_for_resource",
        {},
        {
            "ResourceType": "healthcheck",
            "ResourceId": CENTRAL_ID,
            "AddTags": [{"Key": k, "Value": v} for k, v in sorted(tags_of(CENTRAL).items())],
        },
    )
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert result["health_checks"][1]["id"] == CENTRAL_ID
    assert any(CENTRAL_ID in w for w in result["warnings"])


# --- input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, text",
    [
        ({**ARGS, "name": WEST}, "parameters are mutually exclusive: health_checks|name"),
        ({**ARGS, "fqdn": "x.example.com"}, "mutually exclusive: health_checks|fqdn"),
        (
            {"health_checks": [item(WEST), item(WEST)]},
            "health_checks[1] names the same health check as health_checks[0]",
        ),
        (
            {"health_checks": [{"name": WEST}]},
            f"health_checks[0] ({WEST}) is present but has neither fqdn nor ip_address",
        ),
        (
            {"health_checks": [item(WEST, regions=["us-east-1"])]},
            f"health_checks[0] ({WEST}): regions needs at least three",
        ),
        ({"health_checks": [item(WEST, type="TCP")]}, "port is required for a TCP health check"),
        ({**ARGS, "purge_health_checks": True}, "purge_filter_tags needs at least one tag"),
        ({"name": WEST, "fqdn": FQDN[WEST], "purge_health_checks": True}, "purge_health_checks needs health_checks"),
        ({"tags": COMMON_TAGS}, "one of the following is required: name, health_checks"),
    ],
)
def test_bad_input_fails_before_any_call(args, text):
    assert_fails_mentioning(run_module(module.main, args), text)


def test_absent_items_need_no_address(aws):
    expect_list(aws, [], {})
    result = run_module(module.main, {"health_checks": [{"name": WEST, "state": "absent"}]})
    assert result["changed"] is False
    assert result["health_checks"] == [{}]

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import route53_health_check as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "mrdemo-api-eu-west-1"
CHECK_ID = "8f1c6a3e-1b2c-4d5e-8f90-1234567890ab"
OTHER_ID = "11111111-2222-3333-4444-555555555555"
FQDN = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]
ARGS = {
    "name": NAME,
    "type": "HTTPS",
    "fqdn": FQDN,
    "resource_path": "/v1/healthcheck",
    "request_interval": 10,
    "failure_threshold": 2,
    "measure_latency": True,
    "regions": REGIONS,
    "tags": {"Deployment": "mrdemo"},
}
CONFIG = {
    "Type": "HTTPS",
    "Port": 443,
    "RequestInterval": 10,
    "FailureThreshold": 2,
    "MeasureLatency": True,
    "Inverted": False,
    "Disabled": False,
    "EnableSNI": True,
    "FullyQualifiedDomainName": FQDN,
    "ResourcePath": "/v1/healthcheck",
    "Regions": sorted(REGIONS),
}
TAGS = {"Name": NAME, "Deployment": "mrdemo"}


def check(check_id=CHECK_ID, version=1, **config):
    return {
        "Id": check_id,
        "CallerReference": f"{NAME}-ref",
        "HealthCheckConfig": {**CONFIG, **config},
        "HealthCheckVersion": version,
    }


def tag_set(check_id, tags):
    # The model's Tags has a minimum length of 1: an untagged check's tag set has no Tags.
    found = {"ResourceType": "healthcheck", "ResourceId": check_id}
    if tags:
        found["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return found


def expect_list(aws, checks, tag_sets):
    aws.stub("route53").add_response(
        "list_health_checks", {"HealthChecks": checks, "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}
    )
    if checks:
        aws.stub("route53").add_response(
            "list_tags_for_resources",
            {"ResourceTagSets": tag_sets},
            {"ResourceType": "healthcheck", "ResourceIds": sorted(c["Id"] for c in checks)},
        )


def expect_existing(aws, existing=None, tags=None):
    existing = existing or check()
    other = check(OTHER_ID, FullyQualifiedDomainName="other.example.com")
    expect_list(aws, [other, existing], [tag_set(OTHER_ID, {"Name": "other"}), tag_set(existing["Id"], tags or TAGS)])


def expect_update(aws, changes, config=None, version=1):
    updated = check(version=version + 1, **(config or {}))
    # The check's regions go with every update that leaves them alone (the local endpoint resets omitted ones).
    aws.stub("route53").add_response(
        "update_health_check",
        {"HealthCheck": updated},
        {"HealthCheckId": CHECK_ID, "HealthCheckVersion": version, "Regions": sorted(REGIONS), **changes},
    )


def expect_tags(aws, add=None, remove=None):
    params = {"ResourceType": "healthcheck", "ResourceId": CHECK_ID}
    if add:
        params["AddTags"] = [{"Key": k, "Value": v} for k, v in add.items()]
    if remove:
        params["RemoveTagKeys"] = remove
    aws.stub("route53").add_response("change_tags_for_resource", {}, params)


# --- pure functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        ({}, {"Port": 443, "EnableSNI": True}),
        ({"type": "HTTP"}, {"Type": "HTTP", "Port": 80, "EnableSNI": False}),
        ({"type": "HTTPS", "enable_sni": False}, {"EnableSNI": False}),
        ({"type": "TCP", "port": 5432}, {"Type": "TCP", "Port": 5432, "EnableSNI": False}),
        ({"type": "HTTPS_STR_MATCH", "search_string": "OK"}, {"Type": "HTTPS_STR_MATCH", "SearchString": "OK"}),
    ],
)
def test_wanted_config(given, expected):
    params = {
        "type": "HTTPS",
        "port": None,
        "fqdn": FQDN,
        "ip_address": None,
        "resource_path": "/v1/healthcheck",
        "search_string": None,
        "request_interval": 10,
        "failure_threshold": 2,
        "measure_latency": True,
        "inverted": False,
        "disabled": False,
        "enable_sni": None,
        "regions": None,
        **given,
    }
    config = module.wanted_config(params)
    for key, value in expected.items():
        assert config[key] == value
    assert "Regions" not in config
    assert ("ResourcePath" in config) is (params["type"] != "TCP")


@pytest.mark.parametrize(
    "current, wanted, regions, expected",
    [
        (CONFIG, CONFIG, REGIONS, {}),
        (CONFIG, {**CONFIG, "FailureThreshold": 3}, None, {"FailureThreshold": 3}),
        (CONFIG, {**CONFIG, "EnableSNI": False}, None, {"EnableSNI": False}),
        (CONFIG, {**CONFIG, "Port": 8443}, None, {"Port": 8443}),
        (CONFIG, {**CONFIG, "Disabled": True, "Inverted": True}, None, {"Disabled": True, "Inverted": True}),
        (CONFIG, {**CONFIG, "ResourcePath": "/v2/healthcheck"}, None, {"ResourcePath": "/v2/healthcheck"}),
        (
            CONFIG,
            {**CONFIG, "FullyQualifiedDomainName": "x.example.com"},
            None,
            {"FullyQualifiedDomainName": "x.example.com"},
        ),
        (CONFIG, {k: v for k, v in CONFIG.items() if k != "ResourcePath"}, None, {"ResetElements": ["ResourcePath"]}),
        (CONFIG, {**CONFIG, "IPAddress": "192.0.2.10"}, None, {"IPAddress": "192.0.2.10"}),
        ({**CONFIG, "IPAddress": "192.0.2.10"}, CONFIG, None, {"IPAddress": ""}),
        # Regions: order does not matter; None leaves them; [] resets them to every region.
        (CONFIG, CONFIG, list(reversed(REGIONS)), {}),
        (CONFIG, CONFIG, None, {}),
        (CONFIG, CONFIG, ["us-east-1", "eu-west-1", "sa-east-1"], {"Regions": ["eu-west-1", "sa-east-1", "us-east-1"]}),
        (CONFIG, CONFIG, [], {"ResetElements": ["Regions"]}),
        ({k: v for k, v in CONFIG.items() if k != "Regions"}, CONFIG, [], {}),
    ],
)
def test_config_changes(current, wanted, regions, expected):
    assert module.config_changes(current, wanted, regions) == expected


@pytest.mark.parametrize(
    "current, changes, expected",
    [
        (CONFIG, {"FailureThreshold": 3}, {"FailureThreshold": 3, "Regions": sorted(REGIONS)}),
        (
            CONFIG,
            {"Regions": ["eu-west-1", "sa-east-1", "us-east-1"]},
            {"Regions": ["eu-west-1", "sa-east-1", "us-east-1"]},
        ),
        (CONFIG, {"ResetElements": ["Regions"]}, {"ResetElements": ["Regions"]}),
        ({k: v for k, v in CONFIG.items() if k != "Regions"}, {"Port": 80}, {"Port": 80}),
    ],
)
def test_an_update_keeps_the_regions_it_leaves_alone(current, changes, expected):
    assert module.update_request(current, changes) == expected


def test_immutable_errors_name_the_options():
    errors = module.immutable_errors(CONFIG, {**CONFIG, "RequestInterval": 30, "MeasureLatency": False})
    assert errors == [
        "request_interval is 10 and cannot change to 30: delete the health check first",
        "measure_latency is True and cannot change to False: delete the health check first",
    ]
    assert module.immutable_errors(CONFIG, CONFIG) == []


# --- create -----------------------------------------------------------------------------------------------


def test_creates_a_check_with_its_regions_sni_and_name(aws):
    expect_list(aws, [], [])
    aws.stub("route53").add_response(
        "create_health_check",
        {"HealthCheck": check(), "Location": f"https://route53.amazonaws.com/2013-04-01/healthcheck/{CHECK_ID}"},
        {"CallerReference": ANY, "HealthCheckConfig": CONFIG},
    )
    expect_tags(aws, add={"Deployment": "mrdemo", "Name": NAME})
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    view = result["health_check"]
    assert view["id"] == CHECK_ID
    assert view["tags"] == TAGS
    assert view["health_check_config"]["enable_sni"] is True
    assert view["health_check_config"]["regions"] == sorted(REGIONS)
    assert view["health_check_config"]["fully_qualified_domain_name"] == FQDN
    assert result["diff"]["before"] == {}


def test_check_mode_reports_the_creation_and_makes_no_call(aws):
    expect_list(aws, [], [])
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["health_check"]["id"] is None
    assert result["diff"]["after"]["health_check_config"]["request_interval"] == 10


def test_a_failed_creation_names_the_check(aws):
    expect_list(aws, [], [])
    aws.stub("route53").add_client_error("create_health_check", **client_error("TooManyHealthChecks"))
    result = run_module(module.main, ARGS)
    assert_fails_with(result, f"Failed to create health check {NAME}")


# --- no change / update -----------------------------------------------------------------------------------


def test_an_unchanged_check_is_no_change(aws):
    expect_existing(aws)
    result = run_module(module.main, ARGS, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["health_check"]["id"] == CHECK_ID


def test_health_checks_and_tags_are_read_page_by_page(aws):
    extra = [check(f"{i:08d}-0000-0000-0000-000000000000") for i in range(10)]
    aws.stub("route53").add_response(
        "list_health_checks",
        {"HealthChecks": extra, "Marker": "", "IsTruncated": True, "NextMarker": "m", "MaxItems": "10"},
        {},
    )
    aws.stub("route53").add_response(
        "list_health_checks",
        {"HealthChecks": [check()], "Marker": "m", "IsTruncated": False, "MaxItems": "10"},
        {"Marker": "m"},
    )
    ids = sorted([c["Id"] for c in extra] + [CHECK_ID])
    aws.stub("route53").add_response(
        "list_tags_for_resources",
        {"ResourceTagSets": [tag_set(i, {"Name": f"n{i}"}) for i in ids[:10]]},
        {"ResourceType": "healthcheck", "ResourceIds": ids[:10]},
    )
    aws.stub("route53").add_response(
        "list_tags_for_resources",
        {"ResourceTagSets": [tag_set(CHECK_ID, TAGS)]},
        {"ResourceType": "healthcheck", "ResourceIds": ids[10:]},
    )
    assert run_module(module.main, ARGS)["changed"] is False


@pytest.mark.parametrize(
    "given, changes",
    [
        ({"failure_threshold": 3}, {"FailureThreshold": 3}),
        ({"resource_path": "/v1/health"}, {"ResourcePath": "/v1/health"}),
        (
            {"fqdn": "b2c3.execute-api.eu-west-1.amazonaws.com"},
            {"FullyQualifiedDomainName": "b2c3.execute-api.eu-west-1.amazonaws.com"},
        ),
        ({"enable_sni": False}, {"EnableSNI": False}),
        ({"port": 8443}, {"Port": 8443}),
        ({"disabled": True}, {"Disabled": True}),
        ({"inverted": True}, {"Inverted": True}),
        ({"regions": ["us-east-1", "us-west-2", "eu-west-1"]}, {"Regions": ["eu-west-1", "us-east-1", "us-west-2"]}),
    ],
)
def test_each_mutable_setting_is_updated(aws, given, changes):
    expect_existing(aws)
    expect_update(aws, changes, config=changes)
    result = run_module(module.main, {**ARGS, **given}, diff=True)
    assert_changed(result)
    assert result["health_check"]["health_check_version"] == 2
    assert result["diff"]["before"] != result["diff"]["after"]


def test_check_mode_reports_the_update_and_makes_no_call(aws):
    expect_existing(aws)
    result = run_module(module.main, {**ARGS, "failure_threshold": 5}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["health_check_config"]["failure_threshold"] == 5
    assert result["diff"]["before"]["health_check_config"]["failure_threshold"] == 2


def test_tags_are_updated_and_the_name_is_kept(aws):
    expect_existing(aws, tags={**TAGS, "Old": "x"})
    expect_tags(aws, add={"Deployment": "other"}, remove=["Old"])
    result = run_module(module.main, {**ARGS, "tags": {"Deployment": "other"}})
    assert result["changed"] is True
    assert result["health_check"]["tags"] == {"Name": NAME, "Deployment": "other"}


def test_omitted_tags_and_regions_are_left_alone(aws):
    expect_existing(aws, tags={**TAGS, "Extra": "y"})
    args = {k: v for k, v in ARGS.items() if k not in ("tags", "regions")}
    assert run_module(module.main, args)["changed"] is False


@pytest.mark.parametrize(
    "given, option",
    [
        ({"request_interval": 30}, "request_interval"),
        ({"measure_latency": False}, "measure_latency"),
        ({"type": "HTTP"}, "type"),
    ],
)
def test_immutable_settings_fail_naming_the_option(aws, given, option):
    expect_existing(aws)
    result = run_module(module.main, {**ARGS, **given})
    assert result["failed"]
    assert f"{option} is" in result["msg"] and "cannot change" in result["msg"]
    assert NAME in result["msg"]


def test_a_failed_update_names_the_check(aws):
    expect_existing(aws)
    aws.stub("route53").add_client_error(
        "update_health_check", **client_error("HealthCheckVersionMismatch", status=409)
    )
    result = run_module(module.main, {**ARGS, "failure_threshold": 3})
    assert_fails_with(result, f"Failed to update health check {NAME}")


def test_two_checks_with_the_name_fail(aws):
    expect_list(aws, [check(), check(OTHER_ID)], [tag_set(CHECK_ID, TAGS), tag_set(OTHER_ID, TAGS)])
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"Several health checks carry the name {NAME}")


def test_throttling_is_retried(aws):
    aws.stub("route53").add_client_error("list_health_checks", **client_error("Throttling"))
    expect_existing(aws)
    assert run_module(module.main, ARGS)["changed"] is False
    assert aws.sleeps


def test_throttled_tags_are_retried(aws):
    aws.stub("route53").add_response(
        "list_health_checks", {"HealthChecks": [check()], "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}
    )
    aws.stub("route53").add_client_error("list_tags_for_resources", **client_error("ThrottlingException"))
    aws.stub("route53").add_response(
        "list_tags_for_resources",
        {"ResourceTagSets": [tag_set(CHECK_ID, TAGS)]},
        {"ResourceType": "healthcheck", "ResourceIds": [CHECK_ID]},
    )
    assert run_module(module.main, ARGS)["changed"] is False
    assert aws.sleeps


# --- a creation interrupted before its tags ---------------------------------------------------------------

# What a run of an earlier version sent as CallerReference: the name's first 40 characters and a UUID.
LEGACY_REFERENCE = f"{NAME}-0b4f6c1e-3a2d-4c5b-9e8f-7a6b5c4d3e2f"


def untagged(check_id=CHECK_ID, reference=LEGACY_REFERENCE, **config):
    return {**check(check_id, **config), "CallerReference": reference}


def test_an_untagged_check_left_by_an_interrupted_run_is_tagged_not_created_again(aws):
    """CreateHealthCheck answered, ChangeTagsForResource never ran: the next run must not create a twin."""
    sent = aws.sent("route53", "CreateHealthCheck")
    other = check(OTHER_ID, FullyQualifiedDomainName="other.example.com")
    expect_list(aws, [other, untagged()], [tag_set(OTHER_ID, {"Name": "other"}), tag_set(CHECK_ID, {})])
    expect_tags(aws, add={"Deployment": "mrdemo", "Name": NAME})
    result = run_module(module.main, ARGS, diff=True)
    assert not result.get("failed"), result
    assert sent == []
    assert result["changed"] is True
    assert result["health_check"]["id"] == CHECK_ID
    assert result["health_check"]["tags"] == TAGS
    assert any(CHECK_ID in warning and "did not tag it" in warning for warning in result["warnings"])


def test_an_adopted_check_is_named_and_updated_even_when_tags_are_not_given(aws):
    expect_list(aws, [untagged(reference=module.caller_reference(NAME), FailureThreshold=3)], [tag_set(CHECK_ID, {})])
    expect_update(aws, {"FailureThreshold": 2})
    expect_tags(aws, add={"Name": NAME})
    result = run_module(module.main, {k: v for k, v in ARGS.items() if k != "tags"})
    assert_changed(result)
    assert result["health_check"]["id"] == CHECK_ID
    assert result["health_check"]["tags"] == {"Name": NAME}


def test_an_adoption_in_check_mode_makes_no_call(aws):
    expect_list(aws, [untagged()], [tag_set(CHECK_ID, {})])
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["health_check"]["id"] == CHECK_ID
    assert result["diff"]["after"]["tags"] == TAGS


@pytest.mark.parametrize(
    "orphan",
    [
        # Made by someone else (terraform's reference, or another name's).
        untagged(reference="terraform-20261201120000000000000001"),
        untagged(reference=f"mrdemo-api-eu-central-1-{LEGACY_REFERENCE[-36:]}"),
        # Made for this name, but with a setting that cannot change.
        untagged(RequestInterval=30),
    ],
)
def test_other_untagged_checks_are_left_alone(aws, orphan):
    sent = aws.sent("route53", "CreateHealthCheck")
    expect_list(aws, [orphan], [tag_set(CHECK_ID, {})])
    aws.stub("route53").add_response(
        "create_health_check",
        {
            "HealthCheck": check(OTHER_ID),
            "Location": f"https://route53.amazonaws.com/2013-04-01/healthcheck/{OTHER_ID}",
        },
        {"CallerReference": ANY, "HealthCheckConfig": CONFIG},
    )
    aws.stub("route53").add_response(
        "change_tags_for_resource",
        {},
        {"ResourceType": "healthcheck", "ResourceId": OTHER_ID, "AddTags": ANY},
    )
    result = run_module(module.main, ARGS)
    assert not result.get("failed"), result
    assert result["health_check"]["id"] == OTHER_ID
    assert len(sent) == 1


def test_a_retried_creation_sends_the_same_reference_and_each_creation_a_new_one(aws):
    sent = aws.sent("route53", "CreateHealthCheck")
    for attempt_errors in (1, 0):
        expect_list(aws, [], [])
        for _error in range(attempt_errors):
            aws.stub("route53").add_client_error("create_health_check", **client_error("Throttling"))
        aws.stub("route53").add_response(
            "create_health_check",
            {"HealthCheck": check(), "Location": f"https://route53.amazonaws.com/2013-04-01/healthcheck/{CHECK_ID}"},
            {"CallerReference": ANY, "HealthCheckConfig": CONFIG},
        )
        expect_tags(aws, add={"Deployment": "mrdemo", "Name": NAME})
        assert run_module(module.main, ARGS)["changed"] is True
    references = [params["CallerReference"] for params in sent]
    assert len(references) == 3
    # The retry of the first creation, then a second creation (after a delete, say): Route 53 refuses a reused one.
    assert references[0] == references[1] != references[2]
    assert all(len(reference) <= 64 and module.made_for(NAME, reference) for reference in references)


def test_references_identify_their_name_only():
    reference = module.caller_reference(NAME)
    assert len(reference) <= 64
    assert reference.startswith(NAME[:22])
    assert module.made_for(NAME, reference)
    assert not module.made_for("mrdemo-api-eu-central-1", reference)
    assert module.made_for(NAME, LEGACY_REFERENCE)
    long_name = "x" * 70
    assert len(module.caller_reference(long_name)) <= 64
    assert not module.made_for(long_name + "y", module.caller_reference(long_name))


# --- delete -----------------------------------------------------------------------------------------------


def test_deletes_the_check_by_name(aws):
    expect_existing(aws)
    aws.stub("route53").add_response("delete_health_check", {}, {"HealthCheckId": CHECK_ID})
    result = run_absent(module.main, NAME, diff=True)
    assert result["changed"] is True
    assert result["health_check"] == {}
    assert result["diff"]["before"]["name"] == NAME


def test_check_mode_deletes_nothing(aws):
    expect_existing(aws)
    assert_check_mode_delete_changes(module.main, NAME)


def test_absent_check_is_no_change(aws):
    expect_list(aws, [check(OTHER_ID)], [tag_set(OTHER_ID, {"Name": "other"})])
    assert run_absent(module.main, NAME)["changed"] is False


def test_a_check_deleted_meanwhile_is_no_change(aws):
    expect_existing(aws)
    aws.stub("route53").add_client_error("delete_health_check", **client_error("NoSuchHealthCheck", status=404))
    assert run_absent(module.main, NAME)["changed"] is False


def test_a_check_in_use_fails_naming_it(aws):
    expect_existing(aws)
    aws.stub("route53").add_client_error("delete_health_check", **client_error("HealthCheckInUse"))
    result = run_absent(module.main, NAME)
    assert_fails_with(result, f"Failed to delete health check {NAME}")


# --- input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, text",
    [
        ({"fqdn": None}, "state is present but any of the following are missing: fqdn, ip_address"),
        ({"type": "TCP"}, "port is required"),
        ({"type": "HTTPS_STR_MATCH"}, "search_string is required"),
        ({"search_string": "OK"}, "search_string applies to"),
        ({"resource_path": "healthcheck"}, "must start with /"),
        ({"regions": ["us-east-1", "eu-west-1"]}, "at least three distinct regions"),
    ],
)
def test_bad_input_fails_before_any_call(given, text):
    result = run_module(module.main, {**ARGS, **given})
    assert_fails_mentioning(result, text)

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.filter.failover import FilterModule
from ansible_collections.multiregion.serverless.plugins.filter.failover import failover_rto_errors
from ansible_collections.multiregion.serverless.plugins.filter.failover import failover_time
from ansible_collections.multiregion.serverless.plugins.filter.failover import health_check_target
from ansible_collections.multiregion.serverless.plugins.filter.failover import region_plan


def test_the_role_defaults_give_162_seconds():
    time = failover_time(10, 2, 60, aggregation=10, resolver_extra=60)
    assert time == {
        "request_interval": 10,
        "failure_threshold": 2,
        "check_timeout": 6,
        "detection": 32,
        "aggregation": 10,
        "ttl": 60,
        "resolver_extra": 60,
        "dns": 120,
        "total": 162,
        "formula": (
            "2 x (10 s interval + 6 s check timeout) = 32 s detection + 10 s aggregation + 60 s TTL"
            " + 60 s resolver caching = 162 s"
        ),
    }


@pytest.mark.parametrize(
    "args, kwargs, detection, total",
    [
        # The seed: interval 10 s, threshold 1, alias TTL 60 s, nothing else counted.
        ((10, 1, 60), {"aggregation": 0}, 16, 76),
        ((30, 3, 60), {}, 108, 178),
        ((10, 10, 300), {"resolver_extra": 30}, 160, 500),
        ((30, 1, 0), {"check_timeout": 10, "aggregation": 0}, 40, 40),
        # Numbers from inventories arrive as text.
        (("10", "2", "60"), {"aggregation": "0"}, 32, 92),
    ],
)
def test_failover_time_adds_detection_aggregation_and_dns(args, kwargs, detection, total):
    time = failover_time(*args, **kwargs)
    assert time["detection"] == detection
    assert time["total"] == total
    assert time["total"] == time["detection"] + time["aggregation"] + time["dns"]


@pytest.mark.parametrize("bad", [True, 10.5, "ten", None])
def test_failover_time_wants_whole_seconds(bad):
    with pytest.raises((TypeError, ValueError)):
        failover_time(bad, 2, 60)


def test_defaults_meet_the_seeds_region_rto():
    assert failover_rto_errors({}, 3600) == []
    assert failover_rto_errors(None, "3600") == []


def test_settings_left_empty_take_the_role_defaults():
    # 162 s with the defaults: an RTO of 161 s is missed, 162 s is met.
    assert failover_rto_errors({"dns_failover_alias_target_ttl": None}, 162) == []
    [error] = failover_rto_errors({"dns_failover_alias_target_ttl": ""}, 161)
    assert "162 s" in error


def test_an_rto_too_short_names_every_variable_and_number():
    settings = {
        "dns_failover_health_check_request_interval": 30,
        "dns_failover_health_check_failure_threshold": 3,
        "dns_failover_alias_target_ttl": 60,
        "dns_failover_health_check_aggregation_seconds": 10,
        "dns_failover_resolver_cache_seconds": 0,
    }
    [error] = failover_rto_errors(settings, 120)
    assert error == (
        "the worst-case DNS failover time, 178 s, exceeds the Region RTO deployment_region_rto_seconds=120: "
        "dns_failover_health_check_failure_threshold=3 x (dns_failover_health_check_request_interval=30 s"
        " + 6 s check timeout) + dns_failover_health_check_aggregation_seconds=10 s"
        " + dns_failover_alias_target_ttl=60 s + dns_failover_resolver_cache_seconds=0 s"
    )


def test_the_rto_variable_can_be_named():
    [error] = failover_rto_errors({}, 60, rto_variable="resilience_hub_policy.region.rto")
    assert "Region RTO resilience_hub_policy.region.rto=60" in error


@pytest.mark.parametrize(
    "settings, rto, expected",
    [
        ({"dns_failover_health_check_request_interval": 15}, 3600, "request_interval=15 must be 10 or 30"),
        ({"dns_failover_health_check_failure_threshold": 0}, 3600, "failure_threshold=0 must be between 1 and 10"),
        ({"dns_failover_health_check_failure_threshold": 11}, 3600, "failure_threshold=11 must be between 1 and 10"),
        ({"dns_failover_alias_target_ttl": -1}, 3600, "dns_failover_alias_target_ttl=-1 must not be negative"),
        ({"dns_failover_resolver_cache_seconds": "a minute"}, 3600, "'a minute' must be a whole number"),
        ({}, "an hour", "deployment_region_rto_seconds='an hour' must be a whole number of seconds"),
        ({}, 0, "deployment_region_rto_seconds=0 must be positive"),
    ],
)
def test_bad_settings_are_named(settings, rto, expected):
    errors = failover_rto_errors(settings, rto)
    assert len(errors) == 1
    assert expected in errors[0]


@pytest.mark.parametrize(
    "outputs, region, expected",
    [
        (
            {
                "invoke_url": "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/v1",
                "stage_name": "v1",
                "health_check_path": "/healthcheck",
            },
            "eu-west-1",
            {"fqdn": "a1b2c3.execute-api.eu-west-1.amazonaws.com", "resource_path": "/v1/healthcheck", "port": 443},
        ),
        # The seed's path had no leading slash.
        (
            {"invoke_url": "https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn/v1/", "health_check_path": "health"},
            "cn-north-1",
            {"fqdn": "a1b2c3.execute-api.cn-north-1.amazonaws.com.cn", "resource_path": "/v1/health", "port": 443},
        ),
        # Without an invoke URL (the local endpoint has no stage URL), from the API id and stage.
        (
            {"api_id": "x9y8", "stage_name": "v1", "health_check_path": "/healthcheck"},
            "eu-central-1",
            {"fqdn": "x9y8.execute-api.eu-central-1.amazonaws.com", "resource_path": "/v1/healthcheck", "port": 443},
        ),
        ({}, "eu-west-1", {"fqdn": "", "resource_path": "/healthcheck", "port": 443}),
    ],
)
def test_health_check_target_is_the_regions_own_stack(outputs, region, expected):
    assert health_check_target(outputs, region) == expected


def test_health_check_path_can_be_overridden():
    outputs = {"api_id": "x9y8", "stage_name": "v1", "health_check_path": "/healthcheck"}
    assert health_check_target(outputs, "eu-west-1", "deep")["resource_path"] == "/v1/deep"
    assert health_check_target(outputs, "eu-west-1", "")["resource_path"] == "/v1/healthcheck"


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "failover_time",
        "failover_rto_errors",
        "failover_region_plan",
    }


HOSTVARS = {
    "eu-west-1": {
        "aws_region": "eu-west-1",
        "serverless_api_outputs": {
            "api_id": "a1",
            "stage_name": "v1",
            "invoke_url": "https://a1.execute-api.eu-west-1.amazonaws.com/v1",
            "health_check_path": "/healthcheck",
            "regional_domain_name": "d-a1.execute-api.eu-west-1.amazonaws.com",
            "regional_hosted_zone_id": "ZLY8HYME6SFDD",
            "hosted_zone_id": "Z0123",
            "alarm_topic_arn": "arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms",
        },
    },
    "eu-central-1": {"aws_region": "eu-central-1"},
}


def test_region_plan_gives_each_region_its_target_weight_and_names():
    plan = region_plan(["eu-west-1", "eu-central-1"], HOSTVARS, "mrdemo", weights={"eu-central-1": 20})
    assert plan[0] == {
        "host": "eu-west-1",
        "region": "eu-west-1",
        "has_outputs": True,
        "regional_domain_name": "d-a1.execute-api.eu-west-1.amazonaws.com",
        "regional_hosted_zone_id": "ZLY8HYME6SFDD",
        "hosted_zone_id": "Z0123",
        "alarm_topic_arn": "arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms",
        "weight": 100,
        "failover": "PRIMARY",
        "health_check_name": "mrdemo-api-eu-west-1",
        "alarm_name": "mrdemo-api-health-eu-west-1",
        "fqdn": "a1.execute-api.eu-west-1.amazonaws.com",
        "resource_path": "/v1/healthcheck",
    }
    # A region whose API outputs are missing is planned, and says so.
    assert plan[1]["has_outputs"] is False
    assert plan[1]["regional_domain_name"] == ""
    assert plan[1]["weight"] == 20
    assert plan[1]["failover"] == "SECONDARY"


def test_region_plan_primary_region_can_be_chosen():
    plan = region_plan(["eu-west-1", "eu-central-1"], HOSTVARS, "x", primary_region="eu-central-1")
    assert [p["failover"] for p in plan] == ["SECONDARY", "PRIMARY"]


def test_region_plan_host_name_is_the_region_without_aws_region():
    plan = region_plan(["us-east-1"], {"us-east-1": {}}, "x", default_weight="50")
    assert plan[0]["region"] == "us-east-1"
    assert plan[0]["weight"] == 50

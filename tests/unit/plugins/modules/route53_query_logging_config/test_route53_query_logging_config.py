"""route53_query_logging_config against a stubbed Route 53 client, shaped as the Route 53 API reference
documents ListQueryLoggingConfigs and CreateQueryLoggingConfig."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules.route53_query_logging_config import main
from ansible_collections.multiregion.serverless.plugins.modules.route53_query_logging_config import plan
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ZONE = "Z0123456789ABCDEFGHIJ"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*"
OTHER = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/old:*"


def config(config_id="c1", zone=ZONE, group=GROUP) -> dict:
    return {"Id": config_id, "HostedZoneId": zone, "CloudWatchLogsLogGroupArn": group}


def expect_list(aws, *configs):
    # Listed without HostedZoneId: the local endpoint answers that filter with NoSuchHostedZone.
    aws.stub("route53").add_response("list_query_logging_configs", {"QueryLoggingConfigs": list(configs)}, {})


def test_creates_the_zones_configuration(aws):
    expect_list(aws, config("x", zone="ZOTHER", group=OTHER))
    aws.stub("route53").add_response(
        "create_query_logging_config",
        {"QueryLoggingConfig": config(), "Location": "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/c1"},
        {"HostedZoneId": ZONE, "CloudWatchLogsLogGroupArn": GROUP},
    )
    result = run_module(main, {"hosted_zone_id": f"/hostedzone/{ZONE}", "log_group_arn": GROUP}, diff=True)
    assert_changed(result)
    assert result["query_logging_config"]["id"] == "c1"
    assert result["diff"]["before"] == {}


def test_the_same_log_group_is_no_change_with_or_without_the_trailing_star(aws):
    expect_list(aws, config())
    result = run_module(main, {"hosted_zone_id": ZONE, "log_group_arn": GROUP.removesuffix(":*")})
    assert result["changed"] is False
    assert result["query_logging_config"]["id"] == "c1"


def test_another_log_group_replaces_the_configuration(aws):
    expect_list(aws, config("old", group=OTHER))
    aws.stub("route53").add_response("delete_query_logging_config", {}, {"Id": "old"})
    aws.stub("route53").add_response(
        "create_query_logging_config",
        {"QueryLoggingConfig": config(), "Location": "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/c1"},
        {"HostedZoneId": ZONE, "CloudWatchLogsLogGroupArn": GROUP},
    )
    result = run_module(main, {"hosted_zone_id": ZONE, "log_group_arn": GROUP})
    assert result["changed"] is True and result["query_logging_config"]["cloud_watch_logs_log_group_arn"] == GROUP


def test_check_mode_creates_nothing(aws):
    expect_list(aws)
    result = run_module(main, {"hosted_zone_id": ZONE, "log_group_arn": GROUP}, check_mode=True)
    assert result["changed"] is True and result["query_logging_config"]["id"] is None


def test_absent_deletes_and_then_is_no_change(aws):
    expect_list(aws, config())
    aws.stub("route53").add_response("delete_query_logging_config", {}, {"Id": "c1"})
    assert run_module(main, {"hosted_zone_id": ZONE, "state": "absent"})["changed"] is True
    expect_list(aws)
    assert run_module(main, {"hosted_zone_id": ZONE, "state": "absent"})["changed"] is False


def test_a_log_group_outside_us_east_1_is_refused_before_any_call():
    result = run_module(main, {"hosted_zone_id": ZONE, "log_group_arn": GROUP.replace("us-east-1", "eu-west-1")})
    assert result["failed"] is True and "us-east-1" in result["msg"]


@pytest.mark.parametrize(
    "current, wanted, expected",
    [
        (None, GROUP, {"delete": False, "create": True}),
        (config(), GROUP, {"delete": False, "create": False}),
        (config(group=OTHER), GROUP, {"delete": True, "create": True}),
        (config(), None, {"delete": True, "create": False}),
        (None, None, {"delete": False, "create": False}),
    ],
)
def test_plan(current, wanted, expected):
    assert plan(current, wanted) == expected

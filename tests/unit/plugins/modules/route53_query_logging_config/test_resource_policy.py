"""route53_query_logging_config's resource_policy option against stubbed Route 53 and CloudWatch Logs clients, shaped
as the API references document DescribeResourcePolicies, PutResourcePolicy, DeleteResourcePolicy,
ListQueryLoggingConfigs and CreateQueryLoggingConfig (with its InsufficientCloudWatchLogsResourcePolicy error)."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import route53_query_logging_config as module
from ansible_collections.multiregion.serverless.plugins.modules.route53_query_logging_config import main
from ansible_collections.multiregion.serverless.plugins.modules.route53_query_logging_config import policy_state
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ZONE = "Z0123456789ABCDEFGHIJ"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*"
NAME = "prod-route53-query-logs"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "route53.amazonaws.com"},
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": GROUP,
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:route53:::hostedzone/{ZONE}"}},
        }
    ],
}
DOCUMENT = json.dumps(POLICY, separators=(",", ":"), sort_keys=True)
# The resource policies Route 53 reads live in us-east-1, whatever region the module is given (eu-west-1 here).
LOGS = "us-east-1"
ARGS = {"hosted_zone_id": ZONE, "log_group_arn": GROUP, "resource_policy": {"name": NAME, "policy": POLICY}}
ABSENT = {"hosted_zone_id": ZONE, "state": "absent", "resource_policy": {"name": NAME, "state": "absent"}}


def config(config_id="c1", group=GROUP) -> dict:
    return {"Id": config_id, "HostedZoneId": ZONE, "CloudWatchLogsLogGroupArn": group}


def expect_configs(aws, *configs):
    aws.stub("route53").add_response("list_query_logging_configs", {"QueryLoggingConfigs": list(configs)}, {})


def expect_policies(aws, *policies):
    aws.stub("logs", LOGS).add_response("describe_resource_policies", {"resourcePolicies": list(policies)}, {})


def expect_put(aws):
    aws.stub("logs", LOGS).add_response(
        "put_resource_policy",
        {"resourcePolicy": {"policyName": NAME, "policyDocument": DOCUMENT, "lastUpdatedTime": 1}},
        {"policyName": NAME, "policyDocument": DOCUMENT},
    )


def expect_create(aws):
    aws.stub("route53").add_response(
        "create_query_logging_config",
        {"QueryLoggingConfig": config(), "Location": "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/c1"},
        {"HostedZoneId": ZONE, "CloudWatchLogsLogGroupArn": GROUP},
    )


def insufficient_policy(aws):
    aws.stub("route53").add_client_error(
        "create_query_logging_config", **client_error("InsufficientCloudWatchLogsResourcePolicy")
    )


def calls(aws) -> list[str]:
    """The operation names of every request of both clients from now on, in the order they were sent."""
    sent: list[str] = []
    for service, region in (("route53", "eu-west-1"), ("logs", LOGS)):
        aws.client(service, region).meta.events.register(
            f"provide-client-params.{service}", lambda model, **_: sent.append(model.name)
        )
    return sent


class Clock:
    """The module's clock hooks: time moves only when the module sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    fake = Clock()
    with mock.patch.object(module, "_now", lambda: fake.now), mock.patch.object(module, "_sleep", fake.sleep):
        yield fake


def test_an_absent_policy_is_put_before_the_configuration_is_created(aws, clock):
    sent = calls(aws)
    expect_policies(aws, {"policyName": "someone-else", "policyDocument": "{}"})
    expect_put(aws)
    expect_configs(aws)
    expect_create(aws)
    result = run_module(main, ARGS, diff=True)
    assert_changed(result)
    assert sent == [
        "DescribeResourcePolicies",
        "PutResourcePolicy",
        "ListQueryLoggingConfigs",
        "CreateQueryLoggingConfig",
    ]
    assert result["resource_policy"] == {"policy_name": NAME, "policy_document": DOCUMENT}
    assert result["query_logging_config"]["id"] == "c1"
    assert result["diff"] == {
        "before": {},
        "after": {"hosted_zone_id": ZONE, "log_group_arn": GROUP, "resource_policy": POLICY},
    }
    assert clock.sleeps == []


def test_the_same_policy_on_a_later_page_written_otherwise_is_no_call_and_no_change(aws):
    same = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action=["logs:PutLogEvents", "logs:CreateLogStream"])])
    stub = aws.stub("logs", LOGS)
    stub.add_response(
        "describe_resource_policies",
        {"resourcePolicies": [{"policyName": "someone-else", "policyDocument": "{}"}], "nextToken": "p2"},
        {},
    )
    stub.add_response(
        "describe_resource_policies",
        {"resourcePolicies": [{"policyName": NAME, "policyDocument": json.dumps(same, indent=2)}]},
        {"nextToken": "p2"},
    )
    expect_configs(aws, config())
    result = run_module(main, dict(ARGS, resource_policy={"name": NAME, "policy": json.dumps(POLICY)}), diff=True)
    assert_unchanged(result)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["diff"]["before"]["resource_policy"] == same


def test_a_different_policy_is_put_and_the_configuration_left_alone(aws):
    old = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Resource="arn:aws:logs:us-east-1:1:log-group:x:*")])
    expect_policies(aws, {"policyName": NAME, "policyDocument": json.dumps(old)})
    expect_put(aws)
    expect_configs(aws, config())
    result = run_module(main, ARGS, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["resource_policy"] == old
    assert result["diff"]["after"]["resource_policy"] == POLICY
    assert result["diff"]["before"]["log_group_arn"] == result["diff"]["after"]["log_group_arn"] == GROUP


def test_the_create_is_tried_again_while_route53_does_not_see_the_policy_just_put(aws, clock):
    expect_policies(aws)
    expect_put(aws)
    expect_configs(aws)
    insufficient_policy(aws)
    insufficient_policy(aws)
    expect_create(aws)
    result = run_module(main, ARGS)
    assert_changed(result)
    assert result["query_logging_config"]["id"] == "c1"
    assert clock.sleeps == [module.POLICY_PROPAGATION_DELAY] * 2


def test_the_tries_are_bounded(aws, clock):
    expect_policies(aws)
    expect_put(aws)
    expect_configs(aws)
    tries = module.POLICY_PROPAGATION_TIMEOUT // module.POLICY_PROPAGATION_DELAY + 1
    for _try in range(tries):
        insufficient_policy(aws)
    result = run_module(main, ARGS)
    assert_fails_with(result, f"Failed to create the query logging configuration of zone {ZONE}")
    assert "InsufficientCloudWatchLogsResourcePolicy" in json.dumps(result)
    assert sum(clock.sleeps) <= module.POLICY_PROPAGATION_TIMEOUT
    assert len(clock.sleeps) == tries - 1


def test_a_policy_already_in_place_is_not_waited_for(aws, clock):
    # The policy was there before this call: Route 53 refusing it is the policy's fault, reported at once.
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    expect_configs(aws)
    insufficient_policy(aws)
    result = run_module(main, ARGS)
    assert_fails_with(result, "Failed to create the query logging configuration")
    assert clock.sleeps == []


def test_throttled_listings_are_retried(aws):
    aws.stub("logs", LOGS).add_client_error("describe_resource_policies", **client_error("ThrottlingException"))
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    aws.stub("route53").add_client_error("list_query_logging_configs", **client_error("Throttling"))
    expect_configs(aws, config())
    put_sent = aws.sent("logs", "PutResourcePolicy", region=LOGS)
    result = run_module(main, ARGS)
    assert_unchanged(result)
    assert put_sent == []
    assert len(aws.sleeps) == 2


def test_a_throttled_put_is_retried(aws, clock):
    expect_policies(aws)
    aws.stub("logs", LOGS).add_client_error("put_resource_policy", **client_error("ThrottlingException"))
    expect_put(aws)
    expect_configs(aws, config())
    assert_changed(run_module(main, ARGS))
    assert len(aws.sleeps) == 1


def test_check_mode_puts_and_creates_nothing_and_shows_both(aws):
    sent = calls(aws)
    expect_policies(aws)
    expect_configs(aws)
    result = run_module(main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert sent == ["DescribeResourcePolicies", "ListQueryLoggingConfigs"]
    assert result["query_logging_config"]["id"] is None
    assert result["resource_policy"] == {"policy_name": NAME, "policy_document": DOCUMENT}
    assert result["diff"]["after"] == {"hosted_zone_id": ZONE, "log_group_arn": GROUP, "resource_policy": POLICY}


def test_absent_deletes_the_configuration_then_the_policy(aws):
    sent = calls(aws)
    expect_configs(aws, config())
    aws.stub("route53").add_response("delete_query_logging_config", {}, {"Id": "c1"})
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    aws.stub("logs", LOGS).add_response("delete_resource_policy", {}, {"policyName": NAME})
    result = run_module(main, ABSENT, diff=True)
    assert_changed(result)
    assert sent == [
        "ListQueryLoggingConfigs",
        "DeleteQueryLoggingConfig",
        "DescribeResourcePolicies",
        "DeleteResourcePolicy",
    ]
    assert result["diff"] == {
        "before": {"hosted_zone_id": ZONE, "log_group_arn": GROUP, "resource_policy": POLICY},
        "after": {},
    }
    expect_configs(aws)
    expect_policies(aws)
    assert_unchanged(run_module(main, ABSENT))


def test_absent_in_check_mode_deletes_nothing(aws):
    expect_configs(aws, config())
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    assert_changed(run_module(main, ABSENT, check_mode=True))


def test_absent_without_a_zone_deletes_the_policy_only(aws):
    sent = calls(aws)
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    aws.stub("logs", LOGS).add_response("delete_resource_policy", {}, {"policyName": NAME})
    args = {k: v for k, v in ABSENT.items() if k != "hosted_zone_id"}
    assert_changed(run_module(main, args))
    assert sent == ["DescribeResourcePolicies", "DeleteResourcePolicy"]


def test_a_policy_deleted_meanwhile_is_gone(aws):
    expect_configs(aws)
    expect_policies(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    aws.stub("logs", LOGS).add_client_error(
        "delete_resource_policy", **client_error("ResourceNotFoundException", status=404)
    )
    assert not run_module(main, ABSENT).get("failed")


def test_absent_leaves_the_policy_alone_unless_asked(aws):
    sent = calls(aws)
    expect_configs(aws, config())
    aws.stub("route53").add_response("delete_query_logging_config", {}, {"Id": "c1"})
    result = run_module(main, dict(ABSENT, resource_policy={"name": NAME}))
    assert_changed(result)
    assert sent == ["ListQueryLoggingConfigs", "DeleteQueryLoggingConfig"]
    assert "resource_policy" not in result


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(ARGS, resource_policy={"name": NAME}), "resource_policy.policy is required"),
        (dict(ARGS, resource_policy={"name": NAME, "policy": "{not json"}), "resource_policy.policy is not a JSON"),
        (dict(ARGS, resource_policy={"name": NAME, "state": "absent"}), "resource_policy.state=absent needs"),
        ({"state": "absent", "resource_policy": {"name": NAME}}, "hosted_zone_id is required"),
        ({"state": "absent"}, "hosted_zone_id is required"),
    ],
)
def test_bad_input_fails_before_any_call(args, message):
    result = run_module(main, args)
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]


@pytest.mark.parametrize(
    "state, resource_policy, expected",
    [
        ("present", None, None),
        ("present", {"name": NAME}, "present"),
        ("absent", {"name": NAME}, None),
        ("absent", {"name": NAME, "state": "absent"}, "absent"),
        ("absent", {"name": NAME, "state": "present"}, "present"),
    ],
)
def test_policy_state(state, resource_policy, expected):
    assert policy_state(state, resource_policy) == expected

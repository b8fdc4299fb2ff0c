"""cloudwatchlogs_resource_policy against a stubbed CloudWatch Logs client."""

from __future__ import annotations

import json

from ansible_collections.multiregion.serverless.plugins.modules.cloudwatchlogs_resource_policy import main
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-route53-query-logs"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "route53.amazonaws.com"},
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*",
        }
    ],
}
DOCUMENT = json.dumps(POLICY, separators=(",", ":"), sort_keys=True)


def expect_list(aws, *policies):
    aws.stub("logs").add_response("describe_resource_policies", {"resourcePolicies": list(policies)}, {})


def test_puts_a_new_policy(aws):
    expect_list(aws, {"policyName": "someone-else", "policyDocument": "{}"})
    aws.stub("logs").add_response(
        "put_resource_policy",
        {"resourcePolicy": {"policyName": NAME, "policyDocument": DOCUMENT}},
        {"policyName": NAME, "policyDocument": DOCUMENT},
    )
    result = run_module(main, {"name": NAME, "policy": POLICY}, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["diff"]["after"] == POLICY


def test_the_same_policy_written_otherwise_is_no_change(aws):
    same = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action=["logs:PutLogEvents", "logs:CreateLogStream"])])
    expect_list(aws, {"policyName": NAME, "policyDocument": json.dumps(same, indent=2)})
    assert run_module(main, {"name": NAME, "policy": json.dumps(POLICY)})["changed"] is False


def test_a_changed_policy_is_put_again_and_check_mode_puts_nothing(aws):
    old = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Resource="arn:aws:logs:us-east-1:1:log-group:x:*")])
    expect_list(aws, {"policyName": NAME, "policyDocument": json.dumps(old)})
    assert run_module(main, {"name": NAME, "policy": POLICY}, check_mode=True)["changed"] is True


def test_absent_deletes(aws):
    expect_list(aws, {"policyName": NAME, "policyDocument": DOCUMENT})
    aws.stub("logs").add_response("delete_resource_policy", {}, {"policyName": NAME})
    assert run_module(main, {"name": NAME, "state": "absent"})["changed"] is True
    expect_list(aws)
    assert run_module(main, {"name": NAME, "state": "absent"})["changed"] is False

"""route53_query_logging_config with its resource_policy option on the local endpoint: check mode, create, rerun, a
changed policy, absent leaving the policy alone, absent removing it, the policy alone once the zone is gone.

The local endpoint does not check the resource policy when the configuration is created (moto cannot), so the
InsufficientCloudWatchLogsResourcePolicy retry is covered by the Stubber unit tests only.
"""

from __future__ import annotations

import json

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/route53_query_logging_config.yml"
GROUP = "/aws/route53/qlc-test.example.com"
GROUP_ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
POLICY = "qlc-test-route53-query-logs"

run_playbook = playbook_runner(PLAYBOOK)


def run(ansible_playbook, zone_id: str, *args: str):
    return run_playbook(ansible_playbook, "-e", f"qlc_zone_id={zone_id}", "-e", f"qlc_group={GROUP}", *args)


def result(run_) -> dict:
    return task_result(run_, "Query logging")


def policies(logs) -> dict:
    return {
        p["policyName"]: json.loads(p["policyDocument"]) for p in logs.describe_resource_policies()["resourcePolicies"]
    }


def configs(route53) -> list[tuple[str, str]]:
    found = route53.list_query_logging_configs()["QueryLoggingConfigs"]
    return [(c["HostedZoneId"], c["CloudWatchLogsLogGroupArn"]) for c in found]


def test_query_logging_with_its_resource_policy(ansible_playbook, boto):
    route53 = boto("route53", "us-east-1")
    logs = boto("logs", "us-east-1")
    zone_id = route53.create_hosted_zone(Name="qlc-test.example.com", CallerReference="qlc-test")["HostedZone"]["Id"]
    zone_id = zone_id.split("/")[-1]
    logs.create_log_group(logGroupName=GROUP)
    # Another deployment's policy in the same region: never touched.
    logs.put_resource_policy(policyName="someone-else", policyDocument='{"Version": "2012-10-17", "Statement": []}')

    checked = run(ansible_playbook, zone_id, "--check", "--diff")
    assert checked.changed() == {"localhost": 1}
    preview = result(checked)
    assert preview["query_logging_config"]["id"] is None
    assert preview["diff"]["before"] == {}
    assert preview["diff"]["after"]["log_group_arn"] == GROUP_ARN
    assert preview["diff"]["after"]["resource_policy"]["Statement"][0]["Resource"] == GROUP_ARN
    assert configs(route53) == [] and set(policies(logs)) == {"someone-else"}
    # The module was given eu-west-1: nothing went there.
    assert boto("logs", "eu-west-1").describe_resource_policies()["resourcePolicies"] == []

    created = run(ansible_playbook, zone_id)
    assert created.changed() == {"localhost": 1}
    assert configs(route53) == [(zone_id, GROUP_ARN)]
    statement = policies(logs)[POLICY]["Statement"][0]
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == GROUP_ARN
    assert statement["Condition"] == {"ArnLike": {"aws:SourceArn": f"arn:aws:route53:::hostedzone/{zone_id}"}}
    assert result(created)["resource_policy"]["policy_name"] == POLICY
    config_id = result(created)["query_logging_config"]["id"]

    # A rerun and a check-mode run change nothing; the actions in another order are the same policy.
    assert run(ansible_playbook, zone_id).changed() == {"localhost": 0}
    same = run(
        ansible_playbook,
        zone_id,
        "--check",
        "--diff",
        "-e",
        '{"qlc_actions": ["logs:PutLogEvents", "logs:CreateLogStream"]}',
    )
    assert same.changed() == {"localhost": 0}
    assert result(same)["diff"]["before"] == result(same)["diff"]["after"]

    # A narrower policy is put again; the configuration stays as it is.
    narrower = run(ansible_playbook, zone_id, "--diff", "-e", '{"qlc_actions": ["logs:PutLogEvents"]}')
    assert narrower.changed() == {"localhost": 1}
    assert result(narrower)["diff"]["before"]["resource_policy"]["Statement"][0]["Action"] == [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ]
    assert policies(logs)[POLICY]["Statement"][0]["Action"] == ["logs:PutLogEvents"]
    assert route53.list_query_logging_configs()["QueryLoggingConfigs"][0]["Id"] == config_id

    # Absent without resource_policy.state: the configuration goes, the policy stays.
    stopped = run(ansible_playbook, zone_id, "-e", "qlc_state=absent")
    assert stopped.changed() == {"localhost": 1}
    assert configs(route53) == []
    assert POLICY in policies(logs)
    assert "resource_policy" not in result(stopped)

    # Back, then removed with its policy; previewed first.
    run(ansible_playbook, zone_id)
    absent = ("-e", "qlc_state=absent", "-e", "qlc_policy_state=absent")
    preview = result(run(ansible_playbook, zone_id, "--check", "--diff", *absent))
    assert preview["changed"] is True and preview["diff"]["after"] == {}
    assert set(preview["diff"]["before"]) == {"hosted_zone_id", "log_group_arn", "resource_policy"}
    assert configs(route53) == [(zone_id, GROUP_ARN)] and POLICY in policies(logs)
    assert run(ansible_playbook, zone_id, *absent).changed() == {"localhost": 1}
    assert configs(route53) == []
    assert set(policies(logs)) == {"someone-else"}
    assert run(ansible_playbook, zone_id, *absent).changed() == {"localhost": 0}

    # The zone gone: the task without a zone removes the policy alone.
    run(ansible_playbook, zone_id)
    route53.delete_query_logging_config(Id=route53.list_query_logging_configs()["QueryLoggingConfigs"][0]["Id"])
    route53.delete_hosted_zone(Id=zone_id)
    without_zone = run(ansible_playbook, zone_id, "-e", "qlc_with_zone=false", *absent)
    assert without_zone.changed() == {"localhost": 1}
    assert set(policies(logs)) == {"someone-else"}

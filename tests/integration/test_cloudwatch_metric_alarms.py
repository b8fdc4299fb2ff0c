"""cloudwatch_metric_alarms against the local endpoint: create, rerun, check mode, update, purge, tags, delete."""

from __future__ import annotations

import functools

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/cloudwatch_metric_alarms.yml"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:cw-test-alarms"


run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Alarms")


def alarms(cloudwatch) -> dict[str, dict]:
    return {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNamePrefix="cw-test-")["MetricAlarms"]}


def tags(cloudwatch, alarm: dict) -> dict:
    listed = cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]
    return {t["Key"]: t["Value"] for t in listed}


def test_alarms_reconciled_in_one_task(ansible_playbook, boto):
    cloudwatch = boto("cloudwatch")
    # An alarm outside the prefix is never touched; one inside it, not listed, is purged on the first run.
    for name in ("other-alarm", "cw-test-stale"):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/Lambda",
            MetricName="Throttles",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )

    checked = run(ansible_playbook, "--check", "--diff")
    assert task(checked)["created"] == ["cw-test-errors", "cw-test-latency", "cw-test-rate"]
    assert task(checked)["deleted"] == ["cw-test-stale"]
    assert set(alarms(cloudwatch)) == {"cw-test-stale"}

    created = run(ansible_playbook)
    found = alarms(cloudwatch)
    assert set(found) == {"cw-test-errors", "cw-test-latency", "cw-test-rate"}
    errors = found["cw-test-errors"]
    assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert errors["Threshold"] == 5.0
    assert errors["TreatMissingData"] == "notBreaching"
    assert errors["AlarmActions"] == [TOPIC] and errors["OKActions"] == [TOPIC]
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": "cw-test"}]
    assert errors["AlarmDescription"] == "Function errors"
    latency = found["cw-test-latency"]
    assert (latency["ExtendedStatistic"], latency["EvaluationPeriods"], latency["DatapointsToAlarm"]) == ("p99", 5, 3)
    rate = found["cw-test-rate"]
    assert sorted(q["Id"] for q in rate["Metrics"]) == ["errors", "invocations", "rate"]
    # Left out, ReturnData is true (CloudWatch's default); the endpoint returns it only when sent.
    assert {q["Id"]: q.get("ReturnData", True) for q in rate["Metrics"]} == {
        "errors": False,
        "invocations": False,
        "rate": True,
    }
    assert all(tags(cloudwatch, a) == {"Deployment": "cw-test"} for a in found.values())
    assert "other-alarm" in {a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    assert [a["alarm_arn"] for a in task(created)["alarms"]] == [found[n]["AlarmArn"] for n in sorted(found)]

    again = run(ansible_playbook)
    assert again.changed() == {"localhost": 0}, task(again)
    checked_again = run(ansible_playbook, "--check", "--diff")
    assert checked_again.changed() == {"localhost": 0}, task(checked_again)

    # Drift: tags changed outside Ansible are seen (the tags are read with GetResources, then CloudWatch's own call).
    cloudwatch.tag_resource(ResourceARN=found["cw-test-rate"]["AlarmArn"], Tags=[{"Key": "Deployment", "Value": "x"}])
    cloudwatch.tag_resource(ResourceARN=found["cw-test-errors"]["AlarmArn"], Tags=[{"Key": "Owner", "Value": "x"}])
    drift = run(ansible_playbook, "--check", "--diff")
    assert task(drift)["updated"] == ["cw-test-errors", "cw-test-rate"]
    assert task(drift)["diff"]["before"]["cw-test-rate"]["tags"] == {"Deployment": "x"}
    restored = run(ansible_playbook)
    assert task(restored)["updated"] == ["cw-test-errors", "cw-test-rate"]
    assert all(tags(cloudwatch, a) == {"Deployment": "cw-test"} for a in alarms(cloudwatch).values())

    updated = run(
        ansible_playbook,
        "-e",
        "cw_threshold=7",
        "-e",
        '{"cw_tags": {"Deployment": "cw-test", "Team": "api"}}',
        "-e",
        '{"cw_alarm_names": ["cw-test-errors", "cw-test-latency"]}',
    )
    result = task(updated)
    assert result["updated"] == ["cw-test-errors", "cw-test-latency"]
    assert result["deleted"] == ["cw-test-rate"]
    found = alarms(cloudwatch)
    assert set(found) == {"cw-test-errors", "cw-test-latency"}
    assert found["cw-test-errors"]["Threshold"] == 7.0
    assert found["cw-test-latency"]["Threshold"] == 2000.0
    assert tags(cloudwatch, found["cw-test-latency"]) == {"Deployment": "cw-test", "Team": "api"}

    removed = run(ansible_playbook, "-e", "cw_state=absent")
    assert task(removed)["deleted"] == ["cw-test-errors", "cw-test-latency"]
    assert alarms(cloudwatch) == {}
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]] == ["other-alarm"]

    gone = run(ansible_playbook, "-e", "cw_state=absent")
    assert gone.changed() == {"localhost": 0}

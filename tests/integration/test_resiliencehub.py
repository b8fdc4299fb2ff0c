"""The Resilience Hub modules against the local endpoint, for the calls it implements.

The endpoint has no PutDraftAppVersionTemplate, DescribeAppVersionTemplate, UpdateApp, UpdateResiliencyPolicy,
Delete* or StartAppAssessment: an application's resources, updates, deletions and assessments are covered by
the unit tests only.
"""

from __future__ import annotations

import json
import urllib.request

from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/resiliencehub.yml"
POLICY = "it-GlobalMissionCritical"
APP = "it-api"


def test_policy_and_application_created_once(ansible_playbook, boto):
    first = ansible_playbook(PLAYBOOK, "--tags", "policy,app")
    assert first.returncode == 0, first.failures() or first.stderr
    assert first.changed_tasks() == ["localhost: Resiliency policy", "localhost: Application"]

    client = boto("resiliencehub")
    policies = client.list_resiliency_policies(policyName=POLICY)["resiliencyPolicies"]
    assert len(policies) == 1
    policy = policies[0]
    assert policy["tier"] == "MissionCritical"
    assert policy["policy"] == {
        "Software": {"rtoInSecs": 5400, "rpoInSecs": 300},
        "Hardware": {"rtoInSecs": 1, "rpoInSecs": 1},
        "AZ": {"rtoInSecs": 1, "rpoInSecs": 1},
        "Region": {"rtoInSecs": 3600, "rpoInSecs": 5},
    }
    assert client.list_tags_for_resource(resourceArn=policy["policyArn"])["tags"] == {"deployment": "it"}

    apps = client.list_apps(name=APP)["appSummaries"]
    assert len(apps) == 1
    app = client.describe_app(appArn=apps[0]["appArn"])["app"]
    assert app["policyArn"] == policy["policyArn"]
    assert app["assessmentSchedule"] == "Daily"
    assert client.list_tags_for_resource(resourceArn=app["appArn"])["tags"] == {"deployment": "it"}

    returned = task_result(first, "Application")["app"]
    assert returned["app_arn"] == app["appArn"]
    assert returned["policy_arn"] == policy["policyArn"]
    assert returned["published_version"] is None
    assert task_result(first, "Resiliency policy")["policy"]["policy"]["region"] == {
        "rto_in_secs": 3600,
        "rpo_in_secs": 5,
    }

    second = ansible_playbook(PLAYBOOK, "--tags", "policy,app")
    assert second.returncode == 0, second.failures() or second.stderr
    assert second.changed() == {"localhost": 0}, second.changed_tasks()
    assert len(client.list_resiliency_policies(policyName=POLICY)["resiliencyPolicies"]) == 1
    assert len(client.list_apps(name=APP)["appSummaries"]) == 1


def test_check_mode_creates_nothing(ansible_playbook, boto):
    run = ansible_playbook(PLAYBOOK, "--tags", "policy,app", "--check", "--diff")
    assert run.returncode == 0, run.failures() or run.stderr
    assert run.changed_tasks() == ["localhost: Resiliency policy", "localhost: Application"]
    client = boto("resiliencehub")
    assert client.list_resiliency_policies()["resiliencyPolicies"] == []
    assert client.list_apps()["appSummaries"] == []


def test_assessments_are_listed_newest_first(ansible_playbook, boto, clean_endpoint):
    app_arn = boto("resiliencehub").create_app(name=APP)["app"]["appArn"]
    summaries = [
        {
            "appArn": app_arn,
            "assessmentArn": f"arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/{day}",
            "assessmentName": f"daily-{day}",
            "assessmentStatus": "Success",
            "complianceStatus": compliance,
            "invoker": "System",
            "startTime": start,
        }
        for day, compliance, start in (("old", "PolicyMet", 1795000000), ("new", "PolicyBreached", 1795600000))
    ]
    # The endpoint runs no assessment; it answers ListAppAssessments with what it is given here.
    request = urllib.request.Request(
        f"{clean_endpoint}/moto-api/static/resilience-hub-assessments/response",
        data=json.dumps({"results": [summaries], "region": "eu-west-1"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201

    run = ansible_playbook(PLAYBOOK, "--tags", "info")
    assert run.returncode == 0, run.failures() or run.stderr
    listed = task_result(run, "Assessments of the application")["assessments"]
    assert [a["assessment_name"] for a in listed] == ["daily-new", "daily-old"]
    assert listed[0]["compliance_status"] == "PolicyBreached"
    assert run.changed() == {"localhost": 0}

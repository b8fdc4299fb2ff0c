"""fis_experiment_template, fis_experiment, ssm_document and ssm_automation_execution against the local endpoint.

Everything is checked with boto3 on the endpoint, not with the modules' own reports. The endpoint runs FIS
experiments through their states without executing any action, and has no StartAutomationExecution: the
runbook's execution is only planned here (check mode); its calls are covered by the Stubber unit tests.
"""

from __future__ import annotations

import hashlib
import json

from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/fis_ssm.yml"
TEMPLATE = "it-region-impairment"
DOCUMENT = "it-restore-table-pitr"


def play(ansible_playbook, phase, *args):
    return ansible_playbook(PLAYBOOK, "-e", json.dumps({"fis_ssm_phase": phase}), *args)


def templates_named(fis, name):
    summaries = fis.list_experiment_templates()["experimentTemplates"]
    return [
        fis.get_experiment_template(id=s["id"])["experimentTemplate"]
        for s in summaries
        if s.get("tags", {}).get("Name") == name
    ]


def test_check_mode_on_a_fresh_endpoint_creates_nothing(ansible_playbook, boto):
    run = play(ansible_playbook, "create", "--check", "--diff")
    assert run.returncode == 0, run.failures() or run.stderr
    assert run.changed_tasks() == ["localhost: Experiment template", "localhost: Runbook"]
    assert boto("fis").list_experiment_templates()["experimentTemplates"] == []
    assert boto("ssm").list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"] == []


def test_lifecycle(ansible_playbook, boto):
    fis, ssm = boto("fis"), boto("ssm")

    created = play(ansible_playbook, "create")
    assert created.returncode == 0, created.failures() or created.stderr
    assert created.changed_tasks() == ["localhost: Experiment template", "localhost: Runbook"]

    [template] = templates_named(fis, TEMPLATE)
    assert template["description"] == "Cut the function's subnets off DynamoDB"
    assert template["roleArn"] == "arn:aws:iam::123456789012:role/it-fis"
    assert template["targets"]["subnets"]["resourceType"] == "aws:ec2:subnet"
    assert sorted(template["targets"]["subnets"]["resourceArns"]) == [
        "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d4e5f60001",
        "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d4e5f60002",
    ]
    assert template["targets"]["subnets"]["selectionMode"] == "ALL"
    assert template["targets"]["functions"]["resourceTags"] == {"Deployment": "it"}
    assert template["targets"]["functions"]["selectionMode"] == "COUNT(1)"
    assert template["actions"]["disrupt"]["parameters"] == {"scope": "dynamodb", "duration": "PT10M"}
    assert template["actions"]["disrupt"]["targets"] == {"Subnets": "subnets"}
    assert template["actions"]["delay"]["startAfter"] == ["disrupt"]
    assert template["actions"]["runbook"]["startAfter"] == ["delay"]
    # A structured parameter is stored as the JSON text FIS expects.
    assert json.loads(template["actions"]["runbook"]["parameters"]["documentParameters"]) == {
        "SourceTableName": "it-table",
        "TargetTableName": "it-table-drill",
    }
    assert template["stopConditions"] == [
        {"source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:it-healthy-region"}
    ]
    assert template["logConfiguration"] == {
        "cloudWatchLogsConfiguration": {"logGroupArn": "arn:aws:logs:eu-west-1:123456789012:log-group:/it/fis:*"},
        "logSchemaVersion": 2,
    }
    assert template["experimentOptions"]["emptyTargetResolutionMode"] == "fail"
    assert fis.list_tags_for_resource(resourceArn=template["arn"])["tags"] == {
        "Name": TEMPLATE,
        "Deployment": "it",
        "Owner": "platform",
    }
    assert task_result(created, "Experiment template")["template"]["id"] == template["id"]

    document = ssm.describe_document(Name=DOCUMENT)["Document"]
    content = ssm.get_document(Name=DOCUMENT, DocumentFormat="YAML")["Content"]
    assert document["DocumentType"] == "Automation"
    assert document["DocumentFormat"] == "YAML"
    assert (document["DefaultVersion"], document["LatestVersion"]) == ("1", "1")
    assert document["Hash"] == hashlib.sha256(content.encode()).hexdigest()
    assert "{{ SourceTableName }}" in content
    assert ssm.list_tags_for_resource(ResourceType="Document", ResourceId=DOCUMENT)["TagList"] == [
        {"Key": "Deployment", "Value": "it"}
    ]

    again = play(ansible_playbook, "create")
    assert again.returncode == 0, again.failures() or again.stderr
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    checked = play(ansible_playbook, "create", "--check")
    assert checked.returncode == 0, checked.failures() or checked.stderr
    assert checked.changed() == {"localhost": 0}, checked.changed_tasks()
    assert len(templates_named(fis, TEMPLATE)) == 1

    planned = play(ansible_playbook, "update", "--check", "--diff")
    assert planned.returncode == 0, planned.failures() or planned.stderr
    assert planned.changed_tasks() == ["localhost: Template updated in place", "localhost: Runbook content changed"]
    assert templates_named(fis, TEMPLATE) == [template]
    assert ssm.describe_document(Name=DOCUMENT)["Document"]["LatestVersion"] == "1"

    updated = play(ansible_playbook, "update")
    assert updated.returncode == 0, updated.failures() or updated.stderr
    assert updated.changed_tasks() == ["localhost: Template updated in place", "localhost: Runbook content changed"]
    [after] = templates_named(fis, TEMPLATE)
    assert after["id"] == template["id"], "updated in place, not replaced"
    assert list(after["actions"]) == ["disrupt"]
    assert after["actions"]["disrupt"]["parameters"]["duration"] == "PT2M"
    assert list(after["targets"]) == ["subnets"]
    assert not after.get("logConfiguration")
    assert fis.list_tags_for_resource(resourceArn=after["arn"])["tags"] == {
        "Name": TEMPLATE,
        "Deployment": "it",
        "Tier": "drill",
    }
    document = ssm.describe_document(Name=DOCUMENT)["Document"]
    content = ssm.get_document(Name=DOCUMENT, DocumentFormat="YAML")["Content"]
    assert (document["DefaultVersion"], document["LatestVersion"]) == ("2", "2")
    assert "into a new drill table" in content
    assert document["Hash"] == hashlib.sha256(content.encode()).hexdigest()

    unchanged = play(ansible_playbook, "update")
    assert unchanged.returncode == 0, unchanged.failures() or unchanged.stderr
    assert unchanged.changed() == {"localhost": 0}, unchanged.changed_tasks()
    assert ssm.describe_document(Name=DOCUMENT)["Document"]["LatestVersion"] == "2"

    # Back to the first content: version 1 already holds it, so it becomes the default again, no version 3.
    reverted = play(ansible_playbook, "create")
    assert reverted.returncode == 0, reverted.failures() or reverted.stderr
    document = ssm.describe_document(Name=DOCUMENT)["Document"]
    assert (document["DefaultVersion"], document["LatestVersion"]) == ("1", "2")
    assert play(ansible_playbook, "update").returncode == 0

    experiment_run = play(ansible_playbook, "experiment")
    assert experiment_run.returncode == 0, experiment_run.failures() or experiment_run.stderr
    assert experiment_run.changed_tasks() == ["localhost: Experiment run"]
    [summary] = fis.list_experiments()["experiments"]
    experiment = fis.get_experiment(id=summary["id"])["experiment"]
    assert experiment["experimentTemplateId"] == template["id"]
    assert experiment["state"]["status"] == "completed"
    assert experiment["tags"]["Deployment"] == "it"
    reported = task_result(experiment_run, "Experiment run")["experiment"]
    assert reported["id"] == experiment["id"]
    assert reported["actions"]["disrupt"]["start_time"] is not None

    deleted = play(ansible_playbook, "absent")
    assert deleted.returncode == 0, deleted.failures() or deleted.stderr
    assert deleted.changed_tasks() == ["localhost: Template deleted", "localhost: Runbook deleted"]
    assert templates_named(fis, TEMPLATE) == []
    assert ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"] == []

    gone = play(ansible_playbook, "absent")
    assert gone.returncode == 0, gone.failures() or gone.stderr
    assert gone.changed() == {"localhost": 0}, gone.changed_tasks()

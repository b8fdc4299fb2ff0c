"""iam_roles against the local endpoint: create, rerun, check mode, updates, purge, delete."""

from __future__ import annotations

import functools
import json

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/iam_roles.yml"
PUSH_LOGS = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Roles")


def names(iam) -> set[str]:
    return {r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("iam-test-")}


def tags(iam, name: str) -> dict:
    return {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}


def attached(iam, name: str) -> list[str]:
    return [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]]


def test_roles_reconciled_in_one_task(ansible_playbook, boto):
    # IAM is global: a client of another region sees the same roles.
    iam = boto("iam", "us-east-1")

    checked = run(ansible_playbook, "--check", "--diff")
    assert task(checked)["created"] == ["iam-test-function", "iam-test-apigw-logs"]
    assert names(iam) == set()

    created = run(ansible_playbook)
    assert task(created)["created"] == ["iam-test-function", "iam-test-apigw-logs"]
    assert names(iam) == {"iam-test-function", "iam-test-apigw-logs"}
    function = iam.get_role(RoleName="iam-test-function")["Role"]
    assert function["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert function["Description"] == "iam-test function"
    assert iam.list_role_policies(RoleName="iam-test-function")["PolicyNames"] == ["write-logs"]
    document = iam.get_role_policy(RoleName="iam-test-function", PolicyName="write-logs")["PolicyDocument"]
    assert document["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert attached(iam, "iam-test-function") == []
    assert tags(iam, "iam-test-function") == {"Deployment": "iam-test"}
    logs = iam.get_role(RoleName="iam-test-apigw-logs")["Role"]
    assert (logs["Path"], logs["MaxSessionDuration"]) == ("/service-role/", 7200)
    assert attached(iam, "iam-test-apigw-logs") == [PUSH_LOGS]
    assert tags(iam, "iam-test-apigw-logs") == {"Deployment": "iam-test", "Service": "apigateway"}
    result_roles = task(created)["roles"]
    assert [(r["role_name"], r["arn"], r["role_id"]) for r in result_roles] == [
        ("iam-test-function", function["Arn"], function["RoleId"]),
        ("iam-test-apigw-logs", logs["Arn"], logs["RoleId"]),
    ]

    again = run(ansible_playbook)
    assert again.changed() == {"localhost": 0}, task(again)
    assert [r["arn"] for r in task(again)["roles"]] == [function["Arn"], logs["Arn"]]
    checked_again = run(ansible_playbook, "--check", "--diff")
    assert checked_again.changed() == {"localhost": 0}, task(checked_again)

    # An inline policy added by someone else (a drill's deny) stays unless purging is asked for.
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "dynamodb:GetItem", "Resource": "*"}]}
    iam.put_role_policy(RoleName="iam-test-function", PolicyName="drill-deny", PolicyDocument=json.dumps(deny))

    changes = (
        "-e",
        '{"iam_policy_actions": ["logs:PutLogEvents"], "iam_trust_service": "edgelambda.amazonaws.com"}',
        "-e",
        '{"iam_tags": {"Deployment": "iam-test", "Team": "api"}, "iam_managed": ["' + READ_ONLY + '"]}',
    )
    checked_update = run(ansible_playbook, "--check", "--diff", *changes)
    assert task(checked_update)["updated"] == ["iam-test-function", "iam-test-apigw-logs"]
    assert attached(iam, "iam-test-apigw-logs") == [PUSH_LOGS]

    updated = run(ansible_playbook, *changes)
    assert task(updated)["updated"] == ["iam-test-function", "iam-test-apigw-logs"]
    function = iam.get_role(RoleName="iam-test-function")["Role"]
    assert function["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "edgelambda.amazonaws.com"}
    document = iam.get_role_policy(RoleName="iam-test-function", PolicyName="write-logs")["PolicyDocument"]
    assert document["Statement"][0]["Action"] in ("logs:PutLogEvents", ["logs:PutLogEvents"])
    assert sorted(iam.list_role_policies(RoleName="iam-test-function")["PolicyNames"]) == ["drill-deny", "write-logs"]
    assert attached(iam, "iam-test-apigw-logs") == [READ_ONLY]
    assert tags(iam, "iam-test-apigw-logs") == {"Deployment": "iam-test", "Team": "api", "Service": "apigateway"}
    assert run(ansible_playbook, *changes).changed() == {"localhost": 0}

    purged = run(ansible_playbook, *changes, "-e", "iam_purge_policies=true")
    assert task(purged)["updated"] == ["iam-test-function"]
    assert iam.list_role_policies(RoleName="iam-test-function")["PolicyNames"] == ["write-logs"]

    checked_removal = run(ansible_playbook, "--check", "-e", "iam_state=absent")
    assert task(checked_removal)["deleted"] == ["iam-test-function", "iam-test-apigw-logs"]
    assert names(iam) == {"iam-test-function", "iam-test-apigw-logs"}

    # An instance profile holding the role does not stop its removal; the profile itself is kept.
    iam.create_instance_profile(InstanceProfileName="iam-test-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="iam-test-profile", RoleName="iam-test-apigw-logs")
    removed = run(ansible_playbook, "-e", "iam_state=absent")
    assert task(removed)["deleted"] == ["iam-test-function", "iam-test-apigw-logs"]
    assert names(iam) == set()
    assert iam.get_instance_profile(InstanceProfileName="iam-test-profile")["InstanceProfile"]["Roles"] == []

    gone = run(ansible_playbook, "-e", "iam_state=absent")
    assert gone.changed() == {"localhost": 0}

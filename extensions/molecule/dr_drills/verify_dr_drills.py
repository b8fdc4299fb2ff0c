"""Read dr_drills' resources back from the local endpoint with boto3 and assert them, in one region.

    python verify_dr_drills.py --endpoint URL --region eu-west-1 --deployment molecule --regions eu-west-1,eu-central-1
    python verify_dr_drills.py ... --absent      # after delete: nothing of the role is left

Exits non-zero with every failed check listed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import actions_of
from endpoint_checks import arguments

RUNBOOKS = ("restore-point-in-time", "restore-backup", "deny-table-access")
TEMPLATES = ("region-impairment", "deny-table-access", "restore-point-in-time", "restore-backup")


def templates_by_name(fis) -> dict:
    out = {}
    for summary in (
        fis.get_paginator("list_experiment_templates").paginate().build_full_result().get("experimentTemplates", [])
    ):
        template = fis.get_experiment_template(id=summary["id"])["experimentTemplate"]
        out[template.get("tags", {}).get("Name", "")] = template
    return out


def check_present(aws: Endpoint, args, problems: list[str]) -> None:
    name, region = args.deployment, args.region
    others = [r for r in args.regions.split(",") if r != region]
    ssm, fis, iam = aws.client("ssm"), aws.client("fis"), aws.client("iam")
    logs, cloudwatch = aws.client("logs"), aws.client("cloudwatch")
    account = aws.client("sts").get_caller_identity()["Account"]

    for runbook in RUNBOOKS:
        document = ssm.describe_document(Name=f"{name}-dr-{runbook}")["Document"]
        if document["DocumentType"] != "Automation":
            problems.append(f"{runbook}: type {document['DocumentType']}")
        content = json.loads(ssm.get_document(Name=f"{name}-dr-{runbook}", DocumentFormat="JSON")["Content"])
        if content.get("assumeRole") != "{{ AutomationAssumeRole }}":
            problems.append(f"{runbook}: the runbook does not run as its AutomationAssumeRole parameter")
    deny = json.loads(ssm.get_document(Name=f"{name}-dr-deny-table-access", DocumentFormat="JSON")["Content"])
    steps = {s["name"]: s for s in deny["mainSteps"]}
    policy = json.loads(steps["AttachDeny"]["inputs"]["PolicyDocument"])
    denied = actions_of(policy)
    if policy["Statement"][0]["Effect"] != "Deny" or any(not a.startswith("dynamodb:") for a in denied):
        problems.append(f"deny runbook: the policy must deny DynamoDB data actions only, not {denied}")
    if any("*" in a for a in denied) or "lambda:*" in denied:
        problems.append(f"deny runbook: wildcard actions {denied}")
    for step in ("AttachDeny", "HoldDeny"):
        if steps[step].get("onFailure") != "step:RemoveDeny" or steps[step].get("onCancel") != "step:RemoveDeny":
            problems.append(f"deny runbook: {step} does not go to RemoveDeny on failure and cancel")

    templates = templates_by_name(fis)
    stop_alarms = sorted(f"arn:aws:cloudwatch:{o}:{account}:alarm:{name}-dr-survivor-api-5xx" for o in others)
    for template in TEMPLATES:
        full = f"{name}-dr-{template}-{region}"
        found = templates.get(full)
        if not found:
            problems.append(f"FIS template {full} missing (found {sorted(templates)})")
            continue
        if found["roleArn"] != f"arn:aws:iam::{account}:role/{name}-dr-fis-{region}":
            problems.append(f"{full}: role {found['roleArn']}")
        values = sorted(s.get("value", "") for s in found["stopConditions"])
        if values != stop_alarms:
            problems.append(f"{full}: stop conditions {values}, expected the survivors' alarms {stop_alarms}")
        log_arn = found.get("logConfiguration", {}).get("cloudWatchLogsConfiguration", {}).get("logGroupArn", "")
        if f"log-group:/aws/vendedlogs/fis/{name}-dr-experiments" not in log_arn:
            problems.append(f"{full}: logs to {log_arn!r}")
    impairment = templates.get(f"{name}-dr-region-impairment-{region}", {})
    for action in impairment.get("actions", {}).values():
        if action["actionId"] != "aws:network:disrupt-connectivity" or action["parameters"].get("scope") != "dynamodb":
            problems.append(f"region impairment: action {action}")
        if not action["parameters"].get("duration", "").startswith("PT"):
            problems.append("region impairment: no duration, so the fault would not end by itself")
    subnets = impairment.get("targets", {}).get("Subnets", {})
    if subnets.get("resourceType") != "aws:ec2:subnet" or not subnets.get("resourceArns"):
        problems.append(f"region impairment: targets {subnets}")
    for template in ("deny-table-access", "restore-point-in-time", "restore-backup"):
        for action in templates.get(f"{name}-dr-{template}-{region}", {}).get("actions", {}).values():
            if action["actionId"] != "aws:ssm:start-automation-execution":
                problems.append(f"{template}: action {action['actionId']}")
            if not action["parameters"]["documentArn"].endswith(f":document/{name}-dr-{template}"):
                problems.append(f"{template}: runs {action['parameters']['documentArn']}")

    fis_role = f"{name}-dr-fis-{region}"
    attached = sorted(p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=fis_role)["AttachedPolicies"])
    if attached != ["AWSFaultInjectionSimulatorNetworkAccess", "AWSFaultInjectionSimulatorSSMAccess"]:
        problems.append(f"{fis_role}: managed policies {attached}")
    trust = iam.get_role(RoleName=fis_role)["Role"]["AssumeRolePolicyDocument"]
    if trust["Statement"][0]["Principal"] != {"Service": "fis.amazonaws.com"}:
        problems.append(f"{fis_role}: trusted by {trust['Statement'][0]['Principal']}")
    for role, policy_name in ((fis_role, "dr-experiments"), (f"{name}-dr-automation-{region}", "dr-runbooks")):
        document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        wild = [a for a in actions_of(document) if "*" in a]
        if wild:
            problems.append(f"{role}: wildcard actions {wild}")
    automation = iam.get_role_policy(RoleName=f"{name}-dr-automation-{region}", PolicyName="dr-runbooks")
    for statement in automation["PolicyDocument"]["Statement"]:
        if "dynamodb:RestoreTableToPointInTime" in statement["Action"] and statement["Resource"].endswith("-drill-*"):
            problems.append("the runbooks' role may restore from drill tables")
        if "dynamodb:PutItem" in statement["Action"] and not statement["Resource"].endswith("-drill-*"):
            problems.append(f"the runbooks' role may write {statement['Resource']}")

    groups = logs.describe_log_groups(logGroupNamePrefix=f"/aws/vendedlogs/fis/{name}-dr-experiments")["logGroups"]
    if not groups or not groups[0].get("kmsKeyId"):
        problems.append(f"experiment log group missing or not encrypted: {groups}")
    alarms = cloudwatch.describe_alarms(AlarmNames=[f"{name}-dr-survivor-api-5xx"])["MetricAlarms"]
    if not alarms or alarms[0]["MetricName"] != "5XXError":
        problems.append(f"survivor alarm: {alarms}")


def check_absent(aws: Endpoint, args, problems: list[str]) -> None:
    name, region = args.deployment, args.region
    ssm, fis, iam = aws.client("ssm"), aws.client("fis"), aws.client("iam")
    left = [n for n in templates_by_name(fis) if n.startswith(f"{name}-dr-")]
    if left:
        problems.append(f"FIS templates left: {left}")
    documents = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]
    left = [d["Name"] for d in documents if d["Name"].startswith(f"{name}-dr-")]
    if left:
        problems.append(f"documents left: {left}")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(f"{name}-dr-")]
    roles = [r for r in roles if r.endswith(region)]
    if roles:
        problems.append(f"roles left: {roles}")
    alarms = aws.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{name}-dr-")["MetricAlarms"]
    if alarms:
        problems.append(f"alarms left: {[a['AlarmName'] for a in alarms]}")
    groups = aws.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/vendedlogs/fis/{name}-dr-")["logGroups"]
    if groups:
        problems.append(f"log groups left: {[g['logGroupName'] for g in groups]}")
    tables = [t for t in aws.client("dynamodb").list_tables()["TableNames"] if "-drill-" in t]
    if tables:
        problems.append(f"drill tables left: {tables}")


def main() -> int:
    parser = arguments(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--absent", action="store_true")
    args = parser.parse_args()
    problems: list[str] = []
    (check_absent if args.absent else check_present)(Endpoint.of(args), args, problems)
    for problem in problems:
        print(f"FAIL {args.region}: {problem}")
    if not problems:
        print(f"ok {args.region}: {'nothing of dr_drills left' if args.absent else 'dr_drills resources as expected'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

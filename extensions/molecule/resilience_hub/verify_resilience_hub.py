"""boto3 assertions on what resilience_hub created on the local endpoint, read back region by region.

python verify_resilience_hub.py --endpoint URL --region eu-west-1 --home-region eu-west-1 --deployment NAME
    [--report reports/resilience_assessment.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import arguments
from endpoint_checks import check
from endpoint_checks import result

SEED_TARGETS = {
    "Software": {"rtoInSecs": 5400, "rpoInSecs": 300},
    "Hardware": {"rtoInSecs": 1, "rpoInSecs": 1},
    "AZ": {"rtoInSecs": 1, "rpoInSecs": 1},
    "Region": {"rtoInSecs": 3600, "rpoInSecs": 5},
}


def verify_invoker_role(iam, app: dict, name: str, failures: list[str]) -> None:
    """Scheduled assessments run as the application's invoker role, which the role created."""
    role_name = f"{name[:50]}-resiliencehub"
    model = app.get("permissionModel") or {}
    check(
        model.get("type") == "RoleBased" and model.get("invokerRoleName") == role_name,
        f"application assessed as role {role_name} (found {model})",
        failures,
    )
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        check(False, f"role {role_name} exists", failures)
        return
    statements = role["AssumeRolePolicyDocument"]["Statement"]
    check(
        [(s.get("Effect"), s.get("Principal"), s.get("Action")) for s in statements]
        == [("Allow", {"Service": "resiliencehub.amazonaws.com"}, "sts:AssumeRole")],
        f"role {role_name} trusted by resiliencehub.amazonaws.com only",
        failures,
    )
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]]
    check(
        attached == ["arn:aws:iam::aws:policy/AWSResilienceHubAsssessmentExecutionPolicy"],
        f"role {role_name} has AWS's assessment policy only (found {attached})",
        failures,
    )
    check(
        not iam.list_role_policies(RoleName=role_name)["PolicyNames"],
        f"role {role_name} has no inline policy",
        failures,
    )


def verify_home(client, iam, name: str, report: Path | None, failures: list[str]) -> None:
    policy_name = f"{name}-GlobalMissionCritical"
    policies = [p for p in client.list_resiliency_policies()["resiliencyPolicies"] if p["policyName"] == policy_name]
    check(len(policies) == 1, f"one resiliency policy {policy_name}", failures)
    if not policies:
        return
    policy = policies[0]
    check(policy["tier"] == "MissionCritical", "policy tier MissionCritical", failures)
    check(policy.get("dataLocationConstraint") == "AnyLocation", "policy data location AnyLocation", failures)
    for domain, targets in SEED_TARGETS.items():
        found = policy["policy"].get(domain)
        check(
            found == targets,
            f"policy {domain}: RTO {targets['rtoInSecs']} s, RPO {targets['rpoInSecs']} s (found {found})",
            failures,
        )
    check(set(policy["policy"]) == set(SEED_TARGETS), "policy has exactly the four failure domains", failures)
    policy_tags = client.list_tags_for_resource(resourceArn=policy["policyArn"])["tags"]
    check(policy_tags.get("Deployment") == name, "policy tagged Deployment", failures)
    check(policy_tags.get("Environment") == "molecule", "policy carries the inventory's tags", failures)

    apps = [a for a in client.list_apps()["appSummaries"] if a["name"] == name]
    check(len(apps) == 1, f"one application {name}", failures)
    if not apps:
        return
    app = client.describe_app(appArn=apps[0]["appArn"])["app"]
    check(app.get("policyArn") == policy["policyArn"], "application uses the policy's ARN", failures)
    check(app.get("assessmentSchedule") == "Daily", "application assessed Daily", failures)
    app_tags = client.list_tags_for_resource(resourceArn=app["appArn"])["tags"]
    check(app_tags.get("Deployment") == name, "application tagged Deployment", failures)
    verify_invoker_role(iam, app, name, failures)
    # The endpoint cannot take a definition (no PutDraftAppVersionTemplate), so nothing may have been published.
    versions = [v["appVersion"] for v in client.list_app_versions(appArn=app["appArn"])["appVersions"]]
    check("release" not in versions, "no version published without the resources (endpoint gap)", failures)

    if report is None:
        return
    check(report.is_file(), f"assessment report written to {report}", failures)
    if not report.is_file():
        return
    document = json.loads(report.read_text())
    assessment = document.get("assessment", {})
    check(document.get("app_arn") == app["appArn"], "report names the application", failures)
    check(document.get("policy", {}).get("arn") == policy["policyArn"], "report names the policy", failures)
    check(assessment.get("assessed") is False, "report says no assessment ran", failures)
    check(
        assessment.get("reason") == "the local endpoint has no StartAppAssessment",
        f"report gives the reason (found {assessment.get('reason')!r})",
        failures,
    )
    rows = {
        d["domain"]: (d["target_rto_in_secs"], d["target_rpo_in_secs"], d["status"])
        for d in assessment.get("domains", [])
    }
    check(
        rows
        == {
            "software": (5400, 300, "not assessed"),
            "hardware": (1, 1, "not assessed"),
            "az": (1, 1, "not assessed"),
            "region": (3600, 5, "not assessed"),
        },
        "report lists each domain's targets, not assessed",
        failures,
    )


def main() -> int:
    parser = arguments()
    parser.add_argument("--home-region", required=True)
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    aws = Endpoint.of(args)
    client = aws.client("resiliencehub")
    failures: list[str] = []

    if args.region == args.home_region:
        verify_home(client, aws.client("iam"), args.deployment, args.report, failures)
    else:
        policies = [p["policyName"] for p in client.list_resiliency_policies()["resiliencyPolicies"]]
        apps = [a["name"] for a in client.list_apps()["appSummaries"]]
        check(
            not policies and not apps,
            f"nothing in {args.region}: the application lives in {args.home_region}",
            failures,
        )

    return result(args.region, failures)


if __name__ == "__main__":
    sys.exit(main())

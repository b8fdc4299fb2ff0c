"""Summary rows for the resilience_hub role: the policy's tier and targets, the application, its last assessment.

The application and its policy are the ones resilience_hub_outputs names (region, app_arn, policy_arn). They live
in one region (the deployment's first); the other regions get one row saying there is none there.
"""

from __future__ import annotations

DOMAINS = (("Software", "software"), ("Hardware", "hardware"), ("AZ", "az"), ("Region", "region"))


def _all(client, operation: str, key: str, **params) -> list:
    # Resilience Hub's list operations have no botocore paginator: follow nextToken.
    items: list = []
    while True:
        page = getattr(client, operation)(**params)
        items += page.get(key) or []
        if not page.get("nextToken"):
            return items
        params["nextToken"] = page["nextToken"]


def _targets(policy: dict) -> str:
    targets = policy.get("policy") or {}
    return ", ".join(
        f"{label} {targets[api]['rtoInSecs']}s/{targets[api]['rpoInSecs']}s" for api, label in DOMAINS if api in targets
    )


def _runs_as(app: dict) -> str:
    model = app.get("permissionModel") or {}
    if model.get("type") == "RoleBased":
        return f"as role {model.get('invokerRoleName')}"
    # Without a role, a scheduled assessment needs one named AwsResilienceHubPeriodicAssessmentRole.
    return "with the caller's credentials"


def rows(region) -> list[tuple[str, str]]:
    outputs = region.outputs("resilience_hub")
    if outputs.get("region") != region.region:
        return [("Resilience Hub", "none in this region")]
    client = region.client("resiliencehub")
    app_arn = outputs.get("app_arn")
    app = region.described(client.describe_app, "app", appArn=app_arn) if app_arn else None
    policy_arn = (app or {}).get("policyArn") or outputs.get("policy_arn")
    policy = region.described(client.describe_resiliency_policy, "policy", policyArn=policy_arn) if policy_arn else None
    if not app and not policy:
        return [("Resilience Hub", "none in this region")]

    out = []
    if policy:
        out.append(("Resiliency policy", f"{policy['policyName']} {policy['tier']} (RTO/RPO): {_targets(policy)}"))
    if not app:
        out.append(("Resilience Hub app", "none"))
        return out
    versions = _all(client, "list_app_versions", "appVersions", appArn=app["appArn"])
    release = next((v for v in versions if v.get("appVersion") == "release"), None)
    published = f"version {release.get('identifier')}" if release else "nothing published"
    out.append(
        (
            "Resilience Hub app",
            f"{app['name']} {app.get('status', '')}, assessed {app.get('assessmentSchedule') or 'Disabled'} "
            f"{_runs_as(app)}, {published}, compliance {app.get('complianceStatus') or 'NotAssessed'}",
        )
    )
    assessments = _all(client, "list_app_assessments", "assessmentSummaries", appArn=app["appArn"])
    assessments.sort(key=lambda a: str(a.get("startTime") or ""), reverse=True)
    if assessments:
        last = assessments[0]
        score = last.get("resiliencyScore")
        out.append(
            (
                "Last assessment",
                f"{last.get('assessmentName')} {last.get('assessmentStatus')} {last.get('complianceStatus') or ''}"
                f"{'' if score is None else f' score {score}'} ({last.get('startTime')})",
            )
        )
    else:
        out.append(("Last assessment", "none"))
    return out

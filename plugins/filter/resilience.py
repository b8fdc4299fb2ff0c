# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Resilience Hub filters for the resilience_hub role: policy checks, the application's resources, the report.

These run on the controller. They are plain functions so the report an assessment produces can be tested
without an assessment, which the local endpoint cannot run.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Optional

from ansible.errors import AnsibleFilterError

# Failure domains in the order Resilience Hub's console lists them, with the label the report shows.
DOMAINS = {"software": "Software", "hardware": "Hardware", "az": "AZ", "region": "Region"}
REQUIRED_DOMAINS = ("software", "hardware", "az")
OBJECTIVES = ("rto", "rpo")
# Resilience Hub's pattern for names inside an application (resources, components).
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{1,59}$")

MET = "met"
BREACHED = "BREACHED"
NOT_ASSESSED = "not assessed"


def _whole(value: Any) -> Optional[int]:
    """``value`` as an int when it is one, or a string of one (as a template may render it); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return None


def resilience_policy_errors(policy: Any, variable: str = "resilience_hub_policy") -> list[str]:
    """Why ``policy`` ({domain: {rto, rpo}} in seconds) is not a usable resiliency policy; [] when it is.

    Resilience Hub needs software, hardware and az targets; region is optional. An RPO above the RTO is
    accepted: the API reference sets no rule between them, and losing minutes of data while recovering
    within seconds (or the reverse) are both real targets.
    """
    if not isinstance(policy, dict):
        return [f"{variable} must be a mapping of failure domain to {{rto, rpo}}, got {type(policy).__name__}"]
    errors = []
    for domain in sorted(set(policy) - set(DOMAINS)):
        errors.append(f"{variable}.{domain} is not a failure domain; use {', '.join(DOMAINS)}")
    for domain in REQUIRED_DOMAINS:
        if not policy.get(domain):
            errors.append(f"{variable}.{domain} is required: Resilience Hub needs software, hardware and az targets")
    for domain in DOMAINS:
        targets = policy.get(domain)
        if not targets:
            continue
        if not isinstance(targets, dict):
            errors.append(f"{variable}.{domain} must be a mapping with rto and rpo")
            continue
        for objective in OBJECTIVES:
            value = targets.get(objective)
            name = f"{variable}.{domain}.{objective}"
            if value is None:
                errors.append(f"{name} is required")
            elif _whole(value) is None:
                errors.append(f"{name} must be a whole number of seconds, got {value!r}")
            elif _whole(value) < 0:
                errors.append(f"{name} must not be negative, got {value}")
    return errors


def _unqualified_function_arn(arn: str) -> str:
    # arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>]; Resilience Hub maps the function.
    return ":".join(str(arn).split(":")[:7])


def _region_resources(host: str, region: str, api: dict, table: dict, strict: bool) -> list[dict]:
    wanted = [
        {
            "name": f"function-{region}",
            "type": "AWS::Lambda::Function",
            "physical_id": _unqualified_function_arn(api["function_arn"]) if api.get("function_arn") else None,
            "component": "compute",
            "source": "serverless_api_outputs.function_arn",
        },
        {
            "name": f"api-{region}",
            "type": "AWS::ApiGateway::RestApi",
            "physical_id": api.get("api_id"),
            "physical_id_type": "Native",
            # A REST API id does not say where the API is; Resilience Hub needs the region with it.
            "region": region,
            "component": "api",
            "source": "serverless_api_outputs.api_id",
        },
        {
            "name": f"table-{region}",
            "type": "AWS::DynamoDB::Table",
            "physical_id": table.get("table_arn"),
            "component": "database",
            "source": "global_table_outputs.table_arn",
        },
    ]
    resources = []
    for resource in wanted:
        source = resource.pop("source")
        if not resource["physical_id"]:
            if strict:
                raise AnsibleFilterError(f"{host}: {source} is not set, so {resource['name']} cannot be mapped")
            continue
        if not RESOURCE_NAME.match(resource["name"]):
            raise AnsibleFilterError(f"{host}: resource name {resource['name']!r} is not valid in Resilience Hub")
        resources.append(resource)
    return resources


def resilience_app_resources(hosts: list, hostvars: Any, strict: bool = True) -> list[dict]:
    """The resources of a Resilience Hub application covering every region, for resiliencehub_app's ``resources``.

    ``hosts`` are the region hosts; each carries ``serverless_api_outputs`` (``function_arn``, ``api_id``) and
    ``global_table_outputs`` (``table_arn``, the region's replica). Per region: the function (compute), the
    REST API (api) and the table (database), named ``<kind>-<region>``. With ``strict=false`` (check mode,
    where earlier roles may not have created anything yet) resources without an id are left out instead of
    failing.
    """
    resources: list[dict] = []
    seen: dict = {}
    for host in hosts:
        facts = hostvars[host]
        region = facts.get("aws_region") or host
        if region in seen:
            raise AnsibleFilterError(f"{host} and {seen[region]} are both region {region}: one host per region")
        seen[region] = host
        api = facts.get("serverless_api_outputs")
        table = facts.get("global_table_outputs")
        outputs = {"serverless_api_outputs": api, "global_table_outputs": table}
        missing = [name for name, value in outputs.items() if not value]
        if missing:
            if strict:
                raise AnsibleFilterError(
                    f"{host} has no {' or '.join(missing)}: run the core phase (playbooks/core.yml, or site.yml) "
                    "in the same run as the auxiliary phase"
                )
            api, table = api or {}, table or {}
        resources.extend(_region_resources(host, region, dict(api), dict(table), strict))
    return sorted(resources, key=lambda r: r["name"])


def _exceeds(achieved: Optional[int], target: Optional[int]) -> Optional[bool]:
    if achieved is None or target is None:
        return None
    return achieved > target


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _domain_row(domain: str, found: dict, targets: dict) -> dict:
    # The targets the assessment used; the configured ones for a domain it did not report.
    target_rto = _first(found.get("target_rto_in_secs"), targets.get("rto"))
    target_rpo = _first(found.get("target_rpo_in_secs"), targets.get("rpo"))
    achieved_rto = found.get("achieved_rto_in_secs")
    achieved_rpo = found.get("achieved_rpo_in_secs")
    rto_breached = _exceeds(achieved_rto, target_rto)
    rpo_breached = _exceeds(achieved_rpo, target_rpo)
    status_reported = found.get("compliance_status")
    if status_reported == "PolicyBreached" or rto_breached or rpo_breached:
        status = BREACHED
    elif achieved_rto is None and achieved_rpo is None and status_reported is None:
        status = NOT_ASSESSED
    else:
        status = MET
    return {
        "domain": domain,
        "target_rto_in_secs": target_rto,
        "achieved_rto_in_secs": achieved_rto,
        "achievable_rto_in_secs": found.get("achievable_rto_in_secs"),
        "rto_breached": bool(rto_breached),
        "target_rpo_in_secs": target_rpo,
        "achieved_rpo_in_secs": achieved_rpo,
        "achievable_rpo_in_secs": found.get("achievable_rpo_in_secs"),
        "rpo_breached": bool(rpo_breached),
        "compliance_status": status_reported,
        "status": status,
        "message": found.get("message"),
    }


def resilience_assessment_report(result: Any, policy: Optional[dict] = None, reason: Optional[str] = None) -> dict:
    """A report of one assessment: per failure domain the targets against the achieved RTO and RPO.

    ``result`` is what resiliencehub_app_assessment (or _info with an assessment ARN) returns: ``compliance``
    per domain, ``compliance_status``, ``resiliency_score``, ``assessment``. ``policy`` is the role's policy
    ({domain: {rto, rpo}}), the targets for domains the assessment does not list. Without a compliance (no
    assessment was run) the report says why (``reason``) and lists the targets only.

    A domain is breached when the service says so or when an achieved RTO or RPO exceeds its target; the
    report is breached when any domain is or the service's verdict is PolicyBreached.
    """
    result = result if isinstance(result, dict) else {}
    policy = policy if isinstance(policy, dict) else {}
    compliance = result.get("compliance") or {}
    assessment = result.get("assessment") or {}
    assessed = bool(compliance)
    order = [d for d in DOMAINS if d in compliance or policy.get(d)]
    order += sorted(d for d in compliance if d not in DOMAINS)
    domains = [_domain_row(d, compliance.get(d) or {}, policy.get(d) or {}) for d in order]
    breaches = [row["domain"] for row in domains if row["status"] == BREACHED]
    compliance_status = result.get("compliance_status") if assessed else None
    report = {
        "assessed": assessed,
        "reason": None if assessed else (reason or result.get("msg") or "no assessment was run"),
        "assessment_arn": result.get("assessment_arn") or assessment.get("assessment_arn"),
        "assessment_name": assessment.get("assessment_name"),
        "start_time": assessment.get("start_time"),
        "end_time": assessment.get("end_time"),
        "compliance_status": compliance_status,
        "resiliency_score": result.get("resiliency_score") if assessed else None,
        "breached": assessed and (compliance_status == "PolicyBreached" or bool(breaches)),
        "breaches": breaches,
        "domains": domains,
    }
    return report


def _duration(seconds: Optional[int]) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts)


def _achieved(value: Optional[int], breached: bool) -> str:
    text = _duration(value)
    return f"{text} !" if breached else text


def resilience_assessment_table(report: dict) -> list[str]:
    """``report`` (from resilience_assessment_report) as lines of a fixed-width table, for a debug task.

    A ``!`` marks an achieved RTO or RPO above its target.
    """
    if report.get("assessed"):
        score = report.get("resiliency_score")
        head = (
            f"Assessment {report.get('assessment_name') or report.get('assessment_arn')}: "
            f"{report.get('compliance_status')}, resiliency score {'-' if score is None else score}"
        )
    else:
        head = f"No assessment: {report.get('reason')}"
    columns = ("Domain", "Target RTO", "Achieved RTO", "Target RPO", "Achieved RPO", "Status")
    rows = [
        (
            DOMAINS.get(row["domain"], row["domain"]),
            _duration(row["target_rto_in_secs"]),
            _achieved(row["achieved_rto_in_secs"], row["rto_breached"]),
            _duration(row["target_rpo_in_secs"]),
            _achieved(row["achieved_rpo_in_secs"], row["rpo_breached"]),
            row["status"],
        )
        for row in report.get("domains") or []
    ]
    widths = [max(len(str(r[i])) for r in [columns, *rows]) for i in range(len(columns))]

    def line(cells) -> str:
        return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    lines = [head, line(columns), "-+-".join("-" * w for w in widths)]
    lines += [line(r) for r in rows]
    if report.get("breached"):
        lines.append(f"Policy breached in: {', '.join(report.get('breaches') or []) or 'the service verdict'}")
    return lines


class FilterModule:
    def filters(self):
        return {
            "resilience_policy_errors": resilience_policy_errors,
            "resilience_app_resources": resilience_app_resources,
            "resilience_assessment_report": resilience_assessment_report,
            "resilience_assessment_table": resilience_assessment_table,
        }

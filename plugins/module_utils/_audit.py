# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Evaluation of AWS Security Hub FSBP controls (and the design's own promises) on a deployment's state.

The functions here are pure: they take the state that ``fsbp_audit`` read (shaped as the AWS APIs answer)
and return findings. Each control declares the pieces of state it needs; a piece that could not be read
(an API the endpoint lacks, a permission the caller lacks) makes the control ``not_evaluable`` with the reason,
never a pass.

A finding: ``{"control", "title", "source", "region", "status", "resource", "reason"}``, status one of
``passed``, ``failed``, ``not_evaluable``.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from operator import itemgetter
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Optional

PASSED = "passed"
FAILED = "failed"
NOT_EVALUABLE = "not_evaluable"
STATUSES = (PASSED, FAILED, NOT_EVALUABLE)

FSBP = "AWS Security Hub FSBP"
DESIGN = "docs/design.md"

# Security Hub's Lambda.2 parameter: the runtimes Lambda supports (not deprecated). Kept as a module option.
SUPPORTED_RUNTIMES = (
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "nodejs24.x",
    "nodejs22.x",
    "java25",
    "java21",
    "java17",
    "java11",
    "java8.al2",
    "dotnet10",
    "dotnet8",
    "ruby3.4",
    "ruby3.3",
    "provided.al2023",
    "provided.al2",
)

WORLD = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
ADMIN_PORTS = (22, 3389)


def finding(control: Control, region: str, status: str, resource: str = "", reason: str = "") -> dict:
    return {
        "control": control.id,
        "title": control.title,
        "source": control.source,
        "region": region,
        "status": status,
        "resource": resource,
        "reason": reason,
    }


class Control:
    """A control: its id, title, source, the state pieces it needs, and its evaluation function.

    ``evaluate(state)`` yields ``(status, resource, reason)`` tuples, one per resource evaluated; an empty
    result means the deployment has no such resource, which fails (the stack is expected to have one).
    """

    def __init__(
        self,
        control_id: str,
        title: str,
        needs: Iterable[str],
        evaluate: Callable[[dict], list[tuple[str, str, str]]],
        source: str = FSBP,
        scope: str = "region",
        gaps: Iterable[str] = (),
        missing: str = "",
        absent_gaps: Iterable[str] = (),
    ) -> None:
        self.id = control_id
        self.title = title
        self.needs = tuple(needs)
        self.evaluate = evaluate
        self.source = source
        self.scope = scope
        self.gaps = tuple(gaps)
        self.missing = missing or "the deployment has no resource this control applies to"
        # Gaps that explain an absent resource (the endpoint creates no replica): nothing found is then not evaluable.
        self.absent_gaps = tuple(absent_gaps)


def _ok(resource: str, reason: str = "") -> tuple[str, str, str]:
    return (PASSED, resource, reason)


def _fail(resource: str, reason: str) -> tuple[str, str, str]:
    return (FAILED, resource, reason)


def _ok_when_set(
    resources: Iterable[dict], flag: str, failure: str, label: Callable[[dict], str]
) -> list[tuple[str, str, str]]:
    """One result per resource, named by ``label``: passed when its ``flag`` is set, else failed with ``failure``."""
    return [_ok(label(r)) if r.get(flag) else _fail(label(r), failure) for r in resources]


# --- network -------------------------------------------------------------------------------------------------


def _vpc_ids(state: dict) -> list[str]:
    return [v["VpcId"] for v in state.get("vpcs", [])]


def default_security_group(state: dict) -> list[tuple[str, str, str]]:
    """EC2.2: the VPC's default security group allows no inbound and no outbound traffic."""
    out = []
    for group in state.get("security_groups", []):
        if group.get("GroupName") != "default":
            continue
        rules = []
        if group.get("IpPermissions"):
            rules.append(f"{len(group['IpPermissions'])} inbound")
        if group.get("IpPermissionsEgress"):
            rules.append(f"{len(group['IpPermissionsEgress'])} outbound")
        if rules:
            out.append(_fail(group["GroupId"], f"default security group has {' and '.join(rules)} rule(s)"))
        else:
            out.append(_ok(group["GroupId"]))
    return out


def vpc_flow_logs(state: dict, traffic_types: Iterable[str] = ("ALL", "REJECT")) -> list[tuple[str, str, str]]:
    """EC2.6: every VPC has a flow log of rejected (or all) traffic."""
    out = []
    for vpc_id in _vpc_ids(state):
        logs = [
            f
            for f in state.get("flow_logs", [])
            if f.get("ResourceId") == vpc_id
            and f.get("TrafficType") in traffic_types
            and f.get("FlowLogStatus") == "ACTIVE"
        ]
        if logs:
            out.append(_ok(vpc_id, f"flow log {logs[0]['FlowLogId']} ({logs[0]['TrafficType']})"))
        else:
            out.append(_fail(vpc_id, "no active flow log of ALL or REJECT traffic"))
    return out


def ec2_interface_endpoint(state: dict) -> list[tuple[str, str, str]]:
    """EC2.10: every VPC has an interface endpoint for the EC2 service."""
    out = []
    service = f"com.amazonaws.{state['region']}.ec2"
    for vpc_id in _vpc_ids(state):
        found = [
            e
            for e in state.get("vpc_endpoints", [])
            if e.get("VpcId") == vpc_id
            and e.get("ServiceName") == service
            and e.get("VpcEndpointType") == "Interface"
            and e.get("State", "available").lower() not in ("deleted", "deleting", "failed", "rejected")
        ]
        if found:
            out.append(_ok(vpc_id, f"endpoint {found[0]['VpcEndpointId']}"))
        else:
            out.append(_fail(vpc_id, f"no interface endpoint for {service}"))
    return out


def _entry_covers_admin_port(entry: dict) -> list[int]:
    protocol = str(entry.get("Protocol"))
    if protocol not in ("-1", "6", "17"):
        return []
    if protocol == "-1":
        return list(ADMIN_PORTS)
    ports = entry.get("PortRange") or {}
    low, high = ports.get("From", 0), ports.get("To", 65535)
    return [p for p in ADMIN_PORTS if low <= p <= high]


def _from_world(entry: dict) -> bool:
    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
    if not cidr:
        return False
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return any(network == world for world in WORLD)


def nacl_admin_ports(state: dict) -> list[tuple[str, str, str]]:
    """EC2.21: no network ACL of the VPC allows ingress from 0.0.0.0/0 or ::/0 to port 22 or 3389.

    Entries are evaluated in rule-number order, as the ACL does: a deny of the port from the world that comes
    first protects it from a later, wider allow.
    """
    out = []
    for acl in state.get("network_acls", []):
        entries = sorted((e for e in acl.get("Entries", []) if not e.get("Egress")), key=lambda e: e["RuleNumber"])
        exposed: dict[int, int] = {}
        decided: set[int] = set()
        for entry in entries:
            if not _from_world(entry):
                continue
            for port in _entry_covers_admin_port(entry):
                if port in decided:
                    continue
                decided.add(port)
                if entry.get("RuleAction") == "allow":
                    exposed[port] = entry["RuleNumber"]
        if exposed:
            detail = ", ".join(f"port {p} by rule {n}" for p, n in sorted(exposed.items()))
            out.append(_fail(acl["NetworkAclId"], f"inbound allow from the world: {detail}"))
        else:
            out.append(_ok(acl["NetworkAclId"]))
    return out


def no_internet_path(state: dict) -> list[tuple[str, str, str]]:
    """Design: no internet gateway, egress-only gateway or NAT gateway, and no route to one."""
    out = []
    for vpc_id in _vpc_ids(state):
        problems = []
        for igw in state.get("internet_gateways", []):
            if any(a.get("VpcId") == vpc_id for a in igw.get("Attachments", [])):
                problems.append(f"internet gateway {igw['InternetGatewayId']}")
        for eigw in state.get("egress_only_internet_gateways", []):
            if any(a.get("VpcId") == vpc_id for a in eigw.get("Attachments", [])):
                problems.append(f"egress-only internet gateway {eigw['EgressOnlyInternetGatewayId']}")
        for nat in state.get("nat_gateways", []):
            if nat.get("VpcId") == vpc_id and nat.get("State") not in ("deleted", "deleting", "failed"):
                problems.append(f"NAT gateway {nat['NatGatewayId']}")
        for table in state.get("route_tables", []):
            if table.get("VpcId") != vpc_id:
                continue
            for route in table.get("Routes", []):
                target = route.get("GatewayId") or route.get("NatGatewayId") or route.get("EgressOnlyInternetGatewayId")
                if target and target.startswith(("igw-", "nat-", "eigw-")):
                    problems.append(f"route to {target} in {table['RouteTableId']}")
        out.append(_fail(vpc_id, "; ".join(problems)) if problems else _ok(vpc_id, "no path to the internet"))
    return out


def dns_firewall_associated(state: dict) -> list[tuple[str, str, str]]:
    """Design: every VPC has a DNS Firewall rule group association."""
    out = []
    for vpc_id in _vpc_ids(state):
        found = [
            a
            for a in state.get("firewall_associations", [])
            if a.get("VpcId") == vpc_id and a.get("Status") not in ("DELETING", "FAILED")
        ]
        if found:
            out.append(_ok(vpc_id, f"rule group association {found[0].get('Id')}"))
        else:
            out.append(_fail(vpc_id, "no DNS Firewall rule group association"))
    return out


# --- Lambda --------------------------------------------------------------------------------------------------


def _public_statement(statement: dict) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        values = principal.get("AWS", [])
        values = [values] if isinstance(values, str) else values
        public = "*" in values
    else:
        public = principal == "*"
    if not public:
        return False
    condition = statement.get("Condition") or {}
    keys = {k.lower() for op in condition.values() if isinstance(op, dict) for k in op}
    return not keys & {"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid"}


def lambda_public_access(state: dict) -> list[tuple[str, str, str]]:
    """Lambda.1: no function policy grants access to everyone."""
    out = []
    for function in state.get("functions", []):
        statements = (function.get("Policy") or {}).get("Statement", [])
        public = [s.get("Sid", "?") for s in statements if _public_statement(s)]
        if public:
            out.append(_fail(function["FunctionName"], f"public statement(s): {', '.join(public)}"))
        else:
            out.append(_ok(function["FunctionName"]))
    return out


def lambda_supported_runtime(state: dict, runtimes: Iterable[str] = SUPPORTED_RUNTIMES) -> list[tuple[str, str, str]]:
    """Lambda.2: every function uses a supported runtime (container images have none and are not evaluated)."""
    allowed = set(runtimes)
    out = []
    for function in state.get("functions", []):
        runtime = function.get("Runtime")
        if function.get("PackageType") == "Image" or not runtime:
            out.append(_ok(function["FunctionName"], "container image: no managed runtime"))
            continue
        if runtime in allowed:
            out.append(_ok(function["FunctionName"], runtime))
        else:
            out.append(_fail(function["FunctionName"], f"runtime {runtime} is not supported"))
    return out


def lambda_in_vpc(state: dict) -> list[tuple[str, str, str]]:
    """Lambda.3: every function is attached to a VPC."""
    out = []
    for function in state.get("functions", []):
        subnets = (function.get("VpcConfig") or {}).get("SubnetIds") or []
        out.append(
            _ok(function["FunctionName"], f"{len(subnets)} subnet(s)")
            if subnets
            else _fail(function["FunctionName"], "not attached to a VPC")
        )
    return out


def lambda_multi_az(state: dict) -> list[tuple[str, str, str]]:
    """Lambda.5: every VPC function has subnets in at least two Availability Zones."""
    zones_of = state.get("subnet_zones", {})
    out = []
    for function in state.get("functions", []):
        subnets = (function.get("VpcConfig") or {}).get("SubnetIds") or []
        if not subnets:
            continue
        zones = sorted({zones_of.get(s, f"unknown:{s}") for s in subnets})
        if len(zones) >= 2:
            out.append(_ok(function["FunctionName"], ", ".join(zones)))
        else:
            out.append(_fail(function["FunctionName"], f"subnets in {len(zones)} Availability Zone(s)"))
    return out


# --- API Gateway ---------------------------------------------------------------------------------------------


def _stage_name(stage: dict) -> str:
    return f"{stage.get('restApiId')}/{stage.get('stageName')}"


def _all_methods(stage: dict) -> dict:
    return (stage.get("methodSettings") or {}).get("*/*") or {}


def apigateway_execution_logging(state: dict) -> list[tuple[str, str, str]]:
    """APIGateway.1: every stage logs executions at ERROR or INFO, for all methods and every overridden one."""
    out = []
    for stage in state.get("stages", []):
        settings = stage.get("methodSettings") or {}
        level = _all_methods(stage).get("loggingLevel", "OFF")
        off = [path for path, s in settings.items() if s.get("loggingLevel", level) not in ("ERROR", "INFO")]
        if level not in ("ERROR", "INFO"):
            out.append(_fail(_stage_name(stage), f"execution logging level {level}"))
        elif off:
            out.append(_fail(_stage_name(stage), f"execution logging off for {', '.join(sorted(off))}"))
        else:
            out.append(_ok(_stage_name(stage), level))
    return out


def apigateway_client_certificate(state: dict) -> list[tuple[str, str, str]]:
    """APIGateway.2: every stage has a client certificate for backend authentication."""
    return [
        _ok(_stage_name(s), s["clientCertificateId"])
        if s.get("clientCertificateId")
        else _fail(_stage_name(s), "no client certificate")
        for s in state.get("stages", [])
    ]


def apigateway_xray(state: dict) -> list[tuple[str, str, str]]:
    """APIGateway.3: every stage has X-Ray tracing on."""
    return _ok_when_set(state.get("stages", []), "tracingEnabled", "X-Ray tracing off", _stage_name)


def apigateway_waf(state: dict) -> list[tuple[str, str, str]]:
    """APIGateway.4: every stage is associated with a WAF web ACL."""
    return [
        _ok(_stage_name(s), s["webAclArn"].rsplit("/", 2)[-2])
        if s.get("webAclArn")
        else _fail(_stage_name(s), "no web ACL associated")
        for s in state.get("stages", [])
    ]


def apigateway_cache_encryption(state: dict) -> list[tuple[str, str, str]]:
    """APIGateway.5: every method that caches encrypts its cache (a stage without caching has nothing to encrypt)."""
    out = []
    for stage in state.get("stages", []):
        settings = stage.get("methodSettings") or {}
        caching = {p: s for p, s in settings.items() if s.get("cachingEnabled")}
        unencrypted = sorted(p for p, s in caching.items() if not s.get("cacheDataEncrypted"))
        if unencrypted:
            out.append(_fail(_stage_name(stage), f"unencrypted cache for {', '.join(unencrypted)}"))
        elif caching:
            out.append(_ok(_stage_name(stage), "cache encrypted"))
        else:
            out.append(_ok(_stage_name(stage), "no method caches: nothing to encrypt"))
    return out


# --- WAF -----------------------------------------------------------------------------------------------------


def waf_logging(state: dict) -> list[tuple[str, str, str]]:
    """WAF.11: every web ACL has logging on."""
    out = []
    for acl in state.get("web_acls", []):
        config = acl.get("LoggingConfiguration") or {}
        destinations = config.get("LogDestinationConfigs") or []
        out.append(
            _ok(acl["Name"], destinations[0].split(":")[-1]) if destinations else _fail(acl["Name"], "logging off")
        )
    return out


def waf_has_rules(state: dict) -> list[tuple[str, str, str]]:
    """WAF.10: every web ACL has at least one rule or rule group."""
    return [
        _ok(a["Name"], f"{len(a.get('Rules') or [])} rule(s)") if a.get("Rules") else _fail(a["Name"], "no rules")
        for a in state.get("web_acls", [])
    ]


def waf_rule_metrics(state: dict) -> list[tuple[str, str, str]]:
    """WAF.12: every rule of every web ACL publishes CloudWatch metrics."""
    out = []
    for acl in state.get("web_acls", []):
        off = [
            r.get("Name", "?")
            for r in acl.get("Rules") or []
            if not (r.get("VisibilityConfig") or {}).get("CloudWatchMetricsEnabled")
        ]
        if not (acl.get("VisibilityConfig") or {}).get("CloudWatchMetricsEnabled"):
            off.insert(0, "(web ACL)")
        out.append(_fail(acl["Name"], f"metrics off: {', '.join(off)}") if off else _ok(acl["Name"]))
    return out


# --- DynamoDB ------------------------------------------------------------------------------------------------


def dynamodb_autoscaling(state: dict) -> list[tuple[str, str, str]]:
    """DynamoDB.1: the table scales with demand: on-demand, or provisioned with auto scaling of both capacities."""
    out = []
    scaled = state.get("scalable_targets", {})
    for table in state.get("tables", []):
        mode = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        name = table["TableName"]
        if mode == "PAY_PER_REQUEST":
            out.append(_ok(name, "on-demand"))
            continue
        dimensions = set(scaled.get(name, []))
        wanted = {"dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"}
        if wanted <= dimensions:
            out.append(_ok(name, "provisioned with auto scaling"))
        else:
            out.append(_fail(name, "provisioned without read and write auto scaling"))
    return out


def dynamodb_pitr(state: dict) -> list[tuple[str, str, str]]:
    """DynamoDB.2: point-in-time recovery is on."""
    out = []
    for table in state.get("tables", []):
        status = ((table.get("ContinuousBackups") or {}).get("PointInTimeRecoveryDescription") or {}).get(
            "PointInTimeRecoveryStatus", "DISABLED"
        )
        out.append(
            _ok(table["TableName"])
            if status == "ENABLED"
            else _fail(table["TableName"], f"point-in-time recovery {status}")
        )
    return out


def _selection_covers(selection: dict, arn: str, tags: dict) -> bool:
    excluded = selection.get("NotResources") or []
    if any(fnmatch.fnmatchcase(arn, pattern) for pattern in excluded):
        return False
    if any(fnmatch.fnmatchcase(arn, pattern) for pattern in selection.get("Resources") or []):
        return True
    for condition in selection.get("ListOfTags") or []:
        if condition.get("ConditionType") == "STRINGEQUALS" and tags.get(
            condition.get("ConditionKey")
        ) == condition.get("ConditionValue"):
            return True
    return False


def dynamodb_backup_plan(state: dict) -> list[tuple[str, str, str]]:
    """DynamoDB.4: the table is in an AWS Backup plan (a selection of a plan names it, by ARN or tag)."""
    out = []
    for table in state.get("tables", []):
        plans = [
            s["BackupPlanName"]
            for s in state.get("backup_selections", [])
            if _selection_covers(s, table["TableArn"], table.get("Tags") or {})
        ]
        if plans:
            out.append(_ok(table["TableName"], f"backup plan {plans[0]}"))
        else:
            out.append(_fail(table["TableName"], "in no AWS Backup plan"))
    return out


def dynamodb_deletion_protection(state: dict) -> list[tuple[str, str, str]]:
    """DynamoDB.6: deletion protection is on."""
    return _ok_when_set(
        state.get("tables", []), "DeletionProtectionEnabled", "deletion protection off", itemgetter("TableName")
    )


def dynamodb_kms(state: dict) -> list[tuple[str, str, str]]:
    """Design: the table is encrypted with a customer managed KMS key."""
    out = []
    managed = set(state.get("customer_key_arns", []))
    for table in state.get("tables", []):
        sse = table.get("SSEDescription") or {}
        key = sse.get("KMSMasterKeyArn")
        if sse.get("SSEType") == "KMS" and key and (not managed or key in managed):
            out.append(_ok(table["TableName"], key.split("/")[-1]))
        elif sse.get("SSEType") == "KMS" and key:
            out.append(_fail(table["TableName"], f"encrypted with {key}, not the deployment's customer managed key"))
        else:
            out.append(_fail(table["TableName"], "not encrypted with a customer managed KMS key"))
    return out


# --- KMS, SNS, logs, alarms ----------------------------------------------------------------------------------


def kms_rotation(state: dict) -> list[tuple[str, str, str]]:
    """KMS.4: every customer managed symmetric key of the deployment rotates."""
    out = []
    for key in state.get("keys", []):
        if key.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or key.get("KeyManager") == "AWS":
            continue
        label = ", ".join(key.get("Aliases") or []) or key["KeyId"]
        out.append(_ok(label) if key.get("KeyRotationEnabled") else _fail(label, "rotation off"))
    return out


def sns_kms(state: dict) -> list[tuple[str, str, str]]:
    """SNS.1: every topic is encrypted with KMS."""
    out = []
    for topic in state.get("topics", []):
        key = (topic.get("Attributes") or {}).get("KmsMasterKeyId")
        name = topic["TopicArn"].split(":")[-1]
        out.append(_ok(name, key.split("/")[-1]) if key else _fail(name, "not encrypted with KMS"))
    return out


def log_groups_kms(state: dict) -> list[tuple[str, str, str]]:
    """Design: every log group of the deployment is encrypted with a KMS key."""
    return _ok_when_set(state.get("log_groups", []), "kmsKeyId", "not encrypted with KMS", itemgetter("logGroupName"))


def alarm_actions(state: dict) -> list[tuple[str, str, str]]:
    """CloudWatch.15: every alarm has an action for the ALARM state, and actions are on."""
    out = []
    for alarm in state.get("alarms", []):
        if not alarm.get("ActionsEnabled", True):
            out.append(_fail(alarm["AlarmName"], "actions disabled"))
        elif not alarm.get("AlarmActions"):
            out.append(_fail(alarm["AlarmName"], "no action for the ALARM state"))
        else:
            out.append(_ok(alarm["AlarmName"]))
    return out


def _subscribed(topic: dict) -> list[dict]:
    return [s for s in topic.get("Subscriptions") or [] if s.get("SubscriptionArn", "").startswith("arn:")]


def alarms_notify_someone(state: dict) -> list[tuple[str, str, str]]:
    """Design: every alarm notifies a topic that has at least one confirmed subscriber."""
    topics = {t["TopicArn"]: t for t in state.get("topics", [])}
    out = []
    for alarm in state.get("alarms", []):
        targets = [a for a in alarm.get("AlarmActions") or [] if ":sns:" in a]
        if not targets:
            out.append(_fail(alarm["AlarmName"], "notifies no topic"))
            continue
        heard = [t for t in targets if t in topics and _subscribed(topics[t])]
        unknown = [t for t in targets if t not in topics]
        if heard:
            out.append(
                _ok(
                    alarm["AlarmName"], f"{heard[0].split(':')[-1]}: {len(_subscribed(topics[heard[0]]))} subscriber(s)"
                )
            )
        elif unknown:
            out.append(_fail(alarm["AlarmName"], f"topic {unknown[0]} not found"))
        else:
            out.append(_fail(alarm["AlarmName"], f"topic {targets[0].split(':')[-1]} has no confirmed subscriber"))
    return out


# --- ACM -----------------------------------------------------------------------------------------------------


def acm_renewal(state: dict, days: int = 30) -> list[tuple[str, str, str]]:
    """ACM.1: every certificate is more than ``days`` days from expiry (an ACM-issued one renews by itself)."""
    out = []
    now = state["now"]
    for cert in state.get("certificates", []):
        label = cert.get("DomainName", cert["CertificateArn"])
        not_after = cert.get("NotAfter")
        if cert.get("Status") != "ISSUED" or not not_after:
            out.append(_fail(label, f"status {cert.get('Status')}"))
            continue
        left = (not_after - now).days
        if left > days:
            out.append(_ok(label, f"{left} days left"))
        else:
            out.append(_fail(label, f"expires in {left} days"))
    return out


def acm_key_length(state: dict) -> list[tuple[str, str, str]]:
    """ACM.2: RSA certificates use keys of at least 2048 bits."""
    out = []
    for cert in state.get("certificates", []):
        label = cert.get("DomainName", cert["CertificateArn"])
        algorithm = cert.get("KeyAlgorithm", "")
        if not algorithm.startswith("RSA"):
            out.append(_ok(label, f"{algorithm or 'unknown key type'}: not RSA"))
            continue
        bits = int(algorithm.split("_")[-1])
        out.append(_ok(label, algorithm) if bits >= 2048 else _fail(label, f"{algorithm} is below 2048 bits"))
    return out


# --- global: IAM, Route 53 -----------------------------------------------------------------------------------


def _listify(value: Any) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def _wildcard_actions(document: dict) -> tuple[list[str], bool]:
    """(service-wide wildcard actions allowed, whether "*" on "*" is allowed)."""
    wildcards: list[str] = []
    admin = False
    for statement in _listify(document.get("Statement")):
        if statement.get("Effect") != "Allow" or "NotAction" in statement:
            if statement.get("Effect") == "Allow" and "NotAction" in statement:
                wildcards.append(f"NotAction {statement['NotAction']}")
            continue
        actions = [str(a) for a in _listify(statement.get("Action"))]
        resources = [str(r) for r in _listify(statement.get("Resource"))]
        for action in actions:
            if action == "*" or action.endswith(":*"):
                wildcards.append(action)
            if action == "*" and "*" in resources:
                admin = True
    return wildcards, admin


def iam_full_admin(state: dict) -> list[tuple[str, str, str]]:
    """IAM.1: no policy of the deployment's roles allows "*" on "*"."""
    out = []
    for policy in state.get("policies", []):
        _wildcards, admin = _wildcard_actions(policy["Document"])
        out.append(_fail(policy["Name"], 'allows "*" on "*"') if admin else _ok(policy["Name"]))
    return out


def iam_wildcard_actions(state: dict) -> list[tuple[str, str, str]]:
    """IAM.21 (and the design's least privilege): no policy we wrote allows "*" or "<service>:*" actions."""
    out = []
    for policy in state.get("policies", []):
        wildcards, _admin = _wildcard_actions(policy["Document"])
        out.append(
            _fail(policy["Name"], f"wildcard actions: {', '.join(sorted(set(wildcards)))}")
            if wildcards
            else _ok(policy["Name"])
        )
    return out


def route53_query_logging(state: dict) -> list[tuple[str, str, str]]:
    """Route53.2: the public hosted zone logs DNS queries."""
    zone = state.get("zone")
    if not zone:
        return []
    configs = [c for c in state.get("query_logging_configs", []) if c.get("HostedZoneId") == zone["Id"].split("/")[-1]]
    if configs:
        return [_ok(zone["Name"], configs[0]["CloudWatchLogsLogGroupArn"].split(":")[-2])]
    return [_fail(zone["Name"], "no query logging configuration")]


def health_checked_records(state: dict) -> list[tuple[str, str, str]]:
    """Design: every region's failover records carry a health check that exists (one line per region)."""
    out = []
    checks = {c["Id"] for c in state.get("health_checks", [])}
    for region in state.get("regions", []):
        records = [
            r
            for r in state.get("record_sets", [])
            if r.get("SetIdentifier") == region and r.get("Type") in ("A", "AAAA")
        ]
        if not records:
            out.append(_fail(region, "no weighted or failover record for this region"))
            continue
        unchecked = [f"{r['Type']} {r['Name']}" for r in records if r.get("HealthCheckId") not in checks]
        if unchecked:
            out.append(_fail(region, f"without an existing health check: {', '.join(unchecked)}"))
        else:
            ids = sorted({r["HealthCheckId"] for r in records})
            out.append(_ok(region, f"{len(records)} record(s), health check {', '.join(ids)}"))
    return out


# The table lives in every region through its replicas; where the endpoint creates none, a region without the
# table cannot be evaluated.
REPLICA_GAPS = ("dynamodb_replicas",)

CONTROLS: list[Control] = [
    Control(
        "EC2.2",
        "VPC default security groups should not allow inbound or outbound traffic",
        ["vpc"],
        default_security_group,
    ),
    Control("EC2.6", "VPC flow logging should be enabled in all VPCs", ["vpc"], vpc_flow_logs),
    Control(
        "EC2.10",
        "Amazon EC2 should be configured to use VPC endpoints created for the EC2 service",
        ["vpc"],
        ec2_interface_endpoint,
    ),
    Control(
        "EC2.21",
        "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
        ["vpc"],
        nacl_admin_ports,
    ),
    Control(
        "Design.NoInternet",
        "The VPC has no internet gateway, NAT gateway or route out",
        ["vpc"],
        no_internet_path,
        source=DESIGN,
    ),
    Control(
        "Design.DNSFirewall",
        "The VPC resolves names through Route 53 Resolver DNS Firewall",
        ["vpc", "dns_firewall"],
        dns_firewall_associated,
        source=DESIGN,
        gaps=["dns_firewall"],
    ),
    Control("Lambda.1", "Lambda function policies should prohibit public access", ["lambda"], lambda_public_access),
    Control("Lambda.2", "Lambda functions should use supported runtimes", ["lambda"], lambda_supported_runtime),
    Control("Lambda.3", "Lambda functions should be in a VPC", ["lambda"], lambda_in_vpc),
    Control(
        "Lambda.5",
        "VPC Lambda functions should operate in multiple Availability Zones",
        ["lambda", "vpc"],
        lambda_multi_az,
    ),
    Control(
        "APIGateway.1",
        "API Gateway REST API execution logging should be enabled",
        ["apigateway"],
        apigateway_execution_logging,
    ),
    Control(
        "APIGateway.2",
        "API Gateway REST API stages should use SSL certificates for backend authentication",
        ["apigateway"],
        apigateway_client_certificate,
        gaps=["apigateway_client_certificate"],
    ),
    Control(
        "APIGateway.3",
        "API Gateway REST API stages should have AWS X-Ray tracing enabled",
        ["apigateway"],
        apigateway_xray,
    ),
    Control(
        "APIGateway.4", "API Gateway should be associated with a WAF web ACL", ["apigateway", "wafv2"], apigateway_waf
    ),
    Control(
        "APIGateway.5",
        "API Gateway REST API cache data should be encrypted at rest",
        ["apigateway"],
        apigateway_cache_encryption,
    ),
    Control("WAF.10", "AWS WAF web ACLs should have at least one rule or rule group", ["wafv2"], waf_has_rules),
    Control("WAF.11", "AWS WAF web ACL logging should be enabled", ["wafv2"], waf_logging),
    Control("WAF.12", "AWS WAF rules should have CloudWatch metrics enabled", ["wafv2"], waf_rule_metrics),
    Control(
        "DynamoDB.1",
        "DynamoDB tables should automatically scale capacity with demand",
        ["dynamodb"],
        dynamodb_autoscaling,
        absent_gaps=REPLICA_GAPS,
    ),
    Control(
        "DynamoDB.2",
        "DynamoDB tables should have point-in-time recovery enabled",
        ["dynamodb"],
        dynamodb_pitr,
        absent_gaps=REPLICA_GAPS,
    ),
    Control(
        "DynamoDB.4",
        "DynamoDB tables should be present in a backup plan",
        ["dynamodb", "backup"],
        dynamodb_backup_plan,
        gaps=["backup_selection"],
        absent_gaps=REPLICA_GAPS,
    ),
    Control(
        "DynamoDB.6",
        "DynamoDB tables should have deletion protection enabled",
        ["dynamodb"],
        dynamodb_deletion_protection,
        absent_gaps=REPLICA_GAPS,
    ),
    Control(
        "Design.TableKMS",
        "The table is encrypted with the deployment's customer managed key",
        ["dynamodb", "kms"],
        dynamodb_kms,
        source=DESIGN,
        absent_gaps=REPLICA_GAPS,
    ),
    Control("KMS.4", "AWS KMS key rotation should be enabled", ["kms"], kms_rotation),
    Control("SNS.1", "SNS topics should be encrypted at rest using AWS KMS", ["sns"], sns_kms),
    Control("Design.LogsKMS", "Every log group is encrypted with a KMS key", ["logs"], log_groups_kms, source=DESIGN),
    Control(
        "CloudWatch.15", "CloudWatch alarms should have specified actions configured", ["cloudwatch"], alarm_actions
    ),
    Control(
        "Design.AlarmSubscribers",
        "Every alarm notifies a topic that someone subscribes to",
        ["cloudwatch", "sns"],
        alarms_notify_someone,
        source=DESIGN,
    ),
    Control(
        "ACM.1",
        "Imported and ACM-issued certificates should be renewed after a specified time period",
        ["acm"],
        acm_renewal,
    ),
    Control(
        "ACM.2",
        "RSA certificates managed by ACM should use a key length of at least 2,048 bits",
        ["acm"],
        acm_key_length,
    ),
    Control(
        "IAM.1",
        'IAM policies should not allow full "*" administrative privileges',
        ["iam"],
        iam_full_admin,
        scope="global",
    ),
    Control(
        "IAM.21",
        "IAM customer managed policies you create should not allow wildcard actions for services",
        ["iam"],
        iam_wildcard_actions,
        scope="global",
    ),
    Control(
        "Route53.2",
        "Route 53 public hosted zones should log DNS queries",
        ["route53"],
        route53_query_logging,
        scope="global",
    ),
    Control(
        "Design.HealthChecks",
        "Every region's DNS records carry a Route 53 health check",
        ["route53"],
        health_checked_records,
        source=DESIGN,
        scope="global",
    ),
    Control(
        "Design.FailoverAlarms",
        "The health-check alarms (us-east-1) have actions and someone subscribed to their topic",
        ["failover_alarms"],
        lambda state: alarm_actions(state["failover"]) + alarms_notify_someone(state["failover"]),
        source=DESIGN,
        scope="global",
        missing="no health-check alarm in us-east-1",
    ),
    Control(
        "Design.FailoverLogsKMS",
        "The DNS query log group (us-east-1) is encrypted with a KMS key",
        ["failover_logs"],
        lambda state: log_groups_kms(state["failover"]),
        source=DESIGN,
        scope="global",
        missing="no DNS query log group to evaluate",
    ),
]


def controls_for(scope: str) -> list[Control]:
    return [c for c in CONTROLS if c.scope == scope]


def evaluate(
    controls: Iterable[Control], state: dict, gaps: Optional[dict] = None, region: Optional[str] = None
) -> list[dict]:
    """Findings of ``controls`` on ``state``.

    ``gaps`` (``deployment_endpoint_gaps``, from playbooks/vars/local_endpoint_gaps.yml) and ``state["errors"]``
    (piece -> why it could not be read) make a control not evaluable. A control that finds nothing to evaluate fails
    with its ``missing`` text.
    """
    gaps = gaps or {}
    errors = state.get("errors", {})
    region = region or state.get("region", "global")
    findings = []
    for control in controls:
        blocked = [f"{g}: {gaps[g]}" for g in control.gaps if g in gaps]
        blocked += [f"{piece}: {errors[piece]}" for piece in control.needs if piece in errors]
        if blocked:
            findings.append(finding(control, region, NOT_EVALUABLE, reason="; ".join(blocked)))
            continue
        results = control.evaluate(state)
        if not results:
            explained = [f"{g}: {gaps[g]}" for g in control.absent_gaps if g in gaps]
            if explained:
                findings.append(
                    finding(control, region, NOT_EVALUABLE, reason=f"{control.missing} ({'; '.join(explained)})")
                )
            else:
                findings.append(finding(control, region, FAILED, reason=control.missing))
            continue
        for status, resource, reason in results:
            findings.append(finding(control, region, status, resource, reason))
    return findings


def summarize(findings: Iterable[dict]) -> list[dict]:
    """One line per (control, region): its worst status (failed, then not_evaluable, then passed) and why.

    ``detail`` is the reason of every finding with that status, or what passed when all passed.
    """
    rank = {FAILED: 0, NOT_EVALUABLE: 1, PASSED: 2}
    grouped: dict[tuple[str, str], list[dict]] = {}
    for f in findings:
        grouped.setdefault((f["control"], f["region"]), []).append(f)
    lines = []
    for (control, region), group in grouped.items():
        status = min((f["status"] for f in group), key=rank.__getitem__)
        worst = [f for f in group if f["status"] == status]
        if status == PASSED:
            detail = ", ".join(f"{f['resource']}" + (f" ({f['reason']})" if f["reason"] else "") for f in worst)
        else:
            detail = "; ".join(f"{f['resource']}: {f['reason']}" if f["resource"] else f["reason"] for f in worst)
        lines.append(
            {
                "control": control,
                "title": group[0]["title"],
                "source": group[0]["source"],
                "region": region,
                "status": status,
                "detail": detail,
                "resources": len([f for f in group if f["resource"]]),
                "text": f"{status.upper():<13} {control:<24} {region:<14} {detail}",
            }
        )
    return lines

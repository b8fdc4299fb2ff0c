"""boto3 assertions on what dns_failover and waf created for one region of the local endpoint.

    python verify_auxiliary_edge.py --endpoint URL --region eu-west-1 --deployment NAME --zone DOMAIN \
        --outputs JSON --kms-key-arn ARN --alarm-topic-arn ARN --weight 100
    python verify_auxiliary_edge.py --endpoint URL --region eu-west-1 --deployment NAME --zone DOMAIN --absent
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

CHECKER_REGIONS = ["ap-southeast-1", "eu-west-1", "us-east-1"]
MANAGED_GROUPS = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesLinuxRuleSet",
    "AWSManagedRulesUnixRuleSet",
]


def zone_id(route53, zone: str) -> str | None:
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == f"{zone}."]
    return zones[0]["Id"].split("/")[-1] if zones else None


def named_health_checks(route53) -> dict[str, dict]:
    named = {}
    for health_check in route53.list_health_checks()["HealthChecks"]:
        tags = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=health_check["Id"])
        name = {t["Key"]: t["Value"] for t in tags["ResourceTagSet"]["Tags"]}.get("Name")
        named[name] = health_check
    return named


def web_acls(wafv2) -> dict[str, dict]:
    return {a["Name"]: a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"]}


def verify_absent(args, aws: Endpoint, failures: list[str]) -> None:
    route53 = aws.client("route53")
    cloudwatch = aws.client("cloudwatch", "us-east-1")
    wafv2 = aws.client("wafv2")
    logs = aws.client("logs")
    check(zone_id(route53, args.zone) is None, f"hosted zone {args.zone} deleted", failures)
    check(f"{args.deployment}-api-{args.region}" not in named_health_checks(route53), "health check deleted", failures)
    alarms = cloudwatch.describe_alarms(AlarmNames=[f"{args.deployment}-api-health-{args.region}"])["MetricAlarms"]
    check(not alarms, "health check alarm deleted", failures)
    check(f"{args.deployment}-api" not in web_acls(wafv2), "web ACL deleted", failures)
    groups = logs.describe_log_groups(logGroupNamePrefix=f"aws-waf-logs-{args.deployment}")["logGroups"]
    check(not groups, "request-log group deleted (waf_delete_data)", failures)
    check(not route53.list_query_logging_configs()["QueryLoggingConfigs"], "zone query logging stopped", failures)
    logs_us = aws.client("logs", "us-east-1")
    query_logs = logs_us.describe_log_groups(logGroupNamePrefix=f"/aws/route53/{args.zone.rstrip('.')}")["logGroups"]
    check(not query_logs, "query log group deleted (dns_failover_delete_data)", failures)
    policies = [p["policyName"] for p in logs_us.describe_resource_policies()["resourcePolicies"]]
    check(f"{args.deployment}-route53-query-logs" not in policies, "query-log resource policy deleted", failures)


def verify_present(args, aws: Endpoint, failures: list[str]) -> None:
    outputs = json.loads(args.outputs)
    region, name = args.region, args.deployment
    route53 = aws.client("route53")
    cloudwatch = aws.client("cloudwatch", "us-east-1")
    wafv2 = aws.client("wafv2")
    logs = aws.client("logs")

    # Health check: HTTPS to the region's own execute-api host and stage, with SNI, fast, from three regions.
    health_check = named_health_checks(route53).get(f"{name}-api-{region}")
    check(health_check is not None, f"health check {name}-api-{region}", failures)
    config = (health_check or {}).get("HealthCheckConfig", {})
    fqdn = f"{outputs['api_id']}.execute-api.{region}.amazonaws.com"
    check(config.get("Type") == "HTTPS" and config.get("Port") == 443, "health check: HTTPS on 443", failures)
    check(config.get("FullyQualifiedDomainName") == fqdn, f"health check: the region's own host {fqdn}", failures)
    check(config.get("EnableSNI") is True, "health check: SNI on", failures)
    check(
        config.get("ResourcePath") == "/v1/healthcheck", "health check: path /v1/healthcheck (leading slash)", failures
    )
    check(config.get("RequestInterval") == 10, "health check: request interval 10 s", failures)
    check(config.get("FailureThreshold") == 2, "health check: failure threshold 2", failures)
    check(config.get("MeasureLatency") is True, "health check: latency measured", failures)
    check(
        sorted(config.get("Regions") or []) == CHECKER_REGIONS, f"health check: checkers in {CHECKER_REGIONS}", failures
    )
    check_id = (health_check or {}).get("Id")

    # Alarm on the check, in us-east-1, to the us-east-1 topic.
    alarms = cloudwatch.describe_alarms(AlarmNames=[f"{name}-api-health-{region}"])["MetricAlarms"]
    check(len(alarms) == 1, f"alarm {name}-api-health-{region} in us-east-1", failures)
    if alarms:
        alarm = alarms[0]
        check(
            (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Route53", "HealthCheckStatus"),
            "alarm: AWS/Route53 HealthCheckStatus",
            failures,
        )
        check(
            alarm["Dimensions"] == [{"Name": "HealthCheckId", "Value": check_id}],
            "alarm: on the region's check",
            failures,
        )
        check(
            alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 1.0,
            "alarm: fires below 1 (unhealthy)",
            failures,
        )
        check(alarm.get("AlarmActions") == [args.alarm_topic_arn], "alarm: notifies the us-east-1 topic", failures)

    # The zone's DNS query logging (Security Hub Route53.2): to /aws/route53/<zone> in us-east-1, KMS-encrypted,
    # with a resource policy that lets Route 53 write to that group only. Listed without HostedZoneId (the local
    # endpoint answers that filter with NoSuchHostedZone).
    zone = zone_id(route53, args.zone)
    group = f"/aws/route53/{args.zone.rstrip('.')}"
    configs = [
        c
        for c in route53.list_query_logging_configs()["QueryLoggingConfigs"]
        if zone and c["HostedZoneId"] == zone.split("/")[-1]
    ]
    check(
        [c["CloudWatchLogsLogGroupArn"].split(":log-group:")[-1] for c in configs] == [f"{group}:*"],
        f"zone query logging to {group} (us-east-1)",
        failures,
    )
    logs_us = aws.client("logs", "us-east-1")
    kms_us = aws.client("kms", "us-east-1")
    key = kms_us.describe_key(KeyId=f"alias/{name}-dns")["KeyMetadata"]["Arn"]
    groups = logs_us.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    check(
        [g.get("kmsKeyId") for g in groups] == [key] and ":us-east-1:" in key,
        "query log group encrypted with the deployment's us-east-1 key",
        failures,
    )
    policies = {p["policyName"]: p["policyDocument"] for p in logs_us.describe_resource_policies()["resourcePolicies"]}
    document = json.loads(policies.get(f"{name}-route53-query-logs", "{}"))
    statement = (document.get("Statement") or [{}])[0]
    check(
        statement.get("Principal") == {"Service": "route53.amazonaws.com"}
        and sorted(statement.get("Action", [])) == ["logs:CreateLogStream", "logs:PutLogEvents"]
        and statement.get("Resource", "").endswith(f":log-group:{group}:*"),
        "resource policy: Route 53 writes the zone's query logs, and only those",
        failures,
    )

    # Records: weighted alias A and AAAA to the region's regional domain, identifier = region, tied to the check.
    zone = zone_id(route53, args.zone)
    check(zone is not None, f"hosted zone {args.zone}", failures)
    record_name = f"{outputs['custom_domain_name']}."
    records = []
    if zone:
        records = [
            r
            for r in route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            if r["Name"] == record_name and r.get("SetIdentifier") == region
        ]
    check(
        sorted(r["Type"] for r in records) == ["A", "AAAA"],
        f"records A and AAAA of {record_name} for {region}",
        failures,
    )
    for record in records:
        kind = record["Type"]
        target = record.get("AliasTarget", {})
        check(
            target.get("DNSName", "").rstrip(".") == outputs["regional_domain_name"]
            and target.get("HostedZoneId") == outputs["regional_hosted_zone_id"],
            f"{kind}: alias to the region's regional domain name",
            failures,
        )
        check(target.get("EvaluateTargetHealth") is True, f"{kind}: evaluates target health", failures)
        check(record.get("Weight") == args.weight, f"{kind}: weight {args.weight}", failures)
        check("Failover" not in record, f"{kind}: weighted, not failover", failures)
        check(record.get("HealthCheckId") == check_id, f"{kind}: tied to the region's health check", failures)

    # Web ACL: the managed groups by priority, LFI/RFI body rules counted, the rate rule, metrics and samples.
    acl_summary = web_acls(wafv2).get(f"{name}-api")
    check(acl_summary is not None, f"web ACL {name}-api", failures)
    if not acl_summary:
        return
    acl = wafv2.get_web_acl(Name=acl_summary["Name"], Scope="REGIONAL", Id=acl_summary["Id"])["WebACL"]
    rules = sorted(acl["Rules"], key=lambda r: r["Priority"])
    check(acl["DefaultAction"] == {"Allow": {}}, "web ACL: default action allow", failures)
    check(
        [(r["Name"], r["Priority"]) for r in rules]
        == [(g, i) for i, g in enumerate(MANAGED_GROUPS)] + [("rate-limit-per-ip", 6)],
        "web ACL: six managed groups at priorities 0-5, the rate rule at 6",
        failures,
    )
    common = next((r for r in rules if r["Name"] == "AWSManagedRulesCommonRuleSet"), {})
    overrides = common.get("Statement", {}).get("ManagedRuleGroupStatement", {}).get("RuleActionOverrides", [])
    check(
        {o["Name"]: o["ActionToUse"] for o in overrides}
        == {"GenericLFI_BODY": {"Count": {}}, "GenericRFI_BODY": {"Count": {}}},
        "web ACL: GenericLFI_BODY and GenericRFI_BODY count",
        failures,
    )
    anonymous = next((r for r in rules if r["Name"] == "AWSManagedRulesAnonymousIpList"), {})
    overrides = anonymous.get("Statement", {}).get("ManagedRuleGroupStatement", {}).get("RuleActionOverrides", [])
    check(
        {o["Name"]: o["ActionToUse"] for o in overrides} == {"HostingProviderIPList": {"Count": {}}},
        "web ACL: AnonymousIpList's HostingProviderIPList counts (server-to-server clients on other clouds pass)",
        failures,
    )
    rate = next((r for r in rules if r["Name"] == "rate-limit-per-ip"), {})
    statement = rate.get("Statement", {}).get("RateBasedStatement", {})
    check(
        (statement.get("Limit"), statement.get("AggregateKeyType"), rate.get("Action")) == (2000, "IP", {"Block": {}}),
        "web ACL: blocks above 2000 requests per 5 minutes per IP",
        failures,
    )
    visibilities = [r["VisibilityConfig"] for r in rules] + [acl["VisibilityConfig"]]
    check(
        all(v["SampledRequestsEnabled"] and v["CloudWatchMetricsEnabled"] for v in visibilities),
        "web ACL: metrics and sampled requests on every rule and the ACL",
        failures,
    )

    # Association with the region's stage, read as WAF sees it.
    found = wafv2.get_web_acl_for_resource(ResourceArn=outputs["stage_arn"]).get("WebACL") or {}
    check(found.get("ARN") == acl["ARN"], "the API stage is associated with the web ACL", failures)

    # Logging to the KMS-encrypted aws-waf-logs- group, with the Authorization header redacted.
    group_name = f"aws-waf-logs-{name}"
    groups = logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    check(
        len(groups) == 1 and groups[0].get("kmsKeyId") == args.kms_key_arn,
        f"{group_name} encrypted with the region's key",
        failures,
    )
    logging = wafv2.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
    arn = f"arn:aws:logs:{region}:123456789012:log-group:{group_name}"
    check(logging["LogDestinationConfigs"] == [arn], f"web ACL logs to {group_name}", failures)
    check(
        logging.get("RedactedFields") == [{"SingleHeader": {"Name": "authorization"}}],
        "logs redact Authorization",
        failures,
    )


def main() -> int:
    parser = arguments()
    parser.add_argument("--zone", required=True)
    parser.add_argument("--outputs", default="{}")
    parser.add_argument("--kms-key-arn", default="")
    parser.add_argument("--alarm-topic-arn", default="")
    parser.add_argument("--weight", type=int, default=100)
    parser.add_argument("--absent", action="store_true")
    args = parser.parse_args()
    aws = Endpoint.of(args)
    failures: list[str] = []
    if args.absent:
        verify_absent(args, aws, failures)
    else:
        verify_present(args, aws, failures)
    return result(args.region, failures)


if __name__ == "__main__":
    sys.exit(main())

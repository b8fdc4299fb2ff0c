"""Summary rows for the dns_failover role: this region's alias records, its health check and the check's alarm.

Route 53 is global; the rows show what belongs to this region (the records whose identifier is the region and
the health check named "<deployment>-api-<region>"). The local endpoint reports every health check as "Success"
without probing anything: the row says so.
"""

from __future__ import annotations


def _health_check(route53, name: str) -> dict | None:
    for check in route53.get_paginator("list_health_checks").paginate().build_full_result()["HealthChecks"]:
        tags = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"])["ResourceTagSet"]
        if {t["Key"]: t["Value"] for t in tags.get("Tags", [])}.get("Name") == name:
            return check
    return None


def _records(route53, region: str, check_id: str) -> list[dict]:
    records = []
    for zone in route53.get_paginator("list_hosted_zones").paginate().build_full_result()["HostedZones"]:
        sets = route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone["Id"])
        for record in sets.build_full_result()["ResourceRecordSets"]:
            if record.get("SetIdentifier") == region and record.get("HealthCheckId") == check_id:
                records.append(record)
    return records


def _us_east_1(region, service: str):
    """A client in us-east-1, where Route 53 publishes health-check metrics and the alarms live."""
    import boto3

    session = getattr(region, "session", None) or boto3.session.Session()
    return session.client(service, region_name="us-east-1", endpoint_url=getattr(region, "endpoint", None))


def rows(region) -> list[tuple[str, str]]:
    route53 = region.client("route53")
    name = f"{region.deployment}-api-{region.region}"
    check = _health_check(route53, name)
    if check is None:
        return [("DNS failover", "no health check")]
    config = check["HealthCheckConfig"]
    records = _records(route53, region.region, check["Id"])
    routing = ", ".join(
        f"{r['Type']} {'weight ' + str(r['Weight']) if 'Weight' in r else r.get('Failover', 'simple')}"
        for r in sorted(records, key=lambda r: r["Type"])
    )
    observations = route53.get_health_check_status(HealthCheckId=check["Id"])["HealthCheckObservations"]
    statuses = sorted({o["StatusReport"]["Status"].split(":")[0] for o in observations}) or ["none"]
    probed = " (fixed by the local endpoint: nothing is probed)" if getattr(region, "endpoint", None) else ""
    cloudwatch = _us_east_1(region, "cloudwatch")
    alarm = cloudwatch.describe_alarms(AlarmNames=[f"{region.deployment}-api-health-{region.region}"])["MetricAlarms"]
    return [
        ("DNS records", f"{records[0]['Name'].rstrip('.')} {routing}" if records else "none"),
        (
            "Health check",
            f"{config['Type']} {config.get('FullyQualifiedDomainName')}{config.get('ResourcePath', '')} "
            f"every {config['RequestInterval']} s, threshold {config['FailureThreshold']}, "
            f"SNI {'on' if config.get('EnableSNI') else 'off'}, "
            f"checkers {', '.join(sorted(config.get('Regions') or ['all']))}",
        ),
        ("Health check status", ", ".join(statuses) + probed),
        (
            "Health check alarm",
            f"{alarm[0]['AlarmName']} (us-east-1) -> {', '.join(alarm[0].get('AlarmActions', [])) or 'no action'}"
            if alarm
            else "none",
        ),
    ]

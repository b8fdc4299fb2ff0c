"""Summary rows for the dns_failover role: this region's alias records, its health check and the check's alarm.

Route 53 is global; the rows show what belongs to this region, as dns_failover_outputs names it for the region
(hosted_zone_id, record_name, identifier, health_check_id, alarm_name). The local endpoint reports every health
check as "Success" without probing anything: the row says so.
"""

from __future__ import annotations


def _records(route53, zone_id: str | None, name: str | None, identifier: str, check_id: str) -> list[dict]:
    if not zone_id or not name:
        return []
    wanted = name.rstrip(".").lower() + "."
    sets = route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id, StartRecordName=wanted)
    return [
        record
        for record in sets.build_full_result()["ResourceRecordSets"]
        if record["Name"].lower() == wanted
        and record.get("SetIdentifier") == identifier
        and record.get("HealthCheckId") == check_id
    ]


def _us_east_1(region, service: str):
    """A client in us-east-1, where Route 53 publishes health-check metrics and the alarms live."""
    import boto3

    session = getattr(region, "session", None) or boto3.session.Session()
    return session.client(service, region_name="us-east-1", endpoint_url=getattr(region, "endpoint", None))


def _topic_rows(region, topics: list[str]) -> list[tuple[str, str]]:
    """Whether anyone hears the health-check alarms: their topics (in us-east-1) and subscribers."""
    if not topics:
        return [("Health check alarm topic", "NONE: the alarms notify nobody")]
    sns = _us_east_1(region, "sns")
    out = []
    for topic in topics:
        attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        subscribers = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        heard = f"{len(subscribers)} subscriber(s)" if subscribers else "NO SUBSCRIBER: the alarms notify nobody"
        out.append(
            (
                "Health check alarm topic",
                f"{topic} (kms={'yes' if attributes.get('KmsMasterKeyId') else 'NO'}; {heard})",
            )
        )
    return out


def _query_logging_rows(route53, zone_id: str | None) -> list[tuple[str, str]]:
    """The zone's DNS query logging (Security Hub Route53.2). Listed without HostedZoneId: the local endpoint
    answers that filter with NoSuchHostedZone."""
    if not zone_id:
        return []
    configs = [
        c
        for c in route53.get_paginator("list_query_logging_configs")
        .paginate()
        .build_full_result()["QueryLoggingConfigs"]
        if c["HostedZoneId"] == zone_id
    ]
    if not configs:
        return [("DNS query logging", "OFF")]
    return [("DNS query logging", ", ".join(c["CloudWatchLogsLogGroupArn"].split(":log-group:")[-1] for c in configs))]


def rows(region) -> list[tuple[str, str]]:
    outputs = region.outputs("dns_failover")
    route53 = region.client("route53")
    check_id = outputs.get("health_check_id")
    check = region.described(route53.get_health_check, "HealthCheck", HealthCheckId=check_id) if check_id else None
    if check is None:
        return [("DNS failover", "no health check")]
    config = check["HealthCheckConfig"]
    zone_id = outputs.get("hosted_zone_id")
    records = _records(
        route53, zone_id, outputs.get("record_name"), outputs.get("identifier") or region.region, check["Id"]
    )
    routing = ", ".join(
        f"{r['Type']} {'weight ' + str(r['Weight']) if 'Weight' in r else r.get('Failover', 'simple')}"
        for r in sorted(records, key=lambda r: r["Type"])
    )
    observations = route53.get_health_check_status(HealthCheckId=check["Id"])["HealthCheckObservations"]
    statuses = sorted({o["StatusReport"]["Status"].split(":")[0] for o in observations}) or ["none"]
    probed = " (fixed by the local endpoint: nothing is probed)" if getattr(region, "endpoint", None) else ""
    cloudwatch = _us_east_1(region, "cloudwatch")
    alarm_name = outputs.get("alarm_name")
    alarm = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"] if alarm_name else []
    return [
        *_rows(check, config, records, routing, statuses, probed, alarm),
        *_topic_rows(region, alarm[0].get("AlarmActions", []) if alarm else []),
        *_query_logging_rows(route53, zone_id if records else None),
    ]


def _rows(check, config, records, routing, statuses, probed, alarm) -> list[tuple[str, str]]:
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

"""The dns_failover role's failover routing, its Region RTO check and its delete operation, on the local endpoint.

The weighted routing, check mode and idempotence are covered by the molecule scenario auxiliary_edge.
"""

from __future__ import annotations

import json

PLAYBOOK = "tests/integration/playbooks/dns_failover_role.yml"
ZONE = "mrdemo.example.com."
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:mrdemo-health-alarms"
QUERY_LOG_GROUP = "/aws/route53/mrdemo.example.com"
# The local inventory subscribes an address to every alarm topic; this keeps the path of a topic nobody hears.
NO_SUBSCRIBERS = ("-e", '{"deployment_alarm_subscriptions": []}')
FAILOVER = ("-e", "dns_failover_routing=failover", "-e", "dns_failover_primary_region=eu-central-1")


def records(route53) -> list[dict]:
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == ZONE]
    if not zones:
        return []
    sets = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    return [r for r in sets if r["Name"] == f"api.{ZONE}"]


def assert_nothing_changes(ansible_playbook, *args: str) -> None:
    """The playbook run again with ``args`` (or in check mode) succeeds and changes nothing in any region."""
    run = ansible_playbook(PLAYBOOK, *args)
    assert run.returncode == 0, run.failures()
    assert sum(run.changed().values()) == 0, run.changed_tasks()


def test_failover_routing_then_delete(ansible_playbook, boto):
    route53 = boto("route53")
    created = ansible_playbook(PLAYBOOK, *NO_SUBSCRIBERS, *FAILOVER)
    assert created.returncode == 0, created.failures() or created.stdout[-3000:]
    found = {(r["SetIdentifier"], r["Type"]): r for r in records(route53)}
    assert set(found) == {(region, kind) for region in ("eu-west-1", "eu-central-1") for kind in ("A", "AAAA")}
    assert {k: r["Failover"] for k, r in found.items()} == {
        ("eu-central-1", "A"): "PRIMARY",
        ("eu-central-1", "AAAA"): "PRIMARY",
        ("eu-west-1", "A"): "SECONDARY",
        ("eu-west-1", "AAAA"): "SECONDARY",
    }
    assert all("Weight" not in r for r in found.values())
    checks = {c["Id"]: c["HealthCheckConfig"] for c in route53.list_health_checks()["HealthChecks"]}
    assert len(checks) == 2
    for (region, _kind), record in found.items():
        config = checks[record["HealthCheckId"]]
        assert config["FullyQualifiedDomainName"] == f"api{region.replace('-', '')}.execute-api.{region}.amazonaws.com"
        # The outputs' path had no leading slash.
        assert config["ResourcePath"] == "/v1/healthcheck"
        assert record["AliasTarget"]["DNSName"] == f"d-{region}.execute-api.{region}.amazonaws.com."
    alarms = boto("cloudwatch", "us-east-1").describe_alarms(AlarmNamePrefix="mrdemo-api-health-")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == ["mrdemo-api-health-eu-central-1", "mrdemo-api-health-eu-west-1"]
    # The alarms notify the role's own topic in us-east-1 (before, they notified nobody).
    assert all(a.get("AlarmActions", []) == [TOPIC] and a.get("OKActions", []) == [TOPIC] for a in alarms)
    assert_us_east_1_resources(boto, route53)
    # The run says that the topic has no subscriber.
    assert "has no subscriber" in created.stdout

    assert_nothing_changes(ansible_playbook, *NO_SUBSCRIBERS, *FAILOVER)
    assert_nothing_changes(ansible_playbook, *NO_SUBSCRIBERS, "--check", "--diff", *FAILOVER)

    removed = ansible_playbook(PLAYBOOK, *NO_SUBSCRIBERS, "-e", "dns_failover_operation=delete")
    assert removed.returncode == 0, removed.failures() or removed.stdout[-3000:]
    assert records(route53) == []
    assert route53.list_health_checks()["HealthChecks"] == []
    assert boto("cloudwatch", "us-east-1").describe_alarms(AlarmNamePrefix="mrdemo-api-health-")["MetricAlarms"] == []
    # The zone is kept unless dns_failover_delete_zone is set.
    assert [z["Name"] for z in route53.list_hosted_zones()["HostedZones"]] == [ZONE]
    # Query logging and the topic go; the query log group (history) stays without dns_failover_delete_data.
    assert route53.list_query_logging_configs()["QueryLoggingConfigs"] == []
    assert TOPIC not in [t["TopicArn"] for t in boto("sns", "us-east-1").list_topics()["Topics"]]
    assert boto("logs", "us-east-1").describe_resource_policies()["resourcePolicies"] == []
    kept = boto("logs", "us-east-1").describe_log_groups(logGroupNamePrefix=QUERY_LOG_GROUP)["logGroups"]
    assert [g["logGroupName"] for g in kept] == [QUERY_LOG_GROUP]

    # With dns_failover_delete_data the log group goes, the key's deletion is scheduled and its alias deleted.
    kms = boto("kms", "us-east-1")
    key_id = kms.describe_key(KeyId="alias/mrdemo-dns")["KeyMetadata"]["KeyId"]
    purge = (*NO_SUBSCRIBERS, "-e", "dns_failover_operation=delete", "-e", "dns_failover_delete_data=true")
    purged = ansible_playbook(PLAYBOOK, *purge)
    assert purged.returncode == 0, purged.failures() or purged.stdout[-3000:]
    assert boto("logs", "us-east-1").describe_log_groups(logGroupNamePrefix=QUERY_LOG_GROUP)["logGroups"] == []
    assert "alias/mrdemo-dns" not in [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert_nothing_changes(ansible_playbook, *purge)

    # With dns_failover_delete_zone the zone goes too (route53_zone, by the id the role found it under).
    zone = (*purge, "-e", "dns_failover_delete_zone=true")
    dropped = ansible_playbook(PLAYBOOK, *zone)
    assert dropped.returncode == 0, dropped.failures() or dropped.stdout[-3000:]
    assert ZONE not in [z["Name"] for z in route53.list_hosted_zones()["HostedZones"]]
    assert_nothing_changes(ansible_playbook, *zone)


def assert_us_east_1_resources(boto, route53) -> None:
    """The zone's query logging (Route53.2) and the alarms' topic, in us-east-1, encrypted with the role's key."""
    kms = boto("kms", "us-east-1")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert "alias/mrdemo-dns" in aliases
    key_arn = kms.describe_key(KeyId="alias/mrdemo-dns")["KeyMetadata"]["Arn"]
    assert ":us-east-1:" in key_arn
    logs = boto("logs", "us-east-1")
    groups = logs.describe_log_groups(logGroupNamePrefix=QUERY_LOG_GROUP)["logGroups"]
    assert [(g["logGroupName"], g.get("kmsKeyId"), g.get("retentionInDays")) for g in groups] == [
        (QUERY_LOG_GROUP, key_arn, 90)
    ]
    zone_id = [z["Id"] for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == ZONE][0].split("/")[-1]
    configs = route53.list_query_logging_configs()["QueryLoggingConfigs"]
    assert [(c["HostedZoneId"], c["CloudWatchLogsLogGroupArn"]) for c in configs] == [
        (zone_id, f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{QUERY_LOG_GROUP}:*")
    ]
    policies = {
        p["policyName"]: json.loads(p["policyDocument"]) for p in logs.describe_resource_policies()["resourcePolicies"]
    }
    statement = policies["mrdemo-route53-query-logs"]["Statement"][0]
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{QUERY_LOG_GROUP}:*"
    sns = boto("sns", "us-east-1")
    attributes = sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]
    assert attributes.get("KmsMasterKeyId") == key_arn
    assert sns.list_subscriptions_by_topic(TopicArn=TOPIC)["Subscriptions"] == []


def test_aaaa_records_only_for_dualstack_domains(ansible_playbook, boto):
    # eu-west-1's custom domain is IPv4-only: an AAAA record to it could not be served, so it has an A record only.
    route53 = boto("route53")
    ipv4 = ansible_playbook(PLAYBOOK, "-e", "test_ipv4_region=eu-west-1")
    assert ipv4.returncode == 0, ipv4.failures() or ipv4.stdout[-3000:]
    assert {(r["SetIdentifier"], r["Type"]) for r in records(route53)} == {
        ("eu-west-1", "A"),
        ("eu-central-1", "A"),
        ("eu-central-1", "AAAA"),
    }
    assert_nothing_changes(ansible_playbook, "-e", "test_ipv4_region=eu-west-1")


def test_subscribers_of_the_health_check_alarm_topic(ansible_playbook, boto):
    created = ansible_playbook(
        PLAYBOOK, "-e", '{"deployment_alarm_subscriptions": [{"protocol": "email", "endpoint": "oncall@example.com"}]}'
    )
    assert created.returncode == 0, created.failures() or created.stdout[-3000:]
    subscriptions = boto("sns", "us-east-1").list_subscriptions_by_topic(TopicArn=TOPIC)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]
    assert "has no subscriber" not in created.stdout


def test_a_failover_time_over_the_region_rto_fails_before_any_change(ansible_playbook, boto):
    route53 = boto("route53")
    refused = ansible_playbook(PLAYBOOK, "-e", "dns_failover_region_rto_seconds=100")
    assert refused.returncode != 0
    [failure] = refused.failures()
    assert (
        "the worst-case DNS failover time, 162 s, exceeds the Region RTO deployment_region_rto_seconds=100" in failure
    )
    assert "dns_failover_health_check_failure_threshold=2" in failure
    assert route53.list_hosted_zones()["HostedZones"] == []
    assert route53.list_health_checks()["HealthChecks"] == []


def test_failover_routing_needs_two_regions(ansible_playbook, boto):
    refused = ansible_playbook(
        PLAYBOOK,
        "-e",
        "dns_failover_routing=failover",
        "--limit",
        "eu-west-1",
        "-e",
        '{"dns_failover_region_hosts": ["eu-west-1"]}',
    )
    assert refused.returncode != 0
    assert "dns_failover_routing=failover needs exactly two regions, not 1" in refused.failures()[0]

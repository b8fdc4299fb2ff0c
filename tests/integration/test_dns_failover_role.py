"""The dns_failover role's failover routing, its Region RTO check and its delete operation, on the local endpoint.

The weighted routing, check mode and idempotence are covered by the molecule scenario auxiliary_edge.
"""

from __future__ import annotations

PLAYBOOK = "tests/integration/playbooks/dns_failover_role.yml"
ZONE = "mrdemo.example.com."


def records(route53) -> list[dict]:
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == ZONE]
    if not zones:
        return []
    sets = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    return [r for r in sets if r["Name"] == f"api.{ZONE}"]


def test_failover_routing_then_delete(ansible_playbook, boto):
    route53 = boto("route53")
    created = ansible_playbook(
        PLAYBOOK, "-e", "dns_failover_routing=failover", "-e", "dns_failover_primary_region=eu-central-1"
    )
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
    assert all(a.get("AlarmActions", []) == [] for a in alarms)

    again = ansible_playbook(
        PLAYBOOK, "-e", "dns_failover_routing=failover", "-e", "dns_failover_primary_region=eu-central-1"
    )
    assert again.returncode == 0, again.failures()
    assert sum(again.changed().values()) == 0, again.changed_tasks()

    checked = ansible_playbook(
        PLAYBOOK,
        "--check",
        "--diff",
        "-e",
        "dns_failover_routing=failover",
        "-e",
        "dns_failover_primary_region=eu-central-1",
    )
    assert checked.returncode == 0, checked.failures()
    assert sum(checked.changed().values()) == 0, checked.changed_tasks()

    removed = ansible_playbook(PLAYBOOK, "-e", "dns_failover_operation=delete")
    assert removed.returncode == 0, removed.failures() or removed.stdout[-3000:]
    assert records(route53) == []
    assert route53.list_health_checks()["HealthChecks"] == []
    assert boto("cloudwatch", "us-east-1").describe_alarms(AlarmNamePrefix="mrdemo-api-health-")["MetricAlarms"] == []
    # The zone is kept unless dns_failover_delete_zone is set.
    assert [z["Name"] for z in route53.list_hosted_zones()["HostedZones"]] == [ZONE]


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

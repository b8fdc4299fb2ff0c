"""route53_records against the local endpoint: one batch, rerun, check mode, update, absent, purge."""

from __future__ import annotations

import functools
import json

from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/route53_records.yml"
NAME = "api.r53-test.example.com."


def run(ansible_playbook, zone_id: str, checks: dict, *args: str):
    return succeeded(
        ansible_playbook(
            PLAYBOOK, "-e", f"r53_zone_id={zone_id}", "-e", json.dumps({"r53_health_checks": checks}), *args
        )
    )


task = functools.partial(task_result, name="Records")


def records(route53, zone_id: str) -> dict:
    sets = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(r["Name"], r["Type"], r.get("SetIdentifier", "")): r for r in sets}


def health_check(route53, region: str) -> str:
    return route53.create_health_check(
        CallerReference=f"r53-test-{region}",
        HealthCheckConfig={
            "Type": "HTTPS",
            "FullyQualifiedDomainName": f"d-{region}.execute-api.{region}.amazonaws.com",
            "Port": 443,
            "ResourcePath": "/v1/healthcheck",
        },
    )["HealthCheck"]["Id"]


def test_records_reconciled_in_one_batch(ansible_playbook, boto):
    route53 = boto("route53", "us-east-1")
    zone_id = route53.create_hosted_zone(Name="r53-test.example.com", CallerReference="r53-test")["HostedZone"]["Id"]
    zone_id = zone_id.split("/")[-1]
    checks = {region: health_check(route53, region) for region in ("eu-west-1", "eu-central-1")}
    # A record of another name the task never lists: never touched, even with a purge of the API name.
    route53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": "www.r53-test.example.com",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "192.0.2.1"}],
                    },
                }
            ]
        },
    )
    before = records(route53, zone_id)

    checked = run(ansible_playbook, zone_id, checks, "--check", "--diff")
    assert len(task(checked)["changes"]) == 5
    assert records(route53, zone_id) == before

    created = run(ansible_playbook, zone_id, checks)
    assert task(created)["change_status"] == "INSYNC"
    found = records(route53, zone_id)
    api = {k: r for k, r in found.items() if k[0] == NAME}
    assert set(api) == {(NAME, kind, region) for kind in ("A", "AAAA") for region in checks}
    for (_name, _kind, region), record in api.items():
        assert record["Weight"] == 50
        assert record["HealthCheckId"] == checks[region]
        assert record["AliasTarget"]["DNSName"].rstrip(".") == f"d-{region}.execute-api.{region}.amazonaws.com"
        assert record["AliasTarget"]["EvaluateTargetHealth"] is True
    cname = found[("_abc.api.r53-test.example.com.", "CNAME", "")]
    assert (cname["TTL"], cname["ResourceRecords"]) == (300, [{"Value": "_x1.acm-validations.aws."}])

    again = run(ansible_playbook, zone_id, checks)
    assert again.changed() == {"localhost": 0}, task(again)["changes"]
    checked_again = run(ansible_playbook, zone_id, checks, "--check", "--diff")
    assert checked_again.changed() == {"localhost": 0}, task(checked_again)["changes"]

    weighted = run(ansible_playbook, zone_id, checks, "-e", '{"r53_weights": {"eu-west-1": 100, "eu-central-1": 0}}')
    assert sorted((c["action"], c["type"], c["set_identifier"]) for c in task(weighted)["changes"]) == [
        ("UPSERT", kind, region) for kind in ("A", "AAAA") for region in ("eu-central-1", "eu-west-1")
    ]
    found = records(route53, zone_id)
    assert found[(NAME, "A", "eu-west-1")]["Weight"] == 100
    assert found[(NAME, "AAAA", "eu-central-1")]["Weight"] == 0

    # eu-central-1's AAAA record listed absent: deleted first, in the same batch that writes the rest. (The local
    # endpoint deletes every record of the set identifier; the A record written after it in the batch is back.)
    # The weights stay as they are, so the A record is unchanged: only the module's rewrite after the DELETE keeps it
    # on this endpoint.
    same_weights = '{"r53_weights": {"eu-west-1": 100, "eu-central-1": 0}}'
    no_aaaa = run(ansible_playbook, zone_id, checks, "-e", same_weights, "-e", '{"r53_aaaa_regions": ["eu-west-1"]}')
    assert [(c["action"], c["type"], c["set_identifier"]) for c in task(no_aaaa)["changes"]] == [
        ("DELETE", "AAAA", "eu-central-1"),
        ("UPSERT", "A", "eu-central-1"),
    ]
    found = records(route53, zone_id)
    assert (NAME, "AAAA", "eu-central-1") not in found
    assert found[(NAME, "A", "eu-central-1")]["Weight"] == 0
    settled = run(ansible_playbook, zone_id, checks, "-e", same_weights, "-e", '{"r53_aaaa_regions": ["eu-west-1"]}')
    assert settled.changed() == {"localhost": 0}, task(settled)["changes"]

    # A region dropped from the list: its records stay unless the task purges the name.
    kept = run(ansible_playbook, zone_id, checks, "-e", same_weights, "-e", '{"r53_regions": ["eu-west-1"]}')
    assert kept.changed() == {"localhost": 0}, task(kept)["changes"]
    purged = run(
        ansible_playbook,
        zone_id,
        checks,
        "-e",
        same_weights,
        "-e",
        '{"r53_regions": ["eu-west-1"]}',
        "-e",
        "r53_purge=true",
    )
    assert [(c["action"], c["set_identifier"]) for c in task(purged)["changes"]] == [("DELETE", "eu-central-1")]
    found = records(route53, zone_id)
    assert {k for k in found if k[0] == NAME} == {(NAME, "A", "eu-west-1"), (NAME, "AAAA", "eu-west-1")}
    assert ("www.r53-test.example.com.", "A", "") in found
    assert ("_abc.api.r53-test.example.com.", "CNAME", "") in found
    assert {k for k in found if k[1] in ("NS", "SOA")} == {k for k in before if k[1] in ("NS", "SOA")}

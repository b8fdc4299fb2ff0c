"""route53_zone on the local endpoint: check mode, create, rerun and check-mode rerun unchanged, a comment change
(previewed, then made), a tag change, two public zones of one name, a zone with records refused, absent, rerun
absent unchanged.

The local endpoint answers a change INSYNC at once and lists by name only the zones of that name (AWS lists on to
the next names and pages by MaxItems): the wait, the listing's end at another name and its pages are covered by the
Stubber unit tests.
"""

from __future__ import annotations

import functools

from .conftest import playbook_runner
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/route53_zone.yml"
NAME = "rz-test.example.com."

run = playbook_runner(PLAYBOOK)
task = functools.partial(task_result, name="Hosted zone")


def public_zones(route53) -> list[dict]:
    found = route53.list_hosted_zones_by_name(DNSName=NAME)["HostedZones"]
    return [z for z in found if z["Name"] == NAME and not z["Config"]["PrivateZone"]]


def zone_tags(route53, zone_id: str) -> dict:
    tag_set = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)["ResourceTagSet"]
    return {t["Key"]: t["Value"] for t in tag_set.get("Tags", [])}


def test_a_public_hosted_zone(ansible_playbook, boto):
    route53 = boto("route53", "us-east-1")
    # A private zone of the same name and a zone of a subdomain are never taken for the zone.
    vpc_id = boto("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    route53.create_hosted_zone(
        Name=NAME,
        CallerReference="rz-private",
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "eu-west-1", "VPCId": vpc_id},
    )
    route53.create_hosted_zone(Name="api." + NAME, CallerReference="rz-sub")

    checked = run(ansible_playbook, "--check", "--diff")
    assert checked.changed() == {"localhost": 1}
    assert task(checked)["zone_id"] is None
    assert task(checked)["diff"]["before"] == {}
    assert task(checked)["diff"]["after"]["tags"] == {"Deployment": "rz-test"}
    assert public_zones(route53) == []

    created = run(ansible_playbook)
    assert created.changed() == {"localhost": 1}
    [zone] = public_zones(route53)
    zone_id = zone["Id"].split("/")[-1]
    assert task(created)["zone_id"] == zone_id
    assert task(created)["name"] == NAME
    assert task(created)["name_servers"]
    assert zone["Config"]["Comment"] == "rz-test: public zone"
    assert zone["CallerReference"].startswith("multiregion.serverless-")
    assert zone_tags(route53, zone_id) == {"Deployment": "rz-test"}

    again = run(ansible_playbook)
    assert again.changed() == {"localhost": 0}, task(again)
    assert task(again)["zone_id"] == zone_id
    assert task(again)["tags"] == {"Deployment": "rz-test"}
    assert run(ansible_playbook, "--check", "--diff").changed() == {"localhost": 0}

    comment = ("-e", '{"rz_comment": "rz-test: renamed"}')
    previewed = run(ansible_playbook, *comment, "--check", "--diff")
    assert previewed.changed() == {"localhost": 1}
    assert task(previewed)["diff"]["before"]["comment"] == "rz-test: public zone"
    assert task(previewed)["diff"]["after"]["comment"] == "rz-test: renamed"
    assert public_zones(route53)[0]["Config"]["Comment"] == "rz-test: public zone"
    assert run(ansible_playbook, *comment).changed() == {"localhost": 1}
    assert public_zones(route53)[0]["Config"]["Comment"] == "rz-test: renamed"
    assert run(ansible_playbook, *comment).changed() == {"localhost": 0}

    tags = ("-e", '{"rz_tags": {"Deployment": "rz-test", "Owner": "team"}}')
    assert run(ansible_playbook, *comment, *tags).changed() == {"localhost": 1}
    assert zone_tags(route53, zone_id) == {"Deployment": "rz-test", "Owner": "team"}
    assert run(ansible_playbook, *comment, *tags).changed() == {"localhost": 0}
    # Back to one tag: the other is purged.
    assert run(ansible_playbook, *comment).changed() == {"localhost": 1}
    assert zone_tags(route53, zone_id) == {"Deployment": "rz-test"}

    # A second public zone of the name: found by name, the task fails naming both; by id, it works.
    twin = route53.create_hosted_zone(Name=NAME, CallerReference="rz-twin")["HostedZone"]["Id"].split("/")[-1]
    ambiguous = ansible_playbook(PLAYBOOK, *comment)
    assert ambiguous.returncode != 0
    [failure] = ambiguous.failures()
    assert "2 public hosted zones are named rz-test.example.com." in failure
    assert zone_id in failure and twin in failure
    assert run(ansible_playbook, *comment, "-e", f"rz_zone_id={zone_id}").changed() == {"localhost": 0}
    absent_twin = run(ansible_playbook, "-e", "rz_state=absent", "-e", f"rz_zone_id={twin}")
    assert absent_twin.changed() == {"localhost": 1}
    assert [z["Id"].split("/")[-1] for z in public_zones(route53)] == [zone_id]

    # A zone with a record of its own is not deleted.
    record = {"Name": "www." + NAME, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]}
    )
    refused = ansible_playbook(PLAYBOOK, "-e", "rz_state=absent")
    assert refused.returncode != 0
    [failure] = refused.failures()
    assert "HostedZoneNotEmpty" in failure and zone_id in failure
    assert len(public_zones(route53)) == 1
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}
    )

    checked_absent = run(ansible_playbook, "-e", "rz_state=absent", "--check")
    assert checked_absent.changed() == {"localhost": 1}
    assert len(public_zones(route53)) == 1
    deleted = run(ansible_playbook, "-e", "rz_state=absent")
    assert deleted.changed() == {"localhost": 1}
    assert task(deleted)["zone_id"] == zone_id
    assert public_zones(route53) == []
    assert run(ansible_playbook, "-e", "rz_state=absent").changed() == {"localhost": 0}
    # The private zone and the subdomain's zone are still there.
    names = [(z["Name"], z["Config"]["PrivateZone"]) for z in route53.list_hosted_zones()["HostedZones"]]
    assert sorted(names) == [("api." + NAME, False), (NAME, True)]

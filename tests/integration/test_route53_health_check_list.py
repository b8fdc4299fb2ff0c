"""route53_health_check's health_checks option against the local endpoint, through a playbook: a list of checks
created (check mode first), rerun, changed in place, one dropped, the deployment's others purged, all removed."""

from __future__ import annotations

from .conftest import PhasedPlaybook

PLAYBOOK = "tests/integration/playbooks/route53_health_check_list.yml"
TASK = "Health checks"
WEST, CENTRAL = "hc-list-test-eu-west-1", "hc-list-test-eu-central-1"

playbook = PhasedPlaybook(PLAYBOOK, "hc_list_phase", TASK)


def named_checks(route53) -> dict[str, dict]:
    """Every health check of the account by its Name tag (None for an untagged one), with its tags."""
    found = {}
    for check in route53.list_health_checks()["HealthChecks"]:
        tag_set = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"])["ResourceTagSet"]
        tags = {t["Key"]: t["Value"] for t in tag_set.get("Tags", [])}
        found[tags.get("Name")] = {**check, "Tags": tags}
    return found


def add_check(route53, name: str, deployment: str) -> str:
    """A health check made outside the playbook, tagged with ``name`` and ``deployment``."""
    check = route53.create_health_check(
        CallerReference=f"{name}-outside",
        HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": f"{name}.example.com", "Port": 443},
    )["HealthCheck"]
    route53.change_tags_for_resource(
        ResourceType="healthcheck",
        ResourceId=check["Id"],
        AddTags=[{"Key": "Name", "Value": name}, {"Key": "Deployment", "Value": deployment}],
    )
    return check["Id"]


def test_health_check_list_lifecycle(ansible_playbook, boto):
    route53 = boto("route53")

    checked = playbook.changing(ansible_playbook, "present", "--check", "--diff")
    assert [c["id"] for c in playbook.result(checked)["health_checks"]] == [None, None]
    assert sorted(playbook.result(checked)["diff"]["after"]) == sorted([WEST, CENTRAL])
    assert named_checks(route53) == {}

    created = playbook.changing(ansible_playbook, "present")
    found = named_checks(route53)
    assert sorted(found) == sorted([WEST, CENTRAL])
    for name, region, fqdn in (
        (WEST, "eu-west-1", "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"),
        (CENTRAL, "eu-central-1", "f6g7h8i9j0.execute-api.eu-central-1.amazonaws.com"),
    ):
        config = found[name]["HealthCheckConfig"]
        assert config["Type"] == "HTTPS"
        assert config["FullyQualifiedDomainName"] == fqdn
        assert config["Port"] == 443
        assert config["ResourcePath"] == "/v1/healthcheck"
        assert config["RequestInterval"] == 10
        assert config["FailureThreshold"] == 2
        assert config["EnableSNI"] is True
        assert config["MeasureLatency"] is True
        assert sorted(config["Regions"]) == ["ap-southeast-1", "eu-west-1", "us-east-1"]
        assert found[name]["Tags"] == {"Name": name, "Deployment": "hc-list-test", "Region": region}
    result = playbook.result(created)
    assert [c["id"] for c in result["health_checks"]] == [found[WEST]["Id"], found[CENTRAL]["Id"]]
    assert result["purged"] == []

    playbook.unchanged(ansible_playbook, "present")
    playbook.unchanged(ansible_playbook, "present", "--check")

    changed = playbook.changing(ansible_playbook, "change", "--diff")
    after = named_checks(route53)
    assert {n: c["Id"] for n, c in after.items()} == {n: c["Id"] for n, c in found.items()}
    assert after[CENTRAL]["HealthCheckConfig"]["FailureThreshold"] == 3
    # The local endpoint keeps HealthCheckVersion at 1 through updates: the unit tests check the version sent.
    assert after[WEST]["Tags"]["Tier"] == "api"
    assert after[WEST]["HealthCheckConfig"] == found[WEST]["HealthCheckConfig"]
    diff = playbook.result(changed)["diff"]
    assert diff["before"][CENTRAL]["health_check_config"]["failure_threshold"] == 2
    assert diff["after"][CENTRAL]["health_check_config"]["failure_threshold"] == 3
    playbook.unchanged(ansible_playbook, "change")

    dropped = playbook.changing(ansible_playbook, "drop")
    assert sorted(named_checks(route53)) == [WEST]
    assert playbook.result(dropped)["health_checks"][1] == {}
    playbook.unchanged(ansible_playbook, "drop")

    stray = add_check(route53, "hc-list-test-eu-north-1", "hc-list-test")
    foreign = add_check(route53, "someone-else", "other")
    playbook.unchanged(ansible_playbook, "drop", "--check")
    checked_purge = playbook.changing(ansible_playbook, "purge", "--check")
    assert playbook.result(checked_purge)["purged"] == [stray]
    assert stray in {c["Id"] for c in named_checks(route53).values()}
    purged = playbook.changing(ansible_playbook, "purge")
    assert playbook.result(purged)["purged"] == [stray]
    assert sorted(named_checks(route53)) == sorted([WEST, "someone-else"])
    playbook.unchanged(ansible_playbook, "purge")

    playbook.changing(ansible_playbook, "absent")
    remaining = named_checks(route53)
    assert sorted(remaining) == ["someone-else"] and remaining["someone-else"]["Id"] == foreign
    playbook.unchanged(ansible_playbook, "absent")

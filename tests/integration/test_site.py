"""site.yml and playbooks/destroy.yml against the local endpoint, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .test_audit import check_audit_of_deployed_stack
from .test_dr_tests import check_dr_tests_of_deployed_stack

LOCAL_GROUP_VARS = ROOT / "inventories" / "local" / "group_vars"


def deployment_vpcs(boto, region: str, deployment: str = "mrdemo") -> list[dict]:
    return boto("ec2", region).describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": [deployment]}])["Vpcs"]


def inventory(tmp_path: Path, hosts: dict) -> str:
    """An inventory with the local inventory's group_vars and the given region hosts."""
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"regions": {"hosts": hosts}}))
    (tmp_path / "group_vars").symlink_to(LOCAL_GROUP_VARS)
    return str(tmp_path)


TWO_REGIONS = {"eu-west-1": {"vpc_private_cidr": "10.1.0.0/16"}, "eu-central-1": {"vpc_private_cidr": "10.5.0.0/16"}}


@pytest.mark.parametrize(
    "hosts, extra, expected",
    [
        (
            {"eu-west-1": {"vpc_private_cidr": "10.1.0.0/16"}, "eu-westish-9": {"vpc_private_cidr": "10.5.0.0/16"}},
            [],
            "hostvars['eu-westish-9'].aws_region='eu-westish-9' is not a known AWS region",
        ),
        (
            {
                "eu-west-1": {"vpc_private_cidr": "10.1.0.0/16"},
                "ireland": {"vpc_private_cidr": "10.5.0.0/16", "aws_region": "eu-west-1"},
            },
            [],
            "duplicates host",
        ),
        (
            {"eu-west-1": {"vpc_private_cidr": "10.1.0.0/33"}, "eu-central-1": {"vpc_private_cidr": "10.5.0.0/16"}},
            [],
            "hostvars['eu-west-1'].vpc_private_cidr='10.1.0.0/33' is not a valid IPv4 network",
        ),
        (
            {"eu-west-1": {"vpc_private_cidr": "8.8.0.0/16"}, "eu-central-1": {"vpc_private_cidr": "10.5.0.0/16"}},
            [],
            "is not inside a private range",
        ),
        (
            {"eu-west-1": {"vpc_private_cidr": "10.1.0.0/16"}, "eu-central-1": {"vpc_private_cidr": "10.1.128.0/17"}},
            [],
            "overlaps",
        ),
        (TWO_REGIONS, ["-e", "deployment_domain="], "deployment_domain is not set"),
        (TWO_REGIONS, ["-e", "deployment_name=Bad_Name"], "deployment_name='Bad_Name'"),
        (TWO_REGIONS, ["-e", "aws_endpoint_url=https://ec2.eu-west-1.amazonaws.com"], "is not a loopback address"),
        (
            TWO_REGIONS,
            ["-e", "deployment_region_rto_seconds=100"],
            "the worst-case DNS failover time, 162 s, exceeds the Region RTO deployment_region_rto_seconds=100",
        ),
        (
            TWO_REGIONS,
            [
                "-e",
                '{"dns_failover_health_check_failure_threshold": 10, "resilience_hub_policy": {"region": {"rto": 200}}}',  # noqa: E501
            ],
            "exceeds the Region RTO resilience_hub_policy.region.rto=200",
        ),
    ],
    ids=[
        "unknown-region",
        "duplicate-region",
        "invalid-cidr",
        "public-cidr",
        "overlap",
        "no-domain",
        "bad-name",
        "remote",
        "failover-slower-than-rto",
        "policy-rto",
    ],
)
def test_preflight_fails_early_naming_the_variable(ansible_playbook, boto, tmp_path, hosts, extra, expected):
    run = ansible_playbook("site.yml", "-i", inventory(tmp_path, hosts), *extra)
    assert run.returncode != 0
    failures = run.failures()
    preflight_tasks = ("Validate the deployment", "DNS failover can meet the Region RTO")
    assert failures and all(any(t in f for t in preflight_tasks) for f in failures), failures
    assert expected in run.stdout, run.stdout[-3000:]
    for region in ("eu-west-1", "eu-central-1"):
        managed = [{"Name": "tag:ManagedBy", "Values": ["ansible"]}]
        assert boto("ec2", region).describe_vpcs(Filters=managed)["Vpcs"] == []
        aliases = [a["AliasName"] for a in boto("kms", region).list_aliases()["Aliases"]]
        assert not [a for a in aliases if a.startswith("alias/mrdemo")], aliases


def test_site_check_deploy_rerun_and_destroy(ansible_playbook, boto, clean_endpoint, tmp_path):
    # --check on an empty endpoint reports what it would create and creates nothing.
    check = ansible_playbook("site.yml", "-i", "inventories/local", "--check")
    assert check.returncode == 0, check.failures() or check.stderr[-3000:]
    assert all(changed > 0 for changed in check.changed().values()), check.changed()
    for region in ("eu-west-1", "eu-central-1"):
        assert deployment_vpcs(boto, region) == []
    assert boto("iam").list_roles()["Roles"] == []

    first = ansible_playbook("site.yml", "-i", "inventories/local")
    assert first.returncode == 0, first.failures() or first.stderr[-3000:]
    for region, cidr in (("eu-west-1", "10.1.0.0/16"), ("eu-central-1", "10.5.0.0/16")):
        vpcs = deployment_vpcs(boto, region)
        assert [v["CidrBlock"] for v in vpcs] == [cidr]
    summary = (ansible_playbook.cwd / "reports" / "mrdemo" / "summary.json").read_text()
    assert "DNS Firewall" in summary
    # The replication-latency alarms fire at the policy's Region RPO (5 s), not at a fixed minute.
    for region in ("eu-west-1", "eu-central-1"):
        alarms = boto("cloudwatch", region).describe_alarms()["MetricAlarms"]
        latency = [a for a in alarms if a.get("MetricName") == "ReplicationLatency"]
        assert latency and {a["Threshold"] for a in latency} == {5000.0}, latency

    # The DR phase on the deployed stack (tests/integration/test_dr_tests.py): the default drills report and leave
    # the data as it was; the rerun below must still report no change.
    check_dr_tests_of_deployed_stack(ansible_playbook, boto, tmp_path / "dr-reports")

    second = ansible_playbook("site.yml", "-i", "inventories/local")
    assert second.returncode == 0, second.failures()
    assert set(second.changed().values()) == {0}, second.changed_tasks()

    # The audit of the deployed stack (tests/integration/test_audit.py): reads only, passes what the endpoint answers.
    check_audit_of_deployed_stack(ansible_playbook, clean_endpoint, tmp_path / "reports")

    check_deployed = ansible_playbook("site.yml", "-i", "inventories/local", "--check", "--diff")
    assert check_deployed.returncode == 0, check_deployed.failures()
    assert set(check_deployed.changed().values()) == {0}, check_deployed.changed_tasks()

    refused = ansible_playbook("playbooks/destroy.yml", "-i", "inventories/local")
    assert refused.returncode != 0
    assert deployment_vpcs(boto, "eu-west-1"), "an unconfirmed destroy must not remove anything"

    destroyed = ansible_playbook("playbooks/destroy.yml", "-i", "inventories/local", "-e", "destroy_confirm=mrdemo")
    assert destroyed.returncode == 0, destroyed.failures()
    for region in ("eu-west-1", "eu-central-1"):
        assert deployment_vpcs(boto, region) == []
        # Data is kept unless destroy_data=true: the flow-log group survives.
        groups = boto("logs", region).describe_log_groups(logGroupNamePrefix="/mrdemo/")["logGroups"]
        assert [g["logGroupName"] for g in groups] == ["/mrdemo/vpc-flow-logs"]

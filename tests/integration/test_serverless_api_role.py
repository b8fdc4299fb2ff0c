"""The serverless_api role against the local endpoint: what it refuses before it changes anything."""

from __future__ import annotations

from .conftest import LOCAL_REGIONS as REGIONS


def test_a_missing_zone_it_may_not_create_fails_before_any_change(ansible_playbook, boto):
    # The core phase on an empty endpoint, with the zone left to the user: vpc_private and global_table run, then
    # serverless_api finds no zone and stops before its first change.
    run = ansible_playbook(
        "playbooks/core.yml", "-i", "inventories/local", "-e", "serverless_api_create_hosted_zone=false"
    )
    assert run.returncode != 0
    failures = run.failures()
    assert len(failures) == len(REGIONS), failures
    assert all("serverless_api : Check that the network and the table" in f for f in failures), failures
    refusal = "no public hosted zone mrdemo.example.com exists, and serverless_api_create_hosted_zone is false"
    assert refusal in run.stdout
    assert "nothing was changed" in run.stdout
    # Nothing of the role was made: no zone, no function, no API, no role, no log group.
    assert boto("route53", "us-east-1").list_hosted_zones()["HostedZones"] == []
    assert not [r["RoleName"] for r in boto("iam").list_roles()["Roles"] if r["RoleName"].startswith("mrdemo-api")]
    for region in REGIONS:
        assert boto("lambda", region).list_functions()["Functions"] == []
        assert boto("apigateway", region).get_rest_apis()["items"] == []
        groups = boto("logs", region).describe_log_groups(logGroupNamePrefix="/aws/")["logGroups"]
        assert groups == [], groups
    # The layers before it were deployed: the failure is serverless_api's own.
    assert boto("dynamodb", "eu-west-1").list_tables()["TableNames"] == ["mrdemo-items"]

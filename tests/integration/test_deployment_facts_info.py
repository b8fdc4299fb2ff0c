"""deployment_facts_info against the local endpoint: its answer for two regions is what aws_caller_info,
aws_az_info (with the VPC role's filters) and ec2_prefix_list_info answer, in a run and in check mode."""

from __future__ import annotations

from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/deployment_facts_info.yml"
REGIONS = ["eu-west-1", "eu-central-1"]


def upstream_answers(run) -> dict:
    """Per region, what the lookups the module replaces answered, in the shape the module returns."""
    zones = {r["item"]: r["availability_zones"] for r in task_result(run, "Zones")["results"]}
    lists = {r["item"]: r for r in task_result(run, "Prefix lists")["results"]}
    return {
        region: {
            "availability_zones": sorted(zones[region], key=lambda z: z["zone_name"]),
            "availability_zone_names": sorted(z["zone_name"] for z in zones[region]),
            "prefix_lists": lists[region]["prefix_lists"],
            "prefix_lists_by_service": lists[region]["by_service"],
        }
        for region in REGIONS
    }


def test_facts_equal_the_lookups_they_replace(ansible_playbook):
    for args in ([], ["--check"]):
        run = succeeded(ansible_playbook(PLAYBOOK, *args))
        facts = task_result(run, "Facts of every region")
        caller = task_result(run, "Caller")
        assert facts["changed"] is False
        assert (facts["account_id"], facts["arn"], facts["user_id"]) == (
            caller["account"],
            caller["arn"],
            caller["user_id"],
        )
        assert facts["partition"] == caller["arn"].split(":")[1] == "aws"
        assert sorted(facts["regions"]) == sorted(REGIONS)
        assert facts["regions"] == upstream_answers(run)
        # What the VPC role takes from them: three zones, and a prefix list of each service in its own region.
        for region in REGIONS:
            assert facts["regions"][region]["availability_zone_names"] == [f"{region}a", f"{region}b", f"{region}c"]
            by_service = facts["regions"][region]["prefix_lists_by_service"]
            assert {s: p["prefix_list_name"] for s, p in by_service.items()} == {
                "s3": f"com.amazonaws.{region}.s3",
                "dynamodb": f"com.amazonaws.{region}.dynamodb",
            }
            assert all(p["prefix_list_id"].startswith("pl-") for p in by_service.values())

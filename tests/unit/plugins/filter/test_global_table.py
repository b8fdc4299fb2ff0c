from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multiregion.serverless.plugins.filter.global_table import backup_plan_rules
from ansible_collections.multiregion.serverless.plugins.filter.global_table import backup_vault_arns
from ansible_collections.multiregion.serverless.plugins.filter.global_table import host_regions

ARN_C = "arn:aws:backup:eu-central-1:123456789012:backup-vault:prod-items"
ARN_N = "arn:aws:backup:eu-north-1:123456789012:backup-vault:prod-items"


def test_vault_arns_per_region():
    assert backup_vault_arns(["eu-central-1", "eu-north-1"], "aws", "123456789012", "prod-items") == [ARN_C, ARN_N]
    assert backup_vault_arns([], "aws", "123456789012", "prod-items") == []


def test_rule_in_full_without_copy():
    rules = backup_plan_rules([{"name": "hourly", "schedule": "cron(0 * ? * * *)", "retention_days": 2}], "prod-items")

    assert rules == [
        {
            "rule_name": "hourly",
            "target_backup_vault_name": "prod-items",
            "schedule_expression": "cron(0 * ? * * *)",
            "schedule_expression_timezone": "Etc/UTC",
            "start_window_minutes": 60,
            "completion_window_minutes": 180,
            "lifecycle": {"delete_after_days": 2},
            "enable_continuous_backup": False,
        }
    ]


def test_copy_to_every_other_region_with_its_own_retention():
    rule = {"name": "daily", "schedule": "cron(0 3 ? * * *)", "retention_days": 35, "copy_to_other_regions": True}

    (shaped,) = backup_plan_rules([dict(rule, copy_retention_days=14)], "prod-items", [ARN_C, ARN_N], "Europe/Paris")

    assert shaped["schedule_expression_timezone"] == "Europe/Paris"
    assert shaped["copy_actions"] == [
        {"destination_backup_vault_arn": ARN_C, "lifecycle": {"delete_after_days": 14}},
        {"destination_backup_vault_arn": ARN_N, "lifecycle": {"delete_after_days": 14}},
    ]


@pytest.mark.parametrize("copy_days", [None, 0])
def test_copy_retention_defaults_to_the_rule_retention(copy_days):
    rule = {"name": "d", "schedule": "rate(1 day)", "retention_days": 35, "copy_to_other_regions": True}

    (shaped,) = backup_plan_rules([dict(rule, copy_retention_days=copy_days)], "v", [ARN_C])

    assert shaped["copy_actions"][0]["lifecycle"] == {"delete_after_days": 35}


@pytest.mark.parametrize("arns", [[], ()])
def test_no_copy_key_without_other_regions(arns):
    rule = {"name": "d", "schedule": "rate(1 day)", "retention_days": 7, "copy_to_other_regions": True}

    (shaped,) = backup_plan_rules([rule], "v", arns)

    assert "copy_actions" not in shaped


def test_windows_can_be_set():
    rule = {"name": "d", "schedule": "rate(1 day)", "retention_days": 7, "start_window_minutes": 120}

    (shaped,) = backup_plan_rules([dict(rule, completion_window_minutes=600)], "v")

    assert (shaped["start_window_minutes"], shaped["completion_window_minutes"]) == (120, 600)


@pytest.mark.parametrize(
    "rules, fragment",
    [
        ([{"name": "x", "schedule": "rate(1 day)"}], "needs name, schedule and retention_days"),
        ([{"schedule": "rate(1 day)", "retention_days": 1}], "needs name, schedule and retention_days"),
        ([{"name": "x", "schedule": "rate(1 day)", "retention_days": 0}], "at least 1"),
        ([{"name": "every hour", "schedule": "rate(1 hour)", "retention_days": 1}], "1 to 50 letters"),
        (
            [{"name": "x", "schedule": "a", "retention_days": 1}, {"name": "x", "schedule": "b", "retention_days": 1}],
            "unique",
        ),
    ],
)
def test_bad_rules_are_refused(rules, fragment):
    with pytest.raises(AnsibleFilterError, match=fragment):
        backup_plan_rules(rules, "v")


def test_no_rules():
    assert backup_plan_rules([], "v") == []
    assert backup_plan_rules(None, "v") == []


def test_host_regions_from_the_inventory():
    hostvars = {
        "west": {"aws_region": "eu-west-1"},
        "central": {"global_table_region": "eu-central-1", "aws_region": "ignored"},
        "eu-north-1": {},
        "blank": {"aws_region": ""},
    }

    assert host_regions(
        ["west", "central", "eu-north-1", "blank", "absent"], hostvars, ("global_table_region", "aws_region")
    ) == [
        "eu-west-1",
        "eu-central-1",
        "eu-north-1",
        "blank",
        "absent",
    ]
    assert host_regions([], hostvars) == []
    # By default a host's region is its aws_region, the region its module calls go to.
    assert host_regions(["central"], hostvars) == ["ignored"]

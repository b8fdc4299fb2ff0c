# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Filters of the global_table role.

- ``host_regions``: the region of each inventory host, for hosts that may not be in the play.
- ``backup_vault_arns`` and ``backup_plan_rules``: AWS Backup plan rules for amazon.aws.backup_plan from the
  role's short rule list.

amazon.aws.backup_plan compares the rules it is given with GetBackupPlan's answer as JSON, so every rule is
given in full (windows, timezone, continuous backup off) and without keys AWS would not echo back (no empty
copy action list), or the plan would be reported changed on every run.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

RULE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")

DEFAULT_START_WINDOW = 60
DEFAULT_COMPLETION_WINDOW = 180


# aws_region is what every module call of the host uses (module_defaults); no role variable overrides it.
REGION_VARIABLES = ("aws_region",)


def host_regions(hosts, hostvars, variables=REGION_VARIABLES):
    """The region of each host: the first of ``variables`` the host defines (inventory), else its name.

    Read from the inventory rather than from facts, so that a host left out of the run (--limit) still counts.
    """
    regions = []
    for host in hosts or []:
        host_vars = hostvars[host] if host in hostvars else {}
        region = next((host_vars[v] for v in variables if v in host_vars and host_vars[v]), None)
        regions.append(region or host)
    return regions


def backup_vault_arns(regions, partition, account, vault_name):
    """The ARNs of the vault named ``vault_name`` in each of ``regions`` (copy action destinations)."""
    return [f"arn:{partition}:backup:{region}:{account}:backup-vault:{vault_name}" for region in regions]


def backup_plan_rules(rules, vault_name, copy_vault_arns=(), timezone="Etc/UTC"):
    """amazon.aws.backup_plan ``rules`` for ``rules`` given as the role's ``global_table_backup_rules``.

    Each rule: ``name``, ``schedule`` (cron or rate expression), ``retention_days``, optionally
    ``copy_to_other_regions`` (copy each recovery point to every vault of ``copy_vault_arns``),
    ``copy_retention_days`` (0 or absent: ``retention_days``), ``start_window_minutes``, ``completion_window_minutes``.
    """
    shaped = []
    names = set()
    for rule in rules or []:
        try:
            name = rule["name"]
            retention = int(rule["retention_days"])
            item = {
                "rule_name": name,
                "target_backup_vault_name": vault_name,
                "schedule_expression": rule["schedule"],
                "schedule_expression_timezone": timezone,
                "start_window_minutes": int(rule.get("start_window_minutes") or DEFAULT_START_WINDOW),
                "completion_window_minutes": int(rule.get("completion_window_minutes") or DEFAULT_COMPLETION_WINDOW),
                "lifecycle": {"delete_after_days": retention},
                "enable_continuous_backup": False,
            }
        except (KeyError, TypeError, ValueError) as e:
            raise AnsibleFilterError(f"backup rule {rule!r} needs name, schedule and retention_days: {e}") from e
        if not RULE_NAME.match(str(name)):
            raise AnsibleFilterError(f"backup rule name {name!r}: 1 to 50 letters, digits, _ . or -")
        if name in names:
            raise AnsibleFilterError(f"backup rule names must be unique; {name!r} is given twice")
        names.add(name)
        if retention < 1:
            raise AnsibleFilterError(f"backup rule {name}: retention_days must be at least 1")
        if rule.get("copy_to_other_regions") and copy_vault_arns:
            copy_retention = int(rule.get("copy_retention_days") or retention)
            item["copy_actions"] = [
                {"destination_backup_vault_arn": arn, "lifecycle": {"delete_after_days": copy_retention}}
                for arn in copy_vault_arns
            ]
        shaped.append(item)
    return shaped


class FilterModule:
    def filters(self):
        return {
            "backup_plan_rules": backup_plan_rules,
            "backup_vault_arns": backup_vault_arns,
            "host_regions": host_regions,
        }

"""meta/runtime.yml's action groups: the deployment group the playbooks give their module defaults covers every AWS
module the roles and playbooks call, and the aws group still covers every AWS module of the collection.

A module the deployment group leaves out would run without the deployment's connection options (its endpoint, its
credentials, its retries), so a new upstream module in a role fails here until it is listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
GROUPS = RUNTIME["action_groups"]
UPSTREAM = re.compile(r"^(?:amazon|community)\.aws\.[a-z0-9_]+$")
OURS = re.compile(r"^multiregion\.serverless\.([a-z0-9_]+)$")
# The collection's modules that call no AWS API, and so belong to neither group.
NOT_AWS = {"lambda_package", "dr_report", "not_applied", "publish_outputs"}


def members(group: str) -> set[str]:
    return {m for m in GROUPS[group] if isinstance(m, str)}


def actions_in(node, found: set[str]) -> set[str]:
    """Every mapping key of a task file or playbook that names an action of amazon.aws, community.aws or this
    collection."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and (UPSTREAM.match(key) or OURS.match(key)):
                found.add(key)
            actions_in(value, found)
    elif isinstance(node, list):
        for item in node:
            actions_in(item, found)
    return found


def called_actions() -> set[str]:
    found: set[str] = set()
    files = [
        *ROOT.glob("roles/*/tasks/*.yml"),
        *ROOT.glob("roles/*/handlers/*.yml"),
        *ROOT.glob("playbooks/*.yml"),
        *ROOT.glob("playbooks/tasks/*.yml"),
    ]
    for path in files:
        actions_in(yaml.safe_load(path.read_text()), found)
    return found


def missing_from(group: set[str], actions: set[str]) -> list[str]:
    """The AWS actions of ``actions`` that ``group`` (short names for this collection's modules) does not list."""
    missing = []
    for action in sorted(actions):
        ours = OURS.match(action)
        if ours and ours.group(1) not in NOT_AWS and ours.group(1) not in group:
            missing.append(action)
        elif UPSTREAM.match(action) and action not in group:
            missing.append(action)
    return missing


def test_the_scan_finds_the_upstream_and_own_modules_the_roles_call():
    actions = called_actions()
    assert {"amazon.aws.aws_caller_info", "community.aws.wafv2_web_acl_info"} <= actions
    assert {"multiregion.serverless.ec2_vpc", "multiregion.serverless.deployment_facts_info"} <= actions


def test_every_aws_action_the_roles_and_playbooks_call_is_in_the_deployment_group():
    assert missing_from(members("deployment"), called_actions()) == []


@pytest.mark.parametrize(
    "group, actions, missing",
    [
        ({"ec2_vpc"}, {"amazon.aws.s3_bucket", "multiregion.serverless.ec2_vpc"}, ["amazon.aws.s3_bucket"]),
        ({"amazon.aws.s3_bucket"}, {"multiregion.serverless.kms_key"}, ["multiregion.serverless.kms_key"]),
        (set(), {"multiregion.serverless.not_applied", "ansible.builtin.debug"}, []),
    ],
)
def test_a_module_left_out_is_reported(group, actions, missing):
    assert missing_from(group, actions) == missing


def test_the_deployment_group_has_every_aws_module_of_the_collection_and_the_aws_group_too():
    modules = {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__"} - NOT_AWS
    assert modules <= members("deployment")
    assert modules <= members("aws")
    # The deployment group adds upstream modules only; the aws group takes upstream's whole groups.
    assert {m for m in members("deployment") if "." not in m} == {m for m in members("aws") if "." not in m}
    assert GROUPS["aws"][0] == {"metadata": {"extend_group": ["amazon.aws.aws", "community.aws.aws"]}}


def test_the_playbooks_give_their_module_defaults_to_the_deployment_group():
    for path in ROOT.glob("playbooks/*.yml"):
        for play in yaml.safe_load(path.read_text()) or []:
            defaults = play.get("module_defaults") or {}
            assert set(defaults) <= {"group/multiregion.serverless.deployment"}, path.name

"""multiregion.serverless.publish_outputs: a role's outputs as a fact (as set_fact sets one) and as run statistics
(as set_stats returns them), in one task."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from ansible._internal._task import PendingChanges
from ansible._internal._task import TaskContext
from ansible.errors import AnsibleActionFail
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.action import VariableLayer
from ansible.template import Templar

from ansible_collections.multiregion.serverless.plugins.action.publish_outputs import ActionModule

OUTPUTS = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}


def run(args: dict, task_vars: dict, check_mode: bool = False) -> tuple[dict, dict]:
    """The action's result, and the variables it registered for the host, by layer."""
    task = Task()
    task.args = args
    task.check_mode = check_mode
    loader = DataLoader()
    action = ActionModule(
        task=task,
        connection=MagicMock(),
        play_context=PlayContext(),
        loader=loader,
        templar=Templar(loader=loader, variables=task_vars),
        shared_loader_obj=None,
    )
    # As ansible-core's task executor runs an action: in the task's context, which collects what it registers.
    with TaskContext.create(task, dict(task_vars), "host") as context:
        context.pending_changes = changes = PendingChanges()
        result = action.run(task_vars=task_vars)
    return result, changes.register_host_variables


@pytest.mark.parametrize("check_mode", [False, True])
def test_the_outputs_are_a_fact_of_the_host_and_a_statistic_under_its_region(check_mode):
    result, registered = run({"name": "vpc_private_outputs", "value": OUTPUTS}, {"aws_region": "eu-west-1"}, check_mode)
    assert not result.get("failed") and result["changed"] is False
    # As set_fact: an ephemeral fact, and no cacheable one (nor the legacy ansible_facts path).
    assert registered == {
        VariableLayer.CACHEABLE_FACT: {},
        VariableLayer.EPHEMERAL_FACT: {"vpc_private_outputs": OUTPUTS},
    }
    assert result["ansible_facts"] == {"vpc_private_outputs": OUTPUTS}
    # As set_stats with per_host false: one run-wide statistic that every host's region is merged into.
    assert result["ansible_stats"] == {
        "data": {"vpc_private_outputs_by_region": {"eu-west-1": OUTPUTS}},
        "per_host": False,
        "aggregate": True,
    }


@pytest.mark.parametrize(
    ("args", "task_vars", "region"),
    [
        ({}, {"inventory_hostname": "eu-central-1"}, "eu-central-1"),
        ({}, {"aws_region": "eu-west-1", "inventory_hostname": "primary"}, "eu-west-1"),
        ({"region": "us-east-1"}, {"aws_region": "eu-west-1"}, "us-east-1"),
    ],
)
def test_the_region_is_the_one_given_else_aws_region_else_the_host(args, task_vars, region):
    result, _registered = run({"name": "waf_outputs", "value": {}, **args}, task_vars)
    assert result["ansible_stats"]["data"] == {"waf_outputs_by_region": {region: {}}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"value": OUTPUTS}, "missing required arguments: name"),
        ({"name": "vpc_private_outputs"}, "missing required arguments: value"),
        ({"name": "vpc_private_outputs", "value": "not a mapping"}, "'value' is of type str"),
        ({"name": "vpc_private_outputs", "value": OUTPUTS, "other": 1}, "Unsupported parameters .*: other"),
    ],
)
def test_missing_or_wrong_arguments_fail_naming_the_argument(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run(args, {"aws_region": "eu-west-1"})


def test_a_name_that_cannot_be_a_variable_fails():
    with pytest.raises(AnsibleError, match="Invalid variable name 'not-a-name'"):
        run({"name": "not-a-name", "value": OUTPUTS}, {"aws_region": "eu-west-1"})


GAPS = {
    "backup_selection": "the local endpoint has no CreateBackupSelection",
    "dynamodb_replicas": "the local endpoint does not replicate tables",
}
HERE = {"aws_region": "eu-west-1", "deployment_endpoint_gaps": GAPS}


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_gap_of_this_endpoint_is_said_and_added_to_the_outputs_not_applied(check_mode):
    args = {
        "name": "global_table_outputs",
        "value": {"table_name": "items", "not_applied": {"earlier": "a reason of the role"}},
        "not_applied": [
            {"gap": "backup_selection", "what": "AWS Backup selection"},
            {"gap": "dynamodb_replicas", "what": "DynamoDB replica", "detail": "Its settings wait for it."},
        ],
    }
    result, registered = run(args, HERE, check_mode)
    expected = {
        "table_name": "items",
        "not_applied": {
            "earlier": "a reason of the role",
            "AWS Backup selection": GAPS["backup_selection"],
            "DynamoDB replica": GAPS["dynamodb_replicas"],
        },
    }
    assert registered[VariableLayer.EPHEMERAL_FACT] == {"global_table_outputs": expected}
    assert result["ansible_stats"]["data"] == {"global_table_outputs_by_region": {"eu-west-1": expected}}
    # In multiregion.serverless.not_applied's words, in the order given, whatever the verbosity.
    assert result["msg"] == [
        "AWS Backup selection NOT applied in eu-west-1: the local endpoint has no CreateBackupSelection."
        " Against AWS these tasks run.",
        "DynamoDB replica NOT applied in eu-west-1: the local endpoint does not replicate tables."
        " Its settings wait for it. Against AWS these tasks run.",
    ]
    assert result["_ansible_verbose_always"] is True
    assert result["changed"] is False


@pytest.mark.parametrize(
    ("entry", "task_vars"),
    [
        # Against AWS there is no gap.
        ({"gap": "backup_selection", "what": "AWS Backup selection"}, {"aws_region": "eu-west-1"}),
        # A gap of this endpoint, not of this step.
        ({"gap": "dns_firewall", "what": "DNS Firewall"}, HERE),
        # A step that is not part of this run on this host.
        ({"gap": "dynamodb_replicas", "what": "DynamoDB replicas", "report": False}, HERE),
    ],
)
def test_an_entry_without_a_gap_here_says_and_adds_nothing(entry, task_vars):
    args = {"name": "global_table_outputs", "value": {"table_name": "items"}, "not_applied": [entry]}
    result, registered = run(args, task_vars)
    # The mapping is there, empty, as a role's outputs always have it.
    assert registered[VariableLayer.EPHEMERAL_FACT] == {
        "global_table_outputs": {"table_name": "items", "not_applied": {}}
    }
    assert "msg" not in result and "_ansible_verbose_always" not in result


def test_an_entry_not_listed_is_said_and_left_out_of_the_outputs():
    args = {
        "name": "global_table_outputs",
        "value": {"table_name": "items"},
        "not_applied": [{"gap": "dynamodb_replicas", "what": "DynamoDB replicas in eu-central-1", "listed": False}],
    }
    result, registered = run(args, HERE)
    assert registered[VariableLayer.EPHEMERAL_FACT] == {
        "global_table_outputs": {"table_name": "items", "not_applied": {}}
    }
    assert result["msg"] == [
        "DynamoDB replicas in eu-central-1 NOT applied in eu-west-1: the local endpoint does not replicate tables."
        " Against AWS these tasks run."
    ]


def test_without_the_option_the_value_is_published_as_given():
    result, registered = run({"name": "waf_outputs", "value": {"name": "acl"}}, HERE)
    assert registered[VariableLayer.EPHEMERAL_FACT] == {"waf_outputs": {"name": "acl"}}
    assert "msg" not in result


def test_notes_are_said_after_the_gaps_and_empty_ones_left_out():
    args = {
        "name": "vpc_private_outputs",
        "value": {},
        "not_applied": [{"gap": "backup_selection", "what": "AWS Backup selection"}],
        "notes": ["", "  ", "DNS Firewall NOT applied in eu-west-1: disabled by vpc_private_dns_firewall_enabled.  "],
    }
    result, _registered = run(args, HERE)
    assert result["msg"][1:] == ["DNS Firewall NOT applied in eu-west-1: disabled by vpc_private_dns_firewall_enabled."]
    assert result["msg"][0].startswith("AWS Backup selection NOT applied in eu-west-1")


def test_only_empty_notes_say_nothing():
    result, _registered = run({"name": "waf_outputs", "value": {}, "notes": ["", " "]}, HERE)
    assert "msg" not in result and "_ansible_verbose_always" not in result


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"not_applied": [{"what": "AWS Backup selection"}]}, "missing required arguments: gap"),
        ({"not_applied": [{"gap": "backup_selection"}]}, "missing required arguments: what"),
        ({"not_applied": [{"gap": "backup_selection", "what": "x", "when": True}]}, "Unsupported parameters"),
        (
            {"value": {"not_applied": ["a list"]}, "not_applied": []},
            "value.not_applied must be a mapping of what to why, not list",
        ),
    ],
)
def test_wrong_entries_fail_naming_the_argument(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run({"name": "global_table_outputs", "value": {}, **args}, HERE)

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

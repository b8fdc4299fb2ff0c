"""multiregion.serverless.not_applied: says and returns a gap of this endpoint, and is skipped for any other step."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.template import Templar

from ansible_collections.multiregion.serverless.plugins.action.not_applied import ActionModule
from ansible_collections.multiregion.serverless.plugins.action.not_applied import not_applied_message

GAPS = {"backup_selection": "the local endpoint has no CreateBackupSelection"}


def run(args: dict, task_vars: dict, check_mode: bool = False) -> dict:
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
    return action.run(task_vars=task_vars)


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_gap_of_this_endpoint_is_said_and_returned(check_mode):
    result = run(
        {"gap": "backup_selection", "what": "AWS Backup selection"},
        {"deployment_endpoint_gaps": GAPS, "aws_region": "eu-west-1", "inventory_hostname": "host"},
        check_mode,
    )
    assert not result.get("skipped") and not result.get("failed") and result["changed"] is False
    assert result["not_applied"] == {"AWS Backup selection": GAPS["backup_selection"]}
    assert result["msg"] == (
        "AWS Backup selection NOT applied in eu-west-1: the local endpoint has no CreateBackupSelection."
        " Against AWS these tasks run."
    )
    assert result["_ansible_verbose_always"] is True


@pytest.mark.parametrize("task_vars", [{}, {"deployment_endpoint_gaps": {}}, {"deployment_endpoint_gaps": GAPS}])
def test_any_other_step_is_skipped_with_nothing_to_report(task_vars):
    result = run({"gap": "dns_firewall", "what": "DNS Firewall"}, task_vars)
    assert result["skipped"] is True
    assert result["not_applied"] == {}
    assert "msg" not in result


def test_the_region_and_detail_given_win():
    result = run(
        {"gap": "backup_selection", "what": "Selection", "region": "us-east-1", "detail": "Nothing was selected."},
        {"deployment_endpoint_gaps": GAPS, "aws_region": "eu-west-1"},
    )
    assert result["msg"].startswith("Selection NOT applied in us-east-1: ")
    assert "CreateBackupSelection. Nothing was selected. Against AWS" in result["msg"]


def test_without_a_region_the_host_is_named():
    assert run(
        {"gap": "backup_selection", "what": "X"}, {"deployment_endpoint_gaps": GAPS, "inventory_hostname": "h1"}
    )["msg"].startswith("X NOT applied in h1: ")


def test_missing_arguments_fail():
    with pytest.raises(AnsibleActionFail, match="what"):
        run({"gap": "backup_selection"}, {"deployment_endpoint_gaps": GAPS})


def test_message_without_detail_has_no_double_space():
    assert not_applied_message("A", "r", "why") == "A NOT applied in r: why. Against AWS these tasks run."

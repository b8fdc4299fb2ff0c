"""The benchmark counts a module call per task and per item of a looped task, and the processes among them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_under_test", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_task_is_one_module_call(bench):
    assert bench.module_calls({"action": "amazon.aws.ec2_vpc_net", "changed": False}) == 1


def test_a_loop_is_one_module_call_per_item_that_ran(bench):
    result = {"action": "amazon.aws.ec2_vpc_subnet", "results": [{"changed": False}, {"skipped": True}, {}]}
    assert bench.module_calls(result) == 2


def test_the_not_applied_report_starts_no_process(bench):
    assert "not_applied" in bench.CONTROLLER_ONLY
    assert not (Path(ROOT) / "plugins" / "action" / "not_applied.py").read_text().count("_execute_module")


def test_this_collections_modules_are_calls_without_a_process(bench):
    executed = [
        ("eu-west-1", {"action": "multiregion.serverless.ec2_vpc", "changed": False}),
        ("eu-west-1", {"action": "multiregion.serverless.iam_roles", "results": [{}, {"skipped": True}, {}]}),
        ("eu-west-1", {"action": "community.aws.wafv2_web_acl", "changed": False}),
        ("eu-west-1", {"action": "ansible.builtin.set_fact"}),
        ("eu-central-1", {"action": "multiregion.serverless.not_applied"}),
        ("eu-central-1", {"action": "amazon.aws.ec2_vpc_net"}),
    ]
    modules, processes, controller = bench.count_tasks(executed)
    assert modules == {"eu-west-1": 4, "eu-central-1": 1}
    assert processes == {"eu-west-1": 1, "eu-central-1": 1}
    assert controller == {"eu-west-1": 1, "eu-central-1": 1}


def test_the_modelled_time_prices_processes_and_in_process_calls_apart(bench):
    run = {
        "module_calls_per_region": {"a": 10, "b": 4},
        "module_processes_per_region": {"a": 2, "b": 0},
        "controller_tasks_per_region": {"a": 5},
    }
    costs = {
        "start_seconds": 1.0,
        "module_task_seconds": 0.5,
        "in_process_task_seconds": 0.1,
        "controller_task_seconds": 0.02,
    }
    assert bench.modelled_seconds(run, costs) == pytest.approx(1.0 + 2 * 0.5 + 8 * 0.1 + 5 * 0.02)

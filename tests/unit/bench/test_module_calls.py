"""The benchmark counts a module call per task and per item of a looped task, and the processes among them; a row
is the median of its runs and of its replays."""

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


def test_the_no_op_row_is_the_median_of_its_runs_and_keeps_each(bench):
    runs = [
        {"seconds": 14.0, "changed": 0, "tasks_executed": 204},
        {"seconds": 12.0, "changed": 0, "api_calls": 135, "tasks_executed": 204},
        {"seconds": 19.0, "changed": 1, "api_calls": 136, "tasks_executed": 204},
    ]
    row = bench.repeated(runs, 135)
    assert row["seconds"] == 14.0 and row["seconds_each"] == [14.0, 12.0, 19.0]
    # A run that changed something is not hidden by the others.
    assert row["changed"] == 1 and row["changed_each"] == [0, 0, 1]
    assert row["api_calls_each"] == [135, 135, 136]


def test_the_bound_is_the_median_of_its_replays_and_counts_the_worst_ones_failures(bench):
    entries = [{"headers": {"Authorization": "AWS4 Credential=K/20261207/eu-west-1/ec2/aws4_request"}}] * 4
    replays = [(0.9, []), (0.7, ["POST / DescribeVpcs: 400, recorded 200"]), (1.2, [])]
    found = bench.bound(entries, replays, wall=8.0)
    assert found["bound_seconds"] == 0.9 and found["bound_seconds_each"] == [0.9, 0.7, 1.2]
    assert found["ratio"] == 8.0 / 0.9
    assert found["bound_failed_replays"] == 1
    assert found["bound_failed_examples"] == ["POST / DescribeVpcs: 400, recorded 200"]
    assert found["api_calls"] == 4 and found["api_calls_by_service"] == {"ec2": 4}

"""The benchmark counts a module process per task, and one per item of a looped task."""

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


def test_a_task_is_one_process(bench):
    assert bench.module_processes({"action": "amazon.aws.ec2_vpc_net", "changed": False}) == 1


def test_a_loop_is_one_process_per_item_that_ran(bench):
    result = {"action": "amazon.aws.ec2_vpc_subnet", "results": [{"changed": False}, {"skipped": True}, {}]}
    assert bench.module_processes(result) == 2


def test_the_not_applied_report_starts_no_process(bench):
    assert "not_applied" in bench.CONTROLLER_ONLY
    assert not (Path(ROOT) / "plugins" / "action" / "not_applied.py").read_text().count("_execute_module")

"""A module of the collection in the task's worker process and as a process of its own: the same results.

On the controller with its own Python (every playbook here) the collection's modules run in the worker process
(plugins/plugin_utils/in_process.py); ``multiregion_serverless_in_process=false`` runs them as processes. Which one
ran is read from the run's log at -vvv: the action's "Running ... in the task's worker process", or the AnsiballZ
file of a module process.
"""

from __future__ import annotations

from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/kms_key.yml"
IN_PROCESS = "Running ansible_collections.multiregion.serverless.plugins.modules.kms_key in the task's worker process"
PROCESS = "AnsiballZ_kms_key.py"
OFF = ("-e", "multiregion_serverless_in_process=false")


def run(ansible_playbook, tmp_path, name: str, *args: str):
    """The run, and its log at -vvv."""
    log = tmp_path / f"{name}.log"
    result = succeeded(ansible_playbook(PLAYBOOK, "-vvv", *args, extra_env={"ANSIBLE_LOG_PATH": str(log)}))
    return result, log.read_text()


def test_in_process_and_as_a_process_a_module_creates_keeps_and_checks_alike(ansible_playbook, boto, tmp_path):
    kms = boto("kms", "eu-west-1")

    created, log = run(ansible_playbook, tmp_path, "created")
    assert IN_PROCESS in log and PROCESS not in log
    assert created.changed() == {"localhost": 1}
    key = task_result(created, "Key")["key"]
    assert kms.describe_key(KeyId=key["key_id"])["KeyMetadata"]["Description"] == "kms-test logs"

    # The module process finds the state the in-process run made, and the in-process run the process's.
    kept, log = run(ansible_playbook, tmp_path, "kept-as-a-process", *OFF)
    assert PROCESS in log and IN_PROCESS not in log
    assert kept.changed() == {"localhost": 0}
    assert task_result(kept, "Key")["key"] == key
    kept_here = run(ansible_playbook, tmp_path, "kept-in-process")[0]
    assert kept_here.changed() == {"localhost": 0}

    # Check mode and diff of a change: the same result both ways, and nothing changed.
    change = ("--check", "--diff", "-e", '{"kms_description": "kms-test renamed"}')
    checked_here, log = run(ansible_playbook, tmp_path, "checked-in-process", *change)
    assert IN_PROCESS in log
    checked, log = run(ansible_playbook, tmp_path, "checked-as-a-process", *change, *OFF)
    assert PROCESS in log and IN_PROCESS not in log
    assert checked_here.changed() == checked.changed() == {"localhost": 1}
    assert task_result(checked_here, "Key") == task_result(checked, "Key")
    assert task_result(checked, "Key")["diff"]["after"]["description"] == "kms-test renamed"
    assert kms.describe_key(KeyId=key["key_id"])["KeyMetadata"]["Description"] == "kms-test logs"


def test_a_failure_reads_the_same_both_ways(ansible_playbook, tmp_path):
    # A parameter the module refuses before any AWS call.
    bad = ("-e", "kms_pending_window=soon")
    failed_here = ansible_playbook(PLAYBOOK, *bad)
    failed = ansible_playbook(PLAYBOOK, *bad, *OFF)
    assert failed_here.returncode == failed.returncode == 2
    assert failed_here.failures() == failed.failures() != []

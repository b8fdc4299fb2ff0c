"""lambda_function on the local endpoint, with its alias: created on version 1, left alone on a rerun, moved to the
version a change publishes, previewed in check mode, its routing weights removed, and deleted with the function."""

from __future__ import annotations

import zipfile

import pytest

from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/lambda_function.yml"
NAME = "lambda-function-test"
ALIAS_ARN = f"arn:aws:lambda:eu-west-1:123456789012:function:{NAME}:live"


def package(path, body: str) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("handler.py", f"def handler(event, context):\n    return {body!r}\n")
    return str(path)


@pytest.fixture
def zips(tmp_path) -> dict:
    return {"first": package(tmp_path / "first.zip", "one"), "second": package(tmp_path / "second.zip", "two")}


def run(ansible_playbook, zip_path: str, *args: str):
    return succeeded(ansible_playbook(PLAYBOOK, "-e", f"lf_zip={zip_path}", *args))


def function_of(run_result) -> dict:
    return task_result(run_result, "Function")


def test_the_alias_follows_the_version_the_function_publishes(ansible_playbook, boto, zips):
    lam = boto("lambda")

    preview = run(ansible_playbook, zips["first"], "--check", "--diff")
    planned = function_of(preview)
    assert planned["changed"] is True
    assert planned["alias"]["name"] == "live"
    assert planned["alias"]["function_version"] is None
    assert lam.list_functions()["Functions"] == []

    created = function_of(run(ansible_playbook, zips["first"]))
    assert created["changed"] is True and created["version"] == "1"
    alias = lam.get_alias(FunctionName=NAME, Name="live")
    assert (alias["FunctionVersion"], alias["Description"]) == ("1", "The version the API invokes")
    assert created["alias"] == {
        "name": "live",
        "arn": ALIAS_ARN,
        "function_version": "1",
        "description": "The version the API invokes",
        "revision_id": alias["RevisionId"],
    }

    again = run(ansible_playbook, zips["first"])
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    assert function_of(again)["alias"] == created["alias"]
    assert run(ansible_playbook, zips["first"], "--check").changed() == {"localhost": 0}

    # A change in check mode: a version would be published, so the alias would move to a version without a number.
    checked = function_of(run(ansible_playbook, zips["second"], "--check", "--diff"))
    assert checked["changed"] is True and checked["published"] is True
    assert checked["alias"]["function_version"] is None
    assert checked["diff"]["before"]["alias"]["function_version"] == "1"
    assert lam.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "1"

    moved = function_of(run(ansible_playbook, zips["second"]))
    assert moved["changed"] is True and moved["version"] == "2"
    assert moved["alias"]["function_version"] == "2"
    assert lam.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "2"
    # A configuration change publishes too, and the alias follows.
    resized = function_of(run(ansible_playbook, zips["second"], "-e", "lf_memory=256"))
    assert resized["version"] == "3" and resized["alias"]["function_version"] == "3"
    assert lam.get_function(FunctionName=f"{NAME}:live")["Configuration"]["MemorySize"] == 256

    # Only the alias's description differs: no version, one alias update.
    described = function_of(
        run(ansible_playbook, zips["second"], "-e", "lf_memory=256", "-e", "lf_alias_description=x")
    )
    assert described["changed"] is True and described["published"] is False
    assert lam.get_alias(FunctionName=NAME, Name="live")["Description"] == "x"


def test_routing_weights_left_on_the_alias_are_removed(ansible_playbook, boto, zips):
    lam = boto("lambda")
    run(ansible_playbook, zips["first"])
    run(ansible_playbook, zips["second"])
    # A canary left half-way: version 2 with 10 % of the requests on version 1.
    lam.update_alias(FunctionName=NAME, Name="live", RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}})

    checked = function_of(run(ansible_playbook, zips["second"], "--check", "--diff"))
    assert checked["changed"] is True
    assert checked["diff"]["before"]["alias"]["additional_version_weights"] == {"1": 0.1}
    assert checked["diff"]["after"]["alias"]["additional_version_weights"] == {}

    cleared = run(ansible_playbook, zips["second"])
    assert cleared.changed_tasks() == ["localhost: Function"]
    alias = lam.get_alias(FunctionName=NAME, Name="live")
    assert alias["FunctionVersion"] == "2"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert run(ansible_playbook, zips["second"]).changed() == {"localhost": 0}


def test_deleting_the_function_removes_its_alias(ansible_playbook, boto, zips):
    lam = boto("lambda")
    run(ansible_playbook, zips["first"])
    deleted = run(ansible_playbook, zips["first"], "-e", "lf_state=absent")
    assert function_of(deleted)["changed"] is True
    assert lam.list_functions()["Functions"] == []
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_alias(FunctionName=NAME, Name="live")
    assert run(ansible_playbook, zips["first"], "-e", "lf_state=absent").changed() == {"localhost": 0}

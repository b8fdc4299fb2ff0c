"""plugin_utils/in_process.py: when a module runs in the worker process, and that it then gives what a process gives."""

from __future__ import annotations

import collections
import functools
import gc
import json
import os
import re
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import MagicMock

import boto3
import botocore.loaders
import botocore.session
import botocore.stub
import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.plugins.loader import connection_loader
from ansible.template import Templar
from ansible.template import trust_as_template

from ansible_collections.multiregion.serverless.plugins.plugin_utils import in_process

FIXTURE_MODULE = "in_process_fixture_module"

# A module as every module here ends: exit_json or fail_json; plus the ways a module can end badly.
FIXTURE_SOURCE = textwrap.dedent(
    """
    import os

    from ansible.module_utils.basic import AnsibleModule


    def main():
        module = AnsibleModule(
            argument_spec=dict(
                name=dict(type="str", required=True),
                end=dict(type="str", default="exit", choices=["exit", "fail", "raise", "return"]),
                secret=dict(type="str", no_log=True),
            ),
            supports_check_mode=True,
        )
        end = module.params["end"]
        if end == "fail":
            module.fail_json(msg="asked to fail", name=module.params["name"])
        if end == "raise":
            raise RuntimeError("broken module")
        if end == "return":
            return
        module.warn("a warning of this run")
        module.exit_json(
            changed=not module.check_mode,
            name=module.params["name"],
            pid=os.getpid(),
            environment=os.environ.get("IN_PROCESS_TEST"),
            tmpdir_exists=os.path.isdir(module.tmpdir),
        )


    if __name__ == "__main__":
        main()
    """
)


@pytest.fixture
def fixture_module(tmp_path, monkeypatch):
    (tmp_path / f"{FIXTURE_MODULE}.py").write_text(FIXTURE_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return FIXTURE_MODULE


def printed(result: dict) -> dict:
    return json.loads(result["stdout"].strip().splitlines()[-1])


# run_module


def test_a_module_runs_here_on_its_parameters_and_its_result_is_what_it_printed(fixture_module):
    result = in_process.run_module(
        fixture_module, {"name": "one", "_ansible_check_mode": False, "_ansible_inject_invocation": True}
    )
    assert result["rc"] == 0
    out = printed(result)
    assert (out["changed"], out["name"], out["pid"]) == (True, "one", os.getpid())
    assert [w["event"]["msg"] for w in out["warnings"]] == ["a warning of this run"]
    assert out["invocation"]["module_args"]["name"] == "one"


def test_check_mode_and_no_log_reach_the_module(fixture_module):
    out = printed(
        in_process.run_module(
            fixture_module,
            {"name": "x", "secret": "s3cr3t", "_ansible_check_mode": True, "_ansible_inject_invocation": True},
        )
    )
    assert out["changed"] is False
    assert out["invocation"]["module_args"]["secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "s3cr3t" not in json.dumps(out)


def test_warnings_left_by_earlier_code_in_the_process_are_not_the_modules(fixture_module):
    with in_process.module_side():
        module_warnings.warn("left by earlier code")
    out = printed(in_process.run_module(fixture_module, {"name": "x"}))
    assert [w["event"]["msg"] for w in out["warnings"]] == ["a warning of this run"]


def test_the_parameters_given_to_the_module_are_not_left_behind(fixture_module):
    before = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE
    in_process.run_module(fixture_module, {"name": "x"})
    assert (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE) == before


def test_fail_json_is_a_failed_result_with_exit_status_one(fixture_module):
    result = in_process.run_module(fixture_module, {"name": "x", "end": "fail"})
    assert result["rc"] == 1
    assert printed(result)["failed"] is True and printed(result)["msg"] == "asked to fail"


def test_bad_parameters_fail_as_in_a_module_process(fixture_module):
    result = in_process.run_module(fixture_module, {"end": "exit"})
    assert result["rc"] == 1
    assert "missing required arguments: name" in printed(result)["msg"]


def test_an_exception_that_escapes_the_module_is_a_failed_result_with_its_traceback(fixture_module):
    result = in_process.run_module(fixture_module, {"name": "x", "end": "raise"})
    assert result["rc"] == 1
    out = printed(result)
    assert out["failed"] is True and out["msg"] == "RuntimeError: broken module"
    assert "Traceback" in out["exception"]


def test_a_module_that_ends_without_exit_json_is_a_failure(fixture_module):
    result = in_process.run_module(fixture_module, {"name": "x", "end": "return"})
    assert result["rc"] == 1
    assert printed(result)["msg"] == f"{fixture_module} ended without exit_json or fail_json"


def test_nothing_the_module_prints_reaches_this_process_output(fixture_module, capsys):
    in_process.run_module(fixture_module, {"name": "x"})
    assert capsys.readouterr() == ("", "")


# what decides


def test_the_controllers_interpreter_is_the_same_by_its_path_or_its_name(monkeypatch):
    assert in_process.same_interpreter(sys.executable)
    assert in_process.same_interpreter(f" {sys.executable} ")
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    assert in_process.same_interpreter(os.path.basename(sys.executable))


def test_the_same_binary_from_another_folder_is_another_environment(tmp_path):
    link = tmp_path / "python"
    link.symlink_to(sys.executable)
    assert not in_process.same_interpreter(str(link))


@pytest.mark.parametrize("interpreter", [None, "", "  ", "/usr/bin/false", "no-such-python", 3])
def test_any_other_or_no_interpreter_is_not_the_same(interpreter):
    assert not in_process.same_interpreter(interpreter)


@pytest.mark.parametrize(
    "version, recent", [("2.19.14", False), ("2.20.9", False), ("2.21.5", True), ("2.22.0.dev0", True)]
)
def test_only_an_ansible_core_with_the_interface_used_runs_modules_here(version, recent):
    assert in_process.recent_enough(version) is recent


def test_the_python_name_of_a_collection_module():
    assert (
        in_process.module_fqn("multiregion.serverless.kms_key")
        == "ansible_collections.multiregion.serverless.plugins.modules.kms_key"
    )


def test_the_task_environment_is_set_for_the_module_and_taken_back(monkeypatch):
    monkeypatch.setenv("IN_PROCESS_KEPT", "before")
    monkeypatch.delenv("IN_PROCESS_TEST", raising=False)
    with in_process.task_environment({"IN_PROCESS_TEST": 1, "IN_PROCESS_KEPT": "during"}):
        assert (os.environ["IN_PROCESS_TEST"], os.environ["IN_PROCESS_KEPT"]) == ("1", "during")
    assert "IN_PROCESS_TEST" not in os.environ and os.environ["IN_PROCESS_KEPT"] == "before"


def test_sessions_made_in_the_block_share_the_warm_loader_and_others_do_not():
    data_path, loader = warm = in_process.warm_data_loader(services=("sts",))
    assert isinstance(loader, botocore.loaders.Loader)
    with in_process.shared_data_loader(warm):
        shared = boto3.session.Session(region_name="eu-west-1")
        assert shared._loader is loader
        assert shared.client("sts").meta.service_model.service_name == "sts"
    assert boto3.session.Session()._loader is not loader
    with in_process.shared_data_loader((f"{data_path}-other", loader)):
        assert boto3.session.Session()._loader is not loader
    with in_process.shared_data_loader(None):
        assert boto3.session.Session()._loader is not loader


def test_the_warm_loader_has_parsed_the_paginators_and_waiters_too(monkeypatch):
    _data_path, loader = warm = in_process.warm_data_loader(services=("dynamodb",))
    with in_process.shared_data_loader(warm):
        client = boto3.session.Session(region_name="eu-west-1").client("dynamodb")
    assert client.meta.service_model.service_name == "dynamodb"
    # What the loader has parsed it answers without reading a model or listing a folder again (it still looks for
    # the SDK's extras of each model, which no cache keeps).
    files, read = loader.file_loader, []
    monkeypatch.setattr(
        loader, "file_loader", SimpleNamespace(exists=files.exists, load_file=lambda *a: read.append(a))
    )
    monkeypatch.setattr(botocore.loaders.os, "listdir", lambda *_a: pytest.fail("listed a folder again"))
    assert client.can_paginate("list_tables") and client.get_waiter("table_exists").name == "TableExists"
    assert [args[0] for args in read if not args[0].endswith(".sdk-extras")] == []
    assert "ListTables" in loader.load_service_model("dynamodb", "paginators-1")["pagination"]


def ordered(value):
    """A model as nested lists of (key, value) pairs: equal only with the same keys in the same order."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return value


@pytest.mark.parametrize("service", ["ec2", "iam", "dynamodb"])
def test_the_warm_loader_reads_the_same_models_as_botocore_as_plain_dictionaries(service):
    _data_path, loader = in_process.warm_data_loader(services=(service,))
    own = botocore.session.get_session().get_component("data_loader")
    for type_name in in_process.MODEL_TYPES:
        warm, theirs = loader.load_service_model(service, type_name), own.load_service_model(service, type_name)
        # Every key in the same order, every value the same: only the mapping's class differs.
        assert ordered(warm) == ordered(theirs), type_name
        assert isinstance(warm, dict) and not isinstance(warm, collections.OrderedDict)
        assert isinstance(theirs, collections.OrderedDict)
    endpoints = loader.load_data("endpoints")
    assert isinstance(endpoints, dict) and not isinstance(endpoints, collections.OrderedDict)


def test_a_client_on_plain_models_builds_the_same_request():
    params = {"VpcIds": ["vpc-1"], "Filters": [{"Name": "tag:Deployment", "Values": ["a", "b"]}], "MaxResults": 5}
    bodies, kinds = [], []
    for warm in (in_process.warm_data_loader(services=("ec2",)), None):
        with in_process.shared_data_loader(warm):
            client = boto3.session.Session(
                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1"
            ).client("ec2")
        operation = client.meta.service_model.operation_model("DescribeVpcs")
        bodies.append(client._serializer.serialize_to_request(params, operation)["body"])
        kinds.append(isinstance(client.meta.service_model._service_description, collections.OrderedDict))
    # The warm loader's plain dictionaries, and botocore's own OrderedDict.
    assert kinds == [False, True]
    assert bodies[0] == bodies[1]
    assert bodies[0]["Action"] == "DescribeVpcs" and bodies[0]["Filter.1.Value.2"] == "b"


def test_what_the_main_process_loaded_before_the_forks_is_left_out_of_later_collections(monkeypatch):
    frozen = []
    monkeypatch.setattr(in_process.gc, "freeze", lambda: frozen.append(True))
    in_process.freeze_heap()
    assert frozen == [True]
    # Importing the action's module, as the strategy does in the main process, has frozen what it loaded.
    assert gc.get_freeze_count() > 0


def handler_key(handler):
    """What identifies a handler across sessions: boto3 registers partials and bound methods made for its session."""
    if isinstance(handler, functools.partial):
        return ("partial", handler_key(handler.func), handler.args, tuple(sorted(handler.keywords.items())))
    if hasattr(handler, "__func__"):
        return ("method", handler.__func__.__qualname__, type(handler.__self__).__name__)
    return getattr(handler, "__qualname__", None) or type(handler).__qualname__


def handler_tree(session_or_emitter) -> dict:
    """Each event prefix of the emitter's tree with its handlers, first, middle and last, in order."""
    emitter = getattr(session_or_emitter, "_original_handler", session_or_emitter)
    found = {}

    def walk(node, path):
        if node.get("values") is not None:
            found[path] = tuple(tuple(handler_key(h) for h in part) for part in node["values"])
        for chunk, child in node.get("children", {}).items():
            walk(child, f"{path}.{chunk}" if path else chunk)

    walk(emitter._handlers._root, "")
    return found


def test_sessions_made_in_the_block_start_from_a_copy_of_the_builtin_handlers():
    emitter = in_process.warm_event_hooks()
    fresh = botocore.session.Session()
    assert handler_tree(fresh) == handler_tree(emitter) and len(handler_tree(fresh)) > 50
    with in_process.warm_sessions(emitter):
        first = boto3.session.Session(region_name="eu-west-1")._session
        second = botocore.session.get_session()
    # The same handlers as a session that registered its own (boto3's own added to a boto3 session's), none twice.
    assert handler_tree(second) == handler_tree(fresh)
    assert handler_tree(first) == handler_tree(boto3.session.Session(region_name="eu-west-1")._session)
    assert handler_tree(first) != handler_tree(fresh)
    # Each a copy: what one session registers later reaches neither the other nor the next.
    assert first._original_handler is not emitter and first._original_handler is not second._original_handler

    def extra(**kwargs):
        return None

    first.register("before-call.sts.GetCallerIdentity", extra)
    assert handler_tree(first) != handler_tree(second)
    assert handler_tree(second) == handler_tree(emitter) == handler_tree(fresh)
    # Outside the block, sessions register their own again.
    assert botocore.session.get_session()._original_handler is not emitter


def test_a_client_of_a_warm_session_sends_and_parses_as_any_other():
    with in_process.warm_sessions(in_process.warm_event_hooks()):
        client = boto3.session.Session(
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1"
        ).client("sts")
    with botocore.stub.Stubber(client) as stub:
        stub.add_response(
            "get_caller_identity",
            {"UserId": "u", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/u"},
            {},
        )
        assert client.get_caller_identity()["Account"] == "123456789012"


def test_without_warm_handlers_sessions_are_left_alone():
    original = botocore.session.get_session
    with in_process.warm_sessions(None):
        assert botocore.session.get_session is original


# the action


def action_for(task_vars: dict, *, transport="local", become=False, async_val=0, resolved="multiregion.serverless.x"):
    task = Task()
    task.action = "multiregion.serverless.x"
    task.args = {"name": "from the task"}
    task.async_val = async_val
    play_context = PlayContext()
    play_context.become = become
    connection = connection_loader.get("local", play_context, None)
    if transport != "local":
        connection = MagicMock(transport=transport)
    module_loader = MagicMock()
    module_loader.find_plugin_with_context.return_value = SimpleNamespace(
        resolved=resolved is not None, resolved_fqcn=resolved
    )
    loader = DataLoader()
    action = in_process.ActionModule(
        task=task,
        connection=connection,
        play_context=play_context,
        loader=loader,
        templar=Templar(loader=loader, variables=task_vars),
        shared_loader_obj=None,
    )
    action._shared_loader_obj = SimpleNamespace(module_loader=module_loader)
    return action


# As an inventory gives it: a template.
CONTROLLER_PYTHON = {
    "ansible_python_interpreter": trust_as_template("{{ ansible_playbook_python }}"),
    "ansible_playbook_python": sys.executable,
}


def test_a_module_of_the_collection_on_the_controller_runs_here():
    assert (
        action_for(CONTROLLER_PYTHON).in_process_module(CONTROLLER_PYTHON)
        == "ansible_collections.multiregion.serverless.plugins.modules.x"
    )


def test_a_task_delegated_to_the_controller_with_its_python_runs_here():
    task_vars = {
        "ansible_python_interpreter": "/usr/bin/python3-elsewhere",
        "ansible_delegated_vars": {"localhost": {"ansible_python_interpreter": sys.executable}},
    }
    action = action_for(task_vars)
    action._task.delegate_to = "localhost"
    assert action.in_process_module(task_vars) == "ansible_collections.multiregion.serverless.plugins.modules.x"


@pytest.mark.parametrize(
    "delegated_vars",
    [{}, {"localhost": {}}, {"localhost": {"ansible_python_interpreter": "/usr/bin/python3-elsewhere"}}],
    ids=["no-delegated-vars", "no-interpreter", "other-python"],
)
def test_a_delegated_task_runs_here_only_with_the_delegated_hosts_python_the_controllers(delegated_vars):
    task_vars = {**CONTROLLER_PYTHON, "ansible_delegated_vars": delegated_vars}
    action = action_for(task_vars)
    action._task.delegate_to = "localhost"
    assert action.in_process_module(task_vars) is None


@pytest.mark.parametrize(
    "task_vars, settings",
    [
        ({**CONTROLLER_PYTHON, "multiregion_serverless_in_process": "false"}, {}),
        ({**CONTROLLER_PYTHON, "multiregion_serverless_in_process": False}, {}),
        ({"ansible_python_interpreter": "/usr/bin/python3-elsewhere"}, {}),
        ({}, {}),
        (CONTROLLER_PYTHON, {"transport": "ssh"}),
        (CONTROLLER_PYTHON, {"become": True}),
        (CONTROLLER_PYTHON, {"async_val": 30}),
        (CONTROLLER_PYTHON, {"resolved": "amazon.aws.kms_key_info"}),
        (CONTROLLER_PYTHON, {"resolved": None}),
    ],
    ids=["off", "off-bool", "other-python", "no-python", "ssh", "become", "async", "other-collection", "unresolved"],
)
def test_anything_else_runs_as_a_module_process(task_vars, settings, monkeypatch):
    action = action_for(task_vars, **settings)
    assert action.in_process_module(task_vars) is None
    process = MagicMock(return_value={"ran": "as a process"})
    monkeypatch.setattr(NormalAction, "run", process)
    assert action.run(task_vars=task_vars) == {"ran": "as a process"}
    process.assert_called_once()


@pytest.fixture
def action(fixture_module, monkeypatch):
    """The action of a task of the collection on the controller, whose module is the fixture module."""
    monkeypatch.setattr(in_process, "module_fqn", lambda fqcn: fixture_module)
    return action_for(CONTROLLER_PYTHON)


def test_the_action_returns_the_modules_result_as_its_process_would(action, monkeypatch):
    monkeypatch.setattr(NormalAction, "run", MagicMock(side_effect=AssertionError("no module process")))
    action._task.environment = [{"IN_PROCESS_TEST": trust_as_template("{{ 'from the task' | upper }}")}]
    result = action.run(task_vars=CONTROLLER_PYTHON)
    assert (result["changed"], result["name"], result["pid"]) == (True, "from the task", os.getpid())
    assert result["environment"] == "FROM THE TASK" and "IN_PROCESS_TEST" not in os.environ
    assert result["tmpdir_exists"] is True
    assert [warning.event.msg for warning in result["warnings"]] == ["a warning of this run"]
    assert not [key for key in result if key.startswith("_ansible_") and key != "_ansible_no_log"]


def test_in_check_mode_the_action_says_so_to_the_module(action):
    action._task.check_mode = True
    assert action.run(task_vars=CONTROLLER_PYTHON)["changed"] is False


def test_a_failing_module_is_a_failed_task(action):
    action._task.args = {"name": "x", "end": "fail"}
    result = action.run(task_vars=CONTROLLER_PYTHON)
    assert result["failed"] is True and result["msg"] == "asked to fail"


def test_every_module_of_the_collection_has_the_in_process_action():
    root = Path(__file__).parents[4]
    modules = {path.stem for path in (root / "plugins" / "modules").glob("*.py")}
    actions = {path.stem for path in (root / "plugins" / "action").glob("*.py")}
    assert modules - actions == set()
    for name in modules - {"not_applied", "publish_outputs"}:
        source = (root / "plugins" / "action" / f"{name}.py").read_text()
        assert "plugin_utils.in_process import ActionModule" in source, name


def test_the_shared_loader_parses_every_service_a_module_makes_a_client_of():
    root = Path(__file__).parents[4]
    called = set()
    for path in (root / "plugins").rglob("*.py"):
        called |= set(re.findall(r"\b(?:retrying_)?client\(\s*\"([a-z0-9-]+)\"", path.read_text()))
    assert called and called <= set(in_process.SERVICES)

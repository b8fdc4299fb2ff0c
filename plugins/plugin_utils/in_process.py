# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The action that runs this collection's modules in the task's worker process when the host is the controller.

Every module of the collection runs where its AWS calls are made: on a host with ``ansible_connection: local``
whose ``ansible_python_interpreter`` is the controller's own Python (``{{ ansible_playbook_python }}``). There a
module process buys nothing but its cost: a fresh interpreter that imports ansible-core's module code, boto3 and
the collection's ``module_utils``, and parses botocore's service models again, for every task. This action runs
such a module in the worker process Ansible has already forked for the task, with the same arguments and the same
result: the module's own ``main()`` reads its parameters and prints its result as it does under AnsiballZ, and
ansible-core's own parser reads that result. The worker process ends with the task, so nothing one module leaves
in memory reaches the next.

What the worker finds already in memory was loaded once, in the controller's main process, when the strategy first
loaded this action's class (before it forked any worker): boto3, ansible-core's module code, the collection's
``module_utils`` and filters, the index of ansible-core's Jinja filters and tests, a botocore data loader that
has parsed the models of the services the collection calls, and botocore's builtin event handlers registered once.
Each boto3 session a module opens in the worker is given that loader, as every client of one boto3 session shares
its session's loader (the models are read-only), and starts from a copy of those handlers.
The same import installs the run's cache of compiled templates (``template_cache.py``), which every later task's
worker uses, whatever its action.

Anything else runs the module as a process, as ansible-core's ``normal`` action does: another connection, become,
async, another interpreter or virtualenv, a controller without boto3 or amazon.aws, an ansible-core older than
2.21, or ``multiregion_serverless_in_process: false``.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import io
import json
import os
import pkgutil
import runpy
import shutil
import sys
import tempfile
import traceback

from ansible import constants as C
from ansible.module_utils import _internal as module_utils_internal
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.json import Direction
from ansible.module_utils.common.json import get_module_encoder
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.plugins.loader import filter_loader
from ansible.plugins.loader import test_loader
from ansible.release import __version__ as ansible_version
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.multiregion.serverless.plugins.plugin_utils import template_cache

# ansible-core's module-running interface used here (the result parser of 2.21) is that of 2.21.
MINIMUM_ANSIBLE_CORE = (2, 21)


def recent_enough(version: str) -> bool:
    """Whether an ansible-core version (``2.21.5``, ``2.22.0.dev0``) has the interface used here."""
    return tuple(int(part) for part in version.split(".")[:2]) >= MINIMUM_ANSIBLE_CORE


try:
    import boto3
    import botocore.hooks
    import botocore.loaders
    import botocore.session

    # Loaded here so that every worker forked after this finds them in memory.
    # pylint: disable-next=unused-import
    from ansible_collections.multiregion.serverless.plugins.module_utils import common  # noqa: F401

    JSONFileLoader = botocore.loaders.JSONFileLoader
except ImportError:  # pragma: no cover - the module processes then report what is missing, as without this action
    HAS_DEPENDENCIES = False
    JSONFileLoader = object
else:
    # The ansible-core this is written and tested against, and what AnsiballZ sets in a module process and this
    # action sets here: with an older ansible-core, or another that lacks one of them, the modules run as processes.
    HAS_DEPENDENCIES = (
        recent_enough(ansible_version)
        and hasattr(basic, "_ANSIBLE_ARGS")
        and hasattr(basic, "_ANSIBLE_PROFILE")
        and hasattr(module_utils_internal, "is_controller")
        and hasattr(module_warnings, "_global_warnings")
        and hasattr(module_warnings, "_global_deprecations")
    )

display = Display()

# The variable that turns in-process execution off (it is on by default).
SWITCH = "multiregion_serverless_in_process"
# The transport of a connection whose commands run on the controller itself: ansible-core's local connection, and
# Mitogen's, which says the same.
LOCAL_TRANSPORT = "local"
# The serialization profile of a module that declares none, which is every module here.
PROFILE = "legacy"
# The services the collection's modules call (botocore names), whose models the shared loader parses once.
SERVICES = (
    "acm",
    "apigateway",
    "application-autoscaling",
    "backup",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "fis",
    "iam",
    "kms",
    "lambda",
    "logs",
    "resiliencehub",
    "resourcegroupstaggingapi",
    "route53",
    "route53resolver",
    "sns",
    "ssm",
    "sts",
    "wafv2",
)
# The models of a service the loader parses: the API, its endpoint rules, and what a paginator or a waiter reads.
MODEL_TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")
# The data files every client reads, whatever its service.
COMMON_DATA = ("endpoints", "partitions", "sdk-default-configuration", "_retry")


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's JSON file loader, whose objects are plain dictionaries instead of ``OrderedDict``.

    botocore reads its models as ``OrderedDict`` for the order of their keys, which a ``dict`` keeps as well (Python
    3.7 and later); it uses nothing else of them. A plain dictionary is smaller and faster to make: the models of
    ``SERVICES`` take about 43 MB instead of 61 MB of the main process, parsed in about 0.2 s instead of 0.28 s, and
    every fork of the main process copies the page tables of that memory (a fork took about 3.6 ms instead of 4.5).
    """

    def _load_file(self, full_path, open_method):
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as stream:
            return json.loads(stream.read().decode("utf-8"))


def warm_data_loader(services=SERVICES):
    """A botocore data loader that has parsed ``services``' models, and the ``AWS_DATA_PATH`` it was made for.

    It is the loader a boto3 session makes (boto3's own data path included), reading its files as plain
    dictionaries (``PlainJSONFileLoader``). A model botocore cannot find is left to be looked up as usual, by
    whichever client asks for it.
    """
    session = boto3.session.Session()
    loader = session._loader  # pylint: disable=protected-access
    loader.file_loader = PlainJSONFileLoader()
    loader.list_available_services("service-2")
    for name in COMMON_DATA:
        loader.load_data(name)
    for service in services:
        for type_name in MODEL_TYPES:
            with contextlib.suppress(Exception):
                loader.load_service_model(service, type_name)
    return session._session.get_config_variable("data_path"), loader  # pylint: disable=protected-access


@contextlib.contextmanager
def _session_function(name: str, make):
    """While in the block, ``botocore.session.<name>`` is ``make(the original)``; put back after it."""
    original = getattr(botocore.session, name)
    setattr(botocore.session, name, make(original))
    try:
        yield
    finally:
        setattr(botocore.session, name, original)


def shared_data_loader(warm):
    """While in the block, a botocore session made for the warm loader's data path is given that loader."""
    if warm is None:
        return contextlib.nullcontext()
    data_path, loader = warm

    def make(original):
        def create_loader(search_path_string=None):
            return loader if search_path_string == data_path else original(search_path_string)

        return create_loader

    return _session_function("create_loader", make)


def warm_event_hooks():
    """An event emitter with botocore's builtin handlers registered, as a new botocore session registers them.

    A session registers about 130 of them, each event name aliased and filed in a prefix tree: a good part of what a
    boto3 session costs, and amazon.aws' ``module_utils`` makes a session for every client. Copied, the same tree
    costs a fraction of that.
    """
    emitter = botocore.hooks.HierarchicalEmitter()
    # The session's own registration, on a session object that has nothing but its events: the same handlers, in
    # the same order, through the same aliasing, as Session.__init__ registers them.
    registrar = botocore.session.Session.__new__(botocore.session.Session)
    registrar._events = botocore.hooks.EventAliaser(emitter)  # pylint: disable=protected-access
    botocore.session.Session._register_builtin_handlers(registrar, registrar._events)  # pylint: disable=protected-access
    return emitter


def warm_sessions(emitter):
    """While in the block, each new botocore session (boto3 makes one per ``boto3.session.Session()``) starts from a
    copy of ``emitter`` instead of registering the builtin handlers again. Each copy is its own: a handler a session
    registers later reaches no other session."""
    if emitter is None:
        return contextlib.nullcontext()

    def get_session(env_vars=None):
        return botocore.session.Session(env_vars, event_hooks=copy.copy(emitter), include_builtin_handlers=False)

    return _session_function("get_session", lambda _original: get_session)


def same_interpreter(interpreter: object) -> bool:
    """Whether the host's interpreter (a templated ``ansible_python_interpreter``) is the controller's Python.

    The same Python in the same environment: the same binary, reached from the same folder (a virtualenv's
    ``bin/``, whose links all lead to one binary, each environment with packages of its own).
    """
    if not isinstance(interpreter, str) or not interpreter.strip():
        return False
    path = interpreter.strip()
    if not os.path.isabs(path):
        path = shutil.which(path) or path
    return os.path.realpath(path) == os.path.realpath(sys.executable) and os.path.realpath(
        os.path.dirname(os.path.abspath(path))
    ) == os.path.realpath(os.path.dirname(os.path.abspath(sys.executable)))


def module_fqn(resolved_fqcn: str) -> str:
    """The Python name of a collection module (``ns.coll.mod``: ``ansible_collections.ns.coll.plugins.modules.mod``)."""
    namespace, collection, name = resolved_fqcn.split(".", 2)
    return f"ansible_collections.{namespace}.{collection}.plugins.modules.{name}"


def run_module(fqn: str, module_args: dict, profile: str = PROFILE) -> dict:
    """Run a module as ``__main__`` in this process, as AnsiballZ runs it in its own: what it printed, and its exit.

    The module reads its parameters from ``basic._ANSIBLE_ARGS`` (which AnsiballZ sets too) and ends with
    ``exit_json`` or ``fail_json``, which print the result and raise ``SystemExit``. An exception that escapes the
    module becomes a failed result with its traceback, as under AnsiballZ.
    """
    encoder = get_module_encoder(profile, Direction.CONTROLLER_TO_MODULE)
    saved = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=encoder).encode()
    basic._ANSIBLE_PROFILE = profile
    # A module reports the warnings and deprecations its process collected: here, only its own.
    module_warnings._global_warnings.clear()
    module_warnings._global_deprecations.clear()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), module_side():
        try:
            runpy.run_module(fqn, run_name="__main__", alter_sys=True)
        except SystemExit as ended:
            rc = ended.code if isinstance(ended.code, int) else (0 if ended.code is None else 1)
        except Exception as ex:  # pylint: disable=broad-exception-caught
            rc = 1
            print(json.dumps(dict(failed=True, msg=f"{type(ex).__name__}: {ex}", exception=traceback.format_exc())))
        else:
            rc = 1
            print(json.dumps(dict(failed=True, msg=f"{fqn} ended without exit_json or fail_json")))
        finally:
            basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = saved
    return dict(rc=rc, stdout=stdout.getvalue(), stderr=stderr.getvalue())


@contextlib.contextmanager
def module_side():
    """ansible-core's module code behaving as in a module process, where it returns warnings with the result.

    In the controller's processes the same code shows a warning at once and encodes JSON for the controller.
    """
    controller = module_utils_internal.is_controller
    module_utils_internal.is_controller = False
    try:
        yield
    finally:
        module_utils_internal.is_controller = controller


@contextlib.contextmanager
def task_environment(environment: dict):
    """The process environment with the task's ``environment`` on top, as the module's own process would have it."""
    saved = dict(os.environ)
    os.environ.update({str(key): str(value) for key, value in environment.items()})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def warm_jinja_plugins() -> None:
    """Have ansible-core's filter and test loaders index their plugins now, in this process.

    Each loader indexes every filter (or test) of ansible-core's and the configured plugin paths the first time a
    template asks it for one, and keeps the index. Asked here, in the controller's main process, the index is made
    once and every worker forked afterwards has it; otherwise each task's worker makes it again.
    """
    for loader, name in ((filter_loader, "ansible.builtin.bool"), (test_loader, "ansible.builtin.defined")):
        with contextlib.suppress(Exception):
            loader.get(name)
    # The collection's own filters, which a loader imports by their Python name.
    with contextlib.suppress(Exception):
        from ansible_collections.multiregion.serverless.plugins import filter as filters

        for found in pkgutil.iter_modules(filters.__path__):
            importlib.import_module(f"{filters.__name__}.{found.name}")


def freeze_heap() -> None:
    """Leave every object this process holds now out of the garbage collector's later passes (``gc.freeze``).

    Called in the controller's main process once the shared loader, the handlers and the plugin index are loaded,
    before it forks the workers. They are kept for the whole run, yet every full collection went through them again:
    in the main process, which collects as it computes each task's variables, and in each worker, where going
    through an object writes to it and so copies the page it is on from the main process (Python's documentation
    of ``gc.freeze`` describes this use).
    """
    gc.freeze()


# Made in the controller's main process when the strategy first loads this action, before it forks the workers.
WARM_DATA_LOADER = None
WARM_EVENT_HOOKS = None
if HAS_DEPENDENCIES:
    try:
        WARM_DATA_LOADER = warm_data_loader()
    except Exception:  # pylint: disable=broad-exception-caught  # pragma: no cover - clients then load their own
        WARM_DATA_LOADER = None
    try:
        WARM_EVENT_HOOKS = warm_event_hooks()
    except Exception:  # pylint: disable=broad-exception-caught  # pragma: no cover - sessions then register their own
        WARM_EVENT_HOOKS = None
warm_jinja_plugins()
# Each template compiled in this run is compiled once, not once per task and host (plugin_utils/template_cache.py).
template_cache.install(C.DEFAULT_LOCAL_TMP)
# Last: what the lines above loaded is kept for the whole run; the garbage collector need not go through it again.
freeze_heap()


class ActionModule(NormalAction):
    """ansible-core's ``normal`` action, whose module runs in the worker process where that is the same thing."""

    def in_process_module(self, task_vars: dict) -> str | None:
        """The module's Python name when it runs in this process, else None (it then runs as a process)."""
        if self._task.async_val or not HAS_DEPENDENCIES:
            return None
        if self._play_context.become or self._connection.transport != LOCAL_TRANSPORT:
            return None
        if not boolean(self._templar.template(task_vars.get(SWITCH, True)), strict=False):
            return None
        # The interpreter of the host the task runs on: the delegated one's, as ansible-core picks it for a module.
        host_vars = task_vars
        if self._task.delegate_to:
            host_vars = (task_vars.get("ansible_delegated_vars") or {}).get(self._task.delegate_to) or {}
        if not same_interpreter(self._templar.template(host_vars.get("ansible_python_interpreter"))):
            return None
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            self._task.action, collection_list=self._task.collections
        )
        if not context.resolved or not context.resolved_fqcn.startswith("multiregion.serverless."):
            return None
        return module_fqn(context.resolved_fqcn)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        fqn = self.in_process_module(task_vars)
        if fqn is None:
            return super().run(tmp, task_vars)
        # ActionBase's checks (check mode, async) without the normal action's module process.
        result = ActionBase.run(self, tmp, task_vars)
        return merge_hash(result, self.run_in_process(fqn, task_vars))

    def run_in_process(self, fqn: str, task_vars: dict) -> dict:
        """The result of the task's module run in this process, as ``_execute_module`` returns a module's."""
        module_args = dict(self._task.args)
        self._update_module_args(self._task.action, module_args, task_vars)
        environment: dict = {}
        self._compute_environment_string(raw_environment_out=environment)
        # The module's temporary directory, removed here: this process ends without running atexit handlers.
        module_args["_ansible_tmpdir"] = tmpdir = tempfile.mkdtemp(prefix="in-process-", dir=C.DEFAULT_LOCAL_TMP)
        display.vvv(f"Running {fqn} in the task's worker process")
        try:
            with task_environment(environment), shared_data_loader(WARM_DATA_LOADER), warm_sessions(WARM_EVENT_HOOKS):
                result = run_module(fqn, module_args)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        utr = self._parse_returned_data(result, PROFILE)
        utr.remove_internal_keys()
        return utr.as_result_dict(for_round_trip=True)

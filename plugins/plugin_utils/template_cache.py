# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Compiled Jinja templates, shared by the worker processes of one ansible-playbook run.

ansible-core forks a fresh worker process from the controller's main process for every task on every host, and a
worker compiles each template it renders: the task's arguments, its conditions, the module defaults and every role
default or inventory variable they refer to. Whatever one worker compiled is gone with it, so the next task's worker
compiles the same templates again: the module defaults of every AWS task, ``{{ aws_region |
default(inventory_hostname) }}`` in every role, a role's ``when`` in each of its tasks. A no-op of site.yml over two
regions compiles about 3,000 templates, 550 of them distinct, and the compiling (Jinja2's parser and code generator,
then Python's ``compile``) is about a seventh of the run's processor time.

Installed in the controller's main process (``install()``, which the collection's action does when the strategy
first loads it, before it forks any worker), this keeps the code object of each template compiled in the run in a
folder of the run's own local temporary directory (ansible-core's ``DEFAULT_LOCAL_TMP``: made for this run, readable
by its user only, removed when the run ends). The first worker that compiles a template writes its code there; the
others load it. Nothing outlives the run, so nothing compiled by another version of anything is ever loaded.

The key is everything the compiled code depends on: the template's text (or the expression's parsed tree), the name
and file name it was compiled under, the options and classes of the Jinja2 environment that compiles it (delimiters,
whitespace handling, extensions, finalizer, code generator), and ansible-core's backslash-escaping state. A template
that fails to compile is not kept: its error is raised as always. Set ``MULTIREGION_SERVERLESS_TEMPLATE_CACHE=false``
in the controller's environment to compile every template in every worker, as ansible-core does alone.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile

from ansible.module_utils.parsing.convert_bool import boolean

SWITCH_ENVIRONMENT = "MULTIREGION_SERVERLESS_TEMPLATE_CACHE"
FOLDER = "multiregion-serverless-jinja"

# The Jinja2 environment's options that change the code it generates for a template.
ENVIRONMENT_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def _name_of(value: object) -> str:
    """A class's or function's importable name; the repr of anything else."""
    if hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def cache_key(environment, source, name, filename, raw, defer_init, escape_backslashes) -> str:
    """The name of the file that keeps ``source`` compiled by ``environment`` as it is configured now."""
    parts = [
        sys.version,
        _name_of(type(environment)),
        _name_of(getattr(environment, "code_generator_class", None)),
        _name_of(getattr(environment, "finalize", None)),
        _name_of(getattr(environment, "autoescape", None)),
        repr(sorted(getattr(environment, "extensions", {}) or {})),
        repr([getattr(environment, option, None) for option in ENVIRONMENT_OPTIONS]),
        repr((name, filename, raw, defer_init, escape_backslashes)),
        # A template's text, or the tree compile_expression parsed an expression into (its repr names every node
        # and field).
        "text:" + str.__str__(source) if isinstance(source, str) else "tree:" + repr(source),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def load(path: str):
    """The code object kept at ``path``, or None."""
    try:
        with open(path, "rb") as stream:
            return marshal.load(stream)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def keep(folder: str, path: str, code) -> None:
    """Writes ``code`` to ``path`` whole (a reader never sees a part of it); gives up silently on any error."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                marshal.dump(code, stream)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        pass


def caching(compile_method, folder: str, escape_state):
    """``compile_method`` (Jinja2's ``Environment.compile``) made to keep and load code objects in ``folder``."""

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # pylint: disable=redefined-builtin
        if raw or getattr(self, "_debuggable_template_source", False):
            return compile_method(self, source, name, filename, raw, defer_init)
        path = os.path.join(folder, cache_key(self, source, name, filename, raw, defer_init, escape_state()))
        code = load(path)
        if code is None:
            code = compile_method(self, source, name, filename, raw, defer_init)
            keep(folder, path, code)
        return code

    compile.__wrapped__ = compile_method
    return compile


def install(local_tmp: str) -> bool:
    """Has ansible-core's Jinja2 environment keep its compiled templates in ``local_tmp``; whether it does."""
    if not boolean(os.environ.get(SWITCH_ENVIRONMENT, "true"), strict=False):
        return False
    try:
        from ansible._internal._templating._jinja_bits import AnsibleEnvironment
        from ansible._internal._templating._jinja_bits import _TemplateCompileContext
    except ImportError:
        return False
    current = AnsibleEnvironment.__dict__.get("compile")
    if current is not None and hasattr(current, "__wrapped__"):
        return True
    folder = os.path.join(local_tmp, FOLDER)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False

    def escape_state():
        context = _TemplateCompileContext.current(optional=True)
        return None if context is None else context.escape_backslashes

    AnsibleEnvironment.compile = caching(AnsibleEnvironment.compile, folder, escape_state)
    return True

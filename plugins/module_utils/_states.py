# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The ending of a module whose every O(state) has an action taking the same arguments."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from functools import partial
from typing import Any
from typing import NoReturn

from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def run_state_action(module, actions: Mapping[str, Callable[..., dict]], *args: Any, **options: Any) -> NoReturn:
    """``run_and_exit`` with the action of ``module.params["state"]``, called with ``module`` and ``args``.

    ``actions`` maps each choice of O(state) to its action (``{"present": ensure_present, "absent": ensure_absent}``),
    each taking the module and then ``args`` (its client, ...); ``options`` are those of ``run_and_exit``
    (``diff_mode_only``, ``on_timeout``, ``failures``).
    """
    run_and_exit(module, {state: partial(action, module, *args) for state, action in actions.items()}, **options)

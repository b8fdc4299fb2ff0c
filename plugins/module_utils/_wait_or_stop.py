# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The options of a module that starts a run (a FIS experiment, an SSM Automation execution), waits for it to end
and stops it when it outlasts the wait.

Their argument spec and their checks, for the options the doc fragment multiregion.serverless.wait_or_stop
documents; the wait itself is ``common.wait_or_stop``.
"""

from __future__ import annotations


def wait_or_stop_argument_spec() -> dict:
    """The argument spec of O(wait), O(wait_timeout), O(poll_interval) and O(stop_on_timeout)."""
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=900),
        poll_interval=dict(type="int", default=5),
        stop_on_timeout=dict(type="bool", default=True),
    )


def wait_or_stop_errors(params: dict) -> list[str]:
    """What is wrong with the values of those options (nothing: an empty list)."""
    errors = []
    if params["wait_timeout"] < 0:
        errors.append("wait_timeout must not be negative")
    if params["poll_interval"] < 1:
        errors.append("poll_interval must be at least 1")
    return errors

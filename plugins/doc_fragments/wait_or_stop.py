# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The options of a module that starts a run (a FIS experiment, an SSM Automation execution), waits for it to
    end and stops it when it outlasts the wait: common.wait_or_stop."""

    DOCUMENTATION = r"""
options:
  wait:
    description: Wait until the run (the experiment, the execution) reaches a terminal state.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait, in seconds.
    type: int
    default: 900
  poll_interval:
    description: Seconds between two looks at the run while waiting.
    type: int
    default: 5
  stop_on_timeout:
    description:
      - Stop the run (stop the experiment, cancel the execution) when O(wait_timeout) runs out before it ends, then
        wait up to a minute more for it to stop. Either way the module returns RV(timed_out=true) and does not fail.
    type: bool
    default: true
"""

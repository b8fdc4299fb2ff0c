# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Action of multiregion.serverless.wafv2_web_acl.

The module runs in the task's worker process where that is the same as a process of its own (on the controller,
with the controller's Python), else as a process; see plugins/plugin_utils/in_process.py.
"""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.plugin_utils.in_process import ActionModule

__all__ = ["ActionModule"]

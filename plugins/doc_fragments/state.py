# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The O(state) option of a module that manages one resource (or one list of them), and its check mode and diff.

    A module that uses it gives O(state) a description of its own (what present and absent do to its resource); the
    type, the choices and the default come from here.
    """

    DOCUMENTATION = r"""
options:
  state:
    description: V(present) creates or updates the resource; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports C(check_mode) and C(diff).
"""

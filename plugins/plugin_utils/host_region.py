# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The region a controller-only action of the collection names for its host."""

from __future__ import annotations


def host_region(templar, task_vars: dict, given: str | None = None) -> str:
    """``given``, else the host's ``aws_region``, else its inventory name (a region host is named after its region,
    as the roles' ``<role>_region`` is ``aws_region | default(inventory_hostname)``)."""
    return given or templar.template(task_vars.get("aws_region")) or task_vars.get("inventory_hostname", "")

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Filters the dr_drills role builds its drill records with, over module_utils/_dr.py's arithmetic.

- ``dr_objective``: one objective of a drill (pass, fail or not measured, with the reason).
- ``dr_seconds_between``: seconds from one ISO 8601 time to another.
- ``dr_restore_outcome``: what a restore kept of the canaries written before it - the achieved RPO and RTO,
  and the canaries present that were written after the restore point (the restore did not honour its time).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils import _dr

# The arguments of _dr.objective a template may give as ints or numeric text.
_SECONDS = ("target_seconds", "achieved_seconds", "worst_case_seconds")


# wraps gives the filter _dr.objective's signature (what inspect, and so its documentation, see) and keeps its own
# name and docstring.
@functools.wraps(_dr.objective, assigned=())
def dr_objective(*args: Any, **kwargs: Any) -> dict:
    """_dr.objective, with the seconds a template passes as floats."""
    call = inspect.signature(_dr.objective).bind(*args, **kwargs)
    for name in _SECONDS:
        if call.arguments.get(name) is not None:
            call.arguments[name] = float(call.arguments[name])
    return _dr.objective(*call.args, **call.kwargs)


def dr_seconds_between(start: Any, end: Any) -> Optional[float]:
    if start is None or end is None:
        return None
    return _dr.seconds_between(start, end)


def dr_restore_outcome(canaries: list, restore: dict) -> dict:
    """What a restore kept of ``canaries`` ({key, written_at}): the achieved RPO and RTO and what went wrong.

    ``restore`` is dynamodb_table_restore's or backup_job's result: ``requested_at``, ``active_at``,
    ``restore_point`` (the time the data was restored to; None when unknown) and ``found_keys``.
    A canary written at or before the restore point must be present; one written after it must be absent.
    """
    restore = restore or {}
    found = set(restore.get("found_keys") or [])
    point = restore.get("restore_point")
    present = [c for c in canaries if c["key"] in found]
    late_present, early_missing = [], []
    if point is not None:
        late_present = [c["key"] for c in present if _dr.parse_time(c["written_at"]) > _dr.parse_time(point)]
        early_missing = [
            c["key"]
            for c in canaries
            if c["key"] not in found and _dr.parse_time(c["written_at"]) <= _dr.parse_time(point)
        ]
    requested_at = restore.get("requested_at")
    return {
        "present": [c["key"] for c in present],
        "missing": [c["key"] for c in canaries if c["key"] not in found],
        "late_present": late_present,
        "early_missing": early_missing,
        "rpo_seconds": _dr.achieved_rpo(requested_at, [c["written_at"] for c in present]) if requested_at else None,
        "rto_seconds": _dr.achieved_rto(requested_at, restore.get("active_at"), restore.get("verified_at"))
        if requested_at
        else None,
    }


class FilterModule:
    def filters(self) -> dict:
        return {
            "dr_objective": dr_objective,
            "dr_seconds_between": dr_seconds_between,
            "dr_restore_outcome": dr_restore_outcome,
        }

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Action plugin of multiregion.serverless.not_applied: a task that says a step is not applied here, and why."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.multiregion.serverless.plugins.plugin_utils.host_region import host_region

ARGUMENT_SPEC = dict(
    gap=dict(type="str", required=True),
    what=dict(type="str", required=True),
    region=dict(type="str"),
    detail=dict(type="str", default=""),
)

GAPS_VARIABLE = "deployment_endpoint_gaps"


def not_applied_message(what: str, region: str, reason: str, detail: str = "") -> str:
    """The sentence the run shows: what is not applied, where, why, and that AWS runs it."""
    return " ".join(
        part
        for part in (f"{what} NOT applied in {region}: {reason}.", detail.strip(), "Against AWS these tasks run.")
        if part
    )


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result = super().run(tmp, task_vars)
        gaps = self._templar.template(task_vars.get(GAPS_VARIABLE)) or {}
        if args["gap"] not in gaps:
            result.update(skipped=True, skip_reason=f"{args['gap']} is not a gap of this endpoint", not_applied={})
            return result
        reason = str(gaps[args["gap"]])
        region = host_region(self._templar, task_vars, args["region"])
        result.update(
            changed=False,
            msg=not_applied_message(args["what"], region, reason, args["detail"]),
            not_applied={args["what"]: reason},
            _ansible_verbose_always=True,
        )
        return result

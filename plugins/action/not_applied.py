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


def endpoint_gaps(templar, task_vars: dict) -> dict:
    """This endpoint's gaps (``deployment_endpoint_gaps``): gap name to reason; empty against AWS."""
    return templar.template(task_vars.get(GAPS_VARIABLE)) or {}


def gap_said(gaps: dict, gap: str, what: str, region: str, detail: str = "") -> tuple[str, str] | None:
    """The reason and the sentence for ``what``, when ``gap`` is one of ``gaps``; None when it is not."""
    if gap not in gaps:
        return None
    reason = str(gaps[gap])
    return reason, not_applied_message(what, region, reason, detail)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result = super().run(tmp, task_vars)
        region = host_region(self._templar, task_vars, args["region"])
        said = gap_said(endpoint_gaps(self._templar, task_vars), args["gap"], args["what"], region, args["detail"])
        if said is None:
            result.update(skipped=True, skip_reason=f"{args['gap']} is not a gap of this endpoint", not_applied={})
            return result
        reason, message = said
        result.update(
            changed=False,
            msg=message,
            not_applied={args["what"]: reason},
            _ansible_verbose_always=True,
        )
        return result

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Action plugin of multiregion.serverless.publish_outputs: a role's outputs as a fact and as run statistics, with
what the role did not apply here and why."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.plugins.action import VariableLayer
from ansible.utils.vars import validate_variable_name

from ansible_collections.multiregion.serverless.plugins.action.not_applied import endpoint_gaps
from ansible_collections.multiregion.serverless.plugins.action.not_applied import gap_said
from ansible_collections.multiregion.serverless.plugins.plugin_utils.host_region import host_region

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    value=dict(type="dict", required=True),
    region=dict(type="str"),
    not_applied=dict(
        type="list",
        elements="dict",
        options=dict(
            gap=dict(type="str", required=True),
            what=dict(type="str", required=True),
            detail=dict(type="str", default=""),
            report=dict(type="bool", default=True),
            listed=dict(type="bool", default=True),
        ),
    ),
    notes=dict(type="list", elements="str", default=[]),
)


def statistics(name: str, region: str, value: dict) -> dict:
    """The run statistics ansible.builtin.set_stats would make of ``{<name>_by_region: {region: value}}``:
    run-wide (not per host) and aggregated, so every host's region is one key of the same mapping."""
    return {"data": {f"{name}_by_region": {region: value}}, "per_host": False, "aggregate": True}


def gaps_said(entries: list[dict], gaps: dict, region: str) -> tuple[dict, list[str]]:
    """``{what: why}`` of the listed ``entries`` whose gap this endpoint has, and the sentence multiregion.serverless.
    not_applied says of each such entry. An entry whose ``report`` is false, or whose gap this endpoint does not have
    (every gap, against AWS), says nothing; one whose ``listed`` is false is said and not added."""
    found: dict = {}
    messages: list[str] = []
    for entry in entries:
        said = gap_said(gaps, entry["gap"], entry["what"], region, entry["detail"]) if entry["report"] else None
        if said is None:
            continue
        reason, message = said
        messages.append(message)
        if entry["listed"]:
            found[entry["what"]] = reason
    return found, messages


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result = super().run(tmp, task_vars)
        name, value = args["name"], args["value"]
        validate_variable_name(name)
        region = host_region(self._templar, task_vars, args["region"])
        messages: list[str] = []
        if args["not_applied"] is not None:
            found, messages = gaps_said(args["not_applied"], endpoint_gaps(self._templar, task_vars), region)
            given = value.get("not_applied") or {}
            if not isinstance(given, dict):
                kind = type(given).__name__
                raise AnsibleActionFail(f"value.not_applied must be a mapping of what to why, not {kind}")
            value = {**value, "not_applied": {**given, **found}}
        messages += [note.strip() for note in args["notes"] if note and note.strip()]
        # As ansible.builtin.set_fact sets a fact (not cacheable), and as ansible.builtin.set_stats returns its data.
        self.register_host_variables({}, VariableLayer.CACHEABLE_FACT)
        self.register_host_variables({name: value}, VariableLayer.EPHEMERAL_FACT)
        result.update(changed=False, ansible_facts={name: value}, ansible_stats=statistics(name, region, value))
        if messages:
            # Shown whatever the verbosity, as the debug tasks that said them before.
            result.update(msg=messages, _ansible_verbose_always=True)
        return result

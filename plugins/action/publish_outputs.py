# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Action plugin of multiregion.serverless.publish_outputs: a role's outputs as a fact and as run statistics."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.plugins.action import VariableLayer
from ansible.utils.vars import validate_variable_name

from ansible_collections.multiregion.serverless.plugins.plugin_utils.host_region import host_region

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    value=dict(type="dict", required=True),
    region=dict(type="str"),
)


def statistics(name: str, region: str, value: dict) -> dict:
    """The run statistics ansible.builtin.set_stats would make of ``{<name>_by_region: {region: value}}``:
    run-wide (not per host) and aggregated, so every host's region is one key of the same mapping."""
    return {"data": {f"{name}_by_region": {region: value}}, "per_host": False, "aggregate": True}


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
        # As ansible.builtin.set_fact sets a fact (not cacheable), and as ansible.builtin.set_stats returns its data.
        self.register_host_variables({}, VariableLayer.CACHEABLE_FACT)
        self.register_host_variables({name: value}, VariableLayer.EPHEMERAL_FACT)
        result.update(changed=False, ansible_facts={name: value}, ansible_stats=statistics(name, region, value))
        return result

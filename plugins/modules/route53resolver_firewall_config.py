#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53resolver_firewall_config
short_description: Set how Route 53 Resolver DNS Firewall answers when it cannot decide
version_added: 0.1.0
description:
  - Sets the DNS Firewall configuration of a VPC, that is whether the VPC's DNS queries are let through
    (fail open) or answered with an error (fail closed) when DNS Firewall cannot evaluate them.
  - Every VPC has such a configuration, C(DISABLED) until changed; there is nothing to create or delete.
  - AWS enforces the setting only for VPCs that have at least one rule group association, see
    M(multiregion.serverless.route53resolver_firewall_rule_group_association).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  resource_id:
    description:
      - The ID of the VPC.
    type: str
    required: true
    aliases: [vpc_id]
  firewall_fail_open:
    description:
      - V(DISABLED) blocks the queries DNS Firewall cannot evaluate (favours security), V(ENABLED) lets them through
        (favours availability), V(USE_LOCAL_RESOURCE_SETTING) leaves the decision to the settings of the rule group
        associations.
    type: str
    required: true
    choices: [ENABLED, DISABLED, USE_LOCAL_RESOURCE_SETTING]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Part of the flow shown in multiregion.serverless.route53resolver_firewall_rule_group_association: after the rule
# group is associated with the VPC, fail closed.
- name: Block what the firewall cannot evaluate
  multiregion.serverless.route53resolver_firewall_config:
    resource_id: "{{ vpc_id }}"
    firewall_fail_open: DISABLED
"""

RETURN = r"""
firewall_config:
  description:
    - The configuration of the VPC. In check mode, what it would be.
  returned: always
  type: dict
  contains:
    id:
      description: The ID of the configuration.
      returned: when AWS has one
      type: str
      sample: rslvr-fc-0123456789abcdef
    resource_id:
      description: The ID of the VPC.
      returned: always
      type: str
      sample: vpc-0123456789abcdef0
    owner_id:
      description: The account that owns the VPC.
      returned: when AWS has one
      type: str
    firewall_fail_open:
      description: C(ENABLED), C(DISABLED) or C(USE_LOCAL_RESOURCE_SETTING).
      returned: always
      type: str
      sample: DISABLED
"""

from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import ResolverErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import get_firewall_config
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import resolver_client
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def compute_config_changes(current: dict | None, fail_open: str) -> dict:
    """The keys of UpdateFirewallConfig that change, besides the resource."""
    if current is not None and current.get("FirewallFailOpen") == fail_open:
        return {}
    return {"FirewallFailOpen": fail_open}


def build_update_config_request(resource_id: str, changes: dict) -> dict:
    return dict(changes, ResourceId=resource_id)


@ResolverErrorHandler.common_error_handler("update the firewall config of {resource_id}")
def update_firewall_config(client, resource_id: str, changes: dict) -> dict:
    answer = client.update_firewall_config(aws_retry=True, **build_update_config_request(resource_id, changes))
    return answer["FirewallConfig"]


def ensure(module, client, resource_id: str) -> dict:
    current = get_firewall_config(client, resource_id)
    if current is None:
        message = f"VPC {resource_id} does not exist in {module.region}"
        if not module.check_mode:
            raise MultiregionAWSError(message=f"Failed to get the firewall config of {resource_id}: {message}")
        module.warn(message + "; assuming an earlier task would have created it")
    changes = compute_config_changes(current, module.params["firewall_fail_open"])
    before = {"firewall_fail_open": current["FirewallFailOpen"]} if current else {}
    expected = dict(current or {"ResourceId": resource_id}, **changes)
    diff = {"before": before, "after": {"firewall_fail_open": expected["FirewallFailOpen"]}}
    if changes and not module.check_mode:
        expected = update_firewall_config(client, resource_id, changes)
    return dict(changed=bool(changes), diff=diff, firewall_config=result(expected))


def main() -> None:
    argument_spec = dict(
        resource_id=dict(type="str", required=True, aliases=["vpc_id"]),
        firewall_fail_open=dict(
            type="str", required=True, choices=["ENABLED", "DISABLED", "USE_LOCAL_RESOURCE_SETTING"]
        ),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    resource_id = module.params["resource_id"]
    client = resolver_client(module)
    run_and_exit(module, lambda: ensure(module, client, resource_id))


if __name__ == "__main__":
    main()

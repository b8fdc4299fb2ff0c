#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53resolver_firewall_domain_list
short_description: Manage Route 53 Resolver DNS Firewall domain lists
version_added: 0.1.0
description:
  - Creates, updates and deletes a Route 53 Resolver DNS Firewall domain list and the domains it holds.
  - The list is identified by its O(name). AWS does not require names to be unique; the module fails when more
    than one list of the account and region carries the name.
  - AWS-managed domain lists (C(AWSManagedDomains...)) cannot be changed and are never matched by this module.
  - Domain lists are used by the rules of a rule group, see
    M(multiregion.serverless.route53resolver_firewall_rule_group).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The name of the domain list.
    type: str
    required: true
  domains:
    description:
      - The domains of the list, for example V(*.amazonaws.com), V(example.com) or V(*) (every domain).
      - Domains are compared without case and without a trailing dot, because AWS stores each domain fully
        qualified (V(*) is answered as V(*.)).
      - With O(purge_domains=true) the list ends up holding exactly these domains (an empty list removes every
        domain); with O(purge_domains=false) these domains are added and the others are kept.
      - When omitted, the domains of the list are left as they are.
    type: list
    elements: str
  purge_domains:
    description:
      - Whether domains of the list that are not in O(domains) are removed.
      - Has no effect when O(domains) is omitted.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the list, V(absent) deletes it.
      - A list still used by a rule cannot be deleted; remove the rule first.
  wait:
    description:
      - Whether to wait until AWS has applied the change (status C(COMPLETE), or the list gone when deleting).
      - Whatever this says, the module waits for a list that is being updated before updating it again, because AWS
        refuses two overlapping updates.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, at most.
    type: int
    default: 300
notes:
  - AWS applies domain updates asynchronously; the list is C(UPDATING) in between. Updates are sent with
    C(UpdateFirewallDomains) - C(REPLACE) when domains are both added and removed, C(ADD) or C(REMOVE) otherwise,
    in batches of at most 1000 domains.
  - Importing domains from a file in S3 (C(ImportFirewallDomains)) is not supported.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# The two lists of a VPC whose DNS may resolve AWS service names only; the rule group that uses them is in the
# examples of multiregion.serverless.route53resolver_firewall_rule_group.
- name: Domains the VPC may resolve
  multiregion.serverless.route53resolver_firewall_domain_list:
    name: "{{ deployment }}-aws-domains"
    domains: "{{ ['*.amazonaws.com'] + extra_allowed_domains | default([]) }}"
    tags:
      deployment: "{{ deployment }}"
  register: aws_domains

- name: Every other domain
  multiregion.serverless.route53resolver_firewall_domain_list:
    name: "{{ deployment }}-all"
    domains: ["*"]
    tags:
      deployment: "{{ deployment }}"
  register: all_domains

- name: Add a domain without touching the others
  multiregion.serverless.route53resolver_firewall_domain_list:
    name: "{{ deployment }}-aws-domains"
    domains: [example.org]
    purge_domains: false

- name: Delete a list (its rules must be gone first)
  multiregion.serverless.route53resolver_firewall_domain_list:
    name: "{{ deployment }}-all"
    state: absent
"""

RETURN = r"""
firewall_domain_list:
  description:
    - The domain list. Empty when O(state=absent).
    - In check mode, what the list would be; for a list that would be created, only RV(firewall_domain_list.name),
      RV(firewall_domain_list.domains) and RV(firewall_domain_list.tags).
  returned: always
  type: dict
  contains:
    id:
      description: The ID of the list, used by rules as C(firewall_domain_list_id).
      returned: when the list exists
      type: str
      sample: rslvr-fdl-0123456789abcdef
    arn:
      description: The ARN of the list.
      returned: when the list exists
      type: str
      sample: arn:aws:route53resolver:eu-west-1:123456789012:firewall-domain-list/rslvr-fdl-0123456789abcdef
    name:
      description: The name of the list.
      returned: always
      type: str
      sample: prod-aws-domains
    domain_count:
      description: How many domains AWS counts in the list.
      returned: when the list exists
      type: int
      sample: 1
    domains:
      description: The domains of the list, sorted, lower case, without trailing dot.
      returned: always
      type: list
      elements: str
      sample: ["*.amazonaws.com"]
    status:
      description: C(COMPLETE), C(COMPLETE_IMPORT_FAILED), C(IMPORTING), C(DELETING) or C(UPDATING).
      returned: when the list exists
      type: str
      sample: COMPLETE
    status_message:
      description: What AWS says about the status.
      returned: when AWS gives one
      type: str
      sample: Created Firewall Domain List
    creator_request_id:
      description: The idempotency token the list was created with, new for each create.
      returned: when the list exists
      type: str
    creation_time:
      description: When the list was created (ISO 8601).
      returned: when the list exists
      type: str
    modification_time:
      description: When the list was last changed (ISO 8601).
      returned: when the list exists
      type: str
    tags:
      description: The tags of the list.
      returned: always
      type: dict
      sample: {"deployment": "prod"}
"""


from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import DOMAIN_LIST_SETTLED
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import ResolverErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import apply_tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import create_named
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import error_code
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import find_domain_list
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import get_domain_list
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_domains
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import normalize_domain
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import resolver_client
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import result
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import wait_domain_list
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import wait_domain_list_gone
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

# UpdateFirewallDomains takes at most this many domains per call.
MAX_DOMAINS_PER_UPDATE = 1000


# ---- what would change (pure) --------------------------------------------------------------------------------


def compute_domain_changes(current: list[str], wanted: list[str] | None, purge: bool) -> tuple[list[str], list[str]]:
    """(domains to add, domains to remove), compared in normalised form.

    Additions are given in normalised form; removals as AWS holds them, so that REMOVE names them exactly.
    ``wanted=None`` leaves the list alone.
    """
    if wanted is None:
        return [], []
    current_keys = {normalize_domain(d) for d in current}
    wanted_keys = sorted({normalize_domain(d) for d in wanted})
    to_add = [d for d in wanted_keys if d not in current_keys]
    to_remove = sorted({d for d in current if normalize_domain(d) not in set(wanted_keys)}) if purge else []
    return to_add, to_remove


def plan_domain_updates(
    to_add: list[str], to_remove: list[str], final: list[str], limit: int = MAX_DOMAINS_PER_UPDATE
) -> list[tuple[str, list[str]]]:
    """The UpdateFirewallDomains calls, as (operation, domains), that turn the list into ``final``.

    One REPLACE when domains are both added and removed and ``final`` fits in one call; otherwise REMOVE before ADD
    (so the account's domain quota is not exceeded midway), each in batches of ``limit``.
    """
    if to_add and to_remove and len(final) <= limit:
        return [("REPLACE", list(final))]
    plan = [("REMOVE", to_remove[i : i + limit]) for i in range(0, len(to_remove), limit)]
    plan += [("ADD", to_add[i : i + limit]) for i in range(0, len(to_add), limit)]
    return plan


def expected_domains(current: list[str], to_add: list[str], to_remove: list[str]) -> list[str]:
    removed = {normalize_domain(d) for d in to_remove}
    kept = {normalize_domain(d) for d in current} - removed
    return sorted(kept | set(to_add))


def build_update_domains_request(list_id: str, operation: str, domains: list[str]) -> dict:
    return {"FirewallDomainListId": list_id, "Operation": operation, "Domains": list(domains)}


def view(name: str, domains: list[str], tags: dict) -> dict:
    """The list as the diff shows it."""
    return {"name": name, "domains": sorted(normalize_domain(d) for d in domains), "tags": dict(tags)}


# ---- calls ---------------------------------------------------------------------------------------------------


@ResolverErrorHandler.common_error_handler("create firewall domain list {name}")
def create_domain_list(client, name: str, tags: dict) -> dict:
    return create_named(client.create_firewall_domain_list, "FirewallDomainList", "fdl", name, tags)


@ResolverErrorHandler.common_error_handler("update the domains of firewall domain list {list_id}")
def update_domains(client, list_id: str, operation: str, domains: list[str]) -> None:
    client.update_firewall_domains(aws_retry=True, **build_update_domains_request(list_id, operation, domains))


@ResolverErrorHandler.deletion_error_handler("delete firewall domain list {name}")
def delete_domain_list(client, list_id: str, name: str) -> bool:
    try:
        client.delete_firewall_domain_list(FirewallDomainListId=list_id, aws_retry=True)
    except Exception as e:
        if error_code(e) == "ConflictException":
            raise MultiregionAWSError(
                message=f"Failed to delete firewall domain list {name}: it is still used by a rule or being "
                "updated; remove the rules that use it first",
                exception=e,
            ) from e
        raise
    return True


# ---- states --------------------------------------------------------------------------------------------------


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["name"]
    wanted_tags = params["tags"]
    timeout = params["wait_timeout"]

    found = find_domain_list(client, name)
    current = get_domain_list(client, found["Id"]) if found else None
    domains = list_domains(client, current["Id"]) if current else []
    tags = list_tags(client, current["Arn"]) if current else {}

    to_add, to_remove = compute_domain_changes(domains, params["domains"], params["purge_domains"])
    final_domains = expected_domains(domains, to_add, to_remove)
    plan = plan_domain_updates(to_add, to_remove, final_domains)
    if current:
        set_tags, unset_tags = tag_changes(tags, wanted_tags, params["purge_tags"])
        final_tags = updated_tags(tags, set_tags, unset_tags)
    else:
        set_tags, unset_tags = dict(wanted_tags or {}), []
        final_tags = dict(set_tags)

    changed = current is None or bool(plan or set_tags or unset_tags)
    diff = {"before": view(name, domains, tags) if current else {}, "after": view(name, final_domains, final_tags)}

    if module.check_mode or not changed:
        shown = dict(current or {"Name": name})
        return {
            "changed": changed,
            "diff": diff,
            "firewall_domain_list": result(shown, domains=final_domains, tags=final_tags),
        }

    settling = bool(plan) or current is None
    if current is None:
        current = create_domain_list(client, name, final_tags)
    else:
        apply_tag_changes(client, current["Arn"], set_tags, unset_tags)

    status = current.get("Status")
    for operation, batch in plan:
        if status not in DOMAIN_LIST_SETTLED:
            wait_domain_list(client, current["Id"], timeout, settled_only=True)
        update_domains(client, current["Id"], operation, batch)
        status = "UPDATING"

    if settling and params["wait"]:
        final = wait_domain_list(client, current["Id"], timeout)
    else:
        final = get_domain_list(client, current["Id"]) or current
    return {
        "changed": True,
        "diff": diff,
        "firewall_domain_list": result(final, domains=final_domains, tags=final_tags),
    }


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    found = find_domain_list(client, name)
    if not found:
        return {"changed": False, "diff": {"before": {}, "after": {}}, "firewall_domain_list": {}}

    before = {"name": name}
    if module._diff:
        before = view(name, list_domains(client, found["Id"]), list_tags(client, found["Arn"]))
    diff = {"before": before, "after": {}}
    if module.check_mode:
        return {"changed": True, "diff": diff, "firewall_domain_list": {}}

    delete_domain_list(client, found["Id"], name)
    if module.params["wait"]:
        wait_domain_list_gone(client, found["Id"], module.params["wait_timeout"])
    return {"changed": True, "diff": diff, "firewall_domain_list": {}}


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        domains=dict(type="list", elements="str"),
        purge_domains=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = resolver_client(module)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53resolver_firewall_rule_group_association
short_description: Associate a Route 53 Resolver DNS Firewall rule group with a VPC
version_added: 0.1.0
description:
  - Associates a DNS Firewall rule group with a VPC, so that the VPC's DNS queries are filtered by its rules;
    updates the association's priority, mutation protection and name; removes the association.
  - An association is identified by its VPC and its rule group (AWS allows one association per pair).
  - AWS applies an association asynchronously (status C(UPDATING), then C(COMPLETE); C(DELETING) on removal); the
    module waits for the outcome unless O(wait=false).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - The VPC whose DNS queries the rule group filters.
    type: str
    required: true
  firewall_rule_group_name:
    description:
      - The name of the rule group, see M(multiregion.serverless.route53resolver_firewall_rule_group).
      - The group must exist; in check mode a missing group is reported as a warning, since an earlier task may only
        have pretended to create it.
      - Exactly one of O(firewall_rule_group_name) and O(firewall_rule_group_id) is required.
    type: str
  firewall_rule_group_id:
    description:
      - The ID of the rule group.
    type: str
  name:
    description:
      - The name of the association. Required with O(state=present).
    type: str
  priority:
    description:
      - The order in which DNS Firewall applies the rule groups associated with the VPC, lowest first; unique per VPC.
      - The API reference allows 100 to 9900; CloudFormation and the CDK keep the two ends for AWS, so 101 to 9899
        is the safe range.
      - Required with O(state=present).
    type: int
  mutation_protection:
    description:
      - V(ENABLED) makes AWS refuse changes to and removal of the association.
      - When omitted, AWS applies V(DISABLED) to a new association and an existing one keeps its setting.
      - With O(state=absent), V(DISABLED) lifts the protection of a protected association before removing it; without
        it the module refuses to remove a protected association.
    type: str
    choices: [ENABLED, DISABLED]
  state:
    description:
      - V(present) creates or updates the association, V(absent) removes it.
  wait:
    description:
      - Whether to wait until AWS reports the association C(COMPLETE), or gone when removing it.
      - Whatever this says, the module waits for an association that is C(UPDATING) before changing it again.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, at most.
    type: int
    default: 300
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# The rule group is made as in the examples of multiregion.serverless.route53resolver_firewall_rule_group, its
# domain lists as in those of multiregion.serverless.route53resolver_firewall_domain_list.
- name: Filter the VPC's DNS with the rule group
  multiregion.serverless.route53resolver_firewall_rule_group_association:
    name: "{{ deployment }}-egress-dns"
    firewall_rule_group_name: "{{ deployment }}-egress-dns"
    vpc_id: "{{ vpc_id }}"
    priority: 101
    mutation_protection: DISABLED
    tags:
      deployment: "{{ deployment }}"
  register: association

- name: Fail closed when the firewall cannot answer
  multiregion.serverless.route53resolver_firewall_config:
    resource_id: "{{ vpc_id }}"
    firewall_fail_open: DISABLED

- name: Remove the association, lifting its mutation protection
  multiregion.serverless.route53resolver_firewall_rule_group_association:
    firewall_rule_group_name: "{{ deployment }}-egress-dns"
    vpc_id: "{{ vpc_id }}"
    mutation_protection: DISABLED
    state: absent
"""

RETURN = r"""
firewall_rule_group_association:
  description:
    - The association. Empty when O(state=absent).
    - In check mode, what the association would be; for an association that would be created, without the keys only
      AWS can know.
  returned: always
  type: dict
  contains:
    id:
      description: The ID of the association.
      returned: when the association exists
      type: str
      sample: rslvr-frgassoc-0123456789abcdef
    arn:
      description: The ARN of the association.
      returned: when the association exists
      type: str
    firewall_rule_group_id:
      description: The ID of the rule group.
      returned: always
      type: str
    vpc_id:
      description: The ID of the VPC.
      returned: always
      type: str
    name:
      description: The name of the association.
      returned: always
      type: str
    priority:
      description: The priority of the association.
      returned: always
      type: int
      sample: 101
    mutation_protection:
      description: C(ENABLED) or C(DISABLED).
      returned: when known
      type: str
    managed_owner_name:
      description: The AWS service that created the association, for associations AWS manages.
      returned: when AWS gives one
      type: str
    status:
      description: C(COMPLETE), C(UPDATING) or C(DELETING).
      returned: when the association exists
      type: str
    status_message:
      description: What AWS says about the status.
      returned: when AWS gives one
      type: str
    creator_request_id:
      description: The idempotency token the association was created with, new for each association.
      returned: when the association exists
      type: str
    creation_time:
      description: When the association was created (ISO 8601).
      returned: when the association exists
      type: str
    modification_time:
      description: When the association was last changed (ISO 8601).
      returned: when the association exists
      type: str
    tags:
      description: The tags of the association.
      returned: always
      type: dict
"""

from typing import Any

from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import ResolverErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import apply_tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import association_filters
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import creator_request_id
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import find_rule_group
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_associations
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import resolver_client
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import result
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import wait_association
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import wait_association_gone
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3

MUTABLE_KEYS = ("Name", "Priority", "MutationProtection")


# ---- what would change (pure) --------------------------------------------------------------------------------


def compute_association_changes(current: dict | None, wanted: dict) -> dict:
    """The mutable properties to send to UpdateFirewallRuleGroupAssociation; a property wanted as None stays."""
    if current is None:
        return {}
    return {key: wanted[key] for key in MUTABLE_KEYS if wanted.get(key) is not None and wanted[key] != current.get(key)}


def build_associate_request(
    group_id: str,
    vpc_id: str,
    name: str,
    priority: int,
    mutation_protection: str | None,
    tags: dict | None,
    token: str,
) -> dict:
    """``token``: the CreatorRequestId of this association, the same for its retries (see creator_request_id)."""
    request: dict[str, Any] = {
        "CreatorRequestId": token,
        "FirewallRuleGroupId": group_id,
        "VpcId": vpc_id,
        "Name": name,
        "Priority": priority,
    }
    if mutation_protection is not None:
        request["MutationProtection"] = mutation_protection
    if tags:
        request["Tags"] = tags_to_boto3(tags)
    return request


def build_update_request(association_id: str, changes: dict) -> dict:
    return dict(changes, FirewallRuleGroupAssociationId=association_id)


def view(association: dict | None, tags: dict) -> dict:
    if association is None:
        return {}
    shown = {
        "firewall_rule_group_id": association.get("FirewallRuleGroupId"),
        "vpc_id": association.get("VpcId"),
        "name": association.get("Name"),
        "priority": association.get("Priority"),
        "mutation_protection": association.get("MutationProtection"),
        "tags": dict(tags),
    }
    return {key: value for key, value in shown.items() if value is not None}


# ---- calls ---------------------------------------------------------------------------------------------------


@ResolverErrorHandler.common_error_handler("associate firewall rule group {group_id} with VPC {vpc_id}")
def associate(client, group_id: str, vpc_id: str, request: dict) -> dict:
    created = client.associate_firewall_rule_group(aws_retry=True, **request)["FirewallRuleGroupAssociation"]
    if created.get("Status") == "DELETING":
        # Not an association this request made: make one with another token.
        request = dict(request, CreatorRequestId=creator_request_id("frgassoc"))
        created = client.associate_firewall_rule_group(aws_retry=True, **request)["FirewallRuleGroupAssociation"]
    return created


@ResolverErrorHandler.common_error_handler("update firewall rule group association {association_id}")
def update_association(client, association_id: str, changes: dict) -> dict:
    answer = client.update_firewall_rule_group_association(
        aws_retry=True, **build_update_request(association_id, changes)
    )
    return answer["FirewallRuleGroupAssociation"]


@ResolverErrorHandler.deletion_error_handler("remove firewall rule group association {association_id}")
def disassociate(client, association_id: str) -> bool:
    client.disassociate_firewall_rule_group(FirewallRuleGroupAssociationId=association_id, aws_retry=True)
    return True


def resolve_group_id(module, client) -> str | None:
    """The rule group's ID; None in check mode for a group an earlier task would have created."""
    params = module.params
    if params["firewall_rule_group_id"]:
        return params["firewall_rule_group_id"]
    name = params["firewall_rule_group_name"]
    found = find_rule_group(client, name, owned_only=False)
    if found:
        return found["Id"]
    message = f"Firewall rule group {name} does not exist in {module.region}"
    if params["state"] == "absent":
        return None
    if not module.check_mode:
        raise MultiregionAWSError(message=message + "; create it first")
    module.warn(message + "; assuming an earlier task would have created it")
    return None


def find_association(client, vpc_id: str, group_id: str | None) -> dict | None:
    if group_id is None:
        return None
    found = list_associations(client, association_filters(vpc_id=vpc_id, group_id=group_id))
    return found[0] if found else None


# ---- states --------------------------------------------------------------------------------------------------


def ensure_present(module, client) -> dict:
    params = module.params
    timeout = params["wait_timeout"]
    group_id = resolve_group_id(module, client)
    current = find_association(client, params["vpc_id"], group_id)
    if current and current.get("Status") == "DELETING":
        # A removal in progress: a new association can only be made once the old one is gone.
        if not module.check_mode:
            wait_association_gone(client, current["Id"], timeout)
        current = None
    tags = list_tags(client, current["Arn"]) if current else {}

    wanted = {
        "Name": params["name"],
        "Priority": params["priority"],
        "MutationProtection": params["mutation_protection"],
    }
    changes = compute_association_changes(current, wanted)
    if current:
        set_tags, unset_tags = tag_changes(tags, params["tags"], params["purge_tags"])
        final_tags = {k: v for k, v in tags.items() if k not in unset_tags}
        final_tags.update(set_tags)
        expected = dict(current, **changes)
    else:
        set_tags, unset_tags = dict(params["tags"] or {}), []
        final_tags = dict(set_tags)
        expected = dict(wanted, VpcId=params["vpc_id"], FirewallRuleGroupId=group_id)
        expected = {k: v for k, v in expected.items() if v is not None}

    changed = current is None or bool(changes or set_tags or unset_tags)
    diff = {"before": view(current, tags), "after": view(expected, final_tags)}
    if module.check_mode or not changed:
        return {"changed": changed, "diff": diff, "firewall_rule_group_association": result(expected, tags=final_tags)}

    if current is None:
        request = build_associate_request(
            group_id,
            params["vpc_id"],
            params["name"],
            params["priority"],
            params["mutation_protection"],
            final_tags,
            creator_request_id("frgassoc"),
        )
        current = associate(client, group_id, params["vpc_id"], request)
        settling = True
    else:
        settling = bool(changes)
        if changes:
            if current.get("Status") != "COMPLETE":
                wait_association(client, current["Id"], timeout)
            current = update_association(client, current["Id"], changes)
        apply_tag_changes(client, current["Arn"], set_tags, unset_tags)
    if settling and params["wait"] and current.get("Status") != "COMPLETE":
        current = wait_association(client, current["Id"], timeout)
    return {"changed": True, "diff": diff, "firewall_rule_group_association": result(current, tags=final_tags)}


def ensure_absent(module, client) -> dict:
    params = module.params
    timeout = params["wait_timeout"]
    current = find_association(client, params["vpc_id"], resolve_group_id(module, client))
    unchanged = {"changed": False, "diff": {"before": {}, "after": {}}, "firewall_rule_group_association": {}}
    if current is None:
        return unchanged
    if current.get("Status") == "DELETING":
        if params["wait"] and not module.check_mode:
            wait_association_gone(client, current["Id"], timeout)
        return unchanged

    protected = current.get("MutationProtection") == "ENABLED"
    if protected and params["mutation_protection"] != "DISABLED":
        raise MultiregionAWSError(
            message=f"Firewall rule group association {current['Id']} of VPC {params['vpc_id']} has mutation "
            "protection ENABLED; give mutation_protection=DISABLED with state=absent to lift it and remove the "
            "association"
        )
    tags = list_tags(client, current["Arn"]) if module._diff else {}
    diff = {"before": view(current, tags), "after": {}}
    if module.check_mode:
        return {"changed": True, "diff": diff, "firewall_rule_group_association": {}}

    if protected:
        current = update_association(client, current["Id"], {"MutationProtection": "DISABLED"})
    if current.get("Status") != "COMPLETE":
        # AWS refuses to remove an association while it is being updated.
        wait_association(client, current["Id"], timeout)
    disassociate(client, current["Id"])
    if params["wait"]:
        wait_association_gone(client, current["Id"], timeout)
    return {"changed": True, "diff": diff, "firewall_rule_group_association": {}}


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        firewall_rule_group_name=dict(type="str"),
        firewall_rule_group_id=dict(type="str"),
        name=dict(type="str"),
        priority=dict(type="int"),
        mutation_protection=dict(type="str", choices=["ENABLED", "DISABLED"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("firewall_rule_group_name", "firewall_rule_group_id")],
        required_one_of=[("firewall_rule_group_name", "firewall_rule_group_id")],
        required_if=[("state", "present", ("name", "priority"))],
    )
    client = resolver_client(module)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53resolver_firewall_rule_group
short_description: Manage Route 53 Resolver DNS Firewall rule groups and their rules
version_added: 0.1.0
description:
  - Creates, updates and deletes a Route 53 Resolver DNS Firewall rule group, identified by its O(name), and the
    rules in it.
  - AWS does not require names to be unique; the module fails when more than one rule group of the account and
    region carries the name. Rule groups shared with the account by another account are never matched.
  - A rule group filters the DNS queries of a VPC once it is associated with it, see
    M(multiregion.serverless.route53resolver_firewall_rule_group_association).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The name of the rule group.
    type: str
    required: true
  rules:
    description:
      - The rules of the group.
      - AWS keys a rule by its rule group, its domain list and its query type, so a rule is identified here by its
        domain list (O(rules[].firewall_domain_list_name) or O(rules[].firewall_domain_list_id)) and its
        O(rules[].q_type). A rule whose other properties differ is updated in place; two rules with the same
        domain list and query type are an error.
      - With O(purge_rules=true) the group ends up holding exactly these rules; rules that are not listed are
        deleted, DNS Firewall Advanced rules included.
      - When omitted, the rules are left as they are.
      - Priorities may be swapped between rules in one run; the module parks a rule on a free priority while the
        other moves.
    type: list
    elements: dict
    suboptions:
      name:
        description: The name of the rule.
        type: str
        required: true
      priority:
        description:
          - The order in which DNS Firewall applies the rule, lowest first. Unique within the group.
        type: int
        required: true
      action:
        description:
          - V(ALLOW) lets the query through, V(ALERT) lets it through and logs it, V(BLOCK) answers it as
            O(rules[].block_response) says.
        type: str
        required: true
        choices: [ALLOW, BLOCK, ALERT]
      firewall_domain_list_name:
        description:
          - The name of the domain list the rule applies to. AWS-managed lists can be named too.
          - The list must exist; in check mode a missing list is reported as a warning, since an earlier task may
            only have pretended to create it.
          - Exactly one of O(rules[].firewall_domain_list_name) and O(rules[].firewall_domain_list_id) is required.
        type: str
      firewall_domain_list_id:
        description:
          - The ID of the domain list the rule applies to.
        type: str
      block_response:
        description:
          - How a blocked query is answered; required with O(rules[].action=BLOCK), not allowed with another action.
          - V(NODATA) says the name exists but has no record of that type, V(NXDOMAIN) says it does not exist,
            V(OVERRIDE) answers with O(rules[].block_override_domain).
        type: str
        choices: [NODATA, NXDOMAIN, OVERRIDE]
      block_override_domain:
        description:
          - The domain a blocked query is answered with; required with O(rules[].block_response=OVERRIDE).
        type: str
      block_override_dns_type:
        description:
          - The record type of the override answer; required with O(rules[].block_response=OVERRIDE).
        type: str
        choices: [CNAME]
      block_override_ttl:
        description:
          - The TTL, in seconds, of the override answer; required with O(rules[].block_response=OVERRIDE).
        type: int
      firewall_domain_redirection_action:
        description:
          - Whether the rule inspects every domain of a redirection chain (CNAME, DNAME) or trusts the targets of
            a redirection once the first domain passed.
          - When omitted, AWS applies V(INSPECT_REDIRECTION_DOMAIN) to a new rule and an existing rule keeps its
            setting.
        type: str
        choices: [INSPECT_REDIRECTION_DOMAIN, TRUST_REDIRECTION_DOMAIN]
      q_type:
        description:
          - The DNS query type the rule applies to, for example V(A), V(AAAA), V(MX) or V(TYPE28); every type when
            omitted. Compared without case.
          - Part of what identifies a rule, so changing it replaces the rule.
        type: str
  purge_rules:
    description:
      - Whether rules of the group that are not in O(rules) are deleted.
      - Has no effect when O(rules) is omitted.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes its rules and then the group.
      - A group that is still associated with a VPC is not deleted; the module fails naming the VPCs. Remove the
        associations first.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# A VPC that may resolve AWS service names and nothing else: allow the list of AWS domains first, then answer
# every other query with NODATA. The two lists are made as in the examples of
# multiregion.serverless.route53resolver_firewall_domain_list; the association of the group with the VPC and the
# fail-closed setting are in those of multiregion.serverless.route53resolver_firewall_rule_group_association.
- name: Allow AWS, block the rest
  multiregion.serverless.route53resolver_firewall_rule_group:
    name: "{{ deployment }}-egress-dns"
    rules:
      - name: allow-aws
        priority: 100
        action: ALLOW
        firewall_domain_list_name: "{{ deployment }}-aws-domains"
      - name: block-everything-else
        priority: 200
        action: BLOCK
        block_response: NODATA
        firewall_domain_list_name: "{{ deployment }}-all"
    tags:
      deployment: "{{ deployment }}"

# Redirect blocked queries to a sinkhole instead.
- name: Block with an override answer
  multiregion.serverless.route53resolver_firewall_rule_group:
    name: sinkhole
    rules:
      - name: to-sinkhole
        priority: 100
        action: BLOCK
        block_response: OVERRIDE
        block_override_domain: sinkhole.example.com
        block_override_dns_type: CNAME
        block_override_ttl: 60
        firewall_domain_list_name: AWSManagedDomainsMalwareDomainList

- name: Delete the group and its rules (after its associations)
  multiregion.serverless.route53resolver_firewall_rule_group:
    name: "{{ deployment }}-egress-dns"
    state: absent
"""

RETURN = r"""
firewall_rule_group:
  description:
    - The rule group. Empty when O(state=absent).
    - In check mode, what the group would be; for a group that would be created, only
      RV(firewall_rule_group.name), RV(firewall_rule_group.rules) and RV(firewall_rule_group.tags).
  returned: always
  type: dict
  contains:
    id:
      description: The ID of the group.
      returned: when the group exists
      type: str
      sample: rslvr-frg-0123456789abcdef
    arn:
      description: The ARN of the group.
      returned: when the group exists
      type: str
    name:
      description: The name of the group.
      returned: always
      type: str
    rule_count:
      description: How many rules AWS counts in the group.
      returned: when the group exists
      type: int
    status:
      description: C(COMPLETE), C(DELETING) or C(UPDATING).
      returned: when the group exists
      type: str
    status_message:
      description: What AWS says about the status.
      returned: when AWS gives one
      type: str
    owner_id:
      description: The account that owns the group.
      returned: when the group exists
      type: str
    share_status:
      description: C(NOT_SHARED), C(SHARED_WITH_ME) or C(SHARED_BY_ME).
      returned: when the group exists
      type: str
    creator_request_id:
      description: The idempotency token the group was created with, new for each create.
      returned: when the group exists
      type: str
    creation_time:
      description: When the group was created (ISO 8601).
      returned: when the group exists
      type: str
    modification_time:
      description: When the group was last changed (ISO 8601).
      returned: when the group exists
      type: str
    rules:
      description: The rules of the group, sorted by priority, with the keys of O(rules) plus those AWS adds.
      returned: always
      type: list
      elements: dict
      sample:
        - name: allow-aws
          priority: 100
          action: ALLOW
          firewall_domain_list_id: rslvr-fdl-0123456789abcdef
          firewall_rule_group_id: rslvr-frg-0123456789abcdef
          firewall_domain_redirection_action: INSPECT_REDIRECTION_DOMAIN
    tags:
      description: The tags of the group.
      returned: always
      type: dict
"""

from typing import Any

from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import ResolverErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import apply_tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import association_filters
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import create_named
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import creator_request_id
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import error_code
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import find_by_name
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import find_rule_group
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import get_rule_group
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_associations
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_domain_lists
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_rules
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import poll
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import resolver_client
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

# Rule options and the request keys they become.
OPTION_KEYS = {
    "name": "Name",
    "priority": "Priority",
    "action": "Action",
    "block_response": "BlockResponse",
    "block_override_domain": "BlockOverrideDomain",
    "block_override_dns_type": "BlockOverrideDnsType",
    "block_override_ttl": "BlockOverrideTtl",
    "firewall_domain_redirection_action": "FirewallDomainRedirectionAction",
    "q_type": "Qtype",
}
OVERRIDE_OPTIONS = ("block_override_domain", "block_override_dns_type", "block_override_ttl")
BLOCK_KEYS = ("BlockResponse", "BlockOverrideDomain", "BlockOverrideDnsType", "BlockOverrideTtl")
VIEW_KEYS = dict(
    [(api, option) for option, api in OPTION_KEYS.items()]
    + [
        ("FirewallDomainListId", "firewall_domain_list_id"),
        ("FirewallThreatProtectionId", "firewall_threat_protection_id"),
    ]
)

# Seconds the group's listing may take to show the rules just set.
CONFIRM_TIMEOUT = 60

# Shown in check mode for a rule whose domain list does not exist yet.
PLACEHOLDER_ID = "(domain list {name}, not created yet)"


# ---- what would change (pure) --------------------------------------------------------------------------------


def validate_rule_options(rules: list[dict]) -> list[str]:
    """What is wrong with the rules as given, before anything is looked up."""
    errors = []
    seen_priorities: dict[int, str] = {}
    for rule in rules:
        name = rule["name"]
        if rule["action"] != "BLOCK":
            given = [o for o in ("block_response",) + OVERRIDE_OPTIONS if rule.get(o) is not None]
            if given:
                errors.append(f"rule {name!r}: {', '.join(given)} apply to action BLOCK only")
        elif rule.get("block_response") is None:
            errors.append(f"rule {name!r}: action BLOCK needs block_response")
        elif rule["block_response"] == "OVERRIDE":
            missing = [o for o in OVERRIDE_OPTIONS if rule.get(o) is None]
            if missing:
                errors.append(f"rule {name!r}: block_response OVERRIDE needs {', '.join(missing)}")
        else:
            given = [o for o in OVERRIDE_OPTIONS if rule.get(o) is not None]
            if given:
                errors.append(f"rule {name!r}: {', '.join(given)} apply to block_response OVERRIDE only")
        priority = rule["priority"]
        if priority in seen_priorities:
            errors.append(f"rules {seen_priorities[priority]!r} and {name!r} have the same priority {priority}")
        seen_priorities.setdefault(priority, name)
    return errors


def rule_spec(rule: dict, domain_list_id: str) -> dict:
    """A rule option as the request keys of CreateFirewallRule / UpdateFirewallRule, without the group."""
    spec: dict[str, Any] = {"FirewallDomainListId": domain_list_id}
    for option, key in OPTION_KEYS.items():
        value = rule.get(option)
        if value is not None:
            spec[key] = value.upper() if option == "q_type" else value
    return spec


def rule_key(rule: dict) -> tuple:
    """What AWS identifies a rule by within its group."""
    qtype = rule.get("Qtype")
    return (rule.get("FirewallDomainListId"), rule.get("FirewallThreatProtectionId"), qtype.upper() if qtype else None)


def key_fields(rule: dict) -> dict:
    """The request keys that name an existing rule within its group."""
    return {k: rule[k] for k in ("FirewallDomainListId", "FirewallThreatProtectionId", "Qtype") if rule.get(k)}


def duplicate_keys(specs: list[dict]) -> list[str]:
    seen: dict[tuple, str] = {}
    errors = []
    for spec in specs:
        key = rule_key(spec)
        if key in seen:
            errors.append(
                f"rules {seen[key]!r} and {spec['Name']!r} use the same domain list and query type; AWS allows one"
                " rule per domain list and query type in a group"
            )
        seen.setdefault(key, spec["Name"])
    return errors


def rule_differences(current: dict, spec: dict) -> list[str]:
    """The request keys whose wanted value differs from the rule's. Block settings count for BLOCK rules only."""
    keys = ["Name", "Priority", "Action"]
    if spec.get("Action") == "BLOCK":
        keys.append("BlockResponse")
        if spec.get("BlockResponse") == "OVERRIDE":
            keys += ["BlockOverrideDomain", "BlockOverrideDnsType", "BlockOverrideTtl"]
    if spec.get("FirewallDomainRedirectionAction") is not None:
        keys.append("FirewallDomainRedirectionAction")
    return [k for k in keys if current.get(k) != spec.get(k)]


def compute_rule_changes(current: list[dict], specs: list[dict] | None, purge: bool) -> dict[str, list[dict]]:
    """{"create": specs, "update": specs, "delete": current rules}. ``specs=None`` leaves the rules alone."""
    changes: dict[str, list[dict]] = {"create": [], "update": [], "delete": []}
    if specs is None:
        return changes
    existing = {rule_key(rule): rule for rule in current}
    wanted = set()
    for spec in specs:
        key = rule_key(spec)
        wanted.add(key)
        if key not in existing:
            changes["create"].append(spec)
        elif rule_differences(existing[key], spec):
            changes["update"].append(spec)
    if purge:
        changes["delete"] = [rule for key, rule in existing.items() if key not in wanted]
    return changes


def order_rule_operations(current: list[dict], changes: dict[str, list[dict]]) -> list[tuple[str, dict]]:
    """The calls, as (operation, rule), that apply ``changes`` without two rules ever holding one priority.

    Deletions come first and free their priorities. A rule whose new priority is still held by another rule waits
    until that rule has moved; when rules wait on each other (a swap), one is parked on a free priority ("move").
    """
    operations: list[tuple[str, dict]] = [("delete", rule) for rule in changes["delete"]]
    deleted = {rule_key(rule) for rule in changes["delete"]}
    by_key = {rule_key(rule): rule for rule in current}
    priority_of = {key: rule.get("Priority") for key, rule in by_key.items() if key not in deleted}
    holder = {priority: key for key, priority in priority_of.items()}
    pending = [("update", spec) for spec in changes["update"]] + [("create", spec) for spec in changes["create"]]
    moving = {rule_key(spec) for spec in changes["update"]}
    spare = max([p or 0 for p in priority_of.values()] + [operation[1]["Priority"] for operation in pending] + [0]) + 1

    while pending:
        progressed = False
        for operation in list(pending):
            spec = operation[1]
            key, target = rule_key(spec), spec["Priority"]
            if holder.get(target, key) != key:
                continue
            operations.append(operation)
            pending.remove(operation)
            if holder.get(priority_of.get(key)) == key:
                del holder[priority_of[key]]
            holder[target] = key
            priority_of[key] = target
            moving.discard(key)
            progressed = True
        if progressed:
            continue
        spec = pending[0][1]
        blocker = holder[spec["Priority"]]
        if blocker not in moving:
            raise ValueError(
                f"priority {spec['Priority']} of rule {spec['Name']!r} is held by rule "
                f"{by_key[blocker].get('Name')!r}, which is not in rules and stays (purge_rules is false)"
            )
        parked = dict(key_fields(by_key[blocker]), Priority=spare)
        if by_key[blocker].get("Name"):
            parked["Name"] = by_key[blocker]["Name"]
        operations.append(("move", parked))
        del holder[priority_of[blocker]]
        holder[spare] = blocker
        priority_of[blocker] = spare
        spare += 1
    return operations


def build_create_rule_request(group_id: str, spec: dict, token: str) -> dict:
    """``token``: the CreatorRequestId of this create, the same for its retries (see creator_request_id)."""
    return dict(spec, CreatorRequestId=token, FirewallRuleGroupId=group_id)


def build_update_rule_request(group_id: str, spec: dict) -> dict:
    return dict(spec, FirewallRuleGroupId=group_id)


def build_delete_rule_request(group_id: str, rule: dict) -> dict:
    return dict(key_fields(rule), FirewallRuleGroupId=group_id)


def unconfirmed_rules(listed: list[dict], operations: list[tuple[str, dict]]) -> list[str]:
    """What ``listed`` (ListFirewallRules after the changes) does not show of the operations made, as messages.

    A create or update counts when a rule of its key is listed with the wanted name, priority, action and block
    settings; a delete when no rule of its key is listed. Moves are intermediate and not checked.
    """
    final: dict[tuple, tuple[str, dict]] = {}
    for operation, rule in operations:
        if operation != "move":
            final[rule_key(rule)] = (operation, rule)
    by_key = {rule_key(rule): rule for rule in listed}
    problems = []
    for key, (operation, rule) in final.items():
        found = by_key.get(key)
        label = rule.get("Name") or rule.get("FirewallDomainListId")
        if operation == "delete":
            if found is not None:
                problems.append(f"rule {label!r} is still listed after its deletion")
        elif found is None:
            problems.append(f"rule {label!r} is not listed after its {operation}")
        else:
            differences = rule_differences(found, rule)
            if differences:
                problems.append(f"rule {label!r} is listed with other {', '.join(differences)} after its {operation}")
    return problems


def rule_view(rule: dict) -> dict:
    return {option: rule[key] for key, option in VIEW_KEYS.items() if rule.get(key) is not None}


def rules_after(current: list[dict], specs: list[dict] | None, purge: bool) -> list[dict]:
    """The rules the group will hold, as request keys."""
    if specs is None:
        return list(current)
    existing = {rule_key(rule): rule for rule in current}
    wanted = {rule_key(spec) for spec in specs}
    kept = [] if purge else [rule for key, rule in existing.items() if key not in wanted]
    merged = []
    for spec in specs:
        rule = dict(existing.get(rule_key(spec), {}), **spec)
        if rule.get("Action") != "BLOCK":
            rule = {k: v for k, v in rule.items() if k not in BLOCK_KEYS}
        merged.append(rule)
    return sorted(kept + merged, key=lambda rule: rule.get("Priority") or 0)


def view(name: str, rules: list[dict], tags: dict) -> dict:
    shown = sorted((rule_view(rule) for rule in rules), key=lambda rule: rule.get("priority") or 0)
    return {"name": name, "rules": shown, "tags": dict(tags)}


# ---- calls ---------------------------------------------------------------------------------------------------


@ResolverErrorHandler.common_error_handler("create firewall rule group {name}")
def create_rule_group(client, name: str, tags: dict) -> dict:
    return create_named(client.create_firewall_rule_group, "FirewallRuleGroup", "frg", name, tags)


@ResolverErrorHandler.common_error_handler("{operation} rule {label} of firewall rule group {group_id}")
def apply_rule_operation(client, group_id: str, operation: str, rule: dict, label: str) -> None:
    if operation == "create":
        request = build_create_rule_request(group_id, rule, creator_request_id("rule"))
        client.create_firewall_rule(aws_retry=True, **request)
    elif operation == "delete":
        client.delete_firewall_rule(aws_retry=True, **build_delete_rule_request(group_id, rule))
    else:
        client.update_firewall_rule(aws_retry=True, **build_update_rule_request(group_id, rule))


@ResolverErrorHandler.deletion_error_handler("delete firewall rule group {name}")
def delete_rule_group(client, group_id: str, name: str) -> bool:
    client.delete_firewall_rule_group(FirewallRuleGroupId=group_id, aws_retry=True)
    return True


def confirm_rules(client, group_id: str, name: str, operations: list[tuple[str, dict]]) -> list[dict]:
    """The group's rules once the listing shows every operation made; an error naming what it does not show."""
    last: list[list[dict]] = []

    def listed() -> list[dict]:
        last[:] = [list_rules(client, group_id)]
        return last[0]

    try:
        return poll(
            listed,
            lambda found: not unconfirmed_rules(found, operations),
            f"the rules of firewall rule group {name}",
            timeout=CONFIRM_TIMEOUT,
        )
    except WaitTimeout:
        problems = unconfirmed_rules(last[0] if last else [], operations)
        raise MultiregionAWSError(
            message=f"Firewall rule group {name} ({group_id}) does not show the rules as set after "
            f"{CONFIRM_TIMEOUT} s: {'; '.join(problems)}"
        ) from None


def resolve_domain_lists(module, client, rules: list[dict]) -> list[dict]:
    """The rules as request specs, with the ID of each domain list named by ``firewall_domain_list_name``."""
    names = sorted({rule["firewall_domain_list_name"] for rule in rules if rule.get("firewall_domain_list_name")})
    ids: dict[str, str | None] = {}
    if names:
        lists = [item for item in list_domain_lists(client) if item.get("Status") != "DELETING"]
        for name in names:
            found = find_by_name(lists, name, "firewall domain list")
            ids[name] = found["Id"] if found else None
    missing = [name for name in names if ids[name] is None]
    if missing:
        users = {
            name: [rule["name"] for rule in rules if rule.get("firewall_domain_list_name") == name] for name in missing
        }
        described = "; ".join(f"{name!r} (used by rule {', '.join(map(repr, users[name]))})" for name in missing)
        message = f"Firewall domain list {described} does not exist in {module.region}"
        if not module.check_mode:
            raise MultiregionAWSError(message=message + "; create it first")
        module.warn(message + "; assuming an earlier task would have created it")
        for name in missing:
            ids[name] = PLACEHOLDER_ID.format(name=name)
    return [
        rule_spec(rule, rule.get("firewall_domain_list_id") or ids[rule["firewall_domain_list_name"]]) for rule in rules
    ]


# ---- states --------------------------------------------------------------------------------------------------


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["name"]

    found = find_rule_group(client, name)
    group = get_rule_group(client, found["Id"]) if found else None
    rules = list_rules(client, group["Id"]) if group else []
    tags = list_tags(client, group["Arn"]) if group else {}

    specs = None if params["rules"] is None else resolve_domain_lists(module, client, params["rules"])
    errors = duplicate_keys(specs or [])
    if errors:
        raise MultiregionAWSError(message="Invalid rules: " + "; ".join(errors))
    changes = compute_rule_changes(rules, specs, params["purge_rules"])
    try:
        operations = order_rule_operations(rules, changes)
    except ValueError as e:
        raise MultiregionAWSError(message=f"Cannot apply the rules of firewall rule group {name}: {e}") from None

    if group:
        set_tags, unset_tags = tag_changes(tags, params["tags"], params["purge_tags"])
        final_tags = updated_tags(tags, set_tags, unset_tags)
    else:
        set_tags, unset_tags = dict(params["tags"] or {}), []
        final_tags = dict(set_tags)
    final_rules = rules_after(rules, specs, params["purge_rules"])

    changed = group is None or bool(operations or set_tags or unset_tags)
    diff = {"before": view(name, rules, tags) if group else {}, "after": view(name, final_rules, final_tags)}
    if module.check_mode or not changed:
        shown = [result(rule) for rule in final_rules]
        return {
            "changed": changed,
            "diff": diff,
            "firewall_rule_group": result(group or {"Name": name}, rules=shown, tags=final_tags),
        }

    if group is None:
        group = create_rule_group(client, name, final_tags)
    else:
        apply_tag_changes(client, group["Arn"], set_tags, unset_tags)
    for operation, rule in operations:
        apply_rule_operation(client, group["Id"], operation, rule, rule.get("Name"))
    if operations:
        # An answer to a create is not proof of the rule (a replayed token answers with what it made before):
        # the group's listing is.
        group = get_rule_group(client, group["Id"]) or group
        rules = confirm_rules(client, group["Id"], name, operations)
    shown = [result(rule) for rule in sorted(rules, key=lambda rule: rule.get("Priority") or 0)]
    return {"changed": True, "diff": diff, "firewall_rule_group": result(group, rules=shown, tags=final_tags)}


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    found = find_rule_group(client, name)
    if not found:
        return {"changed": False, "diff": {"before": {}, "after": {}}, "firewall_rule_group": {}}

    associations = list_associations(client, association_filters(group_id=found["Id"]))
    if associations:
        vpcs = ", ".join(f"{a.get('VpcId')} ({a.get('Status')})" for a in associations)
        raise MultiregionAWSError(
            message=f"Firewall rule group {name} is still associated with VPC {vpcs}; remove the association first "
            "(route53resolver_firewall_rule_group_association with state=absent)"
        )

    rules = list_rules(client, found["Id"])
    tags = list_tags(client, found["Arn"]) if module._diff else {}
    diff = {"before": view(name, rules, tags), "after": {}}
    if module.check_mode:
        return {"changed": True, "diff": diff, "firewall_rule_group": {}}

    for rule in rules:
        apply_rule_operation(client, found["Id"], "delete", rule, rule.get("Name"))
    try:
        delete_rule_group(client, found["Id"], name)
    except MultiregionAWSError as e:
        if error_code(e.exception) == "ConflictException":
            raise MultiregionAWSError(
                message=f"Failed to delete firewall rule group {name}: AWS reports it in use (an association or a "
                "rule created meanwhile)",
                exception=e.exception,
            ) from e
        raise
    return {"changed": True, "diff": diff, "firewall_rule_group": {}}


def main() -> None:
    rule_options = dict(
        name=dict(type="str", required=True),
        priority=dict(type="int", required=True),
        action=dict(type="str", required=True, choices=["ALLOW", "BLOCK", "ALERT"]),
        firewall_domain_list_name=dict(type="str"),
        firewall_domain_list_id=dict(type="str"),
        block_response=dict(type="str", choices=["NODATA", "NXDOMAIN", "OVERRIDE"]),
        block_override_domain=dict(type="str"),
        block_override_dns_type=dict(type="str", choices=["CNAME"]),
        block_override_ttl=dict(type="int"),
        firewall_domain_redirection_action=dict(
            type="str", choices=["INSPECT_REDIRECTION_DOMAIN", "TRUST_REDIRECTION_DOMAIN"]
        ),
        q_type=dict(type="str"),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        rules=dict(
            type="list",
            elements="dict",
            options=rule_options,
            mutually_exclusive=[("firewall_domain_list_name", "firewall_domain_list_id")],
            required_one_of=[("firewall_domain_list_name", "firewall_domain_list_id")],
        ),
        purge_rules=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["state"] == "present" and module.params["rules"]:
        errors = validate_rule_options(module.params["rules"])
        if errors:
            module.fail_json(msg="Invalid rules: " + "; ".join(errors))

    client = resolver_client(module)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

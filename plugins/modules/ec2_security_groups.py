#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_security_groups
short_description: Reconcile a VPC's security groups and their rules, the default group included, in one call
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
version_added: 0.1.0
description:
  - Brings the security groups of one VPC listed in O(groups) in line with their rules (ingress and egress) and tags,
    creating the groups that do not exist.
  - One call does the work of a loop of M(amazon.aws.ec2_security_group) over the groups. A run that changes nothing
    makes one call, DescribeSecurityGroups of the VPC (paginated), whatever the number of groups.
  - "Identity: a group is the VPC's group named O(groups[].name) (a name is unique in a VPC)."
  - The VPC's C(default) group may be listed like any other, by its name; its rules and tags are reconciled, but it
    is never created nor deleted (AWS creates and deletes it with the VPC). Listing it with O(groups[].rules=[]) and
    O(groups[].rules_egress=[]) empties it (Security Hub control EC2.2).
  - A rule names exactly one peer, O(groups[].rules[].cidr_ip), O(groups[].rules[].cidr_ipv6),
    O(groups[].rules[].ip_prefix) (a prefix list), O(groups[].rules[].group_id) or O(groups[].rules[].group_name) (a
    group of the VPC, this list's groups included, also one created by the same call).
  - IPv6 rules are managed as given. In a VPC with an IPv6 block a new group also gets an allow-all IPv6 egress rule,
    revoked like the IPv4 one (see the notes).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - The VPC of the groups.
    type: str
    required: true
  groups:
    description:
      - The security groups.
    type: list
    default: []
    elements: dict
    suboptions:
      name:
        description:
          - The name of the group. V(default) is the VPC's default group.
        type: str
        required: true
      description:
        description:
          - The description of a new group. Required to create a group; AWS cannot change the description of an
            existing group, so a different one is only reported as a warning.
        type: str
      rules:
        description:
          - The inbound rules. Omitted (V(null)), the group's inbound rules are left alone.
          - Each rule is expanded into one rule per port range of O(groups[].rules[].ports) and per peer.
        type: list
        elements: dict
        suboptions: &rule_options
          proto:
            description:
              - The protocol, V(tcp), V(udp), V(icmp), V(icmpv6), V(all) (or V(-1)) or a protocol number.
            type: str
            required: true
          ports:
            description:
              - Ports or port ranges (V(443), V(1024-65535)). Required for V(tcp) and V(udp) unless
                O(groups[].rules[].from_port) and O(groups[].rules[].to_port) are given.
            type: list
            elements: str
          from_port:
            description:
              - The first port of the range, or the ICMP type. With V(icmp) or V(icmpv6), omitted means every type
                (V(-1)).
            type: int
          to_port:
            description:
              - The last port of the range, or the ICMP code. Defaults to O(groups[].rules[].from_port).
            type: int
          cidr_ip:
            description:
              - IPv4 networks.
            type: list
            elements: str
          cidr_ipv6:
            description:
              - IPv6 networks.
            type: list
            elements: str
          ip_prefix:
            description:
              - Prefix list IDs.
            type: list
            elements: str
          group_id:
            description:
              - Security group IDs.
            type: list
            elements: str
          group_name:
            description:
              - Names of security groups of the same VPC (a group of O(groups) included).
            type: list
            elements: str
          rule_desc:
            description:
              - The description of the rule.
            type: str
      rules_egress:
        description:
          - The outbound rules, with the same options as O(groups[].rules). Omitted (V(null)), the group's outbound
            rules are left alone (a new group keeps the allow-all rule AWS gives it).
        type: list
        elements: dict
        suboptions: *rule_options
      tags:
        description:
          - The tags of the group. Omitted (V(null)), the tags are left alone.
        type: dict
        aliases: [resource_tags]
  purge_rules:
    description:
      - Revoke the inbound rules of a group that are not in its O(groups[].rules).
    type: bool
    default: true
  purge_rules_egress:
    description:
      - Revoke the outbound rules of a group that are not in its O(groups[].rules_egress).
    type: bool
    default: true
  purge_tags:
    description:
      - Remove the tags of a group that are not in its O(groups[].tags).
    type: bool
    default: true
  state:
    description:
      - V(present) creates the missing groups and reconciles every listed group; V(absent) deletes the listed groups
        (their rules that reference one another first). V(default) cannot be listed with V(absent).
      - A group still used by a network interface cannot be deleted (C(DependencyViolation)); the failure names the
        interfaces. Wait for them first with M(multiregion.serverless.ec2_network_interfaces_wait).
notes:
  - The diff is keyed by group name and shows the description, the tags and the rules (a peer group by its name when
    it is a group of the VPC); a group to be created shows the allow-all egress rule AWS gives every new group.
  - "A rule is its protocol, port range and peer; its description is updated in place
    (UpdateSecurityGroupRuleDescriptionsIngress/Egress). A prefix-list rule whose description reads back empty is
    taken as matching: the local endpoint drops those descriptions, and rewriting them would change every run."
  - AWS gives every new group an allow-all egress rule that CreateSecurityGroup does not return; when
    O(groups[].rules_egress) is given without it, the module revokes it, as terraform-provider-aws'
    C(aws_security_group) does; so is the allow-all IPv6 egress rule a new group gets in a VPC with an IPv6 block
    (one more RevokeSecurityGroupEgress per new group, answered "unknown" in a VPC without one). EC2 is eventually
    consistent, so the calls on a group just created retry
    C(InvalidGroup.NotFound). A rule already authorized (C(InvalidPermission.Duplicate)) or already revoked
    (C(InvalidPermission.NotFound)) counts as done.
"""

EXAMPLES = r"""
- name: The VPC's default group emptied, HTTPS in to the endpoints, HTTPS out of the functions
  multiregion.serverless.ec2_security_groups:
    vpc_id: "{{ vpc.vpc.id }}"
    groups:
      - name: default
        rules: []
        rules_egress: []
      - name: app-endpoints
        description: "app interface endpoints: HTTPS from the VPC"
        rules:
          - {proto: tcp, ports: [443], cidr_ip: 10.1.0.0/16, rule_desc: HTTPS from the VPC}
        rules_egress: []
        tags: {Name: app-endpoints}
      - name: app-lambda
        description: "app functions: HTTPS to the endpoints, S3 and DynamoDB"
        rules: []
        rules_egress:
          - {proto: tcp, ports: [443], group_name: app-endpoints, rule_desc: HTTPS to the endpoints}
          - {proto: tcp, ports: [443], ip_prefix: [pl-6da54004, pl-6ea54007], rule_desc: HTTPS to S3 and DynamoDB}
        tags: {Name: app-lambda}
  register: security_groups

- name: Delete two groups
  multiregion.serverless.ec2_security_groups:
    vpc_id: "{{ vpc.vpc.id }}"
    groups:
      - name: app-lambda
      - name: app-endpoints
    state: absent
"""

RETURN = r"""
groups:
  description:
    - The groups, in the order of O(groups). In check mode a group to be created has no id.
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: The ID of the group; absent for a group to be created in check mode, or not found by O(state=absent).
      type: str
      sample: sg-0123456789abcdef0
    group_name:
      description:
        - The name of the group.
      type: str
      sample: app-endpoints
    description:
      description: The description of the group.
      type: str
      sample: "app interface endpoints: HTTPS from the VPC"
    vpc_id:
      description:
        - The VPC of the group.
      type: str
      sample: vpc-0123456789abcdef0
    rules:
      description:
        - The inbound rules, one per protocol, port range and peer (C(proto), C(from_port), C(to_port), one of
          C(cidr_ip), C(cidr_ipv6), C(ip_prefix), C(group_id) (with C(group_name) for a group of the VPC), and
          C(rule_desc)). Empty with O(state=absent).
      type: list
      elements: dict
    rules_egress:
      description: The outbound rules, as O(groups[].rules).
      type: list
      elements: dict
    tags:
      description: The tags of the group.
      type: dict
    changed:
      description: Whether this group was (or, in check mode, would be) created, changed or deleted.
      type: bool
"""

import ipaddress
from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import retag
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import run_list_module
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import with_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

DEFAULT_GROUP = "default"
# Retried on the calls on a group just created, while EC2 does not know its id yet.
PROPAGATION_CODES = ["InvalidGroup.NotFound"]
EC2Errors = error_handler(["InvalidGroup.NotFound"])

PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
PORTED = ("tcp", "udp")
ICMP = ("icmp", "icmpv6")
# (option, IpPermission list key, key of the peer in that list's items)
PEERS = (
    ("cidr_ip", "IpRanges", "CidrIp"),
    ("cidr_ipv6", "Ipv6Ranges", "CidrIpv6"),
    ("ip_prefix", "PrefixListIds", "PrefixListId"),
    ("group_id", "UserIdGroupPairs", "GroupId"),
)
PEER_OPTIONS = ("cidr_ip", "cidr_ipv6", "ip_prefix", "group_id", "group_name")
# The egress rule AWS gives every new group (CreateSecurityGroup does not return it).
DEFAULT_EGRESS = ("-1", None, None, "cidr_ip", "0.0.0.0/0")
# And in a VPC with an IPv6 block, this one: not in the plan (the VPC is not described), revoked after the create.
DEFAULT_EGRESS_V6 = ("-1", None, None, "cidr_ipv6", "::/0")
DIRECTIONS = (("rules", "IpPermissions"), ("rules_egress", "IpPermissionsEgress"))


class SecurityGroupsError(Exception):
    """The options cannot be reconciled with what the VPC has (a missing default group or peer group)."""


# --- pure functions --------------------------------------------------------------------------------------
# A rule is a key (protocol, from port, to port, peer kind, peer) with a description: the protocol as EC2 reports
# it ("tcp", "-1", "50"), the ports None where the protocol has none, the peer kind one of PEERS' options.


def protocol(value: str) -> str:
    proto = str(value).strip().lower()
    return PROTOCOL_NAMES.get(proto, proto)


def parse_ports(ports: list[str]) -> list[tuple[int, int]]:
    """[(from, to)] of ``ports`` ("443", "1024-65535"); ValueError names a bad one."""
    ranges = []
    for port in ports:
        text = str(port).strip()
        first, _dash, last = text.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise ValueError(f"{port!r} is not a port or a port range") from None
        if not 0 <= low <= high <= 65535:
            raise ValueError(f"{port!r} is not a port range within 0-65535")
        ranges.append((low, high))
    return ranges


def rule_ranges(rule: dict) -> list[tuple[Optional[int], Optional[int]]]:
    """The port ranges of a rule of the options (validated), as EC2 reports them for its protocol."""
    proto = protocol(rule["proto"])
    if proto in ICMP:
        if rule.get("from_port") is None:
            return [(-1, -1)]
        return [(rule["from_port"], rule["to_port"] if rule.get("to_port") is not None else -1)]
    if proto not in PORTED:
        return [(None, None)]
    if rule.get("ports"):
        return parse_ports(rule["ports"])
    return [(rule["from_port"], rule["to_port"] if rule.get("to_port") is not None else rule["from_port"])]


def validate_ports(rule: dict, proto: str, where: str) -> list[str]:
    ports, low, high = rule.get("ports"), rule.get("from_port"), rule.get("to_port")
    if proto not in PORTED + ICMP:
        if ports or low is not None or high is not None:
            return [f"{where}: proto {rule['proto']} has no ports (EC2 ignores them): leave them out"]
        return []
    if ports and (low is not None or high is not None):
        return [f"{where}: give ports or from_port/to_port, not both"]
    if proto in ICMP:
        if ports:
            return [f"{where}: give the ICMP type and code as from_port and to_port, not ports"]
        if low is None and high is not None:
            return [f"{where}: to_port (the ICMP code) needs from_port (the ICMP type)"]
        return []
    if ports:
        try:
            parse_ports(ports)
        except ValueError as e:
            return [f"{where}.ports: {e}"]
        return []
    if low is None:
        return [f"{where}: proto {proto} needs ports or from_port"]
    high = low if high is None else high
    if not 0 <= low <= high <= 65535:
        return [f"{where}: from_port {low} to to_port {high} is not a port range within 0-65535"]
    return []


def validate_rule(rule: dict, where: str) -> list[str]:
    proto = protocol(rule["proto"])
    if proto not in PORTED + ICMP + ("-1",) and not (proto.isdigit() and 0 <= int(proto) <= 255):
        return [f"{where}.proto: {rule['proto']!r} is not tcp, udp, icmp, icmpv6, all or a protocol number"]
    errors = []
    peers = [option for option in PEER_OPTIONS if rule.get(option)]
    if len(peers) != 1:
        errors.append(f"{where}: give exactly one of {', '.join(PEER_OPTIONS)} (given: {', '.join(peers) or 'none'})")
    for option, network in (("cidr_ip", ipaddress.IPv4Network), ("cidr_ipv6", ipaddress.IPv6Network)):
        for cidr in rule.get(option) or []:
            try:
                network(cidr)
            except ValueError as e:
                errors.append(f"{where}.{option}: {cidr!r} is not a network ({e})")
    return errors + validate_ports(rule, proto, where)


def validate(params: dict) -> list[str]:
    """Problems with the options, each naming its option; checked before any AWS call."""
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, group in enumerate(params["groups"]):
        name = group["name"]
        if name in seen:
            errors.append(f"groups[{i}].name: {name!r} is also groups[{seen[name]}].name")
        seen.setdefault(name, i)
        if params["state"] == "absent" and name == DEFAULT_GROUP:
            errors.append(f"groups[{i}].name: the VPC's default group is deleted with the VPC only, not by this module")
        for option, _key in DIRECTIONS:
            for j, rule in enumerate(group.get(option) or []):
                errors += validate_rule(rule, f"groups[{i}].{option}[{j}]")
    return errors


def current_rules(permissions: list[dict]) -> dict[tuple, Optional[str]]:
    """{rule key: description} of DescribeSecurityGroups' IpPermissions(Egress), one per protocol, ports, peer."""
    rules: dict[tuple, Optional[str]] = {}
    for permission in permissions or []:
        proto = protocol(permission["IpProtocol"])
        ports = (permission.get("FromPort"), permission.get("ToPort")) if proto in PORTED + ICMP else (None, None)
        for option, list_key, peer_key in PEERS:
            for peer in permission.get(list_key) or []:
                if peer.get(peer_key):
                    rules[(proto, *ports, option, peer[peer_key])] = peer.get("Description") or None
    return rules


def wanted_rules(rules: list[dict], ids: dict[str, str]) -> dict[tuple, Optional[str]]:
    """{rule key: description} of the options' rules; ``ids`` maps group names to ids (a placeholder for new ones)."""
    wanted: dict[tuple, Optional[str]] = {}
    for rule in rules:
        proto = protocol(rule["proto"])
        peers = [(option, peer) for option in PEER_OPTIONS for peer in rule.get(option) or []]
        for low, high in rule_ranges(rule):
            for option, peer in peers:
                if option == "group_name":
                    option, peer = "group_id", ids[peer]
                elif option in ("cidr_ip", "cidr_ipv6"):
                    peer = str(ipaddress.ip_network(peer))
                wanted[(proto, low, high, option, peer)] = rule.get("rule_desc") or None
    return wanted


def same_description(key: tuple, wanted: Optional[str], current: Optional[str]) -> bool:
    # The local endpoint drops the descriptions of prefix-list rules: an empty one read back is not a change.
    return wanted == current or (key[3] == "ip_prefix" and current is None)


def rule_changes(wanted: Optional[dict], current: dict, purge: bool) -> dict:
    """{"authorize": {key: desc}, "revoke": {key: desc}, "describe": {key: desc}} to go from current to wanted."""
    if wanted is None:
        return {"authorize": {}, "revoke": {}, "describe": {}}
    return {
        "authorize": {k: d for k, d in wanted.items() if k not in current},
        "revoke": {k: d for k, d in current.items() if k not in wanted} if purge else {},
        "describe": {k: d for k, d in wanted.items() if k in current and not same_description(k, d, current[k])},
    }


def after_rules(current: dict, changes: dict) -> dict:
    rules = {k: d for k, d in current.items() if k not in changes["revoke"]}
    rules.update(changes["authorize"])
    rules.update(changes["describe"])
    return rules


def new_group_id(name: str) -> str:
    """The placeholder id of a group to be created, until it has one."""
    return f"(new group {name})"


def group_ids(params: dict, groups: list[dict]) -> dict[str, str]:
    """Names to ids: the VPC's groups, and a placeholder for each listed group that does not exist yet."""
    ids = {g["GroupName"]: g["GroupId"] for g in groups}
    for item in params["groups"]:
        ids.setdefault(item["name"], new_group_id(item["name"]))
    return ids


def plan(params: dict, groups: list[dict], ids: dict[str, str]) -> list[dict]:
    """What to do to bring the listed groups in line with ``params``, given the VPC's ``groups``.

    Each item: the wanted ``name``, ``description`` and ``tags``, the existing ``group`` (or None), ``create``,
    ``delete``, ``tag_changes`` (to set, to remove), and per direction (``rules``, ``rules_egress``) the ``current``
    rules and the ``changes`` (authorize, revoke, describe).
    """
    by_name = {g["GroupName"]: g for g in groups}
    absent = params["state"] == "absent"
    items = []
    for i, wanted in enumerate(params["groups"]):
        name = wanted["name"]
        group = by_name.get(name)
        item: dict[str, Any] = {"name": name, "group": group, "description": wanted.get("description")}
        item["create"] = group is None and not absent
        item["delete"] = group is not None and absent
        if item["create"] and name == DEFAULT_GROUP:
            raise SecurityGroupsError(f"groups[{i}]: the VPC {params['vpc_id']} has no default security group")
        if item["create"] and not wanted.get("description"):
            raise SecurityGroupsError(
                f"groups[{i}].description: group {name} does not exist and needs one to be created"
            )
        current_tags = tags_from_boto3(group.get("Tags")) if group else {}
        item["tags"] = current_tags if wanted.get("tags") is None and not item["create"] else (wanted["tags"] or {})
        item["current_tags"] = current_tags
        item["tag_changes"] = (
            ({}, [])
            if absent or item["create"]
            else tag_changes(current_tags, wanted.get("tags"), params["purge_tags"])
        )
        for option, key in DIRECTIONS:
            if group is not None:
                current = current_rules(group.get(key))
            elif option == "rules_egress" and not absent:
                current = {DEFAULT_EGRESS: None}
            else:
                current = {}
            rules = None if absent else wanted.get(option)
            if rules is not None:
                for j, rule in enumerate(rules):
                    for peer in rule.get("group_name") or []:
                        if peer not in ids:
                            raise SecurityGroupsError(
                                f"groups[{i}].{option}[{j}].group_name: no group {peer} in the VPC {params['vpc_id']}"
                            )
            wanted_keys = None if rules is None else wanted_rules(rules, ids)
            purge = params["purge_rules" if option == "rules" else "purge_rules_egress"]
            item[option] = {"current": current, "changes": rule_changes(wanted_keys, current, purge)}
            if option == "rules_egress":
                item["revoke_default_ipv6"] = (
                    item["create"] and purge and wanted_keys is not None and DEFAULT_EGRESS_V6 not in wanted_keys
                )
        items.append(item)
    return items


def has_changes(item: dict) -> bool:
    set_tags, unset_tags = item["tag_changes"]
    return bool(
        item["create"]
        or item["delete"]
        or set_tags
        or unset_tags
        or any(any(item[option]["changes"].values()) for option, _key in DIRECTIONS)
    )


def rule_view(key: tuple, description: Optional[str], names: dict[str, str]) -> dict:
    proto, low, high, option, peer = key
    view: dict[str, Any] = {"proto": proto}
    if low is not None:
        view.update(from_port=low, to_port=high)
    view[option] = peer
    if option == "group_id" and peer in names:
        view["group_name"] = names[peer]
    if description:
        view["rule_desc"] = description
    return view


def sort_key(key: tuple) -> tuple:
    return tuple("" if v is None else str(v) for v in (key[3], key[4], key[0], key[1], key[2]))


def rules_view(rules: dict, names: dict[str, str]) -> list[dict]:
    return [rule_view(k, rules[k], names) for k in sorted(rules, key=sort_key)]


def group_view(item: dict, names: dict[str, str], after: bool) -> dict:
    group = item["group"] or {}
    view: dict[str, Any] = {
        "description": group.get("Description") or item["description"],
        "tags": updated_tags(item["current_tags"], *item["tag_changes"]) if after else item["current_tags"],
    }
    if after and item["create"]:
        view["tags"] = item["tags"]
    for option, _key in DIRECTIONS:
        rules = item[option]["current"]
        view[option] = rules_view(after_rules(rules, item[option]["changes"]) if after else rules, names)
    return view


def diff_views(items: list[dict], names: dict[str, str]) -> dict:
    before = {i["name"]: group_view(i, names, False) for i in items if not i["create"] and i["group"]}
    after = {i["name"]: group_view(i, names, True) for i in items if not i["delete"] and (i["group"] or i["create"])}
    return {"before": {"groups": before}, "after": {"groups": after}}


def group_result(item: dict, vpc_id: str, names: dict[str, str], group_id: Optional[str]) -> dict:
    result: dict[str, Any] = {"group_name": item["name"], "vpc_id": vpc_id, "changed": has_changes(item)}
    if group_id:
        result["group_id"] = group_id
    if item["delete"] or (not item["group"] and not item["create"]):
        result.update(description=(item["group"] or {}).get("Description"), tags={}, rules=[], rules_egress=[])
        return result
    result.update(group_view(item, names, True))
    return result


def names_by_id(groups: list[dict], ids: dict[str, str]) -> dict[str, str]:
    names = {g["GroupId"]: g["GroupName"] for g in groups}
    names.update({group_id: name for name, group_id in ids.items()})
    return names


def permission(key: tuple, description: Optional[str]) -> dict:
    """The IpPermission of one rule (with its description when given)."""
    proto, low, high, option, peer = key
    found: dict[str, Any] = {"IpProtocol": proto}
    if low is not None:
        found.update(FromPort=low, ToPort=high)
    list_key, peer_key = next((lk, pk) for o, lk, pk in PEERS if o == option)
    entry = {peer_key: peer}
    if description:
        entry["Description"] = description
    found[list_key] = [entry]
    return found


def references_between(items: list[dict]) -> list[tuple[dict, str, dict]]:
    """(item, direction, {key: desc}) of the rules of deleted groups that name another deleted group."""
    deleted = {i["group"]["GroupId"] for i in items if i["delete"]}
    found = []
    for item in items:
        if not item["delete"]:
            continue
        for option, _key in DIRECTIONS:
            own = item["group"]["GroupId"]
            rules = {
                k: d
                for k, d in item[option]["current"].items()
                if k[3] == "group_id" and k[4] in deleted and k[4] != own
            }
            if rules:
                found.append((item, option, rules))
    return found


def outside_references(items: list[dict], groups: list[dict]) -> list[str]:
    """Rules of the VPC's groups that are not deleted and name a deleted group, described for a failure message."""
    deleted = {i["group"]["GroupId"]: i["name"] for i in items if i["delete"]}
    kept = [g for g in groups if g["GroupId"] not in deleted]
    found = []
    for group in kept:
        for _option, key in DIRECTIONS:
            for rule in current_rules(group.get(key)):
                if rule[3] == "group_id" and rule[4] in deleted:
                    found.append(f"{group['GroupName']} ({group['GroupId']}) names {deleted[rule[4]]}")
    return sorted(set(found))


# --- calls -----------------------------------------------------------------------------------------------


@EC2Errors.common_error_handler("describe the security groups of {vpc_id}")
def describe_groups(client, vpc_id: str) -> list[dict]:
    return paginate(client, "describe_security_groups", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "SecurityGroups"
    ]


@EC2Errors.common_error_handler("create security group {name} in {vpc_id}")
def create_group(client, vpc_id: str, name: str, description: str, tags: dict) -> str:
    params = with_tags({"VpcId": vpc_id, "GroupName": name, "Description": description}, "security-group", tags)
    return client.create_security_group(aws_retry=True, **params)["GroupId"]


RULE_CALLS = {
    ("authorize", "rules"): ("authorize_security_group_ingress", "InvalidPermission.Duplicate"),
    ("authorize", "rules_egress"): ("authorize_security_group_egress", "InvalidPermission.Duplicate"),
    ("revoke", "rules"): ("revoke_security_group_ingress", "InvalidPermission.NotFound"),
    ("revoke", "rules_egress"): ("revoke_security_group_egress", "InvalidPermission.NotFound"),
    ("describe", "rules"): ("update_security_group_rule_descriptions_ingress", None),
    ("describe", "rules_egress"): ("update_security_group_rule_descriptions_egress", None),
}


@EC2Errors.common_error_handler("{action} {option} of security group {group_id}")
def change_rules(client, group_id: str, action: str, option: str, rules: dict) -> None:
    """One call for every rule; when EC2 answers that a rule is already there (or already gone), which fails the
    whole call, the rules are sent one by one and that answer counts as done."""
    operation, done_code = RULE_CALLS[(action, option)]
    call = getattr(client, operation)
    keys = sorted(rules, key=sort_key)
    # A revoke names the rule without its description: AWS matches on protocol, ports and peer.
    permissions = [permission(k, None if action == "revoke" else rules[k]) for k in keys]
    try:
        call(aws_retry=True, GroupId=group_id, IpPermissions=permissions)
        return
    except botocore.exceptions.ClientError as e:
        if done_code is None or not is_not_found(e, [done_code]):
            raise
        if len(permissions) == 1:
            return
    for one in permissions:
        try:
            call(aws_retry=True, GroupId=group_id, IpPermissions=[one])
        except botocore.exceptions.ClientError as e:
            if not is_not_found(e, [done_code]):
                raise


@EC2Errors.common_error_handler("revoke the IPv6 allow-all egress rule of new security group {group_id}")
def revoke_default_ipv6_egress(client, group_id: str) -> None:
    """Revoke the IPv6 allow-all egress AWS gives a new group in a VPC with an IPv6 block; in another VPC EC2
    answers that the rule is unknown or that the VPC has no IPv6 range, and there is nothing to revoke."""
    try:
        client.revoke_security_group_egress(
            aws_retry=True, GroupId=group_id, IpPermissions=[permission(DEFAULT_EGRESS_V6, None)]
        )
    except botocore.exceptions.ClientError as e:
        if not is_not_found(e, ["InvalidPermission.NotFound", "InvalidParameterValue"]):
            raise


@EC2Errors.list_error_handler("describe the network interfaces of security group {group_id}", default_value=[])
def interfaces_using(client, group_id: str) -> list[dict]:
    return paginate(client, "describe_network_interfaces", Filters=[{"Name": "group-id", "Values": [group_id]}])[
        "NetworkInterfaces"
    ]


def delete_group(client, name: str, group_id: str) -> bool:
    """Delete a group; False when it is already gone. A group still in use fails naming what uses it."""
    try:
        client.delete_security_group(aws_retry=True, GroupId=group_id)
        return True
    except botocore.exceptions.ClientError as e:
        if is_not_found(e, ["InvalidGroup.NotFound"]):
            return False
        if not is_not_found(e, ["DependencyViolation", "InvalidGroup.InUse"]):
            raise SecurityGroupsError(f"Failed to delete security group {name} ({group_id}): {e}") from e
        interfaces = ", ".join(
            f"{i['NetworkInterfaceId']} ({i.get('Status')}, {i.get('Description') or 'no description'})"
            for i in interfaces_using(client, group_id)
        )
        raise SecurityGroupsError(
            f"Failed to delete security group {name} ({group_id}): {e.response['Error']['Code']}: still used by"
            f" {('the network interfaces ' + interfaces) if interfaces else 'another group or resource'}; wait for the"
            " interfaces to go (multiregion.serverless.ec2_network_interfaces_wait) and run again"
        ) from e


def apply_item(target, peers, item: dict, group_id: str) -> None:
    """Tags, then revokes, authorizations and description updates of one group: calls on the group through
    ``target``, authorizations through ``peers`` (which retries a new peer group EC2 does not know yet)."""
    if item["tag_changes"][0] or item["tag_changes"][1]:
        retag(target, group_id, "security group", item["tag_changes"])
    if item["revoke_default_ipv6"]:
        revoke_default_ipv6_egress(target, group_id)
    for action in ("revoke", "authorize", "describe"):
        for option, _key in DIRECTIONS:
            rules = item[option]["changes"][action]
            if rules:
                change_rules(peers if action == "authorize" else target, group_id, action, option, rules)


def reconcile(module, client, fresh) -> dict:
    vpc_id = module.params["vpc_id"]
    groups = describe_groups(client, vpc_id)
    params = module.params
    ids = group_ids(params, groups)
    planned = plan(params, groups, ids)
    names = names_by_id(groups, ids)
    diff = diff_views(planned, names)
    changed = any(has_changes(i) for i in planned)
    for item in planned:
        if (
            item["group"]
            and not item["delete"]
            and item["description"]
            and item["group"].get("Description") != item["description"]
        ):
            module.warn(
                f"security group {item['name']} keeps its description {item['group'].get('Description')!r}: AWS cannot"
                " change it (delete and recreate the group to change it)"
            )
    if module.check_mode or not changed:
        return dict(
            changed=changed,
            groups=[group_result(i, vpc_id, names, (i["group"] or {}).get("GroupId")) for i in planned],
            diff=diff,
        )
    if params["state"] == "absent":
        return dict(changed=True, groups=delete_groups(client, vpc_id, planned, groups, names), diff=diff)
    created = {}
    for item in planned:
        if item["create"]:
            created[item["name"]] = create_group(client, vpc_id, item["name"], item["description"], item["tags"])
    if created:
        # The rules naming a new group are planned again with its id.
        ids.update(created)
        names = names_by_id(groups, ids)
        planned = plan(params, groups, ids)
        for item in planned:
            item["create"] = item["name"] in created
    for item in planned:
        group_id = created.get(item["name"]) or item["group"]["GroupId"]
        if has_changes(item):
            target = fresh if item["name"] in created else client
            apply_item(target, fresh if created else target, item, group_id)
    return dict(
        changed=True,
        groups=[
            group_result(i, vpc_id, names, created.get(i["name"]) or (i["group"] or {}).get("GroupId")) for i in planned
        ],
        diff=diff,
    )


def delete_groups(client, vpc_id: str, planned: list[dict], groups: list[dict], names: dict[str, str]) -> list[dict]:
    outside = outside_references(planned, groups)
    if outside:
        raise SecurityGroupsError(
            "Not deleting: rules of groups that stay name groups to delete: "
            + "; ".join(outside)
            + "; remove them first"
        )
    for item, option, rules in references_between(planned):
        change_rules(client, item["group"]["GroupId"], "revoke", option, rules)
    results = []
    for item in planned:
        group_id = (item["group"] or {}).get("GroupId")
        if item["delete"]:
            item["delete"] = delete_group(client, item["name"], group_id)
        results.append(group_result(item, vpc_id, names, group_id))
    return results


RULE_SPEC = dict(
    proto=dict(type="str", required=True),
    ports=dict(type="list", elements="str"),
    from_port=dict(type="int"),
    to_port=dict(type="int"),
    rule_desc=dict(type="str"),
    **{peer: dict(type="list", elements="str") for peer in PEER_OPTIONS},
)
GROUP_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    tags=dict(type="dict", aliases=["resource_tags"]),
    **{option: dict(type="list", elements="dict", options=RULE_SPEC) for option, _key in DIRECTIONS},
)


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        groups=dict(type="list", elements="dict", default=[], options=GROUP_SPEC),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **{purge: dict(type="bool", default=True) for purge in ("purge_rules", "purge_rules_egress", "purge_tags")},
    )
    run_list_module(argument_spec, validate, reconcile, SecurityGroupsError, PROPAGATION_CODES)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_nacls
short_description: Reconcile a VPC's network ACLs, their entries, subnets and tags, in one call
version_added: 0.1.0
description:
  - Brings the network ACLs of one VPC listed in O(nacls) in line with their entries, subnets and tags, the VPC's
    default network ACL included.
  - One call does the work of a loop of M(amazon.aws.ec2_vpc_nacl), with the lookups of the default ACL
    (M(amazon.aws.ec2_vpc_nacl_info)) and of its tags (M(amazon.aws.ec2_tag)). A run that changes nothing makes one
    call (DescribeNetworkAcls of the VPC, every page), which returns every ACL of the VPC with its entries, subnet
    associations and tags.
  - "Identity: an item with O(nacls[].default=true) is the VPC's default network ACL (the one AWS marks C(IsDefault));
    it is never created nor deleted, only its entries, subnets and tags are set. Any other item is the VPC's
    non-default network ACL whose C(Name) tag is O(nacls[].name); when several carry it, the module fails and lists
    them."
  - The items are applied in their order; for each, its tags, then its entries, then its subnets, so a subnet moves to
    an ACL that already has its entries.
  - The built-in last entries of every ACL (rule number 32767, and 32768 for IPv6), which cannot be changed, are
    neither compared nor shown.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - The VPC of the network ACLs.
    type: str
    required: true
  nacls:
    description:
      - The network ACLs.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The C(Name) tag of the network ACL, which identifies a non-default one. Required unless
            O(nacls[].default=true).
          - With O(nacls[].default=true), the C(Name) tag the default network ACL is given.
        type: str
      default:
        description:
          - This item is the VPC's default network ACL.
        type: bool
        default: false
      subnets:
        description:
          - IDs of the subnets associated with the ACL. A listed subnet is moved to it from the ACL it is on
            (ReplaceNetworkAclAssociation).
          - On a non-default ACL the list is complete - a subnet on the ACL that no item lists goes back to the default
            ACL. On the default ACL it only adds - a subnet leaves the default ACL only for another listed ACL.
          - When omitted, the ACL's subnets are left as they are.
        type: list
        elements: str
      ingress:
        description:
          - The ACL's inbound entries, each a list in the form M(amazon.aws.ec2_vpc_nacl) takes -
            C([rule_no, protocol, action, cidr, icmp_type, icmp_code, from_port, to_port]).
          - C(protocol) is C(all), C(tcp), C(udp), C(icmp), C(ipv6-icmp) or a protocol number (C(-1) for all);
            C(action) is C(allow) or C(deny); C(cidr) an IPv4 or IPv6 network. C(icmp_type) and C(icmp_code) are
            required for ICMP and ignored otherwise; C(from_port) and C(to_port) are required for TCP and UDP and
            ignored otherwise (AWS applies such an entry to every port).
          - The list is complete - an entry of the ACL with another rule number is deleted. V([]) leaves only the
            built-in deny-all entry.
          - When omitted, the ACL's inbound entries are left as they are.
        type: list
        elements: list
      egress:
        description:
          - The ACL's outbound entries, in the form of O(nacls[].ingress).
        type: list
        elements: list
      tags:
        description:
          - Tags of the ACL, over O(tags). O(nacls[].name) is its C(Name) tag.
        type: dict
  tags:
    description:
      - Tags every listed ACL carries; O(nacls[].tags) and O(nacls[].name) add to them and win on a shared key.
    type: dict
    default: {}
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags of the listed ACLs that are not in their wanted tags.
    type: bool
    default: true
  state:
    description:
      - V(present) creates the missing non-default ACLs and reconciles every listed ACL; V(absent) moves the subnets
        of the listed non-default ACLs to the default ACL and deletes those ACLs. An item with O(nacls[].default=true)
        is left as it is with V(absent) - the default ACL is never deleted.
  wait_timeout:
    description:
      - How many seconds to wait for a listed subnet to appear among the VPC's network ACL associations (a subnet
        just created may not yet be described). A subnet still not there fails the module.
    type: int
    default: 60
notes:
  - The diff is keyed by ACL (the item's O(nacls[].name), C((default)) for an unnamed default ACL) and shows each ACL's
    id, whether it is the default, its subnets, its entries in the list form and its tags; an ACL that is not listed
    but loses or gains a subnet (the default one, or another) is shown with its subnets only, keyed by its C(Name) tag
    or its id.
  - Entries are keyed by direction and rule number. An entry that differs from the wanted one with the same rule number
    is replaced in place (ReplaceNetworkAclEntry), so no packet meets the ACL without it. AWS speaks protocol
    numbers (C(tcp) is C(6), all is C(-1)) and stores CIDRs in canonical form; the comparison does the same.
  - EC2 is eventually consistent. A new ACL is tagged in its create call (TagSpecifications); the calls that follow
    retry C(InvalidNetworkAclID.NotFound) and C(InvalidAssociationID.NotFound), and DeleteNetworkAcl retries
    C(DependencyViolation) while its subnets' moves propagate, as terraform-provider-aws' C(aws_network_acl),
    C(aws_default_network_acl) and C(aws_network_acl_association) do. Sources checked - the EC2 API reference
    (CreateNetworkAclEntry, ReplaceNetworkAclEntry, ReplaceNetworkAclAssociation, DescribeNetworkAcls), those
    terraform-provider-aws resources and M(amazon.aws.ec2_vpc_nacl).
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The private ACL on every subnet, and the default ACL emptied of every entry
  multiregion.serverless.ec2_vpc_nacls:
    vpc_id: "{{ vpc.vpc.id }}"
    tags:
      Deployment: multiregion
    nacls:
      - name: multiregion-private
        subnets: "{{ subnet_ids }}"
        ingress:
          - [50, tcp, deny, 0.0.0.0/0, null, null, 3389, 3389]
          - [100, tcp, allow, 10.1.0.0/16, null, null, 443, 443]
        egress:
          - [100, tcp, allow, 0.0.0.0/0, null, null, 443, 443]
      - default: true
        name: multiregion-default-deny-all
        ingress: []
        egress: []

- name: Delete the private ACL, its subnets back on the default ACL
  multiregion.serverless.ec2_vpc_nacls:
    vpc_id: "{{ vpc.vpc.id }}"
    nacls:
      - name: multiregion-private
    state: absent
"""

RETURN = r"""
nacls:
  description:
    - The listed ACLs, in the order of O(nacls), as they are after the run (in check mode, as they would be). Empty with
      O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    nacl_id:
      description: The ID of the ACL; absent in check mode for an ACL to be created.
      type: str
      sample: acl-0123456789abcdef0
    name:
      description: The item's O(nacls[].name) (null for an unnamed default ACL).
      type: str
      sample: multiregion-private
    is_default:
      description: Whether it is the VPC's default network ACL.
      type: bool
    subnets:
      description: IDs of the subnets associated with the ACL, sorted.
      type: list
      elements: str
    ingress:
      description: The inbound entries but the built-in ones, by rule number, in the list form of O(nacls[].ingress).
      type: list
      elements: list
      sample: [[100, tcp, allow, 10.1.0.0/16, null, null, 443, 443]]
    egress:
      description: The outbound entries, in the same form.
      type: list
      elements: list
    tags:
      description: The tags of the ACL.
      type: dict
deleted:
  description: IDs of the ACLs O(state=absent) deleted (or would delete, in check mode).
  returned: always
  type: list
  elements: str
"""

import ipaddress
from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import retag
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import run_list_module
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import with_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

EC2Errors = error_handler(["InvalidNetworkAclID.NotFound", "InvalidAssociationID.NotFound"])
# Retried on the calls that follow a create or a move, while EC2 does not know the new id yet.
PROPAGATION_CODES = ["InvalidNetworkAclID.NotFound", "InvalidAssociationID.NotFound"]
# Every ACL ends with these, which can be neither changed nor deleted.
BUILT_IN_RULES = (32767, 32768)
# The names amazon.aws.ec2_vpc_nacl takes; any other protocol is given by its number.
PROTOCOL_NUMBERS = {"all": "-1", "icmp": "1", "tcp": "6", "udp": "17", "ipv6-icmp": "58"}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOL_NUMBERS.items()}
# The protocols whose entries AWS keeps an ICMP type and code for, and those it keeps a port range for.
ICMP = ("1", "58")
PORTS = ("6", "17")
DEFAULT_KEY = "(default)"


class NaclsError(Exception):
    """The options cannot be reconciled with what the VPC has (an ambiguous name, a subnet not in the VPC)."""


# --- pure functions --------------------------------------------------------------------------------------


def protocol_number(value: Any) -> str:
    """The API's protocol number for a name or number; ValueError for anything else."""
    text = str(value).strip().lower()
    if text in PROTOCOL_NUMBERS:
        return PROTOCOL_NUMBERS[text]
    number = int(text)
    if not -1 <= number <= 255:
        raise ValueError(f"protocol {value!r} is not -1 to 255")
    return str(number)


def _int(value: Any, what: str, low: int, high: int) -> int:
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise ValueError(f"{what} is required")
    number = int(str(value).strip())
    if not low <= number <= high:
        raise ValueError(f"{what} {number} is not {low} to {high}")
    return number


def entry_from_list(rule: list, egress: bool) -> dict:
    """The API entry (as DescribeNetworkAcls shows it) for a rule in amazon.aws.ec2_vpc_nacl's list form.

    Only what AWS keeps is kept: ports for TCP and UDP, type and code for ICMP, the CIDR in canonical form.
    ValueError names what is wrong.
    """
    if not isinstance(rule, (list, tuple)) or not 4 <= len(rule) <= 8:
        raise ValueError("is not a list [rule_no, protocol, action, cidr, icmp_type, icmp_code, from_port, to_port]")
    rule_no, protocol, action, cidr, icmp_type, icmp_code, from_port, to_port = list(rule) + [None] * (8 - len(rule))
    entry: dict[str, Any] = {
        "RuleNumber": _int(rule_no, "rule_no", 1, 32766),
        "Protocol": protocol_number(protocol),
        "RuleAction": str(action).lower(),
        "Egress": egress,
    }
    if entry["RuleAction"] not in ("allow", "deny"):
        raise ValueError(f"action {action!r} is not allow or deny")
    network = ipaddress.ip_network(str(cidr), strict=False)
    entry["Ipv6CidrBlock" if network.version == 6 else "CidrBlock"] = str(network)
    if entry["Protocol"] in ICMP:
        entry["IcmpTypeCode"] = {
            "Type": _int(icmp_type, "icmp_type", -1, 255),
            "Code": _int(icmp_code, "icmp_code", -1, 255),
        }
    elif entry["Protocol"] in PORTS:
        low, high = _int(from_port, "from_port", 0, 65535), _int(to_port, "to_port", 0, 65535)
        if low > high:
            raise ValueError(f"from_port {low} is above to_port {high}")
        entry["PortRange"] = {"From": low, "To": high}
    return entry


def comparable(entry: dict) -> dict:
    """An entry as described, reduced to what decides what it does (what ``entry_from_list`` builds)."""
    found = {
        "RuleNumber": entry["RuleNumber"],
        "Protocol": protocol_number(entry["Protocol"]),
        "RuleAction": entry["RuleAction"].lower(),
        "Egress": bool(entry["Egress"]),
    }
    for key in ("CidrBlock", "Ipv6CidrBlock"):
        if entry.get(key):
            found[key] = str(ipaddress.ip_network(entry[key], strict=False))
    if found["Protocol"] in ICMP:
        icmp = entry.get("IcmpTypeCode") or {}
        found["IcmpTypeCode"] = {"Type": icmp.get("Type"), "Code": icmp.get("Code")}
    elif found["Protocol"] in PORTS:
        ports = entry.get("PortRange") or {}
        found["PortRange"] = {"From": ports.get("From"), "To": ports.get("To")}
    return found


def entry_to_list(entry: dict) -> list:
    """The list form of a comparable entry, with the protocol's name where amazon.aws.ec2_vpc_nacl has one."""
    icmp = entry.get("IcmpTypeCode") or {}
    ports = entry.get("PortRange") or {}
    return [
        entry["RuleNumber"],
        PROTOCOL_NAMES.get(entry["Protocol"], entry["Protocol"]),
        entry["RuleAction"],
        entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
        icmp.get("Type"),
        icmp.get("Code"),
        ports.get("From"),
        ports.get("To"),
    ]


def item_key(item: dict) -> str:
    """How the diff names an item: its name, or ``(default)`` for an unnamed default ACL."""
    return item.get("name") or DEFAULT_KEY


def validate(params: dict) -> list[str]:
    """Problems with the options, each naming its option; checked before any AWS call."""
    errors: list[str] = []
    keys: dict[str, int] = {}
    subnets: dict[str, int] = {}
    defaults = [i for i, item in enumerate(params["nacls"]) if item["default"]]
    if len(defaults) > 1:
        errors.append(f"nacls[{defaults[1]}].default: the VPC has one default network ACL, also nacls[{defaults[0]}]")
    for i, item in enumerate(params["nacls"]):
        if not item["default"] and not item.get("name"):
            errors.append(f"nacls[{i}].name is required unless nacls[{i}].default is true")
            continue
        key = item_key(item)
        if key in keys:
            errors.append(f"nacls[{i}].name: {key} is also nacls[{keys[key]}].name")
        keys.setdefault(key, i)
        for subnet_id in item.get("subnets") or []:
            if subnet_id in subnets and subnets[subnet_id] != i:
                errors.append(f"nacls[{i}].subnets: {subnet_id} is also in nacls[{subnets[subnet_id]}].subnets")
            subnets.setdefault(subnet_id, i)
        for direction in ("ingress", "egress"):
            seen: set[int] = set()
            for j, rule in enumerate(item.get(direction) or []):
                try:
                    entry = entry_from_list(rule, direction == "egress")
                except (ValueError, TypeError) as e:
                    errors.append(f"nacls[{i}].{direction}[{j}]: {e}")
                    continue
                if entry["RuleNumber"] in seen:
                    errors.append(f"nacls[{i}].{direction}[{j}]: rule number {entry['RuleNumber']} is listed twice")
                seen.add(entry["RuleNumber"])
    return errors


def current_entries(acl: Optional[dict]) -> dict[tuple[bool, int], dict]:
    """The ACL's entries but the built-in ones, by (egress, rule number)."""
    entries = {}
    for entry in (acl or {}).get("Entries") or []:
        if entry["RuleNumber"] not in BUILT_IN_RULES:
            found = comparable(entry)
            entries[(found["Egress"], found["RuleNumber"])] = found
    return entries


def wanted_entries(item: dict, current: dict[tuple[bool, int], dict]) -> dict[tuple[bool, int], dict]:
    """The entries the ACL should have: the listed directions as listed, the others as they are."""
    wanted = {}
    for egress, direction in ((False, "ingress"), (True, "egress")):
        if item.get(direction) is None:
            wanted.update({k: v for k, v in current.items() if k[0] == egress})
        else:
            for rule in item[direction]:
                entry = entry_from_list(rule, egress)
                wanted[(egress, entry["RuleNumber"])] = entry
    return wanted


def entry_changes(current: dict, wanted: dict) -> dict[str, list[dict]]:
    """``{"delete": [...], "replace": [...], "create": [...]}``: the calls that turn ``current`` into ``wanted``."""
    return {
        "delete": [current[k] for k in sorted(current) if k not in wanted],
        "replace": [wanted[k] for k in sorted(wanted) if k in current and current[k] != wanted[k]],
        "create": [wanted[k] for k in sorted(wanted) if k not in current],
    }


def acl_name(acl: dict) -> Optional[str]:
    return tags_from_boto3(acl.get("Tags")).get("Name")


def associations(acls: list[dict]) -> dict[str, tuple[str, str]]:
    """subnet id -> (ACL id, association id), over every ACL of the VPC."""
    found = {}
    for acl in acls:
        for association in acl.get("Associations") or []:
            if association.get("SubnetId"):
                found[association["SubnetId"]] = (acl["NetworkAclId"], association["NetworkAclAssociationId"])
    return found


def find_acl(acls: list[dict], item: dict) -> Optional[dict]:
    """The item's ACL among the VPC's ``acls``; None when there is none yet."""
    if item["default"]:
        return next(a for a in acls if a.get("IsDefault"))
    matches = [a for a in acls if not a.get("IsDefault") and acl_name(a) == item["name"]]
    if len(matches) > 1:
        listed = ", ".join(sorted(a["NetworkAclId"] for a in matches))
        raise NaclsError(f"{len(matches)} network ACLs of the VPC are named {item['name']}: {listed}; keep one of them")
    return matches[0] if matches else None


def missing_subnets(params: dict, acls: list[dict]) -> list[str]:
    """The listed subnets that no ACL of the VPC is associated with (unknown, or not described yet)."""
    known = associations(acls)
    return sorted({s for item in params["nacls"] for s in item.get("subnets") or [] if s not in known})


def plan(params: dict, acls: list[dict]) -> dict:
    """What to do to bring the VPC's ``acls`` in line with ``params``.

    Returns ``{"items": [...], "delete": [acl, ...], "associations": {subnet: target}, "default_id": id}``. Each
    item holds its ACL (None to create), its ``target`` (the ACL's id, or the item's key for an ACL to be created),
    its wanted tags and entries, ``tags`` (to set, to remove), ``entries`` (delete, replace, create) and ``moves``
    ([(subnet, association id, target)]). ``associations`` is every subnet's target once the plan is applied.
    """
    default = next((a for a in acls if a.get("IsDefault")), None)
    if default is None:
        raise NaclsError(f"VPC {params['vpc_id']} has no default network ACL: does the VPC exist?")
    current = associations(acls)
    after = {subnet: acl_id for subnet, (acl_id, _assoc) in current.items()}
    items, deleted = [], []
    absent = params["state"] == "absent"
    listed = {s for item in params["nacls"] for s in item.get("subnets") or []}
    unknown = sorted(listed - set(current)) if not absent else []
    if unknown:
        raise NaclsError(f"subnets {', '.join(unknown)} are not associated with any network ACL of {params['vpc_id']}")
    for item in params["nacls"]:
        acl = find_acl(acls, item)
        if absent:
            if acl is not None and not item["default"]:
                deleted.append(acl)
                for association in acl.get("Associations") or []:
                    after[association["SubnetId"]] = default["NetworkAclId"]
            continue
        target = acl["NetworkAclId"] if acl else item_key(item)
        tags = {**(params["tags"] or {}), **(item.get("tags") or {})}
        if item.get("name"):
            tags["Name"] = item["name"]
        have = current_entries(acl)
        want = wanted_entries(item, have)
        moves = []
        if item.get("subnets") is not None:
            for subnet in item["subnets"]:
                if current[subnet][0] != target:
                    moves.append((subnet, current[subnet][1], target))
                    after[subnet] = target
            if not item["default"]:
                for subnet, (acl_id, association_id) in sorted(current.items()):
                    if acl_id == target and subnet not in listed:
                        moves.append((subnet, association_id, default["NetworkAclId"]))
                        after[subnet] = default["NetworkAclId"]
        items.append(
            {
                "item": item,
                "key": item_key(item),
                "acl": acl,
                "target": target,
                "wanted_tags": tags,
                "tags": tag_changes(tags_from_boto3(acl.get("Tags")) if acl else {}, tags, params["purge_tags"]),
                "wanted_entries": want,
                "entries": entry_changes(have, want),
                "moves": moves,
            }
        )
    return {"items": items, "delete": deleted, "associations": after, "default_id": default["NetworkAclId"]}


def item_has_changes(item: dict) -> bool:
    return bool(item["acl"] is None or any(item["tags"]) or any(item["entries"].values()) or item["moves"])


def plan_has_changes(planned: dict) -> bool:
    return bool(planned["delete"] or any(item_has_changes(i) for i in planned["items"]))


def entries_view(entries: dict, egress: bool) -> list[list]:
    return [entry_to_list(entries[k]) for k in sorted(entries) if k[0] == egress]


def subnets_of(assoc_map: dict[str, str], target: str) -> list[str]:
    return sorted(s for s, acl_id in assoc_map.items() if acl_id == target)


def acl_view(nacl_id: Optional[str], is_default: bool, subnets: list, entries: dict, tags: dict) -> dict:
    view = {"nacl_id": nacl_id} if nacl_id else {}
    view.update(
        is_default=is_default,
        subnets=subnets,
        ingress=entries_view(entries, False),
        egress=entries_view(entries, True),
        tags=tags,
    )
    return view


def diff_views(planned: dict, acls: list[dict]) -> dict:
    """The diff's before and after: every listed ACL, and every other ACL whose subnets change."""
    before_map = {s: acl_id for s, (acl_id, _a) in associations(acls).items()}
    after_map = planned["associations"]
    before: dict[str, Any] = {"nacls": {}}
    after: dict[str, Any] = {"nacls": {}}
    shown: set[str] = set()
    for item in planned["items"]:
        acl, key, target = item["acl"], item["key"], item["target"]
        if acl:
            shown.add(acl["NetworkAclId"])
            before["nacls"][key] = acl_view(
                target,
                bool(acl.get("IsDefault")),
                subnets_of(before_map, target),
                current_entries(acl),
                tags_from_boto3(acl.get("Tags")),
            )
        after["nacls"][key] = acl_view(
            acl["NetworkAclId"] if acl else None,
            item["item"]["default"],
            subnets_of(after_map, target),
            item["wanted_entries"],
            updated_tags(tags_from_boto3(acl.get("Tags")) if acl else {}, *item["tags"]),
        )
    for acl in planned["delete"]:
        shown.add(acl["NetworkAclId"])
        before["nacls"][acl_name(acl)] = acl_view(
            acl["NetworkAclId"],
            False,
            subnets_of(before_map, acl["NetworkAclId"]),
            current_entries(acl),
            tags_from_boto3(acl.get("Tags")),
        )
    for acl in acls:
        acl_id = acl["NetworkAclId"]
        was, will = subnets_of(before_map, acl_id), subnets_of(after_map, acl_id)
        if acl_id in shown or was == will:
            continue
        key = DEFAULT_KEY if acl.get("IsDefault") else (acl_name(acl) or acl_id)
        before["nacls"][key] = {"nacl_id": acl_id, "subnets": was}
        after["nacls"][key] = {"nacl_id": acl_id, "subnets": will}
    return {"before": before, "after": after}


def nacl_results(planned: dict, created: dict[str, str]) -> list[dict]:
    """The ``nacls`` result: each listed ACL as the plan leaves it; ``created`` gives the ids of new ones by key."""
    results = []
    for item in planned["items"]:
        acl = item["acl"] or {}
        result = acl_view(
            acl.get("NetworkAclId") or created.get(item["key"]),
            item["item"]["default"],
            subnets_of(planned["associations"], item["target"]),
            item["wanted_entries"],
            updated_tags(tags_from_boto3(acl.get("Tags")) if acl else {}, *item["tags"]),
        )
        result["name"] = item["item"].get("name")
        results.append(result)
    return results


# --- calls -----------------------------------------------------------------------------------------------


@EC2Errors.common_error_handler("describe the network ACLs of {vpc_id}")
def describe_acls(client, vpc_id: str) -> list[dict]:
    return paginate(client, "describe_network_acls", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]


@EC2Errors.list_error_handler("describe the network ACLs of subnets {subnet_ids}", default_value=[])
def describe_acls_of(client, vpc_id: str, subnet_ids: list[str]) -> list[dict]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.subnet-id", "Values": subnet_ids}]
    return paginate(client, "describe_network_acls", Filters=filters)["NetworkAcls"]


def wait_for_subnets(client, params: dict, acls: list[dict]) -> list[dict]:
    """The VPC's ACLs, read again until every listed subnet is associated with one of them, at most wait_timeout."""
    missing = missing_subnets(params, acls)
    if not missing:
        return acls
    try:
        wait_for(
            lambda: describe_acls_of(client, params["vpc_id"], missing),
            lambda found: set(missing) <= set(associations(found)),
            f"subnets {', '.join(missing)} in the network ACL associations of {params['vpc_id']}",
            timeout=params["wait_timeout"],
            delay=2,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        left = sorted(set(missing) - set(associations(e.last or [])))
        raise NaclsError(
            f"subnets {', '.join(left)} are not associated with any network ACL of {params['vpc_id']} after"
            f" {params['wait_timeout']} seconds: are they subnets of this VPC?"
        ) from e
    return describe_acls(client, params["vpc_id"])


@EC2Errors.common_error_handler("create network ACL {name} in {vpc_id}")
def create_acl(client, vpc_id: str, name: str, tags: dict) -> dict:
    params = with_tags({"VpcId": vpc_id}, "network-acl", tags)
    return client.create_network_acl(aws_retry=True, **params)["NetworkAcl"]


@EC2Errors.common_error_handler("delete entry {rule} of network ACL {acl_id}")
def delete_entry(client, acl_id: str, rule: str, entry: dict) -> None:
    client.delete_network_acl_entry(
        aws_retry=True, NetworkAclId=acl_id, RuleNumber=entry["RuleNumber"], Egress=entry["Egress"]
    )


@EC2Errors.common_error_handler("replace entry {rule} of network ACL {acl_id}")
def replace_entry(client, acl_id: str, rule: str, entry: dict) -> None:
    client.replace_network_acl_entry(aws_retry=True, NetworkAclId=acl_id, **entry)


@EC2Errors.common_error_handler("create entry {rule} of network ACL {acl_id}")
def create_entry(client, acl_id: str, rule: str, entry: dict) -> None:
    client.create_network_acl_entry(aws_retry=True, NetworkAclId=acl_id, **entry)


@EC2Errors.common_error_handler("move subnet {subnet_id} to network ACL {acl_id}")
def move_subnet(client, subnet_id: str, association_id: str, acl_id: str) -> str:
    response = client.replace_network_acl_association(aws_retry=True, AssociationId=association_id, NetworkAclId=acl_id)
    return response["NewAssociationId"]


@EC2Errors.deletion_error_handler("delete network ACL {acl_id}")
def delete_acl(client, acl_id: str) -> bool:
    client.delete_network_acl(aws_retry=True, NetworkAclId=acl_id)
    return True


def rule_label(entry: dict) -> str:
    return f"{'egress' if entry['Egress'] else 'ingress'} {entry['RuleNumber']}"


def apply_item(client, fresh, vpc_id: str, item: dict, created: dict[str, str]) -> None:
    """Create or reconcile one ACL: tags, entries, then subnets. ``created`` maps new items' keys to their ids;
    ``fresh`` retries the ids EC2 does not know yet, right after a create or a move."""
    if item["acl"] is None:
        new = create_acl(client, vpc_id, item["key"], item["wanted_tags"])
        created[item["key"]] = new["NetworkAclId"]
        # A new ACL carries its tags, and only the built-in entries.
        item["acl"] = {**new, "Tags": tags_to_boto3(item["wanted_tags"])}
        item["tags"] = ({}, [])
    acl_id = item["acl"]["NetworkAclId"]
    if any(item["tags"]):
        retag(fresh, acl_id, "network ACL", item["tags"])
    for entry in item["entries"]["delete"]:
        delete_entry(fresh, acl_id, rule_label(entry), entry)
    for entry in item["entries"]["replace"]:
        replace_entry(fresh, acl_id, rule_label(entry), entry)
    for entry in item["entries"]["create"]:
        create_entry(fresh, acl_id, rule_label(entry), entry)
    for subnet, association_id, target in item["moves"]:
        move_subnet(fresh, subnet, association_id, created.get(target, target))


def reconcile(module, client, fresh) -> dict:
    params = module.params
    acls = describe_acls(client, params["vpc_id"])
    if params["state"] == "present":
        acls = wait_for_subnets(client, params, acls)
    planned = plan(params, acls)
    diff = diff_views(planned, acls)
    changed = plan_has_changes(planned)
    planned_deletes = [a["NetworkAclId"] for a in planned["delete"]]
    if module.check_mode or not changed:
        return dict(changed=changed, nacls=nacl_results(planned, {}), deleted=planned_deletes, diff=diff)
    created: dict[str, str] = {}
    for item in planned["items"]:
        if item_has_changes(item):
            apply_item(client, fresh, params["vpc_id"], item, created)
    deleted = []
    # DeleteNetworkAcl answers DependencyViolation while the moves of the ACL's subnets propagate.
    dependent = module.retrying_client("ec2", extra_codes=["DependencyViolation"]) if planned["delete"] else None
    for acl in planned["delete"]:
        for association in acl.get("Associations") or []:
            move_subnet(fresh, association["SubnetId"], association["NetworkAclAssociationId"], planned["default_id"])
        if delete_acl(dependent, acl["NetworkAclId"]):
            deleted.append(acl["NetworkAclId"])
    return dict(changed=True, nacls=nacl_results(planned, created), deleted=deleted, diff=diff)


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        nacls=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str"),
                default=dict(type="bool", default=False),
                subnets=dict(type="list", elements="str"),
                ingress=dict(type="list", elements="list"),
                egress=dict(type="list", elements="list"),
                tags=dict(type="dict"),
            ),
        ),
        tags=dict(type="dict", default={}, aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait_timeout=dict(type="int", default=60),
    )
    run_list_module(argument_spec, validate, reconcile, NaclsError, PROPAGATION_CODES)


if __name__ == "__main__":
    main()

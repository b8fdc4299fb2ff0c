#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_subnets
short_description: Reconcile a VPC's private subnets, each with a route table of its own, in one call
version_added: 0.1.0
description:
  - Brings a list of subnets of one VPC in line with O(subnets), and gives each subnet a route table of its own,
    associated with it, with no route out of the VPC (the VPC's local routes and the routes VPC gateway endpoints
    add are kept; any other route is removed while O(purge_routes=true)).
  - One call does the work of a loop of M(amazon.aws.ec2_vpc_subnet) and M(amazon.aws.ec2_vpc_route_table) over the
    subnets. A run that changes nothing makes two calls (DescribeSubnets and DescribeRouteTables of the VPC).
  - "Identity: a subnet is the VPC's subnet with O(subnets[].cidr). Its route table is the VPC's non-main route
    table whose C(Name) tag is the C(Name) of O(subnets[].route_table_tags) (all of those tags when they have no
    C(Name)); when several match, the one associated with the subnet is used, otherwise the module fails and lists
    them. An existing subnet or route table is adopted and its tags reconciled."
  - O(state=absent) deletes the listed subnets and their route tables (associations first, then route tables, then
    subnets). A network interface left in a subnet makes its deletion fail (C(DependencyViolation)); wait for them
    first with M(multiregion.serverless.ec2_network_interfaces_wait).
  - IPv6 is not managed.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - The VPC of the subnets.
    type: str
    required: true
  subnets:
    description:
      - The subnets, each with its route table.
    type: list
    elements: dict
    default: []
    suboptions:
      cidr:
        description:
          - The IPv4 CIDR block of the subnet, inside the VPC's.
        type: str
        required: true
      az:
        description:
          - The availability zone of a new subnet. An existing subnet in another zone is an error (a subnet cannot
            move).
          - When omitted, AWS picks the zone of a new subnet, and an existing subnet keeps its own.
        type: str
      map_public_ip_on_launch:
        description:
          - Whether network interfaces created in the subnet get a public IPv4 address.
        type: bool
        default: false
      tags:
        description:
          - Tags of the subnet, over O(tags).
        type: dict
      route_table_tags:
        description:
          - Tags of the subnet's route table, over O(tags). When omitted, the subnet's tags.
          - Their C(Name) (or, without one, all of them) identifies the route table, so each subnet's must differ.
        type: dict
  tags:
    description:
      - Tags every subnet and route table carries; O(subnets[].tags) and O(subnets[].route_table_tags) add to them
        and win on a shared key.
    type: dict
    default: {}
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags of the subnets and route tables that are not in their wanted tags.
    type: bool
    default: true
  purge_routes:
    description:
      - Remove from the route tables every route created with CreateRoute other than those of VPC endpoints.
    type: bool
    default: true
  purge_subnets:
    description:
      - Also delete the VPC's subnets that are not listed and the VPC's non-main route tables that are no listed
        subnet's, among those carrying every tag of O(purge_filter_tags).
    type: bool
    default: false
  purge_filter_tags:
    description:
      - The tags a subnet or route table must carry to be deleted by O(purge_subnets).
      - V({}) (the default) takes every subnet and non-main route table of the VPC.
    type: dict
    default: {}
  state:
    description:
      - V(present) creates and reconciles the subnets and route tables; V(absent) deletes them.
  wait_timeout:
    description:
      - How many seconds to wait for a new subnet to become C(available) before it gets its route table.
    type: int
    default: 300
notes:
  - The diff is keyed by subnet CIDR and shows the zone, C(map_public_ip_on_launch), the tags and the route table (its
    tags, whether it is associated with the subnet, the other subnets associated with it, and the routes
    O(purge_routes) removes); route tables deleted by O(purge_subnets) are under C(other_route_tables).
  - New subnets and route tables are tagged in their create calls. EC2 is eventually consistent, so a subnet or route
    table just created may not be described yet; the module uses the ids the create calls return, and retries
    C(InvalidSubnetID.NotFound) and C(InvalidRouteTableID.NotFound) on the calls that follow (association, tags,
    attributes), as M(amazon.aws.ec2_vpc_subnet) and terraform-provider-aws' C(aws_route_table_association) do.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Three private subnets, each with its own route table and no route out of the VPC
  multiregion.serverless.ec2_vpc_subnets:
    vpc_id: "{{ vpc.vpc.id }}"
    tags:
      Deployment: multiregion
    subnets:
      - cidr: 10.1.0.0/24
        az: eu-west-1a
        tags: {Name: multiregion-private-eu-west-1a}
      - cidr: 10.1.1.0/24
        az: eu-west-1b
        tags: {Name: multiregion-private-eu-west-1b}
      - cidr: 10.1.2.0/24
        az: eu-west-1c
        tags: {Name: multiregion-private-eu-west-1c}
  register: private

- name: Delete every subnet and route table of the VPC
  multiregion.serverless.ec2_vpc_subnets:
    vpc_id: "{{ vpc.vpc.id }}"
    purge_subnets: true
    state: absent
"""

RETURN = r"""
subnets:
  description:
    - The subnets, in the order of O(subnets), with their route tables. In check mode a subnet or route table that
      would be created has no id. Empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    subnet_id:
      description: The ID of the subnet; absent in check mode for a subnet to be created.
      type: str
      sample: subnet-0123456789abcdef0
    cidr_block:
      description: The CIDR block of the subnet.
      type: str
      sample: 10.1.0.0/24
    availability_zone:
      description: The zone of the subnet (null in check mode when AWS would pick it).
      type: str
      sample: eu-west-1a
    map_public_ip_on_launch:
      description: Whether interfaces in the subnet get a public IPv4 address.
      type: bool
    tags:
      description: The tags of the subnet.
      type: dict
    route_table_id:
      description: The ID of the subnet's route table; absent in check mode for a route table to be created.
      type: str
      sample: rtb-0123456789abcdef0
    route_table_tags:
      description: The tags of the route table.
      type: dict
purged:
  description: What O(purge_subnets) or O(state=absent) deleted (or would delete, in check mode).
  returned: always
  type: dict
  contains:
    subnet_ids:
      description: The subnets deleted.
      type: list
      elements: str
    route_table_ids:
      description: The route tables deleted.
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

# What EC2 answers for an id it does not know (yet: right after the create, or any more).
NOT_FOUND_CODES = [
    "InvalidSubnetID.NotFound",
    "InvalidRouteTableID.NotFound",
    "InvalidAssociationID.NotFound",
    "InvalidRoute.NotFound",
]
# Retried on the calls that follow a create, while EC2 does not know the new id yet.
PROPAGATION_CODES = ["InvalidSubnetID.NotFound", "InvalidRouteTableID.NotFound"]
EC2Errors = error_handler(NOT_FOUND_CODES)


class SubnetsError(Exception):
    """The options cannot be reconciled with what the VPC has (a moved subnet, an ambiguous route table)."""


# --- pure functions --------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    """Problems with the options, each naming its option; checked before any AWS call."""
    errors: list[str] = []
    seen_cidrs: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    for i, item in enumerate(params["subnets"]):
        try:
            cidr = str(ipaddress.IPv4Network(item["cidr"]))
        except ValueError as e:
            errors.append(f"subnets[{i}].cidr: {item['cidr']!r} is not an IPv4 network ({e})")
            continue
        if cidr in seen_cidrs:
            errors.append(f"subnets[{i}].cidr: {cidr} is also subnets[{seen_cidrs[cidr]}].cidr")
        seen_cidrs.setdefault(cidr, i)
        key = table_identity(route_table_tags(params["tags"], item))
        if key in seen_keys:
            errors.append(
                f"subnets[{i}].route_table_tags: the route table would be the same as subnets[{seen_keys[key]}]'s"
                " (give each subnet a different Name tag)"
            )
        seen_keys.setdefault(key, i)
    return errors


def subnet_tags(common: dict, item: dict) -> dict:
    return {**(common or {}), **(item.get("tags") or {})}


def route_table_tags(common: dict, item: dict) -> dict:
    if item.get("route_table_tags") is None:
        return subnet_tags(common, item)
    return {**(common or {}), **item["route_table_tags"]}


def table_identity(tags: dict) -> tuple:
    """What identifies a subnet's route table: its Name tag, or all its tags when it has no Name."""
    if "Name" in tags:
        return (("Name", tags["Name"]),)
    return tuple(sorted(tags.items()))


def carries(tags: dict, wanted: dict) -> bool:
    return all(tags.get(k) == v for k, v in wanted.items())


def is_main(table: dict) -> bool:
    return any(a.get("Main") for a in table.get("Associations") or [])


def subnet_associations(table: dict) -> list[dict]:
    return [a for a in table.get("Associations") or [] if a.get("SubnetId") and not a.get("Main")]


def purgeable_routes(table: dict) -> list[dict]:
    """Routes that lead out of the VPC: created with CreateRoute, and not a VPC endpoint's."""
    return [
        r
        for r in table.get("Routes") or []
        if r.get("Origin") == "CreateRoute" and not (r.get("GatewayId") or "").startswith("vpce-")
    ]


def route_destination(route: dict) -> dict:
    """The DeleteRoute parameters naming ``route``."""
    for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"):
        if route.get(key):
            return {key: route[key]}
    return {}


def describe_destination(route: dict) -> str:
    return next(iter(route_destination(route).values()), "?")


def find_table(tables: list[dict], wanted_tags: dict, subnet_id: Optional[str]) -> Optional[dict]:
    """The subnet's route table among the VPC's ``tables``; None when there is none yet."""
    identity = dict(table_identity(wanted_tags))
    matches = [t for t in tables if not is_main(t) and carries(tags_from_boto3(t.get("Tags")), identity)]
    if len(matches) <= 1:
        return matches[0] if matches else None
    associated = [t for t in matches if subnet_id and any(a["SubnetId"] == subnet_id for a in subnet_associations(t))]
    if len(associated) == 1:
        return associated[0]
    listed = ", ".join(sorted(t["RouteTableId"] for t in matches))
    raise SubnetsError(f"{len(matches)} route tables carry the tags {identity}: {listed}; keep one of them")


def table_of_subnet(tables: list[dict], subnet_id: str) -> tuple[Optional[dict], Optional[dict]]:
    """(route table, association) explicitly associated with the subnet, or (None, None)."""
    for table in tables:
        for association in subnet_associations(table):
            if association["SubnetId"] == subnet_id:
                return table, association
    return None, None


def plan(params: dict, subnets: list[dict], tables: list[dict]) -> dict:
    """What to do to bring the VPC's ``subnets`` and route ``tables`` in line with ``params``.

    Returns ``{"items": [...], "purge_subnets": [subnet, ...], "purge_tables": [table, ...]}``. Each item holds
    the wanted subnet and route table, what exists of them, and the changes: ``create_subnet``,
    ``subnet_tags`` (to set, to remove), ``map_public`` (new value or None), ``create_table``, ``table_tags``,
    ``routes`` (to delete), ``associate`` (``"associate"``, ``("replace", association id)`` or None) and
    ``disassociate`` (association ids of other subnets on the table).
    """
    by_cidr = {s["CidrBlock"]: s for s in subnets}
    listed_ids: set[str] = set()
    used_tables: set[str] = set()
    items = []
    absent = params["state"] == "absent"
    for i, item in enumerate(params["subnets"]):
        cidr = str(ipaddress.IPv4Network(item["cidr"]))
        subnet = by_cidr.get(cidr)
        if subnet is not None:
            listed_ids.add(subnet["SubnetId"])
            if not absent and item.get("az") and subnet["AvailabilityZone"] != item["az"]:
                raise SubnetsError(
                    f"subnets[{i}]: subnet {subnet['SubnetId']} ({cidr}) is in {subnet['AvailabilityZone']}, not in"
                    f" {item['az']}; a subnet cannot move: delete it first"
                )
        wanted_subnet_tags = subnet_tags(params["tags"], item)
        wanted_table_tags = route_table_tags(params["tags"], item)
        subnet_id = subnet["SubnetId"] if subnet else None
        table = find_table(tables, wanted_table_tags, subnet_id)
        if table is not None:
            used_tables.add(table["RouteTableId"])
        items.append(
            {
                "cidr": cidr,
                "az": item.get("az"),
                "map_public_ip_on_launch": item.get("map_public_ip_on_launch", False),
                "wanted_tags": wanted_subnet_tags,
                "wanted_table_tags": wanted_table_tags,
                "subnet": subnet,
                "table": table,
            }
        )
    listed_subnet_ids = listed_ids

    purge_subnets: list[dict] = []
    purge_tables: list[dict] = []
    if params["purge_subnets"]:
        want = params["purge_filter_tags"] or {}
        purge_subnets = [
            s
            for s in subnets
            if s["SubnetId"] not in listed_subnet_ids and carries(tags_from_boto3(s.get("Tags")), want)
        ]
        purge_tables = [
            t
            for t in tables
            if not is_main(t) and t["RouteTableId"] not in used_tables and carries(tags_from_boto3(t.get("Tags")), want)
        ]

    if absent:
        purge_subnets = [i["subnet"] for i in items if i["subnet"]] + purge_subnets
        purge_tables = [i["table"] for i in items if i["table"]] + purge_tables
        return {"items": [], "purge_subnets": dedupe(purge_subnets, "SubnetId"), "purge_tables": purge_tables}

    for item in items:
        subnet, table = item["subnet"], item["table"]
        item["create_subnet"] = subnet is None
        item["subnet_tags"] = tag_changes(
            tags_from_boto3(subnet.get("Tags")) if subnet else {}, item["wanted_tags"], params["purge_tags"]
        )
        current_public = bool(subnet.get("MapPublicIpOnLaunch")) if subnet else False
        item["map_public"] = (
            item["map_public_ip_on_launch"] if current_public != item["map_public_ip_on_launch"] else None
        )
        item["create_table"] = table is None
        item["table_tags"] = tag_changes(
            tags_from_boto3(table.get("Tags")) if table else {}, item["wanted_table_tags"], params["purge_tags"]
        )
        item["routes"] = purgeable_routes(table) if table and params["purge_routes"] else []
        item["associate"] = None
        if subnet is None:
            item["associate"] = "associate"
        else:
            current_table, association = table_of_subnet(tables, subnet["SubnetId"])
            if current_table is None:
                item["associate"] = "associate"
            elif table is None or current_table["RouteTableId"] != table["RouteTableId"]:
                item["associate"] = ("replace", association["RouteTableAssociationId"])
        # Other subnets on this table lose it; a listed subnet is moved to its own table by its replace instead.
        item["disassociate"] = [
            a["RouteTableAssociationId"]
            for a in (subnet_associations(table) if table else [])
            if a["SubnetId"] != (subnet or {}).get("SubnetId") and a["SubnetId"] not in listed_subnet_ids
        ]
    return {"items": items, "purge_subnets": purge_subnets, "purge_tables": purge_tables}


def dedupe(resources: list[dict], key: str) -> list[dict]:
    seen: set[str] = set()
    out = []
    for r in resources:
        if r[key] not in seen:
            seen.add(r[key])
            out.append(r)
    return out


def has_changes(item: dict) -> bool:
    set_tags, unset_tags = item["subnet_tags"]
    table_set, table_unset = item["table_tags"]
    return bool(
        item["create_subnet"]
        or set_tags
        or unset_tags
        or item["map_public"] is not None
        or item["create_table"]
        or table_set
        or table_unset
        or item["routes"]
        or item["associate"]
        or item["disassociate"]
    )


def plan_has_changes(planned: dict) -> bool:
    return bool(planned["purge_subnets"] or planned["purge_tables"] or any(has_changes(i) for i in planned["items"]))


def table_view(table: Optional[dict], subnet_id: Optional[str]) -> dict:
    if table is None:
        return {}
    others = sorted(a["SubnetId"] for a in subnet_associations(table) if a["SubnetId"] != subnet_id)
    return {
        "tags": tags_from_boto3(table.get("Tags")),
        "associated": bool(subnet_id) and any(a["SubnetId"] == subnet_id for a in subnet_associations(table)),
        "other_subnets": others,
        "routes_out": sorted(describe_destination(r) for r in purgeable_routes(table)),
    }


def subnet_view(subnet: dict, table: Optional[dict]) -> dict:
    return {
        "availability_zone": subnet["AvailabilityZone"],
        "map_public_ip_on_launch": bool(subnet.get("MapPublicIpOnLaunch")),
        "tags": tags_from_boto3(subnet.get("Tags")),
        "route_table": table_view(table, subnet["SubnetId"]),
    }


def before_view(planned: dict, subnets: list[dict], tables: list[dict]) -> dict:
    """The diff's "before": the listed subnets that exist, and what the plan deletes."""
    view: dict[str, Any] = {"subnets": {}, "other_route_tables": {}}
    shown_tables: set[str] = set()
    listed = [(i["subnet"], i["table"]) for i in planned["items"] if i["subnet"]]
    purged = [(s, table_of_subnet(tables, s["SubnetId"])[0]) for s in planned["purge_subnets"]]
    for subnet, table in listed + purged:
        if subnet["CidrBlock"] in view["subnets"]:
            continue
        if table is None:
            table = table_of_subnet(tables, subnet["SubnetId"])[0]
        view["subnets"][subnet["CidrBlock"]] = subnet_view(subnet, table)
        if table is not None:
            shown_tables.add(table["RouteTableId"])
    for table in planned["purge_tables"]:
        if table["RouteTableId"] not in shown_tables:
            view["other_route_tables"][table["RouteTableId"]] = {"tags": tags_from_boto3(table.get("Tags"))}
    return view


def after_view(planned: dict) -> dict:
    """The diff's "after": the listed subnets and their route tables once the plan is applied."""
    view: dict[str, Any] = {"subnets": {}, "other_route_tables": {}}
    for item in planned["items"]:
        subnet = item["subnet"] or {}
        current_subnet_tags = tags_from_boto3(subnet.get("Tags")) if subnet else {}
        table = item["table"] or {}
        current_table_tags = tags_from_boto3(table.get("Tags")) if table else {}
        view["subnets"][item["cidr"]] = {
            "availability_zone": subnet.get("AvailabilityZone") or item["az"],
            "map_public_ip_on_launch": item["map_public_ip_on_launch"],
            "tags": updated_tags(current_subnet_tags, *item["subnet_tags"]),
            "route_table": {
                "tags": updated_tags(current_table_tags, *item["table_tags"]),
                "associated": True,
                "other_subnets": sorted(
                    a["SubnetId"]
                    for a in subnet_associations(table)
                    if a["SubnetId"] != subnet.get("SubnetId")
                    and a["RouteTableAssociationId"] not in item["disassociate"]
                ),
                "routes_out": sorted(
                    describe_destination(r) for r in purgeable_routes(table) if r not in item["routes"]
                ),
            },
        }
    return view


def subnet_result(item: dict) -> dict:
    """One entry of the ``subnets`` result, from an applied (or predicted) item."""
    subnet = item["subnet"] or {}
    table = item["table"] or {}
    result = {
        "cidr_block": item["cidr"],
        "availability_zone": subnet.get("AvailabilityZone") or item["az"],
        "map_public_ip_on_launch": item["map_public_ip_on_launch"],
        "tags": updated_tags(tags_from_boto3(subnet.get("Tags")) if subnet else {}, *item["subnet_tags"]),
        "route_table_tags": updated_tags(tags_from_boto3(table.get("Tags")) if table else {}, *item["table_tags"]),
    }
    if subnet.get("SubnetId"):
        result["subnet_id"] = subnet["SubnetId"]
    if table.get("RouteTableId"):
        result["route_table_id"] = table["RouteTableId"]
    return result


# --- calls -----------------------------------------------------------------------------------------------


def in_vpc(vpc_id: str) -> list[dict]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


@EC2Errors.common_error_handler("describe the subnets of {vpc_id}")
def describe_subnets(client, vpc_id: str) -> list[dict]:
    return paginate(client, "describe_subnets", Filters=in_vpc(vpc_id))["Subnets"]


@EC2Errors.common_error_handler("describe the route tables of {vpc_id}")
def describe_route_tables(client, vpc_id: str) -> list[dict]:
    return paginate(client, "describe_route_tables", Filters=in_vpc(vpc_id))["RouteTables"]


@EC2Errors.list_error_handler("describe subnets {subnet_ids}", default_value=[])
def describe_subnets_by_id(client, subnet_ids: list[str]) -> list[dict]:
    return client.describe_subnets(aws_retry=True, SubnetIds=subnet_ids)["Subnets"]


@EC2Errors.common_error_handler("create subnet {cidr} in {vpc_id}")
def create_subnet(client, vpc_id: str, cidr: str, az: Optional[str], tags: dict) -> dict:
    params: dict[str, Any] = {"VpcId": vpc_id, "CidrBlock": cidr}
    if az:
        params["AvailabilityZone"] = az
    return client.create_subnet(aws_retry=True, **with_tags(params, "subnet", tags))["Subnet"]


@EC2Errors.common_error_handler("set map_public_ip_on_launch of subnet {subnet_id}")
def set_map_public(client, subnet_id: str, value: bool) -> None:
    client.modify_subnet_attribute(aws_retry=True, SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": value})


@EC2Errors.common_error_handler("create a route table in {vpc_id}")
def create_route_table(client, vpc_id: str, tags: dict) -> dict:
    return client.create_route_table(aws_retry=True, **with_tags({"VpcId": vpc_id}, "route-table", tags))["RouteTable"]


@EC2Errors.common_error_handler("delete route to {destination} from {table_id}")
def delete_route(client, table_id: str, destination: str, route: dict) -> None:
    client.delete_route(aws_retry=True, RouteTableId=table_id, **route_destination(route))


@EC2Errors.common_error_handler("associate route table {table_id} with subnet {subnet_id}")
def associate(client, table_id: str, subnet_id: str) -> str:
    return client.associate_route_table(aws_retry=True, RouteTableId=table_id, SubnetId=subnet_id)["AssociationId"]


@EC2Errors.common_error_handler("move association {association_id} to route table {table_id}")
def replace_association(client, association_id: str, table_id: str) -> str:
    response = client.replace_route_table_association(
        aws_retry=True, AssociationId=association_id, RouteTableId=table_id
    )
    return response["NewAssociationId"]


@EC2Errors.deletion_error_handler("remove route table association {association_id}")
def disassociate(client, association_id: str) -> bool:
    client.disassociate_route_table(aws_retry=True, AssociationId=association_id)
    return True


@EC2Errors.deletion_error_handler("delete route table {table_id}")
def delete_route_table(client, table_id: str) -> bool:
    client.delete_route_table(aws_retry=True, RouteTableId=table_id)
    return True


@EC2Errors.deletion_error_handler("delete subnet {subnet_id}")
def delete_subnet(client, subnet_id: str) -> bool:
    client.delete_subnet(aws_retry=True, SubnetId=subnet_id)
    return True


def wait_until_available(client, subnet_ids: list[str], timeout: int) -> None:
    """Wait until every new subnet is ``available`` (one DescribeSubnets a round; not described yet is normal)."""
    try:
        wait_for(
            lambda: describe_subnets_by_id(client, subnet_ids),
            lambda found: len(found) == len(subnet_ids) and all(s.get("State") == "available" for s in found),
            f"subnets {', '.join(subnet_ids)} to become available",
            timeout=timeout,
            delay=2,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise SubnetsError(f"subnets {', '.join(subnet_ids)} were not all available after {timeout} seconds") from e


def apply_item(client, fresh, vpc_id: str, item: dict, pending: list[str]) -> None:
    """Create or reconcile one subnet and its route table; ``fresh`` retries ids EC2 does not know yet."""
    if item["create_subnet"]:
        created = create_subnet(client, vpc_id, item["cidr"], item["az"], item["wanted_tags"])
        item["subnet"] = {**created, "Tags": tags_to_boto3(item["wanted_tags"])}
        item["subnet_tags"] = ({}, [])  # tagged by the create call
        if item["subnet"].get("State") != "available":
            pending.append(item["subnet"]["SubnetId"])
        # A new subnet never maps public IPs: only asking for them is a change.
        item["map_public"] = True if item["map_public_ip_on_launch"] else None
    subnet_id = item["subnet"]["SubnetId"]
    if item["subnet_tags"][0] or item["subnet_tags"][1]:
        retag(fresh, subnet_id, "subnet", item["subnet_tags"])
    if item["map_public"] is not None:
        set_map_public(fresh, subnet_id, item["map_public"])
    if item["create_table"]:
        created = create_route_table(client, vpc_id, item["wanted_table_tags"])
        item["table"] = {**created, "Tags": tags_to_boto3(item["wanted_table_tags"])}
        item["table_tags"] = ({}, [])
    table_id = item["table"]["RouteTableId"]
    if item["table_tags"][0] or item["table_tags"][1]:
        retag(fresh, table_id, "route table", item["table_tags"])
    for route in item["routes"]:
        delete_route(client, table_id, describe_destination(route), route)
    for association_id in item["disassociate"]:
        disassociate(client, association_id)


def associate_item(fresh, item: dict) -> None:
    table_id, subnet_id = item["table"]["RouteTableId"], item["subnet"]["SubnetId"]
    if item["associate"] == "associate":
        associate(fresh, table_id, subnet_id)
    elif item["associate"]:
        replace_association(fresh, item["associate"][1], table_id)


def purge(client, planned: dict) -> dict:
    """Delete the planned route tables (associations first), then the planned subnets."""
    deleted_tables, deleted_subnets = [], []
    for table in planned["purge_tables"]:
        for association in subnet_associations(table):
            disassociate(client, association["RouteTableAssociationId"])
        if delete_route_table(client, table["RouteTableId"]):
            deleted_tables.append(table["RouteTableId"])
    for subnet in planned["purge_subnets"]:
        if delete_subnet(client, subnet["SubnetId"]):
            deleted_subnets.append(subnet["SubnetId"])
    return {"subnet_ids": deleted_subnets, "route_table_ids": deleted_tables}


def planned_purge(planned: dict) -> dict:
    return {
        "subnet_ids": [s["SubnetId"] for s in planned["purge_subnets"]],
        "route_table_ids": [t["RouteTableId"] for t in planned["purge_tables"]],
    }


def reconcile(module, client, fresh) -> dict:
    params = module.params
    vpc_id = params["vpc_id"]
    subnets = describe_subnets(client, vpc_id)
    tables = describe_route_tables(client, vpc_id)
    planned = plan(params, subnets, tables)
    diff = {"before": before_view(planned, subnets, tables), "after": after_view(planned)}
    changed = plan_has_changes(planned)
    if module.check_mode or not changed:
        return dict(
            changed=changed,
            subnets=[subnet_result(i) for i in planned["items"]],
            purged=planned_purge(planned),
            diff=diff,
        )
    pending: list[str] = []
    for item in planned["items"]:
        if has_changes(item):
            apply_item(client, fresh, vpc_id, item, pending)
    if pending:
        wait_until_available(client, pending, params["wait_timeout"])
    for item in planned["items"]:
        if item["associate"]:
            associate_item(fresh, item)
    purged = purge(client, planned)
    return dict(changed=True, subnets=[subnet_result(i) for i in planned["items"]], purged=purged, diff=diff)


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        subnets=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                cidr=dict(type="str", required=True),
                az=dict(type="str"),
                map_public_ip_on_launch=dict(type="bool", default=False),
                tags=dict(type="dict"),
                route_table_tags=dict(type="dict"),
            ),
        ),
        tags=dict(type="dict", default={}, aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        purge_routes=dict(type="bool", default=True),
        purge_subnets=dict(type="bool", default=False),
        purge_filter_tags=dict(type="dict", default={}),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait_timeout=dict(type="int", default=300),
    )
    run_list_module(argument_spec, validate, reconcile, SubnetsError, PROPAGATION_CODES)


if __name__ == "__main__":
    main()

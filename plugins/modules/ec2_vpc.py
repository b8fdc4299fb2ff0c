#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc
short_description: One VPC, found by its Name tag and primary CIDR block, with its DNS attributes and tags
version_added: 0.1.0
description:
  - Creates, updates or deletes one VPC. A run that changes nothing makes one DescribeVpcs call, plus one
    DescribeVpcAttribute for each of O(dns_support) and O(dns_hostnames) that is given.
  - "Identity: the VPC whose C(Name) tag is O(name) and whose primary IPv4 CIDR block is O(cidr_block), the filters
    M(amazon.aws.ec2_vpc_net) finds a VPC with, so a VPC it made is adopted, never duplicated. When several VPCs match,
    the module fails and lists them."
  - A new VPC is tagged by its CreateVpc call (C(Name) included), then its DNS attributes are set, one attribute a
    call (EC2 takes one a request), DNS support before DNS hostnames when enabling and after them when disabling
    (hostnames need support).
  - IPv6, secondary CIDR blocks and DHCP options are not managed.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The C(Name) tag of the VPC; with O(cidr_block), what identifies it.
    type: str
    required: true
  cidr_block:
    description:
      - The primary IPv4 CIDR block of the VPC (no host bits); with O(name), what identifies it.
    type: str
    required: true
  dns_support:
    description:
      - Whether the Amazon-provided DNS server resolves names in the VPC (C(enableDnsSupport)).
      - When omitted, an existing VPC's is left alone and a new VPC has AWS's default (enabled).
    type: bool
  dns_hostnames:
    description:
      - Whether instances launched in the VPC get public DNS hostnames (C(enableDnsHostnames)); needs DNS support.
      - When omitted, an existing VPC's is left alone and a new VPC has AWS's default (disabled).
    type: bool
  tenancy:
    description:
      - The instance tenancy of a new VPC. A VPC found with another tenancy is an error (it cannot be changed here).
    type: str
    choices: [default, dedicated]
    default: default
  tags:
    description:
      - Tags of the VPC. Its C(Name) tag is always O(name); a C(Name) here must be the same.
      - When omitted, only the C(Name) tag is ensured and no other tag is removed.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags that are not in O(tags) (when O(tags) is given).
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the VPC; V(absent) deletes it (nothing to do when no VPC matches).
  wait:
    description:
      - Wait until a new VPC is C(available) before its DNS attributes are set and the module returns.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for a new VPC to become C(available).
    type: int
    default: 300
notes:
  - "EC2 is eventually consistent: right after CreateVpc, calls on the new id may answer C(InvalidVpcID.NotFound).
    The module polls DescribeVpcs by id, taking not found as not yet available, until the VPC is C(available) (the
    condition of the C(VpcAvailable) waiter, which itself stops on not found), and retries C(InvalidVpcID.NotFound)
    on the attribute and tag calls that follow."
  - A new VPC's DNS attributes are taken to be AWS's defaults (support on, hostnames off), as terraform-provider-aws'
    C(aws_vpc) does, so only an attribute asked to differ costs a ModifyVpcAttribute call; attributes are not read back
    after a change.
  - "O(state=absent): DeleteVpc answers C(DependencyViolation) while anything but the VPC's defaults (main route table,
    default network ACL and security group) still lives in it. The module does not retry it: it lists what it finds in
    the VPC (subnets, network interfaces, security groups, route tables, network ACLs, internet gateways, NAT gateways,
    VPC endpoints) and fails naming them. terraform-provider-aws retries it for minutes instead."
  - Behaviour checked against the EC2 API reference (CreateVpc, DescribeVpcs, DescribeVpcAttribute, ModifyVpcAttribute,
    DeleteVpc), amazon.aws' ec2_vpc_net (identity) and terraform-provider-aws' internal/service/ec2/vpc_.go (defaults of
    a new VPC, waits, DependencyViolation).
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A private VPC with DNS support and hostnames
  multiregion.serverless.ec2_vpc:
    name: multiregion
    cidr_block: 10.1.0.0/16
    dns_support: true
    dns_hostnames: true
    tags:
      Deployment: multiregion
  register: vpc

- name: Delete it
  multiregion.serverless.ec2_vpc:
    name: multiregion
    cidr_block: 10.1.0.0/16
    state: absent
"""

RETURN = r"""
vpc:
  description:
    - The VPC, as M(amazon.aws.ec2_vpc_net) returns it, with the DNS attributes the module read. In check mode, the VPC
      as it would be (a VPC to be created has no C(id)).
    - With O(state=absent), the VPC deleted (or that would be deleted in check mode); empty when none matched.
  returned: always
  type: dict
  contains:
    id:
      description: The ID of the VPC.
      type: str
      sample: vpc-0123456789abcdef0
    name:
      description: Its C(Name) tag.
      type: str
      sample: multiregion
    cidr_block:
      description: Its primary IPv4 CIDR block.
      type: str
      sample: 10.1.0.0/16
    cidr_block_association_set:
      description: Its IPv4 CIDR blocks and their association states.
      type: list
      elements: dict
    ipv6_cidr_block_association_set:
      description: Its IPv6 CIDR blocks, when it has any.
      type: list
      elements: dict
    dhcp_options_id:
      description: Its DHCP options set.
      type: str
    instance_tenancy:
      description: Its instance tenancy.
      type: str
      sample: default
    is_default:
      description: Whether it is the region's default VPC.
      type: bool
    owner_id:
      description: The account that owns it.
      type: str
    state:
      description: C(pending) or C(available).
      type: str
    tags:
      description: Its tags.
      type: dict
    enable_dns_support:
      description: Whether DNS resolution is supported.
      type: bool
      returned: when O(dns_support) is given
    enable_dns_hostnames:
      description: Whether instances get DNS hostnames.
      type: bool
      returned: when O(dns_hostnames) is given
"""

import ipaddress
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import retag
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import with_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

try:
    import botocore
except ImportError:
    pass  # MultiregionAWSModule reports a missing botocore.

# What EC2 answers for a VPC id it does not know (yet: right after CreateVpc; or any more).
NOT_FOUND_CODES = ["InvalidVpcID.NotFound"]
EC2Errors = error_handler(NOT_FOUND_CODES)

# (attribute of DescribeVpcAttribute, key of its answer and of ModifyVpcAttribute, option, result key)
DNS_ATTRIBUTES = {
    "dns_support": ("enableDnsSupport", "EnableDnsSupport", "enable_dns_support"),
    "dns_hostnames": ("enableDnsHostnames", "EnableDnsHostnames", "enable_dns_hostnames"),
}
# A new VPC's DNS attributes (EC2's defaults for a VPC that is not the default VPC).
NEW_VPC_DNS = {"dns_support": True, "dns_hostnames": False}


class VpcError(Exception):
    """The options cannot be reconciled with what EC2 has (several matching VPCs, another tenancy, a VPC that
    cannot be deleted yet)."""


# --- pure functions --------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    """Problems with the options, each naming its option; checked before any AWS call."""
    errors = []
    if not params["name"]:
        errors.append("name: must not be empty")
    try:
        network = ipaddress.IPv4Network(params["cidr_block"], strict=False)
        if str(network) != params["cidr_block"]:
            errors.append(f"cidr_block: {params['cidr_block']!r} has host bits set or is not written {network}")
    except ValueError as e:
        errors.append(f"cidr_block: {params['cidr_block']!r} is not an IPv4 network ({e})")
    name_tag = (params.get("tags") or {}).get("Name")
    if name_tag is not None and name_tag != params["name"]:
        errors.append(f"tags.Name: {name_tag!r} differs from name {params['name']!r} (the Name tag is name)")
    if params.get("dns_hostnames") and params.get("dns_support") is False:
        errors.append("dns_hostnames: true needs dns_support: true (EC2 gives hostnames only with DNS support)")
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        errors.append(f"wait_timeout: {params['wait_timeout']} is negative")
    return errors


def wanted_tags(params: dict) -> tuple[dict, bool]:
    """(tags the VPC must carry, whether to purge the others): without O(tags), the Name tag only, nothing purged."""
    if params.get("tags") is None:
        return {"Name": params["name"]}, False
    return {**params["tags"], "Name": params["name"]}, params["purge_tags"]


def pick_vpc(matches: list[dict], name: str, cidr: str) -> Optional[dict]:
    """The one VPC of ``matches``, None when there is none; several is an error naming them."""
    if len(matches) > 1:
        listed = ", ".join(sorted(v["VpcId"] for v in matches))
        raise VpcError(
            f"{len(matches)} VPCs are named {name} with the CIDR block {cidr}: {listed}; keep one of them"
            " (or rename the others) so that the VPC is known"
        )
    return matches[0] if matches else None


def vpc_changes(params: dict, current: Optional[dict], dns: dict) -> dict:
    """What to do to bring ``current`` (a DescribeVpcs entry, None when there is none) and its DNS attributes
    ``dns`` (option name -> value read; a new VPC's are EC2's defaults) in line with ``params``.

    Returns ``{"create": bool, "tags": (to set, to remove), "dns": [(option, new value), ...]}``; the DNS changes
    are in the order they must be made: support first when it is enabled, last when it is disabled."""
    tags, purge = wanted_tags(params)
    if current is None:
        create, tag_change = True, ({}, [])  # tagged by the create call
        dns = dict(NEW_VPC_DNS)
    else:
        tenancy = current.get("InstanceTenancy")
        if tenancy != params["tenancy"]:
            raise VpcError(
                f"VPC {current['VpcId']} has the tenancy {tenancy!r}, not {params['tenancy']!r} (tenancy): the"
                " tenancy of a VPC is set when it is created"
            )
        create, tag_change = False, tag_changes(tags_from_boto3(current.get("Tags")), tags, purge)
    dns_changes = [
        (option, params[option])
        for option in ("dns_support", "dns_hostnames")
        if params.get(option) is not None and dns.get(option) != params[option]
    ]
    if params.get("dns_support") is False:
        dns_changes.reverse()  # hostnames off before support
    return {"create": create, "tags": tag_change, "dns": dns_changes}


def has_changes(changes: dict) -> bool:
    set_tags, unset_tags = changes["tags"]
    return bool(changes["create"] or set_tags or unset_tags or changes["dns"])


def dns_after(params: dict) -> dict:
    """The DNS attributes of the options given, once the changes are made."""
    return {option: params[option] for option in DNS_ATTRIBUTES if params.get(option) is not None}


def vpc_result(vpc: Optional[dict], dns: dict) -> dict:
    """The ``vpc`` result: amazon.aws.ec2_vpc_net's shape (snake_case, ``id``, ``name``, tags as a dict) and the DNS
    attributes read (``dns``: option name -> value)."""
    if not vpc:
        return {}
    result = snake_result(vpc)
    result["tags"] = tags_from_boto3(vpc.get("Tags"))
    result.pop("vpc_id", None)
    if vpc.get("VpcId"):
        result["id"] = vpc["VpcId"]
    result["name"] = result["tags"].get("Name")
    for option, value in dns.items():
        result[DNS_ATTRIBUTES[option][2]] = value
    return result


def predicted(params: dict, current: Optional[dict], changes: dict) -> dict:
    """The DescribeVpcs entry of the VPC once ``changes`` are made (a new one without id, state, owner)."""
    if current is None:
        tags, _purge = wanted_tags(params)
        return {"CidrBlock": params["cidr_block"], "InstanceTenancy": params["tenancy"], "Tags": tags_to_boto3(tags)}
    tags = updated_tags(tags_from_boto3(current.get("Tags")), *changes["tags"])
    return {**current, "Tags": tags_to_boto3(tags)}


def diff_view(vpc: Optional[dict], dns: dict) -> dict:
    """What the diff shows of a VPC: what the module manages."""
    if not vpc:
        return {}
    view = {
        "cidr_block": vpc.get("CidrBlock"),
        "instance_tenancy": vpc.get("InstanceTenancy"),
        "tags": tags_from_boto3(vpc.get("Tags")),
    }
    for option, value in dns.items():
        view[DNS_ATTRIBUTES[option][2]] = value
    return view


# --- calls -----------------------------------------------------------------------------------------------


def identity_filters(name: str, cidr: str) -> list[dict]:
    """amazon.aws.ec2_vpc_net's filters: the Name tag and the primary CIDR block."""
    return [{"Name": "tag:Name", "Values": [name]}, {"Name": "cidr-block", "Values": [cidr]}]


@EC2Errors.common_error_handler("describe the VPCs named {name} with CIDR block {cidr}")
def find_vpcs(client, name: str, cidr: str) -> list[dict]:
    return paginate(client, "describe_vpcs", Filters=identity_filters(name, cidr))["Vpcs"]


@EC2Errors.list_error_handler("describe VPC {vpc_id}", default_value=None)
def describe_vpc(client, vpc_id: str) -> Optional[dict]:
    found = client.describe_vpcs(aws_retry=True, VpcIds=[vpc_id])["Vpcs"]
    return found[0] if found else None


@EC2Errors.common_error_handler("describe {option} of VPC {vpc_id}")
def describe_attribute(client, vpc_id: str, option: str) -> bool:
    attribute, answer_key, _result_key = DNS_ATTRIBUTES[option]
    answer = client.describe_vpc_attribute(aws_retry=True, VpcId=vpc_id, Attribute=attribute)
    return bool(answer[answer_key]["Value"])


def read_dns(client, params: dict, vpc_id: str) -> dict:
    """The DNS attributes of the options given (one DescribeVpcAttribute each), by option name."""
    return {
        option: describe_attribute(client, vpc_id, option)
        for option in DNS_ATTRIBUTES
        if params.get(option) is not None
    }


@EC2Errors.common_error_handler("set {option} of VPC {vpc_id}")
def set_attribute(client, vpc_id: str, option: str, value: bool) -> None:
    client.modify_vpc_attribute(aws_retry=True, VpcId=vpc_id, **{DNS_ATTRIBUTES[option][1]: {"Value": value}})


@EC2Errors.common_error_handler("create VPC {name} ({cidr})")
def create_vpc(client, name: str, cidr: str, tenancy: str, tags: dict) -> dict:
    params = {"CidrBlock": cidr, "InstanceTenancy": tenancy}
    return client.create_vpc(aws_retry=True, **with_tags(params, "vpc", tags))["Vpc"]


def wait_until_available(client, vpc_id: str, timeout: int) -> dict:
    """Poll DescribeVpcs by id until the new VPC is ``available`` (not described yet counts as pending)."""
    try:
        return wait_for(
            lambda: describe_vpc(client, vpc_id),
            lambda vpc: bool(vpc) and vpc.get("State") == "available",
            f"VPC {vpc_id} to become available",
            timeout=timeout,
            delay=2,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise VpcError(f"VPC {vpc_id} was not available after {timeout} seconds (wait_timeout)") from e


# What may still live in a VPC that DeleteVpc refuses to delete: (what, operation, filter, result key, id key, which
# of the found ones count). DescribeNatGateways names its filters "Filter".
RESIDENTS = [
    ("subnets", "describe_subnets", ("Filters", "vpc-id"), "Subnets", "SubnetId", None),
    (
        "network interfaces",
        "describe_network_interfaces",
        ("Filters", "vpc-id"),
        "NetworkInterfaces",
        "NetworkInterfaceId",
        None,
    ),
    ("security groups", "describe_security_groups", ("Filters", "vpc-id"), "SecurityGroups", "GroupId", "GroupName"),
    ("route tables", "describe_route_tables", ("Filters", "vpc-id"), "RouteTables", "RouteTableId", "Associations"),
    ("network ACLs", "describe_network_acls", ("Filters", "vpc-id"), "NetworkAcls", "NetworkAclId", "IsDefault"),
    (
        "internet gateways",
        "describe_internet_gateways",
        ("Filters", "attachment.vpc-id"),
        "InternetGateways",
        "InternetGatewayId",
        None,
    ),
    ("NAT gateways", "describe_nat_gateways", ("Filter", "vpc-id"), "NatGateways", "NatGatewayId", "State"),
    ("VPC endpoints", "describe_vpc_endpoints", ("Filters", "vpc-id"), "VpcEndpoints", "VpcEndpointId", "State"),
]
# States of a NAT gateway or VPC endpoint that no longer hold the VPC.
GONE_STATES = ("deleted", "failed", "rejected", "expired")


def is_resident(item: dict, check: Optional[str]) -> bool:
    """Whether ``item`` blocks the VPC's deletion: not one of the VPC's defaults, not already deleted."""
    if check == "GroupName":
        return item.get("GroupName") != "default"
    if check == "Associations":
        return not any(a.get("Main") for a in item.get("Associations") or [])
    if check == "IsDefault":
        return not item.get("IsDefault")
    if check == "State":
        return str(item.get("State", "")).lower() not in GONE_STATES
    return True


def residents(client, vpc_id: str) -> list[str]:
    """What still lives in the VPC, as "<what>: <ids>" (or why it could not be listed)."""
    found = []
    for what, operation, (filter_param, filter_name), key, id_key, check in RESIDENTS:
        try:
            items = paginate(client, operation, **{filter_param: [{"Name": filter_name, "Values": [vpc_id]}]})[key]
        except botocore.exceptions.ClientError as e:
            found.append(f"{what}: not listed ({e.response.get('Error', {}).get('Code')})")
            continue
        ids = sorted(i[id_key] for i in items if is_resident(i, check))
        if ids:
            found.append(f"{what}: {', '.join(ids)}")
    return found


@EC2Errors.deletion_error_handler("delete VPC {vpc_id}")
def _delete_vpc(client, vpc_id: str) -> bool:
    client.delete_vpc(aws_retry=True, VpcId=vpc_id)
    return True


def delete_vpc(client, vpc_id: str) -> bool:
    """Delete the VPC: False when it is already gone; DependencyViolation fails at once, naming what still lives in
    it (no retry: what blocks a deletion seldom goes by itself)."""
    try:
        return _delete_vpc(client, vpc_id)
    except MultiregionAWSError as e:
        if not is_not_found(e.exception, ["DependencyViolation"]):
            raise
        living = residents(client, vpc_id)
        raise VpcError(
            f"VPC {vpc_id} cannot be deleted yet (DependencyViolation): something still lives in it. Found in it: "
            + ("; ".join(living) if living else "nothing listed (an interface may still be on its way out)")
            + ". Delete those, then run again."
        ) from e


# --- actions ---------------------------------------------------------------------------------------------


def find(module, client) -> Optional[dict]:
    params = module.params
    return pick_vpc(find_vpcs(client, params["name"], params["cidr_block"]), params["name"], params["cidr_block"])


def ensure_present(module, client, fresh) -> dict:
    params = module.params
    current = find(module, client)
    dns = read_dns(client, params, current["VpcId"]) if current else {}
    changes = vpc_changes(params, current, dns)
    after_dns = dns_after(params)
    after = predicted(params, current, changes)
    diff = {"before": diff_view(current, dns), "after": diff_view(after, after_dns)}
    if module.check_mode or not has_changes(changes):
        return dict(changed=has_changes(changes), vpc=vpc_result(after, after_dns), diff=diff)
    if changes["create"]:
        tags, _purge = wanted_tags(params)
        vpc = create_vpc(client, params["name"], params["cidr_block"], params["tenancy"], tags)
        vpc = {**vpc, "Tags": tags_to_boto3(tags)}
        if params["wait"] and vpc.get("State") != "available":
            vpc = {**vpc, **wait_until_available(client, vpc["VpcId"], params["wait_timeout"])}
    else:
        vpc = after
        if changes["tags"][0] or changes["tags"][1]:
            retag(fresh, vpc["VpcId"], "VPC", changes["tags"])
    for option, value in changes["dns"]:
        set_attribute(fresh, vpc["VpcId"], option, value)
    return dict(changed=True, vpc=vpc_result(vpc, after_dns), diff=diff)


def ensure_absent(module, client, _fresh) -> dict:
    current = find(module, client)
    diff = {"before": diff_view(current, {}), "after": {}}
    if current is None:
        return dict(changed=False, vpc={}, diff=diff)
    if not module.check_mode:
        if not delete_vpc(client, current["VpcId"]):
            return dict(changed=False, vpc={}, diff={"before": {}, "after": {}})
    return dict(changed=True, vpc=vpc_result(current, {}), diff=diff)


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        cidr_block=dict(type="str", required=True),
        dns_support=dict(type="bool"),
        dns_hostnames=dict(type="bool"),
        tenancy=dict(type="str", choices=["default", "dedicated"], default="default"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("ec2")
    # Retries a VPC id EC2 does not know yet, for the calls on a VPC just created (and its tags).
    fresh = module.retrying_client("ec2", extra_codes=NOT_FOUND_CODES)
    run_state_action(
        module,
        {"present": ensure_present, "absent": ensure_absent},
        client,
        fresh,
        diff_mode_only=True,
        failures=(VpcError,),
    )


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_endpoint
short_description: Create, reconcile and delete VPC endpoints
version_added: 0.1.0
description:
  - Creates a VPC endpoint, brings an existing one in line with the options given, or deletes it.
  - A drop-in for M(amazon.aws.ec2_vpc_endpoint) (same option names) that also reconciles an existing endpoint
    with ModifyVpcEndpoint; the upstream module only reconciles tags, so a changed O(policy), O(route_table_ids),
    O(vpc_endpoint_subnets), O(vpc_endpoint_security_groups) or O(private_dns_enabled) never reaches AWS there.
  - "Identity: O(vpc_endpoint_id) when given. Otherwise the endpoint of O(vpc_endpoint_type) for O(service) in
    O(vpc_id), ignoring endpoints in state C(deleted), C(deleting), C(rejected), C(failed) or C(expired). When
    several match, the one whose C(Name) tag equals O(name) is used; without one, the module fails and lists them.
    A single match is adopted whatever its C(Name) tag, and O(name) is set on it."
  - The type, VPC and service of an endpoint cannot be changed; the module fails when O(vpc_endpoint_id) names an
    endpoint that contradicts O(vpc_id), O(service) or O(vpc_endpoint_type).
  - With O(endpoints), one call reconciles a list of endpoints of O(vpc_id), with one DescribeVpcEndpoints for the VPC,
    then only the calls for what differs (a run that changes nothing makes that one call). Each item is identified
    as a single endpoint is (service, type, then C(Name) tag), an endpoint being named by one item at most.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - The VPC of the endpoint.
      - Required unless O(vpc_endpoint_id) is given.
    type: str
  service:
    description:
      - The endpoint service, by its full name (V(com.amazonaws.eu-west-1.dynamodb)) or by its short name
        (V(dynamodb)), which is expanded to C(com.amazonaws.<region>.<service>) with the module's region.
      - Names starting with C(com.amazonaws.), C(cn.com.amazonaws.) or C(aws.) are taken as full names.
      - Required unless O(vpc_endpoint_id) is given.
    type: str
  vpc_endpoint_type:
    description:
      - The type of endpoint.
      - When omitted, V(Gateway) is used to create and to find an endpoint by VPC and service; an endpoint found by
        O(vpc_endpoint_id) keeps its type.
    type: str
    choices: [Gateway, Interface, GatewayLoadBalancer]
  name:
    description:
      - The C(Name) tag of the endpoint; picks the endpoint when several match O(vpc_id) and O(service).
      - Merged into O(tags). Without O(tags), only the C(Name) tag is set and the other tags are left alone.
    type: str
  route_table_ids:
    description:
      - The route tables of a V(Gateway) endpoint. The list replaces the endpoint's route tables; V([]) removes them
        all.
      - When omitted, the route tables are left alone.
    type: list
    elements: str
  vpc_endpoint_subnets:
    description:
      - The subnets of an V(Interface) or V(GatewayLoadBalancer) endpoint. The list replaces the endpoint's subnets.
      - When omitted, the subnets are left alone.
    type: list
    elements: str
  vpc_endpoint_security_groups:
    description:
      - The security groups of an V(Interface) endpoint. The list replaces the endpoint's security groups.
      - When omitted, the security groups are left alone (a new endpoint gets the VPC's default group).
    type: list
    elements: str
  policy:
    description:
      - The endpoint policy, as a JSON string or a dict. Compared with the endpoint's policy the way
        M(amazon.aws.iam_policy) compares policies (statement order, single-item lists and a missing C(Version) do
        not count as differences).
      - V({}) restores AWS's default policy, which allows full access to the service (ResetPolicy for V(Gateway)
        endpoints).
      - When omitted, the policy is left alone (a new endpoint gets AWS's default policy).
    type: json
  private_dns_enabled:
    description:
      - Whether an V(Interface) endpoint associates a private hosted zone with the VPC.
      - When omitted, the setting is left alone (a new endpoint gets AWS's default, V(true)).
    type: bool
  tags:
    description:
      - Tags of the endpoint. When omitted, the tags are left alone (except C(Name) when O(name) is given).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description:
      - V(present) creates or reconciles the endpoint, V(absent) deletes it.
  wait:
    description:
      - With O(state=present), wait until the endpoint is C(available) after creating or changing it; with
        O(state=absent), wait until it is deleted.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait when O(wait=true).
    type: int
    default: 320
  vpc_endpoint_id:
    description:
      - The endpoint to reconcile or delete. An endpoint cannot be created with a given id, so O(state=present)
        fails when it does not exist.
    type: str
  client_token:
    description:
      - Idempotency token for creating the endpoint. When omitted, one is generated for each run.
    type: str
  endpoints:
    description:
      - The endpoints of O(vpc_id), reconciled in one call. Each item takes the single-endpoint options of the same
        names, which cannot be given beside O(endpoints); O(tags), O(purge_tags), O(wait) and O(wait_timeout)
        apply to every item (an item's O(endpoints[].tags) add to O(tags) and win on a shared key).
      - Requires O(vpc_id).
    type: list
    elements: dict
    suboptions:
      service:
        description:
          - The endpoint service, by its full or short name (as O(service)).
        type: str
        required: true
      vpc_endpoint_type:
        description:
          - The type of endpoint; V(Gateway) when omitted.
        type: str
        choices: [Gateway, Interface, GatewayLoadBalancer]
      name:
        description:
          - The C(Name) tag of the endpoint (as O(name)).
        type: str
      route_table_ids:
        description:
          - The route tables of a V(Gateway) endpoint (as O(route_table_ids)).
        type: list
        elements: str
      vpc_endpoint_subnets:
        description:
          - The subnets of an V(Interface) or V(GatewayLoadBalancer) endpoint (as O(vpc_endpoint_subnets)).
        type: list
        elements: str
      vpc_endpoint_security_groups:
        description:
          - The security groups of an V(Interface) endpoint (as O(vpc_endpoint_security_groups)).
        type: list
        elements: str
      policy:
        description:
          - The endpoint policy (as O(policy)).
        type: json
      private_dns_enabled:
        description:
          - Private DNS of an V(Interface) endpoint (as O(private_dns_enabled)).
        type: bool
      tags:
        description:
          - Tags of the endpoint, over O(tags).
        type: dict
      state:
        description:
          - V(present) or V(absent); O(state) when omitted.
        type: str
        choices: [present, absent]
  purge_endpoints:
    description:
      - With O(endpoints), also delete the VPC's live endpoints that no item names, among those carrying every tag
        of O(purge_filter_tags). Endpoints managed by their service (C(RequesterManaged)) are never deleted.
    type: bool
    default: false
  purge_filter_tags:
    description:
      - The tags an endpoint must carry to be deleted by O(purge_endpoints); V({}) takes every endpoint of the VPC.
    type: dict
    default: {}
notes:
  - The diff shows C(policy), C(route_table_ids), C(subnet_ids), C(security_group_ids), C(tags) and, for
    V(Interface) endpoints, C(private_dns_enabled). In check mode the diff of a new endpoint shows AWS's defaults
    for the options left out. With O(endpoints), the diff is keyed by each item's O(endpoints[].name) (else its
    service and type), and purged endpoints by their id.
  - "Differences from M(amazon.aws.ec2_vpc_endpoint): existing endpoints are reconciled, not just re-tagged;
    route tables do not take part in identity (they are reconciled instead); O(state=absent) also works by
    O(vpc_id) and O(service); O(wait) applies to deletion too; O(vpc_endpoint_type) is matched; O(service) accepts
    short names."
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: DynamoDB gateway endpoint that allows only the item access the application needs
  multiregion.serverless.ec2_vpc_endpoint:
    name: dynamodb
    vpc_id: "{{ vpc.vpc.id }}"
    service: dynamodb
    route_table_ids: "{{ route_table_ids }}"
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem, dynamodb:Query]
          Resource: "arn:aws:dynamodb:*:*:table/global-table"
    tags:
      Project: multiregion
    wait: true
  register: dynamodb_endpoint

- name: Interface endpoint for EC2 with private DNS
  multiregion.serverless.ec2_vpc_endpoint:
    name: ec2
    vpc_id: "{{ vpc.vpc.id }}"
    service: ec2
    vpc_endpoint_type: Interface
    vpc_endpoint_subnets: "{{ subnet_ids }}"
    vpc_endpoint_security_groups: ["{{ endpoint_sg.group_id }}"]
    private_dns_enabled: true

- name: Give the S3 endpoint AWS's default full-access policy back
  multiregion.serverless.ec2_vpc_endpoint:
    vpc_id: "{{ vpc.vpc.id }}"
    service: s3
    policy: {}

- name: Gateway endpoints for S3 and DynamoDB and an interface endpoint for EC2, in one call
  multiregion.serverless.ec2_vpc_endpoint:
    vpc_id: "{{ vpc.vpc.id }}"
    tags:
      Project: multiregion
    endpoints:
      - service: s3
        name: s3
        route_table_ids: "{{ route_table_ids }}"
      - service: dynamodb
        name: dynamodb
        route_table_ids: "{{ route_table_ids }}"
      - service: ec2
        name: ec2
        vpc_endpoint_type: Interface
        vpc_endpoint_subnets: "{{ subnet_ids }}"
        private_dns_enabled: true
  register: endpoints

- name: Delete every endpoint of the VPC and wait until they are gone
  multiregion.serverless.ec2_vpc_endpoint:
    vpc_id: "{{ vpc.vpc.id }}"
    endpoints: []
    purge_endpoints: true
    wait: true

- name: Delete the DynamoDB endpoint and wait until it is gone
  multiregion.serverless.ec2_vpc_endpoint:
    vpc_id: "{{ vpc.vpc.id }}"
    service: dynamodb
    state: absent
    wait: true
"""

RETURN = r"""
endpoints:
  description:
    - With O(endpoints), the endpoints in the order of the items, each shaped as RV(result); V({}) for an absent
      item and, in check mode, for one that would be created.
  returned: when O(endpoints) is given
  type: list
  elements: dict
purged:
  description: With O(endpoints), the ids of the endpoints O(purge_endpoints) deleted (or would delete).
  returned: when O(endpoints) is given
  type: list
  elements: str
result:
  description:
    - The endpoint as DescribeVpcEndpoints returns it, in snake_case (as M(amazon.aws.ec2_vpc_endpoint) returns it).
    - Empty when O(state=absent), and in check mode when the endpoint would be created.
  returned: when O(endpoints) is not given
  type: dict
  contains:
    vpc_endpoint_id:
      description: The ID of the endpoint.
      type: str
      sample: vpce-0123456789abcdef0
    vpc_endpoint_type:
      description: The type of endpoint.
      type: str
      sample: Gateway
    vpc_id:
      description: The VPC of the endpoint.
      type: str
      sample: vpc-0123456789abcdef0
    service_name:
      description: The service of the endpoint.
      type: str
      sample: com.amazonaws.eu-west-1.dynamodb
    state:
      description: The state of the endpoint.
      type: str
      sample: available
    policy_document:
      description: The policy of the endpoint, a JSON string.
      type: str
    route_table_ids:
      description: The route tables of a Gateway endpoint.
      type: list
      elements: str
    subnet_ids:
      description: The subnets of an Interface or GatewayLoadBalancer endpoint.
      type: list
      elements: str
    groups:
      description: The security groups of an Interface endpoint.
      type: list
      elements: dict
      contains:
        group_id:
          description: The ID of the security group.
          type: str
        group_name:
          description: The name of the security group.
          type: str
    private_dns_enabled:
      description: Whether a private hosted zone is associated with the VPC.
      type: bool
    network_interface_ids:
      description: The network interfaces of an Interface endpoint.
      type: list
      elements: str
    dns_entries:
      description: The DNS entries of an Interface endpoint.
      type: list
      elements: dict
    creation_timestamp:
      description: When the endpoint was created (ISO 8601).
      type: str
    owner_id:
      description: The account that owns the endpoint.
      type: str
    requester_managed:
      description: Whether the endpoint is managed by its service.
      type: bool
    tags:
      description: The tags, as EC2's list of C(Key)/C(Value) dicts.
      type: list
      elements: dict
      sample: [{"Key": "Name", "Value": "dynamodb"}]
"""

import json
import uuid
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import retag
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import with_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import item_list_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

# DescribeVpcEndpoints says InvalidVpcEndpointId.NotFound; DeleteVpcEndpoints' Unsuccessful items say
# InvalidVpcEndpoint.NotFound.
NOT_FOUND_CODES = ["InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"]
EC2Errors = error_handler(NOT_FOUND_CODES)

# What AWS attaches when an endpoint is created without a policy, and what ResetPolicy restores.
DEFAULT_POLICY = {
    "Version": "2008-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}

# Endpoints in these states are gone or never served traffic: they are never adopted, and a new one is made.
DEAD_STATES = frozenset({"deleted", "deleting", "rejected", "failed", "expired"})
# States an endpoint passes through on its way to "available"; anything else ends a wait.
TRANSITIONAL_STATES = frozenset({"pending", "pendingacceptance", "partial"})
# Prefixes of the full names of AWS, partner and marketplace endpoint services.
FULL_NAME_PREFIXES = ("com.amazonaws.", "cn.com.amazonaws.", "aws.")

LIST_FIELDS = (
    ("route_table_ids", "AddRouteTableIds", "RemoveRouteTableIds"),
    ("subnet_ids", "AddSubnetIds", "RemoveSubnetIds"),
    ("security_group_ids", "AddSecurityGroupIds", "RemoveSecurityGroupIds"),
)

# Options that only some endpoint types accept, with the types that accept them.
TYPE_SPECIFIC_OPTIONS = {
    "route_table_ids": ("Gateway",),
    "vpc_endpoint_subnets": ("Interface", "GatewayLoadBalancer"),
    "vpc_endpoint_security_groups": ("Interface",),
    "private_dns_enabled": ("Interface",),
}


class EndpointIdentityError(Exception):
    """The options do not name exactly one endpoint: several match, or the one named contradicts them."""


# --- pure functions --------------------------------------------------------------------------------------


def full_service_name(service: str, region: str) -> str:
    """``dynamodb`` -> ``com.amazonaws.<region>.dynamodb``; full names (``com.amazonaws.…``) are kept."""
    if service.startswith(FULL_NAME_PREFIXES):
        return service
    return f"com.amazonaws.{region}.{service}"


def parse_policy(text: str | None) -> dict | None:
    """The ``policy`` option as a dict; ``None`` when it was not given. Raises ValueError on bad JSON."""
    if text is None:
        return None
    policy = json.loads(text) if isinstance(text, str) else text
    if not isinstance(policy, dict):
        raise ValueError("policy must be a JSON object")
    return policy


def option_conflicts(endpoint_type: str, params: dict) -> list[str]:
    """The options given that an endpoint of ``endpoint_type`` does not accept."""
    return [
        option
        for option, types in TYPE_SPECIFIC_OPTIONS.items()
        if params.get(option) not in (None, []) and endpoint_type not in types
    ]


def state_of(endpoint: dict | None) -> str:
    """The endpoint's state in lower case (AWS answers ``available``, its model spells ``Available``)."""
    return (endpoint or {}).get("State", "").lower()


def is_live(endpoint: dict) -> bool:
    return state_of(endpoint) not in DEAD_STATES


def name_of(endpoint: dict) -> str | None:
    return tags_from_boto3(endpoint.get("Tags")).get("Name")


def select_endpoint(found: list[dict], endpoint_type: str, name: str | None) -> dict | None:
    """The one endpoint among ``found`` (already filtered by VPC and service) that the task is about.

    Dead endpoints and other types are ignored. Among several live ones, the one named ``name`` wins;
    without a single winner, the choice is the user's.
    """
    candidates = [e for e in found if is_live(e) and e.get("VpcEndpointType") == endpoint_type]
    if name is not None:
        named = [e for e in candidates if name_of(e) == name]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            candidates = named
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    listed = ", ".join(
        f"{e['VpcEndpointId']} (Name: {name_of(e)})" if name_of(e) else f"{e['VpcEndpointId']} (no Name tag)"
        for e in candidates
    )
    hint = "give vpc_endpoint_id" if name is None else "give vpc_endpoint_id, or a name only one of them carries"
    raise EndpointIdentityError(f"{len(candidates)} {endpoint_type} endpoints match: {listed}; {hint}")


def identity_mismatches(endpoint: dict, vpc_id: str | None, service: str | None, endpoint_type: str | None):
    """The given identity options that the endpoint found by id contradicts (none of them can be modified)."""
    given = {
        "vpc_id": (vpc_id, "VpcId"),
        "service": (service, "ServiceName"),
        "vpc_endpoint_type": (endpoint_type, "VpcEndpointType"),
    }
    return [
        f"{option}={value} (it has {endpoint.get(key)})"
        for option, (value, key) in given.items()
        if value is not None and endpoint.get(key) != value
    ]


def policy_of(endpoint: dict) -> Any:
    document = endpoint.get("PolicyDocument")
    if document is None:
        return None
    try:
        return json.loads(document)
    except ValueError:
        return document


def endpoint_view(endpoint: dict | None) -> dict:
    """The reconciled properties of an endpoint, as diff shows them; ``{}`` for none."""
    if not endpoint:
        return {}
    view = {
        "policy": policy_of(endpoint),
        "route_table_ids": sorted(endpoint.get("RouteTableIds") or []),
        "subnet_ids": sorted(endpoint.get("SubnetIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in endpoint.get("Groups") or []),
        "tags": tags_from_boto3(endpoint.get("Tags")),
    }
    if endpoint.get("VpcEndpointType") == "Interface":
        view["private_dns_enabled"] = bool(endpoint.get("PrivateDnsEnabled"))
    return view


def wanted_tags(tags: dict | None, name: str | None, purge: bool) -> tuple[dict | None, bool]:
    """(tags to reconcile, purge): ``name`` is the Name tag; alone, it adds Name without purging other tags."""
    if name is None:
        return tags, purge
    if tags is None:
        return {"Name": name}, False
    return {**tags, "Name": name}, purge


def planned_view(endpoint_type: str, wanted: dict) -> dict:
    """What a new endpoint will look like, for check mode's diff; AWS's defaults where an option is left out."""
    policy = wanted["policy"]
    if endpoint_type == "GatewayLoadBalancer":
        planned_policy = None
    else:
        planned_policy = policy if policy else DEFAULT_POLICY
    view = {
        "policy": planned_policy,
        "route_table_ids": sorted(wanted["route_table_ids"] or []),
        "subnet_ids": sorted(wanted["subnet_ids"] or []),
        "security_group_ids": sorted(wanted["security_group_ids"] or []),
        "tags": dict(wanted["tags"] or {}),
    }
    if endpoint_type == "Interface":
        view["private_dns_enabled"] = True if wanted["private_dns_enabled"] is None else wanted["private_dns_enabled"]
    return view


def policy_differs(current: Any, target: dict) -> bool:
    if not isinstance(current, dict):
        return True
    return compare_policies(current, target)


def compute_changes(view: dict, wanted: dict, endpoint_type: str) -> dict:
    """What to change on the endpoint of ``endpoint_type`` that ``view`` describes.

    Returns ``{"modify": <ModifyVpcEndpoint parameters, without the id>, "set_tags": {...},
    "unset_tags": [...]}``; an option that is ``None`` in ``wanted`` is left alone. ``policy: {}`` asks for
    AWS's default policy back.
    """
    modify: dict[str, Any] = {}
    policy = wanted["policy"]
    if policy is not None:
        target = policy or DEFAULT_POLICY
        if policy_differs(view["policy"], target):
            if not policy and endpoint_type == "Gateway":
                modify["ResetPolicy"] = True
            else:
                modify["PolicyDocument"] = json.dumps(target, sort_keys=True)
    for key, add_key, remove_key in LIST_FIELDS:
        if wanted[key] is None:
            continue
        current, target_ids = set(view[key]), set(wanted[key])
        if target_ids - current:
            modify[add_key] = sorted(target_ids - current)
        if current - target_ids:
            modify[remove_key] = sorted(current - target_ids)
    private_dns = wanted["private_dns_enabled"]
    if private_dns is not None and "private_dns_enabled" in view and view["private_dns_enabled"] != private_dns:
        modify["PrivateDnsEnabled"] = private_dns
    set_tags, unset_tags = tag_changes(view["tags"], wanted["tags"], wanted["purge_tags"])
    return {"modify": modify, "set_tags": set_tags, "unset_tags": sorted(unset_tags)}


def has_changes(changes: dict) -> bool:
    return bool(changes["modify"] or changes["set_tags"] or changes["unset_tags"])


def applied_view(view: dict, changes: dict) -> dict:
    """``view`` once ``changes`` are made: check mode's diff "after"."""
    after = {**view, "tags": dict(view["tags"])}
    modify = changes["modify"]
    if modify.get("ResetPolicy"):
        after["policy"] = DEFAULT_POLICY
    if "PolicyDocument" in modify:
        after["policy"] = json.loads(modify["PolicyDocument"])
    for key, add_key, remove_key in LIST_FIELDS:
        ids = (set(view[key]) | set(modify.get(add_key, []))) - set(modify.get(remove_key, []))
        after[key] = sorted(ids)
    if "PrivateDnsEnabled" in modify:
        after["private_dns_enabled"] = modify["PrivateDnsEnabled"]
    after["tags"].update(changes["set_tags"])
    for key in changes["unset_tags"]:
        after["tags"].pop(key, None)
    return after


def create_params(vpc_id: str, service: str, endpoint_type: str, wanted: dict, client_token: str | None = None) -> dict:
    """The CreateVpcEndpoint request for ``wanted`` (options left out take AWS's defaults)."""
    params: dict[str, Any] = {
        "VpcId": vpc_id,
        "ServiceName": service,
        "VpcEndpointType": endpoint_type,
        # A token per run makes AWSRetry's retries of a create that did land return the same endpoint.
        "ClientToken": client_token or str(uuid.uuid4()),
    }
    if wanted["policy"]:
        params["PolicyDocument"] = json.dumps(wanted["policy"], sort_keys=True)
    if wanted["route_table_ids"]:
        params["RouteTableIds"] = sorted(wanted["route_table_ids"])
    if wanted["subnet_ids"]:
        params["SubnetIds"] = sorted(wanted["subnet_ids"])
    if wanted["security_group_ids"]:
        params["SecurityGroupIds"] = sorted(wanted["security_group_ids"])
    if wanted["private_dns_enabled"] is not None:
        params["PrivateDnsEnabled"] = wanted["private_dns_enabled"]
    return with_tags(params, "vpc-endpoint", wanted["tags"])


def endpoint_result(endpoint: dict | None) -> dict:
    """The endpoint in snake_case with ISO timestamps, tags left as EC2's Key/Value list (as upstream)."""
    return snake_result(normalize_boto3_result(endpoint)) if endpoint else {}


# --- calls -----------------------------------------------------------------------------------------------


@EC2Errors.list_error_handler("describe VPC endpoints", default_value=[])
def describe_endpoints(client, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["VpcEndpointIds"] = ids
    if filters:
        params["Filters"] = filters
    return paginate(client, "describe_vpc_endpoints", **params)["VpcEndpoints"]


def describe_endpoint(client, endpoint_id: str) -> dict | None:
    found = describe_endpoints(client, ids=[endpoint_id])
    return found[0] if found else None


def endpoints_for_service(client, vpc_id: str, service: str) -> list[dict]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "service-name", "Values": [service]}]
    return describe_endpoints(client, filters=filters)


@EC2Errors.common_error_handler("create VPC endpoint for {params[ServiceName]} in {params[VpcId]}")
def create_endpoint(client, params: dict) -> dict:
    return client.create_vpc_endpoint(aws_retry=True, **params)["VpcEndpoint"]


@EC2Errors.common_error_handler("modify VPC endpoint {endpoint_id}")
def modify_endpoint(client, endpoint_id: str, modify: dict) -> None:
    client.modify_vpc_endpoint(aws_retry=True, VpcEndpointId=endpoint_id, **modify)


@EC2Errors.deletion_error_handler("delete VPC endpoint {endpoint_id}")
def delete_endpoint(client, endpoint_id: str) -> bool:
    """True when deleted, False when it was already gone."""
    response = client.delete_vpc_endpoints(aws_retry=True, VpcEndpointIds=[endpoint_id])
    for item in response.get("Unsuccessful") or []:
        error = item.get("Error") or {}
        if error.get("Code") in NOT_FOUND_CODES:
            return False
        raise MultiregionAWSError(
            message=f"Failed to delete VPC endpoint {endpoint_id}: {error.get('Code')}: {error.get('Message')}"
        )
    return True


def apply_changes(client, endpoint_id: str, changes: dict) -> None:
    if changes["modify"]:
        modify_endpoint(client, endpoint_id, changes["modify"])
    if changes["set_tags"] or changes["unset_tags"]:
        retag(client, endpoint_id, "VPC endpoint", (changes["set_tags"], changes["unset_tags"]))


def wait_until_available(client, endpoint_id: str, timeout: int, delay: float = 5) -> dict:
    try:
        endpoint = wait_for(
            lambda: describe_endpoint(client, endpoint_id),
            # Not described yet is normal right after CreateVpcEndpoint (eventual consistency).
            lambda e: e is not None and state_of(e) not in TRANSITIONAL_STATES,
            f"VPC endpoint {endpoint_id} to become available",
            timeout=timeout,
            delay=delay,
        )
    except WaitTimeout as e:
        last = state_of(e.last) or "not described"
        raise MultiregionAWSError(message=f"VPC endpoint {endpoint_id} was still {last} after {timeout} seconds") from e
    if state_of(endpoint) != "available":
        reason = (endpoint.get("LastError") or {}).get("Message") or endpoint.get("FailureReason") or "no reason given"
        raise MultiregionAWSError(
            message=f"VPC endpoint {endpoint_id} is {state_of(endpoint)} instead of available: {reason}"
        )
    return endpoint


def wait_until_deleted(client, endpoint_id: str, timeout: int, delay: float = 5) -> None:
    try:
        wait_for(
            lambda: describe_endpoint(client, endpoint_id),
            lambda e: e is None or state_of(e) == "deleted",
            f"VPC endpoint {endpoint_id} to be deleted",
            timeout=timeout,
            delay=delay,
        )
    except WaitTimeout as e:
        raise MultiregionAWSError(
            message=f"VPC endpoint {endpoint_id} was still {state_of(e.last)} after {timeout} seconds"
        ) from e


def find_endpoint(client, params: dict, service: str):
    """The endpoint this task is about, or None when there is none (alive)."""
    if params["vpc_endpoint_id"]:
        endpoint = describe_endpoint(client, params["vpc_endpoint_id"])
        if endpoint is None or not is_live(endpoint):
            return None
        mismatches = identity_mismatches(endpoint, params["vpc_id"], service, params["vpc_endpoint_type"])
        if mismatches:
            raise EndpointIdentityError(
                f"VPC endpoint {params['vpc_endpoint_id']} does not match {', '.join(mismatches)}; "
                "the VPC, service and type of an endpoint cannot be changed"
            )
        return endpoint
    found = endpoints_for_service(client, params["vpc_id"], service)
    return select_endpoint(found, params["vpc_endpoint_type"] or "Gateway", params["name"])


def refreshed(client, endpoint: dict, params: dict) -> dict:
    endpoint_id = endpoint["VpcEndpointId"]
    if params["wait"]:
        return wait_until_available(client, endpoint_id, params["wait_timeout"])
    # A just-created endpoint may not be described yet; its create response is the best view then.
    return describe_endpoint(client, endpoint_id) or endpoint


def ensure_present(module, client, params: dict, service: str, wanted: dict) -> dict:
    endpoint = find_endpoint(client, params, service)
    if endpoint is None:
        if params["vpc_endpoint_id"]:
            raise EndpointIdentityError(
                f"VPC endpoint {params['vpc_endpoint_id']} does not exist; leave vpc_endpoint_id out to create one"
            )
        endpoint_type = params["vpc_endpoint_type"] or "Gateway"
        if module.check_mode:
            return dict(changed=True, result={}, diff={"before": {}, "after": planned_view(endpoint_type, wanted)})
        request = create_params(params["vpc_id"], service, endpoint_type, wanted, params["client_token"])
        endpoint = refreshed(client, create_endpoint(client, request), params)
        after = endpoint_view(endpoint)
        return dict(changed=True, result=endpoint_result(endpoint), diff={"before": {}, "after": after})

    endpoint_type = endpoint["VpcEndpointType"]
    conflicts = option_conflicts(endpoint_type, params)
    if conflicts:
        raise EndpointIdentityError(f"{', '.join(conflicts)} cannot be used with {endpoint_type} endpoints")
    before = endpoint_view(endpoint)
    changes = compute_changes(before, wanted, endpoint_type)
    if not has_changes(changes):
        return dict(changed=False, result=endpoint_result(endpoint), diff={"before": before, "after": before})
    if module.check_mode:
        after = applied_view(before, changes)
        return dict(changed=True, result=endpoint_result(endpoint), diff={"before": before, "after": after})
    apply_changes(client, endpoint["VpcEndpointId"], changes)
    endpoint = refreshed(client, endpoint, params)
    after = endpoint_view(endpoint)
    return dict(changed=True, result=endpoint_result(endpoint), diff={"before": before, "after": after})


def ensure_absent(module, client, params: dict, service: str) -> dict:
    endpoint = find_endpoint(client, params, service)
    before = endpoint_view(endpoint)
    if endpoint is None or module.check_mode:
        return dict(changed=endpoint is not None, result={}, diff={"before": before, "after": {}})
    endpoint_id = endpoint["VpcEndpointId"]
    deleted = delete_endpoint(client, endpoint_id)
    if deleted and params["wait"]:
        wait_until_deleted(client, endpoint_id, params["wait_timeout"])
    return dict(changed=deleted, result={}, diff={"before": before, "after": {}})


# --- a list of endpoints (option endpoints) ---------------------------------------------------------------

# The options that name or shape a single endpoint: with endpoints, each item has its own.
SINGLE_ENDPOINT_OPTIONS = (
    "service",
    "vpc_endpoint_type",
    "name",
    "route_table_ids",
    "vpc_endpoint_subnets",
    "vpc_endpoint_security_groups",
    "policy",
    "private_dns_enabled",
    "vpc_endpoint_id",
    "client_token",
)


def validate_items(params: dict) -> list[str]:
    """Problems with O(endpoints), each naming its item; checked before any AWS call."""
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    for i, item in enumerate(params["endpoints"]):
        endpoint_type = item["vpc_endpoint_type"] or "Gateway"
        for option in option_conflicts(endpoint_type, item):
            errors.append(f"endpoints[{i}].{option} cannot be used with {endpoint_type} endpoints")
        try:
            parse_policy(item["policy"])
        except ValueError as e:
            errors.append(f"endpoints[{i}].policy is not a JSON object: {e}")
        key = (item["service"], endpoint_type, item["name"])
        if key in seen:
            errors.append(f"endpoints[{i}] names the same endpoint as endpoints[{seen[key]}] (service, type and name)")
        seen.setdefault(key, i)
    return errors


def endpoint_wanted(options: dict, tags: dict | None, purge_tags: bool) -> dict:
    """What the options of one endpoint (the module's, or an item of O(endpoints)) want, with ``tags`` as its tags.

    Raises ValueError when its policy is not a JSON object.
    """
    tags, purge = wanted_tags(tags, options["name"], purge_tags)
    return dict(
        policy=parse_policy(options["policy"]),
        route_table_ids=options["route_table_ids"],
        subnet_ids=options["vpc_endpoint_subnets"],
        security_group_ids=options["vpc_endpoint_security_groups"],
        private_dns_enabled=options["private_dns_enabled"],
        tags=tags,
        purge_tags=purge,
    )


def item_wanted(item: dict, common_tags: dict | None, purge_tags: bool) -> dict:
    """What one item of O(endpoints) wants, shaped as the single-endpoint ``wanted``; O(tags) under its tags."""
    tags = None if common_tags is None and item["tags"] is None else {**(common_tags or {}), **(item["tags"] or {})}
    return endpoint_wanted(item, tags, purge_tags)


def item_key(item: dict, service: str, endpoint_type: str) -> str:
    """How the diff names an item: its Name, else its service and type."""
    return item["name"] or f"{service} ({endpoint_type})"


def plan_endpoints(params: dict, region: str, found: list[dict]) -> dict:
    """What to do to the VPC's endpoints (``found``, every state) for O(endpoints).

    Returns ``{"items": [...], "purge": [endpoint, ...]}``; each item holds its ``key``, ``service``, ``type``,
    ``state``, ``wanted``, the ``endpoint`` it names (or None) and, for a present one, its ``changes``. An endpoint
    is named by one item at most; O(purge_endpoints) takes the live endpoints no item names, carrying every tag
    of O(purge_filter_tags), that their service does not manage (C(RequesterManaged)).
    """
    claimed: set[str] = set()
    items = []
    for item in params["endpoints"]:
        service = full_service_name(item["service"], region)
        endpoint_type = item["vpc_endpoint_type"] or "Gateway"
        candidates = [e for e in found if e.get("ServiceName") == service and e["VpcEndpointId"] not in claimed]
        endpoint = select_endpoint(candidates, endpoint_type, item["name"])
        if endpoint is not None:
            claimed.add(endpoint["VpcEndpointId"])
        planned = {
            "key": item_key(item, service, endpoint_type),
            "service": service,
            "type": endpoint_type,
            "state": item["state"] or params["state"],
            "wanted": item_wanted(item, params["tags"], params["purge_tags"]),
            "endpoint": endpoint,
            "changes": None,
        }
        if planned["state"] == "present" and endpoint is not None:
            planned["changes"] = compute_changes(endpoint_view(endpoint), planned["wanted"], endpoint_type)
        items.append(planned)
    purge = []
    if params["purge_endpoints"]:
        want = params["purge_filter_tags"] or {}
        purge = [
            e
            for e in found
            if is_live(e)
            and e["VpcEndpointId"] not in claimed
            and not e.get("RequesterManaged")
            and all(tags_from_boto3(e.get("Tags")).get(k) == v for k, v in want.items())
        ]
    return {"items": items, "purge": purge}


def item_changed(item: dict) -> bool:
    if item["state"] == "absent":
        return item["endpoint"] is not None
    return item["endpoint"] is None or has_changes(item["changes"])


def plan_diff(planned: dict) -> dict:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for item in planned["items"]:
        view = endpoint_view(item["endpoint"])
        if view:
            before[item["key"]] = view
        if item["state"] == "absent":
            continue
        if item["endpoint"] is None:
            after[item["key"]] = planned_view(item["type"], item["wanted"])
        else:
            after[item["key"]] = applied_view(view, item["changes"])
    for endpoint in planned["purge"]:
        before[endpoint["VpcEndpointId"]] = endpoint_view(endpoint)
    return {"before": before, "after": after}


def wait_for_all(client, endpoint_ids: list[str], deleted: bool, timeout: int, delay: float = 5) -> list[dict]:
    """Wait until every endpoint of ``endpoint_ids`` is available (or, ``deleted``, gone): one call a round."""

    def settled(found: list[dict]) -> bool:
        by_id = {e["VpcEndpointId"]: e for e in found}
        if deleted:
            return all(state_of(by_id.get(i)) in ("", "deleted") for i in endpoint_ids)
        # Not described yet is normal right after CreateVpcEndpoint (eventual consistency).
        return all(i in by_id and state_of(by_id[i]) not in TRANSITIONAL_STATES for i in endpoint_ids)

    what = "deleted" if deleted else "available"
    try:
        found = wait_for(
            lambda: describe_endpoints(client, ids=endpoint_ids),
            settled,
            f"VPC endpoints {', '.join(endpoint_ids)} to be {what}",
            timeout=timeout,
            delay=delay,
        )
    except WaitTimeout as e:
        states = ", ".join(f"{x['VpcEndpointId']} {state_of(x)}" for x in e.last or []) or "not described"
        raise MultiregionAWSError(message=f"VPC endpoints were not all {what} after {timeout} seconds: {states}") from e
    if not deleted:
        failed = [e for e in found if state_of(e) != "available"]
        if failed:
            listed = ", ".join(f"{e['VpcEndpointId']} is {state_of(e)}" for e in failed)
            raise MultiregionAWSError(message=f"VPC endpoints not available: {listed}")
    return found


def ensure_endpoints(module, client, params: dict) -> dict:
    """Reconcile the VPC's endpoints with O(endpoints) in one DescribeVpcEndpoints and the calls that differ."""
    found = describe_endpoints(client, filters=[{"Name": "vpc-id", "Values": [params["vpc_id"]]}])
    planned = plan_endpoints(params, module.region, found)
    diff = plan_diff(planned)
    changed = bool(planned["purge"]) or any(item_changed(i) for i in planned["items"])
    purged_ids = [e["VpcEndpointId"] for e in planned["purge"]]
    if module.check_mode or not changed:
        results = [endpoint_result(i["endpoint"]) if i["state"] == "present" else {} for i in planned["items"]]
        return dict(changed=changed, endpoints=results, purged=purged_ids, diff=diff)

    touched: list[str] = []
    deleted: list[str] = []
    for item in planned["items"]:
        endpoint = item["endpoint"]
        if item["state"] == "absent":
            if endpoint is not None and delete_endpoint(client, endpoint["VpcEndpointId"]):
                deleted.append(endpoint["VpcEndpointId"])
        elif endpoint is None:
            request = create_params(params["vpc_id"], item["service"], item["type"], item["wanted"])
            item["endpoint"] = create_endpoint(client, request)
            touched.append(item["endpoint"]["VpcEndpointId"])
        elif has_changes(item["changes"]):
            apply_changes(client, endpoint["VpcEndpointId"], item["changes"])
            touched.append(endpoint["VpcEndpointId"])
    purged = [e["VpcEndpointId"] for e in planned["purge"] if delete_endpoint(client, e["VpcEndpointId"])]

    if touched:
        if params["wait"]:
            fresh = wait_for_all(client, touched, False, params["wait_timeout"])
        else:
            # A just-created endpoint may not be described yet; its create response is the best view then.
            fresh = describe_endpoints(client, ids=touched)
        by_id = {e["VpcEndpointId"]: e for e in fresh}
        for item in planned["items"]:
            if item["endpoint"] is not None and item["endpoint"]["VpcEndpointId"] in by_id:
                item["endpoint"] = by_id[item["endpoint"]["VpcEndpointId"]]
    if params["wait"] and (deleted or purged):
        wait_for_all(client, deleted + purged, True, params["wait_timeout"])
    results = [endpoint_result(i["endpoint"]) if i["state"] == "present" else {} for i in planned["items"]]
    return dict(changed=True, endpoints=results, purged=purged, diff=diff)


def main() -> None:
    # What describes one endpoint: the single endpoint's options, and each item of the endpoints list.
    endpoint_options = dict(
        service=dict(type="str"),
        vpc_endpoint_type=dict(type="str", choices=["Gateway", "Interface", "GatewayLoadBalancer"]),
        name=dict(type="str"),
        route_table_ids=dict(type="list", elements="str"),
        vpc_endpoint_subnets=dict(type="list", elements="str"),
        vpc_endpoint_security_groups=dict(type="list", elements="str"),
        policy=dict(type="json"),
        private_dns_enabled=dict(type="bool"),
    )
    argument_spec = dict(
        vpc_id=dict(type="str"),
        **endpoint_options,
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=320),
        vpc_endpoint_id=dict(type="str"),
        client_token=dict(type="str", no_log=False),
        **item_list_options("endpoints", endpoint_options, "service"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["endpoints", option] for option in SINGLE_ENDPOINT_OPTIONS],
        required_by={"endpoints": "vpc_id"},
    )
    params = module.params

    if params["endpoints"] is not None:
        module.fail_on_errors(validate_items(params))
        client = module.retrying_client("ec2")
        run_and_exit(
            module,
            lambda: ensure_endpoints(module, client, params),
            diff_mode_only=True,
            failures=(EndpointIdentityError,),
        )
    if params["purge_endpoints"]:
        module.fail_json(msg="purge_endpoints needs endpoints")

    if not params["vpc_endpoint_id"] and not (params["vpc_id"] and params["service"]):
        module.fail_json(msg="vpc_id and service are required unless vpc_endpoint_id is given")
    declared_type = params["vpc_endpoint_type"] or (None if params["vpc_endpoint_id"] else "Gateway")
    conflicts = option_conflicts(declared_type, params) if declared_type else []
    if conflicts:
        module.fail_json(msg=f"{', '.join(conflicts)} cannot be used with {declared_type} endpoints")
    try:
        wanted = endpoint_wanted(params, params["tags"], params["purge_tags"])
    except ValueError as e:
        module.fail_json(msg=f"policy is not a JSON object: {e}")
    service = full_service_name(params["service"], module.region) if params["service"] else None
    client = module.retrying_client("ec2")

    run_and_exit(
        module,
        {
            "present": lambda: ensure_present(module, client, params, service, wanted),
            "absent": lambda: ensure_absent(module, client, params, service),
        },
        diff_mode_only=True,
        failures=(EndpointIdentityError,),
    )


if __name__ == "__main__":
    main()

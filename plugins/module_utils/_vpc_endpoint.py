# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""VPC endpoints: identity, the changes ModifyVpcEndpoint needs, and the calls that make them.

The pure functions (``full_service_name``, ``select_endpoint``, ``endpoint_view``, ``planned_view``,
``compute_changes``, ``applied_view``, ``option_conflicts``) decide everything; the functions taking a client
only carry out what they decided, so check mode and diff come from the same computation as the real run.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
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
    if wanted["tags"]:
        params["TagSpecifications"] = [{"ResourceType": "vpc-endpoint", "Tags": tags_to_boto3(wanted["tags"])}]
    return params


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


@EC2Errors.common_error_handler("tag VPC endpoint {endpoint_id}")
def tag_endpoint(client, endpoint_id: str, set_tags: dict, unset_tags: list[str]) -> None:
    if unset_tags:
        client.delete_tags(aws_retry=True, Resources=[endpoint_id], Tags=[{"Key": k} for k in unset_tags])
    if set_tags:
        client.create_tags(aws_retry=True, Resources=[endpoint_id], Tags=tags_to_boto3(set_tags))


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
        tag_endpoint(client, endpoint_id, changes["set_tags"], changes["unset_tags"])


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

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_network_interfaces_wait
short_description: Wait until no network interface references the given security groups or subnets
version_added: 0.1.0
description:
  - Lists the network interfaces (C(DescribeNetworkInterfaces), filters C(group-id) and C(subnet-id)) that
    reference any of O(security_group_ids) or O(subnet_ids), and polls until there is none, for at most
    O(timeout) seconds. A security group or a subnet that an interface still references cannot be deleted
    (C(DependencyViolation)).
  - AWS Lambda keeps a function's VPC network interfaces for up to about 45 minutes after the function is
    deleted or leaves the VPC, and a VPC endpoint's interfaces outlive the endpoint briefly. Nothing can speed
    that up while the interface is in use; the module waits.
  - Once Lambda releases one of its interfaces (status C(available), description starting with
    C(AWS Lambda VPC ENI)), the module deletes it when O(delete_released_lambda_interfaces) is true, as
    terraform-provider-aws does before deleting a security group or subnet. Interfaces of other owners are
    never deleted, only waited for.
  - When the time is up, the module fails and lists every interface that remains, with its status,
    description, type and requester.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  security_group_ids:
    description: Security groups that must be free of network interfaces.
    type: list
    elements: str
    default: []
  subnet_ids:
    description: Subnets that must be free of network interfaces.
    type: list
    elements: str
    default: []
  timeout:
    description: How long to wait, in seconds. 0 checks once and fails at once when an interface remains.
    type: int
    default: 2700
  delay:
    description: Seconds between two checks.
    type: int
    default: 15
  delete_released_lambda_interfaces:
    description:
      - Delete Lambda's interfaces that Lambda has released (status C(available)) instead of waiting for Lambda
        to delete them.
    type: bool
    default: true
notes:
  - Check mode looks once, reports the interfaces that remain and those it would delete, and neither waits nor
    deletes.
  - The caller needs C(ec2:DescribeNetworkInterfaces), and C(ec2:DeleteNetworkInterface) with
    O(delete_released_lambda_interfaces).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait until Lambda has released the interfaces in the function's security group and subnets
  multiregion.serverless.ec2_network_interfaces_wait:
    security_group_ids: [sg-0123456789abcdef0]
    subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
    timeout: 2700

- name: Then the group can go
  amazon.aws.ec2_security_group:
    group_id: sg-0123456789abcdef0
    state: absent
"""

RETURN = r"""
network_interfaces:
  description:
    - The interfaces that still reference the groups or subnets; empty on success (except in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    network_interface_id:
      description: ID of the interface.
      type: str
      sample: eni-0123456789abcdef0
    status:
      description: C(in-use), C(available), C(attaching), C(detaching) or C(associated).
      type: str
      sample: in-use
    description:
      description: Description of the interface; Lambda's start with C(AWS Lambda VPC ENI).
      type: str
      sample: "AWS Lambda VPC ENI-prod-api-0123abcd"
    interface_type:
      description: Type of the interface, for example C(lambda), C(vpc_endpoint) or C(interface).
      type: str
      sample: lambda
    requester_id:
      description: The AWS service or account that created the interface, when AWS manages it.
      type: str
      sample: "123456789012:awslambda_0123"
    subnet_id:
      description: Subnet of the interface.
      type: str
    group_ids:
      description: Security groups of the interface.
      type: list
      elements: str
deleted_network_interface_ids:
  description: Lambda interfaces the module deleted (or would delete, in check mode) once Lambda had released them.
  returned: always
  type: list
  elements: str
  sample: ["eni-0123456789abcdef1"]
waited_seconds:
  description: How long the module waited.
  returned: always
  type: int
  sample: 45
"""


from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

LAMBDA_DESCRIPTION_PREFIX = "AWS Lambda VPC ENI"

Ec2ErrorHandler = error_handler(["InvalidNetworkInterfaceID.NotFound"])


@Ec2ErrorHandler.common_error_handler("describe the network interfaces of {filter_name} {values}")
def interfaces_by(client, filter_name: str, values: list[str]) -> list[dict]:
    if not values:
        return []
    found = paginate(client, "describe_network_interfaces", Filters=[{"Name": filter_name, "Values": list(values)}])
    return found.get("NetworkInterfaces", [])


@Ec2ErrorHandler.deletion_error_handler("delete network interface {interface_id}")
def delete_interface(client, interface_id: str) -> bool:
    client.delete_network_interface(NetworkInterfaceId=interface_id, aws_retry=True)
    return True


def referencing_interfaces(client, group_ids: list[str], subnet_ids: list[str]) -> list[dict]:
    """Every interface in any of the groups or subnets, once each, in a stable order."""
    found: dict[str, dict] = {}
    for interface in interfaces_by(client, "group-id", group_ids) + interfaces_by(client, "subnet-id", subnet_ids):
        found.setdefault(interface["NetworkInterfaceId"], interface)
    return [found[k] for k in sorted(found)]


def is_released_lambda_interface(interface: dict) -> bool:
    """Lambda has let go of it: detached, and deleting it is what Lambda would do next."""
    return interface.get("Status") == "available" and (interface.get("Description") or "").startswith(
        LAMBDA_DESCRIPTION_PREFIX
    )


def split_interfaces(interfaces: list[dict], delete_released: bool) -> tuple[list[dict], list[dict]]:
    """(interfaces to delete now, interfaces to wait for)."""
    to_delete = [i for i in interfaces if delete_released and is_released_lambda_interface(i)]
    deleting = {i["NetworkInterfaceId"] for i in to_delete}
    return to_delete, [i for i in interfaces if i["NetworkInterfaceId"] not in deleting]


def interface_summary(interface: dict) -> dict:
    return {
        "network_interface_id": interface["NetworkInterfaceId"],
        "status": interface.get("Status"),
        "description": interface.get("Description", ""),
        "interface_type": interface.get("InterfaceType"),
        "requester_id": interface.get("RequesterId"),
        "subnet_id": interface.get("SubnetId"),
        "group_ids": [g["GroupId"] for g in interface.get("Groups", [])],
    }


def describe_remaining(remaining: list[dict]) -> str:
    return "; ".join(
        f"{i['network_interface_id']} ({i['status']}, {i['interface_type'] or 'interface'}"
        f"{', ' + repr(i['description']) if i['description'] else ''}"
        f"{', requester ' + i['requester_id'] if i['requester_id'] else ''})"
        for i in remaining
    )


def release(module, client) -> dict:
    """Wait until no network interface references the groups and subnets, deleting Lambda's released ones."""
    params = module.params
    group_ids, subnet_ids = params["security_group_ids"], params["subnet_ids"]
    deleted: list[str] = []
    started = _now()

    def poll() -> list[dict]:
        interfaces = referencing_interfaces(client, group_ids, subnet_ids)
        to_delete, remaining = split_interfaces(interfaces, params["delete_released_lambda_interfaces"])
        for interface in to_delete:
            if not module.check_mode:
                delete_interface(client, interface["NetworkInterfaceId"])
            deleted.append(interface["NetworkInterfaceId"])
        return remaining

    try:
        if module.check_mode:
            remaining = poll()
        else:
            remaining = wait_for(
                poll,
                lambda left: not left,
                f"network interfaces to release {', '.join(group_ids + subnet_ids)}",
                timeout=params["timeout"],
                delay=params["delay"],
                clock=_now,
                sleep=_sleep,
            )
    except WaitTimeout as e:
        left = [interface_summary(i) for i in e.last]
        raise ModuleFailure(
            f"{len(left)} network interface(s) still reference {', '.join(group_ids + subnet_ids)} after"
            f" {params['timeout']} s: {describe_remaining(left)}. Lambda releases a function's interfaces up"
            " to about 45 minutes after the function is deleted; wait longer or run again later.",
            network_interfaces=left,
            deleted_network_interface_ids=sorted(set(deleted)),
            waited_seconds=int(_now() - started),
        ) from e
    return dict(
        changed=bool(deleted),
        network_interfaces=[interface_summary(i) for i in remaining],
        deleted_network_interface_ids=sorted(set(deleted)),
        waited_seconds=int(_now() - started),
    )


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            security_group_ids=dict(type="list", elements="str", default=[]),
            subnet_ids=dict(type="list", elements="str", default=[]),
            timeout=dict(type="int", default=2700),
            delay=dict(type="int", default=15),
            delete_released_lambda_interfaces=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["timeout"] < 0 or params["delay"] < 1:
        module.fail_json(msg="timeout must be 0 or more and delay at least 1 second")
    client = module.retrying_client("ec2")
    run_and_exit(module, lambda: release(module, client))


if __name__ == "__main__":
    main()

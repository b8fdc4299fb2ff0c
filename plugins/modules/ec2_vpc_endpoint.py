#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

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
    type: str
    choices: [present, absent]
    default: present
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
notes:
  - Supports C(check_mode) and C(diff). The diff shows C(policy), C(route_table_ids), C(subnet_ids),
    C(security_group_ids), C(tags) and, for V(Interface) endpoints, C(private_dns_enabled). In check mode the
    diff of a new endpoint shows AWS's defaults for the options left out.
  - "Differences from M(amazon.aws.ec2_vpc_endpoint): existing endpoints are reconciled, not just re-tagged;
    route tables do not take part in identity (they are reconciled instead); O(state=absent) also works by
    O(vpc_id) and O(service); O(wait) applies to deletion too; O(vpc_endpoint_type) is matched; O(service) accepts
    short names."
extends_documentation_fragment:
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

- name: Delete the DynamoDB endpoint and wait until it is gone
  multiregion.serverless.ec2_vpc_endpoint:
    vpc_id: "{{ vpc.vpc.id }}"
    service: dynamodb
    state: absent
    wait: true
"""

RETURN = r"""
result:
  description:
    - The endpoint as DescribeVpcEndpoints returns it, in snake_case (as M(amazon.aws.ec2_vpc_endpoint) returns it).
    - Empty when O(state=absent), and in check mode when the endpoint would be created.
  returned: always
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

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils import _vpc_endpoint as vpce
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule


def find_endpoint(client, params: dict, service: str):
    """The endpoint this task is about, or None when there is none (alive)."""
    if params["vpc_endpoint_id"]:
        endpoint = vpce.describe_endpoint(client, params["vpc_endpoint_id"])
        if endpoint is None or not vpce.is_live(endpoint):
            return None
        mismatches = vpce.identity_mismatches(endpoint, params["vpc_id"], service, params["vpc_endpoint_type"])
        if mismatches:
            raise vpce.EndpointIdentityError(
                f"VPC endpoint {params['vpc_endpoint_id']} does not match {', '.join(mismatches)}; "
                "the VPC, service and type of an endpoint cannot be changed"
            )
        return endpoint
    found = vpce.endpoints_for_service(client, params["vpc_id"], service)
    return vpce.select_endpoint(found, params["vpc_endpoint_type"] or "Gateway", params["name"])


def refreshed(client, endpoint: dict, params: dict) -> dict:
    endpoint_id = endpoint["VpcEndpointId"]
    if params["wait"]:
        return vpce.wait_until_available(client, endpoint_id, params["wait_timeout"])
    # A just-created endpoint may not be described yet; its create response is the best view then.
    return vpce.describe_endpoint(client, endpoint_id) or endpoint


def ensure_present(module, client, params: dict, service: str, wanted: dict) -> dict:
    endpoint = find_endpoint(client, params, service)
    if endpoint is None:
        if params["vpc_endpoint_id"]:
            raise vpce.EndpointIdentityError(
                f"VPC endpoint {params['vpc_endpoint_id']} does not exist; leave vpc_endpoint_id out to create one"
            )
        endpoint_type = params["vpc_endpoint_type"] or "Gateway"
        if module.check_mode:
            return dict(changed=True, result={}, diff={"before": {}, "after": vpce.planned_view(endpoint_type, wanted)})
        request = vpce.create_params(params["vpc_id"], service, endpoint_type, wanted, params["client_token"])
        endpoint = refreshed(client, vpce.create_endpoint(client, request), params)
        after = vpce.endpoint_view(endpoint)
        return dict(changed=True, result=vpce.endpoint_result(endpoint), diff={"before": {}, "after": after})

    endpoint_type = endpoint["VpcEndpointType"]
    conflicts = vpce.option_conflicts(endpoint_type, params)
    if conflicts:
        raise vpce.EndpointIdentityError(f"{', '.join(conflicts)} cannot be used with {endpoint_type} endpoints")
    before = vpce.endpoint_view(endpoint)
    changes = vpce.compute_changes(before, wanted, endpoint_type)
    if not vpce.has_changes(changes):
        return dict(changed=False, result=vpce.endpoint_result(endpoint), diff={"before": before, "after": before})
    if module.check_mode:
        after = vpce.applied_view(before, changes)
        return dict(changed=True, result=vpce.endpoint_result(endpoint), diff={"before": before, "after": after})
    vpce.apply_changes(client, endpoint["VpcEndpointId"], changes)
    endpoint = refreshed(client, endpoint, params)
    after = vpce.endpoint_view(endpoint)
    return dict(changed=True, result=vpce.endpoint_result(endpoint), diff={"before": before, "after": after})


def ensure_absent(module, client, params: dict, service: str) -> dict:
    endpoint = find_endpoint(client, params, service)
    before = vpce.endpoint_view(endpoint)
    if endpoint is None or module.check_mode:
        return dict(changed=endpoint is not None, result={}, diff={"before": before, "after": {}})
    endpoint_id = endpoint["VpcEndpointId"]
    deleted = vpce.delete_endpoint(client, endpoint_id)
    if deleted and params["wait"]:
        vpce.wait_until_deleted(client, endpoint_id, params["wait_timeout"])
    return dict(changed=deleted, result={}, diff={"before": before, "after": {}})


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str"),
        service=dict(type="str"),
        vpc_endpoint_type=dict(type="str", choices=["Gateway", "Interface", "GatewayLoadBalancer"]),
        name=dict(type="str"),
        route_table_ids=dict(type="list", elements="str"),
        vpc_endpoint_subnets=dict(type="list", elements="str"),
        vpc_endpoint_security_groups=dict(type="list", elements="str"),
        policy=dict(type="json"),
        private_dns_enabled=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=320),
        vpc_endpoint_id=dict(type="str"),
        client_token=dict(type="str", no_log=False),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    if not params["vpc_endpoint_id"] and not (params["vpc_id"] and params["service"]):
        module.fail_json(msg="vpc_id and service are required unless vpc_endpoint_id is given")
    declared_type = params["vpc_endpoint_type"] or (None if params["vpc_endpoint_id"] else "Gateway")
    conflicts = vpce.option_conflicts(declared_type, params) if declared_type else []
    if conflicts:
        module.fail_json(msg=f"{', '.join(conflicts)} cannot be used with {declared_type} endpoints")
    try:
        policy = vpce.parse_policy(params["policy"])
    except ValueError as e:
        module.fail_json(msg=f"policy is not a JSON object: {e}")
    tags, purge_tags = vpce.wanted_tags(params["tags"], params["name"], params["purge_tags"])
    wanted = dict(
        policy=policy,
        route_table_ids=params["route_table_ids"],
        subnet_ids=params["vpc_endpoint_subnets"],
        security_group_ids=params["vpc_endpoint_security_groups"],
        private_dns_enabled=params["private_dns_enabled"],
        tags=tags,
        purge_tags=purge_tags,
    )
    service = vpce.full_service_name(params["service"], module.region) if params["service"] else None
    client = module.retrying_client("ec2")

    try:
        if params["state"] == "present":
            result = ensure_present(module, client, params, service, wanted)
        else:
            result = ensure_absent(module, client, params, service)
    except vpce.EndpointIdentityError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()

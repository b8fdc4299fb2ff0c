#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigateway_domain_name
short_description: Manage an API Gateway custom domain name and its base path mappings
version_added: 0.1.0
description:
  - Creates, updates or deletes an API Gateway (REST) custom domain name and the base path mappings that
    route it to the stages of REST APIs.
  - Only what differs is changed, with UpdateDomainName patch operations and
    Create/Update/DeleteBasePathMapping.
  - C(community.aws.api_gateway_domain) compares O(certificate_arn) with the domain's C(certificateArn),
    but a REGIONAL domain keeps its certificate in C(regionalCertificateArn), so it reports a change on
    every run. This module compares the field that belongs to the endpoint type.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  domain_name:
    description:
      - The custom domain name, for example V(api.example.com).
    type: str
    required: true
  endpoint_type:
    description:
      - The endpoint type of the domain.
      - Changing the endpoint type of an existing domain is a migration (both endpoint types side by side and
        a DNS change); the module refuses it and says so.
    type: str
    choices: [REGIONAL, EDGE]
    default: REGIONAL
  ip_address_type:
    description:
      - The IP address types that can invoke the domain. V(ipv4) (API Gateway's default for public domains) answers
        IPv4 clients only, so an AAAA alias record to it answers nothing useful; V(dualstack) answers IPv4 and IPv6.
      - Changed in place with an UpdateDomainName C(replace /endpointConfiguration/ipAddressType) operation.
      - Left alone when omitted (a new domain is then V(ipv4)).
    type: str
    choices: [ipv4, dualstack]
  certificate_arn:
    description:
      - The ARN of the ACM certificate of the domain. For V(REGIONAL) it must be in the domain's region,
        for V(EDGE) in us-east-1.
      - Stored as C(regionalCertificateArn) for V(REGIONAL) and as C(certificateArn) for V(EDGE).
      - Required when the domain is created (in check mode a missing one is only warned about, since it
        usually comes from a certificate an earlier task would have requested); left alone when omitted for an
        existing domain.
    type: str
  security_policy:
    description:
      - The TLS version and cipher suite of the domain, for example V(TLS_1_2).
    type: str
    default: TLS_1_2
  base_path_mappings:
    description:
      - The base path mappings of the domain.
      - Mappings with a base path not in this list are removed unless O(purge_base_path_mappings=false).
      - When omitted, the domain's mappings are left alone.
    type: list
    elements: dict
    suboptions:
      rest_api_id:
        description: The ID of the REST API.
        type: str
        required: true
      stage:
        description: The stage of the REST API.
        type: str
        required: true
      base_path:
        description:
          - The first path segment of the domain that routes to the stage. V('') or V((none)) maps the root.
        type: str
        default: ""
  purge_base_path_mappings:
    description:
      - Remove the domain's base path mappings whose base path is not in O(base_path_mappings).
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the domain; V(absent) deletes it with its base path mappings.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Custom domain of the regional API
  multiregion.serverless.apigateway_domain_name:
    domain_name: api.example.com
    certificate_arn: "{{ api_certificate.certificate.arn }}"
    base_path_mappings:
      - rest_api_id: "{{ rest_api_id }}"
        stage: v1
        base_path: ""
    tags:
      Application: global-api
  register: api_domain

- name: Alias record that follows the domain
  amazon.aws.route53:
    state: present
    zone: example.com
    record: api.example.com
    type: A
    value: "{{ api_domain.domain.regional_domain_name }}"
    alias: true
    alias_hosted_zone_id: "{{ api_domain.domain.regional_hosted_zone_id }}"
    region: "{{ omit }}"

- name: Remove the domain
  multiregion.serverless.apigateway_domain_name:
    domain_name: api.example.com
    state: absent
"""

RETURN = r"""
domain:
  description:
    - The domain name as API Gateway describes it, keys in snake_case. Empty when O(state=absent).
    - In check mode, a domain that would be created has no generated names.
  returned: always
  type: dict
  contains:
    domain_name:
      description: The custom domain name.
      type: str
      sample: api.example.com
    regional_domain_name:
      description: The target of alias records for a REGIONAL domain.
      type: str
      returned: for a REGIONAL domain
      sample: d-abcdef1234.execute-api.eu-west-1.amazonaws.com
    regional_hosted_zone_id:
      description: The hosted zone of O(domain_name)'s regional target, for alias records.
      type: str
      returned: for a REGIONAL domain
      sample: ZLY8HYME6SFDD
    regional_certificate_arn:
      description: The certificate of a REGIONAL domain.
      type: str
      returned: for a REGIONAL domain
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b
    distribution_domain_name:
      description: The CloudFront target of alias records for an EDGE domain.
      type: str
      returned: when API Gateway gives one
      sample: d111111abcdef8.cloudfront.net
    distribution_hosted_zone_id:
      description: The hosted zone of the CloudFront target.
      type: str
      returned: when API Gateway gives one
      sample: Z2FDTNDATAQYW2
    certificate_arn:
      description: The certificate of an EDGE domain.
      type: str
      returned: for an EDGE domain
      sample: arn:aws:acm:us-east-1:123456789012:certificate/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b
    security_policy:
      description: The TLS version and cipher suite of the domain.
      type: str
      sample: TLS_1_2
    endpoint_configuration:
      description: The endpoint types of the domain and its IP address type.
      type: dict
      sample: {"types": ["REGIONAL"], "ip_address_type": "dualstack"}
    ip_address_type:
      description: The domain's IP address type, V(ipv4) when API Gateway reports none.
      type: str
      sample: dualstack
    domain_name_status:
      description: API Gateway's status of the domain.
      type: str
      returned: when API Gateway gives one
      sample: AVAILABLE
    tags:
      description: The domain's tags.
      type: dict
      sample: {"Application": "global-api"}
base_path_mappings:
  description: The domain's base path mappings after the change. Empty when O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    base_path:
      description: The base path; V((none)) is the root.
      type: str
      sample: (none)
    rest_api_id:
      description: The REST API.
      type: str
      sample: a1b2c3d4e5
    stage:
      description: The stage.
      type: str
      sample: v1
"""

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import ApiGatewayErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import tag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import untag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import without_metadata
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes

# API Gateway throttles with TooManyRequestsException, which AWSRetry retries; ThrottlingException comes from
# the layers in front of it and is not retried unless named. ConflictException is not retried: it also
# answers a base path that exists already, which waiting does not fix.
RETRY_CODES = ["ThrottlingException"]
ROOT = "(none)"


# --- pure functions ---------------------------------------------------------------------------------------


def normalize_base_path(base_path: str | None) -> str:
    """API Gateway names the root mapping ``(none)``."""
    if base_path in (None, "", ROOT, "/"):
        return ROOT
    return base_path.strip("/")


def wanted_mappings(mappings: list[dict] | None) -> dict[str, dict] | None:
    """Base path -> {rest_api_id, stage}; ``None`` leaves the domain's mappings alone."""
    if mappings is None:
        return None
    wanted: dict[str, dict] = {}
    for mapping in mappings:
        base_path = normalize_base_path(mapping.get("base_path"))
        if base_path in wanted:
            raise ValueError(f"base path {base_path!r} is listed more than once in base_path_mappings")
        wanted[base_path] = {"rest_api_id": mapping["rest_api_id"], "stage": mapping["stage"]}
    return wanted


def current_mappings(items: list[dict]) -> dict[str, dict]:
    return {
        normalize_base_path(item.get("basePath")): {"rest_api_id": item.get("restApiId"), "stage": item.get("stage")}
        for item in items
    }


def mapping_changes(current: dict[str, dict], wanted: dict[str, dict] | None, purge: bool) -> dict[str, Any]:
    """{create: {base_path: mapping}, update: {base_path: patch operations}, delete: [base_path]}."""
    changes: dict[str, Any] = {"create": {}, "update": {}, "delete": []}
    if wanted is None:
        return changes
    for base_path, mapping in wanted.items():
        existing = current.get(base_path)
        if existing is None:
            changes["create"][base_path] = mapping
            continue
        operations = []
        if existing["rest_api_id"] != mapping["rest_api_id"]:
            operations.append({"op": "replace", "path": "/restapiId", "value": mapping["rest_api_id"]})
        if existing["stage"] != mapping["stage"]:
            operations.append({"op": "replace", "path": "/stage", "value": mapping["stage"]})
        if operations:
            changes["update"][base_path] = operations
    if purge:
        changes["delete"] = sorted(base_path for base_path in current if base_path not in wanted)
    return changes


def mappings_after(current: dict[str, dict], changes: dict[str, Any], wanted: dict[str, dict] | None) -> dict:
    after = {bp: m for bp, m in current.items() if bp not in changes["delete"]}
    for base_path in list(changes["create"]) + list(changes["update"]):
        after[base_path] = wanted[base_path]
    return after


def certificate_field(endpoint_type: str) -> str:
    return "regionalCertificateArn" if endpoint_type == "REGIONAL" else "certificateArn"


def endpoint_type_of(domain: dict) -> str | None:
    types = (domain.get("endpointConfiguration") or {}).get("types") or []
    return types[0] if types else None


def ip_address_type_of(domain: dict) -> str:
    """The domain's IP address type; API Gateway's default, ipv4, when it reports none."""
    return (domain.get("endpointConfiguration") or {}).get("ipAddressType") or "ipv4"


def domain_patch_operations(domain: dict, params: dict) -> list[dict]:
    """The UpdateDomainName operations that bring ``domain`` to what ``params`` asks for."""
    operations = []
    field = certificate_field(params["endpoint_type"])
    if params.get("certificate_arn") and domain.get(field) != params["certificate_arn"]:
        operations.append({"op": "replace", "path": f"/{field}", "value": params["certificate_arn"]})
    if params.get("security_policy") and domain.get("securityPolicy") != params["security_policy"]:
        operations.append({"op": "replace", "path": "/securityPolicy", "value": params["security_policy"]})
    if params.get("ip_address_type") and ip_address_type_of(domain) != params["ip_address_type"]:
        operations.append(
            {"op": "replace", "path": "/endpointConfiguration/ipAddressType", "value": params["ip_address_type"]}
        )
    return operations


def planned_domain(params: dict) -> dict:
    """What CreateDomainName would be asked for; also what check mode returns for a new domain."""
    domain = {
        "domainName": params["domain_name"],
        "endpointConfiguration": dict(
            {"types": [params["endpoint_type"]]},
            **({"ipAddressType": params["ip_address_type"]} if params.get("ip_address_type") else {}),
        ),
        certificate_field(params["endpoint_type"]): params["certificate_arn"],
        "securityPolicy": params["security_policy"],
    }
    if params.get("tags"):
        domain["tags"] = params["tags"]
    return domain


def apply_patch(domain: dict, operations: list[dict]) -> dict:
    """The domain as it will be after ``operations``, for check mode and diff."""
    patched = dict(domain)
    for operation in operations:
        path = operation["path"].lstrip("/").split("/")
        if len(path) == 2:
            patched[path[0]] = dict(patched.get(path[0]) or {}, **{path[1]: operation["value"]})
        else:
            patched[path[0]] = operation["value"]
    return patched


def mappings_view(mappings: dict[str, dict]) -> list[dict]:
    return [{"base_path": bp, **mappings[bp]} for bp in sorted(mappings)]


def diff_view(domain: dict | None, mappings: dict[str, dict]) -> dict:
    if not domain:
        return {}
    endpoint_type = endpoint_type_of(domain)
    view = {
        "domain_name": domain.get("domainName"),
        "endpoint_type": endpoint_type,
        "certificate_arn": domain.get(certificate_field(endpoint_type or "REGIONAL")),
        "security_policy": domain.get("securityPolicy"),
        "tags": domain.get("tags") or {},
        "base_path_mappings": mappings_view(mappings),
    }
    # Shown as API Gateway reports it: a domain made before IP address types existed reports none (it is ipv4).
    if (domain.get("endpointConfiguration") or {}).get("ipAddressType"):
        view["ip_address_type"] = domain["endpointConfiguration"]["ipAddressType"]
    return view


def domain_arn(client, domain: dict, region: str) -> str:
    if domain.get("domainNameArn"):
        return domain["domainNameArn"]
    return f"arn:{client.meta.partition}:apigateway:{region}::/domainnames/{domain['domainName']}"


# --- AWS calls --------------------------------------------------------------------------------------------


@ApiGatewayErrorHandler.list_error_handler("get domain name {name}")
def get_domain(client, name: str) -> dict | None:
    return without_metadata(client.get_domain_name(domainName=name, aws_retry=True))


@ApiGatewayErrorHandler.list_error_handler("get base path mappings of {name}", [])
@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=RETRY_CODES)
def get_mappings(client, name: str) -> list[dict]:
    paginator = client.get_paginator("get_base_path_mappings")
    return paginator.paginate(domainName=name).build_full_result().get("items", [])


@ApiGatewayErrorHandler.common_error_handler("create domain name {name}")
def create_domain(client, name: str, request: dict, tags: dict | None) -> dict:
    params = dict(request)
    if tags:
        params["tags"] = tags
    return without_metadata(client.create_domain_name(aws_retry=True, **params))


@ApiGatewayErrorHandler.common_error_handler("update domain name {name}")
def update_domain(client, name: str, operations: list[dict]) -> dict:
    return without_metadata(client.update_domain_name(domainName=name, patchOperations=operations, aws_retry=True))


@ApiGatewayErrorHandler.deletion_error_handler("delete domain name {name}")
def delete_domain(client, name: str) -> bool:
    client.delete_domain_name(domainName=name, aws_retry=True)
    return True


@ApiGatewayErrorHandler.common_error_handler("create base path mapping {base_path} of {name}")
def create_mapping(client, name: str, base_path: str, mapping: dict) -> None:
    params = {"domainName": name, "restApiId": mapping["rest_api_id"], "stage": mapping["stage"]}
    if base_path != ROOT:
        params["basePath"] = base_path
    client.create_base_path_mapping(aws_retry=True, **params)


@ApiGatewayErrorHandler.common_error_handler("update base path mapping {base_path} of {name}")
def update_mapping(client, name: str, base_path: str, operations: list[dict]) -> None:
    client.update_base_path_mapping(domainName=name, basePath=base_path, patchOperations=operations, aws_retry=True)


@ApiGatewayErrorHandler.deletion_error_handler("delete base path mapping {base_path} of {name}")
def delete_mapping(client, name: str, base_path: str) -> bool:
    client.delete_base_path_mapping(domainName=name, basePath=base_path, aws_retry=True)
    return True


def apply_mapping_changes(client, name: str, changes: dict[str, Any]) -> None:
    # Removals first, so that at no moment the domain routes more than it was asked to.
    for base_path in changes["delete"]:
        delete_mapping(client, name, base_path)
    for base_path, operations in changes["update"].items():
        update_mapping(client, name, base_path, operations)
    for base_path, mapping in changes["create"].items():
        create_mapping(client, name, base_path, mapping)


# --- states -----------------------------------------------------------------------------------------------


def outcome(changed: bool, domain: dict, mappings: dict[str, dict], diff: dict) -> dict:
    result = snake_result(domain)
    result["ip_address_type"] = ip_address_type_of(domain)
    return dict(changed=changed, domain=result, base_path_mappings=mappings_view(mappings), diff=diff)


def tags_after(current: dict | None, to_set: dict, to_remove: list[str]) -> dict:
    return {k: v for k, v in {**(current or {}), **to_set}.items() if k not in to_remove}


def create(module, client, params: dict, wanted: dict[str, dict] | None) -> dict:
    name = params["domain_name"]
    if not params["certificate_arn"]:
        # In check mode the certificate is often one an earlier task would have requested, so its ARN is unknown.
        if not module.check_mode:
            raise AnsibleAWSError(message=f"certificate_arn is required to create domain name {name}")
        module.warn(f"certificate_arn is not known; a real run would need it to create domain name {name}")
    planned = planned_domain(params)
    changes = mapping_changes({}, wanted, params["purge_base_path_mappings"])
    mappings = mappings_after({}, changes, wanted)
    diff = {"before": {}, "after": diff_view(planned, mappings)}
    if module.check_mode:
        return outcome(True, planned, mappings, diff)
    domain = create_domain(client, name, {k: v for k, v in planned.items() if k != "tags"}, params["tags"])
    apply_mapping_changes(client, name, changes)
    return outcome(True, domain, mappings, diff)


def update(module, client, params: dict, wanted: dict[str, dict] | None, domain: dict) -> dict:
    name = params["domain_name"]
    current_type = endpoint_type_of(domain)
    if current_type and current_type != params["endpoint_type"]:
        raise AnsibleAWSError(
            message=(
                f"Domain name {name} is {current_type}, not {params['endpoint_type']}. Changing the endpoint type "
                "is a migration (both types side by side, then a DNS change) that this module does not do; "
                "migrate it by hand or delete the domain first."
            )
        )
    existing_mappings = current_mappings(get_mappings(client, name))
    operations = domain_patch_operations(domain, params)
    to_tag, to_untag = tag_changes(domain.get("tags"), params["tags"], params["purge_tags"])
    changes = mapping_changes(existing_mappings, wanted, params["purge_base_path_mappings"])
    changed = bool(operations or to_tag or to_untag or any(changes.values()))

    after = apply_patch(domain, operations)
    after["tags"] = tags_after(domain.get("tags"), to_tag, to_untag)
    mappings = mappings_after(existing_mappings, changes, wanted)
    diff = {"before": diff_view(domain, existing_mappings), "after": diff_view(after, mappings)}
    if not changed or module.check_mode:
        return outcome(changed, after, mappings, diff)

    if operations:
        after = update_domain(client, name, operations)
        after["tags"] = tags_after(domain.get("tags"), to_tag, to_untag)
    arn = domain_arn(client, domain, module.region)
    if to_untag:
        untag_resource(client, "domain name", arn, to_untag)
    if to_tag:
        tag_resource(client, "domain name", arn, to_tag)
    apply_mapping_changes(client, name, changes)
    return outcome(True, after, mappings, diff)


def ensure_present(module, client, params: dict, wanted: dict[str, dict] | None) -> dict:
    domain = get_domain(client, params["domain_name"])
    if domain is None:
        return create(module, client, params, wanted)
    return update(module, client, params, wanted, domain)


def ensure_absent(module, client, params: dict) -> dict:
    name = params["domain_name"]
    domain = get_domain(client, name)
    if domain is None:
        return dict(changed=False, domain={}, base_path_mappings=[], diff={"before": {}, "after": {}})
    existing_mappings = current_mappings(get_mappings(client, name))
    diff = {"before": diff_view(domain, existing_mappings), "after": {}}
    # API Gateway deletes a domain's base path mappings with it.
    changed = True if module.check_mode else delete_domain(client, name)
    return dict(changed=changed, domain={}, base_path_mappings=[], diff=diff)


def main() -> None:
    argument_spec = dict(
        domain_name=dict(type="str", required=True),
        endpoint_type=dict(type="str", choices=["REGIONAL", "EDGE"], default="REGIONAL"),
        ip_address_type=dict(type="str", choices=["ipv4", "dualstack"]),
        certificate_arn=dict(type="str"),
        security_policy=dict(type="str", default="TLS_1_2"),
        base_path_mappings=dict(
            type="list",
            elements="dict",
            options=dict(
                rest_api_id=dict(type="str", required=True),
                stage=dict(type="str", required=True),
                base_path=dict(type="str", default=""),
            ),
        ),
        purge_base_path_mappings=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        wanted = wanted_mappings(params["base_path_mappings"])
    except ValueError as e:
        module.fail_json(msg=str(e))
    client = module.retrying_client("apigateway", extra_codes=RETRY_CODES)

    run_and_exit(
        module,
        {
            "present": lambda: ensure_present(module, client, params, wanted),
            "absent": lambda: ensure_absent(module, client, params),
        },
        diff_mode_only=True,
    )


if __name__ == "__main__":
    main()

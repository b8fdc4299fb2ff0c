#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: route53_health_check
short_description: Manage a Route 53 endpoint health check identified by its name
version_added: 0.1.0
description:
  - Creates, updates or deletes a Route 53 health check of an endpoint (HTTP, HTTPS, with or without a
    string match, or TCP), found by its C(Name) tag, with the health checkers' regions, SNI, latency
    measurement, the failure threshold and tags.
  - C(amazon.aws.route53_health_check) has no option for the health checkers' regions or for SNI, and with
    O(state=absent) finds the check by its address instead of its name.
  - The type, the request interval and latency measurement cannot change once the check exists; the module
    fails naming the option instead of replacing the check (records may refer to its id).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The health check's C(Name) tag, unique among the account's health checks.
    type: str
    required: true
  type:
    description:
      - The protocol of the check.
    type: str
    choices: [HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP]
    default: HTTPS
  fqdn:
    description:
      - The host name to check. With O(ip_address) it is only sent as the C(Host) header (and in SNI).
      - One of O(fqdn) and O(ip_address) is required with O(state=present).
    type: str
  ip_address:
    description:
      - The IPv4 or IPv6 address to check.
    type: str
  port:
    description:
      - The port; V(443) for the HTTPS types and V(80) for the HTTP types when omitted. Required for V(TCP).
    type: int
  resource_path:
    description:
      - The path requested, starting with C(/), for example C(/v1/healthcheck).
    type: str
  search_string:
    description:
      - For the C(*_STR_MATCH) types, the text the first 5120 bytes of the response body must contain.
    type: str
  request_interval:
    description:
      - Seconds between a checker's requests, V(10) (fast) or V(30). Cannot change after creation.
    type: int
    choices: [10, 30]
    default: 30
  failure_threshold:
    description:
      - Consecutive failed (or passed) checks before a checker changes its view of the endpoint.
    type: int
    choices: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    default: 3
  enable_sni:
    description:
      - Send O(fqdn) in the TLS client hello. Defaults to V(true) for the HTTPS types, V(false) otherwise.
    type: bool
  measure_latency:
    description:
      - Record the latency from each checker region in CloudWatch. Cannot change after creation.
    type: bool
    default: false
  regions:
    description:
      - The regions whose health checkers check the endpoint, at least three.
      - Omitted, an existing check keeps its regions and a new one is checked from every region;
        V([]) returns an existing check to every region.
    type: list
    elements: str
    choices: [us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1]
  inverted:
    description:
      - Report healthy when the endpoint fails and the other way round.
    type: bool
    default: false
  disabled:
    description:
      - Stop checking; Route 53 then considers the check healthy.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the check; V(absent) deletes the check carrying the name.
notes:
  - The C(Name) tag is always kept, whatever O(purge_tags) says.
  - Route 53 cannot tag a health check in the request that creates it, so the module creates it, then tags it.
    Each creation has a C(CallerReference) of its own, made from the name and a random part; the retries of that
    request send the same reference, so a lost answer does not create a second check. A check left untagged by
    a run that stopped between the two calls is found on the next run by the name part of its reference and its
    type, request interval and latency measurement, and is tagged and brought up to date instead of being
    created again. A reference is never reused for a later creation, since Route 53 refuses the reference of a
    deleted health check (C(HealthCheckAlreadyExists)).
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Fast HTTPS check of the eu-west-1 API stage from three checker regions
  multiregion.serverless.route53_health_check:
    name: mrdemo-api-eu-west-1
    type: HTTPS
    fqdn: a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com
    resource_path: /v1/healthcheck
    request_interval: 10
    failure_threshold: 2
    enable_sni: true
    measure_latency: true
    regions: [us-east-1, eu-west-1, ap-southeast-1]
    tags:
      Deployment: mrdemo
  register: health_check

- name: Remove it
  multiregion.serverless.route53_health_check:
    name: mrdemo-api-eu-west-1
    state: absent
"""

RETURN = r"""
health_check:
  description:
    - The health check after the task; empty when O(state=absent). In check mode a check that would be
      created has no id.
  returned: always
  type: dict
  contains:
    id:
      description: The id of the health check, for records' C(health_check).
      type: str
      sample: 8f1c6a3e-1b2c-4d5e-8f90-1234567890ab
    name:
      description: The C(Name) tag.
      type: str
      sample: mrdemo-api-eu-west-1
    health_check_version:
      description: The version Route 53 increments on every update.
      type: int
      sample: 1
    health_check_config:
      description: The configuration, with Route 53's keys in snake case.
      type: dict
      sample:
        type: HTTPS
        fully_qualified_domain_name: a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com
        port: 443
        resource_path: /v1/healthcheck
        request_interval: 10
        failure_threshold: 2
        enable_sni: true
        measure_latency: true
        inverted: false
        disabled: false
        regions: [ap-southeast-1, eu-west-1, us-east-1]
    tags:
      description: The tags, C(Name) included.
      type: dict
      sample: {"Name": "mrdemo-api-eu-west-1", "Deployment": "mrdemo"}
"""

import hashlib
import re
import uuid
from typing import Any
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

Route53ErrorHandler = error_handler(["NoSuchHealthCheck"])
# Route 53 throttles with Throttling (retried by AWSRetry) and PriorRequestNotComplete (in the shared list).
RETRY_CODES: list[str] = []
HTTPS_TYPES = ("HTTPS", "HTTPS_STR_MATCH")
STR_MATCH_TYPES = ("HTTP_STR_MATCH", "HTTPS_STR_MATCH")
# ListTagsForResources takes at most 10 ids a call.
TAG_BATCH = 10
IMMUTABLE = {"Type": "type", "RequestInterval": "request_interval", "MeasureLatency": "measure_latency"}
# CallerReference: at most 64 characters. The name part identifies the checks this module created for a name.
REFERENCE_NAME_CHARS = 22
# What earlier versions of the module sent: the name's first 40 characters, a dash and a UUID.
LEGACY_REFERENCE = r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# --- pure functions ---------------------------------------------------------------------------------------


def default_port(check_type: str) -> Optional[int]:
    if check_type in HTTPS_TYPES:
        return 443
    if check_type in ("HTTP", "HTTP_STR_MATCH"):
        return 80
    return None


def wanted_config(params: dict) -> dict[str, Any]:
    """The HealthCheckConfig the options ask for (Regions only when given)."""
    check_type = params["type"]
    config: dict[str, Any] = {
        "Type": check_type,
        "Port": params["port"] if params.get("port") is not None else default_port(check_type),
        "RequestInterval": params["request_interval"],
        "FailureThreshold": params["failure_threshold"],
        "MeasureLatency": params["measure_latency"],
        "Inverted": params["inverted"],
        "Disabled": params["disabled"],
        "EnableSNI": params["enable_sni"] if params.get("enable_sni") is not None else check_type in HTTPS_TYPES,
    }
    if params.get("fqdn"):
        config["FullyQualifiedDomainName"] = params["fqdn"]
    if params.get("ip_address"):
        config["IPAddress"] = params["ip_address"]
    if params.get("resource_path") and check_type != "TCP":
        config["ResourcePath"] = params["resource_path"]
    if check_type in STR_MATCH_TYPES:
        config["SearchString"] = params["search_string"]
    if params.get("regions"):
        config["Regions"] = sorted(params["regions"])
    return config


def reference_prefix(name: str) -> str:
    """The start of every CallerReference made for ``name``: readable, and unique to the name by its digest."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[:REFERENCE_NAME_CHARS]}-{digest}-"


def caller_reference(name: str) -> str:
    """A CallerReference never sent before (64 characters at most), for one creation and its retries.

    Route 53 answers a reference it has seen with that check, or with HealthCheckAlreadyExists when the check was
    deleted or its settings differ: a reference is good for one creation only.
    """
    return reference_prefix(name) + uuid.uuid4().hex


def made_for(name: str, reference: Optional[str]) -> bool:
    """Whether ``reference`` is one this module made when creating a check named ``name``."""
    reference = reference or ""
    if re.fullmatch(re.escape(reference_prefix(name)) + r"[0-9a-f]{32}", reference):
        return True
    return bool(re.fullmatch(re.escape(name[:40]) + LEGACY_REFERENCE, reference))


def adoptable(checks: list[dict], tags_by_id: dict[str, dict], name: str, wanted: dict) -> list[dict]:
    """Checks created for ``name`` whose tagging never happened (no Name tag), that can become the wanted check.

    A run that stops between CreateHealthCheck and ChangeTagsForResource (a lost answer, a failed tag call) leaves
    such a check; the next run adopts it instead of creating a twin. Settings that cannot change must match.
    """
    found = [
        c
        for c in checks
        if "Name" not in tags_by_id.get(c["Id"], {})
        and not c.get("LinkedService")
        and made_for(name, c.get("CallerReference"))
        and not immutable_errors(c.get("HealthCheckConfig") or {}, wanted)
    ]
    return sorted(found, key=lambda c: c["Id"])


def immutable_errors(current: dict, wanted: dict) -> list[str]:
    return [
        f"{option} is {current.get(key)!r} and cannot change to {wanted[key]!r}: delete the health check first"
        for key, option in IMMUTABLE.items()
        if current.get(key) is not None and current.get(key) != wanted[key]
    ]


def config_changes(current: dict, wanted: dict, regions_given: Optional[list]) -> dict[str, Any]:
    """The UpdateHealthCheck parameters that bring ``current`` to ``wanted``."""
    changes: dict[str, Any] = {}
    reset: list[str] = []
    for key in ("Port", "FailureThreshold", "Inverted", "Disabled", "EnableSNI"):
        if current.get(key) != wanted[key]:
            changes[key] = wanted[key]
    for key, reset_name in (
        ("FullyQualifiedDomainName", "FullyQualifiedDomainName"),
        ("ResourcePath", "ResourcePath"),
        ("IPAddress", None),
        ("SearchString", None),
    ):
        if (current.get(key) or None) != wanted.get(key):
            if wanted.get(key) is not None:
                changes[key] = wanted[key]
            elif reset_name:
                reset.append(reset_name)
            elif key == "IPAddress":
                # An empty IPAddress tells Route 53 to resolve FullyQualifiedDomainName instead.
                changes[key] = ""
    if regions_given is not None:
        current_regions = sorted(current.get("Regions") or [])
        if regions_given and current_regions != sorted(regions_given):
            changes["Regions"] = sorted(regions_given)
        elif not regions_given and current_regions:
            reset.append("Regions")
    if reset:
        changes["ResetElements"] = reset
    return changes


def config_after(current: dict, changes: dict) -> dict:
    after = {**current, **{k: v for k, v in changes.items() if k != "ResetElements"}}
    for element in changes.get("ResetElements", []):
        after.pop(element, None)
    if after.get("IPAddress") == "":
        after.pop("IPAddress")
    return after


def check_view(check_id: Optional[str], name: str, version: Optional[int], config: dict, tags: dict) -> dict:
    shown = {k: v for k, v in config.items() if v is not None}
    if shown.get("Regions"):
        shown["Regions"] = sorted(shown["Regions"])
    return {
        "id": check_id,
        "name": name,
        "health_check_version": version,
        "health_check_config": snake_result(shown),
        "tags": tags,
    }


def diff_view(view: dict) -> dict:
    return {k: v for k, v in view.items() if k not in ("id", "health_check_version")} if view else {}


# --- AWS calls --------------------------------------------------------------------------------------------


@Route53ErrorHandler.list_error_handler("list health checks", [])
def list_health_checks(client) -> list[dict]:
    return paginate(client, "list_health_checks").get("HealthChecks", [])


@Route53ErrorHandler.list_error_handler("list the tags of health checks", [])
def list_tags(client, check_ids: list[str]) -> list[dict]:
    tag_sets: list[dict] = []
    for start in range(0, len(check_ids), TAG_BATCH):
        response = client.list_tags_for_resources(
            ResourceType="healthcheck", ResourceIds=check_ids[start : start + TAG_BATCH], aws_retry=True
        )
        tag_sets.extend(response.get("ResourceTagSets", []))
    return tag_sets


def read_checks(client) -> tuple[list[dict], dict[str, dict]]:
    """Every health check of the account, and the tags of each by id."""
    checks = list_health_checks(client)
    if not checks:
        return [], {}
    tags_by_id = {c["Id"]: {} for c in checks}
    for tag_set in list_tags(client, sorted(tags_by_id)):
        if tag_set["ResourceId"] in tags_by_id:
            tags_by_id[tag_set["ResourceId"]] = tags_from_boto3(tag_set.get("Tags"))
    return checks, tags_by_id


def named(checks: list[dict], tags_by_id: dict[str, dict], name: str) -> tuple[Optional[dict], dict]:
    """(health check, its tags) of the check whose Name tag is ``name``; fails when several carry it."""
    found = [(c, tags_by_id[c["Id"]]) for c in checks if tags_by_id.get(c["Id"], {}).get("Name") == name]
    if len(found) > 1:
        ids = ", ".join(sorted(c["Id"] for c, _tags in found))
        raise AnsibleAWSError(message=f"Several health checks carry the name {name}: {ids}; remove all but one")
    return found[0] if found else (None, {})


def find_by_name(client, name: str) -> tuple[Optional[dict], dict]:
    return named(*read_checks(client), name)


@Route53ErrorHandler.common_error_handler("create health check {name}")
def create_check(client, name: str, config: dict) -> dict:
    # Made once: the retries of this call (aws_retry) send the same reference, which Route 53 answers with the
    # check the first attempt created.
    reference = caller_reference(name)
    return client.create_health_check(CallerReference=reference, HealthCheckConfig=config, aws_retry=True)[
        "HealthCheck"
    ]


@Route53ErrorHandler.common_error_handler("update health check {name}")
def update_check(client, name: str, check: dict, changes: dict) -> dict:
    return client.update_health_check(
        HealthCheckId=check["Id"], HealthCheckVersion=check["HealthCheckVersion"], aws_retry=True, **changes
    )["HealthCheck"]


@Route53ErrorHandler.common_error_handler("tag health check {name}")
def change_tags(client, name: str, check_id: str, to_set: dict, to_remove: list[str]) -> None:
    params: dict[str, Any] = {}
    if to_set:
        # Sorted, so that a request is the same from one run to the next.
        params["AddTags"] = tags_to_boto3(dict(sorted(to_set.items())))
    if to_remove:
        params["RemoveTagKeys"] = sorted(to_remove)
    client.change_tags_for_resource(ResourceType="healthcheck", ResourceId=check_id, aws_retry=True, **params)


@Route53ErrorHandler.deletion_error_handler("delete health check {name}")
def delete_check(client, name: str, check_id: str) -> bool:
    client.delete_health_check(HealthCheckId=check_id, aws_retry=True)
    return True


# --- states -----------------------------------------------------------------------------------------------


def wanted_tags(params: dict) -> Optional[dict]:
    if params.get("tags") is None:
        return None
    return {**params["tags"], "Name": params["name"]}


def create(module, client, params: dict, wanted: dict) -> dict:
    tags = {**(params.get("tags") or {}), "Name": params["name"]}
    planned = check_view(None, params["name"], None, wanted, tags)
    diff = {"before": {}, "after": diff_view(planned)}
    if module.check_mode:
        return {"changed": True, "health_check": planned, "diff": diff}
    check = create_check(client, params["name"], wanted)
    change_tags(client, params["name"], check["Id"], tags, [])
    view = check_view(check["Id"], params["name"], check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags)
    return {"changed": True, "health_check": view, "diff": diff}


def update(module, client, params: dict, wanted: dict, check: dict, current_tags: dict) -> dict:
    current = check["HealthCheckConfig"]
    errors = immutable_errors(current, wanted)
    if errors:
        raise AnsibleAWSError(message=f"Health check {params['name']} ({check['Id']}): " + "; ".join(errors))
    changes = config_changes(current, wanted, params.get("regions"))
    # The Name tag identifies the check: it is never purged.
    tags_to_set, tags_to_remove = tag_changes(current_tags, wanted_tags(params), params["purge_tags"])
    tags_to_remove = [k for k in tags_to_remove if k != "Name"]
    if current_tags.get("Name") != params["name"]:
        # An adopted check (see adoptable) gets its name even when the task leaves the other tags alone.
        tags_to_set["Name"] = params["name"]
    tags = updated_tags(current_tags, tags_to_set, tags_to_remove)

    before = check_view(check["Id"], params["name"], check.get("HealthCheckVersion"), current, current_tags)
    after_config = config_after(current, changes)
    after = check_view(check["Id"], params["name"], check.get("HealthCheckVersion"), after_config, tags)
    changed = bool(changes or tags_to_set or tags_to_remove)
    diff = {"before": diff_view(before), "after": diff_view(after)}
    if not changed or module.check_mode:
        return {"changed": changed, "health_check": after, "diff": diff}
    if changes:
        check = update_check(client, params["name"], check, changes)
        after = check_view(
            check["Id"], params["name"], check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags
        )
    if tags_to_set or tags_to_remove:
        change_tags(client, params["name"], check["Id"], tags_to_set, tags_to_remove)
    return {"changed": True, "health_check": after, "diff": diff}


def ensure_present(module, client, params: dict) -> dict:
    wanted = wanted_config(params)
    checks, tags_by_id = read_checks(client)
    check, tags = named(checks, tags_by_id, params["name"])
    if check is None:
        orphans = adoptable(checks, tags_by_id, params["name"], wanted)
        if not orphans:
            return create(module, client, params, wanted)
        check, tags = orphans[0], tags_by_id.get(orphans[0]["Id"], {})
        module.warn(
            f"Health check {check['Id']} was created for {params['name']} by a run that did not tag it; "
            "it is tagged and used instead of creating another"
            + (
                f". These were left the same way and are not used: {', '.join(c['Id'] for c in orphans[1:])}"
                if len(orphans) > 1
                else ""
            )
        )
    return update(module, client, params, wanted, check, tags)


def ensure_absent(module, client, params: dict) -> dict:
    check, tags = find_by_name(client, params["name"])
    if check is None:
        return {"changed": False, "health_check": {}, "diff": {"before": {}, "after": {}}}
    before = check_view(check["Id"], params["name"], check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags)
    changed = True if module.check_mode else delete_check(client, params["name"], check["Id"])
    return {"changed": changed, "health_check": {}, "diff": {"before": diff_view(before), "after": {}}}


def parameter_errors(params: dict) -> list[str]:
    errors = []
    if params["state"] != "present":
        return errors
    if params["type"] == "TCP" and params.get("port") is None:
        errors.append("port is required for a TCP health check")
    if params["type"] in STR_MATCH_TYPES and not params.get("search_string"):
        errors.append(f"search_string is required for a {params['type']} health check")
    if params.get("search_string") and params["type"] not in STR_MATCH_TYPES:
        errors.append("search_string applies to the HTTP_STR_MATCH and HTTPS_STR_MATCH types only")
    if params.get("resource_path") and not params["resource_path"].startswith("/"):
        errors.append(f"resource_path {params['resource_path']!r} must start with /")
    if params.get("regions") and len(set(params["regions"])) < 3:
        errors.append(f"regions needs at least three distinct regions, not {sorted(set(params['regions']))}")
    return errors


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        type=dict(type="str", choices=["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"], default="HTTPS"),
        fqdn=dict(type="str"),
        ip_address=dict(type="str"),
        port=dict(type="int"),
        resource_path=dict(type="str"),
        search_string=dict(type="str"),
        request_interval=dict(type="int", choices=[10, 30], default=30),
        failure_threshold=dict(type="int", choices=list(range(1, 11)), default=3),
        enable_sni=dict(type="bool"),
        measure_latency=dict(type="bool", default=False),
        regions=dict(
            type="list",
            elements="str",
            choices=[
                "us-east-1",
                "us-west-1",
                "us-west-2",
                "eu-west-1",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-northeast-1",
                "sa-east-1",
            ],
        ),
        inverted=dict(type="bool", default=False),
        disabled=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("fqdn", "ip_address"), True)],
    )
    params = module.params
    errors = parameter_errors(params)
    module.fail_on_errors(errors)
    client = module.retrying_client("route53", extra_codes=RETRY_CODES)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, params, diff_mode_only=True)


if __name__ == "__main__":
    main()

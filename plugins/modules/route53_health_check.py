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
  - With O(health_checks), one call reconciles a list of health checks, each identified by its name as a single check
    is, with one ListHealthChecks (every page) and one ListTagsForResources per 10 health checks of the account, then
    only the calls for what differs (a run that changes nothing makes those reads only). Every item is checked (input,
    settings that cannot change) before the first change is made.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The health check's C(Name) tag, unique among the account's health checks.
      - Required unless O(health_checks) is given.
    type: str
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
      - With O(health_checks), the state of the items that do not give their own.
  health_checks:
    description:
      - The health checks to reconcile in one call. Each item takes the single-check options of the same names
        (with the same defaults), which cannot be given beside O(health_checks); O(tags), O(purge_tags) and
        O(state) apply to every item (an item's O(health_checks[].tags) add to O(tags) and win on a shared key).
      - Two items cannot name the same check.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The health check's C(Name) tag (as O(name)).
        type: str
        required: true
      type:
        description:
          - The protocol of the check (as O(type)).
        type: str
        choices: [HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP]
        default: HTTPS
      fqdn:
        description:
          - The host name to check (as O(fqdn)). One of O(health_checks[].fqdn) and O(health_checks[].ip_address) is
            required for a present item.
        type: str
      ip_address:
        description:
          - The IPv4 or IPv6 address to check (as O(ip_address)).
        type: str
      port:
        description:
          - The port (as O(port)).
        type: int
      resource_path:
        description:
          - The path requested (as O(resource_path)).
        type: str
      search_string:
        description:
          - For the C(*_STR_MATCH) types, the text the response must contain (as O(search_string)).
        type: str
      request_interval:
        description:
          - Seconds between a checker's requests (as O(request_interval)). Cannot change after creation.
        type: int
        choices: [10, 30]
        default: 30
      failure_threshold:
        description:
          - Consecutive failed (or passed) checks before a checker changes its view (as O(failure_threshold)).
        type: int
        choices: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        default: 3
      enable_sni:
        description:
          - Send the host name in the TLS client hello (as O(enable_sni)).
        type: bool
      measure_latency:
        description:
          - Record the latency from each checker region (as O(measure_latency)). Cannot change after creation.
        type: bool
        default: false
      regions:
        description:
          - The regions whose health checkers check the endpoint, at least three (as O(regions)).
        type: list
        elements: str
        choices: [us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1]
      inverted:
        description:
          - Report healthy when the endpoint fails (as O(inverted)).
        type: bool
        default: false
      disabled:
        description:
          - Stop checking (as O(disabled)).
        type: bool
        default: false
      tags:
        description:
          - Tags of this check, over O(tags).
        type: dict
      state:
        description:
          - V(present) or V(absent); O(state) when omitted.
        type: str
        choices: [present, absent]
  purge_health_checks:
    description:
      - With O(health_checks), also delete the account's health checks that no item names and that carry every tag
        of O(purge_filter_tags), for instance the check of a region taken out of a deployment. Health checks
        created by another service (C(LinkedService), such as Cloud Map's) are never deleted.
      - Route 53 deletes a health check that records still refer to; remove or change those records first.
    type: bool
    default: false
  purge_filter_tags:
    description:
      - The tags a health check must carry to be deleted by O(purge_health_checks). Health checks belong to the
        account, not to a region or a zone, so at least one tag is required (for example C(Deployment)).
    type: dict
    default: {}
notes:
  - The C(Name) tag is always kept, whatever O(purge_tags) says.
  - Route 53 cannot tag a health check in the request that creates it, so the module creates it, then tags it.
    Each creation has a C(CallerReference) of its own, made from the name and a random part; the retries of that
    request send the same reference, so a lost answer does not create a second check. A check left untagged by
    a run that stopped between the two calls is found on the next run by the name part of its reference and its
    type, request interval and latency measurement, and is tagged and brought up to date instead of being
    created again. A reference is never reused for a later creation, since Route 53 refuses the reference of a
    deleted health check (C(HealthCheckAlreadyExists)).
  - With O(health_checks), the diff is keyed by each item's name, and purged checks by their id. The changes are
    made item by item in the order given, then the purge; a failure stops there, and the next run carries on from
    what it finds.
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

- name: The checks of both regions' API stages, in one call
  multiregion.serverless.route53_health_check:
    tags:
      Deployment: mrdemo
    health_checks:
      - name: mrdemo-api-eu-west-1
        fqdn: a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com
        resource_path: /v1/healthcheck
        request_interval: 10
        failure_threshold: 2
        regions: [us-east-1, eu-west-1, ap-southeast-1]
        tags:
          Region: eu-west-1
      - name: mrdemo-api-eu-central-1
        fqdn: f6g7h8i9j0.execute-api.eu-central-1.amazonaws.com
        resource_path: /v1/healthcheck
        request_interval: 10
        failure_threshold: 2
        regions: [us-east-1, eu-west-1, ap-southeast-1]
        tags:
          Region: eu-central-1
  register: health_checks

- name: Keep the eu-west-1 check and delete the deployment's others
  multiregion.serverless.route53_health_check:
    tags:
      Deployment: mrdemo
    health_checks:
      - name: mrdemo-api-eu-west-1
        fqdn: a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com
        resource_path: /v1/healthcheck
        request_interval: 10
        failure_threshold: 2
    purge_health_checks: true
    purge_filter_tags:
      Deployment: mrdemo

- name: Remove both, in one call
  multiregion.serverless.route53_health_check:
    health_checks:
      - name: mrdemo-api-eu-west-1
      - name: mrdemo-api-eu-central-1
    state: absent
"""

RETURN = r"""
health_checks:
  description:
    - With O(health_checks), the health checks after the task in the order of the items, each shaped as
      RV(health_check); V({}) for an absent item. In check mode a check that would be created has no id.
  returned: when O(health_checks) is given
  type: list
  elements: dict
  sample:
    - id: 8f1c6a3e-1b2c-4d5e-8f90-1234567890ab
      name: mrdemo-api-eu-west-1
      health_check_version: 1
      health_check_config: {"type": "HTTPS", "port": 443}
      tags: {"Name": "mrdemo-api-eu-west-1", "Deployment": "mrdemo"}
purged:
  description: With O(health_checks), the ids of the health checks O(purge_health_checks) deleted (or would delete).
  returned: when O(health_checks) is given
  type: list
  elements: str
  sample: [11111111-2222-3333-4444-555555555555]
health_check:
  description:
    - The health check after the task; empty when O(state=absent). In check mode a check that would be
      created has no id.
  returned: when O(health_checks) is not given
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
from ansible_collections.multiregion.serverless.plugins.module_utils.common import item_list_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
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


def update_request(current: dict, changes: dict) -> dict:
    """The UpdateHealthCheck parameters for ``changes``: with the check's regions too when the changes leave them.

    Route 53 keeps the regions a request leaves out; the local endpoint (moto) resets them to every region, so they
    are sent as they are, which changes nothing on Route 53.
    """
    request = dict(changes)
    if "Regions" not in request and "Regions" not in request.get("ResetElements", []) and current.get("Regions"):
        request["Regions"] = sorted(current["Regions"])
    return request


@Route53ErrorHandler.common_error_handler("update health check {name}")
def update_check(client, name: str, check: dict, changes: dict) -> dict:
    return client.update_health_check(
        HealthCheckId=check["Id"],
        HealthCheckVersion=check["HealthCheckVersion"],
        aws_retry=True,
        **update_request(check["HealthCheckConfig"], changes),
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


def planned_creation(params: dict, wanted: dict) -> dict:
    """What creating the check of ``params`` does: its tags, and its view with no id yet."""
    tags = {**(params.get("tags") or {}), "Name": params["name"]}
    return {
        "action": "create",
        "wanted": wanted,
        "tags": tags,
        "after": check_view(None, params["name"], None, wanted, tags),
    }


def apply_creation(client, name: str, planned: dict) -> dict:
    check = create_check(client, name, planned["wanted"])
    change_tags(client, name, check["Id"], planned["tags"], [])
    return check_view(check["Id"], name, check.get("HealthCheckVersion"), check["HealthCheckConfig"], planned["tags"])


def planned_update(params: dict, wanted: dict, check: dict, current_tags: dict) -> dict:
    """What bringing ``check`` (with ``current_tags``) to ``params`` takes: the UpdateHealthCheck parameters, the
    tags to set and remove, the views before and after. Fails when a setting that cannot change differs."""
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
    version = check.get("HealthCheckVersion")
    return {
        "action": "update",
        "check": check,
        "changes": changes,
        "tags_to_set": tags_to_set,
        "tags_to_remove": tags_to_remove,
        "tags": tags,
        "before": check_view(check["Id"], params["name"], version, current, current_tags),
        "after": check_view(check["Id"], params["name"], version, config_after(current, changes), tags),
        "changed": bool(changes or tags_to_set or tags_to_remove),
    }


def apply_update(client, name: str, planned: dict) -> dict:
    check, after = planned["check"], planned["after"]
    if planned["changes"]:
        check = update_check(client, name, check, planned["changes"])
        after = check_view(
            check["Id"], name, check.get("HealthCheckVersion"), check["HealthCheckConfig"], planned["tags"]
        )
    if planned["tags_to_set"] or planned["tags_to_remove"]:
        change_tags(client, name, check["Id"], planned["tags_to_set"], planned["tags_to_remove"])
    return after


def create(module, client, params: dict, wanted: dict) -> dict:
    planned = planned_creation(params, wanted)
    diff = {"before": {}, "after": diff_view(planned["after"])}
    if module.check_mode:
        return {"changed": True, "health_check": planned["after"], "diff": diff}
    return {"changed": True, "health_check": apply_creation(client, params["name"], planned), "diff": diff}


def update(module, client, params: dict, wanted: dict, check: dict, current_tags: dict) -> dict:
    planned = planned_update(params, wanted, check, current_tags)
    diff = {"before": diff_view(planned["before"]), "after": diff_view(planned["after"])}
    if not planned["changed"] or module.check_mode:
        return {"changed": planned["changed"], "health_check": planned["after"], "diff": diff}
    return {"changed": True, "health_check": apply_update(client, params["name"], planned), "diff": diff}


def adoption_warning(name: str, orphans: list[dict]) -> str:
    return (
        f"Health check {orphans[0]['Id']} was created for {name} by a run that did not tag it; "
        "it is tagged and used instead of creating another"
        + (
            f". These were left the same way and are not used: {', '.join(c['Id'] for c in orphans[1:])}"
            if len(orphans) > 1
            else ""
        )
    )


def ensure_present(module, client, params: dict) -> dict:
    wanted = wanted_config(params)
    checks, tags_by_id = read_checks(client)
    check, tags = named(checks, tags_by_id, params["name"])
    if check is None:
        orphans = adoptable(checks, tags_by_id, params["name"], wanted)
        if not orphans:
            return create(module, client, params, wanted)
        check, tags = orphans[0], tags_by_id.get(orphans[0]["Id"], {})
        module.warn(adoption_warning(params["name"], orphans))
    return update(module, client, params, wanted, check, tags)


def ensure_absent(module, client, params: dict) -> dict:
    check, tags = find_by_name(client, params["name"])
    if check is None:
        return {"changed": False, "health_check": {}, "diff": {"before": {}, "after": {}}}
    before = check_view(check["Id"], params["name"], check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags)
    changed = True if module.check_mode else delete_check(client, params["name"], check["Id"])
    return {"changed": changed, "health_check": {}, "diff": {"before": diff_view(before), "after": {}}}


# --- a list of health checks (option health_checks) -------------------------------------------------------

# The options that describe a single check: with health_checks, each item has its own.
SINGLE_CHECK_OPTIONS = (
    "name",
    "type",
    "fqdn",
    "ip_address",
    "port",
    "resource_path",
    "search_string",
    "request_interval",
    "failure_threshold",
    "enable_sni",
    "measure_latency",
    "regions",
    "inverted",
    "disabled",
)


def item_params(item: dict, params: dict) -> dict:
    """One item of O(health_checks) as the single-check parameters: O(tags) under its tags, O(state) by default."""
    tags = (
        None if params["tags"] is None and item["tags"] is None else {**(params["tags"] or {}), **(item["tags"] or {})}
    )
    return {
        **item,
        "tags": tags,
        "purge_tags": params["purge_tags"],
        "state": item["state"] or params["state"],
    }


def list_errors(params: dict) -> list[str]:
    """Problems with O(health_checks) and the purge, each naming its item or option; checked before any AWS call."""
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(params["health_checks"]):
        wanted = item_params(item, params)
        if wanted["state"] == "present" and not (wanted.get("fqdn") or wanted.get("ip_address")):
            errors.append(f"health_checks[{i}] ({item['name']}) is present but has neither fqdn nor ip_address")
        errors += [f"health_checks[{i}] ({item['name']}): {error}" for error in parameter_errors(wanted)]
        if item["name"] in seen:
            errors.append(f"health_checks[{i}] names the same health check as health_checks[{seen[item['name']]}]")
        seen.setdefault(item["name"], i)
    if params["purge_health_checks"] and not params["purge_filter_tags"]:
        errors.append(
            "purge_filter_tags needs at least one tag with purge_health_checks: health checks belong to the whole "
            "account, and an empty filter would take every one of them"
        )
    return errors


def plan_health_checks(module, params: dict, checks: list[dict], tags_by_id: dict[str, dict]) -> dict:
    """What to do for O(health_checks), given every check of the account and their tags.

    Returns ``{"items": [...], "purge": [check, ...]}``; each item holds its ``name``, ``state`` and ``action``
    (``create``, ``update``, ``delete`` or ``none``) with what the action needs, and the ``before`` and ``after``
    views. A check is named by one item at most; O(purge_health_checks) takes the checks no item names that carry
    every tag of O(purge_filter_tags), but those another service manages. Fails (before any change) when a setting
    that cannot change differs, or when several checks carry an item's name.
    """
    claimed: set[str] = set()
    items = []
    for item in params["health_checks"]:
        wanted_params = item_params(item, params)
        name = item["name"]
        check, tags = named(checks, tags_by_id, name)
        if wanted_params["state"] == "absent":
            before = (
                check_view(check["Id"], name, check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags)
                if check
                else {}
            )
            if check is not None:
                claimed.add(check["Id"])
            items.append(
                {
                    "name": name,
                    "state": "absent",
                    "action": "delete" if check else "none",
                    "check": check,
                    "before": before,
                    "after": {},
                }
            )
            continue
        wanted = wanted_config(wanted_params)
        if check is None:
            orphans = [o for o in adoptable(checks, tags_by_id, name, wanted) if o["Id"] not in claimed]
            if orphans:
                check, tags = orphans[0], tags_by_id.get(orphans[0]["Id"], {})
                module.warn(adoption_warning(name, orphans))
        if check is None:
            items.append({"name": name, "state": "present", "before": {}, **planned_creation(wanted_params, wanted)})
            continue
        claimed.add(check["Id"])
        planned = planned_update(wanted_params, wanted, check, tags)
        if not planned["changed"]:
            planned["action"] = "none"
        items.append({"name": name, "state": "present", **planned})
    purge = []
    if params["purge_health_checks"]:
        want = params["purge_filter_tags"]
        purge = [
            c
            for c in checks
            if c["Id"] not in claimed
            and not c.get("LinkedService")
            and all(tags_by_id.get(c["Id"], {}).get(k) == v for k, v in want.items())
        ]
    return {"items": items, "purge": sorted(purge, key=lambda c: c["Id"])}


def plan_diff(planned: dict, tags_by_id: dict[str, dict]) -> dict:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for item in planned["items"]:
        if item["before"]:
            before[item["name"]] = diff_view(item["before"])
        if item["after"]:
            after[item["name"]] = diff_view(item["after"])
    for check in planned["purge"]:
        tags = tags_by_id.get(check["Id"], {})
        view = check_view(
            check["Id"], tags.get("Name"), check.get("HealthCheckVersion"), check["HealthCheckConfig"], tags
        )
        before[check["Id"]] = diff_view(view)
    return {"before": before, "after": after}


def ensure_health_checks(module, client, params: dict) -> dict:
    """Reconcile O(health_checks): one listing of the account's checks and their tags, then the calls that differ."""
    checks, tags_by_id = read_checks(client)
    planned = plan_health_checks(module, params, checks, tags_by_id)
    diff = plan_diff(planned, tags_by_id)
    would_purge = [c["Id"] for c in planned["purge"]]
    would_change = bool(would_purge) or any(i["action"] != "none" for i in planned["items"])
    if module.check_mode or not would_change:
        results = [i["after"] for i in planned["items"]]
        return {"changed": would_change, "health_checks": results, "purged": would_purge, "diff": diff}

    changed = False
    results = []
    for item in planned["items"]:
        if item["action"] == "create":
            results.append(apply_creation(client, item["name"], item))
            changed = True
        elif item["action"] == "update":
            results.append(apply_update(client, item["name"], item))
            changed = True
        else:
            # A check deleted meanwhile (NoSuchHealthCheck) makes no change.
            if item["action"] == "delete" and delete_check(client, item["name"], item["check"]["Id"]):
                changed = True
            results.append(item["after"])
    purged = []
    for check in planned["purge"]:
        label = tags_by_id.get(check["Id"], {}).get("Name") or check["Id"]
        if delete_check(client, label, check["Id"]):
            purged.append(check["Id"])
    changed = changed or bool(purged)
    return {"changed": changed, "health_checks": results, "purged": purged, "diff": diff}


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
    # What describes one check: the single check's options, and each item of the health_checks list.
    check_options = dict(
        name=dict(type="str"),
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
    )
    argument_spec = dict(
        **check_options,
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **item_list_options("health_checks", check_options, "name"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["health_checks", option] for option in SINGLE_CHECK_OPTIONS],
        required_one_of=[("name", "health_checks")],
    )
    params = module.params

    if params["health_checks"] is not None:
        module.fail_on_errors(list_errors(params))
        client = module.retrying_client("route53", extra_codes=RETRY_CODES)
        run_and_exit(module, lambda: ensure_health_checks(module, client, params), diff_mode_only=True)
    if params["purge_health_checks"]:
        module.fail_json(msg="purge_health_checks needs health_checks")

    errors = []
    if params["state"] == "present" and not (params["fqdn"] or params["ip_address"]):
        # What required_if said when it could apply to the single check alone.
        errors.append("state is present but any of the following are missing: fqdn, ip_address")
    errors += parameter_errors(params)
    module.fail_on_errors(errors)
    client = module.retrying_client("route53", extra_codes=RETRY_CODES)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, params, diff_mode_only=True)


if __name__ == "__main__":
    main()

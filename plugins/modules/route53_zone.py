#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: route53_zone
short_description: Create, update or delete a public Route 53 hosted zone with the fewest calls
version_added: 0.1.0
description:
  - Creates, updates (comment, tags) or deletes a public hosted zone.
  - The zone is found with one C(ListHostedZonesByName) call from its name on (more pages only while they still hold
    zones of that name), or, with O(hosted_zone_id), with one C(GetHostedZone). Its tags are read with
    C(ListTagsForResource) only when O(tags) is given. Then only what differs is written (C(CreateHostedZone),
    C(UpdateHostedZoneComment), C(ChangeTagsForResource) (at most 10 tags added and 10 removed per call),
    C(DeleteHostedZone)). A zone that is as asked costs one or two calls, where C(amazon.aws.route53_zone) makes six
    (C(ListHostedZones) of every zone of the account, C(GetHostedZone), C(GetDNSSEC) twice, C(ListTagsForResource)
    twice).
  - Route 53 allows several public zones of one name. Without O(hosted_zone_id), a name that matches more than one
    public zone fails, naming their ids, and nothing is changed.
  - Each creation sends a C(CallerReference) made for it alone; its retries (throttling, a lost answer) send the same
    one, so Route 53 never creates the zone twice. When a retry is answered C(HostedZoneAlreadyExists), the zone the
    first attempt created is found by that reference and returned.
  - Private zones (VPC associations), reusable delegation sets and DNSSEC signing are not options; a private zone of
    the name is never taken for the public one, and DNSSEC is left as it is.
  - Route 53 is global; the client is made for O(region), or us-east-1 when none is given.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  zone:
    description: The zone's name, with or without the final dot (C(example.com) or C(example.com.)).
    type: str
    required: true
  hosted_zone_id:
    description:
      - The zone's id, with or without C(/hostedzone/). Given, the zone is read by id (C(GetHostedZone)) and must
        be a public zone named O(zone); with O(state=present) it must exist (a new zone gets an id of Route 53's
        choosing).
      - Needed when Route 53 holds several public zones named O(zone).
    type: str
  comment:
    description:
      - The zone's comment, at most 256 characters. An empty string removes it. Omitted, the comment is left alone
        (a new zone has none).
    type: str
  wait:
    description:
      - Wait until Route 53 reports the creation or the deletion C(INSYNC) on its name servers (C(GetChange)).
        Without it the module returns as soon as Route 53 has accepted the change; the zone can be used at once.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true).
    type: int
    default: 300
  state:
    description:
      - V(present) creates the zone or brings its comment and tags in line; V(absent) deletes it.
      - Route 53 deletes only a zone that holds no record but its own NS and SOA records; the module fails on one
        that holds others (C(HostedZoneNotEmpty)), naming the zone, and deletes nothing.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
notes:
  - The diff shows the zone's name, comment and privacy, and its tags when O(tags) is given.
"""

EXAMPLES = r"""
- name: Public hosted zone of the API's domain
  multiregion.serverless.route53_zone:
    zone: example.com
    comment: "mrdemo: public zone of the multi-region API"
    tags:
      Deployment: mrdemo
  register: zone

- name: Delete one zone of a name that has several
  multiregion.serverless.route53_zone:
    zone: example.com
    hosted_zone_id: "{{ zone.zone_id }}"
    state: absent
"""

RETURN = r"""
zone_id:
  description: The zone's id, without C(/hostedzone/); V(null) when there is none, and in check mode before it is
    created.
  returned: always
  type: str
  sample: Z0123456789ABCDEFGHIJ
name:
  description: The zone's name, with the final dot.
  returned: always
  type: str
  sample: example.com.
comment:
  description: The zone's comment; V(null) when it has none (and after O(state=absent)).
  returned: always
  type: str
  sample: "mrdemo: public zone of the multi-region API"
private_zone:
  description: Always V(false) for a zone this module manages.
  returned: when the zone exists after the task
  type: bool
  sample: false
resource_record_set_count:
  description: How many record sets the zone holds, as Route 53 last counted them.
  returned: when the zone existed before the task
  type: int
  sample: 2
name_servers:
  description: The name servers Route 53 gave the zone, to delegate the domain to.
  returned: when the zone was created, or read by O(hosted_zone_id)
  type: list
  elements: str
  sample: [ns-2048.awsdns-64.com, ns-2049.awsdns-65.net]
tags:
  description: The zone's tags after the task.
  returned: when O(tags) is given and O(state=present)
  type: dict
  sample: {Deployment: mrdemo}
change_id:
  description: The id of the creation's or the deletion's change.
  returned: when the zone was created or deleted
  type: str
  sample: /change/C2682N5HXP0BZ4
change_status:
  description: C(PENDING) or C(INSYNC).
  returned: when the zone was created or deleted
  type: str
  sample: PENDING
"""

import uuid
from typing import Any
from typing import Optional

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import RETRY_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import dns_name
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import zone_id
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

Route53ErrorHandler = error_handler(["NoSuchHostedZone"])
# Route 53 throttles with Throttling (retried by AWSRetry) and PriorRequestNotComplete (in the shared list too).
# Zones of one name come together in ListHostedZonesByName; a page this size almost always holds all of them and
# stays small (Route 53 allows 100).
LIST_PAGE = "10"
# ChangeTagsForResource takes at most 10 tags to add and 10 keys to remove per call.
TAG_BATCH = 10
COMMENT_MAX = 256
# Route 53 accepts a CallerReference of fewer than 128 bytes.
REFERENCE_PREFIX = "multiregion.serverless-"


# --- pure functions ---------------------------------------------------------------------------------------


def caller_reference() -> str:
    """A CallerReference never sent before, for one creation and its retries: Route 53 asks for a new one for every
    CreateHostedZone and answers a reused one with HostedZoneAlreadyExists."""
    return REFERENCE_PREFIX + uuid.uuid4().hex


def matching_zones(zones: list[dict], name: str) -> list[dict]:
    """The public zones named ``name`` among ``zones`` (a ListHostedZonesByName page)."""
    wanted = dns_name(name)
    return [z for z in zones if dns_name(z["Name"]) == wanted and not is_private(z)]


def is_private(zone: dict) -> bool:
    return bool((zone.get("Config") or {}).get("PrivateZone"))


def current_comment(zone: dict) -> str:
    return (zone.get("Config") or {}).get("Comment") or ""


def zone_changes(current: Optional[dict], current_tags: dict, params: dict) -> dict:
    """What the task changes on the zone ``current`` (None: absent) with the tags ``current_tags``.

    ``create``: the zone is created; ``comment``: the comment to set (None: left alone); ``tags_to_set`` and
    ``tags_to_remove``: the tag changes (none when O(tags) is omitted).
    """
    wanted_comment = params.get("comment")
    to_set, to_remove = tag_changes(current_tags, params.get("tags"), params["purge_tags"])
    if current is None:
        return {"create": True, "comment": None, "tags_to_set": dict(params.get("tags") or {}), "tags_to_remove": []}
    comment = None
    if wanted_comment is not None and wanted_comment != current_comment(current):
        comment = wanted_comment
    return {"create": False, "comment": comment, "tags_to_set": to_set, "tags_to_remove": list(to_remove)}


def has_changes(changes: dict) -> bool:
    return bool(
        changes["create"] or changes["comment"] is not None or changes["tags_to_set"] or changes["tags_to_remove"]
    )


def tag_batches(to_set: dict[str, str], to_remove: list[str]) -> list[dict]:
    """ChangeTagsForResource requests' tag arguments, at most 10 tags added and 10 keys removed in each."""
    adds = tags_to_boto3(dict(sorted(to_set.items())))  # in key order: the same request on every run
    removes = sorted(to_remove)
    batches: list[dict] = []
    for start in range(0, max(len(adds), len(removes)), TAG_BATCH):
        batch: dict[str, Any] = {}
        if adds[start : start + TAG_BATCH]:
            batch["AddTags"] = adds[start : start + TAG_BATCH]
        if removes[start : start + TAG_BATCH]:
            batch["RemoveTagKeys"] = removes[start : start + TAG_BATCH]
        batches.append(batch)
    return batches


def view(name: str, comment: Optional[str], tags: Optional[dict]) -> dict:
    """One side of the diff."""
    shown: dict[str, Any] = {"name": dns_name(name), "comment": comment or "", "private_zone": False}
    if tags is not None:
        shown["tags"] = tags
    return shown


def validate(params: dict) -> list[str]:
    """Every input error, each naming its option."""
    errors = []
    name = params["zone"].strip()
    if not name.rstrip("."):
        errors.append("zone must be a domain name, not empty")
    elif ".." in name:
        errors.append(f"zone={params['zone']!r} is not a domain name (an empty label)")
    comment = params.get("comment")
    if comment is not None and len(comment.encode("utf-8")) > COMMENT_MAX:
        errors.append(f"comment must be at most {COMMENT_MAX} characters, not {len(comment)}")
    if params["wait_timeout"] <= 0:
        errors.append(f"wait_timeout must be a positive number of seconds, not {params['wait_timeout']}")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@Route53ErrorHandler.common_error_handler("list the hosted zones named {name}")
def zones_named(client, name: str) -> list[dict]:
    """Every hosted zone (public or private) named ``name``.

    ListHostedZonesByName lists zones sorted by name from DNSName on, those of one name together; the listing
    stops at the first zone of another name, so one call usually answers. A page full of zones of the name goes on
    from NextDNSName and NextHostedZoneId.
    """
    wanted = dns_name(name)
    found: list[dict] = []
    params: dict[str, Any] = {"DNSName": wanted, "MaxItems": LIST_PAGE}
    while True:
        page = client.list_hosted_zones_by_name(aws_retry=True, **params)
        for zone in page.get("HostedZones", []):
            if dns_name(zone["Name"]) != wanted:
                return found
            found.append(zone)
        if not page.get("IsTruncated") or dns_name(page.get("NextDNSName") or "") != wanted:
            return found
        params = {"DNSName": page["NextDNSName"], "HostedZoneId": page["NextHostedZoneId"], "MaxItems": LIST_PAGE}


@Route53ErrorHandler.list_error_handler("get hosted zone {zone}", None)
def get_zone(client, zone: str) -> Optional[dict]:
    """The zone (HostedZone with the DelegationSet's name servers), or None when there is no zone of that id."""
    answer = client.get_hosted_zone(Id=zone, aws_retry=True)
    found = dict(answer["HostedZone"])
    found["NameServers"] = (answer.get("DelegationSet") or {}).get("NameServers")
    return found


@Route53ErrorHandler.common_error_handler("list the tags of hosted zone {zone}")
def zone_tags(client, zone: str) -> dict:
    answer = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone, aws_retry=True)
    return tags_from_boto3(answer["ResourceTagSet"].get("Tags"))


@Route53ErrorHandler.common_error_handler("create hosted zone {name}")
def create_zone(client, name: str, comment: Optional[str], reference: str) -> dict:
    """CreateHostedZone, the zone and its change; retried with the same ``reference``. When Route 53 answers a retry
    with HostedZoneAlreadyExists (the first attempt created the zone, its answer was lost), that zone is returned."""
    config: dict[str, Any] = {"PrivateZone": False}
    if comment:
        config["Comment"] = comment
    try:
        answer = client.create_hosted_zone(
            Name=dns_name(name), CallerReference=reference, HostedZoneConfig=config, aws_retry=True
        )
    except botocore.exceptions.ClientError as e:
        if not is_not_found(e, ["HostedZoneAlreadyExists"]):
            raise
        made = [z for z in zones_named(client, name) if z.get("CallerReference") == reference]
        if not made:
            raise
        return dict(made[0], NameServers=None, ChangeInfo={})
    zone = dict(answer["HostedZone"])
    zone["NameServers"] = (answer.get("DelegationSet") or {}).get("NameServers")
    zone["ChangeInfo"] = answer.get("ChangeInfo") or {}
    return zone


@Route53ErrorHandler.common_error_handler("update the comment of hosted zone {zone}")
def update_comment(client, zone: str, comment: str) -> None:
    # Without Comment, Route 53 removes the zone's comment.
    params = {"Comment": comment} if comment else {}
    client.update_hosted_zone_comment(Id=zone, aws_retry=True, **params)


@Route53ErrorHandler.common_error_handler("change the tags of hosted zone {zone}")
def change_tags(client, zone: str, to_set: dict, to_remove: list[str]) -> None:
    for batch in tag_batches(to_set, to_remove):
        client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone, aws_retry=True, **batch)


@Route53ErrorHandler.deletion_error_handler("delete hosted zone {zone}")
def delete_zone(client, zone: str, name: str) -> dict:
    """DeleteHostedZone's change; False when the zone is gone already."""
    try:
        return client.delete_hosted_zone(Id=zone, aws_retry=True)["ChangeInfo"]
    except botocore.exceptions.ClientError as e:
        if is_not_found(e, ["HostedZoneNotEmpty"]):
            raise ModuleFailure(
                f"Hosted zone {dns_name(name)} ({zone}) holds records other than its NS and SOA records: Route 53 "
                "deletes only an empty zone (HostedZoneNotEmpty). Delete those records first; nothing was deleted.",
                zone_id=zone,
                name=dns_name(name),
            ) from e
        raise


@Route53ErrorHandler.common_error_handler("get change {change_id}")
def get_change(client, change_id: str) -> dict:
    return client.get_change(Id=change_id, aws_retry=True)["ChangeInfo"]


# --- the story --------------------------------------------------------------------------------------------


def find_zone(client, params: dict) -> Optional[dict]:
    """The public zone the task is about, or None; fails when the id names another zone or the name is ambiguous."""
    name = dns_name(params["zone"])
    if params.get("hosted_zone_id"):
        wanted_id = zone_id(params["hosted_zone_id"])
        zone = get_zone(client, wanted_id)
        if zone is None:
            return None
        if dns_name(zone["Name"]) != name or is_private(zone):
            kind = "private zone" if is_private(zone) else "zone"
            raise ModuleFailure(
                f"hosted_zone_id={wanted_id} is the {kind} {dns_name(zone['Name'])}, not the public zone {name} "
                "that zone names"
            )
        return zone
    zones = matching_zones(zones_named(client, name), name)
    if len(zones) > 1:
        ids = ", ".join(sorted(zone_id(z["Id"]) for z in zones))
        raise ModuleFailure(
            f"{len(zones)} public hosted zones are named {name} ({ids}): give hosted_zone_id to choose one; "
            "nothing was changed"
        )
    return zones[0] if zones else None


def wait_insync(client, change: dict, timeout: int) -> dict:
    if not change.get("Id") or change.get("Status") == "INSYNC":
        return change
    return wait_for(
        lambda: get_change(client, change["Id"]),
        lambda c: c.get("Status") == "INSYNC",
        f"change {change['Id']} to be INSYNC",
        timeout=timeout,
        delay=5,
        clock=_now,
        sleep=_sleep,
    )


def zone_result(zone: Optional[dict], name: str, comment: Optional[str], tags: Optional[dict]) -> dict:
    result: dict[str, Any] = {
        "zone_id": zone_id(zone["Id"]) if zone and zone.get("Id") else None,
        "name": dns_name(zone["Name"] if zone else name),
        "comment": comment or None,
        "private_zone": False,
    }
    if zone and zone.get("ResourceRecordSetCount") is not None:
        result["resource_record_set_count"] = zone["ResourceRecordSetCount"]
    if zone and zone.get("NameServers"):
        result["name_servers"] = zone["NameServers"]
    if tags is not None:
        result["tags"] = tags
    return result


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["zone"]
    current = find_zone(client, params)
    if current is None and params.get("hosted_zone_id"):
        raise ModuleFailure(
            f"hosted_zone_id={zone_id(params['hosted_zone_id'])}: no such hosted zone. Leave hosted_zone_id out to "
            f"create the zone {dns_name(name)}"
        )
    managed_tags = params.get("tags") is not None
    current_tags = zone_tags(client, zone_id(current["Id"])) if current is not None and managed_tags else {}
    changes = zone_changes(current, current_tags, params)
    before_comment = current_comment(current) if current is not None else None
    after_comment = params.get("comment") if params.get("comment") is not None else before_comment
    after_tags = updated_tags(current_tags, changes["tags_to_set"], changes["tags_to_remove"])
    diff = {
        "before": view(name, before_comment, current_tags if managed_tags else None) if current is not None else {},
        "after": view(name, after_comment, after_tags if managed_tags else None),
    }
    result = zone_result(current, name, after_comment, after_tags if managed_tags else None)
    result.update(changed=has_changes(changes), diff=diff)
    if module.check_mode or not result["changed"]:
        return result

    if changes["create"]:
        created = create_zone(client, name, params.get("comment"), caller_reference())
        the_id = zone_id(created["Id"])
        if changes["tags_to_set"]:
            change_tags(client, the_id, changes["tags_to_set"], [])
        change = created.get("ChangeInfo") or {}
        if params["wait"]:
            change = wait_insync(client, change, params["wait_timeout"])
        result.update(zone_result(created, name, after_comment, after_tags if managed_tags else None))
        if change.get("Id"):
            result.update(change_id=change["Id"], change_status=change.get("Status"))
        return result

    the_id = zone_id(current["Id"])
    if changes["comment"] is not None:
        update_comment(client, the_id, changes["comment"])
    if changes["tags_to_set"] or changes["tags_to_remove"]:
        change_tags(client, the_id, changes["tags_to_set"], changes["tags_to_remove"])
    return result


def ensure_absent(module, client) -> dict:
    params = module.params
    name = params["zone"]
    current = find_zone(client, params)
    result: dict[str, Any] = {
        "changed": current is not None,
        "zone_id": zone_id(current["Id"]) if current is not None else None,
        "name": dns_name(name),
        "comment": None,
        "diff": {"before": view(name, current_comment(current), None) if current is not None else {}, "after": {}},
    }
    if current is None or module.check_mode:
        return result
    change = delete_zone(client, zone_id(current["Id"]), name)
    if change is False:
        # Deleted by someone else between the read and the delete.
        result["changed"] = False
        return result
    if params["wait"]:
        change = wait_insync(client, change, params["wait_timeout"])
    result.update(change_id=change.get("Id"), change_status=change.get("Status"))
    return result


def main() -> None:
    argument_spec = dict(
        zone=dict(type="str", required=True),
        hosted_zone_id=dict(type="str"),
        comment=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    # Route 53 is global: any region's client reaches it; us-east-1 when the task gives none.
    client = module.retrying_client("route53", extra_codes=RETRY_CODES, region=module.region or "us-east-1")
    run_and_exit(
        module,
        {"present": lambda: ensure_present(module, client), "absent": lambda: ensure_absent(module, client)},
        diff_mode_only=True,
    )


if __name__ == "__main__":
    main()

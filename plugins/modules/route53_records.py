#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: route53_records
short_description: Reconcile a list of Route 53 record sets of one hosted zone in one change batch
version_added: 0.1.0
description:
  - Creates, updates or deletes a list of record sets of one hosted zone in one task. The records are read with
    C(ListResourceRecordSets) from each listed name on, compared, and every change goes in one
    C(ChangeResourceRecordSets) batch (C(UPSERT) for new and changed records, C(DELETE) for removed ones), which
    Route 53 applies all at once or not at all.
  - A loop of C(amazon.aws.route53) costs one module process and one change per record; this module costs one of
    each for the whole list, with simple, alias, weighted, failover, latency and multivalue records, set
    identifiers and health checks.
  - It deletes only records it is told to delete, those listed with C(state=absent) and, with O(purge_names), the
    records of those names (and O(purge_types)) that are not listed. The zone's own NS and SOA records are never
    deleted.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  hosted_zone_id:
    description: The hosted zone's id, with or without C(/hostedzone/).
    type: str
    required: true
  records:
    description: The record sets.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The fully qualified name, with or without the final dot (C(*) for a wildcard label).
        type: str
        required: true
      type:
        description: The record type.
        type: str
        required: true
        choices: [A, AAAA, CAA, CNAME, DS, HTTPS, MX, NAPTR, NS, PTR, SOA, SPF, SRV, SSHFP, SVCB, TLSA, TXT]
      ttl:
        description: Seconds resolvers cache the record; not for alias records.
        type: int
        default: 300
      values:
        description:
          - The values, compared as a set. Required for a record that is not an alias with C(state=present).
        type: list
        elements: str
      alias:
        description: The alias target, instead of O(records[].values).
        type: dict
        suboptions:
          dns_name:
            description: The target's DNS name.
            type: str
            required: true
          hosted_zone_id:
            description: The target's hosted zone id (for an API Gateway regional domain, its regional hosted zone).
            type: str
            required: true
          evaluate_target_health:
            description: Whether the record's health follows the target's.
            type: bool
            default: false
      set_identifier:
        description:
          - Tells apart the records of one name and type with weighted, failover, latency or multivalue routing.
        type: str
      weight:
        description: Weighted routing, 0 to 255.
        type: int
      failover:
        description: Failover routing.
        type: str
        choices: [PRIMARY, SECONDARY]
      region:
        description: Latency routing, the region of the target.
        type: str
      multi_value_answer:
        description: Multivalue answer routing.
        type: bool
      health_check_id:
        description: The health check whose status decides whether Route 53 answers with the record.
        type: str
      state:
        description:
          - V(present) writes the record; V(absent) deletes the record of this name, type and set identifier,
            whatever its values (nothing when there is none).
        type: str
        choices: [present, absent]
        default: present
  purge_names:
    description:
      - Names whose records this task owns. A record of one of these names (and of O(purge_types), when given) that
        O(records) does not list is deleted. Omitted, only records listed with C(state=absent) are deleted.
    type: list
    elements: str
    default: []
  purge_types:
    description: Restricts O(purge_names) to these record types.
    type: list
    elements: str
  wait:
    description: Wait until Route 53 reports the change C(INSYNC) on its name servers (C(GetChange)).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true).
    type: int
    default: 300
notes:
  - Supports C(check_mode) and C(diff); the diff has the record sets that change, before and after, keyed by
    C(name type [set identifier]).
  - Names are compared as Route 53 stores them (lower case, final dot, C(\\052) for C(*)); alias targets without
    the final dot, in lower case and without the C(dualstack.) prefix Route 53 adds to load balancers; values as a
    set.
  - Geolocation, geoproximity and CIDR routing are not options; a record with them is left alone unless listed.
  - When the batch deletes a record with a set identifier, the listed records of the same name and identifier are
    written again after it (an C(UPSERT) of what Route 53 has changes nothing), so the result is the same on an
    endpoint that deletes every record of the identifier.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Weighted alias records of the API, one per region, tied to the region's health check
  multiregion.serverless.route53_records:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    records:
      - name: api.example.com
        type: A
        set_identifier: eu-west-1
        weight: 50
        health_check_id: 8f1c6a3e-1b2c-4d5e-8f90-1234567890ab
        alias:
          dns_name: d-abc123.execute-api.eu-west-1.amazonaws.com
          hosted_zone_id: ZLY8HYME6SFDD
          evaluate_target_health: true
      - name: api.example.com
        type: AAAA
        set_identifier: eu-central-1
        state: absent
    wait: true

- name: Certificate validation records
  multiregion.serverless.route53_records:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    records:
      - name: _3639ac514e785e898d2646601fa951d5.api.example.com.
        type: CNAME
        ttl: 300
        values: [_98d2646601fa951d5.acm-validations.aws.]
"""

RETURN = r"""
records:
  description: The record sets of O(records) with C(state=present) after the task, in their order.
  returned: always
  type: list
  elements: dict
  sample:
    - name: api.example.com.
      type: A
      set_identifier: eu-west-1
      weight: 50
      alias_target: {dns_name: d-abc123.execute-api.eu-west-1.amazonaws.com., hosted_zone_id: ZLY8HYME6SFDD,
                     evaluate_target_health: true}
      health_check_id: 8f1c6a3e-1b2c-4d5e-8f90-1234567890ab
changes:
  description: The change batch sent (or that would be sent, in check mode), each an action and a record set.
  returned: always
  type: list
  elements: dict
  sample: [{action: UPSERT, name: api.example.com., type: A, set_identifier: eu-west-1}]
change_id:
  description: The id of the change, when one was sent.
  returned: when a change was sent
  type: str
  sample: /change/C2682N5HXP0BZ4
change_status:
  description: C(PENDING) or C(INSYNC), when a change was sent.
  returned: when a change was sent
  type: str
  sample: INSYNC
"""

from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import dns_name
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import zone_id
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import given_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

Route53ErrorHandler = error_handler(["NoSuchHostedZone"])
# Route 53 throttles with Throttling (retried by AWSRetry) and PriorRequestNotComplete (in the shared list).
ROUTING_KEYS = (
    "Weight",
    "Failover",
    "Region",
    "MultiValueAnswer",
    "GeoLocation",
    "GeoProximityLocation",
    "CidrRoutingConfig",
)
# The zone's own records, never purged.
ZONE_TYPES = ("NS", "SOA")
LIST_PAGE = "300"


# --- pure functions ---------------------------------------------------------------------------------------


def norm_alias_name(name: str) -> str:
    """An alias target compared as terraform-provider-aws does: no final dot, lower case, no dualstack. prefix."""
    name = name.lower().rstrip(".")
    return name[len("dualstack.") :] if name.startswith("dualstack.") else name


def record_key(record: dict) -> tuple[str, str, str]:
    return (dns_name(record["Name"]), record["Type"], record.get("SetIdentifier") or "")


def key_label(key: tuple[str, str, str]) -> str:
    return " ".join(part for part in key if part)


# The options of a record that say how Route 53 answers with it, and their fields in a ResourceRecordSet.
ROUTING_FIELDS = {
    "set_identifier": "SetIdentifier",
    "weight": "Weight",
    "failover": "Failover",
    "region": "Region",
    "multi_value_answer": "MultiValueAnswer",
    "health_check_id": "HealthCheckId",
}


def wanted_record(item: dict) -> dict:
    """The ResourceRecordSet of a record of the task."""
    record: dict[str, Any] = {"Name": dns_name(item["name"]), "Type": item["type"]}
    record.update(given_options(item, ROUTING_FIELDS, keep_falsy=("weight", "multi_value_answer")))
    alias = item.get("alias")
    if alias:
        record["AliasTarget"] = {
            "HostedZoneId": alias["hosted_zone_id"],
            "DNSName": alias["dns_name"].rstrip(".") + ".",
            "EvaluateTargetHealth": bool(alias.get("evaluate_target_health")),
        }
    else:
        record["TTL"] = item["ttl"]
        record["ResourceRecords"] = [{"Value": v} for v in item.get("values") or []]
    return record


def comparable(record: dict) -> dict:
    """A record set in a form where equal means the same answer: values as a set, names normalised."""
    out = {k: v for k, v in record.items() if v is not None}
    out["Name"] = dns_name(out["Name"])
    if "ResourceRecords" in out:
        out["ResourceRecords"] = sorted(r["Value"] for r in out["ResourceRecords"])
    if "AliasTarget" in out:
        target = out["AliasTarget"]
        out["AliasTarget"] = {
            "HostedZoneId": target["HostedZoneId"],
            "DNSName": norm_alias_name(target["DNSName"]),
            "EvaluateTargetHealth": bool(target.get("EvaluateTargetHealth")),
        }
        out.pop("TTL", None)
    if out.get("MultiValueAnswer") is False:
        out.pop("MultiValueAnswer")
    return out


def purgeable(record: dict, names: set[str], types: Optional[set[str]], zone_name: Optional[str]) -> bool:
    if dns_name(record["Name"]) not in names:
        return False
    if types is not None and record["Type"] not in types:
        return False
    # The zone's NS and SOA records live at its apex and go only with the zone.
    return not (record["Type"] in ZONE_TYPES and (zone_name is None or dns_name(record["Name"]) == zone_name))


def plan_changes(
    items: list[dict], current: list[dict], purge_names: list[str], purge_types: Optional[list[str]], zone_name=None
) -> list[dict]:
    """The change batch: DELETEs first, then UPSERTs, each record set at most once.

    DELETE goes first so that a batch that deletes one record of a set identifier and writes another of it works on
    an endpoint that deletes every record of the identifier (the local one) as well as on Route 53, which applies
    the batch as one transaction.
    """
    by_key = {record_key(r): r for r in current}
    wanted_keys = set()
    deletes: list[dict] = []
    upserts: list[dict] = []
    for item in items:
        wanted = wanted_record(item)
        key = record_key(wanted)
        if item.get("state", "present") == "absent":
            if key in by_key and key not in {record_key(d["ResourceRecordSet"]) for d in deletes}:
                deletes.append({"Action": "DELETE", "ResourceRecordSet": by_key[key]})
            continue
        wanted_keys.add(key)
        existing = by_key.get(key)
        if existing is None or comparable(existing) != comparable(wanted):
            upserts.append({"Action": "UPSERT", "ResourceRecordSet": wanted})
    names = {dns_name(n) for n in purge_names}
    types = set(purge_types) if purge_types is not None else None
    deleted = {record_key(d["ResourceRecordSet"]) for d in deletes}
    for record in current:
        key = record_key(record)
        if key not in wanted_keys and key not in deleted and purgeable(record, names, types, zone_name):
            deletes.append({"Action": "DELETE", "ResourceRecordSet": record})
            deleted.add(key)
    # Some endpoints (the local one) delete every record of a DELETEd record's set identifier, whatever its type;
    # Route 53 deletes the one named. Listed records of that name and identifier are written again after the DELETE,
    # which changes nothing on Route 53 and puts them back where the endpoint took them.
    upserted = {record_key(u["ResourceRecordSet"]) for u in upserts}
    emptied = {(k[0], k[2]) for k in deleted if k[2]}
    for item in items:
        if item.get("state", "present") == "absent":
            continue
        wanted = wanted_record(item)
        key = record_key(wanted)
        if key[2] and (key[0], key[2]) in emptied and key not in upserted and key not in deleted:
            upserts.append({"Action": "UPSERT", "ResourceRecordSet": wanted})
            upserted.add(key)
    return deletes + upserts


def record_view(record: Optional[dict]) -> dict:
    if not record:
        return {}
    shown = dict(record)
    if "ResourceRecords" in shown:
        shown["ResourceRecords"] = sorted(r["Value"] for r in shown["ResourceRecords"])
    view = snake_result(shown)
    if "resource_records" in view:
        view["values"] = view.pop("resource_records")
    view["name"] = dns_name(view["name"])
    return view


def change_view(change: dict) -> dict:
    return {"action": change["Action"], **record_view(change["ResourceRecordSet"])}


def validate(params: dict) -> list[str]:
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    for i, item in enumerate(params["records"]):
        where = f"records[{i}] ({item['name']} {item['type']})"
        key = (dns_name(item["name"]), item["type"], item.get("set_identifier") or "")
        if key in seen:
            errors.append(f"{where}: the same record as records[{seen[key]}]")
        seen.setdefault(key, i)
        if item.get("state", "present") == "absent":
            continue
        if item.get("alias") and item.get("values"):
            errors.append(f"{where}: alias and values are mutually exclusive")
        if not item.get("alias") and not item.get("values"):
            errors.append(f"{where}: values (or alias) is required")
        routing = [k for k in ("weight", "failover", "region", "multi_value_answer") if item.get(k) is not None]
        if len(routing) > 1:
            errors.append(f"{where}: {' and '.join(routing)} are mutually exclusive")
        if routing and not item.get("set_identifier"):
            errors.append(f"{where}: set_identifier is required with {routing[0]}")
        if item.get("set_identifier") and not routing:
            errors.append(
                f"{where}: set_identifier needs a routing policy (weight, failover, region, multi_value_answer)"
            )
        if item.get("weight") is not None and not 0 <= item["weight"] <= 255:
            errors.append(f"{where}: weight must be between 0 and 255")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@Route53ErrorHandler.common_error_handler("list the records named {name}")
def records_named(client, zone: str, name: str) -> list[dict]:
    """The record sets of ``name``: a listing from that name on, stopped at the first other name.

    Route 53 lists a zone's records by name, those of one name together, from StartRecordName on; so one call
    usually answers for a name, where reading the whole zone would take one call per 300 records. Pages go on
    with NextRecordName/Type/Identifier while they are still within the name.
    """
    wanted = dns_name(name)
    found: list[dict] = []
    params: dict[str, Any] = {"HostedZoneId": zone, "StartRecordName": wanted, "MaxItems": LIST_PAGE}
    while True:
        page = client.list_resource_record_sets(aws_retry=True, **params)
        for record in page.get("ResourceRecordSets", []):
            if dns_name(record["Name"]) != wanted:
                return found
            found.append(record)
        if not page.get("IsTruncated") or dns_name(page.get("NextRecordName") or "") != wanted:
            return found
        params = {
            "HostedZoneId": zone,
            "StartRecordName": page["NextRecordName"],
            "StartRecordType": page["NextRecordType"],
            "MaxItems": LIST_PAGE,
        }
        if page.get("NextRecordIdentifier"):
            params["StartRecordIdentifier"] = page["NextRecordIdentifier"]


@Route53ErrorHandler.common_error_handler("find hosted zone {zone}")
def zone_name(client, zone: str) -> str:
    return dns_name(client.get_hosted_zone(Id=zone, aws_retry=True)["HostedZone"]["Name"])


@Route53ErrorHandler.common_error_handler("change the records of hosted zone {zone}")
def change_records(client, zone: str, changes: list[dict]) -> dict:
    return client.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={"Comment": "multiregion.serverless.route53_records", "Changes": changes},
        aws_retry=True,
    )["ChangeInfo"]


@Route53ErrorHandler.common_error_handler("get change {change_id}")
def get_change(client, change_id: str) -> dict:
    return client.get_change(Id=change_id, aws_retry=True)["ChangeInfo"]


# --- the action -------------------------------------------------------------------------------------------


def reconcile(module, client, params: dict) -> dict:
    zone = zone_id(params["hosted_zone_id"])
    names = sorted(
        {dns_name(item["name"]) for item in params["records"]} | {dns_name(n) for n in params["purge_names"]}
    )
    current: list[dict] = []
    for name in names:
        current.extend(records_named(client, zone, name))
    apex = None
    if params["purge_names"] and any(r["Type"] in ZONE_TYPES for r in current):
        apex = zone_name(client, zone)
    changes = plan_changes(params["records"], current, params["purge_names"], params.get("purge_types"), apex)

    by_key = {record_key(r): r for r in current}
    before = {}
    after = {}
    for change in changes:
        record = change["ResourceRecordSet"]
        label = key_label(record_key(record))
        before[label] = record_view(by_key.get(record_key(record)))
        after[label] = {} if change["Action"] == "DELETE" else record_view(record)
    present = [wanted_record(i) for i in params["records"] if i.get("state", "present") == "present"]
    result: dict[str, Any] = {
        "changed": bool(changes),
        "records": [record_view(r) for r in present],
        "changes": [change_view(c) for c in changes],
        "diff": {"before": before, "after": after},
    }
    if not changes or module.check_mode:
        return result
    info = change_records(client, zone, changes)
    if params["wait"] and info.get("Status") != "INSYNC":
        info = wait_for(
            lambda: get_change(client, info["Id"]),
            lambda c: c.get("Status") == "INSYNC",
            f"change {info['Id']} of hosted zone {zone} to be INSYNC",
            timeout=params["wait_timeout"],
            delay=5,
            clock=_now,
            sleep=_sleep,
        )
    result["change_id"] = info.get("Id")
    result["change_status"] = info.get("Status")
    return result


def main() -> None:
    record_options = dict(
        name=dict(type="str", required=True),
        type=dict(
            type="str",
            required=True,
            choices=["A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV"]
            + ["SSHFP", "SVCB", "TLSA", "TXT"],
        ),
        ttl=dict(type="int", default=300),
        values=dict(type="list", elements="str"),
        alias=dict(
            type="dict",
            options=dict(
                dns_name=dict(type="str", required=True),
                hosted_zone_id=dict(type="str", required=True),
                evaluate_target_health=dict(type="bool", default=False),
            ),
        ),
        set_identifier=dict(type="str"),
        weight=dict(type="int"),
        failover=dict(type="str", choices=["PRIMARY", "SECONDARY"]),
        region=dict(type="str"),
        multi_value_answer=dict(type="bool"),
        health_check_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    argument_spec = dict(
        hosted_zone_id=dict(type="str", required=True),
        records=dict(type="list", elements="dict", options=record_options, default=[]),
        purge_names=dict(type="list", elements="str", default=[]),
        purge_types=dict(type="list", elements="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("route53")
    run_and_exit(module, lambda: reconcile(module, client, module.params), diff_mode_only=True)


if __name__ == "__main__":
    main()

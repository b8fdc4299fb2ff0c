#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: acm_certificate_request
short_description: Request a public ACM certificate validated by DNS
version_added: 0.1.0
description:
  - Requests a public certificate from AWS Certificate Manager (ACM) with DNS validation, or deletes it.
  - Returns the CNAME records that prove control of the domain, so that a later task can create them
    (for instance with M(amazon.aws.route53)) and call this module again with O(wait=true) until ACM has
    issued the certificate.
  - A certificate is identified by its domain name and its subject alternative names (and its key
    algorithm when O(key_algorithm) is given) among the account's public certificates of the region that
    are pending validation or issued. A certificate that failed validation or expired is not reused; a new
    one is requested.
  - C(community.aws.acm_certificate) only imports certificates; this module requests them.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  domain_name:
    description:
      - The fully qualified domain name of the certificate, for example V(api.example.com) or V(*.example.com).
    type: str
    required: true
  subject_alternative_names:
    description:
      - Further names the certificate covers. O(domain_name) is always covered and need not be repeated.
      - Part of the certificate's identity; a different list means a different certificate.
    type: list
    elements: str
    default: []
  key_algorithm:
    description:
      - The algorithm of the certificate's key pair.
      - When given, it is part of the certificate's identity. When omitted, ACM's default (V(RSA_2048)) is
        requested and a certificate of any key algorithm matches.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
  state:
    description:
      - V(present) requests the certificate when no matching one exists.
      - V(absent) deletes every matching certificate, whatever its status. It fails without deleting anything
        when one of them is in use by another AWS resource.
  wait:
    description:
      - Wait until ACM has issued the certificate. Only useful once the validation records exist in DNS.
      - Fails at once when the certificate's validation fails or times out.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait for the certificate to be issued when O(wait=true).
    type: int
    default: 900
notes:
  - ACM shows the validation records a few seconds after the request; the module polls for them for up to
    60 seconds.
  - Each new request carries an idempotency token of its own, and a retry of that request (after throttling
    or a lost answer) sends the same token, so ACM answers it with the certificate the first attempt made
    instead of issuing a second one. ACM honours a token for one hour; a token derived from the names would
    make a request made within the hour after the certificate was deleted (a destroy and redeploy) answer
    with the deleted certificate's ARN. A rerun finds its certificate by its names instead, so it needs no
    shared token.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Request the API's certificate
  multiregion.serverless.acm_certificate_request:
    domain_name: api.example.com
    subject_alternative_names:
      - "*.api.example.com"
    tags:
      Application: global-api
  register: api_certificate

- name: Create the validation records
  amazon.aws.route53:
    state: present
    zone: example.com
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 300
    overwrite: true
    region: "{{ omit }}"
  loop: "{{ api_certificate.validation_records }}"

- name: Wait until ACM has issued the certificate
  multiregion.serverless.acm_certificate_request:
    domain_name: api.example.com
    subject_alternative_names:
      - "*.api.example.com"
    tags:
      Application: global-api
    wait: true
    wait_timeout: 1800

- name: Delete the certificate
  multiregion.serverless.acm_certificate_request:
    domain_name: api.example.com
    subject_alternative_names:
      - "*.api.example.com"
    state: absent
"""

RETURN = r"""
certificate:
  description:
    - The certificate. Empty when O(state=absent).
    - In check mode, a certificate that would be requested has no ARN.
  returned: always
  type: dict
  contains:
    arn:
      description: The certificate's ARN.
      type: str
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b
    status:
      description: ACM's status of the certificate.
      type: str
      sample: PENDING_VALIDATION
    domain_name:
      description: The certificate's domain name.
      type: str
      sample: api.example.com
    subject_alternative_names:
      description: Every name the certificate covers, the domain name included.
      type: list
      elements: str
      sample: ["api.example.com", "*.api.example.com"]
    key_algorithm:
      description: The algorithm of the certificate's key pair.
      type: str
      sample: RSA_2048
    in_use_by:
      description: ARNs of the AWS resources that use the certificate.
      type: list
      elements: str
      sample: []
    failure_reason:
      description: Why validation failed, when it did.
      type: str
      returned: when ACM reports one
      sample: CAA_ERROR
    tags:
      description: The certificate's tags.
      type: dict
      sample: {"Application": "global-api"}
validation_records:
  description:
    - The DNS records that prove control of the names, one per distinct record (a wildcard and its base
      domain share one). Empty when the certificate is not requested yet (check mode) or when O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The record's name.
      type: str
      sample: _3639ac514e785e898d2646601fa951d5.api.example.com.
    type:
      description: The record's type.
      type: str
      sample: CNAME
    value:
      description: The record's value.
      type: str
      sample: _98d2646601fa951d53639ac514e785e8.acm-validations.aws.
"""

import uuid
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

ACMErrorHandler = error_handler(["ResourceNotFoundException"])

# ListCertificates only returns RSA_1024 and RSA_2048 certificates unless asked for the other key types.
ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
REUSABLE_STATUSES = ["PENDING_VALIDATION", "ISSUED"]
ALL_STATUSES = REUSABLE_STATUSES + ["INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"]
RECORDS_TIMEOUT = 60
RECORDS_DELAY = 3
ISSUED_DELAY = 15


# --- pure functions ---------------------------------------------------------------------------------------


def wanted_names(domain_name: str, subject_alternative_names: list[str] | None) -> frozenset:
    """ACM always adds the domain name to the alternative names, and DNS names are case-insensitive."""
    return frozenset(name.lower() for name in [domain_name, *(subject_alternative_names or [])])


def idempotency_token() -> str:
    """A token ACM accepts (1-32 word characters), new for each request.

    ACM answers a request whose token it saw in the last hour with that request's certificate, even one deleted
    since; so a token is never derived from the names, only reused by the retries of one request.
    """
    return uuid.uuid4().hex


def matches(detail: dict, domain_name: str, names: frozenset, key_algorithm: str | None) -> bool:
    if detail.get("Type", "AMAZON_ISSUED") != "AMAZON_ISSUED":
        return False
    if detail.get("DomainName", "").lower() != domain_name.lower():
        return False
    if wanted_names(detail["DomainName"], detail.get("SubjectAlternativeNames")) != names:
        return False
    return key_algorithm is None or detail.get("KeyAlgorithm") == key_algorithm


def best_match(candidates: list[dict]) -> dict | None:
    """An issued certificate beats a pending one; among equals the newest wins."""
    if not candidates:
        return None
    return sorted(candidates, key=lambda c: (c.get("Status") == "ISSUED", str(c.get("CreatedAt", ""))))[-1]


def records_ready(detail: dict) -> bool:
    options = detail.get("DomainValidationOptions") or []
    dns_options = [o for o in options if o.get("ValidationMethod", "DNS") == "DNS"]
    return bool(dns_options) and all(o.get("ResourceRecord") for o in dns_options)


def validation_records(detail: dict | None) -> list[dict]:
    """The distinct records to create; a wildcard and its base domain share one."""
    records: list[dict] = []
    for option in (detail or {}).get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if not record:
            continue
        entry = {"name": record["Name"], "type": record["Type"], "value": record["Value"]}
        if entry not in records:
            records.append(entry)
    return records


def tags_from_acm(tag_list: list[dict] | None) -> dict:
    # An ACM tag may have no value at all.
    return {tag["Key"]: tag.get("Value", "") for tag in tag_list or []}


def tags_to_acm(tags: dict) -> list[dict]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def certificate_view(detail: dict | None, tags: dict | None) -> dict:
    if not detail:
        return {}
    view = {
        "arn": detail.get("CertificateArn"),
        "status": detail.get("Status"),
        "domain_name": detail.get("DomainName"),
        "subject_alternative_names": detail.get("SubjectAlternativeNames", []),
        "key_algorithm": detail.get("KeyAlgorithm"),
        "in_use_by": detail.get("InUseBy", []),
        "tags": tags or {},
    }
    if detail.get("FailureReason"):
        view["failure_reason"] = detail["FailureReason"]
    return view


def diff_view(detail: dict | None, tags: dict | None) -> dict:
    """``tags=None``: tags not read (deletion), so not shown."""
    if not detail:
        return {}
    view = {
        "arn": detail.get("CertificateArn"),
        "domain_name": detail.get("DomainName"),
        "subject_alternative_names": sorted(wanted_names(detail["DomainName"], detail.get("SubjectAlternativeNames"))),
        "key_algorithm": detail.get("KeyAlgorithm"),
    }
    if tags is not None:
        view["tags"] = tags
    return view


def planned_certificate(params: dict, names: frozenset) -> dict:
    """What a request would create, for check mode."""
    return {
        "DomainName": params["domain_name"],
        "SubjectAlternativeNames": sorted(names),
        "KeyAlgorithm": params["key_algorithm"] or "RSA_2048",
        "Status": "PENDING_VALIDATION",
        "InUseBy": [],
    }


# --- AWS calls --------------------------------------------------------------------------------------------


@ACMErrorHandler.list_error_handler("list certificates", [])
def list_certificates(client, statuses: list[str]) -> list[dict]:
    result = paginate(client, "list_certificates", CertificateStatuses=statuses, Includes={"keyTypes": ALL_KEY_TYPES})
    return result.get("CertificateSummaryList", [])


@ACMErrorHandler.list_error_handler("describe certificate {arn}")
def describe_certificate(client, arn: str) -> dict | None:
    return client.describe_certificate(CertificateArn=arn, aws_retry=True)["Certificate"]


@ACMErrorHandler.list_error_handler("list tags of certificate {arn}", [])
def list_tags(client, arn: str) -> list[dict]:
    return client.list_tags_for_certificate(CertificateArn=arn, aws_retry=True).get("Tags", [])


@ACMErrorHandler.common_error_handler("request certificate {domain_name}")
def request_certificate(client, domain_name: str, names: frozenset, key_algorithm: str | None, tags: dict) -> str:
    # Made once: the retries of this call (aws_retry) send the same token, so a lost answer does not become a
    # second certificate.
    params: dict[str, Any] = {
        "DomainName": domain_name,
        "ValidationMethod": "DNS",
        "IdempotencyToken": idempotency_token(),
    }
    alternatives = sorted(names - {domain_name.lower()})
    if alternatives:
        params["SubjectAlternativeNames"] = alternatives
    if key_algorithm:
        params["KeyAlgorithm"] = key_algorithm
    if tags:
        params["Tags"] = tags_to_acm(tags)
    return client.request_certificate(aws_retry=True, **params)["CertificateArn"]


@ACMErrorHandler.common_error_handler("tag certificate {arn}")
def add_tags(client, arn: str, tags: dict) -> None:
    client.add_tags_to_certificate(CertificateArn=arn, Tags=tags_to_acm(tags), aws_retry=True)


@ACMErrorHandler.common_error_handler("untag certificate {arn}")
def remove_tags(client, arn: str, keys: list[str]) -> None:
    client.remove_tags_from_certificate(CertificateArn=arn, Tags=[{"Key": k} for k in sorted(keys)], aws_retry=True)


@ACMErrorHandler.deletion_error_handler("delete certificate {arn}")
def delete_certificate(client, arn: str) -> bool:
    client.delete_certificate(CertificateArn=arn, aws_retry=True)
    return True


def find_certificates(client, params: dict, names: frozenset, statuses: list[str]) -> list[dict]:
    found = []
    for summary in list_certificates(client, statuses):
        if summary.get("DomainName", "").lower() != params["domain_name"].lower():
            continue
        detail = describe_certificate(client, summary["CertificateArn"])
        if detail and matches(detail, params["domain_name"], names, params["key_algorithm"]):
            found.append(detail)
    return found


def wait_for_certificate(client, arn: str, done, description: str, timeout: float, delay: float) -> dict | None:
    """Describe certificate ``arn`` until ``done(detail)``; ``detail`` is None once the certificate is gone."""
    return wait_for(
        lambda: describe_certificate(client, arn), done, description, timeout, delay, clock=_now, sleep=_sleep
    )


def describe_until_records(client, arn: str) -> dict:
    """ACM adds the validation records to a new request a few seconds after answering it."""
    try:
        return wait_for_certificate(
            client,
            arn,
            lambda d: d is not None and (d.get("Status") != "PENDING_VALIDATION" or records_ready(d)),
            f"the validation records of certificate {arn}",
            RECORDS_TIMEOUT,
            RECORDS_DELAY,
        )
    except WaitTimeout as e:
        if e.last is None:
            raise AnsibleAWSError(message=f"Certificate {arn} was requested but ACM does not describe it") from e
        raise AnsibleAWSError(
            message=f"ACM gave no DNS validation records for certificate {arn} within {RECORDS_TIMEOUT} seconds"
        ) from e


def wait_until_issued(client, arn: str, timeout: int, records: list[dict]) -> dict:
    try:
        detail = wait_for_certificate(
            client,
            arn,
            lambda d: d is None or d.get("Status") != "PENDING_VALIDATION",
            f"certificate {arn} to be issued",
            timeout,
            ISSUED_DELAY,
        )
    except WaitTimeout as e:
        names = ", ".join(r["name"] for r in records) or "none"
        raise AnsibleAWSError(
            message=(
                f"Certificate {arn} was still PENDING_VALIDATION after {timeout} seconds; "
                f"check that these validation records exist in public DNS: {names}"
            )
        ) from e
    if detail is None:
        raise AnsibleAWSError(message=f"Certificate {arn} disappeared while waiting for it to be issued")
    if detail.get("Status") != "ISSUED":
        reason = detail.get("FailureReason", "no reason given")
        raise AnsibleAWSError(message=f"Certificate {arn} was not issued: status {detail.get('Status')} ({reason})")
    return detail


# --- states -----------------------------------------------------------------------------------------------


def ensure_present(module, client, params: dict, names: frozenset) -> dict:
    candidates = find_certificates(client, params, names, REUSABLE_STATUSES)
    if len(candidates) > 1:
        module.warn(
            f"{len(candidates)} certificates match {params['domain_name']}; using the "
            f"{'issued' if best_match(candidates).get('Status') == 'ISSUED' else 'newest'} one"
        )
    detail = best_match(candidates)
    arn = detail["CertificateArn"] if detail else None
    # The certificate's tags: those of known_tags when they already are the wanted ones, else ListTagsForCertificate.
    current_tags = known_or_read(params, arn, lambda: tags_from_acm(list_tags(client, arn))) if detail else {}
    before = diff_view(detail, current_tags)

    if detail is None:
        wanted_tags = params["tags"] or {}
        after = diff_view(planned_certificate(params, names), wanted_tags)
        if module.check_mode:
            return dict(
                changed=True,
                certificate=certificate_view(planned_certificate(params, names), wanted_tags),
                validation_records=[],
                diff={"before": before, "after": after},
            )
        arn = request_certificate(client, params["domain_name"], names, params["key_algorithm"], wanted_tags)
        detail = describe_until_records(client, arn)
        changed = True
        tags = wanted_tags
    else:
        arn = detail["CertificateArn"]
        to_set, to_remove = tag_changes(current_tags, params["tags"], params["purge_tags"])
        changed = bool(to_set or to_remove)
        tags = {k: v for k, v in {**current_tags, **to_set}.items() if k not in to_remove}
        if changed and not module.check_mode:
            if to_remove:
                remove_tags(client, arn, to_remove)
            if to_set:
                add_tags(client, arn, to_set)
        if detail.get("Status") == "PENDING_VALIDATION" and not records_ready(detail):
            detail = describe_until_records(client, arn)
        after = diff_view(detail, tags)

    if params["wait"] and detail.get("Status") != "ISSUED":
        detail = wait_until_issued(client, arn, params["wait_timeout"], validation_records(detail))

    return dict(
        changed=changed,
        certificate=certificate_view(detail, tags),
        validation_records=validation_records(detail),
        diff={"before": before, "after": after},
    )


def ensure_absent(module, client, params: dict, names: frozenset) -> dict:
    found = find_certificates(client, params, names, ALL_STATUSES)
    in_use = [d for d in found if d.get("InUseBy")]
    if in_use:
        users = "; ".join(f"{d['CertificateArn']} is used by {', '.join(d['InUseBy'])}" for d in in_use)
        raise AnsibleAWSError(
            message=f"Refusing to delete certificates of {params['domain_name']} that are in use: {users}. "
            "Detach them from these resources first."
        )
    before = diff_view(best_match(found), None)
    changed = False
    for detail in found:
        if module.check_mode:
            changed = True
        else:
            changed = delete_certificate(client, detail["CertificateArn"]) or changed
    return dict(changed=changed, certificate={}, validation_records=[], diff={"before": before, "after": {}})


def main() -> None:
    argument_spec = dict(
        domain_name=dict(type="str", required=True),
        subject_alternative_names=dict(type="list", elements="str", default=[]),
        key_algorithm=dict(type="str", choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=900),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    names = wanted_names(params["domain_name"], params["subject_alternative_names"])
    # ACM throttles with ThrottlingException, one of the THROTTLING_CODES every retrying client retries.
    client = module.retrying_client("acm")

    run_state_action(
        module, {"present": ensure_present, "absent": ensure_absent}, client, params, names, diff_mode_only=True
    )


if __name__ == "__main__":
    main()

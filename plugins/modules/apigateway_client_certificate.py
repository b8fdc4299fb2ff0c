#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigateway_client_certificate
short_description: Manage an API Gateway client certificate, found again by its description
version_added: 0.1.0
description:
  - Generates (GenerateClientCertificate), tags or deletes an API Gateway client certificate, the certificate API
    Gateway presents to an integration's backend so that the backend can tell API Gateway's requests from others.
    A stage uses it through its C(clientCertificateId) (see M(multiregion.serverless.apigateway_rest_api)).
  - API Gateway gives a client certificate no name, so the module finds it again by O(description), which must be
    unique in the account and region, so that a rerun does not generate another. With several certificates of the
    same description (a run interrupted after GenerateClientCertificate and before its answer, say) the newest is
    kept and the others are reported in RV(duplicates); O(state=absent) deletes them all.
  - Security Hub's control APIGateway.2 asks for one on every REST API stage.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  description:
    description:
      - The certificate's description, its identity for this module (for example V(<api>-<stage>)).
    type: str
    required: true
  state:
    description:
      - V(present) generates the certificate when none has O(description); V(absent) deletes every one that has.
notes:
  - In check mode a certificate to be generated has no id.
  - API Gateway's client certificates expire after 365 days; the module reports RV(client_certificate.expiration_date)
    and does not rotate them.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Client certificate of the stage
  multiregion.serverless.apigateway_client_certificate:
    description: items-api-v1
    tags:
      Application: items-api
  register: certificate

- name: The stage presents it to its backends
  multiregion.serverless.apigateway_rest_api:
    name: items-api
    stage:
      name: v1
      client_certificate_id: "{{ certificate.client_certificate.client_certificate_id }}"

- name: Delete it
  multiregion.serverless.apigateway_client_certificate:
    description: items-api-v1
    state: absent
"""

RETURN = r"""
client_certificate:
  description: The certificate, keys in snake_case; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    client_certificate_id:
      description: The certificate's id; V(null) in check mode before it is generated.
      type: str
      sample: a1b2c3
    description:
      description: Its description.
      type: str
      sample: items-api-v1
    pem_encoded_certificate:
      description: The PEM-encoded public key, for the backend to trust.
      type: str
    expiration_date:
      description: When it expires.
      type: str
    tags:
      description: Its tags.
      type: dict
duplicates:
  description: Ids of other certificates with the same description, left alone with O(state=present).
  returned: when O(state=present)
  type: list
  elements: str
"""

from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import ApiGatewayErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import tag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import untag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import without_metadata
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

RETRY_CODES = ["ThrottlingException"]


# --- pure functions ---------------------------------------------------------------------------------------


def matching(certificates: list[dict], description: str) -> list[dict]:
    """The certificates with ``description``, newest first."""
    found = [c for c in certificates if (c.get("description") or "") == description]
    return sorted(found, key=lambda c: str(c.get("createdDate") or ""), reverse=True)


def certificate_arn(partition: str, region: str, certificate_id: str) -> str:
    return f"arn:{partition}:apigateway:{region}::/clientcertificates/{certificate_id}"


def view(certificate: Optional[dict]) -> dict:
    if not certificate:
        return {}
    return {
        "client_certificate_id": certificate.get("clientCertificateId"),
        "description": certificate.get("description"),
        "tags": certificate.get("tags") or {},
    }


# --- AWS calls --------------------------------------------------------------------------------------------


@ApiGatewayErrorHandler.list_error_handler("list client certificates", [])
def list_certificates(client) -> list[dict]:
    return paginate(client, "get_client_certificates").get("items", [])


@ApiGatewayErrorHandler.common_error_handler("generate client certificate {description}")
def generate(client, description: str, tags: Optional[dict]) -> dict:
    params: dict[str, Any] = {"description": description}
    if tags:
        params["tags"] = tags
    return without_metadata(client.generate_client_certificate(aws_retry=True, **params))


@ApiGatewayErrorHandler.deletion_error_handler("delete client certificate {certificate_id}")
def delete(client, certificate_id: str) -> bool:
    client.delete_client_certificate(clientCertificateId=certificate_id, aws_retry=True)
    return True


# --- states -----------------------------------------------------------------------------------------------


def ensure_present(module, client, params: dict) -> dict:
    found = matching(list_certificates(client), params["description"])
    if not found:
        planned = {"clientCertificateId": None, "description": params["description"], "tags": params["tags"] or {}}
        diff = {"before": {}, "after": view(planned)}
        if module.check_mode:
            return dict(changed=True, client_certificate=snake_result(planned), duplicates=[], diff=diff)
        created = generate(client, params["description"], params["tags"])
        return dict(changed=True, client_certificate=snake_result(created), duplicates=[], diff=diff)

    current, duplicates = found[0], [c["clientCertificateId"] for c in found[1:]]
    if duplicates:
        module.warn(
            f"{len(duplicates)} more client certificate(s) have the description {params['description']!r}: "
            f"{', '.join(duplicates)}. Kept the newest, {current['clientCertificateId']}; state=absent deletes all."
        )
    to_set, to_remove = tag_changes(current.get("tags"), params["tags"], params["purge_tags"])
    after = dict(current, tags=updated_tags(current.get("tags"), to_set, to_remove))
    changed = bool(to_set or to_remove)
    if changed and not module.check_mode:
        arn = certificate_arn(client.meta.partition, module.region, current["clientCertificateId"])
        if to_remove:
            untag_resource(client, "client certificate", arn, to_remove)
        if to_set:
            tag_resource(client, "client certificate", arn, to_set)
    return dict(
        changed=changed,
        client_certificate=snake_result(after),
        duplicates=duplicates,
        diff={"before": view(current), "after": view(after)},
    )


def ensure_absent(module, client, params: dict) -> dict:
    found = matching(list_certificates(client), params["description"])
    if found and not module.check_mode:
        for certificate in found:
            delete(client, certificate["clientCertificateId"])
    return dict(
        changed=bool(found),
        client_certificate={},
        diff={"before": view(found[0]) if found else {}, "after": {}},
    )


def main() -> None:
    argument_spec = dict(
        description=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if not params["description"].strip():
        module.fail_json(msg="description must not be empty: it is how the certificate is found again")
    client = module.retrying_client("apigateway", extra_codes=RETRY_CODES)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, params, diff_mode_only=True)


if __name__ == "__main__":
    main()

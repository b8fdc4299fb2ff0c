# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""A CloudWatch Logs resource policy of an account and region, compared as a policy and put only when it differs.

Used by ``cloudwatchlogs_resource_policy`` and by ``route53_query_logging_config``'s ``resource_policy`` option.
The policy is found by name among every page of DescribeResourcePolicies (the account-scoped policies), as
terraform-provider-aws' ``findResourcePolicyByName`` finds it; a policy deleted meanwhile (ResourceNotFoundException)
is gone, not an error.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate

LogsErrorHandler = error_handler(["ResourceNotFoundException"])


# --- pure functions ---------------------------------------------------------------------------------------


def load(policy: Any) -> dict:
    """A policy given as a dict or as JSON text, as a dict."""
    return json.loads(policy) if isinstance(policy, str) else dict(policy)


def dump(policy: dict) -> str:
    """The policy as the JSON text that is put: compact, keys sorted."""
    return json.dumps(policy, separators=(",", ":"), sort_keys=True)


def differs(current: Optional[dict], wanted: dict) -> bool:
    """True when ``current`` (a DescribeResourcePolicies entry, or None) is not ``wanted`` by meaning."""
    return current is None or compare_policies(load(current["policyDocument"]), wanted)


def policy_view(current: Optional[dict]) -> dict:
    """The policy document of ``current`` as a dict, for a diff; {} when there is none."""
    return load(current["policyDocument"]) if current else {}


def plan(current: Optional[dict], wanted: Optional[dict]) -> dict:
    """What to do with the policy ``current``: put ``wanted``, or delete it (``wanted`` None)."""
    if wanted is None:
        return {"put": False, "delete": current is not None}
    return {"put": differs(current, wanted), "delete": False}


# --- AWS calls --------------------------------------------------------------------------------------------


@LogsErrorHandler.list_error_handler("list resource policies", [])
def list_policies(client) -> list[dict]:
    return paginate(client, "describe_resource_policies").get("resourcePolicies", [])


@LogsErrorHandler.common_error_handler("put resource policy {name}")
def put_policy(client, name: str, document: str) -> dict:
    return client.put_resource_policy(policyName=name, policyDocument=document, aws_retry=True)["resourcePolicy"]


@LogsErrorHandler.deletion_error_handler("delete resource policy {name}")
def delete_policy(client, name: str) -> bool:
    client.delete_resource_policy(policyName=name, aws_retry=True)
    return True


def find_policy(client, name: str) -> Optional[dict]:
    return next((p for p in list_policies(client) if p.get("policyName") == name), None)


# --- the story --------------------------------------------------------------------------------------------


def reconcile(client, name: str, wanted: Optional[dict], check_mode: bool) -> dict:
    """The policy ``name`` made ``wanted`` (None: deleted), in one listing and at most one put or delete.

    Returns ``changed``, ``put`` (True when a policy was put in this call: what Route 53 may not see yet),
    ``resource_policy`` (``policy_name`` and ``policy_document`` as put or found; {} when deleted) and the
    ``before``/``after`` policies for a diff.
    """
    current = find_policy(client, name)
    changes = plan(current, wanted)
    before = policy_view(current)
    if wanted is None:
        if changes["delete"] and not check_mode:
            delete_policy(client, name)
        return dict(changed=changes["delete"], put=False, resource_policy={}, before=before, after={})
    document = dump(wanted)
    result = {"policy_name": name, "policy_document": current["policyDocument"] if current else document}
    if changes["put"] and not check_mode:
        put = put_policy(client, name, document)
        result = {"policy_name": put.get("policyName", name), "policy_document": put.get("policyDocument", document)}
    elif changes["put"]:
        result["policy_document"] = document
    after = wanted if changes["put"] else before  # the same by meaning: the diff shows no difference
    return dict(
        changed=changes["put"],
        put=changes["put"] and not check_mode,
        resource_policy=result,
        before=before,
        after=after,
    )

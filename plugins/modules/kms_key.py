#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_key
short_description: Manage one customer managed symmetric KMS key, found by its alias
version_added: 0.1.0
description:
  - Creates, updates or schedules the deletion of a customer managed symmetric encryption KMS key
    (V(SYMMETRIC_DEFAULT), V(ENCRYPT_DECRYPT)), found by its alias, with its description, key policy, automatic
    rotation, enabled state and tags.
  - It reads only what it manages, four calls on a key that needs no change (C(DescribeKey) on the alias,
    C(GetKeyRotationStatus), C(GetKeyPolicy), C(ListResourceTags)); C(amazon.aws.kms_key) also reads the key's
    grants, every policy and every alias of the account on each run. When O(known_tags) already shows the key's
    wanted tags, C(ListResourceTags) is left out (three calls).
  - The key policy is compared as a policy (statement and list order, a one-item list or a string), not as text.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  alias:
    description:
      - The key's alias, with or without the V(alias/) prefix. It identifies the key.
      - Aliases under V(alias/aws/) belong to AWS managed keys and are refused.
    type: str
    required: true
  description:
    description:
      - The key's description. Left out, an existing key's description is left alone (a new key has none).
    type: str
  policy:
    description:
      - The key policy (the policy named V(default)), as a JSON string or a mapping.
      - It must let the caller manage the key, or KMS refuses it (C(MalformedPolicyDocumentException)); the
        module never bypasses that safety check.
      - Left out, an existing key's policy is left alone and a new key gets KMS' default policy.
    type: json
  enable_key_rotation:
    description:
      - Whether KMS rotates the key material automatically (every 365 days, KMS' default period).
      - Left out, an existing key's rotation is left alone (a new key has none).
    type: bool
  enabled:
    description:
      - Whether the key is enabled. A disabled key is enabled before anything else changes; a key is disabled
        after everything else has changed, as KMS changes nothing else on a disabled key.
    type: bool
    default: true
  pending_window:
    description:
      - With O(state=absent), the waiting period in days (7 to 30) before KMS deletes the key.
    type: int
    default: 30
  state:
    description:
      - V(present) creates or updates the key.
      - V(absent) schedules the key's deletion after O(pending_window) days and deletes its alias. KMS never
        deletes a key at once; until the date it can be recovered with C(CancelKeyDeletion) by its key ID (returned
        in RV(key.key_id)).
notes:
  - A key found by the alias while its deletion is pending is recovered with O(state=present)
    (C(CancelKeyDeletion), then C(EnableKey) unless O(enabled=false)) rather than replaced by a new key, so what
    it encrypted stays readable. This is what C(amazon.aws.kms_key) does.
  - KMS is eventually consistent. The calls made right after C(CreateKey) (C(CreateAlias), C(EnableKeyRotation),
    C(GetKeyPolicy)) are retried while KMS still answers C(NotFoundException); C(CreateKey) and C(PutKeyPolicy) are
    retried a few times on C(MalformedPolicyDocumentException), as a principal created just before may not be
    visible to KMS yet (terraform-provider-aws' C(aws_kms_key) does both).
  - The rotation period (C(RotationPeriodInDays)) is not managed; KMS' default of 365 days applies.
  - Sources checked for the API's behaviour - the AWS KMS API reference (C(CreateKey), C(ScheduleKeyDeletion),
    C(CancelKeyDeletion), C(GetKeyRotationStatus)), the key states table of the KMS developer guide,
    terraform-provider-aws (C(internal/service/kms/key.go) and C(wait.go)) and C(amazon.aws.kms_key).
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Key of the region's logs, with rotation
  multiregion.serverless.kms_key:
    alias: alias/global-api
    description: "global-api: logs, topics and data in eu-west-1"
    enable_key_rotation: true
    policy: "{{ lookup('ansible.builtin.template', 'kms_key_policy.json.j2') }}"
    tags:
      Deployment: global-api
  register: logs_key

- name: Log group encrypted with the key
  amazon.aws.cloudwatchlogs_log_group:
    log_group_name: global-api-flow-logs
    kms_key_id: "{{ logs_key.key.key_arn }}"

- name: Schedule the key's deletion in 7 days
  multiregion.serverless.kms_key:
    alias: global-api
    pending_window: 7
    state: absent
"""

RETURN = r"""
key:
  description:
    - The key. Empty when no key has the alias.
    - In check mode, a key that would be created has no ID or ARN yet.
  returned: always
  type: dict
  contains:
    key_id:
      description: The key ID.
      type: str
      sample: 1234abcd-12ab-34cd-56ef-1234567890ab
    key_arn:
      description: The key ARN.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    alias:
      description: The alias, with its V(alias/) prefix.
      type: str
      sample: alias/global-api
    key_state:
      description: The key state, for example V(Enabled), V(Disabled) or V(PendingDeletion).
      type: str
      sample: Enabled
    enabled:
      description: Whether the key is enabled.
      type: bool
    description:
      description: The key's description.
      type: str
    rotation:
      description: Whether automatic rotation is on.
      type: bool
      returned: with O(state=present)
    policy:
      description: The key policy.
      type: dict
      returned: with O(state=present)
    tags:
      description: The key's tags.
      type: dict
      returned: with O(state=present)
      sample: {"Deployment": "global-api"}
    deletion_date:
      description: When KMS deletes the key, in ISO 8601.
      type: str
      returned: when the key's deletion is pending
"""

import json
import re
from typing import Any
from typing import Optional

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import KMSErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import iso
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

KEY_SPEC = "SYMMETRIC_DEFAULT"
KEY_USAGE = "ENCRYPT_DECRYPT"
ALIAS_PATTERN = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")

# Right after CreateKey, KMS may not know the new key yet.
_new_key_retry = AWSRetry.jittered_backoff(
    retries=10, delay=1, max_delay=10, catch_extra_error_codes=["NotFoundException"]
)
# A principal of the policy created just before may not be visible to KMS yet; a policy that is really malformed
# (or that would lock the caller out) fails after these few tries.
_policy_retry = AWSRetry.jittered_backoff(
    retries=4, delay=2, max_delay=10, catch_extra_error_codes=["MalformedPolicyDocumentException"]
)


# --- pure functions ---------------------------------------------------------------------------------------


def canonical_alias(alias: str) -> str:
    return alias if alias.startswith("alias/") else f"alias/{alias}"


def load_policy(value: Any) -> Optional[dict]:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    return json.loads(value)


def validate(params: dict) -> list[str]:
    """Every input error, each naming its option."""
    errors = []
    alias = canonical_alias(params["alias"] or "")
    if not ALIAS_PATTERN.match(alias) or len(alias) > 256:
        errors.append(f"alias: {params['alias']!r} is not an alias name (letters, digits, '/', '_' and '-')")
    elif alias.startswith("alias/aws/"):
        errors.append(f"alias: {alias} is reserved for AWS managed keys")
    if not 7 <= params["pending_window"] <= 30:
        errors.append(f"pending_window: {params['pending_window']} is not from 7 to 30 days")
    try:
        policy = load_policy(params["policy"])
    except ValueError as e:
        errors.append(f"policy: not valid JSON ({e})")
    else:
        if policy is not None and not isinstance(policy, dict):
            errors.append("policy: not a JSON object")
    return errors


def key_view(
    metadata: dict, alias: str, rotation: Optional[bool] = None, policy: Any = None, tags: Optional[dict] = None
) -> dict:
    """The module's view of a key: its metadata, and with ``policy`` its rotation, policy and tags too."""
    view = {
        "key_id": metadata.get("KeyId"),
        "key_arn": metadata.get("Arn"),
        "alias": alias,
        "key_state": metadata.get("KeyState"),
        "enabled": metadata.get("Enabled"),
        "description": metadata.get("Description", ""),
    }
    if policy is not None:
        view.update(rotation=rotation, policy=policy, tags=tags or {})
    if metadata.get("DeletionDate"):
        view["deletion_date"] = iso(metadata["DeletionDate"])
    return view


def planned_key(alias: str, params: dict) -> dict:
    """The view of the key that ``params`` would create, before it has an ID."""
    return {
        "key_id": None,
        "key_arn": None,
        "alias": alias,
        "key_state": "Enabled" if params["enabled"] else "Disabled",
        "enabled": params["enabled"],
        "description": params["description"] or "",
        "rotation": bool(params["enable_key_rotation"]),
        "policy": load_policy(params["policy"]) or {},
        "tags": params["tags"] or {},
    }


def key_changes(current: dict, params: dict) -> dict:
    """What to change on the key ``current`` (a full ``key_view``) to match ``params``, in the order to apply it.

    ``cancel_deletion`` (a key pending deletion is recovered), ``enable`` (True/False), ``description``, ``policy``,
    ``rotation`` (True/False), ``tags_set`` and ``tags_remove``; absent keys mean no change.
    """
    changes: dict[str, Any] = {}
    state = current["key_state"]
    if state == "PendingDeletion":
        changes["cancel_deletion"] = True
        state = "Disabled"  # what CancelKeyDeletion leaves
    if params["enabled"] and state == "Disabled":
        changes["enable"] = True
    elif not params["enabled"] and state == "Enabled":
        changes["enable"] = False
    if params["description"] is not None and params["description"] != current["description"]:
        changes["description"] = params["description"]
    wanted_policy = load_policy(params["policy"])
    if wanted_policy is not None and compare_policies(current["policy"] or {}, wanted_policy):
        changes["policy"] = wanted_policy
    if params["enable_key_rotation"] is not None and params["enable_key_rotation"] != current["rotation"]:
        changes["rotation"] = params["enable_key_rotation"]
    to_set, to_remove = tag_changes(current["tags"], params["tags"], params["purge_tags"])
    if to_set:
        changes["tags_set"] = to_set
    if to_remove:
        changes["tags_remove"] = sorted(to_remove)
    return changes


def changed_key(current: dict, changes: dict) -> dict:
    """``current`` once ``changes`` are applied."""
    key = dict(current)
    if changes.get("cancel_deletion"):
        key.update(key_state="Disabled", enabled=False)
        key.pop("deletion_date", None)
    if "enable" in changes:
        key.update(key_state="Enabled" if changes["enable"] else "Disabled", enabled=changes["enable"])
    for option, field in (("description", "description"), ("policy", "policy"), ("rotation", "rotation")):
        if option in changes:
            key[field] = changes[option]
    key["tags"] = updated_tags(current["tags"], changes.get("tags_set", {}), changes.get("tags_remove", []))
    return key


def diff_view(key: dict) -> dict:
    """What the diff shows of a key: all but its identifiers."""
    return {k: v for k, v in key.items() if k not in ("key_id", "key_arn")}


# --- AWS calls --------------------------------------------------------------------------------------------


@KMSErrorHandler.list_error_handler("find KMS key {alias}")
def describe_key(client, alias: str) -> Optional[dict]:
    return client.describe_key(KeyId=alias, aws_retry=True)["KeyMetadata"]


@KMSErrorHandler.common_error_handler("get rotation status of KMS key {key_id}")
def get_rotation(client, key_id: str) -> bool:
    return client.get_key_rotation_status(KeyId=key_id, aws_retry=True)["KeyRotationEnabled"]


@KMSErrorHandler.common_error_handler("get policy of KMS key {key_id}")
def get_policy(client, key_id: str) -> dict:
    return json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default", aws_retry=True)["Policy"])


@KMSErrorHandler.common_error_handler("list tags of KMS key {key_id}")
def get_tags(client, key_id: str) -> dict:
    tags = paginate(client, "list_resource_tags", KeyId=key_id).get("Tags", [])
    return tags_from_boto3(tags, "TagKey", "TagValue")


def read_key(client, metadata: dict, alias: str, params: dict) -> dict:
    """The full view of the key. Its tags are those of O(known_tags) when they already are the wanted ones, else
    read with ListResourceTags."""
    key_id = metadata["KeyId"]
    # Rotation is a property of key material KMS generated; keys of other origins have none to read.
    rotation = get_rotation(client, key_id) if metadata.get("Origin", "AWS_KMS") == "AWS_KMS" else None
    policy = get_policy(client, key_id)
    tags = known_or_read(params, metadata.get("Arn"), lambda: get_tags(client, key_id))
    return key_view(metadata, alias, rotation, policy, tags)


@KMSErrorHandler.common_error_handler("create KMS key {alias}")
@_policy_retry
def create_key(client, alias: str, params: dict) -> dict:
    request: dict[str, Any] = {"KeySpec": KEY_SPEC, "KeyUsage": KEY_USAGE, "BypassPolicyLockoutSafetyCheck": False}
    if params["description"]:
        request["Description"] = params["description"]
    if params["policy"] is not None:
        request["Policy"] = json.dumps(load_policy(params["policy"]))
    if params["tags"]:
        request["Tags"] = tags_to_boto3(params["tags"], "TagKey", "TagValue")
    return client.create_key(aws_retry=True, **request)["KeyMetadata"]


@KMSErrorHandler.common_error_handler("create alias {alias}")
@_new_key_retry
def create_alias(client, alias: str, key_id: str) -> None:
    client.create_alias(AliasName=alias, TargetKeyId=key_id, aws_retry=True)


@KMSErrorHandler.common_error_handler("get policy of new KMS key {key_id}")
@_new_key_retry
def get_new_key_policy(client, key_id: str) -> dict:
    return json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default", aws_retry=True)["Policy"])


@KMSErrorHandler.common_error_handler("cancel the deletion of KMS key {key_id}")
def cancel_deletion(client, key_id: str) -> None:
    client.cancel_key_deletion(KeyId=key_id, aws_retry=True)


def _switch(client, key_id: str, enabled: bool, on: str, off: str) -> None:
    getattr(client, on if enabled else off)(KeyId=key_id, aws_retry=True)


@KMSErrorHandler.common_error_handler("enable or disable KMS key {key_id}")
def set_enabled(client, key_id: str, enabled: bool) -> None:
    _switch(client, key_id, enabled, "enable_key", "disable_key")


@KMSErrorHandler.common_error_handler("update description of KMS key {key_id}")
def update_description(client, key_id: str, description: str) -> None:
    client.update_key_description(KeyId=key_id, Description=description, aws_retry=True)


@KMSErrorHandler.common_error_handler("put policy of KMS key {key_id}")
@_policy_retry
def put_policy(client, key_id: str, policy: dict) -> None:
    client.put_key_policy(
        KeyId=key_id,
        PolicyName="default",
        Policy=json.dumps(policy),
        BypassPolicyLockoutSafetyCheck=False,
        aws_retry=True,
    )


@KMSErrorHandler.common_error_handler("change rotation of KMS key {key_id}")
@_new_key_retry
def set_rotation(client, key_id: str, enabled: bool) -> None:
    _switch(client, key_id, enabled, "enable_key_rotation", "disable_key_rotation")


@KMSErrorHandler.common_error_handler("tag KMS key {key_id}")
def tag_key(client, key_id: str, tags: dict) -> None:
    client.tag_resource(KeyId=key_id, Tags=tags_to_boto3(tags, "TagKey", "TagValue"), aws_retry=True)


@KMSErrorHandler.common_error_handler("untag KMS key {key_id}")
def untag_key(client, key_id: str, keys: list[str]) -> None:
    client.untag_resource(KeyId=key_id, TagKeys=keys, aws_retry=True)


@KMSErrorHandler.common_error_handler("schedule the deletion of KMS key {key_id}")
def schedule_deletion(client, key_id: str, days: int) -> Optional[Any]:
    """The deletion date; None when the key's deletion was already pending (another run got there first)."""
    try:
        return client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days, aws_retry=True)["DeletionDate"]
    except botocore.exceptions.ClientError as e:
        if e.response.get("Error", {}).get("Code") == "KMSInvalidStateException" and "pending deletion" in str(e):
            return None
        raise


@KMSErrorHandler.deletion_error_handler("delete alias {alias}")
def delete_alias(client, alias: str) -> bool:
    client.delete_alias(AliasName=alias, aws_retry=True)
    return True


def apply_changes(client, key_id: str, changes: dict) -> None:
    if changes.get("cancel_deletion"):
        cancel_deletion(client, key_id)
    if changes.get("enable") is True:  # before anything else: KMS changes little on a disabled key
        set_enabled(client, key_id, True)
    if "description" in changes:
        update_description(client, key_id, changes["description"])
    if "policy" in changes:
        put_policy(client, key_id, changes["policy"])
    if "rotation" in changes:
        set_rotation(client, key_id, changes["rotation"])
    if changes.get("tags_remove"):
        untag_key(client, key_id, changes["tags_remove"])
    if changes.get("tags_set"):
        tag_key(client, key_id, changes["tags_set"])
    if changes.get("enable") is False:  # last, once everything else has changed
        set_enabled(client, key_id, False)


# --- states -----------------------------------------------------------------------------------------------


def customer_managed(metadata: dict, alias: str) -> dict:
    if metadata.get("KeyManager", "CUSTOMER") != "CUSTOMER":
        raise ModuleFailure(f"alias: {alias} names a key that AWS manages ({metadata.get('Arn')})")
    return metadata


def create(module, client, alias: str, params: dict) -> dict:
    planned = planned_key(alias, params)
    diff = {"before": {}, "after": diff_view(planned)}
    if module.check_mode:
        return dict(changed=True, key=planned, diff=diff)
    metadata = create_key(client, alias, params)
    key_id = metadata["KeyId"]
    create_alias(client, alias, key_id)
    if params["enable_key_rotation"]:
        set_rotation(client, key_id, True)
    if not params["enabled"]:
        set_enabled(client, key_id, False)
    policy = planned["policy"] if params["policy"] is not None else get_new_key_policy(client, key_id)
    key = dict(planned, key_id=key_id, key_arn=metadata["Arn"], policy=policy)
    return dict(changed=True, key=key, diff=diff)


def ensure_present(module, client, alias: str, params: dict) -> dict:
    metadata = describe_key(client, alias)
    if metadata is None:
        return create(module, client, alias, params)
    current = read_key(client, customer_managed(metadata, alias), alias, params)
    changes = key_changes(current, params)
    after = changed_key(current, changes)
    diff = {"before": diff_view(current), "after": diff_view(after)}
    if changes and not module.check_mode:
        apply_changes(client, current["key_id"], changes)
    return dict(changed=bool(changes), key=after, diff=diff)


def ensure_absent(module, client, alias: str, params: dict) -> dict:
    metadata = describe_key(client, alias)
    if metadata is None:
        return dict(changed=False, key={}, diff={"before": {}, "after": {}})
    before = key_view(customer_managed(metadata, alias), alias)
    after = dict(before, key_state="PendingDeletion", enabled=False)
    if not module.check_mode:
        if before["key_state"] != "PendingDeletion":
            deletion_date = schedule_deletion(client, before["key_id"], params["pending_window"])
            if deletion_date is not None:
                after["deletion_date"] = iso(deletion_date)
        delete_alias(client, alias)
    return dict(changed=True, key=after, diff={"before": diff_view(before), "after": {}})


def main() -> None:
    argument_spec = dict(
        alias=dict(type="str", required=True),
        description=dict(type="str"),
        policy=dict(type="json"),
        enable_key_rotation=dict(type="bool"),
        enabled=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        pending_window=dict(type="int", default=30),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    module.fail_on_errors(validate(params))
    alias = canonical_alias(params["alias"])
    client = module.retrying_client("kms")
    run_and_exit(
        module,
        {
            "present": lambda: ensure_present(module, client, alias, params),
            "absent": lambda: ensure_absent(module, client, alias, params),
        },
        diff_mode_only=True,
    )


if __name__ == "__main__":
    main()

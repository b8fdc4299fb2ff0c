#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: backup_region_settings
short_description: Set AWS Backup's per-region service opt-in and full-management preferences
version_added: 0.1.0
description:
  - Reads the account's AWS Backup settings of the region (C(DescribeRegionSettings)) and, where a resource
    type given here differs, sets it (C(UpdateRegionSettings)).
  - O(resource_type_opt_in_preference) decides whether AWS Backup protects a resource type assigned to a plan by
    tags; O(resource_type_management_preference) turns on full AWS Backup management of a type. For DynamoDB,
    full management is what AWS calls advanced DynamoDB backup - without it, copies of DynamoDB recovery points
    to another region or account fail, and backups carry no tags.
  - Additive, not replacive - the settings are per account and region and shared by every plan there, so only
    the resource types given are compared and sent; the others are left as they are.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  resource_type_opt_in_preference:
    description: Resource types (as AWS Backup names them, for example C(DynamoDB)) and whether they are opted in.
    type: dict
    default: {}
  resource_type_management_preference:
    description:
      - Resource types and whether AWS Backup fully manages their backups. C(DynamoDB) set to V(true) enables
        the advanced DynamoDB backup features.
    type: dict
    default: {}
notes:
  - Check mode and diff are supported. In check mode C(changed) says whether the region's settings differ from
    the ones given, which is how a caller checks them without changing them.
  - Needs C(backup:DescribeRegionSettings), and C(backup:UpdateRegionSettings) to change them.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Advanced DynamoDB backup, needed to copy DynamoDB recovery points to other regions
  multiregion.serverless.backup_region_settings:
    resource_type_opt_in_preference:
      DynamoDB: true
    resource_type_management_preference:
      DynamoDB: true

- name: Only check them
  multiregion.serverless.backup_region_settings:
    resource_type_management_preference:
      DynamoDB: true
  check_mode: true
  register: settings

- name: Fail when they are off
  ansible.builtin.assert:
    that: not settings.changed
"""

RETURN = r"""
region_settings:
  description: The region's settings after the run (as they would be, in check mode).
  returned: always
  type: dict
  contains:
    resource_type_opt_in_preference:
      description: Every resource type AWS Backup knows in the region and whether it is opted in.
      type: dict
      sample: {"DynamoDB": true, "EFS": true, "RDS": false}
    resource_type_management_preference:
      description: The resource types that support full management and whether it is on.
      type: dict
      sample: {"DynamoDB": true, "EFS": true}
changes:
  description: The settings that differed and were (or, in check mode, would be) sent.
  returned: always
  type: dict
  sample: {"resource_type_management_preference": {"DynamoDB": true}}
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit

BackupErrorHandler = error_handler([])

# (module option, API key)
PREFERENCES = (
    ("resource_type_opt_in_preference", "ResourceTypeOptInPreference"),
    ("resource_type_management_preference", "ResourceTypeManagementPreference"),
)


@BackupErrorHandler.common_error_handler("describe the AWS Backup region settings")
def describe_region_settings(client) -> dict:
    return client.describe_region_settings(aws_retry=True)


@BackupErrorHandler.common_error_handler("update the AWS Backup region settings")
def update_region_settings(client, request: dict) -> None:
    client.update_region_settings(aws_retry=True, **request)


def settings_view(current: dict) -> dict:
    return {option: dict(current.get(key) or {}) for option, key in PREFERENCES}


def settings_changes(current: dict, wanted: dict) -> dict:
    """``{option: {type: value}}`` for each type whose wanted value differs from the region's."""
    view = settings_view(current)
    changes = {}
    for option, _key in PREFERENCES:
        differing = {t: v for t, v in (wanted.get(option) or {}).items() if view[option].get(t) is not v}
        if differing:
            changes[option] = differing
    return changes


def update_request(changes: dict) -> dict:
    return {key: changes[option] for option, key in PREFERENCES if option in changes}


def reconcile(module, client, wanted: dict) -> dict:
    current = describe_region_settings(client)
    changes = settings_changes(current, wanted)
    before = settings_view(current)
    after = {option: {**before[option], **changes.get(option, {})} for option in before}
    if changes and not module.check_mode:
        update_region_settings(client, update_request(changes))
        after = settings_view(describe_region_settings(client))
    return dict(changed=bool(changes), region_settings=after, changes=changes, diff={"before": before, "after": after})


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            resource_type_opt_in_preference=dict(type="dict", default={}),
            resource_type_management_preference=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    wanted = {}
    for option, _key in PREFERENCES:
        try:
            wanted[option] = {t: boolean(v, strict=True) for t, v in module.params[option].items()}
        except TypeError as e:
            module.fail_json(msg=f"{option}: every value must be true or false ({e})")
    client = module.retrying_client("backup")
    run_and_exit(module, lambda: reconcile(module, client, wanted))


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_table_info
short_description: Describe DynamoDB tables, with encryption, PITR, TTL, tags and replicas
version_added: 0.1.0
author: multiregion.serverless maintainers (!UNKNOWN)
description:
  - Describes one DynamoDB table, or every table in the region, in the shape
    M(multiregion.serverless.dynamodb_table) returns - key schema, capacity mode, stream, encryption,
    point-in-time recovery, deletion protection, time to live, table class, replicas and tags.
  - Each table costs four read calls (DescribeTable, DescribeContinuousBackups, DescribeTimeToLive,
    ListTagsOfResource).
options:
  name:
    description:
      - Name of the table to describe. Left out, every table in the region is described.
    type: str
    aliases: [table_name]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe the global table in this region
  multiregion.serverless.dynamodb_table_info:
    name: global-table
  register: info

- name: Every replica of it must be ACTIVE
  ansible.builtin.assert:
    that:
      - info.table.replicas | rejectattr('replica_status', 'eq', 'ACTIVE') | list | length == 0

- name: Every table in the region
  multiregion.serverless.dynamodb_table_info:
  register: all_tables
"""

RETURN = r"""
tables:
  description:
    - The tables described, each in the shape of M(multiregion.serverless.dynamodb_table)'s RV(table) (see
      that module for every key). Empty when I(name) names no table.
  returned: always
  type: list
  elements: dict
  sample:
    - table_name: global-table
      table_status: ACTIVE
      billing_mode: PAY_PER_REQUEST
      stream_view_type: NEW_AND_OLD_IMAGES
      sse_description:
        status: ENABLED
        sse_type: KMS
        kms_master_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1a2b
      point_in_time_recovery: true
      deletion_protection_enabled: true
      ttl: {"status": "ENABLED", "attribute_name": "expires_at"}
      replicas: [{"region_name": "eu-central-1", "replica_status": "ACTIVE"}]
      tags: {"application": "multiregion"}
table:
  description:
    - With I(name), the table (empty when it does not exist); the same dict as the only element of RV(tables), with
      the keys of RV(multiregion.serverless.dynamodb_table#module:table).
  returned: when I(name) is given
  type: dict
"""

from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def describe(client, name: str | None) -> dict:
    if name:
        table = ddb.describe_full(client, name)
        return dict(changed=False, tables=[table] if table else [], table=table or {})
    tables = []
    for table_name in ddb.list_table_names(client):
        table = ddb.describe_full(client, table_name)
        # A table deleted between ListTables and DescribeTable is simply no longer there.
        if table is not None:
            tables.append(table)
    return dict(changed=False, tables=tables)


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(name=dict(type="str", aliases=["table_name"])),
        supports_check_mode=True,
    )
    client = module.retrying_client("dynamodb")
    name = module.params["name"]
    run_and_exit(module, lambda: describe(client, name))


if __name__ == "__main__":
    main()

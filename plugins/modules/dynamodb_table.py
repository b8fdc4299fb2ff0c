#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_table
short_description: Manage a DynamoDB table and its global table (version 2019.11.21) replicas
version_added: 0.1.0
author: multiregion.serverless maintainers (!UNKNOWN)
description:
  - Creates, updates and deletes a DynamoDB table in the module's I(region) with its key schema, capacity
    mode, stream, server-side encryption, point-in-time recovery, deletion protection, time to live, table
    class and tags.
  - Adds and removes replicas of the table in other regions, making it a global table (version 2019.11.21),
    with UpdateTable C(ReplicaUpdates), one region at a time, waiting for the table and the replica to be
    C(ACTIVE) before the next, as the API requires.
  - Encryption key, point-in-time recovery, deletion protection, table class and tags are settings of each
    region's table. This module sets them in its own I(region) only; run it once per region (one inventory host
    per region) to set them on every replica.
  - After asking for a replica the module reads it back from DescribeTable. A replica that is not listed while
    the table is C(ACTIVE) means the request took no effect (an endpoint that does not emulate replication
    answers C(200) and does nothing); the module fails then, naming the regions, rather than report a replica
    that does not exist.
  - Deleting a table is guarded twice; a table with deletion protection on is never deleted, and a table
    holding items is deleted only with I(delete_with_items=true).
  - Unlike M(community.aws.dynamodb_table), it manages point-in-time recovery, encryption with a customer
    managed key, streams, deletion protection and replicas.
options:
  name:
    description: Name of the table.
    type: str
    required: true
    aliases: [table_name]
  state:
    description:
      - C(present) creates or updates the table, C(absent) deletes it (see I(delete_with_items)).
  hash_key_name:
    description:
      - Name of the partition (hash) key attribute. Required to create a table; on an existing table it must
        match, since the key schema cannot change.
    type: str
  hash_key_type:
    description: Type of the partition key attribute. C(S) when a table is created without it.
    type: str
    choices: [S, N, B]
  range_key_name:
    description: Name of the sort (range) key attribute, if the table has one. Fixed at creation.
    type: str
  range_key_type:
    description: Type of the sort key attribute. C(S) when a table is created without it.
    type: str
    choices: [S, N, B]
  billing_mode:
    description:
      - Capacity mode. C(PROVISIONED) needs I(read_capacity) and I(write_capacity).
      - AWS allows a switch of capacity mode once every 24 hours.
    type: str
    choices: [PAY_PER_REQUEST, PROVISIONED]
    default: PAY_PER_REQUEST
  read_capacity:
    description: Provisioned read capacity units, with I(billing_mode=PROVISIONED).
    type: int
  write_capacity:
    description: Provisioned write capacity units, with I(billing_mode=PROVISIONED).
    type: int
  stream_view_type:
    description:
      - What the table's DynamoDB stream records; C(DISABLED) turns the stream off.
      - Left out, the stream is left alone, except that a table that is to have replicas and has no stream
        gets C(NEW_AND_OLD_IMAGES), the view replication needs. Any other value with replicas is an error.
      - A different view type on a table that has a stream needs the stream turned off and on again, and its
        consumers lose their position. That is not possible while the table has replicas.
    type: str
    choices: [NEW_AND_OLD_IMAGES, NEW_IMAGE, OLD_IMAGE, KEYS_ONLY, DISABLED]
  sse_kms_key_id:
    description:
      - The customer managed KMS key (key ID, key ARN, alias name or alias ARN) that encrypts the table in the
        module's region (SSE type C(KMS)). It is resolved to its key ARN, which is what DescribeTable reports.
      - An empty string encrypts the table with the AWS-owned key (DynamoDB's default, no KMS charges).
      - Left out, a new table gets the AWS-owned key and an existing table keeps its encryption.
    type: str
  point_in_time_recovery:
    description:
      - Whether point-in-time recovery (continuous backups) is on, in the module's region. Left out, left
        alone (a new table has it off).
    type: bool
  deletion_protection:
    description:
      - Whether the table in the module's region is protected from deletion.
      - Ignored with I(state=absent), where the table's own setting decides; to delete a protected table, turn
        protection off with I(state=present) first.
    type: bool
    default: true
  ttl_attribute:
    description:
      - Name of the attribute holding each item's expiry time (epoch seconds); enables time to live.
      - An empty string disables time to live. Left out, left alone.
      - AWS allows one time to live change per table per hour; moving to another attribute is a disable and
        an enable.
    type: str
  table_class:
    description:
      - Table class in the module's region. Left out, left alone (a new table is C(STANDARD)).
    type: str
    choices: [STANDARD, STANDARD_INFREQUENT_ACCESS]
  replicas:
    description:
      - Replicas of the table in other regions. An entry for the module's own region stands for the table
        itself and is skipped, so every region's host can be given the same list.
      - Replicas that exist and are not listed are kept unless I(purge_replicas=true).
      - A replica's I(kms_key_id) and I(table_class) are used when the replica is created; afterwards they are
        settings of that region's table (I(sse_kms_key_id), I(table_class) on that region's run).
    type: list
    elements: dict
    suboptions:
      region_name:
        description: Region of the replica.
        type: str
        required: true
      kms_key_id:
        description:
          - KMS key in that region to encrypt the replica with. Required for a new replica when the table is
            encrypted with a customer managed key, since KMS keys are regional.
        type: str
      table_class:
        description: Table class of the new replica.
        type: str
        choices: [STANDARD, STANDARD_INFREQUENT_ACCESS]
  purge_replicas:
    description:
      - Remove replicas that exist but are not listed in I(replicas). Removing a replica deletes that region's
        copy of the data.
      - Has no effect when I(replicas) is left out.
    type: bool
    default: false
  delete_with_items:
    description:
      - With I(state=absent), confirm that the table may be deleted although it holds items. Without it a
        table holding items is not deleted.
      - Whether it holds items is read from the table (a strongly consistent Scan of at most one item per
        page), not from DescribeTable's item count, which AWS refreshes only every six hours or so.
    type: bool
    default: false
  wait:
    description:
      - Wait for the table (and each new replica) to be C(ACTIVE), or for a deleted table to be gone, before
        returning.
      - Between two changes the module always waits for the table to be C(ACTIVE), since UpdateTable refuses
        a change while another is in progress.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds each wait may last before the task fails. A replica of a large table can take hours; an empty
        one a few minutes.
    type: int
    default: 1200
  tags:
    description:
      - Tags of the table in the module's region (tags are not replicated). Left out, tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags). Has no effect when I(tags) is left out.
    type: bool
    default: true
notes:
  - The diff shows the managed settings, with the encryption key as its ARN (an empty string is the AWS-owned
    key), C(DISABLED) for no stream and an empty I(ttl_attribute) for no time to live.
  - The moto-based local endpoint answers UpdateTable C(ReplicaUpdates) with success and creates nothing, so
    asking it for a replica fails; leave I(replicas) out there. It also ignores encryption and table class
    changes on UpdateTable.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Global table, created in eu-west-1 with a replica in eu-central-1
  multiregion.serverless.dynamodb_table:
    region: eu-west-1
    name: global-table
    hash_key_name: primary_key
    hash_key_type: S
    billing_mode: PAY_PER_REQUEST
    stream_view_type: NEW_AND_OLD_IMAGES
    sse_kms_key_id: alias/global-table
    point_in_time_recovery: true
    deletion_protection: true
    ttl_attribute: expires_at
    tags:
      application: multiregion
    replicas:
      - region_name: eu-west-1
      - region_name: eu-central-1
        kms_key_id: arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555

- name: Per-region settings on the replica (run on the eu-central-1 host)
  multiregion.serverless.dynamodb_table:
    region: eu-central-1
    name: global-table
    point_in_time_recovery: true
    deletion_protection: true
    sse_kms_key_id: alias/global-table
    tags:
      application: multiregion

- name: Remove every replica not listed
  multiregion.serverless.dynamodb_table:
    name: global-table
    replicas:
      - region_name: eu-central-1
    purge_replicas: true

- name: Deleting takes two steps - first deletion protection off
  multiregion.serverless.dynamodb_table:
    name: global-table
    deletion_protection: false

- name: Then the delete, confirming that the items go too
  multiregion.serverless.dynamodb_table:
    name: global-table
    state: absent
    delete_with_items: true
"""

RETURN = r"""
table:
  description:
    - The table after the run, as DescribeTable, DescribeContinuousBackups, DescribeTimeToLive and
      ListTagsOfResource report it in the module's region. In check mode, the table as it was.
    - Empty when the table does not exist (or was deleted).
  returned: always
  type: dict
  contains:
    table_name:
      description: Name of the table.
      type: str
      sample: global-table
    table_arn:
      description: ARN of the table in the module's region.
      type: str
      sample: arn:aws:dynamodb:eu-west-1:123456789012:table/global-table
    table_id:
      description: Unique identifier of the table.
      type: str
    table_status:
      description: C(CREATING), C(UPDATING), C(DELETING), C(ACTIVE) or a failure state.
      type: str
      sample: ACTIVE
    key_schema:
      description: Key attributes, each with C(attribute_name) and C(key_type) (C(HASH) or C(RANGE)).
      type: list
      elements: dict
      sample: [{"attribute_name": "primary_key", "key_type": "HASH"}]
    attribute_definitions:
      description: Attribute names and types (C(S), C(N), C(B)) of the key attributes.
      type: list
      elements: dict
    billing_mode:
      description: C(PAY_PER_REQUEST) or C(PROVISIONED).
      type: str
    provisioned_throughput:
      description: C(read_capacity_units) and C(write_capacity_units) (0 for on-demand tables).
      type: dict
    stream_enabled:
      description: Whether the table has a stream.
      type: bool
    stream_view_type:
      description: The stream's view type, null without a stream.
      type: str
      sample: NEW_AND_OLD_IMAGES
    latest_stream_arn:
      description: ARN of the table's latest stream.
      type: str
    sse_description:
      description:
        - C(status), C(sse_type) and C(kms_master_key_arn) of server-side encryption with a KMS key; empty for
          the AWS-owned key.
      type: dict
      sample:
        status: ENABLED
        sse_type: KMS
        kms_master_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1a2b
    table_class:
      description: C(STANDARD) or C(STANDARD_INFREQUENT_ACCESS).
      type: str
    point_in_time_recovery:
      description: Whether point-in-time recovery is on.
      type: bool
    deletion_protection_enabled:
      description: Whether deletion protection is on.
      type: bool
    ttl:
      description: Time to live C(status) (C(ENABLED), C(ENABLING), C(DISABLING), C(DISABLED)) and C(attribute_name).
      type: dict
      sample: {"status": "ENABLED", "attribute_name": "expires_at"}
    global_table_version:
      description: C(2019.11.21) for a global table of the current version, null for a table without replicas.
      type: str
    replicas:
      description:
        - The table's replicas in other regions as DescribeTable lists them, each with C(region_name),
          C(replica_status) (C(ACTIVE), C(CREATING), C(CREATION_FAILED), ...) and, where AWS reports them,
          C(replica_status_description), C(kms_master_key_id), C(replica_table_class_summary).
      type: list
      elements: dict
      sample: [{"region_name": "eu-central-1", "replica_status": "ACTIVE"}]
    item_count:
      description: Approximate number of items; AWS refreshes it about every six hours.
      type: int
    tags:
      description: Tags of the table in the module's region.
      type: dict
      sample: {"application": "multiregion"}
"""

from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import resolve_kms_key_arn
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit

REPLICA_OPTIONS = dict(
    region_name=dict(type="str", required=True),
    kms_key_id=dict(type="str"),
    table_class=dict(type="str", choices=["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["table_name"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    hash_key_name=dict(type="str"),
    hash_key_type=dict(type="str", choices=["S", "N", "B"]),
    range_key_name=dict(type="str"),
    range_key_type=dict(type="str", choices=["S", "N", "B"]),
    billing_mode=dict(type="str", choices=["PAY_PER_REQUEST", "PROVISIONED"], default="PAY_PER_REQUEST"),
    read_capacity=dict(type="int"),
    write_capacity=dict(type="int"),
    stream_view_type=dict(
        type="str", choices=["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY", ddb.STREAM_DISABLED]
    ),
    sse_kms_key_id=dict(type="str", no_log=False),
    point_in_time_recovery=dict(type="bool"),
    deletion_protection=dict(type="bool", default=True),
    ttl_attribute=dict(type="str"),
    table_class=dict(type="str", choices=["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
    replicas=dict(type="list", elements="dict", options=REPLICA_OPTIONS),
    purge_replicas=dict(type="bool", default=False),
    delete_with_items=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=1200),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    known_tags=KNOWN_TAGS_OPTION,
)


def diff_of(before: dict | None, after: dict | None) -> dict:
    return {"before": before or {}, "after": after or {}}


def apply_actions(module, client, waiter: ddb.TableWaiter, name: str, arn: str, actions: list, settled: bool) -> None:
    """Make the calls in order; fail naming the region whose replica request took no visible effect.

    ``settled`` says whether the table is known to be ACTIVE. Every call waits for that first, since
    UpdateTable refuses a change while another is in progress; only the wait after the last call depends on
    the ``wait`` option.
    """
    wait = module.params["wait"]
    for index, (operation, arguments) in enumerate(actions):
        last = index == len(actions) - 1
        if not settled:
            waiter.active()
            settled = True
        if operation == "update_table":
            described = ddb.update_table(client, name, arguments)
            settled = described.get("TableStatus") == "ACTIVE"
        elif operation == "create_replica":
            region = arguments["RegionName"]
            answer = ddb.add_replica(client, name, region, arguments)
            accepted = ddb.replica_request_accepted(answer, region)
            table = waiter.replica_settled(region, accepted, patient=wait or not last)
            if ddb.replica_outcome(name, region, ddb.find_replica(table, region)) == "missing":
                raise ddb.ReplicaFailed(message=unverified_message(name, [region]))
            settled = table is not None and table.get("TableStatus") == "ACTIVE"
        elif operation == "delete_replica":
            ddb.remove_replica(client, name, arguments["RegionName"])
            if wait or not last:
                waiter.replica_gone(arguments["RegionName"])
                settled = True
            else:
                settled = False
        elif operation == "update_continuous_backups":
            ddb.update_continuous_backups(client, name, arguments)
        elif operation == "update_time_to_live":
            ddb.update_time_to_live(client, name, arguments)
        elif operation == "tag_resource":
            ddb.tag_resource(client, arn, arguments)
        elif operation == "untag_resource":
            ddb.untag_resource(client, arn, arguments)
    if wait and not settled:
        waiter.active()


def unverified_message(name: str, regions: list) -> str:
    return (
        f"UpdateTable answered the request for a replica of table {name} in {', '.join(regions)} without an"
        " error, but neither its answer nor DescribeTable lists the replica while the table is ACTIVE: the request"
        " took no effect (an endpoint that does not emulate replication behaves so)."
    )


def ensure_absent(module, client, current: dict | None, region: str) -> dict:
    name = module.params["name"]
    if current is None or current["table_status"] == "DELETING":
        return dict(changed=False, table={}, diff=diff_of(None, None))
    if current["deletion_protection_enabled"]:
        raise ModuleFailure(
            msg=f"Table {name} in {region} has deletion protection on and is not deleted. Turn it off first"
            " (state=present, deletion_protection=false), then delete it.",
            table=current,
        )
    if not module.params["delete_with_items"] and ddb.table_has_items(client, name):
        raise ModuleFailure(
            msg=f"Table {name} in {region} holds items and is not deleted. Set delete_with_items=true to delete"
            " it with its items.",
            table=current,
        )
    diff = diff_of(ddb.current_settings(current, region), None)
    if module.check_mode:
        return dict(changed=True, table=current, diff=diff)
    waiter = ddb.TableWaiter(client, name, module.params["wait_timeout"])
    if current["table_status"] != "ACTIVE":
        # DeleteTable refuses a table that is being created or updated.
        waiter.active()
    if ddb.delete_table(client, name) and module.params["wait"]:
        waiter.gone()
    return dict(changed=True, table={}, diff=diff)


def ensure_present(module, client, current: dict | None, region: str) -> dict:
    params = module.params
    name = params["name"]
    key_arn = resolve_kms_key_arn(lambda: module.retrying_client("kms"), params["sse_kms_key_id"])

    if current is not None and current["table_status"] == "DELETING":
        raise ModuleFailure(
            msg=f"Table {name} in {region} is being deleted; run again once it is gone to create it anew"
        )

    before = ddb.current_settings(current, region) if current else None
    wanted = ddb.wanted_settings(params, before, region, key_arn)
    problems = ddb.validate(before, wanted, params, region)
    if problems:
        raise ModuleFailure(msg=f"Cannot manage table {name} in {region}: " + "; ".join(problems))

    specs = ddb.wanted_replicas(params, region)
    start = before if before else ddb.created_settings(wanted)
    actions = ([("create_table", ddb.create_table_request(name, wanted))] if current is None else []) + (
        ddb.build_actions(start, wanted, specs)
    )
    diff = diff_of(before, wanted)
    if module.check_mode:
        return dict(changed=bool(actions), table=current or {}, diff=diff)

    waiter = ddb.TableWaiter(client, name, params["wait_timeout"])
    if not actions:
        if params["wait"] and current["table_status"] != "ACTIVE":
            waiter.active()
            current = ddb.describe_full(client, name) or {}
        ddb.check_replicas(current, wanted["replicas"])
        return dict(changed=False, table=current, diff=diff)

    settled = current is not None and current["table_status"] == "ACTIVE"
    arn = current["table_arn"] if current else None
    if current is None:
        create_client = module.retrying_client("dynamodb", extra_codes=ddb.CREATE_RETRY_CODES)
        created = ddb.create_table(create_client, name, actions.pop(0)[1])
        arn = created["TableArn"]
        settled = created.get("TableStatus") == "ACTIVE"
    apply_actions(module, client, waiter, name, arn, actions, settled)

    final = ddb.describe_full(client, name) or {}
    ddb.check_replicas(final, wanted["replicas"])
    return dict(changed=True, table=final, diff=diff)


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        required_if=[("billing_mode", "PROVISIONED", ["read_capacity", "write_capacity"])],
    )
    client = module.retrying_client("dynamodb", extra_codes=ddb.RETRY_CODES)
    region = module.region
    params = module.params

    run_and_exit(
        module,
        {
            "present": lambda: ensure_present(
                module, client, ddb.describe_full(client, params["name"], params), region
            ),
            "absent": lambda: ensure_absent(module, client, ddb.describe_full(client, params["name"]), region),
        },
    )


if __name__ == "__main__":
    main()

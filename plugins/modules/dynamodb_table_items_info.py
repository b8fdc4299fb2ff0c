#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: dynamodb_table_items_info
short_description: Tell whether a DynamoDB table exists and holds items, without reading them out
version_added: 0.1.0
description:
  - Answers two questions about a table in the module's region - does it exist, and does it hold at least one
    item - so that a playbook can refuse to delete data before it changes anything (for example before turning
    deletion protection off).
  - Whether the table holds items is read from the table itself with a strongly consistent C(Scan) of
    C(Limit=1) and C(Select=COUNT), following C(LastEvaluatedKey) past empty pages until an item turns up or the
    scan ends. It costs about one read unit and sees an item written a second ago. DescribeTable's C(ItemCount)
    is not used - AWS refreshes it about every six hours - and no item is returned.
  - This is the test M(multiregion.serverless.dynamodb_table) makes before deleting a table with
    O(multiregion.serverless.dynamodb_table#module:delete_with_items=false).
author: multiregion.serverless contributors (!UNKNOWN)
options:
  name:
    description:
      - Name of the table.
    type: str
    required: true
    aliases: [table_name]
notes:
  - The module changes nothing; it runs in check mode as it does otherwise.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Does the table hold items?
  multiregion.serverless.dynamodb_table_items_info:
    name: prod-items
  register: items

- name: Refuse to delete a table that holds items unless the deletion was confirmed
  ansible.builtin.assert:
    that: not items.has_items or confirm_delete_items == 'prod-items'
    fail_msg: Table prod-items holds items; set confirm_delete_items=prod-items to delete it with them.
"""

RETURN = r"""
table_exists:
  description: Whether the table exists in the module's region (in any status but C(DELETING)).
  returned: always
  type: bool
  sample: true
has_items:
  description: Whether the table holds at least one item; false when it does not exist.
  returned: always
  type: bool
  sample: true
table_status:
  description: The table's status (C(ACTIVE), C(UPDATING), ...); empty when it does not exist.
  returned: always
  type: str
  sample: ACTIVE
table_arn:
  description: The table's ARN; empty when it does not exist.
  returned: always
  type: str
  sample: arn:aws:dynamodb:eu-west-1:123456789012:table/prod-items
"""

from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def items_info(client, name: str) -> dict:
    table = ddb.describe_table(client, name)
    if table is None or table.get("TableStatus") == "DELETING":
        return {"table_exists": False, "has_items": False, "table_status": "", "table_arn": ""}
    return {
        "table_exists": True,
        "has_items": ddb.table_has_items(client, name),
        "table_status": table.get("TableStatus", ""),
        "table_arn": table.get("TableArn", ""),
    }


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(name=dict(type="str", required=True, aliases=["table_name"])),
        supports_check_mode=True,
    )
    client = module.retrying_client("dynamodb")
    run_and_exit(module, lambda: dict(changed=False, **items_info(client, module.params["name"])))


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatchlogs_resource_policy
short_description: Manage a CloudWatch Logs resource policy of an account and region
version_added: 0.1.0
description:
  - Creates, updates or deletes a CloudWatch Logs resource policy (PutResourcePolicy, DeleteResourcePolicy), the
    policy that lets AWS services such as Route 53 write to log groups of the account.
  - The policy is compared as a policy (key order, single values and lists), not as text, so a rerun with the same
    policy is no change.
  - An account has at most 10 resource policies per region, so give each deployment its own name and scope it to its
    own log groups.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: Name of the resource policy.
    type: str
    required: true
  policy:
    description: The policy, as a dict or a JSON string. Required with O(state=present).
    type: json
  state:
    description: V(present) puts the policy; V(absent) deletes it.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Route 53 may write the zone's query logs
  multiregion.serverless.cloudwatchlogs_resource_policy:
    region: us-east-1
    name: example-route53-query-logs
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: route53.amazonaws.com}
          Action: [logs:CreateLogStream, logs:PutLogEvents]
          Resource: arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*
"""

RETURN = r"""
resource_policy:
  description: The policy as put; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    policy_name:
      description: Its name.
      type: str
    policy_document:
      description: The policy, as JSON text.
      type: str
"""

from ansible_collections.multiregion.serverless.plugins.module_utils import _resource_policy
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action


def _result(reconciled: dict) -> dict:
    return dict(
        changed=reconciled["changed"],
        resource_policy=reconciled["resource_policy"],
        diff={"before": reconciled["before"], "after": reconciled["after"]},
    )


def ensure_present(module, client, name: str) -> dict:
    wanted = _resource_policy.load(module.params["policy"])
    return _result(_resource_policy.reconcile(client, name, wanted, module.check_mode))


def ensure_absent(module, client, name: str) -> dict:
    return _result(_resource_policy.reconcile(client, name, None, module.check_mode))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        policy=dict(type="json"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec, required_if=[("state", "present", ["policy"])], supports_check_mode=True
    )
    name = module.params["name"]
    client = module.retrying_client("logs")
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client, name, diff_mode_only=True)


if __name__ == "__main__":
    main()

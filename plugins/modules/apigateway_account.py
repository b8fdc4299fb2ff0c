#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigateway_account
short_description: Set the CloudWatch Logs role of API Gateway for an account and region
version_added: 0.1.0
description:
  - Sets the IAM role API Gateway assumes to write REST API execution and access logs to CloudWatch Logs
    (GetAccount, then UpdateAccount with a C(replace /cloudwatchRoleArn) operation only when it differs).
  - The setting is per account and region and shared by every REST API there. A stage with C(INFO) or C(ERROR)
    logging cannot be configured before it is set.
  - The role must trust C(apigateway.amazonaws.com) and allow writing to CloudWatch Logs (for example the managed
    policy C(AmazonAPIGatewayPushToCloudWatchLogs)). A role created moments earlier may be rejected while IAM
    propagates it; the module retries for up to O(wait_timeout) seconds.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  cloudwatch_role_arn:
    description: ARN of the IAM role API Gateway uses to write logs to CloudWatch Logs.
    type: str
    required: true
  wait_timeout:
    description: How long to keep retrying while API Gateway rejects the role as not (yet) assumable, in seconds.
    type: int
    default: 120
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Role API Gateway writes logs with
  amazon.aws.iam_role:
    name: apigateway-cloudwatch-logs
    assume_role_policy_document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: apigateway.amazonaws.com}
          Action: sts:AssumeRole
    managed_policies:
      - arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs
  register: apigw_logs_role

- name: CloudWatch Logs role of API Gateway in this region
  multiregion.serverless.apigateway_account:
    cloudwatch_role_arn: "{{ apigw_logs_role.iam_role.arn }}"
"""

RETURN = r"""
account:
  description: The API Gateway account settings of the region.
  returned: always
  type: dict
  contains:
    cloudwatch_role_arn:
      description: ARN of the CloudWatch Logs role (none in check mode before it is set the first time).
      type: str
      sample: arn:aws:iam::123456789012:role/apigateway-cloudwatch-logs
    throttle_settings:
      description: Account-level throttling limits.
      type: dict
      sample: {"burst_limit": 5000, "rate_limit": 10000.0}
    features:
      description: Account features enabled, such as C(UsagePlans).
      type: list
      elements: str
    api_key_version:
      description: Version of the API keys of the account.
      type: str
"""


from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import account_patch_operations
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import get_account
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import is_role_not_yet_accepted
from ansible_collections.multiregion.serverless.plugins.module_utils._apigateway import update_account
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

ARGUMENT_SPEC = dict(
    cloudwatch_role_arn=dict(type="str", required=True),
    wait_timeout=dict(type="int", default=120),
)

RETRY_DELAY = 5


def update_account_when_role_accepted(client, ops: list[dict], timeout: int) -> dict:
    """UpdateAccount, retried while API Gateway cannot assume the role yet (IAM propagation)."""
    last_error: list[AnsibleAWSError] = []

    def attempt():
        try:
            return update_account(client, ops)
        except AnsibleAWSError as e:
            if not is_role_not_yet_accepted(e):
                raise
            last_error[:] = [e]
            return None

    try:
        return wait_for(
            attempt,
            lambda account: account is not None,
            "API Gateway to accept the CloudWatch Logs role",
            timeout=timeout,
            delay=RETRY_DELAY,
            clock=_now,
            sleep=_sleep,
        )
    except WaitTimeout as e:
        raise MultiregionAWSError(
            message=f"Failed to update the API Gateway account settings: the role was still rejected after {timeout} s",
            exception=last_error[0].exception if last_error else None,
        ) from e


def summary(account: dict) -> dict:
    return {"cloudwatch_role_arn": account.get("cloudwatchRoleArn") or None}


def ensure(module, client, role_arn: str | None) -> dict:
    account = get_account(client)
    ops = account_patch_operations(account, role_arn)
    before = summary(account)
    if ops and not module.check_mode:
        account = update_account_when_role_accepted(client, ops, module.params["wait_timeout"])
    after = dict(before, cloudwatch_role_arn=role_arn) if module.check_mode else summary(account)
    result = snake_result(account)
    if module.check_mode:
        result["cloudwatch_role_arn"] = role_arn
    return dict(changed=bool(ops), account=result, diff={"before": before, "after": after})


def main() -> None:
    module = MultiregionAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    client = module.retrying_client("apigateway")
    role_arn = module.params["cloudwatch_role_arn"]
    run_and_exit(module, lambda: ensure(module, client, role_arn))


if __name__ == "__main__":
    main()

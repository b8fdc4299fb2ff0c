#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wafv2_web_acl_association
short_description: Associate a regional resource with a WAFv2 web ACL
version_added: 0.1.0
description:
  - Associates a regional resource (an API Gateway REST API stage, an Application Load Balancer, an AppSync
    API, a Cognito user pool, ...) with a WAFv2 web ACL, moves it to another web ACL, or removes its
    association.
  - The current association is read with GetWebACLForResource, one call for the resource.
    C(community.aws.wafv2_resources) lists every resource of the web ACL with ListResourcesForWebACL instead,
    which is slower on a busy web ACL and missing on some AWS-compatible endpoints.
  - A resource has at most one web ACL; associating it with another web ACL replaces the association.
  - CloudFront distributions are not associated through this API (their web ACL is set on the distribution).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  resource_arn:
    description:
      - The ARN of the resource, for an API Gateway stage
        C(arn:aws:apigateway:<region>::/restapis/<api_id>/stages/<stage>).
    type: str
    required: true
  web_acl_arn:
    description:
      - The ARN of the web ACL. Required with O(state=present).
      - With O(state=absent), the association is removed only when the resource is associated with this
        web ACL; without it, whatever web ACL the resource has is removed.
    type: str
  state:
    description:
      - V(present) associates the resource with O(web_acl_arn); V(absent) removes its association.
  wait_timeout:
    description:
      - Seconds to keep retrying while WAF reports the web ACL or the resource as not yet available
        (WAFUnavailableEntityException), as it does right after either is created.
    type: int
    default: 120
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Protect the API's stage with the region's web ACL
  multiregion.serverless.wafv2_web_acl_association:
    resource_arn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    web_acl_arn: "{{ web_acl.arn }}"

- name: Remove the stage's association, whichever web ACL it is
  multiregion.serverless.wafv2_web_acl_association:
    resource_arn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    state: absent
"""

RETURN = r"""
association:
  description:
    - The resource and the web ACL it is associated with after the task (empty values when none).
  returned: always
  type: dict
  contains:
    resource_arn:
      description: The ARN of the resource.
      type: str
      sample: arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1
    web_acl_arn:
      description: The ARN of the web ACL; V('') when the resource has none.
      type: str
      sample: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mrdemo-api/0f1e2d3c-aaaa-bbbb-cccc-123456789012
    web_acl_name:
      description: The name of the web ACL; V('') when the resource has none or in check mode before association.
      type: str
      sample: mrdemo-api
"""

from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import WAFErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import wafv2_client
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

# WAF needs a moment after a web ACL or a resource is created before it can associate them.
UNAVAILABLE = "WAFUnavailableEntityException"


# --- pure functions ---------------------------------------------------------------------------------------


def association_view(resource_arn: str, web_acl: Optional[dict]) -> dict[str, str]:
    web_acl = web_acl or {}
    return {
        "resource_arn": resource_arn,
        "web_acl_arn": web_acl.get("ARN", ""),
        "web_acl_name": web_acl.get("Name", ""),
    }


def association_change(current_acl_arn: str, wanted_acl_arn: Optional[str], state: str) -> Optional[str]:
    """``"associate"``, ``"disassociate"`` or None (nothing to do)."""
    if state == "present":
        return None if current_acl_arn == wanted_acl_arn else "associate"
    if not current_acl_arn:
        return None
    if wanted_acl_arn and current_acl_arn != wanted_acl_arn:
        return None
    return "disassociate"


def name_from_arn(web_acl_arn: str) -> str:
    # arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>
    parts = web_acl_arn.split("/")
    return parts[-2] if len(parts) >= 4 else ""


# --- AWS calls --------------------------------------------------------------------------------------------


@WAFErrorHandler.list_error_handler("get the web ACL of {resource_arn}", None)
def get_web_acl_for_resource(client, resource_arn: str) -> Optional[dict]:
    return client.get_web_acl_for_resource(ResourceArn=resource_arn, aws_retry=True).get("WebACL")


@WAFErrorHandler.common_error_handler("associate {resource_arn} with web ACL {web_acl_arn}")
def associate(client, resource_arn: str, web_acl_arn: str, timeout: int) -> None:
    call_when_available(
        lambda: client.associate_web_acl(WebACLArn=web_acl_arn, ResourceArn=resource_arn, aws_retry=True),
        f"web ACL {web_acl_arn} and {resource_arn} to become available",
        timeout,
    )


@WAFErrorHandler.common_error_handler("disassociate {resource_arn} from its web ACL")
def disassociate(client, resource_arn: str) -> None:
    client.disassociate_web_acl(ResourceArn=resource_arn, aws_retry=True)


def call_when_available(call, description: str, timeout: int) -> Any:
    """Run ``call``, retrying (bounded) while WAF answers WAFUnavailableEntityException."""
    import botocore

    def attempt():
        try:
            return ("done", call())
        except botocore.exceptions.ClientError as e:
            if e.response.get("Error", {}).get("Code") == UNAVAILABLE:
                return ("unavailable", e)
            raise

    try:
        outcome = wait_for(attempt, lambda r: r[0] == "done", description, timeout=timeout, delay=5)
    except WaitTimeout as e:
        # The last WAFUnavailableEntityException, for the caller's error handler to describe.
        raise e.last[1] from e
    return outcome[1]


# --- main -------------------------------------------------------------------------------------------------


def ensure(module, client, params: dict) -> dict:
    resource_arn = params["resource_arn"]
    wanted = params["web_acl_arn"]
    current = get_web_acl_for_resource(client, resource_arn)
    before = association_view(resource_arn, current)
    change = association_change(before["web_acl_arn"], wanted, params["state"])
    if change == "associate":
        after = {"resource_arn": resource_arn, "web_acl_arn": wanted, "web_acl_name": name_from_arn(wanted)}
    elif change == "disassociate":
        after = association_view(resource_arn, None)
    else:
        after = before
    result = {"changed": change is not None, "association": after, "diff": {"before": before, "after": after}}
    if change is None or module.check_mode:
        return result
    if change == "associate":
        associate(client, resource_arn, wanted, params["wait_timeout"])
    else:
        disassociate(client, resource_arn)
    return result


def main() -> None:
    argument_spec = dict(
        resource_arn=dict(type="str", required=True),
        web_acl_arn=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait_timeout=dict(type="int", default=120),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["web_acl_arn"]]],
        supports_check_mode=True,
    )
    client = wafv2_client(module)
    run_and_exit(module, lambda: ensure(module, client, module.params), diff_mode_only=True)


if __name__ == "__main__":
    main()

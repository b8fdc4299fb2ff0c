#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: ec2_prefix_list_info
short_description: Look up the AWS-managed prefix lists of gateway endpoint services
version_added: 0.1.0
description:
  - Returns the AWS-managed prefix lists (for example C(com.amazonaws.eu-west-1.dynamodb)) that security group
    rules use to allow traffic to gateway VPC endpoints without hard-coding IP ranges.
  - Uses the EC2 DescribePrefixLists API.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  services:
    description:
      - Short service names (C(s3), C(dynamodb)) whose prefix lists to return, in the module's region.
      - When omitted, every prefix list in the region is returned.
    type: list
    elements: str
  prefix_list_ids:
    description: Prefix list ids to return.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look up the S3 and DynamoDB prefix lists for security group rules
  multiregion.serverless.ec2_prefix_list_info:
    services: [s3, dynamodb]
  register: prefix_lists

- name: Allow HTTPS to DynamoDB through the gateway endpoint
  amazon.aws.ec2_security_group:
    name: lambda
    description: Lambda functions
    vpc_id: vpc-0123456789abcdef0
    rules_egress:
      - proto: tcp
        ports: [443]
        ip_prefix: "{{ prefix_lists.by_service.dynamodb.prefix_list_id }}"
"""

RETURN = r"""
prefix_lists:
  description: The prefix lists found.
  returned: always
  type: list
  elements: dict
  contains:
    prefix_list_id:
      description: The prefix list id.
      type: str
      sample: pl-6da54004
    prefix_list_name:
      description: The service name of the prefix list.
      type: str
      sample: com.amazonaws.eu-west-1.s3
    cidrs:
      description: The address ranges in the list.
      type: list
      elements: str
by_service:
  description: The prefix lists keyed by the short service names given in O(services).
  returned: when O(services) is given
  type: dict
  sample: {"dynamodb": {"prefix_list_id": "pl-6fa54006", "prefix_list_name": "com.amazonaws.eu-west-1.dynamodb"}}
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import prefix_list_names
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import prefix_lists_by_service
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit

EC2Errors = error_handler(["InvalidPrefixListID.NotFound", "InvalidPrefixListId.NotFound"])


@EC2Errors.list_error_handler("describe prefix lists", default_value=[])
def describe_prefix_lists(client, filters, ids):
    params = {}
    if filters:
        params["Filters"] = filters
    if ids:
        params["PrefixListIds"] = ids
    return paginate(client, "describe_prefix_lists", **params)["PrefixLists"]


def main():
    argument_spec = dict(
        services=dict(type="list", elements="str"),
        prefix_list_ids=dict(type="list", elements="str"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.retrying_client("ec2")
    services = module.params["services"] or []
    names = prefix_list_names(module.region, services)
    filters = [{"Name": "prefix-list-name", "Values": sorted(names)}] if names else None

    def describe() -> dict:
        found = describe_prefix_lists(client, filters, module.params["prefix_list_ids"])
        prefix_lists = [camel_dict_to_snake_dict(p) for p in found]
        result = {"changed": False, "prefix_lists": prefix_lists}
        if services:
            by_service, missing = prefix_lists_by_service(module.region, services, prefix_lists)
            if missing:
                raise ModuleFailure(f"No AWS-managed prefix list for {', '.join(missing)} in {module.region}", **result)
            result["by_service"] = by_service
        return result

    run_and_exit(module, describe)


if __name__ == "__main__":
    main()

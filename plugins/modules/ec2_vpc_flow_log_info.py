#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: ec2_vpc_flow_log_info
short_description: List VPC flow logs
version_added: 0.1.0
description:
  - Lists the flow logs in a region, optionally only those of some resources, some flow log ids, or those
    matching DescribeFlowLogs filters. The conditions given all apply.
  - Uses the EC2 DescribeFlowLogs API, every page of it.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  resource_ids:
    description: Only the flow logs of these VPCs, subnets, network interfaces or transit gateways.
    type: list
    elements: str
  flow_log_ids:
    description: Only these flow logs. An id that does not exist is not an error.
    type: list
    elements: str
  filters:
    description:
      - DescribeFlowLogs filters, name to value or list of values, for example C(log-group-name),
        C(traffic-type), C(log-destination-type), C(deliver-log-status), C(tag:<key>) or C(tag-key).
      - Give resources in O(resource_ids) rather than as a C(resource-id) filter, not both.
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Flow logs of the VPC
  multiregion.serverless.ec2_vpc_flow_log_info:
    resource_ids: ["{{ vpc.vpc.id }}"]
  register: vpc_flow_logs

- name: Flow logs whose delivery fails
  multiregion.serverless.ec2_vpc_flow_log_info:
    filters:
      deliver-log-status: FAILED
  register: failing_flow_logs

- name: Fail when the VPC logs less than all its traffic to CloudWatch Logs
  ansible.builtin.assert:
    that:
      - vpc_flow_logs.flow_logs | selectattr('traffic_type', 'equalto', 'ALL')
          | selectattr('log_destination_type', 'equalto', 'cloud-watch-logs') | list | length > 0
"""

RETURN = r"""
flow_logs:
  description:
    - The flow logs found. Each has the keys of RV(multiregion.serverless.ec2_vpc_flow_log#module:flow_log) - the
      flow log's id, resource, traffic type, destination, role, aggregation interval, record format, destination
      options, status, delivery status and error, creation time and tags.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.multiregion.serverless.plugins.module_utils import _flow_logs as fl
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def build_filters(resource_ids, filters):
    """DescribeFlowLogs filters for the module's options; None when nothing narrows the listing."""
    result = ansible_dict_to_boto3_filter_list(filters or {})
    if resource_ids:
        result.append({"Name": "resource-id", "Values": list(resource_ids)})
    return result or None


def main():
    module = MultiregionAWSModule(
        argument_spec=dict(
            resource_ids=dict(type="list", elements="str"),
            flow_log_ids=dict(type="list", elements="str"),
            filters=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["resource_ids"] and "resource-id" in (params["filters"] or {}):
        module.fail_json(msg="Give resources in resource_ids or as a resource-id filter, not both")

    client = module.retrying_client("ec2")

    def describe() -> dict:
        found = fl.describe_flow_logs(
            client,
            filters=build_filters(params["resource_ids"], params["filters"]),
            flow_log_ids=params["flow_log_ids"],
        )
        return dict(changed=False, flow_logs=[fl.flow_log_result(f) for f in found])

    run_and_exit(module, describe)


if __name__ == "__main__":
    main()

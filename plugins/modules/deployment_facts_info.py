#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: deployment_facts_info
short_description: Look up the account, the partition and every region's zones and prefix lists in one call
version_added: 0.1.0
description:
  - Returns what every role of a deployment needs to know about the account and its regions, in one module call
    for all the regions instead of one lookup per role and region.
  - The caller's account id, ARN, user id and partition (STS GetCallerIdentity).
  - For each region of O(regions), with one EC2 client per region, the availability zones a subnet can use
    (EC2 DescribeAvailabilityZones with the filters C(state=available) and C(zone-type=availability-zone), as
    M(amazon.aws.aws_az_info) with those filters. Local Zones and Wavelength Zones are left out, and without
    C(AllAvailabilityZones) AWS returns only zones whose opt-in status is C(opt-in-not-required) or C(opted-in)),
    and the AWS-managed prefix lists of O(prefix_list_services) (EC2 DescribePrefixLists, every page, as
    M(multiregion.serverless.ec2_prefix_list_info) returns them).
  - With O(tagged_with), every resource carrying those tags in each region of O(tag_regions), with its tags
    (Resource Groups Tagging API C(GetResources) with C(TagFilters), every page). The modules of a run take it as
    their O(multiregion.serverless.kms_key#module:known_tags), so that a no-op reads the tags once per run and
    region instead of once per resource.
  - A region whose lookup fails fails the module, naming the region. A region that is not enabled for the
    account answers C(AuthFailure). The tagged resources only save calls, so a region whose C(GetResources) fails
    (denied, not enabled) is left out of RV(tagged_resources) with a warning; the modules then read those tags
    themselves.
  - Only reads; check mode makes the same calls.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  regions:
    description:
      - The regions to look up, for example the region of every host of a play.
      - When omitted, the module's region.
    type: list
    elements: str
  prefix_list_services:
    description: Short service names (C(s3), C(dynamodb)) whose AWS-managed prefix lists to return in every region.
    type: list
    elements: str
    default: [s3, dynamodb]
  tagged_with:
    description:
      - Tags (key and value) that every resource to list in RV(tagged_resources) carries, for example the
        deployment's C(Deployment) tag. Each becomes a C(TagFilters) entry; a resource must carry all of them.
      - Omitted or empty, no resource is listed and the tagging API is not called.
    type: dict
  tag_regions:
    description:
      - The regions whose tagged resources to list. Omitted, the regions of O(regions).
      - A deployment also lists the region where its account-wide resources are (us-east-1 for the DNS failover's
        alarms, topic, key and query log group).
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look up the account, the partition and each region's zones and prefix lists, once for every host
  multiregion.serverless.deployment_facts_info:
    regions: "{{ ansible_play_hosts | map('extract', hostvars, 'aws_region') | list }}"
  register: facts
  run_once: true

- name: Give each region's host its own
  ansible.builtin.set_fact:
    deployment_account_id: "{{ facts.account_id }}"
    deployment_partition: "{{ facts.partition }}"
    deployment_availability_zones: "{{ facts.regions[aws_region].availability_zone_names }}"
    deployment_prefix_lists: "{{ facts.regions[aws_region].prefix_lists_by_service }}"

- name: Also list what the deployment has tagged, in its regions and in us-east-1
  multiregion.serverless.deployment_facts_info:
    regions: [eu-west-1, eu-central-1]
    tagged_with:
      Deployment: mrdemo
    tag_regions: [eu-west-1, eu-central-1, us-east-1]
  register: facts
  run_once: true
"""

RETURN = r"""
account_id:
  description: The caller's account id.
  returned: always
  type: str
  sample: "123456789012"
arn:
  description: The caller's ARN.
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/deployer/session
user_id:
  description: The caller's unique id.
  returned: always
  type: str
  sample: AROAEXAMPLEID:session
partition:
  description: The partition of the caller's ARN (C(aws), C(aws-cn), C(aws-us-gov)).
  returned: always
  type: str
  sample: aws
regions:
  description: Each region's facts, keyed by region name.
  returned: always
  type: dict
  contains:
    availability_zones:
      description:
        - The zones a subnet can use, sorted by name, each with the keys M(amazon.aws.aws_az_info) returns for a zone
          (C(zone_name), C(zone_id), C(state), C(opt_in_status), C(zone_type), C(region_name), C(group_name),
          C(network_border_group), C(messages)).
      type: list
      elements: dict
    availability_zone_names:
      description: The names of those zones, sorted.
      type: list
      elements: str
      sample: [eu-west-1a, eu-west-1b, eu-west-1c]
    prefix_lists:
      description:
        - The prefix lists of O(prefix_list_services), as
          RV(multiregion.serverless.ec2_prefix_list_info#module:prefix_lists).
      type: list
      elements: dict
    prefix_lists_by_service:
      description:
        - The same prefix lists keyed by short service name, as
          RV(multiregion.serverless.ec2_prefix_list_info#module:by_service).
      type: dict
      sample: {"dynamodb": {"prefix_list_id": "pl-6fa54006", "prefix_list_name": "com.amazonaws.eu-west-1.dynamodb",
               "cidrs": ["52.94.24.0/23"]}}
tagged_resources:
  description:
    - Every resource of O(tag_regions) that carries the tags of O(tagged_with), keyed by ARN, with all its tags, as
      C(GetResources) answered (the tagging API lags a little behind the services' own tagging calls).
    - Empty without O(tagged_with).
  returned: always
  type: dict
  sample: {"arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms": {"Deployment": "mrdemo"}}
"""

from typing import Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import prefix_list_names
from ansible_collections.multiregion.serverless.plugins.module_utils._ec2 import prefix_lists_by_service
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import (
    DENIED_CODES as TAGGING_DENIED_CODES,
)
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import RETRY_CODES as TAGGING_RETRY_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3

Errors = error_handler([])

# The filters the VPC role gave amazon.aws.aws_az_info: the zones a subnet can be placed in.
ZONE_FILTERS = [
    {"Name": "state", "Values": ["available"]},
    {"Name": "zone-type", "Values": ["availability-zone"]},
]

# What EC2 answers in a region the account has not enabled (opt-in regions), or a service it is not signed up for.
REGION_NOT_ENABLED_CODES = ("AuthFailure", "OptInRequired")


@Errors.common_error_handler("get the caller identity")
def caller_identity(client) -> dict:
    found = client.get_caller_identity(aws_retry=True)
    return {
        "account_id": found["Account"],
        "arn": found["Arn"],
        "user_id": found["UserId"],
        "partition": found["Arn"].split(":")[1],
    }


@Errors.common_error_handler("describe the availability zones of {region}")
def availability_zones(client, region: str) -> list[dict]:
    # DescribeAvailabilityZones has no paginator: paginate() calls it once, retried, and follows a token if one came.
    found = paginate(client, "describe_availability_zones", Filters=ZONE_FILTERS).get("AvailabilityZones", [])
    return sorted((camel_dict_to_snake_dict(z) for z in found), key=lambda z: z["zone_name"])


@Errors.common_error_handler("describe the prefix lists of {region}")
def prefix_lists(client, region: str, services: list[str]) -> list[dict]:
    names = sorted(prefix_list_names(region, services))
    found = paginate(client, "describe_prefix_lists", Filters=[{"Name": "prefix-list-name", "Values": names}])
    return [camel_dict_to_snake_dict(p) for p in found.get("PrefixLists", [])]


def by_service(region: str, services: list[str], lists: list[dict]) -> dict[str, dict]:
    """``lists`` keyed by short service name; fails naming the services ``region`` has no prefix list for."""
    keyed, missing = prefix_lists_by_service(region, services, lists)
    if missing:
        raise ModuleFailure(f"No AWS-managed prefix list for {', '.join(missing)} in {region}")
    return keyed


# GetResources answers these when the caller may not call it, or the region is not enabled for the account: the
# region's tagged resources are left out (the modules read their tags themselves).
TAGGING_SKIPPED_CODES = (
    TAGGING_DENIED_CODES + ("UnrecognizedClientException", "InvalidClientTokenId") + REGION_NOT_ENABLED_CODES
)
TaggingErrors = error_handler(TAGGING_SKIPPED_CODES)


@TaggingErrors.list_error_handler("list the resources tagged {tags} in {region}")
def tagged_resources(client, region: str, tags: dict) -> Optional[dict[str, dict]]:
    """Every resource of ``region`` carrying all of ``tags``, by ARN, every page; None when the call is refused."""
    filters = [{"Key": k, "Values": [v]} for k, v in sorted(tags.items())]
    # ResourcesPerPage at its maximum: a deployment's resources in a region fit in one or two pages.
    found = paginate(
        client, "get_resources", extra_codes=TAGGING_RETRY_CODES, TagFilters=filters, ResourcesPerPage=100
    ).get("ResourceTagMappingList")
    return {m["ResourceARN"]: tags_from_boto3(m.get("Tags")) for m in found or []}


def region_facts(client, region: str, services: list[str]) -> dict:
    """One region's zones and prefix lists. A failure names the region, and says so when it looks not enabled."""
    try:
        zones = availability_zones(client, region)
        lists = prefix_lists(client, region, services) if services else []
    except MultiregionAWSError as e:
        if is_not_found(e.exception, REGION_NOT_ENABLED_CODES):
            raise MultiregionAWSError(
                message=f"{e.message} (is {region} enabled for the account? An opt-in region answers this until it is)",
                exception=e.exception,
            ) from e
        raise
    return {
        "availability_zones": zones,
        "availability_zone_names": [z["zone_name"] for z in zones],
        "prefix_lists": lists,
        "prefix_lists_by_service": by_service(region, services, lists),
    }


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def validate(params: dict, default_region) -> list[str]:
    regions = params["regions"] if params["regions"] is not None else [default_region]
    errors = []
    if not [r for r in regions if r]:
        errors.append("regions: give at least one region (or the module's region)")
    elif not all(regions):
        errors.append("regions: a region name is empty")
    if any(not s for s in params["prefix_list_services"]):
        errors.append("prefix_list_services: a service name is empty")
    if params["tag_regions"] is not None and not all(params["tag_regions"]):
        errors.append("tag_regions: a region name is empty")
    if any(not str(k) for k in params["tagged_with"] or {}):
        errors.append("tagged_with: a tag key is empty")
    return errors


def main() -> None:
    argument_spec = dict(
        regions=dict(type="list", elements="str"),
        prefix_list_services=dict(type="list", elements="str", default=["s3", "dynamodb"]),
        tagged_with=dict(type="dict"),
        tag_regions=dict(type="list", elements="str"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params, module.region))
    regions = unique(module.params["regions"] if module.params["regions"] is not None else [module.region])
    services = unique(module.params["prefix_list_services"])
    tags = {str(k): str(v) for k, v in (module.params["tagged_with"] or {}).items()}
    tag_regions = unique(module.params["tag_regions"] if module.params["tag_regions"] is not None else regions)

    def describe() -> dict:
        # STS in the module's region (the first region's when the module has none): one call for the account.
        identity = caller_identity(module.retrying_client("sts", region=module.region or regions[0]))
        facts = {
            region: region_facts(module.retrying_client("ec2", region=region), region, services) for region in regions
        }
        tagged: dict[str, dict] = {}
        for region in tag_regions if tags else []:
            client = module.retrying_client("resourcegroupstaggingapi", region=region, extra_codes=TAGGING_RETRY_CODES)
            found = tagged_resources(client, region, tags)
            if found is None:
                module.warn(
                    f"The resources tagged {tags} in {region} could not be listed (tag:GetResources refused, or the"
                    " region not enabled): the modules read their tags themselves"
                )
            tagged.update(found or {})
        return {"changed": False, **identity, "regions": facts, "tagged_resources": tagged}

    run_and_exit(module, describe)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: resiliencehub_resiliency_policy
short_description: Manage AWS Resilience Hub resiliency policies
version_added: 0.1.0
description:
  - Creates, updates and deletes an AWS Resilience Hub resiliency policy, the recovery time objective (RTO) and
    recovery point objective (RPO) an application must meet for each kind of disruption.
  - A policy is identified by its name. Its attributes are changed in place (UpdateResiliencyPolicy).
  - No module for Resilience Hub exists in amazon.aws or community.aws.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - Name of the policy, 2-60 letters, digits, V(_) or V(-), starting with a letter or digit.
    type: str
    required: true
  state:
    description: Whether the policy should exist.
  description:
    description: Description of the policy. Left as it is when omitted.
    type: str
  tier:
    description:
      - Criticality tier of the applications the policy is for.
      - Required to create a policy; left as it is when omitted.
    type: str
    choices: [MissionCritical, Critical, Important, CoreServices, NonCritical, NotApplicable]
  data_location_constraint:
    description: Where the policy's data may be stored. Left as it is when omitted.
    type: str
    choices: [AnyLocation, SameContinent, SameCountry]
  policy:
    description:
      - RTO and RPO targets in seconds per failure domain.
      - O(policy.software), O(policy.hardware) and O(policy.az) are required; O(policy.region) is optional for
        every tier.
      - Required to create a policy. When given, it replaces the policy's targets as a whole, so a domain left
        out (O(policy.region)) is removed. Left as it is when omitted.
      - A target of V(0) is accepted, but Resilience Hub never assesses an application as that fast, so it
        reports the policy as breached.
    type: dict
    suboptions:
      software:
        description: Targets for a software failure (a bad deployment, a code or configuration fault).
        type: dict
        suboptions: &objectives
          rto:
            description: Recovery time objective, in seconds; a non-negative whole number.
            type: int
            required: true
            aliases: [rto_in_secs]
          rpo:
            description: Recovery point objective, in seconds; a non-negative whole number.
            type: int
            required: true
            aliases: [rpo_in_secs]
      hardware:
        description: Targets for a hardware failure (a single host or device).
        type: dict
        suboptions: *objectives
      az:
        description: Targets for the loss of an Availability Zone.
        type: dict
        suboptions: *objectives
      region:
        description: Targets for the loss of a whole Region.
        type: dict
        suboptions: *objectives
notes:
  - Deleting a policy that an application still uses fails with the service's ConflictException.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The resiliency policy of the multi-region API
  multiregion.serverless.resiliencehub_resiliency_policy:
    name: "{{ deployment }}-GlobalMissionCritical"
    description: Active/active API in eu-west-1 and eu-central-1
    tier: MissionCritical
    policy:
      software: {rto: 5400, rpo: 300}
      hardware: {rto: 1, rpo: 1}
      az: {rto: 1, rpo: 1}
      region: {rto: 3600, rpo: 5}
    tags:
      deployment: "{{ deployment }}"
  register: resiliency_policy

- name: Remove the policy
  multiregion.serverless.resiliencehub_resiliency_policy:
    name: "{{ deployment }}-GlobalMissionCritical"
    state: absent
"""

RETURN = r"""
policy:
  description: The policy; empty when it was deleted or is absent.
  returned: always
  type: dict
  contains:
    policy_arn:
      description: ARN of the policy. Not known in check mode before the policy is created.
      type: str
      sample: arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/8c3b5a1e-2f8e-4c43-9d6e-0d8c1a0f2b7e
    policy_name:
      description: Name of the policy.
      type: str
      sample: prod-GlobalMissionCritical
    policy_description:
      description: Description of the policy.
      type: str
    tier:
      description: Criticality tier.
      type: str
      sample: MissionCritical
    data_location_constraint:
      description: Where the policy's data may be stored.
      type: str
      sample: AnyLocation
    estimated_cost_tier:
      description: Cost tier Resilience Hub estimates for meeting the policy.
      type: str
      sample: L4
    creation_time:
      description: When the policy was created.
      type: str
    policy:
      description: Targets per failure domain (V(software), V(hardware), V(az), V(region)).
      type: dict
      sample: {"software": {"rto_in_secs": 5400, "rpo_in_secs": 300}, "az": {"rto_in_secs": 1, "rpo_in_secs": 1}}
    tags:
      description: Tags of the policy.
      type: dict
"""

from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import DATA_LOCATION_CONSTRAINTS
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import TIERS
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import ResilienceHubErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import apply_policy_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import current_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import find_policy
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import policy_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import policy_result
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import policy_to_api
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import policy_view
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import resiliencehub_client
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import set_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import validate_policy
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

TARGET_OPTIONS = dict(
    rto=dict(type="int", required=True, aliases=["rto_in_secs"]),
    rpo=dict(type="int", required=True, aliases=["rpo_in_secs"]),
)
POLICY_OPTIONS = {key: dict(type="dict", options=TARGET_OPTIONS) for key in ("software", "hardware", "az", "region")}


@ResilienceHubErrors.common_error_handler("create resiliency policy {name}")
def create_policy(client, name, wanted, tags):
    params = {"policyName": name, "tier": wanted["tier"], "policy": policy_to_api(wanted["policy"])}
    if wanted.get("description") is not None:
        params["policyDescription"] = wanted["description"]
    if wanted.get("data_location_constraint") is not None:
        params["dataLocationConstraint"] = wanted["data_location_constraint"]
    if tags:
        params["tags"] = tags
    return client.create_resiliency_policy(aws_retry=True, **params)["policy"]


@ResilienceHubErrors.common_error_handler("update resiliency policy {arn}")
def update_policy(client, arn, changes):
    return client.update_resiliency_policy(policyArn=arn, aws_retry=True, **changes)["policy"]


@ResilienceHubErrors.deletion_error_handler("delete resiliency policy {arn}")
def delete_policy(client, arn):
    client.delete_resiliency_policy(policyArn=arn, aws_retry=True)
    return True


def wanted_attributes(params):
    return {key: params[key] for key in ("description", "tier", "data_location_constraint", "policy")}


def ensure_absent(module, client, current, current_tags):
    if not current:
        return dict(changed=False, policy={})
    diff = {"before": policy_view(current, current_tags), "after": {}}
    deleted = True if module.check_mode else delete_policy(client, current["policyArn"])
    return dict(changed=deleted, policy={}, diff=diff)


def ensure_present(module, client, current, current_tags):
    params = module.params
    wanted = wanted_attributes(params)
    errors = validate_policy(params["policy"])
    if not current and (params["tier"] is None or params["policy"] is None):
        errors.insert(0, f"tier and policy are required to create resiliency policy {params['name']}")
    if errors:
        raise ModuleFailure(msg="; ".join(errors))

    if current:
        changes = policy_changes(current, wanted)
        predicted = apply_policy_changes(current, changes)
    else:
        changes = {}
        predicted = {"policyName": params["name"], "tier": wanted["tier"], "policy": policy_to_api(wanted["policy"])}
        if wanted["description"] is not None:
            predicted["policyDescription"] = wanted["description"]
        if wanted["data_location_constraint"] is not None:
            predicted["dataLocationConstraint"] = wanted["data_location_constraint"]
    to_set, to_remove = tag_changes(current_tags, params["tags"], params["purge_tags"])
    final_tags = updated_tags(current_tags, to_set, to_remove)
    changed = not current or bool(changes or to_set or to_remove)
    diff = {"before": policy_view(current, current_tags), "after": policy_view(predicted, final_tags)}

    if module.check_mode or not changed:
        return dict(changed=changed, policy=policy_result(predicted, final_tags), diff=diff)

    if not current:
        policy = create_policy(client, params["name"], wanted, final_tags)
    else:
        policy = update_policy(client, current["policyArn"], changes) if changes else current
        set_tags(client, current["policyArn"], to_set, to_remove)
    return dict(changed=True, policy=policy_result(policy, final_tags), diff=diff)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        tier=dict(type="str", choices=TIERS),
        data_location_constraint=dict(type="str", choices=DATA_LOCATION_CONSTRAINTS),
        policy=dict(type="dict", options=POLICY_OPTIONS),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = resiliencehub_client(module)

    def ensure() -> dict:
        current = find_policy(client, module.params["name"])
        params = module.params
        tags = (
            current_tags(client, current, current["policyArn"], params["tags"], params["purge_tags"]) if current else {}
        )
        if module.params["state"] == "absent":
            return ensure_absent(module, client, current, tags)
        return ensure_present(module, client, current, tags)

    run_and_exit(module, ensure)


if __name__ == "__main__":
    main()

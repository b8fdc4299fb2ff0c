#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: resiliencehub_app_assessment
short_description: Run or delete an AWS Resilience Hub assessment of an application
version_added: 0.1.0
description:
  - With O(state=present), starts an assessment of an application's published version (StartAppAssessment),
    waits until it succeeds or fails (DescribeAppAssessment) and reports, per failure domain, the RTO and RPO
    the application achieves against the targets of its resiliency policy, with Resilience Hub's
    recommendations (ListAppComponentRecommendations, ListAlarmRecommendations).
  - Starting an assessment always reports a change, because it creates one. In check mode none is started.
  - A breached policy is a result, not an error; the task fails on it only with O(fail_on_breach=true).
  - With O(state=absent), deletes an assessment (DeleteAppAssessment).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  app_name:
    description: Name of the application. One of O(app_name) and O(app_arn) is needed to start an assessment.
    type: str
  app_arn:
    description: ARN of the application.
    type: str
  state:
    description: V(present) starts an assessment, V(absent) deletes one.
    type: str
    choices: [present, absent]
    default: present
  assessment_name:
    description:
      - Name of the assessment, 2-60 letters, digits, V(_) or V(-).
      - With O(state=present), defaults to the application's name followed by the UTC time.
      - With O(state=absent), every assessment of the application with this name is deleted.
    type: str
  assessment_arn:
    description: With O(state=absent), ARN of the assessment to delete.
    type: str
  app_version:
    description: Version of the application to assess.
    type: str
    default: release
  tags:
    description: Tags for the new assessment.
    type: dict
    aliases: [resource_tags]
  wait:
    description: Wait for the assessment to finish. Without waiting, only the new assessment's ARN is returned.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait for the assessment, in seconds; the task fails when it is not finished by then.
    type: int
    default: 1800
  fail_on_breach:
    description: Fail the task when the assessment finds the resiliency policy breached.
    type: bool
    default: false
  recommendations:
    description: Return the assessment's component and alarm recommendations.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Assess the multi-region API against its GlobalMissionCritical policy
  multiregion.serverless.resiliencehub_app_assessment:
    app_name: "{{ deployment }}-api"
    region: eu-west-1
    wait_timeout: 3600
  register: assessment

- name: Show which failure domains breach their targets
  ansible.builtin.debug:
    msg: >-
      {{ item }}: achieved RTO {{ assessment.compliance[item].achieved_rto_in_secs }} s
      (target {{ assessment.compliance[item].target_rto_in_secs }} s),
      achieved RPO {{ assessment.compliance[item].achieved_rpo_in_secs }} s
      (target {{ assessment.compliance[item].target_rpo_in_secs }} s)
  loop: "{{ assessment.breaches }}"

- name: Gate a release on the policy
  multiregion.serverless.resiliencehub_app_assessment:
    app_name: "{{ deployment }}-api"
    assessment_name: "release-{{ release_id }}"
    fail_on_breach: true

- name: Delete an assessment
  multiregion.serverless.resiliencehub_app_assessment:
    assessment_arn: "{{ assessment.assessment.assessment_arn }}"
    state: absent
"""

RETURN = r"""
assessment_arn:
  description: ARN of the assessment started (or deleted).
  returned: when an assessment was started or deleted
  type: str
  sample: arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b
assessment_arns:
  description: With O(state=absent), the assessments deleted (in check mode, those that would be).
  returned: when O(state=absent)
  type: list
  elements: str
assessment:
  description: The assessment as DescribeAppAssessment reports it, with snake_case keys.
  returned: when an assessment was started
  type: dict
  contains:
    assessment_status:
      description: C(Pending), C(InProgress), C(Success) or C(Failed).
      type: str
    compliance_status:
      description: C(PolicyMet), C(PolicyBreached), C(NotApplicable) or C(MissingPolicy).
      type: str
    message:
      description: Why an assessment failed.
      type: str
compliance:
  description:
    - Per failure domain (V(software), V(hardware), V(az), V(region)) the policy's targets, the RTO and RPO the
      assessment estimates the application achieves (C(achieved_rto_in_secs), C(achieved_rpo_in_secs)), what
      it could achieve with the recommendations (C(achievable_rto_in_secs), C(achievable_rpo_in_secs)), the
      domain's C(compliance_status), C(rto_breached), C(rpo_breached) and its resiliency C(score).
  returned: when the assessment finished
  type: dict
  sample:
    region:
      target_rto_in_secs: 3600
      target_rpo_in_secs: 5
      achieved_rto_in_secs: 7200
      achieved_rpo_in_secs: 1
      achievable_rto_in_secs: 300
      achievable_rpo_in_secs: 1
      compliance_status: PolicyBreached
      rto_breached: true
      rpo_breached: false
      message: null
      score: 40.0
compliance_status:
  description: Whether the application meets its policy, C(PolicyMet) or C(PolicyBreached).
  returned: when the assessment finished
  type: str
  sample: PolicyMet
breaches:
  description: The failure domains whose targets are breached.
  returned: when the assessment finished
  type: list
  elements: str
  sample: [region]
resiliency_score:
  description: The application's resiliency score, 0 to 100.
  returned: when the assessment finished
  type: float
  sample: 81.5
recommendations:
  description:
    - C(app_components), the component recommendations (ListAppComponentRecommendations), and C(alarms), the
      alarm recommendations (ListAlarmRecommendations), with snake_case keys.
  returned: when the assessment succeeded and O(recommendations=true)
  type: dict
"""

import datetime

from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import ResilienceHubErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import assessment_results
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import client_token
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import describe_assessment
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import find_app
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import list_assessments
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import poll
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import recommendations
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import resiliencehub_client
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import snake
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action

FINISHED = ("Success", "Failed")
POLL_SECONDS = 30


@ResilienceHubErrors.common_error_handler("start an assessment of application {app_arn}")
def start_assessment(client, app_arn, version, name, tags):
    # One token for this start and its retries (aws_retry): botocore would make a new one for each call, and a
    # retry after a lost answer would start a second assessment.
    params = {"appArn": app_arn, "appVersion": version, "assessmentName": name, "clientToken": client_token()}
    if tags:
        params["tags"] = tags
    return client.start_app_assessment(aws_retry=True, **params)["assessment"]


@ResilienceHubErrors.deletion_error_handler("delete assessment {arn}")
def delete_assessment(client, arn):
    client.delete_app_assessment(assessmentArn=arn, aws_retry=True)
    return True


def default_assessment_name(app_name, now):
    # The service allows 60 characters; the timestamp takes 16 plus the separator.
    return f"{app_name[:43]}-{now.strftime('%Y%m%dT%H%M%SZ')}"


def resolve_app(module, client):
    """(ARN, name) of the application the options name; fails when there is none."""
    if module.params["app_arn"]:
        return module.params["app_arn"], module.params["app_name"] or module.params["app_arn"].rsplit("/", 1)[-1]
    app = find_app(client, module.params["app_name"])
    if not app:
        raise ModuleFailure(msg=f"No Resilience Hub application named {module.params['app_name']} in {module.region}")
    return app["appArn"], app["name"]


def ensure_absent(module, client):
    params = module.params
    if params["assessment_arn"]:
        arns = [params["assessment_arn"]]
    else:
        app_arn, _name = resolve_app(module, client)
        arns = [s["assessmentArn"] for s in list_assessments(client, app_arn, assessmentName=params["assessment_name"])]
    if module.check_mode:
        # A given ARN is not looked up: it counts as there.
        return dict(changed=bool(arns), assessment_arns=arns)
    deleted = [arn for arn in arns if delete_assessment(client, arn)]
    result = {"changed": bool(deleted), "assessment_arns": deleted}
    if params["assessment_arn"]:
        result["assessment_arn"] = params["assessment_arn"]
    return result


def ensure_present(module, client):
    params = module.params
    app_arn, app_name = resolve_app(module, client)
    # datetime.UTC is Python 3.11+; modules run on 3.9 too.
    now = datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017
    name = params["assessment_name"] or default_assessment_name(app_name, now)
    if module.check_mode:
        return dict(
            changed=True,
            msg=f"Check mode: no assessment started; {name} of {app_name} version {params['app_version']} would be",
        )

    started = start_assessment(client, app_arn, params["app_version"], name, params["tags"])
    arn = started["assessmentArn"]
    if not params["wait"]:
        return dict(changed=True, assessment_arn=arn, assessment=snake(started))
    try:
        assessment = poll(
            lambda: describe_assessment(client, arn),
            lambda a: a is not None and a.get("assessmentStatus") in FINISHED,
            f"assessment {name} of application {app_name}",
            timeout=params["wait_timeout"],
            delay=POLL_SECONDS,
        )
    except WaitTimeout as e:
        raise ModuleFailure(msg=str(e), changed=True, assessment_arn=arn, assessment=snake(e.last)) from e

    results = dict(assessment_results(assessment), changed=True, assessment_arn=arn)
    if assessment.get("assessmentStatus") == "Failed":
        reason = assessment.get("message") or "no reason given"
        raise ModuleFailure(msg=f"Assessment {name} of application {app_name} failed: {reason}", **results)
    if params["recommendations"]:
        results["recommendations"] = recommendations(client, arn)
    if params["fail_on_breach"] and results["compliance_status"] == "PolicyBreached":
        breached = ", ".join(results["breaches"]) or "no domain named"
        raise ModuleFailure(
            msg=f"Application {app_name} breaches its resiliency policy ({breached}); assessment {name}", **results
        )
    return results


def main():
    argument_spec = dict(
        app_name=dict(type="str"),
        app_arn=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        assessment_name=dict(type="str"),
        assessment_arn=dict(type="str"),
        app_version=dict(type="str", default="release"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        fail_on_breach=dict(type="bool", default=False),
        recommendations=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["app_name", "app_arn"], ["assessment_arn", "assessment_name"]],
        required_if=[
            ["state", "present", ["app_name", "app_arn"], True],
            ["state", "absent", ["assessment_arn", "assessment_name"], True],
        ],
    )
    params = module.params
    if params["state"] == "absent" and params["assessment_name"] and not (params["app_name"] or params["app_arn"]):
        module.fail_json(msg="assessment_name needs app_name or app_arn to find the assessment")
    client = resiliencehub_client(module)

    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

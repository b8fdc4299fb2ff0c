#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: resiliencehub_app_assessment_info
short_description: List and describe AWS Resilience Hub assessments of an application
version_added: 0.1.0
description:
  - Lists the assessments of an application (ListAppAssessments), newest first, optionally filtered.
  - With O(assessment_arn), also describes that assessment (DescribeAppAssessment) and reports its compliance per
    failure domain the way M(multiregion.serverless.resiliencehub_app_assessment) does.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  app_name:
    description: Name of the application whose assessments to list.
    type: str
  app_arn:
    description: ARN of the application whose assessments to list.
    type: str
  assessment_name:
    description: Only list assessments with this name.
    type: str
  assessment_status:
    description: Only list assessments in these states.
    type: list
    elements: str
    choices: [Pending, InProgress, Failed, Success]
  compliance_status:
    description: Only list assessments with this outcome.
    type: str
    choices: [PolicyBreached, PolicyMet, NotApplicable, MissingPolicy]
  assessment_arn:
    description: ARN of an assessment to describe.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Successful assessments of the multi-region API
  multiregion.serverless.resiliencehub_app_assessment_info:
    app_name: "{{ deployment }}-api"
    assessment_status: [Success]
  register: assessments

- name: The compliance found by the latest one
  multiregion.serverless.resiliencehub_app_assessment_info:
    assessment_arn: "{{ assessments.assessments[0].assessment_arn }}"
  register: latest
  when: assessments.assessments | length > 0
"""

RETURN = r"""
assessments:
  description: Summaries of the application's assessments, newest first, with snake_case keys.
  returned: when O(app_name) or O(app_arn) is given
  type: list
  elements: dict
  contains:
    assessment_arn:
      description: ARN of the assessment.
      type: str
    assessment_name:
      description: Name of the assessment.
      type: str
    assessment_status:
      description: C(Pending), C(InProgress), C(Success) or C(Failed).
      type: str
    compliance_status:
      description: C(PolicyMet), C(PolicyBreached), C(NotApplicable) or C(MissingPolicy).
      type: str
    invoker:
      description: C(User) or C(System) (a scheduled assessment).
      type: str
    resiliency_score:
      description: Resiliency score, 0 to 100.
      type: float
    start_time:
      description: When the assessment started.
      type: str
assessment:
  description: The assessment O(assessment_arn) names, with snake_case keys; empty when it does not exist.
  returned: when O(assessment_arn) is given
  type: dict
compliance:
  description:
    - Per failure domain, targets against achieved RTO and RPO, as
      M(multiregion.serverless.resiliencehub_app_assessment) returns it.
  returned: when O(assessment_arn) names an existing assessment
  type: dict
compliance_status:
  description: C(PolicyMet) or C(PolicyBreached).
  returned: when O(assessment_arn) names an existing assessment
  type: str
breaches:
  description: The failure domains whose targets are breached.
  returned: when O(assessment_arn) names an existing assessment
  type: list
  elements: str
resiliency_score:
  description: The application's resiliency score.
  returned: when O(assessment_arn) names an existing assessment
  type: float
"""

from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import ASSESSMENT_STATUSES
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import COMPLIANCE_STATUSES
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import assessment_results
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import describe_assessment
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import find_app
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import list_assessments
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import resiliencehub_client
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import snake_list
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def main():
    argument_spec = dict(
        app_name=dict(type="str"),
        app_arn=dict(type="str"),
        assessment_name=dict(type="str"),
        assessment_status=dict(type="list", elements="str", choices=ASSESSMENT_STATUSES),
        compliance_status=dict(type="str", choices=COMPLIANCE_STATUSES),
        assessment_arn=dict(type="str"),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["app_name", "app_arn"]],
        required_one_of=[["app_name", "app_arn", "assessment_arn"]],
    )
    params = module.params
    client = resiliencehub_client(module)

    def describe() -> dict:
        result = {"changed": False}
        app_arn = params["app_arn"]
        if params["app_name"]:
            app = find_app(client, params["app_name"])
            if not app:
                raise ModuleFailure(f"No Resilience Hub application named {params['app_name']} in {module.region}")
            app_arn = app["appArn"]
        if app_arn:
            summaries = list_assessments(
                client,
                app_arn,
                assessmentName=params["assessment_name"],
                assessmentStatus=params["assessment_status"],
                complianceStatus=params["compliance_status"],
            )
            result["assessments"] = snake_list(summaries)
        if params["assessment_arn"]:
            assessment = describe_assessment(client, params["assessment_arn"])
            result.update(assessment_results(assessment) if assessment else {"assessment": {}})
        return result

    run_and_exit(module, describe)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: resiliencehub_app
short_description: Manage AWS Resilience Hub applications and the resources they cover
version_added: 0.1.0
description:
  - Creates, updates and deletes an AWS Resilience Hub application, identified by its name, with its resiliency
    policy, assessment schedule and tags.
  - With O(resources), also defines what the application is made of, for applications that are not deployed by
    CloudFormation stacks, Terraform or EKS. Each resource is mapped directly to its physical resource. The
    module writes the application template (PutDraftAppVersionTemplate) and one resource mapping of type
    C(Resource) per resource (AddDraftAppVersionResourceMappings) to the draft version, then publishes it
    (PublishAppVersion), which is what an assessment evaluates.
  - The wanted definition is compared with the published version (DescribeAppVersionTemplate and
    ListAppVersionResourceMappings for version C(release)); a new version is published only when the definition
    changed.
  - No module for Resilience Hub exists in amazon.aws or community.aws.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: Name of the application, 2-60 letters, digits, V(_) or V(-), starting with a letter or digit.
    type: str
    required: true
  state:
    description: Whether the application should exist.
  description:
    description: Description of the application. Left as it is when omitted.
    type: str
  policy_arn:
    description:
      - ARN of the resiliency policy the application is assessed against. Left as it is when omitted.
      - Mutually exclusive with O(policy_name).
    type: str
  policy_name:
    description:
      - Name of the resiliency policy, looked up in the module's region. The module fails when no policy has
        this name, except in check mode, where the policy may be one an earlier task would create.
      - Mutually exclusive with O(policy_arn).
    type: str
  assessment_schedule:
    description:
      - V(Daily) makes Resilience Hub assess the published version every day; V(Disabled) assesses it only
        when asked. Left as it is when omitted.
      - A daily assessment runs as the role of O(permission_model). Without one (or with
        V(LegacyIAMUser)), Resilience Hub needs a role named C(AwsResilienceHubPeriodicAssessmentRole) in the
        account to run it.
    type: str
    choices: [Daily, Disabled]
  permission_model:
    description:
      - How Resilience Hub reads the application's resources when it imports them and assesses the application
        (PermissionModel). Left as it is when omitted; an application created without it uses the
        credentials of whoever calls the API (V(LegacyIAMUser)).
      - Compared with what DescribeApp reports and changed with UpdateApp.
    type: dict
    suboptions:
      type:
        description:
          - V(RoleBased) makes Resilience Hub assume O(permission_model.invoker_role_name), for assessments on
            demand and scheduled ones alike. V(LegacyIAMUser) uses the caller's credentials.
        type: str
        required: true
        choices: [RoleBased, LegacyIAMUser]
      invoker_role_name:
        description:
          - Name of an existing IAM role of the application's account that trusts C(resiliencehub.amazonaws.com),
            with read access to the resources, for example through AWS's managed policy
            C(AWSResilienceHubAsssessmentExecutionPolicy). Required with V(RoleBased).
          - The caller needs C(iam:PassRole) on it to create or update the application.
        type: str
      cross_account_role_arns:
        description:
          - Roles in other accounts to read resources there. Left as they are when omitted.
        type: list
        elements: str
  resources:
    description:
      - The resources the application is made of, grouped into application components (AppComponents).
      - When given, this list is the application's whole definition (see O(purge_resources)). When omitted,
        the definition is left as it is; an application created without it has nothing to assess.
      - An empty list publishes an application without resources.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the resource in the application, also its logical identifier; unique within the application,
            2-60 letters, digits, V(_) or V(-).
        type: str
        required: true
      type:
        description: CloudFormation resource type, for example V(AWS::Lambda::Function).
        type: str
        required: true
      physical_id:
        description: ARN or native identifier of the physical resource.
        type: str
        required: true
      physical_id_type:
        description:
          - Whether O(resources[].physical_id) is an ARN or a native identifier.
          - Defaults to V(Arn) when the identifier starts with C(arn:), V(Native) otherwise.
        type: str
        choices: [Arn, Native]
      region:
        description: Region of the physical resource, when it is not the application's region.
        type: str
      aws_account_id:
        description: Account of the physical resource, when it is not the application's account.
        type: str
      component_type:
        description:
          - Type of the application component the resource belongs to, for example
            V(AWS::ResilienceHub::ComputeAppComponent) or V(AWS::ResilienceHub::DatabaseAppComponent).
          - Defaults to the component type the Resilience Hub user guide gives for the resource type (Lambda
            functions, REST and HTTP APIs, ECS services, EC2 instances and Auto Scaling groups are compute;
            DynamoDB tables, RDS, DocumentDB and ElastiCache are databases); required for other types.
        type: str
      component:
        description:
          - Name of the application component the resource belongs to. Resources of one component work and
            fail as a unit, like the replicas of one table in several regions.
          - Defaults to the component type's short name, V(compute) or V(database).
        type: str
  purge_resources:
    description:
      - With V(true), resources of the published definition that O(resources) does not list are removed.
      - With V(false), they are kept and O(resources) adds to or changes the definition.
    type: bool
    default: true
  force_delete:
    description: With O(state=absent), delete the application even when Resilience Hub would refuse otherwise.
    type: bool
    default: false
  wait:
    description: With O(state=absent), wait until the application is gone.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait for the deletion, in seconds.
    type: int
    default: 300
notes:
  - The module owns the application template and the resource mappings of type C(Resource); mappings of other
    types (CloudFormation stacks, Terraform state files, EKS, resource groups) are left as they are, but
    resources they brought into the template are replaced by O(resources).
  - Resilience Hub groups some resources into components by itself; if it regroups one of O(resources), the
    published definition differs from O(resources) and the module publishes again on the next run.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# The API runs active/active in two regions; the application lives in the first one and covers both.
- name: Resilience Hub application of the multi-region API
  multiregion.serverless.resiliencehub_app:
    name: "{{ deployment }}-api"
    description: Active/active API in eu-west-1 and eu-central-1
    policy_name: "{{ deployment }}-GlobalMissionCritical"
    assessment_schedule: Daily
    region: eu-west-1
    resources:
      - name: healthcheck-eu-west-1
        type: AWS::Lambda::Function
        physical_id: arn:aws:lambda:eu-west-1:123456789012:function:prod-healthcheck
      - name: healthcheck-eu-central-1
        type: AWS::Lambda::Function
        physical_id: arn:aws:lambda:eu-central-1:123456789012:function:prod-healthcheck
      - name: items-eu-west-1
        type: AWS::Lambda::Function
        physical_id: arn:aws:lambda:eu-west-1:123456789012:function:prod-items
      - name: items-eu-central-1
        type: AWS::Lambda::Function
        physical_id: arn:aws:lambda:eu-central-1:123456789012:function:prod-items
      - name: api-eu-west-1
        type: AWS::ApiGateway::RestApi
        physical_id: a1b2c3d4e5
        region: eu-west-1
        component: api
      - name: api-eu-central-1
        type: AWS::ApiGateway::RestApi
        physical_id: f6g7h8i9j0
        region: eu-central-1
        component: api
      - name: table-eu-west-1
        type: AWS::DynamoDB::Table
        physical_id: arn:aws:dynamodb:eu-west-1:123456789012:table/global-table
      - name: table-eu-central-1
        type: AWS::DynamoDB::Table
        physical_id: arn:aws:dynamodb:eu-central-1:123456789012:table/global-table
    tags:
      deployment: "{{ deployment }}"
  register: resilience_app

- name: Remove the application
  multiregion.serverless.resiliencehub_app:
    name: "{{ deployment }}-api"
    state: absent
"""

RETURN = r"""
app:
  description: The application; empty when it was deleted or is absent.
  returned: always
  type: dict
  contains:
    app_arn:
      description: ARN of the application. Not known in check mode before the application is created.
      type: str
      sample: arn:aws:resiliencehub:eu-west-1:123456789012:app/5f1a9b3e-6c1d-4b8e-9f0a-2d3c4b5a6e7f
    name:
      description: Name of the application.
      type: str
    description:
      description: Description of the application.
      type: str
    status:
      description: C(Active) or C(Deleting).
      type: str
    compliance_status:
      description: Outcome of the last assessment, for example C(PolicyMet), C(PolicyBreached) or C(NotAssessed).
      type: str
    drift_status:
      description: Whether Resilience Hub detected drift since the last assessment.
      type: str
    policy_arn:
      description: ARN of the resiliency policy.
      type: str
    assessment_schedule:
      description: C(Daily) or C(Disabled).
      type: str
    permission_model:
      description:
        - How Resilience Hub reads the resources, with C(type), C(invoker_role_name) and
          C(cross_account_role_arns); absent when the application has none (the caller's credentials are used).
      type: dict
      sample: {"type": "RoleBased", "invoker_role_name": "prod-resiliencehub-invoker"}
    resiliency_score:
      description: Resiliency score of the last assessment.
      type: float
    published_version:
      description:
        - The published version that assessments evaluate (C(app_version) is C(release)), with its
          C(identifier) and C(version_name); null when nothing was published.
      type: dict
    resources:
      description:
        - The resources of the definition, as O(resources) describes them, with C(logical_id); only when
          O(resources) is given.
      type: list
      elements: dict
    tags:
      description: Tags of the application.
      type: dict
definition_changes:
  description:
    - Names of the resources added to, removed from and modified in the published definition; present when a
      new version is (or in check mode would be) published.
  returned: when the definition is published
  type: dict
  sample: {"added": ["table-eu-central-1"], "removed": [], "modified": ["api-eu-west-1"]}
"""

from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import ASSESSMENT_SCHEDULES
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import DRAFT
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import PERMISSION_MODEL_TYPES
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import PHYSICAL_ID_TYPES
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import RELEASE
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import ResilienceHubErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import app_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import app_view
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import build_definition
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import client_token
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import current_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import definition_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import definition_from_api
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import describe_app
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import describe_template
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import effective_definition
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import find_app
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import find_release
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import list_mappings
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import mapping_changes
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import merge_definitions
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import permission_model_to_api
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import policy_arn_by_name
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import poll
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import resiliencehub_client
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import resources_view
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import set_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import snake
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import template_body
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

RESOURCE_OPTIONS = dict(
    name=dict(type="str", required=True),
    type=dict(type="str", required=True),
    physical_id=dict(type="str", required=True),
    physical_id_type=dict(type="str", choices=PHYSICAL_ID_TYPES),
    region=dict(type="str"),
    aws_account_id=dict(type="str"),
    component_type=dict(type="str"),
    component=dict(type="str"),
)
PERMISSION_MODEL_OPTIONS = dict(
    type=dict(type="str", required=True, choices=PERMISSION_MODEL_TYPES),
    invoker_role_name=dict(type="str"),
    cross_account_role_arns=dict(type="list", elements="str"),
)
DELETE_POLL_SECONDS = 5


@ResilienceHubErrors.common_error_handler("create application {name}")
def create_app(client, name, params, policy_arn, tags):
    # One token for this creation and its retries (aws_retry): a lost answer does not become a second application.
    request = {"name": name, "clientToken": client_token()}
    permission_model = permission_model_to_api(params["permission_model"])
    if permission_model is not None:
        request["permissionModel"] = permission_model
    if params["description"] is not None:
        request["description"] = params["description"]
    if policy_arn is not None:
        request["policyArn"] = policy_arn
    if params["assessment_schedule"] is not None:
        request["assessmentSchedule"] = params["assessment_schedule"]
    if tags:
        request["tags"] = tags
    return client.create_app(aws_retry=True, **request)["app"]


@ResilienceHubErrors.common_error_handler("update application {arn}")
def update_app(client, arn, changes):
    return client.update_app(appArn=arn, aws_retry=True, **changes)["app"]


@ResilienceHubErrors.common_error_handler("publish the definition of application {arn}")
def publish_definition(client, arn, definition, draft_mappings):
    """Write ``definition`` to the draft version and publish it; returns PublishAppVersion's answer."""
    client.put_draft_app_version_template(appArn=arn, appTemplateBody=template_body(definition), aws_retry=True)
    remove, add = mapping_changes(draft_mappings, definition)
    if remove:
        client.remove_draft_app_version_resource_mappings(appArn=arn, resourceNames=remove, aws_retry=True)
    if add:
        client.add_draft_app_version_resource_mappings(appArn=arn, resourceMappings=add, aws_retry=True)
    return client.publish_app_version(appArn=arn, aws_retry=True)


@ResilienceHubErrors.deletion_error_handler("delete application {arn}")
def delete_app(client, arn, force):
    client.delete_app(appArn=arn, forceDelete=force, aws_retry=True)
    return True


def published_version(summary):
    if not summary:
        return None
    return snake({k: summary.get(k) for k in ("appVersion", "identifier", "versionName") if summary.get(k) is not None})


def app_result(app, tags, release, definition):
    if not app:
        return {}
    result = snake({k: v for k, v in app.items() if k != "tags"})
    result["tags"] = dict(tags)
    result["published_version"] = published_version(release)
    if definition is not None:
        result["resources"] = resources_view(definition)
    return result


def resolve_policy_arn(module, client):
    name = module.params["policy_name"]
    if name is None:
        return module.params["policy_arn"]
    arn = policy_arn_by_name(client, name)
    if arn is None and module.check_mode:
        # In a check-mode run the task that creates the policy did not create it; predict the change.
        module.warn(f"Resiliency policy {name} does not exist (yet); the application would use it")
        return f"(resiliency policy {name})"
    if arn is None:
        raise ModuleFailure(msg=f"No resiliency policy named {name} in {module.region}")
    return arn


def ensure_absent(module, client, app, tags):
    if not app:
        return dict(changed=False, app={})
    diff = {"before": app_view(app, tags, None), "after": {}}
    if module.check_mode:
        return dict(changed=True, app={}, diff=diff)
    deleted = delete_app(client, app["appArn"], module.params["force_delete"])
    if deleted and module.params["wait"]:
        poll(
            lambda: describe_app(client, app["appArn"]),
            lambda found: found is None,
            f"application {app['name']} to be deleted",
            timeout=module.params["wait_timeout"],
            delay=DELETE_POLL_SECONDS,
        )
    return dict(changed=deleted, app={}, diff=diff)


def ensure_present(module, client, app, tags):
    params = module.params
    policy_arn = resolve_policy_arn(module, client)
    wanted_definition = None
    if params["resources"] is not None:
        wanted_definition, errors = build_definition(params["resources"])
        if errors:
            raise ModuleFailure(msg="; ".join(errors))

    release = find_release(client, app["appArn"]) if app else None
    published = None
    if release and wanted_definition is not None:
        published = definition_from_api(
            describe_template(client, app["appArn"], RELEASE), list_mappings(client, app["appArn"], RELEASE)
        )
    if wanted_definition is not None and not params["purge_resources"]:
        wanted_definition = merge_definitions(published, wanted_definition)

    wanted = {
        "description": params["description"],
        "policy_arn": policy_arn,
        "assessment_schedule": params["assessment_schedule"],
        "permission_model": permission_model_to_api(params["permission_model"]),
    }
    attribute_changes = app_changes(app, wanted) if app else {}
    changes = definition_changes(published, wanted_definition) if wanted_definition is not None else {}
    publish = wanted_definition is not None and (release is None or any(changes.values()))
    to_set, to_remove = tag_changes(tags, params["tags"], params["purge_tags"])
    final_tags = updated_tags(tags, to_set, to_remove)
    changed = not app or bool(attribute_changes or publish or to_set or to_remove)

    if app:
        predicted = dict(app, **attribute_changes)
    else:
        predicted = {"name": params["name"], "description": params["description"], "policyArn": policy_arn}
        predicted["assessmentSchedule"] = params["assessment_schedule"]
        predicted["permissionModel"] = wanted["permission_model"]
        predicted = {k: v for k, v in predicted.items() if v is not None}
    if wanted_definition is not None:
        wanted_definition = effective_definition(published, wanted_definition)
    shown = published if published is not None or wanted_definition is None else {}
    diff = {
        "before": app_view(app, tags, shown if app else None),
        "after": app_view(predicted, final_tags, wanted_definition),
    }
    result = {"changed": changed, "diff": diff}
    if publish:
        result["definition_changes"] = changes

    if module.check_mode or not changed:
        return dict(app=app_result(predicted, final_tags, release, wanted_definition), **result)

    existed = app is not None
    if not existed:
        app = create_app(client, params["name"], params, policy_arn, final_tags)
    else:
        if attribute_changes:
            app = update_app(client, app["appArn"], attribute_changes)
        set_tags(client, app["appArn"], to_set, to_remove)
    if publish:
        # A new application's draft has no mappings yet.
        draft_mappings = list_mappings(client, app["appArn"], DRAFT) if existed else []
        answer = publish_definition(client, app["appArn"], wanted_definition, draft_mappings)
        release = {k: answer.get(k) for k in ("appVersion", "identifier", "versionName")}
    return dict(app=app_result(app, final_tags, release, wanted_definition), **result)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        policy_arn=dict(type="str"),
        policy_name=dict(type="str"),
        assessment_schedule=dict(type="str", choices=ASSESSMENT_SCHEDULES),
        permission_model=dict(
            type="dict",
            options=PERMISSION_MODEL_OPTIONS,
            required_if=[("type", "RoleBased", ("invoker_role_name",))],
        ),
        resources=dict(type="list", elements="dict", options=RESOURCE_OPTIONS),
        purge_resources=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        force_delete=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["policy_arn", "policy_name"]],
    )
    client = resiliencehub_client(module)

    def ensure() -> dict:
        app = find_app(client, module.params["name"])
        params = module.params
        tags = current_tags(client, app, app["appArn"], params["tags"], params["purge_tags"]) if app else {}
        if module.params["state"] == "absent":
            return ensure_absent(module, client, app, tags)
        return ensure_present(module, client, app, tags)

    run_and_exit(module, ensure, on_timeout={"changed": True, "app": {}})


if __name__ == "__main__":
    main()

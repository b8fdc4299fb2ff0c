from __future__ import annotations

import copy
import datetime
import json

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import build_definition
from ansible_collections.multiregion.serverless.plugins.module_utils._resiliencehub import template_body
from ansible_collections.multiregion.serverless.plugins.modules import resiliencehub_app as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_absent_changes_nothing
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import changed_copy
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import deleted_meanwhile
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-api"
ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app/5f1a9b3e-6c1d-4b8e-9f0a-2d3c4b5a6e7f"
POLICY_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/8c3b5a1e-2f8e-4c43-9d6e-0d8c1a0f2b7e"
OTHER_POLICY_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/00000000-2f8e-4c43-9d6e-0d8c1a0f2b7e"
CREATED = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
FN_WEST = "arn:aws:lambda:eu-west-1:123456789012:function:prod-items"
FN_CENTRAL = "arn:aws:lambda:eu-central-1:123456789012:function:prod-items"
TABLE_WEST = "arn:aws:dynamodb:eu-west-1:123456789012:table/global-table"
TABLE_CENTRAL = "arn:aws:dynamodb:eu-central-1:123456789012:table/global-table"

APP = {
    "appArn": ARN,
    "name": NAME,
    "description": "Active/active API",
    "policyArn": POLICY_ARN,
    "assessmentSchedule": "Daily",
    "complianceStatus": "NotAssessed",
    "driftStatus": "NotChecked",
    "status": "Active",
    "creationTime": CREATED,
    "tags": {"deployment": "prod"},
}
SUMMARY = {"appArn": ARN, "name": NAME, "creationTime": CREATED, "status": "Active"}
TAGS = {"deployment": "prod"}
RESOURCES = [
    {"name": "items-eu-west-1", "type": "AWS::Lambda::Function", "physical_id": FN_WEST},
    {"name": "items-eu-central-1", "type": "AWS::Lambda::Function", "physical_id": FN_CENTRAL},
    {
        "name": "api-eu-west-1",
        "type": "AWS::ApiGateway::RestApi",
        "physical_id": "a1b2c3d4e5",
        "region": "eu-west-1",
        "component": "api",
    },
    {"name": "table-eu-west-1", "type": "AWS::DynamoDB::Table", "physical_id": TABLE_WEST},
    {"name": "table-eu-central-1", "type": "AWS::DynamoDB::Table", "physical_id": TABLE_CENTRAL},
]
ARGS = {
    "name": NAME,
    "description": "Active/active API",
    "policy_arn": POLICY_ARN,
    "assessment_schedule": "Daily",
    "tags": TAGS,
}
RELEASE = {"appVersion": "release", "identifier": 3, "versionName": "v3", "creationTime": CREATED}
VERSIONS = {"appVersions": [{"appVersion": "draft", "identifier": 0}, {"appVersion": "1", "identifier": 1}, RELEASE]}


def resource(name, type_, physical_id, **extra):
    return dict({"name": name, "type": type_, "physical_id": physical_id}, **extra)


def body(resources):
    return template_body(build_definition(resources)[0])


def mapping(name, identifier, kind="Arn", **location):
    physical = {"identifier": identifier, "type": kind}
    physical.update(location)
    return {"mappingType": "Resource", "resourceName": name, "physicalResourceId": physical}


# How the service hands back a published template: with component ids, nulls and an AppCommon component.
PUBLISHED_TEMPLATE = json.dumps(
    {
        "resources": [
            {
                "logicalResourceId": {"identifier": r["name"], "logicalStackName": None, "resourceGroupName": None},
                "type": r["type"],
                "name": r["name"],
            }
            for r in RESOURCES
        ],
        "appComponents": [
            {
                "id": "compute",
                "name": "compute",
                "type": "AWS::ResilienceHub::ComputeAppComponent",
                "resourceNames": ["items-eu-central-1", "items-eu-west-1"],
            },
            {
                "id": "api",
                "name": "api",
                "type": "AWS::ResilienceHub::ComputeAppComponent",
                "resourceNames": ["api-eu-west-1"],
            },
            {
                "id": "database",
                "name": "database",
                "type": "AWS::ResilienceHub::DatabaseAppComponent",
                "resourceNames": ["table-eu-central-1", "table-eu-west-1"],
            },
            {
                "id": "appcommon",
                "name": "appcommon",
                "type": "AWS::ResilienceHub::AppCommonAppComponent",
                "resourceNames": None,
            },
        ],
        "excludedResources": {"logicalResourceIds": []},
        "version": 2.0,
    }
)
# The service fills in the account and region of each mapping.
PUBLISHED_MAPPINGS = [
    mapping("items-eu-west-1", FN_WEST, awsRegion="eu-west-1", awsAccountId="123456789012"),
    mapping("items-eu-central-1", FN_CENTRAL, awsRegion="eu-central-1", awsAccountId="123456789012"),
    mapping("api-eu-west-1", "a1b2c3d4e5", "Native", awsRegion="eu-west-1", awsAccountId="123456789012"),
    mapping("table-eu-west-1", TABLE_WEST, awsRegion="eu-west-1", awsAccountId="123456789012"),
    mapping("table-eu-central-1", TABLE_CENTRAL, awsRegion="eu-central-1", awsAccountId="123456789012"),
]


def args(**changes):
    return changed_copy(ARGS, **changes)


def app(**changes):
    return changed_copy(APP, **changes)


def found(stub, current=None, tags=None, read_tags=False):
    """The application described with its ``tags``; ListTagsForResource is expected only with ``read_tags``: when
    the described tags are not what the task wants (or the description has none), the tagging API's answer decides."""
    current = copy.deepcopy(APP) if current is None else current
    tags = copy.deepcopy(TAGS) if tags is None else tags
    current.setdefault("tags", tags)
    stub.add_response("list_apps", {"appSummaries": [SUMMARY]}, {"name": NAME})
    stub.add_response("describe_app", {"app": current}, {"appArn": ARN})
    if read_tags:
        stub.add_response("list_tags_for_resource", {"tags": tags}, {"resourceArn": ARN})


def not_found(stub):
    stub.add_response("list_apps", {"appSummaries": []}, {"name": NAME})


def versions(stub, response=None):
    response = copy.deepcopy(VERSIONS) if response is None else response
    stub.add_response("list_app_versions", response, {"appArn": ARN})


def published(stub, template=PUBLISHED_TEMPLATE, mappings=None):
    mappings = copy.deepcopy(PUBLISHED_MAPPINGS) if mappings is None else mappings
    versions(stub)
    stub.add_response(
        "describe_app_version_template",
        {"appArn": ARN, "appVersion": "release", "appTemplateBody": template},
        {"appArn": ARN, "appVersion": "release"},
    )
    stub.add_response(
        "list_app_version_resource_mappings", {"resourceMappings": mappings}, {"appArn": ARN, "appVersion": "release"}
    )


def deployed(aws):
    """The stub, with the app found and its published version and draft mappings queued."""
    stub = aws.stub("resiliencehub")
    found(stub)
    published(stub)
    draft_mappings(stub)
    return stub


def central_api() -> dict:
    """A resource not in RESOURCES: the API of eu-central-1, in the api component."""
    api = resource("api-eu-central-1", "AWS::ApiGateway::RestApi", "f6g7h8i9j0", region="eu-central-1")
    return dict(api, component="api")


def draft_mappings(stub, mappings=None):
    mappings = copy.deepcopy(PUBLISHED_MAPPINGS) if mappings is None else mappings
    stub.add_response(
        "list_app_version_resource_mappings", {"resourceMappings": mappings}, {"appArn": ARN, "appVersion": "draft"}
    )


def publishes(stub, resources, remove=None, add=None, identifier=4):
    stub.add_response(
        "put_draft_app_version_template",
        {"appArn": ARN, "appVersion": "draft"},
        {"appArn": ARN, "appTemplateBody": body(resources)},
    )
    if remove:
        stub.add_response(
            "remove_draft_app_version_resource_mappings",
            {"appArn": ARN, "appVersion": "draft"},
            {"appArn": ARN, "resourceNames": remove},
        )
    if add:
        stub.add_response(
            "add_draft_app_version_resource_mappings",
            {"appArn": ARN, "appVersion": "draft", "resourceMappings": add},
            {"appArn": ARN, "resourceMappings": add},
        )
    stub.add_response(
        "publish_app_version", {"appArn": ARN, "appVersion": "release", "identifier": identifier}, {"appArn": ARN}
    )


def test_create_without_resources(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response(
        "create_app",
        {"app": APP},
        {
            "name": NAME,
            "clientToken": ANY,
            "description": "Active/active API",
            "policyArn": POLICY_ARN,
            "assessmentSchedule": "Daily",
            "tags": TAGS,
        },
    )
    result = run_module(module.main, args())
    assert_changed(result)
    assert result["app"]["app_arn"] == ARN
    assert result["app"]["assessment_schedule"] == "Daily"
    assert result["app"]["compliance_status"] == "NotAssessed"
    assert result["app"]["published_version"] is None
    assert "resources" not in result["app"]


def test_create_with_resources_and_policy_name_publishes(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response(
        "list_resiliency_policies",
        {"resiliencyPolicies": [{"policyArn": POLICY_ARN, "policyName": "prod-GlobalMissionCritical"}]},
        {"policyName": "prod-GlobalMissionCritical"},
    )
    stub.add_response(
        "create_app",
        {"app": APP},
        {"name": NAME, "clientToken": ANY, "policyArn": POLICY_ARN, "assessmentSchedule": "Daily"},
    )
    add = [
        mapping("api-eu-west-1", "a1b2c3d4e5", "Native", awsRegion="eu-west-1"),
        mapping("items-eu-central-1", FN_CENTRAL),
        mapping("items-eu-west-1", FN_WEST),
        mapping("table-eu-central-1", TABLE_CENTRAL),
        mapping("table-eu-west-1", TABLE_WEST),
    ]
    publishes(stub, RESOURCES, add=add, identifier=1)
    params = {
        "name": NAME,
        "policy_name": "prod-GlobalMissionCritical",
        "assessment_schedule": "Daily",
        "resources": RESOURCES,
    }
    result = run_module(module.main, params)
    assert_changed(result)
    assert result["app"]["published_version"] == {"app_version": "release", "identifier": 1}
    assert result["definition_changes"]["added"] == sorted(r["name"] for r in RESOURCES)
    by_name = {r["name"]: r for r in result["app"]["resources"]}
    assert by_name["api-eu-west-1"]["component"] == "api"
    assert by_name["items-eu-west-1"]["component"] == "compute"
    assert by_name["table-eu-west-1"]["component_type"] == "AWS::ResilienceHub::DatabaseAppComponent"


def test_unchanged_definition_is_not_published_again(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    published(stub)
    result = run_module(module.main, args(resources=RESOURCES), diff=True)
    assert_unchanged(result)
    assert "definition_changes" not in result
    assert result["app"]["published_version"] == {"app_version": "release", "identifier": 3, "version_name": "v3"}
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["diff"]["after"]["resources"][0]["region"] == "eu-west-1"


def test_no_change_without_resources_leaves_the_definition_alone(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    versions(stub)
    result = run_module(module.main, args())
    assert result["changed"] is False, result
    assert "resources" not in result["app"]


def test_changed_physical_id_publishes_a_new_version(aws):
    stub = deployed(aws)
    new_fn = "arn:aws:lambda:eu-west-1:123456789012:function:prod-items-v2"
    wanted = [dict(r, physical_id=new_fn) if r["name"] == "items-eu-west-1" else r for r in RESOURCES]
    publishes(stub, wanted, remove=["items-eu-west-1"], add=[mapping("items-eu-west-1", new_fn)])
    result = run_module(module.main, args(resources=wanted), diff=True)
    assert_changed(result)
    assert result["definition_changes"] == {"added": [], "removed": [], "modified": ["items-eu-west-1"]}
    assert result["app"]["published_version"] == {"app_version": "release", "identifier": 4}


def test_added_and_removed_resources(aws):
    stub = deployed(aws)
    api_central = central_api()
    wanted = [r for r in RESOURCES if r["name"] != "table-eu-central-1"] + [api_central]
    publishes(
        stub,
        wanted,
        remove=["table-eu-central-1"],
        add=[mapping("api-eu-central-1", "f6g7h8i9j0", "Native", awsRegion="eu-central-1")],
    )
    result = run_module(module.main, args(resources=wanted))
    assert result["changed"] is True, result
    assert result["definition_changes"] == {
        "added": ["api-eu-central-1"],
        "removed": ["table-eu-central-1"],
        "modified": [],
    }


def test_regrouped_resource_rewrites_only_the_template(aws):
    stub = deployed(aws)
    wanted = [dict(r, component="api") if r["name"].startswith("items-") else r for r in RESOURCES]
    publishes(stub, wanted)
    result = run_module(module.main, args(resources=wanted))
    assert result["changed"] is True, result
    assert result["definition_changes"]["modified"] == ["items-eu-central-1", "items-eu-west-1"]


def test_without_purge_unlisted_resources_are_kept(aws):
    stub = deployed(aws)
    api_central = central_api()
    kept = [
        dict(r, region=m["physicalResourceId"]["awsRegion"], aws_account_id="123456789012")
        for r, m in zip(RESOURCES, PUBLISHED_MAPPINGS, strict=True)
    ]
    publishes(
        stub,
        kept + [api_central],
        add=[mapping("api-eu-central-1", "f6g7h8i9j0", "Native", awsRegion="eu-central-1")],
    )
    result = run_module(module.main, args(resources=[api_central], purge_resources=False))
    assert result["changed"] is True, result
    assert result["definition_changes"]["added"] == ["api-eu-central-1"]
    assert result["definition_changes"]["removed"] == []
    assert len(result["app"]["resources"]) == len(RESOURCES) + 1


def test_never_published_app_is_published(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    versions(stub, {"appVersions": [{"appVersion": "draft", "identifier": 0}]})
    draft_mappings(stub, [])
    wanted = RESOURCES[:1]
    publishes(stub, wanted, add=[mapping("items-eu-west-1", FN_WEST)], identifier=1)
    result = run_module(module.main, args(resources=wanted))
    assert result["changed"] is True, result
    assert result["app"]["published_version"]["identifier"] == 1


@pytest.mark.parametrize(
    "changed_args, update",
    [
        ({"description": "New text"}, {"description": "New text"}),
        ({"policy_arn": OTHER_POLICY_ARN}, {"policyArn": OTHER_POLICY_ARN}),
        ({"assessment_schedule": "Disabled"}, {"assessmentSchedule": "Disabled"}),
    ],
    ids=["description", "policy_arn", "assessment_schedule"],
)
def test_update_each_attribute(aws, changed_args, update):
    stub = aws.stub("resiliencehub")
    found(stub)
    versions(stub)
    stub.add_response("update_app", {"app": app(**update)}, {"appArn": ARN, **update})
    result = run_module(module.main, args(**changed_args), diff=True)
    assert_changed(result)
    assert result["diff"]["before"] != result["diff"]["after"]
    assert result["app"]["policy_arn"] == update.get("policyArn", POLICY_ARN)


ROLE = "prod-resiliencehub-invoker"
ROLE_BASED = {"type": "RoleBased", "invoker_role_name": ROLE}


def test_create_with_a_role_based_permission_model(aws):
    """Without one, scheduled assessments need a role named AwsResilienceHubPeriodicAssessmentRole."""
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response(
        "create_app",
        {"app": app(permissionModel={"type": "RoleBased", "invokerRoleName": ROLE})},
        {
            "name": NAME,
            "clientToken": ANY,
            "permissionModel": {"type": "RoleBased", "invokerRoleName": ROLE},
            "description": "Active/active API",
            "policyArn": POLICY_ARN,
            "assessmentSchedule": "Daily",
            "tags": TAGS,
        },
    )
    result = run_module(module.main, args(permission_model=ROLE_BASED), diff=True)
    assert_changed(result)
    assert result["app"]["permission_model"] == {"type": "RoleBased", "invoker_role_name": ROLE}
    assert result["diff"]["after"]["permission_model"] == {
        "type": "RoleBased",
        "invoker_role_name": ROLE,
        "cross_account_role_arns": [],
    }


def test_an_app_without_permission_model_is_updated_to_the_role(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    versions(stub)
    wanted = {"type": "RoleBased", "invokerRoleName": ROLE}
    stub.add_response("update_app", {"app": app(permissionModel=wanted)}, {"appArn": ARN, "permissionModel": wanted})
    result = run_module(module.main, args(permission_model=ROLE_BASED), diff=True)
    assert_changed(result)
    assert "permission_model" not in result["diff"]["before"]
    assert result["diff"]["after"]["permission_model"]["invoker_role_name"] == ROLE
    assert result["app"]["permission_model"]["type"] == "RoleBased"


@pytest.mark.parametrize(
    "current, given, update",
    [
        # Another role.
        (
            {"type": "RoleBased", "invokerRoleName": "old-role"},
            ROLE_BASED,
            {"type": "RoleBased", "invokerRoleName": ROLE},
        ),
        # Back to the caller's credentials.
        (
            {"type": "RoleBased", "invokerRoleName": ROLE},
            {"type": "LegacyIAMUser"},
            {"type": "LegacyIAMUser"},
        ),
        # Cross-account roles given are replaced; the role is kept.
        (
            {
                "type": "RoleBased",
                "invokerRoleName": ROLE,
                "crossAccountRoleArns": ["arn:aws:iam::111111111111:role/a"],
            },
            dict(ROLE_BASED, cross_account_role_arns=[]),
            {"type": "RoleBased", "invokerRoleName": ROLE, "crossAccountRoleArns": []},
        ),
    ],
    ids=["role", "legacy", "cross_account"],
)
def test_a_different_permission_model_is_updated(aws, current, given, update):
    stub = aws.stub("resiliencehub")
    found(stub, current=app(permissionModel=current))
    versions(stub)
    stub.add_response("update_app", {"app": app(permissionModel=update)}, {"appArn": ARN, "permissionModel": update})
    result = run_module(module.main, args(permission_model=given))
    assert_changed(result)


@pytest.mark.parametrize(
    "current, given",
    [
        ({"type": "RoleBased", "invokerRoleName": ROLE, "crossAccountRoleArns": []}, ROLE_BASED),
        # Cross-account roles not given are left as they are.
        (
            {
                "type": "RoleBased",
                "invokerRoleName": ROLE,
                "crossAccountRoleArns": ["arn:aws:iam::111111111111:role/a"],
            },
            ROLE_BASED,
        ),
        # An app created without a model uses the caller's credentials.
        (None, {"type": "LegacyIAMUser"}),
    ],
    ids=["same", "cross_account_left_alone", "legacy_default"],
)
def test_the_same_permission_model_is_no_change(aws, current, given):
    stub = aws.stub("resiliencehub")
    found(stub, current=app() if current is None else app(permissionModel=current))
    versions(stub)
    result = run_module(module.main, args(permission_model=given))
    assert_unchanged(result)


def test_role_based_without_a_role_fails_before_any_call(aws):
    result = run_module(module.main, args(permission_model={"type": "RoleBased"}))
    assert_fails_mentioning(result, "invoker_role_name")


def test_a_retried_create_sends_one_client_token(aws):
    """A creation retried after throttling or a lost answer must not become a second application."""
    sent = aws.sent("resiliencehub", "CreateApp", event="before-parameter-build")
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_client_error("create_app", **client_error("ThrottlingException", status=429))
    stub.add_response("create_app", {"app": APP})
    result = run_module(module.main, args())
    assert not result.get("failed"), result
    assert len(sent) == 2
    assert sent[0].get("clientToken") and sent[0]["clientToken"] == sent[1]["clientToken"]


def test_app_without_schedule_counts_as_disabled(aws):
    stub = aws.stub("resiliencehub")
    found(stub, current={k: v for k, v in APP.items() if k != "assessmentSchedule"})
    versions(stub)
    result = run_module(module.main, args(assessment_schedule="Disabled"))
    assert result["changed"] is False, result


def test_tags_added_and_purged(aws):
    stub = aws.stub("resiliencehub")
    found(
        stub,
        current=app(tags={"deployment": "prod", "stale": "1"}),
        tags={"deployment": "prod", "stale": "1"},
        read_tags=True,
    )
    versions(stub)
    stub.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["stale"]})
    stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"owner": "team"}})
    result = run_module(module.main, args(tags={"deployment": "prod", "owner": "team"}))
    assert result["changed"] is True, result
    assert result["app"]["tags"] == {"deployment": "prod", "owner": "team"}


def test_described_tags_that_differ_are_confirmed_before_any_write(aws):
    # DescribeApp shows an older view of the tags; ListTagsForResource shows them already right: nothing is written.
    stub = aws.stub("resiliencehub")
    found(stub, current=app(tags={"deployment": "old"}), tags=TAGS, read_tags=True)
    versions(stub)
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["app"]["tags"] == TAGS


def test_a_description_without_tags_reads_them(aws):
    stub = aws.stub("resiliencehub")
    stub.add_response("list_apps", {"appSummaries": [SUMMARY]}, {"name": NAME})
    stub.add_response("describe_app", {"app": {k: v for k, v in APP.items() if k != "tags"}}, {"appArn": ARN})
    stub.add_response("list_tags_for_resource", {"tags": TAGS}, {"resourceArn": ARN})
    versions(stub)
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["app"]["tags"] == TAGS


def test_delete_waits_until_gone(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    stub.add_response("delete_app", {"appArn": ARN}, {"appArn": ARN, "forceDelete": False})
    stub.add_response("describe_app", {"app": app(status="Deleting")}, {"appArn": ARN})
    stub.add_client_error("describe_app", **client_error("ResourceNotFoundException", status=404))
    result = run_absent(module.main, NAME, diff=True)
    assert_changed(result)
    assert result["app"] == {}
    assert result["diff"]["before"]["name"] == NAME
    assert aws.sleeps == [module.DELETE_POLL_SECONDS]


def test_force_delete_without_wait(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    stub.add_response("delete_app", {"appArn": ARN}, {"appArn": ARN, "forceDelete": True})
    result = run_module(module.main, {"name": NAME, "state": "absent", "force_delete": True, "wait": False})
    assert result["changed"] is True, result


def test_delete_wait_timeout(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    stub.add_response("delete_app", {"appArn": ARN}, {"appArn": ARN, "forceDelete": False})
    stub.add_response("describe_app", {"app": app(status="Deleting")}, {"appArn": ARN})
    result = run_module(module.main, {"name": NAME, "state": "absent", "wait_timeout": 0})
    assert result["failed"]
    assert result["changed"] is True
    assert result["msg"].startswith(f"Timeout waiting for application {NAME} to be deleted")


def listed_as_deleting(stub):
    stub.add_response("list_apps", {"appSummaries": [dict(SUMMARY, status="Deleting")]}, {"name": NAME})


def found_then_deleted_meanwhile(stub):
    found(stub)
    deleted_meanwhile(stub, "delete_app")


@pytest.mark.parametrize(
    "lookup",
    [not_found, listed_as_deleting, found_then_deleted_meanwhile],
    ids=["already_absent", "app_being_deleted_counts_as_absent", "gone_between_lookup_and_delete"],
)
def test_absent_with_no_app_to_delete_changes_nothing(aws, lookup):
    lookup(aws.stub("resiliencehub"))
    assert_absent_changes_nothing(module.main, NAME)


def test_throttled_then_retried(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("list_apps", **client_error("ThrottlingException", status=429))
    found(stub)
    versions(stub)
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert aws.sleeps


def test_listing_follows_next_token(aws):
    stub = aws.stub("resiliencehub")
    other = dict(SUMMARY, name=NAME + "-old", appArn=ARN.replace("5f1a", "0000"))
    stub.add_response("list_apps", {"appSummaries": [other], "nextToken": "t1"}, {"name": NAME})
    stub.add_response("list_apps", {"appSummaries": [SUMMARY]}, {"name": NAME, "nextToken": "t1"})
    stub.add_response("describe_app", {"app": APP}, {"appArn": ARN})
    versions(stub)
    result = run_module(module.main, args())
    assert result["changed"] is False, result


def test_check_mode_create_makes_no_call(aws):
    not_found(aws.stub("resiliencehub"))
    result = run_module(module.main, args(resources=RESOURCES), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["diff"]["before"] == {}
    assert [r["name"] for r in result["diff"]["after"]["resources"]] == sorted(r["name"] for r in RESOURCES)
    assert result["diff"]["after"]["policy_arn"] == POLICY_ARN
    assert "app_arn" not in result["app"]


def test_check_mode_changed_definition_makes_no_call(aws):
    stub = aws.stub("resiliencehub")
    found(stub)
    published(stub)
    wanted = RESOURCES[:-1]
    result = run_module(module.main, args(resources=wanted, description="New"), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["definition_changes"]["removed"] == ["table-eu-central-1"]
    assert len(result["diff"]["before"]["resources"]) == len(RESOURCES)
    assert len(result["diff"]["after"]["resources"]) == len(RESOURCES) - 1
    assert result["diff"]["after"]["description"] == "New"
    assert result["app"]["description"] == "New"


def test_check_mode_delete_makes_no_call(aws):
    found(aws.stub("resiliencehub"))
    assert_check_mode_delete_changes(module.main, NAME)


def test_unknown_policy_name_fails(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": []}, {"policyName": "missing"})
    result = run_module(module.main, {"name": NAME, "policy_name": "missing"})
    assert_fails_as(result, "No resiliency policy named missing in eu-west-1")


@pytest.mark.parametrize(
    "resources, message",
    [
        (RESOURCES + RESOURCES[:1], "resource 'items-eu-west-1' is listed twice"),
        ([resource("queue", "AWS::SQS::Queue", "q")], "component_type is required for resource type 'AWS::SQS::Queue'"),
        ([resource("x", "AWS::Lambda::Function", FN_WEST)], "resource name 'x' must be 2-60 letters"),
    ],
    ids=["duplicate", "unknown_type", "bad_name"],
)
def test_invalid_resources_fail_before_any_change(aws, resources, message):
    found(aws.stub("resiliencehub"))
    result = run_module(module.main, args(resources=resources))
    assert_fails_mentioning(result, message)


def test_policy_arn_and_name_are_exclusive(aws):
    result = run_module(module.main, {"name": NAME, "policy_arn": POLICY_ARN, "policy_name": "p"})
    assert_fails_mentioning(result, "mutually exclusive")


def test_create_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_client_error("create_app", **client_error("ServiceQuotaExceededException", status=402))
    result = run_module(module.main, args())
    assert_fails_with(result, f"Failed to create application {NAME}")


def test_publish_error_is_described(aws):
    stub = deployed(aws)
    wanted = RESOURCES[:-1]
    stub.add_response(
        "put_draft_app_version_template",
        {"appArn": ARN, "appVersion": "draft"},
        {"appArn": ARN, "appTemplateBody": body(wanted)},
    )
    stub.add_response(
        "remove_draft_app_version_resource_mappings",
        {"appArn": ARN, "appVersion": "draft"},
        {"appArn": ARN, "resourceNames": ["table-eu-central-1"]},
    )
    stub.add_client_error("publish_app_version", **client_error("ValidationException", "bad template"))
    result = run_module(module.main, args(resources=wanted))
    assert_fails_with(result, f"Failed to publish the definition of application {ARN}")
    assert "bad template" in result["msg"]


def test_check_mode_with_a_policy_not_created_yet(aws):
    stub = aws.stub("resiliencehub")
    not_found(stub)
    stub.add_response("list_resiliency_policies", {"resiliencyPolicies": []}, {"policyName": "new-policy"})
    result = run_module(module.main, {"name": NAME, "policy_name": "new-policy"}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["diff"]["after"]["policy_arn"] == "(resiliency policy new-policy)"

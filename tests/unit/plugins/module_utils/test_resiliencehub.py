"""Pure functions of module_utils/_resiliencehub: policy validation, change computation, the app template."""

from __future__ import annotations

import json
import re

import botocore.session
import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _resiliencehub as rh
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    MISSION_CRITICAL,
)
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    MISSION_CRITICAL_TARGETS,
)

MODEL = botocore.session.Session().get_service_model("resiliencehub")
FN = "arn:aws:lambda:eu-west-1:123456789012:function:prod-items"
TABLE = "arn:aws:dynamodb:eu-central-1:123456789012:table/global-table"
GLOBAL_MISSION_CRITICAL = MISSION_CRITICAL
API_TARGETS = MISSION_CRITICAL_TARGETS


@pytest.mark.parametrize(
    "values, shape",
    [
        (rh.TIERS, "ResiliencyPolicyTier"),
        (rh.DATA_LOCATION_CONSTRAINTS, "DataLocationConstraint"),
        (rh.ASSESSMENT_SCHEDULES, "AppAssessmentScheduleType"),
        (rh.ASSESSMENT_STATUSES, "AssessmentStatus"),
        (rh.COMPLIANCE_STATUSES, "ComplianceStatus"),
        (rh.PHYSICAL_ID_TYPES, "PhysicalIdentifierType"),
        (list(rh.DISRUPTION_TYPES.values()), "DisruptionType"),
    ],
)
def test_choices_are_the_models_enums(values, shape):
    assert sorted(values) == sorted(MODEL.shape_for(shape).enum)


@pytest.mark.parametrize(
    "policy, errors",
    [
        (None, []),
        (GLOBAL_MISSION_CRITICAL, []),
        ({k: v for k, v in GLOBAL_MISSION_CRITICAL.items() if k != "region"}, []),
        (dict(GLOBAL_MISSION_CRITICAL, software={"rto": 0, "rpo": 0}), []),
        (
            {"software": {"rto": 1, "rpo": 1}},
            ["policy.hardware is required", "policy.az is required"],
        ),
        (dict(GLOBAL_MISSION_CRITICAL, region={"rto": -1, "rpo": 5}), ["policy.region.rto must be a non-negative"]),
        (dict(GLOBAL_MISSION_CRITICAL, az={"rto": 1, "rpo": -5}), ["policy.az.rpo must be a non-negative"]),
        (dict(GLOBAL_MISSION_CRITICAL, az={"rto": 1.5, "rpo": 1}), ["policy.az.rto must be a non-negative"]),
        (dict(GLOBAL_MISSION_CRITICAL, az={"rto": True, "rpo": 1}), ["policy.az.rto must be a non-negative"]),
        (dict(GLOBAL_MISSION_CRITICAL, hardware={"rto": 1, "rpo": None}), ["policy.hardware.rpo is required"]),
        (dict(GLOBAL_MISSION_CRITICAL, region=None), []),
    ],
    ids=[
        "omitted",
        "all_domains",
        "region_optional",
        "zero_allowed",
        "missing_domains",
        "negative_rto",
        "negative_rpo",
        "not_whole",
        "bool",
        "missing_rpo",
        "region_none",
    ],
)
def test_validate_policy(policy, errors):
    found = rh.validate_policy(policy)
    assert len(found) == len(errors), found
    for message, expected in zip(found, errors, strict=True):
        assert message.startswith(expected)


def test_policy_to_api():
    assert rh.policy_to_api(GLOBAL_MISSION_CRITICAL) == API_TARGETS
    assert "Region" not in rh.policy_to_api(dict(GLOBAL_MISSION_CRITICAL, region=None))


CURRENT_POLICY = {
    "policyName": "p",
    "policyDescription": "d",
    "tier": "MissionCritical",
    "dataLocationConstraint": "AnyLocation",
    "policy": API_TARGETS,
}


@pytest.mark.parametrize(
    "wanted, changes",
    [
        ({}, {}),
        (
            {
                "description": "d",
                "tier": "MissionCritical",
                "data_location_constraint": "AnyLocation",
                "policy": GLOBAL_MISSION_CRITICAL,
            },
            {},
        ),
        ({"description": "new"}, {"policyDescription": "new"}),
        ({"description": ""}, {"policyDescription": ""}),
        ({"tier": "Critical"}, {"tier": "Critical"}),
        ({"data_location_constraint": "SameCountry"}, {"dataLocationConstraint": "SameCountry"}),
        (
            {"policy": dict(GLOBAL_MISSION_CRITICAL, region={"rto": 3600, "rpo": 60})},
            {"policy": dict(API_TARGETS, Region={"rtoInSecs": 3600, "rpoInSecs": 60})},
        ),
        (
            {"policy": {k: v for k, v in GLOBAL_MISSION_CRITICAL.items() if k != "region"}},
            {"policy": {k: v for k, v in API_TARGETS.items() if k != "Region"}},
        ),
    ],
    ids=["nothing", "same", "description", "description_cleared", "tier", "location", "region_rpo", "region_removed"],
)
def test_policy_changes(wanted, changes):
    full = {"description": None, "tier": None, "data_location_constraint": None, "policy": None}
    full.update(wanted)
    assert rh.policy_changes(CURRENT_POLICY, full) == changes


def test_policy_without_description_or_constraint():
    current = {"tier": "Critical", "policy": API_TARGETS}
    assert rh.policy_changes(current, {"description": "", "data_location_constraint": None}) == {}
    assert rh.policy_changes(current, {"data_location_constraint": "AnyLocation"}) == {
        "dataLocationConstraint": "AnyLocation"
    }


LAMBDA = {"name": "items-eu-west-1", "type": "AWS::Lambda::Function", "physical_id": FN}
TABLE_ITEM = {
    "name": "table-eu-central-1",
    "type": "AWS::DynamoDB::Table",
    "physical_id": TABLE,
    "region": "eu-central-1",
    "aws_account_id": "123456789012",
}
API = {"name": "api-eu-west-1", "type": "AWS::ApiGateway::RestApi", "physical_id": "a1b2c3d4e5", "component": "api"}


def test_build_definition_defaults():
    definition, errors = rh.build_definition([LAMBDA, TABLE_ITEM, API])
    assert errors == []
    assert definition["items-eu-west-1"] == {
        "name": "items-eu-west-1",
        "type": "AWS::Lambda::Function",
        "logical_id": "items-eu-west-1",
        "component": "compute",
        "component_type": "AWS::ResilienceHub::ComputeAppComponent",
        "physical_id": FN,
        "physical_id_type": "Arn",
        "region": None,
        "aws_account_id": None,
    }
    assert definition["table-eu-central-1"]["component"] == "database"
    assert definition["api-eu-west-1"]["physical_id_type"] == "Native"
    assert definition["api-eu-west-1"]["component"] == "api"


@pytest.mark.parametrize(
    "resources, error",
    [
        ([LAMBDA, LAMBDA], "resource 'items-eu-west-1' is listed twice"),
        ([dict(LAMBDA, name="-bad")], "resource name '-bad' must be 2-60 letters"),
        ([dict(LAMBDA, name="a" * 61)], "must be 2-60 letters"),
        ([dict(LAMBDA, type="AWS::SQS::Queue")], "component_type is required for resource type 'AWS::SQS::Queue'"),
        ([LAMBDA, dict(TABLE_ITEM, component="compute")], "component 'compute' is given two types"),
        ([dict(LAMBDA, component="bad name")], "component name 'bad name' is not valid"),
        ([dict(LAMBDA, physical_id="")], "physical_id is required"),
        ([dict(TABLE_ITEM, region="Frankfurt")], "region 'Frankfurt' is not a region name"),
        ([dict(TABLE_ITEM, aws_account_id="1234")], "aws_account_id '1234' is not a 12-digit account id"),
    ],
    ids=[
        "duplicate",
        "bad_name",
        "long_name",
        "unknown_type",
        "two_types",
        "bad_component",
        "no_id",
        "region",
        "account",
    ],
)
def test_build_definition_errors(resources, error):
    _definition, errors = rh.build_definition(resources)
    assert any(error in e for e in errors), errors


def test_explicit_component_type_for_other_resources():
    queue = {
        "name": "jobs",
        "type": "AWS::SQS::Queue",
        "physical_id": "arn:aws:sqs:eu-west-1:123456789012:jobs",
        "component_type": "AWS::ResilienceHub::QueueAppComponent",
    }
    definition, errors = rh.build_definition([queue])
    assert errors == []
    assert definition["jobs"]["component"] == "queue"


def test_template_body_format():
    definition, _errors = rh.build_definition([LAMBDA, TABLE_ITEM, API])
    body = rh.template_body(definition)
    assert json.loads(body) == {
        "resources": [
            {
                "logicalResourceId": {"identifier": "api-eu-west-1"},
                "type": "AWS::ApiGateway::RestApi",
                "name": "api-eu-west-1",
            },
            {
                "logicalResourceId": {"identifier": "items-eu-west-1"},
                "type": "AWS::Lambda::Function",
                "name": "items-eu-west-1",
            },
            {
                "logicalResourceId": {"identifier": "table-eu-central-1"},
                "type": "AWS::DynamoDB::Table",
                "name": "table-eu-central-1",
            },
        ],
        "appComponents": [
            {"name": "api", "type": "AWS::ResilienceHub::ComputeAppComponent", "resourceNames": ["api-eu-west-1"]},
            {
                "name": "compute",
                "type": "AWS::ResilienceHub::ComputeAppComponent",
                "resourceNames": ["items-eu-west-1"],
            },
            {
                "name": "database",
                "type": "AWS::ResilienceHub::DatabaseAppComponent",
                "resourceNames": ["table-eu-central-1"],
            },
            {"name": "appcommon", "type": "AWS::ResilienceHub::AppCommonAppComponent", "resourceNames": []},
        ],
        "excludedResources": {"logicalResourceIds": []},
        "version": 2.0,
    }
    pattern = MODEL.shape_for("AppTemplateBody").metadata["pattern"]
    assert re.match(pattern, body)
    # Equal definitions give byte-identical bodies, whatever the order of the resources.
    reordered, _errors = rh.build_definition([API, TABLE_ITEM, LAMBDA])
    assert rh.template_body(reordered) == body


def test_template_body_keeps_an_explicit_app_common_component():
    common = dict(LAMBDA, component="common", component_type="AWS::ResilienceHub::AppCommonAppComponent")
    definition, _errors = rh.build_definition([common])
    components = json.loads(rh.template_body(definition))["appComponents"]
    assert [c["name"] for c in components] == ["common"]


def test_resource_mapping():
    definition, _errors = rh.build_definition([LAMBDA, TABLE_ITEM])
    assert rh.resource_mapping(definition["items-eu-west-1"]) == {
        "mappingType": "Resource",
        "resourceName": "items-eu-west-1",
        "physicalResourceId": {"identifier": FN, "type": "Arn"},
    }
    assert rh.resource_mapping(definition["table-eu-central-1"])["physicalResourceId"] == {
        "identifier": TABLE,
        "type": "Arn",
        "awsRegion": "eu-central-1",
        "awsAccountId": "123456789012",
    }


def test_definition_round_trips_through_the_api_format():
    definition, _errors = rh.build_definition([LAMBDA, TABLE_ITEM, API])
    mappings = [rh.resource_mapping(r) for r in definition.values()]
    assert rh.definition_from_api(rh.template_body(definition), mappings) == definition


def test_definition_from_api_ignores_other_mapping_types_and_nulls():
    template = {
        "resources": [
            {
                "logicalResourceId": {"identifier": "Fn", "logicalStackName": None},
                "type": "AWS::Lambda::Function",
                "name": "fn",
            }
        ],
        "appComponents": [{"id": "c", "name": "c", "type": rh.COMPUTE, "resourceNames": None}],
    }
    mappings = [
        {"mappingType": "CfnStack", "logicalStackName": "s", "physicalResourceId": {"identifier": "x", "type": "Arn"}}
    ]
    definition = rh.definition_from_api(json.dumps(template), mappings)
    assert definition["fn"]["logical_id"] == "Fn"
    assert definition["fn"]["component"] is None and definition["fn"]["physical_id"] is None
    assert rh.definition_from_api(None, []) == {}


def _definition(*items):
    return rh.build_definition(list(items))[0]


AWS_FILLED = dict(_definition(LAMBDA)["items-eu-west-1"], region="eu-west-1", aws_account_id="123456789012")


@pytest.mark.parametrize(
    "current, wanted, changes",
    [
        (None, _definition(LAMBDA), {"added": ["items-eu-west-1"], "removed": [], "modified": []}),
        (_definition(LAMBDA), _definition(LAMBDA), {"added": [], "removed": [], "modified": []}),
        ({"items-eu-west-1": AWS_FILLED}, _definition(LAMBDA), {"added": [], "removed": [], "modified": []}),
        (
            {"items-eu-west-1": AWS_FILLED},
            _definition(dict(LAMBDA, region="eu-central-1")),
            {"added": [], "removed": [], "modified": ["items-eu-west-1"]},
        ),
        (
            _definition(LAMBDA),
            _definition(dict(LAMBDA, physical_id=FN + "-v2")),
            {"added": [], "removed": [], "modified": ["items-eu-west-1"]},
        ),
        (
            _definition(LAMBDA),
            _definition(dict(LAMBDA, physical_id_type="Native")),
            {"added": [], "removed": [], "modified": ["items-eu-west-1"]},
        ),
        (
            _definition(LAMBDA),
            _definition(dict(LAMBDA, component="api")),
            {"added": [], "removed": [], "modified": ["items-eu-west-1"]},
        ),
        (
            _definition(LAMBDA, API),
            _definition(LAMBDA, TABLE_ITEM),
            {"added": ["table-eu-central-1"], "removed": ["api-eu-west-1"], "modified": []},
        ),
        (_definition(LAMBDA), {}, {"added": [], "removed": ["items-eu-west-1"], "modified": []}),
    ],
    ids=[
        "unpublished",
        "same",
        "aws_filled_location",
        "region_changed",
        "physical_id",
        "id_type",
        "component",
        "added_removed",
        "emptied",
    ],
)
def test_definition_changes(current, wanted, changes):
    assert rh.definition_changes(current, wanted) == changes


def test_merge_and_effective_definitions():
    published = {"items-eu-west-1": AWS_FILLED, **_definition(API)}
    merged = rh.merge_definitions(published, _definition(TABLE_ITEM))
    assert sorted(merged) == ["api-eu-west-1", "items-eu-west-1", "table-eu-central-1"]
    effective = rh.effective_definition(published, _definition(LAMBDA, dict(API, physical_id="zz")))
    assert effective["items-eu-west-1"]["region"] == "eu-west-1"
    assert effective["api-eu-west-1"]["physical_id"] == "zz"


def _mapping(name, identifier, **physical):
    return {
        "mappingType": "Resource",
        "resourceName": name,
        "physicalResourceId": dict({"identifier": identifier, "type": "Arn"}, **physical),
    }


@pytest.mark.parametrize(
    "draft, wanted, remove, add",
    [
        ([], _definition(LAMBDA), [], [_mapping("items-eu-west-1", FN)]),
        ([_mapping("items-eu-west-1", FN)], _definition(LAMBDA), [], []),
        ([_mapping("items-eu-west-1", FN, awsRegion="eu-west-1")], _definition(LAMBDA), [], []),
        (
            [_mapping("items-eu-west-1", FN + "-old")],
            _definition(LAMBDA),
            ["items-eu-west-1"],
            [_mapping("items-eu-west-1", FN)],
        ),
        (
            [_mapping("items-eu-west-1", FN, awsRegion="eu-west-1")],
            _definition(dict(LAMBDA, region="eu-central-1")),
            ["items-eu-west-1"],
            [_mapping("items-eu-west-1", FN, awsRegion="eu-central-1")],
        ),
        ([_mapping("gone", FN), _mapping("items-eu-west-1", FN)], _definition(LAMBDA), ["gone"], []),
        (
            [
                {
                    "mappingType": "CfnStack",
                    "logicalStackName": "s",
                    "physicalResourceId": {"identifier": "x", "type": "Arn"},
                }
            ],
            {},
            [],
            [],
        ),
    ],
    ids=["new", "same", "aws_filled_region", "changed_id", "changed_region", "stale", "other_types_left_alone"],
)
def test_mapping_changes(draft, wanted, remove, add):
    assert rh.mapping_changes(draft, wanted) == (remove, add)


APP = {"description": "d", "policyArn": "arn:p", "assessmentSchedule": "Daily"}


@pytest.mark.parametrize(
    "app, wanted, changes",
    [
        (APP, {}, {}),
        (APP, {"description": "d", "policy_arn": "arn:p", "assessment_schedule": "Daily"}, {}),
        (APP, {"description": "new"}, {"description": "new"}),
        (APP, {"policy_arn": "arn:q"}, {"policyArn": "arn:q"}),
        (APP, {"assessment_schedule": "Disabled"}, {"assessmentSchedule": "Disabled"}),
        ({}, {"assessment_schedule": "Disabled", "description": ""}, {}),
        (
            {},
            {"assessment_schedule": "Daily", "policy_arn": "arn:p"},
            {"assessmentSchedule": "Daily", "policyArn": "arn:p"},
        ),
    ],
    ids=["nothing", "same", "description", "policy", "schedule", "defaults", "from_nothing"],
)
def test_app_changes(app, wanted, changes):
    assert rh.app_changes(app, wanted) == changes


def _assessment(compliance, status):
    return {
        "complianceStatus": status,
        "policy": {"policy": API_TARGETS},
        "compliance": compliance,
        "resiliencyScore": {"score": 70.0, "disruptionScore": {"Region": 10.0}},
    }


def test_compliance_report_met():
    compliance = {
        api: {"currentRtoInSecs": t["rtoInSecs"], "currentRpoInSecs": t["rpoInSecs"], "complianceStatus": "PolicyMet"}
        for api, t in API_TARGETS.items()
    }
    report = rh.compliance_report(_assessment(compliance, "PolicyMet"))
    assert sorted(report) == ["az", "hardware", "region", "software"]
    assert report["software"]["target_rto_in_secs"] == 5400
    assert report["software"]["achieved_rto_in_secs"] == 5400
    assert not any(e["rto_breached"] or e["rpo_breached"] for e in report.values())
    assert rh.breaches(report) == []


@pytest.mark.parametrize(
    "found, breached, rto_breached, rpo_breached",
    [
        (
            {"currentRtoInSecs": 7200, "currentRpoInSecs": 1, "complianceStatus": "PolicyBreached"},
            ["region"],
            True,
            False,
        ),
        (
            {"currentRtoInSecs": 60, "currentRpoInSecs": 30, "complianceStatus": "PolicyBreached"},
            ["region"],
            False,
            True,
        ),
        ({"complianceStatus": "PolicyBreached"}, ["region"], False, False),
        ({"currentRtoInSecs": 60, "currentRpoInSecs": 1, "complianceStatus": "PolicyMet"}, [], False, False),
    ],
    ids=["rto", "rpo", "status_only", "met"],
)
def test_compliance_report_breach(found, breached, rto_breached, rpo_breached):
    report = rh.compliance_report(_assessment({"Region": found}, "PolicyBreached"))
    assert report["region"]["rto_breached"] is rto_breached
    assert report["region"]["rpo_breached"] is rpo_breached
    assert report["region"]["score"] == 10.0
    # Domains the policy sets but the assessment does not report are listed with their targets.
    assert report["az"]["achieved_rto_in_secs"] is None and report["az"]["target_rto_in_secs"] == 1
    assert rh.breaches(report) == breached


def test_compliance_report_of_an_unfinished_assessment():
    assert rh.compliance_report({"assessmentStatus": "Pending"}) == {}
    results = rh.assessment_results({"assessmentStatus": "Pending"})
    assert results["compliance"] == {} and results["resiliency_score"] is None and results["breaches"] == []


class _Pages:
    def __init__(self, pages):
        self.pages = list(pages)
        self.calls = []

    def list_things(self, **params):
        self.calls.append(params)
        return self.pages.pop(0)


def test_list_all_follows_next_token_and_retries():
    client = _Pages(
        [{"things": [1], "nextToken": "a"}, {"things": None, "nextToken": "b"}, {"things": [2], "nextToken": None}]
    )
    assert rh.list_all(client, "list_things", "things", appArn="x") == [1, 2]
    assert client.calls == [
        {"aws_retry": True, "appArn": "x"},
        {"aws_retry": True, "appArn": "x", "nextToken": "a"},
        {"aws_retry": True, "appArn": "x", "nextToken": "b"},
    ]


def test_component_short_name():
    assert rh.component_short_name(rh.COMPUTE) == "compute"
    assert rh.component_short_name("AWS::ResilienceHub::NetworkingAppComponent") == "networking"

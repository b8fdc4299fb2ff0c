from __future__ import annotations

import copy
import datetime
import re

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import resiliencehub_app_assessment as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    MISSION_CRITICAL_TARGETS,
)
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    assert_unknown_app_fails,
)

APP_NAME = "prod-api"
APP_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app/5f1a9b3e-6c1d-4b8e-9f0a-2d3c4b5a6e7f"
POLICY_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:resiliency-policy/8c3b5a1e-2f8e-4c43-9d6e-0d8c1a0f2b7e"
ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
OTHER_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/00000000-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
NAME = "nightly"
CREATED = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
TARGETS = MISSION_CRITICAL_TARGETS
MET = {
    "Software": {"currentRtoInSecs": 1800, "currentRpoInSecs": 60, "complianceStatus": "PolicyMet"},
    "Hardware": {"currentRtoInSecs": 0, "currentRpoInSecs": 0, "complianceStatus": "PolicyMet"},
    "AZ": {"currentRtoInSecs": 1, "currentRpoInSecs": 0, "complianceStatus": "PolicyMet"},
    "Region": {"currentRtoInSecs": 1800, "currentRpoInSecs": 1, "complianceStatus": "PolicyMet"},
}
BREACHED = dict(
    MET,
    Region={
        "currentRtoInSecs": 7200,
        "currentRpoInSecs": 1,
        "achievableRtoInSecs": 300,
        "achievableRpoInSecs": 1,
        "complianceStatus": "PolicyBreached",
        "message": "The API has no failover record",
    },
)
SUMMARY = {"appArn": APP_ARN, "name": APP_NAME, "creationTime": CREATED, "status": "Active"}
APP = dict(SUMMARY, policyArn=POLICY_ARN)
START = {"appArn": APP_ARN, "appVersion": "release", "assessmentName": NAME, "clientToken": ANY}
COMPONENT_RECOMMENDATION = {
    "appComponentName": "compute",
    "recommendationStatus": "MetCanImprove",
    "configRecommendations": [
        {"name": "LeastCost", "optimizationType": "LeastCost", "referenceId": "ref-1", "haArchitecture": "MultiSite"}
    ],
}
ALARM = {
    "name": "LambdaErrors",
    "recommendationId": "4d3c2b1a-0f9e-4d8c-8b6a-5f4e3d2c1b0a",
    "referenceId": "alarm-ref-1",
    "type": "Metric",
    "appComponentNames": ["compute"],
}


def assessment(status, compliance=None, compliance_status=None, **extra):
    result = {
        "assessmentArn": ARN,
        "appArn": APP_ARN,
        "appVersion": "release",
        "assessmentName": NAME,
        "assessmentStatus": status,
        "invoker": "User",
        "startTime": CREATED,
        "policy": {"policyArn": POLICY_ARN, "policyName": "prod-GlobalMissionCritical", "policy": TARGETS},
    }
    if compliance is not None:
        result["compliance"] = copy.deepcopy(compliance)
        result["complianceStatus"] = compliance_status
        result["resiliencyScore"] = {
            "score": 81.5,
            "disruptionScore": {"Software": 90.0, "Hardware": 100.0, "AZ": 100.0, "Region": 40.0},
        }
    result.update(extra)
    return result


def app_found(stub):
    stub.add_response("list_apps", {"appSummaries": [SUMMARY]}, {"name": APP_NAME})
    stub.add_response("describe_app", {"app": APP}, {"appArn": APP_ARN})


def starts(stub, expected=None):
    expected = copy.deepcopy(START) if expected is None else expected
    stub.add_response("start_app_assessment", {"assessment": assessment("Pending")}, expected)


def described(stub, *states):
    for state in states:
        stub.add_response("describe_app_assessment", {"assessment": state}, {"assessmentArn": ARN})


def recommended(stub):
    stub.add_response(
        "list_app_component_recommendations",
        {"componentRecommendations": [COMPONENT_RECOMMENDATION]},
        {"assessmentArn": ARN},
    )
    stub.add_response(
        "list_alarm_recommendations", {"alarmRecommendations": [ALARM], "nextToken": "t1"}, {"assessmentArn": ARN}
    )
    stub.add_response(
        "list_alarm_recommendations",
        {"alarmRecommendations": [dict(ALARM, name="ApiLatency")]},
        {"assessmentArn": ARN, "nextToken": "t1"},
    )


def test_success_and_compliant(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    described(stub, assessment("Pending"), assessment("InProgress"), assessment("Success", MET, "PolicyMet"))
    recommended(stub)
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME})
    assert_changed(result)
    assert result["assessment_arn"] == ARN
    assert result["compliance_status"] == "PolicyMet"
    assert result["breaches"] == []
    assert result["resiliency_score"] == 81.5
    assert result["compliance"]["software"]["target_rto_in_secs"] == 5400
    assert result["compliance"]["software"]["achieved_rto_in_secs"] == 1800
    assert result["compliance"]["region"]["score"] == 40.0
    assert result["assessment"]["assessment_status"] == "Success"
    assert result["recommendations"]["app_components"][0]["app_component_name"] == "compute"
    assert [a["name"] for a in result["recommendations"]["alarms"]] == ["LambdaErrors", "ApiLatency"]
    assert aws.sleeps == [module.POLL_SECONDS, module.POLL_SECONDS]


def assessed_as_breached(aws):
    """An assessment of the app started, ending in success with the region targets breached."""
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    described(stub, assessment("Success", BREACHED, "PolicyBreached"))
    recommended(stub)


def test_breach_is_reported_not_failed(aws):
    assessed_as_breached(aws)
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME})
    assert not result.get("failed"), result
    assert result["compliance_status"] == "PolicyBreached"
    assert result["breaches"] == ["region"]
    region = result["compliance"]["region"]
    assert region["achieved_rto_in_secs"] == 7200 and region["target_rto_in_secs"] == 3600
    assert region["rto_breached"] is True and region["rpo_breached"] is False
    assert region["achievable_rto_in_secs"] == 300
    assert region["compliance_status"] == "PolicyBreached"
    assert result["compliance"]["software"]["rto_breached"] is False


def test_breach_fails_when_asked(aws):
    assessed_as_breached(aws)
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "fail_on_breach": True})
    assert result["failed"]
    assert result["changed"] is True
    assert result["msg"] == f"Application {APP_NAME} breaches its resiliency policy (region); assessment {NAME}"
    assert result["compliance"]["region"]["rto_breached"] is True
    assert result["recommendations"]["alarms"]


def test_met_policy_does_not_fail_with_fail_on_breach(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    described(stub, assessment("Success", MET, "PolicyMet"))
    result = run_module(
        module.main, {"app_name": APP_NAME, "assessment_name": NAME, "fail_on_breach": True, "recommendations": False}
    )
    assert not result.get("failed"), result
    assert "recommendations" not in result


def test_failed_assessment_fails(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    described(stub, assessment("InProgress"), assessment("Failed", message="Resources could not be resolved"))
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME})
    assert result["failed"]
    assert result["changed"] is True
    assert result["msg"] == f"Assessment {NAME} of application {APP_NAME} failed: Resources could not be resolved"
    assert result["assessment"]["assessment_status"] == "Failed"


def test_wait_timeout(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    described(stub, assessment("InProgress"))
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "wait_timeout": 0})
    assert result["failed"]
    assert result["changed"] is True
    assert result["msg"].startswith(f"Timeout waiting for assessment {NAME} of application {APP_NAME}")
    assert result["assessment_arn"] == ARN
    assert result["assessment"]["assessment_status"] == "InProgress"


def test_no_wait_returns_the_new_assessment(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    starts(stub)
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "wait": False})
    assert result["changed"] is True, result
    assert result["assessment_arn"] == ARN
    assert result["assessment"]["assessment_status"] == "Pending"


def test_app_arn_tags_and_default_name(aws):
    stub = aws.stub("resiliencehub")
    expected = {"appArn": APP_ARN, "appVersion": "3", "assessmentName": ANY, "clientToken": ANY, "tags": {"run": "ci"}}
    stub.add_response("start_app_assessment", {"assessment": assessment("Pending")}, expected)
    result = run_module(module.main, {"app_arn": APP_ARN, "app_version": "3", "tags": {"run": "ci"}, "wait": False})
    assert result["changed"] is True, result


def test_check_mode_starts_nothing_and_says_so(aws):
    app_found(aws.stub("resiliencehub"))
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME}, check_mode=True)
    assert result["changed"] is True, result
    assert result["msg"] == f"Check mode: no assessment started; {NAME} of {APP_NAME} version release would be"


def test_unknown_app_fails(aws):
    assert_unknown_app_fails(aws, module.main, APP_NAME)


def test_throttled_then_retried(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    stub.add_client_error("start_app_assessment", **client_error("ThrottlingException", status=429))
    starts(stub)
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "wait": False})
    assert not result.get("failed"), result
    assert aws.sleeps


def test_a_retried_start_sends_one_client_token(aws):
    """A start retried after throttling or a lost answer must not become a second assessment."""
    # Seen after botocore fills in an omitted idempotency token, as the request is sent.
    sent = aws.sent("resiliencehub", "StartAppAssessment", event="before-parameter-build")
    stub = aws.stub("resiliencehub")
    app_found(stub)
    stub.add_client_error("start_app_assessment", **client_error("ThrottlingException", status=429))
    starts(stub)
    app_found(stub)
    starts(stub)
    for _run in range(2):
        result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "wait": False})
        assert not result.get("failed"), result
    tokens = [params.get("clientToken") for params in sent]
    assert len(tokens) == 3
    assert tokens[0] and tokens[0] == tokens[1], tokens
    # A later run is a new assessment.
    assert tokens[2] != tokens[0]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]{1,63}", token) for token in tokens)


def test_start_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    stub.add_client_error("start_app_assessment", **client_error("ConflictException", "no published version", 409))
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME})
    assert_fails_with(result, f"Failed to start an assessment of application {APP_ARN}")
    assert "no published version" in result["msg"]


def test_delete_by_arn(aws):
    stub = aws.stub("resiliencehub")
    stub.add_response(
        "delete_app_assessment", {"assessmentArn": ARN, "assessmentStatus": "Success"}, {"assessmentArn": ARN}
    )
    result = run_module(module.main, {"assessment_arn": ARN, "state": "absent"})
    assert result["changed"] is True, result
    assert result["assessment_arns"] == [ARN]


def test_delete_by_arn_already_absent(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("delete_app_assessment", **client_error("ResourceNotFoundException", status=404))
    result = run_module(module.main, {"assessment_arn": ARN, "state": "absent"})
    assert_unchanged(result)


def listed(stub, summaries):
    stub.add_response(
        "list_app_assessments", {"assessmentSummaries": summaries}, {"appArn": APP_ARN, "assessmentName": NAME}
    )


def summary(arn):
    return {"assessmentArn": arn, "assessmentName": NAME, "assessmentStatus": "Success", "appArn": APP_ARN}


def test_delete_by_name_deletes_every_match(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    listed(stub, [summary(ARN), summary(OTHER_ARN)])
    for arn in (ARN, OTHER_ARN):
        stub.add_response(
            "delete_app_assessment", {"assessmentArn": arn, "assessmentStatus": "Success"}, {"assessmentArn": arn}
        )
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "state": "absent"})
    assert result["changed"] is True, result
    assert result["assessment_arns"] == [ARN, OTHER_ARN]


def test_delete_by_name_none_found(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    listed(stub, [])
    result = run_module(module.main, {"app_name": APP_NAME, "assessment_name": NAME, "state": "absent"})
    assert result["changed"] is False, result


def test_check_mode_delete_makes_no_call(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    listed(stub, [summary(ARN)])
    result = run_module(
        module.main, {"app_name": APP_NAME, "assessment_name": NAME, "state": "absent"}, check_mode=True
    )
    assert result["changed"] is True, result
    assert result["assessment_arns"] == [ARN]


def test_delete_by_name_needs_the_app(aws):
    result = run_module(module.main, {"assessment_name": NAME, "state": "absent"})
    assert_fails_as(result, "assessment_name needs app_name or app_arn to find the assessment")


def test_delete_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("delete_app_assessment", **client_error("ConflictException", "in progress", 409))
    result = run_module(module.main, {"assessment_arn": ARN, "state": "absent"})
    assert_fails_with(result, f"Failed to delete assessment {ARN}")


@pytest.mark.parametrize("app_name", ["prod-api", "a" * 60])
def test_default_name_is_valid(app_name):
    name = module.default_assessment_name(app_name, datetime.datetime(2026, 11, 24, 12, 30, 5))
    assert name.endswith("-20261124T123005Z")
    assert re.match(r"^[A-Za-z0-9][A-Za-z0-9_\-]{1,59}$", name)

from __future__ import annotations

import datetime

from ansible_collections.multiregion.serverless.plugins.modules import resiliencehub_app_assessment_info as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.resiliencehub_responses import (
    assert_unknown_app_fails,
)

APP_NAME = "prod-api"
APP_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app/5f1a9b3e-6c1d-4b8e-9f0a-2d3c4b5a6e7f"
ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
OLD_ARN = "arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/00000000-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
SUMMARY = {"appArn": APP_ARN, "name": APP_NAME, "creationTime": datetime.datetime(2026, 11, 1), "status": "Active"}


def assessment_summary(arn, day, status="Success", compliance="PolicyMet"):
    return {
        "assessmentArn": arn,
        "appArn": APP_ARN,
        "assessmentName": f"run-{day}",
        "assessmentStatus": status,
        "complianceStatus": compliance,
        "invoker": "System",
        "resiliencyScore": 80.0,
        "startTime": datetime.datetime(2026, 11, day, 3, 0, tzinfo=datetime.UTC),
    }


OLD = assessment_summary(OLD_ARN, 20)
NEW = assessment_summary(ARN, 24, compliance="PolicyBreached")
ASSESSMENT = {
    "assessmentArn": ARN,
    "appArn": APP_ARN,
    "assessmentStatus": "Success",
    "invoker": "System",
    "complianceStatus": "PolicyBreached",
    "policy": {"policy": {"Region": {"rtoInSecs": 3600, "rpoInSecs": 5}, "AZ": {"rtoInSecs": 1, "rpoInSecs": 1}}},
    "compliance": {
        "Region": {"currentRtoInSecs": 7200, "currentRpoInSecs": 1, "complianceStatus": "PolicyBreached"},
        "AZ": {"currentRtoInSecs": 1, "currentRpoInSecs": 1, "complianceStatus": "PolicyMet"},
    },
    "resiliencyScore": {"score": 55.0, "disruptionScore": {"Region": 20.0, "AZ": 90.0}},
}


def app_found(stub):
    stub.add_response("list_apps", {"appSummaries": [SUMMARY]}, {"name": APP_NAME})
    stub.add_response("describe_app", {"app": SUMMARY}, {"appArn": APP_ARN})


def test_lists_every_page_newest_first(aws):
    stub = aws.stub("resiliencehub")
    app_found(stub)
    stub.add_response("list_app_assessments", {"assessmentSummaries": [OLD], "nextToken": "t1"}, {"appArn": APP_ARN})
    stub.add_response("list_app_assessments", {"assessmentSummaries": [NEW]}, {"appArn": APP_ARN, "nextToken": "t1"})
    result = run_module(module.main, {"app_name": APP_NAME})
    assert_unchanged(result)
    assert [a["assessment_arn"] for a in result["assessments"]] == [ARN, OLD_ARN]
    assert result["assessments"][0]["start_time"] == "2026-11-24T03:00:00+00:00"
    assert "assessment" not in result


def test_filters_are_passed(aws):
    stub = aws.stub("resiliencehub")
    stub.add_response(
        "list_app_assessments",
        {"assessmentSummaries": [NEW]},
        {
            "appArn": APP_ARN,
            "assessmentName": "run-24",
            "assessmentStatus": ["Success", "Failed"],
            "complianceStatus": "PolicyBreached",
        },
    )
    result = run_module(
        module.main,
        {
            "app_arn": APP_ARN,
            "assessment_name": "run-24",
            "assessment_status": ["Success", "Failed"],
            "compliance_status": "PolicyBreached",
        },
    )
    assert [a["compliance_status"] for a in result["assessments"]] == ["PolicyBreached"], result


def test_describes_one(aws):
    stub = aws.stub("resiliencehub")
    stub.add_response("describe_app_assessment", {"assessment": ASSESSMENT}, {"assessmentArn": ARN})
    result = run_module(module.main, {"assessment_arn": ARN})
    assert not result.get("failed"), result
    assert "assessments" not in result
    assert result["compliance_status"] == "PolicyBreached"
    assert result["breaches"] == ["region"]
    assert result["compliance"]["region"]["achieved_rto_in_secs"] == 7200
    assert result["compliance"]["region"]["target_rto_in_secs"] == 3600
    assert result["compliance"]["az"]["rto_breached"] is False
    assert result["resiliency_score"] == 55.0


def test_missing_assessment_is_empty(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("describe_app_assessment", **client_error("ResourceNotFoundException", status=404))
    result = run_module(module.main, {"assessment_arn": ARN})
    assert not result.get("failed"), result
    assert result["assessment"] == {}
    assert "compliance" not in result


def test_unknown_app_fails(aws):
    assert_unknown_app_fails(aws, module.main, APP_NAME)


def test_throttled_then_retried(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("list_app_assessments", **client_error("ThrottlingException", status=429))
    stub.add_response("list_app_assessments", {"assessmentSummaries": [NEW]}, {"appArn": APP_ARN})
    result = run_module(module.main, {"app_arn": APP_ARN})
    assert not result.get("failed"), result
    assert aws.sleeps


def test_works_in_check_mode(aws):
    stub = aws.stub("resiliencehub")
    stub.add_response("list_app_assessments", {"assessmentSummaries": []}, {"appArn": APP_ARN})
    result = run_module(module.main, {"app_arn": APP_ARN}, check_mode=True)
    assert result["assessments"] == [], result


def test_error_is_described(aws):
    stub = aws.stub("resiliencehub")
    stub.add_client_error("list_app_assessments", **client_error("AccessDeniedException", status=403))
    result = run_module(module.main, {"app_arn": APP_ARN})
    assert_fails_with(result, f"Failed to list assessments of application {APP_ARN}")


def test_needs_an_app_or_an_assessment(aws):
    result = run_module(module.main, {})
    assert_fails_mentioning(result, "one of the following is required")

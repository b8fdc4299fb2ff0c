from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multiregion.serverless.plugins.filter.resilience import FilterModule
from ansible_collections.multiregion.serverless.plugins.filter.resilience import resilience_app_resources
from ansible_collections.multiregion.serverless.plugins.filter.resilience import resilience_assessment_report
from ansible_collections.multiregion.serverless.plugins.filter.resilience import resilience_assessment_table
from ansible_collections.multiregion.serverless.plugins.filter.resilience import resilience_policy_errors

SEED_POLICY = {
    "software": {"rto": 5400, "rpo": 300},
    "hardware": {"rto": 1, "rpo": 1},
    "az": {"rto": 1, "rpo": 1},
    "region": {"rto": 3600, "rpo": 5},
}
ACCOUNT = "123456789012"
API_IDS = {"eu-west-1": "a1b2c3d4e5", "eu-central-1": "f6g7h8i9j0"}


def hostvars_for(*regions, **overrides):
    hostvars = {}
    for region in regions:
        hostvars[region] = {
            "aws_region": region,
            "serverless_api_outputs": {
                "api_id": API_IDS.get(region, "k1l2m3n4o5"),
                "api_name": "mrdemo-api",
                "stage_name": "v1",
                "function_name": "mrdemo-items",
                "function_arn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:mrdemo-items",
                "alias_arn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:mrdemo-items:live",
            },
            "global_table_outputs": {
                "table_name": "mrdemo-global",
                "table_arn": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/mrdemo-global",
            },
        }
        hostvars[region].update(overrides.get(region, {}))
    return hostvars


# ---------------------------------------------------------------------------------------------------------
# Policy checks


def test_the_seed_policy_is_valid():
    assert resilience_policy_errors(SEED_POLICY) == []


def test_region_is_optional():
    policy = {k: v for k, v in SEED_POLICY.items() if k != "region"}
    assert resilience_policy_errors(policy) == []


def test_an_rpo_above_the_rto_is_accepted():
    policy = dict(SEED_POLICY, software={"rto": 60, "rpo": 3600})
    assert resilience_policy_errors(policy) == []


def test_targets_rendered_as_strings_are_accepted():
    assert resilience_policy_errors(dict(SEED_POLICY, software={"rto": "5400", "rpo": "300"})) == []


def test_zero_targets_are_accepted():
    assert resilience_policy_errors(dict(SEED_POLICY, az={"rto": 0, "rpo": 0})) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"software": None}, "resilience_hub_policy.software is required"),
        ({"hardware": {}}, "resilience_hub_policy.hardware is required"),
        ({"az": {"rto": -1, "rpo": 1}}, "resilience_hub_policy.az.rto must not be negative, got -1"),
        ({"region": {"rto": 3600, "rpo": -5}}, "resilience_hub_policy.region.rpo must not be negative, got -5"),
        ({"region": {"rto": 3600}}, "resilience_hub_policy.region.rpo is required"),
        ({"region": {"rto": "-60", "rpo": 5}}, "resilience_hub_policy.region.rto must not be negative, got -60"),
        ({"software": {"rto": "1h", "rpo": 300}}, "resilience_hub_policy.software.rto must be a whole number"),
        ({"software": {"rto": True, "rpo": 300}}, "resilience_hub_policy.software.rto must be a whole number"),
        ({"software": {"rto": 5400.5, "rpo": 300}}, "resilience_hub_policy.software.rto must be a whole number"),
        ({"hardware": "fast"}, "resilience_hub_policy.hardware must be a mapping with rto and rpo"),
        ({"datacenter": {"rto": 1, "rpo": 1}}, "resilience_hub_policy.datacenter is not a failure domain"),
    ],
)
def test_bad_policies_name_the_variable(change, expected):
    errors = resilience_policy_errors(dict(SEED_POLICY, **change))
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


def test_a_policy_that_is_not_a_mapping():
    assert resilience_policy_errors(["software"], variable="p") == [
        "p must be a mapping of failure domain to {rto, rpo}, got list"
    ]


def test_every_problem_is_listed():
    errors = resilience_policy_errors({"az": {"rto": -1, "rpo": -1}})
    assert errors == [
        "resilience_hub_policy.software is required: Resilience Hub needs software, hardware and az targets",
        "resilience_hub_policy.hardware is required: Resilience Hub needs software, hardware and az targets",
        "resilience_hub_policy.az.rto must not be negative, got -1",
        "resilience_hub_policy.az.rpo must not be negative, got -1",
    ]


# ---------------------------------------------------------------------------------------------------------
# The application's resources


def test_resources_of_every_region():
    hostvars = hostvars_for("eu-west-1", "eu-central-1")
    resources = resilience_app_resources(["eu-west-1", "eu-central-1"], hostvars)
    assert resources == [
        {
            "name": "api-eu-central-1",
            "type": "AWS::ApiGateway::RestApi",
            "physical_id": "f6g7h8i9j0",
            "physical_id_type": "Native",
            "region": "eu-central-1",
            "component": "api",
        },
        {
            "name": "api-eu-west-1",
            "type": "AWS::ApiGateway::RestApi",
            "physical_id": "a1b2c3d4e5",
            "physical_id_type": "Native",
            "region": "eu-west-1",
            "component": "api",
        },
        {
            "name": "function-eu-central-1",
            "type": "AWS::Lambda::Function",
            "physical_id": f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:mrdemo-items",
            "component": "compute",
        },
        {
            "name": "function-eu-west-1",
            "type": "AWS::Lambda::Function",
            "physical_id": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mrdemo-items",
            "component": "compute",
        },
        {
            "name": "table-eu-central-1",
            "type": "AWS::DynamoDB::Table",
            "physical_id": f"arn:aws:dynamodb:eu-central-1:{ACCOUNT}:table/mrdemo-global",
            "component": "database",
        },
        {
            "name": "table-eu-west-1",
            "type": "AWS::DynamoDB::Table",
            "physical_id": f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/mrdemo-global",
            "component": "database",
        },
    ]


def test_a_qualified_function_arn_maps_the_function():
    arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mrdemo-items:7"
    hostvars = hostvars_for("eu-west-1")
    hostvars["eu-west-1"]["serverless_api_outputs"]["function_arn"] = arn
    functions = [r for r in resilience_app_resources(["eu-west-1"], hostvars) if r["type"] == "AWS::Lambda::Function"]
    assert [f["physical_id"] for f in functions] == [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mrdemo-items"]


def test_the_region_defaults_to_the_host_name():
    hostvars = hostvars_for("eu-west-1")
    del hostvars["eu-west-1"]["aws_region"]
    names = [r["name"] for r in resilience_app_resources(["eu-west-1"], hostvars)]
    assert names == ["api-eu-west-1", "function-eu-west-1", "table-eu-west-1"]


def test_a_region_without_the_core_outputs_fails_naming_the_host():
    hostvars = hostvars_for("eu-west-1", "eu-central-1")
    del hostvars["eu-central-1"]["global_table_outputs"]
    with pytest.raises(AnsibleFilterError, match=r"eu-central-1 has no global_table_outputs: run the core phase"):
        resilience_app_resources(["eu-west-1", "eu-central-1"], hostvars)


def test_a_missing_id_fails_naming_the_output():
    hostvars = hostvars_for("eu-west-1")
    hostvars["eu-west-1"]["serverless_api_outputs"]["api_id"] = None
    with pytest.raises(AnsibleFilterError, match=r"serverless_api_outputs.api_id is not set, so api-eu-west-1"):
        resilience_app_resources(["eu-west-1"], hostvars)


def test_check_mode_leaves_out_what_does_not_exist_yet():
    hostvars = hostvars_for("eu-west-1", "eu-central-1")
    hostvars["eu-west-1"]["serverless_api_outputs"]["function_arn"] = None
    del hostvars["eu-central-1"]["serverless_api_outputs"]
    names = [r["name"] for r in resilience_app_resources(["eu-west-1", "eu-central-1"], hostvars, strict=False)]
    assert names == ["api-eu-west-1", "table-eu-central-1", "table-eu-west-1"]


def test_two_hosts_for_one_region_fail():
    hostvars = hostvars_for("a", "b")
    hostvars["a"]["aws_region"] = hostvars["b"]["aws_region"] = "eu-west-1"
    with pytest.raises(AnsibleFilterError, match="b and a are both region eu-west-1"):
        resilience_app_resources(["a", "b"], hostvars)


def test_a_region_name_too_long_for_resilience_hub_fails():
    region = "x" * 60
    with pytest.raises(AnsibleFilterError, match="is not valid in Resilience Hub"):
        resilience_app_resources([region], hostvars_for(region))


# ---------------------------------------------------------------------------------------------------------
# The report


def compliance_entry(target_rto, target_rpo, rto, rpo, status="PolicyMet", score=100.0):
    return {
        "target_rto_in_secs": target_rto,
        "target_rpo_in_secs": target_rpo,
        "achieved_rto_in_secs": rto,
        "achieved_rpo_in_secs": rpo,
        "achievable_rto_in_secs": min(rto, target_rto),
        "achievable_rpo_in_secs": min(rpo, target_rpo),
        "compliance_status": status,
        "rto_breached": rto > target_rto,
        "rpo_breached": rpo > target_rpo,
        "message": None,
        "score": score,
    }


# As resiliencehub_app_assessment returns a finished assessment whose region targets are breached.
BREACHED_RESULT = {
    "changed": True,
    "assessment_arn": f"arn:aws:resiliencehub:eu-west-1:{ACCOUNT}:app-assessment/9d8c7b6a",
    "assessment": {
        "assessment_arn": f"arn:aws:resiliencehub:eu-west-1:{ACCOUNT}:app-assessment/9d8c7b6a",
        "assessment_name": "mrdemo-20261104T101500Z",
        "assessment_status": "Success",
        "compliance_status": "PolicyBreached",
        "start_time": "2026-11-04T10:15:00+00:00",
        "end_time": "2026-11-04T10:41:12+00:00",
    },
    "compliance_status": "PolicyBreached",
    "resiliency_score": 55.0,
    "breaches": ["region"],
    "compliance": {
        "software": compliance_entry(5400, 300, 900, 0),
        "hardware": compliance_entry(1, 1, 0, 0),
        "az": compliance_entry(1, 1, 1, 0),
        "region": compliance_entry(3600, 5, 7200, 1, status="PolicyBreached", score=20.0),
    },
}


def test_a_breached_region_is_reported():
    report = resilience_assessment_report(BREACHED_RESULT, SEED_POLICY)
    assert report["assessed"] is True
    assert report["reason"] is None
    assert report["breached"] is True
    assert report["breaches"] == ["region"]
    assert report["compliance_status"] == "PolicyBreached"
    assert report["resiliency_score"] == 55.0
    assert report["assessment_name"] == "mrdemo-20261104T101500Z"
    assert report["assessment_arn"].endswith("app-assessment/9d8c7b6a")
    assert [d["domain"] for d in report["domains"]] == ["software", "hardware", "az", "region"]
    region = report["domains"][3]
    assert region == {
        "domain": "region",
        "target_rto_in_secs": 3600,
        "achieved_rto_in_secs": 7200,
        "achievable_rto_in_secs": 3600,
        "rto_breached": True,
        "target_rpo_in_secs": 5,
        "achieved_rpo_in_secs": 1,
        "achievable_rpo_in_secs": 1,
        "rpo_breached": False,
        "compliance_status": "PolicyBreached",
        "status": "BREACHED",
        "message": None,
    }
    assert {d["domain"]: d["status"] for d in report["domains"][:3]} == {
        "software": "met",
        "hardware": "met",
        "az": "met",
    }


def test_the_report_is_plain_json():
    report = resilience_assessment_report(BREACHED_RESULT, SEED_POLICY)
    assert json.loads(json.dumps(report)) == report


def test_a_met_policy():
    result = dict(BREACHED_RESULT, compliance_status="PolicyMet", breaches=[])
    result["compliance"] = dict(BREACHED_RESULT["compliance"], region=compliance_entry(3600, 5, 1800, 5))
    report = resilience_assessment_report(result, SEED_POLICY)
    assert report["breached"] is False
    assert report["breaches"] == []
    assert {d["status"] for d in report["domains"]} == {"met"}


def test_achieved_above_target_is_a_breach_whatever_the_domain_status_says():
    result = dict(BREACHED_RESULT, compliance_status="PolicyMet")
    result["compliance"] = {"software": compliance_entry(5400, 300, 900, 600, status="PolicyMet")}
    report = resilience_assessment_report(result, SEED_POLICY)
    software = report["domains"][0]
    assert (software["rto_breached"], software["rpo_breached"], software["status"]) == (False, True, "BREACHED")
    assert report["breached"] is True
    assert report["breaches"] == ["software"]


def test_the_service_verdict_alone_breaches_the_report():
    result = dict(BREACHED_RESULT, compliance_status="PolicyBreached")
    result["compliance"] = {"software": compliance_entry(5400, 300, 900, 0)}
    report = resilience_assessment_report(result, SEED_POLICY)
    assert report["breaches"] == []
    assert report["breached"] is True


def test_domains_the_assessment_did_not_report_show_the_configured_targets():
    result = dict(BREACHED_RESULT, compliance={"software": compliance_entry(5400, 300, 900, 0)})
    report = resilience_assessment_report(result, SEED_POLICY)
    region = report["domains"][3]
    assert (region["target_rto_in_secs"], region["target_rpo_in_secs"]) == (3600, 5)
    assert region["achieved_rto_in_secs"] is None
    assert region["status"] == "not assessed"


def test_targets_come_from_the_assessment_when_it_has_them():
    result = dict(BREACHED_RESULT, compliance={"software": compliance_entry(7200, 600, 900, 0)})
    report = resilience_assessment_report(result, SEED_POLICY)
    assert (report["domains"][0]["target_rto_in_secs"], report["domains"][0]["target_rpo_in_secs"]) == (7200, 600)


@pytest.mark.parametrize(
    "result, reason, expected",
    [
        (None, "the local endpoint has no StartAppAssessment", "the local endpoint has no StartAppAssessment"),
        ({"changed": True, "msg": "Check mode: no assessment started"}, None, "Check mode: no assessment started"),
        ({}, None, "no assessment was run"),
    ],
)
def test_no_assessment_reports_why_and_the_targets(result, reason, expected):
    report = resilience_assessment_report(result, SEED_POLICY, reason=reason)
    assert report["assessed"] is False
    assert report["reason"] == expected
    assert report["breached"] is False
    assert report["compliance_status"] is None
    rows = [(d["domain"], d["target_rto_in_secs"], d["target_rpo_in_secs"], d["status"]) for d in report["domains"]]
    assert rows == [
        ("software", 5400, 300, "not assessed"),
        ("hardware", 1, 1, "not assessed"),
        ("az", 1, 1, "not assessed"),
        ("region", 3600, 5, "not assessed"),
    ]


def test_the_table_of_a_breached_assessment():
    lines = resilience_assessment_table(resilience_assessment_report(BREACHED_RESULT, SEED_POLICY))
    assert lines == [
        "Assessment mrdemo-20261104T101500Z: PolicyBreached, resiliency score 55.0",
        "Domain   | Target RTO | Achieved RTO | Target RPO | Achieved RPO | Status",
        "---------+------------+--------------+------------+--------------+---------",
        "Software | 1h 30m     | 15m          | 5m         | 0s           | met",
        "Hardware | 1s         | 0s           | 1s         | 0s           | met",
        "AZ       | 1s         | 1s           | 1s         | 0s           | met",
        "Region   | 1h         | 2h !         | 5s         | 1s           | BREACHED",
        "Policy breached in: region",
    ]


def test_the_table_without_an_assessment():
    report = resilience_assessment_report(None, SEED_POLICY, reason="the local endpoint has no StartAppAssessment")
    lines = resilience_assessment_table(report)
    assert lines[0] == "No assessment: the local endpoint has no StartAppAssessment"
    assert lines[3] == "Software | 1h 30m     | -            | 5m         | -            | not assessed"
    assert len(lines) == 7


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0s"), (59, "59s"), (60, "1m"), (3661, "1h 1m 1s"), (90000, "1d 1h")],
)
def test_durations_in_the_table(seconds, text):
    result = {"compliance": {"software": compliance_entry(seconds, 0, 0, 0)}, "compliance_status": "PolicyMet"}
    lines = resilience_assessment_table(resilience_assessment_report(result))
    assert lines[3].split(" | ")[1].strip() == text


def test_the_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "resilience_policy_errors",
        "resilience_app_resources",
        "resilience_assessment_report",
        "resilience_assessment_table",
    }

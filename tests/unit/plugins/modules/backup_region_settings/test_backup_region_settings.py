"""backup_region_settings against a stubbed AWS Backup: enable advanced DynamoDB backup, no change, check mode."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import backup_region_settings as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

# DescribeRegionSettings as the AWS Backup API reference shows it: every type's opt-in, and the types that
# support full management. A new account has DynamoDB opted in but not fully managed.
OPT_IN = {"Aurora": True, "DynamoDB": True, "EBS": True, "EC2": True, "EFS": True, "RDS": True, "S3": False}
MANAGED_OFF = {"DynamoDB": False, "EFS": True}

ADVANCED_DDB = {
    "resource_type_opt_in_preference": {"DynamoDB": True},
    "resource_type_management_preference": {"DynamoDB": True},
}


def described(stub, opt_in=None, managed=None):
    stub.add_response(
        "describe_region_settings",
        {
            "ResourceTypeOptInPreference": dict(OPT_IN if opt_in is None else opt_in),
            "ResourceTypeManagementPreference": dict(MANAGED_OFF if managed is None else managed),
        },
        {},
    )


def test_enables_advanced_dynamodb_backup_sending_only_what_differs(aws):
    stub = aws.stub("backup")
    described(stub)
    stub.add_response("update_region_settings", {}, {"ResourceTypeManagementPreference": {"DynamoDB": True}})
    described(stub, managed={"DynamoDB": True, "EFS": True})

    result = run_module(module.main, ADVANCED_DDB, diff=True)

    assert result["changed"] is True
    assert result["changes"] == {"resource_type_management_preference": {"DynamoDB": True}}
    assert result["region_settings"]["resource_type_management_preference"] == {"DynamoDB": True, "EFS": True}
    # Other types are left as they were.
    assert result["region_settings"]["resource_type_opt_in_preference"] == OPT_IN
    assert result["diff"]["before"]["resource_type_management_preference"]["DynamoDB"] is False
    assert result["diff"]["after"]["resource_type_management_preference"]["DynamoDB"] is True


def test_opts_in_and_manages_when_both_are_off(aws):
    stub = aws.stub("backup")
    described(stub, opt_in={**OPT_IN, "DynamoDB": False})
    stub.add_response(
        "update_region_settings",
        {},
        {"ResourceTypeOptInPreference": {"DynamoDB": True}, "ResourceTypeManagementPreference": {"DynamoDB": True}},
    )
    described(stub, managed={"DynamoDB": True, "EFS": True})

    result = run_module(module.main, ADVANCED_DDB)

    assert result["changed"] is True
    assert set(result["changes"]) == {"resource_type_opt_in_preference", "resource_type_management_preference"}


def test_a_type_the_region_does_not_list_is_sent(aws):
    stub = aws.stub("backup")
    described(stub, managed={"EFS": True})
    stub.add_response("update_region_settings", {}, {"ResourceTypeManagementPreference": {"DynamoDB": True}})
    described(stub, managed={"DynamoDB": True, "EFS": True})

    result = run_module(module.main, {"resource_type_management_preference": {"DynamoDB": True}})

    assert result["changed"] is True


def test_no_change_when_already_enabled(aws):
    described(aws.stub("backup"), managed={"DynamoDB": True, "EFS": True})

    result = run_module(module.main, ADVANCED_DDB, diff=True)

    assert result["changed"] is False
    assert result["changes"] == {}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_check_mode_reports_the_difference_and_changes_nothing(aws):
    described(aws.stub("backup"))

    result = run_module(module.main, ADVANCED_DDB, check_mode=True)

    assert result["changed"] is True
    assert result["changes"] == {"resource_type_management_preference": {"DynamoDB": True}}
    assert result["region_settings"]["resource_type_management_preference"]["DynamoDB"] is True


def test_strings_from_templates_are_read_as_booleans(aws):
    described(aws.stub("backup"), managed={"DynamoDB": True, "EFS": True})

    result = run_module(module.main, {"resource_type_management_preference": {"DynamoDB": "true"}})

    assert result["changed"] is False


def test_a_value_that_is_not_a_boolean_fails_before_any_call(aws):
    result = run_module(module.main, {"resource_type_management_preference": {"DynamoDB": "sometimes"}})

    assert result["failed"] is True
    assert "resource_type_management_preference: every value must be true or false" in result["msg"]


@pytest.mark.parametrize("operation", ["describe", "update"])
def test_errors_name_the_call(aws, operation):
    stub = aws.stub("backup")
    if operation == "describe":
        stub.add_client_error("describe_region_settings", **client_error("AccessDeniedException", "denied", 403))
    else:
        described(stub)
        stub.add_client_error("update_region_settings", **client_error("InvalidParameterValueException"))

    result = run_module(module.main, ADVANCED_DDB)

    assert_fails_mentioning(result, f"Failed to {operation} the AWS Backup region settings")

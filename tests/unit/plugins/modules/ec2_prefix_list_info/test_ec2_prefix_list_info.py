from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.modules import ec2_prefix_list_info
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

S3 = {"PrefixListId": "pl-6da54004", "PrefixListName": "com.amazonaws.eu-west-1.s3", "Cidrs": ["52.218.0.0/17"]}
DDB = {"PrefixListId": "pl-6fa54006", "PrefixListName": "com.amazonaws.eu-west-1.dynamodb", "Cidrs": ["52.94.5.0/24"]}
FILTER = {"Filters": [{"Name": "prefix-list-name", "Values": [DDB["PrefixListName"], S3["PrefixListName"]]}]}


def test_by_service(aws):
    aws.stub("ec2").add_response("describe_prefix_lists", {"PrefixLists": [S3, DDB]}, FILTER)
    result = run_module(ec2_prefix_list_info.main, {"services": ["s3", "dynamodb"]})
    assert_unchanged(result)
    assert result["by_service"]["dynamodb"]["prefix_list_id"] == "pl-6fa54006"
    assert result["by_service"]["s3"]["cidrs"] == ["52.218.0.0/17"]


def test_paginates(aws):
    aws.stub("ec2").add_response("describe_prefix_lists", {"PrefixLists": [S3], "NextToken": "t"}, FILTER)
    aws.stub("ec2").add_response("describe_prefix_lists", {"PrefixLists": [DDB]}, {**FILTER, "NextToken": "t"})
    result = run_module(ec2_prefix_list_info.main, {"services": ["s3", "dynamodb"]})
    assert sorted(result["by_service"]) == ["dynamodb", "s3"]


def test_missing_service_fails_naming_it(aws):
    aws.stub("ec2").add_response("describe_prefix_lists", {"PrefixLists": [S3]}, FILTER)
    result = run_module(ec2_prefix_list_info.main, {"services": ["s3", "dynamodb"]})
    assert result["failed"]
    assert "dynamodb" in result["msg"] and "eu-west-1" in result["msg"]


def test_throttling_is_retried(aws):
    aws.stub("ec2").add_client_error("describe_prefix_lists", **client_error("RequestLimitExceeded", status=503))
    aws.stub("ec2").add_response("describe_prefix_lists", {"PrefixLists": [S3, DDB]}, FILTER)
    result = run_module(ec2_prefix_list_info.main, {"services": ["s3", "dynamodb"]})
    assert not result.get("failed"), result
    assert aws.sleeps


def test_unknown_id_is_empty(aws):
    aws.stub("ec2").add_client_error("describe_prefix_lists", **client_error("InvalidPrefixListID.NotFound"))
    result = run_module(ec2_prefix_list_info.main, {"prefix_list_ids": ["pl-missing"]})
    assert result["prefix_lists"] == []


def test_other_errors_fail(aws):
    aws.stub("ec2").add_client_error("describe_prefix_lists", **client_error("UnauthorizedOperation"))
    result = run_module(ec2_prefix_list_info.main, {"services": ["s3"]})
    assert result["failed"] and "Failed to describe prefix lists" in result["msg"]

"""dynamodb_table_items_info against a stubbed DynamoDB: exists or not, items or not, paging, throttling, errors."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_table_items_info as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-items"
ARN = f"arn:aws:dynamodb:eu-west-1:123456789012:table/{NAME}"
SCAN = {"TableName": NAME, "Limit": 1, "Select": "COUNT", "ConsistentRead": True}


def described(stub, status="ACTIVE"):
    stub.add_response(
        "describe_table",
        {
            "Table": {
                "TableName": NAME,
                "TableArn": ARN,
                "TableStatus": status,
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "CreationDateTime": datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
                "ItemCount": 0,
            }
        },
        {"TableName": NAME},
    )


def scanned(stub, count, last_key=None, start_key=None):
    answer = {"Count": count, "ScannedCount": count}
    if last_key:
        answer["LastEvaluatedKey"] = {"pk": {"S": last_key}}
    params = dict(SCAN, ExclusiveStartKey={"pk": {"S": start_key}}) if start_key else dict(SCAN)
    stub.add_response("scan", answer, params)


def test_table_with_items(aws):
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, 1, last_key="a")

    result = run_module(module.main, {"name": NAME})

    assert result == {
        "changed": False,
        "table_exists": True,
        "has_items": True,
        "table_status": "ACTIVE",
        "table_arn": ARN,
    }


@pytest.mark.parametrize(
    "pages, has_items",
    [
        pytest.param([(0, {})], False, id="empty_table"),
        # ItemCount says 0 (it is refreshed about every six hours); the scan follows LastEvaluatedKey past empty pages.
        pytest.param(
            [(0, {"last_key": "k1"}), (0, {"last_key": "k2", "start_key": "k1"}), (1, {"start_key": "k2"})],
            True,
            id="item_found_after_empty_pages",
        ),
        pytest.param([(0, {"last_key": "k1"}), (0, {"start_key": "k1"})], False, id="empty_after_several_pages"),
    ],
)
def test_the_scan_follows_the_pages(aws, pages, has_items):
    stub = aws.stub("dynamodb")
    described(stub)
    for count, keys in pages:
        scanned(stub, count, **keys)

    result = run_module(module.main, {"name": NAME})

    assert result["table_exists"] is True
    assert result["has_items"] is has_items


def test_missing_table(aws):
    aws.stub("dynamodb").add_client_error(
        "describe_table", expected_params={"TableName": NAME}, **client_error("ResourceNotFoundException")
    )

    result = run_module(module.main, {"name": NAME})

    assert result == {"changed": False, "table_exists": False, "has_items": False, "table_status": "", "table_arn": ""}


def test_table_being_deleted_counts_as_gone(aws):
    described(aws.stub("dynamodb"), status="DELETING")

    result = run_module(module.main, {"name": NAME})

    assert result["table_exists"] is False
    assert result["has_items"] is False


def test_check_mode_reads_the_same(aws):
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, 1)

    result = run_module(module.main, {"table_name": NAME}, check_mode=True)

    assert result["has_items"] is True
    assert result["changed"] is False


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_throttled_scan_is_retried(aws, code):
    stub = aws.stub("dynamodb")
    described(stub)
    stub.add_client_error("scan", expected_params=SCAN, **client_error(code))
    scanned(stub, 1)

    result = run_module(module.main, {"name": NAME})

    assert result["has_items"] is True
    assert aws.sleeps


def test_throttled_describe_is_retried(aws):
    stub = aws.stub("dynamodb")
    stub.add_client_error("describe_table", expected_params={"TableName": NAME}, **client_error("ThrottlingException"))
    described(stub)
    scanned(stub, 0)

    result = run_module(module.main, {"name": NAME})

    assert result["table_exists"] is True
    assert aws.sleeps


def test_scan_denied_says_what_failed(aws):
    stub = aws.stub("dynamodb")
    described(stub)
    stub.add_client_error("scan", expected_params=SCAN, **client_error("AccessDeniedException", "no scan", 400))

    result = run_module(module.main, {"name": NAME})

    assert_fails_with(result, f"Failed to check whether table {NAME} holds items")


def test_describe_denied_says_what_failed(aws):
    aws.stub("dynamodb").add_client_error(
        "describe_table", expected_params={"TableName": NAME}, **client_error("AccessDeniedException", "denied", 400)
    )

    result = run_module(module.main, {"name": NAME})

    assert_fails_with(result, f"Failed to describe table {NAME}")

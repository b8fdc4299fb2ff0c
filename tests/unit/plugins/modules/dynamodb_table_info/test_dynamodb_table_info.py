from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_table_info
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import ARN
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import KEY_ARN
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import NAME
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import TAGS
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import (
    queue_describe_full,
)
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import (
    queue_describe_table,
)
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import replica
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dynamodb_table.responses import table


def test_one_table_in_the_module_shape(aws):
    queue_describe_full(aws.stub("dynamodb"), table(replicas=[replica("eu-central-1", "CREATING")]))
    result = run_module(dynamodb_table_info.main, {"name": NAME})
    assert_unchanged(result)
    assert result["tables"] == [result["table"]]
    t = result["table"]
    assert t["table_arn"] == ARN
    assert t["sse_description"]["kms_master_key_arn"] == KEY_ARN
    assert t["point_in_time_recovery"] is True
    assert t["ttl"] == {"status": "ENABLED", "attribute_name": "expires_at"}
    assert t["replicas"] == [{"region_name": "eu-central-1", "replica_status": "CREATING"}]
    assert t["tags"] == TAGS


def test_missing_table_is_empty(aws):
    queue_describe_table(aws.stub("dynamodb"), None)
    result = run_module(dynamodb_table_info.main, {"name": NAME})
    assert result["tables"] == [] and result["table"] == {}


def test_every_table_over_all_pages_skipping_one_deleted_meanwhile(aws):
    stub = aws.stub("dynamodb")
    stub.add_response("list_tables", {"TableNames": ["gone"], "LastEvaluatedTableName": "gone"}, {})
    stub.add_response("list_tables", {"TableNames": [NAME]}, {"ExclusiveStartTableName": "gone"})
    stub.add_client_error(
        "describe_table", **client_error("ResourceNotFoundException"), expected_params={"TableName": "gone"}
    )
    queue_describe_full(stub, table())
    result = run_module(dynamodb_table_info.main, {})
    assert [t["table_name"] for t in result["tables"]] == [NAME]
    assert "table" not in result


def test_throttled_listing_is_retried(aws):
    stub = aws.stub("dynamodb")
    stub.add_client_error("list_tables", **client_error("ThrottlingException"))
    stub.add_response("list_tables", {"TableNames": []}, {})
    result = run_module(dynamodb_table_info.main, {})
    assert result["tables"] == []
    assert aws.sleeps


def test_throttled_tag_listing_is_retried(aws):
    stub = aws.stub("dynamodb")
    queue_describe_table(stub, table())
    stub.add_response(
        "describe_continuous_backups", {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}}
    )
    stub.add_response("describe_time_to_live", {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})
    stub.add_client_error("list_tags_of_resource", **client_error("ThrottlingException"))
    stub.add_response("list_tags_of_resource", {"Tags": [], "NextToken": "n"}, {"ResourceArn": ARN})
    stub.add_response(
        "list_tags_of_resource", {"Tags": [{"Key": "k", "Value": "v"}]}, {"ResourceArn": ARN, "NextToken": "n"}
    )
    result = run_module(dynamodb_table_info.main, {"name": NAME})
    assert result["table"]["tags"] == {"k": "v"}
    assert result["table"]["point_in_time_recovery"] is False
    assert result["table"]["ttl"] == {"status": "DISABLED", "attribute_name": None}
    assert aws.sleeps


def test_other_errors_fail(aws):
    aws.stub("dynamodb").add_client_error("describe_table", **client_error("AccessDeniedException"))
    result = run_module(dynamodb_table_info.main, {"name": NAME})
    assert result["failed"] and f"Failed to describe table {NAME}" in result["msg"]

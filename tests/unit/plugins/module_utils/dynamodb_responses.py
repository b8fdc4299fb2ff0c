"""Stubbed DynamoDB exchanges that several modules' tests share, as module_utils._dynamodb makes them."""

from __future__ import annotations


def prefix_scanned(stub, table: str, prefix: str, items, next_key=None, start=None) -> None:
    """Queue one page of ``scan_prefix`` on ``table``: the items whose key starts with ``prefix``, given as
    (key, written_at) pairs; the page ends at ``next_key`` when given and is read from ``start`` when given."""
    response = {"Items": [{"primary_key": {"S": k}, "written_at": {"S": w}} for k, w in items], "Count": len(items)}
    if next_key:
        response["LastEvaluatedKey"] = {"primary_key": {"S": next_key}}
    params = {
        "TableName": table,
        "ConsistentRead": True,
        "FilterExpression": "begins_with(#k, :prefix)",
        "ProjectionExpression": "#k, written_at",
        "ExpressionAttributeNames": {"#k": "primary_key"},
        "ExpressionAttributeValues": {":prefix": {"S": prefix}},
    }
    if start:
        params["ExclusiveStartKey"] = {"primary_key": {"S": start}}
    stub.add_response("scan", response, params)

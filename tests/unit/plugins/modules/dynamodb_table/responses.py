"""DynamoDB API responses shaped as the API reference documents them, for the Stubber."""

from __future__ import annotations

import datetime

NAME = "global-table"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{NAME}"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-2222-3333-4444-555555555555"
CENTRAL_KEY_ARN = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/22222222-2222-3333-4444-555555555555"
CREATED = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
STREAM_LABEL = "2026-11-01T00:00:00.000"
TAGS = {"application": "multiregion"}

# Options that describe exactly the table ``table()`` returns (with ``describe_full`` defaults).
MATCHING_ARGS = {
    "name": NAME,
    "hash_key_name": "primary_key",
    "hash_key_type": "S",
    "billing_mode": "PAY_PER_REQUEST",
    "stream_view_type": "NEW_AND_OLD_IMAGES",
    "sse_kms_key_id": KEY_ARN,
    "point_in_time_recovery": True,
    "deletion_protection": True,
    "ttl_attribute": "expires_at",
    "tags": TAGS,
}

# The state the module reports for the table ``table()`` returns, without replicas.
STATE = {
    "hash_key_name": "primary_key",
    "hash_key_type": "S",
    "range_key_name": None,
    "range_key_type": None,
    "billing_mode": "PAY_PER_REQUEST",
    "read_capacity": None,
    "write_capacity": None,
    "stream_view_type": "NEW_AND_OLD_IMAGES",
    "sse_kms_key_arn": KEY_ARN,
    "table_class": "STANDARD",
    "deletion_protection": True,
    "point_in_time_recovery": True,
    "ttl_attribute": "expires_at",
    "tags": TAGS,
    "replicas": [],
}


def replica(region: str, status: str = "ACTIVE", **extra) -> dict:
    return {"RegionName": region, "ReplicaStatus": status, **extra}


def table(
    status: str = "ACTIVE",
    billing: str = "PAY_PER_REQUEST",
    read: int = 0,
    write: int = 0,
    stream: str | None = "NEW_AND_OLD_IMAGES",
    key_arn: str | None = KEY_ARN,
    protection: bool = True,
    replicas: list | None = None,
    table_class: str | None = None,
    items: int = 0,
) -> dict:
    description = {
        "TableName": NAME,
        "TableArn": ARN,
        "TableId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        "TableStatus": status,
        "CreationDateTime": CREATED,
        "KeySchema": [{"AttributeName": "primary_key", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "primary_key", "AttributeType": "S"}],
        "BillingModeSummary": {"BillingMode": billing},
        "ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write},
        "DeletionProtectionEnabled": protection,
        "ItemCount": items,
        "TableSizeBytes": 0,
    }
    if stream:
        description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
        description["LatestStreamLabel"] = STREAM_LABEL
        description["LatestStreamArn"] = f"{ARN}/stream/{STREAM_LABEL}"
    if key_arn:
        description["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key_arn}
    if replicas is not None:
        description["Replicas"] = replicas
        description["GlobalTableVersion"] = "2019.11.21"
    if table_class:
        description["TableClassSummary"] = {"TableClass": table_class}
    return description


def backups(pitr: bool = True) -> dict:
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"},
        }
    }


def ttl(attribute: str | None = "expires_at") -> dict:
    if not attribute:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}}


def tag_list(tags: dict) -> list:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def queue_describe_table(stub, description: dict | None) -> None:
    if description is None:
        stub.add_client_error(
            "describe_table",
            service_error_code="ResourceNotFoundException",
            service_message=f"Requested resource not found: Table: {NAME} not found",
            http_status_code=400,
            expected_params={"TableName": NAME},
        )
    else:
        stub.add_response("describe_table", {"Table": description}, {"TableName": NAME})


def queue_describe_full(stub, description: dict | None = None, pitr=True, ttl_attribute="expires_at", tags=None):
    """The four reads of a full describe (just the first, not found, when ``description`` is None)."""
    queue_describe_table(stub, description)
    if description is None:
        return
    stub.add_response("describe_continuous_backups", backups(pitr), {"TableName": NAME})
    stub.add_response("describe_time_to_live", ttl(ttl_attribute), {"TableName": NAME})
    stub.add_response("list_tags_of_resource", {"Tags": tag_list(TAGS if tags is None else tags)}, {"ResourceArn": ARN})

"""dynamodb_table and dynamodb_table_info through ansible-playbook against the local endpoint.

Every setting is checked with boto3 on the endpoint, not with the module's own report. Replicas are not
emulated there (UpdateTable ReplicaUpdates answers 200 and does nothing): the playbook asserts that the module
says so instead of reporting a replica.
"""

from __future__ import annotations

import json

import pytest

PLAYBOOK = "tests/integration/playbooks/dynamodb_table.yml"
TABLE = "integration-table"
ALIAS = "alias/integration-table"


@pytest.fixture
def keys(boto):
    """A key with an alias in eu-west-1 and a key in eu-central-1, as extra vars for the playbook."""
    kms = boto("kms", "eu-west-1")
    key = kms.create_key(Description="integration-table")["KeyMetadata"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key["KeyId"])
    central = boto("kms", "eu-central-1").create_key(Description="integration-table replica")["KeyMetadata"]
    return {"key_arn": key["Arn"], "vars": {"table_key": ALIAS, "table_central_key": central["Arn"]}}


def play(ansible_playbook, keys, phase, *args):
    return ansible_playbook(PLAYBOOK, "-e", json.dumps({**keys["vars"], "table_phase": phase}), *args)


def test_check_mode_on_a_fresh_endpoint_creates_nothing(ansible_playbook, boto, keys):
    run = play(ansible_playbook, keys, "create", "--check")
    assert run.returncode == 0, run.failures() or run.stderr
    assert run.changed() == {"localhost": 1}
    assert boto("dynamodb").list_tables()["TableNames"] == []


def test_table_lifecycle(ansible_playbook, boto, keys):
    dynamodb = boto("dynamodb")

    created = play(ansible_playbook, keys, "create")
    assert created.returncode == 0, created.failures() or created.stderr
    assert created.changed_tasks() == ["localhost: Table with every setting"]

    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "primary_key", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    # The alias was resolved: the table is encrypted with the key it points to.
    assert table["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": keys["key_arn"]}
    assert table["DeletionProtectionEnabled"] is True
    backups = dynamodb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert dynamodb.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [
        {"Key": "application", "Value": "multiregion"},
        {"Key": "owner", "Value": "platform"},
    ]

    again = play(ansible_playbook, keys, "create")
    assert again.returncode == 0, again.failures() or again.stderr
    assert again.changed() == {"localhost": 0}, again.changed_tasks()

    updated = play(ansible_playbook, keys, "update")
    assert updated.returncode == 0, updated.failures() or updated.stderr
    assert updated.changed_tasks() == ["localhost: Settings changed"]
    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert (
        table["ProvisionedThroughput"]["ReadCapacityUnits"],
        table["ProvisionedThroughput"]["WriteCapacityUnits"],
    ) == (2, 3)
    assert table["DeletionProtectionEnabled"] is False
    assert "Replicas" not in table or table["Replicas"] == []
    backups = dynamodb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    assert dynamodb.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]["AttributeName"] == "valid_until"
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [
        {"Key": "application", "Value": "multiregion"},
        {"Key": "tier", "Value": "critical"},
    ]

    dynamodb.put_item(TableName=TABLE, Item={"primary_key": {"S": "kept"}})
    refused = play(ansible_playbook, keys, "absent_unconfirmed")
    assert refused.returncode != 0
    assert any("holds items" in failure and "delete_with_items=true" in failure for failure in refused.failures())
    assert dynamodb.get_item(TableName=TABLE, Key={"primary_key": {"S": "kept"}})["Item"] == {
        "primary_key": {"S": "kept"}
    }

    deleted = play(ansible_playbook, keys, "absent")
    assert deleted.returncode == 0, deleted.failures() or deleted.stderr
    assert deleted.changed() == {"localhost": 1}
    assert dynamodb.list_tables()["TableNames"] == []

"""The pure planning functions: what changes, in which calls, and what is refused."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _dynamodb as ddb

from .responses import KEY_ARN
from .responses import OTHER_KEY_ARN
from .responses import STATE

REGION = "eu-west-1"

CURRENT = STATE


def params(**options):
    """Module params as AnsibleModule fills them: every option present, the defaults applied."""
    return {
        "hash_key_name": None,
        "hash_key_type": None,
        "range_key_name": None,
        "range_key_type": None,
        "billing_mode": "PAY_PER_REQUEST",
        "read_capacity": None,
        "write_capacity": None,
        "stream_view_type": None,
        "sse_kms_key_id": None,
        "point_in_time_recovery": None,
        "deletion_protection": True,
        "ttl_attribute": None,
        "table_class": None,
        "replicas": None,
        "purge_replicas": False,
        "tags": None,
        "purge_tags": True,
        **options,
    }


def plan(current, key_arn=None, **options):
    p = params(**options)
    wanted = ddb.wanted_settings(p, current, REGION, key_arn)
    return wanted, ddb.build_actions(current, wanted, ddb.wanted_replicas(p, REGION))


@pytest.mark.parametrize(
    "options, key_arn, expected",
    [
        ({}, None, []),
        (
            {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 10},
            None,
            [
                (
                    "update_table",
                    {
                        "BillingMode": "PROVISIONED",
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10},
                    },
                )
            ],
        ),
        (
            {"sse_kms_key_id": OTHER_KEY_ARN},
            OTHER_KEY_ARN,
            [
                (
                    "update_table",
                    {"SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": OTHER_KEY_ARN}},
                )
            ],
        ),
        ({"sse_kms_key_id": ""}, "", [("update_table", {"SSESpecification": {"Enabled": False}})]),
        (
            {"table_class": "STANDARD_INFREQUENT_ACCESS"},
            None,
            [("update_table", {"TableClass": "STANDARD_INFREQUENT_ACCESS"})],
        ),
        ({"deletion_protection": False}, None, [("update_table", {"DeletionProtectionEnabled": False})]),
        (
            {"stream_view_type": "KEYS_ONLY"},
            None,
            [
                ("update_table", {"StreamSpecification": {"StreamEnabled": False}}),
                ("update_table", {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}}),
            ],
        ),
        ({"stream_view_type": "DISABLED"}, None, [("update_table", {"StreamSpecification": {"StreamEnabled": False}})]),
        (
            {"point_in_time_recovery": False},
            None,
            [
                (
                    "update_continuous_backups",
                    {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False}},
                )
            ],
        ),
        (
            {"ttl_attribute": ""},
            None,
            [("update_time_to_live", {"TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires_at"}})],
        ),
        (
            {"ttl_attribute": "valid_until"},
            None,
            [
                ("update_time_to_live", {"TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires_at"}}),
                ("update_time_to_live", {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "valid_until"}}),
            ],
        ),
        (
            {"tags": {"team": "platform"}},
            None,
            [
                ("tag_resource", {"Tags": [{"Key": "team", "Value": "platform"}]}),
                ("untag_resource", {"TagKeys": ["application"]}),
            ],
        ),
        (
            {"tags": {"team": "platform"}, "purge_tags": False},
            None,
            [("tag_resource", {"Tags": [{"Key": "team", "Value": "platform"}]})],
        ),
        ({"tags": {"application": "multiregion"}}, None, []),
        (
            {"replicas": [{"region_name": "eu-central-1", "kms_key_id": "alias/central", "table_class": "STANDARD"}]},
            None,
            [
                (
                    "create_replica",
                    {"RegionName": "eu-central-1", "KMSMasterKeyId": "alias/central", "TableClassOverride": "STANDARD"},
                )
            ],
        ),
        # The module's own region stands for the table itself.
        ({"replicas": [{"region_name": REGION}]}, None, []),
    ],
)
def test_each_setting_becomes_its_own_call(options, key_arn, expected):
    assert plan(CURRENT, key_arn, **options)[1] == expected


def test_unchanged_when_everything_is_left_out():
    wanted, actions = plan(CURRENT)
    assert wanted == CURRENT
    assert actions == []


@pytest.mark.parametrize(
    "replicas, purge, expected_regions, expected_actions",
    [
        (None, True, ["eu-central-1", "us-east-1"], []),
        ([{"region_name": "eu-central-1"}], False, ["eu-central-1", "us-east-1"], []),
        ([{"region_name": "eu-central-1"}], True, ["eu-central-1"], [("delete_replica", {"RegionName": "us-east-1"})]),
        (
            [],
            True,
            [],
            [("delete_replica", {"RegionName": "eu-central-1"}), ("delete_replica", {"RegionName": "us-east-1"})],
        ),
        (
            [{"region_name": "ap-south-1"}, {"region_name": "eu-central-1"}],
            True,
            ["ap-south-1", "eu-central-1"],
            [("create_replica", {"RegionName": "ap-south-1"}), ("delete_replica", {"RegionName": "us-east-1"})],
        ),
    ],
)
def test_replicas_are_removed_only_with_purge(replicas, purge, expected_regions, expected_actions):
    current = dict(CURRENT, sse_kms_key_arn="", replicas=["eu-central-1", "us-east-1"])
    wanted, actions = plan(current, replicas=replicas, purge_replicas=purge)
    assert wanted["replicas"] == expected_regions
    assert actions == expected_actions


def test_replicas_are_added_in_the_order_given_before_any_removal():
    current = dict(CURRENT, sse_kms_key_arn="", replicas=["us-east-1"])
    actions = plan(
        current, replicas=[{"region_name": "us-west-2"}, {"region_name": "eu-central-1"}], purge_replicas=True
    )[1]
    assert [a[1]["RegionName"] for a in actions] == ["us-west-2", "eu-central-1", "us-east-1"]
    assert [a[0] for a in actions] == ["create_replica", "create_replica", "delete_replica"]


def test_stream_is_enabled_before_the_first_replica():
    current = dict(CURRENT, stream_view_type="DISABLED", sse_kms_key_arn="")
    wanted, actions = plan(current, replicas=[{"region_name": "eu-central-1"}])
    assert wanted["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    assert actions == [
        ("update_table", {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
        ("create_replica", {"RegionName": "eu-central-1"}),
    ]


def test_a_new_table_gets_defaults_and_the_calls_createtable_cannot_make():
    p = params(
        hash_key_name="pk",
        range_key_name="sk",
        range_key_type="N",
        point_in_time_recovery=True,
        ttl_attribute="expires_at",
        tags={"a": "b"},
        replicas=[{"region_name": "eu-central-1", "kms_key_id": "alias/k"}],
    )
    wanted = ddb.wanted_settings(p, None, REGION, KEY_ARN)
    assert wanted["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    assert ddb.create_table_request("t", wanted) == {
        "TableName": "t",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": True,
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ARN},
        "Tags": [{"Key": "a", "Value": "b"}],
    }
    assert ddb.build_actions(ddb.created_settings(wanted), wanted, ddb.wanted_replicas(p, REGION)) == [
        ("update_continuous_backups", {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}),
        ("update_time_to_live", {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires_at"}}),
        ("create_replica", {"RegionName": "eu-central-1", "KMSMasterKeyId": "alias/k"}),
    ]


def test_a_plain_new_table_has_no_stream_and_the_aws_owned_key():
    p = params(hash_key_name="pk", deletion_protection=False)
    wanted = ddb.wanted_settings(p, None, REGION, None)
    assert ddb.create_table_request("t", wanted) == {
        "TableName": "t",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": False,
    }
    assert ddb.build_actions(ddb.created_settings(wanted), wanted, {}) == []


@pytest.mark.parametrize(
    "current, options, message",
    [
        (None, {}, "hash_key_name is required"),
        (CURRENT, {"hash_key_name": "id"}, "hash_key_name cannot change"),
        (CURRENT, {"hash_key_type": "N"}, "hash_key_type cannot change"),
        (CURRENT, {"range_key_name": "sk"}, "range_key_name cannot change"),
        (
            CURRENT,
            {"replicas": [{"region_name": "eu-central-1"}]},
            "give kms_key_id (a key in that region) for the new replica in eu-central-1",
        ),
        (
            dict(CURRENT, sse_kms_key_arn=""),
            {"replicas": [{"region_name": "eu-central-1"}], "stream_view_type": "NEW_IMAGE"},
            "needs stream_view_type NEW_AND_OLD_IMAGES",
        ),
        (
            dict(CURRENT, sse_kms_key_arn="", replicas=["eu-central-1"]),
            {"stream_view_type": "DISABLED"},
            "needs stream_view_type NEW_AND_OLD_IMAGES",
        ),
        (
            dict(CURRENT, sse_kms_key_arn=""),
            {"replicas": [{"region_name": "eu-central-1"}, {"region_name": "eu-central-1"}]},
            "more than once: eu-central-1",
        ),
        (CURRENT, {"billing_mode": "PROVISIONED", "read_capacity": 5}, "needs read_capacity and write_capacity"),
    ],
)
def test_plans_aws_would_refuse_are_rejected(current, options, message):
    p = params(**options)
    wanted = ddb.wanted_settings(p, current, REGION, None)
    problems = ddb.validate(current, wanted, p, REGION)
    assert any(message in problem for problem in problems), problems


def test_an_existing_replica_needs_no_key():
    current = dict(CURRENT, replicas=["eu-central-1"])
    p = params(replicas=[{"region_name": "eu-central-1"}])
    assert ddb.validate(current, ddb.wanted_settings(p, current, REGION, None), p, REGION) == []


@pytest.mark.parametrize(
    "sse, ttl, expected_key, expected_ttl",
    [
        ({}, {"status": "DISABLED", "attribute_name": None}, "", ""),
        (
            {"status": "ENABLED", "sse_type": "KMS", "kms_master_key_arn": KEY_ARN},
            {"status": "ENABLING", "attribute_name": "x"},
            KEY_ARN,
            "x",
        ),
        ({"status": "DISABLED", "sse_type": "KMS"}, {"status": "DISABLING", "attribute_name": "x"}, "", ""),
    ],
)
def test_current_settings_read_encryption_and_ttl_states(sse, ttl, expected_key, expected_ttl):
    table = {
        "table_name": "t",
        "key_schema": [{"attribute_name": "pk", "key_type": "HASH"}],
        "attribute_definitions": [{"attribute_name": "pk", "attribute_type": "S"}],
        "billing_mode": "PROVISIONED",
        "provisioned_throughput": {"read_capacity_units": 1, "write_capacity_units": 2},
        "stream_view_type": None,
        "sse_description": sse,
        "table_class": "STANDARD",
        "deletion_protection_enabled": False,
        "point_in_time_recovery": False,
        "ttl": ttl,
        "tags": {},
        "replicas": [{"region_name": "eu-west-1"}, {"region_name": "eu-central-1"}],
    }
    settings = ddb.current_settings(table, REGION)
    assert settings["sse_kms_key_arn"] == expected_key
    assert settings["ttl_attribute"] == expected_ttl
    assert settings["stream_view_type"] == "DISABLED"
    assert (settings["read_capacity"], settings["write_capacity"]) == (1, 2)
    assert settings["replicas"] == ["eu-central-1"]

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import kms_key
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ACCOUNT = "123456789012"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"
ALIAS = "alias/global-api"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AccountAdministersAndUsesKeyThroughIAM",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["kms:Create*", "kms:Describe*", "kms:Put*"],
            "Resource": "*",
        }
    ],
}
TAGS = {"Deployment": "global-api"}
ARGS = {
    "alias": ALIAS,
    "description": "global-api logs",
    "enable_key_rotation": True,
    "policy": json.dumps(POLICY),
    "tags": TAGS,
}
# The key ARGS create, as the diff shows it (the result adds key_id and key_arn).
CREATED = {
    "alias": ALIAS,
    "key_state": "Enabled",
    "enabled": True,
    "description": "global-api logs",
    "rotation": True,
    "policy": POLICY,
    "tags": TAGS,
}
DELETION_DATE = datetime.datetime(2027, 1, 5, tzinfo=datetime.timezone.utc)  # noqa: UP017


def metadata(state="Enabled", description="global-api logs", **extra):
    meta = {
        "AWSAccountId": ACCOUNT,
        "KeyId": KEY_ID,
        "Arn": ARN,
        "Enabled": state == "Enabled",
        "Description": description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": state,
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT",
    }
    if state == "PendingDeletion":
        meta["DeletionDate"] = DELETION_DATE
    meta.update(extra)
    return meta


def expect(aws, operation, response, params):
    aws.stub("kms").add_response(operation, response, params)


def expect_describe(aws, meta):
    expect(aws, "describe_key", {"KeyMetadata": meta}, {"KeyId": ALIAS})


def expect_absent(aws):
    aws.stub("kms").add_client_error(
        "describe_key", expected_params={"KeyId": ALIAS}, **client_error("NotFoundException", "Alias is not found.")
    )


def expect_reads(aws, rotation=True, policy=None, tags=None):
    expect(aws, "get_key_rotation_status", {"KeyRotationEnabled": rotation}, {"KeyId": KEY_ID})
    expect(
        aws,
        "get_key_policy",
        {"Policy": json.dumps(POLICY if policy is None else policy), "PolicyName": "default"},
        {"KeyId": KEY_ID, "PolicyName": "default"},
    )
    tag_list = [{"TagKey": k, "TagValue": v} for k, v in (TAGS if tags is None else tags).items()]
    expect(aws, "list_resource_tags", {"Tags": tag_list, "Truncated": False}, {"KeyId": KEY_ID})


def expect_existing(aws, meta=None, **reads):
    expect_describe(aws, meta or metadata())
    expect_reads(aws, **reads)


def expect_create(aws):
    expect(
        aws,
        "create_key",
        {"KeyMetadata": metadata()},
        {
            "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "BypassPolicyLockoutSafetyCheck": False,
            "Description": "global-api logs",
            "Policy": json.dumps(POLICY),
            "Tags": [{"TagKey": "Deployment", "TagValue": "global-api"}],
        },
    )


# --- create -----------------------------------------------------------------------------------------------


def test_creates_the_key_its_alias_and_rotation(aws):
    expect_absent(aws)
    expect_create(aws)
    expect(aws, "create_alias", {}, {"AliasName": ALIAS, "TargetKeyId": KEY_ID})
    expect(aws, "enable_key_rotation", {}, {"KeyId": KEY_ID})
    result = run_module(kms_key.main, ARGS, diff=True)
    assert_changed(result)
    assert result["key"] == dict(CREATED, key_id=KEY_ID, key_arn=ARN)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["policy"] == POLICY


def test_alias_without_prefix_and_no_policy_reads_the_default_policy(aws):
    default = {"Version": "2012-10-17", "Id": "key-default-1", "Statement": []}
    expect_absent(aws)
    expect(
        aws,
        "create_key",
        {"KeyMetadata": metadata(description="")},
        {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "BypassPolicyLockoutSafetyCheck": False},
    )
    expect(aws, "create_alias", {}, {"AliasName": ALIAS, "TargetKeyId": KEY_ID})
    expect(aws, "get_key_policy", {"Policy": json.dumps(default)}, {"KeyId": KEY_ID, "PolicyName": "default"})
    result = run_module(kms_key.main, {"alias": "global-api"})
    assert_changed(result)
    assert result["key"]["policy"] == default
    assert result["key"]["rotation"] is False
    assert "diff" not in result  # only with --diff


def test_calls_right_after_create_retry_while_kms_does_not_know_the_key(aws):
    expect_absent(aws)
    expect_create(aws)
    aws.stub("kms").add_client_error("create_alias", **client_error("NotFoundException"))
    expect(aws, "create_alias", {}, {"AliasName": ALIAS, "TargetKeyId": KEY_ID})
    aws.stub("kms").add_client_error("enable_key_rotation", **client_error("NotFoundException"))
    expect(aws, "enable_key_rotation", {}, {"KeyId": KEY_ID})
    assert_changed(run_module(kms_key.main, ARGS))
    assert len(aws.sleeps) == 2


def test_create_retries_a_policy_kms_cannot_check_yet_then_fails_naming_the_key(aws):
    expect_absent(aws)
    for _attempt in range(4):
        aws.stub("kms").add_client_error(
            "create_key", **client_error("MalformedPolicyDocumentException", "The new key policy will not allow you")
        )
    result = run_module(kms_key.main, ARGS)
    assert_fails_with(result, f"Failed to create KMS key {ALIAS}")
    assert "MalformedPolicyDocumentException" in json.dumps(result)
    assert len(aws.sleeps) == 3


def test_create_disabled_key(aws):
    expect_absent(aws)
    expect_create(aws)
    expect(aws, "create_alias", {}, {"AliasName": ALIAS, "TargetKeyId": KEY_ID})
    expect(aws, "enable_key_rotation", {}, {"KeyId": KEY_ID})
    expect(aws, "disable_key", {}, {"KeyId": KEY_ID})
    result = run_module(kms_key.main, dict(ARGS, enabled=False))
    assert_changed(result)
    assert (result["key"]["key_state"], result["key"]["enabled"]) == ("Disabled", False)


def test_create_in_check_mode_calls_nothing_but_the_lookup(aws):
    expect_absent(aws)
    result = run_module(kms_key.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert (result["key"]["key_id"], result["key"]["key_arn"]) == (None, None)
    assert result["diff"]["after"] == CREATED


# --- no change, update ------------------------------------------------------------------------------------


def test_no_change_reads_four_things(aws):
    expect_existing(aws)
    result = run_module(kms_key.main, ARGS, diff=True)
    assert_unchanged(result)
    assert result["key"]["key_arn"] == ARN
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_change_in_check_mode(aws):
    expect_existing(aws)
    assert_unchanged(run_module(kms_key.main, ARGS, check_mode=True))


def test_updates_what_differs_in_order(aws):
    old_policy = {"Version": "2012-10-17", "Statement": []}
    expect_existing(aws, meta=metadata(state="Disabled", description="old"), rotation=False, policy=old_policy,
                    tags={"Deployment": "global-api", "Old": "x"})  # fmt: skip
    expect(aws, "enable_key", {}, {"KeyId": KEY_ID})
    expect(aws, "update_key_description", {}, {"KeyId": KEY_ID, "Description": "global-api logs"})
    expect(
        aws,
        "put_key_policy",
        {},
        {
            "KeyId": KEY_ID,
            "PolicyName": "default",
            "Policy": json.dumps(POLICY),
            "BypassPolicyLockoutSafetyCheck": False,
        },
    )
    expect(aws, "enable_key_rotation", {}, {"KeyId": KEY_ID})
    expect(aws, "untag_resource", {}, {"KeyId": KEY_ID, "TagKeys": ["Old"]})
    expect(aws, "tag_resource", {}, {"KeyId": KEY_ID, "Tags": [{"TagKey": "Team", "TagValue": "api"}]})
    result = run_module(kms_key.main, dict(ARGS, tags=dict(TAGS, Team="api")), diff=True)
    assert_changed(result)
    assert result["key"]["tags"] == dict(TAGS, Team="api")
    assert result["diff"]["before"]["policy"] == old_policy
    assert result["diff"]["after"]["policy"] == POLICY
    assert (result["diff"]["before"]["enabled"], result["diff"]["after"]["enabled"]) == (False, True)


def test_update_in_check_mode_predicts_and_calls_nothing(aws):
    expect_existing(aws, rotation=False)
    result = run_module(kms_key.main, dict(ARGS, description="new"), check_mode=True, diff=True)
    assert_changed(result)
    assert result["diff"]["after"]["rotation"] is True
    assert result["diff"]["after"]["description"] == "new"


def test_disables_rotation_then_the_key_last(aws):
    expect_existing(aws)
    expect(aws, "disable_key_rotation", {}, {"KeyId": KEY_ID})
    expect(aws, "disable_key", {}, {"KeyId": KEY_ID})
    result = run_module(kms_key.main, dict(ARGS, enable_key_rotation=False, enabled=False))
    assert_changed(result)
    assert result["key"]["key_state"] == "Disabled"


def test_key_pending_deletion_is_recovered(aws):
    expect_existing(aws, meta=metadata(state="PendingDeletion"), rotation=False)
    expect(aws, "cancel_key_deletion", {"KeyId": ARN}, {"KeyId": KEY_ID})
    expect(aws, "enable_key", {}, {"KeyId": KEY_ID})
    expect(aws, "enable_key_rotation", {}, {"KeyId": KEY_ID})
    result = run_module(kms_key.main, ARGS, diff=True)
    assert_changed(result)
    assert result["key"]["key_state"] == "Enabled"
    assert result["diff"]["before"]["deletion_date"] == DELETION_DATE.isoformat()
    assert "deletion_date" not in result["key"]


def test_an_aws_managed_key_is_refused(aws):
    expect_describe(aws, metadata(KeyManager="AWS"))
    result = run_module(kms_key.main, ARGS)
    assert_fails_with(result, f"alias: {ALIAS} names a key that AWS manages")


def test_throttled_calls_are_retried(aws):
    aws.stub("kms").add_client_error("describe_key", **client_error("ThrottlingException", status=400))
    expect_describe(aws, metadata())
    aws.stub("kms").add_client_error("get_key_rotation_status", **client_error("ThrottlingException"))
    expect_reads(aws)
    assert_unchanged(run_module(kms_key.main, ARGS))
    assert len(aws.sleeps) == 2


def test_an_error_names_the_call_and_the_key(aws):
    expect_existing(aws)
    aws.stub("kms").add_client_error("update_key_description", **client_error("AccessDeniedException"))
    result = run_module(kms_key.main, dict(ARGS, description="new"))
    assert_fails_with(result, f"Failed to update description of KMS key {KEY_ID}")


def test_bad_input_fails_before_any_call(aws):
    result = run_module(kms_key.main, dict(ARGS, alias="aws/s3", pending_window=3))
    assert_fails_with(result, "alias: alias/aws/s3 is reserved for AWS managed keys; pending_window: 3")


# --- delete -----------------------------------------------------------------------------------------------

ABSENT = {"alias": ALIAS, "state": "absent", "pending_window": 7}


def test_schedules_deletion_then_deletes_the_alias(aws):
    expect_describe(aws, metadata())
    expect(
        aws,
        "schedule_key_deletion",
        {"KeyId": ARN, "DeletionDate": DELETION_DATE, "KeyState": "PendingDeletion", "PendingWindowInDays": 7},
        {"KeyId": KEY_ID, "PendingWindowInDays": 7},
    )
    expect(aws, "delete_alias", {}, {"AliasName": ALIAS})
    result = run_module(kms_key.main, ABSENT, diff=True)
    assert_changed(result)
    assert result["key"]["key_id"] == KEY_ID
    assert result["key"]["key_state"] == "PendingDeletion"
    assert result["key"]["deletion_date"] == DELETION_DATE.isoformat()
    assert result["diff"] == {
        "before": {"alias": ALIAS, "key_state": "Enabled", "enabled": True, "description": "global-api logs"},
        "after": {},
    }


def test_default_pending_window_is_30_days(aws):
    expect_describe(aws, metadata())
    expect(aws, "schedule_key_deletion", {"DeletionDate": DELETION_DATE}, {"KeyId": KEY_ID, "PendingWindowInDays": 30})
    expect(aws, "delete_alias", {}, {"AliasName": ALIAS})
    assert_changed(run_module(kms_key.main, {"alias": ALIAS, "state": "absent"}))


def test_key_already_pending_deletion_loses_only_its_alias(aws):
    expect_describe(aws, metadata(state="PendingDeletion"))
    expect(aws, "delete_alias", {}, {"AliasName": ALIAS})
    result = run_module(kms_key.main, ABSENT)
    assert_changed(result)
    assert result["key"]["deletion_date"] == DELETION_DATE.isoformat()


def test_deletion_scheduled_meanwhile_by_another_run(aws):
    expect_describe(aws, metadata())
    aws.stub("kms").add_client_error(
        "schedule_key_deletion", **client_error("KMSInvalidStateException", f"{ARN} is pending deletion.")
    )
    expect(aws, "delete_alias", {}, {"AliasName": ALIAS})
    assert_changed(run_module(kms_key.main, ABSENT))


def test_scheduling_failure_names_the_key(aws):
    expect_describe(aws, metadata())
    aws.stub("kms").add_client_error("schedule_key_deletion", **client_error("KMSInvalidStateException", "Unavailable"))
    assert_fails_with(run_module(kms_key.main, ABSENT), f"Failed to schedule the deletion of KMS key {KEY_ID}")


def test_delete_in_check_mode_calls_nothing_but_the_lookup(aws):
    expect_describe(aws, metadata())
    result = run_module(kms_key.main, ABSENT, check_mode=True)
    assert_changed(result)
    assert result["key"]["key_state"] == "PendingDeletion"


def test_delete_when_no_key_has_the_alias(aws):
    expect_absent(aws)
    result = run_module(kms_key.main, ABSENT)
    assert_unchanged(result)
    assert result["key"] == {}


# --- known_tags: the tags a GetResources snapshot showed earlier in the run -------------------------------

OTHER_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0000abcd-12ab-34cd-56ef-1234567890ab"


def expect_existing_without_tags(aws, meta=None):
    """DescribeKey and the reads of the key but ListResourceTags."""
    expect_describe(aws, meta or metadata())
    expect(aws, "get_key_rotation_status", {"KeyRotationEnabled": True}, {"KeyId": KEY_ID})
    expect(
        aws,
        "get_key_policy",
        {"Policy": json.dumps(POLICY), "PolicyName": "default"},
        {"KeyId": KEY_ID, "PolicyName": "default"},
    )


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_showing_the_wanted_tags_are_not_read_again(aws, check_mode):
    expect_existing(aws)
    read = run_module(kms_key.main, ARGS, check_mode=check_mode, diff=True)
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing_without_tags(aws)
    known = {ARN: dict(TAGS), OTHER_ARN: {"Deployment": "other"}}
    result = run_module(kms_key.main, dict(ARGS, known_tags=known), check_mode=check_mode, diff=True)
    assert_unchanged(result)
    assert tag_reads == []
    assert result == read  # the same result and diff as with the tags read


def test_known_tags_with_another_value_are_read_and_the_update_planned(aws):
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing(aws, tags={"Deployment": "old"})
    expect(aws, "tag_resource", {}, {"KeyId": KEY_ID, "Tags": [{"TagKey": "Deployment", "TagValue": "global-api"}]})
    result = run_module(kms_key.main, dict(ARGS, known_tags={ARN: {"Deployment": "old"}}), diff=True)
    assert_changed(result)
    assert tag_reads == [{"KeyId": KEY_ID}]
    assert result["diff"]["before"]["tags"] == {"Deployment": "old"}
    assert result["key"]["tags"] == TAGS


def test_known_tags_without_the_key_are_read(aws):
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing(aws)
    assert_unchanged(run_module(kms_key.main, dict(ARGS, known_tags={OTHER_ARN: dict(TAGS)})))
    assert tag_reads == [{"KeyId": KEY_ID}]


def test_known_tags_with_an_extra_tag_are_no_difference_without_purge(aws):
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing_without_tags(aws)
    known = {ARN: dict(TAGS, Owner="ops")}
    result = run_module(kms_key.main, dict(ARGS, purge_tags=False, known_tags=known), diff=True)
    assert_unchanged(result)
    assert tag_reads == []
    assert result["key"]["tags"] == dict(TAGS, Owner="ops")
    assert result["diff"]["before"] == result["diff"]["after"]


def test_known_tags_with_an_extra_tag_are_read_with_purge(aws):
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing(aws)
    assert_unchanged(run_module(kms_key.main, dict(ARGS, known_tags={ARN: dict(TAGS, Owner="ops")})))
    assert tag_reads == [{"KeyId": KEY_ID}]


def test_known_tags_are_not_taken_when_the_task_leaves_tags_alone(aws):
    tag_reads = aws.sent("kms", "ListResourceTags")
    expect_existing(aws)
    args = {k: v for k, v in ARGS.items() if k != "tags"}
    assert_unchanged(run_module(kms_key.main, dict(args, known_tags={ARN: dict(TAGS)})))
    assert tag_reads == [{"KeyId": KEY_ID}]

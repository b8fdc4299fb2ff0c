"""backup_vault against a stubbed AWS Backup (and KMS): every API path, check mode and diff."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import backup_vault as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-items"
ARN = f"arn:aws:backup:eu-west-1:123456789012:backup-vault:{NAME}"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
CREATED = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
TAGS = {"Deployment": "prod"}


def vault(name=NAME, key=KEY, points=0, **extra):
    return {
        "BackupVaultName": name,
        "BackupVaultArn": f"arn:aws:backup:eu-west-1:123456789012:backup-vault:{name}",
        "VaultType": "BACKUP_VAULT",
        "CreationDate": CREATED,
        "EncryptionKeyArn": key,
        "CreatorRequestId": "1",
        "NumberOfRecoveryPoints": points,
        "Locked": False,
        **extra,
    }


def listed(stub, *vaults, **params):
    stub.add_response("list_backup_vaults", {"BackupVaultList": list(vaults)}, params)


def created(stub, **params):
    """CreateBackupVault of NAME with ``params`` besides, answered as AWS Backup does."""
    answer = {"BackupVaultName": NAME, "BackupVaultArn": ARN, "CreationDate": CREATED}
    stub.add_response("create_backup_vault", answer, {"BackupVaultName": NAME, **params})


def tags(stub, found, arn=ARN):
    stub.add_response("list_tags", {"Tags": dict(found)}, {"ResourceArn": arn})


# ---- present -------------------------------------------------------------------------------------------------


def test_create_with_key_arn_and_tags(aws):
    stub = aws.stub("backup")
    listed(stub, vault(name="someone-elses"))
    created(stub, EncryptionKeyArn=KEY, BackupVaultTags=TAGS)
    listed(stub, vault(name="someone-elses"), vault())

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY, "tags": TAGS}, diff=True)

    assert result["changed"] is True
    assert result["backup_vault"]["backup_vault_arn"] == ARN
    assert result["backup_vault"]["encryption_key_arn"] == KEY
    assert result["backup_vault"]["number_of_recovery_points"] == 0
    assert result["backup_vault"]["creation_date"] == CREATED.isoformat()
    assert result["backup_vault"]["tags"] == TAGS
    assert result["diff"] == {
        "before": {},
        "after": {"backup_vault_name": NAME, "encryption_key_arn": KEY, "tags": TAGS},
    }


def test_create_resolves_an_alias_to_the_key_arn(aws):
    aws.stub("kms").add_response(
        "describe_key", {"KeyMetadata": {"KeyId": KEY.rsplit("/", 1)[1], "Arn": KEY}}, {"KeyId": "alias/prod"}
    )
    stub = aws.stub("backup")
    listed(stub)
    created(stub, EncryptionKeyArn=KEY)
    listed(stub, vault())

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": "alias/prod"})

    assert result["changed"] is True
    assert result["backup_vault"]["encryption_key_arn"] == KEY


def test_create_without_key_lets_aws_choose_and_reports_its_choice(aws):
    default_key = "arn:aws:kms:eu-west-1:123456789012:key/aws-backup-default"
    stub = aws.stub("backup")
    listed(stub)
    created(stub)
    listed(stub, vault(key=default_key))

    result = run_module(module.main, {"name": NAME})

    assert result["changed"] is True
    assert result["backup_vault"]["encryption_key_arn"] == default_key
    assert result["backup_vault"]["tags"] == {}


def test_create_not_yet_listed_returns_the_create_answer(aws):
    stub = aws.stub("backup")
    listed(stub)
    created(stub, EncryptionKeyArn=KEY)
    listed(stub)

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY})

    assert result["changed"] is True
    assert result["backup_vault"]["backup_vault_arn"] == ARN
    assert result["backup_vault"]["encryption_key_arn"] == KEY


def test_found_on_a_later_page(aws):
    stub = aws.stub("backup")
    stub.add_response("list_backup_vaults", {"BackupVaultList": [vault(name="a")], "NextToken": "t1"}, {})
    stub.add_response("list_backup_vaults", {"BackupVaultList": [vault()]}, {"NextToken": "t1"})
    tags(stub, TAGS)

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY, "tags": TAGS})

    assert result["changed"] is False
    assert result["backup_vault"]["backup_vault_arn"] == ARN


def test_no_change(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, TAGS)

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY, "tags": TAGS}, diff=True)

    assert_unchanged_with_equal_diff(result)
    assert result["backup_vault"]["tags"] == TAGS


def test_tags_set_and_purged(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {"Deployment": "old", "Stale": "x"})
    stub.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeyList": ["Stale"]})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": {"Deployment": "prod"}})

    result = run_module(module.main, {"name": NAME, "tags": TAGS}, diff=True)

    assert result["changed"] is True
    assert result["backup_vault"]["tags"] == TAGS
    assert result["diff"]["before"]["tags"] == {"Deployment": "old", "Stale": "x"}
    assert result["diff"]["after"]["tags"] == TAGS


def test_tags_added_without_purge_keep_the_others(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {"Owner": "team"})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})

    result = run_module(module.main, {"name": NAME, "tags": TAGS, "purge_tags": False})

    assert result["changed"] is True
    assert result["backup_vault"]["tags"] == {"Owner": "team", "Deployment": "prod"}


def test_tags_left_out_are_left_alone(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {"Owner": "team"})

    result = run_module(module.main, {"name": NAME})

    assert result["changed"] is False
    assert result["backup_vault"]["tags"] == {"Owner": "team"}


def test_another_key_fails_and_changes_nothing(aws):
    stub = aws.stub("backup")
    listed(stub, vault(key=OTHER_KEY))
    tags(stub, TAGS)

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY, "tags": {"New": "tag"}})

    assert_fails_mentioning(result, f"Backup vault {NAME} is encrypted with {OTHER_KEY}, not {KEY}")
    assert "cannot change the key" in result["msg"]
    assert result["backup_vault"]["encryption_key_arn"] == OTHER_KEY


def test_check_mode_create_makes_no_call(aws):
    stub = aws.stub("backup")
    listed(stub)

    args = {"name": NAME, "encryption_key_arn": KEY, "tags": TAGS}
    result = run_module(module.main, args, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["backup_vault"] == {"backup_vault_name": NAME, "encryption_key_arn": KEY, "tags": TAGS}
    assert result["diff"]["after"] == {"backup_vault_name": NAME, "encryption_key_arn": KEY, "tags": TAGS}


def test_check_mode_tag_change_makes_no_call(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {})

    result = run_module(module.main, {"name": NAME, "tags": TAGS}, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["backup_vault"]["tags"] == TAGS
    assert result["diff"]["before"]["tags"] == {}


def test_check_mode_key_conflict_fails_too(aws):
    stub = aws.stub("backup")
    listed(stub, vault(key=OTHER_KEY))
    tags(stub, {})

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY}, check_mode=True)

    assert result["failed"] is True


def test_throttled_listing_is_retried(aws):
    stub = aws.stub("backup")
    stub.add_client_error("list_backup_vaults", expected_params={}, **client_error("ThrottlingException"))
    listed(stub, vault())
    tags(stub, TAGS)

    result = run_module(module.main, {"name": NAME, "tags": TAGS})

    assert result["changed"] is False
    assert aws.sleeps


def test_throttled_create_is_retried(aws):
    stub = aws.stub("backup")
    listed(stub)
    params = {"BackupVaultName": NAME, "EncryptionKeyArn": KEY}
    stub.add_client_error("create_backup_vault", expected_params=params, **client_error("ThrottlingException"))
    created(stub, EncryptionKeyArn=KEY)
    listed(stub, vault())

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY})

    assert result["changed"] is True
    assert aws.sleeps


def test_create_error_says_what_failed(aws):
    stub = aws.stub("backup")
    listed(stub)
    stub.add_client_error(
        "create_backup_vault",
        expected_params={"BackupVaultName": NAME, "EncryptionKeyArn": KEY},
        **client_error("InvalidParameterValueException", "Invalid vault name"),
    )

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": KEY})

    assert_fails_with(result, f"Failed to create backup vault {NAME}")
    assert "Invalid vault name" in result["msg"]


def test_missing_kms_alias_says_so(aws):
    aws.stub("kms").add_client_error(
        "describe_key", expected_params={"KeyId": "alias/nope"}, **client_error("NotFoundException", status=404)
    )

    result = run_module(module.main, {"name": NAME, "encryption_key_arn": "alias/nope"})

    assert_fails_with(result, "Failed to find KMS key alias/nope")


def test_list_error_says_what_failed(aws):
    aws.stub("backup").add_client_error(
        "list_backup_vaults", expected_params={}, **client_error("AccessDeniedException", status=403)
    )

    result = run_module(module.main, {"name": NAME})

    assert_fails_with(result, "Failed to list backup vaults")


# ---- absent --------------------------------------------------------------------------------------------------


def test_delete_an_empty_vault(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, TAGS)
    stub.add_response("delete_backup_vault", {}, {"BackupVaultName": NAME})

    result = run_absent(module.main, NAME, diff=True)

    assert result["changed"] is True
    assert result["backup_vault"] == {}
    assert result["diff"] == {
        "before": {"backup_vault_name": NAME, "encryption_key_arn": KEY, "tags": TAGS},
        "after": {},
    }


def test_delete_already_absent(aws):
    listed(aws.stub("backup"), vault(name="other"))

    result = run_absent(module.main, NAME)

    assert result["changed"] is False
    assert result["backup_vault"] == {}


def test_delete_gone_meanwhile_is_not_an_error(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {})
    stub.add_client_error(
        "delete_backup_vault", expected_params={"BackupVaultName": NAME}, **client_error("ResourceNotFoundException")
    )

    result = run_absent(module.main, NAME)

    assert result["changed"] is True


def test_delete_refuses_a_vault_with_recovery_points(aws):
    stub = aws.stub("backup")
    listed(stub, vault(points=3))
    tags(stub, TAGS)

    result = run_absent(module.main, NAME)

    assert result["failed"] is True
    assert f"Backup vault {NAME} holds 3 recovery point(s) and is not deleted" in result["msg"]
    assert result["backup_vault"]["number_of_recovery_points"] == 3


def test_delete_check_mode_makes_no_call(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {})

    assert_check_mode_delete_changes(module.main, NAME)


def test_delete_error_says_what_failed(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {})
    stub.add_client_error(
        "delete_backup_vault",
        expected_params={"BackupVaultName": NAME},
        **client_error("InvalidRequestException", "Backup vault cannot be deleted: it contains recovery points."),
    )

    result = run_absent(module.main, NAME)

    assert_fails_with(result, f"Failed to delete backup vault {NAME}")


@pytest.mark.parametrize("state", ["present", "absent"])
def test_name_is_required(aws, state):
    result = run_module(module.main, {"state": state})

    assert_fails_mentioning(result, "name")


def test_tags_on_several_pages_are_merged(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    stub.add_response("list_tags", {"Tags": {"Deployment": "prod"}, "NextToken": "n1"}, {"ResourceArn": ARN})
    stub.add_response("list_tags", {"Tags": {"Owner": "team"}}, {"ResourceArn": ARN, "NextToken": "n1"})

    result = run_module(module.main, {"name": NAME, "tags": {"Deployment": "prod", "Owner": "team"}})

    assert result["changed"] is False
    assert result["backup_vault"]["tags"] == {"Deployment": "prod", "Owner": "team"}


# ---- known_tags ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_with_the_wanted_tags_read_no_tags(aws, check_mode):
    stub = aws.stub("backup")
    listed(stub, vault())
    reads = aws.sent("backup", "ListTags")

    result = run_module(
        module.main,
        {"name": NAME, "encryption_key_arn": KEY, "tags": TAGS, "known_tags": {ARN: TAGS}},
        check_mode=check_mode,
        diff=True,
    )

    assert_unchanged_with_equal_diff(result)
    assert reads == []
    assert result["backup_vault"]["tags"] == TAGS
    assert result["diff"]["before"] == {"backup_vault_name": NAME, "encryption_key_arn": KEY, "tags": TAGS}


def test_known_tags_with_another_value_are_read_and_updated(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {"Deployment": "old"})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})

    # The snapshot differs from the wanted tags: ListTags is asked, and its answer is the one planned with.
    result = run_module(
        module.main, {"name": NAME, "tags": TAGS, "known_tags": {ARN: {"Deployment": "other"}}}, diff=True
    )

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Deployment": "old"}
    assert result["diff"]["after"]["tags"] == TAGS
    assert result["backup_vault"]["tags"] == TAGS


def test_known_tags_without_the_vault_are_read(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, TAGS)

    result = run_module(module.main, {"name": NAME, "tags": TAGS, "known_tags": {ARN + "-other": TAGS}})

    assert result["changed"] is False
    assert result["backup_vault"]["tags"] == TAGS


def test_known_tags_with_an_extra_tag_without_purge_read_no_tags(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    reads = aws.sent("backup", "ListTags")
    known = {ARN: {**TAGS, "Owner": "team"}}

    result = run_module(module.main, {"name": NAME, "tags": TAGS, "purge_tags": False, "known_tags": known})

    assert result["changed"] is False
    assert reads == []
    assert result["backup_vault"]["tags"] == {**TAGS, "Owner": "team"}


def test_known_tags_with_an_extra_tag_under_purge_are_read(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {**TAGS, "Owner": "team"})
    stub.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeyList": ["Owner"]})

    result = run_module(module.main, {"name": NAME, "tags": TAGS, "known_tags": {ARN: {**TAGS, "Owner": "team"}}})

    assert result["changed"] is True
    assert result["backup_vault"]["tags"] == TAGS


def test_known_tags_are_not_used_when_tags_are_left_alone(aws):
    stub = aws.stub("backup")
    listed(stub, vault())
    tags(stub, {"Owner": "team"})

    result = run_module(module.main, {"name": NAME, "known_tags": {ARN: {"Owner": "team"}}})

    assert result["changed"] is False
    assert result["backup_vault"]["tags"] == {"Owner": "team"}

"""The pure planning functions of backup_vault."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_key_arn
from ansible_collections.multiregion.serverless.plugins.module_utils.common import resolve_kms_key_arn
from ansible_collections.multiregion.serverless.plugins.modules import backup_vault as bk

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111"
OTHER = "arn:aws:kms:eu-west-1:123456789012:key/2222"


def vault(key=KEY, points=0):
    return {"BackupVaultName": "v", "EncryptionKeyArn": key, "NumberOfRecoveryPoints": points}


@pytest.mark.parametrize(
    "current, current_tags, key, tags, purge, expected",
    [
        (None, {}, KEY, {"a": "1"}, True, (True, False, {"a": "1"}, [], {"a": "1"})),
        (None, {}, None, None, True, (True, False, {}, [], {})),
        (vault(), {"a": "1"}, KEY, {"a": "1"}, True, (False, False, {}, [], {"a": "1"})),
        (vault(), {"a": "1"}, None, None, True, (False, False, {}, [], {"a": "1"})),
        (vault(), {"a": "1", "b": "2"}, KEY, {"a": "9"}, True, (False, False, {"a": "9"}, ["b"], {"a": "9"})),
        (vault(), {"b": "2"}, KEY, {"a": "1"}, False, (False, False, {"a": "1"}, [], {"a": "1", "b": "2"})),
        (vault(), {}, OTHER, {}, True, (False, True, {}, [], {})),
        (vault(key=None), {}, KEY, None, True, (False, True, {}, [], {})),
    ],
)
def test_plan_vault(current, current_tags, key, tags, purge, expected):
    plan = bk.plan_vault(current, current_tags, key, tags, purge)

    create, conflict, set_tags, unset_tags, final_tags = expected
    assert plan["create"] is create
    assert bool(plan["key_conflict"]) is conflict
    assert plan["set_tags"] == set_tags
    assert sorted(plan["unset_tags"]) == unset_tags
    assert plan["final_tags"] == final_tags


@pytest.mark.parametrize("points, blocked", [(0, False), (None, False), (1, True), (42, True)])
def test_deletion_blocker(points, blocked):
    message = bk.deletion_blocker(vault(points=points))

    assert bool(message) is blocked
    if blocked:
        assert f"holds {points} recovery point(s)" in message


@pytest.mark.parametrize(
    "key_id, is_arn",
    [
        (KEY, True),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", False),
        ("alias/prod", False),
        ("arn:aws:kms:eu-west-1:123456789012:alias/prod", False),
    ],
)
def test_is_key_arn(key_id, is_arn):
    assert is_key_arn(key_id) is is_arn


def test_resolve_key_arn_needs_no_call_for_an_arn_or_nothing():
    def no_client():
        raise AssertionError("no KMS call expected")

    assert resolve_kms_key_arn(no_client, KEY) == KEY
    assert resolve_kms_key_arn(no_client, None) is None
    assert resolve_kms_key_arn(no_client, "") == ""


def test_vault_result_is_plain_json():
    import datetime

    result = bk.vault_result(
        {"BackupVaultName": "v", "CreationDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)},
        {"K": "V"},
    )

    assert result == {"backup_vault_name": "v", "creation_date": "2026-01-02T00:00:00+00:00", "tags": {"K": "V"}}
    assert bk.vault_result(None) == {}

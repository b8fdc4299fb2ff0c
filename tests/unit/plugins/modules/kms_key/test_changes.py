from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import kms_key

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Account",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": ["kms:Describe*", "kms:Create*"],
            "Resource": "*",
        }
    ],
}

CURRENT = {
    "key_id": "k-1",
    "key_arn": "arn:aws:kms:eu-west-1:123456789012:key/k-1",
    "alias": "alias/app",
    "key_state": "Enabled",
    "enabled": True,
    "description": "app logs",
    "rotation": True,
    "policy": POLICY,
    "tags": {"Deployment": "app"},
}


def params(**changes):
    base = {
        "alias": "alias/app",
        "description": "app logs",
        "policy": json.dumps(POLICY),
        "enable_key_rotation": True,
        "enabled": True,
        "tags": {"Deployment": "app"},
        "purge_tags": True,
        "pending_window": 30,
        "state": "present",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "alias, expected",
    [("app", "alias/app"), ("alias/app", "alias/app"), ("team/app", "alias/team/app")],
)
def test_canonical_alias(alias, expected):
    assert kms_key.canonical_alias(alias) == expected


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"alias": "alias/aws/s3"}, "alias: alias/aws/s3 is reserved for AWS managed keys"),
        ({"alias": "app:1"}, "alias: 'app:1' is not an alias name (letters, digits, '/', '_' and '-')"),
        ({"alias": "alias/" + "a" * 251}, "alias: "),
        ({"pending_window": 6}, "pending_window: 6 is not from 7 to 30 days"),
        ({"pending_window": 31}, "pending_window: 31 is not from 7 to 30 days"),
        ({"policy": "{not json"}, "policy: not valid JSON"),
        ({"policy": "[1]"}, "policy: not a JSON object"),
    ],
)
def test_validate_names_the_option(changes, error):
    [message] = kms_key.validate(params(**changes))
    assert message.startswith(error)


def test_validate_accepts_good_input():
    assert kms_key.validate(params(policy=None, pending_window=7)) == []
    assert kms_key.validate(params(policy=POLICY, pending_window=30)) == []


def test_no_change_when_everything_matches():
    assert kms_key.key_changes(CURRENT, params()) == {}


def test_policy_compared_as_a_policy():
    reordered = json.loads(json.dumps(POLICY))
    reordered["Statement"][0]["Action"] = ["kms:Create*", "kms:Describe*"]
    reordered["Statement"][0]["Principal"] = {"AWS": ["arn:aws:iam::123456789012:root"]}
    assert kms_key.key_changes(CURRENT, params(policy=json.dumps(reordered))) == {}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"description": "other"}, {"description": "other"}),
        ({"enable_key_rotation": False}, {"rotation": False}),
        ({"enabled": False}, {"enable": False}),
        ({"tags": {"Deployment": "app", "Team": "api"}}, {"tags_set": {"Team": "api"}}),
        ({"tags": {}}, {"tags_remove": ["Deployment"]}),
        ({"tags": {"Team": "api"}, "purge_tags": False}, {"tags_set": {"Team": "api"}}),
        ({"tags": {"Deployment": "other"}}, {"tags_set": {"Deployment": "other"}}),
    ],
)
def test_changes(changes, expected):
    assert kms_key.key_changes(CURRENT, params(**changes)) == expected


def test_policy_change_carries_the_wanted_policy():
    wider = json.loads(json.dumps(POLICY))
    wider["Statement"][0]["Action"].append("kms:Put*")
    assert kms_key.key_changes(CURRENT, params(policy=wider)) == {"policy": wider}


def test_options_left_out_are_left_alone():
    assert (
        kms_key.key_changes(
            dict(CURRENT, description="x", rotation=False, policy={}, tags={"A": "b"}),
            params(description=None, policy=None, enable_key_rotation=None, tags=None),
        )
        == {}
    )


def test_disabled_key_is_enabled():
    assert kms_key.key_changes(dict(CURRENT, key_state="Disabled", enabled=False), params()) == {"enable": True}


def test_key_pending_deletion_is_recovered_and_enabled():
    pending = dict(CURRENT, key_state="PendingDeletion", enabled=False, rotation=False, deletion_date="2026-12-30")
    changes = kms_key.key_changes(pending, params())
    assert changes == {"cancel_deletion": True, "enable": True, "rotation": True}
    after = kms_key.changed_key(pending, changes)
    assert (after["key_state"], after["enabled"], after["rotation"]) == ("Enabled", True, True)
    assert "deletion_date" not in after


def test_key_pending_deletion_recovered_but_left_disabled():
    pending = dict(CURRENT, key_state="PendingDeletion", enabled=False)
    changes = kms_key.key_changes(pending, params(enabled=False))
    assert changes == {"cancel_deletion": True}
    assert kms_key.changed_key(pending, changes)["key_state"] == "Disabled"


def test_changed_key_applies_every_change():
    changes = {
        "enable": False,
        "description": "new",
        "policy": {"Version": "2012-10-17", "Statement": []},
        "rotation": False,
        "tags_set": {"Team": "api"},
        "tags_remove": ["Deployment"],
    }
    after = kms_key.changed_key(CURRENT, changes)
    assert after == dict(
        CURRENT,
        key_state="Disabled",
        enabled=False,
        description="new",
        policy=changes["policy"],
        rotation=False,
        tags={"Team": "api"},
    )
    assert CURRENT["tags"] == {"Deployment": "app"}  # not changed in place


def test_planned_key_and_diff_view():
    planned = kms_key.planned_key("alias/app", params())
    assert planned == dict(CURRENT, key_id=None, key_arn=None)
    assert "key_id" not in kms_key.diff_view(planned) and "key_arn" not in kms_key.diff_view(planned)
    bare = kms_key.planned_key("alias/app", params(description=None, policy=None, enable_key_rotation=None, tags=None))
    assert (bare["description"], bare["rotation"], bare["policy"], bare["tags"]) == ("", False, {}, {})

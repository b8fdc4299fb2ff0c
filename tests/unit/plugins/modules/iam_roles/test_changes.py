"""iam_roles' pure functions: policy comparison, what changes, the predicted role, input checks."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import iam_roles as m

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": ["logs:PutLogEvents", "logs:CreateLogStream"], "Resource": "*"},
        {"Sid": "B", "Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": ["*"]},
    ],
}


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(json.dumps(POLICY), id="json-text"),
        pytest.param(quote(json.dumps(POLICY)), id="url-encoded"),
        pytest.param(json.dumps(POLICY, indent=4, sort_keys=True), id="reformatted"),
        pytest.param(
            {**POLICY, "Statement": list(reversed(POLICY["Statement"]))},
            id="statements-reordered",
        ),
        pytest.param(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "A",
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": ["*"],
                    },
                    {"Sid": "B", "Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"},
                ],
            },
            id="string-or-one-item-list",
        ),
    ],
)
def test_equal_policies(other):
    assert m.policies_equal(POLICY, other)


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"},
            id="principal-star",
        ),
        pytest.param(
            {"Effect": "Allow", "Action": "a:b", "Condition": {"Bool": {"aws:SecureTransport": True}}},
            {"Effect": "Allow", "Action": "a:b", "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}},
            id="condition-bool-as-string",
        ),
        pytest.param(
            {"Effect": "Allow", "Principal": {"Service": ["b.amazonaws.com", "a.amazonaws.com"]}, "Action": "a:b"},
            {"Effect": "Allow", "Principal": {"Service": ["a.amazonaws.com", "b.amazonaws.com"]}, "Action": "a:b"},
            id="principal-order",
        ),
    ],
)
def test_equal_statements(a, b):
    assert m.policies_equal({"Version": "2012-10-17", "Statement": a}, {"Version": "2012-10-17", "Statement": [b]})


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({**POLICY, "Version": "2008-10-17"}, id="version"),
        pytest.param({"Statement": POLICY["Statement"]}, id="version-left-out-is-2008"),
        pytest.param({**POLICY, "Statement": POLICY["Statement"][:1]}, id="statement-removed"),
        pytest.param(
            {**POLICY, "Statement": [dict(POLICY["Statement"][0], Effect="Deny"), POLICY["Statement"][1]]},
            id="effect",
        ),
        pytest.param(
            {**POLICY, "Statement": [dict(POLICY["Statement"][0], Resource="arn:aws:logs:*"), POLICY["Statement"][1]]},
            id="resource",
        ),
    ],
)
def test_different_policies(other):
    assert not m.policies_equal(POLICY, other)


def current(**given):
    return {
        "role_name": "r",
        "arn": "arn:aws:iam::123456789012:role/r",
        "role_id": "AROAEXAMPLE",
        "path": "/",
        "description": "d",
        "max_session_duration": 3600,
        "assume_role_policy_document": TRUST,
        "permissions_boundary": "",
        "tags": {"Deployment": "x"},
        "policies": {"p": POLICY},
        "managed_policies": ["arn:aws:iam::aws:policy/A"],
        **given,
    }


def wanted(**given):
    return {
        "name": "r",
        "path": None,
        "description": "d",
        "assume_role_policy_document": json.dumps(TRUST),
        "max_session_duration": None,
        "boundary": None,
        "policies": {"p": json.dumps(POLICY)},
        "purge_policies": False,
        "managed_policies": ["arn:aws:iam::aws:policy/A"],
        "purge_managed_policies": False,
        "tags": {"Deployment": "x"},
        "purge_tags": True,
        "state": "present",
        **given,
    }


def test_no_change():
    assert m.role_changes(current(), wanted()) == {}


def test_everything_left_out_is_left_alone():
    given = wanted(description=None, assume_role_policy_document=None, policies=None, managed_policies=None, tags=None)
    assert m.role_changes(current(description="other", tags={"a": "b"}), given) == {}


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"description": "new"}, {"description": "new"}),
        ({"max_session_duration": 7200}, {"max_session_duration": 7200}),
        ({"boundary": "arn:aws:iam::aws:policy/B"}, {"boundary": "arn:aws:iam::aws:policy/B"}),
        ({"path": "/svc/"}, {"path_differs": True}),
        ({"tags": {"Deployment": "y"}}, {"tags_to_set": {"Deployment": "y"}}),
        ({"tags": {}}, {"tags_to_remove": ["Deployment"]}),
        ({"tags": {}, "purge_tags": False}, {}),
        ({"managed_policies": ["arn:aws:iam::aws:policy/B"]}, {"attach": ["arn:aws:iam::aws:policy/B"]}),
        (
            {"managed_policies": ["arn:aws:iam::aws:policy/B"], "purge_managed_policies": True},
            {"attach": ["arn:aws:iam::aws:policy/B"], "detach": ["arn:aws:iam::aws:policy/A"]},
        ),
        ({"managed_policies": [], "purge_managed_policies": True}, {"detach": ["arn:aws:iam::aws:policy/A"]}),
        ({"policies": {}}, {}),
        ({"policies": {}, "purge_policies": True}, {"delete_policies": ["p"]}),
        ({"policies": {"q": POLICY}}, {"put_policies": {"q": POLICY}}),
    ],
)
def test_changes(given, expected):
    assert m.role_changes(current(), wanted(**given)) == expected


def test_trust_change():
    trust = {**TRUST, "Statement": [dict(TRUST["Statement"][0], Principal={"Service": "states.amazonaws.com"})]}
    assert m.role_changes(current(), wanted(assume_role_policy_document=json.dumps(trust))) == {
        "trust": json.dumps(trust)
    }


def test_predicted_role_after_update():
    changes = {"put_policies": {"q": json.dumps(POLICY)}, "detach": ["arn:aws:iam::aws:policy/A"], "attach": ["B"]}
    role = m.predicted_role(current(), wanted(), changes)
    assert role["policies"] == {"p": POLICY, "q": POLICY}
    assert role["managed_policies"] == ["B"]
    assert role["arn"] == "arn:aws:iam::123456789012:role/r"


def test_predicted_new_role():
    role = m.predicted_role(None, wanted(managed_policies=["A", "A"]), {})
    assert role["assume_role_policy_document"] == TRUST
    assert role["managed_policies"] == ["A"]
    assert role["path"] == "/" and role["max_session_duration"] == 3600
    assert "arn" not in role


def test_validate_names_each_bad_option():
    params = {
        "roles": [
            wanted(max_session_duration=60, path="svc", boundary="B", policies={"p": "{not json"}),
            wanted(assume_role_policy_document="nope"),
        ]
    }
    errors = m.validate(params)
    assert errors == [
        "roles[0].max_session_duration: 60 is not between 3600 and 43200",
        "roles[0].path: 'svc' must begin and end with /",
        "roles[0].boundary: 'B' is not an ARN",
        "roles[0].policies.p: not a JSON object",
        "roles[1].name: 'r' is listed twice",
        "roles[1].assume_role_policy_document: not a JSON document",
    ]


@pytest.mark.parametrize(
    "role, tags, purge, expected",
    [
        ({"name": "r", "tags": None, "purge_tags": None}, None, True, {"tags": None, "purge_tags": True}),
        ({"name": "r", "tags": None, "purge_tags": None}, {"a": "1"}, True, {"tags": {"a": "1"}, "purge_tags": True}),
        (
            {"name": "r", "tags": {"a": "2", "b": "3"}, "purge_tags": False},
            {"a": "1"},
            True,
            {"tags": {"a": "2", "b": "3"}, "purge_tags": False},
        ),
        ({"name": "r", "tags": {"b": "3"}, "purge_tags": None}, None, False, {"tags": {"b": "3"}, "purge_tags": False}),
    ],
)
def test_common_tags_under_the_roles_own(role, tags, purge, expected):
    wanted = m.with_common_tags(role, tags, purge)
    assert {k: wanted[k] for k in ("tags", "purge_tags")} == expected

"""The pure functions of lambda_function: what differs, what to send, when to publish."""

from __future__ import annotations

import base64
import hashlib

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import lambda_function as lf

from .function_settings import CREATE_SETTINGS
from .function_settings import KEY
from .function_settings import ROLE

CONFIG = {
    "FunctionName": "items-api",
    "CodeSha256": "abc=",
    "Runtime": "python3.13",
    "Handler": "app.handler.lambda_handler",
    "Role": ROLE,
    "Description": "",
    "Timeout": 10,
    "MemorySize": 256,
    "Environment": {"Variables": {"TABLE_NAME": "items"}},
    "KMSKeyArn": KEY,
    "TracingConfig": {"Mode": "Active"},
    "VpcConfig": {"SubnetIds": ["subnet-b", "subnet-a"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
    "Architectures": ["arm64"],
}
SETTINGS = lf.settings_of(CONFIG)


def test_code_sha256_is_the_base64_digest_lambda_reports():
    assert lf.code_sha256(b"zip") == base64.b64encode(hashlib.sha256(b"zip").digest()).decode()


def test_settings_of_a_function_without_optional_settings():
    settings = lf.settings_of({"CodeSha256": "x", "Timeout": 3, "MemorySize": 128})
    assert settings["environment_variables"] == {}
    assert settings["kms_key_arn"] == ""
    assert settings["tracing_mode"] == "PassThrough"
    assert settings["vpc_subnet_ids"] == [] and settings["vpc_security_group_ids"] == []
    assert settings["architecture"] == "x86_64"
    assert lf.settings_of(None) == {}


def test_settings_sort_the_vpc_lists():
    assert SETTINGS["vpc_subnet_ids"] == ["subnet-a", "subnet-b"]


def test_wanted_settings_leave_out_what_the_task_leaves_out():
    params = {key: None for key in ("runtime", "handler", "role", "description", "timeout", "memory_size")}
    params.update(
        kms_key_arn=None, tracing_mode=None, architecture=None, environment_variables=None, vpc_subnet_ids=None
    )
    assert lf.wanted_settings(params, None) == {}
    params.update(timeout=30, environment_variables={"N": 1}, vpc_subnet_ids=["b", "a"], vpc_security_group_ids=["s"])
    assert lf.wanted_settings(params, "sha") == {
        "timeout": 30,
        "environment_variables": {"N": "1"},
        "vpc_subnet_ids": ["a", "b"],
        "vpc_security_group_ids": ["s"],
        "code_sha256": "sha",
    }


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ({}, {}),
        (dict(SETTINGS), {}),
        ({"runtime": "python3.12"}, {"Runtime": "python3.12"}),
        ({"handler": "h.h"}, {"Handler": "h.h"}),
        ({"role": "arn:aws:iam::123456789012:role/other"}, {"Role": "arn:aws:iam::123456789012:role/other"}),
        ({"description": "items"}, {"Description": "items"}),
        ({"timeout": 30}, {"Timeout": 30}),
        ({"memory_size": 512}, {"MemorySize": 512}),
        ({"kms_key_arn": ""}, {"KMSKeyArn": ""}),
        ({"environment_variables": {}}, {"Environment": {"Variables": {}}}),
        (
            {"environment_variables": {"TABLE_NAME": "items", "X": "1"}},
            {"Environment": {"Variables": {"TABLE_NAME": "items", "X": "1"}}},
        ),
        ({"tracing_mode": "PassThrough"}, {"TracingConfig": {"Mode": "PassThrough"}}),
        (
            {"vpc_subnet_ids": ["subnet-a"], "vpc_security_group_ids": ["sg-1"]},
            {"VpcConfig": {"SubnetIds": ["subnet-a"], "SecurityGroupIds": ["sg-1"]}},
        ),
        (
            {"vpc_subnet_ids": ["subnet-a", "subnet-b"], "vpc_security_group_ids": ["sg-2"]},
            {"VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-2"]}},
        ),
        (
            {"vpc_subnet_ids": [], "vpc_security_group_ids": []},
            {"VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}},
        ),
        # Code and architecture are not configuration.
        ({"code_sha256": "new=", "architecture": "x86_64"}, {}),
    ],
)
def test_configuration_changes(wanted, expected):
    assert lf.configuration_changes(SETTINGS, wanted) == expected


@pytest.mark.parametrize(
    "wanted, zip_given, expected",
    [
        ({"code_sha256": "abc="}, True, False),
        ({"code_sha256": "new="}, True, True),
        ({"code_sha256": "new="}, False, False),
        ({"code_sha256": "abc=", "architecture": "x86_64"}, True, True),
        ({"code_sha256": "abc=", "architecture": "arm64"}, True, False),
    ],
)
def test_code_changes(wanted, zip_given, expected):
    assert lf.code_changes(SETTINGS, wanted, zip_given) is expected


@pytest.mark.parametrize(
    "current, wanted, expected",
    [
        (None, None, None),
        (5, None, None),
        (None, 5, 5),
        (5, 5, None),
        (5, 10, 10),
        (5, 0, 0),
        (None, 0, 0),
        (5, -1, -1),
        (None, -1, None),
    ],
)
def test_concurrency_change(current, wanted, expected):
    assert lf.concurrency_change(current, wanted) == expected


def test_newest_version_ignores_latest_and_compares_numbers():
    versions = [{"Version": "$LATEST"}, {"Version": "9"}, {"Version": "10"}, {"Version": "2"}]
    assert lf.newest_version(versions) == {"Version": "10"}
    assert lf.newest_version([{"Version": "$LATEST"}]) is None
    assert lf.newest_version([]) is None


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, False),
        ({"description": "only the description"}, False),
        ({"code_sha256": "new="}, True),
        ({"environment_variables": {"TABLE_NAME": "other"}}, True),
        ({"timeout": 11}, True),
        ({"memory_size": 1024}, True),
        ({"kms_key_arn": ""}, True),
        ({"tracing_mode": "PassThrough"}, True),
        ({"vpc_subnet_ids": ["subnet-c"]}, True),
        ({"role": "arn:aws:iam::123456789012:role/other"}, True),
        ({"handler": "x.y"}, True),
        ({"runtime": "python3.12"}, True),
        ({"architecture": "x86_64"}, True),
    ],
)
def test_needs_version_when_latest_differs_from_the_newest_version(change, expected):
    assert lf.needs_version(dict(SETTINGS, **change), SETTINGS) is expected


def test_needs_version_when_nothing_is_published_yet():
    assert lf.needs_version(SETTINGS, None) is True


def test_creation_request_carries_every_given_setting():
    params = {"name": "items-api", "publish": True, "tags": {"a": "b"}}
    wanted = dict(SETTINGS, description="d")
    request = lf.creation_request(params, wanted, b"zip")
    assert request == {
        "FunctionName": "items-api",
        **CREATE_SETTINGS,
        "Code": {"ZipFile": b"zip"},
        "Publish": True,
        "Description": "d",
        "Tags": {"a": "b"},
    }


def test_creation_request_leaves_out_empty_optional_settings():
    params = {"name": "f", "publish": False, "tags": None}
    wanted = {"role": ROLE, "runtime": "python3.13", "handler": "h.h", "kms_key_arn": "", "vpc_subnet_ids": []}
    wanted["vpc_security_group_ids"] = []
    request = lf.creation_request(params, wanted, b"zip")
    assert "KMSKeyArn" not in request and "VpcConfig" not in request and "Tags" not in request
    assert request["Publish"] is False


@pytest.mark.parametrize(
    "code, message, expected",
    [
        ("InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.", True),
        (
            "InvalidParameterValueException",
            "The provided execution role does not have permissions to call CreateNetworkInterface on EC2",
            True,
        ),
        ("InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes", False),
        ("AccessDeniedException", "cannot be assumed by Lambda", False),
    ],
)
def test_is_iam_propagation(code, message, expected):
    class Error:
        exception = type("E", (), {"response": {"Error": {"Code": code, "Message": message}}})()

    assert lf.is_iam_propagation(Error()) is expected


def test_diff_view_and_planned_function():
    assert lf.diff_view({}, {}, None) == {}
    assert lf.diff_view({"timeout": 3}, {"a": "b"}, 5) == {"timeout": 3, "tags": {"a": "b"}, "reserved_concurrency": 5}
    planned = lf.planned_function("items-api", SETTINGS, {"a": "b"}, None, {})
    assert planned["function_name"] == "items-api"
    assert planned["function_arn"] is None
    assert planned["architectures"] == ["arm64"]
    # Variable names keep their case.
    assert planned["environment"] == {"variables": {"TABLE_NAME": "items"}}
    assert planned["tags"] == {"a": "b"} and planned["reserved_concurrency"] is None

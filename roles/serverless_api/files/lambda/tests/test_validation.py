from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from app import validation
from app.validation import RequestError


@pytest.mark.parametrize("good", ["a", "A1", "order-42", "x.y_z", "9" * 128, "a" + "-" * 127])
def test_valid_ids(good):
    assert validation.item_id(good) == good


@pytest.mark.parametrize(
    "bad",
    [None, "", "-a", ".", "..", "_x", "__healthcheck__", "a b", "a/b", "a%2Fb", "é", "a" * 129, 42, "a\n"],
)
def test_invalid_ids(bad):
    with pytest.raises(RequestError) as error:
        validation.item_id(bad)
    assert error.value.status == 400
    assert "invalid item id" in error.value.message


def test_put_request_keeps_numbers_exact():
    request = validation.put_request(b'{"data": {"price": 19.99, "n": 3, "tags": ["a"], "ok": true}, "version": 4}')
    assert request.data == {"price": Decimal("19.99"), "n": 3, "tags": ["a"], "ok": True}
    assert request.version == 4


def test_put_request_without_version():
    assert validation.put_request(b'{"data": {}}').version is None


def nested(depth: int) -> dict:
    value: dict = {}
    for _level in range(depth - 1):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "request body is required"),
        (b"{not json", "request body is not valid JSON: Expecting property name"),
        (b"\xff\xfe", "not valid UTF-8"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"data"', "must be a JSON object"),
        (b"{}", "'data' is required"),
        (b'{"data": [1]}', "'data' must be a JSON object"),
        (b'{"data": "x"}', "'data' must be a JSON object"),
        (b'{"data": null}', "'data' must be a JSON object"),
        (b'{"data": {}, "owner": "me", "id": "x"}', "unknown field(s): id, owner; allowed: data, version"),
        (b'{"data": {}, "version": "3"}', "'version' must be an integer"),
        (b'{"data": {}, "version": 1.5}', "'version' must be an integer"),
        (b'{"data": {}, "version": true}', "'version' must be an integer"),
        (b'{"data": {}, "version": 0}', "'version' must be between 1 and"),
        (b'{"data": {}, "version": -2}', "'version' must be between 1 and"),
        (b'{"data": {"x": NaN}}', "NaN is not allowed"),
        (b'{"data": {"x": Infinity}}', "Infinity is not allowed"),
        (b'{"data": {"a": 1, "a": 2}}', "duplicate key 'a'"),
        (b'{"data": {"x": 1e400}}', "cannot be stored"),
        (b'{"data": {"x": 1.0000000000000000000000000000000000000001}}', "cannot be stored"),
        (json.dumps({"data": nested(32)}).encode(), "nests deeper than 31 levels"),
    ],
)
def test_put_request_rejects(raw, message):
    with pytest.raises(RequestError) as error:
        validation.put_request(raw)
    assert error.value.status == 400
    assert message in error.value.message


def test_put_request_accepts_the_deepest_allowed_nesting():
    assert validation.put_request(json.dumps({"data": nested(31)}).encode()).data == nested(31)


@pytest.mark.parametrize(
    "event, expected",
    [
        ({}, b""),
        ({"body": None}, b""),
        ({"body": '{"data": {}}'}, b'{"data": {}}'),
        ({"body": base64.b64encode(b'{"data": {}}').decode(), "isBase64Encoded": True}, b'{"data": {}}'),
        ({"body": "é"}, "é".encode()),
    ],
)
def test_body_bytes(event, expected):
    assert validation.body_bytes(event, 100) == expected


@pytest.mark.parametrize(
    "event, status, message",
    [
        ({"body": "x" * 101}, 413, "exceeds 100 bytes"),
        ({"body": "é" * 51}, 413, "exceeds 100 bytes"),
        ({"body": base64.b64encode(b"x" * 101).decode(), "isBase64Encoded": True}, 413, "exceeds 100 bytes"),
        ({"body": "A" * 10_000, "isBase64Encoded": True}, 413, "exceeds 100 bytes"),
        ({"body": "not base64!", "isBase64Encoded": True}, 400, "not valid base64"),
        ({"body": {"data": {}}}, 400, "must be text"),
    ],
)
def test_body_bytes_rejects(event, status, message):
    with pytest.raises(RequestError) as error:
        validation.body_bytes(event, 100)
    assert (error.value.status, message in error.value.message) == (status, True)


@pytest.mark.parametrize(
    "event, expected",
    [
        ({"queryStringParameters": {"version": "3"}}, 3),
        ({"multiValueQueryStringParameters": {"version": ["7"]}}, 7),
        ({"headers": {"If-Match": '"5"'}}, 5),
        ({"headers": {"if-match": "5"}}, 5),
        ({"multiValueHeaders": {"IF-MATCH": ['"9"']}}, 9),
        ({"queryStringParameters": {"version": "2"}, "headers": {"If-Match": '"2"'}}, 2),
    ],
)
def test_expected_version(event, expected):
    assert validation.expected_version(event) == expected


@pytest.mark.parametrize(
    "event, status, message",
    [
        ({}, 428, "the expected version is required"),
        ({"queryStringParameters": {"other": "1"}}, 428, "the expected version is required"),
        ({"queryStringParameters": {"version": "abc"}}, 400, "query parameter 'version' must be an integer"),
        ({"queryStringParameters": {"version": "0"}}, 400, "must be between 1 and"),
        ({"queryStringParameters": {"version": "-1"}}, 400, "must be an integer"),
        ({"multiValueQueryStringParameters": {"version": ["1", "2"]}}, 400, "conflicting expected versions"),
        ({"queryStringParameters": {"version": "1"}, "headers": {"If-Match": '"2"'}}, 400, "conflicting"),
        ({"headers": {"If-Match": "*"}}, 400, "If-Match: * is not supported"),
        ({"headers": {"If-Match": 'W/"3"'}}, 400, "strong ETag"),
        ({"headers": {"If-Match": '"x"'}}, 400, "If-Match must be an integer"),
    ],
)
def test_expected_version_rejects(event, status, message):
    with pytest.raises(RequestError) as error:
        validation.expected_version(event)
    assert error.value.status == status
    assert message in error.value.message

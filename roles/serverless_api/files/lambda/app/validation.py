"""Request validation: item ids, JSON bodies and expected versions. Failures carry the HTTP status to answer."""

from __future__ import annotations

import base64
import binascii
import decimal
import json
import re
from dataclasses import dataclass
from typing import Any

from .store import UnstorableValue
from .store import to_attribute_map

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
ID_RULE = "1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
ALLOWED_FIELDS = ("data", "version")
# DynamoDB nests documents at most 32 levels deep; 'data' itself is one level below the item.
MAX_DEPTH = 31
MAX_VERSION = 2**53 - 1  # stays exact in every JSON client


class RequestError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> RequestError:
    return RequestError(400, "bad_request", message)


@dataclass(frozen=True)
class PutRequest:
    data: dict[str, Any]
    version: int | None


def item_id(raw: Any) -> str:
    if not isinstance(raw, str) or not ID_PATTERN.fullmatch(raw):
        raise bad_request(f"invalid item id: {ID_RULE}")
    return raw


def body_bytes(event: dict[str, Any], max_bytes: int) -> bytes:
    body = event.get("body")
    if body is None or body == "":
        return b""
    if not isinstance(body, str):
        raise bad_request("request body must be text")
    if event.get("isBase64Encoded"):
        # Base64 is 4/3 of the payload: refuse a huge body before decoding it.
        if len(body) > (max_bytes + 2) // 3 * 4 + 4:
            raise too_large(max_bytes)
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise bad_request("request body is not valid base64") from None
    else:
        raw = body.encode("utf-8", errors="surrogatepass")
    if len(raw) > max_bytes:
        raise too_large(max_bytes)
    return raw


def too_large(max_bytes: int) -> RequestError:
    return RequestError(413, "payload_too_large", f"request body exceeds {max_bytes} bytes")


def _reject_constant(name: str) -> Any:
    raise bad_request(f"request body is not valid JSON: {name} is not allowed")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise bad_request(f"request body is not valid JSON: duplicate key {key!r}")
        result[key] = value
    return result


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def put_request(raw: bytes) -> PutRequest:
    if not raw:
        raise bad_request('request body is required: a JSON object such as {"data": {...}}')
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("request body is not valid UTF-8") from None
    try:
        # Decimals, not floats: DynamoDB stores numbers exactly and boto3 refuses floats.
        body = json.loads(
            text, parse_float=decimal.Decimal, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates
        )
    except json.JSONDecodeError as error:
        raise bad_request(
            f"request body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise bad_request(f"'data' nests deeper than {MAX_DEPTH} levels") from None
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    unknown = sorted(set(body) - set(ALLOWED_FIELDS))
    if unknown:
        raise bad_request(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(ALLOWED_FIELDS)}")
    if "data" not in body:
        raise bad_request("'data' is required")
    data = body["data"]
    if not isinstance(data, dict):
        raise bad_request("'data' must be a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise bad_request(f"'data' nests deeper than {MAX_DEPTH} levels")
    try:
        to_attribute_map(data)
    except UnstorableValue as error:
        raise bad_request(f"'data' cannot be stored: {error}") from None
    version = body.get("version")
    if version is not None:
        version = _version(version, "'version'")
    return PutRequest(data=data, version=version)


def _version(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{what} must be an integer")
    if not 1 <= value <= MAX_VERSION:
        raise bad_request(f"{what} must be between 1 and {MAX_VERSION}")
    return value


def _version_text(text: str, what: str) -> int:
    text = text.strip()
    if not re.fullmatch(r"[0-9]{1,16}", text):
        raise bad_request(f"{what} must be an integer")
    return _version(int(text), what)


def _header(event: dict[str, Any], name: str) -> list[str]:
    """All values of a header, whatever the client's casing (API Gateway keeps it as sent)."""
    values: list[str] = []
    multi = event.get("multiValueHeaders") or {}
    for key, items in multi.items():
        if key.lower() == name and items:
            values.extend(str(v) for v in items)
    if not values:
        for key, value in (event.get("headers") or {}).items():
            if key.lower() == name and value is not None:
                values.append(str(value))
    return values


def _query(event: dict[str, Any], name: str) -> list[str]:
    multi = (event.get("multiValueQueryStringParameters") or {}).get(name)
    if multi:
        return [str(v) for v in multi]
    single = (event.get("queryStringParameters") or {}).get(name)
    return [] if single is None else [str(single)]


def expected_version(event: dict[str, Any]) -> int:
    """The version a DELETE expects, from ``?version=N`` or ``If-Match: "N"`` (the ETag item responses carry)."""
    found: list[int] = []
    for value in _query(event, "version"):
        found.append(_version_text(value, "query parameter 'version'"))
    for header in _header(event, "if-match"):
        for part in header.split(","):
            tag = part.strip()
            if tag.startswith("W/"):
                raise bad_request('If-Match must be a strong ETag such as "3"')
            if len(tag) >= 2 and tag[0] == tag[-1] == '"':
                tag = tag[1:-1]
            if tag == "*":
                raise bad_request("If-Match: * is not supported; give the item's version")
            found.append(_version_text(tag, "If-Match"))
    if not found:
        raise RequestError(
            428,
            "precondition_required",
            "the expected version is required: ?version=N or an If-Match header with the item's ETag",
        )
    if len(set(found)) > 1:
        raise bad_request("conflicting expected versions in the query string and If-Match")
    return found[0]

"""API Gateway proxy responses: JSON bodies that name the serving region, and the headers every answer carries."""

from __future__ import annotations

import json
from typing import Any

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Type": "application/json",
}
REGION_HEADER = "X-Served-By-Region"


def json_response(status: int, body: dict[str, Any], region: str, headers: dict[str, str] | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {**SECURITY_HEADERS, REGION_HEADER: region, **(headers or {})},
        "body": json.dumps({**body, "region": region}, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def error_response(
    status: int,
    code: str,
    message: str,
    region: str,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> dict:
    body: dict[str, Any] = {"error": code, "message": message, **extra}
    if request_id:
        body["request_id"] = request_id
    return json_response(status, body, region, headers)


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}

"""Fixtures for the application's tests: moto's DynamoDB in-process and API Gateway REST proxy events."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

# The package is deployed with the role's files/lambda as its root, so import it the way Lambda does: ``app.handler``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import handler

REGION = "eu-west-1"
TABLE = "items-test"


@pytest.fixture
def env(monkeypatch):
    """A Lambda-like environment; anything that could send a request elsewhere than moto is removed."""
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "TABLE_HASH_KEY",
        "HEALTHCHECK_TIMEOUT_SECONDS",
        "MAX_ITEM_BYTES",
        "LOG_LEVEL",
        "AWS_LAMBDA_LOG_LEVEL",
        "_X_AMZN_TRACE_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("TABLE_NAME", TABLE)
    handler.reset()
    yield monkeypatch
    handler.reset()


def create_table(name: str = TABLE, key: str = "pk", region: str = REGION) -> None:
    boto3.client("dynamodb", region_name=region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def aws(env):
    with mock_aws():
        yield env


@pytest.fixture
def table(aws):
    create_table()
    return boto3.client("dynamodb", region_name=REGION)


class Api:
    """Builds REST API (payload format 1.0) Lambda proxy events as API Gateway sends them, and invokes the handler."""

    region = REGION
    table = TABLE
    context = SimpleNamespace(aws_request_id="lambda-5678", function_name="items-api")
    create_table = staticmethod(create_table)

    @staticmethod
    def event(
        method: str,
        path: str,
        body=None,
        *,
        resource: str | None = None,
        path_parameters: dict | None = None,
        query: dict | None = None,
        headers: dict | None = None,
        base64_body: bool = False,
    ) -> dict:
        if resource is None:
            if path == "/healthcheck":
                resource = "/healthcheck"
            elif path.startswith("/items/") and path.count("/") == 2:
                resource = "/items/{id}"
                path_parameters = path_parameters or {"id": path.split("/")[2]}
            else:
                resource = "/{proxy+}"
                path_parameters = path_parameters or {"proxy": path.lstrip("/")}
        if body is not None and not isinstance(body, str | bytes):
            body = json.dumps(body)
        encoded = base64_body or isinstance(body, bytes)
        if encoded:
            raw = body if isinstance(body, bytes) else (body or "").encode()
            body = base64.b64encode(raw).decode()
        return {
            "resource": resource,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()} if headers else None,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
            "pathParameters": path_parameters,
            "stageVariables": None,
            "requestContext": {"requestId": "req-1234", "stage": "v1", "httpMethod": method, "resourcePath": resource},
            "body": body,
            "isBase64Encoded": encoded,
        }

    def raw(self, event) -> dict:
        return handler.lambda_handler(event, self.context)

    def call(self, *args, **kwargs) -> tuple[int, dict, dict]:
        """Invoke the handler; return (status, decoded body, headers)."""
        response = self.raw(self.event(*args, **kwargs))
        return response["statusCode"], json.loads(response["body"]), response["headers"]


@pytest.fixture
def api() -> Api:
    return Api()

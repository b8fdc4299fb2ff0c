from __future__ import annotations

import json

import boto3
import botocore.endpoint
import botocore.session
import pytest
from app import handler
from app import store as store_module
from app.config import Settings
from app.logs import JsonLogger
from app.store import HEALTH_KEY
from app.store import Store
from app.store import StoreUnavailable
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

REGION = "eu-west-1"  # the env fixture's AWS_REGION
TABLE = "items-test"  # the env fixture's TABLE_NAME

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Type": "application/json",
}


def assert_served_by_region(body, headers, region=REGION):
    assert body["region"] == region
    assert headers["X-Served-By-Region"] == region
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value


def stored(table, item_id):
    return table.get_item(TableName=TABLE, Key={"pk": {"S": item_id}}, ConsistentRead=True).get("Item")


# --- health check -----------------------------------------------------------------------------------------------


def test_healthcheck_ok(table, api):
    status, body, headers = api.call("GET", "/healthcheck")
    assert status == 200
    assert body == {"status": "ok", "region": REGION}
    assert_served_by_region(body, headers)


def test_healthcheck_fails_when_the_table_is_deleted(table, api):
    assert api.call("GET", "/healthcheck")[0] == 200
    table.delete_table(TableName=TABLE)
    status, body, headers = api.call("GET", "/healthcheck")
    assert status == 503
    assert body == {"status": "unavailable", "region": REGION, "reason": "table_not_found"}
    assert_served_by_region(body, headers)


def test_healthcheck_fails_without_table(aws, api):
    status, body = api.call("GET", "/healthcheck")[:2]
    assert (status, body["reason"]) == (503, "table_not_found")


def test_healthcheck_reads_the_fixed_health_key_of_the_region(env, api, monkeypatch):
    clients = {}

    def factory(service, region_name, config):
        client = botocore.session.Session().create_client(
            service, region_name=region_name, config=config, aws_access_key_id="x", aws_secret_access_key="x"
        )
        stubber = Stubber(client)
        stubber.activate()
        clients[region_name] = (client, stubber)
        return client

    monkeypatch.setattr(store_module.boto3, "client", factory)
    env.setenv("TABLE_HASH_KEY", "primary_key")
    env.setenv("HEALTHCHECK_TIMEOUT_SECONDS", "1.5")
    store = Store(Settings.from_env())
    assert not clients, "clients are created on first use, not with the application"
    client = store.health_client
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (1.5, 1.5)
    assert client.meta.config.retries["total_max_attempts"] == 1
    stubber = clients[REGION][1]
    stubber.add_response(
        "get_item",
        {},
        {
            "TableName": TABLE,
            "Key": {"primary_key": {"S": HEALTH_KEY}},
            "ProjectionExpression": "#k",
            "ExpressionAttributeNames": {"#k": "primary_key"},
        },
    )
    response = handler.Application(Settings.from_env(), store=store).handle(api.event("GET", "/healthcheck"), None)
    assert (response["statusCode"], json.loads(response["body"])) == (200, {"status": "ok", "region": REGION})
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "code, reason",
    [
        ("ProvisionedThroughputExceededException", "throttled"),
        ("ThrottlingException", "throttled"),
        ("ResourceNotFoundException", "table_not_found"),
        ("AccessDeniedException", "access_denied"),
        ("InternalServerError", "dynamodb_error"),
        ("ValidationException", "dynamodb_error"),
    ],
)
def test_healthcheck_fails_on_a_client_error(env, api, monkeypatch, code, reason):
    stubbers = []

    def factory(service, region_name, config):
        client = botocore.session.Session().create_client(
            service, region_name=region_name, config=config, aws_access_key_id="x", aws_secret_access_key="x"
        )
        stubber = Stubber(client)
        stubber.add_client_error("get_item", service_error_code=code, http_status_code=400)
        stubber.activate()
        stubbers.append(stubber)
        return client

    monkeypatch.setattr(store_module.boto3, "client", factory)
    status, body, headers = api.call("GET", "/healthcheck")
    assert (status, body) == (503, {"status": "unavailable", "region": REGION, "reason": reason})
    assert_served_by_region(body, headers)
    assert len(stubbers) == 1
    stubbers[0].assert_no_pending_responses()


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_kwargs):
        yield self.data


def throttle(client, times: int) -> list[int]:
    """Make the first ``times`` GetItem requests of ``client`` come back throttled; returns the attempt log.

    The answer is given at the transport (before-send), so botocore's own retry logic sees it, as it would
    see a real DynamoDB throttle.
    """
    attempts: list[int] = []

    def respond(request, **_kwargs):
        attempts.append(1)
        if len(attempts) > times:
            return None  # on to moto
        body = json.dumps(
            {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow down"}
        ).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "r"}
        return AWSResponse(request.url, 400, headers, _RawBody(body))

    client.meta.events.register_first("before-send.dynamodb.GetItem", respond)
    return attempts


def test_the_health_client_never_retries(table, monkeypatch):
    store = Store(Settings.from_env())
    attempts = throttle(store.health_client, times=1)
    with pytest.raises(StoreUnavailable) as error:
        store.ping()
    assert error.value.code == "ThrottlingException"
    assert len(attempts) == 1


def test_the_data_client_retries_throttling(table, monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", sleeps.append)
    table.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "version": {"N": "1"}, "data": {"M": {}}})
    store = Store(Settings.from_env())
    attempts = throttle(store.client, times=2)
    assert store.get("a").version == 1
    assert (len(attempts), len(sleeps)) == (3, 2)


class FailingClient:
    """A DynamoDB client whose every call raises ``error`` and records its arguments."""

    def __init__(self, error):
        self.error = error
        self.calls = []

    def __getattr__(self, operation):
        def call(**kwargs):
            self.calls.append((operation, kwargs))
            raise self.error

        return call


@pytest.mark.parametrize(
    "error, reason",
    [
        (ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com"), "timeout"),
        (EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com"), "dynamodb_unreachable"),
    ],
)
def test_healthcheck_fails_when_dynamodb_cannot_be_reached(env, api, monkeypatch, error, reason):
    monkeypatch.setattr(store_module.boto3, "client", lambda *a, **k: FailingClient(error))
    status, body = api.call("GET", "/healthcheck")[:2]
    assert (status, body["reason"]) == (503, reason)


def test_healthcheck_fails_when_the_function_is_misconfigured(env, api, capsys):
    env.delenv("TABLE_NAME")
    status, body, headers = api.call("GET", "/healthcheck")
    assert (status, body) == (503, {"status": "unavailable", "region": REGION, "reason": "misconfigured"})
    assert_served_by_region(body, headers)
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert logged[-1]["level"] == "ERROR"
    assert logged[-1]["problem"] == "TABLE_NAME is not set"


def test_items_answer_500_when_the_function_is_misconfigured(env, api):
    env.setenv("MAX_ITEM_BYTES", "lots")
    status, body, headers = api.call("GET", "/items/a")
    assert (status, body["error"], body["message"]) == (500, "internal_error", "internal error")
    assert "MAX_ITEM_BYTES" not in json.dumps(body)
    assert_served_by_region(body, headers)


# --- items ------------------------------------------------------------------------------------------------------


def test_create_read_update_delete(table, api):
    status, body, headers = api.call("PUT", "/items/order-1", {"data": {"qty": 2, "price": 9.5, "note": "é"}})
    assert status == 201
    assert body["id"] == "order-1"
    assert body["data"] == {"qty": 2, "price": 9.5, "note": "é"}
    assert body["version"] == 1
    assert body["updated_region"] == REGION
    assert body["updated_at"].endswith("Z")
    assert headers["ETag"] == '"1"'
    assert_served_by_region(body, headers)

    item = stored(table, "order-1")
    assert item["version"] == {"N": "1"}
    assert item["data"]["M"]["price"] == {"N": "9.5"}
    assert item["updated_region"] == {"S": REGION}

    status, body, headers = api.call("GET", "/items/order-1")
    assert status == 200
    assert (body["data"], body["version"], headers["ETag"]) == ({"qty": 2, "price": 9.5, "note": "é"}, 1, '"1"')
    assert_served_by_region(body, headers)

    status, body, headers = api.call("PUT", "/items/order-1", {"data": {"qty": 3}, "version": 1})
    assert (status, body["data"], body["version"], headers["ETag"]) == (200, {"qty": 3}, 2, '"2"')
    assert stored(table, "order-1")["data"] == {"M": {"qty": {"N": "3"}}}

    status, body, headers = api.call("DELETE", "/items/order-1", query={"version": "2"})
    assert (status, body) == (200, {"id": "order-1", "deleted": True, "version": 2, "region": REGION})
    assert_served_by_region(body, headers)
    assert stored(table, "order-1") is None

    status, body, headers = api.call("GET", "/items/order-1")
    assert (status, body["error"]) == (404, "not_found")
    assert_served_by_region(body, headers)


def test_get_missing_item(table, api):
    status, body, headers = api.call("GET", "/items/nothing-here")
    assert status == 404
    assert body == {
        "error": "not_found",
        "message": "item 'nothing-here' not found",
        "request_id": "req-1234",
        "region": REGION,
    }
    assert_served_by_region(body, headers)


def test_create_over_an_existing_item_is_a_conflict(table, api):
    api.call("PUT", "/items/a", {"data": {"v": 1}})
    api.call("PUT", "/items/a", {"data": {"v": 2}, "version": 1})
    status, body, headers = api.call("PUT", "/items/a", {"data": {"v": 3}})
    assert status == 409
    assert body["error"] == "conflict"
    assert body["current_version"] == 2
    assert body["message"] == "item 'a' already exists; send its current version to replace it"
    assert headers["ETag"] == '"2"'
    assert_served_by_region(body, headers)
    assert stored(table, "a")["data"] == {"M": {"v": {"N": "2"}}}


def test_update_with_a_stale_version_is_a_conflict(table, api):
    api.call("PUT", "/items/a", {"data": {"v": 1}})
    assert api.call("PUT", "/items/a", {"data": {"v": 2}, "version": 1})[0] == 200
    # A second writer that read version 1 loses instead of overwriting the first writer's update.
    status, body = api.call("PUT", "/items/a", {"data": {"v": "lost"}, "version": 1})[:2]
    assert (status, body["current_version"]) == (409, 2)
    assert body["message"] == "version mismatch: expected 1, item 'a' is at version 2"
    assert stored(table, "a")["data"] == {"M": {"v": {"N": "2"}}}
    assert stored(table, "a")["version"] == {"N": "2"}


def test_update_of_a_missing_item_is_not_found(table, api):
    status, body = api.call("PUT", "/items/ghost", {"data": {}, "version": 3})[:2]
    assert (status, body["error"]) == (404, "not_found")
    assert stored(table, "ghost") is None


def test_delete_with_a_stale_version_is_a_conflict(table, api):
    api.call("PUT", "/items/a", {"data": {}})
    api.call("PUT", "/items/a", {"data": {}, "version": 1})
    status, body, headers = api.call("DELETE", "/items/a", headers={"If-Match": '"1"'})
    assert (status, body["current_version"], headers["ETag"]) == (409, 2, '"2"')
    assert stored(table, "a") is not None
    status, body = api.call("DELETE", "/items/a", headers={"If-Match": '"2"'})[:2]
    assert (status, body["deleted"]) == (200, True)
    assert stored(table, "a") is None


def test_delete_missing_item(table, api):
    status, body = api.call("DELETE", "/items/a", query={"version": "1"})[:2]
    assert (status, body["error"]) == (404, "not_found")


def test_delete_needs_an_expected_version(table, api):
    api.call("PUT", "/items/a", {"data": {}})
    status, body, headers = api.call("DELETE", "/items/a")
    assert (status, body["error"]) == (428, "precondition_required")
    assert_served_by_region(body, headers)
    assert stored(table, "a") is not None


def test_base64_body(table, api):
    status, body = api.call("PUT", "/items/b64", json.dumps({"data": {"x": [1, None, True]}}).encode())[:2]
    assert (status, body["data"]) == (201, {"x": [1, None, True]})


def test_custom_hash_key(aws, api):
    aws.setenv("TABLE_HASH_KEY", "primary_key")
    api.create_table(key="primary_key")
    assert api.call("PUT", "/items/k", {"data": {"a": 1}})[0] == 201
    item = boto3.client("dynamodb", region_name=REGION).get_item(TableName=TABLE, Key={"primary_key": {"S": "k"}})[
        "Item"
    ]
    assert item["version"] == {"N": "1"}
    assert api.call("GET", "/items/k")[1]["data"] == {"a": 1}
    assert api.call("GET", "/healthcheck")[0] == 200


@pytest.mark.parametrize(
    "method, path, body, status, message",
    [
        ("GET", "/items/_hidden", None, 400, "invalid item id"),
        ("PUT", "/items/" + "x" * 129, {"data": {}}, 400, "invalid item id"),
        ("PUT", "/items/a", None, 400, "request body is required"),
        ("PUT", "/items/a", "{", 400, "not valid JSON"),
        ("PUT", "/items/a", [1], 400, "must be a JSON object"),
        ("PUT", "/items/a", {"data": {}, "extra": 1}, 400, "unknown field(s): extra"),
        ("PUT", "/items/a", {"data": "text"}, 400, "'data' must be a JSON object"),
        ("PUT", "/items/a", {"data": {}, "version": "1"}, 400, "'version' must be an integer"),
        ("PUT", "/items/a", {"data": {"blob": "x" * 20000}}, 413, "exceeds 16384 bytes"),
        ("DELETE", "/items/a", None, 428, "expected version is required"),
    ],
)
def test_bad_input(table, api, method, path, body, status, message):
    got_status, got_body, headers = api.call(method, path, body)
    assert got_status == status
    assert message in got_body["message"]
    assert_served_by_region(got_body, headers)
    assert table.scan(TableName=TABLE)["Count"] == 0


def test_a_changed_environment_takes_effect_on_the_next_invocation(table, aws, api):
    body = {"data": {"blob": "x" * 100}}
    assert api.call("PUT", "/items/a", body)[0] == 201
    aws.setenv("MAX_ITEM_BYTES", "64")
    status, answer = api.call("PUT", "/items/b", body)[:2]
    assert (status, answer["message"]) == (413, "request body exceeds 64 bytes")


# --- routing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("GET", "/", {}),
        ("GET", "/items", {}),
        ("GET", "/items/a/b", {}),
        ("GET", "/health", {}),
        ("GET", "/unknown", {"resource": "/unknown"}),
    ],
)
def test_unknown_route(table, api, method, path, kwargs):
    status, body, headers = api.call(method, path, **kwargs)
    assert (status, body["error"]) == (404, "not_found")
    assert_served_by_region(body, headers)


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("POST", "/healthcheck", "GET"),
        ("DELETE", "/healthcheck", "GET"),
        ("POST", "/items/a", "GET, PUT, DELETE"),
        ("PATCH", "/items/a", "GET, PUT, DELETE"),
        ("HEAD", "/items/a", "GET, PUT, DELETE"),
    ],
)
def test_wrong_method(table, api, method, path, allow):
    status, body, headers = api.call(method, path)
    assert (status, body["error"], headers["Allow"]) == (405, "method_not_allowed", allow)
    assert_served_by_region(body, headers)


def test_greedy_proxy_resource_routes_on_the_path(table, api):
    status, body = api.call("PUT", "/items/p1", {"data": {}}, resource="/{proxy+}", path_parameters={"proxy": "x"})[:2]
    assert (status, body["id"]) == (201, "p1")
    assert api.call("GET", "/healthcheck", resource="/{proxy+}")[0] == 200


@pytest.mark.parametrize("event", [{}, {"path": "/healthcheck"}, "not an event", None])
def test_not_a_proxy_event(env, api, event):
    response = api.raw(event)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["message"] == "not an API Gateway proxy request"
    assert response["headers"]["X-Served-By-Region"] == REGION


# --- DynamoDB failures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, status, error",
    [
        ("ProvisionedThroughputExceededException", 503, "service_unavailable"),
        ("ThrottlingException", 503, "service_unavailable"),
        ("RequestLimitExceeded", 503, "service_unavailable"),
        ("InternalServerError", 503, "service_unavailable"),
        ("ResourceNotFoundException", 503, "service_unavailable"),
        ("ValidationException", 500, "internal_error"),
        ("AccessDeniedException", 500, "internal_error"),
    ],
)
@pytest.mark.parametrize(
    "method, kwargs",
    [
        ("GET", {}),
        ("PUT", {"body": {"data": {"a": 1}}}),
        ("DELETE", {"query": {"version": "1"}}),
    ],
)
def test_dynamodb_errors(env, api, monkeypatch, capsys, code, status, error, method, kwargs):
    client = FailingClient(ClientError({"Error": {"Code": code, "Message": "secret detail"}}, "Op"))
    monkeypatch.setattr(store_module.boto3, "client", lambda *a, **k: client)
    got_status, body, headers = api.call(method, "/items/a", **kwargs)
    assert (got_status, body["error"]) == (status, error)
    assert "secret detail" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)
    assert_served_by_region(body, headers)
    assert (headers.get("Retry-After") == "1") == (status == 503)
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    failure = next(entry for entry in logged if entry.get("error_code"))
    assert failure["error_code"] == code
    assert failure["level"] == ("WARNING" if status == 503 else "ERROR")
    assert len(client.calls) == 1


def test_timeouts_are_unavailable(env, api, monkeypatch):
    client = FailingClient(ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com"))
    monkeypatch.setattr(store_module.boto3, "client", lambda *a, **k: client)
    status, body = api.call("GET", "/items/a")[:2]
    assert (status, body["error"]) == (503, "service_unavailable")


def test_unexpected_errors_never_leak(table, api, monkeypatch, capsys):
    def explode(*args, **kwargs):
        raise RuntimeError("boom at /var/task/app/store.py")

    monkeypatch.setattr(Store, "get", explode)
    status, body, headers = api.call("GET", "/items/a")
    assert (status, body) == (
        500,
        {"error": "internal_error", "message": "internal error", "request_id": "req-1234", "region": REGION},
    )
    assert_served_by_region(body, headers)
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    error = next(entry for entry in logged if entry["level"] == "ERROR")
    assert error["error_type"] == "RuntimeError"
    assert "Traceback" in error["traceback"]


# --- logging and client lifecycle -------------------------------------------------------------------------------


def test_every_request_is_logged_as_one_json_line(table, api, capsys, monkeypatch):
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-abc;Parent=def;Sampled=1")
    capsys.readouterr()
    api.call("GET", "/items/missing")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "request"
    assert entry["level"] == "INFO"
    assert entry["status"] == 404
    assert entry["method"] == "GET"
    assert entry["route"] == "/items/{id}"
    assert entry["path"] == "/items/missing"
    assert entry["region"] == REGION
    assert entry["request_id"] == "lambda-5678"
    assert entry["api_request_id"] == "req-1234"
    assert entry["xray_trace_id"] == "Root=1-abc;Parent=def;Sampled=1"
    assert isinstance(entry["duration_ms"], float)
    assert entry["timestamp"].endswith("Z")


def test_log_level_filters(capsys):
    log = JsonLogger("WARNING", component="x")
    log.info("hidden")
    log.warning("shown", n=1)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["shown"]
    assert json.loads(lines[0])["component"] == "x"


def test_clients_are_created_once_per_environment(table, api, monkeypatch):
    created = []
    real = boto3.client

    def counting(*args, **kwargs):
        created.append(kwargs["region_name"])
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module.boto3, "client", counting)
    for _invocation in range(3):
        api.call("GET", "/items/a")
        api.call("GET", "/healthcheck")
    assert created == [REGION, REGION]  # one data client, one health client, reused by warm invocations
    monkeypatch.setenv("TABLE_NAME", "other")
    api.call("GET", "/healthcheck")
    assert len(created) == 3

"""Lambda entry point: routes API Gateway REST proxy events (payload format 1.0) to the health check and the
item operations, and turns every outcome into a JSON response that names the serving region."""

from __future__ import annotations

import os
import re
import time
import traceback
from dataclasses import dataclass
from typing import Any

from . import validation
from .config import ConfigError
from .config import Settings
from .logs import JsonLogger
from .responses import error_response
from .responses import etag
from .responses import json_response
from .store import THROTTLING_CODES
from .store import ItemNotFound
from .store import Store
from .store import StoreError
from .store import StoreUnavailable
from .store import VersionConflict
from .validation import RequestError


@dataclass(frozen=True)
class Route:
    name: str
    pattern: re.Pattern
    methods: tuple[str, ...]


HEALTHCHECK = Route("/healthcheck", re.compile(r"/healthcheck/?"), ("GET",))
ITEM = Route("/items/{id}", re.compile(r"/items/(?P<id>[^/]+)/?"), ("GET", "PUT", "DELETE"))
ROUTES = (HEALTHCHECK, ITEM)


def resolve(event: dict[str, Any]) -> tuple[Route, dict[str, Any]]:
    """The route and path parameters of an event.

    The API's own resource template comes first (``/items/{id}``); the concrete path is matched only when the
    API forwards everything through a greedy ``{proxy+}`` resource.
    """
    resource = event.get("resource")
    for route in ROUTES:
        if resource == route.name:
            return route, dict(event.get("pathParameters") or {})
    path = event.get("path")
    if isinstance(path, str):
        for route in ROUTES:
            match = route.pattern.fullmatch(path)
            if match:
                return route, match.groupdict()
    raise RequestError(404, "not_found", "no such route")


def check_method(route: Route, method: str) -> None:
    if method not in route.methods:
        raise RequestError(
            405,
            "method_not_allowed",
            f"{method} is not allowed on {route.name}; allowed: {', '.join(route.methods)}",
            headers={"Allow": ", ".join(route.methods)},
        )


def health_reason(error: StoreUnavailable | StoreError) -> str:
    """A short, public reason for a failed health check (the error code itself goes to the logs only)."""
    code = error.code
    if code in ("ResourceNotFoundException", "TableNotFoundException"):
        return "table_not_found"
    if code in THROTTLING_CODES:
        return "throttled"
    if code == "Timeout":
        return "timeout"
    if code == "EndpointUnreachable":
        return "dynamodb_unreachable"
    if code in ("AccessDeniedException", "UnrecognizedClientException", "KMSAccessDeniedException"):
        return "access_denied"
    return "dynamodb_error"


class Application:
    def __init__(self, settings: Settings, store: Store | None = None, logger: JsonLogger | None = None) -> None:
        self.settings = settings
        self.region = settings.region
        self.store = store or Store(settings)
        self.log = logger or JsonLogger(settings.log_level, service="items-api", region=settings.region)

    def handle(self, event: Any, context: Any) -> dict:
        started = time.monotonic()
        log, request_id = _bind_request(self.log, event, context)
        method = event.get("httpMethod") if isinstance(event, dict) else None
        route_name = None
        try:
            if not isinstance(event, dict) or not isinstance(method, str):
                raise RequestError(400, "bad_request", "not an API Gateway proxy request")
            route, params = resolve(event)
            route_name = route.name
            check_method(route, method)
            if route is HEALTHCHECK:
                response = self.healthcheck(log)
            else:
                response = self.item(method, params.get("id"), event, log, request_id)
        except RequestError as error:
            response = error_response(error.status, error.code, error.message, self.region, request_id, error.headers)
        except Exception as error:  # the client gets a generic 500; the details stay in the logs
            log.error("unhandled error", error_type=type(error).__name__, traceback=traceback.format_exc())
            response = error_response(500, "internal_error", "internal error", self.region, request_id)
        log.info(
            "request",
            method=method,
            path=event.get("path") if isinstance(event, dict) else None,
            route=route_name,
            status=response["statusCode"],
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        return response

    def healthcheck(self, log: JsonLogger) -> dict:
        try:
            self.store.ping()
        except (StoreUnavailable, StoreError) as error:
            reason = health_reason(error)
            log.warning("health check failed", reason=reason, error_code=error.code)
            return json_response(503, {"status": "unavailable", "reason": reason}, self.region)
        return json_response(200, {"status": "ok"}, self.region)

    def item(self, method: str, raw_id: Any, event: dict, log: JsonLogger, request_id: str | None) -> dict:
        item_id = validation.item_id(raw_id)
        try:
            if method == "GET":
                found = self.store.get(item_id)
                return json_response(200, found.to_json(), self.region, etag(found.version))
            if method == "PUT":
                request = validation.put_request(validation.body_bytes(event, self.settings.max_item_bytes))
                saved = self.store.put(item_id, request.data, request.version)
                status = 201 if request.version is None else 200
                return json_response(status, saved.to_json(), self.region, etag(saved.version))
            deleted = self.store.delete(item_id, validation.expected_version(event))
            return json_response(200, {"id": item_id, "deleted": True, "version": deleted.version}, self.region)
        except ItemNotFound:
            return error_response(404, "not_found", f"item {item_id!r} not found", self.region, request_id)
        except VersionConflict as conflict:
            if conflict.expected is None:
                message = f"item {item_id!r} already exists; send its current version to replace it"
            else:
                message = f"version mismatch: expected {conflict.expected}, item {item_id!r} is at version "
                message += str(conflict.current_version)
            return error_response(
                409,
                "conflict",
                message,
                self.region,
                request_id,
                etag(conflict.current_version),
                current_version=conflict.current_version,
            )
        except StoreUnavailable as error:
            log.warning("dynamodb unavailable", method=method, error_code=error.code)
            return error_response(
                503,
                "service_unavailable",
                "the table is unavailable in this region; retry shortly",
                self.region,
                request_id,
                {"Retry-After": "1"},
            )
        except StoreError as error:
            log.error("dynamodb error", method=method, error_code=error.code)
            return error_response(500, "internal_error", "internal error", self.region, request_id)


def _bind_request(log: JsonLogger, event: Any, context: Any) -> tuple[JsonLogger, str | None]:
    lambda_request_id = getattr(context, "aws_request_id", None)
    api_request_id = None
    if isinstance(event, dict):
        api_request_id = (event.get("requestContext") or {}).get("requestId")
    return log.bind(request_id=lambda_request_id, api_request_id=api_request_id), api_request_id or lambda_request_id


class _Current:
    """The application built for the current settings, kept for warm invocations.

    Settings are read from the environment on every call and compared, so a changed environment (a new
    deployment, a test) gets a new application and new clients instead of stale ones.
    """

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.app: Application | None = None

    def get(self, settings: Settings) -> Application:
        if self.app is None or self.settings != settings:
            self.settings, self.app = settings, Application(settings)
        return self.app

    def clear(self) -> None:
        self.settings, self.app = None, None


_CURRENT = _Current()


def reset() -> None:
    """Forget the cached application and its clients (tests call this between cases)."""
    _CURRENT.clear()


def lambda_handler(event: Any, context: Any) -> dict:
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        return _misconfigured(event, context, str(error))
    return _CURRENT.get(settings).handle(event, context)


def _misconfigured(event: Any, context: Any, problem: str) -> dict:
    """A function without a usable environment fails its health check, so DNS failover routes around it."""
    region = os.environ.get("AWS_REGION") or "unknown"
    log, request_id = _bind_request(JsonLogger("INFO", service="items-api", region=region), event, context)
    log.error("function misconfigured", problem=problem)
    is_health = False
    if isinstance(event, dict):
        try:
            is_health = resolve(event)[0] is HEALTHCHECK
        except RequestError:
            is_health = False
    if is_health:
        return json_response(503, {"status": "unavailable", "reason": "misconfigured"}, region)
    return error_response(500, "internal_error", "internal error", region, request_id)

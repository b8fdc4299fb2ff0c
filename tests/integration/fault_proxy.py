"""A fault-injecting proxy of the tests, on 127.0.0.1, in front of the local endpoint.

It answers a share of the requests (``rate``, 20% by default, from a seeded RNG so a failure can be replayed) the way
AWS answers when it throttles: each service's own throttling error, with its code, HTTP status and the body format of
its protocol, and a few (``server_error_share`` of the faults) with HTTP 500. Every other request goes to the endpoint
unchanged. A faulted request never reaches the endpoint, as a throttled request never reaches AWS's backend.

The service comes from the request's SigV4 credential scope, the protocol from how the request is encoded (the
botocore service models say which protocol each service speaks; the codes and statuses below are the models' error
shapes where they have one, and the AWS API reference's common errors otherwise).

    proxy = FaultProxy("http://127.0.0.1:5000", rate=0.2, seed=7)
    url = proxy.start()   # give this URL to the clients as AWS_ENDPOINT_URL
    ...
    proxy.stop(); proxy.counts   # {"forwarded": n, "throttled": {service: n}, "server_error": n}

With ``rate=0`` it only forwards; ``on_forwarded`` then lets a test act on a given request (interrupt the run that
made it, once the endpoint has carried it out).
"""

from __future__ import annotations

import http.client
import http.server
import json
import random
import re
import threading
import urllib.parse
import uuid
from collections import Counter

HOST = "127.0.0.1"

# Signing name -> (error code, HTTP status) of the service's throttling answer.
THROTTLING = {
    "ec2": ("RequestLimitExceeded", 503),  # EC2 API reference, common client errors
    "iam": ("Throttling", 400),
    "sts": ("Throttling", 400),
    "sns": ("Throttled", 429),  # SNS model: ThrottledException, code Throttled, 429
    "monitoring": ("Throttling", 400),
    "logs": ("ThrottlingException", 400),
    "kms": ("ThrottlingException", 400),
    "dynamodb": ("ThrottlingException", 400),
    "wafv2": ("ThrottlingException", 400),
    "acm": ("ThrottlingException", 400),
    "ssm": ("ThrottlingException", 400),
    "route53resolver": ("ThrottlingException", 400),
    "application-autoscaling": ("ThrottlingException", 400),
    "lambda": ("TooManyRequestsException", 429),  # Lambda model: TooManyRequestsException, 429
    "apigateway": ("TooManyRequestsException", 429),  # API Gateway model: TooManyRequestsException, 429
    "backup": ("ThrottlingException", 400),
    "resiliencehub": ("ThrottlingException", 429),  # Resilience Hub model: ThrottlingException, 429
    "fis": ("ThrottlingException", 400),
    "route53": ("Throttling", 400),  # Route 53 also answers changes with PriorRequestNotComplete
    "xray": ("ThrottledException", 429),
}
# Route 53 answers a change it cannot take yet with this one, retried by botocore and AWSRetry alike.
ROUTE53_CHANGE = ("PriorRequestNotComplete", 400)

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    return _cbor_head(3, len(data)) + data


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    return bytes([major << 5 | 25]) + length.to_bytes(2, "big")


def cbor_map(mapping: dict[str, str]) -> bytes:
    """The CBOR encoding of a map of text to text (all an rpc-v2-cbor error body holds)."""
    out = _cbor_head(5, len(mapping))
    for key, value in mapping.items():
        out += _cbor_text(key) + _cbor_text(value)
    return out


def protocol_of(signing_name: str, headers) -> str:
    if (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor":
        return "cbor"
    if headers.get("X-Amz-Target"):
        return "json"
    if signing_name == "ec2":
        return "ec2"
    if (headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
        return "query"
    if signing_name in ("route53", "s3"):
        return "rest-xml"
    return "rest-json"


def error_response(protocol: str, code: str, status: int, message: str, headers) -> tuple[int, dict, bytes]:
    """(status, headers, body) of an error ``code`` in the wire format of ``protocol``."""
    request_id = str(uuid.uuid4())
    out = {"x-amzn-RequestId": request_id}
    if protocol == "json":
        content_type = headers.get("Content-Type") or "application/x-amz-json-1.1"
        out["Content-Type"] = content_type
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "cbor":
        out.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
        # Query-compatible services (CloudWatch) carry the query error code in this header too.
        out["x-amzn-query-error"] = f"{code};{'Sender' if status < 500 else 'Receiver'}"
        body = cbor_map({"__type": code, "message": message})
    elif protocol == "rest-json":
        out.update({"Content-Type": "application/json", "x-amzn-ErrorType": f"{code}:"})
        if status == 429:
            out["Retry-After"] = "1"
        body = json.dumps({"message": message, "Type": "User" if status < 500 else "Service"}).encode()
    elif protocol == "ec2":
        out["Content-Type"] = "text/xml;charset=UTF-8"
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
    else:  # query and rest-xml
        namespace = ' xmlns="https://route53.amazonaws.com/doc/2013-04-01/"' if protocol == "rest-xml" else ""
        kind = "Sender" if status < 500 else "Receiver"
        out["Content-Type"] = "text/xml"
        body = (
            f"<?xml version='1.0'?><ErrorResponse{namespace}><Error><Type>{kind}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    out["Content-Length"] = str(len(body))
    return status, out, body


class FaultProxy:
    def __init__(self, upstream: str, rate: float = 0.2, server_error_share: float = 0.1, seed: int = 20261206):
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the fault proxy only fronts a loopback endpoint, not {upstream}")
        self.upstream = (parsed.hostname, parsed.port)
        self.rate = rate
        self.server_error_share = server_error_share
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.forwarded = 0
        self.throttled: Counter = Counter()
        self.server_errors: Counter = Counter()
        # Called with (signing name, method, path, headers, body) after each forwarded request has been answered by
        # the endpoint and before its answer is relayed: a test can interrupt the client right there.
        self.on_forwarded = None
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def counts(self) -> dict:
        with self._lock:
            return {
                "forwarded": self.forwarded,
                "throttled": dict(self.throttled),
                "server_error": dict(self.server_errors),
            }

    def decide(self, signing_name: str, method: str, path: str) -> tuple[str, int] | None:
        """The fault to answer with, or None to forward. Deterministic for a seed and a sequence of requests."""
        if signing_name not in THROTTLING or path.startswith("/moto-api"):
            return None
        with self._lock:
            draw = self._rng.random()
            kind = self._rng.random()
            if draw >= self.rate:
                self.forwarded += 1
                return None
            if kind < self.server_error_share:
                self.server_errors[signing_name] += 1
                return ("InternalError" if signing_name == "ec2" else "InternalFailure", 500)
            self.throttled[signing_name] += 1
        if signing_name == "route53" and method == "POST" and kind < 0.5:
            return ROUTE53_CHANGE
        return THROTTLING[signing_name]

    def start(self) -> str:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # the test's output is the playbook's, not the proxy's
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                match = _SCOPE.search(self.headers.get("Authorization") or "")
                signing_name = match.group(2) if match else ""
                fault = proxy.decide(signing_name, self.command, self.path)
                if fault:
                    code, status = fault
                    protocol = protocol_of(signing_name, self.headers)
                    message = (
                        "Rate exceeded" if status != 500 else "We encountered an internal error. Please try again."
                    )
                    status, headers, payload = error_response(protocol, code, status, message, self.headers)
                else:
                    status, headers, payload = proxy._forward(self.command, self.path, self.headers, body)
                    if proxy.on_forwarded is not None:
                        proxy.on_forwarded(signing_name, self.command, self.path, self.headers, body)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client is gone (an interrupted run)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://{HOST}:{self._server.server_address[1]}"

    def _forward(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=300)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(method, path, body=body, headers=forwarded)
            response = connection.getresponse()
            payload = response.read()
            out = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length"}}
            out["Content-Length"] = str(len(payload))
            return response.status, out, payload
        finally:
            connection.close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

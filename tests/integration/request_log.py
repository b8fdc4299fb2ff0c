"""The AWS requests a playbook run sends to the local endpoint, recorded by the tests' proxy without any fault.

    with recorded_requests(clean_endpoint) as (url, requests):
        ansible_playbook(PLAYBOOK, extra_env={"AWS_ENDPOINT_URL": url})
    assert ("sns", "ListTopics") not in requests

Each request is (signing name, operation): the ``Action`` of the query protocol (SNS, STS, EC2, IAM...), the
operation named by ``X-Amz-Target`` (JSON protocol), else "<METHOD> <path>" (REST protocols, such as Lambda's).
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Iterator

from .fault_proxy import FaultProxy


def operation_of(method: str, path: str, headers, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    query = urllib.parse.urlsplit(path).query
    for text in (body.decode("utf-8", "replace") if body else "", query):
        action = urllib.parse.parse_qs(text).get("Action")
        if action:
            return action[0]
    return f"{method} {urllib.parse.urlsplit(path).path}"


@contextlib.contextmanager
def recorded_requests(endpoint: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(URL to give the run as AWS_ENDPOINT_URL, the requests it sent, in order, filled as they are answered)."""
    requests: list[tuple[str, str]] = []
    proxy = FaultProxy(endpoint, rate=0.0)
    proxy.on_forwarded = lambda service, method, path, headers, body: requests.append(
        (service, operation_of(method, path, headers, body))
    )
    url = proxy.start()
    try:
        yield url, requests
    finally:
        proxy.stop()

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""What every module of multiregion.serverless shares.

- ``MultiregionAWSModule``: amazon.aws' ``AnsibleAWSModule`` carrying this collection's name and version
  in the User-Agent. Every module in the collection is built on it.
- ``error_handler``: per-service error handlers that turn botocore errors into
  ``Failed to <verb> <thing>: <code>`` and treat the service's not-found codes as "absent".
- Tag helpers around amazon.aws' tagging functions.
- ``wait_for``: bounded polling for asynchronous states, for the APIs that have no botocore waiter.
"""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Optional

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

COLLECTION_NAME = "multiregion.serverless"
COLLECTION_VERSION = "0.1.0"

# AWSRetry retries RequestLimitExceeded, Throttling, TooManyRequestsException and 5xx codes out of the box;
# these are the other services' throttling codes, retried by every client of this collection.
THROTTLING_CODES = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "PriorRequestNotComplete",
    "SlowDown",
    "Throttled",  # SNS (HTTP 429), which neither botocore's standard retry mode nor AWSRetry retries
]


def _retry(extra_codes: Optional[list[str]] = None):
    return AWSRetry.jittered_backoff(
        retries=10, delay=1, max_delay=30, catch_extra_error_codes=THROTTLING_CODES + list(extra_codes or [])
    )


class MultiregionAWSModule(AnsibleAWSModule):
    """AnsibleAWSModule that identifies this collection in the User-Agent of every request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)

    def retrying_client(self, service: str, extra_codes: Optional[list[str]] = None, **kwargs: Any):
        """A client whose calls retry on throttling (and ``extra_codes``) when called with ``aws_retry=True``."""
        return self.client(service, retry_decorator=_retry(extra_codes), **kwargs)


def paginate(client, operation: str, **params: Any) -> dict:
    """The full result of a paginated operation, retried as a whole on throttling.

    A client's paginator bypasses the ``aws_retry`` wrapper, so the pagination itself is wrapped here.
    """

    @_retry()
    def _all_pages() -> dict:
        return client.get_paginator(operation).paginate(**params).build_full_result()

    return _all_pages()


class MultiregionAWSError(AnsibleAWSError):
    """An AWS error already described as 'Failed to <verb> <thing>'."""


def error_handler(not_found_codes: Iterable[str]) -> type[AWSErrorHandler]:
    """Build an AWSErrorHandler for a service whose 'absent' is signalled by ``not_found_codes``.

    ``handler.list_error_handler("get thing {name}")`` returns ``default_value`` for a missing resource;
    ``handler.deletion_error_handler(...)`` returns False for one; ``handler.common_error_handler(...)``
    raises ``MultiregionAWSError`` with the description.
    """
    codes = tuple(not_found_codes)

    class _Handler(AWSErrorHandler):
        _CUSTOM_EXCEPTION = MultiregionAWSError

        @classmethod
        def _is_missing(cls):
            return is_boto3_error_code(list(codes))

    return _Handler


def is_not_found(error: BaseException, codes: Iterable[str]) -> bool:
    """True when ``error`` is a botocore ClientError with one of ``codes``."""
    if not isinstance(error, botocore.exceptions.ClientError):
        return False
    return error.response.get("Error", {}).get("Code") in set(codes)


def tags_to_boto3(tags: Optional[dict[str, str]], key_name: str = "Key", value_name: str = "Value") -> list[dict]:
    return ansible_dict_to_boto3_tag_list(tags or {}, tag_name_key_name=key_name, tag_value_key_name=value_name)


def tags_from_boto3(tag_list: Optional[list[dict]], key_name: str = "Key", value_name: str = "Value") -> dict:
    return boto3_tag_list_to_ansible_dict(tag_list or [], tag_name_key_name=key_name, tag_value_key_name=value_name)


def tag_changes(
    current: Optional[dict[str, str]], wanted: Optional[dict[str, str]], purge: bool = True
) -> tuple[dict[str, str], list[str]]:
    """(tags to set, tag keys to remove). ``wanted=None`` means "leave tags alone"."""
    if wanted is None:
        return {}, []
    return compare_aws_tags(current or {}, wanted, purge_tags=purge)


class WaitTimeout(Exception):
    """The awaited state was not reached in time."""

    def __init__(self, description: str, last: Any) -> None:
        super().__init__(f"Timeout waiting for {description}; last seen: {last!r}")
        self.last = last


def wait_for(
    fetch: Callable[[], Any],
    done: Callable[[Any], bool],
    description: str,
    timeout: float = 300,
    delay: float = 5,
    failed: Optional[Callable[[Any], bool]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Poll ``fetch()`` until ``done(result)``, at most ``timeout`` seconds; return the last result.

    ``failed(result)`` ends the wait early with an error (a terminal failure state). The first poll
    happens at once, so an already-settled resource costs one call.
    """
    deadline = clock() + timeout
    while True:
        result = fetch()
        if done(result):
            return result
        if failed is not None and failed(result):
            raise MultiregionAWSError(message=f"{description} failed; last seen: {result!r}")
        if clock() + delay > deadline:
            raise WaitTimeout(description, result)
        sleep(delay)


def snake_result(resource: Optional[dict], ignore: Iterable[str] = ("Tags", "tags")) -> dict:
    """camel_dict_to_snake_dict that leaves tag dicts' keys as the user wrote them."""
    from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

    if not resource:
        return {}
    return camel_dict_to_snake_dict(resource, ignore_list=list(ignore))

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""WAFv2: what the collection's WAFv2 modules (and ``fsbp_audit``'s web ACL reads) share."""

from __future__ import annotations

from typing import Any
from typing import Callable

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler

# WAFv2 says a web ACL, a resource or a logging configuration does not exist with WAFNonexistentItemException.
WAFErrorHandler = error_handler(["WAFNonexistentItemException"])
# WAF's internal errors are transient: its API reference asks callers to retry them.
RETRY_CODES = ["WAFInternalErrorException"]


def wafv2_client(module):
    """The WAFv2 client of ``module``, retrying throttled calls and internal errors made with ``aws_retry=True``."""
    return module.retrying_client("wafv2", extra_codes=RETRY_CODES)


def marker_pages(call: Callable[..., dict], **params: Any):
    """The pages of a WAFv2 listing, one request at a time, following NextMarker (WAFv2 has no botocore paginator, and
    ``paginate`` reads every page where a caller may stop at the first that answers it)."""
    while True:
        page = call(aws_retry=True, **params)
        yield page
        marker = page.get("NextMarker")
        if not marker or marker == params.get("NextMarker"):
            return
        params = dict(params, NextMarker=marker)

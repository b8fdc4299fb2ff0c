# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""WAFv2: what ``wafv2_logging_configuration`` and ``wafv2_web_acl_association`` share."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler

# WAFv2 says a web ACL, a resource or a logging configuration does not exist with WAFNonexistentItemException.
WAFErrorHandler = error_handler(["WAFNonexistentItemException"])
# WAF's internal errors are transient: its API reference asks callers to retry them.
RETRY_CODES = ["WAFInternalErrorException"]


def wafv2_client(module):
    """The WAFv2 client of ``module``, retrying throttled calls and internal errors made with ``aws_retry=True``."""
    return module.retrying_client("wafv2", extra_codes=RETRY_CODES)

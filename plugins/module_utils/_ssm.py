# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Systems Manager documents and Automation executions: what ssm_document and ssm_automation_execution share."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler

# DescribeDocument answers InvalidDocument for a document that does not exist (and for a version that does not);
# GetAutomationExecution answers AutomationExecutionNotFoundException.
DOCUMENT_NOT_FOUND_CODES = ("InvalidDocument",)
EXECUTION_NOT_FOUND_CODES = ("AutomationExecutionNotFoundException",)
DocumentErrors = error_handler(DOCUMENT_NOT_FOUND_CODES)
ExecutionErrors = error_handler(EXECUTION_NOT_FOUND_CODES)

DOCUMENT_FORMATS = ["YAML", "JSON"]

# AutomationExecutionStatus values after which an execution changes no more.
AUTOMATION_TERMINAL_STATUSES = (
    "Success",
    "TimedOut",
    "Cancelled",
    "Failed",
    "Rejected",
    "ChangeCalendarOverrideRejected",
    "CompletedWithSuccess",
    "CompletedWithFailure",
    "Exited",
)


def ssm_client(module):
    return module.retrying_client("ssm")

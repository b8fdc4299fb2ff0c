# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Fault Injection Service (FIS): what fis_experiment_template and fis_experiment share.

Experiment templates have no name of their own: this collection finds a template by its ``Name`` tag, as the
FIS console shows it. Experiments are started from a template with a client token; FIS returns the experiment
it already started for a token it has seen, so a retried start does not start a second one.
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate

NOT_FOUND_CODES = ("ResourceNotFoundException",)
FisErrors = error_handler(NOT_FOUND_CODES)
# FIS throttles with ThrottlingException, which AWSRetry does not retry by itself; common.THROTTLING_CODES has it.

NAME_TAG = "Name"

# ExperimentStatus of the service model; the terminal ones end a wait.
EXPERIMENT_TERMINAL_STATUSES = ("completed", "stopped", "failed", "cancelled")
EXPERIMENT_STATUSES = ("pending", "initiating", "running", "completed", "stopping", "stopped", "failed", "cancelled")
ACCOUNT_TARGETING = ["single-account", "multi-account"]
EMPTY_TARGET_RESOLUTION_MODES = ["fail", "skip"]


def fis_client(module):
    return module.retrying_client("fis")


@FisErrors.list_error_handler("list experiment templates", [])
def list_templates(client) -> list[dict]:
    return paginate(client, "list_experiment_templates").get("experimentTemplates", [])


@FisErrors.list_error_handler("get experiment template {template_id}", None)
def get_template(client, template_id: str) -> Optional[dict]:
    return client.get_experiment_template(id=template_id, aws_retry=True)["experimentTemplate"]


def find_template_by_name(client, name: str) -> Optional[dict]:
    """The experiment template whose Name tag is ``name`` (full description), or None.

    Two templates with the same Name tag are an error: the module could not tell which one it manages.
    """
    matches = [t for t in list_templates(client) if (t.get("tags") or {}).get(NAME_TAG) == name]
    if len(matches) > 1:
        ids = ", ".join(sorted(t["id"] for t in matches))
        raise MultiregionAWSError(message=f"More than one experiment template has the Name tag {name!r}: {ids}")
    if not matches:
        return None
    return get_template(client, matches[0]["id"])

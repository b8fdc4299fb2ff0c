#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: ssm_automation_execution
short_description: Run an AWS Systems Manager Automation runbook and wait for it
version_added: 0.1.0
description:
  - Starts an SSM Automation execution of a runbook with parameters (StartAutomationExecution), waits for it to
    end within a bounded time, and stops it (StopAutomationExecution, type Cancel) when that time runs out.
  - Returns the execution's status, outputs and the result of every step (DescribeAutomationStepExecutions,
    all pages).
  - Starting an execution always reports a change. The client token makes a retried start safe; SSM
    requires it to be a UUID and never accepts one twice.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  document_name:
    description: Name (or ARN) of the Automation document to run.
    type: str
    required: true
  document_version:
    description: Version of the document to run; the default version when omitted.
    type: str
  parameters:
    description:
      - Runbook parameters; each value a list of strings (a single string is taken as a list of one).
    type: dict
  client_token:
    description:
      - Idempotency token of StartAutomationExecution; must be a UUID. Defaults to a UUID derived from
        O(document_name) and O(run_id), or a new one without O(run_id).
    type: str
  run_id:
    description: Identifies one run of a drill; with O(document_name) it makes the default O(client_token).
    type: str
  tags:
    description: Tags for the execution.
    type: dict
    aliases: [resource_tags]
notes:
  - The module does not fail when the runbook fails; RV(execution.status) and RV(execution.failure_message)
    say how it ended.
  - In check mode nothing is started.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - multiregion.serverless.wait_or_stop
"""

EXAMPLES = r"""
- name: Restore the table to the latest restorable time into a drill table
  multiregion.serverless.ssm_automation_execution:
    document_name: "{{ deployment }}-restore-table-pitr"
    run_id: "{{ dr_run_id }}"
    parameters:
      SourceTableName: ["{{ table_name }}"]
      TargetTableName: ["{{ drill_table_name }}"]
      AutomationAssumeRole: ["{{ automation_role_arn }}"]
    wait_timeout: 1800
  register: restore
"""

RETURN = r"""
execution:
  description: The execution; empty in check mode.
  returned: always
  type: dict
  contains:
    automation_execution_id:
      description: ID of the execution.
      type: str
    status:
      description: Its AutomationExecutionStatus (for example Success, Failed, TimedOut, Cancelled, InProgress).
      type: str
      sample: Success
    outputs:
      description: The runbook's outputs, each a list of strings.
      type: dict
    failure_message:
      description: Why it failed, when it did.
      type: str
    execution_start_time:
      description: When it started (ISO 8601).
      type: str
    execution_end_time:
      description: When it ended (ISO 8601); null while it runs.
      type: str
    step_executions:
      description: Every step, with C(step_name), C(action), C(status), C(start_time), C(end_time), C(outputs)
        and C(failure_message).
      type: list
      elements: dict
timed_out:
  description: True when the wait ran out before the execution ended.
  returned: always
  type: bool
"""

import uuid

from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import AUTOMATION_TERMINAL_STATUSES
from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import ExecutionErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import ssm_client
from ansible_collections.multiregion.serverless.plugins.module_utils._wait_or_stop import wait_or_stop_argument_spec
from ansible_collections.multiregion.serverless.plugins.module_utils._wait_or_stop import wait_or_stop_errors
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import iso
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_or_stop

# Namespace of the client tokens derived from a document name and a run id (uuid5 keeps them stable).
TOKEN_NAMESPACE = uuid.UUID("6f1c2b1e-43a5-4d0c-9a53-1b2f3c4d5e6f")
STOP_WAIT_SECONDS = 60

# ---------------------------------------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------------------------------------


def derive_client_token(document_name: str, run_id: str) -> str:
    return str(uuid.uuid5(TOKEN_NAMESPACE, f"{document_name}\n{run_id}"))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def normalize_parameters(parameters) -> tuple[dict, list[str]]:
    """(parameters as the API wants them: str -> list of str, problems naming the parameter)."""
    result, errors = {}, []
    for name, value in (parameters or {}).items():
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if any(v is None or isinstance(v, (dict, list, tuple)) for v in values):
            errors.append(f"parameters.{name} must be a string or a list of strings")
            continue
        # Runbooks read Boolean parameters as "true"/"false".
        result[str(name)] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    return result, errors


def is_terminal(execution: dict) -> bool:
    return (execution or {}).get("AutomationExecutionStatus") in AUTOMATION_TERMINAL_STATUSES


def step_view(step: dict) -> dict:
    return {
        "step_name": step.get("StepName"),
        "action": step.get("Action"),
        "status": step.get("StepStatus"),
        "start_time": iso(step.get("ExecutionStartTime")),
        "end_time": iso(step.get("ExecutionEndTime")),
        "outputs": step.get("Outputs") or {},
        "failure_message": step.get("FailureMessage"),
    }


def execution_view(execution: dict, steps: list) -> dict:
    if not execution:
        return {}
    return {
        "automation_execution_id": execution.get("AutomationExecutionId"),
        "document_name": execution.get("DocumentName"),
        "document_version": execution.get("DocumentVersion"),
        "status": execution.get("AutomationExecutionStatus"),
        "outputs": execution.get("Outputs") or {},
        "failure_message": execution.get("FailureMessage"),
        "execution_start_time": iso(execution.get("ExecutionStartTime")),
        "execution_end_time": iso(execution.get("ExecutionEndTime")),
        "step_executions": [step_view(s) for s in steps],
    }


# ---------------------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------------------


@ExecutionErrors.common_error_handler("start automation execution of {document_name}")
def start_execution(client, document_name, request):
    return client.start_automation_execution(DocumentName=document_name, aws_retry=True, **request)[
        "AutomationExecutionId"
    ]


@ExecutionErrors.common_error_handler("get automation execution {execution_id}")
def get_execution(client, execution_id):
    return client.get_automation_execution(AutomationExecutionId=execution_id, aws_retry=True)["AutomationExecution"]


@ExecutionErrors.list_error_handler("describe the steps of automation execution {execution_id}", [])
def get_steps(client, execution_id):
    return paginate(client, "describe_automation_step_executions", AutomationExecutionId=execution_id).get(
        "StepExecutions", []
    )


@ExecutionErrors.common_error_handler("stop automation execution {execution_id}")
def stop_execution(client, execution_id):
    client.stop_automation_execution(AutomationExecutionId=execution_id, Type="Cancel", aws_retry=True)


def wait_until_ended(client, execution_id, execution, params):
    """(last execution seen, timed out); polls GetAutomationExecution until a terminal status or ``wait_timeout``,
    then cancels the execution when ``stop_on_timeout``."""

    def stop(last):
        stop_execution(client, execution_id)
        return get_execution(client, execution_id)

    return wait_or_stop(
        execution,
        is_terminal,
        lambda last: get_execution(client, execution_id),
        params["wait_timeout"],
        params["poll_interval"],
        stop=stop if params["stop_on_timeout"] else None,
        stop_timeout=STOP_WAIT_SECONDS,
    )


def build_request(params, parameters, token):
    request = {"ClientToken": token}
    if params["document_version"]:
        request["DocumentVersion"] = params["document_version"]
    if parameters:
        request["Parameters"] = parameters
    if params["tags"]:
        request["Tags"] = tags_to_boto3(params["tags"])
    return request


def main():
    argument_spec = dict(
        document_name=dict(type="str", required=True),
        document_version=dict(type="str"),
        parameters=dict(type="dict"),
        client_token=dict(type="str", no_log=False),
        run_id=dict(type="str"),
        **wait_or_stop_argument_spec(),
        tags=dict(type="dict", aliases=["resource_tags"]),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    parameters, errors = normalize_parameters(params["parameters"])
    if params["client_token"] and not is_uuid(params["client_token"]):
        errors.append("client_token must be a UUID (StartAutomationExecution enforces the UUID format)")
    module.fail_on_errors(errors + wait_or_stop_errors(params))

    if params["client_token"]:
        token = params["client_token"]
    elif params["run_id"]:
        token = derive_client_token(params["document_name"], params["run_id"])
    else:
        token = str(uuid.uuid4())
    client = ssm_client(module)
    run_and_exit(module, lambda: run_execution(module, client, parameters, token))


def run_execution(module, client, parameters, token):
    params = module.params
    if module.check_mode:
        return {"changed": True, "execution": {}, "timed_out": False, "client_token": token}
    execution_id = start_execution(client, params["document_name"], build_request(params, parameters, token))
    execution = get_execution(client, execution_id)
    timed_out = False
    if params["wait"]:
        execution, timed_out = wait_until_ended(client, execution_id, execution, params)
    steps = get_steps(client, execution_id)
    return {
        "changed": True,
        "execution": execution_view(execution, steps),
        "timed_out": timed_out,
        "client_token": token,
    }


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: fis_experiment
short_description: Start, wait for and stop AWS FIS experiments
version_added: 0.1.0
description:
  - Starts an AWS Fault Injection Service (FIS) experiment from a template (O(state=started)), waits for it
    to reach a terminal state within a bounded time, and stops it when that time runs out; or stops a running
    experiment (O(state=stopped)).
  - Starting is idempotent. The experiment is started with a client token that stays the same for the same
    template and O(run_id), and is tagged with it; a second run with the same token finds the experiment it
    started instead of starting another (and reports no change).
  - No module for FIS exists in amazon.aws or community.aws.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  template_id:
    description: ID of the experiment template. One of O(template_id) and O(template_name) is needed to start.
    type: str
  template_name:
    description: The C(Name) tag of the experiment template (as fis_experiment_template sets it).
    type: str
  run_id:
    description:
      - Identifies one run of a drill. With the template's id it makes the default O(client_token).
    type: str
  client_token:
    description:
      - Idempotency token of StartExperiment, 1 to 1024 characters without whitespace. Defaults to one derived
        from the template id and O(run_id); without O(run_id) a new token is made, so every run starts a new
        experiment.
    type: str
  state:
    description:
      - V(started) starts an experiment (or finds the one started with the same client token).
      - V(stopped) stops experiment O(experiment_id) unless it has already ended.
    type: str
    choices: [started, stopped]
    default: started
  experiment_id:
    description: ID of the experiment to stop, for O(state=stopped).
    type: str
  tags:
    description: Tags for a new experiment.
    type: dict
    aliases: [resource_tags]
notes:
  - An experiment's terminal states are completed, stopped, failed and cancelled.
  - The module does not fail when the experiment fails or is stopped; RV(experiment.state) says how it ended.
  - In check mode nothing is started or stopped; an experiment already started with the same token is reported.
    A template that does not exist yet is a warning in check mode (an earlier task may create it), an error
    otherwise.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - multiregion.serverless.wait_or_stop
"""

EXAMPLES = r"""
- name: Run the region impairment and wait at most 20 minutes
  multiregion.serverless.fis_experiment:
    template_name: "{{ deployment }}-region-impairment"
    run_id: "{{ dr_run_id }}"
    wait: true
    wait_timeout: 1200
  register: impairment

- name: Stop it (the revert of a drill)
  multiregion.serverless.fis_experiment:
    state: stopped
    experiment_id: "{{ impairment.experiment.id }}"
"""

RETURN = r"""
experiment:
  description: The experiment; empty in check mode when none was started yet.
  returned: always
  type: dict
  contains:
    id:
      description: ID of the experiment.
      type: str
      sample: EXPaBcD7eFgH1jK2
    template_id:
      description: ID of the template it was started from.
      type: str
    state:
      description: C(status) (pending, initiating, running, completed, stopping, stopped, failed, cancelled)
        and C(reason).
      type: dict
      sample: {"status": "completed", "reason": "Experiment completed."}
    start_time:
      description: When it started (ISO 8601).
      type: str
    end_time:
      description: When it ended (ISO 8601); null while it runs.
      type: str
    actions:
      description: Per action name, C(action_id), C(state) (C(status) and C(reason)), C(start_time) and
        C(end_time) (ISO 8601).
      type: dict
      sample: {"disrupt": {"action_id": "aws:network:disrupt-connectivity",
        "state": {"status": "completed", "reason": "Action was completed."},
        "start_time": "2026-12-06T05:00:01+00:00", "end_time": "2026-12-06T05:10:01+00:00"}}
    client_token:
      description: The client token it was started with.
      type: str
    tags:
      description: Tags of the experiment.
      type: dict
timed_out:
  description: True when the wait ran out before the experiment ended.
  returned: always
  type: bool
"""

import hashlib
import uuid

from ansible_collections.multiregion.serverless.plugins.module_utils._fis import EXPERIMENT_TERMINAL_STATUSES
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import FisErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import find_template_by_name
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import fis_client
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import get_template
from ansible_collections.multiregion.serverless.plugins.module_utils._wait_or_stop import wait_or_stop_argument_spec
from ansible_collections.multiregion.serverless.plugins.module_utils._wait_or_stop import wait_or_stop_errors
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import iso
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_or_stop

# The tag that carries the client token, so that a later run can find the experiment a token started
# (ListExperiments does not return client tokens).
TOKEN_TAG = "multiregion.serverless/client-token"
STOP_WAIT_SECONDS = 60


# ---------------------------------------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------------------------------------


def derive_client_token(template_id: str, run_id: str) -> str:
    """A token that is the same for the same template and run, short whatever the run id is."""
    digest = hashlib.sha256(f"{template_id}\n{run_id}".encode()).hexdigest()[:40]
    return f"mrs-{digest}"


def is_terminal(experiment: dict) -> bool:
    return ((experiment or {}).get("state") or {}).get("status") in EXPERIMENT_TERMINAL_STATUSES


def experiment_view(api: dict) -> dict:
    """An experiment of the API (GetExperiment/StartExperiment) in the shape the drills read."""
    if not api:
        return {}
    tags = dict(api.get("tags") or {})
    state = api.get("state") or {}
    return {
        "id": api.get("id"),
        "template_id": api.get("experimentTemplateId"),
        "state": {"status": state.get("status"), "reason": state.get("reason")},
        "start_time": iso(api.get("startTime")),
        "end_time": iso(api.get("endTime")),
        "actions": {
            name: {
                "action_id": action.get("actionId"),
                "state": {
                    "status": (action.get("state") or {}).get("status"),
                    "reason": (action.get("state") or {}).get("reason"),
                },
                "start_time": iso(action.get("startTime")),
                "end_time": iso(action.get("endTime")),
            }
            for name, action in (api.get("actions") or {}).items()
        },
        "client_token": tags.get(TOKEN_TAG),
        "tags": tags,
    }


def find_by_token(summaries: list[dict], token: str):
    """The summary of the experiment tagged with ``token`` (the newest, should there be several)."""
    found = [s for s in summaries if (s.get("tags") or {}).get(TOKEN_TAG) == token]
    found.sort(key=lambda s: str(s.get("creationTime") or ""))
    return found[-1] if found else None


# ---------------------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------------------


@FisErrors.common_error_handler("list experiments of template {template_id}")
def list_experiments(client, template_id):
    return paginate(client, "list_experiments", experimentTemplateId=template_id).get("experiments", [])


@FisErrors.list_error_handler("get experiment {experiment_id}", None)
def get_experiment(client, experiment_id):
    return client.get_experiment(id=experiment_id, aws_retry=True)["experiment"]


@FisErrors.common_error_handler("start experiment from template {template_id}")
def start_experiment(client, template_id, token, tags):
    return client.start_experiment(clientToken=token, experimentTemplateId=template_id, tags=tags, aws_retry=True)[
        "experiment"
    ]


@FisErrors.common_error_handler("stop experiment {experiment_id}")
def stop_experiment(client, experiment_id):
    return client.stop_experiment(id=experiment_id, aws_retry=True)["experiment"]


def wait_until_ended(client, experiment, params, stop_on_timeout=False):
    """(last experiment seen, timed out); polls GetExperiment until a terminal state or ``wait_timeout``, then
    stops the experiment when ``stop_on_timeout``."""

    def stop(last):
        stop_experiment(client, last["id"])
        return get_experiment(client, last["id"])

    return wait_or_stop(
        experiment,
        is_terminal,
        lambda last: get_experiment(client, last["id"]) or last,
        params["wait_timeout"],
        params["poll_interval"],
        stop=stop if stop_on_timeout else None,
        stop_timeout=STOP_WAIT_SECONDS,
    )


def resolve_template_id(module, client):
    """The template's id, or None in check mode for a template an earlier task of the run may be about to create.

    A missing template fails otherwise.
    """
    params = module.params
    if params["template_id"]:
        template = get_template(client, params["template_id"])
        missing = f"Experiment template {params['template_id']} (template_id) does not exist"
    else:
        template = find_template_by_name(client, params["template_name"])
        missing = f"No experiment template has the Name tag {params['template_name']} (template_name)"
    if template:
        return template["id"]
    if not module.check_mode:
        raise ModuleFailure(missing)
    module.warn(f"{missing}; in check mode the experiment would start once the template exists")
    return None


def ensure_started(module, client):
    params = module.params
    template_id = resolve_template_id(module, client)
    if template_id is None:
        return {"changed": True, "experiment": {}, "timed_out": False}
    token = params["client_token"]
    if not token:
        if params["run_id"]:
            token = derive_client_token(template_id, params["run_id"])
        else:
            token = f"mrs-{uuid.uuid4()}"
            module.warn("Neither run_id nor client_token is set: this run starts a new experiment every time")

    existing = find_by_token(list_experiments(client, template_id), token)
    if not existing and module.check_mode:
        return {"changed": True, "experiment": {"template_id": template_id, "client_token": token}, "timed_out": False}
    if existing:
        experiment = get_experiment(client, existing["id"]) or existing
        changed = False
    else:
        tags = dict(params["tags"] or {}, **{TOKEN_TAG: token})
        experiment = start_experiment(client, template_id, token, tags)
        changed = True

    timed_out = False
    if params["wait"] and not module.check_mode:
        experiment, timed_out = wait_until_ended(client, experiment, params, params["stop_on_timeout"])
        if timed_out and params["stop_on_timeout"]:
            changed = True
    return {"changed": changed, "experiment": experiment_view(experiment), "timed_out": timed_out}


def ensure_stopped(module, client):
    params = module.params
    experiment = get_experiment(client, params["experiment_id"])
    if not experiment:
        raise ModuleFailure(f"Experiment {params['experiment_id']} (experiment_id) does not exist")
    status = (experiment.get("state") or {}).get("status")
    changed = not is_terminal(experiment) and status != "stopping"
    if changed and module.check_mode:
        return {"changed": True, "experiment": experiment_view(experiment), "timed_out": False}
    if changed:
        experiment = stop_experiment(client, experiment["id"])
    timed_out = False
    if params["wait"] and not module.check_mode:
        experiment, timed_out = wait_until_ended(client, experiment, params)
    return {"changed": changed, "experiment": experiment_view(experiment), "timed_out": timed_out}


def main():
    argument_spec = dict(
        template_id=dict(type="str"),
        template_name=dict(type="str"),
        run_id=dict(type="str"),
        client_token=dict(type="str", no_log=False),
        state=dict(type="str", default="started", choices=["started", "stopped"]),
        experiment_id=dict(type="str"),
        **wait_or_stop_argument_spec(),
        tags=dict(type="dict", aliases=["resource_tags"]),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["template_id", "template_name"]],
        required_if=[
            ["state", "started", ["template_id", "template_name"], True],
            ["state", "stopped", ["experiment_id"]],
        ],
    )
    errors = []
    token = module.params["client_token"]
    if token is not None and (not 1 <= len(token) <= 1024 or any(c.isspace() for c in token)):
        errors.append("client_token must be 1 to 1024 characters without whitespace (StartExperiment's ClientToken)")
    module.fail_on_errors(errors + wait_or_stop_errors(module.params))
    client = fis_client(module)
    run_state_action(module, {"started": ensure_started, "stopped": ensure_stopped}, client)


if __name__ == "__main__":
    main()

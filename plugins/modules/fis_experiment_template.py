#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: fis_experiment_template
short_description: Manage AWS FIS experiment templates
version_added: 0.1.0
description:
  - Creates, updates in place and deletes an AWS Fault Injection Service (FIS) experiment template.
  - A template has no name of its own; this module finds it by its C(Name) tag, which it sets to O(name).
    Two templates with the same C(Name) tag are an error.
  - Options left out are left as they are on an existing template. O(targets) and O(actions), when given,
    replace the template's targets and actions as a whole (UpdateExperimentTemplate replaces each map it is
    given), so a target or action left out is removed.
  - No module for FIS exists in amazon.aws or community.aws.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: The template's C(Name) tag; templates are found by it.
    type: str
    required: true
  state:
    description: Whether the template should exist.
  description:
    description: Description of the template. Required to create one.
    type: str
  role_arn:
    description: ARN of the IAM role FIS assumes to run the experiment's actions. Required to create a template.
    type: str
  targets:
    description:
      - Targets by name. An action refers to a target by this name in the C(targets) of its entry in O(actions).
      - Each value is a dict with C(resource_type) (required, for example V(aws:ec2:subnet)), either
        C(resource_arns) (list) or C(resource_tags) (dict), C(selection_mode) (V(ALL), V(COUNT(n)) or
        V(PERCENT(n)); default V(ALL)), C(filters) (list of dicts with C(path) and C(values)) and
        C(parameters) (dict).
    type: dict
  actions:
    description:
      - Actions by name, each a dict with C(action_id) (required, for example V(aws:network:disrupt-connectivity)),
        C(description), C(parameters) (dict, for example V(duration) V(PT5M); a dict or list value, such as the
        C(documentParameters) of V(aws:ssm:start-automation-execution), is sent as JSON), C(targets) (dict of the
        action's target key, for example V(Subnets), to a name in O(targets)) and C(start_after) (list of
        action names that must finish before this one starts).
      - Required to create a template.
    type: dict
  stop_conditions:
    description:
      - Stop conditions. Replace the template's stop conditions.
      - A template without an alarm has one condition with source V(none).
    type: list
    elements: dict
    default: [{source: none}]
    suboptions:
      source:
        description: V(none) or V(aws:cloudwatch:alarm).
        type: str
        required: true
      value:
        description: The alarm's ARN, for source V(aws:cloudwatch:alarm).
        type: str
  log_configuration:
    description:
      - Where FIS writes the experiment log. Left as it is when omitted.
      - An empty dict (no O(log_configuration.log_group_arn)) removes the log configuration.
    type: dict
    suboptions:
      log_group_arn:
        description: ARN of the CloudWatch Logs log group (encrypted with a KMS key of yours), ending in V(:*).
        type: str
      log_schema_version:
        description: Version of the log schema.
        type: int
        default: 2
  experiment_options:
    description: Experiment options. Left as they are when omitted.
    type: dict
    suboptions:
      account_targeting:
        description: Whether the experiment targets one account or several. Only set when the template is created.
        type: str
        choices: [single-account, multi-account]
      empty_target_resolution_mode:
        description: Whether an experiment fails or skips an action when a target resolves to no resource.
        type: str
        choices: [fail, skip]
notes:
  - The template's C(Name) tag is always O(name), whatever O(tags) says, and never purged.
  - UpdateExperimentTemplate cannot change C(account_targeting); the module fails rather than deleting and
    recreating the template.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Region impairment, DynamoDB traffic of the function's subnets cut for 10 minutes
  multiregion.serverless.fis_experiment_template:
    name: "{{ deployment }}-region-impairment"
    description: Cut the function's subnets off DynamoDB so the deep health check fails
    role_arn: "{{ fis_role_arn }}"
    targets:
      subnets:
        resource_type: aws:ec2:subnet
        resource_arns: "{{ function_subnet_arns }}"
        selection_mode: ALL
    actions:
      disrupt:
        action_id: aws:network:disrupt-connectivity
        parameters: {scope: dynamodb, duration: PT10M}
        targets: {Subnets: subnets}
    stop_conditions:
      - source: aws:cloudwatch:alarm
        value: "{{ healthy_region_alarm_arn }}"
    log_configuration:
      log_group_arn: "{{ fis_log_group_arn }}:*"
      log_schema_version: 2
    tags:
      Deployment: "{{ deployment }}"
  register: impairment

- name: Remove it
  multiregion.serverless.fis_experiment_template:
    name: "{{ deployment }}-region-impairment"
    state: absent
"""

RETURN = r"""
template:
  description: The template, in the shape of the module's options; empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: ID of the template. Not known in check mode before it is created.
      type: str
      sample: EXT6aBcD7eFgH1jK
    arn:
      description: ARN of the template.
      type: str
    name:
      description: The C(Name) tag.
      type: str
    description:
      description: Description.
      type: str
    role_arn:
      description: The role FIS assumes.
      type: str
    targets:
      description: Targets by name (C(resource_type), C(resource_arns), C(resource_tags), C(selection_mode),
        C(filters), C(parameters)).
      type: dict
    actions:
      description: Actions by name (C(action_id), C(description), C(parameters), C(targets), C(start_after)).
      type: dict
      sample: {"disrupt": {"action_id": "aws:network:disrupt-connectivity", "parameters": {"duration": "PT10M"}}}
    stop_conditions:
      description: Stop conditions.
      type: list
      elements: dict
    log_configuration:
      description: C(log_group_arn) and C(log_schema_version); empty without logging.
      type: dict
    experiment_options:
      description: C(account_targeting) and C(empty_target_resolution_mode).
      type: dict
    tags:
      description: Tags, the C(Name) tag included.
      type: dict
"""

import json
import uuid

from ansible_collections.multiregion.serverless.plugins.module_utils._fis import ACCOUNT_TARGETING
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import EMPTY_TARGET_RESOLUTION_MODES
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import NAME_TAG
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import FisErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import find_template_by_name
from ansible_collections.multiregion.serverless.plugins.module_utils._fis import fis_client
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes

TARGET_OPTIONS = dict(
    resource_type=dict(type="str", required=True),
    resource_arns=dict(type="list", elements="str"),
    resource_tags=dict(type="dict"),
    selection_mode=dict(type="str", default="ALL"),
    filters=dict(
        type="list",
        elements="dict",
        options=dict(path=dict(type="str", required=True), values=dict(type="list", elements="str", required=True)),
    ),
    parameters=dict(type="dict"),
)
ACTION_OPTIONS = dict(
    action_id=dict(type="str", required=True),
    description=dict(type="str"),
    parameters=dict(type="dict"),
    targets=dict(type="dict"),
    start_after=dict(type="list", elements="str"),
)
STOP_CONDITION_OPTIONS = dict(source=dict(type="str", required=True), value=dict(type="str"))
LOG_OPTIONS = dict(log_group_arn=dict(type="str"), log_schema_version=dict(type="int", default=2))
EXPERIMENT_OPTIONS = dict(
    account_targeting=dict(type="str", choices=ACCOUNT_TARGETING),
    empty_target_resolution_mode=dict(type="str", choices=EMPTY_TARGET_RESOLUTION_MODES),
)
# The template's attributes this module manages, in the order of the result.
ATTRIBUTES = (
    "description",
    "role_arn",
    "targets",
    "actions",
    "stop_conditions",
    "log_configuration",
    "experiment_options",
)


# ---------------------------------------------------------------------------------------------------------
# Pure functions: the template in the module's shape, the changes, the request parameters.
# ---------------------------------------------------------------------------------------------------------


def parameter_value(value) -> str:
    """A parameter value as FIS stores it: a string. Structures (such as the ``documentParameters`` of
    aws:ssm:start-automation-execution) become JSON, Booleans true/false, so the same input gives the same string.
    """
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _strings(mapping):
    return {str(k): parameter_value(v) for k, v in (mapping or {}).items()}


def _prune(item):
    """Drop keys whose value is None or empty, so a left-out and an empty setting compare equal."""
    return {k: v for k, v in item.items() if v not in (None, {}, [], "")}


def normalize_target(target: dict) -> dict:
    filters = [
        {"path": f["path"], "values": sorted(str(v) for v in f.get("values") or [])}
        for f in target.get("filters") or []
    ]
    return _prune(
        {
            "resource_type": target.get("resource_type"),
            "resource_arns": sorted(target.get("resource_arns") or []),
            "resource_tags": _strings(target.get("resource_tags")),
            "selection_mode": target.get("selection_mode") or "ALL",
            "filters": sorted(filters, key=lambda f: (f["path"], f["values"])),
            "parameters": _strings(target.get("parameters")),
        }
    )


def normalize_action(action: dict) -> dict:
    return _prune(
        {
            "action_id": action.get("action_id"),
            "description": action.get("description"),
            "parameters": _strings(action.get("parameters")),
            "targets": _strings(action.get("targets")),
            "start_after": sorted(action.get("start_after") or []),
        }
    )


def normalize_stop_conditions(conditions) -> list:
    result = [_prune({"source": c.get("source"), "value": c.get("value")}) for c in conditions or []]
    return sorted(result, key=lambda c: (c["source"], c.get("value", "")))


def normalize_log_configuration(config) -> dict:
    if not config or not config.get("log_group_arn"):
        return {}
    return {"log_group_arn": config["log_group_arn"], "log_schema_version": int(config.get("log_schema_version") or 2)}


def template_view(api: dict) -> dict:
    """An experiment template of the API (GetExperimentTemplate) in the module's shape."""
    if not api:
        return {}
    log = api.get("logConfiguration") or {}
    options = api.get("experimentOptions") or {}
    tags = dict(api.get("tags") or {})
    return {
        "id": api.get("id"),
        "arn": api.get("arn"),
        "name": tags.get(NAME_TAG),
        "description": api.get("description"),
        "role_arn": api.get("roleArn"),
        "targets": {
            name: normalize_target(
                {
                    "resource_type": t.get("resourceType"),
                    "resource_arns": t.get("resourceArns"),
                    "resource_tags": t.get("resourceTags"),
                    "selection_mode": t.get("selectionMode"),
                    "filters": t.get("filters"),
                    "parameters": t.get("parameters"),
                }
            )
            for name, t in (api.get("targets") or {}).items()
        },
        "actions": {
            name: normalize_action(
                {
                    "action_id": a.get("actionId"),
                    "description": a.get("description"),
                    "parameters": a.get("parameters"),
                    "targets": a.get("targets"),
                    "start_after": a.get("startAfter"),
                }
            )
            for name, a in (api.get("actions") or {}).items()
        },
        "stop_conditions": normalize_stop_conditions(api.get("stopConditions")),
        "log_configuration": normalize_log_configuration(
            {
                "log_group_arn": (log.get("cloudWatchLogsConfiguration") or {}).get("logGroupArn"),
                "log_schema_version": log.get("logSchemaVersion"),
            }
        ),
        "experiment_options": _prune(
            {
                "account_targeting": options.get("accountTargeting"),
                "empty_target_resolution_mode": options.get("emptyTargetResolutionMode"),
            }
        ),
        "tags": tags,
    }


def wanted_view(params: dict) -> dict:
    """The attributes the user asked for, in the module's shape; None for an attribute left out."""
    wanted = {
        "description": params.get("description"),
        "role_arn": params.get("role_arn"),
        "targets": None,
        "actions": None,
        "stop_conditions": None,
        "log_configuration": None,
        "experiment_options": None,
    }
    if params.get("targets") is not None:
        wanted["targets"] = {name: normalize_target(t) for name, t in params["targets"].items()}
    if params.get("actions") is not None:
        wanted["actions"] = {name: normalize_action(a) for name, a in params["actions"].items()}
    if params.get("stop_conditions") is not None:
        wanted["stop_conditions"] = normalize_stop_conditions(params["stop_conditions"])
    if params.get("log_configuration") is not None:
        wanted["log_configuration"] = normalize_log_configuration(params["log_configuration"])
    if params.get("experiment_options") is not None:
        wanted["experiment_options"] = _prune(dict(params["experiment_options"]))
    return wanted


def missing_for_create(params: dict) -> list[str]:
    return [
        f"{option} is required to create experiment template {params['name']}"
        for option in ("description", "role_arn", "actions")
        if not params.get(option)
    ]


def validate(params: dict) -> list[str]:
    """Problems with the options, each naming its option; empty when there are none. Needs no AWS call."""
    errors = []
    targets = params.get("targets") or {}
    for name, target in targets.items():
        if not isinstance(target, dict) or not target.get("resource_type"):
            errors.append(f"targets.{name}.resource_type is required")
            continue
        if target.get("resource_arns") and target.get("resource_tags"):
            errors.append(f"targets.{name}: give resource_arns or resource_tags, not both")
    for name, action in (params.get("actions") or {}).items():
        if not isinstance(action, dict) or not action.get("action_id"):
            errors.append(f"actions.{name}.action_id is required")
            continue
        for key, target_name in (action.get("targets") or {}).items():
            if params.get("targets") is not None and target_name not in targets:
                errors.append(f"actions.{name}.targets.{key} names target {target_name!r}, which targets lacks")
        for before in action.get("start_after") or []:
            if before not in params["actions"]:
                errors.append(f"actions.{name}.start_after names action {before!r}, which actions lacks")
    for i, condition in enumerate(params.get("stop_conditions") or []):
        if condition.get("source") == "aws:cloudwatch:alarm" and not condition.get("value"):
            errors.append(f"stop_conditions[{i}].value (the alarm ARN) is required for source aws:cloudwatch:alarm")
    return errors


def template_changes(current: dict, wanted: dict) -> dict:
    """{attribute: wanted value} for every attribute the user gave that differs from the template."""
    changes = {}
    for key in ATTRIBUTES:
        value = wanted.get(key)
        if value is None:
            continue
        if key == "experiment_options":
            merged = dict(current.get(key) or {}, **value)
            if merged != (current.get(key) or {}):
                changes[key] = merged
            continue
        if value != current.get(key):
            changes[key] = value
    return changes


def changes_refused(current: dict, changes: dict) -> list[str]:
    """Changes UpdateExperimentTemplate cannot make."""
    old = (current.get("experiment_options") or {}).get("account_targeting")
    new = (changes.get("experiment_options") or {}).get("account_targeting")
    if old and new and old != new:
        return [
            f"experiment_options.account_targeting cannot change from {old} to {new} in place; "
            "delete the template first (state=absent)"
        ]
    return []


def apply_changes(current: dict, changes: dict, tags: dict) -> dict:
    result = dict(current)
    result.update(changes)
    result["tags"] = tags
    return result


def _target_to_api(target: dict) -> dict:
    api = {"resourceType": target["resource_type"], "selectionMode": target.get("selection_mode", "ALL")}
    if target.get("resource_arns"):
        api["resourceArns"] = list(target["resource_arns"])
    if target.get("resource_tags"):
        api["resourceTags"] = dict(target["resource_tags"])
    if target.get("filters"):
        api["filters"] = [{"path": f["path"], "values": list(f["values"])} for f in target["filters"]]
    if target.get("parameters"):
        api["parameters"] = dict(target["parameters"])
    return api


def _action_to_api(action: dict) -> dict:
    api = {"actionId": action["action_id"]}
    for key, api_key in (
        ("description", "description"),
        ("parameters", "parameters"),
        ("targets", "targets"),
        ("start_after", "startAfter"),
    ):
        if action.get(key):
            api[api_key] = action[key]
    return api


def to_api(attributes: dict, updating: bool) -> dict:
    """Request parameters (CreateExperimentTemplate or UpdateExperimentTemplate) for ``attributes``.

    On update, a log configuration of {} removes logging (an empty UpdateExperimentTemplateLogConfigurationInput),
    and experiment options carry only emptyTargetResolutionMode, the one the update accepts.
    """
    api = {}
    if "description" in attributes:
        api["description"] = attributes["description"]
    if "role_arn" in attributes:
        api["roleArn"] = attributes["role_arn"]
    if "targets" in attributes:
        api["targets"] = {name: _target_to_api(t) for name, t in attributes["targets"].items()}
    if "actions" in attributes:
        api["actions"] = {name: _action_to_api(a) for name, a in attributes["actions"].items()}
    if "stop_conditions" in attributes:
        api["stopConditions"] = [dict(c) for c in attributes["stop_conditions"]]
    if "log_configuration" in attributes:
        log = attributes["log_configuration"]
        if log:
            api["logConfiguration"] = {
                "cloudWatchLogsConfiguration": {"logGroupArn": log["log_group_arn"]},
                "logSchemaVersion": log["log_schema_version"],
            }
        elif updating:
            api["logConfiguration"] = {}
    if attributes.get("experiment_options"):
        options = attributes["experiment_options"]
        api_options = {}
        if options.get("account_targeting") and not updating:
            api_options["accountTargeting"] = options["account_targeting"]
        if options.get("empty_target_resolution_mode"):
            api_options["emptyTargetResolutionMode"] = options["empty_target_resolution_mode"]
        if api_options:
            api["experimentOptions"] = api_options
    return api


def new_template(name: str, wanted: dict, tags: dict) -> dict:
    """What a template created from ``wanted`` looks like, before FIS has given it an id."""
    empty = {"stop_conditions": []}
    template = {"id": None, "arn": None, "name": name}
    for key in ATTRIBUTES:
        template[key] = wanted[key] if wanted.get(key) is not None else empty.get(key, {})
    template["tags"] = tags
    return template


def result_view(template: dict) -> dict:
    return {key: template.get(key) for key in ("id", "arn", "name", *ATTRIBUTES, "tags")} if template else {}


def diff_view(template: dict) -> dict:
    view = result_view(template)
    view.pop("arn", None)
    return view


# ---------------------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------------------


@FisErrors.common_error_handler("create experiment template {name}")
def create_template(client, name, params, tags):
    request = dict(params, clientToken=str(uuid.uuid4()), tags=tags)
    request.setdefault("targets", {})
    return client.create_experiment_template(aws_retry=True, **request)["experimentTemplate"]


@FisErrors.common_error_handler("update experiment template {template_id}")
def update_template(client, template_id, params):
    return client.update_experiment_template(id=template_id, aws_retry=True, **params)["experimentTemplate"]


@FisErrors.common_error_handler("tag experiment template {arn}")
def set_tags(client, arn, to_set, to_remove):
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=arn, tags=to_set, aws_retry=True)


@FisErrors.deletion_error_handler("delete experiment template {template_id}")
def delete_template(client, template_id):
    client.delete_experiment_template(id=template_id, aws_retry=True)
    return True


def wanted_tags(params: dict, current_tags: dict) -> tuple[dict, list, dict]:
    """(tags to set, keys to remove, final tags); the Name tag is always the template's name."""
    if params.get("tags") is None:
        wanted, purge = {NAME_TAG: params["name"]}, False
    else:
        wanted, purge = dict(params["tags"], **{NAME_TAG: params["name"]}), params["purge_tags"]
    to_set, to_remove = tag_changes(current_tags, wanted, purge)
    final = {k: v for k, v in current_tags.items() if k not in to_remove}
    final.update(to_set)
    return to_set, to_remove, final


def ensure_absent(module, client):
    current = find_template_by_name(client, module.params["name"])
    if not current:
        return {"changed": False, "template": {}}
    diff = {"before": diff_view(template_view(current)), "after": {}}
    deleted = True if module.check_mode else delete_template(client, current["id"])
    return {"changed": bool(deleted), "template": {}, "diff": diff}


def ensure_present(module, client):
    params = module.params
    current = find_template_by_name(client, params["name"])
    errors = [] if current else missing_for_create(params)
    if errors:
        raise ModuleFailure("; ".join(errors))

    wanted = wanted_view(params)
    before = template_view(current)
    to_set, to_remove, final_tags = wanted_tags(params, before.get("tags") or {})

    if not current:
        predicted = new_template(params["name"], wanted, final_tags)
        diff = {"before": {}, "after": diff_view(predicted)}
        if module.check_mode:
            return {"changed": True, "template": result_view(predicted), "diff": diff}
        request = to_api({k: v for k, v in wanted.items() if v is not None}, updating=False)
        created = create_template(client, params["name"], request, final_tags)
        return {"changed": True, "template": result_view(template_view(created)), "diff": diff}

    changes = template_changes(before, wanted)
    refused = changes_refused(before, changes)
    if refused:
        raise ModuleFailure("; ".join(refused))
    predicted = apply_changes(before, changes, final_tags)
    changed = bool(changes or to_set or to_remove)
    diff = {"before": diff_view(before), "after": diff_view(predicted)}
    if module.check_mode or not changed:
        return {"changed": changed, "template": result_view(predicted), "diff": diff}

    after = before
    if changes:
        after = template_view(update_template(client, current["id"], to_api(changes, updating=True)))
    set_tags(client, current["arn"], to_set, to_remove)
    after["tags"] = final_tags
    return {"changed": True, "template": result_view(after), "diff": diff}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        role_arn=dict(type="str"),
        targets=dict(type="dict"),
        actions=dict(type="dict"),
        stop_conditions=dict(
            type="list", elements="dict", options=STOP_CONDITION_OPTIONS, default=[{"source": "none"}]
        ),
        log_configuration=dict(type="dict", options=LOG_OPTIONS),
        experiment_options=dict(type="dict", options=EXPERIMENT_OPTIONS),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.params["targets"] = _check_entries(module, "targets", TARGET_OPTIONS)
    module.params["actions"] = _check_entries(module, "actions", ACTION_OPTIONS)
    module.fail_on_errors(validate(module.params))
    client = fis_client(module)
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


def _check_entries(module, option, spec):
    """Validate each value of a dict-of-dicts option against ``spec`` (Ansible validates only fixed keys)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    entries = module.params.get(option)
    if entries is None:
        return None
    validator = ArgumentSpecValidator(spec)
    checked, errors = {}, []
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            errors.append(f"{option}.{name} must be a dict")
            continue
        result = validator.validate(entry)
        errors += [f"{option}.{name}: {message}" for message in result.error_messages]
        checked[name] = result.validated_parameters
    module.fail_on_errors(errors)
    return checked


if __name__ == "__main__":
    main()

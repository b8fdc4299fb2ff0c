#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_plan
short_description: Manage an AWS Backup plan, its rules, tags and one backup selection in one call
version_added: 0.1.0
description:
  - Reconciles the AWS Backup plan called O(name) - its rules, its advanced backup settings and its tags - and,
    when O(selection) is given, one backup selection of the plan, in one module call.
  - The plan is looked up by name in C(ListBackupPlans) (deleted plans left out) and read with C(GetBackupPlan) and
    C(ListTags). A new plan is created with its tags (C(BackupPlanTags)) and a C(CreatorRequestId) made of a hash
    of the name and the plan and the run's id, so a retried create does not make a second plan; a plan whose rules
    or settings differ gets C(UpdateBackupPlan), which gives it a new version id.
  - Rules are compared the way AWS returns them - the defaults AWS fills in (C(ScheduleExpression) daily at
    05:00 UTC, C(StartWindowMinutes) 480, C(CompletionWindowMinutes) 10080,
    C(ScheduleExpressionTimezone) C(Etc/UTC), C(EnableContinuousBackup) false,
    C(OptInToArchiveForSupportedResources) false, empty tags and lists) and the C(RuleId) of each rule do not count,
    and the order of the rules does not either.
  - A backup selection cannot be updated - AWS has no such call - so a selection that differs is deleted and created
    again (C(DeleteBackupSelection), then C(CreateBackupSelection)). Its creation is retried for up to two minutes
    while AWS Backup cannot yet assume a role that was just made (IAM propagation).
  - With O(state=absent), the plan's selections are deleted (unless O(delete_selections=false)) and then the plan.
    The recovery points that the plan made stay in their vaults until their lifecycle expires them.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  name:
    description:
      - Name of the backup plan (1 to 50 letters, digits, hyphens, underscores and periods).
    type: str
    required: true
    aliases: [backup_plan_name]
  rules:
    description:
      - The plan's rules, as C(CreateBackupPlan) takes them (C(RuleName), C(TargetBackupVaultName),
        C(ScheduleExpression), C(ScheduleExpressionTimezone), C(StartWindowMinutes), C(CompletionWindowMinutes),
        C(Lifecycle), C(RecoveryPointTags), C(CopyActions), C(EnableContinuousBackup), ...), with keys in that
        CamelCase or in snake_case (C(rule_name), C(target_backup_vault_name), ...; the output of the
        multiregion.serverless.backup_plan_rules filter). The keys of C(recovery_point_tags) are kept as written.
      - Required with O(state=present).
    type: list
    elements: dict
  advanced_backup_settings:
    description:
      - The plan's advanced backup settings (C(ResourceType) and C(BackupOptions), or snake_case), for example
        Windows VSS for EC2. Left out, the plan keeps the ones it has; V([]) removes them.
    type: list
    elements: dict
  selection:
    description:
      - One backup selection of the plan, reconciled with it. Left out, the plan's selections are neither read nor
        changed (for endpoints without the selection API). Other selections of the plan are left alone.
    type: dict
    suboptions:
      name:
        description: Name of the selection (unique in the plan).
        type: str
        required: true
      iam_role_arn:
        description: The role AWS Backup assumes to back the selected resources up.
        type: str
        required: true
      resources:
        description: ARNs (or ARN patterns) of the resources to back up. Order does not matter.
        type: list
        elements: str
        default: []
      not_resources:
        description: ARNs (or patterns) to leave out. Order does not matter.
        type: list
        elements: str
        default: []
      list_of_tags:
        description: Tag conditions (C(ConditionType) C(STRINGEQUALS), C(ConditionKey), C(ConditionValue)).
        type: list
        elements: dict
        default: []
      conditions:
        description:
          - Conditions (C(StringEquals), C(StringNotEquals), C(StringLike), C(StringNotLike), each a list of
            C(ConditionKey)/C(ConditionValue)).
        type: dict
        default: {}
  delete_selections:
    description:
      - With O(state=absent), delete every selection of the plan first (AWS deletes only a plan without
        selections). V(false) does not read the selections, for endpoints without the selection API.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the plan (and the selection), V(absent) deletes the selections and the plan.
notes:
  - Sources checked - the AWS Backup API reference (CreateBackupPlan, UpdateBackupPlan, GetBackupPlan,
    ListBackupPlans, CreateBackupSelection, DeleteBackupPlan), botocore's model of the service,
    terraform-provider-aws's C(aws_backup_plan) and C(aws_backup_selection) (its retry of the creation on
    C(InvalidParameterValueException) "cannot be assumed" / "is not authorized to call"), and amazon.aws's
    backup_plan and backup_selection modules.
  - Unlike amazon.aws.backup_plan, a tagged plan reports no change in check mode when nothing differs, and tags
    are changed with C(TagResource)/C(UntagResource) on the plan's ARN.
  - The diff shows the rules as compared, the advanced backup settings, the tags and the selection.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A daily backup plan of the table, selected in the same call
  multiregion.serverless.backup_plan:
    name: prod-items
    rules:
      - rule_name: daily
        target_backup_vault_name: prod-items
        schedule_expression: cron(0 3 * * ? *)
        lifecycle:
          delete_after_days: 35
    tags:
      Deployment: prod
    selection:
      name: prod-items
      iam_role_arn: arn:aws:iam::123456789012:role/prod-items-backup
      resources:
        - arn:aws:dynamodb:eu-west-1:123456789012:table/prod-items
  register: plan

- name: Rules from the role's short list
  multiregion.serverless.backup_plan:
    name: prod-items
    rules: "{{ [{'name': 'daily', 'schedule': 'cron(0 3 * * ? *)', 'retention_days': 35}]
               | multiregion.serverless.backup_plan_rules('prod-items') }}"

- name: Delete the plan and its selections (its recovery points stay)
  multiregion.serverless.backup_plan:
    name: prod-items
    state: absent
"""

RETURN = r"""
plan:
  description:
    - The plan after the run; empty after O(state=absent). In check mode, the plan as it would be (a plan that would
      be created has no id, ARN or version yet).
  returned: always
  type: dict
  contains:
    backup_plan_id:
      description: Id of the plan.
      type: str
      sample: 8f1c2f0e-1d2b-4c5e-9f00-0123456789ab
    backup_plan_arn:
      description: ARN of the plan.
      type: str
      sample: arn:aws:backup:eu-west-1:123456789012:backup-plan:8f1c2f0e-1d2b-4c5e-9f00-0123456789ab
    version_id:
      description: Version of the plan; every update makes a new one.
      type: str
    name:
      description: Name of the plan.
      type: str
      sample: prod-items
    rules:
      description: The rules as compared (snake_case, the defaults AWS fills in left out).
      type: list
      elements: dict
    advanced_backup_settings:
      description: The advanced backup settings (snake_case).
      type: list
      elements: dict
    tags:
      description: Tags of the plan.
      type: dict
      sample: {"Deployment": "prod"}
selection:
  description:
    - The selection after the run, or null when O(selection) was not given (or with O(state=absent)).
  returned: always
  type: dict
  contains:
    selection_id:
      description: Id of the selection (none in check mode for one that would be created).
      type: str
    name:
      description: Name of the selection.
      type: str
    iam_role_arn:
      description: The role AWS Backup assumes.
      type: str
    resources:
      description: The selected resources, sorted.
      type: list
      elements: str
    not_resources:
      description: The resources left out, sorted.
      type: list
      elements: str
"""

import hashlib
import json
import re
import uuid
from typing import Any
from typing import Optional

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.multiregion.serverless.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import tag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import untag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

# What AWS fills into a rule it was given without them (API reference, CreateBackupPlan / BackupRuleInput).
RULE_DEFAULTS = {
    "ScheduleExpression": "cron(0 5 ? * * *)",
    "StartWindowMinutes": 480,
    "CompletionWindowMinutes": 10080,
    "ScheduleExpressionTimezone": "Etc/UTC",
    "EnableContinuousBackup": False,
}
LIFECYCLE_DEFAULTS = {"OptInToArchiveForSupportedResources": False}
# Maps whose keys are the user's (tag keys, option names): never case-converted.
PLAN = "backup plan"  # how errors name the resource
VERBATIM = ("RecoveryPointTags", "recovery_point_tags", "BackupOptions", "backup_options", "Tags", "tags")
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")
# CreateBackupSelection fails so while IAM has not yet propagated a new role (terraform-provider-aws retries these).
IAM_PROPAGATION = ("cannot be assumed", "is not authorized to call", "unable to assume role")
PROPAGATION_TRIES = 24
PROPAGATION_DELAY = 5
# This run of the module: part of the idempotency tokens of its creates.
RUN = uuid.uuid4().hex


# ---- input (pure) --------------------------------------------------------------------------------------------


def camel(value: Any) -> Any:
    """``value`` (a rule, a setting) with its keys in the API's CamelCase, the user's maps kept as written."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        api_key = (
            key if key[:1].isupper() else snake_dict_to_camel_dict({key: None}, capitalize_first=True).popitem()[0]
        )
        out[api_key] = dict(item) if key in VERBATIM and isinstance(item, dict) else camel(item)
    return out


def validate(params: dict, rule_keys: set, rule_required: set) -> list[str]:
    """Input errors, each naming its option."""
    errors = []
    if not NAME.match(params["name"] or ""):
        errors.append(f"name {params['name']!r}: 1 to 50 letters, digits, hyphens, underscores or periods")
    if params["state"] == "present":
        if not params["rules"]:
            errors.append("rules: a plan needs at least one rule with state=present")
        seen = set()
        for i, rule in enumerate(camel(params["rules"] or [])):
            unknown = sorted(set(rule) - rule_keys)
            if unknown:
                errors.append(
                    f"rules[{i}]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(rule_keys))})"
                )
            missing = sorted(k for k in rule_required if not rule.get(k))
            if missing:
                errors.append(f"rules[{i}]: {', '.join(missing)} required")
            if rule.get("RuleName") in seen:
                errors.append(f"rules[{i}]: rule name {rule['RuleName']!r} given twice")
            seen.add(rule.get("RuleName"))
    return errors


# ---- comparison (pure) ---------------------------------------------------------------------------------------


def _kept(key: str, value: Any, defaults: dict) -> bool:
    """Whether ``key: value`` counts in a comparison: not empty, and not the default AWS fills in."""
    return value not in (None, [], {}) and not (key in defaults and defaults[key] == value)


def _lifecycle(lifecycle: Optional[dict]) -> dict:
    return {k: v for k, v in (lifecycle or {}).items() if _kept(k, v, LIFECYCLE_DEFAULTS)}


def _copy_action(action: dict) -> dict:
    out = {k: v for k, v in action.items() if k != "Lifecycle" and _kept(k, v, {})}
    if _lifecycle(action.get("Lifecycle")):
        out["Lifecycle"] = _lifecycle(action["Lifecycle"])
    return out


def normalize_rule(rule: dict) -> dict:
    """A rule (CamelCase) as compared: AWS's defaults, empty values and the RuleId left out."""
    out = {}
    for key, value in rule.items():
        if key == "RuleId" or not _kept(key, value, RULE_DEFAULTS):
            continue
        if key == "Lifecycle":
            value = _lifecycle(value)
        elif key == "CopyActions":
            value = sorted((_copy_action(a) for a in value), key=lambda a: a.get("DestinationBackupVaultArn", ""))
        if value not in ({}, []):
            out[key] = value
    return out


def normalize_rules(rules: list) -> list:
    return sorted((normalize_rule(r) for r in rules or []), key=lambda r: r.get("RuleName", ""))


def normalize_settings(settings: Optional[list]) -> list:
    return sorted(
        ({k: v for k, v in s.items() if v not in (None, {})} for s in settings or []),
        key=lambda s: s.get("ResourceType", ""),
    )


def normalize_selection(selection: Optional[dict]) -> Optional[dict]:
    """A selection (CamelCase, as CreateBackupSelection takes it) as compared: lists sorted, empty ones left out."""
    if selection is None:
        return None
    out = {"SelectionName": selection.get("SelectionName"), "IamRoleArn": selection.get("IamRoleArn")}
    for key in ("Resources", "NotResources"):
        if selection.get(key):
            out[key] = sorted(selection[key])
    if selection.get("ListOfTags"):
        out["ListOfTags"] = sorted(selection["ListOfTags"], key=lambda c: json.dumps(c, sort_keys=True))
    conditions = {
        k: sorted(v, key=lambda c: json.dumps(c, sort_keys=True))
        for k, v in (selection.get("Conditions") or {}).items()
        if v
    }
    if conditions:
        out["Conditions"] = conditions
    return out


def wanted_selection(option: Optional[dict]) -> Optional[dict]:
    """O(selection) as CreateBackupSelection takes it."""
    if option is None:
        return None
    return normalize_selection(
        {
            "SelectionName": option["name"],
            "IamRoleArn": option["iam_role_arn"],
            "Resources": option.get("resources") or [],
            "NotResources": option.get("not_resources") or [],
            "ListOfTags": camel(option.get("list_of_tags") or []),
            "Conditions": camel(option.get("conditions") or {}),
        }
    )


def creator_request_id(kind: str, name: str, document: Any, run: str = RUN) -> str:
    """The idempotency token of a create (1 to 50 letters, digits, '-', '_' or '.'): a hash of the name and the
    document, and the run's id.

    Every retry of the create within the run sends the same token, so AWS answers it with the plan (or selection)
    the first attempt made instead of making a second. AWS answers a token it has seen with what it made then, even
    once deleted: the run's id keeps a plan deleted and deployed again with the same rules from getting the deleted
    one back.
    """
    digest = hashlib.sha256(json.dumps([name, document], sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}-{digest[:20]}-{run[:16]}"


def plan_changes(current: Optional[dict], current_tags: dict, want: dict, tags: Optional[dict], purge: bool) -> dict:
    """What reaching the wanted plan takes: ``create``, ``update``, ``set_tags``, ``unset_tags``, ``final``.

    ``current`` is GetBackupPlan's ``BackupPlan`` (or None); ``want`` has ``Rules`` and, when given,
    ``AdvancedBackupSettings`` (absent: keep the current ones).
    """
    want_rules = normalize_rules(want["Rules"])
    if current is None:
        settings = normalize_settings(want.get("AdvancedBackupSettings"))
        final_tags = dict(tags or {})
        return {
            "create": True,
            "update": False,
            "set_tags": final_tags,
            "unset_tags": [],
            "final": {"Rules": want_rules, "AdvancedBackupSettings": settings, "Tags": final_tags},
        }
    have_settings = normalize_settings(current.get("AdvancedBackupSettings"))
    settings = (
        have_settings
        if want.get("AdvancedBackupSettings") is None
        else normalize_settings(want["AdvancedBackupSettings"])
    )
    update = normalize_rules(current.get("Rules")) != want_rules or settings != have_settings
    set_tags, unset_tags = tag_changes(current_tags, tags, purge)
    final_tags = updated_tags(current_tags, set_tags, unset_tags)
    return {
        "create": False,
        "update": update,
        "set_tags": set_tags,
        "unset_tags": unset_tags,
        "final": {"Rules": want_rules, "AdvancedBackupSettings": settings, "Tags": final_tags},
    }


def plan_view(name: str, rules: list, settings: list, tags: dict) -> dict:
    """The plan as the diff and the result show it."""
    return {
        "name": name,
        "rules": [snake_result(r, ignore=VERBATIM) for r in rules],
        "advanced_backup_settings": [snake_result(s, ignore=VERBATIM) for s in settings],
        "tags": dict(tags),
    }


def selection_view(selection: Optional[dict], selection_id: Optional[str] = None) -> Optional[dict]:
    if selection is None:
        return None
    view = snake_result(selection)
    view["name"] = view.pop("selection_name")
    view.setdefault("resources", [])
    view.setdefault("not_resources", [])
    return {"selection_id": selection_id, **view}


# ---- reading -------------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("list backup plans")
def find_plan(client, name: str) -> Optional[dict]:
    """The ListBackupPlans entry of the plan called ``name`` (deleted plans left out), or None."""
    found = [
        p
        for p in paginate(client, "list_backup_plans", IncludeDeleted=False).get("BackupPlansList", [])
        if p.get("BackupPlanName") == name and not p.get("DeletionDate")
    ]
    if len(found) > 1:
        ids = ", ".join(p["BackupPlanId"] for p in found)
        raise ModuleFailure(msg=f"{len(found)} backup plans are called {name} ({ids}): delete all but one", plan={})
    return found[0] if found else None


@BackupErrorHandler.list_error_handler("get backup plan {plan_id}", None)
def get_plan(client, plan_id: str) -> Optional[dict]:
    return client.get_backup_plan(BackupPlanId=plan_id, aws_retry=True)


def read_plan(client, name: str, params: Optional[dict] = None) -> tuple[Optional[dict], dict]:
    """(GetBackupPlan's answer, the plan's tags) of the plan called ``name``, or (None, {}).

    With ``params`` (the module's, to plan with), the tags O(known_tags) gives the plan are taken when they already
    are the wanted ones (module_utils/_tagging.py); otherwise, or without ``params``, they are read with ListTags.
    """
    listed = find_plan(client, name)
    got = get_plan(client, listed["BackupPlanId"]) if listed else None
    if not got:
        return None, {}
    arn = got["BackupPlanArn"]
    if params is None:
        return got, list_tags(client, arn, PLAN)
    return got, known_or_read(params, arn, lambda: list_tags(client, arn, PLAN))


@BackupErrorHandler.list_error_handler("list selections of backup plan {plan_id}", [])
def list_selections(client, plan_id: str) -> list:
    return paginate(client, "list_backup_selections", BackupPlanId=plan_id).get("BackupSelectionsList", [])


@BackupErrorHandler.list_error_handler("get backup selection {selection_id}", None)
def get_selection(client, plan_id: str, selection_id: str) -> Optional[dict]:
    answer = client.get_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id, aws_retry=True)
    return answer.get("BackupSelection")


# ---- calls ---------------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("create backup plan {name}")
def create_plan(client, name: str, document: dict, tags: dict) -> dict:
    params: dict[str, Any] = {
        "BackupPlan": document,
        "CreatorRequestId": creator_request_id("plan", name, {"plan": document, "tags": tags}),
    }
    if tags:
        params["BackupPlanTags"] = dict(tags)
    return client.create_backup_plan(aws_retry=True, **params)


@BackupErrorHandler.common_error_handler("update backup plan {plan_id}")
def update_plan(client, plan_id: str, document: dict) -> dict:
    return client.update_backup_plan(BackupPlanId=plan_id, BackupPlan=document, aws_retry=True)


@BackupErrorHandler.deletion_error_handler("delete backup plan {plan_id}")
def delete_plan(client, plan_id: str) -> bool:
    client.delete_backup_plan(BackupPlanId=plan_id, aws_retry=True)
    return True


@BackupErrorHandler.deletion_error_handler("delete backup selection {selection_id}")
def delete_selection(client, plan_id: str, selection_id: str) -> bool:
    client.delete_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id, aws_retry=True)
    return True


def _propagating(error: Exception) -> bool:
    message = str(getattr(error, "response", {}).get("Error", {}).get("Message", "")).lower()
    return is_not_found(error, ["InvalidParameterValueException"]) and any(m in message for m in IAM_PROPAGATION)


@BackupErrorHandler.common_error_handler("create backup selection {selection}")
def _create_selection(client, plan_id: str, selection: dict, token: str) -> dict:
    for attempt in range(PROPAGATION_TRIES):
        try:
            return client.create_backup_selection(
                BackupPlanId=plan_id, BackupSelection=selection, CreatorRequestId=token, aws_retry=True
            )
        except Exception as e:  # botocore's ClientError; anything else is raised as it is
            if not _propagating(e) or attempt == PROPAGATION_TRIES - 1:
                raise
            _sleep(PROPAGATION_DELAY)
    raise AssertionError("unreachable")


def create_selection(client, plan_id: str, selection: dict) -> dict:
    token = creator_request_id("selection", selection["SelectionName"], {"plan": plan_id, "selection": selection})
    return _create_selection(client, plan_id, selection, token)


# ---- the module ----------------------------------------------------------------------------------------------


def read_selection(client, plan_id: str, name: str) -> tuple[Optional[str], Optional[dict]]:
    """(id, BackupSelection) of the plan's selection called ``name``, or (None, None)."""
    for listed in list_selections(client, plan_id):
        if listed.get("SelectionName") == name:
            return listed["SelectionId"], get_selection(client, plan_id, listed["SelectionId"])
    return None, None


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["name"]
    document: dict[str, Any] = {"BackupPlanName": name, "Rules": camel(params["rules"])}
    if params["advanced_backup_settings"] is not None:
        document["AdvancedBackupSettings"] = camel(params["advanced_backup_settings"])
    want_selection = wanted_selection(params["selection"])

    got, current_tags = read_plan(client, name, params)
    current = got.get("BackupPlan") if got else None
    changes = plan_changes(current, current_tags, document, params["tags"], params["purge_tags"])
    if current is not None and params["advanced_backup_settings"] is None and current.get("AdvancedBackupSettings"):
        # UpdateBackupPlan replaces the whole plan: the settings it has are sent again.
        document["AdvancedBackupSettings"] = current["AdvancedBackupSettings"]

    selection_id, have_selection = (None, None)
    if want_selection is not None and got:
        selection_id, have_selection = read_selection(client, got["BackupPlanId"], want_selection["SelectionName"])
    have_selection = normalize_selection(have_selection)
    replace_selection = want_selection is not None and have_selection != want_selection

    final = changes["final"]
    before = (
        plan_view(
            name,
            normalize_rules(current.get("Rules")),
            normalize_settings(current.get("AdvancedBackupSettings")),
            current_tags,
        )
        if current is not None
        else {}
    )
    after = plan_view(name, final["Rules"], final["AdvancedBackupSettings"], final["Tags"])
    if want_selection is not None:
        before_sel = selection_view(have_selection, selection_id) if current is not None else None
        if before:
            before["selection"] = before_sel
        after["selection"] = selection_view(want_selection, None if replace_selection else selection_id)
    changed = bool(
        changes["create"] or changes["update"] or changes["set_tags"] or changes["unset_tags"] or replace_selection
    )
    diff = {"before": before, "after": after}

    ids = {
        "backup_plan_id": got["BackupPlanId"] if got else None,
        "backup_plan_arn": got["BackupPlanArn"] if got else None,
        "version_id": got.get("VersionId") if got else None,
    }
    if not module.check_mode and changed:
        if changes["create"]:
            created = create_plan(client, name, document, final["Tags"])
            ids = {
                "backup_plan_id": created["BackupPlanId"],
                "backup_plan_arn": created["BackupPlanArn"],
                "version_id": created.get("VersionId"),
            }
        else:
            if changes["update"]:
                ids["version_id"] = update_plan(client, ids["backup_plan_id"], document).get("VersionId")
            if changes["unset_tags"]:
                untag_resource(client, ids["backup_plan_arn"], PLAN, changes["unset_tags"])
            if changes["set_tags"]:
                tag_resource(client, ids["backup_plan_arn"], PLAN, changes["set_tags"])
        if replace_selection:
            if selection_id:
                delete_selection(client, ids["backup_plan_id"], selection_id)
            selection_id = create_selection(client, ids["backup_plan_id"], want_selection)["SelectionId"]

    plan_result = {**ids, **after}
    selection_result = plan_result.pop("selection", None)
    if selection_result is not None:
        selection_result["selection_id"] = selection_id if not (module.check_mode and replace_selection) else None
    return {"changed": changed, "diff": diff, "plan": plan_result, "selection": selection_result}


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    got, tags = read_plan(client, name)
    if not got:
        return {"changed": False, "diff": {"before": {}, "after": {}}, "plan": {}, "selection": None}
    plan_id = got["BackupPlanId"]
    current = got.get("BackupPlan") or {}
    selections = list_selections(client, plan_id) if module.params["delete_selections"] else []
    before = plan_view(
        name, normalize_rules(current.get("Rules")), normalize_settings(current.get("AdvancedBackupSettings")), tags
    )
    if selections:
        before["selections"] = sorted(s.get("SelectionName", "") for s in selections)
    if not module.check_mode:
        for listed_selection in selections:
            delete_selection(client, plan_id, listed_selection["SelectionId"])
        delete_plan(client, plan_id)
    return {"changed": True, "diff": {"before": before, "after": {}}, "plan": {}, "selection": None}


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["backup_plan_name"]),
        rules=dict(type="list", elements="dict"),
        advanced_backup_settings=dict(type="list", elements="dict"),
        selection=dict(
            type="dict",
            options=dict(
                name=dict(type="str", required=True),
                iam_role_arn=dict(type="str", required=True),
                resources=dict(type="list", elements="str", default=[]),
                not_resources=dict(type="list", elements="str", default=[]),
                list_of_tags=dict(type="list", elements="dict", default=[]),
                conditions=dict(type="dict", default={}),
            ),
        ),
        delete_selections=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.retrying_client("backup")
    rule_shape = client.meta.service_model.shape_for("BackupRuleInput")
    module.fail_on_errors(validate(module.params, set(rule_shape.members), set(rule_shape.required_members)))
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_roles
short_description: Reconcile a list of IAM roles with their inline and managed policies in one call
version_added: 0.1.0
description:
  - Creates, updates or deletes a list of IAM roles in one task, each with its trust policy, description, maximum
    session duration, permissions boundary, inline policies, attached managed policies and tags.
  - An C(amazon.aws.iam_role) task plus one C(amazon.aws.iam_policy) task per inline policy cost one module process
    each; this module costs one for every role of the list, and reads only what the task manages.
  - Policy documents are compared by meaning, not by text (see O(roles[].policies)), so a document that IAM returns
    URL-encoded, reformatted or with a one-item list as a string is no change.
  - IAM is global; the module's region is used only to sign the requests (C(module_defaults) may set any region).
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  roles:
    description: The roles.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The role's name.
        type: str
        required: true
        aliases: [role_name]
      path:
        description:
          - The role's path, used when the role is created (IAM cannot change it later; a different path is
            reported as a warning and left as it is). Defaults to C(/).
        type: str
      description:
        description: The role's description. Left out, it is left alone.
        type: str
      assume_role_policy_document:
        description:
          - The trust policy, as a JSON string or a mapping. Required to create the role; left out, an existing
            role's trust policy is left alone.
        type: json
        aliases: [trust_policy]
      max_session_duration:
        description: Maximum session duration in seconds (3600 to 43200). Left out, it is left alone.
        type: int
      boundary:
        description:
          - ARN of the managed policy used as the permissions boundary. An empty string removes the boundary;
            left out, it is left alone.
        type: str
        aliases: [permissions_boundary]
      policies:
        description:
          - Inline policies, name to document (a JSON string or a mapping). A policy whose document differs is
            replaced (C(PutRolePolicy)). Left out, inline policies are neither read nor changed.
          - Documents are compared after JSON parsing, with C(Statement), C(Action), C(NotAction), C(Resource),
            C(NotResource), principal and condition values compared as sets (a single string equals a one-item
            list), a principal C(*) equal to the AWS principal C(*), booleans and numbers equal to their strings,
            and a missing C(Version) taken as C(2008-10-17), as IAM does.
        type: dict
      purge_policies:
        description: Delete the inline policies not in O(roles[].policies) (only when O(roles[].policies) is given).
        type: bool
        default: false
      managed_policies:
        description: ARNs of the managed policies to attach. Left out, attachments are neither read nor changed.
        type: list
        elements: str
      purge_managed_policies:
        description:
          - Detach the managed policies not in O(roles[].managed_policies) (only when O(roles[].managed_policies) is
            given). V(true) with O(roles[].managed_policies=[]) detaches every managed policy.
        type: bool
        default: false
      tags:
        description:
          - Tags of this role, on top of O(tags). Left out (and O(tags) too), the role's tags are left alone.
        type: dict
      purge_tags:
        description: Remove the role's tags that are not wanted (when tags are wanted). Defaults to O(purge_tags).
        type: bool
      state:
        description:
          - V(absent) detaches the role's managed policies, deletes its inline policies, removes it from its
            instance profiles (the profiles are kept) and deletes it.
        type: str
        choices: [present, absent]
        default: present
  tags:
    description:
      - Tags of every role in O(roles). Omitted (and no role's own C(tags) given), the roles' tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags of a role that are not wanted (when tags are wanted for it).
    type: bool
    default: true
notes:
  - Supports C(check_mode) and C(diff); the diff has, per role name, the role before and after.
  - Instance profiles are neither created nor deleted.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The function's role with its inline policy, and the logging role of API Gateway, in one task
  multiregion.serverless.iam_roles:
    roles:
      - name: mrdemo-api-eu-west-1
        description: "mrdemo: the items API function in eu-west-1"
        assume_role_policy_document:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: lambda.amazonaws.com}
              Action: sts:AssumeRole
        policies:
          items-api: "{{ lookup('ansible.builtin.template', 'function_policy.json.j2') }}"
        managed_policies: []
        purge_managed_policies: true
      - name: mrdemo-apigw-logs-eu-west-1
        assume_role_policy_document: "{{ lookup('ansible.builtin.file', 'apigateway_trust.json') }}"
        managed_policies:
          - arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs
        purge_managed_policies: true
    tags: {Deployment: mrdemo}
  register: roles

- name: Remove both roles
  multiregion.serverless.iam_roles:
    roles:
      - {name: mrdemo-api-eu-west-1, state: absent}
      - {name: mrdemo-apigw-logs-eu-west-1, state: absent}
"""

RETURN = r"""
roles:
  description:
    - The roles of O(roles) after the task, in their order. A role that is absent (or would be created, in check
      mode) has no C(arn) and C(role_id).
  returned: always
  type: list
  elements: dict
  contains:
    role_name:
      description: The name.
      type: str
      sample: mrdemo-api-eu-west-1
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:iam::123456789012:role/mrdemo-api-eu-west-1
    role_id:
      description: The role's unique id.
      type: str
      sample: AROAEXAMPLEID
    path:
      description: The path.
      type: str
      sample: /
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    description:
      description: The description.
      type: str
    max_session_duration:
      description: The maximum session duration in seconds.
      type: int
      sample: 3600
    assume_role_policy_document:
      description: The trust policy, as a mapping.
      type: dict
    permissions_boundary:
      description: ARN of the permissions boundary, or an empty string.
      type: str
    policies:
      description: Names of the inline policies, when they were read or set.
      type: list
      elements: str
    managed_policies:
      description: ARNs of the attached managed policies, when they were read or set.
      type: list
      elements: str
    tags:
      description: The tags.
      type: dict
created:
  description: Names of the roles created (or that would be).
  returned: always
  type: list
  elements: str
updated:
  description: Names of the roles changed.
  returned: always
  type: list
  elements: str
deleted:
  description: Names of the roles deleted.
  returned: always
  type: list
  elements: str
"""

import json
from typing import Any
from typing import Callable
from typing import Optional
from urllib.parse import unquote

from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import given_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

NOT_FOUND = ["NoSuchEntity"]
IAMErrorHandler = error_handler(NOT_FOUND)
DEFAULT_VERSION = "2008-10-17"
# Statement elements whose value is one string or a list of strings, compared as a set.
SET_KEYS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_KEYS = ("Principal", "NotPrincipal")


# --- pure functions ---------------------------------------------------------------------------------------


def parse_document(document: Any) -> Any:
    """A policy document as a mapping: a mapping as it is, a JSON string parsed (URL-decoded first when IAM
    returned it encoded and botocore left it so)."""
    if document is None or isinstance(document, dict):
        return document
    text = str(document)
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(unquote(text))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _string_set(value: Any) -> list:
    values = value if isinstance(value, list) else [value]
    return sorted({_scalar(v) for v in values})


def _canonical_principal(value: Any) -> Any:
    if value == "*":
        value = {"AWS": "*"}
    if isinstance(value, dict):
        return {k: _string_set(v) for k, v in sorted(value.items())}
    return _string_set(value)


def _canonical_statement(statement: dict) -> dict:
    out: dict = {}
    for key, value in statement.items():
        if key in SET_KEYS:
            out[key] = _string_set(value)
        elif key in PRINCIPAL_KEYS:
            out[key] = _canonical_principal(value)
        elif key == "Condition" and isinstance(value, dict):
            out[key] = {
                op: ({k: _string_set(v) for k, v in tests.items()} if isinstance(tests, dict) else tests)
                for op, tests in value.items()
            }
        else:
            out[key] = value
    return out


def canonical_policy(document: Any) -> Any:
    """A policy document in one form per meaning, for comparison (see the module's documentation)."""
    document = parse_document(document)
    if not isinstance(document, dict):
        return document
    out = dict(document)
    out.setdefault("Version", DEFAULT_VERSION)
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    canonical = [_canonical_statement(s) if isinstance(s, dict) else s for s in statements]
    # IAM evaluates every statement whatever its place: the order carries no meaning.
    out["Statement"] = sorted(canonical, key=lambda s: json.dumps(s, sort_keys=True))
    return out


def policies_equal(a: Any, b: Any) -> bool:
    return canonical_policy(a) == canonical_policy(b)


def with_common_tags(role: dict, tags: Optional[dict], purge_tags: bool) -> dict:
    """``role`` with its wanted tags (``tags`` of every role, then its own) and purge switch resolved."""
    wanted = dict(role)
    if tags is not None or role.get("tags") is not None:
        wanted["tags"] = {**(tags or {}), **(role.get("tags") or {})}
    if wanted.get("purge_tags") is None:
        wanted["purge_tags"] = purge_tags
    return wanted


def role_changes(current: Optional[dict], wanted: dict) -> dict:
    """What differs between ``current`` (the role as read: see ``read_role``) and ``wanted`` (a ``roles`` item).

    For an existing role, only the keys that need a call: ``trust`` (the new document), ``description``,
    ``max_session_duration``, ``boundary`` (an ARN, or "" to remove), ``put_policies`` (name -> document),
    ``delete_policies``, ``attach``, ``detach``, ``tags_to_set``, ``tags_to_remove``. ``path_differs`` is set
    (no call) when the path asked for is not the role's.
    """
    changes: dict = {}
    if current is None:
        return changes
    if wanted.get("assume_role_policy_document") is not None and not policies_equal(
        current["assume_role_policy_document"], wanted["assume_role_policy_document"]
    ):
        changes["trust"] = wanted["assume_role_policy_document"]
    if wanted.get("description") is not None and wanted["description"] != (current.get("description") or ""):
        changes["description"] = wanted["description"]
    duration = wanted.get("max_session_duration")
    if duration is not None and duration != current.get("max_session_duration"):
        changes["max_session_duration"] = duration
    boundary = wanted.get("boundary")
    if boundary is not None and boundary != (current.get("permissions_boundary") or ""):
        changes["boundary"] = boundary
    if wanted.get("path") is not None and wanted["path"] != current.get("path"):
        changes["path_differs"] = True

    policies = wanted.get("policies")
    if policies is not None:
        have = current.get("policies") or {}
        put = {name: doc for name, doc in policies.items() if name not in have or not policies_equal(have[name], doc)}
        if put:
            changes["put_policies"] = put
        if wanted.get("purge_policies"):
            delete = sorted(name for name in have if name not in policies)
            if delete:
                changes["delete_policies"] = delete

    managed = wanted.get("managed_policies")
    if managed is not None:
        attached = current.get("managed_policies") or []
        attach = [arn for arn in dict.fromkeys(managed) if arn not in attached]
        if attach:
            changes["attach"] = attach
        if wanted.get("purge_managed_policies"):
            detach = [arn for arn in attached if arn not in managed]
            if detach:
                changes["detach"] = detach

    to_set, to_remove = tag_changes(current.get("tags") or {}, wanted.get("tags"), wanted.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_remove:
        changes["tags_to_remove"] = sorted(to_remove)
    return changes


def needs_call(changes: dict) -> bool:
    return any(key != "path_differs" for key in changes)


def predicted_role(current: Optional[dict], wanted: dict, changes: dict) -> dict:
    """The role as it will be once ``changes`` (or its creation, when ``current`` is None) are applied."""
    if current is None:
        role = {
            "role_name": wanted["name"],
            "path": wanted.get("path") or "/",
            "description": wanted.get("description") or "",
            "max_session_duration": wanted.get("max_session_duration") or 3600,
            "assume_role_policy_document": parse_document(wanted.get("assume_role_policy_document")),
            "permissions_boundary": wanted.get("boundary") or "",
            "tags": dict(wanted.get("tags") or {}),
        }
        if wanted.get("policies") is not None:
            role["policies"] = {k: parse_document(v) for k, v in wanted["policies"].items()}
        if wanted.get("managed_policies") is not None:
            role["managed_policies"] = list(dict.fromkeys(wanted["managed_policies"]))
        return role
    role = dict(current)
    if "trust" in changes:
        role["assume_role_policy_document"] = parse_document(changes["trust"])
    for key in ("description", "max_session_duration"):
        if key in changes:
            role[key] = changes[key]
    if "boundary" in changes:
        role["permissions_boundary"] = changes["boundary"]
    if "policies" in current or "put_policies" in changes:
        policies = dict(current.get("policies") or {})
        policies.update({k: parse_document(v) for k, v in changes.get("put_policies", {}).items()})
        for name in changes.get("delete_policies", []):
            policies.pop(name, None)
        role["policies"] = policies
    if "managed_policies" in current:
        detached = set(changes.get("detach", []))
        role["managed_policies"] = [a for a in current["managed_policies"] if a not in detached] + changes.get(
            "attach", []
        )
    role["tags"] = updated_tags(current.get("tags"), changes.get("tags_to_set", {}), changes.get("tags_to_remove", []))
    return role


def diff_view(role: Optional[dict]) -> dict:
    if not role:
        return {}
    return {k: v for k, v in role.items() if k not in ("arn", "role_id")}


def result_view(role: Optional[dict], name: str) -> dict:
    if not role:
        return {"role_name": name, "state": "absent"}
    view = {k: v for k, v in role.items() if k != "policies"}
    if "policies" in role:
        view["policies"] = sorted(role["policies"])
    view["state"] = "present"
    return view


def validate(params: dict) -> list[str]:
    errors = []
    seen: set = set()
    for i, role in enumerate(params["roles"]):
        where = f"roles[{i}]"
        name = role["name"]
        if name in seen:
            errors.append(f"{where}.name: {name!r} is listed twice")
        seen.add(name)
        if not 1 <= len(name) <= 64:
            errors.append(f"{where}.name: {name!r} must have 1 to 64 characters")
        duration = role.get("max_session_duration")
        if duration is not None and not 3600 <= duration <= 43200:
            errors.append(f"{where}.max_session_duration: {duration} is not between 3600 and 43200")
        path = role.get("path")
        if path is not None and not (path.startswith("/") and path.endswith("/")):
            errors.append(f"{where}.path: {path!r} must begin and end with /")
        boundary = role.get("boundary")
        if boundary and not boundary.startswith("arn:"):
            errors.append(f"{where}.boundary: {boundary!r} is not an ARN")
        for key in ("assume_role_policy_document",):
            try:
                parse_document(role.get(key))
            except ValueError:
                errors.append(f"{where}.{key}: not a JSON document")
        for policy, document in (role.get("policies") or {}).items():
            try:
                if not isinstance(parse_document(document), dict):
                    raise ValueError
            except ValueError:
                errors.append(f"{where}.policies.{policy}: not a JSON object")
    return errors


# --- AWS calls --------------------------------------------------------------------------------------------


@IAMErrorHandler.list_error_handler("get role {name}", None)
def get_role(client, name: str) -> Optional[dict]:
    return client.get_role(RoleName=name, aws_retry=True)["Role"]


@IAMErrorHandler.list_error_handler("get inline policy {policy} of role {name}", None)
def get_role_policy(client, name: str, policy: str) -> Optional[Any]:
    return client.get_role_policy(RoleName=name, PolicyName=policy, aws_retry=True)["PolicyDocument"]


@IAMErrorHandler.list_error_handler("list inline policies of role {name}", [])
def list_role_policies(client, name: str) -> list[str]:
    return paginate(client, "list_role_policies", RoleName=name).get("PolicyNames", [])


@IAMErrorHandler.list_error_handler("list managed policies of role {name}", [])
def list_attached(client, name: str) -> list[str]:
    found = paginate(client, "list_attached_role_policies", RoleName=name).get("AttachedPolicies", [])
    return [p["PolicyArn"] for p in found]


@IAMErrorHandler.list_error_handler("list instance profiles of role {name}", [])
def list_profiles(client, name: str) -> list[str]:
    found = paginate(client, "list_instance_profiles_for_role", RoleName=name).get("InstanceProfiles", [])
    return [p["InstanceProfileName"] for p in found]


def read_role(client, wanted: dict) -> Optional[dict]:
    """The role as far as ``wanted`` manages it: inline policies only when given (every one with purge, else only
    the named ones), managed policies only when given. None when there is no such role."""
    name = wanted["name"]
    role = get_role(client, name)
    if role is None:
        return None
    current = {
        "role_name": role["RoleName"],
        "arn": role["Arn"],
        "role_id": role["RoleId"],
        "path": role.get("Path", "/"),
        "description": role.get("Description") or "",
        "max_session_duration": role.get("MaxSessionDuration", 3600),
        "assume_role_policy_document": parse_document(role.get("AssumeRolePolicyDocument")),
        "permissions_boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", ""),
        # GetRole returns every tag of the role (at most 50).
        "tags": tags_from_boto3(role.get("Tags")),
    }
    if wanted.get("state") == "absent":
        return current
    if wanted.get("policies") is not None:
        names = list_role_policies(client, name) if wanted.get("purge_policies") else list(wanted["policies"])
        policies = {}
        for policy in names:
            document = get_role_policy(client, name, policy)
            if document is not None:
                policies[policy] = parse_document(document)
        current["policies"] = policies
    if wanted.get("managed_policies") is not None:
        current["managed_policies"] = list_attached(client, name)
    return current


def _dump(document: Any) -> str:
    return json.dumps(parse_document(document))


# The options of a role that CreateRole takes as they are, and their fields in its request.
CREATE_ROLE_FIELDS = {
    "description": "Description",
    "max_session_duration": "MaxSessionDuration",
    "boundary": "PermissionsBoundary",
}


@IAMErrorHandler.common_error_handler("create role {name}")
def create_role(client, name: str, wanted: dict) -> dict:
    params: dict = {
        "RoleName": name,
        "Path": wanted.get("path") or "/",
        "AssumeRolePolicyDocument": _dump(wanted["assume_role_policy_document"]),
    }
    params.update(given_options(wanted, CREATE_ROLE_FIELDS, keep_falsy=("max_session_duration",)))
    if wanted.get("tags"):
        params["Tags"] = tags_to_boto3(wanted["tags"])
    return client.create_role(aws_retry=True, **params)["Role"]


@IAMErrorHandler.common_error_handler("update role {name}")
def apply_changes(client, name: str, changes: dict) -> None:
    """The calls for ``changes``, in the order terraform makes them: the role's own settings, then its policies."""
    if "trust" in changes:
        client.update_assume_role_policy(RoleName=name, PolicyDocument=_dump(changes["trust"]), aws_retry=True)
    settings = {}
    if "description" in changes:
        settings["Description"] = changes["description"]
    if "max_session_duration" in changes:
        settings["MaxSessionDuration"] = changes["max_session_duration"]
    if settings:
        client.update_role(RoleName=name, aws_retry=True, **settings)
    if changes.get("boundary"):
        client.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=changes["boundary"], aws_retry=True)
    elif changes.get("boundary") == "":
        client.delete_role_permissions_boundary(RoleName=name, aws_retry=True)
    for policy, document in changes.get("put_policies", {}).items():
        client.put_role_policy(RoleName=name, PolicyName=policy, PolicyDocument=_dump(document), aws_retry=True)
    for policy in changes.get("delete_policies", []):
        client.delete_role_policy(RoleName=name, PolicyName=policy, aws_retry=True)
    for arn in changes.get("attach", []):
        client.attach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    for arn in changes.get("detach", []):
        client.detach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    if changes.get("tags_to_remove"):
        client.untag_role(RoleName=name, TagKeys=changes["tags_to_remove"], aws_retry=True)
    if changes.get("tags_to_set"):
        client.tag_role(RoleName=name, Tags=tags_to_boto3(changes["tags_to_set"]), aws_retry=True)


@IAMErrorHandler.deletion_error_handler("delete role {name}")
def delete_role(client, name: str) -> bool:
    for profile in list_profiles(client, name):
        client.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=name, aws_retry=True)
    for arn in list_attached(client, name):
        client.detach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    for policy in list_role_policies(client, name):
        client.delete_role_policy(RoleName=name, PolicyName=policy, aws_retry=True)
    client.delete_role(RoleName=name, aws_retry=True)
    return True


# --- the action -------------------------------------------------------------------------------------------


def reconcile(module, client, new_role_client: Callable[[], Any]) -> dict:
    roles = [with_common_tags(r, module.params["tags"], module.params["purge_tags"]) for r in module.params["roles"]]
    results, created, updated, deleted = [], [], [], []
    before: dict = {}
    after: dict = {}
    for wanted in roles:
        name = wanted["name"]
        current = read_role(client, wanted)
        if wanted["state"] == "absent":
            if current is not None:
                deleted.append(name)
                before[name] = diff_view(current)
                after[name] = {}
                if not module.check_mode:
                    delete_role(client, name)
            results.append(result_view(None, name))
            continue

        if current is None:
            if wanted.get("assume_role_policy_document") is None:
                raise ModuleFailure(
                    f"roles[{roles.index(wanted)}].assume_role_policy_document is required to create role {name}"
                )
            role = predicted_role(None, wanted, {})
            created.append(name)
            before[name] = {}
            after[name] = diff_view(role)
            if not module.check_mode:
                made = create_role(client, name, wanted)
                role.update(arn=made["Arn"], role_id=made["RoleId"], path=made.get("Path", role["path"]))
                # The new role's policies, on a client that retries while IAM does not know the role yet.
                policy_changes = {
                    "put_policies": wanted.get("policies") or {},
                    "attach": role.get("managed_policies") or [],
                }
                apply_changes(new_role_client(), name, policy_changes)
            results.append(result_view(role, name))
            continue

        changes = role_changes(current, wanted)
        if changes.get("path_differs"):
            module.warn(f"IAM cannot change the path of role {name}: it stays {current['path']!r}")
        role = predicted_role(current, wanted, changes)
        if needs_call(changes):
            updated.append(name)
            before[name] = diff_view(current)
            after[name] = diff_view(role)
            if not module.check_mode:
                apply_changes(client, name, changes)
        results.append(result_view(role, name))

    return {
        "changed": bool(created or updated or deleted),
        "roles": results,
        "created": created,
        "updated": updated,
        "deleted": deleted,
        "diff": {"before": before, "after": after},
    }


def main() -> None:
    role_options = dict(
        name=dict(type="str", required=True, aliases=["role_name"]),
        path=dict(type="str"),
        description=dict(type="str"),
        assume_role_policy_document=dict(type="json", aliases=["trust_policy"]),
        max_session_duration=dict(type="int"),
        boundary=dict(type="str", aliases=["permissions_boundary"]),
        policies=dict(type="dict"),
        purge_policies=dict(type="bool", default=False),
        managed_policies=dict(type="list", elements="str"),
        purge_managed_policies=dict(type="bool", default=False),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    argument_spec = dict(
        roles=dict(type="list", elements="dict", options=role_options, required=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("iam")

    # Calls on a role just created retry while IAM still answers NoSuchEntity for it (eventual consistency).
    # Made only when a role is created.
    def new_role_client():
        return module.retrying_client("iam", extra_codes=NOT_FOUND)

    run_and_exit(module, lambda: reconcile(module, client, new_role_client), diff_mode_only=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: ssm_document
short_description: Manage AWS Systems Manager documents (Automation runbooks) from YAML or JSON content
version_added: 0.1.0
description:
  - Creates, updates and deletes an AWS Systems Manager (SSM) document, by default an Automation runbook.
  - The content is compared by its hash. SSM keeps a SHA-256 hash of every version's content
    (DescribeDocument C(Hash)); the module hashes the content it would send and compares. Only when the
    content differs does it create a new version (UpdateDocument) and make it the default
    (UpdateDocumentDefaultVersion). When an existing version already has that content, that version is made
    the default instead of creating a duplicate (which UpdateDocument refuses).
  - When the hashes differ, the default version's text is read too (GetDocument); the same text is no change,
    whatever the hash.
  - community.aws has no module for SSM documents.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: Name of the document.
    type: str
    required: true
  content:
    description:
      - The document, as YAML or JSON text (sent as it is) or as a dict (serialised in O(document_format)).
      - Required for O(state=present).
    type: raw
  document_format:
    description: Format of the content.
    type: str
    choices: [YAML, JSON]
    default: YAML
  document_type:
    description: Type of the document. It cannot change once the document exists.
    type: str
    default: Automation
  state:
    description: Whether the document should exist.
  wait_timeout:
    description: Seconds to wait for the document to become C(Active) after a change, or to disappear after deletion.
    type: int
    default: 120
notes:
  - Text content is hashed exactly as given, so a change of whitespace or comments is a change of content and
    makes a new version. A dict is serialised the same way on every run.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The runbook that restores the table to a point in time
  multiregion.serverless.ssm_document:
    name: "{{ deployment }}-restore-table-pitr"
    content: "{{ lookup('ansible.builtin.file', 'runbooks/restore_pitr.yml') }}"
    document_format: YAML
    tags:
      Deployment: "{{ deployment }}"
  register: runbook

- name: Remove it
  multiregion.serverless.ssm_document:
    name: "{{ deployment }}-restore-table-pitr"
    state: absent
"""

RETURN = r"""
document:
  description: The document; empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the document.
      type: str
    document_version:
      description: The default version, the one that runs when no version is named.
      type: str
      sample: "2"
    default_version:
      description: The default version.
      type: str
      sample: "2"
    latest_version:
      description: The newest version.
      type: str
      sample: "2"
    hash:
      description: SHA-256 hash of the default version's content.
      type: str
    status:
      description: Status of the document (Creating, Active, Updating, Deleting, Failed).
      type: str
      sample: Active
    document_format:
      description: Format of the content.
      type: str
    document_type:
      description: Type of the document.
      type: str
    tags:
      description: Tags of the document.
      type: dict
"""

import hashlib
import json

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import DOCUMENT_FORMATS
from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import DocumentErrors
from ansible_collections.multiregion.serverless.plugins.module_utils._ssm import ssm_client
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

# ---------------------------------------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------------------------------------


class ContentError(ValueError):
    pass


def content_text(content, document_format: str) -> str:
    """The text to send: a string as it is (after checking it parses), a dict serialised in ``document_format``."""
    import yaml

    if isinstance(content, dict):
        if document_format == "JSON":
            return json.dumps(content, indent=2)
        return yaml.safe_dump(content, default_flow_style=False, sort_keys=False)
    if not isinstance(content, str):
        raise ContentError(f"content must be YAML or JSON text or a dict, not {type(content).__name__}")
    try:
        parsed = json.loads(content) if document_format == "JSON" else yaml.safe_load(content)
    except (ValueError, yaml.YAMLError) as e:
        raise ContentError(f"content is not valid {document_format}: {e}") from e
    if not isinstance(parsed, dict) or "schemaVersion" not in parsed:
        raise ContentError("content must be a mapping with a schemaVersion (an SSM document)")
    return content


def content_hash(text: str, hash_type: str = "Sha256") -> str:
    """The hash SSM reports for ``text`` (Sha256 by default; Sha1 for documents from before SHA-256)."""
    algorithm = "sha1" if (hash_type or "").lower() == "sha1" else "sha256"
    return hashlib.new(algorithm, text.encode("utf-8")).hexdigest()


def content_plan(current: dict, wanted_hash: str, versions: dict, default_content=None, text=None) -> tuple[str, str]:
    """("none" | "set_default" | "new_version", the version that would be the default).

    ``current`` is the described default version; ``versions`` maps other version numbers to their hashes.
    ``default_content`` (the default version's text, read only when the hashes differ) equal to ``text`` also
    means no change: should SSM ever hash other bytes than it returns, the module still sees the same content.
    """
    if current.get("Hash") == wanted_hash or (text is not None and default_content == text):
        return "none", current["DefaultVersion"]
    for version in sorted(versions, key=int, reverse=True):
        if versions[version] == wanted_hash:
            return "set_default", version
    return "new_version", str(int(current["LatestVersion"]) + 1)


def document_view(document: dict, tags: dict) -> dict:
    if not document:
        return {}
    return {
        "name": document.get("Name"),
        "document_version": document.get("DefaultVersion") or document.get("DocumentVersion"),
        "default_version": document.get("DefaultVersion"),
        "latest_version": document.get("LatestVersion"),
        "hash": document.get("Hash"),
        "status": document.get("Status"),
        "document_format": document.get("DocumentFormat"),
        "document_type": document.get("DocumentType"),
        "tags": tags,
    }


def predicted_document(current: dict, name: str, params: dict, wanted_hash: str, plan: tuple[str, str]) -> dict:
    action, version = plan
    if not current:
        return {
            "Name": name,
            "DocumentVersion": "1",
            "DefaultVersion": "1",
            "LatestVersion": "1",
            "Hash": wanted_hash,
            "Status": "Active",
            "DocumentFormat": params["document_format"],
            "DocumentType": params["document_type"],
        }
    document = dict(current)
    if action != "none":
        document.update(DefaultVersion=version, DocumentVersion=version, Hash=wanted_hash)
        document["DocumentFormat"] = params["document_format"]
    if action == "new_version":
        document["LatestVersion"] = version
    return document


# ---------------------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------------------


@DocumentErrors.list_error_handler("describe document {name}", None)
def describe_document(client, name, version=None):
    params = {"Name": name}
    if version:
        params["DocumentVersion"] = version
    return client.describe_document(aws_retry=True, **params)["Document"]


def other_version_hashes(client, current: dict) -> dict:
    """{version: hash} of every version but the default, newest first; versions deleted since are skipped.

    Described one by one (ListDocumentVersions carries no hash).
    """
    hashes = {}
    for number in range(int(current["LatestVersion"]), 0, -1):
        version = str(number)
        if version == current["DefaultVersion"]:
            continue
        described = describe_document(client, current["Name"], version)
        if described:
            hashes[version] = described.get("Hash")
    return hashes


@DocumentErrors.common_error_handler("create document {name}")
def create_document(client, name, text, params, tags):
    request = dict(
        Name=name, Content=text, DocumentType=params["document_type"], DocumentFormat=params["document_format"]
    )
    if tags:
        request["Tags"] = tags_to_boto3(tags)
    return client.create_document(aws_retry=True, **request)["DocumentDescription"]


@DocumentErrors.list_error_handler("get the content of document {name} version {version}", None)
def get_content(client, name, version, document_format):
    return client.get_document(Name=name, DocumentVersion=version, DocumentFormat=document_format, aws_retry=True).get(
        "Content"
    )


@DocumentErrors.common_error_handler("update document {name}")
def update_document(client, name, text, document_format):
    """The new version's description, or None when a version already has this content (DuplicateDocumentContent)."""
    try:
        return client.update_document(
            Name=name, Content=text, DocumentVersion="$LATEST", DocumentFormat=document_format, aws_retry=True
        )["DocumentDescription"]
    except is_boto3_error_code("DuplicateDocumentContent"):
        return None


def version_with_content(client, current, text, document_format):
    """The newest version whose text is ``text`` (GetDocument per version), or None."""
    for number in range(int(current["LatestVersion"]), 0, -1):
        if get_content(client, current["Name"], str(number), document_format) == text:
            return str(number)
    return None


@DocumentErrors.common_error_handler("set the default version of document {name} to {version}")
def set_default_version(client, name, version):
    client.update_document_default_version(Name=name, DocumentVersion=version, aws_retry=True)


@DocumentErrors.common_error_handler("tag document {name}")
def set_tags(client, name, to_set, to_remove):
    if to_remove:
        client.remove_tags_from_resource(ResourceType="Document", ResourceId=name, TagKeys=to_remove, aws_retry=True)
    if to_set:
        client.add_tags_to_resource(
            ResourceType="Document", ResourceId=name, Tags=tags_to_boto3(to_set), aws_retry=True
        )


@DocumentErrors.deletion_error_handler("delete document {name}")
def delete_document(client, name):
    client.delete_document(Name=name, aws_retry=True)
    return True


def wait_active(module, client, name):
    return wait_for(
        lambda: describe_document(client, name),
        lambda d: bool(d) and d.get("Status") == "Active",
        f"document {name} to become Active",
        timeout=module.params["wait_timeout"],
        delay=2,
        failed=lambda d: bool(d) and d.get("Status") == "Failed",
        clock=_now,
        sleep=_sleep,
    )


def ensure_absent(module, client):
    name = module.params["name"]
    current = describe_document(client, name)
    if not current:
        return {"changed": False, "document": {}}
    diff = {"before": document_view(current, tags_from_boto3(current.get("Tags"))), "after": {}}
    if module.check_mode:
        return {"changed": True, "document": {}, "diff": diff}
    deleted = delete_document(client, name)
    wait_for(
        lambda: describe_document(client, name),
        lambda d: not d,
        f"document {name} to be deleted",
        timeout=module.params["wait_timeout"],
        delay=2,
        clock=_now,
        sleep=_sleep,
    )
    return {"changed": bool(deleted), "document": {}, "diff": diff}


def ensure_present(module, client, text):
    params = module.params
    name = params["name"]
    current = describe_document(client, name)
    if current and current.get("DocumentType") != params["document_type"]:
        raise ModuleFailure(
            f"document_type of document {name} is {current.get('DocumentType')} and cannot change to "
            f"{params['document_type']}; delete the document first (state=absent)"
        )

    wanted_hash = content_hash(text, (current or {}).get("HashType") or "Sha256")
    plan = ("new_version", "1")
    if current:
        versions, default_content = {}, None
        if current.get("Hash") != wanted_hash:
            default_content = get_content(client, name, current["DefaultVersion"], params["document_format"])
            if default_content != text:
                versions = other_version_hashes(client, current)
        plan = content_plan(current, wanted_hash, versions, default_content, text)
    current_tags = tags_from_boto3((current or {}).get("Tags"))
    to_set, to_remove = tag_changes(current_tags, params["tags"], params["purge_tags"])
    final_tags = {k: v for k, v in current_tags.items() if k not in to_remove}
    final_tags.update(to_set)

    predicted = predicted_document(current, name, params, wanted_hash, plan)
    changed = not current or plan[0] != "none" or bool(to_set or to_remove)
    diff = {"before": document_view(current, current_tags), "after": document_view(predicted, final_tags)}
    if module.check_mode or not changed:
        return {"changed": changed, "document": document_view(predicted, final_tags), "diff": diff}

    if not current:
        create_document(client, name, text, params, final_tags)
    else:
        action, version = plan
        if action == "new_version":
            created = update_document(client, name, text, params["document_format"])
            if created:
                version = created["DocumentVersion"]
                wait_active(module, client, name)
            else:
                version = version_with_content(client, current, text, params["document_format"])
                if version is None:
                    raise ModuleFailure(
                        f"SSM says a version of document {name} has this content (DuplicateDocumentContent), "
                        "but no version's hash or text matches it"
                    )
        if action != "none":
            set_default_version(client, name, version)
        set_tags(client, name, to_set, to_remove)
    document = wait_active(module, client, name)
    return {"changed": True, "document": document_view(document, final_tags), "diff": diff}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        content=dict(type="raw"),
        document_format=dict(type="str", default="YAML", choices=DOCUMENT_FORMATS),
        document_type=dict(type="str", default="Automation"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=120),
    )
    module = MultiregionAWSModule(
        argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["content"])]
    )
    text = None
    if module.params["state"] == "present":
        try:
            text = content_text(module.params["content"], module.params["document_format"])
        except ContentError as e:
            module.fail_json(msg=str(e))
    client = ssm_client(module)
    run_and_exit(
        module,
        {"present": lambda: ensure_present(module, client, text), "absent": lambda: ensure_absent(module, client)},
    )


if __name__ == "__main__":
    main()

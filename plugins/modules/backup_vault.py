#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_vault
short_description: Manage AWS Backup vaults, their encryption key and tags
version_added: 0.1.0
description:
  - Creates and deletes an AWS Backup vault, encrypted with a customer managed KMS key, and manages its tags.
  - The vault is looked up by name in C(ListBackupVaults). Unlike amazon.aws.backup_vault, the module does not
    take an error from C(DescribeBackupVault) for "absent" - AWS answers it with C(AccessDeniedException) for a
    vault that does not exist, and other endpoints with C(ResourceNotFoundException) - so a missing vault and a
    missing permission are never confused.
  - A vault's encryption key cannot change. When the vault exists with another key the module fails and
    changes nothing.
  - A vault holding recovery points is never deleted (AWS deletes only an empty vault); the module fails and
    says how many it holds.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  name:
    description:
      - Name of the vault, unique in the account and region (2 to 50 letters, digits, hyphens and underscores).
    type: str
    required: true
    aliases: [backup_vault_name]
  encryption_key_arn:
    description:
      - The KMS key that encrypts the vault's recovery points - key ARN, key ID, alias name or alias ARN, in the
        module's region. It is resolved to the key ARN with KMS C(DescribeKey), since that is what AWS Backup
        reports.
      - Left out, a new vault gets AWS Backup's default key (C(aws/backup)) and an existing vault is accepted
        with whatever key it has.
    type: str
  state:
    description:
      - V(present) creates the vault or updates its tags, V(absent) deletes it when it holds no recovery point.
notes:
  - The diff shows the name, the key ARN and the tags.
  - Vault access policies, notifications and vault lock are not managed.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Vault for the table's backups, encrypted with the region's key
  multiregion.serverless.backup_vault:
    name: prod-items
    encryption_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      Deployment: prod
  register: vault

- name: Vault encrypted with a key given by alias
  multiregion.serverless.backup_vault:
    name: prod-items
    encryption_key_arn: alias/prod

- name: Delete the vault (only an empty vault can be deleted)
  multiregion.serverless.backup_vault:
    name: prod-items
    state: absent
"""

RETURN = r"""
backup_vault:
  description:
    - The vault after the run, as C(ListBackupVaults) reports it, with its tags. Empty after O(state=absent).
    - In check mode, the vault as it would be; a vault that would be created has only
      RV(backup_vault.backup_vault_name), RV(backup_vault.encryption_key_arn) and RV(backup_vault.tags).
  returned: always
  type: dict
  contains:
    backup_vault_name:
      description: Name of the vault.
      type: str
      sample: prod-items
    backup_vault_arn:
      description: ARN of the vault, the destination of copy actions in other regions' backup plans.
      type: str
      sample: arn:aws:backup:eu-west-1:123456789012:backup-vault:prod-items
    encryption_key_arn:
      description: ARN of the KMS key that encrypts the vault.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    number_of_recovery_points:
      description: How many recovery points the vault holds.
      type: int
      sample: 0
    locked:
      description: Whether the vault is protected by vault lock.
      type: bool
      sample: false
    creation_date:
      description: When the vault was created.
      type: str
    vault_type:
      description:
        - C(BACKUP_VAULT), C(LOGICALLY_AIR_GAPPED_BACKUP_VAULT) or C(RESTORE_ACCESS_BACKUP_VAULT), where AWS reports it.
      type: str
    tags:
      description: Tags of the vault.
      type: dict
      sample: {"Deployment": "prod"}
"""

from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import tag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._backup import untag_resource
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import resolve_kms_key_arn
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes

VAULT = "backup vault"  # how errors name the resource

# ---- reading -------------------------------------------------------------------------------------------------


# A vault is looked up by name in ListBackupVaults. DescribeBackupVault cannot tell whether a vault exists: AWS
# answers it with AccessDeniedException for a vault that does not exist (the same code as for a missing
# permission), and some AWS-compatible endpoints with ResourceNotFoundException. The list is unambiguous and also
# carries the key and the recovery point count.
@BackupErrorHandler.common_error_handler("list backup vaults")
def find_vault(client, name: str) -> Optional[dict]:
    """The vault named ``name`` as ListBackupVaults reports it, or None."""
    for vault in paginate(client, "list_backup_vaults").get("BackupVaultList", []):
        if vault.get("BackupVaultName") == name:
            return vault
    return None


# ---- planning (pure) -----------------------------------------------------------------------------------------


def vault_view(name: str, key_arn: Optional[str], tags: dict) -> dict:
    """The vault as the diff shows it."""
    return {"backup_vault_name": name, "encryption_key_arn": key_arn, "tags": dict(tags)}


def plan_vault(
    current: Optional[dict], current_tags: dict, wanted_key_arn: Optional[str], wanted_tags: Optional[dict], purge: bool
) -> dict:
    """What reaching the wanted vault takes.

    Returns ``create`` (bool), ``key_conflict`` (the message when the existing vault has another key: AWS cannot
    change a vault's key), ``set_tags``, ``unset_tags`` and ``final_tags``. ``wanted_key_arn=None`` accepts any key
    (a new vault gets AWS Backup's default key); ``wanted_tags=None`` leaves tags alone.
    """
    if current is None:
        tags = dict(wanted_tags or {})
        return {"create": True, "key_conflict": None, "set_tags": tags, "unset_tags": [], "final_tags": tags}
    conflict = None
    has_key = current.get("EncryptionKeyArn")
    if wanted_key_arn is not None and has_key != wanted_key_arn:
        conflict = (
            f"Backup vault {current['BackupVaultName']} is encrypted with {has_key}, not {wanted_key_arn}. AWS cannot"
            " change the key of a vault: create a vault with the new key (and let the old one's recovery points"
            " expire), or leave encryption_key_arn out"
        )
    set_tags, unset_tags = tag_changes(current_tags, wanted_tags, purge)
    final = {k: v for k, v in current_tags.items() if k not in unset_tags}
    final.update(set_tags)
    return {
        "create": False,
        "key_conflict": conflict,
        "set_tags": set_tags,
        "unset_tags": unset_tags,
        "final_tags": final,
    }


def deletion_blocker(vault: dict) -> Optional[str]:
    """Why AWS would refuse to delete ``vault`` (it deletes only an empty vault), or None."""
    points = vault.get("NumberOfRecoveryPoints") or 0
    if points:
        return (
            f"Backup vault {vault['BackupVaultName']} holds {points} recovery point(s) and is not deleted: AWS deletes"
            " only an empty vault. Delete its recovery points (or let their lifecycle expire them) first"
        )
    return None


def vault_result(vault: Optional[dict], tags: Optional[dict] = None) -> dict:
    """The vault as the module returns it, snake_case, tags as a dict."""
    if not vault:
        return {}
    out = snake_result({k: v for k, v in vault.items() if k != "ResponseMetadata"})
    # Results are plain JSON: dates as ISO 8601 strings.
    out = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in out.items()}
    out["tags"] = dict(tags or {})
    return out


# ---- calls ---------------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("create backup vault {name}")
def create_vault(client, name: str, key_arn: Optional[str], tags: dict) -> dict:
    params: dict[str, Any] = {"BackupVaultName": name}
    if key_arn:
        params["EncryptionKeyArn"] = key_arn
    if tags:
        params["BackupVaultTags"] = dict(tags)
    return client.create_backup_vault(aws_retry=True, **params)


@BackupErrorHandler.deletion_error_handler("delete backup vault {name}")
def delete_vault(client, name: str) -> bool:
    client.delete_backup_vault(BackupVaultName=name, aws_retry=True)
    return True


# ---- the module ----------------------------------------------------------------------------------------------


def read_tags(client, vault: dict, params: dict) -> dict:
    """The vault's current tags: those O(known_tags) gives it when they already are the wanted ones
    (module_utils/_tagging.py), else ListTags' answer."""
    arn = vault["BackupVaultArn"]
    return known_or_read(params, arn, lambda: list_tags(client, arn, VAULT))


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["name"]
    key_arn = resolve_kms_key_arn(lambda: module.retrying_client("kms"), params["encryption_key_arn"])

    current = find_vault(client, name)
    current_tags = read_tags(client, current, params) if current else {}
    plan = plan_vault(current, current_tags, key_arn, params["tags"], params["purge_tags"])
    if plan["key_conflict"]:
        raise ModuleFailure(msg=plan["key_conflict"], backup_vault=vault_result(current, current_tags))

    before = vault_view(name, current.get("EncryptionKeyArn"), current_tags) if current else {}
    after = vault_view(name, key_arn if current is None else current.get("EncryptionKeyArn"), plan["final_tags"])
    changed = plan["create"] or bool(plan["set_tags"] or plan["unset_tags"])
    diff = {"before": before, "after": after}

    if module.check_mode or not changed:
        shown = current or {"BackupVaultName": name, "EncryptionKeyArn": key_arn}
        return {"changed": changed, "diff": diff, "backup_vault": vault_result(shown, plan["final_tags"])}

    if plan["create"]:
        created = create_vault(client, name, key_arn, plan["final_tags"])
        # The list carries what the create answer lacks (the key AWS chose, the recovery point count); right after
        # creation it may not list the vault yet, and then the answer is all there is.
        final = find_vault(client, name) or {**created, "EncryptionKeyArn": key_arn}
    else:
        arn = current["BackupVaultArn"]
        if plan["unset_tags"]:
            untag_resource(client, arn, VAULT, plan["unset_tags"])
        if plan["set_tags"]:
            tag_resource(client, arn, VAULT, plan["set_tags"])
        final = current
    return {"changed": True, "diff": diff, "backup_vault": vault_result(final, plan["final_tags"])}


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    current = find_vault(client, name)
    if current is None:
        return {"changed": False, "diff": {"before": {}, "after": {}}, "backup_vault": {}}

    tags = list_tags(client, current["BackupVaultArn"], VAULT)
    blocker = deletion_blocker(current)
    if blocker:
        raise ModuleFailure(msg=blocker, backup_vault=vault_result(current, tags))

    diff = {"before": vault_view(name, current.get("EncryptionKeyArn"), tags), "after": {}}
    if not module.check_mode:
        delete_vault(client, name)
    return {"changed": True, "diff": diff, "backup_vault": {}}


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["backup_vault_name"]),
        encryption_key_arn=dict(type="str", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.retrying_client("backup")
    run_state_action(module, {"present": ensure_present, "absent": ensure_absent}, client)


if __name__ == "__main__":
    main()

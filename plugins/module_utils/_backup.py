# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Backup helpers for ``backup_vault``.

- Reading: ``find_vault`` looks a vault up by name in ListBackupVaults. DescribeBackupVault is not used to
  tell whether a vault exists: AWS answers it with AccessDeniedException for a vault that does not exist (the
  same code as for a missing permission), and some AWS-compatible endpoints with ResourceNotFoundException, so
  its error cannot say "absent". The list is unambiguous and also carries the key and the recovery point count.
- Planning (pure functions): ``vault_view``, ``plan_vault`` and ``deletion_blocker``.
"""

from __future__ import annotations

from typing import Any
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes

BackupErrorHandler = error_handler(["ResourceNotFoundException"])


# ---- reading -------------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("list backup vaults")
def find_vault(client, name: str) -> Optional[dict]:
    """The vault named ``name`` as ListBackupVaults reports it, or None."""
    for vault in paginate(client, "list_backup_vaults").get("BackupVaultList", []):
        if vault.get("BackupVaultName") == name:
            return vault
    return None


@BackupErrorHandler.list_error_handler("list tags of backup vault {arn}", {})
def list_tags(client, arn: str) -> dict:
    # botocore has no paginator for ListTags: paginate() follows its NextToken.
    return paginate(client, "list_tags", ResourceArn=arn).get("Tags", {})


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


@BackupErrorHandler.common_error_handler("tag backup vault {arn}")
def tag_vault(client, arn: str, tags: dict) -> None:
    client.tag_resource(ResourceArn=arn, Tags=dict(tags), aws_retry=True)


@BackupErrorHandler.common_error_handler("untag backup vault {arn}")
def untag_vault(client, arn: str, keys: list) -> None:
    client.untag_resource(ResourceArn=arn, TagKeyList=list(keys), aws_retry=True)


@BackupErrorHandler.deletion_error_handler("delete backup vault {name}")
def delete_vault(client, name: str) -> bool:
    client.delete_backup_vault(BackupVaultName=name, aws_retry=True)
    return True

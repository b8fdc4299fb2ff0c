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
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode and diff are supported; the diff shows the name, the key ARN and the tags.
  - Vault access policies, notifications and vault lock are not managed.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
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

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils import _backup as bk
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import resolve_kms_key_arn


def ensure_present(module, client) -> dict:
    params = module.params
    name = params["name"]
    key_arn = resolve_kms_key_arn(lambda: module.retrying_client("kms"), params["encryption_key_arn"])

    current = bk.find_vault(client, name)
    current_tags = bk.list_tags(client, current["BackupVaultArn"]) if current else {}
    plan = bk.plan_vault(current, current_tags, key_arn, params["tags"], params["purge_tags"])
    if plan["key_conflict"]:
        module.fail_json(msg=plan["key_conflict"], backup_vault=bk.vault_result(current, current_tags))

    before = bk.vault_view(name, current.get("EncryptionKeyArn"), current_tags) if current else {}
    after = bk.vault_view(name, key_arn if current is None else current.get("EncryptionKeyArn"), plan["final_tags"])
    changed = plan["create"] or bool(plan["set_tags"] or plan["unset_tags"])
    diff = {"before": before, "after": after}

    if module.check_mode or not changed:
        shown = current or {"BackupVaultName": name, "EncryptionKeyArn": key_arn}
        return {"changed": changed, "diff": diff, "backup_vault": bk.vault_result(shown, plan["final_tags"])}

    if plan["create"]:
        created = bk.create_vault(client, name, key_arn, plan["final_tags"])
        # The list carries what the create answer lacks (the key AWS chose, the recovery point count); right after
        # creation it may not list the vault yet, and then the answer is all there is.
        final = bk.find_vault(client, name) or {**created, "EncryptionKeyArn": key_arn}
    else:
        arn = current["BackupVaultArn"]
        if plan["unset_tags"]:
            bk.untag_vault(client, arn, plan["unset_tags"])
        if plan["set_tags"]:
            bk.tag_vault(client, arn, plan["set_tags"])
        final = current
    return {"changed": True, "diff": diff, "backup_vault": bk.vault_result(final, plan["final_tags"])}


def ensure_absent(module, client) -> dict:
    name = module.params["name"]
    current = bk.find_vault(client, name)
    if current is None:
        return {"changed": False, "diff": {"before": {}, "after": {}}, "backup_vault": {}}

    tags = bk.list_tags(client, current["BackupVaultArn"])
    blocker = bk.deletion_blocker(current)
    if blocker:
        module.fail_json(msg=blocker, backup_vault=bk.vault_result(current, tags))

    diff = {"before": bk.vault_view(name, current.get("EncryptionKeyArn"), tags), "after": {}}
    if not module.check_mode:
        bk.delete_vault(client, name)
    return {"changed": True, "diff": diff, "backup_vault": {}}


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["backup_vault_name"]),
        encryption_key_arn=dict(type="str", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.retrying_client("backup")
    try:
        if module.params["state"] == "present":
            outcome = ensure_present(module, client)
        else:
            outcome = ensure_absent(module, client)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()

"""Summary rows for the global_table role: the table in this region, its replicas as DescribeTable lists them,
and the region's AWS Backup vault, plan and advanced DynamoDB backup setting.

The table, the vault and the plan are the ones global_table_outputs names (table_name, backup_vault_name,
backup_plan_id). Replicas are read, never assumed: a region whose replica the endpoint did not create shows no table.
"""

from __future__ import annotations

from botocore.config import Config
from botocore.exceptions import BotoCoreError
from botocore.exceptions import ClientError


def _plan_rules(backup, plan_id: str | None) -> str:
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if plan_id and p["BackupPlanId"] == plan_id]
    if not plans:
        return "none"
    name = plans[0]["BackupPlanName"]
    rules = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    parts = []
    for rule in rules:
        days = rule.get("Lifecycle", {}).get("DeleteAfterDays", "?")
        text = f"{rule['RuleName']} {rule['ScheduleExpression']} kept {days}d"
        copies = [c["DestinationBackupVaultArn"].split(":")[3] for c in rule.get("CopyActions", [])]
        parts.append(text + (f" copied to {', '.join(copies)}" if copies else ""))
    return f"{name}: " + "; ".join(parts)


def _advanced_dynamodb(region) -> str:
    """AWS Backup's advanced DynamoDB backup in the region, which cross-region copies of the table need."""
    # One attempt: an endpoint without the API answers 500, which is not worth retrying.
    backup = region.session.client("backup", endpoint_url=region.endpoint, config=Config(retries={"max_attempts": 1}))
    try:
        settings = backup.describe_region_settings()
    except (ClientError, BotoCoreError) as e:
        code = e.response["Error"]["Code"] if isinstance(e, ClientError) else type(e).__name__
        return f"not read ({code}): not known, not assumed"
    managed = settings.get("ResourceTypeManagementPreference", {}).get("DynamoDB")
    opted_in = settings.get("ResourceTypeOptInPreference", {}).get("DynamoDB")
    return f"full management {'on' if managed else 'OFF'}, opt-in {'on' if opted_in else 'OFF'}"


def rows(region) -> list[tuple[str, str]]:
    ddb = region.client("dynamodb")
    backup = region.client("backup")
    outputs = region.outputs("global_table")
    name = outputs.get("table_name") or ""
    table = region.described(ddb.describe_table, "Table", TableName=name) if name else None
    out = []
    if table is None:
        out.append(
            ("DynamoDB table", f"{name}: no table in this region (no replica verified here)" if name else "none")
        )
    else:
        keys = ", ".join(k["AttributeName"] for k in table["KeySchema"])
        billing = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
        stream = table.get("StreamSpecification", {})
        pitr = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        pitr_status = pitr.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED")
        sse = table.get("SSEDescription", {})
        replicas = ", ".join(f"{r['RegionName']} {r.get('ReplicaStatus', '?')}" for r in table.get("Replicas", []))
        out += [
            ("DynamoDB table", f"{name} {table['TableStatus']}, key {keys}, {billing}"),
            (
                "Table protection",
                f"PITR {pitr_status}, deletion protection {'on' if table.get('DeletionProtectionEnabled') else 'OFF'}, "
                f"SSE {sse.get('SSEType', 'AWS owned key')} {sse.get('KMSMasterKeyArn', '')}".rstrip(),
            ),
            (
                "Table stream",
                stream.get("StreamViewType", "none") if stream.get("StreamEnabled") else "none",
            ),
            ("Table replicas", replicas or "none listed by DescribeTable"),
        ]
    vault_name = outputs.get("backup_vault_name")
    vaults = [
        v for v in backup.list_backup_vaults()["BackupVaultList"] if vault_name and v["BackupVaultName"] == vault_name
    ]
    if vaults:
        vault = vaults[0]
        points = vault.get("NumberOfRecoveryPoints", 0)
        out.append(
            ("Backup vault", f"{vault_name} (key {vault.get('EncryptionKeyArn', '?')}, {points} recovery points)")
        )
    else:
        out.append(("Backup vault", "none"))
    out.append(("Backup plan", _plan_rules(backup, outputs.get("backup_plan_id"))))
    out.append(("Backup advanced DynamoDB", _advanced_dynamodb(region)))
    return out

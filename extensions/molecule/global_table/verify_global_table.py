"""boto3 assertions on what global_table created in one region of the local endpoint, and restore drills.

    python verify_global_table.py --endpoint URL --region eu-west-1 --primary eu-west-1 \
        --other-regions eu-central-1 --deployment NAME [--restore-drills] [--seed-only]

--restore-drills (first region): puts an item, backs the table up and restores the backup into a new table,
restores the table to its latest restorable time into another, reads the item back from both, removes them.
--seed-only: puts the drill's item and exits (destroy.yml needs a table holding items).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import arguments
from endpoint_checks import check
from endpoint_checks import result

ITEM_KEY = "verify-restore-item"
BACKUP_POLICIES = {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"}


def key_arn(kms, alias: str) -> str | None:
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == alias]
    return kms.describe_key(KeyId=aliases[0]["TargetKeyId"])["KeyMetadata"]["Arn"] if aliases else None


def wait_active(ddb, name: str) -> dict:
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return ddb.describe_table(TableName=name)["Table"]


def seed(ddb, table: str) -> dict:
    item = {"pk": {"S": ITEM_KEY}, "payload": {"S": "restorable"}}
    ddb.put_item(TableName=table, Item=item)
    return item


def check_table(ddb, table: str, region: str, deployment: str, key: str | None, failures: list[str]) -> None:
    described = ddb.describe_table(TableName=table)["Table"]
    check(described["TableStatus"] == "ACTIVE", f"table {table} ACTIVE in {region}", failures)
    check(described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}], "hash key pk", failures)
    check(described["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}], "pk is S", failures)
    check(described.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST", "on-demand", failures)
    stream = described.get("StreamSpecification", {})
    check(
        stream.get("StreamEnabled") is True and stream.get("StreamViewType") == "NEW_AND_OLD_IMAGES",
        "stream NEW_AND_OLD_IMAGES",
        failures,
    )
    check(bool(described.get("LatestStreamArn")), "stream ARN published", failures)
    sse = described.get("SSEDescription", {})
    check(
        sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyArn") == key,
        f"encrypted with the region's customer managed key {key}",
        failures,
    )
    check(described.get("DeletionProtectionEnabled") is True, "deletion protection on", failures)
    pitr = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    check(
        pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED",
        "point-in-time recovery on",
        failures,
    )
    ttl = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    check(ttl.get("AttributeName") == "expires_at", "time to live on expires_at", failures)
    tags = {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=described["TableArn"])["Tags"]}
    check(
        tags.get("Deployment") == deployment and tags.get("Environment") == "molecule",
        "table carries the inventory's tags and Deployment",
        failures,
    )


def check_backups(aws: Endpoint, args, key: str | None, failures: list[str]) -> None:
    backup = aws.client("backup")
    iam = aws.client("iam")
    name = f"{args.deployment}-items"
    vaults = {v["BackupVaultName"]: v for v in backup.list_backup_vaults()["BackupVaultList"]}
    vault = vaults.get(name, {})
    check(bool(vault), f"backup vault {name}", failures)
    check(vault.get("EncryptionKeyArn") == key, "vault encrypted with the region's key", failures)
    if vault:
        vault_tags = backup.list_tags(ResourceArn=vault["BackupVaultArn"])["Tags"]
        check(vault_tags.get("Deployment") == args.deployment, "vault carries the tags", failures)

    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == name]
    check(len(plans) == 1, f"one backup plan {name}", failures)
    if plans:
        plan = backup.get_backup_plan(BackupPlanId=plans[0]["BackupPlanId"])["BackupPlan"]
        rules = {r["RuleName"]: r for r in plan["Rules"]}
        check(set(rules) == {"hourly", "daily"}, "plan rules hourly and daily", failures)
        hourly, daily = rules.get("hourly", {}), rules.get("daily", {})
        check(hourly.get("ScheduleExpression") == "cron(0 * ? * * *)", "hourly rule every hour", failures)
        check(hourly.get("Lifecycle", {}).get("DeleteAfterDays") == 2, "hourly points kept 2 days", failures)
        check(not hourly.get("CopyActions"), "hourly points stay in the region", failures)
        check(daily.get("ScheduleExpression") == "cron(0 3 ? * * *)", "daily rule at 03:00", failures)
        check(daily.get("Lifecycle", {}).get("DeleteAfterDays") == 35, "daily points kept 35 days", failures)
        expected = {f"arn:aws:backup:{r}:123456789012:backup-vault:{name}" for r in args.other_regions}
        copies = {c["DestinationBackupVaultArn"]: c for c in daily.get("CopyActions", [])}
        check(set(copies) == expected, f"daily points copied to the vaults of {args.other_regions}", failures)
        check(
            all(c.get("Lifecycle", {}).get("DeleteAfterDays") == 35 for c in copies.values()),
            "copies kept 35 days",
            failures,
        )
        check(all(r["TargetBackupVaultName"] == name for r in rules.values()), "every rule targets the vault", failures)

    role = f"{name}-backup-{args.region}"
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    check(
        [s["Principal"] for s in trust["Statement"]] == [{"Service": "backup.amazonaws.com"}],
        f"role {role} trusts AWS Backup only",
        failures,
    )
    attached = {p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]}
    check(attached == BACKUP_POLICIES, "role has the AWS managed backup and restore policies", failures)
    check(not iam.list_role_policies(RoleName=role)["PolicyNames"], "role has no inline policy", failures)


def restore_drills(ddb, table: str, failures: list[str]) -> None:
    item = seed(ddb, table)
    key = {"pk": item["pk"]}

    backup_arn = ddb.create_backup(TableName=table, BackupName=f"{table}-verify")["BackupDetails"]["BackupArn"]
    from_backup = f"{table}-restored-from-backup"
    ddb.restore_table_from_backup(TargetTableName=from_backup, BackupArn=backup_arn)
    wait_active(ddb, from_backup)
    restored = ddb.get_item(TableName=from_backup, Key=key, ConsistentRead=True).get("Item")
    check(restored == item, "restore from an on-demand backup brings the item back", failures)

    to_point = f"{table}-restored-to-point"
    ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=to_point, UseLatestRestorableTime=True)
    wait_active(ddb, to_point)
    restored = ddb.get_item(TableName=to_point, Key=key, ConsistentRead=True).get("Item")
    check(restored == item, "point-in-time restore to the latest restorable time brings the item back", failures)

    for name in (from_backup, to_point):
        ddb.delete_table(TableName=name)
    ddb.delete_backup(BackupArn=backup_arn)
    left = [t for t in ddb.list_tables()["TableNames"] if t in (from_backup, to_point)]
    check(not left, "restored tables removed", failures)


def main() -> int:
    parser = arguments()
    parser.add_argument("--primary", required=True)
    parser.add_argument("--other-regions", nargs="*", default=[])
    parser.add_argument("--restore-drills", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    aws = Endpoint.of(args)
    ddb = aws.client("dynamodb")
    kms = aws.client("kms")
    table = f"{args.deployment}-items"
    failures: list[str] = []

    if args.seed_only:
        seed(ddb, table)
        print(f"ok    item {ITEM_KEY} in {table} ({args.region})")
        return 0

    key = key_arn(kms, f"alias/{args.deployment}")
    if args.region == args.primary:
        check_table(ddb, table, args.region, args.deployment, key, failures)
        if args.restore_drills:
            restore_drills(ddb, table, failures)
    else:
        # Replication is not emulated here: the role must not have made a standalone table pass for a replica.
        try:
            ddb.describe_table(TableName=table)
            check(False, f"no standalone table {table} made in {args.region}", failures)
        except ClientError as e:
            check(
                e.response["Error"]["Code"] == "ResourceNotFoundException",
                f"no standalone table {table} made in {args.region} (replication is not emulated here)",
                failures,
            )
    check_backups(aws, args, key, failures)

    return result(args.region, failures)


if __name__ == "__main__":
    sys.exit(main())

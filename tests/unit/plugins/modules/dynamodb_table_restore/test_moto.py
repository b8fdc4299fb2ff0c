"""dynamodb_table_restore with dynamodb_canary against moto's DynamoDB (mock_aws, in process).

moto's RestoreTableToPointInTime copies every item of the source whatever the restore time: canaries written
after the restore point turn up in the restored table, and the module must say so (unexpected_keys), not hide it.
"""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_canary
from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_table_restore as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import MOTO_CREDENTIALS as CREDENTIALS
from ansible_collections.multiregion.serverless.tests.unit.conftest import moto_table
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

SOURCE = "prod-items"
TARGET = "prod-items-drill"


@pytest.fixture
def ddb(monkeypatch, moto_aws):
    monkeypatch.setattr(module, "_sleep", lambda s: pytest.fail("moto restores at once: no wait expected"))
    client = moto_table(SOURCE, "eu-west-1")
    client.update_continuous_backups(
        TableName=SOURCE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    client.put_item(TableName=SOURCE, Item={"primary_key": {"S": "order-1"}})
    return client


def canaries(run_id):
    result = run_module(dynamodb_canary.main, {"table_name": SOURCE, "run_id": run_id, "count": 2, **CREDENTIALS})
    assert result["changed"] is True
    return [c["key"] for c in result["canaries"]]


def restore(**kwargs):
    return run_module(
        module.main,
        {"source_table": SOURCE, "target_table": TARGET, "production_table": SOURCE, **CREDENTIALS, **kwargs},
    )


def test_pitr_restore_reports_keys_written_after_the_restore_point(ddb):
    before = canaries("r1")
    after = canaries("r1-late")

    result = restore(expect_keys=before, expect_absent_keys=after, verify_prefix="__dr_canary__#", tags={"Drill": "x"})

    assert result["changed"] is True
    restored = result["restore"]
    assert restored["found_keys"] == before
    assert restored["missing_keys"] == []
    assert restored["unexpected_keys"] == after, "moto copies every item: the module must report it"
    assert restored["honoured_restore_time"] is False
    assert any("did not honour its restore time" in w for w in result["warnings"])
    assert sorted(c["key"] for c in restored["canaries"]) == sorted(before + after)
    assert restored["rto_seconds"] is not None and restored["rto_seconds"] >= 0
    # the newest canary present was written just before the request: on moto the RPO is near zero, meaningless
    assert restored["rpo_seconds"] is not None and restored["rpo_seconds"] < 60
    table = ddb.describe_table(TableName=TARGET)["Table"]
    assert table["RestoreSummary"]["SourceTableArn"].endswith(f":table/{SOURCE}")
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [{"Key": "Drill", "Value": "x"}]
    # the production table is untouched
    assert ddb.scan(TableName=SOURCE)["Count"] == 5

    again = restore(expect_keys=before)
    assert again["changed"] is False
    assert again["restore"]["found_keys"] == before

    gone = restore(state="absent")
    assert gone["changed"] is True
    assert TARGET not in ddb.list_tables()["TableNames"]
    assert restore(state="absent")["changed"] is False
    assert ddb.scan(TableName=SOURCE)["Count"] == 5


def test_restore_from_an_on_demand_backup(ddb):
    before = canaries("b1")
    backup_arn = ddb.create_backup(TableName=SOURCE, BackupName="drill")["BackupDetails"]["BackupArn"]

    result = restore(source="backup", backup_arn=backup_arn, expect_keys=before)

    assert result["restore"]["found_keys"] == before
    assert result["restore"]["table_status"] == "ACTIVE"


def test_the_production_table_is_never_deleted(ddb):
    result = run_module(
        module.main,
        {"source_table": "x", "target_table": SOURCE, "production_table": SOURCE, "state": "absent", **CREDENTIALS},
    )
    assert result["failed"] is True
    assert SOURCE in ddb.list_tables()["TableNames"]


def test_a_table_that_is_not_a_restore_is_not_deleted_even_without_production_table(ddb):
    moto_table(TARGET, "eu-west-1")
    result = run_module(module.main, {"source_table": SOURCE, "target_table": TARGET, "state": "absent", **CREDENTIALS})
    assert result["failed"] is True
    assert TARGET in ddb.list_tables()["TableNames"]

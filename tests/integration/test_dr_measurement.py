"""The DR measurement modules through ansible-playbook on the local endpoint (moto server).

What the endpoint cannot do is asserted as reported, not hidden: the point-in-time restore copies every item
(unexpected_keys), and no replica exists (every canary missing in eu-central-1).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import HealthServer

PLAYBOOK = "tests/integration/playbooks/dr_measurement.yml"
TABLE = "dr-items"


def results(run) -> dict:
    for play in run.data["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == "Results for the test":
                return task["hosts"]["localhost"]["msg"]
    raise AssertionError("no results task")


def test_canaries_restore_probe_and_report(ansible_playbook, boto, tmp_path):
    dynamodb = boto("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "primary_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "primary_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    dynamodb.put_item(TableName=TABLE, Item={"primary_key": {"S": "order-1"}, "total": {"N": "42"}})
    before = dynamodb.scan(TableName=TABLE)["Items"]
    report_dir = tmp_path / "reports" / "integration" / "dr" / "r1"

    with HealthServer(fail_requests={2}) as server:
        extra = {"dr_report_dir": str(report_dir), "dr_health_url": server.url}
        run = ansible_playbook(PLAYBOOK, "-e", json.dumps(extra))
        served = server.requests

    assert run.returncode == 0, run.failures() or run.stderr
    out = results(run)
    assert "is the production table (production_table): refusing to restore into it" in out["refused"]
    assert int(out["missing"]) == 2
    assert out["missing_regions"] == ["eu-central-1"]
    assert served == 2
    assert out["probe_ok"] == [True, False]
    assert out["verdict"] == "incomplete"

    # Nothing left behind; the production table's items exactly as before.
    assert dynamodb.list_tables()["TableNames"] == [TABLE]
    assert dynamodb.scan(TableName=TABLE)["Items"] == before

    junit = ET.parse(report_dir / "junit.xml").getroot()
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    assert set(cases) == {"region_rpo", "software_rto", "software_rpo"}
    assert cases["region_rpo"].find("skipped") is not None
    assert cases["software_rpo"].find("skipped").get("message") == "the restore did not honour its restore time"
    assert cases["software_rto"].find("skipped") is None and cases["software_rto"].find("failure") is None
    assert json.loads((report_dir / "report.json").read_text())["verdict"] == "incomplete"
    assert (report_dir / "report.html").read_text().startswith("<!DOCTYPE html>")

"""playbooks/dr_tests.yml against the local endpoint: refusals before any call, and the drills on a deployed stack.

The drills need a deployed stack; test_site deploys one and calls ``check_dr_tests_of_deployed_stack`` on it,
between its first run and its rerun (which must still report no change), so the suite deploys once.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import LOCAL_REGIONS as REGIONS

TABLE, KEY = "mrdemo-items", "pk"
CANARY_PREFIX = "__dr_canary__"
# The default drills' objectives, and what the local endpoint lets each of them be.
EXPECTED_STATUSES = {
    "replication_region_rpo": "not_measured",
    "pitr_software_rpo": "not_measured",
    "pitr_software_rto": "not_measured",
    # The hourly plan's guarantee (3600 s) against the 300 s Software RPO: a fail the report must show.
    "backup_software_rpo": "fail",
    "backup_software_rto": "not_measured",
}
RUNBOOKS = {"mrdemo-dr-restore-point-in-time", "mrdemo-dr-restore-backup", "mrdemo-dr-deny-table-access"}
TEMPLATES = ("region-impairment", "deny-table-access", "restore-point-in-time", "restore-backup")


def table_items(boto, region: str) -> list[dict]:
    items = boto("dynamodb", region).get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
    return sorted((item for page in items for item in page["Items"]), key=lambda item: item[KEY]["S"])


def fis_template_names(boto, region: str) -> set[str]:
    fis = boto("fis", region)
    return {
        fis.get_experiment_template(id=t["id"])["experimentTemplate"]["tags"].get("Name", "")
        for t in fis.list_experiment_templates()["experimentTemplates"]
    }


def check_dr_tests_of_deployed_stack(ansible_playbook, boto, report_dir: Path) -> None:
    """Called by test_site on its deployed stack: the default drills run, report and leave the data as it was."""
    # The table is where the endpoint created it (it creates no replica: the first region only).
    regions = [r for r in REGIONS if TABLE in boto("dynamodb", r).list_tables()["TableNames"]]
    assert regions
    # Application items in the table, which the drills must not touch.
    for region in regions:
        for n in range(3):
            item = {KEY: {"S": f"app-{region}-{n}"}, "body": {"S": f"value {n}"}}
            boto("dynamodb", region).put_item(TableName=TABLE, Item=item)
    before = {region: table_items(boto, region) for region in regions}

    run = ansible_playbook(
        "playbooks/dr_tests.yml", "-i", "inventories/local", "-e", f"deployment_report_dir={report_dir}"
    )
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]

    runs = [d for d in (report_dir / "dr").iterdir() if d.is_dir()]
    assert len(runs) == 1, runs
    files = {f.name for f in runs[0].iterdir()}
    assert {"report.json", "junit.xml", "report.html"} <= files, files
    report = json.loads((runs[0] / "report.json").read_text())
    objectives = {o["id"]: o for d in report["drills"] for o in d["objectives"]}
    assert {k: o["status"] for k, o in objectives.items()} == EXPECTED_STATUSES
    for objective in objectives.values():
        if objective["status"] == "not_measured":
            assert objective["reason"].startswith("not measured here: the local endpoint"), objective
    assert all(d["timeline"] for d in report["drills"]), "every drill keeps a timeline"
    assert report["verdict"] == "fail"

    suites = ET.parse(runs[0] / "junit.xml").getroot()
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert set(cases) == set(EXPECTED_STATUSES)
    assert cases["backup_software_rpo"].find("failure") is not None
    assert all(cases[k].find("skipped") is not None for k, s in EXPECTED_STATUSES.items() if s == "not_measured")
    # The short table is printed.
    assert "backup_software_rpo" in run.stdout and "objective" in run.stdout

    for region in REGIONS:
        documents = boto("ssm", region).list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])
        assert RUNBOOKS <= {d["Name"] for d in documents["DocumentIdentifiers"]}
        assert {f"mrdemo-dr-{t}-{region}" for t in TEMPLATES} <= fis_template_names(boto, region)
        tables = boto("dynamodb", region).list_tables()["TableNames"]
        assert not [t for t in tables if "-drill-" in t], tables
    for region in regions:
        after = table_items(boto, region)
        assert not [i for i in after if i[KEY]["S"].startswith(CANARY_PREFIX)]
        assert after == before[region]

    # Leave the table as the deployment left it.
    for region in regions:
        for item in before[region]:
            boto("dynamodb", region).delete_item(TableName=TABLE, Key={KEY: item[KEY]})


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["-e", "dr_drills_drill_table_prefix=mrdemo-"], "matches the production table mrdemo-items"),
        (["-e", "dr_drills_canary_prefix="], 'dr_drills_canary_prefix="" must be at least 4'),
        (
            ["-e", '{"dr_tests_drills": ["region_failover"]}'],
            'dr_tests_drills has region_failover but dr_tests_failover_region="" is not one of the regions',
        ),
    ],
    ids=["drill-table-is-production", "empty-canary-prefix", "failover-without-region"],
)
def test_dr_tests_refuses_before_any_call(ansible_playbook, boto, extra, expected):
    run = ansible_playbook("playbooks/dr_tests.yml", "-i", "inventories/local", *extra)
    assert run.returncode != 0
    assert expected in str(run.failures()), run.failures() or run.stdout[-3000:]
    for region in REGIONS:
        assert boto("fis", region).list_experiment_templates()["experimentTemplates"] == []
        assert (
            boto("ssm", region).list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]
            == []
        )
    assert boto("iam").list_roles()["Roles"] == []

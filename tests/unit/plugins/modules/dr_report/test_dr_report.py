"""dr_report: the three files, their agreement, idempotence, check mode, and never writing outside dir."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dr_report as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

POLICY = {
    "software": {"rto": 5400, "rpo": 300},
    "hardware": {"rto": 1, "rpo": 1},
    "az": {"rtoInSecs": 1, "rpoInSecs": 1},
    "region": {"rto": 3600, "rpo": 5},
}
MOTO = "the local endpoint restores every item whatever the restore time"


def drills():
    return [
        {
            "name": "replication",
            "targets": {"table": "prod-items", "regions": ["eu-west-1", "eu-central-1"]},
            "objectives": [
                {"id": "region_rpo", "failure_domain": "region", "metric": "rpo", "achieved_seconds": 0.9},
            ],
            "timeline": [
                {"time": "2026-12-06T10:00:00.000+00:00", "event": "written", "region": "eu-west-1", "detail": "k0"},
                {"time": "2026-12-06T10:00:00.900+00:00", "event": "arrived", "region": "eu-central-1"},
            ],
        },
        {
            "name": "pitr_restore",
            "objectives": [
                {
                    "id": "software_rto",
                    "failure_domain": "software",
                    "metric": "rto",
                    "target_seconds": 5400,
                    "achieved_seconds": 12.5,
                    "status": "pass",
                },
                {
                    "id": "software_rpo",
                    "failure_domain": "software",
                    "metric": "rpo",
                    "target_seconds": 300,
                    "achieved_seconds": None,
                    "status": "not_measured",
                    "reason": MOTO,
                },
            ],
            "timeline": [],
        },
        {
            "name": "backup_restore",
            "objectives": [
                # given as "pass" but the numbers say otherwise: the numbers win
                {
                    "id": "backup_rpo",
                    "failure_domain": "software",
                    "metric": "rpo",
                    "target_seconds": 300,
                    "achieved_seconds": 3600,
                    "status": "pass",
                },
            ],
            "timeline": [{"time": "2026-12-06T10:05:00Z", "event": "<script>alert(1)</script>", "detail": {"a": 1}}],
        },
        {
            "name": "region_failover",
            "objectives": [
                {"id": "region_rto", "failure_domain": "region", "metric": "rto", "achieved_seconds": 170},
            ],
            "timeline": [],
        },
    ]


def args(tmp_path, **extra):
    return {
        "dir": str(tmp_path / "reports" / "prod" / "dr" / "r1"),
        "deployment": "prod",
        "run_id": "r1",
        "policy": POLICY,
        "computed": {"region_rto_worst_case": 162},
        "drills": drills(),
        **extra,
    }


def run(tmp_path, check_mode=False, **extra):
    return run_module(module.main, args(tmp_path, **extra), check_mode=check_mode, region=None)


def test_writes_three_files_that_agree(tmp_path):
    result = run(tmp_path)

    assert result["changed"] is True
    assert result["verdict"] == "fail"
    statuses = {o["id"]: o["status"] for o in result["objectives"]}
    assert statuses == {
        "region_rpo": "pass",
        "software_rto": "pass",
        "software_rpo": "not_measured",
        "backup_rpo": "fail",
        "region_rto": "pass",
    }
    assert result["findings"] == [
        "region_failover/region_rto: measured 170 s is above the computed worst case of 162 s:"
        " the worst-case model misses something"
    ]
    directory = tmp_path / "reports" / "prod" / "dr" / "r1"
    assert sorted(os.listdir(directory)) == ["junit.xml", "report.html", "report.json"]

    report = json.loads((directory / "report.json").read_text())
    assert report["verdict"] == "fail"
    assert report["policy"]["az"] == {"rto": 1.0, "rpo": 1.0}
    by_drill = {d["name"]: d for d in report["drills"]}
    assert by_drill["replication"]["objectives"][0]["target_seconds"] == 5.0  # from the policy
    assert by_drill["pitr_restore"]["objectives"][1]["reason"] == MOTO
    assert by_drill["replication"]["timeline"][1]["event"] == "arrived"
    region_rto = next(r for r in report["domains"] if r["failure_domain"] == "region" and r["metric"] == "rto")
    assert (region_rto["target_seconds"], region_rto["worst_case_seconds"]) == (3600.0, 162.0)

    junit = ET.parse(directory / "junit.xml").getroot()
    assert junit.tag == "testsuites"
    assert (junit.get("tests"), junit.get("failures"), junit.get("skipped")) == ("5", "1", "1")
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    assert set(cases) == set(statuses)
    assert cases["backup_rpo"].find("failure") is not None
    assert "3600 s exceeds the target of 300 s" in cases["backup_rpo"].find("failure").get("message")
    assert cases["software_rpo"].find("skipped").get("message") == MOTO
    assert cases["region_rpo"].find("failure") is None and cases["region_rpo"].find("skipped") is None
    assert [s.get("name") for s in junit.iter("testsuite")] == [
        "dr.replication",
        "dr.pitr_restore",
        "dr.backup_restore",
        "dr.region_failover",
    ]

    html = (directory / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html, "no external assets"
    assert "162 s" in html and "3600 s" in html and MOTO in html
    HTMLParser().feed(html)  # parses

    assert result["table"][0] == "DR drills prod run r1: fail"
    assert any(line.startswith("replication") and line.endswith("pass") for line in result["table"])
    assert any(line.startswith("FINDING region_failover/region_rto") for line in result["table"])


def test_a_second_run_is_no_change(tmp_path):
    run(tmp_path)
    directory = tmp_path / "reports" / "prod" / "dr" / "r1"
    before = {p: os.stat(directory / p).st_mtime_ns for p in os.listdir(directory)}
    assert run(tmp_path)["changed"] is False
    assert {p: os.stat(directory / p).st_mtime_ns for p in os.listdir(directory)} == before


def test_check_mode_writes_nothing(tmp_path):
    result = run(tmp_path, check_mode=True)
    assert result["changed"] is True
    assert result["verdict"] == "fail"
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    "records, verdict",
    [
        ([{"name": "a", "objectives": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": 1}]}], "pass"),
        (
            [{"name": "a", "objectives": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": None}]}],
            "incomplete",
        ),
        ([{"name": "a", "objective": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": 9}]}], "fail"),
        (
            [{"name": "a", "objectives": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": "None"}]}],
            "incomplete",
        ),
        (
            [{"name": "a", "objectives": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": "4.5"}]}],
            "pass",
        ),
        ([], "incomplete"),
    ],
)
def test_verdict(tmp_path, records, verdict):
    result = run(tmp_path, drills=records)
    assert result["verdict"] == verdict
    junit = ET.parse(tmp_path / "reports" / "prod" / "dr" / "r1" / "junit.xml").getroot()
    assert int(junit.get("tests")) == len(result["objectives"])


def test_an_achieved_value_that_is_not_a_number_fails(tmp_path):
    records = [{"name": "a", "objectives": [{"failure_domain": "region", "metric": "rpo", "achieved_seconds": "fast"}]}]
    result = run(tmp_path, drills=records)
    assert_fails_mentioning(result, "drills[0] (a).objectives[0]: a number is not a number")


def test_an_objective_without_a_known_metric_fails(tmp_path):
    records = [{"name": "a", "objectives": [{"failure_domain": "region", "metric": "mttr", "achieved_seconds": 1}]}]
    result = run(tmp_path, drills=records)
    assert result["failed"] is True
    assert "drills[0] (a).objectives[0].metric must be rto or rpo" in result["msg"]


def test_never_writes_through_a_symlink(tmp_path):
    directory = tmp_path / "reports" / "prod" / "dr" / "r1"
    directory.mkdir(parents=True)
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    (directory / "report.json").symlink_to(outside)

    result = run(tmp_path)

    assert_fails_mentioning(result, "symbolic link")
    assert outside.read_text() == "keep"
    assert sorted(os.listdir(directory)) == ["report.json"]


def test_a_file_as_dir_fails(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run_module(module.main, {"dir": str(target), "drills": []}, region=None)
    assert_fails_mentioning(result, "is not a directory")

"""playbooks/audit.yml against the local endpoint.

The audit of a deployed stack runs inside tests/integration/test_site.py (``check_audit_of_deployed_stack``), on
the stack that test deploys, so the suite deploys it once. Every request the audit makes goes through the proxy of
the tests (faults off), which records the operations: all must be reads.
"""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from .fault_proxy import FaultProxy

READ_PREFIXES = ("Describe", "Get", "List")

# What the local endpoint cannot answer (playbooks/vars/local_endpoint_gaps.yml), per control: these, and only
# these, are not evaluable there.
NOT_EVALUABLE_HERE = {
    ("Design.DNSFirewall", "eu-west-1"),
    ("Design.DNSFirewall", "eu-central-1"),
    ("DynamoDB.4", "eu-west-1"),
    ("DynamoDB.4", "eu-central-1"),
    # No client certificate API there: the stages cannot have one.
    ("APIGateway.2", "eu-west-1"),
    ("APIGateway.2", "eu-central-1"),
    # No replica in eu-central-1 on the endpoint: the table's controls cannot be evaluated there.
    ("DynamoDB.1", "eu-central-1"),
    ("DynamoDB.2", "eu-central-1"),
    ("DynamoDB.6", "eu-central-1"),
    ("Design.TableKMS", "eu-central-1"),
}


def operation_of(method: str, path: str, headers, body: bytes) -> tuple[str, bool]:
    """(operation, whether it only reads) of a request, whatever its protocol."""
    target = headers.get("X-Amz-Target")
    if target:
        name = target.split(".")[-1]
        return name, name.startswith(READ_PREFIXES)
    if "/operation/" in path:  # rpc-v2-cbor
        name = path.rsplit("/", 1)[-1]
        return name, name.startswith(READ_PREFIXES)
    if body.startswith(b"Action=") or b"&Action=" in body:
        name = urllib.parse.parse_qs(body.decode())["Action"][0]
        return name, name.startswith(READ_PREFIXES)
    # REST protocols: a read is a GET (or HEAD); WAF-free, Lambda, API Gateway, Route 53 list and get that way.
    return f"{method} {path.split('?')[0]}", method in ("GET", "HEAD")


def run_audit(ansible_playbook, endpoint: str, report_dir: Path, *args: str):
    """Run the audit through a recording proxy; return (run, operations, JSON report, JUnit root)."""
    operations: list[tuple[str, bool]] = []
    proxy = FaultProxy(endpoint, rate=0.0)
    proxy.on_forwarded = lambda _service, method, path, headers, body: operations.append(
        operation_of(method, path, headers, body)
    )
    url = proxy.start()
    try:
        run = ansible_playbook(
            "playbooks/audit.yml",
            "-i",
            "inventories/local",
            "-e",
            f"deployment_report_dir={report_dir}",
            *args,
            extra_env={"AWS_ENDPOINT_URL": url},
        )
    finally:
        proxy.stop()
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    report = json.loads((report_dir / "audit" / "audit.json").read_text())
    junit = ET.parse(report_dir / "audit" / "audit.junit.xml").getroot()
    return run, operations, report, junit


def check_report(report: dict, junit) -> dict:
    """The JSON and JUnit reports agree, and a not-evaluable control is never a pass. Returns status per line."""
    lines = {(line["control"], line["region"]): line["status"] for line in report["lines"]}
    assert len(lines) == len(report["lines"]), "one line per control and region"
    for status in ("passed", "failed", "not_evaluable"):
        assert report["counts"][status] == sum(1 for s in lines.values() if s == status), report["counts"]
    by_name = {}
    for case in junit.iter("testcase"):
        control, region = case.get("name").split(":")[0].split(" ")
        by_name[(control, region)] = case
    assert set(by_name) == set(lines)
    for key, status in lines.items():
        case = by_name[key]
        assert (case.find("failure") is not None) is (status == "failed"), key
        assert (case.find("skipped") is not None) is (status == "not_evaluable"), key
    for finding in report["findings"]:
        if finding["status"] == "not_evaluable":
            assert finding["reason"], finding
            assert lines[(finding["control"], finding["region"])] != "passed", finding
    return lines


def check_audit_of_deployed_stack(ansible_playbook, endpoint: str, report_dir: Path) -> None:
    """Called by test_site on its deployed stack: the audit reads only, and passes what the endpoint can answer."""
    run, operations, report, junit = run_audit(ansible_playbook, endpoint, report_dir)
    writes = sorted({name for name, read in operations if not read})
    assert operations and not writes, writes
    assert set(run.changed_tasks()) <= {"eu-west-1: Create the audit report directory"}, run.changed_tasks()
    lines = check_report(report, junit)
    not_evaluable = {key for key, status in lines.items() if status == "not_evaluable"}
    assert not_evaluable == NOT_EVALUABLE_HERE, sorted(not_evaluable ^ NOT_EVALUABLE_HERE)
    failed = [line["text"] for line in report["lines"] if line["status"] == "failed"]
    assert not failed, "\n".join(failed)
    # The run prints every line.
    assert all(line["control"] in run.stdout for line in report["lines"])


def test_audit_of_an_empty_account_passes_nothing(ansible_playbook, clean_endpoint, tmp_path):
    run, operations, report, junit = run_audit(ansible_playbook, clean_endpoint, tmp_path, "--check")
    assert operations and all(read for _name, read in operations), [name for name, read in operations if not read]
    lines = check_report(report, junit)
    assert "passed" not in lines.values(), [k for k, v in lines.items() if v == "passed"]
    assert report["counts"]["failed"] > 0 and report["counts"]["not_evaluable"] > 0
    # Only the gaps make a control not evaluable (with no table anywhere, the replica gap explains its absence).
    explained = {
        (control, region)
        for control in (
            "Design.DNSFirewall",
            "APIGateway.2",
            "DynamoDB.1",
            "DynamoDB.2",
            "DynamoDB.4",
            "DynamoDB.6",
            "Design.TableKMS",
        )
        for region in ("eu-west-1", "eu-central-1")
    }
    assert {k for k, v in lines.items() if v == "not_evaluable"} == explained
    assert lines[("EC2.21", "eu-west-1")] == "failed"

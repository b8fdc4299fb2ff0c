"""The repository as an AWX project, run the way AWX runs a job: ansible-runner with process isolation off in a
private data directory laid out as AWX lays it out (project/, inventory/hosts as an inventory script, env/),
collections installed from the project's collections/requirements.yml, and the AWS credential injected as
environment variables. A job's artifact_data (its set_stats) is what the next node of a workflow receives."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .conftest import VENV_BIN

# What AWX's Amazon Web Services credential type injects (its injectors: env).
AWX_AWS_CREDENTIAL = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}
ROLES = ("vpc_private", "global_table", "serverless_api", "dns_failover", "waf", "resilience_hub")


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def awx_job_dir(tmp_path_factory) -> Path:
    """A private data directory as AWX prepares one: the synced project, its collections, the inventory."""
    private = tmp_path_factory.mktemp("awx")
    project = private / "project"
    project.mkdir()
    # The project: what the repository holds (a checkout, without local state such as .venv).
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = project / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    # The project sync: ansible-galaxy in the project directory installs collections/requirements.yml. amazon.aws
    # and community.aws are already in the execution environment (here: the ansible package), as in AWX's EEs.
    collections = private / "requirements_collections"
    env = clean_env() | {"ANSIBLE_COLLECTIONS_PATH": str(collections)}
    subprocess.run(
        [
            "ansible-galaxy",
            "collection",
            "install",
            "--offline",
            "-r",
            "collections/requirements.yml",
            "-p",
            collections,
        ],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    assert (collections / "ansible_collections" / "multiregion" / "serverless" / "playbooks" / "site.yml").is_file()
    # The inventory, synced from the project's inventory file (the local endpoint's here) and handed to the job as
    # AWX does: a script that prints it. The credential, not the inventory, carries the keys.
    exported = subprocess.run(
        ["ansible-inventory", "-i", "inventories/local/hosts.yml", "--list", "--export"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    inventory = json.loads(exported)
    for group in inventory.values():
        for name in ("aws_access_key", "aws_secret_key"):
            (group.get("vars") or {}).pop(name, None)
    (private / "inventory").mkdir()
    script = private / "inventory" / "hosts"
    script.write_text(
        f"#!{VENV_BIN / 'python'}\nimport json, sys\n"
        f"print(json.dumps({inventory!r} if '--list' in sys.argv else {{}}))\n"
    )
    script.chmod(0o755)
    (private / "env").mkdir()
    return private


def run_job(private: Path, endpoint: str, ident: str, playbook: str, extravars: dict) -> dict:
    """One job: ansible-runner's CLI, as AWX's worker runs it; returns status, rc and the stats event's data."""
    collections = private / "requirements_collections"
    envvars = AWX_AWS_CREDENTIAL | {
        "AWS_ENDPOINT_URL": endpoint,
        "ANSIBLE_COLLECTIONS_PATHS": f"{collections}:~/.ansible/collections:/usr/share/ansible/collections",
        "ANSIBLE_COLLECTIONS_PATH": f"{collections}:~/.ansible/collections:/usr/share/ansible/collections",
        "ANSIBLE_FORCE_COLOR": "0",
    }
    (private / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    (private / "env" / "extravars").write_text(yaml.safe_dump(extravars))
    (private / "env" / "settings").write_text(yaml.safe_dump({"process_isolation": False}))
    subprocess.run(
        ["ansible-runner", "run", str(private), "-p", playbook, "--ident", ident],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,  # the run's outcome is read from its artifacts below
    )
    artifacts = private / "artifacts" / ident
    events = [json.loads(p.read_text()) for p in sorted((artifacts / "job_events").glob("*.json"))]
    stats = [e for e in events if e.get("event") == "playbook_on_stats"]
    failed = [
        f"{e['event_data'].get('host')}: {e['event_data'].get('task')}: {e['event_data'].get('res', {}).get('msg')}"
        for e in events
        if e.get("event") == "runner_on_failed" and not e["event_data"].get("ignore_errors")
    ]
    return {
        "status": (artifacts / "status").read_text().strip(),
        "rc": int((artifacts / "rc").read_text()),
        "stats": stats[-1]["event_data"] if stats else {},
        "failed": failed,
        "stdout": (artifacts / "stdout").read_text()[-3000:],
    }


def test_deploy_then_drills_as_awx_workflow_nodes(awx_job_dir, clean_endpoint, boto):
    deploy = run_job(awx_job_dir, clean_endpoint, "deploy", "playbooks/deploy.yml", {})
    assert (deploy["status"], deploy["rc"]) == ("successful", 0), deploy["failed"] or deploy["stdout"]
    artifacts = deploy["stats"]["artifact_data"]
    assert set(artifacts) == {f"{role}_outputs_by_region" for role in ROLES}
    for role in ROLES:
        assert set(artifacts[f"{role}_outputs_by_region"]) == {"eu-west-1", "eu-central-1"}, role
    vpcs = artifacts["vpc_private_outputs_by_region"]
    for region in ("eu-west-1", "eu-central-1"):
        (vpc,) = boto("ec2", region).describe_vpcs(VpcIds=[vpcs[region]["vpc_id"]])["Vpcs"]
        assert vpc["CidrBlock"] == vpcs[region]["cidr"]
    assert artifacts["serverless_api_outputs_by_region"]["eu-west-1"]["api_id"]

    # The next workflow node gets the artifacts as extra variables; its preflight turns them back into outputs.
    drills = run_job(awx_job_dir, clean_endpoint, "drills", "playbooks/dr_tests.yml", artifacts)
    assert (drills["status"], drills["rc"]) == ("successful", 0), drills["failed"] or drills["stdout"]
    assert drills["stats"]["artifact_data"], "the drills publish their outputs"

    summary = run_job(awx_job_dir, clean_endpoint, "summary", "playbooks/summary.yml", artifacts)
    assert (summary["status"], summary["rc"]) == ("successful", 0), summary["failed"] or summary["stdout"]
    path = Path(summary["stats"]["artifact_data"]["deployment_summary_path"])
    # The job's working directory is the project directory, as in AWX.
    assert path == awx_job_dir / "project" / "reports" / "mrdemo" / "summary.json"
    regions = json.loads(path.read_text())["regions"]
    assert regions["eu-west-1"]["vpc_private_outputs"]["vpc_id"] == vpcs["eu-west-1"]["vpc_id"]

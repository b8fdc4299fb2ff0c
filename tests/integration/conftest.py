"""Fixtures for tests against the local AWS endpoint (moto in server mode on 127.0.0.1).

The endpoint is started once per test session by tools/local_endpoint.py, the same script the Makefile and
molecule use, and reset between tests that ask for a clean one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"

_spec = importlib.util.spec_from_file_location("local_endpoint", ROOT / "tools" / "local_endpoint.py")
local_endpoint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(local_endpoint)

# The region hosts of inventories/local, in its order: what the tests that run its playbooks deploy to.
LOCAL_REGIONS = tuple(yaml.safe_load((ROOT / "inventories" / "local" / "hosts.yml").read_text())["regions"]["hosts"])

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory) -> str:
    state = tmp_path_factory.mktemp("endpoint") / "endpoint.json"
    info = local_endpoint.start(state)
    yield info["url"]
    local_endpoint.stop(state)


@pytest.fixture
def clean_endpoint(endpoint) -> str:
    """The endpoint with every resource of earlier tests removed."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return endpoint


@pytest.fixture
def boto(clean_endpoint):
    """``boto("ec2", "eu-west-1")``: a boto3 client on the local endpoint."""

    def make(service: str, region: str = "eu-west-1"):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=clean_endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return make


def ansible_env(endpoint: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CREDENTIALS)
    env["AWS_ENDPOINT_URL"] = endpoint
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.json"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


class PlaybookRun:
    def __init__(self, completed: subprocess.CompletedProcess) -> None:
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        try:
            self.data = json.loads(completed.stdout[completed.stdout.index("{") :])
        except ValueError:
            self.data = {}

    @property
    def stats(self) -> dict:
        return self.data.get("stats", {})

    def changed(self) -> dict:
        return {host: s["changed"] for host, s in self.stats.items()}

    def _host_results(self):
        """(host, task name, result) for every task of every play, in the order they ran."""
        for play in self.data.get("plays", []):
            for task in play["tasks"]:
                for host, result in task["hosts"].items():
                    yield host, task["task"]["name"], result

    def failures(self) -> list[str]:
        return [
            f"{host}: {name}: {result.get('msg')}"
            for host, name, result in self._host_results()
            if result.get("failed")
        ]

    def changed_tasks(self) -> list[str]:
        return [f"{host}: {name}" for host, name, result in self._host_results() if result.get("changed")]


def task_result(run: PlaybookRun, name: str, host: str = "localhost") -> dict:
    """The result on ``host`` of the first task called ``name`` in ``run``."""
    for play in run.data.get("plays", []):
        for task in play["tasks"]:
            if task["task"]["name"] == name:
                return task["hosts"][host]
    raise AssertionError(f"no task {name!r} in the run")


def succeeded(run: PlaybookRun) -> PlaybookRun:
    """``run``, once asserted that its playbook succeeded (the failed tasks, or the output, as the message)."""
    assert run.returncode == 0, run.failures() or run.stderr or run.stdout[-3000:]
    return run


def playbook_runner(playbook: str):
    """``run(ansible_playbook, *args)``: ``playbook`` run with ``args``, asserted to succeed."""

    def run(ansible_playbook, *args: str) -> PlaybookRun:
        return succeeded(ansible_playbook(playbook, *args))

    return run


def phase_runner(playbook: str, variable: str):
    """``run(ansible_playbook, phase, *args)``: ``playbook`` run with ``variable`` set to ``phase``, asserted to
    succeed."""
    run_playbook = playbook_runner(playbook)

    def run(ansible_playbook, phase: str, *args: str) -> PlaybookRun:
        return run_playbook(ansible_playbook, "-e", f"{variable}={phase}", *args)

    return run


class PhasedPlaybook:
    """A test playbook on localhost run phase by phase (``-e <variable>=<phase>``) around the one task it tests.

    ``playbook(ansible_playbook, phase, *args)`` runs a phase, asserted to succeed; ``changing`` and ``unchanged``
    run one and assert also that it changed the task, or that it changed nothing (a rerun, check mode on what is
    there); ``result(run)`` is the task's result in a run.
    """

    def __init__(self, playbook: str, variable: str, task: str) -> None:
        self.run = phase_runner(playbook, variable)
        self.task = task
        # The task as PlaybookRun.changed_tasks() names it.
        self.changed_task = f"localhost: {task}"

    def __call__(self, ansible_playbook, phase: str, *args: str) -> PlaybookRun:
        return self.run(ansible_playbook, phase, *args)

    def changing(self, ansible_playbook, phase: str, *args: str) -> PlaybookRun:
        run = self.run(ansible_playbook, phase, *args)
        assert self.changed_task in run.changed_tasks(), run.changed_tasks()
        return run

    def unchanged(self, ansible_playbook, phase: str, *args: str) -> PlaybookRun:
        run = self.run(ansible_playbook, phase, *args)
        assert run.changed() == {"localhost": 0}, run.changed_tasks()
        return run

    def result(self, run: PlaybookRun) -> dict:
        return task_result(run, self.task)


def tagged_vpc_id(ec2, name: str) -> str | None:
    """The id of the VPC tagged Name=``name``, or None when there is none."""
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def live_vpc_endpoints(ec2, *filters: dict) -> list[dict]:
    """The VPC endpoints that ``filters`` match, but the deleted ones (the local endpoint keeps them, as AWS does a
    while)."""
    found = ec2.describe_vpc_endpoints(Filters=list(filters))["VpcEndpoints"]
    return [e for e in found if e["State"].lower() not in ("deleted", "deleting")]


def vpc_endpoint_actions(endpoint: dict) -> list[str]:
    """The actions of the first statement of a VPC endpoint's policy, sorted."""
    return sorted(json.loads(endpoint["PolicyDocument"])["Statement"][0]["Action"])


def mock_rest_api_stage(apigateway, name: str) -> str:
    """The id of a minimal REST API (GET / on a MOCK integration) with a deployed stage v1."""
    api_id = apigateway.create_rest_api(name=name, endpointConfiguration={"types": ["REGIONAL"]})["id"]
    [root] = [r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/"]
    apigateway.put_method(restApiId=api_id, resourceId=root["id"], httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api_id, resourceId=root["id"], httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api_id, stageName="v1")
    return api_id


def in_checkout(arg: str) -> str:
    """A path relative to the checkout made absolute, so that playbooks can run from a directory outside it."""
    return str(ROOT / arg) if not arg.startswith("-") and not Path(arg).is_absolute() and (ROOT / arg).exists() else arg


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """Where the tests' playbooks run: their output (.build/, reports/) lands here, never in the checkout."""
    return tmp_path_factory.mktemp("run")


@pytest.fixture
def ansible_playbook(clean_endpoint, run_dir):
    """Run ansible-playbook from run_dir against the local endpoint; returns a PlaybookRun."""

    def run(playbook: str, *args: str, extra_env: dict | None = None) -> PlaybookRun:
        env = ansible_env(clean_endpoint)
        env.update(extra_env or {})
        completed = subprocess.run(
            [str(VENV_BIN / "ansible-playbook"), *map(in_checkout, (playbook, *args))],
            cwd=run_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        return PlaybookRun(completed)

    run.cwd = run_dir
    return run

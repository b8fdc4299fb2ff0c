"""site.yml killed in the middle of its work, then rerun: it converges with no duplicate resource.

Each interruption is the harshest one a run can suffer: the endpoint has carried out a create (a subnet, a REST API,
a health check), and the run is killed (SIGKILL, the playbook and every worker and module process under it) before
the module sees the answer. The
proxy of the tests (fault_proxy.py, faults off) does the killing when it relays that request, so no timing is
involved. Runs: killed during the network, rerun and killed during the API layer, rerun and killed during the
auxiliary phase, then a full run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading

import pytest

from .conftest import ROOT
from .conftest import VENV_BIN
from .conftest import PlaybookRun
from .conftest import ansible_env
from .fault_proxy import FaultProxy

REGIONS = {"eu-west-1": "10.1.0.0/16", "eu-central-1": "10.5.0.0/16"}

# (phase, signing name, method, what identifies the request)
INTERRUPTIONS = [
    ("network", "ec2", "POST", lambda path, body: b"Action=CreateSubnet" in body),
    ("API layer", "apigateway", "POST", lambda path, body: path.rstrip("/") == "/restapis"),
    ("auxiliary phase", "route53", "POST", lambda path, body: path.rstrip("/").endswith("/healthcheck")),
]


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The field after the parenthesised command name: state, then the parent's pid.
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def kill_tree(root: int) -> None:
    """SIGKILL ``root`` and its descendants. Ansible's workers run in sessions of their own (setsid), so killing the
    playbook's process group alone would leave them running their tasks against the endpoint."""
    for pid in process_tree(root):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Interrupter:
    """Kills the running playbook, with its workers and modules, when the proxy relays the awaited request."""

    def __init__(self, run_dir) -> None:
        self.run_dir = run_dir
        self.process: subprocess.Popen | None = None
        self.target = None
        self.fired = threading.Event()

    def __call__(self, signing_name, method, path, headers, body) -> None:
        if self.target is None or self.process is None or self.fired.is_set():
            return
        service, verb, matches = self.target[1:]
        if signing_name == service and method == verb and matches(path, body):
            self.fired.set()
            kill_tree(self.process.pid)

    def run(self, url: str, target=None) -> PlaybookRun:
        self.target, self.process = target, None
        self.fired.clear()
        env = ansible_env(url)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "ansible-playbook"), str(ROOT / "site.yml"), "-i", str(ROOT / "inventories" / "local")],
            cwd=self.run_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        stdout, stderr = self.process.communicate(timeout=1200)
        return PlaybookRun(subprocess.CompletedProcess(self.process.args, self.process.returncode, stdout, stderr))


@pytest.mark.e2e
def test_interrupted_runs_converge_without_duplicates(clean_endpoint, boto, run_dir):
    interrupter = Interrupter(run_dir)
    proxy = FaultProxy(clean_endpoint, rate=0.0)
    proxy.on_forwarded = interrupter
    url = proxy.start()
    try:
        for target in INTERRUPTIONS:
            run = interrupter.run(url, target)
            assert interrupter.fired.is_set(), f"the run finished before the {target[0]} request came: {run.failures()}"
            assert run.returncode == -signal.SIGKILL, (target[0], run.returncode)
        final = interrupter.run(url)
    finally:
        proxy.stop()
    assert final.returncode == 0, final.failures() or final.stderr[-3000:]

    health_checks = boto("route53").list_health_checks()["HealthChecks"]
    assert len(health_checks) == len(REGIONS), [
        c["HealthCheckConfig"].get("FullyQualifiedDomainName") for c in health_checks
    ]
    tables = [t for t in boto("dynamodb", "eu-west-1").list_tables()["TableNames"] if t.startswith("mrdemo-")]
    assert tables == ["mrdemo-items"], tables
    for region, cidr in REGIONS.items():
        vpcs = [v for v in boto("ec2", region).describe_vpcs()["Vpcs"] if v["CidrBlock"] == cidr]
        assert len(vpcs) == 1, (region, vpcs)
        subnets = boto("ec2", region).describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])
        assert len(subnets["Subnets"]) == 3, (region, subnets["Subnets"])
        functions = [f["FunctionName"] for f in boto("lambda", region).list_functions()["Functions"]]
        assert functions == ["mrdemo-api"], (region, functions)
        apis = [a["name"] for a in boto("apigateway", region).get_rest_apis()["items"]]
        assert apis == ["mrdemo-api"], (region, apis)
        acls = [a["Name"] for a in boto("wafv2", region).list_web_acls(Scope="REGIONAL")["WebACLs"]]
        assert acls == ["mrdemo-api"], (region, acls)

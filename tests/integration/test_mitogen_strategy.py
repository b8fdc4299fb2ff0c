"""The collection's Mitogen strategy (plugins/strategy/mitogen_linear.py) against Mitogen's own plugin.

Both run every host through Mitogen (the module's command is a child of Mitogen's interpreter for the host). Mitogen's
own plugin pins the top-level process and every worker to one CPU on a controller with fewer than four CPUs; the
collection's strategy leaves that controller's CPUs to the kernel, and keeps Mitogen's placement on a larger one.
Two local hosts, each with an interpreter path of its own (as docs/performance.md asks), run the same playbook.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import ansible_mitogen
import yaml

from .conftest import succeeded

PLAYBOOK = "tests/integration/playbooks/mitogen_strategy.yml"
HOSTS = ("eu-west-1", "eu-central-1")
REPORT = "Report them"


def cpu_list(text: str) -> set[int]:
    """The CPUs of a Cpus_allowed_list ("0-1,3")."""
    cpus: set[int] = set()
    for part in text.split(","):
        first, _dash, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


def own_cpus() -> set[int]:
    """The CPUs this process may use, as the kernel lists them for the run it starts."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Cpus_allowed_list:"):
            return cpu_list(line.split(":", 1)[1].strip())
    raise AssertionError("no Cpus_allowed_list in /proc/self/status")


def inventory(tmp_path: Path) -> Path:
    """Two local hosts, each with an interpreter path of its own: a link to this Python in its own folder."""
    hosts = {}
    for name in HOSTS:
        link = Path(sys.executable).with_name(f"python-region-{name}")
        if not link.exists():
            link.symlink_to(Path(sys.executable).name)
        hosts[name] = {"ansible_connection": "local", "ansible_python_interpreter": str(link)}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return path


def report(ansible_playbook, tmp_path, strategy: dict) -> dict:
    run = succeeded(ansible_playbook(PLAYBOOK, "-i", str(inventory(tmp_path)), extra_env=strategy))
    # Under Mitogen the JSON callback lists a task once per host.
    reports = {
        host: result["msg"]
        for play in run.data["plays"]
        for task in play["tasks"]
        if task["task"]["name"] == REPORT
        for host, result in task["hosts"].items()
    }
    assert sorted(reports) == sorted(HOSTS)
    for host, found in reports.items():
        # Mitogen ran the host: the module's command is a child of Mitogen's interpreter for that host.
        assert f"python-region-{host}(mitogen:" in found["module_parent"], found
    return {host: (cpu_list(found["worker_cpus"]), cpu_list(found["module_cpus"])) for host, found in reports.items()}


def test_on_a_small_controller_the_collections_strategy_pins_no_process(ansible_playbook, tmp_path):
    found = report(ansible_playbook, tmp_path, {"ANSIBLE_STRATEGY": "multiregion.serverless.mitogen_linear"})
    cpus = own_cpus()
    for worker, module in found.values():
        if os.cpu_count() < 4:
            assert worker == module == cpus
        else:  # Mitogen's placement, kept: each worker on one CPU
            assert len(worker) == 1


def test_mitogens_own_plugin_puts_every_worker_on_one_cpu(ansible_playbook, tmp_path):
    plugins = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    found = report(
        ansible_playbook, tmp_path, {"ANSIBLE_STRATEGY_PLUGINS": str(plugins), "ANSIBLE_STRATEGY": "mitogen_linear"}
    )
    for worker, _module in found.values():
        assert len(worker) == 1
    if os.cpu_count() < 4:
        # With fewer than four CPUs, the same one for every worker: the hosts take turns on it.
        assert len({frozenset(worker) for worker, _module in found.values()}) == 1

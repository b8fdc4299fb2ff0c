"""Benchmark: deploy every region to a fresh local endpoint, then run again (a no-op), for each strategy and
region count asked for, and compare each run with the floor of the same API calls.

For each run it reports the wall time, the tasks executed (task x host results), the module calls per region (one
per task, one per item of a looped task; set_fact, assert, debug, include and other controller-only actions are not
counted) and how many of them started a module process (the calls of other collections' modules: this collection's
run in the task's worker process on these region hosts, plugins/plugin_utils/in_process.py, which
tests/integration/test_in_process.py shows from the runs' logs), the AWS API calls (every request the endpoint
received), and a lower bound: the time it takes to send the same recorded requests again, in order, over one
keep-alive HTTP session (no Ansible, no SDK serialisation: the floor any tool making these calls could reach).

The bound is exact, and says how many replayed requests got a different answer from the recorded one (the goal is
none). The endpoint the runs talk to is moto's server with a recording layer in front
(bench/moto_recording_server.py): it keeps every request and the answer it got. bench/replay.py sends them again:
- the no-op run against the endpoint it was recorded on, in the deployed state it saw (a no-op changes nothing,
  so every read finds what it found);
- the first deploy against a fresh endpoint: after each answer, the ids the fresh endpoint returned are paired
  with the recorded ones and rewritten into the requests that follow, so every request names what exists.

A single run's wall time moves by about a fifth from one run to the next, and a single replay's by a third, so the
no-op is run three times (each must change nothing and make as many API calls) and its row gives the median; the
bound is the median of five replays of the no-op, each against the same deployed state, and of three of the first
deploy, each against an endpoint of its own. The output and bench.json list each of them.

Next to the bound it reports what the tasks alone account for ("tasks s"): each configuration also runs four tiny
playbooks on the same region hosts (one debug task; ten module tasks run as module processes, each one STS call,
amazon.aws.aws_caller_info; ten run in the worker process, each one EC2 call, multiregion.serverless.
ec2_prefix_list_info; ten set_fact tasks) to measure the start of ansible-playbook and what one task of each kind
costs when every region host runs it at once, and multiplies them by the busiest region's counts. The gap between
the bound and that figure is the price of running one Ansible task per step, whatever the task does.

API calls per deployed resource are given against two counts (bench/resources.py): every resource the deployment
manages, each listed with its own service's API, and the resources the endpoint's tagging API returns for the
deployment's tag (a subset: that API leaves several services out).

The playbook measured is playbooks/deploy.yml (the core and auxiliary phases): what a scheduled drift check runs
(awx/resources.yml). The DR phase's drills create and delete copies on purpose, so a rerun of them is no no-op.

Strategies: ``default`` (Ansible's linear strategy, one worker process per task and host) and ``mitogen``
(Mitogen's mitogen_linear, through the collection's multiregion.serverless.mitogen_linear: one interpreter per host
kept alive, imports cached; each region host is given its own interpreter path so regions still run in parallel,
see docs/performance.md). With either, this collection's modules
run in the worker process (the region hosts' interpreter paths are links in the controller's own ``bin/``).
Mitogen is measured when the ``mitogen`` package is installed (requirements-dev.txt installs it).

    .venv/bin/python bench/bench.py [--inventory inventories/local] [--strategies default,mitogen] [--regions 2,3]

Results: a table on stdout and bench/results/bench.json. It is a benchmark, not a test: nothing here fails on a
time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The runs' own output (.build/, reports/) lands here, outside the collection.
RUN_DIR = Path(tempfile.gettempdir()) / "multiregion-serverless-bench"
_spec = importlib.util.spec_from_file_location("local_endpoint", ROOT / "tools" / "local_endpoint.py")
local_endpoint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(local_endpoint)
_spec = importlib.util.spec_from_file_location("bench_resources", ROOT / "bench" / "resources.py")
resources = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(resources)

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
SEED = 20261206
MITOGEN_STRATEGY = "multiregion.serverless.mitogen_linear"
# A single run's wall time moves by a fifth from run to run, and a single replay's by a third: each row gives the
# median of several, and bench.json keeps each of them.
NOOP_RUNS = 3
NOOP_REPLAYS = 5
DEPLOY_REPLAYS = 3
PLAYBOOK = "playbooks/deploy.yml"
RECORDING_SERVER = [sys.executable, str(ROOT / "bench" / "moto_recording_server.py")]
# This collection's modules, which run in the task's worker process on the bench's region hosts.
IN_PROCESS = "multiregion.serverless."
# Actions that run on the controller only: no module process, no AWS call.
CONTROLLER_ONLY = {
    "add_host",
    "assert",
    "debug",
    "fail",
    "group_by",
    "include_role",
    "include_tasks",
    "include_vars",
    "import_role",
    "import_tasks",
    "meta",
    # The collection's own action plugin that reports a step the endpoint cannot apply: it starts no module.
    "not_applied",
    # The collection's own action plugin that sets a role's outputs as a fact and as run statistics.
    "publish_outputs",
    "set_fact",
    "set_stats",
    "validate_argument_spec",
}
# Regions a larger bench adds after the inventory's own, each with a CIDR of its own.
EXTRA_REGIONS = [("eu-north-1", "10.9.0.0/16"), ("eu-south-1", "10.13.0.0/16"), ("eu-west-3", "10.17.0.0/16")]


def endpoint_api(url: str, path: str, method: str = "POST") -> str:
    response = requests.request(method, f"{url}/moto-api/{path}", timeout=120)
    response.raise_for_status()
    return response.text


def inventory_regions(inventory: str) -> list[str]:
    hosts = yaml.safe_load((ROOT / inventory / "hosts.yml").read_text())
    return list(hosts["regions"]["hosts"])


def deployment_name(inventory: str) -> str:
    for path in sorted((ROOT / inventory / "group_vars" / "all").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        if "deployment_name" in data:
            return data["deployment_name"]
    raise SystemExit(f"{inventory}: no deployment_name in group_vars/all")


def overlay_inventory(tmp: Path, inventory: str, regions: int, strategy: str) -> Path:
    """An inventory added after the user's: the extra regions, and for Mitogen one interpreter path per host."""
    own = inventory_regions(inventory)
    extra = EXTRA_REGIONS[: max(0, regions - len(own))]
    hosts: dict = {name: {"vpc_private_cidr": cidr} for name, cidr in extra}
    if strategy == "mitogen":
        # Mitogen runs hosts that share an interpreter path in one process, one after the other; a path of their
        # own (a link to the same interpreter, inside the venv so it finds its packages) keeps regions parallel.
        for name in own[:regions] + [name for name, _cidr in extra]:
            link = Path(sys.executable).with_name(f"python-region-{name}")
            if not link.exists():
                link.symlink_to(Path(sys.executable).name)
            hosts.setdefault(name, {})["ansible_python_interpreter"] = str(link)
    path = tmp / f"overlay-{strategy}-{regions}.yml"
    path.write_text(yaml.safe_dump({"regions": {"hosts": hosts}}))
    return path


def playbook_env(url: str, strategy: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CREDENTIALS)
    env.update(
        {
            "AWS_ENDPOINT_URL": url,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
            "ANSIBLE_FORKS": "10",
        }
    )
    if strategy == "mitogen":
        # The collection's wrapper of Mitogen's mitogen_linear (plugins/strategy/mitogen_linear.py).
        env["ANSIBLE_STRATEGY"] = MITOGEN_STRATEGY
    return env


def run_playbook(url: str, inventories: list[str], strategy: str, playbook: Path = ROOT / PLAYBOOK) -> dict:
    command = [str(Path(sys.executable).with_name("ansible-playbook")), str(playbook)]
    for inventory in inventories:
        command += ["-i", str(ROOT / inventory)]
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=RUN_DIR, env=playbook_env(url, strategy), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"{playbook} ({strategy}) failed ({completed.returncode}):\n{completed.stdout[-4000:]}\n"
            f"{completed.stderr[-2000:]}"
        )
    data = json.loads(completed.stdout[completed.stdout.index("{") :])
    executed = [
        (host, result)
        for play in data["plays"]
        for task in play["tasks"]
        for host, result in task["hosts"].items()
        if not result.get("skipped")
    ]
    modules, processes, controller = count_tasks(executed)
    return {
        "seconds": elapsed,
        "tasks_executed": len(executed),
        "module_calls_per_region": dict(sorted(modules.items())),
        "module_processes_per_region": dict(sorted(processes.items())),
        "controller_tasks_per_region": dict(sorted(controller.items())),
        "changed": sum(s["changed"] for s in data["stats"].values()),
    }


def task_costs(tmp: Path, url: str, inventories: list[str], strategy: str, count: int = 10) -> dict:
    """What one task costs with this strategy, every region host running it at once: a playbook of ``count``
    module tasks run as module processes (amazon.aws.aws_caller_info, one STS call each), one of ``count`` module
    tasks run in the worker process (multiregion.serverless.ec2_prefix_list_info, one EC2 call each), one of
    ``count`` controller-only tasks (set_fact), and one of a single debug task (the start and end of
    ansible-playbook)."""

    def playbook(name: str, task: dict, tasks: int) -> Path:
        path = tmp / f"task-cost-{name}.yml"
        play = {
            "name": f"Cost of a task: {name}",
            "hosts": "regions",
            "gather_facts": False,
            "tasks": [{"name": f"{name} {i}", **task} for i in range(tasks)],
        }
        path.write_text(yaml.safe_dump([play], sort_keys=False))
        return path

    module = {"amazon.aws.aws_caller_info": {"region": "{{ aws_region }}"}, "check_mode": False}
    own = {
        "multiregion.serverless.ec2_prefix_list_info": {"services": ["s3"], "region": "{{ aws_region }}"},
        "check_mode": False,
    }
    fact = {"ansible.builtin.set_fact": {"bench_value": "{{ inventory_hostname }}"}}
    start = run_playbook(url, inventories, strategy, playbook("start", {"ansible.builtin.debug": {"msg": "x"}}, 1))
    modules = run_playbook(url, inventories, strategy, playbook("module", module, count))
    own_modules = run_playbook(url, inventories, strategy, playbook("in-process", own, count))
    facts = run_playbook(url, inventories, strategy, playbook("controller", fact, count))
    return {
        "start_seconds": start["seconds"],
        "module_task_seconds": (modules["seconds"] - start["seconds"]) / count,
        "in_process_task_seconds": (own_modules["seconds"] - start["seconds"]) / count,
        "controller_task_seconds": (facts["seconds"] - start["seconds"]) / count,
    }


def modelled_seconds(run: dict, costs: dict) -> float:
    """The wall time the run's tasks alone account for: the start, and the busiest region's module and
    controller-only tasks at what one such task costs when every region host runs it at once."""
    busiest = max(run["module_calls_per_region"], key=run["module_calls_per_region"].get)
    processes = run["module_processes_per_region"].get(busiest, 0)
    return (
        costs["start_seconds"]
        + processes * costs["module_task_seconds"]
        + (run["module_calls_per_region"][busiest] - processes) * costs["in_process_task_seconds"]
        + run["controller_tasks_per_region"].get(busiest, 0) * costs["controller_task_seconds"]
    )


def count_tasks(executed: list[tuple[str, dict]]) -> tuple[Counter, Counter, Counter]:
    """Per host: the module calls, the module processes among them, and the controller-only tasks."""
    modules: Counter = Counter()
    processes: Counter = Counter()
    controller: Counter = Counter()
    for host, result in executed:
        action = result.get("action", "")
        if action.split(".")[-1] not in CONTROLLER_ONLY:
            modules[host] += module_calls(result)
            processes[host] += 0 if action.startswith(IN_PROCESS) else module_calls(result)
        else:
            controller[host] += 1
    return modules, processes, controller


def seconds_list(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def spread(per_region: dict) -> str:
    """The least and the most of the regions' counts."""
    return f"{min(per_region.values())}-{max(per_region.values())}" if per_region else "-"


def module_calls(result: dict) -> int:
    """Module calls a task result stands for: one, or one per loop item that was not skipped."""
    if "results" in result:
        return sum(1 for item in result["results"] if not item.get("skipped"))
    return 1


def recorded(path: Path) -> list[dict]:
    """The requests the recording server kept since the file was last emptied; empties it."""
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    path.write_text("")
    return entries


def service_of(entry: dict) -> str:
    auth = entry.get("headers", {}).get("Authorization", "")
    # Credential=KEY/DATE/REGION/SERVICE/aws4_request
    if "Credential=" in auth:
        return auth.split("Credential=")[1].split("/")[3]
    return "unsigned"


def replay(tmp: Path, url: str, entries: list[dict], name: str) -> tuple[float, list[str]]:
    """Send the recorded requests to ``url`` in order, from a process of its own (bench/replay.py): the seconds spent
    waiting on the endpoint, and the requests whose answer's status differs from the recorded one."""
    recording = tmp / f"{name}.jsonl"
    recording.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
    result = tmp / f"{name}.result.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "replay.py"), str(recording), url, str(result)],
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )
    outcome = json.loads(result.read_text())
    return outcome["seconds"], outcome["differing"]


def deployed_resources(url: str, regions: list[str], deployment: str) -> dict:
    """What the deployment manages (bench/resources.py): the tagging API's view, and every resource listed."""
    arns = resources.tagged(url, regions, deployment)
    tagged = Counter(resources.kind(arn) for arn in arns)
    untagged = resources.untagged(url, regions, deployment, arns)
    return {
        "tagged": sum(tagged.values()),
        "managed": sum(tagged.values()) + sum(untagged.values()),
        "by_kind": dict(sorted((tagged + untagged).items())),
    }


def measure(tmp: Path, inventory: str, strategy: str, regions: int) -> dict:
    label = f"{strategy}, {regions} regions"
    overlay = overlay_inventory(tmp, inventory, regions, strategy)
    inventories = [inventory, str(overlay)]
    all_regions = (inventory_regions(inventory) + [name for name, _cidr in EXTRA_REGIONS])[:regions]
    deployment = deployment_name(inventory)

    recording = tmp / f"recording-{strategy}-{regions}.jsonl"
    recording.write_text("")
    os.environ["BENCH_RECORDING"] = str(recording)
    state = tmp / f"recorded-{strategy}-{regions}.json"
    endpoint = local_endpoint.start(state, server=RECORDING_SERVER)
    del os.environ["BENCH_RECORDING"]
    runs: dict[str, dict] = {}
    try:
        url = endpoint["url"]
        endpoint_api(url, f"seed?a={SEED}")
        runs["first deploy"] = run_playbook(url, inventories, strategy)
        deploy_calls = recorded(recording)
        # The no-op, run several times: the requests of the first are its floor's; each later one must make as many.
        noops = [run_playbook(url, inventories, strategy)]
        noop_calls = recorded(recording)
        for _again in range(NOOP_RUNS - 1):
            noops.append(run_playbook(url, inventories, strategy))
            noops[-1]["api_calls"] = len(recorded(recording))
        runs["no-op"] = repeated(noops, len(noop_calls))
        managed = deployed_resources(url, all_regions, deployment)
        recorded(recording)
        costs = task_costs(tmp, url, inventories, strategy)
        recorded(recording)
        for run in runs.values():
            run["modelled_seconds"] = modelled_seconds(run, costs)
        # The no-op's floor: its own requests, against the state they were made on.
        replays = [replay(tmp, url, noop_calls, f"no-op-{strategy}-{regions}") for _replay in range(NOOP_REPLAYS)]
        runs["no-op"].update(bound(noop_calls, replays, runs["no-op"]["seconds"]))
        runs["no-op"]["deployed_resources"] = managed
        runs["no-op"]["api_calls_per_resource"] = len(noop_calls) / managed["managed"] if managed["managed"] else None
        runs["no-op"]["api_calls_per_tagged_resource"] = (
            len(noop_calls) / managed["tagged"] if managed["tagged"] else None
        )
    finally:
        local_endpoint.stop(state)

    # The deploy's floor: its requests against a fresh endpoint, the ids it returns mapped into later requests.
    replays = []
    for number in range(DEPLOY_REPLAYS):
        fresh_state = tmp / f"fresh-{strategy}-{regions}-{number}.json"
        fresh = local_endpoint.start(fresh_state)
        try:
            endpoint_api(fresh["url"], f"seed?a={SEED}")
            replays.append(replay(tmp, fresh["url"], deploy_calls, f"deploy-{strategy}-{regions}"))
        finally:
            local_endpoint.stop(fresh_state)
    runs["first deploy"].update(bound(deploy_calls, replays, runs["first deploy"]["seconds"]))
    return {"label": label, "strategy": strategy, "regions": regions, "runs": runs, "task_costs": costs}


def repeated(runs: list[dict], api_calls: int) -> dict:
    """The first of several runs of the same playbook, with the median of their wall times; each run's wall time,
    changes and API calls are kept beside it."""
    first = dict(runs[0])
    first["seconds_each"] = [run["seconds"] for run in runs]
    first["seconds"] = statistics.median(first["seconds_each"])
    first["changed_each"] = [run["changed"] for run in runs]
    first["changed"] = max(first["changed_each"])
    first["api_calls_each"] = [api_calls] + [run["api_calls"] for run in runs[1:]]
    return first


def bound(entries: list[dict], replays: list[tuple[float, list[str]]], wall: float) -> dict:
    """The floor of ``entries`` from several replays of them: the median of their times, and every request that one
    of them found answered otherwise than recorded."""
    seconds_each = [seconds for seconds, _failed in replays]
    seconds = statistics.median(seconds_each)
    failed = sorted({request for _seconds, differing in replays for request in differing})
    return {
        "api_calls": len(entries),
        "api_calls_by_service": dict(Counter(service_of(e) for e in entries).most_common()),
        "bound_seconds": seconds,
        "bound_seconds_each": seconds_each,
        "bound_failed_replays": max(len(differing) for _seconds, differing in replays),
        "bound_failed_examples": failed[:10],
        "ratio": wall / seconds if seconds else None,
    }


def mitogen_available() -> bool:
    return importlib.util.find_spec("ansible_mitogen") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory", default="inventories/local")
    parser.add_argument("--strategies", default="default,mitogen", help="default, mitogen or both (comma-separated)")
    parser.add_argument("--regions", default="2,3", help="region counts to measure, e.g. 2,3")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    strategies = [s for s in args.strategies.split(",") if s]
    notes = []
    if "mitogen" in strategies and not mitogen_available():
        strategies.remove("mitogen")
        notes.append("mitogen: not measured (the mitogen package is not installed)")

    counts = [int(r) for r in args.regions.split(",") if r]
    if min(counts) < len(inventory_regions(args.inventory)):
        parser.error(f"--regions: {args.inventory} has {len(inventory_regions(args.inventory))} regions already")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for regions in counts:
            for strategy in strategies:
                print(f"measuring {strategy}, {regions} regions ...", file=sys.stderr, flush=True)
                results.append(measure(Path(tmp), args.inventory, strategy, regions))

    report = {
        "inventory": args.inventory,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_at_end": os.getloadavg(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
        "notes": notes,
        "playbook": PLAYBOOK,
        "bound": "the recorded API requests replayed in order over one keep-alive HTTP session: the no-op against "
        "the state it was recorded on, the deploy against a fresh endpoint with the ids it returns mapped into the "
        f"requests that follow; the median of {NOOP_REPLAYS} replays of the no-op and {DEPLOY_REPLAYS} of the deploy; "
        "failed = answers whose status differs from the recorded one (the most of any replay)",
        "no-op": f"the median wall time of {NOOP_RUNS} runs of the no-op; each must change nothing",
    }
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2) + "\n")

    header = (
        f"{'configuration':<22} {'run':<13} {'wall s':>7} {'tasks':>6} {'modules/region':>15} {'processes':>10} "
        f"{'changed':>8} "
        f"{'API calls':>10} {'bound s':>8} {'failed':>7} {'ratio':>6} {'tasks s':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for name, r in result["runs"].items():
            modules = spread(r["module_calls_per_region"])
            processes = spread(r["module_processes_per_region"])
            print(
                f"{result['label']:<22} {name:<13} {r['seconds']:>7.1f} {r['tasks_executed']:>6} {modules:>15} "
                f"{processes:>10} "
                f"{r['changed']:>8} {r['api_calls']:>10} {r['bound_seconds']:>8.2f} {r['bound_failed_replays']:>7} "
                f"{r['ratio']:>5.0f}x {r['modelled_seconds']:>8.1f}"
            )
    print(f"\nbound: {report['bound']}; JSON: {(RESULTS / 'bench.json').relative_to(ROOT)}")
    print(f"no-op: {report['no-op']}")
    for result in results:
        noop, deploy = result["runs"]["no-op"], result["runs"]["first deploy"]
        print(
            f"{result['label']}: no-op {seconds_list(noop['seconds_each'])} s (changed {noop['changed_each']}, "
            f"API calls {noop['api_calls_each']}), its bound {seconds_list(noop['bound_seconds_each'])} s; "
            f"first deploy's bound {seconds_list(deploy['bound_seconds_each'])} s"
        )
    print(
        "tasks s: the start of ansible-playbook plus the busiest region's module and controller-only tasks, each at "
        "what one such task costs when every region host runs it at once (measured below)"
    )
    for result in results:
        costs = result["task_costs"]
        print(
            f"{result['label']}: start {costs['start_seconds']:.2f} s, "
            f"a module task {costs['module_task_seconds']:.2f} s as a process and "
            f"{costs['in_process_task_seconds']:.2f} s in the worker process, "
            f"a controller-only task {costs['controller_task_seconds']:.3f} s"
        )
    for result in results:
        noop = result["runs"]["no-op"]
        if noop.get("api_calls_per_resource") is not None:
            counted = noop["deployed_resources"]
            print(
                f"{result['label']}: no-op API calls per deployed resource {noop['api_calls_per_resource']:.2f} "
                f"({noop['api_calls']} calls, {counted['managed']} resources the deployment manages; "
                f"{noop['api_calls_per_tagged_resource']:.2f} per resource the tagging API lists, {counted['tagged']})"
            )
        for name, r in result["runs"].items():
            if r["bound_failed_replays"]:
                examples = r["bound_failed_examples"]
                print(f"{result['label']} {name}: replays answered otherwise than recorded: {examples}")
    for note in notes:
        print(note)
    print(f"load average at the end: {report['load_average_at_end']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

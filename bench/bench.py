"""Benchmark: deploy every region of inventories/local to a fresh local endpoint, then run again (a no-op).

For each run it reports the wall time, the number of tasks (task x host results) and the number of AWS API
calls (moto's recorder counts every request the endpoint received), and a lower bound: the time it takes
to send the same recorded requests again, over one keep-alive HTTP session, to a fresh endpoint (no
Ansible, no SDK serialisation: the floor any tool making these calls could reach). The ratio of each run to
its bound says how much is orchestration overhead.

    .venv/bin/python bench/bench.py [--inventory inventories/local] [--runs 1]

Results: a table on stdout and bench/results/bench.json. It is a benchmark, not a test: nothing here fails
on a time.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
_spec = importlib.util.spec_from_file_location("local_endpoint", ROOT / "tools" / "local_endpoint.py")
local_endpoint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(local_endpoint)

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def recorder(url: str, action: str) -> str:
    response = requests.request(
        "GET" if action == "download-recording" else "POST", f"{url}/moto-api/recorder/{action}", timeout=60
    )
    response.raise_for_status()
    return response.text


def run_playbook(url: str, inventory: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CREDENTIALS)
    env.update(
        {
            "AWS_ENDPOINT_URL": url,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        }
    )
    started = time.perf_counter()
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "site.yml", "-i", inventory],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"site.yml failed ({completed.returncode}):\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}"
        )
    data = json.loads(completed.stdout[completed.stdout.index("{") :])
    results = [r for play in data["plays"] for task in play["tasks"] for r in task["hosts"].values()]
    return {
        "seconds": elapsed,
        "task_results": len(results),
        "tasks_executed": sum(1 for r in results if not r.get("skipped")),
        "changed": sum(s["changed"] for s in data["stats"].values()),
    }


def api_calls(recording: str) -> list[dict]:
    return [json.loads(line) for line in recording.splitlines() if line.strip()]


def service_of(entry: dict) -> str:
    auth = entry.get("headers", {}).get("Authorization", "")
    # Credential=KEY/DATE/REGION/SERVICE/aws4_request
    if "Credential=" in auth:
        return auth.split("Credential=")[1].split("/")[3]
    return "unsigned"


def replay(url: str, entries: list[dict]) -> tuple[float, int]:
    """Send the recorded requests to ``url`` in order over one session; (seconds, error answers)."""
    session = requests.Session()
    errors = 0
    started = time.perf_counter()
    for entry in entries:
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body)
        path = entry["url"].split("://", 1)[1].split("/", 1)
        target = f"{url}/{path[1] if len(path) > 1 else ''}"
        headers = {
            k: v
            for k, v in entry["headers"].items()
            if k.lower() not in ("transfer-encoding", "content-length", "host")
        }
        response = session.request(entry["method"], target, headers=headers, data=body, timeout=60)
        errors += response.status_code >= 400
    return time.perf_counter() - started, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory", default="inventories/local")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        os.environ["MOTO_ENABLE_RECORDING"] = "True"
        os.environ["MOTO_RECORDER_FILEPATH"] = str(tmp_path / "recording.jsonl")
        recorded = local_endpoint.start(tmp_path / "recorded.json")
        try:
            runs = {}
            recordings = {}
            for name in ("first deploy", "second run (no-op)"):
                recorder(recorded["url"], "reset-recording")
                runs[name] = run_playbook(recorded["url"], args.inventory)
                recordings[name] = api_calls(recorder(recorded["url"], "download-recording"))
        finally:
            local_endpoint.stop(tmp_path / "recorded.json")
            del os.environ["MOTO_ENABLE_RECORDING"]

        fresh = local_endpoint.start(tmp_path / "fresh.json")
        try:
            for name, entries in recordings.items():
                seconds, errors = replay(fresh["url"], entries)
                runs[name].update(
                    {
                        "api_calls": len(entries),
                        "api_calls_by_service": dict(Counter(service_of(e) for e in entries).most_common()),
                        "bound_seconds": seconds,
                        "bound_error_answers": errors,
                        "ratio": runs[name]["seconds"] / seconds if seconds else None,
                    }
                )
        finally:
            local_endpoint.stop(tmp_path / "fresh.json")

    report = {
        "inventory": args.inventory,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "runs": runs,
        "bound": "the recorded API requests replayed in order over one keep-alive HTTP session to a fresh endpoint",
    }
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2) + "\n")

    header = f"{'run':<20} {'wall s':>8} {'tasks':>6} {'changed':>8} {'API calls':>10} {'bound s':>8} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, r in runs.items():
        print(
            f"{name:<20} {r['seconds']:>8.1f} {r['tasks_executed']:>6} {r['changed']:>8} {r['api_calls']:>10} "
            f"{r['bound_seconds']:>8.2f} {r['ratio']:>6.0f}x"
        )
    print(f"\nbound: {report['bound']}; JSON: {(RESULTS / 'bench.json').relative_to(ROOT)}")
    for name, r in runs.items():
        print(
            f"{name}: calls by service {r['api_calls_by_service']}; replayed error answers {r['bound_error_answers']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

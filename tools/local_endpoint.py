"""Start and stop the local AWS-compatible endpoint (moto in server mode) on 127.0.0.1.

One endpoint serves every region: the region comes from each request's signature.

    python tools/local_endpoint.py start [--state FILE] [--port N]   # prints the URL; records pid and URL in FILE
    python tools/local_endpoint.py url   [--state FILE]
    python tools/local_endpoint.py stop  [--state FILE]

The Makefile, the pytest fixtures (``start()``/``stop()``) and molecule's create/destroy playbooks all use
this file. It only ever binds to and talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_STATE = Path(__file__).resolve().parent.parent / ".local-endpoint.json"
# moto marks a requested ACM certificate ISSUED after this many seconds (60 by default); it attaches AWS managed
# IAM policies (AWS Backup's service role policies) only when it has loaded them.
DEFAULT_ENV = {"MOTO_ACM_VALIDATION_WAIT": "1", "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        # The server's configuration: a few bytes, where data.json would dump every resource it holds.
        with urllib.request.urlopen(f"{url}/moto-api/config", timeout=5) as response:
            return response.status in (200, 201)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _moto_server() -> str:
    candidate = Path(sys.executable).with_name("moto_server")
    return str(candidate) if candidate.exists() else "moto_server"


def start(
    state: Path = DEFAULT_STATE,
    port: int | None = None,
    timeout: float = 30.0,
    log: Path | None = None,
    server: list[str] | None = None,
) -> dict:
    """Start moto_server, wait until it answers, record ``{"pid", "url"}`` in ``state`` and return it.

    ``server``: the command that runs the server instead of moto_server (it takes the same ``-H HOST -p PORT``);
    the benchmark's recording server is one."""
    existing = read_state(state)
    if existing and _answers(existing["url"]):
        return existing
    port = port or free_port()
    url = f"http://{HOST}:{port}"
    state.parent.mkdir(parents=True, exist_ok=True)
    log = log or state.with_suffix(".log")
    env = {**os.environ, **{k: v for k, v in DEFAULT_ENV.items() if k not in os.environ}}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [*(server or [_moto_server()]), "-H", HOST, "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}; see {log}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto_server did not answer on {url} within {timeout} s; see {log}")
        time.sleep(0.1)  # polling a starting process; not test synchronisation
    info = {"pid": process.pid, "url": url, "log": str(log)}
    state.write_text(json.dumps(info))
    return info


def read_state(state: Path = DEFAULT_STATE) -> dict | None:
    try:
        return json.loads(state.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _exited(pid: int) -> bool:
    """True once ``pid`` is gone; reaps it when it is this process's own child (else it lingers as a zombie)."""
    try:
        reaped = os.waitpid(pid, os.WNOHANG)[0]
        return reaped == pid
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _is_endpoint(pid: int) -> bool:
    """False when ``pid`` now belongs to another program: a state file left by a stopped run (or a reboot) may name
    a pid that has since been reused, and that process group must not be signalled."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # no /proc to ask (not Linux): trust the state file
    # An exited child of this process that is not reaped yet has an empty command line: ours to reap.
    return not cmdline or b"moto" in cmdline


def stop(state: Path = DEFAULT_STATE, timeout: float = 10.0) -> bool:
    """Stop the endpoint recorded in ``state`` by its pid. True when one was running."""
    info = read_state(state)
    if not info:
        return False
    pid = info["pid"]
    stopped = False
    if Path("/proc").is_dir() and not _is_endpoint(pid):
        state.unlink(missing_ok=True)
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
        stopped = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _exited(pid):
                break
            time.sleep(0.05)
        else:
            os.killpg(pid, signal.SIGKILL)
            _exited(pid)
    except ProcessLookupError:
        pass
    state.unlink(missing_ok=True)
    return stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="where the pid and URL are recorded")
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.state, args.port)["url"])
    elif args.action == "url":
        info = read_state(args.state)
        if not info:
            print(f"no endpoint recorded in {args.state}", file=sys.stderr)
            return 1
        print(info["url"])
    else:
        stop(args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""tools/local_endpoint.py: what a state file left by a stopped run may and may not do."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("local_endpoint", ROOT / "tools" / "local_endpoint.py")
local_endpoint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(local_endpoint)


def test_stop_never_signals_a_process_that_is_not_the_endpoint(tmp_path):
    # A stale state file whose pid now belongs to another program (pid reuse after the endpoint died).
    other = subprocess.Popen(
        [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert other.stdout.readline().strip() == "ready"  # it runs its own program now
    try:
        state = tmp_path / "endpoint.json"
        state.write_text(json.dumps({"pid": other.pid, "url": "http://127.0.0.1:1"}))
        assert local_endpoint.stop(state) is False
        assert other.poll() is None, "stop() killed a process that was not the endpoint"
        assert not state.exists()
    finally:
        other.kill()
        other.wait()


def test_stop_of_a_dead_endpoint_only_clears_the_state(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    state = tmp_path / "endpoint.json"
    state.write_text(json.dumps({"pid": gone.pid, "url": "http://127.0.0.1:1"}))
    assert local_endpoint.stop(state) is False
    assert not state.exists()


def test_start_replaces_a_recorded_endpoint_that_does_not_answer(tmp_path):
    state = tmp_path / "endpoint.json"
    port = local_endpoint.free_port()
    state.write_text(json.dumps({"pid": 1, "url": f"http://127.0.0.1:{port}"}))
    info = local_endpoint.start(state)
    try:
        assert local_endpoint._answers(info["url"])
        assert json.loads(state.read_text())["pid"] == info["pid"]
    finally:
        assert local_endpoint.stop(state) is True
    assert not local_endpoint._answers(info["url"])

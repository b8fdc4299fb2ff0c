"""Test doubles for the prober: a health server on 127.0.0.1 that fails and recovers on cue, a scripted resolver,
and a scripted clock. None of them sleeps."""

from __future__ import annotations

import datetime
import http.server
import threading
from collections.abc import Callable

T0 = datetime.datetime(2026, 12, 6, 10, 0, 0, tzinfo=datetime.UTC)


class HealthServer:
    """A thread-based HTTP server answering GET /health with 200, or 503 while it is failing.

    It fails when ``failing`` (an Event the test sets and clears) is set, or for the request numbers (1-based) in
    ``fail_requests``. ``requests`` counts what it served.
    """

    def __init__(self, fail_requests: set[int] | None = None) -> None:
        self.fail_requests = set(fail_requests or ())
        self.failing = threading.Event()
        self.requests = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with outer._lock:
                    outer.requests += 1
                    number = outer.requests
                bad = outer.failing.is_set() or number in outer.fail_requests
                body = b"unhealthy" if bad else b"ok"
                self.send_response(503 if bad else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/health"

    def __enter__(self) -> HealthServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class ScriptedResolver:
    """Answers the n-th query (1-based) with ``script(n, name_server)``: a list of values, or an exception to raise."""

    def __init__(self, script: Callable[[int, str], object]) -> None:
        self.script = script
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, name: str, rdtype: str, name_server: str, timeout: float) -> list[str]:
        self.calls.append((name, rdtype, name_server))
        answer = self.script(len(self.calls), name_server)
        if isinstance(answer, Exception):
            raise answer
        return list(answer)


class ScriptedClock:
    """Monotonic and wall time that move only when the prober sleeps; ``cues`` run when their time is reached."""

    def __init__(self, cues: dict[float, Callable[[], None]] | None = None) -> None:
        self.elapsed = 0.0
        self.sleeps: list[float] = []
        self.cues = dict(cues or {})

    def now(self) -> float:
        return self.elapsed

    def wall(self) -> datetime.datetime:
        return T0 + datetime.timedelta(seconds=self.elapsed)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed = round(self.elapsed + seconds, 6)
        for at in sorted(list(self.cues)):
            if at <= self.elapsed:
                self.cues.pop(at)()


def at(seconds: float) -> str:
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat(timespec="milliseconds")

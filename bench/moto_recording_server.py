"""moto's server, run exactly as ``moto_server`` runs it, with one WSGI layer in front that records every request
and the answer it got (status and body), for the benchmark's replay.

    python bench/moto_recording_server.py -H 127.0.0.1 -p PORT

Set ``BENCH_RECORDING`` to the JSON-lines file to append to (nothing is recorded without it). An entry is written
when its answer is complete, so a request that names an id always comes after the answer that returned that id.
moto's own recorder keeps requests only; the answers are what let the replay map the ids a fresh endpoint returns
into the requests that follow (bench/replay.py).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.moto_server.werkzeug_app import MotoRequestHandler
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.serving import run_simple


def _encode(data: bytes) -> dict:
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


class Recording:
    """WSGI middleware: pass each request to moto, keep the request and its complete answer."""

    def __init__(self, app, path: str | None) -> None:
        self.app = app
        self.path = path
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not self.path or environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self.app(environ, start_response)
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = environ["wsgi.input"].read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = environ["wsgi.input"].read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        answer: dict = {}

        def recording_start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        iterable = self.app(environ, recording_start_response)
        try:
            chunks = list(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key[:5] == "HTTP_"}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        query = environ.get("QUERY_STRING")
        path = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        path = path or environ["PATH_INFO"] + (f"?{query}" if query else "")
        entry = {
            "method": environ["REQUEST_METHOD"],
            "path": path,
            "headers": headers,
            "body": _encode(body),
            "status": answer.get("status"),
            "answer": _encode(b"".join(chunks)),
        }
        line = json.dumps(entry) + "\n"
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(line)
        return chunks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    run_simple(
        args.host,
        args.port,
        Recording(app, os.environ.get("BENCH_RECORDING")),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()

"""Send recorded requests again, in order, over one keep-alive HTTP session: the floor any tool making the same API
calls could reach (no Ansible, no SDK serialisation).

    python bench/replay.py RECORDING URL RESULT

RECORDING: the JSON lines bench/moto_recording_server.py wrote (each request with the answer it got). RESULT: a JSON
file this writes: the seconds spent waiting on the endpoint, and the requests whose status differs from the
recorded one.

Ids: a fresh endpoint returns ids of its own (a VPC, a KMS key, a REST API...). After each answer, the tokens of the
recorded answer and of the new one are paired in order, and every recorded id that changed is rewritten in the
requests that follow (their path and body). Against the state a recording was made on, nothing changes and nothing
is rewritten. It runs in a process of its own so it never shares an interpreter with the endpoint.
"""

from __future__ import annotations

import base64
import difflib
import json
import re
import sys
import time
from pathlib import Path

import requests

# A token: a run of letters, digits and dashes; a %XX escape is a separator (ids inside URL-encoded ARNs).
TOKEN = re.compile(r"%[0-9A-Fa-f]{2}|[A-Za-z0-9\-]+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SKIP_HEADERS = {"content-length", "transfer-encoding", "host", "connection"}


def tokens(text: str) -> list[str]:
    return [t for t in TOKEN.findall(text) if not t.startswith("%")]


def is_id(token: str) -> bool:
    """Worth mapping: long enough to be generated, not a number, a date or a time."""
    return len(token) >= 6 and not token.isdigit() and not DATE.match(token)


def learn(recorded: str, answered: str, mapping: dict[str, str]) -> None:
    """Pair the tokens of the recorded answer and of the new one; record the ids that changed."""
    old, new = tokens(recorded), tokens(answered)
    if old == new:
        return
    if len(old) == len(new):
        pairs = zip(old, new, strict=True)
    else:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        pairs = (
            pair
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag == "replace" and i2 - i1 == j2 - j1
            for pair in zip(old[i1:i2], new[j1:j2], strict=True)
        )
    for before, after in pairs:
        if before != after and is_id(before):
            mapping[before] = after


def rewrite(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    return TOKEN.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def decode(part: dict) -> tuple[str | None, bytes]:
    if "text" in part:
        return part["text"], part["text"].encode("utf-8")
    return None, base64.b64decode(part["base64"])


def replay(entries: list[dict], url: str) -> dict:
    session = requests.Session()
    mapping: dict[str, str] = {}
    waited = 0.0
    differing = []
    for entry in entries:
        text, raw = decode(entry["body"])
        body = rewrite(text, mapping).encode("utf-8") if text is not None else raw
        headers = {k: v for k, v in entry["headers"].items() if k.lower() not in SKIP_HEADERS}
        target = url + rewrite(entry["path"], mapping)
        started = time.perf_counter()
        response = session.request(entry["method"], target, headers=headers, data=body, timeout=120)
        waited += time.perf_counter() - started
        answered = response.content
        recorded_text, _recorded_raw = decode(entry["answer"])
        if recorded_text is not None:
            learn(recorded_text, answered.decode("utf-8", "replace"), mapping)
        if response.status_code != entry["status"]:
            operation = headers.get("X-Amz-Target") or entry["path"].split("?", 1)[0][:60]
            action = re.search(r"(?:^|&)Action=([A-Za-z0-9]+)", text or "")
            differing.append(
                f"{entry['method']} {operation}{' ' + action.group(1) if action else ''}: "
                f"{response.status_code}, recorded {entry['status']}"
            )
    return {"seconds": waited, "requests": len(entries), "differing": differing, "ids_mapped": len(mapping)}


def main(argv: list[str]) -> int:
    recording, url, result = argv
    entries = [json.loads(line) for line in Path(recording).read_text().splitlines() if line.strip()]
    Path(result).write_text(json.dumps(replay(entries, url.rstrip("/"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

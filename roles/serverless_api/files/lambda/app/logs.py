"""Structured JSON logs, one object per line on stdout (CloudWatch Logs keeps each line as one event)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import TextIO

_ORDER = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


class JsonLogger:
    """Writes ``{"timestamp", "level", "message", ...fields}`` lines; ``bind`` adds fields to every line."""

    def __init__(self, level: str = "INFO", stream: TextIO | None = None, **fields: Any) -> None:
        self.level = level if level in _ORDER else "INFO"
        self._stream = stream
        self._fields = fields

    def bind(self, **fields: Any) -> JsonLogger:
        return JsonLogger(self.level, self._stream, **{**self._fields, **fields})

    def debug(self, message: str, **fields: Any) -> None:
        self._log("DEBUG", message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._log("INFO", message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._log("WARNING", message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._log("ERROR", message, fields)

    def _log(self, level: str, message: str, fields: dict[str, Any]) -> None:
        if _ORDER[level] < _ORDER[self.level]:
            return
        record: dict[str, Any] = {
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "message": message,
        }
        trace = os.environ.get("_X_AMZN_TRACE_ID")
        if trace:
            record["xray_trace_id"] = trace
        record.update(self._fields)
        record.update(fields)
        # The stream is looked up at write time so a replaced sys.stdout (the runtime's, a test's) is honoured.
        stream = self._stream or sys.stdout
        stream.write(json.dumps(record, default=str, separators=(",", ":")) + "\n")
        stream.flush()

"""Settings read from the function's environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_HASH_KEY = "pk"
DEFAULT_HEALTHCHECK_TIMEOUT_SECONDS = 2.0
DEFAULT_MAX_ITEM_BYTES = 16 * 1024
# DynamoDB caps an item at 400 KB including attribute names and the key; keep headroom for the
# metadata attributes this service adds.
MAX_ITEM_BYTES_LIMIT = 384 * 1024
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """The function's environment is incomplete or invalid."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    region: str
    hash_key: str = DEFAULT_HASH_KEY
    healthcheck_timeout: float = DEFAULT_HEALTHCHECK_TIMEOUT_SECONDS
    max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        table_name = env.get("TABLE_NAME", "").strip()
        if not table_name:
            raise ConfigError("TABLE_NAME is not set")
        region = env.get("AWS_REGION", "").strip() or env.get("AWS_DEFAULT_REGION", "").strip()
        if not region:
            raise ConfigError("AWS_REGION is not set")
        hash_key = env.get("TABLE_HASH_KEY", "").strip() or DEFAULT_HASH_KEY
        timeout = _number(env, "HEALTHCHECK_TIMEOUT_SECONDS", DEFAULT_HEALTHCHECK_TIMEOUT_SECONDS, float, 0.1, 30.0)
        max_bytes = _number(env, "MAX_ITEM_BYTES", DEFAULT_MAX_ITEM_BYTES, int, 1, MAX_ITEM_BYTES_LIMIT)
        # LOG_LEVEL wins over the level Lambda's advanced logging controls set, so a deployment can be explicit.
        level = (env.get("LOG_LEVEL") or env.get("AWS_LAMBDA_LOG_LEVEL") or "INFO").strip().upper()
        if level == "WARN":
            level = "WARNING"
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return cls(
            table_name=table_name,
            region=region,
            hash_key=hash_key,
            healthcheck_timeout=timeout,
            max_item_bytes=max_bytes,
            log_level=level,
        )


def _number(env: Mapping[str, str], name: str, default, kind, low, high):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {raw!r}")
    return value

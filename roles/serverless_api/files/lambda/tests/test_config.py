from __future__ import annotations

import pytest
from app.config import ConfigError
from app.config import Settings

BASE = {"TABLE_NAME": "items", "AWS_REGION": "eu-central-1"}


def test_defaults():
    settings = Settings.from_env(BASE)
    assert settings == Settings(
        table_name="items",
        region="eu-central-1",
        hash_key="pk",
        healthcheck_timeout=2.0,
        max_item_bytes=16384,
        log_level="INFO",
    )


def test_every_setting_from_env():
    settings = Settings.from_env(
        {
            **BASE,
            "TABLE_HASH_KEY": "primary_key",
            "HEALTHCHECK_TIMEOUT_SECONDS": "0.5",
            "MAX_ITEM_BYTES": "2048",
            "LOG_LEVEL": "debug",
        }
    )
    assert (settings.hash_key, settings.healthcheck_timeout, settings.max_item_bytes, settings.log_level) == (
        "primary_key",
        0.5,
        2048,
        "DEBUG",
    )


def test_lambda_log_level_is_used_when_log_level_is_absent():
    assert Settings.from_env({**BASE, "AWS_LAMBDA_LOG_LEVEL": "WARN"}).log_level == "WARNING"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"AWS_REGION": "eu-west-1"}, "TABLE_NAME is not set"),
        ({"TABLE_NAME": "  ", "AWS_REGION": "eu-west-1"}, "TABLE_NAME is not set"),
        ({"TABLE_NAME": "items"}, "AWS_REGION is not set"),
        ({**BASE, "HEALTHCHECK_TIMEOUT_SECONDS": "fast"}, "HEALTHCHECK_TIMEOUT_SECONDS must be a number"),
        ({**BASE, "HEALTHCHECK_TIMEOUT_SECONDS": "0"}, "HEALTHCHECK_TIMEOUT_SECONDS must be between"),
        ({**BASE, "HEALTHCHECK_TIMEOUT_SECONDS": "60"}, "HEALTHCHECK_TIMEOUT_SECONDS must be between"),
        ({**BASE, "MAX_ITEM_BYTES": "1.5"}, "MAX_ITEM_BYTES must be a number"),
        ({**BASE, "MAX_ITEM_BYTES": "0"}, "MAX_ITEM_BYTES must be between"),
        ({**BASE, "MAX_ITEM_BYTES": "500000"}, "MAX_ITEM_BYTES must be between"),
        ({**BASE, "LOG_LEVEL": "chatty"}, "LOG_LEVEL must be one of"),
    ],
)
def test_invalid_environment(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)

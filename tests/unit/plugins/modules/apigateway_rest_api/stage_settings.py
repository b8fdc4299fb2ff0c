"""The stage's method settings as GetStage returns them for the tests' settings."""

from __future__ import annotations

AWS_SETTINGS = {
    "loggingLevel": "INFO",
    "dataTraceEnabled": False,
    "metricsEnabled": True,
    "throttlingBurstLimit": 200,
    "throttlingRateLimit": 100.0,
    "cachingEnabled": False,
    "cacheTtlInSeconds": 300,
    "cacheDataEncrypted": False,
    "requireAuthorizationForCacheControl": True,
    "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
}

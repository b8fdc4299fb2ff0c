# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Worst-case DNS failover time of Route 53 health checks and records, and its check against the Region RTO.

The model (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"):

- Each health checker sends a request every ``interval`` seconds, counted from the endpoint's last response.
  An HTTPS check fails when the TCP connection is not made within 4 s or the status does not come within
  2 s of it: a failing check costs up to ``interval + check_timeout`` seconds (``check_timeout`` = 6 s).
- A checker declares the endpoint unhealthy after ``threshold`` consecutive failures. In the worst case the
  failure begins just after a successful check, so one checker needs ``threshold * (interval + check_timeout)``.
- Route 53 aggregates the checkers: the check is healthy while more than 18% of them report healthy, and
  unhealthy once 18% or fewer do. The checkers are not coordinated, but each one is bounded by the time above,
  so the last checker needed to cross the 18% line also flips within it. ``aggregation`` is an allowance for
  Route 53 to gather the checkers' reports and give its name servers the new status; AWS publishes no figure
  for it.
- Resolvers keep the previous answer for the record's TTL. Alias records carry the TTL of their target
  (60 s for API Gateway regional domain names), plus ``resolver_extra`` for resolvers and clients that keep
  answers past their TTL.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from typing import Optional

import yaml

# HTTPS health checks: 4 s to connect, then 2 s for the HTTP status (Route 53 Developer Guide).
HTTPS_CHECK_TIMEOUT = 6
DEFAULT_AGGREGATION = 10
REQUEST_INTERVALS = (10, 30)
FAILURE_THRESHOLDS = range(1, 11)

# The role's variables, in the order of the formula. Their defaults have one owner, the role's defaults file.
SETTINGS = (
    "dns_failover_health_check_request_interval",
    "dns_failover_health_check_failure_threshold",
    "dns_failover_alias_target_ttl",
    "dns_failover_health_check_aggregation_seconds",
    "dns_failover_resolver_cache_seconds",
)
ROLE_DEFAULTS = Path(__file__).resolve().parents[2] / "roles" / "dns_failover" / "defaults" / "main.yml"


@lru_cache(maxsize=1)
def role_defaults() -> dict[str, Any]:
    """The dns_failover role's defaults of SETTINGS, read from roles/dns_failover/defaults/main.yml."""
    defaults = yaml.safe_load(ROLE_DEFAULTS.read_text(encoding="utf-8")) or {}
    return {name: defaults.get(name) for name in SETTINGS}


def _whole_seconds(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number of seconds")
    number = int(value)
    if number != float(value):
        raise ValueError(f"{value!r} is not a whole number of seconds")
    return number


def failover_time(
    interval: Any,
    threshold: Any,
    ttl: Any,
    aggregation: Any = DEFAULT_AGGREGATION,
    resolver_extra: Any = 0,
    check_timeout: Any = HTTPS_CHECK_TIMEOUT,
) -> dict[str, Any]:
    """The worst-case seconds from a Region's failure until clients stop using it, part by part."""
    interval, threshold, ttl = _whole_seconds(interval), _whole_seconds(threshold), _whole_seconds(ttl)
    aggregation, resolver_extra = _whole_seconds(aggregation), _whole_seconds(resolver_extra)
    check_timeout = _whole_seconds(check_timeout)
    detection = threshold * (interval + check_timeout)
    dns = ttl + resolver_extra
    total = detection + aggregation + dns
    return {
        "request_interval": interval,
        "failure_threshold": threshold,
        "check_timeout": check_timeout,
        "detection": detection,
        "aggregation": aggregation,
        "ttl": ttl,
        "resolver_extra": resolver_extra,
        "dns": dns,
        "total": total,
        "formula": (
            f"{threshold} x ({interval} s interval + {check_timeout} s check timeout) = {detection} s detection"
            f" + {aggregation} s aggregation + {ttl} s TTL + {resolver_extra} s resolver caching = {total} s"
        ),
    }


def _setting(settings: dict, name: str) -> Any:
    value = settings.get(name)
    return role_defaults()[name] if value is None or value == "" else value


def failover_rto_errors(
    settings: Optional[dict], region_rto_seconds: Any, rto_variable: str = "deployment_region_rto_seconds"
) -> list[str]:
    """Every problem with the DNS failover settings, each naming its variable; [] when they meet the Region RTO.

    ``settings`` maps the role's variable names (see SETTINGS) to values; a missing or empty one takes the
    role's default (roles/dns_failover/defaults/main.yml). The preflight and the role call this through the role's
    tasks/validate.yml, which passes every setting.
    """
    settings = dict(settings or {})
    errors: list[str] = []
    values: dict[str, int] = {}
    for name in SETTINGS:
        raw = _setting(settings, name)
        try:
            values[name] = _whole_seconds(raw)
        except (TypeError, ValueError):
            errors.append(f"{name}={raw!r} must be a whole number")
            continue
        if values[name] < 0:
            errors.append(f"{name}={raw!r} must not be negative")
    interval = values.get("dns_failover_health_check_request_interval")
    if interval is not None and interval not in REQUEST_INTERVALS:
        errors.append(
            f"dns_failover_health_check_request_interval={interval} must be 10 or 30: Route 53 supports no other"
        )
    threshold = values.get("dns_failover_health_check_failure_threshold")
    if threshold is not None and threshold not in FAILURE_THRESHOLDS:
        errors.append(f"dns_failover_health_check_failure_threshold={threshold} must be between 1 and 10")
    try:
        rto = _whole_seconds(region_rto_seconds)
    except (TypeError, ValueError):
        errors.append(f"{rto_variable}={region_rto_seconds!r} must be a whole number of seconds")
        return errors
    if rto <= 0:
        errors.append(f"{rto_variable}={rto} must be positive")
    if errors:
        return errors

    time = failover_time(
        values["dns_failover_health_check_request_interval"],
        values["dns_failover_health_check_failure_threshold"],
        values["dns_failover_alias_target_ttl"],
        aggregation=values["dns_failover_health_check_aggregation_seconds"],
        resolver_extra=values["dns_failover_resolver_cache_seconds"],
    )
    if time["total"] > rto:
        errors.append(
            f"the worst-case DNS failover time, {time['total']} s, exceeds the Region RTO {rto_variable}={rto}: "
            f"dns_failover_health_check_failure_threshold={threshold} x "
            f"(dns_failover_health_check_request_interval={interval} s + {time['check_timeout']} s check timeout)"
            f" + dns_failover_health_check_aggregation_seconds={time['aggregation']} s"
            f" + dns_failover_alias_target_ttl={time['ttl']} s"
            f" + dns_failover_resolver_cache_seconds={time['resolver_extra']} s"
        )
    return errors


def health_check_target(
    api_outputs: Optional[dict], region: str, path: Optional[str] = None, dns_suffix: str = "amazonaws.com"
) -> dict:
    """Where a Region's health check sends its requests: the API's own execute-api host and stage.

    ``{"fqdn": "<api_id>.execute-api.<region>.<suffix>", "resource_path": "/<stage><health_check_path>"}``,
    from ``serverless_api_outputs`` (its ``invoke_url`` when set, else ``api_id`` and ``stage_name``); ``path``,
    when given, replaces its ``health_check_path``.
    The shared API name would be answered by whichever Region DNS picks; this host is the Region's own stack.
    """
    from urllib.parse import urlsplit

    outputs = api_outputs or {}
    path = str(path or outputs.get("health_check_path") or "/healthcheck")
    if not path.startswith("/"):
        path = "/" + path
    stage = str(outputs.get("stage_name") or "").strip("/")
    invoke_url = outputs.get("invoke_url") or ""
    if invoke_url:
        parts = urlsplit(invoke_url)
        fqdn = parts.hostname or ""
        base = parts.path.rstrip("/")
    else:
        api_id = outputs.get("api_id") or ""
        fqdn = f"{api_id}.execute-api.{region}.{dns_suffix}" if api_id else ""
        base = f"/{stage}" if stage else ""
    return {"fqdn": fqdn, "resource_path": f"{base}{path}", "port": 443}


def region_plan(
    hosts: list,
    hostvars: Any,
    name: str,
    weights: Optional[dict] = None,
    default_weight: Any = 100,
    primary_region: Optional[str] = None,
    health_check_path: Optional[str] = None,
) -> list[dict]:
    """One entry per region host: its alias target, weight, failover role, health check and alarm names.

    ``hostvars`` maps each host to its variables (``aws_region``, ``serverless_api_outputs``).
    """
    weights = dict(weights or {})
    regions = [str((hostvars[host].get("aws_region") if hostvars[host] else None) or host) for host in hosts]
    primary = primary_region or (regions[0] if regions else "")
    plan = []
    for host, region in zip(hosts, regions):
        variables = hostvars[host] or {}
        outputs = variables.get("serverless_api_outputs")
        target = health_check_target(outputs, region, health_check_path)
        outputs = outputs or {}
        plan.append(
            {
                "host": host,
                "region": region,
                "has_outputs": bool(variables.get("serverless_api_outputs") is not None),
                "regional_domain_name": outputs.get("regional_domain_name") or "",
                "regional_hosted_zone_id": outputs.get("regional_hosted_zone_id") or "",
                "hosted_zone_id": outputs.get("hosted_zone_id") or "",
                "alarm_topic_arn": outputs.get("alarm_topic_arn") or "",
                "weight": int(weights.get(region, default_weight)),
                "failover": "PRIMARY" if region == primary else "SECONDARY",
                "health_check_name": f"{name}-api-{region}",
                "alarm_name": f"{name}-api-health-{region}",
                "fqdn": target["fqdn"],
                "resource_path": target["resource_path"],
            }
        )
    return plan


class FilterModule:
    def filters(self):
        return {
            "failover_time": failover_time,
            "failover_rto_errors": failover_rto_errors,
            "failover_region_plan": region_plan,
        }

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The RTO/RPO arithmetic of the DR drills: pure functions, no AWS call, no clock of their own.

- Times: ``parse_time`` (ISO 8601 string, epoch seconds or datetime -> aware UTC datetime), ``iso`` (the
  other way, millisecond precision) and ``seconds_between``.
- Statistics: ``percentile`` (linear interpolation between closest ranks, numpy's default) and
  ``lag_summary`` (p50, p99, max, count, missing of replication lags).
- Achieved values: ``achieved_rpo`` (restore request time minus the newest canary present in the restored
  table), ``achieved_rto`` (request to restored table ACTIVE and verified), ``region_rto`` (from the region
  failing to DNS no longer answering with it, plus the record TTL).
- Objectives: ``objective`` (status pass/fail/not_measured with its reason, and a finding when a measured time is
  above the computed worst case) and ``verdict`` over all of them.
- Probing: ``TransitionTracker`` turns timestamped probe observations into per-region transitions
  (failed, marked unhealthy, DNS withdrawn, recovered, marked healthy, DNS restored) and a timeline of changes.
"""

from __future__ import annotations

import datetime
import math
from typing import Any
from typing import Iterable
from typing import Optional
from typing import Union

UTC = datetime.UTC
TimeLike = Union[str, int, float, datetime.datetime]

PASS = "pass"
FAIL = "fail"
NOT_MEASURED = "not_measured"
STATUSES = (PASS, FAIL, NOT_MEASURED)
METRICS = ("rto", "rpo")


# ---- times -------------------------------------------------------------------------------------------------


def parse_time(value: TimeLike) -> datetime.datetime:
    """An aware UTC datetime from an ISO 8601 string (``Z`` accepted), epoch seconds or a datetime.

    A naive datetime or an ISO string without offset is taken as UTC.
    """
    if isinstance(value, datetime.datetime):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = datetime.datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            result = datetime.datetime.fromisoformat(text)
        except ValueError as e:
            raise ValueError(f"{value!r} is not an ISO 8601 date and time") from e
    else:
        raise ValueError(f"{value!r} is not a time")
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    return result.astimezone(UTC)


def iso(value: Optional[TimeLike]) -> Optional[str]:
    """ISO 8601 in UTC with milliseconds (``2026-12-06T10:00:00.123+00:00``); None stays None."""
    if value is None:
        return None
    return parse_time(value).isoformat(timespec="milliseconds")


def seconds_between(start: TimeLike, end: TimeLike) -> float:
    """``end - start`` in seconds (negative when ``end`` is earlier), rounded to the millisecond."""
    return round((parse_time(end) - parse_time(start)).total_seconds(), 3)


# ---- statistics --------------------------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> Optional[float]:
    """The ``p``-th percentile (0-100) of ``values`` by linear interpolation between closest ranks.

    This is numpy's default (``method='linear'``): p50 of [1, 2, 3, 4] is 2.5, p100 the maximum. None for no
    values.
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    value = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return round(value, 3)


def lag_summary(lags: Iterable[Optional[float]]) -> dict:
    """``{p50, p99, max, count, missing}`` of replication lags in seconds; None in ``lags`` is a missing item.

    ``count`` counts the measured lags; the statistics are None when nothing was measured.
    """
    lags = list(lags)
    values = [float(v) for v in lags if v is not None]
    missing = len(lags) - len(values)
    return {
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": round(max(values), 3) if values else None,
        "count": len(values),
        "missing": missing,
    }


# ---- achieved values ---------------------------------------------------------------------------------------


def newest(times: Iterable[Optional[TimeLike]]) -> Optional[datetime.datetime]:
    parsed = [parse_time(t) for t in times if t is not None]
    return max(parsed) if parsed else None


def achieved_rpo(requested_at: TimeLike, present_written_at: Iterable[Optional[TimeLike]]) -> Optional[float]:
    """Restore request time minus the newest canary present in the restored table, in seconds.

    That is the window of writes the restore lost, as far as the canaries can tell: every canary written after
    the newest one present is missing. None when no canary is present (nothing to measure against).
    """
    last = newest(present_written_at)
    if last is None:
        return None
    return seconds_between(last, requested_at)


def achieved_rto(
    requested_at: TimeLike, active_at: Optional[TimeLike], verified_at: Optional[TimeLike] = None
) -> Optional[float]:
    """From the restore request to the restored table ACTIVE and verified (the later of the two), in seconds.

    None when the table never became ACTIVE.
    """
    if active_at is None:
        return None
    end = parse_time(active_at)
    if verified_at is not None:
        end = max(end, parse_time(verified_at))
    return seconds_between(requested_at, end)


def region_rto(failed_at: Optional[TimeLike], dns_withdrawn_at: Optional[TimeLike], ttl: float) -> Optional[float]:
    """From the region failing to DNS no longer answering with it, plus the record TTL, in seconds.

    The TTL is added because a resolver that cached the answer just before the withdrawal keeps sending clients
    to the failed region for up to that long. None when either moment was not observed.
    """
    if failed_at is None or dns_withdrawn_at is None:
        return None
    if ttl < 0:
        raise ValueError(f"a TTL cannot be negative: {ttl}")
    return round(seconds_between(failed_at, dns_withdrawn_at) + float(ttl), 3)


# ---- objectives --------------------------------------------------------------------------------------------


def objective_status(target_seconds: Optional[float], achieved_seconds: Optional[float]) -> str:
    """pass when achieved <= target, fail when achieved > target, not_measured when either is unknown."""
    if achieved_seconds is None or target_seconds is None:
        return NOT_MEASURED
    return FAIL if float(achieved_seconds) > float(target_seconds) else PASS


def objective(
    objective_id: str,
    failure_domain: str,
    metric: str,
    target_seconds: Optional[float],
    achieved_seconds: Optional[float],
    reason: Optional[str] = None,
    worst_case_seconds: Optional[float] = None,
    not_measured: bool = False,
) -> dict:
    """One drill objective: its status and why.

    ``not_measured=True`` forces the status (the drill ran but its number means nothing here, e.g. a restore
    that did not honour the restore time); ``reason`` then says why and is required. A status of fail says by
    how much; a measured time above ``worst_case_seconds`` (what the design says cannot be exceeded) adds a
    ``finding``: the model behind the worst case is wrong, whatever the target.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, not {metric!r}")
    if not_measured or achieved_seconds is None:
        status = NOT_MEASURED
    else:
        status = objective_status(target_seconds, achieved_seconds)
    if status == NOT_MEASURED:
        why = reason or ("no target" if achieved_seconds is not None else "not measured")
    elif status == FAIL:
        why = reason or f"achieved {achieved_seconds:g} s exceeds the target of {target_seconds:g} s"
    else:
        why = reason or f"achieved {achieved_seconds:g} s is within the target of {target_seconds:g} s"
    finding = None
    if (
        status != NOT_MEASURED
        and worst_case_seconds is not None
        and float(achieved_seconds) > float(worst_case_seconds)
    ):
        finding = (
            f"measured {achieved_seconds:g} s is above the computed worst case of {worst_case_seconds:g} s:"
            " the worst-case model misses something"
        )
    return {
        "id": objective_id,
        "failure_domain": failure_domain,
        "metric": metric,
        "target_seconds": target_seconds,
        "achieved_seconds": None if status == NOT_MEASURED else achieved_seconds,
        # What was observed even when it does not count as a measurement (kept for the report's reader).
        "observed_seconds": achieved_seconds,
        "worst_case_seconds": worst_case_seconds,
        "status": status,
        "reason": why,
        "finding": finding,
    }


def verdict(objectives: Iterable[dict]) -> str:
    """fail when any objective failed; incomplete when any was not measured (or there are none); else pass."""
    statuses = [o.get("status") for o in objectives]
    if FAIL in statuses:
        return FAIL
    if not statuses or NOT_MEASURED in statuses:
        return "incomplete"
    return PASS


# ---- probing -----------------------------------------------------------------------------------------------

# For each source: the transition recorded when the region goes bad, and the one when it comes back.
_TRANSITIONS = {
    "http": ("failed_at", "recovered_at"),
    "route53": ("marked_unhealthy_at", "marked_healthy_at"),
    "dns": ("dns_withdrawn_at", "dns_restored_at"),
}
_EVENTS = {
    "http": ("up", "down"),
    "route53": ("healthy", "unhealthy"),
    "dns": ("answered", "withdrawn"),
}
TRANSITION_KEYS = (
    "failed_at",
    "marked_unhealthy_at",
    "dns_withdrawn_at",
    "recovered_at",
    "marked_healthy_at",
    "dns_restored_at",
)


class TransitionTracker:
    """Per-region transitions and a timeline of changes, fed one probe observation at a time.

    ``observe(time, source, region, ok)``: ``source`` is http, route53 or dns; ``ok`` True (up, healthy,
    answered), False, or None (the probe itself could not tell, e.g. the name server did not answer: no state
    change). The first bad observation of a source sets its "bad" transition (``failed_at`` for http) and the
    first good one after it the "back" transition; later flaps are in the timeline only.
    """

    def __init__(self, regions: Iterable[str]) -> None:
        self.regions = list(regions)
        self.transitions: dict[str, dict[str, Optional[str]]] = {
            r: {k: None for k in TRANSITION_KEYS} for r in self.regions
        }
        self.timeline: list[dict] = []
        self._state: dict[tuple[str, str], bool] = {}
        self._sources: dict[str, set] = {r: set() for r in self.regions}

    def observe(self, time: TimeLike, source: str, region: str, ok: Optional[bool], detail: str = "") -> None:
        if source not in _TRANSITIONS:
            raise ValueError(f"unknown probe source {source!r}")
        if region not in self.transitions:
            raise ValueError(f"unknown region {region!r}")
        self._sources[region].add(source)
        if ok is None:
            return
        key = (source, region)
        previous = self._state.get(key)
        if previous is ok:
            return
        self._state[key] = ok
        when = iso(time)
        good_event, bad_event = _EVENTS[source]
        self.timeline.append(
            {
                "time": when,
                "source": source,
                "region": region,
                "event": good_event if ok else bad_event,
                "detail": detail,
            }
        )
        bad_key, back_key = _TRANSITIONS[source]
        marks = self.transitions[region]
        if not ok and marks[bad_key] is None:
            marks[bad_key] = when
        elif ok and marks[bad_key] is not None and marks[back_key] is None:
            marks[back_key] = when

    def failed_regions(self) -> list[str]:
        return [r for r in self.regions if any(self.transitions[r][_TRANSITIONS[s][0]] for s in _TRANSITIONS)]

    def all_recovered(self) -> bool:
        """True once some region went bad and every source that went bad in any region has come back."""
        failed = self.failed_regions()
        if not failed:
            return False
        for region in failed:
            marks = self.transitions[region]
            for bad_key, back_key in _TRANSITIONS.values():
                if marks[bad_key] is not None and marks[back_key] is None:
                    return False
        return True


def region_answered(values: Iterable[str], expected: Iterable[str]) -> bool:
    """Whether a DNS answer (record values) includes any of the values that mean "this region is answered"."""
    have = {normalise_record_value(v) for v in values}
    return any(normalise_record_value(v) in have for v in expected)


def normalise_record_value(value: Any) -> str:
    """Record values compare without case and trailing dot (``Api.Example.com.`` == ``api.example.com``)."""
    return str(value).strip().rstrip(".").lower()


def route53_healthy(observations: Iterable[dict]) -> Optional[bool]:
    """Route 53's view of a health check from GetHealthCheckStatus's HealthCheckObservations.

    Route 53 considers an endpoint healthy when more than 18% of its health checkers report it healthy; each
    checker's StatusReport.Status starts with ``Success`` or ``Failure``. None when no checker reported.
    """
    statuses = [((o.get("StatusReport") or {}).get("Status") or "") for o in observations]
    if not statuses:
        return None
    healthy = sum(1 for s in statuses if s.startswith("Success"))
    return healthy / len(statuses) > 0.18

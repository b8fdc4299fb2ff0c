"""The RTO/RPO arithmetic of the DR drills (module_utils/_dr.py)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _dr

T0 = datetime.datetime(2026, 12, 6, 10, 0, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> str:
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-12-06T10:00:00Z", T0),
        ("2026-12-06T10:00:00+00:00", T0),
        ("2026-12-06T11:00:00+01:00", T0),
        ("2026-12-06T10:00:00", T0),
        (T0.timestamp(), T0),
        (T0.replace(tzinfo=None), T0),
    ],
)
def test_parse_time(value, expected):
    assert _dr.parse_time(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "", None, True])
def test_parse_time_rejects(value):
    with pytest.raises(ValueError):
        _dr.parse_time(value)


def test_iso_has_milliseconds_in_utc():
    assert _dr.iso("2026-12-06T11:00:00.1234+01:00") == "2026-12-06T10:00:00.123+00:00"
    assert _dr.iso(None) is None


@pytest.mark.parametrize(
    "values, p, expected",
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 50, 2.5),
        ([1, 2, 3, 4], 100, 4.0),
        ([1, 2, 3, 4], 0, 1.0),
        ([5], 99, 5.0),
        (list(range(1, 101)), 99, 99.01),
        ([0.1, 0.2, 10.0], 99, 9.804),
        ([], 50, None),
    ],
)
def test_percentile(values, p, expected):
    assert _dr.percentile(values, p) == expected


@pytest.mark.parametrize("p", [-1, 101])
def test_percentile_range(p):
    with pytest.raises(ValueError):
        _dr.percentile([1], p)


@pytest.mark.parametrize(
    "lags, expected",
    [
        ([0.5, 1.5, None], {"p50": 1.0, "p99": 1.49, "max": 1.5, "count": 2, "missing": 1}),
        ([None, None], {"p50": None, "p99": None, "max": None, "count": 0, "missing": 2}),
        ([], {"p50": None, "p99": None, "max": None, "count": 0, "missing": 0}),
        ((x for x in [2.0]), {"p50": 2.0, "p99": 2.0, "max": 2.0, "count": 1, "missing": 0}),
    ],
)
def test_lag_summary(lags, expected):
    assert _dr.lag_summary(lags) == expected


@pytest.mark.parametrize(
    "requested, present, expected",
    [
        # the newest present canary was written 42 s before the request
        (at(100), [at(10), at(58), None], 42.0),
        # a canary present that was written after the request (restore did not honour the time): negative
        (at(100), [at(101.5)], -1.5),
        (at(100), [], None),
        (at(100), [None], None),
    ],
)
def test_achieved_rpo(requested, present, expected):
    assert _dr.achieved_rpo(requested, present) == expected


@pytest.mark.parametrize(
    "requested, active, verified, expected",
    [
        (at(0), at(300), None, 300.0),
        (at(0), at(300), at(312.25), 312.25),
        (at(0), at(300), at(200), 300.0),
        (at(0), None, at(5), None),
    ],
)
def test_achieved_rto(requested, active, verified, expected):
    assert _dr.achieved_rto(requested, active, verified) == expected


@pytest.mark.parametrize(
    "failed, withdrawn, ttl, expected",
    [
        (at(0), at(95), 60, 155.0),
        (at(0), at(95), 0, 95.0),
        (None, at(95), 60, None),
        (at(0), None, 60, None),
    ],
)
def test_region_rto(failed, withdrawn, ttl, expected):
    assert _dr.region_rto(failed, withdrawn, ttl) == expected


def test_region_rto_rejects_negative_ttl():
    with pytest.raises(ValueError):
        _dr.region_rto(at(0), at(1), -1)


@pytest.mark.parametrize(
    "target, achieved, expected",
    [
        (300, 299.9, "pass"),
        (300, 300, "pass"),
        (300, 300.001, "fail"),
        (300, None, "not_measured"),
        (None, 5, "not_measured"),
    ],
)
def test_objective_status(target, achieved, expected):
    assert _dr.objective_status(target, achieved) == expected


def test_objective_fail_says_by_how_much_and_finding_above_worst_case():
    result = _dr.objective("region_rto", "region", "rto", 120, 170, worst_case_seconds=162)
    assert result["status"] == "fail"
    assert "170 s exceeds the target of 120 s" in result["reason"]
    assert "above the computed worst case of 162 s" in result["finding"]


def test_objective_pass_within_worst_case_has_no_finding():
    result = _dr.objective("region_rto", "region", "rto", 3600, 150, worst_case_seconds=162)
    assert result["status"] == "pass"
    assert result["finding"] is None


def test_objective_pass_above_worst_case_is_still_a_finding():
    result = _dr.objective("region_rto", "region", "rto", 3600, 170, worst_case_seconds=162)
    assert result["status"] == "pass"
    assert result["finding"]


def test_objective_not_measured_keeps_the_reason_and_the_observation():
    reason = "the local endpoint restores every item whatever the restore time"
    result = _dr.objective("pitr_rpo", "software", "rpo", 300, -3.2, reason=reason, not_measured=True)
    assert result["status"] == "not_measured"
    assert result["reason"] == reason
    assert result["achieved_seconds"] is None
    assert result["observed_seconds"] == -3.2
    assert result["finding"] is None


def test_objective_without_achieved_is_not_measured():
    result = _dr.objective("x", "software", "rto", 300, None)
    assert result["status"] == "not_measured"
    assert result["reason"] == "not measured"


def test_objective_rejects_unknown_metric():
    with pytest.raises(ValueError):
        _dr.objective("x", "software", "mttr", 300, 1)


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["pass", "pass"], "pass"),
        (["pass", "not_measured"], "incomplete"),
        (["fail", "not_measured"], "fail"),
        ([], "incomplete"),
    ],
)
def test_verdict(statuses, expected):
    assert _dr.verdict([{"status": s} for s in statuses]) == expected


@pytest.mark.parametrize(
    "values, expected, answered",
    [
        (["192.0.2.1", "192.0.2.2"], ["192.0.2.2"], True),
        (["192.0.2.1"], ["192.0.2.2"], False),
        (["API.example.com."], ["api.example.com"], True),
        ([], ["192.0.2.2"], False),
    ],
)
def test_region_answered(values, expected, answered):
    assert _dr.region_answered(values, expected) is answered


def obs(status):
    return {"Region": "us-east-1", "IPAddress": "192.0.2.9", "StatusReport": {"Status": status}}


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["Success: HTTP Status Code 200"] * 2 + ["Failure: Connection timed out"] * 8, True),  # 20% > 18%
        (["Success: HTTP Status Code 200"] * 1 + ["Failure: Connection timed out"] * 9, False),  # 10%
        (["Failure: HTTP Status Code 503"], False),
        ([], None),
    ],
)
def test_route53_healthy(statuses, expected):
    assert _dr.route53_healthy([obs(s) for s in statuses]) is expected


def test_tracker_records_a_failure_and_recovery_once():
    tracker = _dr.TransitionTracker(["eu-west-1", "eu-central-1"])
    script = [
        (0, "http", "eu-west-1", True),
        (0, "http", "eu-central-1", True),
        (0, "dns", "eu-west-1", True),
        (1, "http", "eu-west-1", False),
        (2, "route53", "eu-west-1", False),
        (3, "dns", "eu-west-1", None),  # the name server did not answer: no change
        (4, "dns", "eu-west-1", False),
        (5, "http", "eu-west-1", True),
        (6, "http", "eu-west-1", False),  # a flap: in the timeline, not a new failed_at
        (7, "http", "eu-west-1", True),
    ]
    assert tracker.all_recovered() is False
    for t, source, region, ok in script:
        tracker.observe(at(t), source, region, ok)
    marks = tracker.transitions["eu-west-1"]
    assert marks["failed_at"] == _dr.iso(at(1))
    assert marks["marked_unhealthy_at"] == _dr.iso(at(2))
    assert marks["dns_withdrawn_at"] == _dr.iso(at(4))
    assert marks["recovered_at"] == _dr.iso(at(5))
    assert marks["dns_restored_at"] is None
    assert tracker.transitions["eu-central-1"]["failed_at"] is None
    assert tracker.failed_regions() == ["eu-west-1"]
    assert tracker.all_recovered() is False  # DNS and Route 53 have not come back
    tracker.observe(at(8), "route53", "eu-west-1", True)
    tracker.observe(at(9), "dns", "eu-west-1", True)
    assert tracker.all_recovered() is True
    assert marks["dns_restored_at"] == _dr.iso(at(9))
    events = [(e["source"], e["region"], e["event"]) for e in tracker.timeline if e["region"] == "eu-west-1"]
    assert events == [
        ("http", "eu-west-1", "up"),
        ("dns", "eu-west-1", "answered"),
        ("http", "eu-west-1", "down"),
        ("route53", "eu-west-1", "unhealthy"),
        ("dns", "eu-west-1", "withdrawn"),
        ("http", "eu-west-1", "up"),
        ("http", "eu-west-1", "down"),
        ("http", "eu-west-1", "up"),
        ("route53", "eu-west-1", "healthy"),
        ("dns", "eu-west-1", "answered"),
    ]


def test_tracker_rejects_unknown_source_and_region():
    tracker = _dr.TransitionTracker(["eu-west-1"])
    with pytest.raises(ValueError):
        tracker.observe(at(0), "ping", "eu-west-1", True)
    with pytest.raises(ValueError):
        tracker.observe(at(0), "http", "us-east-1", True)

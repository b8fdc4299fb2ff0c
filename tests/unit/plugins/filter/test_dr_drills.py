from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.filter.dr_drills import FilterModule
from ansible_collections.multiregion.serverless.plugins.filter.dr_drills import dr_objective
from ansible_collections.multiregion.serverless.plugins.filter.dr_drills import dr_restore_outcome
from ansible_collections.multiregion.serverless.plugins.filter.dr_drills import dr_seconds_between

CANARIES = [
    {"key": "__dr_canary__#r-pitr#eu-west-1#0", "written_at": "2026-12-06T10:00:00.000+00:00"},
    {"key": "__dr_canary__#r-pitr#eu-west-1#1", "written_at": "2026-12-06T10:00:10.000+00:00"},
    {"key": "__dr_canary__#r-pitr#eu-west-1#2", "written_at": "2026-12-06T10:00:20.000Z"},
]


def restore(found, point="2026-12-06T10:00:15.000+00:00"):
    return {
        "requested_at": "2026-12-06T10:01:00.000+00:00",
        "active_at": "2026-12-06T10:03:00.000+00:00",
        "verified_at": "2026-12-06T10:03:02.500+00:00",
        "restore_point": point,
        "found_keys": [CANARIES[i]["key"] for i in found],
    }


def test_a_restore_that_honours_its_time():
    outcome = dr_restore_outcome(CANARIES, restore([0, 1]))
    assert outcome["present"] == [CANARIES[0]["key"], CANARIES[1]["key"]]
    assert outcome["missing"] == [CANARIES[2]["key"]]
    assert outcome["late_present"] == [] and outcome["early_missing"] == []
    # Requested at 10:01:00, the newest canary present was written at 10:00:10.
    assert outcome["rpo_seconds"] == 50.0
    # Requested at 10:01:00, verified at 10:03:02.5.
    assert outcome["rto_seconds"] == 122.5


def test_a_restore_that_copies_everything_whatever_the_time():
    outcome = dr_restore_outcome(CANARIES, restore([0, 1, 2]))
    assert outcome["late_present"] == [CANARIES[2]["key"]]
    assert outcome["rpo_seconds"] == 40.0


def test_a_restore_that_lost_a_canary_before_its_point():
    outcome = dr_restore_outcome(CANARIES, restore([1]))
    assert outcome["early_missing"] == [CANARIES[0]["key"]]


def test_no_canary_present_and_no_restore_point():
    outcome = dr_restore_outcome(CANARIES, restore([], point=None))
    assert outcome["rpo_seconds"] is None
    assert outcome["late_present"] == [] and outcome["early_missing"] == []
    assert outcome["missing"] == [c["key"] for c in CANARIES]


@pytest.mark.parametrize(
    "target, achieved, not_measured, status",
    [
        (300, 50, False, "pass"),
        (300, 3600, False, "fail"),
        (300, None, False, "not_measured"),
        (5, 1, True, "not_measured"),
    ],
)
def test_objective_status(target, achieved, not_measured, status):
    reason = "not measured here: the local endpoint creates no replica" if not_measured else None
    objective = dr_objective("x", "software", "rpo", target, achieved, reason=reason, not_measured=not_measured)
    assert objective["status"] == status
    assert objective["achieved_seconds"] == (None if status == "not_measured" else float(achieved))
    if not_measured:
        assert objective["reason"] == reason and objective["observed_seconds"] == 1.0


def test_a_time_above_the_worst_case_is_a_finding():
    objective = dr_objective("region_failover_rto", "region", "rto", 3600, 200, worst_case_seconds=162)
    assert objective["status"] == "pass"
    assert "above the computed worst case of 162 s" in objective["finding"]


def test_seconds_between():
    assert dr_seconds_between("2026-12-06T10:00:00Z", "2026-12-06T10:00:01.250+00:00") == 1.25
    assert dr_seconds_between(None, "2026-12-06T10:00:00Z") is None


def test_filters_are_exposed():
    assert set(FilterModule().filters()) == {"dr_objective", "dr_seconds_between", "dr_restore_outcome"}

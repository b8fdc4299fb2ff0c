"""The GlobalMissionCritical resiliency policy of the Resilience Hub tests, as options and as the API gives it, and
the failed lookup of an application that does not exist."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

# The policy as the modules' ``policy`` option takes it (seconds).
MISSION_CRITICAL = {
    "software": {"rto": 5400, "rpo": 300},
    "hardware": {"rto": 1, "rpo": 1},
    "az": {"rto": 1, "rpo": 1},
    "region": {"rto": 3600, "rpo": 5},
}

# The same policy as the Resilience Hub API carries it.
MISSION_CRITICAL_TARGETS = {
    "Software": {"rtoInSecs": 5400, "rpoInSecs": 300},
    "Hardware": {"rtoInSecs": 1, "rpoInSecs": 1},
    "AZ": {"rtoInSecs": 1, "rpoInSecs": 1},
    "Region": {"rtoInSecs": 3600, "rpoInSecs": 5},
}


def assert_unknown_app_fails(aws, main, app_name: str) -> None:
    """``main`` run for ``app_name`` while ListApps finds no application of that name fails, naming it."""
    aws.stub("resiliencehub").add_response("list_apps", {"appSummaries": []}, {"name": app_name})
    result = run_module(main, {"app_name": app_name})
    assert result["failed"]
    assert result["msg"] == f"No Resilience Hub application named {app_name} in eu-west-1"

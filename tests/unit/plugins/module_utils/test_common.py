from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

from ...conftest import StubbedClients


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize(
    "current, wanted, purge, expected",
    [
        ({"a": "1"}, None, True, ({}, [])),
        ({"a": "1"}, {"a": "1"}, True, ({}, [])),
        ({"a": "1"}, {"a": "2"}, True, ({"a": "2"}, [])),
        ({"a": "1", "b": "2"}, {"a": "1"}, True, ({}, ["b"])),
        ({"a": "1", "b": "2"}, {"a": "1"}, False, ({}, [])),
        ({}, {"c": "3"}, True, ({"c": "3"}, [])),
    ],
)
def test_tag_changes(current, wanted, purge, expected):
    assert tag_changes(current, wanted, purge) == expected


def test_wait_for_returns_first_settled_result_without_sleeping():
    clock = FakeClock()
    assert wait_for(lambda: "ACTIVE", lambda s: s == "ACTIVE", "x", clock=clock, sleep=clock.sleep) == "ACTIVE"
    assert clock.now == 0


def test_wait_for_polls_until_done():
    clock = FakeClock()
    states = iter(["CREATING", "CREATING", "ACTIVE"])
    assert wait_for(lambda: next(states), lambda s: s == "ACTIVE", "x", delay=5, clock=clock, sleep=clock.sleep)
    assert clock.now == 10


def test_wait_for_times_out_with_the_last_state():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="CREATING"):
        wait_for(
            lambda: "CREATING", lambda s: s == "ACTIVE", "table", timeout=12, delay=5, clock=clock, sleep=clock.sleep
        )
    assert clock.now == 10


def test_wait_for_stops_on_a_failed_state():
    clock = FakeClock()
    with pytest.raises(MultiregionAWSError, match="FAILED"):
        wait_for(
            lambda: "FAILED",
            lambda s: s == "ACTIVE",
            "x",
            failed=lambda s: s == "FAILED",
            clock=clock,
            sleep=clock.sleep,
        )


def test_enum_check_catches_a_value_outside_the_model():
    clients = StubbedClients()
    ec2 = clients.client("ec2")
    clients.stub("ec2").add_response("describe_flow_logs", {"FlowLogs": []})
    clients.stub("ec2").add_response("create_flow_logs", {"FlowLogIds": ["fl-1"]})
    ec2.describe_flow_logs()
    ec2.create_flow_logs(ResourceIds=["vpc-1"], ResourceType="VPC", TrafficType="EVERYTHING")
    with pytest.raises(AssertionError, match="TrafficType='EVERYTHING'"):
        clients.assert_done()

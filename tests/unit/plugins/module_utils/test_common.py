from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import iso
from ansible_collections.multiregion.serverless.plugins.module_utils.common import item_list_options
from ansible_collections.multiregion.serverless.plugins.module_utils.common import null_rule_error
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import plain
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_or_stop

from ...conftest import StubbedClients
from ...fake_clock import FakeClock


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


def wait_until_active(poll, clock: FakeClock, what: str = "x", **options):
    """wait_for ``poll`` to return ACTIVE, on ``clock``'s time."""
    return wait_for(poll, lambda s: s == "ACTIVE", what, clock=clock.now, sleep=clock.sleep, **options)


def test_wait_for_returns_first_settled_result_without_sleeping():
    clock = FakeClock()
    assert wait_until_active(lambda: "ACTIVE", clock) == "ACTIVE"
    assert clock.now() == 0


def test_wait_for_polls_until_done():
    clock = FakeClock()
    states = iter(["CREATING", "CREATING", "ACTIVE"])
    assert wait_until_active(lambda: next(states), clock, delay=5)
    assert clock.now() == 10


def test_wait_for_times_out_with_the_last_state():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="CREATING"):
        wait_until_active(lambda: "CREATING", clock, "table", timeout=12, delay=5)
    assert clock.now() == 10


def test_wait_for_stops_on_a_failed_state():
    clock = FakeClock()
    with pytest.raises(MultiregionAWSError, match="FAILED"):
        wait_until_active(lambda: "FAILED", clock, failed=lambda s: s == "FAILED")


def test_enum_check_catches_a_value_outside_the_model():
    clients = StubbedClients()
    ec2 = clients.client("ec2")
    clients.stub("ec2").add_response("describe_flow_logs", {"FlowLogs": []})
    clients.stub("ec2").add_response("create_flow_logs", {"FlowLogIds": ["fl-1"]})
    ec2.describe_flow_logs()
    ec2.create_flow_logs(ResourceIds=["vpc-1"], ResourceType="VPC", TrafficType="EVERYTHING")
    with pytest.raises(AssertionError, match="TrafficType='EVERYTHING'"):
        clients.assert_done()


@pytest.mark.parametrize(
    "current, to_set, to_remove, expected",
    [
        ({"a": "1", "b": "2"}, {"a": "9"}, ["b"], {"a": "9"}),
        ({"a": "1", "b": "2"}, {"c": "3"}, ["b"], {"a": "1", "c": "3"}),
        (None, {"c": "3"}, [], {"c": "3"}),
        ({"a": "1"}, {}, [], {"a": "1"}),
    ],
)
def test_updated_tags(current, to_set, to_remove, expected):
    assert updated_tags(current, to_set, to_remove) == expected


class _TokenPages:
    """A client without a botocore paginator for its operation: pages follow NextToken."""

    def __init__(self, pages):
        self.pages = list(pages)
        self.calls = []

    def can_paginate(self, operation):
        return False

    def list_tags(self, **params):
        self.calls.append(params)
        return self.pages.pop(0)


def test_paginate_without_a_paginator_follows_the_token_and_merges_pages():
    client = _TokenPages(
        [
            {"Tags": {"a": "1"}, "Items": [1], "NextToken": "t1", "ResponseMetadata": {}},
            {"Tags": {"b": "2"}, "Items": None, "NextToken": "t2"},
            {"Tags": {}, "Items": [2]},
        ]
    )
    assert paginate(client, "list_tags", ResourceArn="arn") == {"Tags": {"a": "1", "b": "2"}, "Items": [1, 2]}
    assert client.calls == [
        {"aws_retry": True, "ResourceArn": "arn"},
        {"aws_retry": True, "ResourceArn": "arn", "NextToken": "t1"},
        {"aws_retry": True, "ResourceArn": "arn", "NextToken": "t2"},
    ]


class _Exit(Exception):
    def __init__(self, failed, **result):
        super().__init__(result)
        self.failed = failed
        self.result = result


class _Module:
    def __init__(self, state="present", diff=False):
        self.params = {"state": state}
        self._diff = diff

    def exit_json(self, **result):
        raise _Exit(False, **result)

    def fail_json(self, **result):
        raise _Exit(True, **result)

    def fail_json_aws_error(self, error):
        raise _Exit(True, msg=error.message, aws=True)


def _run(module, action, **kwargs):
    with pytest.raises(_Exit) as done:
        run_and_exit(module, action, **kwargs)
    return done.value


def test_run_and_exit_runs_the_action_of_the_state():
    actions = {"present": lambda: {"changed": True, "diff": {}}, "absent": lambda: {"changed": False}}
    done = _run(_Module("absent"), actions)
    assert (done.failed, done.result) == (False, {"changed": False})


def test_run_and_exit_drops_the_diff_outside_diff_mode_only_when_asked():
    assert "diff" in _run(_Module(), lambda: {"changed": True, "diff": {}}).result
    assert "diff" not in _run(_Module(), lambda: {"changed": True, "diff": {}}, diff_mode_only=True).result
    assert "diff" in _run(_Module(diff=True), lambda: {"changed": True, "diff": {}}, diff_mode_only=True).result


def _raise(error):
    def action():
        raise error

    return action


@pytest.mark.parametrize(
    "error, kwargs, expected",
    [
        (
            ModuleFailure("job FAILED", job={"id": "1"}, changed=True),
            {},
            {"msg": "job FAILED", "job": {"id": "1"}, "changed": True},
        ),
        (
            WaitTimeout("thing", "last"),
            {"on_timeout": {"changed": True}},
            {"msg": "Timeout waiting for thing; last seen: 'last'", "changed": True},
        ),
        (MultiregionAWSError(message="Failed to get thing"), {}, {"msg": "Failed to get thing", "aws": True}),
        (KeyError("x"), {"failures": (KeyError,)}, {"msg": "'x'"}),
    ],
)
def test_run_and_exit_fails_with_the_error(error, kwargs, expected):
    done = _run(_Module(), _raise(error), **kwargs)
    assert (done.failed, done.result) == (True, expected)


SPEC = {
    "state": {"type": "str"},
    "a": {"type": "str"},
    "b": {"type": "str"},
    "items": {
        "type": "list",
        "elements": "dict",
        "options": {"url": {"type": "str"}, "id": {"type": "str"}},
        "required_one_of": [("url", "id")],
    },
}


@pytest.mark.parametrize(
    "rules, params, expected",
    [
        ({"required_if": [("state", "present", ["a"])]}, {"state": "present", "a": "x"}, None),
        (
            {"required_if": [("state", "present", ["a"])]},
            {"state": "present", "a": None},
            "state is present but all of the following are missing: a",
        ),
        ({"required_if": [("state", "present", ["a"])]}, {"state": "absent", "a": None}, None),
        ({"required_one_of": [("a", "b")]}, {"a": None, "b": None}, "one of the following is required: a, b"),
        ({"required_together": [("a", "b")]}, {"a": "x", "b": None}, "parameters are required together: a, b"),
        ({"required_by": {"a": "b"}}, {"a": "x", "b": None}, "missing parameter(s) required by 'a': b"),
        (
            {},
            {"items": [{"url": "u", "id": None}, {"url": None, "id": None}]},
            "one of the following is required: url, id found in items",
        ),
        ({}, {"items": None}, None),
    ],
)
def test_null_rule_error_counts_null_as_not_given(rules, params, expected):
    assert null_rule_error(SPEC, rules, params) == expected


def _run_of(statuses):
    """A run whose refreshes return ``statuses`` in turn, recording every call."""
    calls = []
    queue = list(statuses)

    def refresh(last):
        calls.append(("refresh", last))
        return queue.pop(0)

    def stop(last):
        calls.append(("stop", last))
        return "stopping"

    return calls, refresh, stop


def test_wait_or_stop_makes_no_call_for_a_run_already_ended():
    clock = FakeClock()
    calls, refresh, stop = _run_of([])
    result = wait_or_stop("done", lambda s: s == "done", refresh, 10, 2, stop=stop, clock=clock.now, sleep=clock.sleep)
    assert result == ("done", False)
    assert calls == [] and clock.now() == 0


def test_wait_or_stop_polls_until_the_run_ends():
    clock = FakeClock()
    calls, refresh, stop = _run_of(["running", "done"])
    result = wait_or_stop(
        "pending", lambda s: s == "done", refresh, 10, 2, stop=stop, clock=clock.now, sleep=clock.sleep
    )
    assert result == ("done", False)
    assert calls == [("refresh", "pending"), ("refresh", "running")] and clock.now() == 4


@pytest.mark.parametrize("with_stop", [True, False])
def test_wait_or_stop_stops_a_run_that_outlasts_the_timeout(with_stop):
    clock = FakeClock()
    calls, refresh, stop = _run_of(["running", "running", "stopped"])
    result = wait_or_stop(
        "running",
        lambda s: s == "stopped",
        refresh,
        4,
        2,
        stop=stop if with_stop else None,
        stop_timeout=60,
        clock=clock.now,
        sleep=clock.sleep,
    )
    if with_stop:
        assert result == ("stopped", True)
        assert [c[0] for c in calls] == ["refresh", "refresh", "stop", "refresh"]
        assert calls[2] == ("stop", "running") and calls[3] == ("refresh", "stopping")
    else:
        assert result == ("running", True)
        assert [c[0] for c in calls] == ["refresh", "refresh"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (datetime.datetime(2026, 12, 6, 5, 0, tzinfo=datetime.UTC), "2026-12-06T05:00:00+00:00"),
        ("2026-12-06T05:00:00Z", "2026-12-06T05:00:00Z"),
    ],
)
def test_iso(value, expected):
    assert iso(value) == expected


def test_plain_turns_nested_datetimes_into_text():
    when = datetime.datetime(2026, 12, 6, 5, 0, tzinfo=datetime.UTC)
    value = {"a": [when, {"b": datetime.date(2026, 12, 6)}], "c": 1}
    assert plain(value) == {"a": ["2026-12-06T05:00:00+00:00", {"b": "2026-12-06"}], "c": 1}


def test_item_list_options_gives_each_item_its_key_tags_and_state_and_the_purge_options():
    spec = item_list_options("things", {"size": dict(type="int")}, "name")
    items = spec["things"]
    assert (items["type"], items["elements"]) == ("list", "dict")
    assert items["options"]["name"] == dict(type="str", required=True)
    assert items["options"]["size"] == dict(type="int")
    assert items["options"]["state"]["choices"] == ["present", "absent"]
    assert "default" not in items["options"]["state"]
    assert spec["purge_things"] == dict(type="bool", default=False)
    assert spec["purge_filter_tags"] == dict(type="dict", default={})

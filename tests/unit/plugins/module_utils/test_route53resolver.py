"""The shared code of the DNS Firewall modules: tokens, names, domains, waits."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r


def test_creator_request_id_is_new_for_each_create_and_fits_the_model():
    # A token derived from the name would be answered, after a destroy and a redeploy, with the deleted resource.
    tokens = {r53r.creator_request_id("fdl") for _create in range(20)}

    assert len(tokens) == 20
    shape = r.operation_model("CreateFirewallDomainList").input_shape.members["CreatorRequestId"]
    assert all(shape.metadata["min"] <= len(token) <= shape.metadata["max"] for token in tokens)
    assert all(token.startswith("ansible-fdl-") for token in tokens)


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("*.", "*"),
        ("*", "*"),
        ("Example.COM.", "example.com"),
        (" a.b ", "a.b"),
        ("*.amazonaws.com", "*.amazonaws.com"),
    ],
)
def test_normalize_domain(domain, expected):
    assert r53r.normalize_domain(domain) == expected


def test_find_by_name():
    items = [{"Id": "1", "Name": "a"}, {"Id": "2", "Name": "b"}]

    assert r53r.find_by_name(items, "b", "thing") == {"Id": "2", "Name": "b"}
    assert r53r.find_by_name(items, "c", "thing") is None
    with pytest.raises(MultiregionAWSError, match=r"2 things are named 'a' \(1, 3\)"):
        r53r.find_by_name(items + [{"Id": "3", "Name": "a"}], "a", "thing")


@pytest.mark.parametrize(
    ("vpc_id", "group_id", "status", "expected"),
    [
        (None, None, None, {}),
        ("vpc-1", None, None, {"VpcId": "vpc-1"}),
        (
            "vpc-1",
            "rslvr-frg-1",
            "COMPLETE",
            {"VpcId": "vpc-1", "FirewallRuleGroupId": "rslvr-frg-1", "Status": "COMPLETE"},
        ),
    ],
)
def test_association_filters(vpc_id, group_id, status, expected):
    assert r53r.association_filters(vpc_id, group_id, status) == expected


def test_result_renames_qtype_and_keeps_tag_keys():
    shaped = r53r.result({"FirewallDomainListId": "x", "Qtype": "AAAA"}, tags={"CamelKey": "v"})

    assert shaped == {"firewall_domain_list_id": "x", "q_type": "AAAA", "tags": {"CamelKey": "v"}}


class Polls:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.answers.pop(0)


def test_wait_returns_at_once_when_already_done(monkeypatch):
    time = r.fake_time(monkeypatch)
    fetch = Polls({"Status": "COMPLETE"})

    assert r53r._wait(fetch, lambda i: i["Status"] == "COMPLETE", "x", timeout=60) == {"Status": "COMPLETE"}
    assert time.sleeps == []


def test_wait_polls_until_done(monkeypatch):
    time = r.fake_time(monkeypatch)
    fetch = Polls({"Status": "UPDATING"}, {"Status": "UPDATING"}, {"Status": "COMPLETE"})

    r53r._wait(fetch, lambda i: i["Status"] == "COMPLETE", "x", timeout=60)

    assert time.sleeps == [5, 5]


def test_wait_ends_on_a_failed_state(monkeypatch):
    r.fake_time(monkeypatch)
    fetch = Polls({"Status": "UPDATING"}, None)

    with pytest.raises(MultiregionAWSError, match="^Failed waiting for the thing: status is gone$"):
        r53r._wait(fetch, lambda i: i is not None and i["Status"] == "COMPLETE", "the thing", 60, lambda i: i is None)


def test_wait_timeout_names_the_last_status(monkeypatch):
    time = r.fake_time(monkeypatch)
    fetch = Polls(*[{"Status": "UPDATING", "StatusMessage": "busy"}] * 4)

    with pytest.raises(
        MultiregionAWSError, match=r"^Timeout waiting 15 s for the thing; last status: UPDATING \(busy\)$"
    ):
        r53r._wait(fetch, lambda i: i["Status"] == "COMPLETE", "the thing", timeout=15)
    assert fetch.calls == 4
    assert time.now() == 15

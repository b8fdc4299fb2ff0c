"""The pure change computation of route53resolver_firewall_domain_list."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_domain_list as module


@pytest.mark.parametrize(
    ("current", "wanted", "purge", "expected"),
    [
        pytest.param(["*.amazonaws.com."], None, True, ([], []), id="omitted-leaves-alone"),
        pytest.param(["*.amazonaws.com."], ["*.amazonaws.com"], True, ([], []), id="trailing-dot-is-the-same"),
        pytest.param(["*."], ["*"], True, ([], []), id="star-is-answered-star-dot"),
        pytest.param(["example.com."], ["EXAMPLE.com"], True, ([], []), id="case-ignored"),
        pytest.param([], ["b.com", "a.com", "a.com."], True, (["a.com", "b.com"], []), id="new-deduplicated-sorted"),
        pytest.param(["a.com.", "b.com."], ["a.com"], True, ([], ["b.com."]), id="removal-named-as-aws-holds-it"),
        pytest.param(["a.com.", "b.com."], ["a.com"], False, ([], []), id="no-purge-keeps"),
        pytest.param(["a.com."], ["b.com"], True, (["b.com"], ["a.com."]), id="swap"),
        pytest.param(["a.com."], ["b.com"], False, (["b.com"], []), id="no-purge-adds-only"),
        pytest.param(["a.com.", "b.com."], [], True, ([], ["a.com.", "b.com."]), id="empty-purges-all"),
        pytest.param(["a.com."], [], False, ([], []), id="empty-without-purge-is-nothing"),
    ],
)
def test_compute_domain_changes(current, wanted, purge, expected):
    assert module.compute_domain_changes(current, wanted, purge) == expected


@pytest.mark.parametrize(
    ("to_add", "to_remove", "final", "limit", "expected"),
    [
        pytest.param([], [], ["a"], 1000, [], id="nothing"),
        pytest.param(["b"], [], ["a", "b"], 1000, [("ADD", ["b"])], id="add-only"),
        pytest.param([], ["b."], ["a"], 1000, [("REMOVE", ["b."])], id="remove-only"),
        pytest.param(["c"], ["b."], ["a", "c"], 1000, [("REPLACE", ["a", "c"])], id="both-replace"),
        pytest.param(
            ["c", "d"],
            ["b."],
            ["a", "c", "d"],
            2,
            [("REMOVE", ["b."]), ("ADD", ["c", "d"])],
            id="final-too-big-to-replace-removes-first",
        ),
        pytest.param(
            ["a", "b", "c", "d", "e"], [], ["a", "b", "c", "d", "e"], 2,
            [("ADD", ["a", "b"]), ("ADD", ["c", "d"]), ("ADD", ["e"])], id="add-in-batches",
        ),
        pytest.param([], ["a", "b", "c"], [], 2, [("REMOVE", ["a", "b"]), ("REMOVE", ["c"])], id="remove-in-batches"),
    ],
)  # fmt: skip
def test_plan_domain_updates(to_add, to_remove, final, limit, expected):
    assert module.plan_domain_updates(to_add, to_remove, final, limit) == expected


def test_default_batch_is_the_api_limit():
    domains = [f"d{i:04}.example.com" for i in range(2500)]

    plan = module.plan_domain_updates(domains, [], domains)

    assert [(operation, len(batch)) for operation, batch in plan] == [("ADD", 1000), ("ADD", 1000), ("ADD", 500)]


@pytest.mark.parametrize(
    ("current", "to_add", "to_remove", "expected"),
    [
        (["a.com.", "b.com."], ["c.com"], ["b.com."], ["a.com", "c.com"]),
        (["*."], [], [], ["*"]),
        ([], ["b.com", "a.com"], [], ["a.com", "b.com"]),
    ],
)
def test_expected_domains(current, to_add, to_remove, expected):
    assert module.expected_domains(current, to_add, to_remove) == expected

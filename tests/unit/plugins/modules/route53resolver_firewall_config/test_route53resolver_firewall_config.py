"""route53resolver_firewall_config against a stubbed Route 53 Resolver: every API path, check mode and diff."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import route53resolver_firewall_config as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils import route53resolver_responses as r

ARGS = {"resource_id": r.VPC, "firewall_fail_open": "DISABLED"}


def got(stub, fail_open):
    stub.add_response(
        "get_firewall_config", {"FirewallConfig": r.firewall_config(fail_open=fail_open)}, {"ResourceId": r.VPC}
    )


def updated(stub, fail_open):
    stub.add_response(
        "update_firewall_config",
        {"FirewallConfig": r.firewall_config(fail_open=fail_open)},
        {"ResourceId": r.VPC, "FirewallFailOpen": fail_open},
    )


def test_no_change(aws):
    got(aws.stub("route53resolver"), "DISABLED")

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert result["firewall_config"] == {
        "id": "rslvr-fc-eeeeeeeeeeeeeeee",
        "resource_id": r.VPC,
        "owner_id": r.ACCOUNT,
        "firewall_fail_open": "DISABLED",
    }


@pytest.mark.parametrize(
    ("before", "after"),
    [("ENABLED", "DISABLED"), ("DISABLED", "ENABLED"), ("DISABLED", "USE_LOCAL_RESOURCE_SETTING")],
)
def test_update(aws, before, after):
    stub = aws.stub("route53resolver")
    got(stub, before)
    updated(stub, after)

    result = run_module(module.main, dict(ARGS, firewall_fail_open=after), diff=True)

    assert result["changed"] is True
    assert result["firewall_config"]["firewall_fail_open"] == after
    assert result["diff"] == {"before": {"firewall_fail_open": before}, "after": {"firewall_fail_open": after}}


def test_vpc_id_is_an_alias(aws):
    got(aws.stub("route53resolver"), "DISABLED")

    result = run_module(module.main, {"vpc_id": r.VPC, "firewall_fail_open": "DISABLED"})

    assert result["changed"] is False


def test_check_mode_makes_no_update(aws):
    got(aws.stub("route53resolver"), "ENABLED")

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["firewall_config"]["firewall_fail_open"] == "DISABLED"
    assert result["diff"] == {"before": {"firewall_fail_open": "ENABLED"}, "after": {"firewall_fail_open": "DISABLED"}}


def missing(stub):
    stub.add_client_error(
        "get_firewall_config",
        expected_params={"ResourceId": r.VPC},
        **client_error("ResourceNotFoundException", "VPC not found", 404),
    )


def test_a_vpc_that_does_not_exist_fails(aws):
    missing(aws.stub("route53resolver"))

    result = run_module(module.main, ARGS)

    assert_fails_as(result, f"Failed to get the firewall config of {r.VPC}: VPC {r.VPC} does not exist in eu-west-1")


def test_check_mode_warns_about_a_vpc_an_earlier_task_would_create(aws):
    missing(aws.stub("route53resolver"))

    result = run_module(module.main, ARGS, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["warnings"] == [
        f"VPC {r.VPC} does not exist in eu-west-1; assuming an earlier task would have created it"
    ]
    assert result["diff"] == {"before": {}, "after": {"firewall_fail_open": "DISABLED"}}
    assert result["firewall_config"] == {"resource_id": r.VPC, "firewall_fail_open": "DISABLED"}


def test_throttling_is_retried(aws):
    stub = aws.stub("route53resolver")
    stub.add_client_error(
        "get_firewall_config", expected_params={"ResourceId": r.VPC}, **client_error("ThrottlingException")
    )
    got(stub, "ENABLED")
    stub.add_client_error(
        "update_firewall_config",
        expected_params={"ResourceId": r.VPC, "FirewallFailOpen": "DISABLED"},
        **client_error("ThrottlingException"),
    )
    updated(stub, "DISABLED")

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert len(aws.sleeps) == 2


def test_access_denied_is_reported(aws):
    stub = aws.stub("route53resolver")
    got(stub, "ENABLED")
    stub.add_client_error(
        "update_firewall_config",
        expected_params={"ResourceId": r.VPC, "FirewallFailOpen": "DISABLED"},
        **client_error("AccessDeniedException", "denied", 403),
    )

    result = run_module(module.main, ARGS)

    assert_fails_with(result, f"Failed to update the firewall config of {r.VPC}")


def test_an_invalid_choice_fails_before_any_call(aws):
    result = run_module(module.main, dict(ARGS, firewall_fail_open="OPEN"))

    assert_fails_mentioning(result, "firewall_fail_open must be one of")


def test_the_enum_check_catches_an_invalid_fail_open():
    good = module.build_update_config_request(r.VPC, module.compute_config_changes(None, "DISABLED"))
    bad = module.build_update_config_request(r.VPC, {"FirewallFailOpen": "OPEN"})

    assert r.violations("UpdateFirewallConfig", good) == []
    assert r.violations("UpdateFirewallConfig", bad) == [
        "UpdateFirewallConfig.FirewallFailOpen='OPEN' is not one of "
        "['ENABLED', 'DISABLED', 'USE_LOCAL_RESOURCE_SETTING']"
    ]


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        (None, "DISABLED", {"FirewallFailOpen": "DISABLED"}),
        ({"FirewallFailOpen": "DISABLED"}, "DISABLED", {}),
        ({"FirewallFailOpen": "ENABLED"}, "DISABLED", {"FirewallFailOpen": "DISABLED"}),
        (
            {"FirewallFailOpen": "DISABLED"},
            "USE_LOCAL_RESOURCE_SETTING",
            {"FirewallFailOpen": "USE_LOCAL_RESOURCE_SETTING"},
        ),
    ],
)
def test_compute_config_changes(current, wanted, expected):
    assert module.compute_config_changes(current, wanted) == expected

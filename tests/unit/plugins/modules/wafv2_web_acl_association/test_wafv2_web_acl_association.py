from __future__ import annotations

import functools
from unittest import mock

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for
from ansible_collections.multiregion.serverless.plugins.modules import wafv2_web_acl_association as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ACCOUNT = "123456789012"
STAGE = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
ACL_ID = "0f1e2d3c-aaaa-bbbb-cccc-123456789012"
ACL_ARN = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/mrdemo-api/{ACL_ID}"
OTHER_ARN = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/legacy/1f1e2d3c-aaaa-bbbb-cccc-123456789012"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "mrdemo-api"}


def web_acl(arn=ACL_ARN):
    name = arn.split("/")[-2]
    return {
        "Name": name,
        "Id": arn.split("/")[-1],
        "ARN": arn,
        "DefaultAction": {"Allow": {}},
        "Rules": [],
        "VisibilityConfig": {**VISIBILITY, "MetricName": name},
        "Capacity": 0,
    }


def expect_current(aws, acl=None):
    response = {"WebACL": acl} if acl else {}
    aws.stub("wafv2").add_response("get_web_acl_for_resource", response, {"ResourceArn": STAGE})


def expect_associate(aws, arn=ACL_ARN):
    aws.stub("wafv2").add_response("associate_web_acl", {}, {"WebACLArn": arn, "ResourceArn": STAGE})


def expect_disassociate(aws):
    aws.stub("wafv2").add_response("disassociate_web_acl", {}, {"ResourceArn": STAGE})


@pytest.fixture
def no_waiting():
    sleeps = []
    clock = iter(range(0, 10_000, 5))
    fake = functools.partial(wait_for, sleep=sleeps.append, clock=lambda: next(clock))
    with mock.patch.object(module, "wait_for", fake):
        yield sleeps


@pytest.mark.parametrize(
    "current, wanted, state, expected",
    [
        ("", ACL_ARN, "present", "associate"),
        (ACL_ARN, ACL_ARN, "present", None),
        (OTHER_ARN, ACL_ARN, "present", "associate"),
        ("", None, "absent", None),
        ("", ACL_ARN, "absent", None),
        (ACL_ARN, None, "absent", "disassociate"),
        (ACL_ARN, ACL_ARN, "absent", "disassociate"),
        # Another web ACL's association is not this task's to remove.
        (OTHER_ARN, ACL_ARN, "absent", None),
    ],
)
def test_association_change(current, wanted, state, expected):
    assert module.association_change(current, wanted, state) == expected


@pytest.mark.parametrize(
    "arn, name", [(ACL_ARN, "mrdemo-api"), ("arn:aws:wafv2:eu-west-1:1:global/webacl/edge/x", "edge"), ("x", "")]
)
def test_name_from_arn(arn, name):
    assert module.name_from_arn(arn) == name


def test_associates_a_resource_without_web_acl(aws):
    expect_current(aws)
    expect_associate(aws)
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN}, diff=True)
    assert_changed(result)
    assert result["association"] == {"resource_arn": STAGE, "web_acl_arn": ACL_ARN, "web_acl_name": "mrdemo-api"}
    assert result["diff"]["before"]["web_acl_arn"] == ""
    assert result["diff"]["after"]["web_acl_arn"] == ACL_ARN


def test_an_existing_association_is_no_change(aws):
    expect_current(aws, web_acl())
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN}, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["association"]["web_acl_name"] == "mrdemo-api"
    assert "diff" in result


def test_a_resource_on_another_web_acl_is_moved(aws):
    expect_current(aws, web_acl(OTHER_ARN))
    expect_associate(aws)
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["web_acl_name"] == "legacy"
    assert result["association"]["web_acl_arn"] == ACL_ARN


def test_check_mode_reports_the_association_and_makes_no_call(aws):
    expect_current(aws)
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["web_acl_arn"] == ACL_ARN


def test_check_mode_reports_the_disassociation_and_makes_no_call(aws):
    expect_current(aws, web_acl())
    result = run_module(module.main, {"resource_arn": STAGE, "state": "absent"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"] == {"resource_arn": STAGE, "web_acl_arn": "", "web_acl_name": ""}


def test_disassociates(aws):
    expect_current(aws, web_acl())
    expect_disassociate(aws)
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN, "state": "absent"})
    assert result["changed"] is True
    assert result["association"]["web_acl_arn"] == ""
    assert "diff" not in result


def test_absent_is_no_change_without_association(aws):
    expect_current(aws)
    assert run_module(module.main, {"resource_arn": STAGE, "state": "absent"})["changed"] is False


def test_another_web_acls_association_is_left_alone(aws):
    expect_current(aws, web_acl(OTHER_ARN))
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN, "state": "absent"})
    assert result["changed"] is False
    assert result["association"]["web_acl_arn"] == OTHER_ARN


def test_a_missing_resource_is_absent(aws):
    aws.stub("wafv2").add_client_error("get_web_acl_for_resource", **client_error("WAFNonexistentItemException"))
    assert run_module(module.main, {"resource_arn": STAGE, "state": "absent"})["changed"] is False


def test_throttling_is_retried(aws):
    aws.stub("wafv2").add_client_error("get_web_acl_for_resource", **client_error("ThrottlingException"))
    expect_current(aws, web_acl())
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN})
    assert result["changed"] is False
    assert aws.sleeps


def test_an_unavailable_web_acl_is_waited_for(aws, no_waiting):
    expect_current(aws)
    aws.stub("wafv2").add_client_error("associate_web_acl", **client_error("WAFUnavailableEntityException"))
    expect_associate(aws)
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN})
    assert_changed(result)
    assert no_waiting == [5]


def test_a_web_acl_that_stays_unavailable_fails_after_the_timeout(aws, no_waiting):
    expect_current(aws)
    # Two attempts fit in 10 s with 5 s between them.
    for _attempt in range(2):
        aws.stub("wafv2").add_client_error("associate_web_acl", **client_error("WAFUnavailableEntityException"))
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN, "wait_timeout": 10})
    assert_fails_with(result, f"Failed to associate {STAGE} with web ACL {ACL_ARN}")
    assert "WAFUnavailableEntityException" in result["msg"]
    assert no_waiting == [5]


def test_a_failed_association_names_the_resource(aws):
    expect_current(aws)
    aws.stub("wafv2").add_client_error("associate_web_acl", **client_error("WAFNonexistentItemException"))
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN})
    assert_fails_with(result, f"Failed to associate {STAGE} with web ACL {ACL_ARN}")


def test_a_failed_disassociation_names_the_resource(aws):
    expect_current(aws, web_acl())
    aws.stub("wafv2").add_client_error("disassociate_web_acl", **client_error("WAFInvalidOperationException"))
    result = run_module(module.main, {"resource_arn": STAGE, "state": "absent"})
    assert_fails_with(result, f"Failed to disassociate {STAGE} from its web ACL")


def test_a_failed_lookup_names_the_resource(aws):
    aws.stub("wafv2").add_client_error("get_web_acl_for_resource", **client_error("WAFInvalidParameterException"))
    result = run_module(module.main, {"resource_arn": STAGE, "web_acl_arn": ACL_ARN})
    assert_fails_with(result, f"Failed to get the web ACL of {STAGE}")


def test_present_needs_the_web_acl():
    result = run_module(module.main, {"resource_arn": STAGE})
    assert_fails_mentioning(result, "web_acl_arn")

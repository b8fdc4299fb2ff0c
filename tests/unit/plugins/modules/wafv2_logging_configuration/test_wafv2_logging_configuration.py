from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import wafv2_logging_configuration as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ACCOUNT = "123456789012"
ACL_ARN = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/mrdemo-api/0f1e2d3c-aaaa-bbbb-cccc-123456789012"
GROUP = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:aws-waf-logs-mrdemo"
OTHER_GROUP = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:aws-waf-logs-other"
REDACT = [{"SingleHeader": {"Name": "authorization"}}]
FILTER = {
    "DefaultBehavior": "DROP",
    "Filters": [
        {"Behavior": "KEEP", "Requirement": "MEETS_ANY", "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}]}
    ],
}
ARGS = {"web_acl_arn": ACL_ARN, "log_destination_configs": [GROUP]}


def configuration(destination=GROUP, redacted=None, logging_filter=None, **extra):
    config = {"ResourceArn": ACL_ARN, "LogDestinationConfigs": [destination], **extra}
    if redacted is not None:
        config["RedactedFields"] = redacted
    if logging_filter is not None:
        config["LoggingFilter"] = logging_filter
    return config


def expect_current(aws, config=None):
    if config is None:
        aws.stub("wafv2").add_client_error(
            "get_logging_configuration",
            expected_params={"ResourceArn": ACL_ARN},
            **client_error("WAFNonexistentItemException"),
        )
    else:
        aws.stub("wafv2").add_response(
            "get_logging_configuration", {"LoggingConfiguration": config}, {"ResourceArn": ACL_ARN}
        )


def expect_put(aws, config):
    aws.stub("wafv2").add_response(
        "put_logging_configuration",
        {
            "LoggingConfiguration": {
                **config,
                "ManagedByFirewallManager": False,
                "LogType": "WAF_LOGS",
                "LogScope": "CUSTOMER",
            }
        },
        {"LoggingConfiguration": config},
    )


@pytest.mark.parametrize(
    "arns, expected",
    [
        ([GROUP], []),
        (["arn:aws:s3:::aws-waf-logs-bucket"], []),
        ([f"arn:aws:firehose:eu-west-1:{ACCOUNT}:deliverystream/aws-waf-logs-stream"], []),
        ([f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/mrdemo/waf"], ["must be named aws-waf-logs-"]),
        ([f"{GROUP}:*"], ["without the trailing ':*'"]),
        ([GROUP, OTHER_GROUP], ["exactly one destination, not 2"]),
        ([], ["exactly one destination, not 0"]),
    ],
)
def test_destination_errors(arns, expected):
    errors = module.destination_errors(arns)
    assert len(errors) == len(expected)
    for error, text in zip(errors, expected, strict=True):
        assert text in error


@pytest.mark.parametrize(
    "current, params, expected",
    [
        (None, {"redacted_fields": None, "logging_filter": None}, configuration()),
        (
            None,
            {"redacted_fields": REDACT, "logging_filter": FILTER},
            configuration(redacted=REDACT, logging_filter=FILTER),
        ),
        # Options left out keep their current values: PutLoggingConfiguration replaces everything.
        (
            configuration(OTHER_GROUP, REDACT, FILTER),
            {"redacted_fields": None, "logging_filter": None},
            configuration(redacted=REDACT, logging_filter=FILTER),
        ),
        (configuration(OTHER_GROUP, REDACT, FILTER), {"redacted_fields": [], "logging_filter": {}}, configuration()),
    ],
)
def test_wanted_configuration(current, params, expected):
    assert module.wanted_configuration(current, {**ARGS, **params}) == expected


def test_enables_logging(aws):
    expect_current(aws)
    expect_put(aws, configuration(redacted=REDACT))
    result = run_module(module.main, {**ARGS, "redacted_fields": REDACT}, diff=True)
    assert_changed(result)
    assert result["logging_configuration"] == {
        "resource_arn": ACL_ARN,
        "log_destination_configs": [GROUP],
        "redacted_fields": REDACT,
        "logging_filter": {},
    }
    assert result["diff"]["before"] == {}


def test_the_same_configuration_is_no_change(aws):
    # AWS adds fields of its own to the configuration it returns.
    expect_current(aws, configuration(redacted=REDACT, ManagedByFirewallManager=False, LogType="WAF_LOGS"))
    result = run_module(module.main, {**ARGS, "redacted_fields": REDACT}, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["logging_configuration"]["redacted_fields"] == REDACT


def test_a_new_destination_is_put_with_the_current_redactions_and_filter(aws):
    expect_current(aws, configuration(OTHER_GROUP, REDACT, FILTER))
    expect_put(aws, configuration(redacted=REDACT, logging_filter=FILTER))
    result = run_module(module.main, ARGS, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["log_destination_configs"] == [OTHER_GROUP]
    assert result["diff"]["after"]["log_destination_configs"] == [GROUP]
    assert result["logging_configuration"]["logging_filter"] == FILTER


def test_new_redactions_are_put(aws):
    expect_current(aws, configuration())
    expect_put(aws, configuration(redacted=REDACT))
    assert run_module(module.main, {**ARGS, "redacted_fields": REDACT})["changed"] is True


def test_a_new_filter_is_put(aws):
    expect_current(aws, configuration(redacted=REDACT))
    expect_put(aws, configuration(redacted=REDACT, logging_filter=FILTER))
    result = run_module(module.main, {**ARGS, "logging_filter": FILTER})
    assert result["changed"] is True
    assert result["logging_configuration"]["logging_filter"] == FILTER


def test_an_empty_filter_logs_everything_again(aws):
    expect_current(aws, configuration(logging_filter=FILTER))
    expect_put(aws, configuration())
    assert run_module(module.main, {**ARGS, "logging_filter": {}})["changed"] is True


def test_check_mode_reports_and_puts_nothing(aws):
    expect_current(aws)
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["log_destination_configs"] == [GROUP]
    assert result["logging_configuration"]["log_destination_configs"] == [GROUP]


def test_removes_logging(aws):
    expect_current(aws, configuration(redacted=REDACT))
    aws.stub("wafv2").add_response("delete_logging_configuration", {}, {"ResourceArn": ACL_ARN})
    result = run_module(module.main, {"web_acl_arn": ACL_ARN, "state": "absent"}, diff=True)
    assert result["changed"] is True
    assert result["logging_configuration"] == {}
    assert result["diff"]["before"]["redacted_fields"] == REDACT


def test_check_mode_removes_nothing(aws):
    expect_current(aws, configuration())
    result = run_module(module.main, {"web_acl_arn": ACL_ARN, "state": "absent"}, check_mode=True)
    assert result["changed"] is True


def test_absent_without_configuration_is_no_change(aws):
    expect_current(aws)
    assert run_module(module.main, {"web_acl_arn": ACL_ARN, "state": "absent"})["changed"] is False


def test_a_configuration_gone_meanwhile_is_no_change(aws):
    expect_current(aws, configuration())
    aws.stub("wafv2").add_client_error("delete_logging_configuration", **client_error("WAFNonexistentItemException"))
    assert run_module(module.main, {"web_acl_arn": ACL_ARN, "state": "absent"})["changed"] is False


def test_throttling_is_retried(aws):
    aws.stub("wafv2").add_client_error("get_logging_configuration", **client_error("ThrottlingException"))
    expect_current(aws, configuration())
    assert run_module(module.main, ARGS)["changed"] is False
    assert aws.sleeps


def test_a_refused_destination_names_the_web_acl(aws):
    expect_current(aws)
    aws.stub("wafv2").add_client_error(
        "put_logging_configuration", **client_error("WAFLogDestinationPermissionIssueException")
    )
    result = run_module(module.main, ARGS)
    assert_fails_with(result, f"Failed to put the logging configuration of web ACL {ACL_ARN}")


def test_a_failed_lookup_names_the_web_acl(aws):
    aws.stub("wafv2").add_client_error("get_logging_configuration", **client_error("WAFInvalidParameterException"))
    result = run_module(module.main, ARGS)
    assert_fails_with(result, f"Failed to get the logging configuration of web ACL {ACL_ARN}")


def test_a_failed_deletion_names_the_web_acl(aws):
    expect_current(aws, configuration())
    aws.stub("wafv2").add_client_error("delete_logging_configuration", **client_error("WAFOptimisticLockException"))
    result = run_module(module.main, {"web_acl_arn": ACL_ARN, "state": "absent"})
    assert_fails_with(result, f"Failed to delete the logging configuration of web ACL {ACL_ARN}")


def test_a_badly_named_destination_fails_before_any_call():
    result = run_module(module.main, {**ARGS, "log_destination_configs": [f"{GROUP}:*", OTHER_GROUP]})
    assert_fails_mentioning(result, "exactly one destination")
    assert "trailing ':*'" in result["msg"]

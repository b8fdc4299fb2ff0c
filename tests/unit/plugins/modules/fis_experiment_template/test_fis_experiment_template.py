"""fis_experiment_template: every API path with botocore's Stubber (responses shaped as the FIS API reference)."""

from __future__ import annotations

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import fis_experiment_template as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_absent_changes_nothing
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import changed_copy
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import deleted_meanwhile
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-region-impairment"
TEMPLATE_ID = "EXT6aBcD7eFgH1jK"
ARN = f"arn:aws:fis:eu-west-1:123456789012:experiment-template/{TEMPLATE_ID}"
ROLE = "arn:aws:iam::123456789012:role/prod-fis"
ALARM = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-healthy-region"
LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/prod/fis:*"
SUBNETS = [
    "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d4e5f60002",
    "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d4e5f60001",
]
NOW = datetime.datetime(2026, 12, 6, 5, 0, tzinfo=datetime.UTC)

API_TARGETS = {"subnets": {"resourceType": "aws:ec2:subnet", "resourceArns": SUBNETS, "selectionMode": "ALL"}}
API_ACTIONS = {
    "disrupt": {
        "actionId": "aws:network:disrupt-connectivity",
        "description": "DynamoDB unreachable",
        "parameters": {"scope": "dynamodb", "duration": "PT10M"},
        "targets": {"Subnets": "subnets"},
    },
    "after": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}, "startAfter": ["disrupt"]},
}
API_STOP = [{"source": "aws:cloudwatch:alarm", "value": ALARM}]
API_LOG = {"cloudWatchLogsConfiguration": {"logGroupArn": LOG_GROUP}, "logSchemaVersion": 2}
TAGS = {"Name": NAME, "Deployment": "prod"}
TEMPLATE = {
    "id": TEMPLATE_ID,
    "arn": ARN,
    "description": "Region impairment",
    "targets": API_TARGETS,
    "actions": API_ACTIONS,
    "stopConditions": API_STOP,
    "creationTime": NOW,
    "lastUpdateTime": NOW,
    "roleArn": ROLE,
    "tags": TAGS,
    "logConfiguration": API_LOG,
    "experimentOptions": {"accountTargeting": "single-account", "emptyTargetResolutionMode": "fail"},
}
ARGS = {
    "name": NAME,
    "description": "Region impairment",
    "role_arn": ROLE,
    "targets": {"subnets": {"resource_type": "aws:ec2:subnet", "resource_arns": list(reversed(SUBNETS))}},
    "actions": {
        "disrupt": {
            "action_id": "aws:network:disrupt-connectivity",
            "description": "DynamoDB unreachable",
            "parameters": {"scope": "dynamodb", "duration": "PT10M"},
            "targets": {"Subnets": "subnets"},
        },
        "after": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT1M"}, "start_after": ["disrupt"]},
    },
    "stop_conditions": [{"source": "aws:cloudwatch:alarm", "value": ALARM}],
    "log_configuration": {"log_group_arn": LOG_GROUP, "log_schema_version": 2},
    "experiment_options": {"account_targeting": "single-account", "empty_target_resolution_mode": "fail"},
    "tags": {"Deployment": "prod"},
}


def args(**changes):
    return changed_copy(ARGS, **changes)


def template(**changes):
    return changed_copy(TEMPLATE, **changes)


def summary(template_id=TEMPLATE_ID, tags=None):
    return {
        "id": template_id,
        "arn": f"arn:aws:fis:eu-west-1:123456789012:experiment-template/{template_id}",
        "description": "x",
        "creationTime": NOW,
        "lastUpdateTime": NOW,
        "tags": TAGS if tags is None else tags,
    }


def found(stub, current=None):
    stub.add_response("list_experiment_templates", {"experimentTemplates": [summary()]}, {})
    stub.add_response("get_experiment_template", {"experimentTemplate": current or template()}, {"id": TEMPLATE_ID})


def not_found(stub, others=()):
    stub.add_response("list_experiment_templates", {"experimentTemplates": list(others)}, {})


def test_create(aws):
    stub = aws.stub("fis")
    not_found(stub, [summary("EXTother", {"Name": "someone-else"})])
    stub.add_response(
        "create_experiment_template",
        {"experimentTemplate": template()},
        {
            "clientToken": ANY,
            "description": "Region impairment",
            "roleArn": ROLE,
            "targets": {
                "subnets": {"resourceType": "aws:ec2:subnet", "resourceArns": sorted(SUBNETS), "selectionMode": "ALL"}
            },
            "actions": {
                "disrupt": API_ACTIONS["disrupt"],
                "after": API_ACTIONS["after"],
            },
            "stopConditions": API_STOP,
            "logConfiguration": API_LOG,
            "experimentOptions": {"accountTargeting": "single-account", "emptyTargetResolutionMode": "fail"},
            "tags": TAGS,
        },
    )
    result = run_module(module.main, args(), diff=True)
    assert_changed(result)
    assert result["template"]["id"] == TEMPLATE_ID
    assert result["template"]["name"] == NAME
    assert result["template"]["actions"]["after"]["start_after"] == ["disrupt"]
    assert result["template"]["log_configuration"] == {"log_group_arn": LOG_GROUP, "log_schema_version": 2}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["targets"]["subnets"]["resource_arns"] == sorted(SUBNETS)


def test_create_without_targets_sends_an_empty_map(aws):
    stub = aws.stub("fis")
    not_found(stub)
    created = template(targets={}, actions={"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}})
    stub.add_response(
        "create_experiment_template",
        {"experimentTemplate": created},
        {
            "clientToken": ANY,
            "description": "Wait",
            "roleArn": ROLE,
            "targets": {},
            "actions": {"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
            "stopConditions": [{"source": "none"}],
            "tags": {"Name": NAME},
        },
    )
    result = run_module(
        module.main,
        {
            "name": NAME,
            "description": "Wait",
            "role_arn": ROLE,
            "actions": {"wait": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
        },
    )
    assert result["changed"] is True, result


def test_create_in_check_mode_calls_nothing_but_the_lookup(aws):
    not_found(aws.stub("fis"))
    result = run_module(module.main, args(), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["template"]["id"] is None
    assert result["template"]["tags"] == TAGS
    assert set(result["diff"]["after"]["actions"]) == {"disrupt", "after"}


def test_create_needs_description_role_and_actions(aws):
    not_found(aws.stub("fis"))
    result = run_module(module.main, {"name": NAME})
    assert result["failed"]
    for option in ("description", "role_arn", "actions"):
        assert f"{option} is required" in result["msg"]


def test_no_change(aws):
    found(aws.stub("fis"))
    result = run_module(module.main, args())
    assert_unchanged(result)
    assert result["template"]["id"] == TEMPLATE_ID


def test_no_change_in_check_mode(aws):
    found(aws.stub("fis"))
    result = run_module(module.main, args(), check_mode=True)
    assert result["changed"] is False, result


def test_options_left_out_are_left_alone(aws):
    found(aws.stub("fis"))
    result = run_module(
        module.main, {"name": NAME, "stop_conditions": [{"source": "aws:cloudwatch:alarm", "value": ALARM}]}
    )
    assert result["changed"] is False, result
    assert result["template"]["tags"] == TAGS


@pytest.mark.parametrize(
    "changed_args, update",
    [
        ({"description": "New"}, {"description": "New"}),
        ({"role_arn": ROLE + "2"}, {"roleArn": ROLE + "2"}),
        (
            {"stop_conditions": [{"source": "none"}]},
            {"stopConditions": [{"source": "none"}]},
        ),
        (
            {"log_configuration": {}},
            {"logConfiguration": {}},
        ),
        (
            {"experiment_options": {"empty_target_resolution_mode": "skip"}},
            {"experimentOptions": {"emptyTargetResolutionMode": "skip"}},
        ),
        (
            {
                "actions": {
                    "disrupt": dict(ARGS["actions"]["disrupt"], parameters={"scope": "dynamodb", "duration": "PT2M"})
                }
            },
            {
                "actions": {
                    "disrupt": dict(API_ACTIONS["disrupt"], parameters={"scope": "dynamodb", "duration": "PT2M"})
                }
            },
        ),
        (
            {
                "targets": {
                    "subnets": {"resource_type": "aws:ec2:subnet", "resource_tags": {"Tier": "app"}},
                }
            },
            {
                "targets": {
                    "subnets": {
                        "resourceType": "aws:ec2:subnet",
                        "resourceTags": {"Tier": "app"},
                        "selectionMode": "ALL",
                    }
                }
            },
        ),
    ],
    ids=["description", "role", "stop_conditions", "log_removed", "empty_target_mode", "action_removed", "target"],
)
def test_update_in_place(aws, changed_args, update):
    stub = aws.stub("fis")
    found(stub)
    stub.add_response("update_experiment_template", {"experimentTemplate": template()}, {"id": TEMPLATE_ID, **update})
    result = run_module(module.main, args(**changed_args), diff=True)
    assert_changed(result)
    assert result["diff"]["before"] != result["diff"]["after"]


def test_update_reports_the_template_after_the_update(aws):
    stub = aws.stub("fis")
    found(stub)
    only_disrupt = {"disrupt": API_ACTIONS["disrupt"]}
    stub.add_response(
        "update_experiment_template",
        {"experimentTemplate": template(actions=only_disrupt)},
        {"id": TEMPLATE_ID, "actions": only_disrupt},
    )
    result = run_module(module.main, args(actions={"disrupt": ARGS["actions"]["disrupt"]}))
    assert list(result["template"]["actions"]) == ["disrupt"]


def test_update_in_check_mode_changes_nothing(aws):
    found(aws.stub("fis"))
    result = run_module(module.main, args(description="New"), check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["template"]["description"] == "New"
    assert result["diff"]["before"]["description"] == "Region impairment"


def test_account_targeting_cannot_change_in_place(aws):
    found(aws.stub("fis"))
    result = run_module(module.main, args(experiment_options={"account_targeting": "multi-account"}))
    assert_fails_mentioning(result, "account_targeting")


def test_tags_added_and_purged_but_never_the_name(aws):
    stub = aws.stub("fis")
    found(stub, template(tags={"Name": NAME, "Deployment": "prod", "stale": "x"}))
    stub.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["stale"]})
    stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"Owner": "platform"}})
    result = run_module(module.main, args(tags={"Deployment": "prod", "Owner": "platform"}))
    assert result["changed"] is True, result
    assert result["template"]["tags"] == {"Name": NAME, "Deployment": "prod", "Owner": "platform"}


def test_delete(aws):
    stub = aws.stub("fis")
    found(stub)
    stub.add_response("delete_experiment_template", {"experimentTemplate": template()}, {"id": TEMPLATE_ID})
    result = run_absent(module.main, NAME, diff=True)
    assert result["changed"] is True, result
    assert result["template"] == {}
    assert result["diff"]["before"]["id"] == TEMPLATE_ID and result["diff"]["after"] == {}


def test_delete_in_check_mode(aws):
    found(aws.stub("fis"))
    assert_check_mode_delete_changes(module.main, NAME)


def found_then_deleted_meanwhile(stub):
    found(stub)
    deleted_meanwhile(stub, "delete_experiment_template")


def listed_then_gone(stub):
    stub.add_response("list_experiment_templates", {"experimentTemplates": [summary()]}, {})
    stub.add_client_error("get_experiment_template", **client_error("ResourceNotFoundException", status=404))


@pytest.mark.parametrize(
    "lookup",
    [found_then_deleted_meanwhile, not_found, listed_then_gone],
    ids=["delete_of_a_template_gone_meanwhile", "already_absent", "gone_between_list_and_get"],
)
def test_absent_with_no_template_to_delete_changes_nothing(aws, lookup):
    lookup(aws.stub("fis"))
    assert assert_absent_changes_nothing(module.main, NAME)["template"] == {}


def test_two_templates_with_the_same_name_fail(aws):
    aws.stub("fis").add_response(
        "list_experiment_templates", {"experimentTemplates": [summary(), summary("EXTsecond")]}, {}
    )
    result = run_module(module.main, args())
    assert result["failed"]
    assert "More than one experiment template" in result["msg"] and "EXTsecond" in result["msg"]


def test_templates_are_listed_page_by_page(aws):
    stub = aws.stub("fis")
    stub.add_response(
        "list_experiment_templates",
        {"experimentTemplates": [summary("EXTother", {"Name": "other"})], "nextToken": "page2"},
        {},
    )
    stub.add_response("list_experiment_templates", {"experimentTemplates": [summary()]}, {"nextToken": "page2"})
    stub.add_response("get_experiment_template", {"experimentTemplate": template()}, {"id": TEMPLATE_ID})
    result = run_module(module.main, args())
    assert result["changed"] is False, result


def test_throttled_then_retried(aws):
    stub = aws.stub("fis")
    stub.add_client_error("list_experiment_templates", **client_error("ThrottlingException"))
    stub.add_response("list_experiment_templates", {"experimentTemplates": [summary()]}, {})
    stub.add_client_error("get_experiment_template", **client_error("ThrottlingException"))
    stub.add_response("get_experiment_template", {"experimentTemplate": template()}, {"id": TEMPLATE_ID})
    stub.add_client_error("update_experiment_template", **client_error("ThrottlingException"))
    stub.add_response(
        "update_experiment_template",
        {"experimentTemplate": template(description="New")},
        {"id": TEMPLATE_ID, "description": "New"},
    )
    result = run_module(module.main, args(description="New"))
    assert_changed(result)
    assert result["template"]["description"] == "New"


def test_access_denied_fails_naming_the_call(aws):
    aws.stub("fis").add_client_error("list_experiment_templates", **client_error("AccessDeniedException", status=403))
    result = run_module(module.main, args())
    assert_fails_mentioning(result, "list experiment templates")


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"targets": {"t": {"resource_arns": SUBNETS}}}, "targets.t"),
        (
            {
                "targets": {
                    "t": {"resource_type": "aws:ec2:subnet", "resource_arns": SUBNETS, "resource_tags": {"a": "b"}}
                }
            },
            "not both",
        ),
        ({"actions": {"a": {"description": "no id"}}}, "actions.a"),
        ({"actions": {"a": {"action_id": "aws:fis:wait", "targets": {"Subnets": "missing"}}}}, "'missing'"),
        ({"actions": {"a": {"action_id": "aws:fis:wait", "start_after": ["nope"]}}}, "'nope'"),
        ({"stop_conditions": [{"source": "aws:cloudwatch:alarm"}]}, "stop_conditions[0].value"),
    ],
    ids=["target_type", "arns_and_tags", "action_id", "action_target", "start_after", "alarm_value"],
)
def test_bad_input_fails_naming_the_option_before_any_call(aws, bad, message):
    result = run_module(module.main, args(**bad))
    assert_fails_mentioning(result, message)

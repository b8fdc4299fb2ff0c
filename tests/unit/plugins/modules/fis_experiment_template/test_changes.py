"""The pure functions of fis_experiment_template: views, changes, request parameters."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import fis_experiment_template as module

CURRENT = {
    "description": "d",
    "role_arn": "arn:aws:iam::123456789012:role/fis",
    "targets": {"t": {"resource_type": "aws:ec2:subnet", "resource_arns": ["a", "b"], "selection_mode": "ALL"}},
    "actions": {"x": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
    "stop_conditions": [{"source": "none"}],
    "log_configuration": {},
    "experiment_options": {"account_targeting": "single-account", "empty_target_resolution_mode": "fail"},
}
UNSET = {key: None for key in module.ATTRIBUTES}


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ({}, {}),
        ({"description": "d"}, {}),
        ({"description": "e"}, {"description": "e"}),
        (
            {
                "targets": {
                    "t": {"resource_type": "aws:ec2:subnet", "resource_arns": ["b", "a"], "selection_mode": "ALL"}
                }
            },
            {},
        ),
        ({"targets": {}}, {"targets": {}}),
        (
            {"actions": {"x": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT2M"}}}},
            {"actions": {"x": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT2M"}}}},
        ),
        ({"stop_conditions": [{"source": "none"}]}, {}),
        (
            {"log_configuration": {"log_group_arn": "arn:g", "log_schema_version": 2}},
            {"log_configuration": {"log_group_arn": "arn:g", "log_schema_version": 2}},
        ),
        ({"log_configuration": {}}, {}),
        ({"experiment_options": {}}, {}),
        ({"experiment_options": {"empty_target_resolution_mode": "fail"}}, {}),
        (
            {"experiment_options": {"empty_target_resolution_mode": "skip"}},
            {"experiment_options": {"account_targeting": "single-account", "empty_target_resolution_mode": "skip"}},
        ),
    ],
    ids=[
        "nothing_given",
        "same_description",
        "new_description",
        "arns_in_another_order",
        "targets_emptied",
        "action_parameter",
        "same_stop_conditions",
        "logging_added",
        "no_logging_either_way",
        "empty_options",
        "same_option",
        "option_changed",
    ],
)
def test_template_changes(wanted, expected):
    normalised = dict(UNSET, **wanted)
    if normalised["targets"] is not None:
        normalised["targets"] = {n: module.normalize_target(t) for n, t in normalised["targets"].items()}
    assert module.template_changes(CURRENT, normalised) == expected


@pytest.mark.parametrize(
    "target, expected",
    [
        (
            {"resource_type": "aws:ec2:subnet", "resource_arns": ["b", "a"]},
            {"resource_type": "aws:ec2:subnet", "resource_arns": ["a", "b"], "selection_mode": "ALL"},
        ),
        (
            {"resource_type": "aws:ec2:instance", "resource_tags": {"n": 1}, "selection_mode": "COUNT(1)"},
            {"resource_type": "aws:ec2:instance", "resource_tags": {"n": "1"}, "selection_mode": "COUNT(1)"},
        ),
        (
            {
                "resource_type": "aws:ec2:instance",
                "resource_tags": {"a": "b"},
                "filters": [{"path": "State.Name", "values": ["stopped", "running"]}],
                "parameters": {},
            },
            {
                "resource_type": "aws:ec2:instance",
                "resource_tags": {"a": "b"},
                "selection_mode": "ALL",
                "filters": [{"path": "State.Name", "values": ["running", "stopped"]}],
            },
        ),
    ],
    ids=["arns_sorted_default_mode", "tag_values_as_strings", "filters_sorted_empty_dropped"],
)
def test_normalize_target(target, expected):
    assert module.normalize_target(target) == expected


def test_the_api_view_and_the_options_view_compare_equal():
    api = {
        "id": "EXT1",
        "arn": "arn:aws:fis:eu-west-1:123456789012:experiment-template/EXT1",
        "description": "d",
        "roleArn": "arn:aws:iam::123456789012:role/fis",
        "targets": {"t": {"resourceType": "aws:ec2:subnet", "resourceArns": ["b", "a"], "selectionMode": "ALL"}},
        "actions": {"x": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}, "startAfter": []}},
        "stopConditions": [{"source": "none"}],
        "tags": {"Name": "n"},
    }
    params = {
        "description": "d",
        "role_arn": "arn:aws:iam::123456789012:role/fis",
        "targets": {"t": {"resource_type": "aws:ec2:subnet", "resource_arns": ["a", "b"]}},
        "actions": {"x": {"action_id": "aws:fis:wait", "parameters": {"duration": "PT1M"}, "start_after": None}},
        "stop_conditions": [{"source": "none", "value": None}],
        "log_configuration": None,
        "experiment_options": None,
    }
    view = module.template_view(api)
    assert view["name"] == "n"
    assert module.template_changes(view, module.wanted_view(params)) == {}


@pytest.mark.parametrize(
    "attributes, updating, expected",
    [
        ({"log_configuration": {}}, True, {"logConfiguration": {}}),
        ({"log_configuration": {}}, False, {}),
        (
            {"experiment_options": {"account_targeting": "single-account", "empty_target_resolution_mode": "skip"}},
            True,
            {"experimentOptions": {"emptyTargetResolutionMode": "skip"}},
        ),
        (
            {"experiment_options": {"account_targeting": "single-account"}},
            False,
            {"experimentOptions": {"accountTargeting": "single-account"}},
        ),
        (
            {"actions": {"b": {"action_id": "aws:fis:wait", "start_after": ["a"], "parameters": {"duration": "PT1M"}}}},
            True,
            {"actions": {"b": {"actionId": "aws:fis:wait", "startAfter": ["a"], "parameters": {"duration": "PT1M"}}}},
        ),
        (
            {
                "targets": {
                    "t": {"resource_type": "aws:ec2:subnet", "resource_tags": {"a": "b"}, "selection_mode": "ALL"}
                }
            },
            True,
            {"targets": {"t": {"resourceType": "aws:ec2:subnet", "resourceTags": {"a": "b"}, "selectionMode": "ALL"}}},
        ),
    ],
    ids=[
        "log_removed_on_update",
        "no_log_on_create",
        "update_carries_only_the_mode",
        "create_carries_targeting",
        "action",
        "target_by_tags",
    ],
)
def test_to_api(attributes, updating, expected):
    assert module.to_api(attributes, updating) == expected


@pytest.mark.parametrize(
    "current, changes, refused",
    [
        ({"experiment_options": {"account_targeting": "single-account"}}, {}, False),
        (
            {"experiment_options": {"account_targeting": "single-account"}},
            {"experiment_options": {"account_targeting": "multi-account"}},
            True,
        ),
        ({"experiment_options": {}}, {"experiment_options": {"account_targeting": "multi-account"}}, False),
    ],
    ids=["nothing", "targeting_changed", "targeting_unknown"],
)
def test_changes_refused(current, changes, refused):
    assert bool(module.changes_refused(current, changes)) is refused


@pytest.mark.parametrize(
    "tags, purge, current, to_set, to_remove",
    [
        (None, True, {"Name": "n", "x": "1"}, {}, []),
        (None, True, {}, {"Name": "n"}, []),
        ({"a": "1"}, True, {"Name": "n", "x": "1"}, {"a": "1"}, ["x"]),
        ({"a": "1"}, False, {"Name": "n", "x": "1"}, {"a": "1"}, []),
        ({"Name": "other"}, True, {"Name": "n"}, {}, []),
    ],
    ids=["left_alone", "name_added", "purged", "kept", "name_wins"],
)
def test_wanted_tags(tags, purge, current, to_set, to_remove):
    params = {"name": "n", "tags": tags, "purge_tags": purge}
    got_set, got_remove, final = module.wanted_tags(params, current)
    assert (got_set, sorted(got_remove)) == (to_set, to_remove)
    assert final["Name"] == "n"


@pytest.mark.parametrize(
    "params, problems",
    [
        ({"name": "n", "targets": None, "actions": None, "stop_conditions": []}, 0),
        (
            {
                "name": "n",
                "targets": {"t": {"resource_type": "aws:ec2:subnet", "resource_arns": ["a"]}},
                "actions": {"x": {"action_id": "aws:fis:wait", "targets": {"Subnets": "t"}, "start_after": []}},
                "stop_conditions": [{"source": "none"}],
            },
            0,
        ),
        (
            {
                "name": "n",
                "targets": {},
                "actions": {"x": {"action_id": "aws:fis:wait", "targets": {"Subnets": "t"}, "start_after": ["y"]}},
                "stop_conditions": [],
            },
            2,
        ),
    ],
    ids=["nothing", "consistent", "dangling_target_and_order"],
)
def test_validate(params, problems):
    assert len(module.validate(params)) == problems


@pytest.mark.parametrize(
    "value, expected",
    [
        ("PT5M", "PT5M"),
        (50, "50"),
        (True, "true"),
        ({"b": ["x"], "a": "y"}, '{"a":"y","b":["x"]}'),
        (["x", 1], '["x",1]'),
    ],
    ids=["string", "number", "boolean", "dict_as_json", "list_as_json"],
)
def test_parameter_value(value, expected):
    assert module.parameter_value(value) == expected


def test_document_parameters_given_as_a_dict_compare_equal_to_what_fis_stores():
    action = {"action_id": "aws:ssm:start-automation-execution", "parameters": {"documentParameters": {"A": "1"}}}
    sent = module.to_api({"actions": {"run": module.normalize_action(action)}}, updating=False)
    stored = {"actionId": "aws:ssm:start-automation-execution", **{"parameters": sent["actions"]["run"]["parameters"]}}
    view = module.template_view({"actions": {"run": stored}, "tags": {}})
    assert module.template_changes(view, dict(UNSET, actions={"run": module.normalize_action(action)})) == {}

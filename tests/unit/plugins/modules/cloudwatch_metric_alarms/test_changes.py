from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import cloudwatch_metric_alarms as m

from .responses import METRIC


def alarm(**given):
    return {
        "name": "a",
        "description": None,
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "statistic": "Sum",
        "extended_statistic": None,
        "dimensions": {"FunctionName": "f"},
        "period": 60,
        "unit": None,
        "evaluation_periods": 1,
        "datapoints_to_alarm": None,
        "threshold": 1,
        "threshold_metric_id": None,
        "comparison": "GreaterThanThreshold",
        "treat_missing_data": "missing",
        "evaluate_low_sample_count_percentile": None,
        "actions_enabled": True,
        "alarm_actions": [],
        "ok_actions": [],
        "insufficient_data_actions": [],
        "metrics": None,
        "tags": None,
        **given,
    }


# What DescribeAlarms returns for alarm(): no description, no TreatMissingData on an old alarm, empty action lists.
DESCRIBED = {
    "AlarmName": "a",
    "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a",
    "ActionsEnabled": True,
    "OKActions": [],
    "AlarmActions": [],
    "InsufficientDataActions": [],
    "StateValue": "OK",
    **METRIC,
}


@pytest.mark.parametrize(
    "current, given, differs",
    [
        (DESCRIBED, alarm(), False),
        # DescribeAlarms omits TreatMissingData for alarms that never set it: that is "missing".
        ({**DESCRIBED, "TreatMissingData": "missing"}, alarm(), False),
        (DESCRIBED, alarm(treat_missing_data="notBreaching"), True),
        # DatapointsToAlarm equal to EvaluationPeriods is the default.
        ({**DESCRIBED, "DatapointsToAlarm": 1}, alarm(), False),
        (DESCRIBED, alarm(datapoints_to_alarm=1), False),
        ({**DESCRIBED, "EvaluationPeriods": 5, "DatapointsToAlarm": 3}, alarm(evaluation_periods=5), True),
        (
            {**DESCRIBED, "EvaluationPeriods": 5, "DatapointsToAlarm": 3},
            alarm(evaluation_periods=5, datapoints_to_alarm=3),
            False,
        ),
        # Actions are sets.
        (
            {**DESCRIBED, "AlarmActions": ["arn:b", "arn:a"]},
            alarm(alarm_actions=["arn:a", "arn:b"]),
            False,
        ),
        (DESCRIBED, alarm(ok_actions=["arn:a"]), True),
        # Dimensions are a mapping, whatever their order.
        (
            {**DESCRIBED, "Dimensions": [{"Name": "B", "Value": "2"}, {"Name": "A", "Value": "1"}]},
            alarm(dimensions={"A": "1", "B": "2"}),
            False,
        ),
        (DESCRIBED, alarm(dimensions={"FunctionName": "g"}), True),
        (DESCRIBED, alarm(threshold=1.5), True),
        (DESCRIBED, alarm(description="d"), True),
        ({**DESCRIBED, "AlarmDescription": "d"}, alarm(), True),
        (DESCRIBED, alarm(unit="Count"), True),
        ({**DESCRIBED, "Unit": "Count"}, alarm(unit="Count"), False),
        (DESCRIBED, alarm(actions_enabled=False), True),
        (DESCRIBED, alarm(statistic="Maximum"), True),
        # CloudWatch may fill in EvaluateLowSampleCountPercentile: compared only when given.
        ({**DESCRIBED, "EvaluateLowSampleCountPercentile": "evaluate"}, alarm(), False),
        (
            {**DESCRIBED, "EvaluateLowSampleCountPercentile": "evaluate"},
            alarm(evaluate_low_sample_count_percentile="ignore"),
            True,
        ),
    ],
)
def test_config_differs(current, given, differs):
    assert m.config_differs(current, m.wanted_config(given)) is differs


MATH = [
    {"id": "e1", "expression": "m1 * 100", "label": "rate"},
    {
        "id": "m1",
        "return_data": False,
        "metric_stat": {
            "metric": {
                "namespace": "AWS/Lambda",
                "metric_name": "Errors",
                "dimensions": [{"name": "FunctionName", "value": "f"}],
            },
            "period": 60,
            "stat": "Sum",
        },
    },
]
MATH_DESCRIBED = {
    **{k: v for k, v in DESCRIBED.items() if k not in ("MetricName", "Namespace", "Statistic", "Period")},
    "Dimensions": [],
    "Metrics": [
        {
            "Id": "m1",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": "Errors",
                    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                },
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
        {"Id": "e1", "Expression": "m1 * 100", "Label": "rate", "ReturnData": True},
    ],
}


def math_alarm(**given):
    base = {
        "metric_name": None,
        "namespace": None,
        "statistic": None,
        "period": None,
        "dimensions": None,
        "metrics": MATH,
    }
    return alarm(**{**base, **given})


def test_metric_math_alarm_compares_equal_to_what_cloudwatch_returns():
    # The upstream module reports a change on every run for these; ReturnData's default and the queries' order
    # must not count.
    assert m.config_differs(MATH_DESCRIBED, m.wanted_config(math_alarm())) is False
    changed = [dict(MATH[0], expression="m1 * 10"), MATH[1]]
    assert m.config_differs(MATH_DESCRIBED, m.wanted_config(math_alarm(metrics=changed))) is True


def test_wanted_config_is_putmetricalarm_parameters():
    config = m.wanted_config(alarm(description="d", dimensions={"B": 2, "A": "x"}, alarm_actions=["arn:t"]))
    assert config == {
        "AlarmDescription": "d",
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "missing",
        "ActionsEnabled": True,
        "AlarmActions": ["arn:t"],
        "OKActions": [],
        "InsufficientDataActions": [],
        "Dimensions": [{"Name": "A", "Value": "x"}, {"Name": "B", "Value": "2"}],
    }
    math = m.wanted_config(math_alarm())
    assert math["Metrics"][1]["MetricStat"]["Metric"]["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
    assert "Dimensions" not in math and "MetricName" not in math


def test_plan_creates_updates_and_leaves_alone():
    current = {"a": DESCRIBED, "b": {**DESCRIBED, "AlarmName": "b", "AlarmArn": "arn:b"}}
    steps = m.plan(
        [alarm(name="a"), alarm(name="b", threshold=5), alarm(name="c")],
        current,
        {},
        None,
        True,
    )
    assert [(s["name"], s["action"]) for s in steps] == [("a", "none"), ("b", "update"), ("c", "create")]
    assert steps[1]["put"] is True
    assert steps[1]["arn"] == "arn:b"


@pytest.mark.parametrize(
    "have, common, own, purge, to_set, to_remove, action",
    [
        ({"Deployment": "d"}, {"Deployment": "d"}, None, True, {}, [], "none"),
        ({"Deployment": "d", "Old": "x"}, {"Deployment": "d"}, None, True, {}, ["Old"], "update"),
        ({"Deployment": "d", "Old": "x"}, {"Deployment": "d"}, None, False, {}, [], "none"),
        ({}, {"Deployment": "d"}, {"Role": "api"}, True, {"Deployment": "d", "Role": "api"}, [], "update"),
        # No tags given anywhere: tags are left alone.
        ({"Old": "x"}, None, None, True, {}, [], "none"),
    ],
)
def test_plan_tags(have, common, own, purge, to_set, to_remove, action):
    [step] = m.plan([alarm(tags=own)], {"a": DESCRIBED}, {"a": have}, common, purge)
    assert step["action"] == action
    assert step["put"] is False
    assert step["tags_to_set"] == to_set
    assert sorted(step["tags_to_remove"]) == to_remove


def test_purge_candidates_are_the_prefixed_alarms_not_listed():
    prefixed = [{"AlarmName": n} for n in ("p-a", "p-old", "p-b", "p-gone")]
    assert m.purge_candidates(prefixed, {"p-a", "p-b", "p-new"}) == ["p-gone", "p-old"]


def params(alarms, **given):
    return {
        "alarms": alarms,
        "tags": None,
        "purge_tags": True,
        "purge": False,
        "purge_prefix": None,
        "state": "present",
        **given,
    }


@pytest.mark.parametrize(
    "given, message",
    [
        (params([alarm(), alarm()]), "alarms: a is listed more than once"),
        (params([alarm()], purge=True), "purge_prefix is required with purge=true"),
        (params([alarm(metric_name=None)]), "alarms[0] (a): exactly one of metric_name and metrics is required"),
        (params([alarm(metrics=MATH)]), "alarms[0] (a): exactly one of metric_name and metrics is required"),
        (params([alarm(statistic=None)]), "alarms[0] (a): exactly one of statistic and extended_statistic"),
        (params([alarm(extended_statistic="p99")]), "alarms[0] (a): exactly one of statistic and extended_statistic"),
        (params([alarm(namespace=None)]), "alarms[0] (a): namespace is required with metric_name"),
        (params([alarm(period=None)]), "alarms[0] (a): period is required with metric_name"),
        (params([alarm(comparison=None)]), "alarms[0] (a): comparison is required"),
        (params([alarm(threshold=None)]), "alarms[0] (a): exactly one of threshold and threshold_metric_id"),
        (params([alarm(datapoints_to_alarm=2)]), "alarms[0] (a): datapoints_to_alarm must be between 1 and"),
    ],
)
def test_validate_names_the_option(given, message):
    errors = m.validate(given)
    assert any(e.startswith(message) for e in errors), errors


def test_validate_accepts_good_input_and_absent_needs_names_only():
    assert m.validate(params([alarm(), math_alarm(name="b")])) == []
    assert m.validate(params([{"name": "a"}], state="absent")) == []

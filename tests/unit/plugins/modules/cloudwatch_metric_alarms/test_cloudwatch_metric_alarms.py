"""cloudwatch_metric_alarms' main() through every API path, with botocore's Stubber (responses shaped as the
CloudWatch and Resource Groups Tagging API references document them).

Every queued response must be consumed and no other request may be made: a test that queues no
ListTagsForResource for an alarm proves the module does not read its tags one by one."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import cloudwatch_metric_alarms as m
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

from .responses import METRIC

ARN = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:alarms"


def spec(name="api-errors", **given):
    return {
        "name": name,
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "statistic": "Sum",
        "dimensions": {"FunctionName": "f"},
        "comparison": "GreaterThanThreshold",
        "threshold": 1,
        "period": 60,
        "evaluation_periods": 1,
        "treat_missing_data": "notBreaching",
        "alarm_actions": [TOPIC],
        "ok_actions": [TOPIC],
        **given,
    }


def described(name="api-errors", **given):
    """A MetricAlarm as DescribeAlarms returns spec(name)."""
    return {
        "AlarmName": name,
        "AlarmArn": ARN + name,
        "ActionsEnabled": True,
        "OKActions": [TOPIC],
        "AlarmActions": [TOPIC],
        "InsufficientDataActions": [],
        "StateValue": "OK",
        **METRIC,
        "TreatMissingData": "notBreaching",
        **given,
    }


def put_params(name="api-errors", **given):
    return {
        "AlarmName": name,
        **METRIC,
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
        "InsufficientDataActions": [],
        **given,
    }


def describe(stub, names, alarms, next_token=None, token=None):
    expected = {"AlarmNames": names, "AlarmTypes": ["MetricAlarm"]}
    if token:
        expected["NextToken"] = token
    response = {"MetricAlarms": alarms, "CompositeAlarms": []}
    if next_token:
        response["NextToken"] = next_token
    stub.add_response("describe_alarms", response, expected)


def get_resources(aws, names, answered):
    """GetResources for the alarms ``names``, answering ``answered`` (name -> tags)."""
    aws.stub("resourcegroupstaggingapi").add_response(
        "get_resources",
        {
            "ResourceTagMappingList": [
                {"ResourceARN": ARN + name, "Tags": [{"Key": k, "Value": v} for k, v in found.items()]}
                for name, found in answered.items()
            ]
        },
        {"ResourceARNList": [ARN + name for name in names]},
    )


def list_tags(cw, name, found):
    cw.add_response(
        "list_tags_for_resource",
        {"Tags": [{"Key": k, "Value": v} for k, v in found.items()]},
        {"ResourceARN": ARN + name},
    )


def test_creates_missing_alarms_with_their_tags(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [])
    cw.add_response("put_metric_alarm", {}, put_params("a", Tags=[{"Key": "Deployment", "Value": "d"}]))
    cw.add_response("put_metric_alarm", {}, put_params("b", Tags=[{"Key": "Deployment", "Value": "d"}]))
    describe(cw, ["a", "b"], [described("a"), described("b")])
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}}, diff=True)
    assert result["changed"] is True, result
    assert result["created"] == ["a", "b"]
    assert [a["alarm_arn"] for a in result["alarms"]] == [ARN + "a", ARN + "b"]
    assert result["alarms"][0]["dimensions"] == {"FunctionName": "f"}
    assert result["alarms"][0]["tags"] == {"Deployment": "d"}
    assert result["diff"]["before"] == {"a": {}, "b": {}}
    assert result["diff"]["after"]["a"]["threshold"] == 1.0


def test_check_mode_creates_nothing(aws):
    describe(aws.stub("cloudwatch"), ["a"], [])
    result = run_module(m.main, {"alarms": [spec("a")]}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["created"] == ["a"]
    assert "alarm_arn" not in result["alarms"][0]


def test_unchanged_alarms_are_no_change_and_one_call(aws):
    describe(aws.stub("cloudwatch"), ["a", "b"], [described("b"), described("a")])
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")]}, diff=True)
    assert result["changed"] is False, result
    assert result["diff"] == {"before": {}, "after": {}}
    assert [a["alarm_name"] for a in result["alarms"]] == ["a", "b"]


def test_unchanged_tags_of_every_alarm_are_read_in_one_call(aws):
    """A no-op: DescribeAlarms and GetResources, no ListTagsForResource (none is queued, so none may be made)."""
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], {"a": {"Deployment": "d"}, "b": {"Deployment": "d", "Alarm": "b"}})
    result = run_module(
        m.main, {"alarms": [spec("a"), spec("b", tags={"Alarm": "b"})], "tags": {"Deployment": "d"}}, diff=True
    )
    assert_unchanged(result)
    assert result["diff"] == {"before": {}, "after": {}}
    assert [a["tags"] for a in result["alarms"]] == [{"Deployment": "d"}, {"Deployment": "d", "Alarm": "b"}]


def test_more_than_100_alarms_have_their_tags_read_100_a_call(aws):
    cw = aws.stub("cloudwatch")
    names = [f"alarm-{i:03d}" for i in range(120)]
    describe(cw, names[:100], [described(n) for n in names[:100]])
    describe(cw, names[100:], [described(n) for n in names[100:]])
    get_resources(aws, names[:100], {n: {"Deployment": "d"} for n in names[:100]})
    get_resources(aws, names[100:], {n: {"Deployment": "d"} for n in names[100:]})
    result = run_module(m.main, {"alarms": [spec(n) for n in names], "tags": {"Deployment": "d"}})
    assert_unchanged(result)


def test_tags_the_tagging_api_shows_different_are_read_again_before_any_write(aws):
    """GetResources is eventually consistent: a tag written a moment ago may not show there yet. CloudWatch's own
    ListTagsForResource decides, so the tag is not written again."""
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], {"a": {"Deployment": "old"}, "b": {"Deployment": "d"}})
    list_tags(cw, "a", {"Deployment": "d"})
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}})
    assert_unchanged(result)
    assert result["alarms"][0]["tags"] == {"Deployment": "d"}


def test_an_alarm_the_tagging_api_does_not_list_is_read_with_its_own_call(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], {"b": {"Deployment": "d"}})
    list_tags(cw, "a", {})
    cw.add_response("tag_resource", {}, {"ResourceARN": ARN + "a", "Tags": [{"Key": "Deployment", "Value": "d"}]})
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}}, diff=True)
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["tags"] == {}
    assert result["diff"]["after"]["a"]["tags"] == {"Deployment": "d"}


def test_extra_tags_without_purge_are_no_difference_and_not_read_again(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a"], [described("a")])
    get_resources(aws, ["a"], {"a": {"Deployment": "d", "Extra": "x"}})
    result = run_module(m.main, {"alarms": [spec("a")], "tags": {"Deployment": "d"}, "purge_tags": False})
    assert_unchanged(result)
    assert result["alarms"][0]["tags"] == {"Deployment": "d", "Extra": "x"}


def test_only_existing_alarms_have_their_tags_read(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "new"], [described("a")])
    get_resources(aws, ["a"], {"a": {"Deployment": "d"}})
    result = run_module(m.main, {"alarms": [spec("a"), spec("new")], "tags": {"Deployment": "d"}}, check_mode=True)
    assert_changed(result)
    assert result["created"] == ["new"]


@pytest.mark.parametrize("code", ["AccessDeniedException", "NotAuthorized"])
def test_without_tag_get_resources_every_alarm_is_read_on_its_own_with_one_warning(aws, code):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error(code))
    list_tags(cw, "a", {"Deployment": "d"})
    list_tags(cw, "b", {"Deployment": "d"})
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}})
    assert_unchanged(result)
    assert len([w for w in result["warnings"] if "tag:GetResources is denied" in w]) == 1


def test_a_throttled_get_resources_is_retried(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a"], [described("a")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error("ThrottledException"))
    get_resources(aws, ["a"], {"a": {"Deployment": "d"}})
    result = run_module(m.main, {"alarms": [spec("a")], "tags": {"Deployment": "d"}})
    assert_unchanged(result)
    assert len(aws.sleeps) == 1


def test_another_get_resources_error_fails_naming_the_call(aws):
    describe(aws.stub("cloudwatch"), ["a"], [described("a")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error("InvalidParameterException"))
    result = run_module(m.main, {"alarms": [spec("a")], "tags": {"Deployment": "d"}})
    assert_fails_mentioning(result, "Failed to get the tags of 1 resources with GetResources")


def test_a_changed_alarm_is_put_whole_and_only_it(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    cw.add_response("put_metric_alarm", {}, put_params("b", Threshold=5.0, DatapointsToAlarm=2, EvaluationPeriods=3))
    result = run_module(
        m.main, {"alarms": [spec("a"), spec("b", threshold=5, evaluation_periods=3, datapoints_to_alarm=2)]}, diff=True
    )
    assert result["changed"] is True
    assert result["updated"] == ["b"]
    assert result["diff"]["before"]["b"]["threshold"] == 1.0
    assert result["diff"]["after"]["b"]["threshold"] == 5.0
    assert "a" not in result["diff"]["after"]


def test_check_mode_updates_nothing(aws):
    describe(aws.stub("cloudwatch"), ["a"], [described("a")])
    result = run_module(m.main, {"alarms": [spec("a", threshold=2)]}, check_mode=True)
    assert result["changed"] is True
    assert result["updated"] == ["a"]


def test_tags_of_an_existing_alarm_change_with_tag_and_untag(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a"], [described("a")])
    get_resources(aws, ["a"], {"a": {"Deployment": "old", "Stale": "x"}})
    # Different there, so read again with CloudWatch's own call before anything is written.
    list_tags(cw, "a", {"Deployment": "old", "Stale": "x"})
    cw.add_response("tag_resource", {}, {"ResourceARN": ARN + "a", "Tags": [{"Key": "Deployment", "Value": "d"}]})
    cw.add_response("untag_resource", {}, {"ResourceARN": ARN + "a", "TagKeys": ["Stale"]})
    result = run_module(m.main, {"alarms": [spec("a")], "tags": {"Deployment": "d"}})
    assert result["changed"] is True
    assert result["updated"] == ["a"]
    assert result["alarms"][0]["tags"] == {"Deployment": "d"}


def test_names_are_described_100_at_a_time_and_page_by_page(aws):
    cw = aws.stub("cloudwatch")
    names = [f"alarm-{i:03d}" for i in range(150)]
    describe(cw, names[:100], [described(n) for n in names[:60]], next_token="t1")
    describe(cw, names[:100], [described(n) for n in names[60:100]], token="t1")
    describe(cw, names[100:], [described(n) for n in names[100:]])
    result = run_module(m.main, {"alarms": [spec(n) for n in names]})
    assert result["changed"] is False, result["created"]


def test_purge_deletes_prefixed_alarms_not_listed(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["p-a"], [described("p-a")])
    cw.add_response(
        "describe_alarms",
        {"MetricAlarms": [described("p-a"), described("p-old")]},
        {"AlarmNamePrefix": "p-", "AlarmTypes": ["MetricAlarm"]},
    )
    cw.add_response("delete_alarms", {}, {"AlarmNames": ["p-old"]})
    result = run_module(m.main, {"alarms": [spec("p-a")], "purge": True, "purge_prefix": "p-"}, diff=True)
    assert result["changed"] is True
    assert result["deleted"] == ["p-old"]
    assert result["diff"]["after"] == {"p-old": {}}


def test_absent_deletes_what_exists_in_batches_of_100(aws):
    cw = aws.stub("cloudwatch")
    names = [f"alarm-{i:03d}" for i in range(120)]
    describe(cw, names[:100], [described(n) for n in names[:100]])
    describe(cw, names[100:], [described(n) for n in names[100:110]])
    cw.add_response("delete_alarms", {}, {"AlarmNames": names[:100]})
    cw.add_response("delete_alarms", {}, {"AlarmNames": names[100:110]})
    result = run_module(m.main, {"alarms": [{"name": n} for n in names], "state": "absent"})
    assert result["changed"] is True
    assert result["deleted"] == names[:110]


def test_absent_with_nothing_there_is_no_change(aws):
    describe(aws.stub("cloudwatch"), ["gone"], [])
    result = run_module(m.main, {"alarms": [{"name": "gone"}], "state": "absent"})
    assert result["changed"] is False
    assert result["deleted"] == []


def test_absent_check_mode_deletes_nothing(aws):
    describe(aws.stub("cloudwatch"), ["a"], [described("a")])
    result = run_module(m.main, {"alarms": [{"name": "a"}], "state": "absent"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["a"]["metric_name"] == "Errors"


def test_absent_purges_by_prefix(aws):
    cw = aws.stub("cloudwatch")
    cw.add_response(
        "describe_alarms",
        {"MetricAlarms": [described("p-a"), described("p-b")]},
        {"AlarmNamePrefix": "p-", "AlarmTypes": ["MetricAlarm"]},
    )
    cw.add_response("delete_alarms", {}, {"AlarmNames": ["p-a", "p-b"]})
    result = run_module(m.main, {"purge": True, "purge_prefix": "p-", "state": "absent"})
    assert result["deleted"] == ["p-a", "p-b"]


def test_an_alarm_deleted_meanwhile_does_not_stop_the_others(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    cw.add_client_error("delete_alarms", **client_error("ResourceNotFound", "b not found", 404))
    describe(cw, ["a", "b"], [described("a")])
    cw.add_response("delete_alarms", {}, {"AlarmNames": ["a"]})
    result = run_module(m.main, {"alarms": [{"name": "a"}, {"name": "b"}], "state": "absent"})
    assert result["changed"] is True, result


def test_throttling_is_retried(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a"], [described("a")])
    cw.add_client_error("put_metric_alarm", **client_error("Throttling", "Rate exceeded", 400))
    cw.add_response("put_metric_alarm", {}, put_params("a", Threshold=2.0))
    result = run_module(m.main, {"alarms": [spec("a", threshold=2)]})
    assert result["changed"] is True, result
    assert aws.sleeps, "the throttled call was retried after a pause"


def test_a_refused_put_names_the_alarm(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a"], [])
    cw.add_client_error("put_metric_alarm", **client_error("LimitExceeded", "too many alarms", 400))
    result = run_module(m.main, {"alarms": [spec("a")]})
    assert_fails_mentioning(result, "put alarm a")


def test_bad_input_fails_before_any_call(aws):
    given = spec("a")
    del given["statistic"]
    result = run_module(m.main, {"alarms": [given]})
    assert result["failed"] is True
    assert "alarms[0] (a): exactly one of statistic and extended_statistic" in result["msg"]


# --- known_tags -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_with_the_wanted_tags_read_no_tags_and_report_the_same(aws, check_mode):
    """A no-op whose tags the snapshot shows: DescribeAlarms only, the same result as with GetResources."""
    cw = aws.stub("cloudwatch")
    alarms = [spec("a"), spec("b", tags={"Alarm": "b"})]
    answered = {"a": {"Deployment": "d"}, "b": {"Deployment": "d", "Alarm": "b"}}
    describe(cw, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], answered)
    read = run_module(m.main, {"alarms": alarms, "tags": {"Deployment": "d"}}, check_mode=check_mode, diff=True)

    describe(cw, ["a", "b"], [described("a"), described("b")])
    asked = aws.sent("resourcegroupstaggingapi", "GetResources")
    reads = aws.sent("cloudwatch", "ListTagsForResource")
    known = {ARN + name: tags for name, tags in answered.items()}
    result = run_module(
        m.main,
        {"alarms": alarms, "tags": {"Deployment": "d"}, "known_tags": known},
        check_mode=check_mode,
        diff=True,
    )

    assert_unchanged(result)
    assert asked == [] and reads == []
    assert result == read


def test_known_tags_with_another_value_are_asked_and_read_and_updated(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    # "b" is answered by the snapshot; "a" differs there, so GetResources and ListTagsForResource decide.
    get_resources(aws, ["a"], {"a": {"Deployment": "old"}})
    list_tags(cw, "a", {"Deployment": "old"})
    cw.add_response("tag_resource", {}, {"ResourceARN": ARN + "a", "Tags": [{"Key": "Deployment", "Value": "d"}]})
    known = {ARN + "a": {"Deployment": "other"}, ARN + "b": {"Deployment": "d"}}
    result = run_module(
        m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}, "known_tags": known}, diff=True
    )
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["tags"] == {"Deployment": "old"}
    assert result["diff"]["after"]["a"]["tags"] == {"Deployment": "d"}
    assert [a["tags"] for a in result["alarms"]] == [{"Deployment": "d"}, {"Deployment": "d"}]


def test_known_tags_without_the_alarm_are_asked(aws):
    cw = aws.stub("cloudwatch")
    describe(cw, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a"], {})
    list_tags(cw, "a", {"Deployment": "d"})
    known = {ARN + "b": {"Deployment": "d"}}
    result = run_module(m.main, {"alarms": [spec("a"), spec("b")], "tags": {"Deployment": "d"}, "known_tags": known})
    assert_unchanged(result)
    assert [a["tags"] for a in result["alarms"]] == [{"Deployment": "d"}, {"Deployment": "d"}]


def test_known_tags_with_an_extra_tag_without_purge_read_no_tags(aws):
    describe(aws.stub("cloudwatch"), ["a"], [described("a")])
    known = {ARN + "a": {"Deployment": "d", "Extra": "x"}}
    result = run_module(
        m.main, {"alarms": [spec("a")], "tags": {"Deployment": "d"}, "purge_tags": False, "known_tags": known}
    )
    assert_unchanged(result)
    assert result["alarms"][0]["tags"] == {"Deployment": "d", "Extra": "x"}

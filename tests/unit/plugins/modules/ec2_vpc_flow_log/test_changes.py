"""The pure functions that decide what ec2_vpc_flow_log changes."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _flow_logs as fl

VPC = "vpc-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-eu-west-1"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other"
GROUP = "/vpc/flow-logs"
GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs"
BUCKET = "arn:aws:s3:::example-flow-logs/rejected/"
# A flow log to BUCKET, as the module's options and as AWS describes it: no log group and no role.
S3_PARAMS = {
    "log_destination_type": "s3",
    "log_group_name": None,
    "log_destination": BUCKET,
    "deliver_logs_permission_arn": None,
}
S3_FLOW_LOG = {
    "LogDestinationType": "s3",
    "LogGroupName": None,
    "LogDestination": BUCKET,
    "DeliverLogsPermissionArn": None,
}


def params(**overrides):
    return {
        "state": "present",
        "resource_id": VPC,
        "resource_type": "VPC",
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": GROUP,
        "log_destination": None,
        "deliver_logs_permission_arn": ROLE,
        "max_aggregation_interval": 60,
        "log_format": None,
        "destination_options": None,
        "tags": None,
        "purge_tags": True,
        **overrides,
    }


def existing(**overrides):
    flow_log = {
        "FlowLogId": "fl-0aaaaaaaaaaaaaaaa",
        "ResourceId": VPC,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": GROUP,
        "LogDestination": GROUP_ARN,
        "DeliverLogsPermissionArn": ROLE,
        "MaxAggregationInterval": 60,
        "LogFormat": fl.DEFAULT_LOG_FORMAT,
        "FlowLogStatus": "ACTIVE",
        "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}],
    }
    flow_log.update(overrides)
    return {k: v for k, v in flow_log.items() if v is not None}


@pytest.mark.parametrize(
    "arn, name",
    [
        (GROUP_ARN, GROUP),
        (GROUP_ARN + ":*", GROUP),
        ("arn:aws-cn:logs:cn-north-1:123456789012:log-group:with:colon", "with:colon"),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:logs:eu-west-1:123456789012:log-group:", None),
        ("not-an-arn", None),
        (None, None),
    ],
)
def test_log_group_name_from_arn(arn, name):
    assert fl.log_group_name_from_arn(arn) == name


@pytest.mark.parametrize(
    "candidate, same",
    [
        (existing(), True),
        (existing(LogDestination=None), True),  # recorded by name only
        (existing(LogGroupName=None), True),  # recorded by ARN only
        (existing(LogGroupName=None, LogDestination=GROUP_ARN + ":*"), True),
        (existing(LogGroupName="/other", LogDestination=None), False),
        (existing(TrafficType="REJECT"), False),
        (existing(ResourceId="vpc-0fffffffffffffff0"), False),
        (existing(LogDestinationType="s3", LogGroupName=None, LogDestination="arn:aws:s3:::b"), False),
    ],
)
def test_same_identity_by_name(candidate, same):
    assert fl.same_identity(candidate, fl.wanted_flow_log(params())) is same


def test_same_identity_by_arn():
    wanted = fl.wanted_flow_log(params(log_group_name=None, log_destination=GROUP_ARN + ":*"))
    assert fl.same_identity(existing(LogDestination=None), wanted)


@pytest.mark.parametrize(
    "stored, given, same",
    [
        (BUCKET, BUCKET, True),
        ("arn:aws:s3:::example-flow-logs/rejected", BUCKET, True),
        ("arn:aws:s3:::example-flow-logs", BUCKET, False),
    ],
)
def test_same_identity_s3(stored, given, same):
    wanted = fl.wanted_flow_log(params(**{**S3_PARAMS, "log_destination": given}))
    candidate = existing(LogDestinationType="s3", LogGroupName=None, LogDestination=stored)
    assert fl.same_identity(candidate, wanted) is same


@pytest.mark.parametrize(
    "overrides, differences",
    [
        ({}, []),
        ({"max_aggregation_interval": 600}, ["max_aggregation_interval"]),
        ({"deliver_logs_permission_arn": OTHER_ROLE}, ["deliver_logs_permission_arn"]),
        ({"log_format": "${version} ${srcaddr}"}, ["log_format"]),
        ({"log_format": fl.DEFAULT_LOG_FORMAT}, []),
        (
            {"max_aggregation_interval": 600, "deliver_logs_permission_arn": OTHER_ROLE},
            ["deliver_logs_permission_arn", "max_aggregation_interval"],
        ),
        ({"tags": {"Other": "tag"}}, []),  # tags change in place
    ],
)
def test_immutable_differences(overrides, differences):
    assert fl.immutable_differences(existing(), fl.wanted_flow_log(params(**overrides))) == differences


@pytest.mark.parametrize(
    "current, options, differences",
    [
        (None, {"file_format": "parquet"}, ["destination_options"]),
        ({"FileFormat": "parquet", "PerHourPartition": False}, {"file_format": "parquet"}, []),
        ({"FileFormat": "parquet", "PerHourPartition": False}, {"per_hour_partition": True}, ["destination_options"]),
        ({"FileFormat": "plain-text"}, {"file_format": None, "per_hour_partition": None}, []),
    ],
)
def test_destination_option_differences(current, options, differences):
    wanted = fl.wanted_flow_log(params(**S3_PARAMS, max_aggregation_interval=600, destination_options=options))
    candidate = existing(**S3_FLOW_LOG, MaxAggregationInterval=600, DestinationOptions=current)
    assert fl.immutable_differences(candidate, wanted) == differences


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({}, None),
        ({"state": "absent", "deliver_logs_permission_arn": None}, None),
        ({"deliver_logs_permission_arn": None}, "needs deliver_logs_permission_arn"),
        ({"log_group_name": None, "log_destination": "arn:aws:s3:::b"}, "must be a CloudWatch Logs log group ARN"),
        ({"log_group_name": None, "log_destination": GROUP_ARN}, None),
        ({"log_destination_type": "s3", "deliver_logs_permission_arn": None}, "log_group_name is only for"),
        (
            {"log_destination_type": "s3", "log_group_name": None, "deliver_logs_permission_arn": None},
            "needs log_destination",
        ),
        (
            {"log_destination_type": "s3", "log_group_name": None, "log_destination": BUCKET},
            "deliver_logs_permission_arn is not supported",
        ),
        (
            {"destination_options": {"file_format": "parquet", "per_hour_partition": None}},
            "destination_options apply to log_destination_type=s3 only",
        ),
        ({"destination_options": {"file_format": None}}, None),
        (
            {
                "log_destination_type": "kinesis-data-firehose",
                "log_group_name": None,
                "log_destination": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/flow-logs",
            },
            None,
        ),
    ],
)
def test_validate_params(overrides, message):
    errors = fl.validate_params(params(**overrides))
    if message is None:
        assert errors == []
    else:
        assert any(message in e for e in errors), errors


@pytest.mark.parametrize(
    "current, wanted, purge, tags",
    [
        (None, None, True, {}),
        ({"a": "1"}, None, True, {"a": "1"}),
        ({"a": "1"}, {"b": "2"}, True, {"b": "2"}),
        ({"a": "1"}, {"b": "2"}, False, {"a": "1", "b": "2"}),
        ({"a": "1"}, {"a": "3"}, False, {"a": "3"}),
        ({"a": "1"}, {}, True, {}),
    ],
)
def test_tags_for_new(current, wanted, purge, tags):
    assert fl.tags_for_new(current, wanted, purge) == tags


def test_plan_create():
    plan = fl.plan_present([], fl.wanted_flow_log(params()), {"Name": "x"}, True)
    assert plan["action"] == "create"
    assert plan["delete"] == [] and plan["tags"] == {"Name": "x"}
    assert fl.plan_changes(plan)


def test_plan_nothing_to_do():
    plan = fl.plan_present([existing()], fl.wanted_flow_log(params()), {"Name": "vpc-flow-log"}, True)
    assert plan["action"] == "keep" and plan["delete"] == []
    assert not fl.plan_changes(plan)


@pytest.mark.parametrize(
    "wanted_tags, purge, to_set, to_remove",
    [
        ({"Name": "renamed"}, True, {"Name": "renamed"}, []),
        ({"Team": "net"}, True, {"Team": "net"}, ["Name"]),
        ({"Team": "net"}, False, {"Team": "net"}, []),
        ({}, True, {}, ["Name"]),
        ({}, False, {}, []),
        (None, True, {}, []),
    ],
)
def test_plan_tags(wanted_tags, purge, to_set, to_remove):
    plan = fl.plan_present([existing()], fl.wanted_flow_log(params()), wanted_tags, purge)
    assert plan["action"] == "keep"
    assert (plan["tags_to_set"], plan["tags_to_remove"]) == (to_set, to_remove)
    assert fl.plan_changes(plan) is bool(to_set or to_remove)


def test_plan_replace_keeps_what_was_left_out():
    old = existing(MaxAggregationInterval=600, LogFormat="${version} ${srcaddr}")
    plan = fl.plan_present([old], fl.wanted_flow_log(params()), None, True)
    assert plan["action"] == "replace"
    assert plan["differences"] == ["max_aggregation_interval"]
    assert plan["delete"] == [old["FlowLogId"]]
    assert plan["spec"]["MaxAggregationInterval"] == 60
    assert plan["spec"]["LogFormat"] == "${version} ${srcaddr}"
    assert plan["tags"] == {"Name": "vpc-flow-log"}


def test_plan_replace_takes_new_tags():
    plan = fl.plan_present([existing(MaxAggregationInterval=600)], fl.wanted_flow_log(params()), {"New": "1"}, True)
    assert plan["tags"] == {"New": "1"}


def test_plan_keeps_the_conforming_one_and_deletes_leftovers():
    leftover = existing(FlowLogId="fl-0bbbbbbbbbbbbbbbb", MaxAggregationInterval=600)
    good = existing(FlowLogId="fl-0cccccccccccccccc")
    plan = fl.plan_present([leftover, good], fl.wanted_flow_log(params()), None, True)
    assert plan["action"] == "keep" and plan["keep"] is good
    assert plan["delete"] == ["fl-0bbbbbbbbbbbbbbbb"]
    assert fl.plan_changes(plan)


def test_plan_replace_of_several_deletes_them_all():
    first = existing(FlowLogId="fl-0bbbbbbbbbbbbbbbb", MaxAggregationInterval=600, CreationTime="2026-01-01")
    second = existing(FlowLogId="fl-0cccccccccccccccc", MaxAggregationInterval=600, CreationTime="2026-02-01")
    plan = fl.plan_present([second, first], fl.wanted_flow_log(params()), None, True)
    assert plan["action"] == "replace" and plan["replaces"] is first
    assert plan["delete"] == ["fl-0bbbbbbbbbbbbbbbb", "fl-0cccccccccccccccc"]


def test_replacement_spec_merges_destination_options():
    old = {"DestinationOptions": {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False}}
    wanted = {"LogDestinationType": "s3", "DestinationOptions": {"PerHourPartition": True}}
    spec = fl.replacement_spec(wanted, old)
    assert spec["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": True,
        "PerHourPartition": True,
    }


def test_replacement_spec_does_not_carry_s3_options_elsewhere():
    spec = fl.replacement_spec({"LogDestinationType": "cloud-watch-logs"}, {"DestinationOptions": {"FileFormat": "x"}})
    assert "DestinationOptions" not in spec


@pytest.mark.parametrize(
    "spec, tags, expected",
    [
        (
            {"ResourceId": VPC, "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs", "LogGroupName": GROUP},
            {},
            {
                "ResourceIds": [VPC],
                "ResourceType": "VPC",
                "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs",
                "LogGroupName": GROUP,
            },
        ),
        (
            {"ResourceId": VPC, "TrafficType": "REJECT", "LogDestinationType": "s3", "LogDestination": BUCKET},
            {"a": "1"},
            {
                "ResourceIds": [VPC],
                "ResourceType": "VPC",
                "TrafficType": "REJECT",
                "LogDestinationType": "s3",
                "LogDestination": BUCKET,
                "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "a", "Value": "1"}]}],
            },
        ),
    ],
)
def test_create_request(spec, tags, expected):
    assert fl.create_request(spec, "VPC", tags) == expected


def test_predicted_flow_log_fills_aws_defaults():
    spec = {"ResourceId": VPC, "TrafficType": "ALL", "LogDestinationType": "s3", "LogDestination": BUCKET}
    predicted = fl.flow_log_result(fl.predicted_flow_log(spec, {}))
    assert predicted["max_aggregation_interval"] == 600
    assert predicted["log_format"] == fl.DEFAULT_LOG_FORMAT
    assert predicted["destination_options"] == {
        "file_format": "plain-text",
        "hive_compatible_partitions": False,
        "per_hour_partition": False,
    }
    assert predicted["flow_log_id"] is None


def test_flow_log_result_shape():
    result = fl.flow_log_result(existing(DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Access error"))
    assert set(fl.RESULT_KEYS) <= set(result)
    assert result["tags"] == {"Name": "vpc-flow-log"}
    assert result["deliver_logs_error_message"] == "Access error"
    assert result["destination_options"] is None


def test_unsuccessful_message():
    items = [{"ResourceId": VPC, "Error": {"Code": "InvalidParameter", "Message": "bad role"}}]
    assert fl.unsuccessful_message(items) == f"{VPC}: InvalidParameter: bad role"

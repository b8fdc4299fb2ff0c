"""ec2_vpc_flow_log against stubbed EC2: every API path, check mode and diff."""

from __future__ import annotations

import datetime
import functools

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.module_utils import _flow_logs as fl
from ansible_collections.multiregion.serverless.plugins.module_utils import common
from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_flow_log
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import ec2_unsuccessful
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

VPC = "vpc-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-eu-west-1"
GROUP = "/vpc/flow-logs"
GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs"
OLD_ID = "fl-0aaaaaaaaaaaaaaaa"
NEW_ID = "fl-0bbbbbbbbbbbbbbbb"
CREATED = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)

ARGS = {
    "resource_id": VPC,
    "log_group_name": GROUP,
    "deliver_logs_permission_arn": ROLE,
    "max_aggregation_interval": 60,
    "tags": {"Name": "vpc-flow-log"},
}
IDENTITY_FILTER = {
    "Filter": [
        {"Name": "resource-id", "Values": [VPC]},
        {"Name": "traffic-type", "Values": ["ALL"]},
    ]
}
CREATE = {
    "ClientToken": ANY,
    "ResourceIds": [VPC],
    "ResourceType": "VPC",
    "TrafficType": "ALL",
    "LogDestinationType": "cloud-watch-logs",
    "LogGroupName": GROUP,
    "DeliverLogsPermissionArn": ROLE,
    "MaxAggregationInterval": 60,
    "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}]}],
}


def without(args, *keys):
    return {k: v for k, v in args.items() if k not in keys}


def flow_log(flow_log_id=OLD_ID, **overrides):
    """A flow log as DescribeFlowLogs returns it for a CloudWatch Logs destination."""
    described = {
        "CreationTime": CREATED,
        "DeliverLogsPermissionArn": ROLE,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": flow_log_id,
        "FlowLogStatus": "ACTIVE",
        "LogGroupName": GROUP,
        "ResourceId": VPC,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogDestination": GROUP_ARN,
        "LogFormat": fl.DEFAULT_LOG_FORMAT,
        "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}],
        "MaxAggregationInterval": 60,
    }
    described.update(overrides)
    return {k: v for k, v in described.items() if v is not None}


def describe(stub, found, params=None):
    stub.add_response("describe_flow_logs", {"FlowLogs": found}, params or IDENTITY_FILTER)


def describe_new(stub, found):
    stub.add_response("describe_flow_logs", {"FlowLogs": found}, {"FlowLogIds": [NEW_ID]})


def created(stub, params=None, ids=(NEW_ID,)):
    stub.add_response("create_flow_logs", {"FlowLogIds": list(ids), "Unsuccessful": []}, params or CREATE)


@pytest.fixture
def no_sleep_wait(monkeypatch):
    """wait_for with its sleeps recorded instead of slept."""
    slept = []
    monkeypatch.setattr(ec2_vpc_flow_log, "wait_for", functools.partial(common.wait_for, sleep=slept.append))
    return slept


# --- create ------------------------------------------------------------------------------------------------


def test_create(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    created(ec2)
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["replaced"] is False
    assert result["flow_log"]["flow_log_id"] == NEW_ID
    assert result["flow_log"]["max_aggregation_interval"] == 60
    assert result["flow_log"]["tags"] == {"Name": "vpc-flow-log"}
    assert result["deleted_flow_log_ids"] == []


def test_create_with_diff(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    created(ec2)
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS, diff=True)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["flow_log_id"] == NEW_ID
    assert result["diff"]["after"]["log_group_name"] == GROUP
    assert "flow_log_status" not in result["diff"]["after"]


def test_create_ignores_flow_logs_to_other_destinations(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log("fl-0ddddddddddddddd0", LogGroupName="/other", LogDestination=None)])
    created(ec2)
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["changed"] is True and result["flow_log"]["flow_log_id"] == NEW_ID


def test_create_to_s3_with_destination_options(aws):
    bucket = "arn:aws:s3:::example-flow-logs/rejected/"
    args = {
        "resource_id": "subnet-0123456789abcdef0",
        "resource_type": "Subnet",
        "traffic_type": "REJECT",
        "log_destination_type": "s3",
        "log_destination": bucket,
        "destination_options": {"file_format": "parquet", "per_hour_partition": True},
    }
    ec2 = aws.stub("ec2")
    describe(
        ec2,
        [],
        {
            "Filter": [
                {"Name": "resource-id", "Values": ["subnet-0123456789abcdef0"]},
                {"Name": "traffic-type", "Values": ["REJECT"]},
            ]
        },
    )
    created(
        ec2,
        {
            "ClientToken": ANY,
            "ResourceIds": ["subnet-0123456789abcdef0"],
            "ResourceType": "Subnet",
            "TrafficType": "REJECT",
            "LogDestinationType": "s3",
            "LogDestination": bucket,
            "MaxAggregationInterval": 600,
            "DestinationOptions": {"FileFormat": "parquet", "PerHourPartition": True},
        },
    )
    describe_new(
        ec2,
        [
            {
                "FlowLogId": NEW_ID,
                "ResourceId": "subnet-0123456789abcdef0",
                "TrafficType": "REJECT",
                "LogDestinationType": "s3",
                "LogDestination": bucket,
                "MaxAggregationInterval": 600,
                "DestinationOptions": {
                    "FileFormat": "parquet",
                    "HiveCompatiblePartitions": False,
                    "PerHourPartition": True,
                },
                "FlowLogStatus": "ACTIVE",
            }
        ],
    )
    result = run_module(ec2_vpc_flow_log.main, args)
    assert not result.get("failed"), result
    assert result["flow_log"]["destination_options"] == {
        "file_format": "parquet",
        "hive_compatible_partitions": False,
        "per_hour_partition": True,
    }
    assert result["flow_log"]["tags"] == {}


def test_unsuccessful_create_fails_with_its_message(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    ec2.add_response(
        "create_flow_logs",
        {
            "FlowLogIds": [],
            "Unsuccessful": [
                {
                    "ResourceId": VPC,
                    "Error": {"Code": "400", "Message": "Access Denied for DeliverLogsPermissionArn"},
                }
            ],
        },
        CREATE,
    )
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["failed"]
    assert (
        result["msg"] == f"Failed to create flow log for {VPC}: {VPC}: 400: Access Denied for DeliverLogsPermissionArn"
    )


def test_create_error_is_described(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    ec2.add_client_error("create_flow_logs", **client_error("InvalidVpcID.NotFound", "The vpc ID does not exist"))
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert_fails_with(result, f"Failed to create flow log for {VPC}")
    assert result["error"]["code"] == "InvalidVpcID.NotFound"


def test_create_waits_until_described(aws, no_sleep_wait):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    created(ec2)
    ec2.add_client_error(
        "describe_flow_logs", **client_error("InvalidFlowLogId.NotFound"), expected_params={"FlowLogIds": [NEW_ID]}
    )
    describe_new(ec2, [])
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["flow_log"]["flow_log_id"] == NEW_ID and result["flow_log"]["flow_log_status"] == "ACTIVE"
    assert no_sleep_wait == [2, 2]


def test_create_wait_timeout_fails(aws, no_sleep_wait):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    created(ec2)
    describe_new(ec2, [])
    result = run_module(ec2_vpc_flow_log.main, {**ARGS, "wait_timeout": 0})
    assert_fails_mentioning(result, f"Timeout waiting for flow log {NEW_ID} to be described")


def test_create_without_wait_returns_the_prediction_when_not_yet_described(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    created(ec2)
    describe_new(ec2, [])
    result = run_module(ec2_vpc_flow_log.main, {**ARGS, "wait": False})
    assert not result.get("failed"), result
    assert result["flow_log"]["flow_log_id"] == NEW_ID
    assert result["flow_log"]["log_group_name"] == GROUP


# --- no change ---------------------------------------------------------------------------------------------


def test_no_change(aws):
    describe(aws.stub("ec2"), [flow_log()])
    result = run_module(ec2_vpc_flow_log.main, ARGS, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is False and result["replaced"] is False
    assert result["flow_log"]["flow_log_id"] == OLD_ID
    assert result["flow_log"]["creation_time"] == CREATED.isoformat()
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_change_when_the_log_group_is_given_by_arn(aws):
    describe(aws.stub("ec2"), [flow_log(LogDestination=None)])
    args = {**without(ARGS, "log_group_name"), "log_destination": GROUP_ARN + ":*"}
    result = run_module(ec2_vpc_flow_log.main, args)
    assert_unchanged(result)


def test_omitted_tags_are_left_alone(aws):
    describe(aws.stub("ec2"), [flow_log(Tags=[{"Key": "Owner", "Value": "network"}])])
    result = run_module(ec2_vpc_flow_log.main, {**ARGS, "tags": None})
    assert result["changed"] is False
    assert result["flow_log"]["tags"] == {"Owner": "network"}


# --- tags --------------------------------------------------------------------------------------------------


def test_tag_update(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(Tags=[{"Key": "Name", "Value": "old"}, {"Key": "Team", "Value": "net"}])])
    ec2.add_response("delete_tags", {}, {"Resources": [OLD_ID], "Tags": [{"Key": "Team"}]})
    ec2.add_response("create_tags", {}, {"Resources": [OLD_ID], "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}]})
    result = run_module(ec2_vpc_flow_log.main, ARGS, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["replaced"] is False
    assert result["flow_log"]["flow_log_id"] == OLD_ID
    assert result["flow_log"]["tags"] == {"Name": "vpc-flow-log"}
    assert result["diff"]["before"]["tags"] == {"Name": "old", "Team": "net"}
    assert result["diff"]["after"]["tags"] == {"Name": "vpc-flow-log"}


def test_tags_added_without_purge(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(Tags=[{"Key": "Team", "Value": "net"}])])
    ec2.add_response("create_tags", {}, {"Resources": [OLD_ID], "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}]})
    result = run_module(ec2_vpc_flow_log.main, {**ARGS, "purge_tags": False})
    assert result["changed"] is True
    assert result["flow_log"]["tags"] == {"Name": "vpc-flow-log", "Team": "net"}


def test_tag_error_is_described(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(Tags=[])])
    ec2.add_client_error("create_tags", **client_error("UnauthorizedOperation", "not allowed", 403))
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["failed"] and result["msg"].startswith(f"Failed to tag flow log {OLD_ID}")


def test_check_mode_tag_update_makes_no_call(aws):
    describe(aws.stub("ec2"), [flow_log(Tags=[])])
    result = run_module(ec2_vpc_flow_log.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {} and result["diff"]["after"]["tags"] == {"Name": "vpc-flow-log"}


# --- replacement -------------------------------------------------------------------------------------------


def test_replacement_on_immutable_change(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(MaxAggregationInterval=600)])
    # The format the old flow log had is kept: an option left out is left alone.
    created(ec2, {**CREATE, "LogFormat": fl.DEFAULT_LOG_FORMAT})
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [OLD_ID]})
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["replaced"] is True
    assert result["replaced_attributes"] == ["max_aggregation_interval"]
    assert result["deleted_flow_log_ids"] == [OLD_ID]
    assert result["flow_log"]["flow_log_id"] == NEW_ID
    assert result["diff"]["before"]["max_aggregation_interval"] == 600
    assert result["diff"]["after"]["max_aggregation_interval"] == 60
    assert "replacing " + OLD_ID in result["diff"]["after_header"]


def test_replacement_when_the_role_changes(aws):
    other = "arn:aws:iam::123456789012:role/other"
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(DeliverLogsPermissionArn=other)])
    created(ec2, {**CREATE, "LogFormat": fl.DEFAULT_LOG_FORMAT})
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [OLD_ID]})
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["replaced"] is True and result["replaced_attributes"] == ["deliver_logs_permission_arn"]


def test_replacement_deletes_first_when_the_api_refuses_a_second_flow_log(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log(MaxAggregationInterval=600)])
    request = {**CREATE, "LogFormat": fl.DEFAULT_LOG_FORMAT}
    ec2.add_client_error(
        "create_flow_logs",
        **client_error("FlowLogAlreadyExists", "There is an existing Flow Log with the same configuration"),
        expected_params=request,
    )
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [OLD_ID]})
    created(ec2, request)
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert not result.get("failed"), result
    assert result["replaced"] is True and result["flow_log"]["flow_log_id"] == NEW_ID


def test_already_exists_without_anything_to_replace_fails(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    ec2.add_client_error("create_flow_logs", **client_error("FlowLogAlreadyExists"), expected_params=CREATE)
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["failed"] and result["error"]["code"] == "FlowLogAlreadyExists"


def test_check_mode_replacement_makes_no_call(aws):
    describe(aws.stub("ec2"), [flow_log(MaxAggregationInterval=600)])
    result = run_module(ec2_vpc_flow_log.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True and result["replaced"] is True
    assert result["deleted_flow_log_ids"] == [OLD_ID]
    assert result["flow_log"]["flow_log_id"] is None
    assert result["diff"]["before"]["flow_log_id"] == OLD_ID
    assert result["diff"]["after"]["max_aggregation_interval"] == 60
    assert result["diff"]["before_header"] == f"flow log {OLD_ID} (deleted)"


def test_leftover_duplicate_is_deleted(aws):
    ec2 = aws.stub("ec2")
    leftover = flow_log(NEW_ID, MaxAggregationInterval=600)
    describe(ec2, [leftover, flow_log()])
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [NEW_ID]})
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["changed"] is True and result["replaced"] is False
    assert result["flow_log"]["flow_log_id"] == OLD_ID
    assert result["deleted_flow_log_ids"] == [NEW_ID]


# --- check mode --------------------------------------------------------------------------------------------


def test_check_mode_create_makes_no_call(aws):
    describe(aws.stub("ec2"), [])
    result = run_module(ec2_vpc_flow_log.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert result["flow_log"]["flow_log_id"] is None
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["max_aggregation_interval"] == 60
    assert result["diff"]["after"]["log_format"] == fl.DEFAULT_LOG_FORMAT
    assert result["diff"]["after"]["tags"] == {"Name": "vpc-flow-log"}


def test_check_mode_diff_matches_a_real_run(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [])
    predicted = run_module(ec2_vpc_flow_log.main, ARGS, check_mode=True, diff=True)
    describe(ec2, [])
    created(ec2)
    describe_new(ec2, [flow_log(NEW_ID, LogDestination=None)])
    real = run_module(ec2_vpc_flow_log.main, ARGS, diff=True)
    without_id = {k: v for k, v in real["diff"]["after"].items() if k != "flow_log_id"}
    assert without_id == {k: v for k, v in predicted["diff"]["after"].items() if k != "flow_log_id"}


# --- absent ------------------------------------------------------------------------------------------------


ABSENT = {"state": "absent", "resource_id": VPC, "log_group_name": GROUP}


def test_delete(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log()])
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [OLD_ID]})
    result = run_module(ec2_vpc_flow_log.main, ABSENT, diff=True)
    assert not result.get("failed"), result
    assert result["changed"] is True and result["deleted_flow_log_ids"] == [OLD_ID]
    assert result["flow_log"] == {}
    assert result["diff"]["before"]["flow_log_id"] == OLD_ID and result["diff"]["after"] == {}


def test_already_absent(aws):
    describe(aws.stub("ec2"), [flow_log(LogGroupName="/other", LogDestination=None)])
    result = run_module(ec2_vpc_flow_log.main, ABSENT)
    assert result["changed"] is False and result["deleted_flow_log_ids"] == []


def test_delete_of_a_flow_log_gone_meanwhile(aws):
    ec2 = aws.stub("ec2")
    describe(ec2, [flow_log()])
    ec2.add_client_error(
        "delete_flow_logs", **client_error("InvalidFlowLogId.NotFound"), expected_params={"FlowLogIds": [OLD_ID]}
    )
    result = run_module(ec2_vpc_flow_log.main, ABSENT)
    assert_changed(result)


def found_but_unsuccessfully_deleted(ec2, code, message):
    """The flow log is found, and DeleteFlowLogs answers that it could not delete it."""
    describe(ec2, [flow_log()])
    ec2.add_response("delete_flow_logs", ec2_unsuccessful(OLD_ID, code, message), {"FlowLogIds": [OLD_ID]})


def test_delete_unsuccessful_not_found_is_fine(aws):
    found_but_unsuccessfully_deleted(aws.stub("ec2"), "InvalidFlowLogId.NotFound", "gone")
    result = run_module(ec2_vpc_flow_log.main, ABSENT)
    assert not result.get("failed"), result


def test_delete_unsuccessful_fails_with_its_message(aws):
    found_but_unsuccessfully_deleted(aws.stub("ec2"), "UnauthorizedOperation", "denied")
    result = run_module(ec2_vpc_flow_log.main, ABSENT)
    assert_fails_as(result, f"Failed to delete flow logs: {OLD_ID}: UnauthorizedOperation: denied")


def test_check_mode_delete_makes_no_call(aws):
    describe(aws.stub("ec2"), [flow_log()])
    result = run_module(ec2_vpc_flow_log.main, ABSENT, check_mode=True)
    assert result["changed"] is True and result["deleted_flow_log_ids"] == [OLD_ID]


# --- retries, errors, validation -------------------------------------------------------------------------


def test_throttled_then_retried(aws):
    ec2 = aws.stub("ec2")
    ec2.add_client_error(
        "describe_flow_logs", **client_error("RequestLimitExceeded", status=503), expected_params=IDENTITY_FILTER
    )
    describe(ec2, [])
    ec2.add_client_error("create_flow_logs", **client_error("RequestLimitExceeded", status=503), expected_params=CREATE)
    created(ec2)
    describe_new(ec2, [flow_log(NEW_ID)])
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert not result.get("failed"), result
    assert result["flow_log"]["flow_log_id"] == NEW_ID
    assert len(aws.sleeps) == 2


def test_describe_paginates(aws):
    ec2 = aws.stub("ec2")
    ec2.add_response("describe_flow_logs", {"FlowLogs": [], "NextToken": "t1"}, IDENTITY_FILTER)
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, {**IDENTITY_FILTER, "NextToken": "t1"})
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["changed"] is False and result["flow_log"]["flow_log_id"] == OLD_ID


def test_describe_error_is_described(aws):
    aws.stub("ec2").add_client_error("describe_flow_logs", **client_error("UnauthorizedOperation", "denied", 403))
    result = run_module(ec2_vpc_flow_log.main, ARGS)
    assert result["failed"] and result["msg"].startswith("Failed to describe flow logs")


@pytest.mark.parametrize(
    "args, message",
    [
        ({**ARGS, "deliver_logs_permission_arn": None}, "needs deliver_logs_permission_arn"),
        ({**ARGS, "log_destination_type": "s3", "deliver_logs_permission_arn": None}, "log_group_name is only for"),
        ({**without(ARGS, "log_group_name"), "log_destination": "arn:aws:s3:::b"}, "log group ARN"),
        (
            without(ARGS, "log_group_name"),
            "log_destination_type is cloud-watch-logs but any of the following are missing: log_group_name,"
            " log_destination",
        ),
    ],
)
def test_invalid_combinations_fail_before_any_call(aws, args, message):
    result = run_module(ec2_vpc_flow_log.main, args)
    assert result["failed"] and message in result["msg"]


def test_group_name_and_destination_are_exclusive(aws):
    result = run_module(ec2_vpc_flow_log.main, {**ARGS, "log_destination": GROUP_ARN})
    assert result["failed"] and "mutually exclusive" in result["msg"]

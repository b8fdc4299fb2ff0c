"""ec2_vpc_flow_log_info against stubbed EC2."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_flow_log_info
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

VPC = "vpc-0123456789abcdef0"
SUBNET = "subnet-0123456789abcdef0"
CWL = {
    "FlowLogId": "fl-0aaaaaaaaaaaaaaaa",
    "ResourceId": VPC,
    "TrafficType": "ALL",
    "LogDestinationType": "cloud-watch-logs",
    "LogGroupName": "/vpc/flow-logs",
    "DeliverLogsPermissionArn": "arn:aws:iam::123456789012:role/vpc-flow-logs-eu-west-1",
    "DeliverLogsStatus": "FAILED",
    "DeliverLogsErrorMessage": "Access error",
    "MaxAggregationInterval": 60,
    "FlowLogStatus": "ACTIVE",
    "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}],
}
S3 = {
    "FlowLogId": "fl-0bbbbbbbbbbbbbbbb",
    "ResourceId": SUBNET,
    "TrafficType": "REJECT",
    "LogDestinationType": "s3",
    "LogDestination": "arn:aws:s3:::example-flow-logs",
    "DestinationOptions": {"FileFormat": "parquet", "HiveCompatiblePartitions": False, "PerHourPartition": True},
    "MaxAggregationInterval": 600,
    "FlowLogStatus": "ACTIVE",
}


def test_lists_everything(aws):
    aws.stub("ec2").add_response("describe_flow_logs", {"FlowLogs": [CWL, S3]}, {})
    result = run_module(ec2_vpc_flow_log_info.main, {})
    assert_unchanged(result)
    assert [f["flow_log_id"] for f in result["flow_logs"]] == ["fl-0aaaaaaaaaaaaaaaa", "fl-0bbbbbbbbbbbbbbbb"]
    cwl, s3 = result["flow_logs"]
    assert cwl["tags"] == {"Name": "vpc-flow-log"} and cwl["deliver_logs_error_message"] == "Access error"
    assert s3["destination_options"] == {
        "file_format": "parquet",
        "hive_compatible_partitions": False,
        "per_hour_partition": True,
    }
    assert s3["tags"] == {}


def test_by_resource_ids(aws):
    aws.stub("ec2").add_response(
        "describe_flow_logs", {"FlowLogs": [CWL, S3]}, {"Filter": [{"Name": "resource-id", "Values": [VPC, SUBNET]}]}
    )
    result = run_module(ec2_vpc_flow_log_info.main, {"resource_ids": [VPC, SUBNET]})
    assert len(result["flow_logs"]) == 2


def test_by_flow_log_ids_and_filters(aws):
    aws.stub("ec2").add_response(
        "describe_flow_logs",
        {"FlowLogs": [CWL]},
        {
            "FlowLogIds": ["fl-0aaaaaaaaaaaaaaaa"],
            "Filter": [
                {"Name": "deliver-log-status", "Values": ["FAILED"]},
                {"Name": "tag:Name", "Values": ["vpc-flow-log"]},
                {"Name": "resource-id", "Values": [VPC]},
            ],
        },
    )
    result = run_module(
        ec2_vpc_flow_log_info.main,
        {
            "flow_log_ids": ["fl-0aaaaaaaaaaaaaaaa"],
            "resource_ids": [VPC],
            "filters": {"deliver-log-status": "FAILED", "tag:Name": "vpc-flow-log"},
        },
    )
    assert [f["flow_log_id"] for f in result["flow_logs"]] == ["fl-0aaaaaaaaaaaaaaaa"]


def test_paginates(aws):
    ec2 = aws.stub("ec2")
    ec2.add_response("describe_flow_logs", {"FlowLogs": [CWL], "NextToken": "t1"}, {})
    ec2.add_response("describe_flow_logs", {"FlowLogs": [S3]}, {"NextToken": "t1"})
    result = run_module(ec2_vpc_flow_log_info.main, {})
    assert len(result["flow_logs"]) == 2


def test_unknown_id_is_empty(aws):
    aws.stub("ec2").add_client_error("describe_flow_logs", **client_error("InvalidFlowLogId.NotFound"))
    result = run_module(ec2_vpc_flow_log_info.main, {"flow_log_ids": ["fl-0ffffffffffffffff"]})
    assert not result.get("failed"), result
    assert result["flow_logs"] == []


def test_throttled_then_retried(aws):
    ec2 = aws.stub("ec2")
    ec2.add_client_error("describe_flow_logs", **client_error("RequestLimitExceeded", status=503))
    ec2.add_response("describe_flow_logs", {"FlowLogs": [CWL]}, {})
    result = run_module(ec2_vpc_flow_log_info.main, {})
    assert not result.get("failed"), result
    assert len(result["flow_logs"]) == 1
    assert aws.sleeps


def test_errors_are_described(aws):
    aws.stub("ec2").add_client_error("describe_flow_logs", **client_error("UnauthorizedOperation", "denied", 403))
    result = run_module(ec2_vpc_flow_log_info.main, {})
    assert result["failed"] and result["msg"].startswith("Failed to describe flow logs")


def test_resource_ids_and_resource_id_filter_conflict(aws):
    result = run_module(ec2_vpc_flow_log_info.main, {"resource_ids": [VPC], "filters": {"resource-id": SUBNET}})
    assert result["failed"] and "not both" in result["msg"]


@pytest.mark.parametrize(
    "resource_ids, filters, expected",
    [
        (None, {}, None),
        ([VPC], {}, [{"Name": "resource-id", "Values": [VPC]}]),
        (None, {"traffic-type": ["ALL", "REJECT"]}, [{"Name": "traffic-type", "Values": ["ALL", "REJECT"]}]),
    ],
)
def test_build_filters(resource_ids, filters, expected):
    assert ec2_vpc_flow_log_info.build_filters(resource_ids, filters) == expected

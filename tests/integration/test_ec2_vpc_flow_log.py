"""ec2_vpc_flow_log and ec2_vpc_flow_log_info against the local endpoint, through a playbook."""

from __future__ import annotations

import functools

from .conftest import PhasedPlaybook
from .conftest import tagged_vpc_id
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/ec2_vpc_flow_log.yml"
TASK = "Flow log"
GROUP = "/vpc/flow-logs-test"


vpc_id = functools.partial(tagged_vpc_id, name="flow-log-test")


def flow_logs(ec2, resource_id: str) -> list[dict]:
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["FlowLogs"]


def tags(flow_log: dict) -> dict:
    return {t["Key"]: t["Value"] for t in flow_log.get("Tags", [])}


playbook = PhasedPlaybook(PLAYBOOK, "flow_log_phase", TASK)


def test_flow_log_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    created = playbook.changing(ansible_playbook, "present")
    vpc = vpc_id(ec2)
    [flow_log] = flow_logs(ec2, vpc)
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["LogGroupName"] == GROUP
    assert flow_log["MaxAggregationInterval"] == 60
    assert flow_log["DeliverLogsPermissionArn"] == boto("iam").get_role(RoleName="flow-log-test")["Role"]["Arn"]
    assert tags(flow_log) == {"Name": "vpc-flow-log"}
    assert playbook.result(created)["flow_log"]["flow_log_id"] == flow_log["FlowLogId"]
    listed = task_result(created, "Flow logs of the VPC")["flow_logs"]
    assert [f["flow_log_id"] for f in listed] == [flow_log["FlowLogId"]]

    again = playbook.unchanged(ansible_playbook, "present")
    assert playbook.changed_task not in again.changed_tasks()
    assert [f["FlowLogId"] for f in flow_logs(ec2, vpc)] == [flow_log["FlowLogId"]]

    retagged = playbook(ansible_playbook, "tags")
    assert retagged.changed_tasks() == [playbook.changed_task]
    assert playbook.result(retagged)["replaced"] is False
    [updated] = flow_logs(ec2, vpc)
    assert updated["FlowLogId"] == flow_log["FlowLogId"]
    assert tags(updated) == {"Name": "vpc-flow-log", "Team": "network"}

    replaced = playbook(ansible_playbook, "replace")
    result = playbook.result(replaced)
    assert result["replaced"] is True and result["replaced_attributes"] == ["max_aggregation_interval"]
    [replacement] = flow_logs(ec2, vpc)
    assert replacement["FlowLogId"] != flow_log["FlowLogId"]
    assert replacement["MaxAggregationInterval"] == 600
    assert result["flow_log"]["flow_log_id"] == replacement["FlowLogId"]

    playbook.changing(ansible_playbook, "absent")
    assert flow_logs(ec2, vpc) == []


def test_check_mode_creates_nothing(ansible_playbook, boto):
    playbook.changing(ansible_playbook, "present", "--check")
    ec2 = boto("ec2")
    assert vpc_id(ec2) is None
    assert ec2.describe_flow_logs()["FlowLogs"] == []

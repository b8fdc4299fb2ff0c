"""ec2_network_interfaces_wait against a stubbed EC2: interfaces in use then released, timeout, check mode."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.modules import ec2_network_interfaces_wait as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

SG = "sg-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
LAMBDA_ENI = "eni-0aaaaaaaaaaaaaaa1"
ENDPOINT_ENI = "eni-0bbbbbbbbbbbbbbb2"


def interface(eni_id, status="in-use", description="AWS Lambda VPC ENI-prod-api-0123abcd", kind="lambda", **extra):
    found = {
        "NetworkInterfaceId": eni_id,
        "Status": status,
        "Description": description,
        "InterfaceType": kind,
        "RequesterId": "123456789012:awslambda_0123" if kind == "lambda" else "727180483921",
        "RequesterManaged": True,
        "SubnetId": SUBNETS[0],
        "VpcId": "vpc-0123456789abcdef0",
        "Groups": [{"GroupId": SG, "GroupName": "prod-lambda"}],
        **extra,
    }
    if status == "in-use":
        found["Attachment"] = {"AttachmentId": "ela-attach-0123", "InstanceOwnerId": "amazon-aws", "Status": "attached"}
    return found


def listed(stub, by_group, by_subnet=None):
    stub.add_response(
        "describe_network_interfaces",
        {"NetworkInterfaces": by_group},
        {"Filters": [{"Name": "group-id", "Values": [SG]}]},
    )
    stub.add_response(
        "describe_network_interfaces",
        {"NetworkInterfaces": by_group if by_subnet is None else by_subnet},
        {"Filters": [{"Name": "subnet-id", "Values": SUBNETS}]},
    )


clock = clock_fixture(module)


ARGS = {"security_group_ids": [SG], "subnet_ids": SUBNETS, "timeout": 120, "delay": 15}


def test_nothing_references_them_returns_at_once(aws, clock):
    listed(aws.stub("ec2"), [])

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert result["network_interfaces"] == []
    assert result["deleted_network_interface_ids"] == []
    assert clock.sleeps == []


def test_waits_while_in_use_then_deletes_what_lambda_released(aws, clock):
    stub = aws.stub("ec2")
    # Still attached to Lambda's Hyperplane, twice.
    listed(stub, [interface(LAMBDA_ENI)])
    listed(stub, [interface(LAMBDA_ENI)])
    # Released by Lambda: detached, still in the group and subnet. The module deletes it, as terraform does.
    listed(stub, [interface(LAMBDA_ENI, status="available")])
    stub.add_response("delete_network_interface", {}, {"NetworkInterfaceId": LAMBDA_ENI})

    result = run_module(module.main, ARGS)

    assert result["changed"] is True
    assert result["deleted_network_interface_ids"] == [LAMBDA_ENI]
    assert result["network_interfaces"] == []
    assert clock.sleeps == [15, 15]
    assert result["waited_seconds"] == 30


def test_waits_for_other_owners_interfaces_and_never_deletes_them(aws, clock):
    stub = aws.stub("ec2")
    endpoint_eni = interface(
        ENDPOINT_ENI, status="available", description="VPC Endpoint Interface vpce-0123", kind="vpc_endpoint"
    )
    listed(stub, [endpoint_eni])
    listed(stub, [])

    result = run_module(module.main, ARGS)

    assert result["changed"] is False
    assert result["deleted_network_interface_ids"] == []
    assert clock.sleeps == [15]


def test_an_interface_found_by_group_and_by_subnet_counts_once(aws, clock):
    stub = aws.stub("ec2")
    listed(stub, [interface(LAMBDA_ENI, status="available")], [interface(LAMBDA_ENI, status="available")])
    stub.add_response("delete_network_interface", {}, {"NetworkInterfaceId": LAMBDA_ENI})

    result = run_module(module.main, ARGS)

    assert result["deleted_network_interface_ids"] == [LAMBDA_ENI]


def test_an_interface_already_gone_when_deleted_is_fine(aws, clock):
    stub = aws.stub("ec2")
    listed(stub, [interface(LAMBDA_ENI, status="available")])
    stub.add_client_error(
        "delete_network_interface",
        **client_error("InvalidNetworkInterfaceID.NotFound"),
        expected_params={"NetworkInterfaceId": LAMBDA_ENI},
    )

    result = run_module(module.main, ARGS)

    assert result.get("failed") is not True
    assert result["network_interfaces"] == []


def test_timeout_names_every_interface_that_remains(aws, clock):
    stub = aws.stub("ec2")
    endpoint_eni = interface(ENDPOINT_ENI, description="VPC Endpoint Interface vpce-0123", kind="vpc_endpoint")
    for _attempt in range(9):
        listed(stub, [interface(LAMBDA_ENI), endpoint_eni])

    result = run_module(module.main, ARGS)

    assert_fails_mentioning(
        result, f"2 network interface(s) still reference {SG}, {SUBNETS[0]}, {SUBNETS[1]} after 120 s"
    )
    assert f"{LAMBDA_ENI} (in-use, lambda, 'AWS Lambda VPC ENI-prod-api-0123abcd'" in result["msg"]
    assert f"{ENDPOINT_ENI} (in-use, vpc_endpoint" in result["msg"]
    assert [i["network_interface_id"] for i in result["network_interfaces"]] == [LAMBDA_ENI, ENDPOINT_ENI]
    assert result["network_interfaces"][0]["group_ids"] == [SG]
    assert sum(clock.sleeps) <= 120
    assert len(clock.sleeps) == 8


def test_timeout_zero_checks_once(aws, clock):
    listed(aws.stub("ec2"), [interface(LAMBDA_ENI)])

    result = run_module(module.main, dict(ARGS, timeout=0))

    assert_fails_mentioning(result, LAMBDA_ENI)
    assert clock.sleeps == []


def test_released_interfaces_are_kept_when_asked(aws, clock):
    stub = aws.stub("ec2")
    listed(stub, [interface(LAMBDA_ENI, status="available")])

    result = run_module(module.main, dict(ARGS, timeout=0, delete_released_lambda_interfaces=False))

    assert result["failed"] is True
    assert result["deleted_network_interface_ids"] == []


def test_check_mode_looks_once_and_neither_waits_nor_deletes(aws, clock):
    listed(aws.stub("ec2"), [interface(LAMBDA_ENI, status="available"), interface(ENDPOINT_ENI)])

    result = run_module(module.main, ARGS, check_mode=True)

    assert result["changed"] is True
    assert result["deleted_network_interface_ids"] == [LAMBDA_ENI]
    assert [i["network_interface_id"] for i in result["network_interfaces"]] == [ENDPOINT_ENI]
    assert clock.sleeps == []


def test_only_groups(aws, clock):
    aws.stub("ec2").add_response(
        "describe_network_interfaces", {"NetworkInterfaces": []}, {"Filters": [{"Name": "group-id", "Values": [SG]}]}
    )

    result = run_module(module.main, {"security_group_ids": [SG]})

    assert result["changed"] is False


def test_describe_error_names_what_was_described(aws, clock):
    aws.stub("ec2").add_client_error(
        "describe_network_interfaces",
        **client_error("UnauthorizedOperation", "not authorized", 403),
        expected_params={"Filters": [{"Name": "group-id", "Values": [SG]}]},
    )

    result = run_module(module.main, {"security_group_ids": [SG]})

    assert_fails_mentioning(result, f"Failed to describe the network interfaces of group-id ['{SG}']")

"""Fixtures and responses shared by ec2_vpc_endpoint's unit tests."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint as vpce
from ansible_collections.multiregion.serverless.tests.unit.conftest import ec2_unsuccessful
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_wait_for

VPC = "vpc-0123456789abcdef0"
RTB_A, RTB_B = "rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"


def described_endpoint(endpoint_id: str, service: str, **overrides) -> dict:
    """An endpoint as DescribeVpcEndpoints returns it: by default an available gateway of VPC on RTB_A and RTB_B."""
    return {
        "VpcEndpointId": endpoint_id,
        "VpcEndpointType": "Gateway",
        "VpcId": VPC,
        "ServiceName": service,
        "State": "available",
        "RouteTableIds": [RTB_A, RTB_B],
        "SubnetIds": [],
        "Groups": [],
        "PrivateDnsEnabled": False,
        "RequesterManaged": False,
        "NetworkInterfaceIds": [],
        "DnsEntries": [],
        "OwnerId": "123456789012",
        **overrides,
    }


@pytest.fixture
def slept(monkeypatch):
    """wait_for with a clock that moves only when the module sleeps, and the sleeps recorded."""
    return patch_wait_for(monkeypatch, vpce).sleeps


def gone_on_delete(stub, endpoint_id: str) -> None:
    """DeleteVpcEndpoints answering that ``endpoint_id`` is not found (deleted meanwhile)."""
    unsuccessful = ec2_unsuccessful(endpoint_id, "InvalidVpcEndpoint.NotFound", "gone")
    stub.add_response("delete_vpc_endpoints", unsuccessful, {"VpcEndpointIds": [endpoint_id]})

"""Fixtures and responses shared by ec2_vpc_endpoint's unit tests."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ec2_vpc_endpoint as vpce
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_wait_for


@pytest.fixture
def slept(monkeypatch):
    """wait_for with a clock that moves only when the module sleeps, and the sleeps recorded."""
    return patch_wait_for(monkeypatch, vpce).sleeps


def gone_on_delete(stub, endpoint_id: str) -> None:
    """DeleteVpcEndpoints answering that ``endpoint_id`` is not found (deleted meanwhile)."""
    stub.add_response(
        "delete_vpc_endpoints",
        {
            "Unsuccessful": [
                {"ResourceId": endpoint_id, "Error": {"Code": "InvalidVpcEndpoint.NotFound", "Message": "gone"}}
            ]
        },
        {"VpcEndpointIds": [endpoint_id]},
    )

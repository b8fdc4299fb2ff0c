"""dr_probe as a module: input checks, Route 53 through the Stubber, and dnspython against a DNS server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dr_probe
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import HealthServer
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import ScriptedClock
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import ScriptedResolver
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import at

WEST, CENTRAL = "eu-west-1", "eu-central-1"
HC_WEST = "0a1b2c3d-1111-2222-3333-444455556666"
ZONE = "Z0123456789ABCDEFGHIJ"


@pytest.fixture
def clock(monkeypatch):
    fake = ScriptedClock()
    monkeypatch.setattr(dr_probe, "_now", fake.now)
    monkeypatch.setattr(dr_probe, "_sleep", fake.sleep)
    monkeypatch.setattr(dr_probe, "_wall", fake.wall)
    return fake


def observation(status):
    return {
        "Region": "us-east-1",
        "IPAddress": "192.0.2.200",
        "StatusReport": {"Status": status, "CheckedTime": "2026-12-06T10:00:00Z"},
    }


def status(stub, *statuses):
    stub.add_response(
        "get_health_check_status",
        {"HealthCheckObservations": [observation(s) for s in statuses]},
        {"HealthCheckId": HC_WEST},
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ({"targets": []}, "targets must list at least one region"),
        ({"targets": [{"region": WEST, "url": "ftp://x/health"}]}, "targets[0].url must be an http or https URL"),
        ({"targets": [{"region": WEST}]}, "one of the following is required: url, health_check_id found in targets"),
        ({"targets": [{"region": WEST, "url": "http://127.0.0.1/"}], "dns_name": "a.example"}, "expect_region_values"),
        (
            {
                "targets": [{"region": WEST, "url": "http://127.0.0.1/"}],
                "dns_name": "a.example",
                "expect_region_values": {WEST: ["192.0.2.1"]},
            },
            "name_servers or hosted_zone_id is required with dns_name",
        ),
        ({"targets": [{"region": WEST, "url": "http://127.0.0.1/"}], "interval": 0}, "interval must be positive"),
        ({"targets": [{"region": WEST, "url": "http://127.0.0.1/"}], "max_requests": 0}, "max_requests must be"),
    ],
)
def test_bad_input_fails_before_any_probe(aws, clock, args, message):
    result = run_module(dr_probe.main, args)
    assert_fails_mentioning(result, message)
    assert aws.clients == {}


def test_http_and_dns_only_make_no_aws_call(aws, clock, monkeypatch):
    resolver = ScriptedResolver(lambda n, s: ["192.0.2.10"])
    monkeypatch.setattr(dr_probe, "_resolver", resolver)
    with HealthServer(fail_requests={2}) as west:
        result = run_module(
            dr_probe.main,
            {
                "targets": [{"region": WEST, "url": west.url}],
                "dns_name": "api.example.com",
                "name_servers": ["127.0.0.1#5353"],
                "expect_region_values": {WEST: ["192.0.2.10"]},
                "record_ttl": 60,
                "duration": 10,
            },
            check_mode=True,
        )
    assert result["changed"] is False
    assert aws.clients == {}
    assert result["stopped"] == "all_recovered"
    assert result["transitions"][WEST]["failed_at"] == at(1)
    assert result["transitions"][WEST]["recovered_at"] == at(2)
    assert result["transitions"][WEST]["region_rto_seconds"] is None  # DNS never withdrew the region
    assert resolver.calls[0][2] == "127.0.0.1#5353"
    assert result["name_servers"] == ["127.0.0.1#5353"]


def test_route53_health_check_status_and_hosted_zone_name_servers(aws, clock, monkeypatch):
    monkeypatch.setattr(dr_probe, "_resolver", ScriptedResolver(lambda n, s: ["192.0.2.10"]))
    stub = aws.stub("route53")
    stub.add_response(
        "get_hosted_zone",
        {
            "HostedZone": {"Id": f"/hostedzone/{ZONE}", "Name": "example.com.", "CallerReference": "x"},
            "DelegationSet": {"NameServers": ["127.0.0.1", "127.0.0.2"]},
        },
        {"Id": ZONE},
    )
    status(stub, "Success: HTTP Status Code 200, OK")
    stub.add_client_error("get_health_check_status", **client_error("Throttling", status=400))
    status(stub, "Failure: HTTP Status Code 503", "Failure: Connection timed out")
    status(stub, "Success: HTTP Status Code 200, OK", "Success: HTTP Status Code 200, OK")

    result = run_module(
        dr_probe.main,
        {
            "targets": [{"region": WEST, "health_check_id": HC_WEST}],
            "dns_name": "api.example.com",
            "hosted_zone_id": ZONE,
            "expect_region_values": {WEST: ["192.0.2.10"]},
            "duration": 30,
        },
    )

    assert result["name_servers"] == ["127.0.0.1", "127.0.0.2"]
    r53 = [p for p in result["probes"] if p["source"] == "route53"]
    assert [p["ok"] for p in r53] == [True, None, False, True]
    assert "GetHealthCheckStatus failed" in r53[1]["detail"]
    assert r53[2]["detail"] == "0/2 checkers healthy"
    assert result["transitions"][WEST]["marked_unhealthy_at"] == at(2)
    assert result["transitions"][WEST]["marked_healthy_at"] == at(3)
    assert aws.sleeps == [], "a throttled status call is an observation, never retried inside the loop"


def test_an_unknown_hosted_zone_fails(aws, clock):
    aws.stub("route53").add_client_error("get_hosted_zone", **client_error("NoSuchHostedZone"))
    result = run_module(
        dr_probe.main,
        {
            "targets": [{"region": WEST, "url": "http://127.0.0.1:9/"}],
            "dns_name": "api.example.com",
            "hosted_zone_id": ZONE,
            "expect_region_values": {WEST: ["192.0.2.10"]},
        },
    )
    assert_fails_mentioning(result, "Failed to get hosted zone")


class DnsServer:
    """A DNS server on 127.0.0.1 (UDP) answering A queries for one name from a list the test changes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values = ["192.0.2.10"]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            question = query.question[0]
            if question.name.to_text().rstrip(".") == self.name:
                if self.values:
                    response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", "A", self.values))
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()


def test_dns_query_with_dnspython_against_a_local_server():
    server = DnsServer("api.example.com")
    try:
        where = f"127.0.0.1#{server.port}"
        assert dr_probe.dns_query("api.example.com", "A", where, 2) == ["192.0.2.10"]
        server.values = ["192.0.2.10", "198.51.100.20"]
        assert sorted(dr_probe.dns_query("api.example.com", "A", where, 2)) == ["192.0.2.10", "198.51.100.20"]
        server.values = []
        assert dr_probe.dns_query("api.example.com", "A", where, 2) == []
        assert dr_probe.dns_query("other.example.com", "A", where, 2) == []
    finally:
        server.close()

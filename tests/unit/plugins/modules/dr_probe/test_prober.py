"""The prober against health servers on 127.0.0.1 that fail and recover on cue, and a scripted DNS resolver.

Time is scripted: the prober's sleep moves the clock, and cues (an event set or cleared) run when their time is
reached. Nothing sleeps for real and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dr_probe
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import HealthServer
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import ScriptedClock
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import ScriptedResolver
from ansible_collections.multiregion.serverless.tests.unit.plugins.modules.dr_probe.servers import at

WEST, CENTRAL = "eu-west-1", "eu-central-1"
WEST_IP, CENTRAL_IP = "192.0.2.10", "198.51.100.20"
EXPECT = {WEST: [WEST_IP], CENTRAL: [CENTRAL_IP]}


def http(url, timeout):
    return dr_probe.http_get(url, timeout)


def prober(clock, targets, **kwargs):
    options = dict(interval=1, duration=60, max_requests=1000, http=http, clock=clock.now, sleep=clock.sleep)
    options.update(kwargs)
    return dr_probe.Prober(targets, wall=clock.wall, **options)


def test_a_region_that_fails_and_recovers_gives_the_expected_timeline():
    """West's health URL fails on its 3rd-5th requests; DNS stops answering with it on the 4th-6th queries."""

    def dns(n, server):
        return [CENTRAL_IP] if 4 <= n <= 6 else [WEST_IP, CENTRAL_IP]

    clock = ScriptedClock()
    resolver = ScriptedResolver(dns)
    with HealthServer(fail_requests={3, 4, 5}) as west, HealthServer() as central:
        result = prober(
            clock,
            [{"region": WEST, "url": west.url}, {"region": CENTRAL, "url": central.url}],
            dns_name="api.example.com",
            name_servers=["127.0.0.1"],
            expect_region_values=EXPECT,
            resolver=resolver,
        ).run()
        served = (west.requests, central.requests)

    assert result["stopped"] == "all_recovered"
    assert served == (7, 7)
    assert result["requests"] == 21
    assert resolver.calls[0] == ("api.example.com", "A", "127.0.0.1")
    assert result["transitions"][WEST] == {
        "failed_at": at(2),
        "marked_unhealthy_at": None,
        "dns_withdrawn_at": at(3),
        "recovered_at": at(5),
        "marked_healthy_at": None,
        "dns_restored_at": at(6),
    }
    assert all(v is None for v in result["transitions"][CENTRAL].values())
    changes = [(e["time"], e["source"], e["region"], e["event"]) for e in result["timeline"] if e["source"] != "probe"]
    assert changes == [
        (at(0), "http", WEST, "up"),
        (at(0), "http", CENTRAL, "up"),
        (at(0), "dns", WEST, "answered"),
        (at(0), "dns", CENTRAL, "answered"),
        (at(2), "http", WEST, "down"),
        (at(3), "dns", WEST, "withdrawn"),
        (at(5), "http", WEST, "up"),
        (at(6), "dns", WEST, "answered"),
    ]
    assert [e["event"] for e in result["timeline"] if e["source"] == "probe"] == ["started", "stopped"]
    west_http = [p for p in result["probes"] if p["source"] == "http" and p["region"] == WEST]
    assert [(p["time"], p["ok"], p["detail"]) for p in west_http][1:4] == [
        (at(1), True, "HTTP 200"),
        (at(2), False, "HTTP 503"),
        (at(3), False, "HTTP 503"),
    ]
    assert clock.sleeps == [1, 1, 1, 1, 1, 1]
    assert dr_probe.with_region_rto(result["transitions"], 60)[WEST]["region_rto_seconds"] == 61.0


def test_a_region_failing_while_an_event_is_set():
    """The cue sets the server's failing event at 2 s and clears it at 4.5 s."""
    with HealthServer() as west:
        clock = ScriptedClock(cues={2: west.failing.set, 4.5: west.failing.clear})
        result = prober(clock, [{"region": WEST, "url": west.url}], interval=0.5).run()

    marks = result["transitions"][WEST]
    assert (marks["failed_at"], marks["recovered_at"]) == (at(2), at(4.5))
    assert result["stopped"] == "all_recovered"
    assert result["ended_at"] == at(4.5)


def test_stop_when_never_probes_for_the_whole_duration():
    clock = ScriptedClock()
    with HealthServer() as west:
        result = prober(clock, [{"region": WEST, "url": west.url}], duration=5, stop_when="never").run()
        served = west.requests
    assert result["stopped"] == "duration"
    assert served == 5
    assert [p["time"] for p in result["probes"]] == [at(t) for t in range(5)]


def test_nothing_failing_never_counts_as_recovered():
    clock = ScriptedClock()
    with HealthServer() as west:
        result = prober(clock, [{"region": WEST, "url": west.url}], duration=3).run()
    assert result["stopped"] == "duration"
    assert result["transitions"][WEST]["failed_at"] is None


def test_the_request_budget_bounds_the_probe():
    clock = ScriptedClock()
    with HealthServer() as west, HealthServer() as central:
        result = prober(
            clock, [{"region": WEST, "url": west.url}, {"region": CENTRAL, "url": central.url}], max_requests=3
        ).run()
        served = west.requests + central.requests
    assert result["stopped"] == "max_requests"
    assert result["requests"] == 3
    assert served == 3


def test_a_silent_name_server_is_skipped_and_none_answering_changes_nothing():
    def dns(n, server):
        if server == "192.0.2.53":
            return TimeoutError("timed out")
        if n in (4,):  # the second server fails once too: no server answered in that round
            return RuntimeError("SERVFAIL")
        return [WEST_IP]

    clock = ScriptedClock()
    resolver = ScriptedResolver(dns)
    result = prober(
        clock,
        [],
        duration=3,
        dns_name="api.example.com",
        name_servers=["192.0.2.53", "127.0.0.1"],
        expect_region_values={WEST: [WEST_IP]},
        resolver=resolver,
    ).run()

    assert [c[2] for c in resolver.calls] == ["192.0.2.53", "127.0.0.1"] * 3
    assert [p["ok"] for p in result["probes"]] == [True, None, True]
    assert "no name server answered" in result["probes"][1]["detail"]
    assert result["transitions"][WEST]["dns_withdrawn_at"] is None


def test_route53_status_is_probed_and_a_failing_call_is_an_observation():
    statuses = iter(
        [
            [{"StatusReport": {"Status": "Success: HTTP Status Code 200"}}],
            RuntimeError("Throttling"),
            [{"StatusReport": {"Status": "Failure: HTTP Status Code 503"}}],
            [{"StatusReport": {"Status": "Success: HTTP Status Code 200"}}],
        ]
    )

    def status(health_check_id):
        answer = next(statuses)
        if isinstance(answer, Exception):
            raise answer
        return answer

    clock = ScriptedClock()
    result = prober(clock, [{"region": WEST, "health_check_id": "hc-1"}], health_check_status=status).run()

    assert [p["ok"] for p in result["probes"]] == [True, None, False, True]
    assert result["transitions"][WEST]["marked_unhealthy_at"] == at(2)
    assert result["transitions"][WEST]["marked_healthy_at"] == at(3)
    assert result["stopped"] == "all_recovered"


def test_http_get_reports_no_answer():
    with HealthServer() as server:
        url = server.url
    ok, detail = dr_probe.http_get(url, 0.5)  # the server is closed now
    assert ok is False
    assert detail.startswith("no answer")


@pytest.mark.parametrize(
    "server, expected", [("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1#5353", ("127.0.0.1", 5353))]
)
def test_split_server(server, expected):
    assert dr_probe.split_server(server) == expected


def test_http_get_ignores_the_proxy_environment_unless_asked(monkeypatch):
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with HealthServer() as target, HealthServer() as proxy:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.httpd.server_address[1]}")
        assert dr_probe.http_get(target.url, 2) == (True, "HTTP 200")
        assert (target.requests, proxy.requests) == (1, 0)
        assert dr_probe.http_get(target.url, 2, use_proxy=True) == (True, "HTTP 200")
        assert (target.requests, proxy.requests) == (1, 1)

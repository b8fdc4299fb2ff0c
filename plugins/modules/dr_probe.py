#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: dr_probe
short_description: Probe regions' health URLs, authoritative DNS and Route 53 health checks on a timeline
version_added: 0.1.0
description:
  - Measures a region failover as it happens. Every O(interval) seconds, for at most O(duration) seconds and at
    most O(max_requests) requests, it probes
  - each target's health URL with an HTTP(S) C(GET) (a 2xx answer is up, anything else or no answer down);
  - each target's Route 53 health check with C(GetHealthCheckStatus) (healthy when more than 18% of Route 53's
    checkers report success, as Route 53 decides), only when the target has a C(health_check_id);
  - the name O(dns_name) at the authoritative name servers O(name_servers) (or the hosted zone's, with
    O(hosted_zone_id)), asking each in turn until one answers; a region is answered while the answer holds one of
    its O(expect_region_values).
  - Every probe is timestamped and returned in RV(probes). RV(timeline) holds the changes only, and
    RV(transitions) per region the first time it failed (HTTP), was marked unhealthy (Route 53), was withdrawn
    from DNS, and the first time after each that it recovered, was marked healthy and was answered again. With
    O(record_ttl) the achieved Region RTO is computed per region - from failing to DNS no longer answering with it,
    plus the TTL.
  - With O(stop_when=all_recovered) the probe ends as soon as some region has failed and every source that went
    bad has come back; with V(never) it runs for O(duration).
  - It probes only the URLs and name servers it is given (name server host names are resolved once, at the start,
    with the system resolver). It changes nothing and runs the same in check mode.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  targets:
    description:
      - The regions to watch.
    type: list
    elements: dict
    required: true
    suboptions:
      region:
        description: The region's name (a key of RV(transitions)).
        type: str
        required: true
      url:
        description: Its health URL (C(http) or C(https)).
        type: str
      health_check_id:
        description: Its Route 53 health check.
        type: str
  dns_name:
    description:
      - The global name whose answers tell which regions DNS sends clients to.
    type: str
  dns_record_type:
    description:
      - The record type asked for.
    type: str
    default: A
  name_servers:
    description:
      - The authoritative name servers to ask (IP addresses or host names, with C(#port) for a port other than
        53), in order.
    type: list
    elements: str
    default: []
  hosted_zone_id:
    description:
      - When O(name_servers) is empty, ask the name servers of this hosted zone (Route 53 C(GetHostedZone)).
    type: str
  expect_region_values:
    description:
      - Region -> the record values (addresses, or names for C(CNAME)) that mean "DNS answers with this region".
        Compared without case or trailing dot.
    type: dict
    default: {}
  record_ttl:
    description:
      - The TTL of the failover records, added to the time to withdrawal to give the achieved Region RTO.
    type: int
  duration:
    description:
      - The most seconds to probe.
    type: int
    default: 600
  interval:
    description:
      - Seconds from the start of one probing round to the next.
    type: float
    default: 1.0
  request_timeout:
    description:
      - Seconds one HTTP request or DNS query may take.
    type: float
    default: 2.0
  max_requests:
    description:
      - The most requests (HTTP, DNS and Route 53 together). By default the number a full O(duration) of rounds
        takes.
    type: int
  stop_when:
    description:
      - V(all_recovered) ends the probe once every region that failed has fully come back; V(never) probes for
        O(duration).
    type: str
    choices: [all_recovered, never]
    default: all_recovered
  validate_certs:
    description:
      - Check the health URLs' TLS certificates.
    type: bool
    default: true
  use_proxy:
    description:
      - Send the health URL requests through the proxy the environment names (C(https_proxy), ...). By default
        they go straight to the URL's host, so that a proxy is not measured along with the region.
    type: bool
    default: false
notes:
  - Route 53 documents C(GetHealthCheckStatus) as meant for diagnosis rather than high query rates; one call per
    health check per round stays well within that. A throttled or failed call is recorded as an observation
    without a verdict and is not retried in the loop, so that retries never skew the timeline.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Watch both regions while eu-west-1 is impaired
  multiregion.serverless.dr_probe:
    targets:
      - region: eu-west-1
        url: https://abc123.execute-api.eu-west-1.amazonaws.com/v1/healthcheck
        health_check_id: 0a1b2c3d-1111-2222-3333-444455556666
      - region: eu-central-1
        url: https://def456.execute-api.eu-central-1.amazonaws.com/v1/healthcheck
        health_check_id: 0a1b2c3d-7777-8888-9999-000011112222
    dns_name: api.example.com
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    expect_region_values:
      eu-west-1: [192.0.2.10, 192.0.2.11]
      eu-central-1: [198.51.100.20]
    record_ttl: 60
    duration: 900
    interval: 1
  register: failover
"""

RETURN = r"""
transitions:
  description: Per region, when each transition was first seen (ISO 8601, UTC, ms); null when never.
  returned: always
  type: dict
  sample:
    eu-west-1:
      failed_at: "2026-12-06T10:00:02.000+00:00"
      marked_unhealthy_at: "2026-12-06T10:00:31.000+00:00"
      dns_withdrawn_at: "2026-12-06T10:00:33.000+00:00"
      recovered_at: "2026-12-06T10:10:02.000+00:00"
      marked_healthy_at: "2026-12-06T10:10:21.000+00:00"
      dns_restored_at: "2026-12-06T10:10:22.000+00:00"
      region_rto_seconds: 91.0
timeline:
  description: The changes, in order - the first observation of each source and region, then every change.
  returned: always
  type: list
  elements: dict
  sample:
    - {time: "2026-12-06T10:00:02.000+00:00", source: http, region: eu-west-1, event: down, detail: "HTTP 503"}
probes:
  description: Every probe, timestamped, with its verdict (true, false, or null when it could not tell).
  returned: always
  type: list
  elements: dict
  sample:
    - {time: "2026-12-06T10:00:02.000+00:00", source: http, region: eu-west-1, ok: false, detail: "HTTP 503",
       elapsed_ms: 12}
requests:
  description: Requests made.
  returned: always
  type: int
stopped:
  description: Why the probe ended - C(all_recovered), C(duration) or C(max_requests).
  returned: always
  type: str
started_at:
  description: When probing started.
  returned: always
  type: str
ended_at:
  description: When probing ended.
  returned: always
  type: str
name_servers:
  description: The name server addresses asked.
  returned: always
  type: list
  elements: str
"""

import datetime
import math
import socket
import ssl
import time
import urllib.error
import urllib.request
from typing import Any
from typing import Callable
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils import _dr
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler

try:
    import dns.exception
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype

    HAS_DNSPYTHON = True
except ImportError:
    HAS_DNSPYTHON = False

Route53Handler = error_handler(["NoSuchHostedZone", "NoSuchHealthCheck"])


# ---- the probes (default implementations; tests pass their own) ----------------------------------------------


def http_get(url: str, timeout: float, validate_certs: bool = True, use_proxy: bool = False) -> tuple[bool, str]:
    """(up, detail): up when the URL answers 2xx within ``timeout``.

    Without ``use_proxy`` the request goes straight to the URL's host, whatever the proxy environment says: a
    proxy in between would be measured along with the region.
    """
    context = ssl.create_default_context()
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    handlers: list = [urllib.request.HTTPSHandler(context=context)]
    if not use_proxy:
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "multiregion.serverless dr_probe"})
    try:
        with opener.open(request, timeout=timeout) as response:
            code = response.status
    except urllib.error.HTTPError as e:
        return False, f"HTTP {e.code}"
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return False, f"no answer: {reason}"
    return 200 <= code < 300, f"HTTP {code}"


def split_server(name_server: str) -> tuple[str, int]:
    """``address`` or ``address#port`` (BIND's notation) -> (address, port)."""
    address, _sep, port = name_server.partition("#")
    return address, int(port) if port else 53


def dns_query(name: str, rdtype: str, name_server: str, timeout: float) -> list[str]:
    """The values of ``name``'s ``rdtype`` records as ``name_server`` answers (UDP, then TCP if truncated).

    NXDOMAIN and NODATA are answers (an empty list); no answer or a server failure raises.
    """
    address, port = split_server(name_server)
    query = dns.message.make_query(name, rdtype)
    response = dns.query.udp_with_fallback(query, address, timeout=timeout, port=port)[0]
    code = response.rcode()
    if code == dns.rcode.NXDOMAIN:
        return []
    if code != dns.rcode.NOERROR:
        raise RuntimeError(f"{name_server} answered {dns.rcode.to_text(code)}")
    wanted = dns.rdatatype.from_text(rdtype)
    return [r.to_text() for rrset in response.answer if rrset.rdtype == wanted for r in rrset]


# Seams for the unit tests: time and the probes are scripted there.
def _now() -> float:
    return time.monotonic()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _wall() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _http_get(url: str, timeout: float, validate_certs: bool, use_proxy: bool) -> tuple[bool, str]:
    return http_get(url, timeout, validate_certs, use_proxy)


def _resolver(name: str, rdtype: str, name_server: str, timeout: float) -> list[str]:
    return dns_query(name, rdtype, name_server, timeout)


def _address_of(name_server: str) -> str:
    """The name server's address (``#port`` kept); a host name is resolved once with the system resolver."""
    host, port = split_server(name_server)
    suffix = f"#{port}" if port != 53 else ""
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        return host + suffix
    except OSError:
        return socket.getaddrinfo(host, port, proto=socket.IPPROTO_UDP)[0][4][0] + suffix


# ---- the prober ----------------------------------------------------------------------------------------------


class Prober:
    """Runs probing rounds on a clock it is given; everything it does is bounded in time and requests."""

    def __init__(
        self,
        targets: list[dict],
        *,
        interval: float,
        duration: float,
        max_requests: int,
        stop_when: str = "all_recovered",
        request_timeout: float = 2.0,
        dns_name: Optional[str] = None,
        dns_record_type: str = "A",
        name_servers: Optional[list[str]] = None,
        expect_region_values: Optional[dict] = None,
        http: Callable[[str, float], tuple[bool, str]],
        resolver: Callable[[str, str, str, float], list[str]] = _resolver,
        health_check_status: Optional[Callable[[str], list]] = None,
        clock: Callable[[], float] = _now,
        sleep: Callable[[float], None] = _sleep,
        wall: Callable[[], datetime.datetime] = _wall,
    ) -> None:
        self.targets = targets
        self.interval = interval
        self.duration = duration
        self.max_requests = max_requests
        self.stop_when = stop_when
        self.request_timeout = request_timeout
        self.dns_name = dns_name
        self.dns_record_type = dns_record_type
        self.name_servers = list(name_servers or [])
        self.expect = dict(expect_region_values or {})
        self.http = http
        self.resolver = resolver
        self.health_check_status = health_check_status
        self.clock = clock
        self.sleep = sleep
        regions = list(dict.fromkeys([t["region"] for t in targets] + list(self.expect)))
        self.tracker = _dr.TransitionTracker(regions)
        self.probes: list[dict] = []
        self.requests = 0
        self._start = clock()
        self._wall_start = _dr.parse_time(wall())

    def at(self, mono: float) -> str:
        """The wall time of monotonic instant ``mono``: all stamps derive from one clock, so they never go back."""
        return _dr.iso(self._wall_start + datetime.timedelta(seconds=mono - self._start))

    def remaining(self) -> float:
        return self.duration - (self.clock() - self._start)

    def _budget_left(self) -> bool:
        return self.requests < self.max_requests

    def _record(self, started: float, source: str, region: str, ok: Optional[bool], detail: str) -> None:
        when = self.at(started)
        elapsed = int(round((self.clock() - started) * 1000))
        self.probes.append(
            {"time": when, "source": source, "region": region, "ok": ok, "detail": detail, "elapsed_ms": elapsed}
        )
        self.tracker.observe(when, source, region, ok, detail)

    def _timeout(self) -> float:
        return max(0.001, min(self.request_timeout, self.remaining()))

    def probe_round(self) -> Optional[str]:
        """One round; returns "max_requests" when the budget ran out during it."""
        for target in self.targets:
            if target.get("url"):
                if not self._budget_left():
                    return "max_requests"
                started = self.clock()
                self.requests += 1
                ok, detail = self.http(target["url"], self._timeout())
                self._record(started, "http", target["region"], ok, detail)
            if target.get("health_check_id") and self.health_check_status is not None:
                if not self._budget_left():
                    return "max_requests"
                started = self.clock()
                self.requests += 1
                try:
                    observations = self.health_check_status(target["health_check_id"])
                    healthy = _dr.route53_healthy(observations)
                    reports = [((o.get("StatusReport") or {}).get("Status") or "")[:40] for o in observations]
                    detail = f"{sum(1 for r in reports if r.startswith('Success'))}/{len(reports)} checkers healthy"
                except Exception as e:  # any failure of the call is an observation without verdict
                    healthy, detail = None, f"GetHealthCheckStatus failed: {e}"
                self._record(started, "route53", target["region"], healthy, detail)
        if self.dns_name and self.expect:
            started = self.clock()
            values = None
            errors = []
            for server in self.name_servers:
                if not self._budget_left():
                    break
                self.requests += 1
                try:
                    values = self.resolver(self.dns_name, self.dns_record_type, server, self._timeout())
                    break
                except Exception as e:  # a silent or failing server: ask the next one
                    errors.append(f"{server}: {e}")
            for region, expected in self.expect.items():
                if values is None:
                    self._record(started, "dns", region, None, "no name server answered: " + "; ".join(errors))
                else:
                    answered = _dr.region_answered(values, expected)
                    self._record(started, "dns", region, answered, ", ".join(sorted(values)) or "empty answer")
            if values is None and not self._budget_left():
                return "max_requests"
        return None

    def run(self) -> dict:
        self.tracker.timeline.append(self._event("started", f"every {self.interval:g} s for at most {self.duration} s"))
        rounds = 0
        stopped = "duration"
        while self.remaining() > 0:
            if not self._budget_left():
                stopped = "max_requests"
                break
            ran_out = self.probe_round()
            rounds += 1
            if ran_out:
                stopped = ran_out
                break
            if self.stop_when == "all_recovered" and self.tracker.all_recovered():
                stopped = "all_recovered"
                break
            next_round = self._start + rounds * self.interval
            if next_round - self._start >= self.duration:
                break
            wait = next_round - self.clock()
            if wait > 0:
                self.sleep(wait)
        ended = self.at(self.clock())
        self.tracker.timeline.append(self._event("stopped", stopped))
        return {
            "timeline": self.tracker.timeline,
            "transitions": self.tracker.transitions,
            "probes": self.probes,
            "requests": self.requests,
            "stopped": stopped,
            "started_at": self.at(self._start),
            "ended_at": ended,
        }

    def _event(self, name: str, detail: str) -> dict:
        return {"time": self.at(self.clock()), "source": "probe", "region": "", "event": name, "detail": detail}


# ---- the module ----------------------------------------------------------------------------------------------


def validate(params: dict) -> list[str]:
    errors = []
    if not params["targets"]:
        errors.append("targets must list at least one region")
    for i, target in enumerate(params["targets"] or []):
        url = target.get("url")
        if url and not url.lower().startswith(("http://", "https://")):
            errors.append(f"targets[{i}].url must be an http or https URL: {url!r}")
    if params["dns_name"]:
        if not params["expect_region_values"]:
            errors.append("expect_region_values is required with dns_name")
        if not params["name_servers"] and not params["hosted_zone_id"]:
            errors.append("name_servers or hosted_zone_id is required with dns_name")
    for region, values in (params["expect_region_values"] or {}).items():
        if not isinstance(values, list) or not values:
            errors.append(f"expect_region_values.{region} must be a non-empty list of record values")
    if params["interval"] <= 0:
        errors.append(f"interval must be positive: {params['interval']}")
    if params["duration"] <= 0:
        errors.append(f"duration must be positive: {params['duration']}")
    if params["request_timeout"] <= 0:
        errors.append(f"request_timeout must be positive: {params['request_timeout']}")
    if params["max_requests"] is not None and params["max_requests"] < 1:
        errors.append(f"max_requests must be at least 1: {params['max_requests']}")
    if params["record_ttl"] is not None and params["record_ttl"] < 0:
        errors.append(f"record_ttl must not be negative: {params['record_ttl']}")
    return errors


def default_max_requests(params: dict, name_servers: int) -> int:
    """Enough for every round of ``duration`` when every name server must be asked each round."""
    per_round = sum(1 for t in params["targets"] if t.get("url")) + sum(
        1 for t in params["targets"] if t.get("health_check_id")
    )
    if params["dns_name"]:
        per_round += max(1, name_servers)
    rounds = math.ceil(params["duration"] / params["interval"]) + 1
    return max(1, per_round * rounds)


@Route53Handler.common_error_handler("get hosted zone {zone_id}")
def zone_name_servers(client, zone_id: str) -> list[str]:
    zone = client.get_hosted_zone(Id=zone_id, aws_retry=True)
    return list((zone.get("DelegationSet") or {}).get("NameServers") or [])


def with_region_rto(transitions: dict, ttl: Optional[int]) -> dict:
    out = {}
    for region, marks in transitions.items():
        out[region] = dict(marks)
        if ttl is not None:
            out[region]["region_rto_seconds"] = _dr.region_rto(marks["failed_at"], marks["dns_withdrawn_at"], ttl)
    return out


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            targets=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    region=dict(type="str", required=True),
                    url=dict(type="str"),
                    health_check_id=dict(type="str"),
                ),
                required_one_of=[("url", "health_check_id")],
            ),
            dns_name=dict(type="str"),
            dns_record_type=dict(type="str", default="A"),
            name_servers=dict(type="list", elements="str", default=[]),
            hosted_zone_id=dict(type="str"),
            expect_region_values=dict(type="dict", default={}),
            record_ttl=dict(type="int"),
            duration=dict(type="int", default=600),
            interval=dict(type="float", default=1.0),
            request_timeout=dict(type="float", default=2.0),
            max_requests=dict(type="int"),
            stop_when=dict(type="str", default="all_recovered", choices=["all_recovered", "never"]),
            validate_certs=dict(type="bool", default=True),
            use_proxy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    module.fail_on_errors(validate(params))
    if params["dns_name"] and not HAS_DNSPYTHON:
        module.fail_json(msg="dr_probe needs the dnspython package (pip install dnspython) to query DNS")

    needs_route53 = any(t.get("health_check_id") for t in params["targets"]) or (
        params["dns_name"] and not params["name_servers"]
    )
    route53 = module.retrying_client("route53") if needs_route53 else None
    name_servers = list(params["name_servers"])
    try:
        if params["dns_name"] and not name_servers:
            name_servers = zone_name_servers(route53, params["hosted_zone_id"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    try:
        addresses = [_address_of(ns) for ns in name_servers]
    except OSError as e:
        module.fail_json(msg=f"Could not resolve a name server's address: {e}")

    def health_check_status(health_check_id: str) -> list:
        # No aws_retry here: a retry's back-off would stall the rounds; a throttled call is an observation.
        return route53.get_health_check_status(HealthCheckId=health_check_id)["HealthCheckObservations"]

    validate_certs, use_proxy = params["validate_certs"], params["use_proxy"]
    prober = Prober(
        params["targets"],
        interval=params["interval"],
        duration=params["duration"],
        max_requests=params["max_requests"] or default_max_requests(params, len(addresses)),
        stop_when=params["stop_when"],
        request_timeout=params["request_timeout"],
        dns_name=params["dns_name"],
        dns_record_type=params["dns_record_type"],
        name_servers=addresses,
        expect_region_values=params["expect_region_values"],
        http=lambda url, timeout: _http_get(url, timeout, validate_certs, use_proxy),
        resolver=_resolver,
        health_check_status=health_check_status if route53 is not None else None,
        clock=_now,
        sleep=_sleep,
        wall=_wall,
    )
    result: dict[str, Any] = prober.run()
    result["transitions"] = with_region_rto(result["transitions"], params["record_ttl"])
    module.exit_json(changed=False, name_servers=addresses, **result)


if __name__ == "__main__":
    main()

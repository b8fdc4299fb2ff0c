# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Network filters for multiregion.serverless, on Python's ipaddress module."""

from __future__ import annotations

import ipaddress
from itertools import combinations

from ansible.errors import AnsibleFilterError


def vpc_cidr_errors(cidr, variable="vpc_private_cidr", min_prefix=16, max_prefix=24):
    """Reasons why ``cidr`` is not a usable private VPC CIDR (empty list when it is one).

    A VPC CIDR must be an IPv4 network in the RFC 1918 ranges, with no host bits set, sized between
    /``min_prefix`` and /``max_prefix`` (AWS allows /16 to /28; three /N+2 subnets must fit).
    """
    if cidr is None or cidr == "":
        return [f"{variable} is not set"]
    try:
        network = ipaddress.ip_network(str(cidr), strict=True)
    except ValueError as error:
        return [f"{variable}={cidr!r} is not a valid IPv4 network ({error})"]
    errors = []
    if network.version != 4:
        errors.append(f"{variable}={cidr!r} is not IPv4")
        return errors
    private = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
    if not any(network.subnet_of(p) for p in private):
        errors.append(f"{variable}={cidr!r} is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
    if not min_prefix <= network.prefixlen <= max_prefix:
        errors.append(
            f"{variable}={cidr!r} is a /{network.prefixlen}; supported sizes are /{min_prefix} to /{max_prefix}"
        )
    return errors


def overlapping_cidrs(cidrs_by_name):
    """Pairs ``[name_a, cidr_a, name_b, cidr_b]`` of the given networks that overlap."""
    valid = {}
    for name, cidr in (cidrs_by_name or {}).items():
        try:
            valid[name] = ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            continue
    return [
        [a, str(valid[a]), b, str(valid[b])] for a, b in combinations(sorted(valid), 2) if valid[a].overlaps(valid[b])
    ]


def subnet_cidrs(cidr, count=3, new_prefix=None):
    """The first ``count`` subnets of ``cidr``: /24s of a /16 by default (``new_prefix`` = prefix + 8, at most /28)."""
    network = ipaddress.ip_network(str(cidr), strict=True)
    prefix = int(new_prefix) if new_prefix else min(network.prefixlen + 8, 28)
    if prefix <= network.prefixlen:
        raise AnsibleFilterError(f"subnet prefix /{prefix} must be longer than the network's /{network.prefixlen}")
    subnets = []
    for subnet in network.subnets(new_prefix=prefix):
        subnets.append(str(subnet))
        if len(subnets) == int(count):
            return subnets
    raise AnsibleFilterError(f"{cidr} holds fewer than {count} /{prefix} subnets")


def subnet_plan(zones, cidr, count=3, new_prefix=None):
    """``[{"az": zone, "cidr": subnet}]``: one subnet of ``cidr`` in each of the first ``count`` zones."""
    zones = list(zones or [])
    if len(zones) < int(count):
        raise AnsibleFilterError(f"{count} subnets need {count} availability zones; the region offers {zones}")
    return [{"az": az, "cidr": subnet} for az, subnet in zip(zones, subnet_cidrs(cidr, count, new_prefix))]


def nacl_deny_rules(ports, first_rule_number=50, cidr="0.0.0.0/0"):
    """Network ACL entries (amazon.aws.ec2_vpc_nacl's list form) denying TCP to each port, numbered upwards."""
    return [[int(first_rule_number) + i, "tcp", "deny", cidr, None, None, int(p), int(p)] for i, p in enumerate(ports)]


def nacl_allow_rules(first_rule_number, cidr, from_port, to_port, excluded_ports=(), step=10, protocol="tcp"):
    """Entries allowing ``protocol`` from ``cidr`` to ``from_port``-``to_port`` less ``excluded_ports``.

    One entry per remaining contiguous range, numbered ``first_rule_number``, +``step``... An allow from the
    world that covers 22 or 3389 fails AWS Security Hub's EC2.21 even behind a deny: such ranges are split
    around the ports instead.
    """
    low, high = int(from_port), int(to_port)
    if not 0 <= low <= high <= 65535:
        raise AnsibleFilterError(f"invalid port range {from_port}-{to_port}")
    ranges, start = [], low
    for port in sorted({int(p) for p in excluded_ports or [] if low <= int(p) <= high}):
        if start < port:
            ranges.append((start, port - 1))
        start = port + 1
    if start <= high:
        ranges.append((start, high))
    first = int(first_rule_number)
    return [[first + i * int(step), protocol, "allow", cidr, None, None, a, b] for i, (a, b) in enumerate(ranges)]


class FilterModule:
    def filters(self):
        # vpc_cidr_errors, overlapping_cidrs and subnet_cidrs serve the other filters and are not exposed.
        return {
            "subnet_plan": subnet_plan,
            "nacl_deny_rules": nacl_deny_rules,
            "nacl_allow_rules": nacl_allow_rules,
        }

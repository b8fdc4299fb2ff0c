# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Filters of the vpc_private role: its subnets and network ACL entries, on Python's ipaddress module.

The preflight's CIDR checks (a usable VPC CIDR, no overlap between regions) are in validation.py."""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError


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
        # subnet_cidrs serves subnet_plan and is not exposed.
        return {
            "subnet_plan": subnet_plan,
            "nacl_deny_rules": nacl_deny_rules,
            "nacl_allow_rules": nacl_allow_rules,
        }

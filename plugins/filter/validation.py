# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Input validation for the preflight play: every problem, each naming its variable, before any AWS call."""

from __future__ import annotations

import functools
import ipaddress
import re
from itertools import combinations
from urllib.parse import urlparse

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
DOMAIN_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK_HOSTS = {"localhost", "::1"}
# The example inventory's placeholders: a deployment must not go out under them.
PLACEHOLDER_NAMES = {"change-me", "changeme", "example"}
# RFC 2606 / RFC 6761 names that no one can own on the public DNS: fine on the local endpoint (its zone exists only
# there), never for AWS, where a public hosted zone and an ACM certificate need a domain the deployment controls.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example", "invalid", "test", "localhost")


@functools.lru_cache(maxsize=1)
def known_aws_regions():
    """Regions of every AWS partition, from botocore's own partition data (no network).

    botocore's ``partitions.json`` lists each partition's regions, a few kilobytes; the service endpoint data
    (``endpoints.json``, which ``get_available_regions`` reads) is a megabyte parsed for the same names. Its
    ``*-global`` entries are endpoint pseudo-regions, not regions a deployment can use. Kept for the process: the
    preflight's check asks for them more than once.
    """
    import botocore.loaders

    regions = set()
    for partition in botocore.loaders.create_loader().load_data("partitions")["partitions"]:
        regions.update(name for name in partition.get("regions", {}) if not name.endswith("-global"))
    return frozenset(regions)


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


def _is_loopback(url):
    host = (urlparse(url).hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def _is_reserved(domain):
    labels = domain.lower().rstrip(".").split(".")
    return any(".".join(labels[-len(r.split(".")) :]) == r for r in RESERVED_DOMAINS)


REGION_VARIABLES = ("aws_region", "vpc_private_cidr")


def deployment_errors(deployment, regions, hostvars=None, known_regions=None):
    """All input errors of a deployment.

    ``deployment``: the deployment-wide variables (deployment_name, deployment_domain, deployment_tags,
    deployment_local_endpoint, aws_endpoint_url). ``regions``: ``{host: {"aws_region": ..., "vpc_private_cidr": ...}}``,
    or a list of inventory host names whose variables are read from ``hostvars``.
    """
    if hostvars is not None:
        regions = {host: {k: hostvars[host].get(k) for k in REGION_VARIABLES} for host in regions}
    known = set(known_regions) if known_regions is not None else known_aws_regions()
    errors = []

    local = bool(deployment.get("deployment_local_endpoint"))
    name = deployment.get("deployment_name")
    if not name:
        errors.append("deployment_name is not set: every resource name derives from it")
    elif str(name).lower() in PLACEHOLDER_NAMES:
        errors.append(f"deployment_name={name!r} is the example inventory's placeholder: set your deployment's name")
    elif not NAME_PATTERN.match(str(name)):
        errors.append(
            f"deployment_name={name!r} must be 3-20 lower-case letters, digits or hyphens, starting with a letter"
        )

    domain = deployment.get("deployment_domain")
    if not domain:
        errors.append("deployment_domain is not set: the API's custom domain and DNS records live in it")
    elif not DOMAIN_PATTERN.match(str(domain)):
        errors.append(f"deployment_domain={domain!r} is not a valid lower-case DNS name")
    elif not local and _is_reserved(str(domain)):
        errors.append(
            f"deployment_domain={domain!r} is a reserved example domain, the example inventory's placeholder: "
            "set a domain whose public Route 53 hosted zone you control"
        )

    tags = deployment.get("deployment_tags")
    if tags is not None:
        if not isinstance(tags, dict):
            errors.append("deployment_tags must be a mapping of tag names to values")
        else:
            for key, value in tags.items():
                if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                    errors.append(f"deployment_tags[{key!r}] must be a string, not {type(value).__name__}")
                if str(key).lower().startswith("aws:"):
                    errors.append(f"deployment_tags[{key!r}]: the aws: prefix is reserved by AWS")

    if local:
        url = deployment.get("aws_endpoint_url") or ""
        if not url:
            errors.append(
                "aws_endpoint_url (from AWS_ENDPOINT_URL) is not set: this inventory targets the local endpoint "
                "and must not reach AWS; start it with `make endpoint` or run `make demo`"
            )
        elif not _is_loopback(url):
            errors.append(f"aws_endpoint_url={url!r} is not a loopback address: this inventory only targets 127.0.0.1")

    if not regions:
        errors.append("the inventory group 'regions' has no hosts: add one host per AWS region")
    seen = {}
    for host, hostvars in sorted((regions or {}).items()):
        region = hostvars.get("aws_region")
        if not region:
            errors.append(f"hostvars[{host!r}].aws_region is not set")
        elif region not in known:
            errors.append(f"hostvars[{host!r}].aws_region={region!r} is not a known AWS region")
        elif region in seen:
            errors.append(
                f"hostvars[{host!r}].aws_region={region!r} duplicates host {seen[region]!r}: one host per region"
            )
        else:
            seen[region] = host
        errors.extend(
            vpc_cidr_errors(hostvars.get("vpc_private_cidr"), variable=f"hostvars[{host!r}].vpc_private_cidr")
        )

    cidrs = {host: hv.get("vpc_private_cidr") for host, hv in (regions or {}).items() if hv.get("vpc_private_cidr")}
    for a, cidr_a, b, cidr_b in overlapping_cidrs(cidrs):
        errors.append(
            f"hostvars[{a!r}].vpc_private_cidr={cidr_a} overlaps hostvars[{b!r}].vpc_private_cidr={cidr_b}: "
            "regions' CIDRs must not overlap"
        )
    return errors


class FilterModule:
    def filters(self):
        return {"deployment_errors": deployment_errors}

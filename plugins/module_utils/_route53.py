# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Route 53: what ``route53_zone``, ``route53_records`` and ``route53_query_logging_config`` share: the codes the
service throttles with, and names and zone ids in the form Route 53 answers them."""

from __future__ import annotations

import re

# Route 53 throttles with Throttling and, while an earlier change of the zone is still applied,
# PriorRequestNotComplete: both are retried.
RETRY_CODES = ["Throttling", "PriorRequestNotComplete"]


def dns_name(name: str) -> str:
    """A zone or record name as Route 53 lists it: lower case, octal escapes (``\\052`` for ``*``) undone, with the
    final dot."""
    name = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), name)
    return name.lower().rstrip(".") + "."


def zone_id(value: str) -> str:
    """A hosted zone id without the ``/hostedzone/`` Route 53 puts before it in some answers."""
    return value.split("/")[-1]

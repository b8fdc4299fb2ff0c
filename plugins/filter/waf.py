# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The rules of the API's WAFv2 web ACL, as the WAFv2 API spells them, from the waf role's variables."""

from __future__ import annotations

import re
from typing import Any
from typing import Optional

from ansible.errors import AnsibleFilterError

METRIC_NAME = re.compile(r"^[\w#:.\-/]{1,255}$")
# WAF accepts rate limits from 10 to 2,000,000,000 requests per evaluation window.
RATE_LIMIT_RANGE = (10, 2_000_000_000)
EVALUATION_WINDOWS = (60, 120, 300, 600)


def _visibility(metric_name: str) -> dict:
    if not METRIC_NAME.match(metric_name):
        raise AnsibleFilterError(f"{metric_name!r} is not a valid WAF metric name")
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric_name}


def waf_rules(
    managed_rule_groups: Optional[list],
    rate_limit: Any,
    name: str,
    rate_limit_action: str = "block",
    evaluation_window: Any = 300,
    snake_case: bool = False,
) -> list[dict]:
    """AWS managed rule groups by priority (0, 1, ...) in the given order, then a per-IP rate-based rule.

    ``managed_rule_groups``: ``[{"name": "AWSManagedRulesCommonRuleSet", "count_rules": ["GenericLFI_BODY"]}]``;
    the rules in ``count_rules`` are overridden to count. Every rule has CloudWatch metrics and sampled requests.
    ``snake_case=True`` spells the keys as community.aws.wafv2_web_acl takes them (it converts them back).
    """
    rules = []
    for priority, group in enumerate(managed_rule_groups or []):
        statement: dict[str, Any] = {"VendorName": group.get("vendor", "AWS"), "Name": group["name"]}
        overrides = [{"Name": rule, "ActionToUse": {"Count": {}}} for rule in group.get("count_rules") or []]
        if overrides:
            statement["RuleActionOverrides"] = overrides
        rules.append(
            {
                "Name": group["name"],
                "Priority": priority,
                "OverrideAction": {"None": {}},
                "Statement": {"ManagedRuleGroupStatement": statement},
                "VisibilityConfig": _visibility(f"{name}-{group['name']}"),
            }
        )
    if rate_limit:
        limit = int(rate_limit)
        if not RATE_LIMIT_RANGE[0] <= limit <= RATE_LIMIT_RANGE[1]:
            raise AnsibleFilterError(
                f"waf_rate_limit={limit} must be between {RATE_LIMIT_RANGE[0]} and {RATE_LIMIT_RANGE[1]}"
            )
        if int(evaluation_window) not in EVALUATION_WINDOWS:
            raise AnsibleFilterError(
                f"the rate limit's evaluation window {evaluation_window} must be one of {EVALUATION_WINDOWS}"
            )
        action = {"block": {"Block": {}}, "count": {"Count": {}}}.get(str(rate_limit_action).lower())
        if action is None:
            raise AnsibleFilterError(f"waf_rate_limit_action={rate_limit_action!r} must be block or count")
        rules.append(
            {
                "Name": "rate-limit-per-ip",
                "Priority": len(rules),
                "Action": action,
                "Statement": {
                    "RateBasedStatement": {
                        "Limit": limit,
                        "AggregateKeyType": "IP",
                        "EvaluationWindowSec": int(evaluation_window),
                    }
                },
                "VisibilityConfig": _visibility(f"{name}-rate-limit-per-ip"),
            }
        )
    if snake_case:
        from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

        return [camel_dict_to_snake_dict(rule) for rule in rules]
    return rules


def waf_redacted_headers(headers: Optional[list]) -> list[dict]:
    """RedactedFields for a logging configuration: one SingleHeader per header name, lower case."""
    return [{"SingleHeader": {"Name": str(h).lower()}} for h in headers or []]


class FilterModule:
    def filters(self):
        return {"waf_rules": waf_rules, "waf_redacted_headers": waf_redacted_headers}

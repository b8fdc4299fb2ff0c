"""Summary rows for the waf role: the region's web ACL, its rules, the API stage it protects and its request logs."""

from __future__ import annotations

from botocore.exceptions import ClientError


def _protected_stages(apigateway, wafv2, acl_arn: str) -> list[str]:
    # GetWebACLForResource per stage: ListResourcesForWebACL is missing on the local endpoint.
    found = []
    for api in apigateway.get_paginator("get_rest_apis").paginate().build_full_result().get("items", []):
        for stage in apigateway.get_stages(restApiId=api["id"]).get("item", []):
            arn = f"arn:aws:apigateway:{apigateway.meta.region_name}::/restapis/{api['id']}/stages/{stage['stageName']}"
            if (wafv2.get_web_acl_for_resource(ResourceArn=arn).get("WebACL") or {}).get("ARN") == acl_arn:
                found.append(f"{api['name']}/{stage['stageName']}")
    return found


def rows(region) -> list[tuple[str, str]]:
    wafv2 = region.client("wafv2")
    name = f"{region.deployment}-api"
    summaries = [a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name]
    if not summaries:
        return [("WAF", "no web ACL")]
    acl = wafv2.get_web_acl(Name=name, Scope="REGIONAL", Id=summaries[0]["Id"])["WebACL"]
    rules = sorted(acl["Rules"], key=lambda r: r["Priority"])
    rate = [r["Statement"]["RateBasedStatement"]["Limit"] for r in rules if "RateBasedStatement" in r["Statement"]]
    managed = []
    for r in rules:
        statement = r["Statement"].get("ManagedRuleGroupStatement")
        if statement is None:
            continue
        counted = [o["Name"] for o in statement.get("RuleActionOverrides", []) if "Count" in o.get("ActionToUse", {})]
        name = r["Name"].replace("AWSManagedRules", "")
        managed.append(f"{name} (count: {', '.join(counted)})" if counted else name)
    try:
        logging = wafv2.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
        logs = ", ".join(d.split(":log-group:")[-1] for d in logging["LogDestinationConfigs"])
    except ClientError as e:
        if e.response["Error"]["Code"] != "WAFNonexistentItemException":
            raise
        logs = "none"
    stages = _protected_stages(region.client("apigateway"), wafv2, acl["ARN"])
    return [
        ("Web ACL", f"{name}: {', '.join(managed)}" + (f"; rate limit {rate[0]}/5 min per IP" if rate else "")),
        ("WAF protects", ", ".join(stages) or "nothing"),
        ("WAF logs", logs),
    ]

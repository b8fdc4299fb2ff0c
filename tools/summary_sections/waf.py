"""Summary rows for the waf role: the region's web ACL, its rules, the API stage it protects and its request logs.

The web ACL is the one waf_outputs names (name, web_acl_id); the stage checked is the one serverless_api_outputs
publishes (stage_arn), else the one the web ACL was associated with.
"""

from __future__ import annotations


def _protected_stages(apigateway, wafv2, acl_arn: str, stage_arn: str | None) -> list[str]:
    # GetWebACLForResource on the stage: ListResourcesForWebACL is missing on the local endpoint.
    if (
        not stage_arn
        or (wafv2.get_web_acl_for_resource(ResourceArn=stage_arn).get("WebACL") or {}).get("ARN") != acl_arn
    ):
        return []
    api_id, stage = stage_arn.split("/restapis/", 1)[1].split("/stages/", 1)
    return [f"{apigateway.get_rest_api(restApiId=api_id)['name']}/{stage}"]


def rows(region) -> list[tuple[str, str]]:
    outputs = region.outputs("waf")
    wafv2 = region.client("wafv2")
    name, acl_id = outputs.get("name"), outputs.get("web_acl_id")
    acl = None
    if name and acl_id:
        acl = region.described(wafv2.get_web_acl, "WebACL", Name=name, Scope="REGIONAL", Id=acl_id)
    if acl is None:
        return [("WAF", "no web ACL")]
    rules = sorted(acl["Rules"], key=lambda r: r["Priority"])
    rate = [r["Statement"]["RateBasedStatement"]["Limit"] for r in rules if "RateBasedStatement" in r["Statement"]]
    managed = []
    for r in rules:
        statement = r["Statement"].get("ManagedRuleGroupStatement")
        if statement is None:
            continue
        counted = [o["Name"] for o in statement.get("RuleActionOverrides", []) if "Count" in o.get("ActionToUse", {})]
        group = r["Name"].replace("AWSManagedRules", "")
        managed.append(f"{group} (count: {', '.join(counted)})" if counted else group)
    logging = region.described(wafv2.get_logging_configuration, "LoggingConfiguration", ResourceArn=acl["ARN"])
    logs = ", ".join(d.split(":log-group:")[-1] for d in logging["LogDestinationConfigs"]) if logging else "none"
    stage_arn = region.outputs("serverless_api").get("stage_arn") or outputs.get("associated_resource_arn")
    stages = _protected_stages(region.client("apigateway"), wafv2, acl["ARN"], stage_arn)
    return [
        ("Web ACL", f"{acl['Name']}: {', '.join(managed)}" + (f"; rate limit {rate[0]}/5 min per IP" if rate else "")),
        ("WAF protects", ", ".join(stages) or "nothing"),
        ("WAF logs", logs),
    ]

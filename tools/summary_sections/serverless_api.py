"""Summary rows for what multiregion.serverless.serverless_api deployed in one region, read back from the endpoint.

The API, the function, the alarms and the topic are the ones serverless_api_outputs names (api_id, function_name,
alarm_name_prefix, alarm_topic_arn).
"""

from __future__ import annotations


def _function_row(lam, function: str | None) -> tuple[str, str]:
    if not function:
        return ("Function", "none")
    try:
        config = lam.get_function_configuration(FunctionName=function)
        alias = lam.get_alias(FunctionName=function, Name="live")
        versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=function)["Versions"]]
        reserved = lam.get_function_concurrency(FunctionName=function).get("ReservedConcurrentExecutions")
    except lam.exceptions.ResourceNotFoundException:
        return ("Function", "none")
    published = sorted(int(v) for v in versions if v.isdigit())
    return (
        "Function",
        f"{function} {config['Runtime']} {'/'.join(config.get('Architectures', []))}, "
        f"alias live -> version {alias['FunctionVersion']} (newest {published[-1] if published else 'none'}), "
        f"tracing {config.get('TracingConfig', {}).get('Mode', 'PassThrough')}, "
        f"reserved concurrency {reserved if reserved is not None else 'NONE (shares the account pool)'}",
    )


def rows(region) -> list[tuple[str, str]]:
    outputs = region.outputs("serverless_api")
    apigw = region.client("apigateway")
    api = region.described(apigw.get_rest_api, restApiId=outputs["api_id"]) if outputs.get("api_id") else None
    if not api:
        return [("API", "none")]
    out: list[tuple[str, str]] = []

    stages = apigw.get_stages(restApiId=api["id"])["item"]
    for stage in stages:
        settings = stage.get("methodSettings", {}).get("*/*", {})
        tracing = "on" if stage.get("tracingEnabled") else "OFF"
        certificate = stage.get("clientCertificateId") or "NONE"
        access_log = "on" if stage.get("accessLogSettings") else "OFF"
        rate, burst = settings.get("throttlingRateLimit", "-"), settings.get("throttlingBurstLimit", "-")
        out.append(
            (
                "API stage",
                f"{api['name']} ({api['id']}) {stage['stageName']}: X-Ray {tracing}, "
                f"logging {settings.get('loggingLevel', 'OFF')}, access log {access_log}, "
                f"throttle {rate} rps / burst {burst}, client certificate {certificate}",
            )
        )

    domains = []
    for domain in apigw.get_domain_names(limit=500).get("items", []):
        mappings = apigw.get_base_path_mappings(domainName=domain["domainName"]).get("items", [])
        for mapping in mappings:
            if mapping["restApiId"] == api["id"]:
                path = "/" if mapping["basePath"] == "(none)" else f"/{mapping['basePath']}"
                domains.append(
                    f"{domain['domainName']}{path} -> {mapping['stage']} via {domain.get('regionalDomainName', '?')} "
                    f"({domain.get('securityPolicy', '?')}, "
                    f"{(domain.get('endpointConfiguration') or {}).get('ipAddressType') or 'ipv4'})"
                )
    out.append(("Custom domain", ", ".join(domains) or "none"))

    out.append(_function_row(region.client("lambda"), outputs.get("function_name")))

    prefix = outputs.get("alarm_name_prefix")
    cloudwatch = region.client("cloudwatch")
    alarms = (
        cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix).build_full_result()["MetricAlarms"]
        if prefix
        else []
    )
    states: dict[str, int] = {}
    for alarm in alarms:
        states[alarm["StateValue"]] = states.get(alarm["StateValue"], 0) + 1
    out.append(("Alarms", f"{len(alarms)} ({', '.join(f'{k} {v}' for k, v in sorted(states.items())) or 'none'})"))

    sns = region.client("sns")
    topic = outputs.get("alarm_topic_arn")
    attributes = region.described(sns.get_topic_attributes, "Attributes", TopicArn=topic) if topic else None
    if attributes is not None:
        subscribers = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        heard = f"{len(subscribers)} subscriber(s)" if subscribers else "NO SUBSCRIBER: its alarms notify nobody"
        out.append(("Alarm topic", f"{topic} (kms={'yes' if attributes.get('KmsMasterKeyId') else 'NO'}; {heard})"))
    else:
        out.append(("Alarm topic", "none"))
    return out

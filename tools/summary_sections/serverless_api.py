"""Summary rows for what multiregion.serverless.serverless_api deployed in one region, read back from the endpoint."""

from __future__ import annotations


def rows(region) -> list[tuple[str, str]]:
    name = region.deployment
    apigw = region.client("apigateway")
    apis = [a for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == f"{name}-api"]
    if not apis:
        return [("API", "none")]
    api = apis[0]
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

    lam = region.client("lambda")
    function = f"{name}-api"
    try:
        config = lam.get_function_configuration(FunctionName=function)
        alias = lam.get_alias(FunctionName=function, Name="live")
        versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=function)["Versions"]]
        reserved = lam.get_function_concurrency(FunctionName=function).get("ReservedConcurrentExecutions")
        published = sorted(int(v) for v in versions if v.isdigit())
        out.append(
            (
                "Function",
                f"{function} {config['Runtime']} {'/'.join(config.get('Architectures', []))}, "
                f"alias live -> version {alias['FunctionVersion']} (newest {published[-1] if published else 'none'}), "
                f"tracing {config.get('TracingConfig', {}).get('Mode', 'PassThrough')}, "
                f"reserved concurrency {reserved if reserved is not None else 'NONE (shares the account pool)'}",
            )
        )
    except lam.exceptions.ResourceNotFoundException:
        out.append(("Function", "none"))

    alarms = region.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{name}-api-")["MetricAlarms"]
    states: dict[str, int] = {}
    for alarm in alarms:
        states[alarm["StateValue"]] = states.get(alarm["StateValue"], 0) + 1
    out.append(("Alarms", f"{len(alarms)} ({', '.join(f'{k} {v}' for k, v in sorted(states.items())) or 'none'})"))

    sns = region.client("sns")
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{name}-alarms")]
    if topics:
        attributes = sns.get_topic_attributes(TopicArn=topics[0])["Attributes"]
        subscribers = sns.list_subscriptions_by_topic(TopicArn=topics[0])["Subscriptions"]
        heard = f"{len(subscribers)} subscriber(s)" if subscribers else "NO SUBSCRIBER: its alarms notify nobody"
        out.append(("Alarm topic", f"{topics[0]} (kms={'yes' if attributes.get('KmsMasterKeyId') else 'NO'}; {heard})"))
    else:
        out.append(("Alarm topic", "none"))
    return out

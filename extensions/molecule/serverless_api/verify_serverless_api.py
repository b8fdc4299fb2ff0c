"""boto3 assertions on what serverless_api created in one region of the local endpoint.

python verify_serverless_api.py --endpoint URL --region eu-west-1 --deployment NAME --domain example.com \
    --inputs inputs-eu-west-1.json --replicas eu-central-1 [--version N]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import actions_of
from endpoint_checks import arguments
from endpoint_checks import as_list
from endpoint_checks import check
from endpoint_checks import result
from endpoint_checks import statements

ALARMS = {
    "api-5xx-rate": ("AWS/ApiGateway", "5XXError", 0.01),
    "api-4xx-rate": ("AWS/ApiGateway", "4XXError", 0.2),
    "api-latency-p99": ("AWS/ApiGateway", "Latency", 2500.0),
    "api-lambda-errors": ("AWS/Lambda", "Errors", 0.0),
    "api-lambda-throttles": ("AWS/Lambda", "Throttles", 0.0),
    # 80 % of the default reservation of 100.
    "api-lambda-concurrency": ("AWS/Lambda", "ConcurrentExecutions", 80.0),
    "api-dynamodb-read-throttles": ("AWS/DynamoDB", "ReadThrottleEvents", 0.0),
    "api-dynamodb-write-throttles": ("AWS/DynamoDB", "WriteThrottleEvents", 0.0),
}


def verify_function(aws: Endpoint, args, inputs, failures) -> str:
    lam = aws.client("lambda")
    logs = aws.client("logs")
    vpc = inputs["vpc_private_outputs"]
    key = vpc["kms_key_arn"]
    name = f"{args.deployment}-api"

    function = lam.get_function(FunctionName=name)
    config = function["Configuration"]
    check(config["Runtime"] == "python3.13", "function runtime python3.13", failures)
    check(config["Architectures"] == ["arm64"], "function architecture arm64", failures)
    check(config["Handler"] == "app.handler.lambda_handler", "function handler app.handler.lambda_handler", failures)
    check(config["TracingConfig"]["Mode"] == "Active", "function active tracing", failures)
    check(config["MemorySize"] == 256 and config["Timeout"] == 25, "function 256 MB, 25 s", failures)
    check(config.get("KMSKeyArn") == key, "function environment encrypted with the region's key", failures)
    check(
        sorted(config["VpcConfig"]["SubnetIds"]) == sorted(vpc["subnet_ids"])
        and config["VpcConfig"]["SecurityGroupIds"] == [vpc["lambda_security_group_id"]],
        "function in the private subnets with the Lambda security group",
        failures,
    )
    env = config.get("Environment", {}).get("Variables", {})
    check(
        env.get("TABLE_NAME") == inputs["global_table_outputs"]["table_name"]
        and env.get("TABLE_HASH_KEY") == "pk"
        and env.get("HEALTHCHECK_TIMEOUT_SECONDS") == "1"
        and env.get("MAX_ITEM_BYTES") == "16384",
        f"function environment: {env}",
        failures,
    )
    check(config["Role"].endswith(f":role/{name}-{args.region}"), "function runs with its own regional role", failures)
    check(
        function.get("Concurrency", {}).get("ReservedConcurrentExecutions") == 100,
        "reserved concurrency 100 by default (protects the account's pool)",
        failures,
    )

    versions = [v for v in lam.list_versions_by_function(FunctionName=name)["Versions"] if v["Version"].isdigit()]
    newest = max(versions, key=lambda v: int(v["Version"])) if versions else {}
    check(bool(versions), "function has published versions", failures)
    if args.version:
        check(newest.get("Version") == str(args.version), f"newest version is {args.version}", failures)
    check(newest.get("CodeSha256") == config["CodeSha256"], "newest version runs the deployed code", failures)
    alias = lam.get_alias(FunctionName=name, Name="live")
    check(
        alias["FunctionVersion"] == newest.get("Version"), f"alias live -> version {alias['FunctionVersion']}", failures
    )

    policy = json.loads(lam.get_policy(FunctionName=name, Qualifier="live")["Policy"])
    grants = statements(policy)
    check(len(grants) == 1, "one permission on the alias", failures)
    if grants:
        grant = grants[0]
        principal = grant["Principal"]
        principal = principal.get("Service") if isinstance(principal, dict) else principal
        check(principal == "apigateway.amazonaws.com", "permission for API Gateway only", failures)
        check(as_list(grant["Action"]) == ["lambda:InvokeFunction"], "permission to invoke only", failures)
        source = json.dumps(grant.get("Condition", {}))
        check(":execute-api:" in source and "/v1/*/*" in source, "permission limited to the API's stage v1", failures)

    group = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
    check(len(group) == 1 and group[0].get("kmsKeyId") == key, "function log group encrypted with the key", failures)
    check(bool(group) and group[0].get("retentionInDays") == 90, "function log group retention 90 days", failures)
    return alias["AliasArn"]


def verify_iam(aws: Endpoint, args, failures) -> None:
    iam = aws.client("iam")
    apigw = aws.client("apigateway")
    role = f"{args.deployment}-api-{args.region}"
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    check(
        statements(trust)[0]["Principal"] == {"Service": "lambda.amazonaws.com"},
        "function role trusts Lambda",
        failures,
    )
    check(not iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"], "no managed policy on it", failures)
    check(iam.list_role_policies(RoleName=role)["PolicyNames"] == ["items-api"], "one inline policy", failures)
    document = iam.get_role_policy(RoleName=role, PolicyName="items-api")["PolicyDocument"]
    actions = actions_of(document)
    check(not any("*" in a for a in actions), "no wildcard action in the function's policy", failures)
    check(
        {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} <= set(actions)
        and not {"dynamodb:Scan", "dynamodb:Query"} & set(actions),
        "item access to the table, no Scan or Query",
        failures,
    )
    star = sorted(a for s in statements(document) if "*" in as_list(s["Resource"]) for a in as_list(s["Action"]))
    check(
        star
        == [
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ],
        f"'*' resources only where AWS has no resource-level permissions: {star}",
        failures,
    )
    table_resources = [
        r for s in statements(document) if "dynamodb:GetItem" in as_list(s["Action"]) for r in as_list(s["Resource"])
    ]
    check(
        all(f":dynamodb:{args.region}:" in r for r in table_resources) and table_resources,
        "table access in this region only",
        failures,
    )

    logs_role = f"{args.deployment}-apigw-logs-{args.region}"
    attached = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=logs_role)["AttachedPolicies"]]
    check(
        attached == ["AmazonAPIGatewayPushToCloudWatchLogs"], "API Gateway logs role has the managed policy", failures
    )
    account = apigw.get_account()
    check(account.get("cloudwatchRoleArn", "").endswith(f":role/{logs_role}"), "account CloudWatch role set", failures)


def verify_api(aws: Endpoint, args, inputs, alias_arn, failures) -> str | None:
    apigw = aws.client("apigateway")
    logs = aws.client("logs")
    key = inputs["vpc_private_outputs"]["kms_key_arn"]
    apis = [a for a in apigw.get_rest_apis()["items"] if a["name"] == f"{args.deployment}-api"]
    check(len(apis) == 1, "one REST API", failures)
    if not apis:
        return None
    api = apis[0]
    api_id = api["id"]
    check(api["endpointConfiguration"]["types"] == ["REGIONAL"], "REGIONAL endpoint", failures)
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api_id)["items"]}
    methods = {path: sorted(r.get("resourceMethods", {})) for path, r in resources.items() if r.get("resourceMethods")}
    check(
        methods == {"/healthcheck": ["GET"], "/items/{id}": ["DELETE", "GET", "PUT"]},
        f"routes GET /healthcheck, GET/PUT/DELETE /items/{{id}}: {methods}",
        failures,
    )
    uri = f"arn:aws:apigateway:{args.region}:lambda:path/2015-03-31/functions/{alias_arn}/invocations"
    for path, verbs in methods.items():
        for verb in verbs:
            integration = apigw.get_integration(restApiId=api_id, resourceId=resources[path]["id"], httpMethod=verb)
            check(
                integration["type"].upper() == "AWS_PROXY" and integration["uri"] == uri,
                f"{verb} {path}: Lambda proxy to the alias live",
                failures,
            )
    stage = apigw.get_stage(restApiId=api_id, stageName="v1")
    check(stage.get("tracingEnabled") is True, "stage v1 with X-Ray", failures)
    access = stage.get("accessLogSettings", {})
    group_name = f"/aws/apigateway/{args.deployment}-api/v1/access"
    check(access.get("destinationArn", "").endswith(f":log-group:{group_name}"), "access log to its group", failures)
    check("$context.requestId" in json.loads(access.get("format", "{}")).values(), "access log as JSON", failures)
    settings = stage.get("methodSettings", {}).get("*/*", {})
    check(settings.get("loggingLevel") == "INFO", "execution logging INFO", failures)
    check(settings.get("metricsEnabled") is True, "detailed metrics on", failures)
    check(settings.get("dataTraceEnabled") is False, "no data trace", failures)
    check(
        settings.get("throttlingRateLimit") == 100.0 and settings.get("throttlingBurstLimit") == 200,
        "throttling 100 rps, burst 200",
        failures,
    )
    deployments = apigw.get_deployments(restApiId=api_id)["items"]
    check(len(deployments) == 1, f"one deployment ({len(deployments)})", failures)
    for name in (group_name, f"API-Gateway-Execution-Logs_{api_id}/v1"):
        group = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        check(len(group) == 1 and group[0].get("kmsKeyId") == key, f"log group {name} encrypted with the key", failures)
    return api_id


def verify_domain(aws: Endpoint, args, api_id, failures) -> None:
    apigw = aws.client("apigateway")
    acm = aws.client("acm")
    route53 = aws.client("route53")
    name = f"api.{args.domain}"
    certificates = [c for c in acm.list_certificates()["CertificateSummaryList"] if c["DomainName"] == name]
    check(len(certificates) == 1, f"one certificate for {name}", failures)
    certificate = (
        acm.describe_certificate(CertificateArn=certificates[0]["CertificateArn"])["Certificate"]
        if certificates
        else {}
    )
    check(certificate.get("Status") == "ISSUED", "certificate issued", failures)
    domain = apigw.get_domain_name(domainName=name)
    check(
        domain.get("regionalCertificateArn") == certificate.get("CertificateArn"), "domain on the certificate", failures
    )
    check(domain.get("securityPolicy") == "TLS_1_2", "domain TLS 1.2", failures)
    check(domain.get("endpointConfiguration", {}).get("types") == ["REGIONAL"], "regional domain", failures)
    check(
        domain.get("endpointConfiguration", {}).get("ipAddressType") == "dualstack",
        "dualstack domain (IPv6 clients too, so AAAA records can be served)",
        failures,
    )
    mappings = apigw.get_base_path_mappings(domainName=name).get("items", [])
    check(
        [(m["basePath"], m["restApiId"], m["stage"]) for m in mappings] == [("(none)", api_id, "v1")],
        "domain root mapped to stage v1",
        failures,
    )
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == f"{args.domain}."]
    check(len(zones) == 1, f"one hosted zone {args.domain}", failures)
    if zones:
        records = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
        expected = {
            r["ResourceRecord"]["Name"] for r in certificate.get("DomainValidationOptions", []) if "ResourceRecord" in r
        }
        present = {r["Name"] for r in records if r["Type"] == "CNAME"}
        check(bool(expected) and expected <= present, "validation records in the zone", failures)


def verify_alarms(aws: Endpoint, args, inputs, failures) -> None:
    sns = aws.client("sns")
    cloudwatch = aws.client("cloudwatch")
    key = inputs["vpc_private_outputs"]["kms_key_arn"]
    topic = f"arn:aws:sns:{args.region}:123456789012:{args.deployment}-alarms"
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    check(attributes.get("KmsMasterKeyId") == key, "alarm topic encrypted with the region's key", failures)
    actions = actions_of(attributes["Policy"])
    check(not any(a.endswith("*") for a in actions), "topic policy names its actions", failures)
    alarms = {
        a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNamePrefix=f"{args.deployment}-api-")["MetricAlarms"]
    }
    expected = {f"{args.deployment}-{suffix}" for suffix in ALARMS}
    expected |= {f"{args.deployment}-api-dynamodb-replication-latency-{r}" for r in args.replicas}
    check(set(alarms) == expected, f"{len(expected)} alarms: {sorted(alarms)}", failures)
    for suffix, (namespace, metric, threshold) in ALARMS.items():
        alarm = alarms.get(f"{args.deployment}-{suffix}", {})
        check(
            alarm.get("Namespace") == namespace
            and alarm.get("MetricName") == metric
            and alarm.get("Threshold") == threshold,
            f"alarm {suffix}: {namespace} {metric} > {threshold}",
            failures,
        )
        check(
            alarm.get("AlarmActions") == [topic] and alarm.get("OKActions") == [topic],
            f"alarm {suffix} notifies the topic",
            failures,
        )
    four = alarms.get(f"{args.deployment}-api-4xx-rate", {})
    check(
        (four.get("Statistic"), four.get("Period"), four.get("EvaluationPeriods"), four.get("DatapointsToAlarm"))
        == ("Average", 60, 5, 3),
        "4XX rate over 3 of 5 periods of 60 s (the seed's alarm)",
        failures,
    )
    check(
        alarms.get(f"{args.deployment}-api-latency-p99", {}).get("ExtendedStatistic") == "p99", "latency p99", failures
    )
    for replica in args.replicas:
        alarm = alarms.get(f"{args.deployment}-api-dynamodb-replication-latency-{replica}", {})
        dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
        check(
            dimensions == {"TableName": inputs["global_table_outputs"]["table_name"], "ReceivingRegion": replica},
            f"replication latency to {replica}",
            failures,
        )


def main() -> int:
    parser = arguments()
    parser.add_argument("--domain", required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--replicas", nargs="*", default=[])
    parser.add_argument("--version", type=int)
    args = parser.parse_args()
    with open(args.inputs) as f:
        inputs = json.load(f)
    aws = Endpoint.of(args)
    failures: list[str] = []
    alias_arn = verify_function(aws, args, inputs, failures)
    verify_iam(aws, args, failures)
    api_id = verify_api(aws, args, inputs, alias_arn, failures)
    verify_domain(aws, args, api_id, failures)
    verify_alarms(aws, args, inputs, failures)
    return result(args.region, failures)


if __name__ == "__main__":
    sys.exit(main())

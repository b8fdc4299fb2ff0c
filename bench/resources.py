"""Count what a deployment manages on the endpoint, for the benchmark's "API calls per deployed resource".

Two views, both printed by bench/bench.py:

- ``tagged``: the resources the Resource Groups Tagging API returns for the tag ``Deployment=<name>``, in every
  region of the run and in us-east-1 (where the account-wide DNS failover work lives). The local endpoint's tagging
  API covers only some services: API Gateway, WAF, Route 53, IAM, VPC endpoints, network ACLs, AWS Backup plans,
  Resilience Hub and Lambda aliases are missing from it.
- ``managed``: ``tagged`` plus the resources it misses, each listed with its own service's API and attributed to
  the deployment by its tag, its VPC, its REST API, its hosted zone or its name. Counted are resources with an id
  or ARN of their own (a stage, a base path mapping, a permission statement, a DNS record set); not counted are
  parts of one resource (security group rules, ACL entries, a web ACL's rules, route table associations). A
  VPC's default security group and network ACL are counted (the deployment empties them), and so are a function's
  published versions and each region's replica of the global table.
"""

from __future__ import annotations

import json
from collections import Counter

import boto3

GLOBAL_REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _client(url: str, service: str, region: str):
    return boto3.client(service, region_name=region, endpoint_url=url, **CREDENTIALS)


def tagged(url: str, regions: list[str], deployment: str) -> list[str]:
    """The ARNs the tagging API returns for the deployment's tag."""
    arns: list[str] = []
    for region in dict.fromkeys([*regions, GLOBAL_REGION]):
        pages = (
            _client(url, "resourcegroupstaggingapi", region)
            .get_paginator("get_resources")
            .paginate(TagFilters=[{"Key": "Deployment", "Values": [deployment]}])
        )
        for page in pages:
            arns.extend(mapping["ResourceARN"] for mapping in page["ResourceTagMappingList"])
    return arns


def kind(arn: str) -> str:
    """A resource's kind from its ARN: service:resource-type."""
    parts = arn.split(":")
    service, rest = parts[2], parts[5]
    if service == "sns":
        return "sns:topic"
    return f"{service}:{rest.split('/')[0] if '/' in rest else rest.split(':')[0]}"


def untagged(url: str, regions: list[str], deployment: str, tagged_arns: list[str]) -> Counter:
    """The resources the endpoint's tagging API leaves out, listed service by service."""
    kinds: Counter = Counter()
    mine = deployment
    for region in regions:
        ec2 = _client(url, "ec2", region)
        vpcs = [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": [mine]}])["Vpcs"]]
        if vpcs:
            vpc_filter = [{"Name": "vpc-id", "Values": vpcs}]
            kinds["ec2:vpc-endpoint"] += len(ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"])
            kinds["ec2:network-acl"] += len(ec2.describe_network_acls(Filters=vpc_filter)["NetworkAcls"])
            # The default group of each VPC is managed (emptied) but not tagged.
            kinds["ec2:security-group"] += sum(
                1
                for group in ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
                if not any(arn.endswith(f":security-group/{group['GroupId']}") for arn in tagged_arns)
            )

        apigw = _client(url, "apigateway", region)
        for api in apigw.get_rest_apis()["items"]:
            if (api.get("tags") or {}).get("Deployment") != mine:
                continue
            kinds["apigateway:restapi"] += 1
            stages = apigw.get_stages(restApiId=api["id"])["item"]
            kinds["apigateway:stage"] += len(stages)
            kinds["apigateway:deployment"] += len({s["deploymentId"] for s in stages if s.get("deploymentId")})
        for domain in apigw.get_domain_names()["items"]:
            if (domain.get("tags") or {}).get("Deployment") != mine:
                continue
            kinds["apigateway:domainname"] += 1
            kinds["apigateway:basepathmapping"] += len(
                apigw.get_base_path_mappings(domainName=domain["domainName"]).get("items", [])
            )

        lam = _client(url, "lambda", region)
        for function in lam.list_functions()["Functions"]:
            if lam.list_tags(Resource=function["FunctionArn"]).get("Tags", {}).get("Deployment") != mine:
                continue
            versions = lam.list_versions_by_function(FunctionName=function["FunctionName"])["Versions"]
            kinds["lambda:version"] += sum(1 for version in versions if version["Version"] != "$LATEST")
            aliases = lam.list_aliases(FunctionName=function["FunctionName"])["Aliases"]
            kinds["lambda:alias"] += len(aliases)
            for alias in aliases:
                try:
                    policy = lam.get_policy(FunctionName=function["FunctionName"], Qualifier=alias["Name"])
                except lam.exceptions.ResourceNotFoundException:
                    continue
                kinds["lambda:permission"] += len(json.loads(policy["Policy"]).get("Statement", []))

        waf = _client(url, "wafv2", region)
        for acl in waf.list_web_acls(Scope="REGIONAL")["WebACLs"]:
            tags = waf.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"].get("TagList", [])
            if {"Key": "Deployment", "Value": mine} not in tags:
                continue
            kinds["wafv2:webacl"] += 1
            try:
                waf.get_logging_configuration(ResourceArn=acl["ARN"])
                kinds["wafv2:loggingconfiguration"] += 1
            except waf.exceptions.WAFNonexistentItemException:
                pass

        backup = _client(url, "backup", region)
        for plan in backup.list_backup_plans()["BackupPlansList"]:
            if backup.list_tags(ResourceArn=plan["BackupPlanArn"]).get("Tags", {}).get("Deployment") == mine:
                kinds["backup:backup-plan"] += 1

        hub = _client(url, "resiliencehub", region)
        for app in hub.list_apps()["appSummaries"]:
            if app["name"] == mine:
                kinds["resiliencehub:app"] += 1
        for policy in hub.list_resiliency_policies()["resiliencyPolicies"]:
            if policy["policyName"].startswith(f"{mine}-"):
                kinds["resiliencehub:resiliency-policy"] += 1

    for region in dict.fromkeys([*regions, GLOBAL_REGION]):
        kms = _client(url, "kms", region)
        keys = {arn.split("/")[-1] for arn in tagged_arns if arn.startswith(f"arn:aws:kms:{region}:")}
        kinds["kms:alias"] += sum(1 for a in kms.list_aliases()["Aliases"] if a.get("TargetKeyId") in keys)
        logs = _client(url, "logs", region)
        kinds["logs:resource-policy"] += sum(
            1 for p in logs.describe_resource_policies()["resourcePolicies"] if p["policyName"].startswith(mine)
        )

    # A global table is a table in each of its regions, each with an ARN of its own; the tagging API lists the
    # replicas that carry the deployment's tag, the others are counted from the tagged table's replica list.
    for arn in tagged_arns:
        if kind(arn) != "dynamodb:table":
            continue
        table = _client(url, "dynamodb", arn.split(":")[3]).describe_table(TableName=arn.split("/")[-1])["Table"]
        for replica in table.get("Replicas", []):
            replica_arn = f"arn:aws:dynamodb:{replica['RegionName']}:{arn.split(':')[4]}:table/{table['TableName']}"
            if replica_arn not in tagged_arns:
                kinds["dynamodb:table"] += 1

    iam = _client(url, "iam", GLOBAL_REGION)
    kinds["iam:role"] += sum(1 for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(f"{mine}-"))

    route53 = _client(url, "route53", GLOBAL_REGION)
    for zone in route53.list_hosted_zones()["HostedZones"]:
        zone_id = zone["Id"].split("/")[-1]
        tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)["ResourceTagSet"]
        if {"Key": "Deployment", "Value": mine} not in tags.get("Tags", []):
            continue
        kinds["route53:hostedzone"] += 1
        records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        kinds["route53:recordset"] += sum(1 for r in records if r["Type"] not in ("NS", "SOA"))
        kinds["route53:queryloggingconfig"] += sum(
            1
            for config in route53.list_query_logging_configs()["QueryLoggingConfigs"]
            if config["HostedZoneId"].split("/")[-1] == zone_id
        )
    for check in route53.list_health_checks()["HealthChecks"]:
        tags = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"])["ResourceTagSet"]
        if {"Key": "Deployment", "Value": mine} in tags.get("Tags", []):
            kinds["route53:healthcheck"] += 1
    return +kinds

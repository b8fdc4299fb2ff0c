#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: fsbp_audit
short_description: Evaluate AWS Security Hub FSBP controls and the design's promises on a deployment
version_added: 0.1.0
description:
  - Reads a deployment's resources in one region (O(scope=region)), or its global resources (O(scope=global)
    reads the IAM roles, the Route 53 zone, records and health checks, the health-check alarms and query log group
    in us-east-1), and evaluates the AWS Security Hub Foundational Security Best Practices controls that apply to
    them, plus the design's own promises. docs/audit.md lists every control, its source and how it is evaluated.
  - Read-only. It calls only Describe, Get and List operations, so it changes nothing, in check mode or not.
  - A control whose data could not be read (an API the endpoint lacks, named in O(endpoint_gaps), or a call the
    credentials may not make) is reported V(not_evaluable) with the reason, never as passed.
  - Resources are found by the deployment's name. The VPC by its C(Deployment) tag, everything else by the
    C(<deployment_name>-) prefix the roles give their names.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  deployment_name:
    description: The deployment's name (C(deployment_name)).
    type: str
    required: true
  scope:
    description:
      - V(region) evaluates the regional controls in O(region); V(global) the global ones, once per deployment.
    type: str
    choices: [region, global]
    default: region
  domain:
    description:
      - The deployment's public zone (C(deployment_domain)), for its certificates (regional) and its hosted
        zone, records and health checks (global).
    type: str
    default: ""
  regions:
    description:
      - Every region of the deployment, for the global controls that have one line per region.
      - Defaults to O(region).
    type: list
    elements: str
    default: []
  endpoint_gaps:
    description:
      - APIs the endpoint lacks (C(deployment_endpoint_gaps), from C(playbooks/vars/local_endpoint_gaps.yml)), name to
        reason. Controls that need one are not evaluated and reported V(not_evaluable) with the reason. Empty against
        AWS.
    type: dict
    default: {}
  supported_runtimes:
    description:
      - The Lambda runtimes Lambda.2 accepts (Security Hub's C(runtime) parameter). Update it as Lambda
        deprecates runtimes.
    type: list
    elements: str
  certificate_days:
    description: ACM.1 fails for a certificate that expires within this many days (Security Hub's default).
    type: int
    default: 30
  failover_region:
    description: Where Route 53 publishes health-check metrics, and so where the health-check alarms live.
    type: str
    default: us-east-1
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Evaluate the regional controls in every region
  multiregion.serverless.fsbp_audit:
    deployment_name: mrdemo
    domain: mrdemo.example.com
    region: "{{ aws_region }}"
  register: regional

- name: Evaluate the global controls once
  multiregion.serverless.fsbp_audit:
    deployment_name: mrdemo
    domain: mrdemo.example.com
    scope: global
    regions: [eu-west-1, eu-central-1]
  run_once: true
  register: global_controls
"""

RETURN = r"""
findings:
  description: One finding per control and resource evaluated (one per control when it could not be evaluated).
  returned: always
  type: list
  elements: dict
  contains:
    control:
      description: The control's id (Security Hub's, or C(Design.*) for the design's promises).
      type: str
      sample: EC2.21
    title:
      description: The control's title.
      type: str
    source:
      description: Where the control comes from.
      type: str
      sample: AWS Security Hub FSBP
    region:
      description: The region evaluated; for global controls the region of the line (Design.HealthChecks) or V(global).
      type: str
    status:
      description: V(passed), V(failed) or V(not_evaluable).
      type: str
    resource:
      description: The resource evaluated.
      type: str
    reason:
      description: Why it failed, why it could not be evaluated, or a detail of the pass.
      type: str
lines:
  description:
    - One line per control and region, with the worst status of its findings.
    - Each has the keys V(control), V(title) and V(source) of RV(findings), and those below.
  returned: always
  type: list
  elements: dict
  contains:
    region:
      description: The region of the line, or V(global).
      type: str
    status:
      description:
        - V(failed) when any finding failed, else V(not_evaluable) when any could not be evaluated, else V(passed).
      type: str
    detail:
      description: The reasons of the findings with that status (what passed, when all passed).
      type: str
    resources:
      description: How many resources were evaluated.
      type: int
counts:
  description: Number of lines per status.
  returned: always
  type: dict
  sample: {"passed": 30, "failed": 2, "not_evaluable": 2}
"""

import datetime
import json
import urllib.parse

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.multiregion.serverless.plugins.module_utils import _audit as audit
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import marker_pages
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate

ACM_KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]


def _reason(error: Exception) -> str:
    if isinstance(error, botocore.exceptions.ClientError):
        err = error.response.get("Error", {})
        return f"{error.operation_name} answered {err.get('Code')}: {err.get('Message', '')}".strip()
    return f"{type(error).__name__}: {error}"


class Reader:
    """Reads one scope of a deployment into the state the evaluation functions take.

    Each piece is read by one method; an error there is recorded as the piece's reason for not being evaluable
    and the other pieces are still read.
    """

    def __init__(self, module: MultiregionAWSModule, params: dict) -> None:
        self.module = module
        self.name = params["deployment_name"]
        self.prefix = f"{self.name}-"
        self.domain = (params["domain"] or "").rstrip(".")
        self.gaps = params["endpoint_gaps"] or {}
        self.region = module.region
        self._clients: dict = {}
        self.state: dict = {"region": self.region, "errors": {}}

    def client(self, service: str, region: str | None = None):
        region = region or self.region
        if (service, region) not in self._clients:
            self._clients[(service, region)] = self.module.retrying_client(service, region=region)
        return self._clients[(service, region)]

    def read(self, piece: str, method, *args) -> None:
        try:
            method(*args)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.state["errors"][piece] = _reason(e)

    # --- regional ---------------------------------------------------------------------------------------------

    def read_region(self) -> dict:
        # Each piece of the region's state with its reader, and the endpoint gap that leaves it unread.
        pieces = [
            ("vpc", self.vpc, None),
            ("dns_firewall", self.dns_firewall, "dns_firewall"),
            ("lambda", self.functions, None),
            ("apigateway", self.stages, None),
            ("wafv2", self.web_acls, None),
            ("dynamodb", self.tables, None),
            ("backup", self.backup_selections, "backup_selection"),
            ("kms", self.keys, None),
            ("cloudwatch", self.alarms, None),
            ("sns", self.topics, None),
            ("logs", self.log_groups, None),
            ("acm", self.certificates, None),
        ]
        for piece, reader, gap in pieces:
            if gap is None or gap not in self.gaps:
                self.read(piece, reader)
        return self.state

    def vpc(self) -> None:
        ec2 = self.client("ec2")
        vpcs = paginate(ec2, "describe_vpcs", Filters=[{"Name": "tag:Deployment", "Values": [self.name]}])["Vpcs"]
        self.state["vpcs"] = vpcs
        ids = [v["VpcId"] for v in vpcs]
        if not ids:
            return
        by_vpc = [{"Name": "vpc-id", "Values": ids}]
        self.state["security_groups"] = paginate(
            ec2, "describe_security_groups", Filters=by_vpc + [{"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        self.state["network_acls"] = paginate(ec2, "describe_network_acls", Filters=by_vpc)["NetworkAcls"]
        self.state["flow_logs"] = paginate(ec2, "describe_flow_logs", Filter=[{"Name": "resource-id", "Values": ids}])[
            "FlowLogs"
        ]
        self.state["vpc_endpoints"] = paginate(ec2, "describe_vpc_endpoints", Filters=by_vpc)["VpcEndpoints"]
        self.state["internet_gateways"] = paginate(
            ec2, "describe_internet_gateways", Filters=[{"Name": "attachment.vpc-id", "Values": ids}]
        )["InternetGateways"]
        self.state["egress_only_internet_gateways"] = paginate(ec2, "describe_egress_only_internet_gateways")[
            "EgressOnlyInternetGateways"
        ]
        self.state["nat_gateways"] = paginate(ec2, "describe_nat_gateways", Filter=by_vpc)["NatGateways"]
        self.state["route_tables"] = paginate(ec2, "describe_route_tables", Filters=by_vpc)["RouteTables"]
        subnets = paginate(ec2, "describe_subnets", Filters=by_vpc)["Subnets"]
        self.state["subnet_zones"] = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}

    def dns_firewall(self) -> None:
        resolver = self.client("route53resolver")
        found = []
        for vpc in self.state.get("vpcs", []):
            found += paginate(resolver, "list_firewall_rule_group_associations", VpcId=vpc["VpcId"])[
                "FirewallRuleGroupAssociations"
            ]
        self.state["firewall_associations"] = found

    def _function_policy(self, client, name: str, qualifier: str | None = None) -> list[dict]:
        params = {"FunctionName": name}
        if qualifier:
            params["Qualifier"] = qualifier
        try:
            policy = client.get_policy(aws_retry=True, **params)["Policy"]
        except botocore.exceptions.ClientError as e:
            if is_not_found(e, ["ResourceNotFoundException"]):
                return []
            raise
        return json.loads(policy).get("Statement", [])

    def functions(self) -> None:
        client = self.client("lambda")
        functions = [
            f for f in paginate(client, "list_functions")["Functions"] if f["FunctionName"].startswith(self.prefix)
        ]
        for function in functions:
            statements = self._function_policy(client, function["FunctionName"])
            for alias in paginate(client, "list_aliases", FunctionName=function["FunctionName"])["Aliases"]:
                statements += self._function_policy(client, function["FunctionName"], alias["Name"])
            function["Policy"] = {"Statement": statements}
        self.state["functions"] = functions

    def stages(self) -> None:
        client = self.client("apigateway")
        apis = [a for a in paginate(client, "get_rest_apis")["items"] if a.get("name", "").startswith(self.prefix)]
        stages = []
        for api in apis:
            for stage in client.get_stages(restApiId=api["id"], aws_retry=True).get("item", []):
                stage["restApiId"] = api["id"]
                stages.append(stage)
        self.state["rest_apis"] = apis
        self.state["stages"] = stages

    def web_acls(self) -> None:
        client = self.client("wafv2")
        summaries = []
        for page in marker_pages(client.list_web_acls, Scope="REGIONAL", Limit=100):
            summaries += page.get("WebACLs", [])
            if not page.get("WebACLs"):
                break
        acls = []
        for summary in summaries:
            if not summary["Name"].startswith(self.prefix):
                continue
            acl = client.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"], aws_retry=True)["WebACL"]
            try:
                acl["LoggingConfiguration"] = client.get_logging_configuration(ResourceArn=acl["ARN"], aws_retry=True)[
                    "LoggingConfiguration"
                ]
            except botocore.exceptions.ClientError as e:
                if not is_not_found(e, ["WAFNonexistentItemException"]):
                    raise
                acl["LoggingConfiguration"] = None
            acls.append(acl)
        self.state["web_acls"] = acls
        partition = _partition(self.region)
        for stage in self.state.get("stages", []):
            if stage.get("webAclArn"):
                continue
            arn = (
                f"arn:{partition}:apigateway:{self.region}::/restapis/{stage['restApiId']}/stages/{stage['stageName']}"
            )
            try:
                found = client.get_web_acl_for_resource(ResourceArn=arn, aws_retry=True).get("WebACL")
            except botocore.exceptions.ClientError as e:
                if not is_not_found(e, ["WAFNonexistentItemException"]):
                    raise
                found = None
            stage["webAclArn"] = (found or {}).get("ARN")

    def tables(self) -> None:
        client = self.client("dynamodb")
        names = [n for n in paginate(client, "list_tables")["TableNames"] if n.startswith(self.prefix)]
        tables, scaling = [], {}
        for name in names:
            table = client.describe_table(TableName=name, aws_retry=True)["Table"]
            table["ContinuousBackups"] = client.describe_continuous_backups(TableName=name, aws_retry=True)[
                "ContinuousBackupsDescription"
            ]
            tags = paginate(client, "list_tags_of_resource", ResourceArn=table["TableArn"]).get("Tags", [])
            table["Tags"] = {t["Key"]: t["Value"] for t in tags}
            if (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED") == "PROVISIONED":
                targets = paginate(
                    self.client("application-autoscaling"),
                    "describe_scalable_targets",
                    ServiceNamespace="dynamodb",
                    ResourceIds=[f"table/{name}"],
                )["ScalableTargets"]
                scaling[name] = [t["ScalableDimension"] for t in targets]
            tables.append(table)
        self.state["tables"] = tables
        self.state["scalable_targets"] = scaling

    def backup_selections(self) -> None:
        client = self.client("backup")
        selections = []
        for plan in paginate(client, "list_backup_plans")["BackupPlansList"]:
            for item in paginate(client, "list_backup_selections", BackupPlanId=plan["BackupPlanId"])[
                "BackupSelectionsList"
            ]:
                selection = client.get_backup_selection(
                    BackupPlanId=plan["BackupPlanId"], SelectionId=item["SelectionId"], aws_retry=True
                )["BackupSelection"]
                selection["BackupPlanName"] = plan["BackupPlanName"]
                selections.append(selection)
        self.state["backup_selections"] = selections

    def keys(self) -> None:
        client = self.client("kms")
        aliases = [
            a
            for a in paginate(client, "list_aliases")["Aliases"]
            if a.get("TargetKeyId")
            and (
                a["AliasName"] == f"alias/{self.name}"
                or a["AliasName"].startswith((f"alias/{self.prefix}", f"alias/{self.name}/"))
            )
        ]
        keys: dict[str, dict] = {}
        for alias in aliases:
            key_id = alias["TargetKeyId"]
            if key_id not in keys:
                key = client.describe_key(KeyId=key_id, aws_retry=True)["KeyMetadata"]
                if (
                    key.get("KeyManager") == "CUSTOMER"
                    and key.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
                ):
                    key["KeyRotationEnabled"] = client.get_key_rotation_status(KeyId=key_id, aws_retry=True)[
                        "KeyRotationEnabled"
                    ]
                key["Aliases"] = []
                keys[key_id] = key
            keys[key_id]["Aliases"].append(alias["AliasName"])
        self.state["keys"] = list(keys.values())
        self.state["customer_key_arns"] = [k["Arn"] for k in keys.values() if k.get("KeyManager") == "CUSTOMER"]

    def alarms(self, region: str | None = None, target: dict | None = None) -> None:
        client = self.client("cloudwatch", region)
        found = paginate(
            client, "describe_alarms", AlarmNamePrefix=self.prefix, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
        )
        (target if target is not None else self.state)["alarms"] = found.get("MetricAlarms", []) + found.get(
            "CompositeAlarms", []
        )

    def _topic(self, client, arn: str) -> dict | None:
        try:
            attributes = client.get_topic_attributes(TopicArn=arn, aws_retry=True)["Attributes"]
        except botocore.exceptions.ClientError as e:
            if is_not_found(e, ["NotFound", "NotFoundException"]):
                return None
            raise
        subscriptions = paginate(client, "list_subscriptions_by_topic", TopicArn=arn)["Subscriptions"]
        return {"TopicArn": arn, "Attributes": attributes, "Subscriptions": subscriptions}

    def topics(self, region: str | None = None, target: dict | None = None) -> None:
        """The deployment's topics, and any other topic of the region that one of its alarms notifies."""
        region = region or self.region
        target = target if target is not None else self.state
        client = self.client("sns", region)
        arns = [t["TopicArn"] for t in paginate(client, "list_topics")["Topics"]]
        wanted = [a for a in arns if a.split(":")[-1].startswith(self.prefix)]
        for alarm in target.get("alarms", []):
            for action in alarm.get("AlarmActions") or []:
                if action.split(":")[2:4] == ["sns", region] and action not in wanted:
                    wanted.append(action)
        topics = [self._topic(client, arn) for arn in wanted]
        target["topics"] = [t for t in topics if t]

    def log_groups(self) -> None:
        client = self.client("logs")
        execution_prefixes = tuple(f"API-Gateway-Execution-Logs_{a['id']}/" for a in self.state.get("rest_apis", []))
        self.state["log_groups"] = [
            g
            for g in paginate(client, "describe_log_groups")["logGroups"]
            if self.name in g["logGroupName"] or g["logGroupName"].startswith(execution_prefixes or ("\0",))
        ]

    def certificates(self) -> None:
        if not self.domain:
            self.state["certificates"] = []
            return
        client = self.client("acm")
        summaries = paginate(client, "list_certificates", Includes={"keyTypes": ACM_KEY_TYPES})[
            "CertificateSummaryList"
        ]
        mine = [
            s
            for s in summaries
            if s.get("DomainName", "").lstrip("*.") == self.domain
            or s.get("DomainName", "").endswith("." + self.domain)
        ]
        self.state["certificates"] = [
            client.describe_certificate(CertificateArn=s["CertificateArn"], aws_retry=True)["Certificate"] for s in mine
        ]

    # --- global -----------------------------------------------------------------------------------------------

    def read_global(self, regions: list[str], failover_region: str) -> dict:
        self.state["regions"] = regions
        self.state["failover"] = {"region": failover_region, "errors": {}}
        self.read("iam", self.policies)
        self.read("route53", self.route53)
        self.read("failover_alarms", self.failover_alarms, failover_region)
        self.read("failover_logs", self.failover_logs)
        return self.state

    def policies(self) -> None:
        client = self.client("iam")
        roles = [r for r in paginate(client, "list_roles")["Roles"] if r["RoleName"].startswith(self.prefix)]
        policies, seen = [], set()
        for role in roles:
            name = role["RoleName"]
            for policy_name in paginate(client, "list_role_policies", RoleName=name)["PolicyNames"]:
                document = client.get_role_policy(RoleName=name, PolicyName=policy_name, aws_retry=True)[
                    "PolicyDocument"
                ]
                policies.append({"Name": f"{name}/{policy_name}", "Document": _document(document)})
            for attached in paginate(client, "list_attached_role_policies", RoleName=name)["AttachedPolicies"]:
                arn = attached["PolicyArn"]
                if ":iam::aws:policy/" in arn or arn in seen:
                    continue  # AWS managed policies are AWS's, not the deployment's
                seen.add(arn)
                version = client.get_policy(PolicyArn=arn, aws_retry=True)["Policy"]["DefaultVersionId"]
                document = client.get_policy_version(PolicyArn=arn, VersionId=version, aws_retry=True)["PolicyVersion"][
                    "Document"
                ]
                policies.append({"Name": attached["PolicyName"], "Document": _document(document)})
        self.state["policies"] = policies

    def route53(self) -> None:
        if not self.domain:
            self.state["zone"] = None
            return
        client = self.client("route53")
        zones = client.list_hosted_zones_by_name(DNSName=self.domain, aws_retry=True)["HostedZones"]
        zone = next(
            (
                z
                for z in zones
                if z["Name"].rstrip(".") == self.domain and not (z.get("Config") or {}).get("PrivateZone")
            ),
            None,
        )
        self.state["zone"] = zone
        if not zone:
            return
        zone_id = zone["Id"].split("/")[-1]
        # ListQueryLoggingConfigs is read whole (not by HostedZoneId, which the local endpoint refuses) and filtered.
        self.state["query_logging_configs"] = paginate(client, "list_query_logging_configs")["QueryLoggingConfigs"]
        regions = set(self.state["regions"])
        self.state["record_sets"] = [
            r
            for r in paginate(client, "list_resource_record_sets", HostedZoneId=zone_id)["ResourceRecordSets"]
            if r.get("SetIdentifier") in regions
        ]
        self.state["health_checks"] = paginate(client, "list_health_checks")["HealthChecks"]

    def failover_alarms(self, region: str) -> None:
        failover = self.state["failover"]
        self.alarms(region, failover)
        failover["alarms"] = [a for a in failover["alarms"] if a.get("Namespace") == "AWS/Route53"]
        self.topics(region, failover)

    def failover_logs(self) -> None:
        groups = []
        zone = self.state.get("zone")
        for config in self.state.get("query_logging_configs", []):
            if not zone or config.get("HostedZoneId") != zone["Id"].split("/")[-1]:
                continue
            arn = config["CloudWatchLogsLogGroupArn"]
            region, name = arn.split(":")[3], arn.split(":")[6]
            found = paginate(self.client("logs", region), "describe_log_groups", logGroupNamePrefix=name)["logGroups"]
            groups += [g for g in found if g["logGroupName"] == name]
        self.state["failover"]["log_groups"] = groups


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _document(document) -> dict:
    """IAM answers policy documents URL-encoded; botocore decodes them, a raw answer is decoded here."""
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document


def run(module: MultiregionAWSModule) -> list[dict]:
    params = module.params
    reader = Reader(module, params)
    gaps = params["endpoint_gaps"] or {}
    if params["scope"] == "global":
        regions = params["regions"] or [module.region]
        state = reader.read_global(regions, params["failover_region"])
        # Piece errors of the us-east-1 reads are the failover controls' reasons.
        findings = []
        for control in audit.controls_for("global"):
            region = "global"
            if control.id == "Design.HealthChecks":
                findings += _per_region(control, state, gaps)
                continue
            if control.id.startswith("Design.Failover"):
                region = params["failover_region"]
            findings += audit.evaluate([control], state, gaps, region=region)
        return findings
    state = reader.read_region()
    state["now"] = datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017 - modules run on Python 3.9 too
    controls = audit.controls_for("region")
    runtimes = params["supported_runtimes"]
    if runtimes:
        controls = [
            audit.Control(c.id, c.title, c.needs, lambda s: audit.lambda_supported_runtime(s, runtimes), c.source)
            if c.id == "Lambda.2"
            else c
            for c in controls
        ]
    certificate_days = params["certificate_days"]
    controls = [
        audit.Control(c.id, c.title, c.needs, lambda s: audit.acm_renewal(s, certificate_days), c.source)
        if c.id == "ACM.1"
        else c
        for c in controls
    ]
    return audit.evaluate(controls, state, gaps)


def _per_region(control, state: dict, gaps: dict) -> list[dict]:
    """A global control evaluated once, reported on the line of the region each result is about."""
    findings = audit.evaluate([control], state, gaps, region="global")
    for f in findings:
        if f["resource"] in state.get("regions", []):
            f["region"] = f["resource"]
    return findings


def main() -> None:
    module = MultiregionAWSModule(
        argument_spec=dict(
            deployment_name=dict(type="str", required=True),
            scope=dict(type="str", choices=["region", "global"], default="region"),
            domain=dict(type="str", default=""),
            regions=dict(type="list", elements="str", default=[]),
            endpoint_gaps=dict(type="dict", default={}),
            supported_runtimes=dict(type="list", elements="str"),
            certificate_days=dict(type="int", default=30),
            failover_region=dict(type="str", default="us-east-1"),
        ),
        supports_check_mode=True,
    )
    findings = run(module)
    lines = audit.summarize(findings)
    counts = {status: sum(1 for line in lines if line["status"] == status) for status in audit.STATUSES}
    module.exit_json(changed=False, findings=findings, lines=lines, counts=counts)


if __name__ == "__main__":
    main()

"""The audit's control evaluations: a passing and a failing state per control, and the not-evaluable paths."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils import _audit as audit

REGION = "eu-west-1"
VPC = "vpc-0123456789abcdef0"
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)  # noqa: UP017
ALARM_TOPIC = "arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
STAGE_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mrdemo-api/abcd"


def state(**pieces) -> dict:
    base = {"region": REGION, "vpcs": [{"VpcId": VPC}], "now": NOW, "errors": {}}
    base.update(pieces)
    return base


def acl_entry(number, action, cidr="0.0.0.0/0", protocol="6", ports=None, egress=False, ipv6=False):
    entry = {"RuleNumber": number, "RuleAction": action, "Protocol": protocol, "Egress": egress}
    entry["Ipv6CidrBlock" if ipv6 else "CidrBlock"] = cidr
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    return entry


def nacl(*entries):
    return {"network_acls": [{"NetworkAclId": "acl-1", "Entries": list(entries)}]}


def function(**extra):
    return {
        "FunctionName": "mrdemo-api",
        "Runtime": "python3.13",
        "PackageType": "Zip",
        "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"]},
        "Policy": {"Statement": []},
        **extra,
    }


def stage(**extra):
    return {
        "restApiId": "abc123",
        "stageName": "v1",
        "tracingEnabled": True,
        "clientCertificateId": "cert1",
        "webAclArn": STAGE_ACL,
        "methodSettings": {"*/*": {"loggingLevel": "INFO", "cachingEnabled": False}},
        **extra,
    }


def table(**extra):
    return {
        "TableName": "mrdemo-items",
        "TableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/mrdemo-items",
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "DeletionProtectionEnabled": True,
        "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY},
        "ContinuousBackups": {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}},
        "Tags": {"Deployment": "mrdemo"},
        **extra,
    }


def web_acl(**extra):
    metrics = {"CloudWatchMetricsEnabled": True, "SampledRequestsEnabled": True, "MetricName": "m"}
    return {
        "Name": "mrdemo-api",
        "ARN": STAGE_ACL,
        "Rules": [{"Name": "ip-reputation", "VisibilityConfig": metrics}],
        "VisibilityConfig": metrics,
        "LoggingConfiguration": {
            "LogDestinationConfigs": ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mrdemo"]
        },
        **extra,
    }


def alarm(**extra):
    base = {"AlarmName": "mrdemo-api-5xx-rate", "ActionsEnabled": True, "AlarmActions": [ALARM_TOPIC]}
    base.update(extra)
    return base


def topic(subscriptions=None, **attributes):
    attrs = {"KmsMasterKeyId": KEY}
    attrs.update(attributes)
    return {
        "TopicArn": ALARM_TOPIC,
        "Attributes": {k: v for k, v in attrs.items() if v is not None},
        "Subscriptions": subscriptions
        if subscriptions is not None
        else [{"SubscriptionArn": ALARM_TOPIC + ":1111", "Protocol": "email", "Endpoint": "ops@example.com"}],
    }


def certificate(**extra):
    return {
        "CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/1",
        "DomainName": "api.mrdemo.example.com",
        "Status": "ISSUED",
        "KeyAlgorithm": "RSA_2048",
        "NotAfter": NOW + datetime.timedelta(days=300),
        **extra,
    }


def admin_policy(actions, resource="*", effect="Allow"):
    return {
        "policies": [
            {
                "Name": "mrdemo-api-eu-west-1/items-api",
                "Document": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": effect, "Action": actions, "Resource": resource}],
                },
            }
        ]
    }


ZONE = {"Id": "/hostedzone/Z1", "Name": "mrdemo.example.com.", "Config": {"PrivateZone": False}}


def records(*regions, check="hc-1"):
    return [
        {"Name": "api.mrdemo.example.com.", "Type": t, "SetIdentifier": r, "HealthCheckId": check}
        for r in regions
        for t in ("A", "AAAA")
    ]


CASES = [
    # (control, passing state, failing state, expected reason in the failure)
    (
        "EC2.2",
        {
            "security_groups": [
                {"GroupId": "sg-1", "GroupName": "default", "IpPermissions": [], "IpPermissionsEgress": []}
            ]
        },
        {
            "security_groups": [
                {"GroupId": "sg-1", "GroupName": "default", "IpPermissions": [{}], "IpPermissionsEgress": []}
            ]
        },
        "1 inbound",
    ),
    (
        "EC2.6",
        {"flow_logs": [{"FlowLogId": "fl-1", "ResourceId": VPC, "TrafficType": "ALL", "FlowLogStatus": "ACTIVE"}]},
        {"flow_logs": [{"FlowLogId": "fl-1", "ResourceId": VPC, "TrafficType": "ACCEPT", "FlowLogStatus": "ACTIVE"}]},
        "no active flow log",
    ),
    (
        "EC2.10",
        {
            "vpc_endpoints": [
                {
                    "VpcEndpointId": "vpce-1",
                    "VpcId": VPC,
                    "ServiceName": "com.amazonaws.eu-west-1.ec2",
                    "VpcEndpointType": "Interface",
                    "State": "available",
                }
            ]
        },
        {
            "vpc_endpoints": [
                {
                    "VpcEndpointId": "vpce-1",
                    "VpcId": VPC,
                    "ServiceName": "com.amazonaws.eu-west-1.s3",
                    "VpcEndpointType": "Gateway",
                }
            ]
        },
        "com.amazonaws.eu-west-1.ec2",
    ),
    (
        "EC2.21",
        # A deny of 22 and 3389 from the world before the ephemeral allow, and an allow from inside the VPC.
        nacl(
            acl_entry(60, "deny", ports=(22, 22)),
            acl_entry(70, "deny", ports=(3389, 3389)),
            acl_entry(100, "allow", cidr="10.1.0.0/16", protocol="-1"),
            acl_entry(700, "allow", ports=(1024, 65535)),
            acl_entry(100, "allow", protocol="-1", egress=True),
            acl_entry(32767, "deny", protocol="-1"),
        ),
        nacl(
            acl_entry(70, "deny", ports=(3389, 3389)),
            acl_entry(700, "allow", ports=(1024, 65535)),
            acl_entry(800, "allow", ports=(22, 22)),
        ),
        "port 22 by rule 800",
    ),
    (
        "Design.NoInternet",
        {"route_tables": [{"RouteTableId": "rtb-1", "VpcId": VPC, "Routes": [{"GatewayId": "local"}]}]},
        {"route_tables": [{"RouteTableId": "rtb-1", "VpcId": VPC, "Routes": [{"NatGatewayId": "nat-1"}]}]},
        "route to nat-1",
    ),
    (
        "Design.DNSFirewall",
        {"firewall_associations": [{"Id": "rslvr-frgassoc-1", "VpcId": VPC, "Status": "COMPLETE"}]},
        {"firewall_associations": []},
        "no DNS Firewall",
    ),
    (
        "Lambda.1",
        {
            "functions": [
                function(
                    Policy={
                        "Statement": [
                            {
                                "Sid": "api",
                                "Effect": "Allow",
                                "Principal": {"Service": "apigateway.amazonaws.com"},
                                "Action": "lambda:InvokeFunction",
                                "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:eu-west-1:1:abc/*"}},
                            }
                        ]
                    }
                )
            ]
        },
        {"functions": [function(Policy={"Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*"}]})]},
        "public statement(s): open",
    ),
    ("Lambda.2", {"functions": [function()]}, {"functions": [function(Runtime="python3.8")]}, "python3.8"),
    ("Lambda.3", {"functions": [function()]}, {"functions": [function(VpcConfig={"SubnetIds": []})]}, "not attached"),
    (
        "Lambda.5",
        {"functions": [function()], "subnet_zones": {"subnet-a": "eu-west-1a", "subnet-b": "eu-west-1b"}},
        {"functions": [function()], "subnet_zones": {"subnet-a": "eu-west-1a", "subnet-b": "eu-west-1a"}},
        "1 Availability Zone",
    ),
    (
        "APIGateway.1",
        {"stages": [stage()]},
        {"stages": [stage(methodSettings={"*/*": {"loggingLevel": "OFF"}})]},
        "level OFF",
    ),
    ("APIGateway.2", {"stages": [stage()]}, {"stages": [stage(clientCertificateId=None)]}, "no client certificate"),
    ("APIGateway.3", {"stages": [stage()]}, {"stages": [stage(tracingEnabled=False)]}, "X-Ray"),
    ("APIGateway.4", {"stages": [stage()]}, {"stages": [stage(webAclArn=None)]}, "no web ACL"),
    (
        "APIGateway.5",
        {"stages": [stage(methodSettings={"*/*": {"cachingEnabled": True, "cacheDataEncrypted": True}})]},
        {"stages": [stage(methodSettings={"*/*": {"cachingEnabled": True, "cacheDataEncrypted": False}})]},
        "unencrypted cache for */*",
    ),
    ("WAF.10", {"web_acls": [web_acl()]}, {"web_acls": [web_acl(Rules=[])]}, "no rules"),
    ("WAF.11", {"web_acls": [web_acl()]}, {"web_acls": [web_acl(LoggingConfiguration=None)]}, "logging off"),
    (
        "WAF.12",
        {"web_acls": [web_acl()]},
        {"web_acls": [web_acl(Rules=[{"Name": "r1", "VisibilityConfig": {"CloudWatchMetricsEnabled": False}}])]},
        "metrics off: r1",
    ),
    (
        "DynamoDB.1",
        {
            "tables": [table(BillingModeSummary={"BillingMode": "PROVISIONED"})],
            "scalable_targets": {
                "mrdemo-items": ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"]
            },
        },
        {"tables": [table(BillingModeSummary={"BillingMode": "PROVISIONED"})], "scalable_targets": {}},
        "without read and write auto scaling",
    ),
    (
        "DynamoDB.2",
        {"tables": [table()]},
        {
            "tables": [
                table(ContinuousBackups={"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}})
            ]
        },
        "DISABLED",
    ),
    (
        "DynamoDB.4",
        {
            "tables": [table()],
            "backup_selections": [{"BackupPlanName": "p", "Resources": ["arn:aws:dynamodb:*:*:table/mrdemo-*"]}],
        },
        {
            "tables": [table()],
            "backup_selections": [
                {
                    "BackupPlanName": "p",
                    "Resources": ["arn:aws:dynamodb:*:*:table/*"],
                    "NotResources": ["arn:aws:dynamodb:*:*:table/mrdemo-items"],
                }
            ],
        },
        "in no AWS Backup plan",
    ),
    (
        "DynamoDB.6",
        {"tables": [table()]},
        {"tables": [table(DeletionProtectionEnabled=False)]},
        "deletion protection off",
    ),
    (
        "Design.TableKMS",
        {"tables": [table()], "customer_key_arns": [KEY]},
        {"tables": [table(SSEDescription={"Status": "ENABLED", "SSEType": "AES256"})], "customer_key_arns": [KEY]},
        "not encrypted",
    ),
    (
        "KMS.4",
        {"keys": [{"KeyId": "k", "KeyManager": "CUSTOMER", "KeyRotationEnabled": True, "Aliases": ["alias/mrdemo"]}]},
        {"keys": [{"KeyId": "k", "KeyManager": "CUSTOMER", "KeyRotationEnabled": False, "Aliases": ["alias/mrdemo"]}]},
        "rotation off",
    ),
    ("SNS.1", {"topics": [topic()]}, {"topics": [topic(KmsMasterKeyId=None)]}, "not encrypted"),
    (
        "Design.LogsKMS",
        {"log_groups": [{"logGroupName": "/mrdemo/vpc-flow-logs", "kmsKeyId": KEY}]},
        {"log_groups": [{"logGroupName": "/mrdemo/vpc-flow-logs"}]},
        "not encrypted",
    ),
    ("CloudWatch.15", {"alarms": [alarm()]}, {"alarms": [alarm(AlarmActions=[])]}, "no action"),
    (
        "Design.AlarmSubscribers",
        {"alarms": [alarm()], "topics": [topic()]},
        # A subscription still pending confirmation reaches nobody.
        {"alarms": [alarm()], "topics": [topic(subscriptions=[{"SubscriptionArn": "PendingConfirmation"}])]},
        "no confirmed subscriber",
    ),
    (
        "ACM.1",
        {"certificates": [certificate()]},
        {"certificates": [certificate(NotAfter=NOW + datetime.timedelta(days=10))]},
        "expires in 10 days",
    ),
    (
        "ACM.2",
        {"certificates": [certificate()]},
        {"certificates": [certificate(KeyAlgorithm="RSA_1024")]},
        "below 2048",
    ),
    ("IAM.1", admin_policy(["dynamodb:GetItem"]), admin_policy("*"), 'allows "*" on "*"'),
    (
        "IAM.21",
        admin_policy(["dynamodb:GetItem"], "arn:aws:dynamodb:*:*:table/x"),
        admin_policy(["dynamodb:*"], "arn:x"),
        "dynamodb:*",
    ),
    (
        "Route53.2",
        {
            "zone": ZONE,
            "query_logging_configs": [
                {
                    "HostedZoneId": "Z1",
                    "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:/aws/route53/x:*",
                }
            ],
        },
        {
            "zone": ZONE,
            "query_logging_configs": [
                {"HostedZoneId": "Z2", "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:/x:*"}
            ],
        },
        "no query logging",
    ),
    (
        "Design.HealthChecks",
        {"regions": [REGION], "record_sets": records(REGION), "health_checks": [{"Id": "hc-1"}]},
        {"regions": [REGION], "record_sets": records(REGION, check="hc-gone"), "health_checks": [{"Id": "hc-1"}]},
        "without an existing health check",
    ),
    (
        "Design.FailoverAlarms",
        {"failover": {"alarms": [alarm()], "topics": [topic()]}},
        {"failover": {"alarms": [alarm(AlarmActions=[])], "topics": []}},
        "no action",
    ),
    (
        "Design.FailoverLogsKMS",
        {"failover": {"log_groups": [{"logGroupName": "/aws/route53/mrdemo", "kmsKeyId": KEY}]}},
        {"failover": {"log_groups": [{"logGroupName": "/aws/route53/mrdemo"}]}},
        "not encrypted",
    ),
]

CONTROLS = {c.id: c for c in audit.CONTROLS}


def test_every_control_has_a_case():
    assert sorted(CONTROLS) == sorted(case[0] for case in CASES)


@pytest.mark.parametrize("control_id, passing, failing, reason", CASES, ids=[c[0] for c in CASES])
def test_control_passes_and_fails(control_id, passing, failing, reason):
    control = CONTROLS[control_id]
    passed = audit.evaluate([control], state(**passing))
    assert passed and {f["status"] for f in passed} == {audit.PASSED}, passed
    failed = audit.evaluate([control], state(**failing))
    assert {f["status"] for f in failed} == {audit.FAILED}, failed
    assert any(reason in f["reason"] for f in failed), failed


@pytest.mark.parametrize(
    "entry, exposed",
    [
        (acl_entry(100, "allow", protocol="-1"), True),  # every protocol and port
        (acl_entry(100, "allow", protocol="17", ports=(3000, 4000)), True),  # UDP counts too
        (acl_entry(100, "allow", protocol="1"), False),  # ICMP has no ports
        (acl_entry(100, "allow", cidr="::/0", ipv6=True, ports=(1024, 65535)), True),
        (acl_entry(100, "allow", cidr="0.0.0.0/1", ports=(1024, 65535)), False),  # not the whole world
        (acl_entry(100, "allow", ports=(1024, 3388)), False),
        (acl_entry(100, "allow", ports=(443, 443)), False),
    ],
)
def test_nacl_entries(entry, exposed):
    results = audit.nacl_admin_ports(state(**nacl(entry)))
    assert (results[0][0] == audit.FAILED) is exposed, results


def test_a_later_deny_does_not_protect_an_earlier_allow():
    results = audit.nacl_admin_ports(
        state(**nacl(acl_entry(100, "allow", ports=(1024, 65535)), acl_entry(200, "deny", ports=(3389, 3389))))
    )
    assert results[0][0] == audit.FAILED and "port 3389 by rule 100" in results[0][2]


def test_a_gap_makes_a_control_not_evaluable_never_passed():
    control = CONTROLS["DynamoDB.4"]
    passing = state(tables=[table()], backup_selections=[{"BackupPlanName": "p", "Resources": ["*"]}])
    findings = audit.evaluate([control], passing, gaps={"backup_selection": "no CreateBackupSelection"})
    assert [f["status"] for f in findings] == [audit.NOT_EVALUABLE]
    assert "backup_selection: no CreateBackupSelection" in findings[0]["reason"]


def test_an_unreadable_piece_makes_its_controls_not_evaluable():
    broken = state(functions=[function()], errors={"lambda": "ListFunctions answered AccessDeniedException: denied"})
    findings = audit.evaluate([CONTROLS["Lambda.3"], CONTROLS["EC2.2"]], broken)
    by_control = {f["control"]: f for f in findings}
    assert by_control["Lambda.3"]["status"] == audit.NOT_EVALUABLE
    assert "AccessDeniedException" in by_control["Lambda.3"]["reason"]
    # EC2.2 does not need the Lambda piece; the default group is missing from the state, so it fails.
    assert by_control["EC2.2"]["status"] == audit.FAILED


def test_nothing_found_fails_unless_a_gap_explains_it():
    control = CONTROLS["DynamoDB.6"]
    assert audit.evaluate([control], state(tables=[]))[0]["status"] == audit.FAILED
    explained = audit.evaluate([control], state(tables=[]), gaps={"dynamodb_replicas": "no replica"})
    assert explained[0]["status"] == audit.NOT_EVALUABLE and "no replica" in explained[0]["reason"]


def test_caching_off_has_nothing_to_encrypt():
    results = audit.apigateway_cache_encryption(state(stages=[stage()]))
    assert results == [(audit.PASSED, "abc123/v1", "no method caches: nothing to encrypt")]


def test_health_checks_one_line_per_region():
    results = audit.health_checked_records(
        state(regions=[REGION, "eu-central-1"], record_sets=records(REGION), health_checks=[{"Id": "hc-1"}])
    )
    assert [(r[0], r[1]) for r in results] == [(audit.PASSED, REGION), (audit.FAILED, "eu-central-1")]


def test_alarm_of_an_unknown_topic_fails():
    results = audit.alarms_notify_someone(state(alarms=[alarm()], topics=[]))
    assert results[0][0] == audit.FAILED and "not found" in results[0][2]


def test_summarize_takes_the_worst_status_per_control_and_region():
    findings = [
        {
            "control": "X.1",
            "title": "t",
            "source": "s",
            "region": "r1",
            "status": "passed",
            "resource": "a",
            "reason": "",
        },
        {
            "control": "X.1",
            "title": "t",
            "source": "s",
            "region": "r1",
            "status": "failed",
            "resource": "b",
            "reason": "bad",
        },
        {
            "control": "X.1",
            "title": "t",
            "source": "s",
            "region": "r2",
            "status": "not_evaluable",
            "resource": "",
            "reason": "gap",
        },
        {
            "control": "X.2",
            "title": "t",
            "source": "s",
            "region": "r1",
            "status": "passed",
            "resource": "c",
            "reason": "ok",
        },
    ]
    lines = {(line["control"], line["region"]): line for line in audit.summarize(findings)}
    assert lines[("X.1", "r1")]["status"] == "failed" and lines[("X.1", "r1")]["detail"] == "b: bad"
    assert lines[("X.1", "r2")]["status"] == "not_evaluable" and lines[("X.1", "r2")]["detail"] == "gap"
    assert lines[("X.2", "r1")]["status"] == "passed" and lines[("X.2", "r1")]["detail"] == "c (ok)"
    assert lines[("X.1", "r1")]["text"].startswith("FAILED")

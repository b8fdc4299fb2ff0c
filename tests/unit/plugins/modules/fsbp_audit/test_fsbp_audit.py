"""fsbp_audit against stubbed AWS: what it reads, in which order, and how unreadable data is reported."""

from __future__ import annotations

import datetime
import json

from ansible_collections.multiregion.serverless.plugins.modules import fsbp_audit
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

REGION = "eu-west-1"
ACCOUNT = "123456789012"
VPC = "vpc-0123456789abcdef0"
KEY_ID = "11111111-2222-3333-4444-555555555555"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:mrdemo-alarms"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mrdemo-api"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/mrdemo-items"
ACL_ARN = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/mrdemo-api/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
STAGE_ARN = f"arn:aws:apigateway:{REGION}::/restapis/abc123defg/stages/v1"
GAPS = {"dns_firewall": "no DNS Firewall", "backup_selection": "no CreateBackupSelection"}
NOW = datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017
BY_VPC = [{"Name": "vpc-id", "Values": [VPC]}]
METRICS = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def args(**extra):
    base = {"deployment_name": "mrdemo", "domain": "mrdemo.example.com", "endpoint_gaps": GAPS}
    base.update(extra)
    return base


def stub_network(aws, vpcs=True):
    ec2 = aws.stub("ec2")
    ec2.add_response(
        "describe_vpcs",
        {"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.1.0.0/16"}] if vpcs else []},
        {"Filters": [{"Name": "tag:Deployment", "Values": ["mrdemo"]}]},
    )
    if not vpcs:
        return
    ec2.add_response(
        "describe_security_groups",
        {
            "SecurityGroups": [
                {
                    "GroupId": "sg-1",
                    "GroupName": "default",
                    "VpcId": VPC,
                    "IpPermissions": [],
                    "IpPermissionsEgress": [],
                }
            ]
        },
        {"Filters": BY_VPC + [{"Name": "group-name", "Values": ["default"]}]},
    )
    ec2.add_response(
        "describe_network_acls",
        {
            "NetworkAcls": [
                {
                    "NetworkAclId": "acl-1",
                    "VpcId": VPC,
                    "Entries": [
                        {
                            "RuleNumber": 70,
                            "Protocol": "6",
                            "RuleAction": "deny",
                            "Egress": False,
                            "CidrBlock": "0.0.0.0/0",
                            "PortRange": {"From": 3389, "To": 3389},
                        },
                        {
                            "RuleNumber": 700,
                            "Protocol": "6",
                            "RuleAction": "allow",
                            "Egress": False,
                            "CidrBlock": "0.0.0.0/0",
                            "PortRange": {"From": 1024, "To": 65535},
                        },
                    ],
                }
            ]
        },
        {"Filters": BY_VPC},
    )
    ec2.add_response(
        "describe_flow_logs",
        {"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": VPC, "TrafficType": "ALL", "FlowLogStatus": "ACTIVE"}]},
        {"Filter": [{"Name": "resource-id", "Values": [VPC]}]},
    )
    ec2.add_response(
        "describe_vpc_endpoints",
        {
            "VpcEndpoints": [
                {
                    "VpcEndpointId": "vpce-1",
                    "VpcId": VPC,
                    "ServiceName": f"com.amazonaws.{REGION}.ec2",
                    "VpcEndpointType": "Interface",
                    "State": "Available",
                }
            ]
        },
        {"Filters": BY_VPC},
    )
    ec2.add_response(
        "describe_internet_gateways",
        {"InternetGateways": []},
        {"Filters": [{"Name": "attachment.vpc-id", "Values": [VPC]}]},
    )
    ec2.add_response("describe_egress_only_internet_gateways", {"EgressOnlyInternetGateways": []}, {})
    ec2.add_response("describe_nat_gateways", {"NatGateways": []}, {"Filter": BY_VPC})
    ec2.add_response(
        "describe_route_tables",
        {
            "RouteTables": [
                {
                    "RouteTableId": "rtb-1",
                    "VpcId": VPC,
                    "Routes": [{"GatewayId": "local", "DestinationCidrBlock": "10.1.0.0/16"}],
                }
            ]
        },
        {"Filters": BY_VPC},
    )
    ec2.add_response(
        "describe_subnets",
        {
            "Subnets": [
                {"SubnetId": "subnet-a", "AvailabilityZone": "eu-west-1a", "VpcId": VPC},
                {"SubnetId": "subnet-b", "AvailabilityZone": "eu-west-1b", "VpcId": VPC},
            ]
        },
        {"Filters": BY_VPC},
    )


def stub_functions(aws):
    lam = aws.stub("lambda")
    lam.add_response(
        "list_functions",
        {
            "Functions": [
                {
                    "FunctionName": "mrdemo-api",
                    "FunctionArn": FUNCTION_ARN,
                    "Runtime": "python3.13",
                    "PackageType": "Zip",
                    "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-2"], "VpcId": VPC},
                },
                {"FunctionName": "someone-elses", "Runtime": "python3.8"},
            ]
        },
        {},
    )
    lam.add_client_error("get_policy", **client_error("ResourceNotFoundException", status=404))
    lam.add_response(
        "list_aliases",
        {"Aliases": [{"Name": "live", "AliasArn": FUNCTION_ARN + ":live"}]},
        {"FunctionName": "mrdemo-api"},
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "api",
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": FUNCTION_ARN + ":live",
                "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:abc123defg/*"}},
            }
        ],
    }
    lam.add_response("get_policy", {"Policy": json.dumps(policy)}, {"FunctionName": "mrdemo-api", "Qualifier": "live"})


def stub_api(aws, web_acl_on_stage=False):
    apigw = aws.stub("apigateway")
    apigw.add_response(
        "get_rest_apis", {"items": [{"id": "abc123defg", "name": "mrdemo-api"}, {"id": "zzz", "name": "other"}]}, {}
    )
    stage = {
        "stageName": "v1",
        "deploymentId": "d1",
        "tracingEnabled": True,
        "methodSettings": {"*/*": {"loggingLevel": "INFO", "metricsEnabled": True, "cachingEnabled": False}},
    }
    if web_acl_on_stage:
        stage["webAclArn"] = ACL_ARN
    apigw.add_response("get_stages", {"item": [stage]}, {"restApiId": "abc123defg"})


def stub_waf(aws, logging=True):
    waf = aws.stub("wafv2")
    summary = {"Name": "mrdemo-api", "Id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "ARN": ACL_ARN, "LockToken": "t"}
    waf.add_response("list_web_acls", {"WebACLs": [summary]}, {"Scope": "REGIONAL", "Limit": 100})
    acl = {
        "Name": "mrdemo-api",
        "Id": summary["Id"],
        "ARN": ACL_ARN,
        "DefaultAction": {"Allow": {}},
        "VisibilityConfig": METRICS,
        "Rules": [
            {
                "Name": "ip-reputation",
                "Priority": 0,
                "Statement": {
                    "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}
                },
                "OverrideAction": {"None": {}},
                "VisibilityConfig": METRICS,
            }
        ],
    }
    waf.add_response(
        "get_web_acl",
        {"WebACL": acl, "LockToken": "t"},
        {"Name": "mrdemo-api", "Scope": "REGIONAL", "Id": summary["Id"]},
    )
    if logging:
        waf.add_response(
            "get_logging_configuration",
            {
                "LoggingConfiguration": {
                    "ResourceArn": ACL_ARN,
                    "LogDestinationConfigs": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-mrdemo"],
                }
            },
            {"ResourceArn": ACL_ARN},
        )
    else:
        waf.add_client_error("get_logging_configuration", **client_error("WAFNonexistentItemException"))
    return waf


def stub_table(aws):
    ddb = aws.stub("dynamodb")
    ddb.add_response("list_tables", {"TableNames": ["mrdemo-items", "other-table"]}, {})
    ddb.add_response(
        "describe_table",
        {
            "Table": {
                "TableName": "mrdemo-items",
                "TableArn": TABLE_ARN,
                "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                "DeletionProtectionEnabled": True,
                "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY_ARN},
            }
        },
        {"TableName": "mrdemo-items"},
    )
    ddb.add_response(
        "describe_continuous_backups",
        {
            "ContinuousBackupsDescription": {
                "ContinuousBackupsStatus": "ENABLED",
                "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"},
            }
        },
        {"TableName": "mrdemo-items"},
    )
    ddb.add_response(
        "list_tags_of_resource", {"Tags": [{"Key": "Deployment", "Value": "mrdemo"}]}, {"ResourceArn": TABLE_ARN}
    )


def stub_rest(aws, subscribed=True):
    kms = aws.stub("kms")
    kms.add_response(
        "list_aliases",
        {
            "Aliases": [
                {"AliasName": "alias/mrdemo", "TargetKeyId": KEY_ID},
                {"AliasName": "alias/aws/sns", "TargetKeyId": "aws-owned"},
                {"AliasName": "alias/mrdemonstration", "TargetKeyId": "not-ours"},
            ]
        },
        {},
    )
    kms.add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": KEY_ID, "Arn": KEY_ARN, "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT"}},
        {"KeyId": KEY_ID},
    )
    kms.add_response("get_key_rotation_status", {"KeyRotationEnabled": True}, {"KeyId": KEY_ID})
    cw = aws.stub("cloudwatch")
    cw.add_response(
        "describe_alarms",
        {
            "MetricAlarms": [{"AlarmName": "mrdemo-api-5xx-rate", "ActionsEnabled": True, "AlarmActions": [TOPIC]}],
            "CompositeAlarms": [],
        },
        {"AlarmNamePrefix": "mrdemo-", "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
    )
    sns = aws.stub("sns")
    sns.add_response(
        "list_topics", {"Topics": [{"TopicArn": TOPIC}, {"TopicArn": TOPIC.replace("mrdemo-alarms", "other")}]}, {}
    )
    sns.add_response(
        "get_topic_attributes", {"Attributes": {"TopicArn": TOPIC, "KmsMasterKeyId": KEY_ARN}}, {"TopicArn": TOPIC}
    )
    subscriptions = [
        {"SubscriptionArn": TOPIC + ":1", "TopicArn": TOPIC, "Protocol": "email", "Endpoint": "ops@example.com"}
    ]
    sns.add_response(
        "list_subscriptions_by_topic", {"Subscriptions": subscriptions if subscribed else []}, {"TopicArn": TOPIC}
    )
    logs = aws.stub("logs")
    logs.add_response(
        "describe_log_groups",
        {
            "logGroups": [
                {"logGroupName": "/mrdemo/vpc-flow-logs", "kmsKeyId": KEY_ARN},
                {"logGroupName": "API-Gateway-Execution-Logs_abc123defg/v1", "kmsKeyId": KEY_ARN},
                {"logGroupName": "/unrelated"},
            ]
        },
        {},
    )
    acm = aws.stub("acm")
    cert_arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012"
    acm.add_response(
        "list_certificates",
        {
            "CertificateSummaryList": [
                {"CertificateArn": cert_arn, "DomainName": "api.mrdemo.example.com"},
                {"CertificateArn": cert_arn + "9", "DomainName": "example.org"},
            ]
        },
        {"Includes": {"keyTypes": fsbp_audit.ACM_KEY_TYPES}},
    )
    acm.add_response(
        "describe_certificate",
        {
            "Certificate": {
                "CertificateArn": cert_arn,
                "DomainName": "api.mrdemo.example.com",
                "Status": "ISSUED",
                "KeyAlgorithm": "RSA_2048",
                "NotAfter": NOW + datetime.timedelta(days=200),
            }
        },
        {"CertificateArn": cert_arn},
    )


def statuses(result) -> dict:
    return {(f["control"], f["region"]): f["status"] for f in result["lines"]}


def test_regional_deployment_that_passes(aws):
    stub_network(aws)
    stub_functions(aws)
    stub_api(aws)
    waf = stub_waf(aws)
    waf.add_response(
        "get_web_acl_for_resource",
        {
            "WebACL": {
                "Name": "mrdemo-api",
                "Id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                "ARN": ACL_ARN,
                "DefaultAction": {"Allow": {}},
                "VisibilityConfig": METRICS,
            }
        },
        {"ResourceArn": STAGE_ARN},
    )
    stub_table(aws)
    stub_rest(aws)
    result = run_module(fsbp_audit.main, args(), check_mode=True)
    assert_unchanged(result)
    lines = statuses(result)
    failed = {k: v for k, v in lines.items() if v == "failed"}
    # The stage has no client certificate in these answers: the only failure.
    assert failed == {("APIGateway.2", REGION): "failed"}, [
        line for line in result["lines"] if line["status"] == "failed"
    ]
    assert lines[("Design.DNSFirewall", REGION)] == "not_evaluable"
    assert lines[("DynamoDB.4", REGION)] == "not_evaluable"
    assert result["counts"]["not_evaluable"] == 2
    # Gap-blocked APIs are never called.
    assert ("route53resolver", REGION) not in aws.clients and ("backup", REGION) not in aws.clients
    resources = {f["resource"] for f in result["findings"]}
    assert "someone-elses" not in resources and "other" not in resources
    assert "/unrelated" not in resources and "API-Gateway-Execution-Logs_abc123defg/v1" in resources


def test_nothing_deployed_fails_rather_than_passes(aws):
    stub_network(aws, vpcs=False)
    aws.stub("lambda").add_response("list_functions", {"Functions": []}, {})
    aws.stub("apigateway").add_response("get_rest_apis", {"items": []}, {})
    aws.stub("wafv2").add_response("list_web_acls", {"WebACLs": []}, {"Scope": "REGIONAL", "Limit": 100})
    aws.stub("dynamodb").add_response("list_tables", {"TableNames": []}, {})
    aws.stub("kms").add_response("list_aliases", {"Aliases": []}, {})
    aws.stub("cloudwatch").add_response("describe_alarms", {"MetricAlarms": [], "CompositeAlarms": []}, None)
    aws.stub("sns").add_response("list_topics", {"Topics": []}, {})
    aws.stub("logs").add_response("describe_log_groups", {"logGroups": []}, {})
    aws.stub("acm").add_response("list_certificates", {"CertificateSummaryList": []}, None)
    result = run_module(fsbp_audit.main, args(endpoint_gaps={}))
    lines = statuses(result)
    assert result["counts"]["passed"] == 0, [line for line in result["lines"] if line["status"] == "passed"]
    assert lines[("EC2.21", REGION)] == "failed" and lines[("Lambda.3", REGION)] == "failed"


def test_backup_selection_read_when_the_endpoint_has_it(aws):
    backup = aws.stub("backup")
    backup.add_response(
        "list_backup_plans", {"BackupPlansList": [{"BackupPlanId": "p1", "BackupPlanName": "mrdemo-items"}]}, {}
    )
    backup.add_response(
        "list_backup_selections",
        {"BackupSelectionsList": [{"SelectionId": "s1", "BackupPlanId": "p1"}]},
        {"BackupPlanId": "p1"},
    )
    backup.add_response(
        "get_backup_selection",
        {
            "BackupSelection": {
                "SelectionName": "table",
                "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                "Resources": [TABLE_ARN],
            },
            "BackupPlanId": "p1",
            "SelectionId": "s1",
        },
        {"BackupPlanId": "p1", "SelectionId": "s1"},
    )
    module = _module(aws, args(endpoint_gaps={}))
    reader = fsbp_audit.Reader(module, module.params)
    reader.read("backup", reader.backup_selections)
    assert reader.state["errors"] == {}
    assert reader.state["backup_selections"][0]["BackupPlanName"] == "mrdemo-items"


def test_an_access_denied_piece_is_not_evaluable_and_the_rest_is_read(aws):
    stub_network(aws)
    aws.stub("lambda").add_client_error("list_functions", **client_error("AccessDeniedException", "not allowed", 403))
    stub_api(aws, web_acl_on_stage=True)
    stub_waf(aws, logging=False)
    stub_table(aws)
    stub_rest(aws, subscribed=False)
    result = run_module(fsbp_audit.main, args())
    lines = statuses(result)
    for control in ("Lambda.1", "Lambda.2", "Lambda.3", "Lambda.5"):
        assert lines[(control, REGION)] == "not_evaluable"
    reason = next(f["reason"] for f in result["findings"] if f["control"] == "Lambda.3")
    assert "ListFunctions answered AccessDeniedException" in reason
    assert lines[("WAF.11", REGION)] == "failed"
    assert lines[("APIGateway.4", REGION)] == "passed"  # the stage named its web ACL: no extra call
    assert lines[("Design.AlarmSubscribers", REGION)] == "failed"


def test_throttling_is_retried(aws):
    stub_network(aws, vpcs=False)
    ec2 = aws.stub("ec2")
    # The first answer queued is the throttle: rebuild the queue in order.
    aws.stubbers[("ec2", REGION)]._queue.clear()
    ec2.add_client_error("describe_vpcs", **client_error("RequestLimitExceeded", status=503))
    ec2.add_response("describe_vpcs", {"Vpcs": []}, None)
    module = _module(aws, args())
    reader = fsbp_audit.Reader(module, module.params)
    reader.read("vpc", reader.vpc)
    assert reader.state["errors"] == {} and reader.state["vpcs"] == []
    assert aws.sleeps


def _module(aws, module_args):
    """A module object with ``module_args``, for reading one piece."""
    from unittest import mock

    from ansible.module_utils.testing import patch_module_args

    captured = {}

    def fake_run(module):
        captured["module"] = module
        return []

    with patch_module_args({**module_args, "region": REGION}), mock.patch.object(fsbp_audit, "run", fake_run):
        try:
            fsbp_audit.main()
        except SystemExit:
            pass
    return captured["module"]


def test_global_controls(aws):
    iam = aws.stub("iam", "us-east-1")
    iam.add_response(
        "list_roles",
        {
            "Roles": [
                {
                    "RoleName": "mrdemo-api-eu-west-1",
                    "Path": "/",
                    "RoleId": "AROAEXAMPLEEXAMPLE1",
                    "Arn": f"arn:aws:iam::{ACCOUNT}:role/mrdemo-api-eu-west-1",
                    "CreateDate": NOW,
                },
                {
                    "RoleName": "admin",
                    "Path": "/",
                    "RoleId": "AROAEXAMPLEEXAMPLE2",
                    "Arn": f"arn:aws:iam::{ACCOUNT}:role/admin",
                    "CreateDate": NOW,
                },
            ]
        },
        {},
    )
    iam.add_response("list_role_policies", {"PolicyNames": ["items-api"]}, {"RoleName": "mrdemo-api-eu-west-1"})
    wildcard = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": TABLE_ARN}],
    }
    iam.add_response(
        "get_role_policy",
        {"RoleName": "mrdemo-api-eu-west-1", "PolicyName": "items-api", "PolicyDocument": json.dumps(wildcard)},
        {"RoleName": "mrdemo-api-eu-west-1", "PolicyName": "items-api"},
    )
    managed = f"arn:aws:iam::{ACCOUNT}:policy/mrdemo-extra"
    iam.add_response(
        "list_attached_role_policies",
        {
            "AttachedPolicies": [
                {
                    "PolicyName": "AWSXRayDaemonWriteAccess",
                    "PolicyArn": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
                },
                {"PolicyName": "mrdemo-extra", "PolicyArn": managed},
            ]
        },
        {"RoleName": "mrdemo-api-eu-west-1"},
    )
    iam.add_response(
        "get_policy",
        {"Policy": {"PolicyName": "mrdemo-extra", "Arn": managed, "DefaultVersionId": "v2"}},
        {"PolicyArn": managed},
    )
    narrow = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
    }
    iam.add_response(
        "get_policy_version",
        {"PolicyVersion": {"Document": json.dumps(narrow), "VersionId": "v2", "IsDefaultVersion": True}},
        {"PolicyArn": managed, "VersionId": "v2"},
    )

    r53 = aws.stub("route53", "us-east-1")
    r53.add_response(
        "list_hosted_zones_by_name",
        {
            "HostedZones": [
                {
                    "Id": "/hostedzone/Z1",
                    "Name": "mrdemo.example.com.",
                    "CallerReference": "c",
                    "Config": {"PrivateZone": False},
                }
            ],
            "IsTruncated": False,
            "MaxItems": "100",
        },
        {"DNSName": "mrdemo.example.com"},
    )
    log_arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/route53/mrdemo.example.com:*"
    r53.add_response(
        "list_query_logging_configs",
        {"QueryLoggingConfigs": [{"Id": "q1", "HostedZoneId": "Z1", "CloudWatchLogsLogGroupArn": log_arn}]},
        {},
    )
    record = {
        "Name": "api.mrdemo.example.com.",
        "Weight": 100,
        "AliasTarget": {"HostedZoneId": "Z2", "DNSName": "d.example.com.", "EvaluateTargetHealth": True},
    }
    r53.add_response(
        "list_resource_record_sets",
        {
            "ResourceRecordSets": [
                {**record, "Type": "A", "SetIdentifier": "eu-west-1", "HealthCheckId": "hc-1"},
                {**record, "Type": "AAAA", "SetIdentifier": "eu-west-1", "HealthCheckId": "hc-1"},
                {**record, "Type": "A", "SetIdentifier": "eu-central-1"},
            ],
            "IsTruncated": False,
            "MaxItems": "300",
        },
        {"HostedZoneId": "Z1"},
    )
    check_config = {
        "Type": "HTTPS",
        "FullyQualifiedDomainName": "x.example.com",
        "RequestInterval": 10,
        "FailureThreshold": 2,
    }
    r53.add_response(
        "list_health_checks",
        {
            "HealthChecks": [
                {"Id": "hc-1", "CallerReference": "c", "HealthCheckConfig": check_config, "HealthCheckVersion": 1}
            ],
            "Marker": "",
            "IsTruncated": False,
            "MaxItems": "100",
        },
        {},
    )
    us_topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:mrdemo-health-alarms"
    aws.stub("cloudwatch", "us-east-1").add_response(
        "describe_alarms",
        {
            "MetricAlarms": [
                {
                    "AlarmName": "mrdemo-api-health-eu-west-1",
                    "Namespace": "AWS/Route53",
                    "ActionsEnabled": True,
                    "AlarmActions": [us_topic],
                },
                {"AlarmName": "mrdemo-other", "Namespace": "AWS/Lambda", "ActionsEnabled": True, "AlarmActions": []},
            ],
            "CompositeAlarms": [],
        },
        {"AlarmNamePrefix": "mrdemo-", "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
    )
    sns = aws.stub("sns", "us-east-1")
    sns.add_response("list_topics", {"Topics": [{"TopicArn": us_topic}]}, {})
    sns.add_response(
        "get_topic_attributes", {"Attributes": {"TopicArn": us_topic, "KmsMasterKeyId": "k"}}, {"TopicArn": us_topic}
    )
    sns.add_response(
        "list_subscriptions_by_topic", {"Subscriptions": [{"SubscriptionArn": us_topic + ":1"}]}, {"TopicArn": us_topic}
    )
    aws.stub("logs", "us-east-1").add_response(
        "describe_log_groups",
        {"logGroups": [{"logGroupName": "/aws/route53/mrdemo.example.com"}]},
        {"logGroupNamePrefix": "/aws/route53/mrdemo.example.com"},
    )

    result = run_module(
        fsbp_audit.main, args(scope="global", regions=["eu-west-1", "eu-central-1"], region="us-east-1")
    )
    assert not result.get("failed"), result
    lines = statuses(result)
    assert lines[("IAM.1", "global")] == "passed"
    assert lines[("IAM.21", "global")] == "failed"
    assert lines[("Route53.2", "global")] == "passed"
    assert lines[("Design.HealthChecks", "eu-west-1")] == "passed"
    assert lines[("Design.HealthChecks", "eu-central-1")] == "failed"
    assert lines[("Design.FailoverAlarms", "us-east-1")] == "passed"
    assert lines[("Design.FailoverLogsKMS", "us-east-1")] == "failed"
    wildcard_finding = next(f for f in result["findings"] if f["control"] == "IAM.21" and f["status"] == "failed")
    assert (
        wildcard_finding["resource"] == "mrdemo-api-eu-west-1/items-api" and "dynamodb:*" in wildcard_finding["reason"]
    )


def test_sns_throttled_is_retried(aws):
    # SNS throttles with code Throttled (HTTP 429): botocore's standard retry mode does not retry it, the
    # collection's clients do.
    sns = aws.stub("sns")
    sns.add_client_error("list_topics", **client_error("Throttled", "Rate exceeded", 429))
    sns.add_response("list_topics", {"Topics": []}, {})
    module = _module(aws, args())
    reader = fsbp_audit.Reader(module, module.params)
    reader.read("sns", reader.topics)
    assert reader.state["errors"] == {} and reader.state["topics"] == []
    assert aws.sleeps

"""boto3 assertions on what vpc_private created in one region of the local endpoint.

python verify_vpc_private.py --endpoint URL --region eu-west-1 --deployment NAME --cidr 10.31.0.0/16
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import actions_of
from endpoint_checks import arguments
from endpoint_checks import check
from endpoint_checks import result
from endpoint_checks import statements


def main() -> int:
    parser = arguments()
    parser.add_argument("--cidr", required=True)
    args = parser.parse_args()
    aws = Endpoint.of(args)
    ec2 = aws.client("ec2")
    logs = aws.client("logs")
    kms = aws.client("kms")
    iam = aws.client("iam")
    name, cidr = args.deployment, args.cidr
    failures: list[str] = []

    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": [name]}])["Vpcs"]
    check(len(vpcs) == 1, f"one VPC tagged Deployment={name}", failures)
    if not vpcs:
        return 1
    vpc = vpcs[0]
    vpc_id = vpc["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    check(vpc["CidrBlock"] == cidr, f"VPC CIDR is {cidr}", failures)
    tags = {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
    check(
        tags.get("Environment") == "molecule" and tags.get("Name") == name, "VPC carries the inventory's tags", failures
    )
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        value = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
        key = attribute[0].upper() + attribute[1:]
        check(value[key]["Value"] is True, f"VPC {attribute} on", failures)

    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
        "InternetGateways"
    ]
    check(not igws, "no internet gateway", failures)
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    check(not [n for n in nats if n["State"] != "deleted"], "no NAT gateway", failures)

    subnets = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    check(len(subnets) == 3, "three subnets", failures)
    check(len({s["AvailabilityZone"] for s in subnets}) == 3, "subnets in three zones", failures)
    prefix = ".".join(cidr.split(".")[:2])
    expected = {f"{prefix}.0.0/24", f"{prefix}.1.0/24", f"{prefix}.2.0/24"}
    check(
        {s["CidrBlock"] for s in subnets} == expected, f"subnet CIDRs derived from {cidr}: {sorted(expected)}", failures
    )
    check(not any(s["MapPublicIpOnLaunch"] for s in subnets), "no public IPs on launch", failures)

    tables = ec2.describe_route_tables(Filters=in_vpc + [{"Name": "tag:Deployment", "Values": [name]}])["RouteTables"]
    associated = {a.get("SubnetId") for t in tables for a in t.get("Associations", [])}
    check(len(tables) == 3, "three route tables", failures)
    check(associated == {s["SubnetId"] for s in subnets}, "each subnet has its own route table", failures)
    for table in tables:
        outside = [
            r
            for r in table["Routes"]
            if r.get("GatewayId", "local") != "local"
            and not r.get("GatewayId", "").startswith("vpce-")
            or r.get("NatGatewayId")
        ]
        check(not outside, f"{table['RouteTableId']} has no route out of the VPC", failures)

    groups = {g["GroupName"]: g for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]}
    default = groups.get("default", {})
    check(
        not default.get("IpPermissions") and not default.get("IpPermissionsEgress"),
        "default security group has no rules",
        failures,
    )
    endpoints_sg = groups.get(f"{name}-endpoints", {})
    ingress = endpoints_sg.get("IpPermissions", [])
    check(
        len(ingress) == 1 and ingress[0]["FromPort"] == 443 and [r["CidrIp"] for r in ingress[0]["IpRanges"]] == [cidr],
        "endpoints group: HTTPS from the VPC CIDR only",
        failures,
    )
    check(not endpoints_sg.get("IpPermissionsEgress"), "endpoints group: no egress", failures)
    lambda_sg = groups.get(f"{name}-lambda", {})
    check(not lambda_sg.get("IpPermissions"), "lambda group: no ingress", failures)
    egress = lambda_sg.get("IpPermissionsEgress", [])
    ports = {(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")) for p in egress}
    cidrs = {r["CidrIp"] for p in egress for r in p.get("IpRanges", [])}
    prefix_lists = {pl["PrefixListId"] for p in egress for pl in p.get("PrefixListIds", [])}
    region_lists = {
        p["PrefixListName"].rsplit(".", 1)[-1]: p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"]
    }
    check(ports == {("tcp", 443, 443)}, "lambda group: egress on TCP 443 only", failures)
    check(cidrs == {cidr}, "lambda group: egress CIDR is the region's own", failures)
    check(
        prefix_lists == {region_lists["dynamodb"], region_lists["s3"]},
        "lambda group: S3 and DynamoDB prefix lists",
        failures,
    )

    nacls = [n for n in ec2.describe_network_acls(Filters=in_vpc)["NetworkAcls"] if not n["IsDefault"]]
    check(len(nacls) == 1, "one custom network ACL", failures)
    if nacls:
        nacl = nacls[0]
        check(
            {a["SubnetId"] for a in nacl["Associations"]} == {s["SubnetId"] for s in subnets},
            "NACL on every subnet",
            failures,
        )
        entries = {
            (
                e["Egress"],
                e["RuleNumber"],
                e["RuleAction"],
                e.get("CidrBlock"),
                e.get("PortRange", {}).get("From"),
                e.get("PortRange", {}).get("To"),
            )
            for e in nacl["Entries"]
            if e["RuleNumber"] < 32767
        }
        check(
            entries
            == {
                (False, 50, "deny", "0.0.0.0/0", 3389, 3389),
                (False, 100, "allow", cidr, 443, 443),
                (False, 200, "allow", "0.0.0.0/0", 1024, 3388),
                (False, 210, "allow", "0.0.0.0/0", 3390, 65535),
                (True, 50, "deny", "0.0.0.0/0", 3389, 3389),
                (True, 100, "allow", "0.0.0.0/0", 443, 443),
                (True, 200, "allow", cidr, 1024, 65535),
            },
            "NACL entries: deny RDP, HTTPS in from the VPC, replies split around RDP, HTTPS out, replies to the VPC",
            failures,
        )

    # Security Hub EC2.21: no network ACL of the VPC, the default one included, allows 22 or 3389 from the world.
    all_nacls = ec2.describe_network_acls(Filters=in_vpc)["NetworkAcls"]
    world_admin = [
        (n["NetworkAclId"], e["RuleNumber"])
        for n in all_nacls
        for e in n["Entries"]
        if not e["Egress"]
        and e["RuleAction"] == "allow"
        and (e.get("CidrBlock") == "0.0.0.0/0" or e.get("Ipv6CidrBlock") == "::/0")
        and e.get("Protocol") in ("-1", "6", "17")
        and any("PortRange" not in e or e["PortRange"]["From"] <= port <= e["PortRange"]["To"] for port in (22, 3389))
    ]
    check(not world_admin, f"no NACL allows 22 or 3389 from the world (EC2.21): {world_admin}", failures)
    default_nacls = [n for n in all_nacls if n["IsDefault"]]
    check(len(default_nacls) == 1, "the VPC has its default network ACL", failures)
    check(
        all(e["RuleNumber"] == 32767 and e["RuleAction"] == "deny" for n in default_nacls for e in n["Entries"]),
        "default network ACL emptied: only the deny-all entries are left",
        failures,
    )

    endpoints = {
        e["ServiceName"].rsplit(".", 1)[-1]: e
        for e in ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]
        if e["State"].lower() not in ("deleted", "deleting")
    }
    check(
        set(endpoints) == {"s3", "dynamodb", "xray", "ec2"},
        "endpoints: s3, dynamodb (gateway), xray and ec2 (interface)",
        failures,
    )
    table_ids = {t["RouteTableId"] for t in tables}
    for service in ("s3", "dynamodb"):
        endpoint = endpoints.get(service, {})
        check(endpoint.get("VpcEndpointType") == "Gateway", f"{service} endpoint is a gateway", failures)
        check(set(endpoint.get("RouteTableIds", [])) == table_ids, f"{service} endpoint on every route table", failures)
        policy_actions = actions_of(endpoint.get("PolicyDocument", '{"Statement": []}'))
        check(
            bool(policy_actions) and "*" not in policy_actions, f"{service} endpoint policy names its actions", failures
        )
    ddb_actions = actions_of(endpoints.get("dynamodb", {}).get("PolicyDocument", '{"Statement": []}'))
    check(
        {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(ddb_actions),
        "DynamoDB endpoint policy allows item access",
        failures,
    )
    ddb_resources = [
        s["Resource"] for s in statements(endpoints.get("dynamodb", {}).get("PolicyDocument", '{"Statement": []}'))
    ]
    check(
        ddb_resources == [[f"arn:aws:dynamodb:{args.region}:123456789012:table/{name}-*"]],
        "DynamoDB endpoint policy scoped to this deployment's tables",
        failures,
    )
    xray = endpoints.get("xray", {})
    check(xray.get("VpcEndpointType") == "Interface", "xray endpoint is an interface endpoint", failures)
    check(set(xray.get("SubnetIds", [])) == {s["SubnetId"] for s in subnets}, "xray endpoint in every subnet", failures)
    check(
        [g["GroupId"] for g in xray.get("Groups", [])] == [endpoints_sg.get("GroupId")],
        "xray endpoint uses the endpoints group",
        failures,
    )

    # Security Hub EC2.10: an interface endpoint for EC2, with private DNS and a policy naming its actions.
    ec2_endpoint = endpoints.get("ec2", {})
    check(
        ec2_endpoint.get("VpcEndpointType") == "Interface", "ec2 endpoint is an interface endpoint (EC2.10)", failures
    )
    check(
        set(ec2_endpoint.get("SubnetIds", [])) == {s["SubnetId"] for s in subnets},
        "ec2 endpoint in every subnet",
        failures,
    )
    check(ec2_endpoint.get("PrivateDnsEnabled") is True, "ec2 endpoint has private DNS", failures)
    check(
        [g["GroupId"] for g in ec2_endpoint.get("Groups", [])] == [endpoints_sg.get("GroupId")],
        "ec2 endpoint uses the endpoints group",
        failures,
    )
    ec2_actions = actions_of(ec2_endpoint.get("PolicyDocument", '{"Statement": []}'))
    check(
        bool(ec2_actions) and all(a.startswith("ec2:Describe") for a in ec2_actions),
        "ec2 endpoint policy allows named read-only actions",
        failures,
    )

    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/{name}"]
    check(len(aliases) == 1, f"KMS alias alias/{name}", failures)
    key_arn = kms.describe_key(KeyId=aliases[0]["TargetKeyId"])["KeyMetadata"]["Arn"] if aliases else None
    if aliases:
        check(
            kms.get_key_rotation_status(KeyId=aliases[0]["TargetKeyId"])["KeyRotationEnabled"],
            "KMS rotation on",
            failures,
        )
        policy = kms.get_key_policy(KeyId=aliases[0]["TargetKeyId"], PolicyName="default")["Policy"]
        check(
            "*" not in actions_of(policy) and "kms:*" not in actions_of(policy),
            "key policy names its actions",
            failures,
        )
        check(f"logs.{args.region}.amazonaws.com" in policy, "key policy lets CloudWatch Logs use the key", failures)

    group_name = f"/{name}/vpc-flow-logs"
    log_groups = logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    check(len(log_groups) == 1, f"log group {group_name}", failures)
    if log_groups:
        check(log_groups[0].get("kmsKeyId") == key_arn, "log group encrypted with the region's key", failures)
        check(log_groups[0].get("retentionInDays") == 90, "log group retention 90 days", failures)

    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    check(len(flow_logs) == 1, "one flow log on the VPC", failures)
    if flow_logs:
        flow_log = flow_logs[0]
        check(flow_log["TrafficType"] == "ALL", "flow log captures ALL traffic", failures)
        check(flow_log.get("LogGroupName") == group_name, "flow log writes to the encrypted group", failures)
        check(flow_log.get("MaxAggregationInterval") == 60, "flow log aggregation 60 s", failures)
        role_name = f"{name}-flow-logs-{args.region}"
        check(
            flow_log.get("DeliverLogsPermissionArn", "").endswith(f":role/{role_name}"),
            "flow log uses its own role",
            failures,
        )
        trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        check(
            statements(trust)[0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"},
            "role trusts VPC Flow Logs only",
            failures,
        )
        inline = iam.get_role_policy(RoleName=role_name, PolicyName="write-flow-logs")["PolicyDocument"]
        check(not any(a.endswith("*") for a in actions_of(inline)), "flow logs policy names its actions", failures)
        check(
            "logs:CreateLogGroup" not in actions_of(inline), "flow logs cannot recreate the group unencrypted", failures
        )

    return result(args.region, failures)


if __name__ == "__main__":
    sys.exit(main())

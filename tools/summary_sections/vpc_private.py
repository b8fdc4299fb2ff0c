"""Summary rows for the vpc_private role: the region's VPC, subnets, network ACL, security groups, endpoints and flow
logs, then its KMS key and the deployment's log groups.

The VPC and the key are the ones vpc_private_outputs names (vpc_id, kms_key_id); what they hold is read from the
endpoint.
"""

from __future__ import annotations


def _vpc_rows(region, vpc_id: str | None) -> list[tuple[str, str]]:
    ec2 = region.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] if vpc_id else []
    if not vpcs:
        return [("VPC", "none")]
    vpc = vpcs[0]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=vpc_filter)["Subnets"]
    endpoints = ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"]
    groups = ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])
    nacls = [n for n in ec2.describe_network_acls(Filters=vpc_filter)["NetworkAcls"] if not n["IsDefault"]]
    return [
        ("VPC", f"{vpc['VpcId']} {vpc['CidrBlock']} (internet gateways: {len(igws['InternetGateways'])})"),
        (
            "Subnets",
            ", ".join(
                f"{s['AvailabilityZone']} {s['CidrBlock']}" for s in sorted(subnets, key=lambda s: s["CidrBlock"])
            ),
        ),
        ("Network ACL", ", ".join(f"{n['NetworkAclId']} ({len(n['Entries'])} entries)" for n in nacls) or "none"),
        ("Security groups", ", ".join(sorted(g["GroupName"] for g in groups))),
        (
            "VPC endpoints",
            ", ".join(sorted(f"{e['ServiceName'].rsplit('.', 1)[-1]} ({e['VpcEndpointType']})" for e in endpoints)),
        ),
        (
            "Flow logs",
            ", ".join(f"{f['TrafficType']} -> {f.get('LogGroupName', f.get('LogDestination'))}" for f in flow_logs)
            or "none",
        ),
    ]


def _kms_logs_rows(region, key_id: str | None) -> list[tuple[str, str]]:
    kms = region.client("kms")
    rows = []
    aliases = sorted(a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]) if key_id else []
    if aliases:
        rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        rows.append(("KMS key", f"{aliases[0]} rotation={'on' if rotation else 'off'}"))
    logs = region.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=f"/{region.deployment}/")["logGroups"]
    rows.append(
        (
            "Log groups",
            ", ".join(f"{g['logGroupName']} (kms={'yes' if g.get('kmsKeyId') else 'NO'})" for g in groups) or "none",
        )
    )
    return rows


def rows(region) -> list[tuple[str, str]]:
    outputs = region.outputs("vpc_private")
    return _vpc_rows(region, outputs.get("vpc_id")) + _kms_logs_rows(region, outputs.get("kms_key_id"))

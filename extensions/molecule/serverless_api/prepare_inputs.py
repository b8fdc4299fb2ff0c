"""Stand-ins for what serverless_api reads from the roles before it, made with boto3 in one region of the endpoint.

    python prepare_inputs.py --endpoint URL --region eu-west-1 --deployment NAME --cidr 10.31.0.0/16 --out FILE

Creates the region's KMS key (alias/<name>), a VPC with three private subnets and the Lambda security group, and
the table <name>-items encrypted with the key, then writes ``vpc_private_outputs`` and ``global_table_outputs``
(the keys the role uses, named as those roles name them) to FILE. vpc_private and global_table have their own
scenarios; a boto3 stand-in costs a second where running them costs minutes. Running it again reuses what exists.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import arguments


def key(kms, name: str, tags: list[dict]) -> dict:
    alias = f"alias/{name}"
    for existing in kms.list_aliases()["Aliases"]:
        if existing["AliasName"] == alias:
            return kms.describe_key(KeyId=existing["TargetKeyId"])["KeyMetadata"]
    metadata = kms.create_key(Description=f"{name}: stand-in for vpc_private's key", Tags=tags)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=metadata["KeyId"])
    kms.create_alias(AliasName=alias, TargetKeyId=metadata["KeyId"])
    return metadata


def network(ec2, name: str, cidr: str, tags: list[dict]) -> dict:
    tagged = [{"Name": "tag:Deployment", "Values": [name]}]
    vpcs = ec2.describe_vpcs(Filters=tagged)["Vpcs"]
    if vpcs:
        vpc_id = vpcs[0]["VpcId"]
    else:
        vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"][
            "VpcId"
        ]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    subnets = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    if not subnets:
        zones = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])[:3]
        blocks = ipaddress.ip_network(cidr).subnets(new_prefix=24)
        subnets = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(next(blocks)), AvailabilityZone=zone)["Subnet"]
            for zone in zones
        ]
    groups = ec2.describe_security_groups(Filters=in_vpc + [{"Name": "group-name", "Values": [f"{name}-lambda"]}])
    if groups["SecurityGroups"]:
        group_id = groups["SecurityGroups"][0]["GroupId"]
    else:
        group_id = ec2.create_security_group(
            GroupName=f"{name}-lambda", Description=f"{name} Lambda functions", VpcId=vpc_id
        )["GroupId"]
    return {
        "vpc_id": vpc_id,
        "cidr": cidr,
        "subnet_ids": sorted(s["SubnetId"] for s in subnets),
        "availability_zones": sorted(s["AvailabilityZone"] for s in subnets),
        "lambda_security_group_id": group_id,
    }


def table(ddb, name: str, key_arn: str, tags: list[dict]) -> dict:
    table_name = f"{name}-items"
    if table_name not in ddb.list_tables()["TableNames"]:
        ddb.create_table(
            TableName=table_name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
            Tags=tags,
        )
    return ddb.describe_table(TableName=table_name)["Table"]


def main() -> int:
    parser = arguments()
    parser.add_argument("--cidr", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    aws = Endpoint.of(args)
    name = args.deployment
    tags = [{"Key": "Deployment", "Value": name}, {"Key": "Name", "Value": name}]

    account = aws.client("sts").get_caller_identity()["Account"]
    metadata = key(
        aws.client("kms"),
        name,
        [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags],
    )
    vpc = network(aws.client("ec2"), name, args.cidr, tags)
    described = table(aws.client("dynamodb"), name, metadata["Arn"], tags)
    inputs = {
        "vpc_private_outputs": {
            **vpc,
            "kms_key_arn": metadata["Arn"],
            "kms_key_id": metadata["KeyId"],
            "account_id": account,
            "partition": "aws",
            "not_applied": {},
        },
        "global_table_outputs": {
            "table_name": described["TableName"],
            "table_arn": described["TableArn"],
            "hash_key": "pk",
            "kms_key_arn": metadata["Arn"],
            "not_applied": {},
        },
    }
    with open(args.out, "w") as f:
        json.dump(inputs, f, indent=2)
    print(json.dumps(inputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""ec2_vpc against the local endpoint, through a playbook: check mode on an empty endpoint, create, rerun, check
mode on the deployed VPC, update of DNS and tags, a delete refused while a subnet lives in the VPC, delete; and a
VPC made outside the module (as amazon.aws.ec2_vpc_net makes it) adopted, not duplicated."""

from __future__ import annotations

from .conftest import PhasedPlaybook

PLAYBOOK = "tests/integration/playbooks/ec2_vpc.yml"
TASK = "The VPC"
NAME, CIDR = "vpc-test", "10.8.0.0/16"

playbook = PhasedPlaybook(PLAYBOOK, "vpc_phase", TASK)


def tag_dict(resource: dict) -> dict:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def named_vpcs(ec2) -> list[dict]:
    return ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Vpcs"]


def dns(ec2, vpc_id: str) -> tuple[bool, bool]:
    support = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]
    return support, hostnames["Value"]


def test_vpc_lifecycle(ansible_playbook, boto):
    ec2 = boto("ec2")

    checked = playbook.changing(ansible_playbook, "present", "--check", "--diff")
    assert named_vpcs(ec2) == []
    predicted = playbook.result(checked)
    assert "id" not in predicted["vpc"]
    assert predicted["diff"]["after"]["tags"] == {"Deployment": "vpc-test", "Name": NAME}

    created = playbook.changing(ansible_playbook, "present")
    [vpc] = named_vpcs(ec2)
    assert vpc["CidrBlock"] == CIDR and vpc["InstanceTenancy"] == "default"
    assert tag_dict(vpc) == {"Deployment": "vpc-test", "Name": NAME}
    assert dns(ec2, vpc["VpcId"]) == (True, True)
    result = playbook.result(created)["vpc"]
    assert result["id"] == vpc["VpcId"] and result["cidr_block"] == CIDR and result["name"] == NAME
    assert result["tags"] == {"Deployment": "vpc-test", "Name": NAME}
    assert result["enable_dns_support"] is True and result["enable_dns_hostnames"] is True

    rerun = playbook.unchanged(ansible_playbook, "present")
    assert playbook.result(rerun)["vpc"]["id"] == vpc["VpcId"]
    playbook.unchanged(ansible_playbook, "present", "--check")

    updated = playbook.changing(ansible_playbook, "update", "--diff")
    assert dns(ec2, vpc["VpcId"]) == (True, False)
    assert tag_dict(named_vpcs(ec2)[0]) == {"Deployment": "vpc-test", "Name": NAME, "Owner": "network"}
    diff = playbook.result(updated)["diff"]
    assert diff["before"]["enable_dns_hostnames"] is True and diff["after"]["enable_dns_hostnames"] is False
    playbook.unchanged(ansible_playbook, "update")

    # A subnet in the VPC: the delete fails at once and names it; the VPC stays.
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.8.0.0/24")["Subnet"]["SubnetId"]
    refused = ansible_playbook(PLAYBOOK, "-e", "vpc_phase=absent")
    assert refused.returncode != 0
    [failure] = refused.failures()
    assert "DependencyViolation" in failure and f"subnets: {subnet}" in failure, failure
    assert len(named_vpcs(ec2)) == 1
    ec2.delete_subnet(SubnetId=subnet)

    playbook.changing(ansible_playbook, "absent", "--check")
    assert len(named_vpcs(ec2)) == 1
    deleted = playbook.changing(ansible_playbook, "absent")
    assert playbook.result(deleted)["vpc"]["id"] == vpc["VpcId"]
    assert named_vpcs(ec2) == []
    playbook.unchanged(ansible_playbook, "absent")


def test_a_vpc_made_elsewhere_is_adopted(ansible_playbook, boto):
    ec2 = boto("ec2")
    made = ec2.create_vpc(
        CidrBlock=CIDR, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": NAME}]}]
    )["Vpc"]["VpcId"]

    adopted = playbook.changing(ansible_playbook, "present")
    assert [v["VpcId"] for v in named_vpcs(ec2)] == [made]
    assert playbook.result(adopted)["vpc"]["id"] == made
    assert dns(ec2, made) == (True, True)
    playbook.unchanged(ansible_playbook, "present")

    # A second one with the same name and CIDR block: the module refuses to choose.
    twin = ec2.create_vpc(
        CidrBlock=CIDR, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": NAME}]}]
    )["Vpc"]["VpcId"]
    ambiguous = ansible_playbook(PLAYBOOK, "-e", "vpc_phase=present")
    assert ambiguous.returncode != 0
    [failure] = ambiguous.failures()
    assert f"2 VPCs are named {NAME} with the CIDR block {CIDR}" in failure and twin in failure and made in failure

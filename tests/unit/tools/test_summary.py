"""tools/summary.py: it reads what the roles published in summary.json, and looks those names up on the endpoint."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("summary", ROOT / "tools" / "summary.py")
summary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summary)


def section(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "summary_sections" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def write_report(folder: Path, regions: dict, region_hosts: list[str] | None = None) -> Path:
    report = {"deployment": "shop", "endpoint": "AWS", "endpoint_gaps": {}, "regions": regions}
    if region_hosts is not None:
        report["region_hosts"] = region_hosts
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(report, sort_keys=True))
    return folder


def test_every_role_has_its_section_in_the_summary_folder():
    names = [rows.__name__ for rows in summary.sections()]
    assert names[: len(summary.SECTION_ORDER)] == [f"{role}_section" for role in summary.SECTION_ORDER]
    assert "dr_drills_section" in names
    assert not hasattr(summary, "vpc_section")


def test_regions_print_in_the_inventorys_order_with_what_each_published(tmp_path, monkeypatch, capsys):
    seen = []

    def rows(region):
        seen.append((region.region, region.deployment, region.outputs("waf"), region.outputs("vpc_private")))
        return [("Web ACL", region.outputs("waf").get("name", "none"))]

    rows.__name__ = "waf_section"
    monkeypatch.setattr(summary, "sections", lambda: [rows])
    folder = write_report(
        tmp_path / "elsewhere",
        {
            "eu-west-1": {"aws_region": "eu-west-1", "waf_outputs": {"name": "shop-acl", "not_applied": {}}},
            "dublin-b": {
                "aws_region": "eu-central-1",
                "waf_outputs": {"name": "other-acl", "not_applied": {"WAF logging": "no API"}},
            },
        },
        region_hosts=["eu-west-1", "dublin-b"],
    )

    assert summary.main(["--report-dir", str(folder), "--endpoint", "http://127.0.0.1:1"]) == 0

    assert seen == [
        ("eu-west-1", "shop", {"name": "shop-acl", "not_applied": {}}, {}),
        ("eu-central-1", "shop", {"name": "other-acl", "not_applied": {"WAF logging": "no API"}}, {}),
    ]
    out = capsys.readouterr().out
    assert out.index("== eu-west-1") < out.index("== eu-central-1")
    assert "  Web ACL  shop-acl" in out and "  Web ACL  other-acl" in out
    assert "  - dublin-b: WAF logging: no API" in out


def test_a_report_directory_without_summary_json_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        summary.main(["--report-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert f"{tmp_path / 'summary.json'} does not exist" in capsys.readouterr().err


@mock_aws
def test_the_vpc_section_reads_the_published_vpc_and_key_not_a_tag_search():
    ec2 = boto3.client("ec2", region_name="eu-west-1")
    kms = boto3.client("kms", region_name="eu-west-1")
    mine = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=mine, CidrBlock="10.1.0.0/24", AvailabilityZone="eu-west-1a")
    # A VPC and a key that carry the deployment's tag and alias convention, but that the role did not publish.
    decoy = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[decoy], Tags=[{"Key": "Deployment", "Value": "shop"}])
    kms.create_alias(AliasName="alias/shop", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/shop-network", TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)

    region = summary.Region(
        "eu-west-1", None, "shop", {"vpc_private_outputs": {"vpc_id": mine, "kms_key_id": key}}, report_dir=None
    )
    rows = dict(section("vpc_private").rows(region))

    assert rows["VPC"].startswith(f"{mine} 10.1.0.0/16")
    assert rows["Subnets"] == "eu-west-1a 10.1.0.0/24"
    assert rows["KMS key"] == "alias/shop-network rotation=on"


@mock_aws
def test_the_vpc_section_says_none_when_the_role_published_nothing():
    boto3.client("ec2", region_name="eu-west-1").create_vpc(CidrBlock="10.1.0.0/16")
    rows = section("vpc_private").rows(summary.Region("eu-west-1", None, "shop", {}))
    assert rows[0] == ("VPC", "none")
    assert "KMS key" not in dict(rows)


@mock_aws
def test_the_table_section_uses_the_published_table_name():
    ddb = boto3.client("dynamodb", region_name="eu-west-1")
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    region = summary.Region("eu-west-1", None, "shop", {"global_table_outputs": {"table_name": "orders"}})
    rows = dict(section("global_table").rows(region))
    assert rows["DynamoDB table"] == "orders ACTIVE, key pk, PAY_PER_REQUEST"
    assert rows["Backup vault"] == "none"
    assert rows["Backup plan"] == "none"


@mock_aws
def test_the_function_and_topic_rows_follow_the_published_names():
    sns = boto3.client("sns", region_name="eu-west-1")
    topic = sns.create_topic(Name="shop-pager")["TopicArn"]
    region = summary.Region(
        "eu-west-1",
        None,
        "shop",
        {"serverless_api_outputs": {"function_name": "", "alarm_topic_arn": topic, "alarm_name_prefix": "shop-api-"}},
    )
    rows = section("serverless_api").rows(region)
    # No API was published: the section says so and reads nothing else.
    assert rows == [("API", "none")]
    assert section("serverless_api")._function_row(region.client("lambda"), "shop-missing") == ("Function", "none")


def test_a_role_that_published_nothing_is_said_so_not_read_as_absent(monkeypatch):
    calls = []
    vpc = next(rows for rows in summary.sections() if rows.role == "vpc_private")
    monkeypatch.setattr(summary.Region, "client", lambda self, service: calls.append(service))
    region = summary.Region("eu-west-1", None, "shop", {"waf_outputs": {"name": "shop-api"}})
    assert summary.section_rows(vpc, region) == [
        ("vpc_private", "no vpc_private_outputs in summary.json: the role did not run in the run that wrote it")
    ]
    assert calls == []
    dr = next(rows for rows in summary.sections() if rows.role == "dr_drills")
    assert dr.reads_without_outputs

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import deployment_facts_info
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

IDENTITY = {
    "UserId": "AROAEXAMPLEID:deploy",
    "Account": "123456789012",
    "Arn": "arn:aws:sts::123456789012:assumed-role/deployer/deploy",
}
ZONE_FILTERS = {
    "Filters": [
        {"Name": "state", "Values": ["available"]},
        {"Name": "zone-type", "Values": ["availability-zone"]},
    ]
}


def zone(region: str, letter: str, number: int) -> dict:
    """A zone as DescribeAvailabilityZones documents it (AvailabilityZone)."""
    return {
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": region,
        "ZoneName": f"{region}{letter}",
        "ZoneId": f"euw1-az{number}",
        "GroupName": region,
        "NetworkBorderGroup": region,
        "ZoneType": "availability-zone",
        "State": "available",
    }


def prefix_list(region: str, service: str, pl_id: str) -> dict:
    return {"PrefixListId": pl_id, "PrefixListName": f"com.amazonaws.{region}.{service}", "Cidrs": ["52.94.0.0/22"]}


def list_filter(region: str) -> dict:
    names = [f"com.amazonaws.{region}.dynamodb", f"com.amazonaws.{region}.s3"]
    return {"Filters": [{"Name": "prefix-list-name", "Values": names}]}


def stub_identity(aws, region: str = "eu-west-1") -> None:
    aws.stub("sts", region).add_response("get_caller_identity", IDENTITY, {})


def stub_region(aws, region: str, zones: list[dict] | None = None, throttled: str = "") -> None:
    """The two answers of ``region``, the ``throttled`` operation's preceded by a throttling error."""
    # EC2 answers in no particular order: the module sorts.
    zones = zones if zones is not None else [zone(region, "c", 3), zone(region, "a", 1), zone(region, "b", 2)]
    lists = [prefix_list(region, "s3", "pl-s3" + region[-1]), prefix_list(region, "dynamodb", "pl-ddb" + region[-1])]
    ec2 = aws.stub("ec2", region)
    for operation, response, params in (
        ("describe_availability_zones", {"AvailabilityZones": zones}, ZONE_FILTERS),
        ("describe_prefix_lists", {"PrefixLists": lists}, list_filter(region)),
    ):
        if operation == throttled:
            ec2.add_client_error(operation, **client_error("RequestLimitExceeded", status=503))
        ec2.add_response(operation, response, params)


def test_one_region(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    assert_unchanged(result)
    assert (result["account_id"], result["partition"]) == ("123456789012", "aws")
    assert result["arn"] == IDENTITY["Arn"] and result["user_id"] == IDENTITY["UserId"]
    facts = result["regions"]["eu-west-1"]
    assert facts["availability_zone_names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert facts["availability_zones"][0] == {
        "opt_in_status": "opt-in-not-required",
        "messages": [],
        "region_name": "eu-west-1",
        "zone_name": "eu-west-1a",
        "zone_id": "euw1-az1",
        "group_name": "eu-west-1",
        "network_border_group": "eu-west-1",
        "zone_type": "availability-zone",
        "state": "available",
    }
    assert facts["prefix_lists_by_service"]["s3"]["prefix_list_id"] == "pl-s31"
    assert facts["prefix_lists_by_service"]["dynamodb"]["prefix_list_id"] == "pl-ddb1"
    assert [p["prefix_list_name"] for p in facts["prefix_lists"]] == [
        "com.amazonaws.eu-west-1.s3",
        "com.amazonaws.eu-west-1.dynamodb",
    ]


def test_region_defaults_to_the_modules(aws):
    stub_identity(aws, "eu-central-1")
    stub_region(aws, "eu-central-1")
    result = run_module(deployment_facts_info.main, {}, region="eu-central-1")
    assert list(result["regions"]) == ["eu-central-1"]


def test_two_regions_one_identity_call_and_a_client_each(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    stub_region(aws, "eu-central-1")
    identity_calls = aws.sent("sts", "GetCallerIdentity")
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1", "eu-central-1", "eu-west-1"]})
    assert_unchanged(result)
    assert len(identity_calls) == 1
    assert list(result["regions"]) == ["eu-west-1", "eu-central-1"]
    assert result["regions"]["eu-central-1"]["availability_zone_names"] == [
        "eu-central-1a",
        "eu-central-1b",
        "eu-central-1c",
    ]
    assert result["regions"]["eu-central-1"]["prefix_lists_by_service"]["s3"]["prefix_list_name"] == (
        "com.amazonaws.eu-central-1.s3"
    )
    assert sorted(key for key in aws.clients if key[0] == "ec2") == [("ec2", "eu-central-1"), ("ec2", "eu-west-1")]


def test_partition_comes_from_the_arn(aws):
    aws.stub("sts", "cn-north-1").add_response(
        "get_caller_identity", {**IDENTITY, "Arn": "arn:aws-cn:iam::123456789012:user/deployer"}, {}
    )
    stub_region(aws, "cn-north-1")
    result = run_module(deployment_facts_info.main, {}, region="cn-north-1")
    assert result["partition"] == "aws-cn"


def test_prefix_lists_paginated(aws):
    stub_identity(aws)
    ec2 = aws.stub("ec2")
    ec2.add_response("describe_availability_zones", {"AvailabilityZones": [zone("eu-west-1", "a", 1)]}, ZONE_FILTERS)
    first, second = prefix_list("eu-west-1", "s3", "pl-1"), prefix_list("eu-west-1", "dynamodb", "pl-2")
    ec2.add_response("describe_prefix_lists", {"PrefixLists": [first], "NextToken": "t"}, list_filter("eu-west-1"))
    ec2.add_response("describe_prefix_lists", {"PrefixLists": [second]}, {**list_filter("eu-west-1"), "NextToken": "t"})
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    assert sorted(result["regions"]["eu-west-1"]["prefix_lists_by_service"]) == ["dynamodb", "s3"]


@pytest.mark.parametrize(
    "service, operation",
    [("sts", "get_caller_identity"), ("ec2", "describe_availability_zones"), ("ec2", "describe_prefix_lists")],
)
def test_throttling_is_retried(aws, service, operation):
    if service == "sts":
        aws.stub("sts").add_client_error(operation, **client_error("Throttling", status=400))
    stub_identity(aws)
    stub_region(aws, "eu-west-1", throttled=operation if service == "ec2" else "")
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    assert_unchanged(result)
    assert result["regions"]["eu-west-1"]["availability_zone_names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert sorted(result["regions"]["eu-west-1"]["prefix_lists_by_service"]) == ["dynamodb", "s3"]
    assert len(aws.sleeps) == 1


def test_region_not_enabled_fails_naming_it(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    aws.stub("ec2", "me-south-1").add_client_error(
        "describe_availability_zones",
        **client_error("AuthFailure", "AWS was not able to validate the provided access credentials", status=401),
    )
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1", "me-south-1"]})
    assert_fails_mentioning(result, "Failed to describe the availability zones of me-south-1")
    assert "is me-south-1 enabled for the account?" in result["msg"]
    assert result["error"]["code"] == "AuthFailure"


def test_other_region_error_fails_naming_it_without_the_opt_in_hint(aws):
    stub_identity(aws)
    ec2 = aws.stub("ec2", "eu-central-1")
    ec2.add_response("describe_availability_zones", {"AvailabilityZones": [zone("eu-central-1", "a", 1)]}, ZONE_FILTERS)
    ec2.add_client_error("describe_prefix_lists", **client_error("UnauthorizedOperation", status=403))
    result = run_module(deployment_facts_info.main, {"regions": ["eu-central-1"]})
    assert_fails_mentioning(result, "Failed to describe the prefix lists of eu-central-1")
    assert "enabled for the account" not in result["msg"]


def test_missing_prefix_list_fails_naming_region_and_service(aws):
    stub_identity(aws)
    ec2 = aws.stub("ec2")
    ec2.add_response("describe_availability_zones", {"AvailabilityZones": [zone("eu-west-1", "a", 1)]}, ZONE_FILTERS)
    lists = [prefix_list("eu-west-1", "s3", "pl-1")]
    ec2.add_response("describe_prefix_lists", {"PrefixLists": lists}, list_filter("eu-west-1"))
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    assert_fails_as(result, "No AWS-managed prefix list for dynamodb in eu-west-1")


def test_identity_error_fails(aws):
    aws.stub("sts").add_client_error("get_caller_identity", **client_error("ExpiredToken", status=403))
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    assert_fails_mentioning(result, "Failed to get the caller identity")


def test_no_prefix_list_services_makes_no_prefix_list_call(aws):
    stub_identity(aws)
    aws.stub("ec2").add_response(
        "describe_availability_zones", {"AvailabilityZones": [zone("eu-west-1", "a", 1)]}, ZONE_FILTERS
    )
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"], "prefix_list_services": []})
    assert result["regions"]["eu-west-1"]["prefix_lists"] == []
    assert result["regions"]["eu-west-1"]["prefix_lists_by_service"] == {}


def test_check_mode_reads_the_same(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    real = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]})
    checked = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"]}, check_mode=True)
    assert_unchanged(checked)
    assert checked == real


@pytest.mark.parametrize(
    "args, message",
    [
        ({"regions": []}, "regions: give at least one region (or the module's region)"),
        ({"regions": ["eu-west-1", ""]}, "regions: a region name is empty"),
        (
            {"regions": ["eu-west-1"], "prefix_list_services": ["s3", ""]},
            "prefix_list_services: a service name is empty",
        ),
        ({"regions": ["eu-west-1"], "tag_regions": ["us-east-1", ""]}, "tag_regions: a region name is empty"),
        ({"regions": ["eu-west-1"], "tagged_with": {"": "x"}}, "tagged_with: a tag key is empty"),
    ],
)
def test_bad_input_fails_before_any_call(aws, args, message):
    result = run_module(deployment_facts_info.main, args)
    assert_fails_as(result, message)
    assert aws.clients == {}


TAG_FILTERS = {"TagFilters": [{"Key": "Deployment", "Values": ["mrdemo"]}], "ResourcesPerPage": 100}


def mapping(arn: str, **tags: str) -> dict:
    """A ResourceTagMapping as GetResources documents it."""
    return {"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


TOPIC = "arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/mrdemo-items"


def test_without_tagged_with_the_tagging_api_is_not_called(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"], "tag_regions": ["us-east-1"]})
    assert result["tagged_resources"] == {}
    assert not [key for key in aws.clients if key[0] == "resourcegroupstaggingapi"]


def test_tagged_resources_of_every_tag_region_every_page(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    tagging = aws.stub("resourcegroupstaggingapi", "eu-west-1")
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": [mapping(TOPIC, Deployment="mrdemo")], "PaginationToken": "p2"},
        TAG_FILTERS,
    )
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": [mapping(TABLE, Deployment="mrdemo", Owner="sre")], "PaginationToken": ""},
        {**TAG_FILTERS, "PaginationToken": "p2"},
    )
    aws.stub("resourcegroupstaggingapi", "us-east-1").add_response(
        "get_resources", {"ResourceTagMappingList": [mapping(KEY, Deployment="mrdemo")]}, TAG_FILTERS
    )
    result = run_module(
        deployment_facts_info.main,
        {"regions": ["eu-west-1"], "tagged_with": {"Deployment": "mrdemo"}, "tag_regions": ["eu-west-1", "us-east-1"]},
    )
    assert_unchanged(result)
    assert result["tagged_resources"] == {
        TOPIC: {"Deployment": "mrdemo"},
        TABLE: {"Deployment": "mrdemo", "Owner": "sre"},
        KEY: {"Deployment": "mrdemo"},
    }


def test_tag_regions_default_to_the_regions_and_several_tags_are_all_filtered(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    filters = {
        "TagFilters": [{"Key": "Deployment", "Values": ["mrdemo"]}, {"Key": "Team", "Values": ["sre"]}],
        "ResourcesPerPage": 100,
    }
    aws.stub("resourcegroupstaggingapi", "eu-west-1").add_response(
        "get_resources", {"ResourceTagMappingList": []}, filters
    )
    result = run_module(
        deployment_facts_info.main, {"regions": ["eu-west-1"], "tagged_with": {"Team": "sre", "Deployment": "mrdemo"}}
    )
    assert result["tagged_resources"] == {}


def test_tagging_throttled_is_retried(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    tagging = aws.stub("resourcegroupstaggingapi", "eu-west-1")
    tagging.add_client_error("get_resources", **client_error("ThrottledException", status=400))
    tagging.add_response(
        "get_resources", {"ResourceTagMappingList": [mapping(TOPIC, Deployment="mrdemo")]}, TAG_FILTERS
    )
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"], "tagged_with": {"Deployment": "mrdemo"}})
    assert result["tagged_resources"] == {TOPIC: {"Deployment": "mrdemo"}}
    assert len(aws.sleeps) == 1


@pytest.mark.parametrize("code", ["AccessDeniedException", "UnrecognizedClientException"])
def test_a_refused_tag_region_is_left_out_with_a_warning(aws, code):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    aws.stub("resourcegroupstaggingapi", "eu-west-1").add_response(
        "get_resources", {"ResourceTagMappingList": [mapping(TOPIC, Deployment="mrdemo")]}, TAG_FILTERS
    )
    aws.stub("resourcegroupstaggingapi", "us-east-1").add_client_error(
        "get_resources", **client_error(code, status=400)
    )
    result = run_module(
        deployment_facts_info.main,
        {"regions": ["eu-west-1"], "tagged_with": {"Deployment": "mrdemo"}, "tag_regions": ["eu-west-1", "us-east-1"]},
    )
    assert_unchanged(result)
    assert result["tagged_resources"] == {TOPIC: {"Deployment": "mrdemo"}}
    assert any("us-east-1 could not be listed" in w for w in result["warnings"])


def test_another_tagging_error_fails_naming_the_region(aws):
    stub_identity(aws)
    stub_region(aws, "eu-west-1")
    aws.stub("resourcegroupstaggingapi", "eu-west-1").add_client_error(
        "get_resources", **client_error("InvalidParameterException", status=400)
    )
    result = run_module(deployment_facts_info.main, {"regions": ["eu-west-1"], "tagged_with": {"Deployment": "mrdemo"}})
    assert_fails_mentioning(result, "Failed to list the resources tagged {'Deployment': 'mrdemo'} in eu-west-1")

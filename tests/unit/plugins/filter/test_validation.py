from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.filter.validation import deployment_errors
from ansible_collections.multiregion.serverless.plugins.filter.validation import known_aws_regions
from ansible_collections.multiregion.serverless.plugins.filter.validation import overlapping_cidrs
from ansible_collections.multiregion.serverless.plugins.filter.validation import vpc_cidr_errors

KNOWN = {"eu-west-1", "eu-central-1", "us-east-1"}
GOOD = {
    "deployment_name": "orders-prod",
    "deployment_domain": "orders.acme-corp.io",
    "deployment_tags": {"Project": "orders"},
}
REGIONS = {
    "eu-west-1": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.1.0.0/16"},
    "eu-central-1": {"aws_region": "eu-central-1", "vpc_private_cidr": "10.5.0.0/16"},
}


def test_good_input_has_no_errors():
    assert deployment_errors(GOOD, REGIONS, known_regions=KNOWN) == []


def test_known_regions_come_from_botocore():
    regions = known_aws_regions()
    assert {"eu-west-1", "eu-central-1", "us-east-1", "cn-north-1", "us-gov-west-1"} <= regions
    assert "eu-westish-9" not in regions
    # The endpoint data's pseudo-regions are not regions.
    assert not {"aws-global", "aws-cn-global"} & regions


def test_known_regions_are_every_region_botocore_knows_an_ec2_endpoint_for():
    import botocore.session

    session = botocore.session.get_session()
    with_ec2 = set()
    for partition in session.get_available_partitions():
        with_ec2.update(session.get_available_regions("ec2", partition_name=partition))
    assert with_ec2 <= known_aws_regions()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"deployment_name": None}, "deployment_name is not set"),
        ({"deployment_name": "Orders_Prod"}, "deployment_name='Orders_Prod'"),
        ({"deployment_domain": ""}, "deployment_domain is not set"),
        ({"deployment_domain": "not a domain"}, "deployment_domain='not a domain'"),
        ({"deployment_tags": ["a"]}, "deployment_tags must be a mapping"),
        ({"deployment_tags": {"a": {"b": 1}}}, "deployment_tags['a']"),
        ({"deployment_tags": {"aws:x": "1"}}, "aws: prefix is reserved"),
        ({"deployment_local_endpoint": True}, "aws_endpoint_url (from AWS_ENDPOINT_URL) is not set"),
        (
            {"deployment_local_endpoint": True, "aws_endpoint_url": "https://dynamodb.eu-west-1.amazonaws.com"},
            "is not a loopback address",
        ),
    ],
)
def test_deployment_variables(change, expected):
    errors = deployment_errors({**GOOD, **change}, REGIONS, known_regions=KNOWN)
    assert any(expected in e for e in errors), errors


def test_loopback_endpoint_is_accepted():
    for url in ("http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:5000"):
        assert (
            deployment_errors(
                {**GOOD, "deployment_local_endpoint": True, "aws_endpoint_url": url}, REGIONS, known_regions=KNOWN
            )
            == []
        )


@pytest.mark.parametrize(
    "regions, expected",
    [
        ({}, "has no hosts"),
        (
            {"x": {"aws_region": "eu-westish-9", "vpc_private_cidr": "10.1.0.0/16"}},
            "'eu-westish-9' is not a known AWS region",
        ),
        ({"x": {"vpc_private_cidr": "10.1.0.0/16"}}, "hostvars['x'].aws_region is not set"),
        (
            {
                "a": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.1.0.0/16"},
                "b": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.2.0.0/16"},
            },
            "duplicates host 'a'",
        ),
        ({"x": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.1.0.0/33"}}, "hostvars['x'].vpc_private_cidr"),
        ({"x": {"aws_region": "eu-west-1"}}, "hostvars['x'].vpc_private_cidr is not set"),
        (
            {
                "a": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.1.0.0/16"},
                "b": {"aws_region": "eu-central-1", "vpc_private_cidr": "10.1.0.0/20"},
            },
            "overlaps",
        ),
    ],
)
def test_region_errors_name_the_host_variable(regions, expected):
    errors = deployment_errors(GOOD, regions, known_regions=KNOWN)
    assert any(expected in e for e in errors), errors


def test_regions_from_hostvars():
    hostvars = {"eu-west-1": {"aws_region": "eu-west-1", "vpc_private_cidr": "10.1.0.0/16"}, "x": {}}
    errors = deployment_errors(GOOD, ["eu-west-1", "x"], hostvars, known_regions=KNOWN)
    assert errors == ["hostvars['x'].aws_region is not set", "hostvars['x'].vpc_private_cidr is not set"]


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"deployment_name": "change-me"}, "deployment_name='change-me' is the example inventory's placeholder"),
        ({"deployment_name": "CHANGEME"}, "deployment_name='CHANGEME' is the example inventory's placeholder"),
        ({"deployment_domain": "change-me.example.com"}, "deployment_domain='change-me.example.com' is a reserved"),
        ({"deployment_domain": "example.org"}, "deployment_domain='example.org' is a reserved"),
        ({"deployment_domain": "api.shop.test"}, "deployment_domain='api.shop.test' is a reserved"),
    ],
)
def test_placeholders_are_refused_for_aws(change, expected):
    errors = deployment_errors({**GOOD, **change}, REGIONS, known_regions=KNOWN)
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize("domain", ["notexample.com", "example.com.au", "orders.examples.org"])
def test_domains_that_only_look_reserved_are_accepted(domain):
    assert deployment_errors({**GOOD, "deployment_domain": domain}, REGIONS, known_regions=KNOWN) == []


def test_reserved_domain_is_accepted_on_the_local_endpoint():
    local = {**GOOD, "deployment_domain": "mrdemo.example.com", "deployment_local_endpoint": True}
    assert deployment_errors({**local, "aws_endpoint_url": "http://127.0.0.1:5000"}, REGIONS, known_regions=KNOWN) == []


def test_example_inventory_is_refused_until_edited():
    """The shipped example inventory's placeholders fail the preflight, each naming its variable."""
    import pathlib

    import yaml

    root = pathlib.Path(__file__).resolve().parents[4] / "inventories" / "example"
    deployment = yaml.safe_load((root / "group_vars" / "all" / "deployment.yml").read_text())
    hosts = yaml.safe_load((root / "hosts.yml").read_text())["regions"]["hosts"]
    regions = {host: {"aws_region": host, **(values or {})} for host, values in hosts.items()}
    errors = deployment_errors(deployment, regions, known_regions=set(regions))
    assert [e.split("=")[0] for e in errors] == ["deployment_name", "deployment_domain"], errors
    edited = {**deployment, "deployment_name": "orders-prod", "deployment_domain": "orders.acme-corp.io"}
    assert deployment_errors(edited, regions, known_regions=set(regions)) == []


@pytest.mark.parametrize("cidr", ["10.1.0.0/16", "172.20.0.0/16", "192.168.0.0/20", "10.9.8.0/24"])
def test_valid_private_cidrs(cidr):
    assert vpc_cidr_errors(cidr) == []


@pytest.mark.parametrize(
    "cidr, fragment",
    [
        (None, "is not set"),
        ("", "is not set"),
        ("10.1.0.0/33", "not a valid IPv4 network"),
        ("10.1.0.1/16", "host bits set"),
        ("banana", "not a valid IPv4 network"),
        ("8.8.0.0/16", "not inside a private range"),
        ("10.0.0.0/8", "is a /8"),
        ("10.1.0.0/26", "is a /26"),
        ("fd00::/64", "not IPv4"),
    ],
)
def test_invalid_cidrs_name_the_variable(cidr, fragment):
    errors = vpc_cidr_errors(cidr, variable="hostvars['eu-west-1'].vpc_private_cidr")
    assert errors, cidr
    assert all("hostvars['eu-west-1'].vpc_private_cidr" in e for e in errors)
    assert any(fragment in e for e in errors)


def test_overlaps_are_reported_in_pairs():
    cidrs = {"eu-west-1": "10.1.0.0/16", "eu-central-1": "10.1.128.0/17", "us-east-1": "10.5.0.0/16"}
    assert overlapping_cidrs(cidrs) == [["eu-central-1", "10.1.128.0/17", "eu-west-1", "10.1.0.0/16"]]
    assert overlapping_cidrs({"a": "10.1.0.0/16", "b": "10.5.0.0/16"}) == []

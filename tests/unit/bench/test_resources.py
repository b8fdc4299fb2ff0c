"""The benchmark names a resource's kind from its ARN, for its count of what a deployment manages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


@pytest.fixture(scope="module")
def resources():
    spec = importlib.util.spec_from_file_location("bench_resources_under_test", ROOT / "bench" / "resources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0abc", "ec2:vpc"),
        ("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/mrdemo-api", "logs:log-group"),
        ("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mrdemo-api-errors", "cloudwatch:alarm"),
        ("arn:aws:dynamodb:eu-west-1:123456789012:table/mrdemo-items", "dynamodb:table"),
        ("arn:aws:sns:eu-west-1:123456789012:mrdemo-alarms", "sns:topic"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:mrdemo-api", "lambda:function"),
    ],
)
def test_kind_is_service_and_resource_type(resources, arn, kind):
    assert resources.kind(arn) == kind

"""site.yml through a proxy that throttles 20% of the requests (and fails a few with HTTP 500), as AWS does.

The proxy answers each service with its own throttling error (tests/integration/fault_proxy.py); the deploy must
converge and the rerun report no change, through the same faults.
"""

from __future__ import annotations

import boto3
import botocore.config
import botocore.exceptions
import pytest

from .fault_proxy import FaultProxy

# One client call per protocol the stack's services speak, with the error code and status the proxy must produce.
PROTOCOL_CASES = [
    ("ec2", "describe_vpcs", {}, "RequestLimitExceeded", 503),
    ("iam", "list_roles", {}, "Throttling", 400),
    ("sns", "list_topics", {}, "Throttled", 429),
    ("cloudwatch", "describe_alarms", {}, "Throttling", 400),
    ("dynamodb", "list_tables", {}, "ThrottlingException", 400),
    ("kms", "list_keys", {}, "ThrottlingException", 400),
    ("lambda", "list_functions", {}, "TooManyRequestsException", 429),
    ("apigateway", "get_rest_apis", {}, "TooManyRequestsException", 429),
    ("route53", "list_hosted_zones", {}, "Throttling", 400),
    ("wafv2", "list_web_acls", {"Scope": "REGIONAL"}, "ThrottlingException", 400),
]


def _client(service: str, url: str, attempts: int = 1):
    return boto3.client(
        service,
        region_name="eu-west-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(retries={"total_max_attempts": attempts, "mode": "legacy"}),
    )


@pytest.mark.parametrize("service, operation, params, code, status", PROTOCOL_CASES, ids=[c[0] for c in PROTOCOL_CASES])
def test_proxy_speaks_each_services_throttling_error(clean_endpoint, service, operation, params, code, status):
    proxy = FaultProxy(clean_endpoint, rate=1.0, server_error_share=0.0)
    url = proxy.start()
    try:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            getattr(_client(service, url), operation)(**params)
    finally:
        proxy.stop()
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)


def test_proxy_server_errors_and_forwarding(clean_endpoint):
    proxy = FaultProxy(clean_endpoint, rate=1.0, server_error_share=1.0)
    url = proxy.start()
    try:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            _client("dynamodb", url).list_tables()
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        proxy.rate = 0.0
        assert _client("dynamodb", url).list_tables()["TableNames"] == []
    finally:
        proxy.stop()
    assert proxy.counts == {"forwarded": 1, "throttled": {}, "server_error": {"dynamodb": 1}}


def test_proxy_is_reproducible(clean_endpoint):
    draws = []
    for _attempt in range(2):
        proxy = FaultProxy(clean_endpoint, seed=3)
        draws.append([proxy.decide("dynamodb", "POST", "/") for _request in range(200)])
    assert draws[0] == draws[1]
    faults = [d for d in draws[0] if d]
    assert 20 <= len(faults) <= 60  # about 20% of 200


@pytest.mark.e2e
def test_site_converges_and_reruns_unchanged_through_throttling(ansible_playbook, clean_endpoint, boto):
    proxy = FaultProxy(clean_endpoint, rate=0.2, seed=20261206)
    url = proxy.start()
    try:
        first = ansible_playbook("site.yml", "-i", "inventories/local", extra_env={"AWS_ENDPOINT_URL": url})
        assert first.returncode == 0, first.failures() or first.stderr[-3000:]
        second = ansible_playbook("site.yml", "-i", "inventories/local", extra_env={"AWS_ENDPOINT_URL": url})
        assert second.returncode == 0, second.failures() or second.stderr[-3000:]
        assert set(second.changed().values()) == {0}, second.changed_tasks()
    finally:
        proxy.stop()
    counts = proxy.counts
    # The faults really happened, to every service of the stack.
    assert sum(counts["throttled"].values()) > 100, counts
    assert {"ec2", "iam", "lambda", "apigateway", "dynamodb", "route53", "wafv2", "logs", "kms"} <= set(
        counts["throttled"]
    )
    assert sum(counts["server_error"].values()) > 0, counts
    for region in ("eu-west-1", "eu-central-1"):
        vpcs = boto("ec2", region).describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": ["mrdemo"]}])["Vpcs"]
        assert len(vpcs) == 1, vpcs

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import apigateway_domain_name as dn

CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/1"
NEW_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/2"
REGIONAL = {
    "regionalCertificateArn": CERT,
    "securityPolicy": "TLS_1_2",
    "endpointConfiguration": {"types": ["REGIONAL"]},
}
EDGE = {"certificateArn": CERT, "securityPolicy": "TLS_1_2", "endpointConfiguration": {"types": ["EDGE"]}}


@pytest.mark.parametrize(
    "given, expected",
    [(None, "(none)"), ("", "(none)"), ("(none)", "(none)"), ("/", "(none)"), ("v1", "v1"), ("/v1/", "v1")],
)
def test_normalize_base_path(given, expected):
    assert dn.normalize_base_path(given) == expected


@pytest.mark.parametrize(
    "domain, params, expected",
    [
        # The upstream bug: a REGIONAL domain has no certificateArn, and that is no change.
        (REGIONAL, {"endpoint_type": "REGIONAL", "certificate_arn": CERT, "security_policy": "TLS_1_2"}, []),
        (EDGE, {"endpoint_type": "EDGE", "certificate_arn": CERT, "security_policy": "TLS_1_2"}, []),
        (
            REGIONAL,
            {"endpoint_type": "REGIONAL", "certificate_arn": NEW_CERT, "security_policy": "TLS_1_2"},
            [{"op": "replace", "path": "/regionalCertificateArn", "value": NEW_CERT}],
        ),
        (
            EDGE,
            {"endpoint_type": "EDGE", "certificate_arn": NEW_CERT, "security_policy": "TLS_1_2"},
            [{"op": "replace", "path": "/certificateArn", "value": NEW_CERT}],
        ),
        (
            REGIONAL,
            {"endpoint_type": "REGIONAL", "certificate_arn": None, "security_policy": "TLS_1_0"},
            [{"op": "replace", "path": "/securityPolicy", "value": "TLS_1_0"}],
        ),
        (
            {**REGIONAL, "securityPolicy": "TLS_1_0"},
            {"endpoint_type": "REGIONAL", "certificate_arn": NEW_CERT, "security_policy": "TLS_1_2"},
            [
                {"op": "replace", "path": "/regionalCertificateArn", "value": NEW_CERT},
                {"op": "replace", "path": "/securityPolicy", "value": "TLS_1_2"},
            ],
        ),
    ],
)
def test_domain_patch_operations(domain, params, expected):
    operations = dn.domain_patch_operations(domain, params)
    assert operations == expected
    # Applying them gives a domain that needs no further change.
    assert dn.domain_patch_operations(dn.apply_patch(domain, operations), params) == []


ROOT_V1 = {"(none)": {"rest_api_id": "api1", "stage": "v1"}}


@pytest.mark.parametrize(
    "current, wanted, purge, expected",
    [
        (ROOT_V1, None, True, {"create": {}, "update": {}, "delete": []}),
        (ROOT_V1, ROOT_V1, True, {"create": {}, "update": {}, "delete": []}),
        ({}, ROOT_V1, True, {"create": ROOT_V1, "update": {}, "delete": []}),
        (ROOT_V1, {}, True, {"create": {}, "update": {}, "delete": ["(none)"]}),
        (ROOT_V1, {}, False, {"create": {}, "update": {}, "delete": []}),
        (
            ROOT_V1,
            {"(none)": {"rest_api_id": "api1", "stage": "v2"}},
            True,
            {"create": {}, "update": {"(none)": [{"op": "replace", "path": "/stage", "value": "v2"}]}, "delete": []},
        ),
        (
            ROOT_V1,
            {"(none)": {"rest_api_id": "api2", "stage": "v1"}},
            True,
            {
                "create": {},
                "update": {"(none)": [{"op": "replace", "path": "/restapiId", "value": "api2"}]},
                "delete": [],
            },
        ),
        (
            {**ROOT_V1, "b": {"rest_api_id": "api1", "stage": "v1"}, "a": {"rest_api_id": "api1", "stage": "v1"}},
            {"c": {"rest_api_id": "api1", "stage": "v1"}},
            True,
            {"create": {"c": {"rest_api_id": "api1", "stage": "v1"}}, "update": {}, "delete": ["(none)", "a", "b"]},
        ),
    ],
)
def test_mapping_changes(current, wanted, purge, expected):
    changes = dn.mapping_changes(current, wanted, purge)
    assert changes == expected
    after = dn.mappings_after(current, changes, wanted)
    if wanted is not None:
        assert dn.mapping_changes(after, wanted, purge) == {"create": {}, "update": {}, "delete": []}


def test_wanted_mappings_normalizes_and_refuses_duplicates():
    assert dn.wanted_mappings(None) is None
    assert dn.wanted_mappings([{"rest_api_id": "a", "stage": "v1", "base_path": ""}]) == {
        "(none)": {"rest_api_id": "a", "stage": "v1"}
    }
    with pytest.raises(ValueError, match="more than once"):
        dn.wanted_mappings(
            [
                {"rest_api_id": "a", "stage": "v1", "base_path": ""},
                {"rest_api_id": "b", "stage": "v1", "base_path": "(none)"},
            ]
        )


def test_current_mappings_reads_the_root_as_none():
    items = [{"basePath": "(none)", "restApiId": "a", "stage": "v1"}, {"basePath": "x", "restApiId": "b"}]
    assert dn.current_mappings(items) == {
        "(none)": {"rest_api_id": "a", "stage": "v1"},
        "x": {"rest_api_id": "b", "stage": None},
    }


@pytest.mark.parametrize(
    "endpoint_type, expected",
    [("REGIONAL", "regionalCertificateArn"), ("EDGE", "certificateArn")],
)
def test_planned_domain_puts_the_certificate_where_the_type_keeps_it(endpoint_type, expected):
    params = {
        "domain_name": "api.example.com",
        "endpoint_type": endpoint_type,
        "certificate_arn": CERT,
        "security_policy": "TLS_1_2",
        "tags": None,
    }
    planned = dn.planned_domain(params)
    assert planned[expected] == CERT
    assert "tags" not in planned
    assert dn.domain_patch_operations(planned, params) == []

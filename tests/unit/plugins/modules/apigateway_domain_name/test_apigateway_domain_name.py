from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.modules import apigateway_domain_name as dn
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

DOMAIN = "api.example.com"
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b"
NEW_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0c0c0c0c-1111-2222-3333-444444444444"
EDGE_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/edge0000-1111-2222-3333-444444444444"
DOMAIN_ARN = f"arn:aws:apigateway:eu-west-1::/domainnames/{DOMAIN}"
API = "a1b2c3d4e5"
OTHER_API = "f6g7h8i9j0"
ROOT_MAPPING = {"rest_api_id": API, "stage": "v1", "base_path": ""}
ARGS = {"domain_name": DOMAIN, "certificate_arn": CERT, "base_path_mappings": [ROOT_MAPPING]}


def regional(cert=CERT, policy="TLS_1_2", tags=None):
    domain = {
        "domainName": DOMAIN,
        "regionalDomainName": "d-abcdef1234.execute-api.eu-west-1.amazonaws.com",
        "regionalHostedZoneId": "ZLY8HYME6SFDD",
        "regionalCertificateArn": cert,
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "securityPolicy": policy,
        "domainNameStatus": "AVAILABLE",
    }
    if tags:
        domain["tags"] = tags
    return domain


def edge(cert=EDGE_CERT):
    return {
        "domainName": DOMAIN,
        "distributionDomainName": "d111111abcdef8.cloudfront.net",
        "distributionHostedZoneId": "Z2FDTNDATAQYW2",
        "certificateArn": cert,
        "endpointConfiguration": {"types": ["EDGE"]},
        "securityPolicy": "TLS_1_2",
        "domainNameStatus": "AVAILABLE",
    }


def mapping(base_path="(none)", api=API, stage="v1"):
    return {"basePath": base_path, "restApiId": api, "stage": stage}


def expect_get(aws, domain):
    if domain is None:
        aws.stub("apigateway").add_client_error(
            "get_domain_name", **client_error("NotFoundException", "Invalid domain name identifier specified", 404)
        )
    else:
        aws.stub("apigateway").add_response("get_domain_name", domain, {"domainName": DOMAIN})


def expect_mappings(aws, items):
    aws.stub("apigateway").add_response("get_base_path_mappings", {"items": items}, {"domainName": DOMAIN})


def expect_existing(aws, domain, items):
    expect_get(aws, domain)
    expect_mappings(aws, items)


# --- create -----------------------------------------------------------------------------------------------


def test_creates_a_regional_domain_with_its_mappings(aws):
    expect_get(aws, None)
    aws.stub("apigateway").add_response(
        "create_domain_name",
        regional(tags={"Application": "global-api"}),
        {
            "domainName": DOMAIN,
            "regionalCertificateArn": CERT,
            "endpointConfiguration": {"types": ["REGIONAL"]},
            "securityPolicy": "TLS_1_2",
            "tags": {"Application": "global-api"},
        },
    )
    aws.stub("apigateway").add_response(
        "create_base_path_mapping", mapping(), {"domainName": DOMAIN, "restApiId": API, "stage": "v1"}
    )
    aws.stub("apigateway").add_response(
        "create_base_path_mapping",
        mapping("v2", OTHER_API, "live"),
        {"domainName": DOMAIN, "restApiId": OTHER_API, "stage": "live", "basePath": "v2"},
    )
    args = {
        **ARGS,
        "base_path_mappings": [ROOT_MAPPING, {"rest_api_id": OTHER_API, "stage": "live", "base_path": "v2"}],
        "tags": {"Application": "global-api"},
    }
    result = run_module(dn.main, args)
    assert_changed(result)
    assert result["domain"]["regional_domain_name"] == "d-abcdef1234.execute-api.eu-west-1.amazonaws.com"
    assert result["domain"]["regional_hosted_zone_id"] == "ZLY8HYME6SFDD"
    assert result["domain"]["tags"] == {"Application": "global-api"}
    assert result["base_path_mappings"] == [
        {"base_path": "(none)", "rest_api_id": API, "stage": "v1"},
        {"base_path": "v2", "rest_api_id": OTHER_API, "stage": "live"},
    ]


def test_creates_an_edge_domain_with_its_certificate_in_certificate_arn(aws):
    expect_get(aws, None)
    aws.stub("apigateway").add_response(
        "create_domain_name",
        edge(),
        {
            "domainName": DOMAIN,
            "certificateArn": EDGE_CERT,
            "endpointConfiguration": {"types": ["EDGE"]},
            "securityPolicy": "TLS_1_2",
        },
    )
    result = run_module(dn.main, {"domain_name": DOMAIN, "certificate_arn": EDGE_CERT, "endpoint_type": "EDGE"})
    assert not result.get("failed"), result
    assert result["domain"]["distribution_domain_name"] == "d111111abcdef8.cloudfront.net"
    assert result["base_path_mappings"] == []


def test_create_needs_a_certificate(aws):
    expect_get(aws, None)
    result = run_module(dn.main, {"domain_name": DOMAIN})
    assert_fails_mentioning(result, "certificate_arn is required")


def test_check_mode_only_warns_about_an_unknown_certificate(aws):
    expect_get(aws, None)
    result = run_module(dn.main, {"domain_name": DOMAIN}, check_mode=True)
    assert_changed(result)
    assert any("certificate_arn is not known" in w for w in result["warnings"])


def test_a_failed_mapping_names_it(aws):
    expect_get(aws, None)
    aws.stub("apigateway").add_response("create_domain_name", regional())
    aws.stub("apigateway").add_client_error("create_base_path_mapping", **client_error("BadRequestException"))
    result = run_module(dn.main, ARGS)
    assert_fails_with(result, f"Failed to create base path mapping (none) of {DOMAIN}")


# --- no change --------------------------------------------------------------------------------------------


def test_a_regional_domain_with_the_same_certificate_is_no_change(aws):
    # community.aws.api_gateway_domain compares certificateArn, which a REGIONAL domain does not have.
    expect_existing(aws, regional(), [mapping()])
    result = run_module(dn.main, ARGS, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["domain"]["regional_certificate_arn"] == CERT


def test_an_edge_domain_with_the_same_certificate_is_no_change(aws):
    expect_existing(aws, edge(), [])
    result = run_module(dn.main, {"domain_name": DOMAIN, "certificate_arn": EDGE_CERT, "endpoint_type": "EDGE"})
    assert result["changed"] is False


def test_omitted_options_leave_the_domain_alone(aws):
    expect_existing(aws, regional(tags={"a": "1"}), [mapping(), mapping("v2")])
    result = run_module(dn.main, {"domain_name": DOMAIN})
    assert result["changed"] is False
    assert len(result["base_path_mappings"]) == 2


def test_mappings_are_paginated(aws):
    expect_get(aws, regional())
    aws.stub("apigateway").add_response(
        "get_base_path_mappings", {"items": [mapping("v2")], "position": "p2"}, {"domainName": DOMAIN}
    )
    aws.stub("apigateway").add_response(
        "get_base_path_mappings", {"items": [mapping()]}, {"domainName": DOMAIN, "position": "p2"}
    )
    result = run_module(dn.main, {**ARGS, "purge_base_path_mappings": False})
    assert result["changed"] is False
    assert [m["base_path"] for m in result["base_path_mappings"]] == ["(none)", "v2"]


# --- update -----------------------------------------------------------------------------------------------


def test_a_new_certificate_is_patched_on_regional_certificate_arn(aws):
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_response(
        "update_domain_name",
        regional(cert=NEW_CERT),
        {
            "domainName": DOMAIN,
            "patchOperations": [{"op": "replace", "path": "/regionalCertificateArn", "value": NEW_CERT}],
        },
    )
    result = run_module(dn.main, {**ARGS, "certificate_arn": NEW_CERT}, diff=True)
    assert_changed(result)
    assert result["domain"]["regional_certificate_arn"] == NEW_CERT
    assert result["diff"]["before"]["certificate_arn"] == CERT
    assert result["diff"]["after"]["certificate_arn"] == NEW_CERT


def test_a_new_edge_certificate_is_patched_on_certificate_arn(aws):
    expect_existing(aws, edge(), [])
    new = EDGE_CERT.replace("edge0000", "edge1111")
    aws.stub("apigateway").add_response(
        "update_domain_name",
        edge(cert=new),
        {"domainName": DOMAIN, "patchOperations": [{"op": "replace", "path": "/certificateArn", "value": new}]},
    )
    result = run_module(dn.main, {"domain_name": DOMAIN, "certificate_arn": new, "endpoint_type": "EDGE"})
    assert result["changed"] is True
    assert result["domain"]["certificate_arn"] == new


def test_a_new_security_policy_is_patched(aws):
    expect_existing(aws, regional(policy="TLS_1_0"), [mapping()])
    aws.stub("apigateway").add_response(
        "update_domain_name",
        regional(),
        {"domainName": DOMAIN, "patchOperations": [{"op": "replace", "path": "/securityPolicy", "value": "TLS_1_2"}]},
    )
    result = run_module(dn.main, ARGS)
    assert result["changed"] is True
    assert result["domain"]["security_policy"] == "TLS_1_2"


def test_tags_are_set_and_removed_on_the_domain_arn(aws):
    expect_existing(aws, regional(tags={"old": "1", "keep": "k"}), [mapping()])
    aws.stub("apigateway").add_response("untag_resource", {}, {"resourceArn": DOMAIN_ARN, "tagKeys": ["old"]})
    aws.stub("apigateway").add_response("tag_resource", {}, {"resourceArn": DOMAIN_ARN, "tags": {"new": "2"}})
    result = run_module(dn.main, {**ARGS, "tags": {"keep": "k", "new": "2"}}, diff=True)
    assert_changed(result)
    assert result["domain"]["tags"] == {"keep": "k", "new": "2"}
    assert result["diff"]["before"]["tags"] == {"old": "1", "keep": "k"}


def test_the_arn_api_gateway_gives_is_used_for_tags(aws):
    given = "arn:aws:apigateway:eu-west-1:123456789012:/domainnames/api.example.com+abcd"
    expect_existing(aws, {**regional(), "domainNameArn": given}, [mapping()])
    aws.stub("apigateway").add_response("tag_resource", {}, {"resourceArn": given, "tags": {"a": "1"}})
    result = run_module(dn.main, {**ARGS, "tags": {"a": "1"}})
    assert result["changed"] is True


def test_a_mapping_is_added(aws):
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_response(
        "create_base_path_mapping",
        mapping("v2"),
        {"domainName": DOMAIN, "restApiId": API, "stage": "v1", "basePath": "v2"},
    )
    args = {**ARGS, "base_path_mappings": [ROOT_MAPPING, {"rest_api_id": API, "stage": "v1", "base_path": "v2"}]}
    result = run_module(dn.main, args)
    assert result["changed"] is True
    assert [m["base_path"] for m in result["base_path_mappings"]] == ["(none)", "v2"]


def test_a_mapping_is_moved_to_another_api_and_stage(aws):
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_response(
        "update_base_path_mapping",
        mapping(api=OTHER_API, stage="v2"),
        {
            "domainName": DOMAIN,
            "basePath": "(none)",
            "patchOperations": [
                {"op": "replace", "path": "/restapiId", "value": OTHER_API},
                {"op": "replace", "path": "/stage", "value": "v2"},
            ],
        },
    )
    result = run_module(dn.main, {**ARGS, "base_path_mappings": [{"rest_api_id": OTHER_API, "stage": "v2"}]})
    assert result["changed"] is True
    assert result["base_path_mappings"] == [{"base_path": "(none)", "rest_api_id": OTHER_API, "stage": "v2"}]


def test_an_unlisted_mapping_is_removed(aws):
    expect_existing(aws, regional(), [mapping(), mapping("old")])
    aws.stub("apigateway").add_response("delete_base_path_mapping", {}, {"domainName": DOMAIN, "basePath": "old"})
    result = run_module(dn.main, ARGS, diff=True)
    assert result["changed"] is True
    assert [m["base_path"] for m in result["diff"]["before"]["base_path_mappings"]] == ["(none)", "old"]
    assert [m["base_path"] for m in result["diff"]["after"]["base_path_mappings"]] == ["(none)"]


def test_an_unlisted_mapping_is_kept_without_purge(aws):
    expect_existing(aws, regional(), [mapping(), mapping("old")])
    result = run_module(dn.main, {**ARGS, "purge_base_path_mappings": False})
    assert result["changed"] is False


def test_a_mapping_gone_meanwhile_is_not_an_error(aws):
    expect_existing(aws, regional(), [mapping(), mapping("old")])
    aws.stub("apigateway").add_client_error("delete_base_path_mapping", **client_error("NotFoundException", status=404))
    result = run_module(dn.main, ARGS)
    assert not result.get("failed"), result


def test_changing_the_endpoint_type_is_refused(aws):
    expect_get(aws, edge())
    result = run_module(dn.main, ARGS)
    assert result["failed"]
    assert "is EDGE, not REGIONAL" in result["msg"] and "migration" in result["msg"]


def test_a_base_path_listed_twice_fails_before_any_call(aws):
    args = {
        **ARGS,
        "base_path_mappings": [ROOT_MAPPING, {"rest_api_id": OTHER_API, "stage": "v1", "base_path": "(none)"}],
    }
    result = run_module(dn.main, args)
    assert_fails_mentioning(result, "'(none)' is listed more than once")


# --- delete -----------------------------------------------------------------------------------------------


def test_delete(aws):
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_response("delete_domain_name", {}, {"domainName": DOMAIN})
    result = run_module(dn.main, {"domain_name": DOMAIN, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["domain"] == {} and result["base_path_mappings"] == []
    assert result["diff"]["before"]["base_path_mappings"][0]["rest_api_id"] == API
    assert result["diff"]["after"] == {}


def test_already_absent(aws):
    expect_get(aws, None)
    result = run_module(dn.main, {"domain_name": DOMAIN, "state": "absent"})
    assert result["changed"] is False


def test_a_domain_deleted_meanwhile_is_not_an_error(aws):
    expect_existing(aws, regional(), [])
    aws.stub("apigateway").add_client_error("delete_domain_name", **client_error("NotFoundException", status=404))
    result = run_module(dn.main, {"domain_name": DOMAIN, "state": "absent"})
    assert_unchanged(result)


# --- retries, errors --------------------------------------------------------------------------------------


def test_throttling_is_retried(aws):
    aws.stub("apigateway").add_client_error("get_domain_name", **client_error("TooManyRequestsException", status=429))
    expect_get(aws, regional())
    aws.stub("apigateway").add_client_error("get_base_path_mappings", **client_error("ThrottlingException"))
    expect_mappings(aws, [mapping()])
    result = run_module(dn.main, ARGS)
    assert_unchanged(result)
    assert len(aws.sleeps) == 2


def test_a_failed_update_names_the_domain(aws):
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_client_error("update_domain_name", **client_error("BadRequestException"))
    result = run_module(dn.main, {**ARGS, "certificate_arn": NEW_CERT})
    assert_fails_with(result, f"Failed to update domain name {DOMAIN}")


def test_access_denied_fails_with_the_action(aws):
    aws.stub("apigateway").add_client_error("get_domain_name", **client_error("AccessDeniedException", status=403))
    result = run_module(dn.main, ARGS)
    assert_fails_with(result, f"Failed to get domain name {DOMAIN}")


# --- check mode, diff -------------------------------------------------------------------------------------


def test_check_mode_creates_nothing(aws):
    expect_get(aws, None)
    result = run_module(dn.main, {**ARGS, "tags": {"a": "1"}}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["domain"]["regional_certificate_arn"] == CERT
    assert "regional_domain_name" not in result["domain"]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "domain_name": DOMAIN,
        "endpoint_type": "REGIONAL",
        "certificate_arn": CERT,
        "security_policy": "TLS_1_2",
        "tags": {"a": "1"},
        "base_path_mappings": [{"base_path": "(none)", "rest_api_id": API, "stage": "v1"}],
    }


def test_check_mode_updates_nothing(aws):
    expect_existing(aws, regional(tags={"a": "1"}), [mapping(), mapping("old")])
    args = {
        **ARGS,
        "certificate_arn": NEW_CERT,
        "tags": {"b": "2"},
        "base_path_mappings": [{"rest_api_id": OTHER_API, "stage": "v1"}],
    }
    result = run_module(dn.main, args, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["domain"]["regional_certificate_arn"] == NEW_CERT
    assert result["diff"]["after"]["tags"] == {"b": "2"}
    assert result["base_path_mappings"] == [{"base_path": "(none)", "rest_api_id": OTHER_API, "stage": "v1"}]


def test_check_mode_deletes_nothing(aws):
    expect_existing(aws, regional(), [mapping()])
    result = run_module(dn.main, {"domain_name": DOMAIN, "state": "absent"}, check_mode=True)
    assert result["changed"] is True


def test_no_diff_unless_asked(aws):
    expect_existing(aws, regional(), [mapping()])
    assert "diff" not in run_module(dn.main, ARGS)


# --- IP address type: an AAAA record to an ipv4-only domain answers nothing useful -----------------------------


def dualstack(**kwargs):
    domain = regional(**kwargs)
    domain["endpointConfiguration"] = {"types": ["REGIONAL"], "ipAddressType": "dualstack"}
    return domain


def test_creates_a_dualstack_regional_domain(aws):
    expect_get(aws, None)
    aws.stub("apigateway").add_response(
        "create_domain_name",
        dualstack(),
        {
            "domainName": DOMAIN,
            "regionalCertificateArn": CERT,
            "endpointConfiguration": {"types": ["REGIONAL"], "ipAddressType": "dualstack"},
            "securityPolicy": "TLS_1_2",
        },
    )
    aws.stub("apigateway").add_response(
        "create_base_path_mapping", mapping(), {"domainName": DOMAIN, "restApiId": API, "stage": "v1"}
    )
    result = run_module(dn.main, dict(ARGS, ip_address_type="dualstack"))
    assert not result.get("failed"), result
    assert result["domain"]["ip_address_type"] == "dualstack"
    assert result["domain"]["endpoint_configuration"]["ip_address_type"] == "dualstack"


def test_an_ipv4_domain_is_made_dualstack_in_place(aws):
    # API Gateway reports no ipAddressType for domains made before it existed: they are ipv4.
    expect_existing(aws, regional(), [mapping()])
    aws.stub("apigateway").add_response(
        "update_domain_name",
        dualstack(),
        {
            "domainName": DOMAIN,
            "patchOperations": [
                {"op": "replace", "path": "/endpointConfiguration/ipAddressType", "value": "dualstack"}
            ],
        },
    )
    result = run_module(dn.main, dict(ARGS, ip_address_type="dualstack"), diff=True)
    assert result["changed"] is True
    assert result["domain"]["ip_address_type"] == "dualstack"
    assert "ip_address_type" not in result["diff"]["before"]
    assert result["diff"]["after"]["ip_address_type"] == "dualstack"


def test_the_ip_address_type_change_in_check_mode(aws):
    expect_existing(aws, regional(), [mapping()])
    result = run_module(dn.main, dict(ARGS, ip_address_type="dualstack"), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["domain"]["ip_address_type"] == "dualstack"
    assert result["domain"]["endpoint_configuration"]["types"] == ["REGIONAL"]


def test_a_dualstack_domain_is_no_change(aws):
    expect_existing(aws, dualstack(), [mapping()])
    assert run_module(dn.main, dict(ARGS, ip_address_type="dualstack"))["changed"] is False


def test_an_omitted_ip_address_type_is_left_alone(aws):
    expect_existing(aws, dualstack(), [mapping()])
    result = run_module(dn.main, ARGS)
    assert result["changed"] is False
    assert result["domain"]["ip_address_type"] == "dualstack"

"""apigateway_client_certificate against a stubbed API Gateway client (the local endpoint has no client
certificates). Responses are shaped as the API Gateway API reference documents GetClientCertificates and
GenerateClientCertificate."""

from __future__ import annotations

import datetime

from ansible_collections.multiregion.serverless.plugins.modules.apigateway_client_certificate import main
from ansible_collections.multiregion.serverless.plugins.modules.apigateway_client_certificate import matching
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

DESCRIPTION = "items-api-v1"
TAGS = {"Deployment": "prod"}
PEM = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"


def certificate(certificate_id="a1b2c3", description=DESCRIPTION, tags=None, day=1) -> dict:
    return {
        "clientCertificateId": certificate_id,
        "description": description,
        "pemEncodedCertificate": PEM,
        "createdDate": datetime.datetime(2026, 12, day, tzinfo=datetime.UTC),
        "expirationDate": datetime.datetime(2027, 12, day, tzinfo=datetime.UTC),
        "tags": TAGS if tags is None else tags,
    }


def expect_list(aws, *items):
    aws.stub("apigateway").add_response("get_client_certificates", {"items": list(items)}, {})


def test_generates_a_tagged_certificate_when_none_has_the_description(aws):
    expect_list(aws, certificate("other", description="another-api-v1"))
    aws.stub("apigateway").add_response(
        "generate_client_certificate", certificate(), {"description": DESCRIPTION, "tags": TAGS}
    )
    result = run_module(main, {"description": DESCRIPTION, "tags": TAGS}, diff=True)
    assert_changed(result)
    assert result["client_certificate"]["client_certificate_id"] == "a1b2c3"
    assert result["client_certificate"]["pem_encoded_certificate"] == PEM
    assert result["diff"]["after"]["description"] == DESCRIPTION


def test_a_rerun_finds_the_certificate_by_its_description_and_generates_none(aws):
    expect_list(aws, certificate())
    result = run_module(main, {"description": DESCRIPTION, "tags": TAGS})
    assert result["changed"] is False
    assert result["client_certificate"]["client_certificate_id"] == "a1b2c3"
    assert result["duplicates"] == []


def test_check_mode_generates_nothing(aws):
    expect_list(aws)
    result = run_module(main, {"description": DESCRIPTION, "tags": TAGS}, check_mode=True)
    assert result["changed"] is True
    assert result["client_certificate"]["client_certificate_id"] is None


def test_tags_are_reconciled_on_the_found_certificate(aws):
    expect_list(aws, certificate(tags={"Deployment": "old", "Stale": "x"}))
    arn = "arn:aws:apigateway:eu-west-1::/clientcertificates/a1b2c3"
    aws.stub("apigateway").add_response("untag_resource", {}, {"resourceArn": arn, "tagKeys": ["Stale"]})
    aws.stub("apigateway").add_response("tag_resource", {}, {"resourceArn": arn, "tags": TAGS})
    result = run_module(main, {"description": DESCRIPTION, "tags": TAGS})
    assert result["changed"] is True
    assert result["client_certificate"]["tags"] == TAGS


def test_duplicates_keep_the_newest_and_are_reported(aws):
    expect_list(aws, certificate("old", day=1), certificate("new", day=3))
    result = run_module(main, {"description": DESCRIPTION, "tags": TAGS})
    assert result["changed"] is False
    assert result["client_certificate"]["client_certificate_id"] == "new"
    assert result["duplicates"] == ["old"]
    assert any("more client certificate" in w for w in result["warnings"])


def test_absent_deletes_every_certificate_with_the_description(aws):
    expect_list(aws, certificate("old", day=1), certificate("new", day=3), certificate("x", description="other"))
    aws.stub("apigateway").add_response("delete_client_certificate", {}, {"clientCertificateId": "new"})
    aws.stub("apigateway").add_response("delete_client_certificate", {}, {"clientCertificateId": "old"})
    result = run_module(main, {"description": DESCRIPTION, "state": "absent"})
    assert result["changed"] is True


def test_absent_when_missing_is_no_change(aws):
    expect_list(aws)
    assert run_module(main, {"description": DESCRIPTION, "state": "absent"})["changed"] is False


def test_an_empty_description_is_refused():
    result = run_module(main, {"description": "  "})
    assert result["failed"] is True and "description" in result["msg"]


def test_matching_orders_newest_first():
    found = matching([certificate("a", day=1), certificate("b", day=2), certificate("c", description="z")], DESCRIPTION)
    assert [c["clientCertificateId"] for c in found] == ["b", "a"]

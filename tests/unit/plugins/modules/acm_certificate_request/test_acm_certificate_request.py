from __future__ import annotations

import datetime
import re

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import acm_certificate_request as acm
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture

ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b"
OTHER_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0c0c0c0c-1111-2222-3333-444444444444"
DOMAIN = "api.example.com"
WILDCARD = "*.api.example.com"
NAMES = acm.wanted_names(DOMAIN, [WILDCARD])
RECORD = {
    "Name": "_3639ac514e785e898d2646601fa951d5.api.example.com.",
    "Type": "CNAME",
    "Value": "_98d2646601fa951d53639ac514e785e8.acm-validations.aws.",
}
ARGS = {"domain_name": DOMAIN, "subject_alternative_names": [WILDCARD]}
LIST_PRESENT = {"CertificateStatuses": acm.REUSABLE_STATUSES, "Includes": {"keyTypes": acm.ALL_KEY_TYPES}}
LIST_ABSENT = {"CertificateStatuses": acm.ALL_STATUSES, "Includes": {"keyTypes": acm.ALL_KEY_TYPES}}
CREATED = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


clock = clock_fixture(acm)


def summary(arn=ARN, domain=DOMAIN, status="ISSUED"):
    return {
        "CertificateArn": arn,
        "DomainName": domain,
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": "RSA_2048",
    }


def detail(arn=ARN, domain=DOMAIN, sans=(DOMAIN, WILDCARD), status="ISSUED", records=True, **extra):
    options = []
    for name in sans:
        option = {"DomainName": name, "ValidationDomain": name, "ValidationMethod": "DNS"}
        option["ValidationStatus"] = "SUCCESS" if status == "ISSUED" else "PENDING_VALIDATION"
        if records:
            option["ResourceRecord"] = dict(RECORD)
        options.append(option)
    certificate = {
        "CertificateArn": arn,
        "DomainName": domain,
        "SubjectAlternativeNames": list(sans),
        "DomainValidationOptions": options,
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": "RSA_2048",
        "InUseBy": [],
        "CreatedAt": CREATED,
    }
    certificate.update(extra)
    return {"Certificate": certificate}


def expect_request(aws, arn=ARN, **params):
    """RequestCertificate for DOMAIN with DNS validation and ``params`` besides, answered with ``arn``."""
    expected = {"DomainName": DOMAIN, "ValidationMethod": "DNS", "IdempotencyToken": ANY, **params}
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": arn}, expected)


def expect_list(aws, summaries, params=None):
    aws.stub("acm").add_response("list_certificates", {"CertificateSummaryList": summaries}, params or LIST_PRESENT)


def expect_describe(aws, response, arn=ARN):
    aws.stub("acm").add_response("describe_certificate", response, {"CertificateArn": arn})


def expect_tags(aws, tags, arn=ARN):
    # ACM leaves Tags out of the answer for an untagged certificate (an empty list breaks the model's minimum).
    aws.stub("acm").add_response("list_tags_for_certificate", {"Tags": tags} if tags else {}, {"CertificateArn": arn})


def expect_existing(aws, tags=(), status="ISSUED"):
    expect_list(aws, [summary(status=status)])
    expect_describe(aws, detail(status=status))
    expect_tags(aws, list(tags))


# --- create -----------------------------------------------------------------------------------------------


def test_requests_a_certificate_and_returns_its_validation_records(aws):
    expect_list(aws, [])
    expect_request(aws, SubjectAlternativeNames=[WILDCARD], Tags=[{"Key": "Application", "Value": "global-api"}])
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    result = run_module(acm.main, {**ARGS, "tags": {"Application": "global-api"}})
    assert_changed(result)
    assert result["certificate"]["arn"] == ARN
    assert result["certificate"]["status"] == "PENDING_VALIDATION"
    assert result["certificate"]["tags"] == {"Application": "global-api"}
    # The wildcard and its base domain share one record.
    assert result["validation_records"] == [{"name": RECORD["Name"], "type": "CNAME", "value": RECORD["Value"]}]


def test_validation_records_that_appear_on_a_later_poll_are_waited_for(aws, clock):
    expect_list(aws, [])
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": ARN})
    aws.stub("acm").add_client_error("describe_certificate", **client_error("ResourceNotFoundException"))
    expect_describe(aws, detail(status="PENDING_VALIDATION", records=False))
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    result = run_module(acm.main, ARGS)
    assert not result.get("failed"), result
    assert clock.sleeps == [acm.RECORDS_DELAY, acm.RECORDS_DELAY]
    assert result["validation_records"][0]["name"] == RECORD["Name"]


def test_validation_records_that_never_appear_fail_clearly(aws, clock, monkeypatch):
    monkeypatch.setattr(acm, "RECORDS_TIMEOUT", 5)
    expect_list(aws, [])
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": ARN})
    expect_describe(aws, detail(status="PENDING_VALIDATION", records=False))
    expect_describe(aws, detail(status="PENDING_VALIDATION", records=False))
    result = run_module(acm.main, ARGS)
    assert result["failed"]
    assert "no DNS validation records" in result["msg"] and ARN in result["msg"]


def test_a_certificate_with_only_its_domain_sends_no_alternative_names(aws):
    expect_list(aws, [])
    expect_request(aws, KeyAlgorithm="EC_prime256v1")
    expect_describe(aws, detail(sans=(DOMAIN,), status="PENDING_VALIDATION"))
    result = run_module(acm.main, {"domain_name": DOMAIN, "key_algorithm": "EC_prime256v1"})
    assert_changed(result)


def test_a_request_after_a_delete_carries_a_new_token(aws):
    """A destroy and a redeploy within the hour: ACM would answer a repeated token with the deleted certificate."""
    sent = aws.sent("acm", "RequestCertificate")
    for arn in (ARN, OTHER_ARN):
        expect_list(aws, [])
        expect_request(aws, arn, SubjectAlternativeNames=[WILDCARD])
        expect_describe(aws, detail(arn=arn, status="PENDING_VALIDATION"), arn=arn)
        result = run_module(acm.main, ARGS)
        assert result["certificate"]["arn"] == arn
        if arn == ARN:
            expect_list(aws, [summary(status="PENDING_VALIDATION")], LIST_ABSENT)
            expect_describe(aws, detail(status="PENDING_VALIDATION"))
            aws.stub("acm").add_response("delete_certificate", {}, {"CertificateArn": ARN})
            assert run_module(acm.main, {**ARGS, "state": "absent"})["changed"] is True
    tokens = [params["IdempotencyToken"] for params in sent]
    assert len(tokens) == 2
    assert tokens[0] != tokens[1]
    assert all(re.fullmatch(r"\w{1,32}", token) for token in tokens), tokens


def test_a_retried_request_sends_the_same_token(aws):
    """A throttled (or unanswered) request is retried with its token, so ACM does not issue a second certificate."""
    sent = aws.sent("acm", "RequestCertificate")
    expect_list(aws, [])
    aws.stub("acm").add_client_error("request_certificate", **client_error("ThrottlingException"))
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": ARN})
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    result = run_module(acm.main, ARGS)
    assert not result.get("failed"), result
    assert result["certificate"]["arn"] == ARN
    assert len(sent) == 2
    assert sent[0]["IdempotencyToken"] == sent[1]["IdempotencyToken"]
    assert len(aws.sleeps) == 1


def test_a_failed_request_names_the_domain(aws):
    expect_list(aws, [])
    aws.stub("acm").add_client_error("request_certificate", **client_error("LimitExceededException"))
    result = run_module(acm.main, ARGS)
    assert_fails_with(result, f"Failed to request certificate {DOMAIN}")


# --- no change, identity ----------------------------------------------------------------------------------


def test_an_existing_certificate_is_no_change(aws):
    expect_existing(aws, tags=[{"Key": "Application", "Value": "global-api"}])
    result = run_module(acm.main, {**ARGS, "tags": {"Application": "global-api"}})
    assert_unchanged(result)
    assert result["certificate"]["status"] == "ISSUED"
    assert result["validation_records"] == [{"name": RECORD["Name"], "type": "CNAME", "value": RECORD["Value"]}]


def test_names_are_compared_as_a_set_whatever_their_case_and_order(aws):
    expect_existing(aws)
    result = run_module(acm.main, {"domain_name": "API.example.com", "subject_alternative_names": [WILDCARD, DOMAIN]})
    assert result["changed"] is False
    assert result["certificate"]["arn"] == ARN


def test_a_certificate_with_other_names_is_not_reused(aws):
    expect_list(aws, [summary(), summary(arn=OTHER_ARN, domain="www.example.com")])
    expect_describe(aws, detail(sans=(DOMAIN, "extra.example.com")))
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": OTHER_ARN})
    expect_describe(aws, detail(arn=OTHER_ARN, status="PENDING_VALIDATION"), arn=OTHER_ARN)
    result = run_module(acm.main, ARGS)
    assert result["changed"] is True
    assert result["certificate"]["arn"] == OTHER_ARN


def test_listing_is_paginated(aws):
    aws.stub("acm").add_response(
        "list_certificates",
        {"CertificateSummaryList": [summary(arn=OTHER_ARN, domain="x.example.com")], "NextToken": "t"},
        LIST_PRESENT,
    )
    aws.stub("acm").add_response(
        "list_certificates", {"CertificateSummaryList": [summary()]}, {**LIST_PRESENT, "NextToken": "t"}
    )
    expect_describe(aws, detail())
    expect_tags(aws, [])
    result = run_module(acm.main, ARGS)
    assert result["changed"] is False
    assert result["certificate"]["arn"] == ARN


def test_an_issued_certificate_is_preferred_to_a_pending_one(aws):
    expect_list(aws, [summary(arn=OTHER_ARN, status="PENDING_VALIDATION"), summary()])
    expect_describe(aws, detail(arn=OTHER_ARN, status="PENDING_VALIDATION"), arn=OTHER_ARN)
    expect_describe(aws, detail())
    expect_tags(aws, [])
    result = run_module(acm.main, ARGS)
    assert result["certificate"]["arn"] == ARN
    assert any("2 certificates match" in w for w in result.get("warnings", []))


def test_an_existing_request_without_records_yet_is_polled_for_them(aws, clock):
    expect_list(aws, [summary(status="PENDING_VALIDATION")])
    expect_describe(aws, detail(status="PENDING_VALIDATION", records=False))
    expect_tags(aws, [])
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    result = run_module(acm.main, ARGS)
    assert_unchanged(result)
    assert result["validation_records"][0]["value"] == RECORD["Value"]
    # The first poll is at once; the records were there.
    assert clock.sleeps == []


# --- update -----------------------------------------------------------------------------------------------


def test_tags_are_added_and_removed(aws):
    expect_existing(aws, tags=[{"Key": "old", "Value": "1"}, {"Key": "keep", "Value": "k"}])
    aws.stub("acm").add_response("remove_tags_from_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "old"}]})
    aws.stub("acm").add_response(
        "add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "new", "Value": "2"}]}
    )
    result = run_module(acm.main, {**ARGS, "tags": {"keep": "k", "new": "2"}}, diff=True)
    assert_changed(result)
    assert result["certificate"]["tags"] == {"keep": "k", "new": "2"}
    assert result["diff"]["before"]["tags"] == {"old": "1", "keep": "k"}
    assert result["diff"]["after"]["tags"] == {"keep": "k", "new": "2"}


def test_tags_are_kept_without_purge(aws):
    expect_existing(aws, tags=[{"Key": "old", "Value": "1"}])
    aws.stub("acm").add_response(
        "add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "new", "Value": "2"}]}
    )
    result = run_module(acm.main, {**ARGS, "tags": {"new": "2"}, "purge_tags": False})
    assert result["certificate"]["tags"] == {"old": "1", "new": "2"}


def test_a_tag_without_value_is_read(aws):
    expect_existing(aws, tags=[{"Key": "flag"}])
    result = run_module(acm.main, {**ARGS, "tags": {"flag": ""}})
    assert result["changed"] is False


# --- wait -------------------------------------------------------------------------------------------------


def test_wait_polls_until_issued(aws, clock):
    expect_existing(aws, status="PENDING_VALIDATION")
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    expect_describe(aws, detail(status="ISSUED"))
    result = run_module(acm.main, {**ARGS, "wait": True})
    assert_unchanged(result)
    assert result["certificate"]["status"] == "ISSUED"
    assert clock.sleeps == [acm.ISSUED_DELAY]


def test_wait_on_an_issued_certificate_makes_no_extra_call(aws, clock):
    expect_existing(aws)
    result = run_module(acm.main, {**ARGS, "wait": True})
    assert result["certificate"]["status"] == "ISSUED"
    assert clock.sleeps == []


def test_wait_timeout_names_the_records_to_check(aws, clock):
    expect_existing(aws, status="PENDING_VALIDATION")
    for _poll in range(3):
        expect_describe(aws, detail(status="PENDING_VALIDATION"))
    result = run_module(acm.main, {**ARGS, "wait": True, "wait_timeout": 40})
    assert_fails_mentioning(result, "still PENDING_VALIDATION after 40 seconds")
    assert RECORD["Name"] in result["msg"]


def test_failed_validation_ends_the_wait_with_the_reason(aws, clock):
    expect_existing(aws, status="PENDING_VALIDATION")
    expect_describe(aws, detail(status="FAILED", FailureReason="CAA_ERROR"))
    result = run_module(acm.main, {**ARGS, "wait": True})
    assert_fails_mentioning(result, "status FAILED (CAA_ERROR)")
    assert clock.sleeps == []


def test_a_new_request_can_be_waited_for_in_the_same_run(aws, clock):
    expect_list(aws, [])
    aws.stub("acm").add_response("request_certificate", {"CertificateArn": ARN})
    expect_describe(aws, detail(status="PENDING_VALIDATION"))
    expect_describe(aws, detail(status="ISSUED"))
    result = run_module(acm.main, {**ARGS, "wait": True})
    assert result["changed"] is True
    assert result["certificate"]["status"] == "ISSUED"


# --- delete -----------------------------------------------------------------------------------------------


def test_delete(aws):
    expect_list(aws, [summary()], LIST_ABSENT)
    expect_describe(aws, detail())
    aws.stub("acm").add_response("delete_certificate", {}, {"CertificateArn": ARN})
    result = run_module(acm.main, {**ARGS, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["certificate"] == {}
    assert result["diff"]["before"]["arn"] == ARN and result["diff"]["after"] == {}


def test_delete_removes_failed_certificates_of_the_same_names_too(aws):
    expect_list(aws, [summary(), summary(arn=OTHER_ARN, status="FAILED")], LIST_ABSENT)
    expect_describe(aws, detail())
    expect_describe(aws, detail(arn=OTHER_ARN, status="FAILED"), arn=OTHER_ARN)
    aws.stub("acm").add_response("delete_certificate", {}, {"CertificateArn": ARN})
    aws.stub("acm").add_response("delete_certificate", {}, {"CertificateArn": OTHER_ARN})
    result = run_module(acm.main, {**ARGS, "state": "absent"})
    assert result["changed"] is True


def test_already_absent(aws):
    expect_list(aws, [], LIST_ABSENT)
    result = run_module(acm.main, {**ARGS, "state": "absent"})
    assert result["changed"] is False


def test_a_certificate_gone_between_list_and_describe_is_absent(aws):
    expect_list(aws, [summary()], LIST_ABSENT)
    aws.stub("acm").add_client_error("describe_certificate", **client_error("ResourceNotFoundException"))
    result = run_module(acm.main, {**ARGS, "state": "absent"})
    assert_unchanged(result)


def test_a_certificate_deleted_meanwhile_is_not_an_error(aws):
    expect_list(aws, [summary()], LIST_ABSENT)
    expect_describe(aws, detail())
    aws.stub("acm").add_client_error("delete_certificate", **client_error("ResourceNotFoundException"))
    result = run_module(acm.main, {**ARGS, "state": "absent"})
    assert_unchanged(result)


def test_delete_is_refused_when_in_use(aws):
    user = "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com"
    expect_list(aws, [summary()], LIST_ABSENT)
    expect_describe(aws, detail(InUseBy=[user]))
    result = run_module(acm.main, {**ARGS, "state": "absent"})
    assert result["failed"]
    assert "Refusing to delete" in result["msg"] and user in result["msg"] and ARN in result["msg"]


def test_delete_in_check_mode_is_refused_too_when_in_use(aws):
    expect_list(aws, [summary()], LIST_ABSENT)
    expect_describe(aws, detail(InUseBy=["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1"]))
    result = run_module(acm.main, {**ARGS, "state": "absent"}, check_mode=True)
    assert result["failed"]


# --- retries, errors --------------------------------------------------------------------------------------


def test_throttling_is_retried(aws):
    aws.stub("acm").add_client_error("list_certificates", **client_error("ThrottlingException", status=400))
    expect_list(aws, [summary()])
    aws.stub("acm").add_client_error("describe_certificate", **client_error("ThrottlingException", status=400))
    expect_describe(aws, detail())
    expect_tags(aws, [])
    result = run_module(acm.main, ARGS)
    assert_unchanged(result)
    assert len(aws.sleeps) == 2


def test_access_denied_fails_with_the_action(aws):
    aws.stub("acm").add_client_error("list_certificates", **client_error("AccessDeniedException"))
    result = run_module(acm.main, ARGS)
    assert_fails_with(result, "Failed to list certificates")


# --- check mode, diff -------------------------------------------------------------------------------------


def test_check_mode_requests_nothing(aws):
    expect_list(aws, [])
    result = run_module(acm.main, {**ARGS, "tags": {"a": "1"}, "wait": True}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["certificate"]["arn"] is None
    assert result["certificate"]["status"] == "PENDING_VALIDATION"
    assert result["validation_records"] == []
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["subject_alternative_names"] == [WILDCARD, DOMAIN]
    assert result["diff"]["after"]["tags"] == {"a": "1"}


def test_check_mode_changes_no_tag(aws):
    expect_existing(aws, tags=[{"Key": "a", "Value": "1"}])
    result = run_module(acm.main, {**ARGS, "tags": {"a": "2"}}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["tags"] == {"a": "2"}


def test_check_mode_deletes_nothing(aws):
    expect_list(aws, [summary()], LIST_ABSENT)
    expect_describe(aws, detail())
    result = run_module(acm.main, {**ARGS, "state": "absent"}, check_mode=True)
    assert result["changed"] is True


def test_no_diff_unless_asked(aws):
    expect_existing(aws)
    assert "diff" not in run_module(acm.main, ARGS)


# --- known_tags: the tags a GetResources snapshot showed earlier in the run -------------------------------

TAGS = {"Application": "global-api"}
TAGGED = {**ARGS, "tags": TAGS}


def expect_existing_without_tags(aws, status="ISSUED"):
    """The listing and description of an existing certificate, but ListTagsForCertificate."""
    expect_list(aws, [summary(status=status)])
    expect_describe(aws, detail(status=status))


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_showing_the_wanted_tags_are_not_read_again(aws, check_mode):
    expect_existing(aws, tags=[{"Key": "Application", "Value": "global-api"}])
    read = run_module(acm.main, TAGGED, check_mode=check_mode, diff=True)
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing_without_tags(aws)
    known = {ARN: dict(TAGS), OTHER_ARN: {"Application": "other"}}
    result = run_module(acm.main, {**TAGGED, "known_tags": known}, check_mode=check_mode, diff=True)
    assert_unchanged(result)
    assert tag_reads == []
    assert result == read  # the same result and diff as with the tags read
    assert result["diff"]["before"] == result["diff"]["after"]


def test_known_tags_with_another_value_are_read_and_the_update_planned(aws):
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing(aws, tags=[{"Key": "Application", "Value": "old"}])
    aws.stub("acm").add_response(
        "add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Application", "Value": "global-api"}]}
    )
    result = run_module(acm.main, {**TAGGED, "known_tags": {ARN: {"Application": "old"}}}, diff=True)
    assert_changed(result)
    assert tag_reads == [{"CertificateArn": ARN}]
    assert result["diff"]["before"]["tags"] == {"Application": "old"}
    assert result["certificate"]["tags"] == TAGS


def test_known_tags_without_the_certificate_are_read(aws):
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing(aws, tags=[{"Key": "Application", "Value": "global-api"}])
    assert_unchanged(run_module(acm.main, {**TAGGED, "known_tags": {OTHER_ARN: dict(TAGS)}}))
    assert tag_reads == [{"CertificateArn": ARN}]


def test_known_tags_with_an_extra_tag_are_no_difference_without_purge(aws):
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing_without_tags(aws)
    known = {ARN: {**TAGS, "Owner": "ops"}}
    result = run_module(acm.main, {**TAGGED, "purge_tags": False, "known_tags": known}, diff=True)
    assert_unchanged(result)
    assert tag_reads == []
    assert result["certificate"]["tags"] == {**TAGS, "Owner": "ops"}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_known_tags_with_an_extra_tag_are_read_with_purge(aws):
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing(aws, tags=[{"Key": "Application", "Value": "global-api"}])
    assert_unchanged(run_module(acm.main, {**TAGGED, "known_tags": {ARN: {**TAGS, "Owner": "ops"}}}))
    assert tag_reads == [{"CertificateArn": ARN}]


def test_known_tags_are_not_taken_when_the_task_leaves_tags_alone(aws):
    tag_reads = aws.sent("acm", "ListTagsForCertificate")
    expect_existing(aws, tags=[{"Key": "Application", "Value": "global-api"}])
    assert_unchanged(run_module(acm.main, {**ARGS, "known_tags": {ARN: dict(TAGS)}}))
    assert tag_reads == [{"CertificateArn": ARN}]

from __future__ import annotations

import re

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import acm_certificate_request as acm

DOMAIN = "api.example.com"


def cert(domain=DOMAIN, sans=(DOMAIN,), key="RSA_2048", kind="AMAZON_ISSUED", status="ISSUED", created="2026-01-01"):
    return {
        "DomainName": domain,
        "SubjectAlternativeNames": list(sans),
        "KeyAlgorithm": key,
        "Type": kind,
        "Status": status,
        "CreatedAt": created,
    }


@pytest.mark.parametrize(
    "domain, sans, expected",
    [
        (DOMAIN, [], {DOMAIN}),
        (DOMAIN, [DOMAIN], {DOMAIN}),
        ("API.Example.com", ["*.API.example.com"], {DOMAIN, "*.api.example.com"}),
        (DOMAIN, None, {DOMAIN}),
    ],
)
def test_wanted_names(domain, sans, expected):
    assert acm.wanted_names(domain, sans) == frozenset(expected)


@pytest.mark.parametrize(
    "certificate, key_algorithm, expected",
    [
        (cert(), None, True),
        (cert(domain="API.EXAMPLE.COM", sans=("API.EXAMPLE.COM",)), None, True),
        (cert(sans=(DOMAIN, "www.example.com")), None, False),
        (cert(domain="www.example.com", sans=("www.example.com",)), None, False),
        (cert(kind="IMPORTED"), None, False),
        (cert(kind="PRIVATE"), None, False),
        (cert(key="EC_prime256v1"), None, True),
        (cert(key="EC_prime256v1"), "EC_prime256v1", True),
        (cert(key="RSA_2048"), "EC_prime256v1", False),
    ],
)
def test_matches(certificate, key_algorithm, expected):
    assert acm.matches(certificate, DOMAIN, frozenset([DOMAIN]), key_algorithm) is expected


@pytest.mark.parametrize(
    "candidates, expected_created",
    [
        ([], None),
        ([cert(status="PENDING_VALIDATION", created="2026-02-01"), cert(created="2026-01-01")], "2026-01-01"),
        ([cert(created="2026-01-01"), cert(created="2026-03-01")], "2026-03-01"),
        (
            [
                cert(status="PENDING_VALIDATION", created="2026-01-01"),
                cert(status="PENDING_VALIDATION", created="2026-05-01"),
            ],
            "2026-05-01",
        ),
    ],
)
def test_best_match(candidates, expected_created):
    best = acm.best_match(candidates)
    assert (best or {}).get("CreatedAt") == expected_created


RECORD_A = {"Name": "_a.api.example.com.", "Type": "CNAME", "Value": "_x.acm-validations.aws."}
RECORD_B = {"Name": "_b.www.example.com.", "Type": "CNAME", "Value": "_y.acm-validations.aws."}


@pytest.mark.parametrize(
    "options, ready, records",
    [
        ([], False, []),
        ([{"DomainName": DOMAIN, "ValidationMethod": "DNS"}], False, []),
        ([{"DomainName": DOMAIN, "ValidationMethod": "DNS", "ResourceRecord": RECORD_A}], True, [RECORD_A]),
        (
            [
                {"DomainName": DOMAIN, "ResourceRecord": RECORD_A},
                {"DomainName": "*.api.example.com", "ResourceRecord": RECORD_A},
                {"DomainName": "www.example.com", "ResourceRecord": RECORD_B},
            ],
            True,
            [RECORD_A, RECORD_B],
        ),
        (
            [
                {"DomainName": DOMAIN, "ValidationMethod": "DNS", "ResourceRecord": RECORD_A},
                {"DomainName": "www.example.com", "ValidationMethod": "DNS"},
            ],
            False,
            [RECORD_A],
        ),
    ],
)
def test_records(options, ready, records):
    certificate = {"DomainValidationOptions": options}
    assert acm.records_ready(certificate) is ready
    expected = [{"name": r["Name"], "type": r["Type"], "value": r["Value"]} for r in records]
    assert acm.validation_records(certificate) == expected


def test_idempotency_token_is_valid_and_new_for_each_request():
    # ACM honours a token for an hour: one derived from the names would replay a deleted certificate.
    tokens = {acm.idempotency_token() for _request in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(r"\w{1,32}", token) for token in tokens)


@pytest.mark.parametrize(
    "tags, expected",
    [(None, {}), ([], {}), ([{"Key": "a", "Value": "1"}, {"Key": "flag"}], {"a": "1", "flag": ""})],
)
def test_tags_from_acm(tags, expected):
    assert acm.tags_from_acm(tags) == expected

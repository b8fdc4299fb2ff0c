"""route53_records' main() through every API path, with botocore's Stubber."""

from __future__ import annotations

import datetime

from ansible_collections.multiregion.serverless.plugins.modules import route53_records as m
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import FakeClock

from .responses import alias_options
from .responses import alias_record

ZONE = "Z0123456789ABCDEFGHIJ"
NOW = datetime.datetime(2026, 12, 6, tzinfo=datetime.timezone.utc)  # noqa: UP017


def alias(region="eu-west-1", record_type="A", **given):
    return {**alias_options(region, record_type), **given}


def listing(stub, name, records, start=None, next_page=None):
    expected = {"HostedZoneId": ZONE, "StartRecordName": name, "MaxItems": "300"}
    expected.update(start or {})
    response = {"ResourceRecordSets": records, "IsTruncated": bool(next_page), "MaxItems": "300"}
    response.update(next_page or {})
    stub.add_response("list_resource_record_sets", response, expected)


def change(stub, changes, status="INSYNC"):
    stub.add_response(
        "change_resource_record_sets",
        {"ChangeInfo": {"Id": "/change/C1", "Status": status, "SubmittedAt": NOW}},
        {
            "HostedZoneId": ZONE,
            "ChangeBatch": {"Comment": "multiregion.serverless.route53_records", "Changes": changes},
        },
    )


def test_creates_the_records_in_one_batch(aws):
    r53 = aws.stub("route53")
    # The listing from the name on reaches another name: the name has no records.
    listing(r53, "api.example.com.", [{**alias_record(), "Name": "www.example.com."}])
    change(
        r53,
        [
            {"Action": "UPSERT", "ResourceRecordSet": alias_record("eu-west-1")},
            {"Action": "UPSERT", "ResourceRecordSet": alias_record("eu-central-1")},
        ],
    )
    result = run_module(
        m.main,
        {"hosted_zone_id": f"/hostedzone/{ZONE}", "records": [alias("eu-west-1"), alias("eu-central-1")]},
        diff=True,
    )
    assert result["changed"] is True, result
    assert result["change_id"] == "/change/C1"
    assert [c["action"] for c in result["changes"]] == ["UPSERT", "UPSERT"]
    assert result["diff"]["before"] == {"api.example.com. A eu-west-1": {}, "api.example.com. A eu-central-1": {}}
    after = result["diff"]["after"]["api.example.com. A eu-west-1"]
    assert after["alias_target"]["dns_name"] == "d-eu-west-1.execute-api.eu-west-1.amazonaws.com."
    assert after["set_identifier"] == "eu-west-1"


def test_check_mode_sends_nothing(aws):
    listing(aws.stub("route53"), "api.example.com.", [])
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias()]}, check_mode=True)
    assert result["changed"] is True
    assert "change_id" not in result
    assert result["changes"][0]["action"] == "UPSERT"


def test_unchanged_records_are_no_change(aws):
    r53 = aws.stub("route53")
    listing(
        r53,
        "api.example.com.",
        [alias_record("eu-central-1"), alias_record("eu-west-1"), alias_record("eu-west-1", "AAAA")],
    )
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias("eu-west-1"), alias("eu-central-1")]})
    assert result["changed"] is False, result["changes"]
    assert result["changes"] == []


def test_a_changed_weight_upserts_that_record_only(aws):
    r53 = aws.stub("route53")
    listing(r53, "api.example.com.", [alias_record("eu-central-1"), alias_record("eu-west-1")])
    change(r53, [{"Action": "UPSERT", "ResourceRecordSet": alias_record("eu-west-1", Weight=100)}])
    result = run_module(
        m.main, {"hosted_zone_id": ZONE, "records": [alias("eu-west-1", weight=100), alias("eu-central-1")]}, diff=True
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["api.example.com. A eu-west-1"]["weight"] == 50
    assert result["diff"]["after"]["api.example.com. A eu-west-1"]["weight"] == 100


def test_absent_records_are_deleted_as_listed_and_first(aws):
    r53 = aws.stub("route53")
    current = [alias_record("eu-west-1"), alias_record("eu-west-1", "AAAA")]
    listing(r53, "api.example.com.", current)
    change(
        r53,
        [
            {"Action": "DELETE", "ResourceRecordSet": current[1]},
            {"Action": "UPSERT", "ResourceRecordSet": alias_record("eu-west-1", Weight=10)},
        ],
    )
    records = [
        alias("eu-west-1", weight=10),
        {"name": "api.example.com", "type": "AAAA", "set_identifier": "eu-west-1", "state": "absent"},
    ]
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": records})
    assert [c["action"] for c in result["changes"]] == ["DELETE", "UPSERT"]
    assert [r["type"] for r in result["records"]] == ["A"]


def test_absent_of_a_missing_record_is_no_change(aws):
    listing(aws.stub("route53"), "api.example.com.", [alias_record("eu-west-1")])
    records = [{"name": "api.example.com", "type": "AAAA", "set_identifier": "eu-west-1", "state": "absent"}]
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": records})
    assert result["changed"] is False


def test_purge_names_deletes_unlisted_records_of_the_name(aws):
    r53 = aws.stub("route53")
    current = [alias_record("eu-central-1"), alias_record("eu-west-1")]
    listing(r53, "api.example.com.", current)
    change(r53, [{"Action": "DELETE", "ResourceRecordSet": current[0]}])
    result = run_module(
        m.main, {"hosted_zone_id": ZONE, "records": [alias("eu-west-1")], "purge_names": ["api.example.com."]}
    )
    assert result["changed"] is True
    assert result["changes"] == [{"action": "DELETE", **m.record_view(current[0])}]


def test_records_of_a_name_are_read_page_by_page_within_the_name(aws):
    r53 = aws.stub("route53")
    listing(
        r53,
        "api.example.com.",
        [alias_record("eu-central-1")],
        next_page={"NextRecordName": "api.example.com.", "NextRecordType": "A", "NextRecordIdentifier": "eu-west-1"},
    )
    listing(
        r53,
        "api.example.com.",
        [alias_record("eu-west-1")],
        start={"StartRecordType": "A", "StartRecordIdentifier": "eu-west-1"},
        next_page={"NextRecordName": "www.example.com.", "NextRecordType": "A"},
    )
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias("eu-west-1"), alias("eu-central-1")]})
    assert result["changed"] is False, result["changes"]


def test_wait_polls_the_change_until_insync(aws, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(m, "_now", clock.now)
    monkeypatch.setattr(m, "_sleep", clock.sleep)
    r53 = aws.stub("route53")
    listing(r53, "api.example.com.", [])
    change(r53, [{"Action": "UPSERT", "ResourceRecordSet": alias_record()}], status="PENDING")
    r53.add_response(
        "get_change",
        {"ChangeInfo": {"Id": "/change/C1", "Status": "PENDING", "SubmittedAt": NOW}},
        {"Id": "/change/C1"},
    )
    r53.add_response(
        "get_change", {"ChangeInfo": {"Id": "/change/C1", "Status": "INSYNC", "SubmittedAt": NOW}}, {"Id": "/change/C1"}
    )
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias()], "wait": True})
    assert result["change_status"] == "INSYNC"
    assert clock.sleeps == [5]


def test_a_throttled_listing_is_retried(aws):
    r53 = aws.stub("route53")
    r53.add_client_error("list_resource_record_sets", **client_error("Throttling", "Rate exceeded", 400))
    listing(r53, "api.example.com.", [alias_record()])
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias()]})
    assert result["changed"] is False, result
    assert aws.sleeps


def test_a_missing_zone_fails_naming_it(aws):
    r53 = aws.stub("route53")
    r53.add_client_error("list_resource_record_sets", **client_error("NoSuchHostedZone", "No hosted zone", 404))
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias()]})
    assert_fails_mentioning(result, "list the records named api.example.com.")


def test_a_refused_batch_fails_with_its_reason(aws):
    r53 = aws.stub("route53")
    listing(r53, "api.example.com.", [])
    r53.add_client_error(
        "change_resource_record_sets", **client_error("InvalidChangeBatch", "RRSet has conflicting routing", 400)
    )
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias()]})
    assert_fails_mentioning(result, "change the records of hosted zone")


def test_bad_input_fails_before_any_call(aws):
    result = run_module(m.main, {"hosted_zone_id": ZONE, "records": [alias(set_identifier=None)]})
    assert_fails_mentioning(result, "records[0] (api.example.com A): set_identifier is required with weight")

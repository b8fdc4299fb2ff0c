from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import route53_records as m

from .responses import ALIAS_ZONE
from .responses import alias_options
from .responses import alias_record


def item(**given):
    return {
        "name": "api.example.com",
        "type": "A",
        "ttl": 300,
        "values": None,
        "alias": None,
        "set_identifier": None,
        "weight": None,
        "failover": None,
        "region": None,
        "multi_value_answer": None,
        "health_check_id": None,
        "state": "present",
        **given,
    }


def alias_item(region="eu-west-1", record_type="A", **given):
    return item(**{**alias_options(region, record_type), **given})


CNAME = {"Name": "_abc.api.example.com.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "_x.acm.aws."}]}
TXT = {"Name": "\\052.example.com.", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": '"b"'}, {"Value": '"a"'}]}


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("d-1.execute-api.eu-west-1.amazonaws.com.", "d-1.execute-api.eu-west-1.amazonaws.com"),
        ("D-1.Execute-api.eu-west-1.amazonaws.com", "d-1.execute-api.eu-west-1.amazonaws.com"),
        ("dualstack.my-lb-1.eu-west-1.elb.amazonaws.com.", "my-lb-1.eu-west-1.elb.amazonaws.com"),
    ],
)
def test_alias_names_are_normalised(raw, normal):
    assert m.norm_alias_name(raw) == normal


def test_an_unchanged_list_is_no_change():
    current = [alias_record("eu-west-1"), alias_record("eu-central-1"), CNAME, TXT]
    items = [
        alias_item("eu-central-1"),
        alias_item("eu-west-1"),
        item(name="_ABC.api.example.com", type="CNAME", values=["_x.acm.aws."]),
        # Values are a set; \052 is *.
        item(name="*.example.com", type="TXT", ttl=60, values=['"a"', '"b"']),
    ]
    assert m.plan_changes(items, current, [], None) == []


@pytest.mark.parametrize(
    "changed",
    [
        {"weight": 0},
        {"health_check_id": "hc-other"},
        {"alias": {"dns_name": "d-other.example.com", "hosted_zone_id": ALIAS_ZONE}},
        {"alias": {"dns_name": "d-eu-west-1.execute-api.eu-west-1.amazonaws.com", "hosted_zone_id": "Z2"}},
        {
            "alias": {
                "dns_name": "d-eu-west-1.execute-api.eu-west-1.amazonaws.com",
                "hosted_zone_id": ALIAS_ZONE,
                "evaluate_target_health": True,
            }
        },
        {"weight": None, "failover": "PRIMARY"},
    ],
)
def test_a_changed_record_is_upserted_whole(changed):
    wanted = alias_item("eu-west-1")
    wanted.update(changed)
    [change] = m.plan_changes([wanted], [alias_record("eu-west-1")], [], None)
    assert change["Action"] == "UPSERT"
    assert change["ResourceRecordSet"] == m.wanted_record(wanted)


def test_ttl_and_values_changes_are_upserts():
    changes = m.plan_changes(
        [item(name="_abc.api.example.com", type="CNAME", ttl=60, values=["_x.acm.aws."])], [CNAME], [], None
    )
    assert [c["Action"] for c in changes] == ["UPSERT"]
    changes = m.plan_changes(
        [item(name="_abc.api.example.com", type="CNAME", values=["_y.acm.aws."])], [CNAME], [], None
    )
    assert changes[0]["ResourceRecordSet"]["ResourceRecords"] == [{"Value": "_y.acm.aws."}]


def test_a_new_record_is_upserted():
    [change] = m.plan_changes([alias_item("eu-west-1", "AAAA")], [alias_record("eu-west-1")], [], None)
    assert change["Action"] == "UPSERT"
    assert change["ResourceRecordSet"]["Type"] == "AAAA"
    assert change["ResourceRecordSet"]["AliasTarget"]["DNSName"].endswith(".amazonaws.com.")
    assert "TTL" not in change["ResourceRecordSet"]


def test_absent_deletes_the_record_as_listed_before_any_upsert():
    current = [alias_record("eu-west-1"), alias_record("eu-west-1", "AAAA")]
    changes = m.plan_changes(
        [alias_item("eu-west-1", weight=10), item(type="AAAA", set_identifier="eu-west-1", state="absent")],
        current,
        [],
        None,
    )
    assert [c["Action"] for c in changes] == ["DELETE", "UPSERT"]
    # DELETE must carry the record exactly as Route 53 has it.
    assert changes[0]["ResourceRecordSet"] == current[1]


def test_absent_of_a_missing_record_is_nothing():
    assert m.plan_changes([item(type="AAAA", set_identifier="eu-west-1", state="absent")], [], [], None) == []


def test_records_not_listed_are_never_deleted_without_a_purge_scope():
    current = [alias_record("eu-west-1"), alias_record("eu-central-1"), CNAME]
    assert m.plan_changes([alias_item("eu-west-1")], current, [], None) == []


def test_purge_names_deletes_only_unlisted_records_of_those_names_and_types():
    other = {"Name": "api.example.com.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"x"'}]}
    current = [
        alias_record("eu-west-1"),
        alias_record("eu-central-1"),
        alias_record("eu-central-1", "AAAA"),
        other,
        CNAME,
    ]
    changes = m.plan_changes([alias_item("eu-west-1")], current, ["api.example.com"], ["A", "AAAA"])
    assert [(c["Action"], m.key_label(m.record_key(c["ResourceRecordSet"]))) for c in changes] == [
        ("DELETE", "api.example.com. A eu-central-1"),
        ("DELETE", "api.example.com. AAAA eu-central-1"),
    ]


def test_purge_never_deletes_the_zones_ns_and_soa():
    ns = {"Name": "example.com.", "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": "ns-1.awsdns-1.com."}]}
    soa = {
        "Name": "example.com.",
        "Type": "SOA",
        "TTL": 900,
        "ResourceRecords": [{"Value": "ns-1. h. 1 7200 900 1 86400"}],
    }
    txt = {"Name": "example.com.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"v=spf1 -all"'}]}
    changes = m.plan_changes([], [ns, soa, txt], ["example.com"], None, "example.com.")
    assert [c["ResourceRecordSet"]["Type"] for c in changes] == ["TXT"]


@pytest.mark.parametrize(
    "given, message",
    [
        ([item(), item(name="API.example.com.")], "records[1] (API.example.com. A): the same record as records[0]"),
        ([item(values=["1.2.3.4"], alias={"dns_name": "x", "hosted_zone_id": "Z"})], "alias and values are mutually"),
        ([item()], "records[0] (api.example.com A): values (or alias) is required"),
        ([item(values=["1.2.3.4"], weight=1, failover="PRIMARY", set_identifier="a")], "weight and failover are"),
        ([item(values=["1.2.3.4"], weight=1)], "set_identifier is required with weight"),
        ([item(values=["1.2.3.4"], set_identifier="a")], "set_identifier needs a routing policy"),
        ([item(values=["1.2.3.4"], weight=256, set_identifier="a")], "weight must be between 0 and 255"),
    ],
)
def test_validate_names_the_record(given, message):
    errors = m.validate({"records": given})
    assert any(message in e for e in errors), errors


def test_validate_accepts_good_records_and_absent_needs_no_values():
    assert m.validate({"records": [alias_item(), item(type="AAAA", set_identifier="x", state="absent")]}) == []


def test_records_of_a_deleted_records_set_identifier_are_written_again_after_it():
    current = [alias_record("eu-west-1"), alias_record("eu-west-1", "AAAA"), alias_record("eu-central-1")]
    changes = m.plan_changes(
        [
            alias_item("eu-west-1"),
            alias_item("eu-central-1"),
            item(type="AAAA", set_identifier="eu-west-1", state="absent"),
        ],
        current,
        [],
        None,
    )
    assert [(c["Action"], m.key_label(m.record_key(c["ResourceRecordSet"]))) for c in changes] == [
        ("DELETE", "api.example.com. AAAA eu-west-1"),
        ("UPSERT", "api.example.com. A eu-west-1"),
    ]
    assert changes[1]["ResourceRecordSet"] == m.wanted_record(alias_item("eu-west-1"))

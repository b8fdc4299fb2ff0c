"""route53_zone against a stubbed Route 53 client, shaped as the Route 53 API reference documents
ListHostedZonesByName, GetHostedZone, ListTagsForResource, CreateHostedZone, UpdateHostedZoneComment,
ChangeTagsForResource, DeleteHostedZone and GetChange."""

from __future__ import annotations

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import route53_zone as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

NAME = "example.com"
ZONE_ID = "Z0123456789ABCDEFGHIJ"
OTHER_ID = "Z9876543210ZYXWVUTSRQ"
COMMENT = "mrdemo: public zone of the multi-region API"
TAGS = {"Deployment": "mrdemo", "Owner": "team"}
NAME_SERVERS = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net"]
ARGS = {"zone": NAME, "comment": COMMENT, "tags": TAGS}
CHANGE = {"Id": "/change/C2682N5HXP0BZ4", "Status": "PENDING", "SubmittedAt": datetime.datetime(2026, 12, 6)}


def zone(zone_id=ZONE_ID, name=NAME + ".", comment=COMMENT, private=False, reference="ref-1") -> dict:
    config = {"PrivateZone": private}
    if comment is not None:
        config["Comment"] = comment
    return {
        "Id": f"/hostedzone/{zone_id}",
        "Name": name,
        "CallerReference": reference,
        "Config": config,
        "ResourceRecordSetCount": 2,
    }


def expect_list(aws, *zones, truncated_at=None, params=None):
    answer = {"HostedZones": list(zones), "DNSName": NAME + ".", "IsTruncated": False, "MaxItems": "10"}
    if truncated_at:
        answer.update(IsTruncated=True, NextDNSName=truncated_at[0], NextHostedZoneId=truncated_at[1])
    aws.stub("route53").add_response(
        "list_hosted_zones_by_name", answer, params or {"DNSName": NAME + ".", "MaxItems": "10"}
    )


def expect_tags(aws, tags, zone_id=ZONE_ID):
    tag_set = {"ResourceType": "hostedzone", "ResourceId": zone_id}
    if tags:
        # The API model allows no empty Tags list: an untagged zone's set has none.
        tag_set["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    aws.stub("route53").add_response(
        "list_tags_for_resource", {"ResourceTagSet": tag_set}, {"ResourceType": "hostedzone", "ResourceId": zone_id}
    )


def expect_change_tags(aws, add=None, remove=None, zone_id=ZONE_ID):
    params = {"ResourceType": "hostedzone", "ResourceId": zone_id}
    if add:
        params["AddTags"] = [{"Key": k, "Value": v} for k, v in sorted(add.items())]
    if remove:
        params["RemoveTagKeys"] = remove
    aws.stub("route53").add_response("change_tags_for_resource", {}, params)


def expect_create(aws, comment=COMMENT, zone_id=ZONE_ID):
    config = {"PrivateZone": False}
    if comment:
        config["Comment"] = comment
    aws.stub("route53").add_response(
        "create_hosted_zone",
        {
            "HostedZone": zone(zone_id, comment=comment, reference="multiregion.serverless-x"),
            "ChangeInfo": CHANGE,
            "DelegationSet": {"NameServers": NAME_SERVERS},
            "Location": f"https://route53.amazonaws.com/2013-04-01/hostedzone/{zone_id}",
        },
        {"Name": NAME + ".", "CallerReference": ANY, "HostedZoneConfig": config},
    )


def calls(aws) -> list[str]:
    """The name of every Route 53 request from now on, retries included."""
    names: list[str] = []
    aws.client("route53").meta.events.register(
        "provide-client-params.route53", lambda model, **_: names.append(model.name)
    )
    return names


# --- a no-op: the reads amazon.aws.route53_zone made that are gone -----------------------------------------


def test_a_zone_as_asked_costs_one_listing_and_one_tag_read(aws):
    made = calls(aws)
    expect_list(aws, zone())
    expect_tags(aws, TAGS)
    result = run_module(module.main, ARGS, diff=True)
    assert_unchanged(result)
    # No ListHostedZones, GetHostedZone, GetDNSSEC, nor a second ListTagsForResource.
    assert made == ["ListHostedZonesByName", "ListTagsForResource"]
    assert result["zone_id"] == ZONE_ID
    assert result["name"] == "example.com."
    assert result["tags"] == TAGS
    assert result["diff"]["before"] == result["diff"]["after"]


def test_without_tags_the_tags_are_not_read(aws):
    made = calls(aws)
    expect_list(aws, zone())
    result = run_module(module.main, {"zone": NAME + ".", "comment": COMMENT})
    assert_unchanged(result)
    assert made == ["ListHostedZonesByName"]
    assert "tags" not in result


def test_the_listing_stops_at_the_first_zone_of_another_name(aws):
    # Route 53 lists from DNSName on, sorted by reversed labels: a subdomain's zone comes next.
    expect_list(aws, zone(), zone(OTHER_ID, name="api.example.com."), truncated_at=("b.example.com.", "ZNEXT"))
    expect_tags(aws, TAGS)
    assert_unchanged(run_module(module.main, ARGS))


def test_a_page_full_of_zones_of_the_name_goes_on(aws):
    expect_list(aws, zone(OTHER_ID, private=True), truncated_at=("example.com.", ZONE_ID))
    expect_list(aws, zone(), params={"DNSName": "example.com.", "HostedZoneId": ZONE_ID, "MaxItems": "10"})
    expect_tags(aws, TAGS)
    result = run_module(module.main, ARGS)
    assert_unchanged(result)
    assert result["zone_id"] == ZONE_ID


# --- create ------------------------------------------------------------------------------------------------


def test_creates_the_zone_then_tags_it(aws):
    sent = aws.sent("route53", "CreateHostedZone")
    expect_list(aws, zone(OTHER_ID, name="api.example.com."))
    expect_create(aws)
    expect_change_tags(aws, add=TAGS)
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert result["zone_id"] == ZONE_ID
    assert result["name_servers"] == NAME_SERVERS
    assert result["comment"] == COMMENT
    assert result["tags"] == TAGS
    assert result["change_id"] == CHANGE["Id"] and result["change_status"] == "PENDING"
    assert result["diff"] == {
        "before": {},
        "after": {"name": "example.com.", "comment": COMMENT, "private_zone": False, "tags": TAGS},
    }
    assert sent[0]["CallerReference"].startswith("multiregion.serverless-")


def test_a_private_zone_of_the_name_is_not_the_public_one(aws):
    expect_list(aws, zone(OTHER_ID, private=True))
    expect_create(aws, comment=None)
    result = run_module(module.main, {"zone": NAME})
    assert_changed(result)
    assert result["zone_id"] == ZONE_ID


def test_check_mode_creates_nothing(aws):
    made = calls(aws)
    expect_list(aws)
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert made == ["ListHostedZonesByName"]
    assert result["zone_id"] is None
    assert result["diff"]["after"]["tags"] == TAGS


def test_a_throttled_creation_is_retried_with_the_same_reference_and_each_creation_gets_a_new_one(aws):
    sent = aws.sent("route53", "CreateHostedZone")
    for errors in (("Throttling", "PriorRequestNotComplete"), ()):
        expect_list(aws)
        for code in errors:
            aws.stub("route53").add_client_error("create_hosted_zone", **client_error(code))
        expect_create(aws)
        expect_change_tags(aws, add=TAGS)
        assert_changed(run_module(module.main, ARGS))
    references = [params["CallerReference"] for params in sent]
    assert len(references) == 4
    assert references[0] == references[1] == references[2] != references[3]
    assert all(len(r.encode()) < 128 for r in references)
    assert aws.sleeps


def test_a_retry_answered_already_exists_returns_the_zone_the_first_attempt_made(aws, monkeypatch):
    """The first attempt created the zone but its answer was lost; the retry's reference is then taken."""
    monkeypatch.setattr(module, "caller_reference", lambda: "multiregion.serverless-first")
    sent = aws.sent("route53", "CreateHostedZone")
    expect_list(aws)
    aws.stub("route53").add_client_error("create_hosted_zone", **client_error("PriorRequestNotComplete"))
    aws.stub("route53").add_client_error("create_hosted_zone", **client_error("HostedZoneAlreadyExists"))
    # The name is listed again to find the zone created with this call's reference.
    expect_list(aws, zone(OTHER_ID, reference="someone-else"), zone(reference="multiregion.serverless-first"))
    expect_change_tags(aws, add=TAGS)
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert result["zone_id"] == ZONE_ID
    assert [params["CallerReference"] for params in sent] == ["multiregion.serverless-first"] * 2


def test_already_exists_for_a_reference_not_found_fails(aws):
    expect_list(aws)
    aws.stub("route53").add_client_error("create_hosted_zone", **client_error("HostedZoneAlreadyExists"))
    expect_list(aws, zone(reference="someone-else"))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, "Failed to create hosted zone example.com")


def test_wait_waits_for_the_creation_to_be_insync(aws, monkeypatch):
    clock = patch_clock(monkeypatch, module)
    expect_list(aws)
    expect_create(aws)
    expect_change_tags(aws, add=TAGS)
    for status in ("PENDING", "INSYNC"):
        aws.stub("route53").add_response(
            "get_change", {"ChangeInfo": dict(CHANGE, Status=status)}, {"Id": CHANGE["Id"]}
        )
    result = run_module(module.main, dict(ARGS, wait=True))
    assert_changed(result)
    assert result["change_status"] == "INSYNC"
    assert clock.sleeps == [5]


def test_without_wait_no_change_is_read(aws):
    made = calls(aws)
    expect_list(aws)
    expect_create(aws)
    expect_change_tags(aws, add=TAGS)
    assert_changed(run_module(module.main, ARGS))
    assert "GetChange" not in made


# --- update ------------------------------------------------------------------------------------------------


def test_a_new_comment_is_written(aws):
    expect_list(aws, zone(comment="old"))
    expect_tags(aws, TAGS)
    aws.stub("route53").add_response(
        "update_hosted_zone_comment", {"HostedZone": zone()}, {"Id": ZONE_ID, "Comment": COMMENT}
    )
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["comment"] == "old"
    assert result["diff"]["after"]["comment"] == COMMENT


def test_an_empty_comment_removes_it(aws):
    expect_list(aws, zone())
    aws.stub("route53").add_response("update_hosted_zone_comment", {"HostedZone": zone(comment=None)}, {"Id": ZONE_ID})
    result = run_module(module.main, {"zone": NAME, "comment": ""})
    assert_changed(result)
    assert result["comment"] is None


def test_an_omitted_comment_is_left_alone(aws):
    expect_list(aws, zone(comment="someone's"))
    result = run_module(module.main, {"zone": NAME})
    assert_unchanged(result)
    assert result["comment"] == "someone's"


def test_tags_are_added_changed_and_purged_in_one_call(aws):
    expect_list(aws, zone())
    expect_tags(aws, {"Deployment": "old", "Stale": "x"})
    expect_change_tags(aws, add=TAGS, remove=["Stale"])
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert result["tags"] == TAGS
    assert result["diff"]["before"]["tags"] == {"Deployment": "old", "Stale": "x"}


def test_purge_tags_false_keeps_the_others(aws):
    expect_list(aws, zone())
    expect_tags(aws, {"Deployment": "mrdemo", "Stale": "x"})
    expect_change_tags(aws, add={"Owner": "team"})
    result = run_module(module.main, dict(ARGS, purge_tags=False))
    assert_changed(result)
    assert result["tags"] == dict(TAGS, Stale="x")


def test_check_mode_updates_nothing(aws):
    made = calls(aws)
    expect_list(aws, zone(comment="old"))
    expect_tags(aws, {})
    result = run_module(module.main, ARGS, check_mode=True)
    assert_changed(result)
    assert made == ["ListHostedZonesByName", "ListTagsForResource"]
    assert result["zone_id"] == ZONE_ID


def test_throttled_reads_are_retried(aws):
    aws.stub("route53").add_client_error("list_hosted_zones_by_name", **client_error("Throttling"))
    expect_list(aws, zone())
    aws.stub("route53").add_client_error("list_tags_for_resource", **client_error("PriorRequestNotComplete"))
    expect_tags(aws, TAGS)
    assert_unchanged(run_module(module.main, ARGS))
    assert len(aws.sleeps) == 2


# --- several zones of one name, and hosted_zone_id -----------------------------------------------------------


def test_several_public_zones_of_the_name_fail_naming_them(aws):
    expect_list(aws, zone(), zone(OTHER_ID), zone("ZPRIVATE", private=True))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, f"2 public hosted zones are named example.com. ({ZONE_ID}, {OTHER_ID})")
    assert "hosted_zone_id" in result["msg"]


def test_hosted_zone_id_reads_the_zone_by_id(aws):
    made = calls(aws)
    aws.stub("route53").add_response(
        "get_hosted_zone",
        {"HostedZone": zone(OTHER_ID), "DelegationSet": {"NameServers": NAME_SERVERS}},
        {"Id": OTHER_ID},
    )
    expect_tags(aws, TAGS, zone_id=OTHER_ID)
    result = run_module(module.main, dict(ARGS, hosted_zone_id=f"/hostedzone/{OTHER_ID}"))
    assert_unchanged(result)
    assert made == ["GetHostedZone", "ListTagsForResource"]
    assert result["zone_id"] == OTHER_ID
    assert result["name_servers"] == NAME_SERVERS


def test_hosted_zone_id_of_another_zone_fails(aws):
    aws.stub("route53").add_response("get_hosted_zone", {"HostedZone": zone(name="other.org.")}, {"Id": ZONE_ID})
    result = run_module(module.main, dict(ARGS, hosted_zone_id=ZONE_ID))
    assert_fails_mentioning(
        result, f"hosted_zone_id={ZONE_ID} is the zone other.org., not the public zone example.com."
    )


def test_hosted_zone_id_of_a_private_zone_fails(aws):
    aws.stub("route53").add_response("get_hosted_zone", {"HostedZone": zone(private=True)}, {"Id": ZONE_ID})
    result = run_module(module.main, dict(ARGS, hosted_zone_id=ZONE_ID, state="absent"))
    assert_fails_mentioning(result, "is the private zone example.com.")


def test_a_missing_hosted_zone_id_fails_with_state_present(aws):
    aws.stub("route53").add_client_error("get_hosted_zone", **client_error("NoSuchHostedZone", status=404))
    result = run_module(module.main, dict(ARGS, hosted_zone_id=ZONE_ID))
    assert_fails_mentioning(result, f"hosted_zone_id={ZONE_ID}: no such hosted zone")


# --- delete ------------------------------------------------------------------------------------------------


def test_absent_deletes_the_zone(aws):
    expect_list(aws, zone())
    aws.stub("route53").add_response("delete_hosted_zone", {"ChangeInfo": CHANGE}, {"Id": ZONE_ID})
    result = run_module(module.main, {"zone": NAME, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["zone_id"] == ZONE_ID
    assert result["change_id"] == CHANGE["Id"]
    assert result["diff"]["before"]["name"] == "example.com." and result["diff"]["after"] == {}


def test_absent_with_hosted_zone_id_deletes_that_one_of_several(aws):
    aws.stub("route53").add_response("get_hosted_zone", {"HostedZone": zone(OTHER_ID)}, {"Id": OTHER_ID})
    aws.stub("route53").add_response("delete_hosted_zone", {"ChangeInfo": CHANGE}, {"Id": OTHER_ID})
    result = run_module(module.main, {"zone": NAME, "hosted_zone_id": OTHER_ID, "state": "absent"})
    assert_changed(result)
    assert result["zone_id"] == OTHER_ID


def test_absent_without_a_zone_changes_nothing(aws):
    expect_list(aws, zone(OTHER_ID, name="api.example.com."))
    assert_unchanged(run_module(module.main, {"zone": NAME, "state": "absent"}))


def test_absent_with_a_hosted_zone_id_already_gone_changes_nothing(aws):
    aws.stub("route53").add_client_error("get_hosted_zone", **client_error("NoSuchHostedZone", status=404))
    assert_unchanged(run_module(module.main, {"zone": NAME, "hosted_zone_id": ZONE_ID, "state": "absent"}))


def test_absent_in_check_mode_deletes_nothing(aws):
    made = calls(aws)
    expect_list(aws, zone())
    result = run_module(module.main, {"zone": NAME, "state": "absent"}, check_mode=True)
    assert_changed(result)
    assert made == ["ListHostedZonesByName"]


def test_a_zone_with_records_is_reported_and_kept(aws):
    expect_list(aws, zone())
    aws.stub("route53").add_client_error("delete_hosted_zone", **client_error("HostedZoneNotEmpty"))
    result = run_module(module.main, {"zone": NAME, "state": "absent"})
    assert_fails_mentioning(result, f"Hosted zone example.com. ({ZONE_ID}) holds records other than its NS and SOA")
    assert "HostedZoneNotEmpty" in result["msg"]


def test_a_zone_deleted_meanwhile_is_no_change(aws):
    expect_list(aws, zone())
    aws.stub("route53").add_client_error("delete_hosted_zone", **client_error("NoSuchHostedZone", status=404))
    assert_unchanged(run_module(module.main, {"zone": NAME, "state": "absent"}))


def test_a_throttled_delete_is_retried(aws):
    expect_list(aws, zone())
    aws.stub("route53").add_client_error("delete_hosted_zone", **client_error("PriorRequestNotComplete"))
    aws.stub("route53").add_response("delete_hosted_zone", {"ChangeInfo": CHANGE}, {"Id": ZONE_ID})
    assert_changed(run_module(module.main, {"zone": NAME, "state": "absent"}))
    assert aws.sleeps


# --- input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ({"zone": "."}, "zone must be a domain name"),
        ({"zone": "a..b"}, "zone='a..b' is not a domain name"),
        ({"zone": NAME, "comment": "x" * 257}, "comment must be at most 256 characters"),
        ({"zone": NAME, "wait_timeout": 0}, "wait_timeout must be a positive number"),
    ],
)
def test_bad_input_fails_before_any_call(aws, args, message):
    assert_fails_mentioning(run_module(module.main, args), message)


# --- pure functions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, current_tags, params, expected",
    [
        (None, {}, {"comment": "c", "tags": {"a": "1"}}, (True, None, {"a": "1"}, [])),
        (zone(comment="c"), {"a": "1"}, {"comment": "c", "tags": {"a": "1"}}, (False, None, {}, [])),
        (zone(comment="c"), {}, {"comment": None, "tags": None}, (False, None, {}, [])),
        (zone(comment=None), {}, {"comment": "", "tags": None}, (False, None, {}, [])),
        (zone(comment="c"), {}, {"comment": "d", "tags": None}, (False, "d", {}, [])),
        (
            zone(comment="c"),
            {"a": "1", "b": "2"},
            {"comment": None, "tags": {"a": "2"}},
            (False, None, {"a": "2"}, ["b"]),
        ),
    ],
)
def test_zone_changes(current, current_tags, params, expected):
    changes = module.zone_changes(current, current_tags, dict(params, purge_tags=True))
    assert (changes["create"], changes["comment"], changes["tags_to_set"], changes["tags_to_remove"]) == expected


def test_tags_go_ten_at_a_time():
    to_set = {f"k{i:02}": "v" for i in range(12)}
    batches = module.tag_batches(to_set, ["r1"])
    assert [len(b.get("AddTags", [])) for b in batches] == [10, 2]
    assert [b.get("RemoveTagKeys") for b in batches] == [["r1"], None]

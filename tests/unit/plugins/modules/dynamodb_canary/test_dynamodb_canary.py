"""dynamodb_canary against a stubbed DynamoDB: every path, with time scripted instead of slept."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_canary as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import clock_fixture
from ansible_collections.multiregion.serverless.tests.unit.plugins.module_utils.dynamodb_responses import prefix_scanned

TABLE = "prod-items"
WEST = "eu-west-1"
CENTRAL = "eu-central-1"


clock = clock_fixture(module)


def table(name=TABLE, key="primary_key", status="ACTIVE", key_type="S", range_key=None):
    keys = [{"AttributeName": key, "KeyType": "HASH"}]
    attrs = [{"AttributeName": key, "AttributeType": key_type}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        attrs.append({"AttributeName": range_key, "AttributeType": "S"})
    return {"Table": {"TableName": name, "TableStatus": status, "KeySchema": keys, "AttributeDefinitions": attrs}}


def described(stub, **kwargs):
    stub.add_response("describe_table", table(**kwargs), {"TableName": TABLE})


def not_found(stub):
    stub.add_client_error("describe_table", **client_error("ResourceNotFoundException"))


def get(stub, key, item=None):
    response = {"Item": item} if item else {}
    stub.add_response(
        "get_item", response, {"TableName": TABLE, "Key": {"primary_key": {"S": key}}, "ConsistentRead": True}
    )


def item(key, written_at, region=WEST, run_id="r1"):
    return module.canary_item("primary_key", key, run_id, region, written_at)


def put_new(stub, key, written_at, region=WEST):
    stub.add_response(
        "put_item",
        {},
        {
            "TableName": TABLE,
            "Item": item(key, written_at, region),
            "ConditionExpression": "attribute_not_exists(#k)",
            "ExpressionAttributeNames": {"#k": "primary_key"},
        },
    )


def key(n, region=WEST, run_id="r1"):
    return f"__dr_canary__#{run_id}#{region}#{n}"


def args(**extra):
    return {"table_name": TABLE, "regions": [WEST], "run_id": "r1", "count": 2, **extra}


# ---- input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"prefix": ""}, "prefix must not be empty"),
        ({"prefix": "   "}, "prefix must not be empty"),
        ({"run_id": None}, "state is present but all of the following are missing: run_id"),
        ({"run_id": "a#b"}, "run_id must be a non-empty string without '#'"),
        ({"count": 0}, "count must be at least 1"),
        ({"poll_interval": 0}, "poll_interval must be positive"),
    ],
)
def test_bad_input_fails_before_any_call(aws, extra, message):
    result = run_module(module.main, args(**extra))
    assert_fails_mentioning(result, message)
    assert aws.clients == {}, "no client may even be built"


def test_absent_with_an_empty_prefix_is_refused_before_any_call(aws):
    result = run_module(module.main, {"table_name": TABLE, "prefix": "", "state": "absent"})
    assert_fails_mentioning(result, "prefix must not be empty")
    assert aws.clients == {}


# ---- present ---------------------------------------------------------------------------------------------------


def test_present_writes_canaries_with_their_time(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    get(stub, key(0))
    put_new(stub, key(0), "2026-12-06T10:00:00.000+00:00")
    get(stub, key(1))
    put_new(stub, key(1), "2026-12-06T10:00:00.000+00:00")

    result = run_module(module.main, args())

    assert result["changed"] is True
    assert [c["key"] for c in result["canaries"]] == [key(0), key(1)]
    assert all(c["created"] and c["region"] == WEST for c in result["canaries"])
    assert result["canaries"][0]["written_at"] == "2026-12-06T10:00:00.000+00:00"
    assert [e["event"] for e in result["timeline"]] == ["written", "written"]


def test_present_again_is_no_change_and_keeps_the_first_written_at(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    get(stub, key(0), item(key(0), "2026-12-06T09:00:00.000+00:00"))
    get(stub, key(1), item(key(1), "2026-12-06T09:00:01.000+00:00"))

    result = run_module(module.main, args())

    assert result["changed"] is False
    assert [c["written_at"] for c in result["canaries"]] == [
        "2026-12-06T09:00:00.000+00:00",
        "2026-12-06T09:00:01.000+00:00",
    ]


def test_present_in_check_mode_writes_nothing_and_says_so(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    get(stub, key(0))
    get(stub, key(1), item(key(1), "2026-12-06T09:00:01.000+00:00"))

    result = run_module(module.main, args(), check_mode=True)

    assert result["changed"] is True
    assert result["msg"].startswith("check mode: nothing written; 1 canary")
    assert [c["created"] for c in result["canaries"]] == [True, False]


def test_present_lost_race_reports_the_existing_canary(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    get(stub, key(0))
    stub.add_client_error("put_item", **client_error("ConditionalCheckFailedException"))
    get(stub, key(0), item(key(0), "2026-12-06T09:59:59.000+00:00"))

    result = run_module(module.main, args(count=1))

    assert result["changed"] is False
    assert result["canaries"][0]["written_at"] == "2026-12-06T09:59:59.000+00:00"


def test_present_without_the_table_fails_naming_region(aws, clock):
    not_found(aws.stub("dynamodb"))
    result = run_module(module.main, args())
    assert_fails_mentioning(result, f"Table {TABLE} does not exist in any write region")
    assert result["missing_regions"] == [WEST]


def test_present_skips_a_region_without_the_table_and_says_so(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    not_found(central)
    get(west, key(0))
    put_new(west, key(0), "2026-12-06T10:00:00.000+00:00")

    result = run_module(module.main, args(count=1, regions=[WEST, CENTRAL]))

    assert [c["region"] for c in result["canaries"]] == [WEST]
    assert result["missing_regions"] == [CENTRAL]
    assert any(f"does not exist in {CENTRAL}" in w for w in result["warnings"])
    assert result["timeline"][0]["event"] == "table_missing"


def test_present_refuses_a_table_with_another_key(aws, clock):
    described(aws.stub("dynamodb"), key="pk")
    result = run_module(module.main, args())
    assert_fails_mentioning(result, "single string partition key named primary_key")


def test_present_retries_when_throttled(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    get(stub, key(0))
    stub.add_client_error("put_item", **client_error("ProvisionedThroughputExceededException"))
    put_new(stub, key(0), "2026-12-06T10:00:00.000+00:00")

    result = run_module(module.main, args(count=1))

    assert result["changed"] is True
    assert len(aws.sleeps) == 1


def test_present_fails_on_access_denied(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    stub.add_client_error("get_item", **client_error("AccessDeniedException"))
    result = run_module(module.main, args(count=1))
    assert_fails_mentioning(result, "Failed to read canary")


def test_write_region_writes_there_only(aws, clock):
    central = aws.stub("dynamodb", CENTRAL)
    described(central)
    get(central, key(0, CENTRAL))
    put_new(central, key(0, CENTRAL), "2026-12-06T10:00:00.000+00:00", region=CENTRAL)

    result = run_module(module.main, args(count=1, regions=[WEST, CENTRAL], write_region=CENTRAL))

    assert [c["region"] for c in result["canaries"]] == [CENTRAL]


# ---- measured --------------------------------------------------------------------------------------------------


def put_any(stub):
    stub.add_response("put_item", {}, {"TableName": TABLE, "Item": ANY})


def test_measured_reports_each_lag_and_the_percentiles(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    described(central)
    put_any(west)
    put_any(west)
    written = "2026-12-06T10:00:00.000+00:00"
    # round 1: nothing yet; round 2 (after 0.5 s): canary 0; round 3 (1.0 s): canary 1
    get(central, key(0))
    get(central, key(1))
    get(central, key(0), item(key(0), written))
    get(central, key(1))
    get(central, key(1), item(key(1), written))

    result = run_module(module.main, args(regions=[WEST, CENTRAL], write_region=WEST, state="measured", timeout=10))

    assert result["changed"] is True
    assert [i["lag_seconds"] for i in result["lags"]] == [0.5, 1.0]
    assert result["lag_seconds"] == {"p50": 0.75, "p99": 0.995, "max": 1.0, "count": 2, "missing": 0}
    assert clock.sleeps == [0.5, 0.5]
    events = [(e["event"], e["region"]) for e in result["timeline"]]
    assert events == [("written", WEST), ("written", WEST), ("arrived", CENTRAL), ("arrived", CENTRAL)]


def test_measured_ignores_a_stale_copy_from_an_earlier_run(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    described(central)
    put_any(west)
    get(central, key(0), item(key(0), "2026-12-05T10:00:00.000+00:00"))
    get(central, key(0), item(key(0), "2026-12-06T10:00:00.000+00:00"))

    result = run_module(module.main, args(count=1, regions=[WEST, CENTRAL], write_region=WEST, state="measured"))

    assert result["lags"][0]["lag_seconds"] == 0.5


def test_measured_reports_what_never_arrives_as_missing(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    described(central)
    put_any(west)
    for _poll in range(3):  # at 0, 1 and 2 s; the next poll would pass the 2 s timeout
        get(central, key(0))

    result = run_module(
        module.main,
        args(count=1, regions=[WEST, CENTRAL], write_region=WEST, state="measured", timeout=2, poll_interval=1),
    )

    assert result["lag_seconds"] == {"p50": None, "p99": None, "max": None, "count": 0, "missing": 1}
    assert result["timeline"][-1]["event"] == "missing"
    assert "not there after 2 s" in result["timeline"][-1]["detail"]


def test_measured_where_the_replica_table_is_missing(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    not_found(central)
    put_any(west)

    result = run_module(module.main, args(count=1, regions=[WEST, CENTRAL], write_region=WEST, state="measured"))

    assert result["missing_regions"] == [CENTRAL]
    assert result["lag_seconds"]["missing"] == 1
    assert clock.sleeps == []


def test_measured_in_check_mode_writes_and_measures_nothing(aws, clock):
    west, central = aws.stub("dynamodb", WEST), aws.stub("dynamodb", CENTRAL)
    described(west)
    described(central)

    result = run_module(
        module.main, args(regions=[WEST, CENTRAL], write_region=WEST, state="measured"), check_mode=True
    )

    assert result["msg"].startswith("check mode: nothing written or measured")
    assert result["lag_seconds"]["count"] == 0


# ---- absent ----------------------------------------------------------------------------------------------------


ABSENT_R1 = {"table_name": TABLE, "run_id": "r1", "state": "absent"}


def scanned(stub, prefix, keys, next_key=None, start=None):
    prefix_scanned(stub, TABLE, prefix, [(k, "t") for k in keys], next_key=next_key, start=start)


def deleted(stub, k, prefix):
    stub.add_response(
        "delete_item",
        {},
        {
            "TableName": TABLE,
            "Key": {"primary_key": {"S": k}},
            "ConditionExpression": "begins_with(#k, :prefix)",
            "ExpressionAttributeNames": {"#k": "primary_key"},
            "ExpressionAttributeValues": {":prefix": {"S": prefix}},
        },
    )


def test_absent_deletes_the_runs_canaries_across_pages(aws, clock):
    prefix = "__dr_canary__#r1#"
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, prefix, [key(0)], next_key="app-item-7")
    scanned(stub, prefix, [key(1)], start="app-item-7")
    deleted(stub, key(0), prefix)
    deleted(stub, key(1), prefix)

    result = run_module(module.main, ABSENT_R1)

    assert result["changed"] is True
    assert [c["key"] for c in result["canaries"]] == [key(0), key(1)]


def test_absent_without_run_id_deletes_every_canary_under_the_prefix(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, "__dr_canary__#", [key(0, run_id="old")])
    deleted(stub, key(0, run_id="old"), "__dr_canary__#")

    result = run_module(module.main, {"table_name": TABLE, "state": "absent"})

    assert result["changed"] is True


@pytest.mark.parametrize(
    "keys, delete_error",
    [([], None), ([key(0)], "ConditionalCheckFailedException")],
    ids=["nothing_left", "already_deleted_between_scan_and_delete"],
)
def test_absent_with_nothing_to_delete_is_no_change(aws, clock, keys, delete_error):
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, "__dr_canary__#r1#", keys)
    if delete_error:
        stub.add_client_error("delete_item", **client_error(delete_error))
    result = run_module(module.main, ABSENT_R1)
    assert result["changed"] is False


def test_absent_in_check_mode_deletes_nothing(aws, clock):
    stub = aws.stub("dynamodb")
    described(stub)
    scanned(stub, "__dr_canary__#r1#", [key(0)])
    result = run_module(module.main, ABSENT_R1, check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("check mode: nothing deleted; 1 canary")


def test_absent_where_the_table_is_missing_is_no_change(aws, clock):
    not_found(aws.stub("dynamodb"))
    result = run_module(module.main, ABSENT_R1)
    assert result["changed"] is False
    assert result["missing_regions"] == [WEST]

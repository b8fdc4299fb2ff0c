"""dynamodb_canary against moto's DynamoDB (mock_aws, in process): real reads and writes, scripted time."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import dynamodb_canary as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import MOTO_CREDENTIALS as CREDENTIALS
from ansible_collections.multiregion.serverless.tests.unit.conftest import moto_table
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

TABLE = "prod-items"
WEST = "eu-west-1"
CENTRAL = "eu-central-1"


@pytest.fixture
def moto(monkeypatch, moto_aws):
    return patch_clock(monkeypatch, module)


def make_table(region=WEST):
    return moto_table(TABLE, region)


def keys(client):
    return sorted(i["primary_key"]["S"] for i in client.scan(TableName=TABLE)["Items"])


def run(**kwargs):
    return run_module(module.main, {"table_name": TABLE, **CREDENTIALS, **kwargs})


def test_present_twice_then_absent_leaves_application_items_alone(moto):
    client = make_table()
    client.put_item(TableName=TABLE, Item={"primary_key": {"S": "order-1"}})
    client.put_item(TableName=TABLE, Item={"primary_key": {"S": "__dr_canary__x"}})  # not under "<prefix>#"

    first = run(run_id="r1", count=3)
    second = run(run_id="r1", count=3)

    assert first["changed"] is True
    assert second["changed"] is False
    assert [c["written_at"] for c in second["canaries"]] == [c["written_at"] for c in first["canaries"]]
    stored = client.get_item(TableName=TABLE, Key={"primary_key": {"S": "__dr_canary__#r1#eu-west-1#2"}})["Item"]
    assert stored["run_id"] == {"S": "r1"}
    assert stored["region"] == {"S": WEST}
    assert stored["written_at"]["S"] == first["canaries"][2]["written_at"]
    assert len(keys(client)) == 5

    run(run_id="other", count=1)
    gone = run(run_id="r1", state="absent")

    assert gone["changed"] is True
    assert len(gone["canaries"]) == 3
    assert keys(client) == ["__dr_canary__#other#eu-west-1#0", "__dr_canary__x", "order-1"]
    assert run(state="absent")["changed"] is True
    assert keys(client) == ["__dr_canary__x", "order-1"]
    assert run(state="absent")["changed"] is False


def test_check_mode_writes_nothing(moto):
    client = make_table()
    result = run_module(module.main, {"table_name": TABLE, "run_id": "r1", **CREDENTIALS}, check_mode=True)
    assert result["changed"] is True
    assert keys(client) == []


@pytest.mark.parametrize("write_region", [WEST, None])
def test_measured_without_replicas_reports_every_other_region_missing(moto, write_region):
    """moto creates no replicas: the table exists in one region only, so nothing can arrive elsewhere."""
    client = make_table()

    result = run(run_id="rep", count=2, regions=[WEST, CENTRAL], write_region=write_region, state="measured", timeout=3)

    assert result["missing_regions"] == [CENTRAL]
    assert result["lag_seconds"] == {"p50": None, "p99": None, "max": None, "count": 0, "missing": 2}
    assert [i["seen_at"] for i in result["lags"]] == [None, None]
    assert keys(client) == ["__dr_canary__#rep#eu-west-1#0", "__dr_canary__#rep#eu-west-1#1"]


def test_measured_against_an_unreplicated_table_of_the_same_name_times_out_as_missing(moto):
    """A same-named table that is not a replica never receives the canaries: missing after the timeout."""
    make_table()
    make_table(CENTRAL)

    result = run(run_id="rep", count=1, regions=[WEST, CENTRAL], state="measured", timeout=2, poll_interval=1)

    assert result["missing_regions"] == []
    # written in both regions (no write_region), read in the other one: two pairs, none arrived
    assert result["lag_seconds"]["missing"] == 2
    assert moto.sleeps == [1, 1]
    assert {e["event"] for e in result["timeline"]} == {"written", "missing"}

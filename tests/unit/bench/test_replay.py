"""The benchmark's replay: ids a fresh endpoint returns are learnt from the answers and rewritten into the requests
that follow; nothing else is."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("replay", Path(__file__).parents[3] / "bench" / "replay.py")
replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replay)


def test_ids_that_changed_are_learnt_in_order():
    mapping: dict[str, str] = {}
    replay.learn(
        '{"KeyMetadata": {"KeyId": "1a2b3c4d-0000-4000-8000-000000000001", "Arn": "arn:aws:kms:eu-west-1:'
        '123456789012:key/1a2b3c4d-0000-4000-8000-000000000001", "Enabled": true}}',
        '{"KeyMetadata": {"KeyId": "9f9f9f9f-1111-4111-8111-111111111111", "Arn": "arn:aws:kms:eu-west-1:'
        '123456789012:key/9f9f9f9f-1111-4111-8111-111111111111", "Enabled": true}}',
        mapping,
    )
    assert mapping == {"1a2b3c4d-0000-4000-8000-000000000001": "9f9f9f9f-1111-4111-8111-111111111111"}


@pytest.mark.parametrize(
    ("recorded", "answered"),
    [
        ("<CreateDate>2026-12-06T08:01:02Z</CreateDate>", "<CreateDate>2026-12-07T09:03:04Z</CreateDate>"),
        ('{"Count": 123456789}', '{"Count": 987654321}'),
        ('{"State": "ok"}', '{"State": "no"}'),
    ],
)
def test_dates_numbers_and_short_words_are_not_ids(recorded, answered):
    mapping: dict[str, str] = {}
    replay.learn(recorded, answered, mapping)
    assert mapping == {}


def test_answers_of_different_lengths_pair_the_replaced_runs():
    mapping: dict[str, str] = {}
    replay.learn(
        "<item><vpcId>vpc-0aaa111</vpcId></item><item><subnetId>subnet-0bbb222</subnetId></item>",
        "<item><vpcId>vpc-0ccc333</vpcId></item>",
        mapping,
    )
    assert mapping == {"vpc-0aaa111": "vpc-0ccc333"}


def test_rewrite_replaces_whole_tokens_in_paths_bodies_and_encoded_arns():
    mapping = {"vpc-0aaa111": "vpc-0ccc333", "abcdef1234": "zyxwvu9876"}
    assert (
        replay.rewrite("Action=CreateSubnet&VpcId=vpc-0aaa111&CidrBlock=10.0.1.0%2F24", mapping)
        == "Action=CreateSubnet&VpcId=vpc-0ccc333&CidrBlock=10.0.1.0%2F24"
    )
    assert replay.rewrite("/restapis/abcdef1234/stages", mapping) == "/restapis/zyxwvu9876/stages"
    assert (
        replay.rewrite("/functions/arn%3Aaws%3Aexecute-api%3Aabcdef1234/x", mapping)
        == "/functions/arn%3Aaws%3Aexecute-api%3Azyxwvu9876/x"
    )
    # Part of a longer token is another id: left alone.
    assert replay.rewrite("vpc-0aaa1112", mapping) == "vpc-0aaa1112"

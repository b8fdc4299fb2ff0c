"""Tags of many resources in one call (module_utils/_tagging.py): which answers are taken, which resources are read
again, and the fall back when tag:GetResources is denied, with botocore's Stubber."""

from __future__ import annotations

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.multiregion.serverless.plugins.module_utils import _tagging
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error

ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:"
TAGS = {"Deployment": "d"}


@pytest.mark.parametrize(
    "answered, wanted, purge, trusted, to_read",
    [
        # The same tags: taken, nothing read again.
        ({"a": TAGS}, {"a": TAGS}, True, {"a": TAGS}, []),
        # Not in the answer (not yet propagated, or never tagged): read.
        ({}, {"a": TAGS}, True, {}, ["a"]),
        # A tag missing or with another value: read, whatever purge says.
        ({"a": {}}, {"a": TAGS}, False, {}, ["a"]),
        ({"a": {"Deployment": "old"}}, {"a": TAGS}, False, {}, ["a"]),
        # An extra tag is a difference only with purge.
        ({"a": {**TAGS, "Extra": "x"}}, {"a": TAGS}, True, {}, ["a"]),
        ({"a": {**TAGS, "Extra": "x"}}, {"a": TAGS}, False, {"a": {**TAGS, "Extra": "x"}}, []),
        # Previously tagged, no tag now, none wanted: taken.
        ({"a": {}}, {"a": {}}, True, {"a": {}}, []),
        # Several, in the wanted order; an answer nobody asked for is ignored.
        (
            {"b": TAGS, "c": {"Deployment": "x"}, "z": TAGS},
            {"c": TAGS, "a": TAGS, "b": TAGS},
            True,
            {"b": TAGS},
            ["c", "a"],
        ),
    ],
)
def test_trusted_tags(answered, wanted, purge, trusted, to_read):
    assert _tagging.trusted_tags(answered, wanted, purge) == (trusted, to_read)


class FakeModule:
    """What BulkTagReader uses of the module: a retrying client of its region, and warn."""

    def __init__(self, aws) -> None:
        self.aws = aws
        self.warnings: list[str] = []
        self.clients: list[tuple[str, list]] = []

    def retrying_client(self, service, extra_codes=None):
        self.clients.append((service, extra_codes))
        retry = AWSRetry.jittered_backoff(catch_extra_error_codes=extra_codes)
        return RetryingBotoClientWrapper(self.aws.client(service), retry)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def answer(aws, names, answered):
    aws.stub("resourcegroupstaggingapi").add_response(
        "get_resources",
        {
            "ResourceTagMappingList": [
                {"ResourceARN": ARN + n, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
                for n, tags in answered.items()
            ]
        },
        {"ResourceARNList": [ARN + n for n in names]},
    )


def recorder(tags_by_arn):
    reads: list[str] = []

    def read_one(arn):
        reads.append(arn)
        return tags_by_arn[arn]

    return reads, read_one


def test_nothing_wanted_creates_no_client_and_reads_nothing(aws):
    module = FakeModule(aws)
    reads, read_one = recorder({})
    assert _tagging.BulkTagReader(module).current_tags({}, True, read_one) == {}
    assert module.clients == [] and reads == []


def test_one_call_per_100_resources_and_only_the_differing_ones_read_again(aws):
    module = FakeModule(aws)
    names = [f"g{i:03d}" for i in range(150)]
    answer(aws, names[:100], {n: TAGS for n in names[:100] if n != "g007"})
    answer(aws, names[100:], {**{n: TAGS for n in names[100:]}, "g120": {"Deployment": "old"}})
    reads, read_one = recorder({ARN + "g007": TAGS, ARN + "g120": {"Deployment": "old"}})
    found = _tagging.BulkTagReader(module).current_tags({ARN + n: TAGS for n in names}, True, read_one)
    assert reads == [ARN + "g007", ARN + "g120"]
    assert list(found) == [ARN + n for n in names]
    assert found[ARN + "g120"] == {"Deployment": "old"}
    assert module.clients == [("resourcegroupstaggingapi", ["ThrottledException", "InternalServiceException"])]
    assert module.warnings == []


def test_denied_warns_once_and_reads_the_rest_one_by_one_for_the_rest_of_the_call(aws):
    module = FakeModule(aws)
    names = [f"g{i:03d}" for i in range(120)]
    answer(aws, names[:100], {n: TAGS for n in names[:100]})
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error("AccessDeniedException"))
    reads, read_one = recorder({ARN + n: TAGS for n in names})
    reader = _tagging.BulkTagReader(module)
    found = reader.current_tags({ARN + n: TAGS for n in names}, True, read_one)
    # The first batch's answer still counts; the second batch is read one by one.
    assert reads == [ARN + n for n in names[100:]]
    assert all(tags == TAGS for tags in found.values()) and len(found) == 120
    # Asked again in the same call: no GetResources (none is queued), every resource read.
    again = reader.current_tags({ARN + "g000": TAGS}, True, read_one)
    assert again == {ARN + "g000": TAGS}
    assert reads[-1] == ARN + "g000"
    assert len(module.warnings) == 1
    assert "tag:GetResources is denied" in module.warnings[0]


def test_a_pagination_token_is_not_followed_and_what_is_missing_is_read_one_by_one(aws):
    """AWS accepts no PaginationToken beside ResourceARNList; an endpoint that pages its answer anyway (the local
    one, at 50 resources or 100 tags) leaves resources out, which are read with the service's own call."""
    module = FakeModule(aws)
    names = ["a", "b", "c"]
    aws.stub("resourcegroupstaggingapi").add_response(
        "get_resources",
        {
            "ResourceTagMappingList": [{"ResourceARN": ARN + "a", "Tags": [{"Key": "Deployment", "Value": "d"}]}],
            "PaginationToken": "next",
        },
        {"ResourceARNList": [ARN + n for n in names]},
    )
    reads, read_one = recorder({ARN + "b": TAGS, ARN + "c": TAGS})
    found = _tagging.BulkTagReader(module).current_tags({ARN + n: TAGS for n in names}, True, read_one)
    assert reads == [ARN + "b", ARN + "c"]
    assert found == {ARN + n: TAGS for n in names}


@pytest.mark.parametrize(
    "known, arn, wanted, purge, expected",
    [
        # The snapshot has the wanted tags: taken.
        ({ARN + "a": TAGS}, ARN + "a", TAGS, True, TAGS),
        # Not in it, another value, or an extra tag under purge: not taken (the caller reads).
        ({ARN + "b": TAGS}, ARN + "a", TAGS, True, None),
        ({ARN + "a": {"Deployment": "old"}}, ARN + "a", TAGS, False, None),
        ({ARN + "a": {**TAGS, "Extra": "x"}}, ARN + "a", TAGS, True, None),
        # Without purge an extra tag is no difference: taken with it.
        ({ARN + "a": {**TAGS, "Extra": "x"}}, ARN + "a", TAGS, False, {**TAGS, "Extra": "x"}),
        # Tags left alone (wanted None), no snapshot, no ARN yet: never answered here.
        ({ARN + "a": TAGS}, ARN + "a", None, True, None),
        ({}, ARN + "a", TAGS, True, None),
        (None, ARN + "a", TAGS, True, None),
        ({ARN + "a": TAGS}, None, TAGS, True, None),
        # A malformed entry (not a mapping) is ignored; values are compared as strings.
        ({ARN + "a": "Deployment=d"}, ARN + "a", TAGS, True, None),
        ({ARN + "a": {"Count": 3}}, ARN + "a", {"Count": "3"}, True, {"Count": "3"}),
    ],
)
def test_known_current_tags(known, arn, wanted, purge, expected):
    assert _tagging.known_current_tags(known, arn, wanted, purge) == expected


def test_known_tags_are_trusted_first_and_only_the_rest_asked_and_read(aws):
    module = FakeModule(aws)
    known = {ARN + "a": TAGS, ARN + "b": {"Deployment": "old"}}
    # Only b (differs in the snapshot) and c (missing from it) are asked; b's answer differs again: read.
    answer(aws, ["b", "c"], {"b": {"Deployment": "old"}, "c": TAGS})
    reads, read_one = recorder({ARN + "b": {"Deployment": "old"}})
    found = _tagging.BulkTagReader(module, known).current_tags({ARN + n: TAGS for n in "abc"}, True, read_one)
    assert reads == [ARN + "b"]
    assert found == {ARN + "a": TAGS, ARN + "b": {"Deployment": "old"}, ARN + "c": TAGS}
    assert list(found) == [ARN + n for n in "abc"]


def test_known_tags_that_answer_everything_create_no_client(aws):
    module = FakeModule(aws)
    reads, read_one = recorder({})
    found = _tagging.BulkTagReader(module, {ARN + "a": TAGS}).current_tags({ARN + "a": TAGS}, True, read_one)
    assert found == {ARN + "a": TAGS}
    assert module.clients == [] and reads == []


@pytest.mark.parametrize(
    "params, read_called, expected",
    [
        # The snapshot shows the wanted tags: taken, nothing read.
        ({"known_tags": {ARN + "a": TAGS}, "tags": TAGS, "purge_tags": True}, False, TAGS),
        # Not in it, or tags left alone, or no snapshot: the service's read.
        ({"known_tags": {ARN + "b": TAGS}, "tags": TAGS, "purge_tags": True}, True, {"Read": "yes"}),
        ({"known_tags": {ARN + "a": TAGS}, "tags": None, "purge_tags": True}, True, {"Read": "yes"}),
        ({"known_tags": {}, "tags": TAGS, "purge_tags": True}, True, {"Read": "yes"}),
        # Without purge_tags in the parameters, purging is assumed, as the modules' default: an extra tag differs.
        ({"known_tags": {ARN + "a": {**TAGS, "Extra": "x"}}, "tags": TAGS}, True, {"Read": "yes"}),
    ],
)
def test_known_or_read(params, read_called, expected):
    reads = []

    def read():
        reads.append(ARN + "a")
        return {"Read": "yes"}

    assert _tagging.known_or_read(params, ARN + "a", read) == expected
    assert reads == ([ARN + "a"] if read_called else [])

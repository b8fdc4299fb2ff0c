"""cloudwatchlogs_log_groups' main() through every API path, with botocore's Stubber (responses shaped as the
CloudWatch Logs and Resource Groups Tagging API references document them).

Every queued response must be consumed and no other request may be made: a test that queues no
ListTagsForResource for a group proves the module does not read its tags one by one."""

from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import cloudwatchlogs_log_groups as m
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-8888-9999-000000000000"
TAGS = {"Deployment": "d"}


def described(name, retention=30, key=KEY, **given):
    """A LogGroup as DescribeLogGroups returns it: ``arn`` with the trailing ``:*``."""
    group = {
        "logGroupName": name,
        "creationTime": 1764979200000,
        "metricFilterCount": 0,
        "arn": f"{ARN}{name}:*",
        "logGroupArn": f"{ARN}{name}",
        "storedBytes": 0,
        **given,
    }
    if retention:
        group["retentionInDays"] = retention
    if key:
        group["kmsKeyId"] = key
    return group


def describe(stub, names, groups, next_token=None, token=None):
    """DescribeLogGroups for ``names`` (logGroupIdentifiers), answering ``groups``."""
    expected = {"logGroupIdentifiers": names}
    if token:
        expected["nextToken"] = token
    response = {"logGroups": groups}
    if next_token:
        response["nextToken"] = next_token
    stub.add_response("describe_log_groups", response, expected)


def describe_prefix(stub, prefix, groups):
    stub.add_response("describe_log_groups", {"logGroups": groups}, {"logGroupNamePrefix": prefix})


def tags(stub, name, found):
    stub.add_response("list_tags_for_resource", {"tags": found}, {"resourceArn": ARN + name})


def get_resources(aws, names, answered):
    """GetResources for the groups ``names``, answering ``answered`` (name -> tags) as the tagging API does: the ARN
    without ``:*``, the tags as a Key/Value list."""
    aws.stub("resourcegroupstaggingapi").add_response(
        "get_resources",
        {
            "ResourceTagMappingList": [
                {"ResourceARN": ARN + name, "Tags": [{"Key": k, "Value": v} for k, v in found.items()]}
                for name, found in answered.items()
            ]
        },
        {"ResourceARNList": [ARN + name for name in names]},
    )


def item(name, **given):
    return {"name": name, "kms_key_id": KEY, "retention": 30, "tags": TAGS, **given}


def test_creates_two_groups_with_key_and_tags_in_the_create_call(aws):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [])
    for name in ("a", "b"):
        logs.add_response("create_log_group", {}, {"logGroupName": name, "kmsKeyId": KEY, "tags": TAGS})
        logs.add_response("put_retention_policy", {}, {"logGroupName": name, "retentionInDays": 30})
    # One read for both groups' ARN and creation time.
    describe(logs, ["a", "b"], [described("a"), described("b")])
    result = run_module(m.main, {"log_groups": [item("a"), item("b")]}, diff=True)
    assert_changed(result)
    assert result["created"] == ["a", "b"]
    assert result["log_groups"][0] == {
        "name": "a",
        "state": "present",
        "arn": ARN + "a",
        "creation_time": 1764979200000,
        "kms_key_id": KEY,
        "retention_in_days": 30,
        "tags": TAGS,
        "deletion_protection": False,
    }
    assert result["log_groups"][1]["arn"] == ARN + "b"
    assert result["diff"]["before"] == {"a": {}, "b": {}}
    assert result["diff"]["after"]["b"]["retention_in_days"] == 30


def test_check_mode_creates_nothing_and_reports_the_same(aws):
    describe(aws.stub("logs"), ["a"], [])
    result = run_module(m.main, {"log_groups": [item("a")]}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["created"] == ["a"]
    assert "arn" not in result["log_groups"][0]
    assert result["log_groups"][0]["kms_key_id"] == KEY
    assert result["diff"]["after"]["a"]["tags"] == TAGS


def test_unchanged_groups_are_no_change_with_two_calls_in_all(aws):
    logs = aws.stub("logs")
    # One DescribeLogGroups carrying both names (the Stubber checks the request's parameters). An endpoint that
    # ignores logGroupIdentifiers (the local one) answers other groups too: only exact names count.
    describe(logs, ["a", "b"], [described("a"), described("a-other", retention=1), described("b")])
    # The tags of both in one GetResources; no ListTagsForResource is queued, so none may be made.
    get_resources(aws, ["a", "b"], {"a": TAGS, "b": TAGS})
    result = run_module(m.main, {"log_groups": [item("a"), item("b")]}, diff=True)
    assert_unchanged(result)
    assert result["diff"] == {"before": {}, "after": {}}
    assert [g["name"] for g in result["log_groups"]] == ["a", "b"]
    assert result["log_groups"][0]["retention_in_days"] == 30
    assert result["log_groups"][1]["tags"] == TAGS


def test_more_than_50_groups_are_described_50_names_a_call_page_by_page(aws):
    logs = aws.stub("logs")
    names = [f"g{i:02d}" for i in range(60)]
    describe(logs, names[:50], [described(n) for n in names[:30]], next_token="t1")
    describe(logs, names[:50], [described(n) for n in names[30:50]], token="t1")
    describe(logs, names[50:], [described(n) for n in names[50:]])
    get_resources(aws, names, {n: TAGS for n in names})
    result = run_module(m.main, {"log_groups": [item(n) for n in names]})
    assert_unchanged(result)
    assert [g["arn"] for g in result["log_groups"]] == [ARN + n for n in names]


def test_tags_the_tagging_api_shows_different_are_read_again_before_any_write(aws):
    """GetResources is eventually consistent: tags written a moment ago may not show there yet. CloudWatch Logs'
    own ListTagsForResource decides, and nothing is written when it shows the wanted tags."""
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], {"a": {"Deployment": "old"}, "b": TAGS})
    tags(logs, "a", TAGS)
    result = run_module(m.main, {"log_groups": [item("a"), item("b")]})
    assert_unchanged(result)
    assert result["log_groups"][0]["tags"] == TAGS


def test_a_group_the_tagging_api_does_not_list_is_read_with_its_own_call(aws):
    """GetResources leaves out what it does not know yet, or what was never tagged."""
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], {"b": TAGS})
    tags(logs, "a", {})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN + "a", "tags": TAGS})
    result = run_module(m.main, {"log_groups": [item("a"), item("b")]}, diff=True)
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["tags"] == {}


@pytest.mark.parametrize("code", ["AccessDeniedException", "NotAuthorized"])
def test_without_tag_get_resources_every_group_is_read_on_its_own_with_one_warning(aws, code):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("a"), described("b")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error(code))
    tags(logs, "a", TAGS)
    tags(logs, "b", {"Deployment": "old"})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN + "b", "tags": TAGS})
    result = run_module(m.main, {"log_groups": [item("a"), item("b")]})
    assert_changed(result)
    assert result["updated"] == ["b"]
    assert [w for w in result["warnings"] if "tag:GetResources" in w] == [
        "tag:GetResources is denied: the tags of each resource are read one by one with the service's"
        " ListTagsForResource (grant tag:GetResources to read them in one call)"
    ]


def test_a_throttled_get_resources_is_retried(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error("ThrottledException"))
    get_resources(aws, ["a"], {"a": TAGS})
    result = run_module(m.main, {"log_groups": [item("a")]})
    assert_unchanged(result)
    assert len(aws.sleeps) == 1


def test_another_get_resources_error_fails_naming_the_call(aws):
    describe(aws.stub("logs"), ["a"], [described("a")])
    aws.stub("resourcegroupstaggingapi").add_client_error("get_resources", **client_error("InvalidParameterException"))
    result = run_module(m.main, {"log_groups": [item("a")]})
    assert_fails_mentioning(result, "Failed to get the tags of 1 resources with GetResources")


def test_omitted_options_are_left_alone(aws):
    """Tags left alone are read for the result with ListTagsForResource, never with GetResources."""
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a", retention=None, key=None)])
    tags(logs, "a", {"Other": "x"})
    result = run_module(m.main, {"log_groups": [{"name": "a"}]})
    assert_unchanged(result)
    assert result["log_groups"][0]["tags"] == {"Other": "x"}


def test_retention_key_and_tags_updated_only_where_they_differ(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a", retention=7, key=OTHER_KEY)])
    get_resources(aws, ["a"], {"a": {"Deployment": "old", "Stale": "x"}})
    # Different there, so read again with CloudWatch Logs' own call before anything is written.
    tags(logs, "a", {"Deployment": "old", "Stale": "x"})
    logs.add_response("put_retention_policy", {}, {"logGroupName": "a", "retentionInDays": 30})
    logs.add_response("associate_kms_key", {}, {"logGroupName": "a", "kmsKeyId": KEY})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN + "a", "tags": TAGS})
    logs.add_response("untag_resource", {}, {"resourceArn": ARN + "a", "tagKeys": ["Stale"]})
    result = run_module(m.main, {"log_groups": [item("a")]}, diff=True)
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["retention_in_days"] == 7
    assert result["diff"]["after"]["a"] == {
        "kms_key_id": KEY,
        "retention_in_days": 30,
        "tags": TAGS,
        "deletion_protection": False,
    }
    assert result["log_groups"][0]["tags"] == TAGS


def test_check_mode_update_writes_nothing(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a", retention=7)])
    get_resources(aws, ["a"], {"a": TAGS})
    result = run_module(m.main, {"log_groups": [item("a")]}, check_mode=True)
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["log_groups"][0]["retention_in_days"] == 30


def test_tags_kept_without_purge(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a")])
    # Without purge, the extra tag is no difference: the answer is taken as it is.
    get_resources(aws, ["a"], {"a": {"Deployment": "d", "Extra": "x"}})
    result = run_module(m.main, {"log_groups": [item("a")], "purge_tags": False})
    assert_unchanged(result)
    assert result["log_groups"][0]["tags"] == {"Deployment": "d", "Extra": "x"}


def test_retention_zero_and_empty_key_remove_them(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a")])
    get_resources(aws, ["a"], {"a": TAGS})
    logs.add_response("delete_retention_policy", {}, {"logGroupName": "a"})
    logs.add_response("disassociate_kms_key", {}, {"logGroupName": "a"})
    result = run_module(m.main, {"log_groups": [item("a", retention=0, kms_key_id="")]})
    assert_changed(result)
    assert result["log_groups"][0]["retention_in_days"] is None
    assert result["log_groups"][0]["kms_key_id"] is None


def test_deletion_protection_set_on_create_and_changed_on_an_existing_group(aws):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("b")])
    get_resources(aws, ["b"], {"b": TAGS})
    logs.add_response(
        "create_log_group",
        {},
        {"logGroupName": "a", "kmsKeyId": KEY, "tags": TAGS, "deletionProtectionEnabled": True},
    )
    logs.add_response("put_retention_policy", {}, {"logGroupName": "a", "retentionInDays": 30})
    logs.add_response(
        "put_log_group_deletion_protection", {}, {"logGroupIdentifier": "b", "deletionProtectionEnabled": True}
    )
    describe(logs, ["a"], [described("a", deletionProtectionEnabled=True)])
    result = run_module(
        m.main, {"log_groups": [item("a", deletion_protection=True), item("b", deletion_protection=True)]}
    )
    assert_changed(result)
    assert (result["created"], result["updated"]) == (["a"], ["b"])
    assert all(g["deletion_protection"] for g in result["log_groups"])


def test_delete_and_absent_already(aws):
    logs = aws.stub("logs")
    # Groups to delete have no tags read.
    describe(logs, ["a", "b"], [described("a")])
    logs.add_response("delete_log_group", {}, {"logGroupName": "a"})
    result = run_module(m.main, {"log_groups": [{"name": "a", "state": "absent"}, {"name": "b", "state": "absent"}]})
    assert_changed(result)
    assert result["deleted"] == ["a"]
    assert result["log_groups"] == [{"name": "a", "state": "absent"}, {"name": "b", "state": "absent"}]


def test_check_mode_delete_deletes_nothing(aws):
    describe(aws.stub("logs"), ["a"], [described("a")])
    result = run_module(m.main, {"log_groups": [{"name": "a", "state": "absent"}]}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["a"]["retention_in_days"] == 30
    assert result["diff"]["after"] == {"a": {}}


def test_a_group_gone_before_its_delete_is_no_failure(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a")])
    logs.add_client_error("delete_log_group", **client_error("ResourceNotFoundException", status=400))
    result = run_module(m.main, {"log_groups": [{"name": "a", "state": "absent"}]})
    assert not result.get("failed"), result
    assert result["deleted"] == ["a"]


def test_not_found_absent_is_no_change(aws):
    describe(aws.stub("logs"), ["a"], [described("a-longer")])
    result = run_module(m.main, {"log_groups": [{"name": "a", "state": "absent"}]})
    assert_unchanged(result)


def test_create_that_raced_reads_the_group_and_reconciles_it(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [])
    logs.add_client_error("create_log_group", **client_error("ResourceAlreadyExistsException"))
    # Created meanwhile by the service, without key, retention or tags: read with the service's own calls.
    describe(logs, ["a"], [described("a", retention=None, key=None)])
    tags(logs, "a", {})
    logs.add_response("put_retention_policy", {}, {"logGroupName": "a", "retentionInDays": 30})
    logs.add_response("associate_kms_key", {}, {"logGroupName": "a", "kmsKeyId": KEY})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN + "a", "tags": TAGS})
    describe(logs, ["a"], [described("a")])
    result = run_module(m.main, {"log_groups": [item("a")]})
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["log_groups"][0]["arn"] == ARN + "a"


@pytest.mark.parametrize("code", ["ThrottlingException", "OperationAbortedException"])
def test_throttled_and_aborted_calls_are_retried(aws, code):
    """A read is retried on throttling; a write also on a concurrent change of the group (OperationAborted, which
    DescribeLogGroups does not answer)."""
    logs = aws.stub("logs")
    logs.add_client_error("describe_log_groups", **client_error("ThrottlingException"))
    describe(logs, ["a"], [described("a")])
    get_resources(aws, ["a"], {"a": TAGS})
    logs.add_client_error("put_retention_policy", **client_error(code))
    logs.add_response("put_retention_policy", {}, {"logGroupName": "a", "retentionInDays": 60})
    result = run_module(m.main, {"log_groups": [item("a", retention=60)]})
    assert_changed(result)
    assert len(aws.sleeps) == 2


def test_other_errors_fail_naming_the_call(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [])
    logs.add_client_error("create_log_group", **client_error("LimitExceededException"))
    result = run_module(m.main, {"log_groups": [item("a")]})
    assert_fails_mentioning(result, "Failed to create log group a")


@pytest.mark.parametrize(
    "given, text",
    [
        ({"retention": 4}, "log_groups[0] (a): retention 4 is not one of"),
        ({"kms_key_id": "alias/logs"}, "log_groups[0] (a): kms_key_id must be a KMS key ARN"),
    ],
)
def test_bad_input_fails_before_any_call(aws, given, text):
    result = run_module(m.main, {"log_groups": [item("a", **given)]})
    assert_fails_mentioning(result, text)


def test_a_name_listed_twice_fails(aws):
    result = run_module(m.main, {"log_groups": [item("a"), item("a", state="absent")]})
    assert_fails_mentioning(result, "log_groups: a is listed more than once")


def test_task_options_apply_to_the_groups_that_leave_them_out(aws):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [])
    logs.add_response("create_log_group", {}, {"logGroupName": "a", "kmsKeyId": KEY, "tags": TAGS})
    logs.add_response("put_retention_policy", {}, {"logGroupName": "a", "retentionInDays": 30})
    logs.add_response(
        "create_log_group", {}, {"logGroupName": "b", "kmsKeyId": OTHER_KEY, "tags": {"Deployment": "d", "Log": "b"}}
    )
    logs.add_response("put_retention_policy", {}, {"logGroupName": "b", "retentionInDays": 7})
    describe(logs, ["a", "b"], [described("a"), described("b", retention=7, key=OTHER_KEY)])
    result = run_module(
        m.main,
        {
            "log_groups": [{"name": "a"}, {"name": "b", "kms_key_id": OTHER_KEY, "retention": 7, "tags": {"Log": "b"}}],
            "kms_key_id": KEY,
            "retention": 30,
            "tags": TAGS,
        },
    )
    assert_changed(result)
    assert result["log_groups"][1]["tags"] == {"Deployment": "d", "Log": "b"}


def test_bad_task_retention_fails_naming_it(aws):
    result = run_module(m.main, {"log_groups": [{"name": "a"}], "retention": 2})
    assert_fails_mentioning(result, "retention 2 is not one of 0 (never expire), 1, 3")
    assert "log_groups[" not in result["msg"]


EXECUTION = "API-Gateway-Execution-Logs_"


def test_purge_deletes_the_prefix_groups_with_the_filter_tags_only(aws):
    logs = aws.stub("logs")
    describe(logs, ["a"], [described("a")])
    describe_prefix(
        logs,
        EXECUTION,
        [described(EXECUTION + "old/v1"), described(EXECUTION + "other/v1"), described(EXECUTION + "untagged/v1")],
    )
    tags(logs, EXECUTION + "old/v1", {"Deployment": "d", "RestApi": "d-api"})
    tags(logs, EXECUTION + "other/v1", {"Deployment": "e", "RestApi": "e-api"})
    tags(logs, EXECUTION + "untagged/v1", {})
    logs.add_response("delete_log_group", {}, {"logGroupName": "a"})
    logs.add_response("delete_log_group", {}, {"logGroupName": EXECUTION + "old/v1"})
    result = run_module(
        m.main,
        {
            "log_groups": [{"name": "a", "state": "absent"}],
            "purge": True,
            "purge_prefix": EXECUTION,
            "purge_filter_tags": {"Deployment": "d", "RestApi": "d-api"},
        },
        diff=True,
    )
    assert_changed(result)
    assert result["deleted"] == ["a", EXECUTION + "old/v1"]
    assert result["log_groups"] == [{"name": "a", "state": "absent"}]
    assert result["diff"]["after"] == {"a": {}, EXECUTION + "old/v1": {}}


def test_purge_in_check_mode_deletes_nothing_and_spares_listed_groups(aws):
    logs = aws.stub("logs")
    describe(logs, [EXECUTION + "kept/v1"], [described(EXECUTION + "kept/v1")])
    get_resources(aws, [EXECUTION + "kept/v1"], {EXECUTION + "kept/v1": TAGS})
    describe_prefix(logs, EXECUTION, [described(EXECUTION + "kept/v1"), described(EXECUTION + "old/v1")])
    result = run_module(
        m.main,
        {"log_groups": [item(EXECUTION + "kept/v1")], "purge": True, "purge_prefix": EXECUTION},
        check_mode=True,
    )
    assert_changed(result)
    assert result["deleted"] == [EXECUTION + "old/v1"]
    assert result["updated"] == []


def test_purge_without_prefix_fails(aws):
    result = run_module(m.main, {"log_groups": [], "purge": True})
    assert_fails_mentioning(result, "purge_prefix is required with purge=true")


# --- known_tags -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_with_the_wanted_tags_read_no_tags_and_report_the_same(aws, check_mode):
    """A no-op whose tags the snapshot shows: DescribeLogGroups only, the same result as with GetResources."""
    logs = aws.stub("logs")
    groups = [item("a"), item("b", tags={**TAGS, "Log": "b"})]
    answered = {"a": TAGS, "b": {**TAGS, "Log": "b"}}
    describe(logs, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a", "b"], answered)
    read = run_module(m.main, {"log_groups": groups}, check_mode=check_mode, diff=True)

    describe(logs, ["a", "b"], [described("a"), described("b")])
    asked = aws.sent("resourcegroupstaggingapi", "GetResources")
    reads = aws.sent("logs", "ListTagsForResource")
    known = {ARN + name: found for name, found in answered.items()}
    result = run_module(m.main, {"log_groups": groups, "known_tags": known}, check_mode=check_mode, diff=True)

    assert_unchanged(result)
    assert asked == [] and reads == []
    assert result == read
    assert [g["tags"] for g in result["log_groups"]] == [TAGS, {**TAGS, "Log": "b"}]


def test_known_tags_with_another_value_are_asked_and_read_and_updated(aws):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("a"), described("b")])
    # "b" is answered by the snapshot; "a" differs there, so GetResources and ListTagsForResource decide.
    get_resources(aws, ["a"], {"a": {"Deployment": "old"}})
    tags(logs, "a", {"Deployment": "old"})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN + "a", "tags": TAGS})
    known = {ARN + "a": {"Deployment": "other"}, ARN + "b": TAGS}
    result = run_module(m.main, {"log_groups": [item("a"), item("b")], "known_tags": known}, diff=True)
    assert_changed(result)
    assert result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["tags"] == {"Deployment": "old"}
    assert result["diff"]["after"]["a"]["tags"] == TAGS
    assert "b" not in result["diff"]["after"]


def test_known_tags_without_the_group_are_asked(aws):
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("a"), described("b")])
    get_resources(aws, ["a"], {})
    tags(logs, "a", TAGS)
    result = run_module(m.main, {"log_groups": [item("a"), item("b")], "known_tags": {ARN + "b": TAGS}})
    assert_unchanged(result)
    assert [g["tags"] for g in result["log_groups"]] == [TAGS, TAGS]


def test_known_tags_with_an_extra_tag_without_purge_read_no_tags(aws):
    describe(aws.stub("logs"), ["a"], [described("a")])
    known = {ARN + "a": {**TAGS, "Extra": "x"}}
    result = run_module(m.main, {"log_groups": [item("a")], "purge_tags": False, "known_tags": known})
    assert_unchanged(result)
    assert result["log_groups"][0]["tags"] == {**TAGS, "Extra": "x"}


def test_known_tags_leave_the_reads_of_unmanaged_tags_and_of_a_raced_create(aws):
    """Tags left alone are reported as ListTagsForResource answers them, and a group created meanwhile by someone
    else is read with the service's own call (after planning), whatever the snapshot says."""
    logs = aws.stub("logs")
    describe(logs, ["a", "b"], [described("b", retention=None, key=None)])
    tags(logs, "b", {"Other": "x"})
    logs.add_client_error("create_log_group", **client_error("ResourceAlreadyExistsException"))
    describe(logs, ["a"], [described("a")])
    tags(logs, "a", TAGS)
    describe(logs, ["a"], [described("a")])
    known = {ARN + "a": TAGS, ARN + "b": {"Other": "x"}}
    result = run_module(m.main, {"log_groups": [item("a"), {"name": "b"}], "known_tags": known})
    # The group someone else created already is the wanted one: nothing was changed.
    assert_unchanged(result)
    assert result["log_groups"][0]["arn"] == ARN + "a"
    assert [g["tags"] for g in result["log_groups"]] == [TAGS, {"Other": "x"}]

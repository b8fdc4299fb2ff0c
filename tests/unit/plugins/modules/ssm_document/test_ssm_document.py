"""ssm_document: every API path with botocore's Stubber, and the pure content functions."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import ssm_document as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_check_mode_delete_changes
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_absent
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

NAME = "prod-restore-table-pitr"
CONTENT = """schemaVersion: '0.3'
description: Restore the table
mainSteps:
  - name: restore
    action: aws:sleep
    inputs: {Duration: PT1S}
"""
NEW_CONTENT = CONTENT.replace("Restore the table", "Restore the table into a drill table")


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document(version="1", default=None, latest=None, content=CONTENT, status="Active", tags=None, **extra):
    return {
        "Name": NAME,
        "Hash": sha(content),
        "HashType": "Sha256",
        "Status": status,
        "DocumentVersion": version,
        "DefaultVersion": default or version,
        "LatestVersion": latest or version,
        "DocumentType": "Automation",
        "DocumentFormat": "YAML",
        "SchemaVersion": "0.3",
        "Tags": [{"Key": "Deployment", "Value": "prod"}] if tags is None else tags,
        **extra,
    }


def described(stub, doc, version=None):
    params = {"Name": NAME}
    if version:
        params["DocumentVersion"] = version
    stub.add_response("describe_document", {"Document": doc}, params)


def default_set(stub, version):
    """UpdateDocumentDefaultVersion making ``version`` the default."""
    stub.add_response(
        "update_document_default_version",
        {"Description": {"Name": NAME, "DefaultVersion": version}},
        {"Name": NAME, "DocumentVersion": version},
    )


def content_read(stub, version, content):
    stub.add_response(
        "get_document",
        {"Name": NAME, "DocumentVersion": version, "Content": content, "DocumentFormat": "YAML"},
        {"Name": NAME, "DocumentVersion": version, "DocumentFormat": "YAML"},
    )


def missing(stub, version=None):
    params = {"Name": NAME}
    if version:
        params["DocumentVersion"] = version
    stub.add_client_error("describe_document", expected_params=params, **client_error("InvalidDocument"))


ARGS = {"name": NAME, "content": CONTENT, "tags": {"Deployment": "prod"}}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return patch_clock(monkeypatch, module)


def test_create(aws):
    stub = aws.stub("ssm")
    missing(stub)
    stub.add_response(
        "create_document",
        {"DocumentDescription": document(status="Creating")},
        {
            "Name": NAME,
            "Content": CONTENT,
            "DocumentType": "Automation",
            "DocumentFormat": "YAML",
            "Tags": [{"Key": "Deployment", "Value": "prod"}],
        },
    )
    described(stub, document())
    result = run_module(module.main, ARGS, diff=True)
    assert_changed(result)
    assert result["document"] == {
        "name": NAME,
        "document_version": "1",
        "default_version": "1",
        "latest_version": "1",
        "hash": sha(CONTENT),
        "status": "Active",
        "document_format": "YAML",
        "document_type": "Automation",
        "tags": {"Deployment": "prod"},
    }
    assert result["diff"]["before"] == {}


def test_create_from_a_dict_as_json(aws):
    stub = aws.stub("ssm")
    content = {"schemaVersion": "0.3", "mainSteps": [{"name": "s", "action": "aws:sleep"}]}
    text = json.dumps(content, indent=2)
    missing(stub)
    stub.add_response(
        "create_document",
        {"DocumentDescription": document(content=text, DocumentFormat="JSON", tags=[])},
        {"Name": NAME, "Content": text, "DocumentType": "Automation", "DocumentFormat": "JSON"},
    )
    described(stub, document(content=text, DocumentFormat="JSON", tags=[]))
    result = run_module(module.main, {"name": NAME, "content": content, "document_format": "JSON"})
    assert result["changed"] is True, result
    assert result["document"]["hash"] == sha(text)


def test_create_waits_while_creating_and_fails_on_failed(aws, clock):
    stub = aws.stub("ssm")
    missing(stub)
    stub.add_response("create_document", {"DocumentDescription": document(status="Creating")}, None)
    described(stub, document(status="Creating"))
    described(stub, document(status="Failed", StatusInformation="step 'restore' is invalid"))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, "step 'restore' is invalid")
    assert clock.sleeps == [2]


def test_a_document_that_stays_creating_times_out(aws, clock):
    stub = aws.stub("ssm")
    missing(stub)
    stub.add_response("create_document", {"DocumentDescription": document(status="Creating")}, None)
    for _poll in range(3):
        described(stub, document(status="Creating"))
    result = run_module(module.main, dict(ARGS, wait_timeout=5))
    assert_fails_mentioning(result, "to become Active")
    assert clock.sleeps == [2, 2]


def test_create_in_check_mode(aws):
    missing(aws.stub("ssm"))
    result = run_module(module.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True, result
    assert result["document"]["hash"] == sha(CONTENT)
    assert result["document"]["default_version"] == "1"


def test_no_change(aws):
    described(aws.stub("ssm"), document())
    result = run_module(module.main, ARGS)
    assert_unchanged(result)
    assert result["document"]["document_version"] == "1"


def test_no_change_with_tags_left_out(aws):
    described(aws.stub("ssm"), document(tags=[{"Key": "Other", "Value": "x"}]))
    result = run_module(module.main, {"name": NAME, "content": CONTENT})
    assert result["changed"] is False, result
    assert result["document"]["tags"] == {"Other": "x"}


def test_new_content_makes_a_new_default_version(aws):
    stub = aws.stub("ssm")
    described(stub, document())
    content_read(stub, "1", CONTENT)
    stub.add_response(
        "update_document",
        {"DocumentDescription": document("2", default="1", latest="2", content=NEW_CONTENT, status="Updating")},
        {"Name": NAME, "Content": NEW_CONTENT, "DocumentVersion": "$LATEST", "DocumentFormat": "YAML"},
    )
    described(stub, document("1", latest="2"))
    default_set(stub, "2")
    described(stub, document("2", content=NEW_CONTENT))
    result = run_module(module.main, dict(ARGS, content=NEW_CONTENT), diff=True)
    assert_changed(result)
    assert (result["document"]["default_version"], result["document"]["latest_version"]) == ("2", "2")
    assert result["document"]["hash"] == sha(NEW_CONTENT)
    assert result["diff"]["before"]["hash"] == sha(CONTENT)
    assert result["diff"]["after"]["hash"] == sha(NEW_CONTENT)


def test_new_content_in_check_mode_predicts_the_next_version(aws):
    described(aws.stub("ssm"), document())
    content_read(aws.stub("ssm"), "1", CONTENT)
    result = run_module(module.main, dict(ARGS, content=NEW_CONTENT), check_mode=True)
    assert result["changed"] is True, result
    assert (result["document"]["default_version"], result["document"]["latest_version"]) == ("2", "2")


def test_content_of_an_older_version_makes_it_the_default_again(aws):
    stub = aws.stub("ssm")
    described(stub, document("3", latest="3", content=NEW_CONTENT))
    content_read(stub, "3", NEW_CONTENT)
    described(stub, document("2", default="3", latest="3", content=NEW_CONTENT + "# v2\n"), version="2")
    described(stub, document("1", default="3", latest="3"), version="1")
    default_set(stub, "1")
    described(stub, document("1", latest="3"))
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert (result["document"]["default_version"], result["document"]["latest_version"]) == ("1", "3")


def test_a_deleted_version_is_skipped(aws):
    stub = aws.stub("ssm")
    described(stub, document("3", latest="3", content=NEW_CONTENT))
    content_read(stub, "3", NEW_CONTENT)
    missing(stub, version="2")
    described(stub, document("1", default="3", latest="3", content="schemaVersion: '0.3'\n"), version="1")
    stub.add_response(
        "update_document",
        {"DocumentDescription": document("4", default="3", latest="4")},
        {"Name": NAME, "Content": CONTENT, "DocumentVersion": "$LATEST", "DocumentFormat": "YAML"},
    )
    described(stub, document("3", latest="4", content=NEW_CONTENT))
    default_set(stub, "4")
    described(stub, document("4"))
    result = run_module(module.main, ARGS)
    assert result["changed"] is True, result
    assert result["document"]["default_version"] == "4"


def test_same_text_under_another_hash_is_no_change(aws):
    stub = aws.stub("ssm")
    described(stub, document(Hash="0" * 64))
    content_read(stub, "1", CONTENT)
    result = run_module(module.main, ARGS)
    assert_unchanged(result)


def test_a_duplicate_that_no_hash_matched_is_found_by_its_text(aws):
    stub = aws.stub("ssm")
    described(stub, document("2", latest="2", content=NEW_CONTENT))
    content_read(stub, "2", NEW_CONTENT)
    described(stub, document("1", default="2", latest="2", Hash="1" * 64), version="1")
    stub.add_client_error("update_document", **client_error("DuplicateDocumentContent"))
    content_read(stub, "2", NEW_CONTENT)
    content_read(stub, "1", CONTENT)
    default_set(stub, "1")
    described(stub, document("1", latest="2"))
    result = run_module(module.main, ARGS)
    assert_changed(result)
    assert result["document"]["default_version"] == "1"


def test_tags_added_and_purged(aws):
    stub = aws.stub("ssm")
    described(stub, document(tags=[{"Key": "Deployment", "Value": "prod"}, {"Key": "stale", "Value": "x"}]))
    stub.add_response(
        "remove_tags_from_resource", {}, {"ResourceType": "Document", "ResourceId": NAME, "TagKeys": ["stale"]}
    )
    stub.add_response(
        "add_tags_to_resource",
        {},
        {"ResourceType": "Document", "ResourceId": NAME, "Tags": [{"Key": "Owner", "Value": "platform"}]},
    )
    described(stub, document())
    result = run_module(module.main, dict(ARGS, tags={"Deployment": "prod", "Owner": "platform"}))
    assert result["changed"] is True, result
    assert result["document"]["tags"] == {"Deployment": "prod", "Owner": "platform"}


def test_the_type_cannot_change(aws):
    described(aws.stub("ssm"), document(DocumentType="Command"))
    result = run_module(module.main, ARGS)
    assert_fails_mentioning(result, "document_type")


def test_delete(aws, clock):
    stub = aws.stub("ssm")
    described(stub, document())
    stub.add_response("delete_document", {}, {"Name": NAME})
    described(stub, document(status="Deleting"))
    missing(stub)
    result = run_absent(module.main, NAME, diff=True)
    assert_changed(result)
    assert result["document"] == {}
    assert result["diff"]["before"]["name"] == NAME and result["diff"]["after"] == {}
    assert clock.sleeps == [2]


def test_delete_in_check_mode(aws):
    described(aws.stub("ssm"), document())
    assert_check_mode_delete_changes(module.main, NAME)


def test_already_absent(aws):
    missing(aws.stub("ssm"))
    result = run_absent(module.main, NAME)
    assert_unchanged(result)


def test_throttled_then_retried(aws):
    stub = aws.stub("ssm")
    stub.add_client_error("describe_document", **client_error("ThrottlingException"))
    described(stub, document())
    result = run_module(module.main, ARGS)
    assert_unchanged(result)


def test_update_refused_fails_naming_the_call(aws):
    stub = aws.stub("ssm")
    described(stub, document())
    content_read(stub, "1", CONTENT)
    stub.add_client_error("update_document", **client_error("InvalidDocumentContent", "bad step"))
    result = run_module(module.main, dict(ARGS, content=NEW_CONTENT))
    assert_fails_mentioning(result, f"update document {NAME}")


@pytest.mark.parametrize(
    "args, message",
    [
        ({"name": NAME}, "state is present but all of the following are missing: content"),
        ({"name": NAME, "content": "a: [unclosed"}, "not valid YAML"),
        ({"name": NAME, "content": "{}", "document_format": "JSON"}, "schemaVersion"),
        ({"name": NAME, "content": "not json", "document_format": "JSON"}, "not valid JSON"),
        ({"name": NAME, "content": 12}, "not int"),
    ],
    ids=["missing", "bad_yaml", "not_a_document", "bad_json", "wrong_type"],
)
def test_bad_content_fails_before_any_call(aws, args, message):
    result = run_module(module.main, args)
    assert_fails_mentioning(result, message)


# --- pure functions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, document_format, expected",
    [
        (CONTENT, "YAML", CONTENT),
        ({"schemaVersion": "0.3", "b": 1, "a": 2}, "YAML", "schemaVersion: '0.3'\nb: 1\na: 2\n"),
        ({"schemaVersion": "0.3"}, "JSON", '{\n  "schemaVersion": "0.3"\n}'),
        ('{"schemaVersion": "0.3"}', "JSON", '{"schemaVersion": "0.3"}'),
    ],
    ids=["text_as_is", "dict_yaml_in_order", "dict_json", "json_text_as_is"],
)
def test_content_text(content, document_format, expected):
    assert module.content_text(copy.deepcopy(content), document_format) == expected


def test_content_hash_is_what_ssm_reports():
    assert module.content_hash(CONTENT) == sha(CONTENT)
    assert module.content_hash(CONTENT, "Sha1") == hashlib.sha1(CONTENT.encode()).hexdigest()


def test_equal_text_means_no_change_whatever_the_hash():
    plan = module.content_plan(document("1", Hash="x"), sha(CONTENT), {}, default_content=CONTENT, text=CONTENT)
    assert plan == ("none", "1")


@pytest.mark.parametrize(
    "current, versions, wanted, expected",
    [
        (document("1"), {}, sha(CONTENT), ("none", "1")),
        (document("1"), {}, sha(NEW_CONTENT), ("new_version", "2")),
        (document("2", latest="3"), {"3": sha(NEW_CONTENT), "1": "x"}, sha(NEW_CONTENT), ("set_default", "3")),
        (document("3"), {"2": "y", "1": sha(NEW_CONTENT)}, sha(NEW_CONTENT), ("set_default", "1")),
        (document("3"), {"2": sha(NEW_CONTENT), "1": sha(NEW_CONTENT)}, sha(NEW_CONTENT), ("set_default", "2")),
    ],
    ids=["same", "new", "latest_not_default", "older_version", "newest_of_equal_versions"],
)
def test_content_plan(current, versions, wanted, expected):
    assert module.content_plan(current, wanted, versions) == expected

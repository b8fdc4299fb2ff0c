"""iam_roles' main() through every API path, with botocore's Stubber.

Documents are stubbed as IAM sends them, URL-encoded JSON; botocore decodes them (``json_decode_policies``).
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import quote

from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.modules import iam_roles as m
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ARN = "arn:aws:iam::123456789012:role/"
MANAGED = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
OTHER = "arn:aws:iam::aws:policy/ReadOnlyAccess"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}],
}
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def encoded(document: dict) -> str:
    return quote(json.dumps(document))


def role(name="r", tags=None, trust=None, **given):
    trust = TRUST if trust is None else trust
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": ("AROA" + name.upper() + "EXAMPLE000000")[:17],
        "Arn": ARN + name,
        "CreateDate": NOW,
        "AssumeRolePolicyDocument": encoded(trust),
        "Description": "d",
        "MaxSessionDuration": 3600,
        "Tags": [{"Key": k, "Value": v} for k, v in (tags if tags is not None else {"Deployment": "x"}).items()],
        **given,
    }


def spec(name="r", **given):
    return {
        "name": name,
        "description": "d",
        "assume_role_policy_document": TRUST,
        "policies": {"p": POLICY},
        "managed_policies": [MANAGED],
        "purge_managed_policies": True,
        "tags": {"Deployment": "x"},
        **given,
    }


def stub_read(iam, name="r", attached=(MANAGED,), document=None, **role_given):
    document = POLICY if document is None else document
    iam.add_response("get_role", {"Role": role(name, **role_given)}, {"RoleName": name})
    iam.add_response(
        "get_role_policy",
        {"RoleName": name, "PolicyName": "p", "PolicyDocument": encoded(document)},
        {"RoleName": name, "PolicyName": "p"},
    )
    iam.add_response(
        "list_attached_role_policies",
        {"AttachedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached]},
        {"RoleName": name},
    )


def test_create(aws):
    iam = aws.stub("iam")
    iam.add_client_error("get_role", **client_error("NoSuchEntity", status=404))
    iam.add_response(
        "create_role",
        {"Role": role()},
        {
            "RoleName": "r",
            "Path": "/",
            "AssumeRolePolicyDocument": json.dumps(TRUST),
            "Description": "d",
            "Tags": [{"Key": "Deployment", "Value": "x"}],
        },
    )
    iam.add_response("put_role_policy", {}, {"RoleName": "r", "PolicyName": "p", "PolicyDocument": json.dumps(POLICY)})
    iam.add_response("attach_role_policy", {}, {"RoleName": "r", "PolicyArn": MANAGED})

    result = run_module(m.main, {"roles": [spec()]}, diff=True)

    assert not result.get("failed"), result
    assert result["changed"] and result["created"] == ["r"]
    [made] = result["roles"]
    assert (made["role_name"], made["arn"], made["role_id"]) == ("r", ARN + "r", "AROAREXAMPLE00000")
    assert made["policies"] == ["p"] and made["managed_policies"] == [MANAGED]
    assert result["diff"]["before"] == {"r": {}}
    assert result["diff"]["after"]["r"]["policies"] == {"p": POLICY}


def test_create_retries_no_such_entity_right_after(aws):
    iam = aws.stub("iam")
    iam.add_client_error("get_role", **client_error("NoSuchEntity", status=404))
    iam.add_response("create_role", {"Role": role()}, {"RoleName": "r", "Path": "/", "AssumeRolePolicyDocument": ANY})
    # IAM does not know the new role yet for the first policy call.
    iam.add_client_error(
        "put_role_policy", **client_error("NoSuchEntity", "The role with name r cannot be found.", 404)
    )
    iam.add_response("put_role_policy", {}, {"RoleName": "r", "PolicyName": "p", "PolicyDocument": ANY})

    result = run_module(
        m.main, {"roles": [{"name": "r", "assume_role_policy_document": TRUST, "policies": {"p": POLICY}}]}
    )

    assert not result.get("failed"), result
    assert result["created"] == ["r"]
    assert len(aws.sleeps) == 1


def test_create_check_mode_makes_no_call_but_the_read(aws):
    iam = aws.stub("iam")
    iam.add_client_error("get_role", **client_error("NoSuchEntity", status=404))

    result = run_module(m.main, {"roles": [spec()]}, check_mode=True)

    assert result["changed"] and result["created"] == ["r"]
    assert "arn" not in result["roles"][0]


def test_create_without_trust_policy_fails_naming_it(aws):
    iam = aws.stub("iam")
    iam.add_client_error("get_role", **client_error("NoSuchEntity", status=404))

    result = run_module(m.main, {"roles": [{"name": "r"}]})

    assert_fails_mentioning(result, "roles[0].assume_role_policy_document is required")


def test_no_change_reads_only(aws):
    stub_read(aws.stub("iam"))

    result = run_module(m.main, {"roles": [spec()]}, diff=True)

    assert not result["changed"], result
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["roles"][0]["arn"] == ARN + "r"


def test_no_change_for_a_reformatted_document(aws):
    stub_read(aws.stub("iam"), document={**POLICY, "Statement": [dict(POLICY["Statement"][0], Resource=["*"])]})

    result = run_module(m.main, {"roles": [spec(policies={"p": json.dumps(POLICY, indent=2)})]})

    assert not result["changed"], result


def test_update_trust_inline_managed_tags(aws):
    iam = aws.stub("iam")
    stub_read(
        iam,
        attached=(OTHER,),
        document={**POLICY, "Statement": [dict(POLICY["Statement"][0], Effect="Deny")]},
        trust={**TRUST, "Statement": [dict(TRUST["Statement"][0], Principal={"Service": "states.amazonaws.com"})]},
        tags={"Deployment": "old", "Stale": "1"},
    )
    iam.add_response("update_assume_role_policy", {}, {"RoleName": "r", "PolicyDocument": json.dumps(TRUST)})
    iam.add_response("put_role_policy", {}, {"RoleName": "r", "PolicyName": "p", "PolicyDocument": json.dumps(POLICY)})
    iam.add_response("attach_role_policy", {}, {"RoleName": "r", "PolicyArn": MANAGED})
    iam.add_response("detach_role_policy", {}, {"RoleName": "r", "PolicyArn": OTHER})
    iam.add_response("untag_role", {}, {"RoleName": "r", "TagKeys": ["Stale"]})
    iam.add_response("tag_role", {}, {"RoleName": "r", "Tags": [{"Key": "Deployment", "Value": "x"}]})

    result = run_module(m.main, {"roles": [spec()]}, diff=True)

    assert result["changed"] and result["updated"] == ["r"]
    before, after = result["diff"]["before"]["r"], result["diff"]["after"]["r"]
    assert before["managed_policies"] == [OTHER] and after["managed_policies"] == [MANAGED]
    assert before["tags"] == {"Deployment": "old", "Stale": "1"} and after["tags"] == {"Deployment": "x"}
    assert after["assume_role_policy_document"] == TRUST


def test_common_tags_for_every_role(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role("a", tags={"Deployment": "x"})}, {"RoleName": "a"})
    iam.add_response("get_role", {"Role": role("b", tags={"Deployment": "x"})}, {"RoleName": "b"})
    iam.add_response("tag_role", {}, {"RoleName": "b", "Tags": [{"Key": "Team", "Value": "api"}]})

    given = {"roles": [{"name": "a"}, {"name": "b", "tags": {"Team": "api"}}], "tags": {"Deployment": "x"}}
    result = run_module(m.main, given)

    assert result["updated"] == ["b"]
    assert [r["tags"] for r in result["roles"]] == [{"Deployment": "x"}, {"Deployment": "x", "Team": "api"}]


def test_update_check_mode_predicts_without_calls(aws):
    stub_read(aws.stub("iam"), tags={})

    result = run_module(m.main, {"roles": [spec()]}, check_mode=True, diff=True)

    assert result["changed"] and result["updated"] == ["r"]
    assert result["roles"][0]["tags"] == {"Deployment": "x"}


def test_description_and_session_in_one_update_role(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_response("update_role", {}, {"RoleName": "r", "Description": "new", "MaxSessionDuration": 7200})

    given = {"name": "r", "description": "new", "max_session_duration": 7200}
    result = run_module(m.main, {"roles": [given]})

    assert result["updated"] == ["r"]


def test_purge_inline_policies_only_when_asked(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_response("list_role_policies", {"PolicyNames": ["p", "dr-drill-deny"]}, {"RoleName": "r"})
    for name in ("p", "dr-drill-deny"):
        iam.add_response(
            "get_role_policy",
            {"RoleName": "r", "PolicyName": name, "PolicyDocument": encoded(POLICY)},
            {"RoleName": "r", "PolicyName": name},
        )
    iam.add_response("delete_role_policy", {}, {"RoleName": "r", "PolicyName": "dr-drill-deny"})

    result = run_module(m.main, {"roles": [{"name": "r", "policies": {"p": POLICY}, "purge_policies": True}]})

    assert result["updated"] == ["r"]
    assert result["roles"][0]["policies"] == ["p"]


def test_inline_policies_not_listed_are_kept_by_default(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_response(
        "get_role_policy",
        {"RoleName": "r", "PolicyName": "p", "PolicyDocument": encoded(POLICY)},
        {"RoleName": "r", "PolicyName": "p"},
    )

    result = run_module(m.main, {"roles": [{"name": "r", "policies": {"p": POLICY}}]})

    assert not result["changed"]


def test_missing_inline_policy_is_put(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_client_error("get_role_policy", **client_error("NoSuchEntity", status=404))
    iam.add_response("put_role_policy", {}, {"RoleName": "r", "PolicyName": "p", "PolicyDocument": json.dumps(POLICY)})

    result = run_module(m.main, {"roles": [{"name": "r", "policies": {"p": POLICY}}]})

    assert result["updated"] == ["r"]


def test_pagination_of_the_lists(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_response(
        "list_role_policies", {"PolicyNames": ["p"], "IsTruncated": True, "Marker": "m1"}, {"RoleName": "r"}
    )
    iam.add_response(
        "list_role_policies", {"PolicyNames": ["q"], "IsTruncated": False}, {"RoleName": "r", "Marker": "m1"}
    )
    for name in ("p", "q"):
        iam.add_response(
            "get_role_policy",
            {"RoleName": "r", "PolicyName": name, "PolicyDocument": encoded(POLICY)},
            {"RoleName": "r", "PolicyName": name},
        )
    iam.add_response(
        "list_attached_role_policies",
        {"AttachedPolicies": [{"PolicyArn": MANAGED}], "IsTruncated": True, "Marker": "a1"},
        {"RoleName": "r"},
    )
    iam.add_response(
        "list_attached_role_policies", {"AttachedPolicies": [{"PolicyArn": OTHER}]}, {"RoleName": "r", "Marker": "a1"}
    )

    given = {
        "name": "r",
        "policies": {"p": POLICY, "q": POLICY},
        "purge_policies": True,
        "managed_policies": [MANAGED, OTHER],
        "purge_managed_policies": True,
    }
    result = run_module(m.main, {"roles": [given]})

    assert not result["changed"], result
    assert result["roles"][0]["managed_policies"] == [MANAGED, OTHER]


def test_throttled_calls_are_retried(aws):
    iam = aws.stub("iam")
    iam.add_client_error("get_role", **client_error("Throttling", "Rate exceeded", 400))
    stub_read(iam)

    result = run_module(m.main, {"roles": [spec()]})

    assert not result.get("failed") and not result["changed"], result
    assert len(aws.sleeps) == 1


def test_delete(aws):
    iam = aws.stub("iam")
    iam.add_response("get_role", {"Role": role()}, {"RoleName": "r"})
    iam.add_response(
        "list_instance_profiles_for_role",
        {
            "InstanceProfiles": [
                {
                    "Path": "/",
                    "InstanceProfileName": "ip",
                    "InstanceProfileId": "AIPAEXAMPLE1234567",
                    "Arn": "arn:aws:iam::123456789012:instance-profile/ip",
                    "CreateDate": NOW,
                    "Roles": [],
                }
            ]
        },
        {"RoleName": "r"},
    )
    iam.add_response("remove_role_from_instance_profile", {}, {"InstanceProfileName": "ip", "RoleName": "r"})
    iam.add_response("list_attached_role_policies", {"AttachedPolicies": [{"PolicyArn": MANAGED}]}, {"RoleName": "r"})
    iam.add_response("detach_role_policy", {}, {"RoleName": "r", "PolicyArn": MANAGED})
    iam.add_response("list_role_policies", {"PolicyNames": ["p"]}, {"RoleName": "r"})
    iam.add_response("delete_role_policy", {}, {"RoleName": "r", "PolicyName": "p"})
    iam.add_response("delete_role", {}, {"RoleName": "r"})

    result = run_module(m.main, {"roles": [{"name": "r", "state": "absent"}]}, diff=True)

    assert result["changed"] and result["deleted"] == ["r"]
    assert result["roles"] == [{"role_name": "r", "state": "absent"}]
    assert result["diff"]["after"] == {"r": {}} and result["diff"]["before"]["r"]["role_name"] == "r"


def test_delete_check_mode(aws):
    aws.stub("iam").add_response("get_role", {"Role": role()}, {"RoleName": "r"})

    result = run_module(m.main, {"roles": [{"name": "r", "state": "absent"}]}, check_mode=True)

    assert result["changed"] and result["deleted"] == ["r"]


def test_delete_a_role_that_is_not_there(aws):
    aws.stub("iam").add_client_error("get_role", **client_error("NoSuchEntity", status=404))

    result = run_module(m.main, {"roles": [{"name": "r", "state": "absent"}]})

    assert not result["changed"] and result["deleted"] == []


def test_two_roles_one_created_one_unchanged(aws):
    iam = aws.stub("iam")
    stub_read(iam, name="a")
    iam.add_client_error("get_role", **client_error("NoSuchEntity", status=404))
    iam.add_response(
        "create_role", {"Role": role("b")}, {"RoleName": "b", "Path": "/", "AssumeRolePolicyDocument": ANY}
    )

    result = run_module(m.main, {"roles": [spec("a"), {"name": "b", "assume_role_policy_document": TRUST}]})

    assert result["created"] == ["b"] and result["updated"] == []
    assert [r["arn"] for r in result["roles"]] == [ARN + "a", ARN + "b"]


def test_other_error_fails_with_the_role_named(aws):
    aws.stub("iam").add_client_error("get_role", **client_error("AccessDenied", "not allowed", 403))

    result = run_module(m.main, {"roles": [spec()]})

    assert_fails_mentioning(result, "Failed to get role r")


def test_bad_input_fails_before_any_call(aws):
    result = run_module(m.main, {"roles": [spec(max_session_duration=10)]})

    assert_fails_as(result, "roles[0].max_session_duration: 10 is not between 3600 and 43200")

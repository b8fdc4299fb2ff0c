"""backup_plan against a stubbed AWS Backup: every API path, check mode and diff."""

from __future__ import annotations

import datetime
import re

import pytest
from botocore.stub import ANY

from ansible_collections.multiregion.serverless.plugins.filter.global_table import backup_plan_rules
from ansible_collections.multiregion.serverless.plugins.modules import backup_plan as module
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

NAME = "prod-items"
PLAN_ID = "8f1c2f0e-1d2b-4c5e-9f00-0123456789ab"
ARN = f"arn:aws:backup:eu-west-1:123456789012:backup-plan:{PLAN_ID}"
COPY_VAULT = "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-items"
ROLE = "arn:aws:iam::123456789012:role/prod-items-backup"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/prod-items"
CREATED = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
TAGS = {"Deployment": "prod"}
SHORT = [
    {"name": "hourly", "schedule": "cron(0 * * * ? *)", "retention_days": 2},
    {"name": "daily", "schedule": "cron(0 3 * * ? *)", "retention_days": 35, "copy_to_other_regions": True},
]
# What the role passes: the filter's output, snake_case.
RULES = backup_plan_rules(SHORT, NAME, [COPY_VAULT])
SELECTION = {"name": NAME, "iam_role_arn": ROLE, "resources": [TABLE]}
API_SELECTION = {"SelectionName": NAME, "IamRoleArn": ROLE, "Resources": [TABLE]}


def api_rules(rules=None):
    return module.camel(RULES if rules is None else rules)


def aws_rules(rules=None):
    """The rules as GetBackupPlan answers them: RuleId, every default filled in, lifecycle keys AWS adds."""
    out = []
    for i, rule in enumerate(api_rules(rules)):
        rule = {**rule, "RuleId": f"rule-{i}"}
        rule["Lifecycle"] = {**rule["Lifecycle"], "OptInToArchiveForSupportedResources": False}
        for action in rule.get("CopyActions", []):
            action["Lifecycle"]["OptInToArchiveForSupportedResources"] = False
        rule.setdefault("RecoveryPointTags", {})
        out.append(rule)
    return list(reversed(out))  # order does not count


def listed(stub, *plans):
    entries = [
        {
            "BackupPlanArn": ARN,
            "BackupPlanId": PLAN_ID,
            "BackupPlanName": NAME,
            "VersionId": "v1",
            "CreationDate": CREATED,
        }
        if p == NAME
        else {"BackupPlanArn": "arn:other", "BackupPlanId": "other-id", "BackupPlanName": p, "VersionId": "v9"}
        for p in plans
    ]
    stub.add_response("list_backup_plans", {"BackupPlansList": entries}, {"IncludeDeleted": False})


def got(stub, rules=None, settings=None):
    plan = {"BackupPlanName": NAME, "Rules": aws_rules() if rules is None else rules}
    if settings:
        plan["AdvancedBackupSettings"] = settings
    answer = {"BackupPlan": plan, "BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v1"}
    stub.add_response("get_backup_plan", answer, {"BackupPlanId": PLAN_ID})


def tags(stub, found):
    stub.add_response("list_tags", {"Tags": dict(found)}, {"ResourceArn": ARN})


def selections(stub, *found):
    entries = [
        {"SelectionId": sid, "SelectionName": name, "BackupPlanId": PLAN_ID, "IamRoleArn": ROLE} for sid, name in found
    ]
    stub.add_response("list_backup_selections", {"BackupSelectionsList": entries}, {"BackupPlanId": PLAN_ID})


def got_selection(stub, sid, selection):
    answer = {"BackupSelection": selection, "SelectionId": sid, "BackupPlanId": PLAN_ID}
    stub.add_response("get_backup_selection", answer, {"BackupPlanId": PLAN_ID, "SelectionId": sid})


def created_selection(stub, sid="sel-new", selection=None):
    stub.add_response(
        "create_backup_selection",
        {"SelectionId": sid, "BackupPlanId": PLAN_ID, "CreationDate": CREATED},
        {"BackupPlanId": PLAN_ID, "BackupSelection": selection or API_SELECTION, "CreatorRequestId": ANY},
    )


def existing(stub, tag_set=None, rules=None, settings=None):
    listed(stub, "someone-elses", NAME)
    got(stub, rules, settings)
    tags(stub, TAGS if tag_set is None else tag_set)


def args(**extra):
    return {"name": NAME, "rules": RULES, "tags": TAGS, **extra}


# ---- pure ----------------------------------------------------------------------------------------------------


def test_rules_as_given_and_as_aws_answers_them_compare_equal():
    assert module.normalize_rules(aws_rules()) == module.normalize_rules(api_rules())
    assert module.normalize_rules(api_rules())[0]["RuleName"] == "daily"
    assert "EnableContinuousBackup" not in module.normalize_rules(api_rules())[0]
    assert "ScheduleExpressionTimezone" not in module.normalize_rules(api_rules())[0]


def test_a_changed_retention_counts():
    changed = [dict(RULES[0], lifecycle={"delete_after_days": 3}), RULES[1]]
    assert module.normalize_rules(api_rules(changed)) != module.normalize_rules(aws_rules())


def test_camel_keeps_tag_keys_as_written():
    rule = {"rule_name": "r", "recovery_point_tags": {"cost_center": "a"}, "lifecycle": {"delete_after_days": 1}}
    assert module.camel(rule) == {
        "RuleName": "r",
        "RecoveryPointTags": {"cost_center": "a"},
        "Lifecycle": {"DeleteAfterDays": 1},
    }


def test_creator_request_id_is_stable_in_a_run_and_follows_the_document():
    one = module.creator_request_id("plan", NAME, {"a": 1, "b": 2}, run="run1")
    assert one == module.creator_request_id("plan", NAME, {"b": 2, "a": 1}, run="run1")
    assert one != module.creator_request_id("plan", NAME, {"a": 2, "b": 2}, run="run1")
    assert one != module.creator_request_id("plan", "other", {"a": 1, "b": 2}, run="run1")
    # A plan deleted and created again with the same rules in a later run does not get the deleted one back.
    assert one != module.creator_request_id("plan", NAME, {"a": 1, "b": 2}, run="run2")
    long_name = module.creator_request_id("selection", "x" * 50, {}, run=module.RUN)
    assert re.fullmatch(r"[A-Za-z0-9_.-]{1,50}", long_name), long_name


# ---- present -------------------------------------------------------------------------------------------------


def test_create_with_tags_and_selection(aws):
    stub = aws.stub("backup")
    listed(stub, "someone-elses")
    stub.add_response(
        "create_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v1", "CreationDate": CREATED},
        {
            "BackupPlan": {"BackupPlanName": NAME, "Rules": api_rules()},
            "BackupPlanTags": TAGS,
            "CreatorRequestId": module.creator_request_id(
                "plan", NAME, {"plan": {"BackupPlanName": NAME, "Rules": api_rules()}, "tags": TAGS}
            ),
        },
    )
    created_selection(stub)

    result = run_module(module.main, args(selection=SELECTION), diff=True)

    assert result["changed"] is True
    plan = result["plan"]
    assert (plan["backup_plan_id"], plan["backup_plan_arn"], plan["version_id"]) == (PLAN_ID, ARN, "v1")
    assert plan["tags"] == TAGS
    assert [r["rule_name"] for r in plan["rules"]] == ["daily", "hourly"]
    assert plan["rules"][0]["copy_actions"] == [
        {"destination_backup_vault_arn": COPY_VAULT, "lifecycle": {"delete_after_days": 35}}
    ]
    assert result["selection"] == {
        "selection_id": "sel-new",
        "name": NAME,
        "iam_role_arn": ROLE,
        "resources": [TABLE],
        "not_resources": [],
    }
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["selection"]["resources"] == [TABLE]


def test_throttled_create_is_retried_with_the_same_token(aws):
    stub = aws.stub("backup")
    listed(stub)
    document = {"BackupPlanName": NAME, "Rules": api_rules()}
    params = {
        "BackupPlan": document,
        "BackupPlanTags": TAGS,
        "CreatorRequestId": module.creator_request_id("plan", NAME, {"plan": document, "tags": TAGS}),
    }
    stub.add_client_error("create_backup_plan", expected_params=params, **client_error("ThrottlingException"))
    stub.add_response("create_backup_plan", {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v1"}, params)

    result = run_module(module.main, args())

    assert result["changed"] is True
    assert result["plan"]["backup_plan_id"] == PLAN_ID
    assert aws.sleeps


def test_create_in_check_mode_writes_nothing(aws):
    listed(aws.stub("backup"))

    result = run_module(module.main, args(selection=SELECTION), check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["plan"]["backup_plan_id"] is None
    assert result["selection"]["selection_id"] is None
    assert result["diff"]["after"]["tags"] == TAGS


@pytest.mark.parametrize("check_mode", [False, True])
def test_no_change_with_tags_and_selection(aws, check_mode):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-other", "other"), ("sel-1", NAME))
    got_selection(
        stub,
        "sel-1",
        {
            **API_SELECTION,
            "NotResources": [],
            "ListOfTags": [],
            "Conditions": {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []},
        },
    )

    result = run_module(module.main, args(selection=SELECTION), check_mode=check_mode, diff=True)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["plan"]["backup_plan_id"] == PLAN_ID
    assert result["plan"]["version_id"] == "v1"
    assert result["selection"]["selection_id"] == "sel-1"


def test_no_selection_given_reads_no_selection(aws):
    # The Stubber fails on any call not queued: ListBackupSelections must not be made.
    existing(aws.stub("backup"))

    result = run_module(module.main, args())

    assert result["changed"] is False
    assert result["selection"] is None


def test_changed_rule_updates_the_plan_and_keeps_its_settings(aws):
    stub = aws.stub("backup")
    settings = [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
    old = aws_rules([dict(RULES[0], lifecycle={"delete_after_days": 1}), RULES[1]])
    existing(stub, rules=old, settings=settings)
    stub.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {
            "BackupPlanId": PLAN_ID,
            "BackupPlan": {"BackupPlanName": NAME, "Rules": api_rules(), "AdvancedBackupSettings": settings},
        },
    )

    result = run_module(module.main, args(), diff=True)

    assert result["changed"] is True
    assert result["plan"]["version_id"] == "v2"

    def hourly(side):
        return next(r for r in result["diff"][side]["rules"] if r["rule_name"] == "hourly")

    assert hourly("before")["lifecycle"] == {"delete_after_days": 1}
    assert hourly("after")["lifecycle"] == {"delete_after_days": 2}
    assert result["plan"]["advanced_backup_settings"] == [
        {"resource_type": "EC2", "backup_options": {"WindowsVSS": "enabled"}}
    ]


def test_given_settings_are_compared(aws):
    stub = aws.stub("backup")
    existing(stub)
    settings = [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
    stub.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {
            "BackupPlanId": PLAN_ID,
            "BackupPlan": {"BackupPlanName": NAME, "Rules": api_rules(), "AdvancedBackupSettings": settings},
        },
    )

    result = run_module(
        module.main,
        args(advanced_backup_settings=[{"resource_type": "EC2", "backup_options": {"WindowsVSS": "enabled"}}]),
    )

    assert result["changed"] is True


def test_tags_set_and_purged_without_an_update(aws):
    stub = aws.stub("backup")
    existing(stub, tag_set={"Deployment": "old", "Stale": "x"})
    stub.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeyList": ["Stale"]})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})

    result = run_module(module.main, args(), diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Deployment": "old", "Stale": "x"}
    assert result["plan"]["tags"] == TAGS
    assert result["plan"]["version_id"] == "v1"


def test_tags_kept_without_purge(aws):
    stub = aws.stub("backup")
    existing(stub, tag_set={"Deployment": "prod", "Other": "x"})

    result = run_module(module.main, args(purge_tags=False))

    assert result["changed"] is False
    assert result["plan"]["tags"] == {"Deployment": "prod", "Other": "x"}


def test_missing_selection_is_created_on_the_existing_plan(aws):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-other", "other"))
    created_selection(stub)

    result = run_module(module.main, args(selection=SELECTION), diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["selection"] is None
    assert result["selection"]["selection_id"] == "sel-new"


def test_differing_selection_is_deleted_then_created(aws):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-1", NAME))
    got_selection(stub, "sel-1", {**API_SELECTION, "Resources": ["arn:aws:dynamodb:eu-west-1:123456789012:table/old"]})
    stub.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"})
    created_selection(stub, "sel-2")

    result = run_module(module.main, args(selection=SELECTION), diff=True)

    assert result["changed"] is True
    assert result["selection"]["selection_id"] == "sel-2"
    assert result["diff"]["before"]["selection"]["selection_id"] == "sel-1"
    assert result["diff"]["after"]["selection"]["resources"] == [TABLE]


def test_differing_selection_in_check_mode_is_left(aws):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-1", NAME))
    got_selection(stub, "sel-1", {**API_SELECTION, "IamRoleArn": ROLE + "-old"})

    result = run_module(module.main, args(selection=SELECTION), check_mode=True)

    assert result["changed"] is True
    assert result["selection"]["selection_id"] is None


@pytest.mark.parametrize(
    ("message", "retried"),
    [
        (f"IAM Role {ROLE} cannot be assumed by AWS Backup", True),
        (f"IAM Role {ROLE} is not authorized to call tag:GetResources", True),
        ("Invalid resource ARN", False),
    ],
)
def test_selection_creation_waits_for_a_new_role_only(aws, monkeypatch, message, retried):
    slept = []
    monkeypatch.setattr(module, "_sleep", slept.append)
    stub = aws.stub("backup")
    existing(stub)
    selections(stub)
    stub.add_client_error(
        "create_backup_selection",
        expected_params={"BackupPlanId": PLAN_ID, "BackupSelection": API_SELECTION, "CreatorRequestId": ANY},
        **client_error("InvalidParameterValueException", message),
    )
    if retried:
        created_selection(stub)

    result = run_module(module.main, args(selection=SELECTION))

    if retried:
        assert result["changed"] is True
        assert slept == [module.PROPAGATION_DELAY]
    else:
        assert result["failed"] is True
        assert "create backup selection" in result["msg"]
        assert slept == []


def test_two_plans_of_the_name_fail(aws):
    stub = aws.stub("backup")
    entry = {"BackupPlanArn": ARN, "BackupPlanName": NAME, "VersionId": "v1"}
    stub.add_response(
        "list_backup_plans",
        {"BackupPlansList": [dict(entry, BackupPlanId="a"), dict(entry, BackupPlanId="b")]},
        {"IncludeDeleted": False},
    )

    result = run_module(module.main, args())

    assert result["failed"] is True
    assert "2 backup plans are called prod-items (a, b)" in result["msg"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"rules": []}, "rules: a plan needs at least one rule"),
        ({"rules": [{"rule_name": "r", "target_backup_vault_name": NAME, "shedule": "x"}]}, "unknown key(s) Shedule"),
        ({"rules": [{"rule_name": "r"}]}, "rules[0]: TargetBackupVaultName required"),
        ({"name": "bad name"}, "name 'bad name'"),
    ],
)
def test_bad_input_fails_naming_the_option(aws, extra, message):
    result = run_module(module.main, args(**extra))

    assert result["failed"] is True
    assert message in result["msg"]


def test_throttled_listing_is_retried(aws):
    stub = aws.stub("backup")
    stub.add_client_error(
        "list_backup_plans", expected_params={"IncludeDeleted": False}, **client_error("ThrottlingException")
    )
    existing(stub)

    result = run_module(module.main, args())

    assert result["changed"] is False
    assert aws.sleeps


# ---- absent --------------------------------------------------------------------------------------------------


def test_absent_deletes_the_selections_then_the_plan(aws):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-1", NAME), ("sel-2", "other"))
    stub.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"})
    stub.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-2"})
    stub.add_response("delete_backup_plan", {"BackupPlanId": PLAN_ID, "VersionId": "v1"}, {"BackupPlanId": PLAN_ID})

    result = run_module(module.main, {"name": NAME, "state": "absent"}, diff=True)

    assert result["changed"] is True
    assert result["plan"] == {}
    assert result["diff"]["before"]["selections"] == ["other", NAME]
    assert result["diff"]["before"]["tags"] == TAGS


def test_absent_without_reading_selections(aws):
    stub = aws.stub("backup")
    existing(stub)
    stub.add_response("delete_backup_plan", {"BackupPlanId": PLAN_ID, "VersionId": "v1"}, {"BackupPlanId": PLAN_ID})

    result = run_module(module.main, {"name": NAME, "state": "absent", "delete_selections": False})

    assert result["changed"] is True


def test_absent_in_check_mode_deletes_nothing(aws):
    stub = aws.stub("backup")
    existing(stub)
    selections(stub, ("sel-1", NAME))

    result = run_module(module.main, {"name": NAME, "state": "absent"}, check_mode=True)

    assert result["changed"] is True


def test_absent_when_not_found(aws):
    listed(aws.stub("backup"), "someone-elses")

    result = run_module(module.main, {"name": NAME, "state": "absent"}, diff=True)

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_when_the_plan_went_between_list_and_get(aws):
    stub = aws.stub("backup")
    listed(stub, NAME)
    stub.add_client_error(
        "get_backup_plan", expected_params={"BackupPlanId": PLAN_ID}, **client_error("ResourceNotFoundException")
    )

    result = run_module(module.main, {"name": NAME, "state": "absent"})

    assert result["changed"] is False


# ---- known_tags ----------------------------------------------------------------------------------------------


def found_without_tags(stub, rules=None):
    """The plan listed and got, its tags not read."""
    listed(stub, "someone-elses", NAME)
    got(stub, rules)


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_with_the_wanted_tags_read_no_tags(aws, check_mode):
    found_without_tags(aws.stub("backup"))
    reads = aws.sent("backup", "ListTags")

    result = run_module(module.main, args(known_tags={ARN: TAGS}), check_mode=check_mode, diff=True)

    assert result["changed"] is False
    assert reads == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["diff"]["before"]["tags"] == TAGS
    assert result["plan"]["tags"] == TAGS
    assert result["plan"]["backup_plan_id"] == PLAN_ID


def test_known_tags_with_the_wanted_tags_and_a_changed_rule_update_the_plan_only(aws):
    stub = aws.stub("backup")
    found_without_tags(stub, rules=aws_rules([dict(RULES[0], lifecycle={"delete_after_days": 1}), RULES[1]]))
    stub.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {"BackupPlanId": PLAN_ID, "BackupPlan": {"BackupPlanName": NAME, "Rules": api_rules()}},
    )
    reads = aws.sent("backup", "ListTags")

    result = run_module(module.main, args(known_tags={ARN: TAGS}), diff=True)

    assert result["changed"] is True
    assert reads == []
    assert result["diff"]["before"]["tags"] == result["diff"]["after"]["tags"] == TAGS
    assert result["plan"]["version_id"] == "v2"


def test_known_tags_with_another_value_are_read_and_updated(aws):
    stub = aws.stub("backup")
    existing(stub, tag_set={"Deployment": "old"})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})

    result = run_module(module.main, args(known_tags={ARN: {"Deployment": "other"}}), diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Deployment": "old"}
    assert result["diff"]["after"]["tags"] == TAGS
    assert result["plan"]["tags"] == TAGS


def test_known_tags_without_the_plan_are_read(aws):
    existing(aws.stub("backup"))

    result = run_module(module.main, args(known_tags={"arn:aws:backup:eu-west-1:123456789012:backup-plan:x": TAGS}))

    assert result["changed"] is False
    assert result["plan"]["tags"] == TAGS


def test_known_tags_with_an_extra_tag_without_purge_read_no_tags(aws):
    found_without_tags(aws.stub("backup"))
    reads = aws.sent("backup", "ListTags")

    result = run_module(module.main, args(purge_tags=False, known_tags={ARN: {**TAGS, "Other": "x"}}))

    assert result["changed"] is False
    assert reads == []
    assert result["plan"]["tags"] == {**TAGS, "Other": "x"}


def test_absent_reads_the_tags_whatever_known_tags_say(aws):
    stub = aws.stub("backup")
    existing(stub)
    stub.add_response("delete_backup_plan", {"BackupPlanId": PLAN_ID, "VersionId": "v1"}, {"BackupPlanId": PLAN_ID})

    result = run_module(
        module.main,
        {"name": NAME, "state": "absent", "delete_selections": False, "tags": TAGS, "known_tags": {ARN: TAGS}},
        diff=True,
    )

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == TAGS

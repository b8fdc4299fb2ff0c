from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import sns_topic
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_changed
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_with
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import client_error
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

ACCOUNT = "123456789012"
NAME = "global-api-alarms"
ARN = f"arn:aws:sns:eu-west-1:{ACCOUNT}:{NAME}"
KEY = "alias/global-api"
SUB_ARN = f"{ARN}:d8865d48-3ee3-4285-9593-8a84cfd09f0c"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:alarms"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Alarms",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": ARN,
        }
    ],
}
DELIVERY = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3}}}


def attributes(kms=KEY, display="Alarms", policy=None, delivery=None, **extra):
    policy = POLICY if policy is None else policy
    attrs = {"TopicArn": ARN, "Owner": ACCOUNT, "DisplayName": display, "Policy": json.dumps(policy)}
    if kms is not None:
        attrs["KmsMasterKeyId"] = kms
    if delivery is not None:
        attrs["DeliveryPolicy"] = json.dumps(delivery)
    attrs.update(extra)
    return attrs


def subscription(protocol="sqs", endpoint=QUEUE, arn=SUB_ARN):
    return {"SubscriptionArn": arn, "Owner": ACCOUNT, "Protocol": protocol, "Endpoint": endpoint, "TopicArn": ARN}


ARGS = {
    "name": NAME,
    "kms_master_key_id": KEY,
    "display_name": "Alarms",
    "policy": POLICY,
    "subscriptions": [{"protocol": "sqs", "endpoint": QUEUE}],
    "tags": {"Application": "global-api"},
}


def expect_list(aws, arns):
    aws.stub("sns").add_response("list_topics", {"Topics": [{"TopicArn": a} for a in arns]}, {})


def expect_attributes(aws, attrs, arn=ARN):
    aws.stub("sns").add_response("get_topic_attributes", {"Attributes": attrs}, {"TopicArn": arn})


def expect_subscriptions(aws, subscriptions):
    aws.stub("sns").add_response("list_subscriptions_by_topic", {"Subscriptions": subscriptions}, {"TopicArn": ARN})


def expect_tags(aws, tags):
    aws.stub("sns").add_response(
        "list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}, {"ResourceArn": ARN}
    )


def expect_existing(aws, attrs=None, subscriptions=None, tags=None):
    expect_list(aws, [f"arn:aws:sns:eu-west-1:{ACCOUNT}:other", ARN])
    expect_attributes(aws, attrs or attributes())
    expect_subscriptions(aws, [subscription()] if subscriptions is None else subscriptions)
    expect_tags(aws, {"Application": "global-api"} if tags is None else tags)


def expect_created_with_a_subscription(aws):
    """CreateTopic with ARGS' attributes and tags, its SQS subscription, and the attributes read back."""
    aws.stub("sns").add_response(
        "create_topic",
        {"TopicArn": ARN},
        {
            "Name": NAME,
            "Attributes": {"DisplayName": "Alarms", "KmsMasterKeyId": KEY, "Policy": json.dumps(POLICY)},
            "Tags": [{"Key": "Application", "Value": "global-api"}],
        },
    )
    aws.stub("sns").add_response(
        "subscribe",
        {"SubscriptionArn": SUB_ARN},
        {"TopicArn": ARN, "Protocol": "sqs", "Endpoint": QUEUE, "ReturnSubscriptionArn": True},
    )
    expect_attributes(aws, attributes())


def expect_set(aws, name, value):
    aws.stub("sns").add_response(
        "set_topic_attributes", {}, {"TopicArn": ARN, "AttributeName": name, "AttributeValue": value}
    )


# --- create -----------------------------------------------------------------------------------------------


def test_creates_an_encrypted_topic_with_its_subscriptions(aws):
    expect_list(aws, [])
    expect_created_with_a_subscription(aws)
    result = run_module(sns_topic.main, ARGS)
    assert_changed(result)
    topic = result["sns_topic"]
    assert topic["topic_arn"] == ARN
    assert topic["kms_master_key_id"] == KEY
    assert topic["policy"] == POLICY
    assert topic["subscriptions"] == [{"protocol": "sqs", "endpoint": QUEUE, "subscription_arn": SUB_ARN}]
    assert topic["tags"] == {"Application": "global-api"}


def test_creates_a_fifo_topic(aws):
    fifo_arn = f"{ARN}.fifo"
    expect_list(aws, [])
    aws.stub("sns").add_response(
        "create_topic",
        {"TopicArn": fifo_arn},
        {
            "Name": f"{NAME}.fifo",
            "Attributes": {"KmsMasterKeyId": KEY, "ContentBasedDeduplication": "true", "FifoTopic": "true"},
        },
    )
    expect_attributes(
        aws,
        {"TopicArn": fifo_arn, "KmsMasterKeyId": KEY, "FifoTopic": "true", "ContentBasedDeduplication": "true"},
        fifo_arn,
    )
    args = {"name": NAME, "topic_type": "fifo", "kms_master_key_id": KEY, "content_based_deduplication": True}
    result = run_module(sns_topic.main, args)
    assert not result.get("failed"), result
    assert result["sns_topic"]["name"] == f"{NAME}.fifo"
    assert result["sns_topic"]["topic_type"] == "fifo"
    assert result["sns_topic"]["content_based_deduplication"] is True


def test_a_failed_creation_names_the_topic(aws):
    expect_list(aws, [])
    aws.stub("sns").add_client_error("create_topic", **client_error("InvalidParameter"))
    result = run_module(sns_topic.main, ARGS)
    assert_fails_with(result, f"Failed to create topic {NAME}")


# --- no change --------------------------------------------------------------------------------------------


def test_an_unchanged_topic_is_no_change(aws):
    expect_existing(aws)
    result = run_module(sns_topic.main, ARGS, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert result["sns_topic"]["topic_arn"] == ARN


def test_policies_are_compared_as_policies(aws):
    # The same policy with a single-item list where AWS keeps a string, and keys in another order.
    reordered = {
        "Statement": [
            {
                "Resource": ARN,
                "Action": ["sns:Publish"],
                "Principal": {"Service": ["cloudwatch.amazonaws.com"]},
                "Effect": "Allow",
                "Sid": "Alarms",
            }
        ],
        "Version": "2012-10-17",
    }
    expect_existing(aws, attributes(delivery={"http": {**DELIVERY["http"], "disableSubscriptionOverrides": False}}))
    result = run_module(sns_topic.main, {**ARGS, "policy": json.dumps(reordered), "delivery_policy": DELIVERY})
    assert result["changed"] is False


def test_topics_are_listed_page_by_page(aws):
    aws.stub("sns").add_response("list_topics", {"Topics": [{"TopicArn": f"{ARN}-x"}], "NextToken": "t"}, {})
    aws.stub("sns").add_response("list_topics", {"Topics": [{"TopicArn": ARN}]}, {"NextToken": "t"})
    expect_attributes(aws, attributes())
    aws.stub("sns").add_response(
        "list_subscriptions_by_topic", {"Subscriptions": [], "NextToken": "s"}, {"TopicArn": ARN}
    )
    aws.stub("sns").add_response(
        "list_subscriptions_by_topic", {"Subscriptions": [subscription()]}, {"TopicArn": ARN, "NextToken": "s"}
    )
    expect_tags(aws, {"Application": "global-api"})
    result = run_module(sns_topic.main, ARGS)
    assert_unchanged(result)


def test_omitted_options_leave_the_topic_alone(aws):
    expect_existing(aws, subscriptions=[subscription(), subscription("email", "a@example.com", f"{SUB_ARN}-2")])
    result = run_module(sns_topic.main, {"name": NAME})
    assert result["changed"] is False
    assert len(result["sns_topic"]["subscriptions"]) == 2


# --- update -----------------------------------------------------------------------------------------------


def test_a_new_kms_key_is_set(aws):
    expect_existing(aws, attributes(kms="alias/aws/sns"))
    expect_set(aws, "KmsMasterKeyId", KEY)
    result = run_module(sns_topic.main, ARGS, diff=True)
    assert_changed(result)
    assert result["sns_topic"]["kms_master_key_id"] == KEY
    assert result["diff"]["before"]["kms_master_key_id"] == "alias/aws/sns"
    assert result["diff"]["after"]["kms_master_key_id"] == KEY


def test_encryption_is_turned_on_for_an_unencrypted_topic(aws):
    expect_existing(aws, attributes(kms=None))
    expect_set(aws, "KmsMasterKeyId", KEY)
    assert run_module(sns_topic.main, ARGS)["changed"] is True


def test_a_new_display_name_is_set(aws):
    expect_existing(aws)
    expect_set(aws, "DisplayName", "Global API alarms")
    result = run_module(sns_topic.main, {**ARGS, "display_name": "Global API alarms"})
    assert result["sns_topic"]["display_name"] == "Global API alarms"


def test_a_new_policy_is_set(aws):
    wanted = json.loads(json.dumps(POLICY))
    wanted["Statement"][0]["Principal"] = {"Service": "events.amazonaws.com"}
    expect_existing(aws)
    expect_set(aws, "Policy", json.dumps(wanted))
    result = run_module(sns_topic.main, {**ARGS, "policy": wanted})
    assert result["changed"] is True
    assert result["sns_topic"]["policy"] == wanted


def test_a_new_delivery_policy_is_set(aws):
    expect_existing(aws)
    expect_set(aws, "DeliveryPolicy", json.dumps(DELIVERY))
    result = run_module(sns_topic.main, {**ARGS, "delivery_policy": DELIVERY})
    assert result["sns_topic"]["delivery_policy"] == DELIVERY


def test_content_based_deduplication_is_switched(aws):
    fifo_arn = f"{ARN}.fifo"
    aws.stub("sns").add_response("list_topics", {"Topics": [{"TopicArn": fifo_arn}]}, {})
    expect_attributes(aws, {"TopicArn": fifo_arn, "FifoTopic": "true", "ContentBasedDeduplication": "false"}, fifo_arn)
    aws.stub("sns").add_response("list_subscriptions_by_topic", {"Subscriptions": []}, {"TopicArn": fifo_arn})
    aws.stub("sns").add_response("list_tags_for_resource", {"Tags": []}, {"ResourceArn": fifo_arn})
    aws.stub("sns").add_response(
        "set_topic_attributes",
        {},
        {"TopicArn": fifo_arn, "AttributeName": "ContentBasedDeduplication", "AttributeValue": "true"},
    )
    args = {"name": f"{NAME}.fifo", "topic_type": "fifo", "content_based_deduplication": True}
    result = run_module(sns_topic.main, args)
    assert result["changed"] is True
    assert result["sns_topic"]["content_based_deduplication"] is True


def test_subscriptions_are_replaced(aws):
    expect_existing(aws, subscriptions=[subscription("email", "old@example.com")])
    aws.stub("sns").add_response("unsubscribe", {}, {"SubscriptionArn": SUB_ARN})
    aws.stub("sns").add_response(
        "subscribe",
        {"SubscriptionArn": f"{SUB_ARN}-new"},
        {"TopicArn": ARN, "Protocol": "sqs", "Endpoint": QUEUE, "ReturnSubscriptionArn": True},
    )
    result = run_module(sns_topic.main, ARGS, diff=True)
    assert not result.get("failed"), result
    assert result["sns_topic"]["subscriptions"] == [
        {"protocol": "sqs", "endpoint": QUEUE, "subscription_arn": f"{SUB_ARN}-new"}
    ]
    assert result["diff"]["before"]["subscriptions"] == [{"protocol": "email", "endpoint": "old@example.com"}]


def test_subscriptions_are_kept_without_purge(aws):
    expect_existing(aws, subscriptions=[subscription("email", "old@example.com"), subscription(arn=f"{SUB_ARN}-2")])
    result = run_module(sns_topic.main, {**ARGS, "purge_subscriptions": False})
    assert result["changed"] is False


def test_a_pending_subscription_is_left_alone(aws):
    pending = subscription("email", "old@example.com", "PendingConfirmation")
    expect_existing(aws, subscriptions=[pending, subscription()])
    result = run_module(sns_topic.main, ARGS)
    assert result["changed"] is False


def test_a_subscription_gone_meanwhile_is_not_an_error(aws):
    expect_existing(aws, subscriptions=[subscription(), subscription("email", "old@example.com", f"{SUB_ARN}-2")])
    aws.stub("sns").add_client_error("unsubscribe", **client_error("NotFound", status=404))
    result = run_module(sns_topic.main, ARGS)
    assert not result.get("failed"), result


def test_tags_are_set_and_removed(aws):
    expect_existing(aws, tags={"old": "1", "keep": "k"})
    aws.stub("sns").add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["old"]})
    aws.stub("sns").add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "new", "Value": "2"}]})
    result = run_module(sns_topic.main, {**ARGS, "tags": {"keep": "k", "new": "2"}})
    assert result["changed"] is True
    assert result["sns_topic"]["tags"] == {"keep": "k", "new": "2"}


def test_tags_are_kept_without_purge(aws):
    expect_existing(aws, tags={"old": "1"})
    aws.stub("sns").add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "new", "Value": "2"}]})
    result = run_module(sns_topic.main, {**ARGS, "tags": {"new": "2"}, "purge_tags": False})
    assert result["sns_topic"]["tags"] == {"old": "1", "new": "2"}


# --- delete -----------------------------------------------------------------------------------------------


def test_delete(aws):
    expect_existing(aws)
    aws.stub("sns").add_response("delete_topic", {}, {"TopicArn": ARN})
    result = run_module(sns_topic.main, {"name": NAME, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["sns_topic"] == {}
    assert result["diff"]["before"]["kms_master_key_id"] == KEY and result["diff"]["after"] == {}


def test_already_absent(aws):
    expect_list(aws, [f"arn:aws:sns:eu-west-1:{ACCOUNT}:other"])
    result = run_module(sns_topic.main, {"name": NAME, "state": "absent"})
    assert result["changed"] is False


def test_a_listed_topic_that_no_longer_exists_is_absent(aws):
    expect_list(aws, [ARN])
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("NotFound", "Topic does not exist", 404))
    result = run_module(sns_topic.main, {"name": NAME, "state": "absent"})
    assert_unchanged(result)


def test_a_topic_deleted_meanwhile_is_not_an_error(aws):
    expect_existing(aws)
    aws.stub("sns").add_client_error("delete_topic", **client_error("NotFound", status=404))
    result = run_module(sns_topic.main, {"name": NAME, "state": "absent"})
    assert_unchanged(result)


# --- retries, errors, validation --------------------------------------------------------------------------


def test_throttling_is_retried(aws):
    aws.stub("sns").add_client_error("list_topics", **client_error("ThrottlingException"))
    expect_list(aws, [ARN])
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("Throttled"))
    expect_attributes(aws, attributes())
    expect_subscriptions(aws, [subscription()])
    expect_tags(aws, {"Application": "global-api"})
    result = run_module(sns_topic.main, ARGS)
    assert_unchanged(result)
    assert len(aws.sleeps) == 2


def test_a_failed_attribute_names_it(aws):
    expect_existing(aws, attributes(kms="alias/aws/sns"))
    aws.stub("sns").add_client_error("set_topic_attributes", **client_error("KMSNotFound"))
    result = run_module(sns_topic.main, ARGS)
    assert_fails_with(result, f"Failed to set attribute KmsMasterKeyId of topic {ARN}")


def test_authorization_error_fails_with_the_action(aws):
    aws.stub("sns").add_client_error("list_topics", **client_error("AuthorizationError", status=403))
    result = run_module(sns_topic.main, ARGS)
    assert_fails_with(result, "Failed to list topics")


def test_a_fifo_name_for_a_standard_topic_is_refused(aws):
    result = run_module(sns_topic.main, {"name": f"{NAME}.fifo"})
    assert result["failed"] and "topic_type: fifo" in result["msg"]


def test_deduplication_on_a_standard_topic_is_refused(aws):
    result = run_module(sns_topic.main, {"name": NAME, "content_based_deduplication": True})
    assert result["failed"] and "FIFO topics only" in result["msg"]


def test_a_policy_that_is_not_json_is_refused(aws):
    result = run_module(sns_topic.main, {"name": NAME, "policy": "{not json"})
    assert result["failed"] and "policy" in result["msg"]


# --- check mode, diff -------------------------------------------------------------------------------------


def test_check_mode_creates_nothing(aws):
    expect_list(aws, [])
    result = run_module(sns_topic.main, ARGS, check_mode=True, diff=True)
    assert_changed(result)
    assert result["sns_topic"]["topic_arn"] is None
    assert result["sns_topic"]["kms_master_key_id"] == KEY
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["subscriptions"] == [{"protocol": "sqs", "endpoint": QUEUE}]
    assert result["diff"]["after"]["tags"] == {"Application": "global-api"}


def test_check_mode_updates_nothing(aws):
    expect_existing(
        aws, attributes(kms="alias/aws/sns"), subscriptions=[subscription("email", "old@example.com")], tags={}
    )
    result = run_module(sns_topic.main, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["kms_master_key_id"] == KEY
    assert result["diff"]["after"]["subscriptions"] == [{"protocol": "sqs", "endpoint": QUEUE}]
    assert result["diff"]["after"]["tags"] == {"Application": "global-api"}


def test_check_mode_deletes_nothing(aws):
    expect_existing(aws)
    result = run_module(sns_topic.main, {"name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] is True


def test_no_diff_unless_asked(aws):
    expect_existing(aws)
    assert "diff" not in run_module(sns_topic.main, ARGS)


# --- by ARN: one GetTopicAttributes call instead of ListTopics --------------------------------------------


def expect_by_arn(aws, attrs=None, subscriptions=None, tags=None):
    """The reads of an existing topic given by its ARN: no ListTopics."""
    expect_attributes(aws, attrs or attributes())
    expect_subscriptions(aws, [subscription()] if subscriptions is None else subscriptions)
    expect_tags(aws, {"Application": "global-api"} if tags is None else tags)


def test_an_unchanged_topic_given_by_arn_is_read_without_listing_topics(aws):
    listed = aws.sent("sns", "ListTopics")
    expect_by_arn(aws)
    result = run_module(sns_topic.main, {**ARGS, "name": ARN}, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert listed == []
    assert result["sns_topic"]["topic_arn"] == ARN
    assert result["sns_topic"]["name"] == NAME
    assert result["diff"]["after"]["name"] == NAME


def test_a_topic_given_by_arn_is_the_same_result_as_by_name(aws):
    expect_existing(aws)
    by_name = run_module(sns_topic.main, ARGS, diff=True)
    expect_by_arn(aws)
    by_arn = run_module(sns_topic.main, {**ARGS, "name": ARN}, diff=True)
    assert by_arn == by_name


def test_a_topic_given_by_arn_that_does_not_exist_is_created_with_the_name_of_the_arn(aws):
    listed = aws.sent("sns", "ListTopics")
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("NotFound", "Topic does not exist", 404))
    expect_created_with_a_subscription(aws)
    result = run_module(sns_topic.main, {**ARGS, "name": ARN})
    assert_changed(result)
    assert listed == []
    assert result["sns_topic"]["topic_arn"] == ARN
    assert result["sns_topic"]["name"] == NAME


def test_check_mode_on_a_topic_given_by_arn_that_does_not_exist_creates_nothing(aws):
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("NotFound", "Topic does not exist", 404))
    result = run_module(sns_topic.main, {**ARGS, "name": ARN}, check_mode=True, diff=True)
    assert_changed(result)
    assert result["sns_topic"]["topic_arn"] is None
    assert result["sns_topic"]["name"] == NAME
    assert result["diff"]["before"] == {}


def test_a_topic_given_by_arn_is_updated(aws):
    expect_by_arn(aws, attributes(kms="alias/aws/sns"))
    expect_set(aws, "KmsMasterKeyId", KEY)
    result = run_module(sns_topic.main, {**ARGS, "name": ARN}, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["kms_master_key_id"] == "alias/aws/sns"
    assert result["sns_topic"]["kms_master_key_id"] == KEY


def test_a_topic_given_by_arn_is_deleted(aws):
    expect_by_arn(aws)
    aws.stub("sns").add_response("delete_topic", {}, {"TopicArn": ARN})
    result = run_module(sns_topic.main, {"name": ARN, "state": "absent"}, diff=True)
    assert_changed(result)
    assert result["diff"]["before"]["name"] == NAME


def test_a_topic_given_by_arn_that_does_not_exist_is_already_absent(aws):
    listed = aws.sent("sns", "ListTopics")
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("NotFound", "Topic does not exist", 404))
    assert_unchanged(run_module(sns_topic.main, {"name": ARN, "state": "absent"}))
    assert listed == []


def test_reading_a_topic_given_by_arn_is_retried_when_throttled(aws):
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("Throttled", status=429))
    expect_by_arn(aws)
    assert_unchanged(run_module(sns_topic.main, {**ARGS, "name": ARN}))
    assert len(aws.sleeps) == 1


def test_a_fifo_topic_given_by_arn_without_its_suffix_is_read_with_it(aws):
    fifo_arn = f"{ARN}.fifo"
    expect_attributes(aws, {"TopicArn": fifo_arn, "FifoTopic": "true", "ContentBasedDeduplication": "true"}, fifo_arn)
    aws.stub("sns").add_response("list_subscriptions_by_topic", {"Subscriptions": []}, {"TopicArn": fifo_arn})
    aws.stub("sns").add_response("list_tags_for_resource", {"Tags": []}, {"ResourceArn": fifo_arn})
    result = run_module(sns_topic.main, {"name": ARN, "topic_type": "fifo", "content_based_deduplication": True})
    assert_unchanged(result)
    assert result["sns_topic"]["topic_arn"] == fifo_arn
    assert result["sns_topic"]["name"] == f"{NAME}.fifo"


def test_an_arn_of_another_region_is_refused_before_any_call(aws):
    other = ARN.replace("eu-west-1", "us-east-1")
    result = run_module(sns_topic.main, {**ARGS, "name": other})
    assert_fails_with(result, f"name {other!r} is a topic of region us-east-1, not of the module's region eu-west-1")


def test_an_arn_that_is_not_a_topic_is_refused_before_any_call(aws):
    result = run_module(sns_topic.main, {**ARGS, "name": QUEUE})
    assert_fails_with(result, f"name {QUEUE!r} is not the ARN of an SNS topic")


def test_an_arn_of_another_account_fails_once_sns_created_the_topic_elsewhere(aws):
    foreign = ARN.replace(ACCOUNT, "210987654321")
    aws.stub("sns").add_client_error("get_topic_attributes", **client_error("NotFound", "Topic does not exist", 404))
    aws.stub("sns").add_response("create_topic", {"TopicArn": ARN}, {"Name": NAME})
    result = run_module(sns_topic.main, {"name": foreign})
    assert_fails_with(result, f"name {foreign} is not a topic of the account and partition of these credentials")
    assert ARN in result["msg"]


@pytest.mark.parametrize(
    "given, wanted",
    [
        (NAME, (NAME, None)),
        (ARN, (NAME, ARN)),
        (f"arn:aws-cn:sns:eu-west-1:{ACCOUNT}:{NAME}", (NAME, f"arn:aws-cn:sns:eu-west-1:{ACCOUNT}:{NAME}")),
    ],
)
def test_topic_reference(given, wanted):
    assert sns_topic.topic_reference(given, "standard", "eu-west-1") == wanted


def test_topic_reference_of_a_fifo_arn():
    assert sns_topic.topic_reference(ARN, "fifo", "eu-west-1") == (f"{NAME}.fifo", f"{ARN}.fifo")
    assert sns_topic.topic_reference(f"{ARN}.fifo", "fifo", "eu-west-1") == (f"{NAME}.fifo", f"{ARN}.fifo")


# --- known_tags: the tags a GetResources snapshot showed earlier in the run -------------------------------

OTHER_ARN = f"arn:aws:sns:eu-west-1:{ACCOUNT}:other"


def expect_existing_without_tags(aws):
    """The reads of an existing topic that needs no change, but ListTagsForResource."""
    expect_list(aws, [OTHER_ARN, ARN])
    expect_attributes(aws, attributes())
    expect_subscriptions(aws, [subscription()])


@pytest.mark.parametrize("check_mode", [False, True])
def test_known_tags_showing_the_wanted_tags_are_not_read_again(aws, check_mode):
    expect_existing(aws)
    read = run_module(sns_topic.main, ARGS, check_mode=check_mode, diff=True)
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing_without_tags(aws)
    known = {ARN: {"Application": "global-api"}, OTHER_ARN: {"Application": "other"}}
    result = run_module(sns_topic.main, {**ARGS, "known_tags": known}, check_mode=check_mode, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert tag_reads == []
    assert result == read  # the same result and diff as with the tags read


def test_known_tags_with_another_value_are_read_and_the_update_planned(aws):
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing(aws, tags={"Application": "old"})
    aws.stub("sns").add_response(
        "tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "Application", "Value": "global-api"}]}
    )
    result = run_module(sns_topic.main, {**ARGS, "known_tags": {ARN: {"Application": "old"}}}, diff=True)
    assert_changed(result)
    assert tag_reads == [{"ResourceArn": ARN}]
    assert result["diff"]["before"]["tags"] == {"Application": "old"}
    assert result["sns_topic"]["tags"] == {"Application": "global-api"}


def test_known_tags_that_lag_behind_are_read_and_the_service_trusted(aws):
    # The snapshot still shows a value the service no longer has: the service's answer decides, nothing is written.
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing(aws)
    result = run_module(sns_topic.main, {**ARGS, "known_tags": {ARN: {"Application": "old"}}})
    assert_unchanged(result)
    assert tag_reads == [{"ResourceArn": ARN}]


def test_known_tags_without_the_topic_are_read(aws):
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing(aws)
    result = run_module(sns_topic.main, {**ARGS, "known_tags": {OTHER_ARN: {"Application": "global-api"}}})
    assert_unchanged(result)
    assert tag_reads == [{"ResourceArn": ARN}]


def test_known_tags_with_an_extra_tag_are_no_difference_without_purge(aws):
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing_without_tags(aws)
    known = {ARN: {"Application": "global-api", "Owner": "ops"}}
    result = run_module(sns_topic.main, {**ARGS, "purge_tags": False, "known_tags": known}, diff=True)
    assert_unchanged_with_equal_diff(result)
    assert tag_reads == []
    assert result["sns_topic"]["tags"] == {"Application": "global-api", "Owner": "ops"}


def test_known_tags_with_an_extra_tag_are_read_with_purge(aws):
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing(aws)
    known = {ARN: {"Application": "global-api", "Owner": "ops"}}
    assert_unchanged(run_module(sns_topic.main, {**ARGS, "known_tags": known}))
    assert tag_reads == [{"ResourceArn": ARN}]


def test_known_tags_are_not_taken_when_the_task_leaves_tags_alone(aws):
    tag_reads = aws.sent("sns", "ListTagsForResource")
    expect_existing(aws)
    args = {k: v for k, v in ARGS.items() if k != "tags"}
    result = run_module(sns_topic.main, {**args, "known_tags": {ARN: {"Application": "global-api"}}})
    assert_unchanged(result)
    assert tag_reads == [{"ResourceArn": ARN}]

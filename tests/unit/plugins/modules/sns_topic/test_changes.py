from __future__ import annotations

import json

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import sns_topic

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish"}]}
DELIVERY = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}


def params(**given):
    return {
        "display_name": None,
        "kms_master_key_id": None,
        "policy": None,
        "delivery_policy": None,
        "content_based_deduplication": None,
        "topic_type": "standard",
        **given,
    }


@pytest.mark.parametrize(
    "attributes, given, expected",
    [
        ({}, params(), {}),
        ({"DisplayName": "A"}, params(display_name="A"), {}),
        ({"DisplayName": "A"}, params(display_name="B"), {"DisplayName": "B"}),
        ({"DisplayName": "A"}, params(display_name=""), {"DisplayName": ""}),
        ({}, params(kms_master_key_id="alias/k"), {"KmsMasterKeyId": "alias/k"}),
        ({"KmsMasterKeyId": "alias/k"}, params(kms_master_key_id="alias/k"), {}),
        ({"KmsMasterKeyId": "alias/k"}, params(kms_master_key_id=""), {"KmsMasterKeyId": ""}),
        ({}, params(kms_master_key_id=""), {}),
        ({"Policy": json.dumps(POLICY)}, params(policy=json.dumps(POLICY)), {}),
        # SNS stores "Version" as given; a missing one defaults the same on both sides.
        (
            {"Policy": json.dumps({k: v for k, v in POLICY.items() if k != "Version"})},
            params(policy=json.dumps({**POLICY, "Version": "2008-10-17"})),
            {},
        ),
        (
            {"Policy": json.dumps(POLICY)},
            params(policy=json.dumps({**POLICY, "Statement": [{**POLICY["Statement"][0], "Effect": "Deny"}]})),
            {"Policy": json.dumps({**POLICY, "Statement": [{**POLICY["Statement"][0], "Effect": "Deny"}]})},
        ),
        ({}, params(delivery_policy=json.dumps(DELIVERY)), {"DeliveryPolicy": json.dumps(DELIVERY)}),
        (
            {"DeliveryPolicy": json.dumps({"http": {**DELIVERY["http"], "disableSubscriptionOverrides": False}})},
            params(delivery_policy=json.dumps(DELIVERY)),
            {},
        ),
        (
            {"DeliveryPolicy": json.dumps({"http": {**DELIVERY["http"], "disableSubscriptionOverrides": True}})},
            params(delivery_policy=json.dumps(DELIVERY)),
            {"DeliveryPolicy": json.dumps(DELIVERY)},
        ),
        ({"ContentBasedDeduplication": "false"}, params(topic_type="fifo", content_based_deduplication=False), {}),
        (
            {"ContentBasedDeduplication": "false"},
            params(topic_type="fifo", content_based_deduplication=True),
            {"ContentBasedDeduplication": "true"},
        ),
        ({}, params(topic_type="fifo", content_based_deduplication=True), {"ContentBasedDeduplication": "true"}),
    ],
)
def test_attribute_changes(attributes, given, expected):
    assert sns_topic.attribute_changes(attributes, given) == expected


def test_creation_attributes_mark_fifo_and_drop_empty_values():
    given = params(topic_type="fifo", kms_master_key_id="", display_name="A")
    assert sns_topic.creation_attributes(given) == {"DisplayName": "A", "FifoTopic": "true"}


def sub(protocol, endpoint, arn="arn:aws:sns:eu-west-1:123456789012:t:1"):
    return {"Protocol": protocol, "Endpoint": endpoint, "SubscriptionArn": arn}


@pytest.mark.parametrize(
    "current, wanted, purge, subscribe, unsubscribed",
    [
        ([sub("sqs", "q")], None, True, [], []),
        ([sub("sqs", "q")], [{"protocol": "sqs", "endpoint": "q"}], True, [], []),
        ([], [{"protocol": "sqs", "endpoint": "q"}], True, [{"protocol": "sqs", "endpoint": "q"}], []),
        (
            [],
            [{"protocol": "sqs", "endpoint": "q"}, {"protocol": "sqs", "endpoint": "q"}],
            True,
            [{"protocol": "sqs", "endpoint": "q"}],
            [],
        ),
        ([sub("sqs", "q")], [], True, [], ["q"]),
        ([sub("sqs", "q")], [], False, [], []),
        ([sub("email", "a@example.com", "PendingConfirmation")], [], True, [], []),
        # The same endpoint under another protocol is another subscription.
        (
            [sub("http", "x")],
            [{"protocol": "https", "endpoint": "x"}],
            True,
            [{"protocol": "https", "endpoint": "x"}],
            ["x"],
        ),
        ([sub("sms", "+15555550100")], [{"protocol": "sms", "endpoint": "+1 (555) 555-0100"}], True, [], []),
    ],
)
def test_subscription_changes(current, wanted, purge, subscribe, unsubscribed):
    changes = sns_topic.subscription_changes(current, wanted, purge)
    assert changes["subscribe"] == subscribe
    assert [s["Endpoint"] for s in changes["unsubscribe"]] == unsubscribed


@pytest.mark.parametrize(
    "name, topic_type, expected",
    [("t", "standard", "t"), ("t", "fifo", "t.fifo"), ("t.fifo", "fifo", "t.fifo")],
)
def test_topic_name(name, topic_type, expected):
    assert sns_topic.topic_name(name, topic_type) == expected


def test_topic_view_reads_attributes():
    attrs = {"FifoTopic": "true", "ContentBasedDeduplication": "true", "Policy": json.dumps(POLICY)}
    view = sns_topic.topic_view("arn", "t.fifo", attrs, [sub("sqs", "q")], {"a": "1"})
    assert view["topic_type"] == "fifo"
    assert view["content_based_deduplication"] is True
    assert view["policy"] == POLICY
    assert view["delivery_policy"] == {}
    assert view["kms_master_key_id"] == ""
    assert sns_topic.diff_view(view)["subscriptions"] == [{"protocol": "sqs", "endpoint": "q"}]

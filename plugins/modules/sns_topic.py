#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sns_topic
short_description: Manage an SNS topic encrypted with KMS, its subscriptions and tags
version_added: 0.1.0
description:
  - Creates, updates or deletes a standard or FIFO SNS topic, with server-side encryption by a KMS key,
    its display name, access and delivery policies, subscriptions and tags.
  - Only the attributes that differ are set, one SetTopicAttributes call each; policies are compared as
    policies (key order, single values and lists), not as text.
  - C(community.aws.sns_topic) has no option for the KMS key and fails in check mode on a topic that does
    not exist yet.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The name of the topic, or its ARN. For a FIFO topic, V(.fifo) is appended to the name when missing.
      - Given a name, the module finds the topic among every page of ListTopics. Given an ARN
        (V(arn:<partition>:sns:<region>:<account>:<name>)), it reads the topic with GetTopicAttributes on that ARN
        alone; a topic that does not exist there is created with the name part of the ARN. Pass the ARN when the
        account and partition are known, so that a run that changes nothing makes no ListTopics call.
      - An ARN must name a topic of the module's region (O(region)) and of the account and partition of the
        credentials in use; the module fails before any call when the region differs, and after CreateTopic when
        the topic SNS created has another ARN.
    type: str
    required: true
  topic_type:
    description:
      - V(standard) or V(fifo). Only set when the topic is created.
    type: str
    choices: [standard, fifo]
    default: standard
  kms_master_key_id:
    description:
      - The KMS key that encrypts the topic's messages at rest, as a key ID, key ARN, alias name or alias ARN.
      - Compared as given; use the same form on every run. V('') turns encryption off.
      - When omitted, the topic's encryption is left alone (a new topic is not encrypted).
    type: str
  display_name:
    description:
      - The display name of the topic (used as the sender of SMS messages).
    type: str
  policy:
    description:
      - The topic's access policy, as a dict or a JSON string. Left alone when omitted.
    type: json
  delivery_policy:
    description:
      - The topic's delivery policy for HTTP/S endpoints, as a dict or a JSON string. Left alone when omitted.
    type: json
  content_based_deduplication:
    description:
      - For a FIFO topic, deduplicate messages by a hash of their body.
    type: bool
  subscriptions:
    description:
      - The topic's subscriptions. Left alone when omitted.
      - Subscriptions not listed are removed unless O(purge_subscriptions=false). A subscription still
        pending confirmation cannot be removed through the API and is left alone.
    type: list
    elements: dict
    suboptions:
      protocol:
        description: The protocol, for example V(sqs), V(lambda), V(email) or V(https).
        type: str
        required: true
      endpoint:
        description: The endpoint of the subscription (an ARN, an address or a URL).
        type: str
        required: true
  purge_subscriptions:
    description:
      - Remove the subscriptions not listed in O(subscriptions).
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the topic; V(absent) deletes it with its subscriptions.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Alarm topic encrypted with the regional key
  multiregion.serverless.sns_topic:
    name: global-api-alarms
    kms_master_key_id: alias/global-api
    display_name: Global API alarms
    subscriptions:
      - protocol: email
        endpoint: oncall@example.com
    tags:
      Application: global-api
  register: alarm_topic

- name: The same topic by its ARN (one GetTopicAttributes call finds it)
  multiregion.serverless.sns_topic:
    name: "arn:aws:sns:eu-west-1:123456789012:global-api-alarms"
    kms_master_key_id: alias/global-api
    display_name: Global API alarms

- name: FIFO topic
  multiregion.serverless.sns_topic:
    name: global-api-events
    topic_type: fifo
    content_based_deduplication: true
    kms_master_key_id: alias/global-api

- name: Remove the topic
  multiregion.serverless.sns_topic:
    name: global-api-alarms
    state: absent
"""

RETURN = r"""
sns_topic:
  description:
    - The topic. Empty when O(state=absent).
    - In check mode, a topic that would be created has no ARN.
  returned: always
  type: dict
  contains:
    topic_arn:
      description: The ARN of the topic.
      type: str
      sample: arn:aws:sns:eu-west-1:123456789012:global-api-alarms
    name:
      description: The name of the topic.
      type: str
      sample: global-api-alarms
    topic_type:
      description: V(standard) or V(fifo).
      type: str
      sample: standard
    kms_master_key_id:
      description: The KMS key of the topic, as it was set; V('') when not encrypted.
      type: str
      sample: alias/global-api
    display_name:
      description: The display name.
      type: str
      sample: Global API alarms
    policy:
      description: The access policy.
      type: dict
    delivery_policy:
      description: The delivery policy set on the topic; empty when none is.
      type: dict
    content_based_deduplication:
      description: Whether a FIFO topic deduplicates by content.
      type: bool
      returned: for a FIFO topic
    subscriptions:
      description: The subscriptions.
      type: list
      elements: dict
      contains:
        protocol:
          description: The protocol.
          type: str
        endpoint:
          description: The endpoint.
          type: str
        subscription_arn:
          description: The ARN of the subscription, or V(PendingConfirmation).
          type: str
          returned: when the subscription exists
    tags:
      description: The tags of the topic.
      type: dict
      sample: {"Application": "global-api"}
"""

import copy
import json
import re
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3

SNSErrorHandler = error_handler(["NotFound", "NotFoundException"])
# SNS throttles with "Throttled"; neither it nor ThrottlingException is in AWSRetry's own list.
RETRY_CODES = ["Throttled", "ThrottlingException"]


# --- pure functions ---------------------------------------------------------------------------------------


def topic_name(name: str, topic_type: str) -> str:
    if topic_type == "fifo" and not name.endswith(".fifo"):
        return f"{name}.fifo"
    return name


# arn:<partition>:sns:<region>:<account>:<topic name>
_TOPIC_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sns:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<name>[A-Za-z0-9_-]+(?:\.fifo)?)$"
)


def topic_reference(given: str, topic_type: str, region: str | None) -> tuple[str, str | None]:
    """(name, ARN) of the topic O(name) gives, by name (the ARN is then None: it is looked up) or by ARN.

    Raises ValueError, naming the option, for an ARN that is not a topic's or not one of ``region``.
    """
    if not given.startswith("arn:"):
        return topic_name(given, topic_type), None
    match = _TOPIC_ARN.match(given)
    if not match:
        raise ValueError(
            f"name {given!r} is not the ARN of an SNS topic (arn:<partition>:sns:<region>:<account>:<name>)"
        )
    if match["region"] != region:
        raise ValueError(f"name {given!r} is a topic of region {match['region']}, not of the module's region {region}")
    name = topic_name(match["name"], topic_type)
    return name, given[: match.start("name")] + name


def load_json(value: Any) -> dict:
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    return json.loads(value)


def canonical_endpoint(protocol: str, endpoint: str) -> str:
    # SNS stores phone numbers in E.164 form.
    if protocol == "sms":
        return re.sub(r"[^0-9+]", "", endpoint)
    return endpoint


def normalized_delivery_policy(policy: dict) -> dict:
    # SNS adds disableSubscriptionOverrides to an http delivery policy that leaves it out.
    policy = copy.deepcopy(policy)
    if isinstance(policy.get("http"), dict):
        policy["http"].setdefault("disableSubscriptionOverrides", False)
    return policy


def attribute_changes(attributes: dict, params: dict) -> dict[str, str]:
    """{AttributeName: value} for every attribute the module manages that differs from ``attributes``."""
    changes: dict[str, str] = {}
    if params.get("display_name") is not None and attributes.get("DisplayName", "") != params["display_name"]:
        changes["DisplayName"] = params["display_name"]
    kms = params.get("kms_master_key_id")
    if kms is not None and attributes.get("KmsMasterKeyId", "") != kms:
        changes["KmsMasterKeyId"] = kms
    if params.get("policy") is not None:
        wanted = load_json(params["policy"])
        if compare_policies(load_json(attributes.get("Policy")), wanted):
            changes["Policy"] = json.dumps(wanted)
    if params.get("delivery_policy") is not None:
        wanted = load_json(params["delivery_policy"])
        current = normalized_delivery_policy(load_json(attributes.get("DeliveryPolicy")))
        if compare_policies(current, normalized_delivery_policy(wanted), default_version=None):
            changes["DeliveryPolicy"] = json.dumps(wanted)
    cbd = params.get("content_based_deduplication")
    if params.get("topic_type") == "fifo" and cbd is not None:
        if attributes.get("ContentBasedDeduplication", "false").lower() != str(cbd).lower():
            changes["ContentBasedDeduplication"] = str(cbd).lower()
    return changes


def creation_attributes(params: dict) -> dict[str, str]:
    attributes = attribute_changes({}, params)
    if params["topic_type"] == "fifo":
        attributes["FifoTopic"] = "true"
    # An empty value asks for nothing on a new topic, and SNS rejects some empty attributes at creation.
    return {k: v for k, v in attributes.items() if v != ""}


def subscription_changes(current: list[dict], wanted: list[dict] | None, purge: bool) -> dict[str, list]:
    """{subscribe: [{protocol, endpoint}], unsubscribe: [subscription]} to go from ``current`` to ``wanted``."""
    changes: dict[str, list] = {"subscribe": [], "unsubscribe": []}
    if wanted is None:
        return changes
    wanted_keys = []
    for item in wanted:
        key = (item["protocol"], canonical_endpoint(item["protocol"], item["endpoint"]))
        if key not in wanted_keys:
            wanted_keys.append(key)
    current_keys = {(s["Protocol"], canonical_endpoint(s["Protocol"], s["Endpoint"])) for s in current}
    changes["subscribe"] = [{"protocol": p, "endpoint": e} for p, e in wanted_keys if (p, e) not in current_keys]
    if purge:
        changes["unsubscribe"] = [
            s
            for s in current
            if (s["Protocol"], canonical_endpoint(s["Protocol"], s["Endpoint"])) not in wanted_keys
            # A pending subscription has no ARN yet and cannot be removed.
            and s.get("SubscriptionArn", "").startswith("arn:")
        ]
    return changes


def subscriptions_after(current: list[dict], changes: dict[str, list]) -> list[dict]:
    gone = {s.get("SubscriptionArn") for s in changes["unsubscribe"]}
    kept = [s for s in current if s.get("SubscriptionArn") not in gone]
    added = [{"Protocol": s["protocol"], "Endpoint": s["endpoint"]} for s in changes["subscribe"]]
    return kept + added


def topic_view(arn: str | None, name: str, attributes: dict, subscriptions: list[dict], tags: dict) -> dict:
    fifo = str(attributes.get("FifoTopic", "false")).lower() == "true"
    view = {
        "topic_arn": arn,
        "name": name,
        "topic_type": "fifo" if fifo else "standard",
        "kms_master_key_id": attributes.get("KmsMasterKeyId", ""),
        "display_name": attributes.get("DisplayName", ""),
        "policy": load_json(attributes.get("Policy")),
        "delivery_policy": load_json(attributes.get("DeliveryPolicy")),
        "subscriptions": sorted(
            (
                {
                    "protocol": s["Protocol"],
                    "endpoint": s["Endpoint"],
                    **({"subscription_arn": s["SubscriptionArn"]} if s.get("SubscriptionArn") else {}),
                }
                for s in subscriptions
            ),
            key=lambda s: (s["protocol"], s["endpoint"]),
        ),
        "tags": tags,
    }
    if fifo:
        view["content_based_deduplication"] = (
            str(attributes.get("ContentBasedDeduplication", "false")).lower() == "true"
        )
    return view


def diff_view(view: dict) -> dict:
    if not view:
        return {}
    shown = {k: v for k, v in view.items() if k != "topic_arn"}
    shown["subscriptions"] = [{"protocol": s["protocol"], "endpoint": s["endpoint"]} for s in view["subscriptions"]]
    return shown


# --- AWS calls --------------------------------------------------------------------------------------------


@SNSErrorHandler.list_error_handler("list topics", [])
@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=RETRY_CODES)
def list_topics(client) -> list[dict]:
    return client.get_paginator("list_topics").paginate().build_full_result().get("Topics", [])


def find_topic_arn(client, name: str) -> str | None:
    for topic in list_topics(client):
        if topic["TopicArn"].split(":")[-1] == name:
            return topic["TopicArn"]
    return None


@SNSErrorHandler.list_error_handler("get attributes of topic {arn}")
def get_attributes(client, arn: str) -> dict | None:
    return client.get_topic_attributes(TopicArn=arn, aws_retry=True)["Attributes"]


@SNSErrorHandler.list_error_handler("list subscriptions of topic {arn}", [])
@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=RETRY_CODES)
def list_subscriptions(client, arn: str) -> list[dict]:
    paginator = client.get_paginator("list_subscriptions_by_topic")
    return paginator.paginate(TopicArn=arn).build_full_result().get("Subscriptions", [])


@SNSErrorHandler.list_error_handler("list tags of topic {arn}", [])
def list_tags(client, arn: str) -> list[dict]:
    return client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags", [])


@SNSErrorHandler.common_error_handler("create topic {name}")
def create_topic(client, name: str, attributes: dict, tags: dict | None) -> str:
    params: dict[str, Any] = {"Name": name}
    if attributes:
        params["Attributes"] = attributes
    if tags:
        params["Tags"] = tags_to_boto3(tags)
    return client.create_topic(aws_retry=True, **params)["TopicArn"]


@SNSErrorHandler.common_error_handler("set attribute {name} of topic {arn}")
def set_attribute(client, arn: str, name: str, value: str) -> None:
    client.set_topic_attributes(TopicArn=arn, AttributeName=name, AttributeValue=value, aws_retry=True)


@SNSErrorHandler.common_error_handler("subscribe {endpoint} to topic {arn}")
def subscribe(client, arn: str, protocol: str, endpoint: str) -> str:
    response = client.subscribe(
        TopicArn=arn, Protocol=protocol, Endpoint=endpoint, ReturnSubscriptionArn=True, aws_retry=True
    )
    return response["SubscriptionArn"]


@SNSErrorHandler.deletion_error_handler("unsubscribe {subscription_arn}")
def unsubscribe(client, subscription_arn: str) -> bool:
    client.unsubscribe(SubscriptionArn=subscription_arn, aws_retry=True)
    return True


@SNSErrorHandler.common_error_handler("tag topic {arn}")
def tag_topic(client, arn: str, tags: dict) -> None:
    client.tag_resource(ResourceArn=arn, Tags=tags_to_boto3(tags), aws_retry=True)


@SNSErrorHandler.common_error_handler("untag topic {arn}")
def untag_topic(client, arn: str, keys: list[str]) -> None:
    client.untag_resource(ResourceArn=arn, TagKeys=sorted(keys), aws_retry=True)


@SNSErrorHandler.deletion_error_handler("delete topic {arn}")
def delete_topic(client, arn: str) -> bool:
    client.delete_topic(TopicArn=arn, aws_retry=True)
    return True


def apply_subscription_changes(client, arn: str, changes: dict[str, list]) -> list[dict]:
    """Returns the new subscriptions with their ARNs."""
    for subscription in changes["unsubscribe"]:
        unsubscribe(client, subscription["SubscriptionArn"])
    created = []
    for item in changes["subscribe"]:
        sub_arn = subscribe(client, arn, item["protocol"], item["endpoint"])
        created.append({"Protocol": item["protocol"], "Endpoint": item["endpoint"], "SubscriptionArn": sub_arn})
    return created


# --- states -----------------------------------------------------------------------------------------------


def locate(client, name: str, arn: str | None) -> tuple[str | None, dict | None]:
    """(ARN, attributes) of the topic; attributes None when it does not exist. Given its ARN, one GetTopicAttributes
    call on it (NotFound: absent); else ListTopics, every page, then GetTopicAttributes on the one found."""
    arn = arn or find_topic_arn(client, name)
    return arn, (get_attributes(client, arn) if arn else None)


def create(module, client, params: dict, name: str, expected_arn: str | None) -> dict:
    attributes = creation_attributes(params)
    changes = subscription_changes([], params["subscriptions"], params["purge_subscriptions"])
    tags = params["tags"] or {}
    planned = topic_view(None, name, attributes, subscriptions_after([], changes), tags)
    diff = {"before": {}, "after": diff_view(planned)}
    if module.check_mode:
        return dict(changed=True, sns_topic=planned, diff=diff)
    arn = create_topic(client, name, attributes, tags)
    if expected_arn and arn != expected_arn:
        # CreateTopic makes the topic in the caller's account and partition: the ARN given names others, and a
        # rerun would look for the topic where it is not.
        raise ModuleFailure(
            f"name {expected_arn} is not a topic of the account and partition of these credentials: SNS created {arn}"
        )
    subscriptions = apply_subscription_changes(client, arn, changes)
    # SNS fills in attributes of its own, the default access policy first of all.
    attributes = get_attributes(client, arn) or attributes
    return dict(changed=True, sns_topic=topic_view(arn, name, attributes, subscriptions, tags), diff=diff)


def update(module, client, params: dict, name: str, arn: str, attributes: dict) -> dict:
    subscriptions = list_subscriptions(client, arn)
    current_tags = known_or_read(params, arn, lambda: tags_from_boto3(list_tags(client, arn)))
    before = topic_view(arn, name, attributes, subscriptions, current_tags)

    to_set = attribute_changes(attributes, params)
    sub_changes = subscription_changes(subscriptions, params["subscriptions"], params["purge_subscriptions"])
    tags_to_set, tags_to_remove = tag_changes(current_tags, params["tags"], params["purge_tags"])
    changed = bool(to_set or any(sub_changes.values()) or tags_to_set or tags_to_remove)

    tags = {k: v for k, v in {**current_tags, **tags_to_set}.items() if k not in tags_to_remove}
    after = topic_view(arn, name, {**attributes, **to_set}, subscriptions_after(subscriptions, sub_changes), tags)
    diff = {"before": diff_view(before), "after": diff_view(after)}
    if not changed or module.check_mode:
        return dict(changed=changed, sns_topic=after, diff=diff)

    for attribute, value in to_set.items():
        set_attribute(client, arn, attribute, value)
    created = apply_subscription_changes(client, arn, sub_changes)
    if tags_to_remove:
        untag_topic(client, arn, tags_to_remove)
    if tags_to_set:
        tag_topic(client, arn, tags_to_set)
    gone = {s["SubscriptionArn"] for s in sub_changes["unsubscribe"]}
    kept = [s for s in subscriptions if s.get("SubscriptionArn") not in gone]
    after = topic_view(arn, name, {**attributes, **to_set}, kept + created, tags)
    return dict(changed=True, sns_topic=after, diff=diff)


def ensure_present(module, client, name: str, given_arn: str | None) -> dict:
    params = module.params
    arn, attributes = locate(client, name, given_arn)
    if attributes is None:
        return create(module, client, params, name, given_arn)
    return update(module, client, params, name, arn, attributes)


def ensure_absent(module, client, name: str, given_arn: str | None) -> dict:
    arn, attributes = locate(client, name, given_arn)
    if attributes is None:
        return dict(changed=False, sns_topic={}, diff={"before": {}, "after": {}})
    before = topic_view(arn, name, attributes, list_subscriptions(client, arn), tags_from_boto3(list_tags(client, arn)))
    changed = True if module.check_mode else delete_topic(client, arn)
    return dict(changed=changed, sns_topic={}, diff={"before": diff_view(before), "after": {}})


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        topic_type=dict(type="str", choices=["standard", "fifo"], default="standard"),
        kms_master_key_id=dict(type="str", no_log=False),
        display_name=dict(type="str"),
        policy=dict(type="json"),
        delivery_policy=dict(type="json"),
        content_based_deduplication=dict(type="bool"),
        subscriptions=dict(
            type="list",
            elements="dict",
            options=dict(protocol=dict(type="str", required=True), endpoint=dict(type="str", required=True)),
        ),
        purge_subscriptions=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["topic_type"] == "standard" and params["name"].endswith(".fifo"):
        module.fail_json(msg=f"{params['name']} is a FIFO topic name; set topic_type: fifo")
    if params["content_based_deduplication"] is not None and params["topic_type"] != "fifo":
        module.fail_json(msg="content_based_deduplication applies to FIFO topics only")
    for option in ("policy", "delivery_policy"):
        try:
            load_json(params[option])
        except ValueError as e:
            module.fail_json(msg=f"{option} is not valid JSON: {e}")
    try:
        name, arn = topic_reference(params["name"], params["topic_type"], module.region)
    except ValueError as e:
        module.fail_json(msg=str(e))
    client = module.retrying_client("sns", extra_codes=RETRY_CODES)

    run_state_action(
        module, {"present": ensure_present, "absent": ensure_absent}, client, name, arn, diff_mode_only=True
    )


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wafv2_web_acl
short_description: Create, update or delete a WAFv2 web ACL, its rules and tags, with the fewest calls
version_added: 0.1.0
description:
  - Creates, updates or deletes a WAFv2 web ACL with its default action, description, rules, visibility configuration
    (CloudWatch metrics and sampled requests) and tags.
  - The web ACL is found by name with C(ListWebACLs), page by page (C(NextMarker)), stopping at the page that holds
    the name; then it is read with one C(GetWebACL), and its tags with C(ListTagsForResource) only when O(tags) is
    given and O(known_tags) does not already show them. A web ACL that is as asked costs those three calls (two
    without O(tags), or with O(known_tags) showing the wanted tags); then only what differs is written
    (C(CreateWebACL), C(UpdateWebACL), C(TagResource), C(UntagResource), C(DeleteWebACL)).
  - Only the options given are compared, each normalised as WAF describes it. The rules are compared in the order of
    their priorities; the values WAF fills in when a request leaves them out count as given (a rate-based rule's
    C(EvaluationWindowSec) of 300, a body's C(OversizeHandling) of C(CONTINUE), ...); an empty list counts as absent;
    numbers and booleans given as text count as numbers and booleans. What WAF computes (C(Capacity),
    C(LabelNamespace), C(ManagedByFirewallManager), ...) is never compared.
  - C(UpdateWebACL) replaces the whole web ACL. The settings this module has no option for (custom response
    bodies, CAPTCHA and challenge configurations, token domains, association and data protection configurations,
    ...) are sent back as C(GetWebACL) described them, so an update keeps them.
  - Updates and deletions carry the lock token WAF gave with the read. When WAF answers
    C(WAFOptimisticLockException) (the web ACL changed since), the web ACL is read again, the change planned again
    from what it now is, and sent with the new token, at most three times in all.
  - The rule that Shield Advanced's automatic application-layer DDoS mitigation adds to a web ACL
    (C(ShieldMitigationRuleGroup_<account>_<id>_...)) is never compared and never removed, unless O(rules) has a rule
    of its name.
  - C(community.aws.wafv2_web_acl) runs as a process of its own, reads every page of web ACLs and the tags twice,
    takes the rules in snake_case, compares neither the visibility configuration nor normalised rules, and drops the
    settings it has no option for on every update.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description:
      - The web ACL's name, unique in its scope and region.
    type: str
    required: true
  scope:
    description:
      - V(REGIONAL) for a web ACL of regional resources (API Gateway stages, Application Load Balancers, AppSync APIs,
        Cognito user pools, ...); V(CLOUDFRONT) for CloudFront distributions, whose web ACLs WAF manages in
        C(us-east-1) only (give O(region=us-east-1)).
    type: str
    choices: [REGIONAL, CLOUDFRONT]
    default: REGIONAL
  description:
    description:
      - The web ACL's description (1 to 256 characters). An empty string removes it; omitted, it is left alone (a new
        web ACL has none).
    type: str
  default_action:
    description:
      - What WAF does with a request no rule matched.
      - Required to create a web ACL; omitted, the default action is left alone. A custom response or request
        handling that the current default action has is kept while the action stays the same.
    type: str
    choices: [Allow, Block]
  rules:
    description:
      - The rules, each a C(Rule) of the WAFv2 API as AWS spells it (C(Name), C(Priority), C(Statement), C(Action) or
        C(OverrideAction), C(VisibilityConfig), ...), as the C(multiregion.serverless.waf_rules) filter builds them.
      - They are checked against the API's model before any call, so a misspelt key fails the task, also in check
        mode, naming the rule and the key.
      - Omitted, the rules are left alone; with O(purge_rules=true), V([]) removes every rule.
    type: list
    elements: dict
  purge_rules:
    description:
      - V(true) makes the web ACL's rules exactly O(rules). V(false) adds the rules of O(rules) and replaces those of
        the same name, keeping the others; a kept rule cannot have the priority of a rule of O(rules).
    type: bool
    default: true
  sampled_requests:
    description:
      - Whether WAF keeps samples of the requests the web ACL's default action applies to
        (C(VisibilityConfig.SampledRequestsEnabled)). Omitted, left alone; V(false) for a new web ACL.
    type: bool
  cloudwatch_metrics:
    description:
      - Whether WAF sends the web ACL's metrics to CloudWatch (C(VisibilityConfig.CloudWatchMetricsEnabled)).
        Omitted, left alone; V(true) for a new web ACL.
    type: bool
  metric_name:
    description:
      - The name of the web ACL's CloudWatch metrics (C(VisibilityConfig.MetricName)). Omitted, left alone; O(name)
        for a new web ACL.
    type: str
  state:
    description:
      - V(present) creates the web ACL or brings the options given in line; V(absent) deletes it (found by name, deleted
        with the lock token its listing gave).
      - WAF deletes only a web ACL that no resource is associated with, and answers C(WAFAssociatedItemException) for
        a while after the last resource is disassociated. The module retries that code, and
        C(WAFUnavailableEntityException) (a rule group or IP set created a moment ago), as it retries throttling,
        ten attempts with a jittered backoff, at most about two and a half minutes; then it fails with WAF's error.
extends_documentation_fragment:
  - multiregion.serverless.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - multiregion.serverless.known_tags
  - amazon.aws.boto3
notes:
  - The diff shows the web ACL's name, description, default action, rules and visibility configuration as they are
    compared (normalised), and its tags when O(tags) is given; a deletion shows the name and description.
"""

EXAMPLES = r"""
- name: Web ACL of the API stage, with AWS managed rule groups and a per-IP rate limit
  multiregion.serverless.wafv2_web_acl:
    name: mrdemo-api
    scope: REGIONAL
    description: "mrdemo: protects the API stage"
    default_action: Allow
    rules:
      - Name: AWSManagedRulesCommonRuleSet
        Priority: 0
        OverrideAction:
          None: {}
        Statement:
          ManagedRuleGroupStatement:
            VendorName: AWS
            Name: AWSManagedRulesCommonRuleSet
            RuleActionOverrides:
              - Name: GenericLFI_BODY
                ActionToUse:
                  Count: {}
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: mrdemo-api-AWSManagedRulesCommonRuleSet
      - Name: rate-limit-per-ip
        Priority: 1
        Action:
          Block: {}
        Statement:
          RateBasedStatement:
            Limit: 2000
            AggregateKeyType: IP
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: mrdemo-api-rate-limit-per-ip
    sampled_requests: true
    cloudwatch_metrics: true
    metric_name: mrdemo-api
    tags:
      Deployment: mrdemo
  register: web_acl

- name: The rules built by the waf_rules filter
  multiregion.serverless.wafv2_web_acl:
    name: mrdemo-api
    default_action: Allow
    rules: "{{ managed_groups | multiregion.serverless.waf_rules(2000, 'mrdemo-api') }}"
  vars:
    managed_groups:
      - name: AWSManagedRulesAmazonIpReputationList

- name: Add a rule, keeping the others
  multiregion.serverless.wafv2_web_acl:
    name: mrdemo-api
    purge_rules: false
    rules:
      - Name: block-admin-path
        Priority: 10
        Action:
          Block: {}
        Statement:
          ByteMatchStatement:
            SearchString: /admin
            FieldToMatch:
              UriPath: {}
            PositionalConstraint: STARTS_WITH
            TextTransformations:
              - Priority: 0
                Type: LOWERCASE
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: mrdemo-api-block-admin-path

- name: Delete the web ACL (disassociate its resources first)
  multiregion.serverless.wafv2_web_acl:
    name: mrdemo-api
    state: absent
"""

RETURN = r"""
arn:
  description: The web ACL's ARN.
  returned: when O(state=present) and the web ACL exists (not in check mode before it is created)
  type: str
  sample: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mrdemo-api/0f1e2d3c-aaaa-bbbb-cccc-123456789012
id:
  description: The web ACL's id.
  returned: when O(state=present) and the web ACL exists (not in check mode before it is created)
  type: str
  sample: 0f1e2d3c-aaaa-bbbb-cccc-123456789012
name:
  description: The web ACL's name.
  returned: always
  type: str
  sample: mrdemo-api
web_acl:
  description:
    - The web ACL after the task, with the keys of the API's C(WebACL) in snake_case and their values as AWS spells
      them (the rules can be given back to O(rules)); empty after O(state=absent).
    - After a change, what WAF computes (C(capacity), ...) is as it was read before the change, and absent for a new
      web ACL. The lock token is not returned.
  returned: always
  type: dict
  contains:
    name:
      description: The web ACL's name.
      type: str
      sample: mrdemo-api
    id:
      description: The web ACL's id (not in check mode before it is created).
      type: str
    arn:
      description: The web ACL's ARN (not in check mode before it is created).
      type: str
    description:
      description: The description; absent or empty when there is none.
      type: str
      sample: "mrdemo: protects the API stage"
    default_action:
      description: The default action, as AWS spells it.
      type: dict
      sample: {"Allow": {}}
    rules:
      description: The rules, as AWS spells them.
      type: list
      elements: dict
    visibility_config:
      description: The web ACL's visibility configuration, as AWS spells it.
      type: dict
      sample: {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "mrdemo-api"}
    capacity:
      description: The web ACL capacity units (WCUs) the rules use.
      type: int
      sample: 1025
    label_namespace:
      description: The prefix of the labels the web ACL's rules add.
      type: str
      sample: "awswaf:123456789012:webacl:mrdemo-api:"
    managed_by_firewall_manager:
      description: Whether Firewall Manager manages the web ACL.
      type: bool
    tags:
      description: The web ACL's tags after the task.
      returned: when O(tags) is given
      type: dict
      sample: {"Deployment": "mrdemo"}
"""

import re
from typing import Any
from typing import Callable
from typing import Mapping
from typing import NamedTuple
from typing import Optional

try:
    import botocore
    from botocore.validate import ParamValidator
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import KNOWN_TAGS_OPTION
from ansible_collections.multiregion.serverless.plugins.module_utils._tagging import known_or_read
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import RETRY_CODES
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import WAFErrorHandler
from ansible_collections.multiregion.serverless.plugins.module_utils._wafv2 import marker_pages
from ansible_collections.multiregion.serverless.plugins.module_utils.common import ModuleFailure
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import is_not_found
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_state_action
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import updated_tags

# States WAF passes through after a change elsewhere, retried with the throttling codes: a rule group or IP set created
# a moment ago (WAFUnavailableEntityException on a create or an update), a resource disassociated a moment ago
# (WAFAssociatedItemException on a delete). terraform-provider-aws retries both for up to five minutes.
SETTLING_CODES = ["WAFUnavailableEntityException", "WAFAssociatedItemException"]
LOCKED = "WAFOptimisticLockException"
# An update or a deletion refused for a stale lock token is read again and sent again, this many times in all.
LOCK_ATTEMPTS = 3
# ListWebACLs returns at most 100 web ACLs a page.
LIST_LIMIT = 100
# The keys of an UpdateWebACL request that name the web ACL rather than describe it.
IDENTIFIERS = ("Name", "Scope", "Id", "LockToken")
# The settings the module's options manage, compared (under their names in the diff); every other setting is
# carried over as it is.
COMPARED = {
    "Description": "description",
    "DefaultAction": "default_action",
    "Rules": "rules",
    "VisibilityConfig": "visibility_config",
}
VISIBILITY_OPTIONS = {
    "sampled_requests": "SampledRequestsEnabled",
    "cloudwatch_metrics": "CloudWatchMetricsEnabled",
    "metric_name": "MetricName",
}
# Shield Advanced's automatic application-layer DDoS mitigation adds this rule to the web ACLs it protects (the
# pattern terraform-provider-aws uses to leave it alone).
SHIELD_RULE = re.compile(
    r"^ShieldMitigationRuleGroup_\d{12}_[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}_"
)
# The values WAF takes when a request leaves these members out, by the API model's shape name: each is the member's
# "Default:" in the WAFv2 API reference. GetWebACL may report them whether or not they were sent (it reports a
# rate-based rule's EvaluationWindowSec), so they are filled in on both sides of a comparison.
DEFAULTS: dict[str, dict[str, Any]] = {
    "RateBasedStatement": {"EvaluationWindowSec": 300},
    "Body": {"OversizeHandling": "CONTINUE"},
    "JsonBody": {"OversizeHandling": "CONTINUE"},
    "SqliMatchStatement": {"SensitivityLevel": "LOW"},
    "AWSManagedRulesBotControlRuleSet": {"EnableMachineLearning": True},
    "AWSManagedRulesAntiDDoSRuleSet": {"SensitivityToBlock": "LOW"},
    "ClientSideAction": {"Sensitivity": "HIGH"},
}


class Model(NamedTuple):
    """The parts of botocore's WAFv2 service model the module compares and builds requests with."""

    acl: Any  # the WebACL structure shape
    rules: Any  # its Rules list shape
    update_members: tuple[str, ...]  # the settings an UpdateWebACL request takes (identifiers left out)


def model_of(service_model) -> Model:
    acl = service_model.shape_for("WebACL")
    update = service_model.operation_model("UpdateWebACL").input_shape
    return Model(acl, acl.members["Rules"], tuple(k for k in update.members if k not in IDENTIFIERS))


# --- pure functions ---------------------------------------------------------------------------------------


def normalized(shape, value: Any, defaults: bool = True) -> Any:
    """``value`` as WAF describes it, walked along its ``shape`` of the API model.

    None and empty lists go (WAF reports an empty list and an absent one alike; an empty structure such as
    ``{"Allow": {}}`` stays: it means something); a number or boolean given as text becomes a number or boolean; a blob
    (a byte match's ``SearchString``, bytes in GetWebACL's answer) becomes text. ``defaults`` fills in DEFAULTS. Keys
    the model does not know are kept as given (the model's validation reports them).
    """
    if value is None:
        return None
    kind = getattr(shape, "type_name", None)
    if isinstance(value, Mapping):
        members = shape.members if kind == "structure" else {}
        result = {}
        for key, item in value.items():
            member = members.get(key) if kind == "structure" else getattr(shape, "value", None)
            item = normalized(member, item, defaults)
            if item is None or (kind == "structure" and isinstance(item, list) and not item):
                continue
            result[key] = item
        if defaults and kind == "structure":
            for key, default in DEFAULTS.get(shape.name, {}).items():
                result.setdefault(key, default)
        return result
    if isinstance(value, list):
        return [normalized(getattr(shape, "member", None), item, defaults) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        if kind in ("integer", "long"):
            try:
                return int(value)
            except ValueError:
                return value
        if kind == "boolean":
            try:
                return boolean(value)
            except TypeError:
                return value
    return value


def as_text(value: Any) -> Any:
    """``value`` with its bytes, at any depth, as text: a result is plain JSON."""
    if isinstance(value, Mapping):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def by_priority(rules: list[dict]) -> list[dict]:
    return sorted(rules, key=lambda rule: (rule.get("Priority", 0), str(rule.get("Name", ""))))


def is_shield_rule(rule: Mapping) -> bool:
    return bool(SHIELD_RULE.match(str(rule.get("Name", ""))))


def rule_errors(rules: Optional[list], shape) -> list[str]:
    """Every problem of O(rules) the API would refuse, checked against the model's Rules ``shape`` before any call."""
    if rules is None:
        return []
    errors = []
    report = ParamValidator().validate(normalized(shape, rules, defaults=False), shape)
    if report.has_errors():
        errors += [f"rules: {line}" for line in report.generate_report().splitlines() if line.strip()]
    for key, what in (("Name", "name"), ("Priority", "priority")):
        values = [normalized(shape.member, rule, defaults=False).get(key) for rule in rules if isinstance(rule, dict)]
        twice = sorted({str(v) for v in values if v is not None and values.count(v) > 1})
        if twice:
            errors.append(f"rules: two rules have the same {what}: {', '.join(twice)}")
    return errors


def merged_rules(current: Optional[list], given: list, purge: bool) -> list[dict]:
    """The rules the web ACL is to have: ``given``, with the current rules ``purge`` keeps (with purge, only Shield's
    mitigation rule; without, every rule ``given`` does not name), by priority."""
    names = {rule.get("Name") for rule in given}
    kept = [r for r in current or [] if r.get("Name") not in names and (not purge or is_shield_rule(r))]
    return by_priority(kept + list(given))


def priority_clashes(rules: list[dict], given: list) -> list[str]:
    """Where a kept rule has the priority of a rule of O(rules), which WAF would refuse."""
    names = {rule.get("Name") for rule in given}
    taken = {rule.get("Priority"): rule.get("Name") for rule in rules if rule.get("Name") in names}
    return [
        f"rule {rule.get('Name')}, which the web ACL keeps, has priority {rule.get('Priority')}, as the rule "
        f"{taken[rule.get('Priority')]} of rules"
        for rule in rules
        if rule.get("Name") not in names and rule.get("Priority") in taken
    ]


def with_options(spec: dict, options: Mapping[str, Any]) -> dict:
    """The web ACL settings ``spec`` (API names) with the options given applied; the others as they are."""
    spec = dict(spec)
    action = options.get("default_action")
    if action:
        current = spec.get("DefaultAction") or {}
        spec["DefaultAction"] = current if action in current else {action: {}}
    description = options.get("description")
    if description is not None:
        if description:
            spec["Description"] = description
        else:
            spec.pop("Description", None)
    if options.get("rules") is not None:
        spec["Rules"] = merged_rules(spec.get("Rules"), options["rules"], options["purge_rules"])
    visibility = dict(spec.get("VisibilityConfig") or {})
    for option, key in VISIBILITY_OPTIONS.items():
        if options.get(option) is not None:
            visibility[key] = options[option]
    spec["VisibilityConfig"] = visibility
    return spec


def create_request(options: Mapping[str, Any]) -> dict:
    """CreateWebACL's request: the options given, a new web ACL's defaults for the visibility options left out."""
    name = options["name"]
    if not options.get("default_action"):
        raise ModuleFailure(f"default_action is required to create web ACL {name}, which does not exist")
    new = {
        "Name": name,
        "Scope": options["scope"],
        "Rules": [],
        "VisibilityConfig": {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": name},
    }
    request = with_options(new, dict(options, purge_rules=True))
    if options.get("tags"):
        request["Tags"] = tags_to_boto3(options["tags"])
    return request


def update_request(current: dict, options: Mapping[str, Any], model: Model) -> dict:
    """UpdateWebACL's settings (without its identifiers and lock token): the whole web ACL, as UpdateWebACL replaces
    it, with the options given applied and every other setting as ``current`` (GetWebACL's WebACL) has it."""
    carried = {
        key: current[key]
        for key in model.update_members
        if current.get(key) is not None and current[key] not in ("", [])
    }
    request = with_options(carried, options)
    if options.get("rules") is not None:
        clashes = priority_clashes(request["Rules"], options["rules"])
        if clashes:
            raise ModuleFailure(f"web ACL {options['name']}: " + "; ".join(clashes))
    return request


def updated_acl(current: dict, request: dict, model: Model) -> dict:
    """The web ACL once ``request`` is applied: what WAF computes as read, every setting as sent."""
    acl = {k: v for k, v in current.items() if k not in model.update_members}
    acl.update(request)
    return acl


def compared_view(spec: Optional[dict], name: str, model: Model, tags: Optional[dict] = None) -> dict:
    """One side of the comparison and of the diff: the compared settings of ``spec``, normalised; {} for none."""
    if spec is None:
        return {}
    shown: dict[str, Any] = {"name": name}
    for key, shown_as in COMPARED.items():
        shown[shown_as] = normalized(model.acl.members[key], spec.get(key))
    shown["description"] = shown["description"] or ""
    shown["rules"] = by_priority(shown["rules"] or [])
    if tags is not None:
        shown["tags"] = dict(tags)
    return shown


def acl_result(acl: dict, tags: Optional[dict]) -> dict:
    """``web_acl`` of the result: the keys of the API's WebACL in snake_case, their values as AWS spells them."""
    shown = {k: v for k, v in as_text(acl).items() if k not in ("LockToken", "Scope", "Tags")}
    # Every key is in the ignore list: only the keys are converted, the values (rules, actions) stay as AWS spells them.
    result = snake_result(shown, ignore=list(shown))
    if tags is not None:
        result["tags"] = dict(tags)
    return result


# --- AWS calls --------------------------------------------------------------------------------------------


@WAFErrorHandler.common_error_handler("list the {scope} web ACLs to find {name}")
def find_web_acl(client, name: str, scope: str) -> Optional[dict]:
    """The summary (Name, Id, ARN, Description, LockToken) of the web ACL called ``name``, or None; the listing stops
    at the page that holds it."""
    for page in marker_pages(client.list_web_acls, Scope=scope, Limit=LIST_LIMIT):
        for summary in page.get("WebACLs") or []:
            if summary.get("Name") == name:
                return summary
    return None


def read_web_acl(client, name: str, scope: str, acl_id: str) -> tuple[dict, str]:
    answer = client.get_web_acl(Name=name, Scope=scope, Id=acl_id, aws_retry=True)
    return answer["WebACL"], answer["LockToken"]


@WAFErrorHandler.list_error_handler("get web ACL {name}", (None, None))
def get_web_acl(client, name: str, scope: str, acl_id: str) -> tuple[Optional[dict], Optional[str]]:
    """(GetWebACL's WebACL, its lock token); (None, None) when it is gone."""
    return read_web_acl(client, name, scope, acl_id)


@WAFErrorHandler.common_error_handler("list the tags of web ACL {name}")
def web_acl_tags(client, name: str, arn: str) -> dict:
    tag_list: list[dict] = []
    for page in marker_pages(client.list_tags_for_resource, ResourceARN=arn):
        tag_list += (page.get("TagInfoForResource") or {}).get("TagList") or []
    return tags_from_boto3(tag_list)


@WAFErrorHandler.common_error_handler("create web ACL {name}")
def create_web_acl(client, name: str, request: dict) -> dict:
    """CreateWebACL's Summary (Name, Id, ARN, Description, LockToken)."""
    return client.create_web_acl(aws_retry=True, **request)["Summary"]


@WAFErrorHandler.common_error_handler("update web ACL {name}")
def update_web_acl(
    client, name: str, scope: str, current: dict, token: str, plan: Callable[[dict], Optional[dict]]
) -> tuple[dict, Optional[dict]]:
    """UpdateWebACL with ``plan(current)`` and ``token``: (the web ACL last read, the settings sent or None).

    WAF refuses a stale token with WAFOptimisticLockException: the web ACL is then read again and the update planned
    again from what it now is (another writer may have changed the settings carried over, or made the change already:
    ``plan`` answers None, and nothing is sent), at most LOCK_ATTEMPTS times in all.
    """
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        request = plan(current)
        if request is None:
            return current, None
        try:
            client.update_web_acl(Name=name, Scope=scope, Id=current["Id"], LockToken=token, aws_retry=True, **request)
            return current, request
        except botocore.exceptions.ClientError as e:
            if not is_not_found(e, [LOCKED]) or attempt == LOCK_ATTEMPTS:
                raise
        current, token = read_web_acl(client, name, scope, current["Id"])
    raise AssertionError("unreachable")  # pragma: no cover


@WAFErrorHandler.common_error_handler("tag web ACL {name}")
def tag_web_acl(client, name: str, arn: str, tags: dict) -> None:
    client.tag_resource(ResourceARN=arn, Tags=tags_to_boto3(dict(sorted(tags.items()))), aws_retry=True)


@WAFErrorHandler.common_error_handler("untag web ACL {name}")
def untag_web_acl(client, name: str, arn: str, keys: list[str]) -> None:
    client.untag_resource(ResourceARN=arn, TagKeys=sorted(keys), aws_retry=True)


@WAFErrorHandler.deletion_error_handler("delete web ACL {name}")
def delete_web_acl(client, name: str, scope: str, acl_id: str, token: str) -> bool:
    """DeleteWebACL with ``token``, read again on WAFOptimisticLockException (at most LOCK_ATTEMPTS times in all);
    False when the web ACL is gone already."""
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            client.delete_web_acl(Name=name, Scope=scope, Id=acl_id, LockToken=token, aws_retry=True)
            return True
        except botocore.exceptions.ClientError as e:
            if not is_not_found(e, [LOCKED]) or attempt == LOCK_ATTEMPTS:
                raise
        token = read_web_acl(client, name, scope, acl_id)[1]
    raise AssertionError("unreachable")  # pragma: no cover


# --- main -------------------------------------------------------------------------------------------------


def ensure_created(module, client, options: dict, model: Model) -> dict:
    name = options["name"]
    request = create_request(options)
    tags = dict(options["tags"] or {}) if options["tags"] is not None else None
    predicted = {k: v for k, v in request.items() if k not in ("Scope", "Tags")}
    result: dict[str, Any] = {
        "changed": True,
        "name": name,
        "web_acl": acl_result(predicted, tags),
        "diff": {"before": {}, "after": compared_view(request, name, model, tags)},
    }
    if module.check_mode:
        return result
    summary = create_web_acl(client, name, request)
    result.update(arn=summary["ARN"], id=summary["Id"])
    result["web_acl"] = acl_result(dict(predicted, Id=summary["Id"], ARN=summary["ARN"]), tags)
    return result


def ensure_present(module, client, options: dict, model: Model) -> dict:
    name, scope = options["name"], options["scope"]
    summary = find_web_acl(client, name, scope)
    current, token = get_web_acl(client, name, scope, summary["Id"]) if summary else (None, None)
    if current is None:
        return ensure_created(module, client, options, model)

    managed_tags = options["tags"] is not None
    current_tags = None
    if managed_tags:
        # Those of known_tags when they already are the wanted ones, else ListTagsForResource.
        current_tags = known_or_read(options, current["ARN"], lambda: web_acl_tags(client, name, current["ARN"]))
    to_set, to_remove = tag_changes(current_tags, options["tags"], options["purge_tags"])
    after_tags = updated_tags(current_tags, to_set, to_remove) if managed_tags else None
    request = update_request(current, options, model)
    settings_changed = compared_view(current, name, model) != compared_view(request, name, model)
    result: dict[str, Any] = {
        "changed": settings_changed or bool(to_set or to_remove),
        "name": name,
        "arn": current["ARN"],
        "id": current["Id"],
        "web_acl": acl_result(updated_acl(current, request, model) if settings_changed else current, after_tags),
        "diff": {
            "before": compared_view(current, name, model, current_tags),
            "after": compared_view(request, name, model, after_tags),
        },
    }
    if module.check_mode or not result["changed"]:
        return result
    if settings_changed:

        def plan(acl: dict) -> Optional[dict]:
            planned = update_request(acl, options, model)
            return planned if compared_view(acl, name, model) != compared_view(planned, name, model) else None

        last, sent = update_web_acl(client, name, scope, current, token, plan)
        result["web_acl"] = acl_result(updated_acl(last, sent, model) if sent else last, after_tags)
    if to_set:
        tag_web_acl(client, name, current["ARN"], to_set)
    if to_remove:
        untag_web_acl(client, name, current["ARN"], list(to_remove))
    return result


def ensure_absent(module, client, options: dict, model: Model) -> dict:
    name, scope = options["name"], options["scope"]
    summary = find_web_acl(client, name, scope)
    result: dict[str, Any] = {"changed": summary is not None, "name": name, "web_acl": {}}
    before = {"name": name, "description": summary.get("Description") or ""} if summary else {}
    result["diff"] = {"before": before, "after": {}}
    if summary is None or module.check_mode:
        return result
    # Deleted by someone else between the listing and the deletion: no change.
    result["changed"] = delete_web_acl(client, name, scope, summary["Id"], summary["LockToken"])
    return result


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        scope=dict(type="str", choices=["REGIONAL", "CLOUDFRONT"], default="REGIONAL"),
        description=dict(type="str"),
        default_action=dict(type="str", choices=["Allow", "Block"]),
        rules=dict(type="list", elements="dict"),
        purge_rules=dict(type="bool", default=True),
        sampled_requests=dict(type="bool"),
        cloudwatch_metrics=dict(type="bool"),
        metric_name=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        known_tags=KNOWN_TAGS_OPTION,
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.retrying_client("wafv2", extra_codes=RETRY_CODES + SETTLING_CODES)
    model = model_of(client.meta.service_model)
    options = dict(module.params)
    if module.params["state"] == "present":
        module.fail_on_errors(rule_errors(options["rules"], model.rules))
        if options["rules"] is not None:
            options["rules"] = normalized(model.rules, options["rules"], defaults=False)
    run_state_action(
        module, {"present": ensure_present, "absent": ensure_absent}, client, options, model, diff_mode_only=True
    )


if __name__ == "__main__":
    main()

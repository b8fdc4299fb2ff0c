#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53resolver_firewall_info
short_description: Describe Route 53 Resolver DNS Firewall domain lists, rule groups, associations and configs
version_added: 0.1.0
description:
  - Returns what DNS Firewall holds in the account and region - domain lists, rule groups with their rules, rule
    group associations and the firewall configurations of VPCs - reading every page of each listing.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - Only the associations of this VPC, and only its firewall configuration.
    type: str
  association_status:
    description:
      - Only the associations in this status.
    type: str
    choices: [COMPLETE, DELETING, UPDATING]
  include_domains:
    description:
      - Whether to return the domains of each domain list (one more listing per list). AWS does not disclose the
        domains of its managed lists.
    type: bool
    default: false
  include_tags:
    description:
      - Whether to return the tags of each domain list, rule group and association (one more call per resource).
        Managed domain lists and rule groups shared by another account have none to show.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: What filters the DNS of the VPC
  multiregion.serverless.route53resolver_firewall_info:
    vpc_id: "{{ vpc_id }}"
  register: dns_firewall

- name: The VPC fails closed and has one complete association at priority 101
  ansible.builtin.assert:
    that:
      - dns_firewall.firewall_configs[0].firewall_fail_open == "DISABLED"
      - dns_firewall.firewall_rule_group_associations | selectattr("status", "eq", "COMPLETE")
        | map(attribute="priority") | list == [101]

- name: Every domain list with its domains
  multiregion.serverless.route53resolver_firewall_info:
    include_domains: true
  register: dns_firewall
"""

RETURN = r"""
firewall_domain_lists:
  description:
    - The domain lists, AWS-managed ones included, as the listing gives them - with the keys V(id), V(arn), V(name),
      V(creator_request_id) and, when AWS gives it, V(status) of
      RV(multiregion.serverless.route53resolver_firewall_domain_list#module:firewall_domain_list) - and the keys below.
  returned: always
  type: list
  elements: dict
  contains:
    managed_owner_name:
      description: The owner of a managed list.
      type: str
      returned: for AWS-managed lists
    domains:
      description: The domains, sorted, lower case, without trailing dot.
      type: list
      elements: str
      returned: with O(include_domains=true), for lists that are not managed
    tags:
      description: The tags of the list.
      type: dict
      returned: with O(include_tags=true), for lists that are not managed
firewall_rule_groups:
  description:
    - The rule groups, shared ones included, as the listing gives them - with the keys V(id), V(arn), V(name),
      V(owner_id), V(share_status) and V(creator_request_id) of
      RV(multiregion.serverless.route53resolver_firewall_rule_group#module:firewall_rule_group) - and the keys below.
  returned: always
  type: list
  elements: dict
  contains:
    rules:
      description:
        - The rules of the group, sorted by priority, with the keys of the
          O(multiregion.serverless.route53resolver_firewall_rule_group#module:rules) option plus those AWS adds.
      type: list
      elements: dict
      returned: always
    tags:
      description: The tags of the group.
      type: dict
      returned: with O(include_tags=true), for groups of the account
firewall_rule_group_associations:
  description:
    - The rule group associations, those of O(vpc_id) only when given. Keys as returned by
      M(multiregion.serverless.route53resolver_firewall_rule_group_association).
  returned: always
  type: list
  elements: dict
firewall_configs:
  description:
    - The firewall configurations; that of O(vpc_id) only when given, otherwise those of every VPC AWS lists. Keys as
      returned in RV(multiregion.serverless.route53resolver_firewall_config#module:firewall_config).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import association_filters
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import get_firewall_config
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_associations
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_domain_lists
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_domains
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_firewall_configs
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_rule_groups
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_rules
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import list_tags
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import normalize_domain
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import resolver_client
from ansible_collections.multiregion.serverless.plugins.module_utils._route53resolver import result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit


def describe_domain_lists(client, include_domains: bool, include_tags: bool) -> list[dict]:
    described = []
    for item in list_domain_lists(client):
        extra = {}
        own = not item.get("ManagedOwnerName")
        if include_domains and own:
            extra["domains"] = sorted(normalize_domain(d) for d in list_domains(client, item["Id"]))
        if include_tags and own:
            extra["tags"] = list_tags(client, item["Arn"])
        described.append(result(item, **extra))
    return described


def describe_rule_groups(client, include_tags: bool) -> list[dict]:
    described = []
    for item in list_rule_groups(client):
        rules = sorted(list_rules(client, item["Id"]), key=lambda rule: rule.get("Priority") or 0)
        extra = {"rules": [result(rule) for rule in rules]}
        if include_tags and item.get("ShareStatus") != "SHARED_WITH_ME":
            extra["tags"] = list_tags(client, item["Arn"])
        described.append(result(item, **extra))
    return described


def describe_associations(client, filters: dict, include_tags: bool) -> list[dict]:
    described = []
    for item in list_associations(client, filters):
        extra = {"tags": list_tags(client, item["Arn"])} if include_tags else {}
        described.append(result(item, **extra))
    return described


def describe_configs(client, vpc_id: str | None) -> list[dict]:
    if vpc_id:
        config = get_firewall_config(client, vpc_id)
        return [result(config)] if config else []
    return [result(config) for config in list_firewall_configs(client)]


def main() -> None:
    argument_spec = dict(
        vpc_id=dict(type="str"),
        association_status=dict(type="str", choices=["COMPLETE", "DELETING", "UPDATING"]),
        include_domains=dict(type="bool", default=False),
        include_tags=dict(type="bool", default=False),
    )
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    client = resolver_client(module)
    filters = association_filters(vpc_id=params["vpc_id"], status=params["association_status"])
    run_and_exit(
        module,
        lambda: {
            "changed": False,
            "firewall_domain_lists": describe_domain_lists(client, params["include_domains"], params["include_tags"]),
            "firewall_rule_groups": describe_rule_groups(client, params["include_tags"]),
            "firewall_rule_group_associations": describe_associations(client, filters, params["include_tags"]),
            "firewall_configs": describe_configs(client, params["vpc_id"]),
        },
    )


if __name__ == "__main__":
    main()

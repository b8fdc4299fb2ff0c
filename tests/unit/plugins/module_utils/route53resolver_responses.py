"""Route 53 Resolver DNS Firewall answers, shaped as the AWS API reference documents them, for the Stubber."""

from __future__ import annotations

import botocore.session

from ansible_collections.multiregion.serverless.plugins.module_utils import _route53resolver as r53r
from ansible_collections.multiregion.serverless.tests.unit.conftest import enum_violations
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import FakeClock
from ansible_collections.multiregion.serverless.tests.unit.fake_clock import patch_clock

SERVICE = "route53resolver"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
VPC = "vpc-0123456789abcdef0"
CREATED = "2026-11-01T12:00:00.000000Z"
MODIFIED = "2026-11-01T12:05:00.000000Z"

AWS_LIST_ID = "rslvr-fdl-aaaaaaaaaaaaaaaa"
ALL_LIST_ID = "rslvr-fdl-bbbbbbbbbbbbbbbb"
GROUP_ID = "rslvr-frg-cccccccccccccccc"
ASSOCIATION_ID = "rslvr-frgassoc-dddddddddddddddd"


def arn(kind: str, resource_id: str) -> str:
    return f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:{kind}/{resource_id}"


def domain_list(list_id=AWS_LIST_ID, name="prod-aws-domains", status="COMPLETE", count=1, **overrides) -> dict:
    """A FirewallDomainList as GetFirewallDomainList / CreateFirewallDomainList return it."""
    item = {
        "Id": list_id,
        "Arn": arn("firewall-domain-list", list_id),
        "Name": name,
        "DomainCount": count,
        "Status": status,
        "StatusMessage": "Created Firewall Domain List",
        "CreatorRequestId": "ansible-fdl-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "CreationTime": CREATED,
        "ModificationTime": MODIFIED,
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def domain_list_metadata(list_id=AWS_LIST_ID, name="prod-aws-domains", status="COMPLETE", **overrides) -> dict:
    """A FirewallDomainListMetadata as ListFirewallDomainLists returns it."""
    item = {
        "Id": list_id,
        "Arn": arn("firewall-domain-list", list_id),
        "Name": name,
        "CreatorRequestId": "ansible-fdl-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "Status": status,
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def managed_list_metadata(list_id="rslvr-fdl-managed0000000", name="AWSManagedDomainsMalwareDomainList") -> dict:
    return {
        "Id": list_id,
        "Arn": arn("firewall-domain-list", list_id),
        "Name": name,
        "ManagedOwnerName": "Route 53 Resolver DNS Firewall",
        "ManagedListType": "THREAT",
        "Status": "COMPLETE",
    }


def rule_group(group_id=GROUP_ID, name="prod-egress-dns", rule_count=2, status="COMPLETE", **overrides) -> dict:
    """A FirewallRuleGroup as GetFirewallRuleGroup / CreateFirewallRuleGroup return it."""
    item = {
        "Id": group_id,
        "Arn": arn("firewall-rule-group", group_id),
        "Name": name,
        "RuleCount": rule_count,
        "Status": status,
        "StatusMessage": "Created Firewall Rule Group",
        "OwnerId": ACCOUNT,
        "CreatorRequestId": "ansible-frg-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "ShareStatus": "NOT_SHARED",
        "CreationTime": CREATED,
        "ModificationTime": MODIFIED,
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def rule_group_metadata(group_id=GROUP_ID, name="prod-egress-dns", share_status="NOT_SHARED") -> dict:
    return {
        "Id": group_id,
        "Arn": arn("firewall-rule-group", group_id),
        "Name": name,
        "OwnerId": ACCOUNT,
        "CreatorRequestId": "ansible-frg-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "ShareStatus": share_status,
    }


def rule(list_id=AWS_LIST_ID, name="allow-aws", priority=100, action="ALLOW", group_id=GROUP_ID, **overrides) -> dict:
    """A FirewallRule as ListFirewallRules returns it."""
    item = {
        "FirewallRuleGroupId": group_id,
        "FirewallDomainListId": list_id,
        "Name": name,
        "Priority": priority,
        "Action": action,
        "CreatorRequestId": "ansible-rule-0000",
        "CreationTime": CREATED,
        "ModificationTime": MODIFIED,
        "FirewallDomainRedirectionAction": "INSPECT_REDIRECTION_DOMAIN",
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def association(
    association_id=ASSOCIATION_ID,
    group_id=GROUP_ID,
    vpc_id=VPC,
    name="prod-egress-dns",
    priority=101,
    mutation_protection="DISABLED",
    status="COMPLETE",
    **overrides,
) -> dict:
    """A FirewallRuleGroupAssociation as the association operations return it."""
    item = {
        "Id": association_id,
        "Arn": arn("firewall-rule-group-association", association_id),
        "FirewallRuleGroupId": group_id,
        "VpcId": vpc_id,
        "Name": name,
        "Priority": priority,
        "MutationProtection": mutation_protection,
        "Status": status,
        "StatusMessage": "Finished rule group association update" if status == "COMPLETE" else "Updating",
        "CreatorRequestId": "ansible-frgassoc-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "CreationTime": CREATED,
        "ModificationTime": MODIFIED,
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def firewall_config(vpc_id=VPC, fail_open="DISABLED") -> dict:
    return {"Id": "rslvr-fc-eeeeeeeeeeeeeeee", "ResourceId": vpc_id, "OwnerId": ACCOUNT, "FirewallFailOpen": fail_open}


def tag_list(tags: dict) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def operation_model(operation: str):
    return botocore.session.Session().get_service_model(SERVICE).operation_model(operation)


def violations(operation: str, request: dict) -> list[str]:
    """What the fixtures' enum check reports for ``request`` sent as ``operation``."""
    return enum_violations(operation_model(operation), request)


def fake_time(monkeypatch) -> FakeClock:
    """Patch the polling of the DNS Firewall modules' waits; returns the fake clock to assert its sleeps on."""
    return patch_clock(monkeypatch, r53r)

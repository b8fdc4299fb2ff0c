# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""What the Route 53 Resolver DNS Firewall modules share.

- Lookups by name (the API only knows ids) and paginated listings, retried on throttling.
- ``creator_request_id``: the idempotency token every create call requires: new for each create, and re-sent by
  that create's retries, so that a retry after a lost answer returns the resource made the first time while a
  later create (after a destroy) is never answered with a resource deleted since.
- Domain normalisation: AWS stores every domain fully qualified and answers ``*.`` for ``*``.
- Bounded waits for the asynchronous statuses of domain lists and rule group associations.
- Result shaping: snake_case keys, ``q_type`` for the model's ``Qtype``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import WaitTimeout
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import snake_result
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

SERVICE = "route53resolver"
NOT_FOUND_CODES = ("ResourceNotFoundException",)
ResolverErrorHandler = error_handler(NOT_FOUND_CODES)

# Seconds between two polls of an asynchronous status. Associations take about a minute to settle.
POLL_DELAY = 5

# Domain list statuses after which the list accepts another update.
DOMAIN_LIST_SETTLED = ("COMPLETE", "COMPLETE_IMPORT_FAILED")


def resolver_client(module):
    """The Route 53 Resolver client of ``module``, retrying throttled calls made with ``aws_retry=True``.

    Route 53 Resolver throttles with ThrottlingException, one of the THROTTLING_CODES every such client retries.
    """
    return module.retrying_client(SERVICE)


def creator_request_id(kind: str) -> str:
    """A CreatorRequestId never sent before, for one create call and its retries.

    AWS answers a CreatorRequestId it has seen with the resource of that first request. A token derived from the
    resource's name would be answered, after a destroy and a redeploy of the same name, with the resource deleted
    since (or refused); so each create gets a token of its own, made before the call so that the call's retries
    (``aws_retry``) re-send it, as terraform-provider-aws does (``id.PrefixedUniqueId``). A rerun finds what the
    first run made by its name (or, for a rule, by listing the group's rules), not by its token.
    """
    return f"ansible-{kind}-{uuid.uuid4().hex}"


def create_named(create, result_key: str, kind: str, name: str, tags: dict) -> dict:
    """Create a named resource (a domain list, a rule group) with ``create`` (the client's create method).

    One token for this create and its retries (aws_retry), never one derived from the name: see
    ``creator_request_id``. An answer in status DELETING is not a resource this create made (a token AWS saw
    before): one more create, with another token.
    """
    params: dict[str, Any] = {"Name": name, "CreatorRequestId": creator_request_id(kind)}
    if tags:
        params["Tags"] = tags_to_boto3(tags)
    created = create(aws_retry=True, **params)[result_key]
    if created.get("Status") == "DELETING":
        params["CreatorRequestId"] = creator_request_id(kind)
        created = create(aws_retry=True, **params)[result_key]
    return created


def normalize_domain(domain: str) -> str:
    """The form two domains are compared in: AWS answers ``example.com.`` for ``example.com`` and DNS ignores case."""
    return domain.strip().rstrip(".").lower()


def find_by_name(items: list[dict], name: str, kind: str) -> dict | None:
    """The single item named ``name``; an error when AWS holds several, since names are not unique there."""
    matches = [item for item in items if item.get("Name") == name]
    if len(matches) > 1:
        ids = ", ".join(sorted(m.get("Id", "?") for m in matches))
        raise MultiregionAWSError(
            message=f"{len(matches)} {kind}s are named {name!r} ({ids}); rename or delete all but one "
            "so that the name identifies a single resource"
        )
    return matches[0] if matches else None


# ---- tags ----------------------------------------------------------------------------------------------------


@ResolverErrorHandler.list_error_handler("list tags of {arn}", default_value={})
def list_tags(client, arn: str) -> dict:
    pages = paginate(client, "list_tags_for_resource", ResourceArn=arn)
    return tags_from_boto3(pages.get("Tags", []))


@ResolverErrorHandler.common_error_handler("update tags of {arn}")
def apply_tag_changes(client, arn: str, to_set: dict, to_remove: list) -> None:
    if to_remove:
        client.untag_resource(ResourceArn=arn, TagKeys=list(to_remove), aws_retry=True)
    if to_set:
        client.tag_resource(ResourceArn=arn, Tags=tags_to_boto3(to_set), aws_retry=True)


# ---- domain lists --------------------------------------------------------------------------------------------


@ResolverErrorHandler.common_error_handler("list firewall domain lists")
def list_domain_lists(client) -> list[dict]:
    pages = paginate(client, "list_firewall_domain_lists")
    return pages.get("FirewallDomainLists", [])


def find_domain_list(client, name: str, include_managed: bool = False) -> dict | None:
    """The domain list named ``name`` (metadata), ignoring lists on their way out.

    AWS-managed lists are only matched with ``include_managed``: they can be used in rules but never changed.
    """
    candidates = [
        item
        for item in list_domain_lists(client)
        if item.get("Status") != "DELETING" and (include_managed or not item.get("ManagedOwnerName"))
    ]
    return find_by_name(candidates, name, "firewall domain list")


@ResolverErrorHandler.list_error_handler("get firewall domain list {list_id}")
def get_domain_list(client, list_id: str) -> dict | None:
    return client.get_firewall_domain_list(FirewallDomainListId=list_id, aws_retry=True)["FirewallDomainList"]


@ResolverErrorHandler.common_error_handler("list the domains of firewall domain list {list_id}")
def list_domains(client, list_id: str) -> list[str]:
    pages = paginate(client, "list_firewall_domains", FirewallDomainListId=list_id)
    return pages.get("Domains", [])


def wait_domain_list(client, list_id: str, timeout: float, settled_only: bool = False) -> dict:
    """Wait until the list is COMPLETE (or, with ``settled_only``, in any status that accepts an update)."""
    wanted = DOMAIN_LIST_SETTLED if settled_only else ("COMPLETE",)
    fetch = partial(get_domain_list, client, list_id)
    failing = ("DELETING", "COMPLETE_IMPORT_FAILED")
    return _wait_for_status(fetch, wanted, failing, f"firewall domain list {list_id}", timeout)


def wait_domain_list_gone(client, list_id: str, timeout: float) -> None:
    _wait_for_deletion(partial(get_domain_list, client, list_id), f"firewall domain list {list_id}", timeout)


# ---- rule groups and rules -----------------------------------------------------------------------------------


@ResolverErrorHandler.common_error_handler("list firewall rule groups")
def list_rule_groups(client) -> list[dict]:
    pages = paginate(client, "list_firewall_rule_groups")
    return pages.get("FirewallRuleGroups", [])


def find_rule_group(client, name: str, owned_only: bool = True) -> dict | None:
    """The rule group named ``name`` (metadata); groups shared by another account only when not ``owned_only``."""
    candidates = [
        item for item in list_rule_groups(client) if not owned_only or item.get("ShareStatus") != "SHARED_WITH_ME"
    ]
    return find_by_name(candidates, name, "firewall rule group")


@ResolverErrorHandler.list_error_handler("get firewall rule group {group_id}")
def get_rule_group(client, group_id: str) -> dict | None:
    return client.get_firewall_rule_group(FirewallRuleGroupId=group_id, aws_retry=True)["FirewallRuleGroup"]


@ResolverErrorHandler.list_error_handler("list the rules of firewall rule group {group_id}", default_value=[])
def list_rules(client, group_id: str) -> list[dict]:
    pages = paginate(client, "list_firewall_rules", FirewallRuleGroupId=group_id)
    return pages.get("FirewallRules", [])


# ---- associations --------------------------------------------------------------------------------------------


def association_filters(vpc_id: str | None = None, group_id: str | None = None, status: str | None = None) -> dict:
    """The request parameters of ListFirewallRuleGroupAssociations for these filters."""
    params = {"VpcId": vpc_id, "FirewallRuleGroupId": group_id, "Status": status}
    return {key: value for key, value in params.items() if value is not None}


@ResolverErrorHandler.common_error_handler("list firewall rule group associations")
def list_associations(client, filters: dict) -> list[dict]:
    pages = paginate(client, "list_firewall_rule_group_associations", **filters)
    return pages.get("FirewallRuleGroupAssociations", [])


@ResolverErrorHandler.list_error_handler("get firewall rule group association {association_id}")
def get_association(client, association_id: str) -> dict | None:
    answer = client.get_firewall_rule_group_association(FirewallRuleGroupAssociationId=association_id, aws_retry=True)
    return answer["FirewallRuleGroupAssociation"]


def wait_association(client, association_id: str, timeout: float) -> dict:
    fetch = partial(get_association, client, association_id)
    what = f"firewall rule group association {association_id}"
    return _wait_for_status(fetch, ("COMPLETE",), ("DELETING",), what, timeout)


def wait_association_gone(client, association_id: str, timeout: float) -> None:
    fetch = partial(get_association, client, association_id)
    _wait_for_deletion(fetch, f"firewall rule group association {association_id}", timeout)


# ---- firewall configs ----------------------------------------------------------------------------------------


@ResolverErrorHandler.list_error_handler("get the firewall config of {resource_id}")
def get_firewall_config(client, resource_id: str) -> dict | None:
    return client.get_firewall_config(ResourceId=resource_id, aws_retry=True)["FirewallConfig"]


@ResolverErrorHandler.common_error_handler("list firewall configs")
def list_firewall_configs(client) -> list[dict]:
    pages = paginate(client, "list_firewall_configs")
    return pages.get("FirewallConfigs", [])


# ---- waiting -------------------------------------------------------------------------------------------------


def poll(fetch: Callable[[], Any], done: Callable[[Any], bool], description: str, timeout: float) -> Any:
    """``wait_for`` at this service's poll delay; raises WaitTimeout, for callers that report the timeout themselves."""
    return wait_for(fetch, done, description, timeout=timeout, delay=POLL_DELAY, clock=_now, sleep=_sleep)


def _status_of(item: Any) -> str:
    if item is None:
        return "gone"
    status = item.get("Status", "unknown")
    message = item.get("StatusMessage")
    return f"{status} ({message})" if message else status


def _wait(
    fetch: Callable[[], Any],
    done: Callable[[Any], bool],
    description: str,
    timeout: float,
    failed: Callable[[Any], bool] | None = None,
) -> Any:
    """``wait_for`` with this service's poll delay, reporting the status last seen rather than the whole resource.

    ``failed(item)`` marks a state the awaited one can no longer be reached from (a list being deleted while we
    wait for it to complete): the wait ends there with an error.
    """
    last: list[Any] = []

    def remembered_fetch():
        item = fetch()
        last[:] = [item]
        return item

    def settled(item):
        return done(item) or (failed is not None and failed(item))

    try:
        item = wait_for(
            remembered_fetch, settled, description, timeout=timeout, delay=POLL_DELAY, clock=_now, sleep=_sleep
        )
    except WaitTimeout:
        status = _status_of(last[0] if last else None)
        raise MultiregionAWSError(
            message=f"Timeout waiting {timeout:g} s for {description}; last status: {status}"
        ) from None
    if not done(item):
        raise MultiregionAWSError(message=f"Failed waiting for {description}: status is {_status_of(item)}")
    return item


def _wait_for_status(fetch: Callable[[], Any], wanted: tuple, failing: tuple, what: str, timeout: float) -> dict:
    """Wait until ``fetch()`` answers ``what`` in one of the ``wanted`` statuses.

    ``what`` gone, or in one of the ``failing`` statuses, ends the wait with an error.
    """
    return _wait(
        fetch=fetch,
        done=lambda item: item is not None and item.get("Status") in wanted,
        failed=lambda item: item is None or item.get("Status") in failing,
        description=f"{what} to be {'/'.join(wanted)}",
        timeout=timeout,
    )


def _wait_for_deletion(fetch: Callable[[], Any], what: str, timeout: float) -> None:
    """Wait until ``fetch()`` no longer finds ``what``."""
    _wait(fetch=fetch, done=lambda item: item is None, description=f"{what} to be deleted", timeout=timeout)


# ---- request building and results ---------------------------------------------------------------------------


def error_code(error: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError, else None."""
    if isinstance(error, botocore.exceptions.ClientError):
        return error.response.get("Error", {}).get("Code")
    return None


def result(resource: dict | None, **extra: Any) -> dict:
    """A resource as the modules return it: snake_case keys, tags as given, ``q_type`` for ``Qtype``."""
    shaped = snake_result(resource)
    if "qtype" in shaped:
        shaped["q_type"] = shaped.pop("qtype")
    shaped.update(extra)
    return shaped

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""What the EC2 modules share: the tags of a create call and a resource's tags brought in line (every EC2 module and
_flow_logs), the main() of the EC2 list modules, and the AWS-managed prefix lists by service."""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import NoReturn

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSModule
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import run_and_exit
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_to_boto3

EC2TagErrors = error_handler([])


def with_tags(params: dict[str, Any], resource_type: str, tags: dict) -> dict[str, Any]:
    """``params`` of an EC2 create call with ``tags`` as its ``TagSpecifications`` (none when there are no tags):
    a new resource is tagged by its create call, never by a later call on an id EC2 may not know yet."""
    if not tags:
        return params
    return {**params, "TagSpecifications": [{"ResourceType": resource_type, "Tags": tags_to_boto3(tags)}]}


@EC2TagErrors.common_error_handler("tag {what} {resource_id}")
def retag(client, resource_id: str, what: str, changes: tuple[dict, list[str]]) -> None:
    """Apply ``tag_changes``' (to set, to remove) to an EC2 resource: DeleteTags, then CreateTags. ``what`` names
    the resource in an error ("subnet", "VPC endpoint")."""
    set_tags, unset_tags = changes
    if unset_tags:
        client.delete_tags(aws_retry=True, Resources=[resource_id], Tags=[{"Key": k} for k in sorted(unset_tags)])
    if set_tags:
        client.create_tags(aws_retry=True, Resources=[resource_id], Tags=tags_to_boto3(set_tags))


def prefix_list_names(region: str, services: list[str]) -> dict[str, str]:
    """The name of each service's AWS-managed prefix list in ``region`` (com.amazonaws.<region>.<service>), mapped
    to the service's short name."""
    return {f"com.amazonaws.{region}.{service}": service for service in services}


def prefix_lists_by_service(region: str, services: list[str], lists: list[dict]) -> tuple[dict[str, dict], list[str]]:
    """(``lists``, snake_case DescribePrefixLists entries, keyed by the short service name; the services ``region``
    has no prefix list for among them, sorted)."""
    names = prefix_list_names(region, services)
    keyed = {names[p["prefix_list_name"]]: p for p in lists if p["prefix_list_name"] in names}
    return keyed, sorted(set(services) - set(keyed))


def run_list_module(
    argument_spec: dict,
    validate: Callable[[dict], list[str]],
    reconcile: Callable[[Any, Any, Any], dict],
    failure: type[Exception],
    propagation_codes: list[str],
) -> NoReturn:
    """The main() of an EC2 list module: parse, fail on what ``validate`` finds before any call, then
    ``reconcile(module, client, fresh)`` and exit (``failure`` fails with its text, the diff only with --diff).

    ``client`` retries throttling; ``fresh`` also retries ``propagation_codes``, what EC2 answers for an id it
    does not know yet, for the calls on resources just created."""
    module = MultiregionAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_on_errors(validate(module.params))
    client = module.retrying_client("ec2")
    fresh = module.retrying_client("ec2", extra_codes=propagation_codes)
    run_and_exit(module, lambda: reconcile(module, client, fresh), diff_mode_only=True, failures=(failure,))

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""The tags of many resources of one region in one call, for the modules that reconcile a list of resources.

The Resource Groups Tagging API's ``GetResources`` with ``ResourceARNList`` (at most 100 ARNs a call, no pagination
parameter allowed beside it) answers the tags of every listed resource that is tagged or was once tagged; a resource
that does not exist, or was never tagged, is left out of the answer without an error. The API is eventually
consistent with the services' own tagging calls, so the service stays the authority:

- a resource whose tags in the answer already are the wanted ones (``purge_tags`` taken into account) is not read
  again: nothing would be written for it;
- a resource missing from the answer, or whose tags there differ from the wanted ones, is read with the service's
  own ``ListTagsForResource`` (``read_one``) before anything is planned, so a tag written a moment ago is never
  written again.

When ``tag:GetResources`` is denied, ``BulkTagReader`` warns once, naming the permission, and reads every resource
with ``read_one`` for the rest of the module call.

The same rule applies to ``known_tags``: a module option taking the tags, by ARN, that a ``GetResources`` call made
earlier in the run answered (``deployment_facts_info``'s ``tagged_resources``: one call per region for every
resource of a deployment, instead of one tag read per resource and module). A resource whose tags there already are
the wanted ones is not read again; any other is read as above. What a snapshot can miss is a tag changed outside the
deployment in the moments before it was taken (the tagging API's lag): the next run sees it.
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Mapping
from typing import Optional

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tags_from_boto3

# GetResources' ResourceARNList takes 1 to 100 ARNs (the API reference and botocore's ResourceARNListForGet).
ARN_BATCH = 100
# A caller without tag:GetResources is answered AccessDeniedException; NotAuthorized is the other code the API
# reference's common errors give for a missing permission.
DENIED_CODES = ("AccessDeniedException", "NotAuthorized")
# GetResources' own throttling code, and the error its API reference says can be retried.
RETRY_CODES = ["ThrottledException", "InternalServiceException"]
PERMISSION = "tag:GetResources"

# Denied is "no answer": the handler returns None and the reader falls back to the per-resource reads.
TaggingErrorHandler = error_handler(DENIED_CODES)

ReadOne = Callable[[str], dict]


def trusted_tags(
    answered: Mapping[str, dict], wanted: Mapping[str, dict], purge_tags: bool
) -> tuple[dict[str, dict], list[str]]:
    """(the tags taken from ``answered``, by ARN; the ARNs to read with the service's own call, in ``wanted``'s
    order). An answer is taken only when nothing would be written for it: its tags are the wanted ones."""
    trusted: dict[str, dict] = {}
    to_read: list[str] = []
    for arn, tags in wanted.items():
        seen = answered.get(arn)
        to_set, to_remove = tag_changes(seen, tags, purge_tags) if seen is not None else ({}, [])
        if seen is None or to_set or to_remove:
            to_read.append(arn)
        else:
            trusted[arn] = seen
    return trusted, to_read


@TaggingErrorHandler.list_error_handler("get the tags of {count} resources with GetResources")
def get_resources(client, arns: list[str], count: int) -> Optional[dict[str, dict]]:
    """The tags GetResources answers for ``arns`` (at most ARN_BATCH), by ARN; None when the call is denied.

    One request: ResourceARNList cannot be combined with PaginationToken. A resource the answer leaves out is read
    by the caller.
    """
    answer = client.get_resources(ResourceARNList=arns, aws_retry=True)
    return {m["ResourceARN"]: tags_from_boto3(m.get("Tags")) for m in answer.get("ResourceTagMappingList") or []}


def known_current_tags(
    known: Optional[Mapping[str, Any]], arn: Optional[str], wanted: Optional[dict], purge_tags: bool
) -> Optional[dict]:
    """The tags ``known`` (a ``known_tags`` option) gives ``arn`` when they already are ``wanted``, else None (the
    caller then reads them with the service's own call). ``wanted=None`` (tags left alone) is never answered here."""
    if not known or not arn or wanted is None:
        return None
    trusted, _to_read = trusted_tags(_known_by_arn({arn: known.get(arn)}), {arn: wanted}, purge_tags)
    return trusted.get(arn)


def known_or_read(params: Mapping[str, Any], arn: Optional[str], read: Callable[[], dict]) -> dict:
    """The current tags of one resource of a module that takes O(known_tags), O(tags) and O(purge_tags): those
    O(known_tags) gives ``arn`` when they already are the wanted ones, else ``read()`` (the service's own call)."""
    known = known_current_tags(params.get("known_tags"), arn, params.get("tags"), params.get("purge_tags", True))
    return known if known is not None else read()


def _known_by_arn(known: Mapping[str, Any]) -> dict[str, dict]:
    """``known`` with every value a dict of strings (a malformed entry is left out, so it is read as usual)."""
    return {
        arn: {str(k): str(v) for k, v in tags.items()}
        for arn, tags in known.items()
        if isinstance(arn, str) and isinstance(tags, Mapping)
    }


KNOWN_TAGS_OPTION = dict(type="dict", default={})


class BulkTagReader:
    """Reads the current tags of a module call's resources, GetResources first (see this file's docstring).

    One per module call: the client is created (in the module's region) only when there is something to ask, and a
    denied GetResources is asked no more. ``known`` (a ``known_tags`` option) is trusted first, by the same rule.
    """

    def __init__(self, module: Any, known: Optional[Mapping[str, Any]] = None) -> None:
        self._module = module
        self._client = None
        self._denied = False
        self._known = _known_by_arn(known or {})

    def _tagging_client(self):
        if self._client is None:
            self._client = self._module.retrying_client("resourcegroupstaggingapi", extra_codes=RETRY_CODES)
        return self._client

    def _answered(self, arns: list[str]) -> dict[str, dict]:
        answered: dict[str, dict] = {}
        for start in range(0, len(arns), ARN_BATCH):
            if self._denied:
                break
            batch = arns[start : start + ARN_BATCH]
            found = get_resources(self._tagging_client(), batch, len(batch))
            if found is None:
                self._denied = True
                self._module.warn(
                    f"{PERMISSION} is denied: the tags of each resource are read one by one with the service's"
                    f" ListTagsForResource (grant {PERMISSION} to read them in one call)"
                )
                break
            answered.update(found)
        return answered

    def current_tags(self, wanted: Mapping[str, dict], purge_tags: bool, read_one: ReadOne) -> dict[str, dict]:
        """The current tags of every ARN of ``wanted`` (ARN -> the tags the task wants; only existing resources whose
        tags the task manages belong there), read as this file's docstring says."""
        if not wanted:
            return {}
        trusted, to_ask = trusted_tags(self._known, wanted, purge_tags)
        answered, to_read = trusted_tags(self._answered(to_ask), {arn: wanted[arn] for arn in to_ask}, purge_tags)
        trusted.update(answered)
        for arn in to_read:
            trusted[arn] = read_one(arn)
        return {arn: trusted[arn] for arn in wanted}

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Backup: what ``backup_vault``, ``backup_plan`` and ``backup_job`` share: the service's error handler and the
tags of a resource (a vault, a plan) by its ARN."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate

BackupErrorHandler = error_handler(["ResourceNotFoundException"])


# ``what`` names the resource in an error ("backup vault", "backup plan").
@BackupErrorHandler.list_error_handler("list tags of {what} {arn}", {})
def list_tags(client, arn: str, what: str) -> dict:
    # botocore has no paginator for ListTags: paginate() follows its NextToken.
    return paginate(client, "list_tags", ResourceArn=arn).get("Tags", {})


@BackupErrorHandler.common_error_handler("tag {what} {arn}")
def tag_resource(client, arn: str, what: str, tags: dict) -> None:
    client.tag_resource(ResourceArn=arn, Tags=dict(tags), aws_retry=True)


@BackupErrorHandler.common_error_handler("untag {what} {arn}")
def untag_resource(client, arn: str, what: str, keys: list) -> None:
    client.untag_resource(ResourceArn=arn, TagKeyList=list(keys), aws_retry=True)

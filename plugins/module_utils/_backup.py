# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Backup: what ``backup_vault`` and ``backup_job`` share, the service's error handler."""

from __future__ import annotations

from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler

BackupErrorHandler = error_handler(["ResourceNotFoundException"])

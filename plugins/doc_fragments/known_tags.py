# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The O(known_tags) option of a module that reads its resources' tags: module_utils/_tagging.py."""

    DOCUMENTATION = r"""
options:
  known_tags:
    description:
      - The tags of resources, by ARN, as a Resource Groups Tagging API C(GetResources) call made earlier in the run
        answered them, for example
        RV(multiregion.serverless.deployment_facts_info#module:tagged_resources), one call per region for every
        resource of a deployment.
      - A resource whose tags here already are the wanted ones (O(purge_tags) taken into account) is not read
        again, since nothing would be written for it. A resource missing here, or whose tags here differ, is read
        with the service's own call before anything is planned.
      - The tagging API lags behind the services' own tagging calls. A tag changed outside the deployment in the
        moments before the snapshot was taken can be missed until the next run.
      - Empty, every resource's tags are read with the service's own call.
    type: dict
    default: {}
"""

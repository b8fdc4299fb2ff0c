# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Building the request of an AWS API from a module's options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def set_options(source: Mapping[str, Any], fields: Mapping[str, str]) -> dict:
    """The request fields of the options of ``source`` that are set; ``fields`` maps an option to its field.

    An option is set unless it is None or empty text: a weight of 0 or a flag set to false is sent, an empty
    description is not.
    """
    return {field: source[option] for option, field in fields.items() if source.get(option) not in (None, "")}

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""Small data-shaping filters for reports."""

from __future__ import annotations


def pick(mapping, keys):
    """The entries of ``mapping`` whose keys are in ``keys`` and defined (hostvars included)."""
    out = {}
    for key in keys:
        try:
            out[key] = mapping[key]
        except KeyError:
            continue
    return out


class FilterModule:
    def filters(self):
        return {"pick": pick}

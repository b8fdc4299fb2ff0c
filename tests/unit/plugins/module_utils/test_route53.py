from __future__ import annotations

import pytest

from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import dns_name
from ansible_collections.multiregion.serverless.plugins.module_utils._route53 import zone_id


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("API.Example.com", "api.example.com."),
        ("api.example.com.", "api.example.com."),
        ("Example.COM", "example.com."),
        ("\\052.example.com.", "*.example.com."),
        ("\\052.example.com", "*.example.com."),
        ("*.example.com", "*.example.com."),
    ],
)
def test_names_are_the_form_route53_lists(raw, normal):
    assert dns_name(raw) == normal


@pytest.mark.parametrize("given", ["Z0123456789ABCDEFGHIJ", "/hostedzone/Z0123456789ABCDEFGHIJ"])
def test_zone_ids_lose_the_hostedzone_prefix(given):
    assert zone_id(given) == "Z0123456789ABCDEFGHIJ"

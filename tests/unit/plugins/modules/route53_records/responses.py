"""The weighted alias record of these tests: as the module's options, and as ListResourceRecordSets returns it."""

from __future__ import annotations

ALIAS_ZONE = "ZLY8HYME6SFDD"


def alias_options(region: str = "eu-west-1", record_type: str = "A") -> dict:
    """The options of a weighted alias record to the API Gateway domain of ``region``."""
    return {
        "name": "api.example.com",
        "type": record_type,
        "set_identifier": region,
        "weight": 50,
        "health_check_id": f"hc-{region}",
        "alias": {"dns_name": f"d-{region}.execute-api.{region}.amazonaws.com", "hosted_zone_id": ALIAS_ZONE},
    }


def alias_record(region: str = "eu-west-1", record_type: str = "A", **given) -> dict:
    """As ListResourceRecordSets returns alias_options(region)."""
    return {
        "Name": "api.example.com.",
        "Type": record_type,
        "SetIdentifier": region,
        "Weight": 50,
        "HealthCheckId": f"hc-{region}",
        "AliasTarget": {
            "HostedZoneId": ALIAS_ZONE,
            "DNSName": f"d-{region}.execute-api.{region}.amazonaws.com.",
            "EvaluateTargetHealth": False,
        },
        **given,
    }

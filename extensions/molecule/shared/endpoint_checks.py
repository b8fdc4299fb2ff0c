"""What the scenarios' boto3 scripts share: their common arguments, clients on the local endpoint, the ok/FAIL line
of each check and the reading of IAM-style policy documents.

A scenario runs its script as ``python <scenario>/<script>.py`` (``playbook_dir`` is the scenario's folder, in the
checkout as in the built collection), so Python puts the scenario's folder on the path, not this one. A script
therefore starts with:

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
    from endpoint_checks import ...
"""

from __future__ import annotations

import argparse
import json

import boto3

# The local endpoint takes any credentials; these are the ones the inventory and the tests use.
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def arguments(**parser_options) -> argparse.ArgumentParser:
    """A parser with what every script takes (--endpoint, --region, --deployment); the script adds its own."""
    parser = argparse.ArgumentParser(**parser_options)
    parser.add_argument("--endpoint", required=True, help="URL of the local endpoint")
    parser.add_argument("--region", required=True, help="the region the script reads or writes")
    parser.add_argument("--deployment", required=True, help="the deployment's name (deployment_name)")
    return parser


class Endpoint:
    """boto3 clients on the local endpoint, in the script's region unless a call names another."""

    def __init__(self, url: str, region: str) -> None:
        self.url = url
        self.region = region
        self.session = boto3.session.Session(region_name=region, **CREDENTIALS)

    @classmethod
    def of(cls, args: argparse.Namespace) -> Endpoint:
        """The endpoint and region given by the arguments of arguments()."""
        return cls(args.endpoint, args.region)

    def client(self, service: str, region: str | None = None):
        return self.session.client(service, endpoint_url=self.url, region_name=region or self.region)


def check(ok: bool, what: str, failures: list[str]) -> None:
    """Print one check as ``ok`` or ``FAIL``; a failed one is added to failures."""
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def result(region: str, failures: list[str]) -> int:
    """Print the region's count of failed checks; the script's exit code (1 if any failed)."""
    print(f"{region}: {len(failures)} failure(s)")
    return 1 if failures else 0


def as_list(value) -> list:
    """A policy element that may be one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def statements(document) -> list[dict]:
    """The statements of a policy document, given as JSON text or already parsed."""
    doc = json.loads(document) if isinstance(document, str) else document
    return as_list(doc["Statement"])


def actions_of(document) -> list[str]:
    """Every action the statements of a policy document name."""
    return [action for statement in statements(document) for action in as_list(statement["Action"])]

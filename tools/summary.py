"""Print what a deployment has in each region, read back from the endpoint with boto3.

    python tools/summary.py --report-dir DIR [--endpoint URL] [--json]
    python tools/summary.py --inventory inventories/local [--endpoint URL] [--json]

What the run made comes from <report dir>/summary.json, written by playbooks/summary.yml: the deployment, its
region hosts, and per region what each role published (``<role>_outputs``: the names and ids of what it manages,
and what the endpoint could not apply). Each section looks those names and ids up on the endpoint and prints what
the endpoint answers, not what the run said. Without --report-dir, the report directory is found as the playbook
finds it: the inventory's deployment_report_dir, else reports/<deployment_name>/ here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent

# The error codes with which the services the sections read say that a resource is not there.
NOT_FOUND = frozenset(
    {"ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchHealthCheck", "WAFNonexistentItemException"}
)


def report_dir_of(inventory_path: str) -> Path:
    """Where playbooks/summary.yml writes for this inventory, run from here (its summary_dir)."""
    ansible_inventory = Path(sys.executable).with_name("ansible-inventory")
    out = subprocess.run(
        [str(ansible_inventory), "-i", inventory_path, "--list"], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    data = json.loads(out)
    hosts = data.get("regions", {}).get("hosts", [])
    hostvars = data["_meta"]["hostvars"][hosts[0]] if hosts else {}
    configured = hostvars.get("deployment_report_dir")
    return Path(configured) if configured else Path.cwd() / "reports" / str(hostvars.get("deployment_name"))


class Region:
    """One region host of the report: its region, the deployment's name and what its roles published."""

    def __init__(
        self, region: str, endpoint: str | None, deployment: str, facts: dict | None = None, report_dir=None
    ) -> None:
        self.region = region
        self.deployment = deployment
        self.facts = facts or {}
        self.report_dir = report_dir  # where the sections find the run's reports (the DR report)
        self.session = boto3.session.Session(region_name=region)
        self.endpoint = endpoint

    def client(self, service: str):
        return self.session.client(service, endpoint_url=self.endpoint)

    @staticmethod
    def described(call, key: str | None = None, **params) -> dict | None:
        """``call(**params)`` (its ``key`` when given), or None when AWS answers that the resource is not there."""
        try:
            answer = call(**params)
        except ClientError as e:
            if e.response["Error"]["Code"] in NOT_FOUND:
                return None
            raise
        return answer[key] if key else answer

    def outputs(self, role: str) -> dict:
        """``<role>_outputs`` as the role published it for this region; {} when the role did not run."""
        return self.facts.get(f"{role}_outputs") or {}


# Every role has a module tools/summary_sections/<role>.py with ``rows(region)``; they print in this order.
SECTION_ORDER = ["vpc_private", "global_table", "serverless_api", "dns_failover", "waf", "resilience_hub"]


def sections() -> list:
    """Every role's ``rows`` from tools/summary_sections/ (known roles first)."""
    found = []
    folder = Path(__file__).resolve().parent / "summary_sections"
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    files = sorted(folder.glob("*.py"), key=lambda f: (rank.get(f.stem, len(rank)), f.stem))
    for file in files:
        if file.stem.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"summary_sections.{file.stem}", file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.rows.__name__ = f"{file.stem}_section"
        module.rows.role = file.stem
        module.rows.reads_without_outputs = getattr(module, "READS_WITHOUT_OUTPUTS", False)
        found.append(module.rows)
    return found


def section_rows(section, region: Region) -> list[tuple[str, str]]:
    """The section's rows; one row saying so when its role published nothing for the region in summary.json."""
    role = getattr(section, "role", None)
    if role and not getattr(section, "reads_without_outputs", False) and not region.outputs(role):
        return [(role, f"no {role}_outputs in summary.json: the role did not run in the run that wrote it")]
    try:
        return section(region)
    except (ClientError, BotoCoreError) as error:
        return [(section.__name__.replace("_section", ""), f"could not be read: {error}")]


def collect_not_applied(report: dict) -> dict[str, str]:
    """``{"<region>: <what>": why}`` from every role's ``not_applied`` output in the run's report."""
    out = {}
    for region, facts in report.get("regions", {}).items():
        for name, outputs in facts.items():
            if name.endswith("_outputs") and isinstance(outputs, dict):
                for what, why in (outputs.get("not_applied") or {}).items():
                    out[f"{region}: {what}"] = why
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--inventory", default="inventories/local", help="finds the report directory when --report-dir is not given"
    )
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--report-dir", type=Path, help="the run's report directory, which holds summary.json")
    args = parser.parse_args(argv)

    report_file = (args.report_dir or report_dir_of(args.inventory)) / "summary.json"
    if not report_file.exists():
        parser.error(f"{report_file} does not exist: run playbooks/summary.yml (site.yml runs it) first")
    report = json.loads(report_file.read_text())
    deployment = report.get("deployment")

    result: dict[str, list[tuple[str, str]]] = {}
    regions = report.get("regions", {})
    for host in report.get("region_hosts") or list(regions):
        facts = regions.get(host) or {}
        region = Region(facts.get("aws_region") or host, args.endpoint, deployment, facts, report_file.parent)
        rows: list[tuple[str, str]] = []
        for section in sections():
            rows += section_rows(section, region)
        result[region.region] = rows

    if args.json:
        print(
            json.dumps(
                {"deployment": deployment, "regions": result, "not_applied": collect_not_applied(report)}, indent=2
            )
        )
        return 0

    print(f"\nDeployment {deployment!r} on {args.endpoint or 'AWS'}")
    for region, rows in result.items():
        print(f"\n== {region}")
        width = max(len(row[0]) for row in rows)
        for key, value in rows:
            print(f"  {key.ljust(width)}  {value}")
    not_applied = collect_not_applied(report)
    if not_applied:
        print("\nNot applied on this endpoint (the same tasks run against AWS):")
        for what, why in sorted(not_applied.items()):
            print(f"  - {what}: {why}")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Print what a deployment has in each region, read back from the endpoint with boto3.

    python tools/summary.py --inventory inventories/local [--endpoint URL] [--report-dir DIR] [--json]

The regions and the deployment name come from the inventory (ansible-inventory); what the run could not
apply on the endpoint comes from <report dir>/summary.json, written by playbooks/summary.yml (reports/<deployment>/
under the directory ansible-playbook ran in, unless the inventory sets deployment_report_dir).
Every other line is read from the endpoint, not from the run's own output.
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


def inventory(path: str) -> tuple[str, dict[str, dict]]:
    ansible_inventory = Path(sys.executable).with_name("ansible-inventory")
    out = subprocess.run(
        [str(ansible_inventory), "-i", path, "--list"], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    data = json.loads(out)
    hosts = data.get("regions", {}).get("hosts", [])
    hostvars = data["_meta"]["hostvars"]
    name = hostvars[hosts[0]].get("deployment_name") if hosts else None
    return name, {h: hostvars[h] for h in hosts}


class Region:
    def __init__(self, region: str, endpoint: str | None, deployment: str) -> None:
        self.region = region
        self.deployment = deployment
        self.session = boto3.session.Session(region_name=region)
        self.endpoint = endpoint

    def client(self, service: str):
        return self.session.client(service, endpoint_url=self.endpoint)

    def tagged(self) -> list[dict]:
        return [{"Name": "tag:Deployment", "Values": [self.deployment]}]


def vpc_section(r: Region) -> list[tuple[str, str]]:
    ec2 = r.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=r.tagged())["Vpcs"]
    if not vpcs:
        return [("VPC", "none")]
    vpc = vpcs[0]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=vpc_filter)["Subnets"]
    endpoints = ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"]
    groups = ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])
    nacls = [n for n in ec2.describe_network_acls(Filters=vpc_filter)["NetworkAcls"] if not n["IsDefault"]]
    return [
        ("VPC", f"{vpc['VpcId']} {vpc['CidrBlock']} (internet gateways: {len(igws['InternetGateways'])})"),
        (
            "Subnets",
            ", ".join(
                f"{s['AvailabilityZone']} {s['CidrBlock']}" for s in sorted(subnets, key=lambda s: s["CidrBlock"])
            ),
        ),
        ("Network ACL", ", ".join(f"{n['NetworkAclId']} ({len(n['Entries'])} entries)" for n in nacls) or "none"),
        ("Security groups", ", ".join(sorted(g["GroupName"] for g in groups))),
        (
            "VPC endpoints",
            ", ".join(sorted(f"{e['ServiceName'].rsplit('.', 1)[-1]} ({e['VpcEndpointType']})" for e in endpoints)),
        ),
        (
            "Flow logs",
            ", ".join(f"{f['TrafficType']} -> {f.get('LogGroupName', f.get('LogDestination'))}" for f in flow_logs)
            or "none",
        ),
    ]


def kms_logs_section(r: Region) -> list[tuple[str, str]]:
    kms = r.client("kms")
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/{r.deployment}"]
    rows = []
    if aliases:
        key_id = aliases[0]["TargetKeyId"]
        rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        rows.append(("KMS key", f"{aliases[0]['AliasName']} rotation={'on' if rotation else 'off'}"))
    logs = r.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=f"/{r.deployment}/")["logGroups"]
    rows.append(
        (
            "Log groups",
            ", ".join(f"{g['logGroupName']} (kms={'yes' if g.get('kmsKeyId') else 'NO'})" for g in groups) or "none",
        )
    )
    return rows


# The later roles each add a module tools/summary_sections/<role>.py with ``rows(region)``, in this order.
SECTION_ORDER = ["global_table", "serverless_api", "dns_failover", "waf", "resilience_hub"]


def sections() -> list:
    """The VPC sections, then every role's ``rows`` from tools/summary_sections/ (known roles first)."""
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
        found.append(module.rows)
    return [vpc_section, kms_logs_section, *found]


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
    parser.add_argument("--inventory", default="inventories/local")
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--report-dir", type=Path, help="the run's report directory (default: reports/<deployment> here)"
    )
    args = parser.parse_args(argv)

    deployment, regions = inventory(args.inventory)
    report_file = (args.report_dir or Path.cwd() / "reports" / str(deployment)) / "summary.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}

    result: dict[str, list[tuple[str, str]]] = {}
    for host, hostvars in regions.items():
        region_name = hostvars.get("aws_region") or host
        region = Region(host if "{{" in region_name else region_name, args.endpoint, deployment)
        region.report_dir = report_file.parent  # where the sections find the run's reports (the DR report)
        rows: list[tuple[str, str]] = []
        for section in sections():
            try:
                rows += section(region)
            except (ClientError, BotoCoreError) as error:
                rows.append((section.__name__.replace("_section", ""), f"could not be read: {error}"))
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

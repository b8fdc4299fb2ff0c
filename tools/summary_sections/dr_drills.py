"""Summary rows for the dr_drills role: the FIS experiment templates and runbooks of the region, and the newest
DR report (its verdict and where its report.html is).

The templates, runbooks and roles are read from the endpoint; the report is a file of the run, found under the
report directory (``region.report_dir`` when the summary gives one, else reports/<deployment>/ here) as
dr_drills_outputs.report in summary.json, else the newest run in its dr/ folder.
"""

from __future__ import annotations

import json
from pathlib import Path

RUNBOOKS = ("restore-point-in-time", "restore-backup", "deny-table-access")


def _templates(region) -> list[dict]:
    fis = region.client("fis")
    summaries, token = [], None
    while True:
        page = fis.list_experiment_templates(**({"nextToken": token} if token else {}))
        summaries += page.get("experimentTemplates", [])
        token = page.get("nextToken")
        if not token:
            break
    prefix = f"{region.deployment}-dr-"
    return sorted(
        (t for t in summaries if (t.get("tags") or {}).get("Name", "").startswith(prefix)),
        key=lambda t: t["tags"]["Name"],
    )


def _report(region) -> dict | None:
    base = Path(getattr(region, "report_dir", None) or Path.cwd() / "reports" / region.deployment)
    summary = base / "summary.json"
    if summary.exists():
        facts = json.loads(summary.read_text()).get("regions", {})
        for outputs in facts.values():
            report = ((outputs or {}).get("dr_drills_outputs") or {}).get("report")
            if report and report.get("dir"):
                return {"dir": Path(report["dir"]), "verdict": report.get("verdict")}
    runs = (
        sorted((base / "dr").glob("*/report.json"), key=lambda f: f.stat().st_mtime) if (base / "dr").is_dir() else []
    )
    if not runs:
        return None
    return {"dir": runs[-1].parent, "verdict": json.loads(runs[-1].read_text()).get("verdict")}


def rows(region) -> list[tuple[str, str]]:
    templates = _templates(region)
    out = [
        (
            "FIS templates",
            ", ".join(t["tags"]["Name"].removeprefix(f"{region.deployment}-dr-") for t in templates) or "none",
        )
    ]
    ssm = region.client("ssm")
    names = [f"{region.deployment}-dr-{r}" for r in RUNBOOKS]
    found = ssm.list_documents(Filters=[{"Key": "Name", "Values": names}]).get("DocumentIdentifiers", [])
    out.append(("DR runbooks", ", ".join(sorted(d["Name"] for d in found)) or "none"))
    report = _report(region)
    if report is None:
        out.append(("DR report", "none (run playbooks/dr_tests.yml)"))
        return out
    counts: dict[str, int] = {}
    report_json = report["dir"] / "report.json"
    if report_json.exists():
        for drill in json.loads(report_json.read_text()).get("drills", []):
            for objective in drill.get("objectives", []):
                counts[objective.get("status")] = counts.get(objective.get("status"), 0) + 1
    tally = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items()))
    out.append(("DR report", f"{report['verdict']} ({tally}): {report['dir'] / 'report.html'}"))
    return out

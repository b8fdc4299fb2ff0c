"""Summary rows for the dr_drills role: the FIS experiment templates and runbooks of the region, and the newest
DR report (its verdict and where its report.html is).

The templates and runbooks are the ones dr_drills_outputs names (template_ids, documents), read from the endpoint;
the report is a file of the run, found in the report directory (``region.report_dir``, which holds summary.json) as
dr_drills_outputs.report in summary.json, else the newest run in its dr/ folder.
"""

from __future__ import annotations

import json
from pathlib import Path

# Without dr_drills_outputs (a run without the DR phase) the rows still say what there is: no templates, no runbooks,
# and the newest report of an earlier run, if any.
READS_WITHOUT_OUTPUTS = True


def _templates(region, template_ids: list[str]) -> list[dict]:
    fis = region.client("fis")
    found = []
    for template_id in template_ids:
        template = region.described(fis.get_experiment_template, "experimentTemplate", id=template_id)
        if template is not None:
            found.append(template)
    return sorted((t for t in found if (t.get("tags") or {}).get("Name")), key=lambda t: t["tags"]["Name"])


def _report(region) -> dict | None:
    base = Path(region.report_dir)
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
    outputs = region.outputs("dr_drills")
    templates = _templates(region, [i for i in (outputs.get("template_ids") or {}).values() if i])
    out = [
        (
            "FIS templates",
            ", ".join(t["tags"]["Name"].removeprefix(f"{region.deployment}-dr-") for t in templates) or "none",
        )
    ]
    ssm = region.client("ssm")
    names = sorted((outputs.get("documents") or {}).values())
    found = (
        ssm.list_documents(Filters=[{"Key": "Name", "Values": names}]).get("DocumentIdentifiers", []) if names else []
    )
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

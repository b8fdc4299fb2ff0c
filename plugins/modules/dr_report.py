#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: dr_report
short_description: Write the DR drills' report as JSON, JUnit XML and HTML
version_added: 0.1.0
description:
  - Turns the drill records of one run into three files in O(dir) - C(report.json), C(junit.xml) and
    C(report.html) - and a short table to print. All three are rendered from the same records.
  - Every objective's status is computed from its numbers with the collection's RTO/RPO arithmetic - fail when
    the achieved value exceeds the target, pass otherwise - unless the drill recorded it as C(not_measured), which
    is kept with its reason (for example, what the local endpoint cannot show). An objective without an achieved
    value is not measured. A measured value above the computed worst case (O(computed) or the objective's
    C(worst_case_seconds)) is reported as a finding.
  - C(junit.xml) has a test suite per drill and a test case per objective - a C(failure) when the achieved value
    exceeds the target, C(skipped) with the reason when not measured.
  - C(report.html) is one self-contained page (no external assets, everything escaped) - per failure domain the
    policy target, the computed worst case and the achieved values, then each drill's objectives and timeline.
  - The module writes only these three files in O(dir) (creating O(dir) if needed), each through a temporary
    file in O(dir) renamed into place, and refuses a file name there that is a symbolic link. A file is rewritten
    only when its content changes, so a second run with the same records reports no change.
  - This is not an AWS module. It makes no AWS call and takes no credentials or region.
author: multiregion.serverless contributors (!UNKNOWN)
options:
  dir:
    description:
      - The directory to write the report into, for example C(reports/<deployment>/dr/<run id>).
    type: path
    required: true
  deployment:
    description:
      - The deployment's name, shown in the report.
    type: str
    default: ""
  run_id:
    description:
      - The drill run's ID, shown in the report.
    type: str
    default: ""
  policy:
    description:
      - The resiliency policy - failure domain (C(software), C(hardware), C(az), C(region)) -> C(rto) and C(rpo)
        in seconds (C(rtoInSecs)/C(rpoInSecs), as Resilience Hub names them, are accepted too).
    type: dict
    default: {}
  computed:
    description:
      - Worst cases computed from the design, in seconds, named C(<domain>_<metric>_worst_case) (for example
        C(region_rto_worst_case)).
    type: dict
    default: {}
  drills:
    description:
      - The drill records - C(name), C(objectives) (a list of C(id), C(failure_domain), C(metric) rto or rpo,
        C(target_seconds) (defaults to the policy's), C(achieved_seconds) or null, C(status), C(reason),
        optionally C(worst_case_seconds)), C(targets) and C(timeline) (a list of events with C(time), C(event),
        and optionally C(source), C(region), C(detail)). C(objective) is accepted for C(objectives).
    type: list
    elements: dict
    required: true
notes:
  - In check mode nothing is written; C(changed) says whether a file would change.
"""

EXAMPLES = r"""
- name: Write the report of the run
  multiregion.serverless.dr_report:
    dir: "reports/prod/dr/{{ dr_run_id }}"
    deployment: prod
    run_id: "{{ dr_run_id }}"
    policy:
      software: {rto: 5400, rpo: 300}
      hardware: {rto: 1, rpo: 1}
      az: {rto: 1, rpo: 1}
      region: {rto: 3600, rpo: 5}
    computed:
      region_rto_worst_case: 162
    drills:
      - name: replication
        targets: {table: prod-items}
        objectives:
          - {id: region_rpo, failure_domain: region, metric: rpo, target_seconds: 5, achieved_seconds: 0.9}
        timeline: "{{ replication.timeline }}"
  delegate_to: localhost
  run_once: true
  register: report

- name: Print the table
  ansible.builtin.debug:
    msg: "{{ report.table }}"
"""

RETURN = r"""
paths:
  description: The files written (or that would be).
  returned: always
  type: dict
  sample:
    json: reports/prod/dr/r1/report.json
    junit: reports/prod/dr/r1/junit.xml
    html: reports/prod/dr/r1/report.html
table:
  description: The summary as lines of text, one per objective, to print.
  returned: always
  type: list
  elements: str
verdict:
  description: C(fail) when an objective failed, C(incomplete) when one was not measured (or there are none),
    C(pass) otherwise.
  returned: always
  type: str
objectives:
  description: Every objective with its computed status, reason and finding, and its drill's name.
  returned: always
  type: list
  elements: dict
findings:
  description: Measured values above the computed worst case.
  returned: always
  type: list
  elements: str
"""

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from typing import Any
from typing import Optional

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.multiregion.serverless.plugins.module_utils import _dr

try:
    import jinja2

    HAS_JINJA2 = True
except ImportError:
    HAS_JINJA2 = False

DOMAINS = ("software", "hardware", "az", "region")
FILES = {"json": "report.json", "junit": "junit.xml", "html": "report.html"}

HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>DR drills - {{ deployment }} - {{ run_id }}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
.pass { color: #1a7f37; font-weight: bold; }
.fail { color: #c62828; font-weight: bold; }
.not_measured, .incomplete { color: #8a6d00; font-weight: bold; }
.finding { color: #c62828; }
</style>
</head>
<body>
<h1>DR drills: {{ deployment }}</h1>
<p>Run <code>{{ run_id }}</code>. Verdict: <span class="{{ verdict }}">{{ verdict }}</span>.</p>
{% if findings %}
<h2>Findings</h2>
<ul>{% for f in findings %}<li class="finding">{{ f }}</li>{% endfor %}</ul>
{% endif %}
<h2>Per failure domain</h2>
<table>
<tr><th>Failure domain</th><th>Metric</th><th>Policy target</th><th>Computed worst case</th><th>Achieved</th></tr>
{% for row in domains %}
<tr>
<td>{{ row.failure_domain }}</td><td>{{ row.metric | upper }}</td>
<td>{{ seconds(row.target_seconds) }}</td><td>{{ seconds(row.worst_case_seconds) }}</td>
<td>{% for o in row.objectives %}<div><span class="{{ o.status }}">{{ o.status }}</span>
{{ seconds(o.achieved_seconds) }} ({{ o.drill }}: {{ o.id }})
{%- if o.status == 'not_measured' %}: {{ o.reason }}{% endif %}</div>
{% else %}not drilled{% endfor %}</td>
</tr>
{% endfor %}
</table>
{% for drill in drills %}
<h2>Drill: {{ drill.name }}</h2>
{% if drill.targets %}<p>Targets: <code>{{ drill.targets | tojson }}</code></p>{% endif %}
<table>
<tr><th>Objective</th><th>Domain</th><th>Metric</th><th>Target</th><th>Achieved</th><th>Status</th><th>Reason</th></tr>
{% for o in drill.objectives %}
<tr><td>{{ o.id }}</td><td>{{ o.failure_domain }}</td><td>{{ o.metric | upper }}</td>
<td>{{ seconds(o.target_seconds) }}</td><td>{{ seconds(o.achieved_seconds) }}</td>
<td class="{{ o.status }}">{{ o.status }}</td>
<td>{{ o.reason }}{% if o.finding %}<div class="finding">{{ o.finding }}</div>{% endif %}</td></tr>
{% endfor %}
</table>
<h3>Timeline</h3>
{% if drill.timeline %}
<table>
<tr><th>Time</th><th>Source</th><th>Region</th><th>Event</th><th>Detail</th></tr>
{% for e in drill.timeline %}
<tr><td>{{ e.time }}</td><td>{{ e.source }}</td><td>{{ e.region }}</td><td>{{ e.event }}</td>
<td>{{ e.detail }}</td></tr>
{% endfor %}
</table>
{% else %}<p>No events recorded.</p>{% endif %}
{% endfor %}
</body>
</html>
"""


# ---- pure ----------------------------------------------------------------------------------------------------


def _number(value: Any) -> Optional[float]:
    # A templated null can arrive as a string ("None" from Jinja without native types).
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    return float(value)


def normalise_policy(policy: dict) -> dict:
    """failure domain -> {rto, rpo} in seconds, whatever spelling the policy came in."""
    out = {}
    for domain, values in (policy or {}).items():
        values = values or {}
        out[domain] = {
            metric: _number(values.get(metric, values.get(f"{metric}InSecs", values.get(f"{metric}_in_secs"))))
            for metric in _dr.METRICS
        }
    return out


def evaluate(drills: list[dict], policy: dict, computed: dict) -> tuple[list[dict], list[str]]:
    """The drills with every objective's status recomputed; and the problems with the records."""
    problems = []
    out = []
    for i, drill in enumerate(drills):
        name = drill.get("name") or f"drill{i}"
        objectives = []
        for j, record in enumerate(drill.get("objectives", drill.get("objective")) or []):
            where = f"drills[{i}] ({name}).objectives[{j}]"
            domain = record.get("failure_domain")
            metric = record.get("metric")
            if metric not in _dr.METRICS:
                problems.append(f"{where}.metric must be rto or rpo, not {metric!r}")
                continue
            try:
                target = _number(record.get("target_seconds"))
                if target is None:
                    target = (policy.get(domain) or {}).get(metric)
                achieved = _number(record.get("achieved_seconds"))
                worst = _number(record.get("worst_case_seconds", computed.get(f"{domain}_{metric}_worst_case")))
            except (TypeError, ValueError) as e:
                problems.append(f"{where}: a number is not a number ({e})")
                continue
            result = _dr.objective(
                str(record.get("id") or f"{name}_{domain}_{metric}"),
                str(domain),
                metric,
                target,
                achieved,
                reason=record.get("reason") or None,
                worst_case_seconds=worst,
                not_measured=record.get("status") == _dr.NOT_MEASURED,
            )
            result["drill"] = name
            objectives.append(result)
        out.append(
            {
                "name": name,
                "targets": drill.get("targets") or {},
                "objectives": objectives,
                "timeline": [event_row(e) for e in drill.get("timeline") or []],
            }
        )
    return out, problems


def event_row(event: Any) -> dict:
    if not isinstance(event, dict):
        return {"time": "", "source": "", "region": "", "event": str(event), "detail": ""}
    detail = event.get("detail", "")
    if not isinstance(detail, str):
        detail = json.dumps(detail, sort_keys=True, default=str)
    return {
        "time": str(event.get("time", "")),
        "source": str(event.get("source", "")),
        "region": str(event.get("region", "")),
        "event": str(event.get("event", "")),
        "detail": detail,
    }


def domain_rows(objectives: list[dict], policy: dict, computed: dict) -> list[dict]:
    """One row per failure domain and metric: the policy target, the computed worst case, the objectives."""
    domains = list(DOMAINS) + [d for d in policy if d not in DOMAINS]
    domains += [o["failure_domain"] for o in objectives if o["failure_domain"] not in domains]
    rows = []
    for domain in dict.fromkeys(domains):
        for metric in _dr.METRICS:
            rows.append(
                {
                    "failure_domain": domain,
                    "metric": metric,
                    "target_seconds": (policy.get(domain) or {}).get(metric),
                    "worst_case_seconds": _number(computed.get(f"{domain}_{metric}_worst_case")),
                    "objectives": [o for o in objectives if o["failure_domain"] == domain and o["metric"] == metric],
                }
            )
    return rows


def seconds(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g} s"


def table_lines(deployment: str, run_id: str, verdict: str, objectives: list[dict]) -> list[str]:
    header = ("drill", "objective", "domain", "metric", "target", "achieved", "status")
    rows = [
        (
            o["drill"],
            o["id"],
            o["failure_domain"],
            o["metric"].upper(),
            seconds(o["target_seconds"]),
            seconds(o["achieved_seconds"]),
            o["status"].replace("_", " ") + (f" ({o['reason']})" if o["status"] == _dr.NOT_MEASURED else ""),
        )
        for o in objectives
    ]
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header) - 1)]
    lines = [f"DR drills {deployment} run {run_id}: {verdict}".replace("  ", " ")]
    for row in [header] + rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row[:-1], widths)) + "  " + row[-1])
    for o in objectives:
        if o["finding"]:
            lines.append(f"FINDING {o['drill']}/{o['id']}: {o['finding']}")
    return lines


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"


def render_junit(deployment: str, run_id: str, drills: list[dict]) -> str:
    root = ET.Element("testsuites", name=f"dr {deployment} {run_id}".strip())
    total = failures = skipped = 0
    for drill in drills:
        cases = drill["objectives"]
        suite_failures = sum(1 for o in cases if o["status"] == _dr.FAIL)
        suite_skipped = sum(1 for o in cases if o["status"] == _dr.NOT_MEASURED)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"dr.{drill['name']}",
            tests=str(len(cases)),
            failures=str(suite_failures),
            errors="0",
            skipped=str(suite_skipped),
        )
        for o in cases:
            case = ET.SubElement(suite, "testcase", classname=f"dr.{drill['name']}", name=o["id"])
            if o["status"] == _dr.FAIL:
                failure = ET.SubElement(case, "failure", message=o["reason"], type="objective")
                failure.text = (
                    f"{o['failure_domain']} {o['metric'].upper()}: achieved {seconds(o['achieved_seconds'])},"
                    f" target {seconds(o['target_seconds'])}"
                )
            elif o["status"] == _dr.NOT_MEASURED:
                ET.SubElement(case, "skipped", message=o["reason"])
            out = ET.SubElement(case, "system-out")
            out.text = o["reason"] + (f"\nFINDING: {o['finding']}" if o["finding"] else "")
        total += len(cases)
        failures += suite_failures
        skipped += suite_skipped
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_html(context: dict) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals["seconds"] = seconds
    return env.from_string(HTML).render(**context)


def build(params: dict) -> dict:
    policy = normalise_policy(params["policy"])
    computed = params["computed"] or {}
    drills, problems = evaluate(params["drills"], policy, computed)
    objectives = [o for d in drills for o in d["objectives"]]
    verdict = _dr.verdict(objectives)
    findings = [f"{o['drill']}/{o['id']}: {o['finding']}" for o in objectives if o["finding"]]
    report = {
        "deployment": params["deployment"],
        "run_id": params["run_id"],
        "verdict": verdict,
        "policy": policy,
        "computed": computed,
        "domains": domain_rows(objectives, policy, computed),
        "drills": drills,
        "findings": findings,
    }
    files = {
        "json": render_json(report),
        "junit": render_junit(params["deployment"], params["run_id"], drills),
        "html": render_html(report),
    }
    return {
        "problems": problems,
        "files": files,
        "verdict": verdict,
        "objectives": objectives,
        "findings": findings,
        "table": table_lines(params["deployment"], params["run_id"], verdict, objectives),
    }


# ---- writing -------------------------------------------------------------------------------------------------


def destination(directory: str, name: str) -> str:
    """``directory/name``, refusing anything that would land outside ``directory``."""
    path = os.path.join(directory, name)
    if os.path.islink(path):
        raise ValueError(f"{path} is a symbolic link: dr_report writes only regular files inside dir")
    if os.path.dirname(os.path.realpath(path)) != os.path.realpath(directory):
        raise ValueError(f"{path} resolves outside {directory}")
    return path


def differs(path: str, content: str) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read() != content
    except FileNotFoundError:
        return True


def write(directory: str, path: str, content: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dr_report-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            dir=dict(type="path", required=True),
            deployment=dict(type="str", default=""),
            run_id=dict(type="str", default=""),
            policy=dict(type="dict", default={}),
            computed=dict(type="dict", default={}),
            drills=dict(type="list", elements="dict", required=True),
        ),
        supports_check_mode=True,
    )
    if not HAS_JINJA2:
        module.fail_json(msg=missing_required_lib("Jinja2"))
    params = module.params
    directory = os.path.abspath(params["dir"])
    try:
        built = build(params)
    except ValueError as e:
        module.fail_json(msg=f"Cannot build the report: {e}")
    if built["problems"]:
        module.fail_json(msg="; ".join(built["problems"]))
    if os.path.exists(directory) and not os.path.isdir(directory):
        module.fail_json(msg=f"dir {directory} exists and is not a directory")
    try:
        paths = {kind: destination(directory, name) for kind, name in FILES.items()}
    except ValueError as e:
        module.fail_json(msg=str(e))
    changes = [kind for kind, path in paths.items() if differs(path, built["files"][kind])]
    if changes and not module.check_mode:
        os.makedirs(directory, exist_ok=True)
        for kind in changes:
            write(directory, paths[kind], built["files"][kind])
    module.exit_json(
        changed=bool(changes),
        paths=paths,
        table=built["table"],
        verdict=built["verdict"],
        objectives=built["objectives"],
        findings=built["findings"],
    )


if __name__ == "__main__":
    main()

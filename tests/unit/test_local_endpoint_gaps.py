"""playbooks/vars/local_endpoint_gaps.yml: the one definition of what the local endpoint lacks.

Every gap a role, a playbook or the audit consults is declared there, every declared gap is consulted somewhere,
nothing else defines the mapping, and docs/design.md's table lists exactly those gaps.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ansible_collections.multiregion.serverless.plugins.module_utils import _audit

ROOT = Path(__file__).resolve().parents[2]
GAPS_FILE = ROOT / "playbooks" / "vars" / "local_endpoint_gaps.yml"
SEARCHED = ("roles", "playbooks", "extensions", "inventories", "tests/integration/playbooks")

GAP_VARIABLE = r"(?:deployment_endpoint_gaps|__\w+_gaps)"
# 'name' in deployment_endpoint_gaps, 'name' not in (deployment_endpoint_gaps | default({})), __role_gaps.name,
# gap: name (multiregion.serverless.not_applied)
CONSULTED = (
    re.compile(r"'(\w+)' (?:not )?in \(?" + GAP_VARIABLE),
    re.compile(GAP_VARIABLE + r"(?: \| default\(\{\}\)\))?\.(\w+)"),
    # multiregion.serverless.not_applied's gap option
    re.compile(r"^\s+gap: (\w+)$", flags=re.MULTILINE),
)
# Mapping methods and filters, not gap names.
NOT_GAPS = {"get", "items", "keys"}


def declared() -> dict:
    return yaml.safe_load(GAPS_FILE.read_text())["deployment_endpoint_gaps"]


def yaml_files():
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".yml", ".yaml", ".j2") and path.is_file():
                yield path


def consulted() -> dict[str, set[str]]:
    """Gap name -> the files that consult it."""
    found: dict[str, set[str]] = {}
    for path in yaml_files():
        text = path.read_text()
        for pattern in CONSULTED:
            for name in pattern.findall(text):
                if name not in NOT_GAPS:
                    found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    for control in _audit.CONTROLS:
        for name in (*control.gaps, *control.absent_gaps):
            found.setdefault(name, set()).add("plugins/module_utils/_audit.py")
    return found


def test_every_gap_is_a_reason_in_words():
    gaps = declared()
    assert gaps, "the local endpoint lacks some APIs: the mapping cannot be empty"
    for name, why in gaps.items():
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert isinstance(why, str) and "local endpoint" in why, (name, why)


def test_every_consulted_gap_is_declared():
    undeclared = {name: files for name, files in consulted().items() if name not in declared()}
    assert not undeclared, f"consulted but not declared in {GAPS_FILE.relative_to(ROOT)}: {undeclared}"


def test_every_declared_gap_is_consulted():
    unused = sorted(set(declared()) - set(consulted()))
    assert not unused, f"declared but consulted nowhere: {unused}"


def test_nothing_else_defines_the_gaps():
    # A YAML file may set deployment_endpoint_gaps only by loading the gaps file.
    others = []
    for path in yaml_files():
        if path == GAPS_FILE:
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if re.match(r"\s*-?\s*deployment_endpoint_gaps\s*:", line):
                value = " ".join(lines[number : number + 3])
                if "local_endpoint_gaps.yml" not in value:
                    others.append(f"{path.relative_to(ROOT)}:{number + 1}")
    assert not others, others


def test_the_local_inventories_load_the_file_through_the_preflight():
    preflight = yaml.safe_load((ROOT / "playbooks" / "preflight.yml").read_text())
    (include,) = preflight[0]["tasks"]
    assert include["ansible.builtin.include_tasks"]["file"] == "tasks/preflight.yml"
    work = yaml.safe_load((ROOT / "playbooks" / "tasks" / "preflight.yml").read_text())
    loads = [
        task
        for task in work
        if task.get("ansible.builtin.include_vars", {}).get("file") == "vars/local_endpoint_gaps.yml"
    ]
    assert len(loads) == 1, loads
    assert "deployment_local_endpoint" in loads[0]["when"]
    local = yaml.safe_load((ROOT / "inventories" / "local" / "group_vars" / "all" / "endpoint.yml").read_text())
    assert local["deployment_local_endpoint"] is True


def test_the_design_table_lists_the_declared_gaps():
    design = (ROOT / "docs" / "design.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \|", design, flags=re.MULTILINE)
    assert sorted(rows) == sorted(declared())
    assert "playbooks/vars/local_endpoint_gaps.yml" in design

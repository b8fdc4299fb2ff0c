"""The AWX resources (awx/resources.yml, `awx import` format), the execution environment and the project's
collection requirements: that they parse as AWX's tools read them and name only what exists."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml
from awxkit import yaml_file
from awxkit.api.pages.api import EXPORTABLE_RESOURCES
from dateutil.rrule import rrulestr

ROOT = Path(__file__).resolve().parents[3]
RESOURCES = ROOT / "awx" / "resources.yml"

# The natural-key type of each exportable resource list.
RESOURCE_TYPES = {
    "organizations": "organization",
    "credentials": "credential",
    "execution_environments": "execution_environment",
    "projects": "project",
    "inventory": "inventory",
    "inventory_sources": "inventory_source",
    "job_templates": "job_template",
    "workflow_job_templates": "workflow_job_template",
}
# Credential types AWX manages itself (not exported): the Amazon Web Services type injects AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY and AWS_SECURITY_TOKEN.
MANAGED_CREDENTIAL_TYPES = [{"name": "Amazon Web Services", "kind": "cloud", "type": "credential_type"}]
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


def load_resources() -> dict:
    """As `awx import --conf.format yaml` reads its input."""
    with RESOURCES.open() as stream:
        return yaml.load(stream, Loader=yaml_file.Loader)


DATA = load_resources()
JOB_TEMPLATES = {jt["name"]: jt for jt in DATA["job_templates"]}
WORKFLOW = DATA["workflow_job_templates"][0]


def natural_keys() -> list[dict]:
    keys = [asset["natural_key"] for name in DATA for asset in DATA[name]]
    keys += [s["natural_key"] for jt in DATA["job_templates"] for s in jt.get("related", {}).get("schedules", [])]
    keys += [n["natural_key"] for wf in DATA["workflow_job_templates"] for n in wf["related"]["workflow_nodes"]]
    return keys + MANAGED_CREDENTIAL_TYPES


def references(value, path=""):
    """Every natural-key reference (a mapping with a type) below an asset, natural_key itself left out."""
    if isinstance(value, dict):
        if "type" in value and path:
            yield path, value
            return
        for key, item in value.items():
            if key not in ("natural_key", "survey_spec"):
                yield from references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, f"{path}[{index}]")


def test_only_exportable_resources_each_with_a_natural_key_of_its_type():
    assert set(DATA) <= set(EXPORTABLE_RESOURCES)
    for resource, assets in DATA.items():
        assert assets, resource
        for asset in assets:
            assert asset["natural_key"]["type"] == RESOURCE_TYPES[resource]
            assert asset["natural_key"]["name"] == asset["name"]
    assert len(natural_keys()) == len({yaml.safe_dump(k) for k in natural_keys()}), "natural keys must be unique"


def test_every_reference_resolves_within_the_file():
    known = [yaml.safe_dump(k, sort_keys=True) for k in natural_keys()]
    for resource, assets in DATA.items():
        for asset in assets:
            for path, reference in references(asset, asset["name"]):
                assert yaml.safe_dump(reference, sort_keys=True) in known, f"{resource} {path}: {reference}"


def test_the_required_job_templates_exist():
    plan = JOB_TEMPLATES["multiregion-serverless-plan"]
    assert (plan["job_type"], plan["diff_mode"], plan["playbook"]) == ("check", True, "playbooks/deploy.yml")
    assert JOB_TEMPLATES["multiregion-serverless-deploy"]["job_type"] == "run"
    assert JOB_TEMPLATES["multiregion-serverless-dr-drills"]["playbook"] == "playbooks/dr_tests.yml"
    assert JOB_TEMPLATES["multiregion-serverless-audit"]["playbook"] == "playbooks/audit.yml"
    assert JOB_TEMPLATES["multiregion-serverless-destroy"]["playbook"] == "playbooks/destroy.yml"
    deploy = yaml.safe_load((ROOT / "playbooks" / "deploy.yml").read_text())
    assert [p["ansible.builtin.import_playbook"] for p in deploy] == ["core.yml", "auxiliary.yml"]


@pytest.mark.parametrize("name", sorted(JOB_TEMPLATES))
def test_job_template_names_a_collection_playbook_and_the_aws_credential(name):
    template = JOB_TEMPLATES[name]
    playbook = ROOT / template["playbook"]
    assert playbook.is_file(), template["playbook"]
    assert playbook.parent == ROOT / "playbooks", "job templates run the collection's own playbooks"
    plays = yaml.safe_load(playbook.read_text())
    assert isinstance(plays, list) and all("hosts" in p or "ansible.builtin.import_playbook" in p for p in plays)
    assert template["job_type"] in {"run", "check"}
    credentials = template["related"]["credentials"]
    assert [c["credential_type"] for c in credentials] == MANAGED_CREDENTIAL_TYPES


@functools.cache
def role_options() -> frozenset[str]:
    options = set()
    for spec in ROOT.glob("roles/*/meta/argument_specs.yml"):
        for entry in (yaml.safe_load(spec.read_text())["argument_specs"] or {}).values():
            options |= set(entry.get("options") or {})
    return frozenset(options)


def playbook_variables(playbook: Path) -> set[str]:
    """The public variables a playbook (and the playbooks and task files it imports or includes) sets or reads with
    a default."""
    names = set()
    texts = [playbook.read_text()]
    for play in yaml.safe_load(playbook.read_text()):
        if "ansible.builtin.import_playbook" in play:
            names |= playbook_variables(playbook.parent / play["ansible.builtin.import_playbook"])
        names |= {k for k in play.get("vars") or {} if not k.startswith("_")}
        for task in play.get("tasks") or []:
            included = task.get("ansible.builtin.include_tasks") or {}
            if isinstance(included, dict) and included.get("file"):
                texts.append((playbook.parent / included["file"]).read_text())
    for text in texts:
        names |= set(re.findall(r"\b([a-z][a-z0-9_]*) \| default\(", text))
    return names


def template_variables(template: dict) -> set[str]:
    names = set(yaml.safe_load(template.get("extra_vars") or "---") or {})
    related = template.get("related", {})
    names |= {q["variable"] for q in related.get("survey_spec", {}).get("spec", [])}
    names |= {k for s in related.get("schedules", []) for k in s.get("extra_data") or {}}
    return names


@pytest.mark.parametrize("name", sorted(JOB_TEMPLATES))
def test_job_template_sets_only_variables_the_playbook_or_its_roles_accept(name):
    template = JOB_TEMPLATES[name]
    accepted = role_options() | playbook_variables(ROOT / template["playbook"])
    assert template_variables(template) <= accepted, template_variables(template) - accepted


def test_accepted_variables_are_not_a_blank_cheque():
    accepted = role_options() | playbook_variables(ROOT / "playbooks" / "destroy.yml")
    assert {"destroy_confirm", "destroy_data", "deployment_name", "vpc_private_cidr"} <= accepted
    assert "destroy_everything" not in accepted and "dr_tests_drills" not in accepted


def test_destroy_asks_for_the_deployment_name_as_confirmation():
    template = JOB_TEMPLATES["multiregion-serverless-destroy"]
    assert template["survey_enabled"] is True
    spec = template["related"]["survey_spec"]["spec"]
    assert all(q["type"] in SURVEY_TYPES for q in spec)
    confirm = next(q for q in spec if q["variable"] == "destroy_confirm")
    assert confirm["required"] is True and confirm["default"] == ""
    # The same check destroy.yml makes: the answer must equal deployment_name.
    assert "(destroy_confirm | default('')) == deployment_name" in (ROOT / "playbooks" / "destroy.yml").read_text()


def test_drills_run_on_a_schedule():
    (schedule,) = JOB_TEMPLATES["multiregion-serverless-dr-drills"]["related"]["schedules"]
    assert schedule["unified_job_template"]["name"] == "multiregion-serverless-dr-drills"
    rule = rrulestr(schedule["rrule"].replace(" RRULE:", "\nRRULE:"))
    first, second = rule[0], rule[1]
    assert (first.weekday(), first.hour, (second - first).days) == (0, 3, 7)


def test_workflow_runs_the_phases_in_order_with_failure_paths():
    nodes = {n["identifier"]: n for n in WORKFLOW["related"]["workflow_nodes"]}
    for node in nodes.values():
        assert node["unified_job_template"]["name"] in JOB_TEMPLATES
        assert node["workflow_job_template"] == WORKFLOW["natural_key"]
        for kind in ("success_nodes", "failure_nodes", "always_nodes"):
            for link in node["related"][kind]:
                assert link["identifier"] in nodes and link["workflow_job_template"] == WORKFLOW["natural_key"]

    def next_node(identifier, kinds=("success_nodes", "always_nodes")):
        links = [link["identifier"] for kind in kinds for link in nodes[identifier]["related"][kind]]
        assert len(links) <= 1
        return links[0] if links else None

    path, node = [], "preflight"
    while node:
        path.append(node)
        node = next_node(node)
    assert [nodes[n]["unified_job_template"]["name"].removeprefix("multiregion-serverless-") for n in path] == [
        "preflight",
        "core",
        "auxiliary",
        "dr-drills",
        "summary",
    ]
    assert next_node("core", ("failure_nodes",)) == "summary"
    assert next_node("auxiliary", ("failure_nodes",)) == "summary"


def test_inventory_source_is_a_file_of_the_project():
    (source,) = DATA["inventory_sources"]
    assert source["source"] == "scm"
    inventory = ROOT / source["source_path"]
    hosts = yaml.safe_load(inventory.read_text())
    assert "regions" in hosts and (inventory.parent / "group_vars").is_dir()


def galaxy_dependencies() -> dict:
    return yaml.safe_load((ROOT / "galaxy.yml").read_text())["dependencies"]


def test_project_requirements_install_this_checkout_and_its_dependencies():
    collections = yaml.safe_load((ROOT / "collections" / "requirements.yml").read_text())["collections"]
    assert collections[0] == {"name": ".", "type": "dir"}
    assert {c["name"]: c["version"] for c in collections[1:]} == galaxy_dependencies()


def test_execution_environment_carries_the_collection_and_its_dependencies():
    ee = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    assert ee["version"] == 3
    collections = ee["dependencies"]["galaxy"]["collections"]
    assert collections[0]["type"] == "file"
    assert {c["name"]: c["version"] for c in collections[1:]} == galaxy_dependencies()
    runtime = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip() and not line.startswith("ansible")
    ]
    assert ee["dependencies"]["python"] == runtime
    core = ee["dependencies"]["ansible_core"]["package_pip"]
    assert core.startswith("ansible-core")
    assert core.removeprefix("ansible-core") in (ROOT / "requirements.txt").read_text()

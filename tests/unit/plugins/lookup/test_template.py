"""lookup/template.py: renders as ansible.builtin.template does, without deep-copying the host's variables."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from ansible.plugins.lookup.template import LookupModule as BuiltinLookup

from ansible_collections.multiregion.serverless.plugins.lookup import template

ROOT = Path(__file__).resolve().parents[4]

TEMPLATE = """{
  "Region": "{{ region }}",
{% for name in names %}
  "{{ name }}": {{ tags | to_json }},
{% endfor %}
  "Extra": "{{ extra }}",
  "Path": "{{ template_path | basename }}"
}
"""

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    region: "{{ 'eu-west-1' }}"
    names: [a, b]
    tags: {Project: demo}
  tasks:
    - ansible.builtin.debug:
        msg:
          builtin: "{{ lookup('ansible.builtin.template', 'document.json.j2', template_vars={'extra': 'x'}) }}"
          ours: "{{ lookup('multiregion.serverless.template', 'document.json.j2', template_vars={'extra': 'x'}) }}"
"""


class NoDeepCopy:
    """A variable that can't be deep-copied, as a lazy variable whose copy costs more than the whole rendering."""

    def __deepcopy__(self, memo):
        raise AssertionError("deep-copied")


def test_renders_as_the_builtin_lookup_in_a_playbook(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "document.json.j2").write_text(TEMPLATE)
    (tmp_path / "playbook.yml").write_text(PLAYBOOK)
    environment = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        "ANSIBLE_INVENTORY": "localhost,",
    }
    run = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), str(tmp_path / "playbook.yml")],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    output = json.loads(run.stdout[run.stdout.index("{") :])
    message = output["plays"][0]["tasks"][0]["hosts"]["localhost"]["msg"]
    assert message["ours"] == message["builtin"]
    document = json.loads(message["ours"])
    assert document["a"] == document["b"] == {"Project": "demo"}
    assert document["Extra"] == "x" and document["Path"] == "document.json.j2"


def test_the_template_gets_a_copy_one_level_deep():
    nested = {"Project": "demo"}
    lazy = NoDeepCopy()
    variables = {"tags": nested, "lazy": lazy}
    copied = copy.deepcopy(template._OneLevelCopy(variables))
    assert isinstance(copied, dict) and not isinstance(copied, template._OneLevelCopy)
    assert copied == variables and copied["tags"] is nested and copied["lazy"] is lazy
    copied["template_path"] = "added"
    assert "template_path" not in variables


def test_the_builtin_lookup_is_given_the_one_level_copy(monkeypatch):
    given = {}

    def builtin_run(self, terms, variables=None, **kwargs):
        given.update(terms=terms, variables=variables, kwargs=kwargs, copied=copy.deepcopy(variables))
        return ["rendered"]

    monkeypatch.setattr(BuiltinLookup, "run", builtin_run)
    variables = {"lazy": NoDeepCopy()}
    assert template.LookupModule().run(["a.j2"], variables=variables, template_vars={"x": 1}) == ["rendered"]
    assert given["terms"] == ["a.j2"] and given["kwargs"] == {"template_vars": {"x": 1}}
    assert isinstance(given["variables"], template._OneLevelCopy) and given["copied"] == variables

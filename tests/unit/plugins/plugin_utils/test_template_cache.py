"""plugin_utils/template_cache.py: a template compiled in one worker process is loaded, not compiled, in the next,
and renders as it does compiled; nothing else is ever loaded for it."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from ansible._internal._templating._jinja_bits import AnsibleEnvironment
from ansible.template import Templar
from ansible.template import trust_as_template

from ansible_collections.multiregion.serverless.plugins.plugin_utils import template_cache

# The compile method ansible-core's environment has without the cache (the unit tests' process may have it
# installed already, as importing the collection's action installs it).
ORIGINAL_COMPILE = getattr(AnsibleEnvironment.compile, "__wrapped__", AnsibleEnvironment.compile)

VARIABLES = {"region": "eu-west-1", "names": ["a", "b"], "tags": {"Project": "demo"}}


@pytest.fixture
def compiled(monkeypatch, tmp_path):
    """The cache installed in tmp_path for the test; the list of sources really compiled."""
    calls: list = []

    def counting(self, source, *args, **kwargs):
        calls.append(source if isinstance(source, str) else repr(source))
        return ORIGINAL_COMPILE(self, source, *args, **kwargs)

    monkeypatch.setattr(AnsibleEnvironment, "compile", template_cache.caching(counting, str(tmp_path), lambda: None))
    return calls


def render(template: str, variables: dict | None = None):
    return Templar(variables=VARIABLES if variables is None else variables).template(trust_as_template(template))


def test_a_template_is_compiled_once_then_loaded_with_the_same_result(compiled, tmp_path):
    template = "{{ region }}-{{ names | join(',') }}-{{ tags | dict2items | length }}"
    assert render(template) == "eu-west-1-a,b-1"
    assert compiled == [template]
    assert len(os.listdir(tmp_path)) == 1
    assert render(template) == "eu-west-1-a,b-1"
    assert render(template, {**VARIABLES, "region": "us-east-1"}) == "us-east-1-a,b-1"
    assert compiled == [template]


def test_a_template_compiled_in_another_process_is_loaded_here(compiled):
    template = "{% for name in names %}{{ name | upper }}{% endfor %}"
    context = multiprocessing.get_context("fork")
    child = context.Process(target=render, args=(template,))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert compiled == []  # the child's compiling is not seen here
    assert render(template) == "AB"
    assert compiled == []  # loaded: the child compiled and kept it


def test_expressions_conditions_and_templates_are_kept_apart(compiled):
    templar = Templar(variables=VARIABLES)
    assert templar.evaluate_conditional(trust_as_template("region == 'eu-west-1'")) is True
    assert templar.evaluate_conditional(trust_as_template("region == 'eu-west-1'")) is True
    assert templar.evaluate_conditional(trust_as_template("region == 'us-east-1'")) is False
    assert render("{{ region == 'eu-west-1' }}") is True
    assert len(compiled) == 3


def test_other_delimiters_compile_the_same_text_again(compiled):
    text = "<< region >> {{ region }}"
    assert render(text) == "<< region >> eu-west-1"
    assert render("#jinja2:variable_start_string:'<<',variable_end_string:'>>'\n" + text) == "eu-west-1 {{ region }}"
    assert len(compiled) == 2


def test_a_template_that_does_not_compile_is_not_kept(compiled, tmp_path):
    broken = "{{ region | no_such_filter_here }}"
    for _attempt in range(2):
        with pytest.raises(Exception, match="no_such_filter_here"):
            render(broken)
    assert compiled == [broken, broken]
    assert os.listdir(tmp_path) == []


def test_a_damaged_file_is_compiled_again(compiled, tmp_path):
    template = "{{ region | upper }}"
    assert render(template) == "EU-WEST-1"
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(b"\x00damaged")
    assert render(template) == "EU-WEST-1"
    assert compiled == [template, template]


def key(environment, source="{{ a }}", name=None, filename=None, defer_init=False, escape_backslashes=None):
    return template_cache.cache_key(environment, source, name, filename, False, defer_init, escape_backslashes)


def test_the_key_changes_with_everything_the_code_depends_on():
    environment = AnsibleEnvironment()
    assert key(environment) == key(environment)
    others = {
        key(environment, source="{{ b }}"),
        key(environment, name="name"),
        key(environment, filename="file.j2"),
        key(environment, defer_init=True),
        key(environment, escape_backslashes=True),
        key(environment, escape_backslashes=False),
        key(environment.overlay(variable_start_string="<<")),
        key(environment.overlay(trim_blocks=False)),
        key(environment.overlay(keep_trailing_newline=True)),
    }
    assert key(environment) not in others and len(others) == 9


def test_raw_python_source_is_never_kept(compiled, tmp_path):
    source = AnsibleEnvironment().compile("{{ region }}", raw=True)
    assert isinstance(source, str)
    assert os.listdir(tmp_path) == []


def test_install_keeps_in_the_run_folder_and_can_be_switched_off(monkeypatch, tmp_path):
    monkeypatch.setattr(AnsibleEnvironment, "compile", ORIGINAL_COMPILE)
    monkeypatch.setenv(template_cache.SWITCH_ENVIRONMENT, "false")
    assert template_cache.install(str(tmp_path)) is False
    assert AnsibleEnvironment.compile is ORIGINAL_COMPILE
    monkeypatch.delenv(template_cache.SWITCH_ENVIRONMENT)
    assert template_cache.install(str(tmp_path)) is True
    assert AnsibleEnvironment.compile.__wrapped__ is ORIGINAL_COMPILE
    folder = tmp_path / template_cache.FOLDER
    assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0
    assert template_cache.install(str(tmp_path)) is True  # once only
    assert AnsibleEnvironment.compile.__wrapped__ is ORIGINAL_COMPILE
    assert render("{{ region }}") == "eu-west-1"
    assert len(list(folder.iterdir())) == 1

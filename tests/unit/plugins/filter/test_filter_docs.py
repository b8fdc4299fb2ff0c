"""Every filter the collection exposes has documentation that ansible-doc renders, matching its signature."""

from __future__ import annotations

import importlib
import inspect
import pathlib

import pytest
import yaml

FILTER_DIR = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "filter"


def exposed_filters():
    for path in sorted(FILTER_DIR.glob("*.py")):
        module = importlib.import_module(f"ansible_collections.multiregion.serverless.plugins.filter.{path.stem}")
        yield from module.FilterModule().filters().items()


FILTERS = dict(exposed_filters())


def test_every_doc_file_belongs_to_an_exposed_filter():
    assert sorted(p.stem for p in FILTER_DIR.glob("*.yml")) == sorted(FILTERS)


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_doc_matches_the_signature(name):
    doc = yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text())
    assert set(doc) == {"DOCUMENTATION", "EXAMPLES", "RETURN"}
    documentation = doc["DOCUMENTATION"]
    assert documentation["name"] == name
    assert documentation["short_description"] and documentation["description"]
    assert f"multiregion.serverless.{name}" in doc["EXAMPLES"]
    assert "_value" in doc["RETURN"]
    parameters = list(inspect.signature(FILTERS[name]).parameters.values())
    options = documentation["options"]
    assert list(options)[0] == "_input"
    assert set(options) - {"_input"} == {p.name for p in parameters[1:]}
    positional = [p.strip() for p in documentation.get("positional", "").split(",") if p.strip()]
    # Positional arguments are the signature's, in order; later ones may be documented as keyword-only.
    assert positional == [p.name for p in parameters[1 : 1 + len(positional)]]
    for parameter in parameters[1:]:
        required = parameter.default is inspect.Parameter.empty
        assert bool(options[parameter.name].get("required")) == required, parameter.name

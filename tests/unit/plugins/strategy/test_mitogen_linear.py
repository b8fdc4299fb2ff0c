"""plugins/strategy/mitogen_linear.py: Mitogen's linear strategy, with a small controller's CPUs left to the kernel.

tests/integration/test_mitogen_strategy.py runs it, and Mitogen's own plugin, on two local hosts.
"""

from __future__ import annotations

import importlib.util
import sys
from types import SimpleNamespace

import ansible_mitogen.affinity
import ansible_mitogen.strategy
import pytest
from ansible.errors import AnsibleError

from ansible_collections.multiregion.serverless.plugins.strategy import mitogen_linear


@pytest.mark.parametrize(("cpus", "too_few"), [(1, True), (2, True), (3, True), (4, False), (16, False)])
def test_mitogens_placement_is_left_out_below_four_cpus(cpus, too_few):
    assert mitogen_linear.pins_to_too_few_cpus(ansible_mitogen.affinity.LinuxPolicy(cpu_count=cpus)) is too_few


def test_a_policy_that_places_nothing_is_left_alone():
    assert not mitogen_linear.pins_to_too_few_cpus(ansible_mitogen.affinity.Policy())


def run_with(monkeypatch, policy):
    """Run the strategy with Mitogen's ``policy``: the policy its run saw, and the one left after it."""
    seen = []

    def mixin_run(self, iterator, play_context, result=0):
        seen.append(ansible_mitogen.affinity.policy)
        return "ran"

    monkeypatch.setattr(ansible_mitogen.strategy.StrategyMixin, "run", mixin_run)
    monkeypatch.setattr(ansible_mitogen.affinity, "policy", policy)
    strategy = mitogen_linear.StrategyModule.__new__(mitogen_linear.StrategyModule)
    assert strategy.run(SimpleNamespace(), SimpleNamespace()) == "ran"
    return seen[0], ansible_mitogen.affinity.policy


def test_on_a_small_controller_the_run_places_no_process_and_puts_mitogens_policy_back(monkeypatch):
    mitogens = ansible_mitogen.affinity.LinuxPolicy(cpu_count=2)
    during, after = run_with(monkeypatch, mitogens)
    assert isinstance(during, ansible_mitogen.affinity.Policy)
    assert not isinstance(during, ansible_mitogen.affinity.FixedPolicy)
    assert after is mitogens


def test_on_a_larger_controller_the_run_keeps_mitogens_placement(monkeypatch):
    mitogens = ansible_mitogen.affinity.LinuxPolicy(cpu_count=8)
    during, after = run_with(monkeypatch, mitogens)
    assert during is after is mitogens


def test_without_the_mitogen_package_a_play_that_selects_it_fails_and_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ansible_mitogen", None)
    spec = importlib.util.spec_from_file_location("mitogen_linear_without_mitogen", mitogen_linear.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.MITOGEN_IMPORT_ERROR, ImportError)
    with pytest.raises(AnsibleError, match=r"needs the mitogen package .*pip install 'mitogen>=0\.3\.54,<0\.4'"):
        module.StrategyModule(SimpleNamespace())

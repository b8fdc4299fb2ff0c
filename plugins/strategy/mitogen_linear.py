# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: mitogen_linear
author: multiregion.serverless maintainers (!UNKNOWN)
short_description: Mitogen's linear strategy, leaving a small controller's CPUs to the kernel
description:
  - Runs L(Mitogen,https://mitogen.networkgenomics.com/ansible_detailed.html)'s C(mitogen_linear) strategy, as the
    plugin Mitogen ships does, with one difference.
  - Mitogen pins each process of the controller to one CPU. Its connection multiplexer gets the first CPU. The
    top-level process and the task workers get the others, in turn. Below four CPUs none is kept for the top-level
    process. On a controller with two CPUs, the top-level process and every worker share the second one. Hosts that
    Ansible runs at the same time then take turns on it, while the multiplexer's CPU idles when every host's
    connection is local.
  - This collection's region hosts all run on the controller (C(ansible_connection=local)). On a controller with two
    CPUs, a no-op run of C(playbooks/deploy.yml) with two regions took half as long again with Mitogen's plugin as
    with this one, or with ansible-core's C(linear) (docs/performance.md).
  - On a controller with fewer than four CPUs this strategy pins no process, and the kernel places them. With four
    CPUs or more, Mitogen's placement is kept.
  - Select it with C(ANSIBLE_STRATEGY=multiregion.serverless.mitogen_linear), with C(strategy) under C([defaults]) in
    C(ansible.cfg), or with a play's C(strategy). Mitogen's own plugin folder need not be configured.
version_added: 0.1.0
requirements:
  - mitogen >= 0.3.54, < 0.4, in the controller's Python
notes:
  - Mitogen serves all hosts that share an interpreter path from one process, one after the other. Give each region
    host an interpreter path of its own (a link to the same Python) so that regions still run in parallel; see
    docs/performance.md.
  - Without the mitogen package, a play that uses this strategy fails at its start and says what to install.
"""

from ansible.errors import AnsibleError

try:
    import ansible_mitogen.affinity
    import ansible_mitogen.loaders
    import ansible_mitogen.strategy
except ImportError as ex:  # the mitogen package is optional; the strategy says so when a play selects it
    MITOGEN_IMPORT_ERROR: ImportError | None = ex
else:
    MITOGEN_IMPORT_ERROR = None

# Mitogen keeps a CPU for its multiplexer and, from four CPUs on, one for the top-level process; below four, the
# top-level process and every worker share what is left (ansible_mitogen/affinity.py, FixedPolicy).
FEWEST_CPUS_TO_PIN = 4


def pins_to_too_few_cpus(policy) -> bool:
    """Whether Mitogen's placement policy would put the top-level process and the workers on one or two CPUs."""
    cpu_count = getattr(policy, "cpu_count", None)
    return isinstance(cpu_count, int) and cpu_count < FEWEST_CPUS_TO_PIN


if MITOGEN_IMPORT_ERROR is None:
    Base = ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)

    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, Base):
        """Mitogen's linear strategy; on a controller with fewer than four CPUs no process is pinned to a CPU."""

        def run(self, iterator, play_context, result=0):
            placement = ansible_mitogen.affinity.policy
            if pins_to_too_few_cpus(placement):
                # The base policy places nothing: the multiplexer, the top-level process and each worker (which
                # asks the policy when it starts, after the fork) keep the CPUs the controller gave them.
                ansible_mitogen.affinity.policy = ansible_mitogen.affinity.Policy()
            try:
                return super().run(iterator, play_context, result)
            finally:
                ansible_mitogen.affinity.policy = placement

else:

    class StrategyModule:  # pylint: disable=too-few-public-methods
        """Stands in for the strategy when the mitogen package is missing: a play that selects it fails at once."""

        def __init__(self, *args, **kwargs):
            raise AnsibleError(
                "The strategy multiregion.serverless.mitogen_linear needs the mitogen package in the controller's "
                f"Python ({MITOGEN_IMPORT_ERROR}): pip install 'mitogen>=0.3.54,<0.4'"
            )

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: publish_outputs
short_description: Publish a role's outputs, as a fact for the later roles and as run statistics for AWX
version_added: 0.1.0
description:
  - Sets the fact O(name) to O(value) on the host, as M(ansible.builtin.set_fact) does (not cacheable), and returns
    the run statistics C(<name>_by_region) with O(value) under the host's region, as M(ansible.builtin.set_stats)
    does with C(per_host=false) and C(aggregate=true). Every host's region is a key of the same statistic.
  - AWX keeps only run-wide statistics as a job's artifacts and passes them to a workflow's later nodes, which
    C(playbooks/preflight.yml) turns back into C(<name>) for each region.
  - One task instead of a M(ansible.builtin.set_fact) and a M(ansible.builtin.set_stats), since each task is a step on
    every host, whatever it does (docs/performance.md).
  - It runs on the controller, makes no AWS call and changes nothing.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  name:
    description: Name of the fact, for example C(vpc_private_outputs). The statistic is C(<name>_by_region).
    type: str
    required: true
  value:
    description: The outputs.
    type: dict
    required: true
  region:
    description: The key of O(value) in the statistic. Defaults to C(aws_region), else the inventory host's name.
    type: str
attributes:
  check_mode:
    support: full
    description: Publishes the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing.
  action:
    support: full
    description: Runs on the controller as an action plugin.
notes:
  - This is not an AWS module; it is not in the C(aws) action group.
"""

EXAMPLES = r"""
- name: Publish the role's outputs for the later roles and as run statistics (job artifacts)
  multiregion.serverless.publish_outputs:
    name: vpc_private_outputs
    value:
      vpc_id: vpc-0123456789abcdef0
      subnet_ids: [subnet-0123456789abcdef0]

- name: A later role reads them
  ansible.builtin.debug:
    msg: "{{ vpc_private_outputs.vpc_id }}"
"""

RETURN = r"""
ansible_facts:
  description: The fact set, O(name) with O(value).
  returned: always
  type: dict
  sample: {vpc_private_outputs: {vpc_id: vpc-0123456789abcdef0}}
ansible_stats:
  description: The run statistics, as M(ansible.builtin.set_stats) returns them.
  returned: always
  type: dict
  sample:
    data: {vpc_private_outputs_by_region: {eu-west-1: {vpc_id: vpc-0123456789abcdef0}}}
    per_host: false
    aggregate: true
"""

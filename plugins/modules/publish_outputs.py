#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: publish_outputs
short_description: Publish a role's outputs as a fact and as run statistics, and say what was not applied
version_added: 0.1.0
description:
  - Sets the fact O(name) to O(value) on the host, as M(ansible.builtin.set_fact) does (not cacheable), and returns
    the run statistics C(<name>_by_region) with O(value) under the host's region, as M(ansible.builtin.set_stats)
    does with C(per_host=false) and C(aggregate=true). Every host's region is a key of the same statistic.
  - AWX keeps only run-wide statistics as a job's artifacts and passes them to a workflow's later nodes, which
    C(playbooks/preflight.yml) turns back into C(<name>) for each region.
  - One task instead of a M(ansible.builtin.set_fact) and a M(ansible.builtin.set_stats), since each task is a step on
    every host, whatever it does (docs/performance.md).
  - It also says what the role did not apply here and why, in its result's C(msg), whatever the verbosity. It says each
    entry of O(not_applied) whose gap this endpoint has, in the words of M(multiregion.serverless.not_applied), and
    each of O(notes). A role says these once, with its outputs, instead of in a task each (each a step on every
    host, skipped or not).
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
    description:
      - The key of O(value) in the statistic, and the region the messages name. Defaults to C(aws_region), else the
        inventory host's name.
    type: str
  not_applied:
    description:
      - Steps of the role that this endpoint cannot apply, each named by its gap in C(deployment_endpoint_gaps)
        (C(playbooks/vars/local_endpoint_gaps.yml); empty against AWS).
      - Each entry whose gap this endpoint has is said as M(multiregion.serverless.not_applied) says it, and is added
        to C(not_applied) of the published value (a mapping of what to why, created when O(value) has none). An entry
        whose gap this endpoint does not have says and adds nothing.
      - When given, even as an empty list, the published value has a C(not_applied) mapping.
    type: list
    elements: dict
    suboptions:
      gap:
        description: The gap's name, a key of C(deployment_endpoint_gaps).
        type: str
        required: true
      what:
        description: What is not applied, for example C(AWS Backup selection). Its key in C(not_applied).
        type: str
        required: true
      detail:
        description: A sentence said after the reason.
        type: str
        default: ""
      report:
        description: V(false) leaves the entry out, for a step that is not part of this run on this host.
        type: bool
        default: true
      listed:
        description:
          - V(false) says the entry without adding it to the published C(not_applied), for what another host's outputs
            list already.
        type: bool
        default: true
  notes:
    description:
      - Other sentences to say with the outputs, for example what the role left out because of a setting. Empty
        ones are left out.
    type: list
    elements: str
    default: []
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

- name: Publish the outputs, and say what this endpoint does not apply here
  multiregion.serverless.publish_outputs:
    name: global_table_outputs
    value:
      table_name: items
    not_applied:
      - gap: backup_selection
        what: AWS Backup selection
    notes:
      - >-
        {{ '' if global_table_backup_enabled
           else 'AWS Backup NOT applied: disabled by global_table_backup_enabled.' }}
"""

RETURN = r"""
ansible_facts:
  description: The fact set, O(name) with O(value).
  returned: always
  type: dict
  sample: {vpc_private_outputs: {vpc_id: vpc-0123456789abcdef0}}
msg:
  description: What was not applied here and why (O(not_applied) and O(notes)).
  returned: when there is something to say
  type: list
  elements: str
  sample:
    - >-
      AWS Backup selection NOT applied in eu-west-1: the local endpoint has no CreateBackupSelection.
      Against AWS these tasks run.
ansible_stats:
  description: The run statistics, as M(ansible.builtin.set_stats) returns them.
  returned: always
  type: dict
  sample:
    data: {vpc_private_outputs_by_region: {eu-west-1: {vpc_id: vpc-0123456789abcdef0}}}
    per_host: false
    aggregate: true
"""

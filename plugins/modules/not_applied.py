#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: not_applied
short_description: Say that a step is not applied on this endpoint, and why, and return it for the role's outputs
version_added: 0.1.0
description:
  - Reports, as a task of its own, a step that the endpoint a role runs against cannot do. A role's create says
    these with its outputs instead, in the same words, through the entries of
    O(multiregion.serverless.publish_outputs#module:not_applied). This action is for a step said on its own, such
    as a delete that leaves something in place. The gaps are
    the mapping C(deployment_endpoint_gaps) (gap name to reason), which C(playbooks/preflight.yml) loads from
    C(playbooks/vars/local_endpoint_gaps.yml) for an inventory with C(deployment_local_endpoint=true); against
    AWS it is empty.
  - When O(gap) is one of those gaps, the task shows what is not applied, in which region and why (RV(msg)), and
    returns RV(not_applied), which the role adds to its outputs' C(not_applied) for the summary. Otherwise the task
    is skipped and RV(not_applied) is empty.
  - The step itself is gated by the role on the same gap (C('<gap>' not in deployment_endpoint_gaps)).
  - It runs on the controller, makes no AWS call and changes nothing.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  gap:
    description: Name of the gap, a key of C(deployment_endpoint_gaps) (for example C(backup_selection)).
    type: str
    required: true
  what:
    description: What is not applied, as the summary lists it (for example C(AWS Backup selection)).
    type: str
    required: true
  region:
    description: The region named in the message. Defaults to C(aws_region), else the inventory host's name.
    type: str
  detail:
    description: A sentence added to the message, for example what was done instead.
    type: str
    default: ""
attributes:
  check_mode:
    support: full
    description: Reports the same in check mode.
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
- name: Say that the backup selection is not applied here, and why
  multiregion.serverless.not_applied:
    gap: backup_selection
    what: AWS Backup selection
  register: __backup_selection_gap

- name: Select the table for the plan
  amazon.aws.backup_selection:
    selection_name: items
    backup_plan_name: items
    iam_role_arn: arn:aws:iam::123456789012:role/items-backup
    resources: [arn:aws:dynamodb:eu-west-1:123456789012:table/items]
  when: "'backup_selection' not in (deployment_endpoint_gaps | default({}))"

- name: Publish what was not applied
  ansible.builtin.set_fact:
    role_outputs:
      not_applied: "{{ __backup_selection_gap.not_applied | default({}) }}"
"""

RETURN = r"""
msg:
  description: The sentence shown in the run.
  returned: when the gap is one of this endpoint's
  type: str
  sample: >-
    AWS Backup selection NOT applied in eu-west-1: the local endpoint has no CreateBackupSelection.
    Against AWS these tasks run.
not_applied:
  description: O(what) to the reason when the gap is one of this endpoint's, else empty.
  returned: always
  type: dict
  sample: {"AWS Backup selection": "the local endpoint has no CreateBackupSelection"}
"""

# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: template
author: multiregion.serverless maintainers (!UNKNOWN)
short_description: Render a template file, as ansible.builtin.template does, without deep-copying every variable
description:
  - Returns a list of strings, one per template file named, each the file rendered with Jinja2, exactly as the
    P(ansible.builtin.template#lookup) lookup renders it, with the same options and the same search path
    (the role's or playbook's C(templates/) folder first).
  - The difference is the cost. The builtin lookup makes a deep copy of all the host's variables before it renders
    (a copy that each lazy variable and its templar take part in), and that copy can cost more than the rendering.
    This lookup gives the template a copy of the variables one level deep instead. The template can add variables
    (C(template_vars) and the C(template_*) ones Ansible adds) without changing the task's; what it can no longer do
    is change a nested value of a task variable in place, which the roles' templates never do.
  - The collection's roles render their JSON and YAML documents (IAM and KMS policies, the OpenAPI definition,
    alarm lists) with it. Use it the same way for your own templates where a task renders several.
options:
  _terms:
    description: The template files to render.
    required: true
  template_vars:
    description: A dictionary, the keys become additional variables available for templating.
    type: dict
    default: {}
  variable_start_string:
    description: The string marking the beginning of a print statement.
    type: str
    default: "{{"
  variable_end_string:
    description: The string marking the end of a print statement.
    type: str
    default: "}}"
  comment_start_string:
    description: The string marking the beginning of a comment statement.
    type: str
    default: "{#"
  comment_end_string:
    description: The string marking the end of a comment statement.
    type: str
    default: "#}"
  trim_blocks:
    description: Whether the first newline after a block is removed.
    type: bool
    default: true
seealso:
  - plugin: ansible.builtin.template
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: A role whose policy is a template of the role
  amazon.aws.iam_role:
    name: example
    assume_role_policy_document: "{{ lookup('multiregion.serverless.template', 'trust.json.j2') }}"

- name: Render a YAML list with extra variables
  ansible.builtin.set_fact:
    alarms: "{{ lookup('multiregion.serverless.template', 'alarms.yml.j2', template_vars=limits) | from_yaml }}"
  vars:
    limits:
      threshold: 5
"""

RETURN = r"""
_raw:
  description: The rendered files, one string per file named.
  type: list
  elements: raw
"""

from ansible.plugins.lookup.template import LookupModule as _BuiltinTemplateLookup


class _OneLevelCopy(dict):
    """The host's variables, whose deep copy is a copy one level deep: the template gets its own top-level mapping
    (the builtin lookup adds the template_* variables and template_vars to it) that shares the values."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class LookupModule(_BuiltinTemplateLookup):
    """ansible.builtin.template's lookup, given the variables as a mapping that copies one level deep."""

    def run(self, terms, variables=None, **kwargs):
        return super().run(terms, variables=_OneLevelCopy(variables or {}), **kwargs)

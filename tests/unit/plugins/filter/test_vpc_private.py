from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multiregion.serverless.plugins.filter.vpc_private import nacl_allow_rules
from ansible_collections.multiregion.serverless.plugins.filter.vpc_private import nacl_deny_rules
from ansible_collections.multiregion.serverless.plugins.filter.vpc_private import subnet_cidrs
from ansible_collections.multiregion.serverless.plugins.filter.vpc_private import subnet_plan


def test_subnet_cidrs():
    assert subnet_cidrs("10.1.0.0/16") == ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24"]
    assert subnet_cidrs("10.1.0.0/22", 3, 24) == ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24"]
    with pytest.raises(AnsibleFilterError):
        subnet_cidrs("10.1.0.0/24", 3, 24)
    with pytest.raises(AnsibleFilterError):
        subnet_cidrs("10.1.0.0/23", 3, 24)


def test_subnet_plan_pairs_zones_and_cidrs():
    plan = subnet_plan(["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"], "10.5.0.0/16", 3, 0)
    assert plan == [
        {"az": "eu-west-1a", "cidr": "10.5.0.0/24"},
        {"az": "eu-west-1b", "cidr": "10.5.1.0/24"},
        {"az": "eu-west-1c", "cidr": "10.5.2.0/24"},
    ]
    with pytest.raises(AnsibleFilterError, match="need 3 availability zones"):
        subnet_plan(["eu-west-1a", "eu-west-1b"], "10.5.0.0/16", 3)


def test_nacl_deny_rules():
    assert nacl_deny_rules([3389, 22], 50) == [
        [50, "tcp", "deny", "0.0.0.0/0", None, None, 3389, 3389],
        [51, "tcp", "deny", "0.0.0.0/0", None, None, 22, 22],
    ]


def test_nacl_allow_rules_split_around_ssh_and_rdp():
    # EC2.21: no allow from the world may cover 22 or 3389; 22 is below the range, 3389 splits it.
    assert nacl_allow_rules(200, "0.0.0.0/0", 1024, 65535, [22, 3389]) == [
        [200, "tcp", "allow", "0.0.0.0/0", None, None, 1024, 3388],
        [210, "tcp", "allow", "0.0.0.0/0", None, None, 3390, 65535],
    ]


def test_nacl_allow_rules_edges_and_duplicates():
    assert nacl_allow_rules(100, "10.0.0.0/16", 22, 3389, [22, 3389, 3389, 80], step=1) == [
        [100, "tcp", "allow", "10.0.0.0/16", None, None, 23, 79],
        [101, "tcp", "allow", "10.0.0.0/16", None, None, 81, 3388],
    ]
    assert nacl_allow_rules(100, "10.0.0.0/16", 443, 443, [22]) == [
        [100, "tcp", "allow", "10.0.0.0/16", None, None, 443, 443]
    ]
    assert nacl_allow_rules(100, "10.0.0.0/16", 22, 22, [22]) == []


def test_nacl_allow_rules_refuses_a_bad_range():
    with pytest.raises(AnsibleFilterError, match="invalid port range 2000-1000"):
        nacl_allow_rules(100, "0.0.0.0/0", 2000, 1000)

"""The collection as its users run it: the built tarball installed into an empty collections path, read-only,
`ansible-playbook multiregion.serverless.site` from a directory of the user's own, a rerun with no change, and
`multiregion.serverless.destroy`."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import CREDENTIALS
from .conftest import ROOT
from .conftest import VENV_BIN
from .conftest import PlaybookRun


def user_env(endpoint: str, collections: Path) -> dict:
    """A shell with the ansible package installed and nothing of this checkout: no ansible.cfg, no AWS_* but the
    local endpoint's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(CREDENTIALS)
    env["AWS_ENDPOINT_URL"] = endpoint
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.json"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def read_only(command: list[str], directory: Path) -> list[str]:
    """``command`` run with ``directory`` read-only. Permissions do not stop root: as root, a user and mount
    namespace of its own mounts the directory read-only, as an execution environment's image layer is."""
    for path in [directory, *directory.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    if os.geteuid() != 0:
        return command
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return ["unshare", "--map-root-user", "--mount", "sh", "-c", script, str(directory), *command]


def installed_path(env: dict) -> Path:
    """Where the collection is installed, found the way README.md tells a user to find it."""
    listed = subprocess.run(
        ["ansible-galaxy", "collection", "list", "multiregion.serverless", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(next(iter(json.loads(listed)))) / "multiregion" / "serverless"


def snapshot(directory: Path) -> dict:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob("*")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The collection built from this checkout and installed, as a user installs a downloaded tarball."""
    base = tmp_path_factory.mktemp("installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["ANSIBLE_COLLECTIONS_PATH"] = str(base / "collections")
    subprocess.run(
        [VENV_BIN / "ansible-galaxy", "collection", "build", "--output-path", base / "dist", ROOT],
        check=True,
        capture_output=True,
        env=env,
    )
    (tarball,) = (base / "dist").glob("multiregion-serverless-*.tar.gz")
    subprocess.run(
        [VENV_BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", base / "collections", tarball],
        check=True,
        capture_output=True,
        env=env,
    )
    return base / "collections"


@pytest.mark.e2e
def test_installed_read_only_site_reruns_unchanged_and_destroys(installed, clean_endpoint, boto, tmp_path):
    collection = installed / "ansible_collections" / "multiregion" / "serverless"
    assert (collection / "playbooks" / "site.yml").is_file()
    assert not (collection / ".venv").exists() and not (collection / ".git").exists(), "build_ignore"
    # As the README says: copy the inventory out of the installed collection, then run from that directory.
    env = user_env(clean_endpoint, installed)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(installed_path(env) / "inventories" / "local", work / "inventory")
    before = snapshot(installed)

    def playbook(*args: str) -> PlaybookRun:
        command = read_only([str(VENV_BIN / "ansible-playbook"), *args, "-i", "inventory"], installed)
        return PlaybookRun(subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False))

    first = playbook("multiregion.serverless.site")
    assert first.returncode == 0, first.failures() or first.stderr[-3000:]
    for region, cidr in (("eu-west-1", "10.1.0.0/16"), ("eu-central-1", "10.5.0.0/16")):
        vpcs = boto("ec2", region).describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": ["mrdemo"]}])["Vpcs"]
        assert [v["CidrBlock"] for v in vpcs] == [cidr]
    # Run output lands under the working directory, nothing inside the collection.
    assert (work / "reports" / "mrdemo" / "summary.json").is_file()
    assert list((work / ".build").glob("*.zip"))
    assert snapshot(installed) == before

    second = playbook("multiregion.serverless.site")
    assert second.returncode == 0, second.failures() or second.stderr[-3000:]
    assert set(second.changed().values()) == {0}, second.changed_tasks()

    destroyed = playbook("multiregion.serverless.destroy", "-e", "destroy_confirm=mrdemo")
    assert destroyed.returncode == 0, destroyed.failures() or destroyed.stderr[-3000:]
    for region in ("eu-west-1", "eu-central-1"):
        vpcs = boto("ec2", region).describe_vpcs(Filters=[{"Name": "tag:Deployment", "Values": ["mrdemo"]}])["Vpcs"]
        assert vpcs == []
    assert snapshot(installed) == before


def test_read_only_really_refuses_writes(installed, tmp_path):
    """The read-only wrapper is what makes the test above prove anything: a write into the install fails."""
    target = installed / "ansible_collections" / "multiregion" / "serverless" / "probe"
    completed = subprocess.run(
        read_only(["touch", str(target)], installed), capture_output=True, text=True, check=False
    )
    assert completed.returncode != 0 and not target.exists(), completed.stderr


def test_example_inventory_is_refused_until_edited(installed, endpoint, tmp_path):
    """README's path with the example inventory: the preflight names both placeholders and stops before any AWS call
    (the endpoint is set to the local one all the same, so that nothing could reach AWS)."""
    env = user_env(endpoint, installed)
    shutil.copytree(installed_path(env) / "inventories" / "example", tmp_path / "inventory")
    command = read_only(
        [str(VENV_BIN / "ansible-playbook"), "multiregion.serverless.site", "-i", "inventory"], installed
    )
    run = PlaybookRun(subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False))
    assert run.returncode != 0
    (failure,) = set(run.failures())
    assert "deployment_name='change-me' is the example inventory's placeholder" in failure
    assert "deployment_domain='change-me.example.com' is a reserved example domain" in failure
    assert [play["play"]["name"] for play in run.data["plays"]] == [
        "Preflight - validate the deployment before any AWS call"
    ]

"""lambda_package: deterministic archives, change detection, exclusions, check mode and the pip step."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import sys
import zipfile
from pathlib import Path
from unittest import mock

import pytest

from ansible_collections.multiregion.serverless.plugins.modules import lambda_package
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_as
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_fails_mentioning
from ansible_collections.multiregion.serverless.tests.unit.conftest import assert_unchanged_with_equal_diff
from ansible_collections.multiregion.serverless.tests.unit.conftest import run_module

APP = {
    "app/__init__.py": b"",
    "app/handler.py": b"def lambda_handler(event, context):\n    return {}\n",
    "app/store.py": b"TABLE = 'items'\n",
    "bootstrap.sh": b"#!/bin/sh\nexec python3 -m app\n",
}
JUNK = {
    "app/__pycache__/handler.cpython-313.pyc": b"\x00junk",
    "app/stale.pyc": b"\x00junk",
    "app/legacy.pyo": b"\x00junk",
    "tests/test_handler.py": b"def test(): pass\n",
    "tests/conftest.py": b"",
    "app/tests/test_inner.py": b"",
    ".pytest_cache/v/cache": b"{}",
    ".DS_Store": b"\x00",
}


def run(args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """Run the module's main() with ``args`` (this module takes no region, unlike the AWS modules)."""
    return run_module(lambda_package.main, args, check_mode=check_mode, diff=diff, region=None)


def write_tree(root: Path, files: dict[str, bytes], mtime: float | None = None) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        if content.startswith(b"#!"):
            path.chmod(0o750)
        else:
            path.chmod(0o600)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
    return root


@pytest.fixture
def src(tmp_path):
    return write_tree(tmp_path / "src", {**APP, **JUNK})


def names(path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


# --- determinism ------------------------------------------------------------------------------------------------


def test_identical_bytes_from_trees_with_different_mtimes_and_creation_order(tmp_path):
    first = write_tree(tmp_path / "one", APP, mtime=1_000_000_000)
    second = write_tree(tmp_path / "two", dict(reversed(list(APP.items()))), mtime=1_700_000_000)
    a = run({"src": str(first), "dest": str(tmp_path / "one.zip")})
    b = run({"src": str(second), "dest": str(tmp_path / "two.zip")})
    assert a["changed"] and b["changed"]
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert a["sha256"] == b["sha256"]
    assert a["code_sha256"] == b["code_sha256"]


def test_entries_are_sorted_dated_1980_and_have_fixed_permissions(src, tmp_path):
    dest = tmp_path / "out.zip"
    result = run({"src": str(src), "dest": str(dest)})
    with zipfile.ZipFile(dest) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(APP)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.create_system == 3
            assert info.compress_type == zipfile.ZIP_DEFLATED
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode)
            assert stat.S_IMODE(mode) == (0o755 if info.filename == "bootstrap.sh" else 0o644)
            assert archive.read(info) == APP[info.filename]
    assert result["file_count"] == len(APP)


def test_returned_digests_describe_the_written_file(src, tmp_path):
    dest = tmp_path / "out.zip"
    result = run({"src": str(src), "dest": str(dest)})
    data = dest.read_bytes()
    assert result["path"] == str(dest)
    assert result["size"] == len(data)
    assert result["sha256"] == hashlib.sha256(data).hexdigest()
    # Lambda's CodeSha256 is the base64 of the raw digest, not of the hex string.
    assert result["code_sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert len(base64.b64decode(result["code_sha256"])) == 32


# --- change detection -------------------------------------------------------------------------------------------


def test_rebuild_is_unchanged_and_leaves_the_file_alone(src, tmp_path):
    dest = tmp_path / "out.zip"
    first = run({"src": str(src), "dest": str(dest)})
    os.utime(dest, (1, 1))
    inode = dest.stat().st_ino
    for path in src.rglob("*"):
        os.utime(path, (2_000_000_000, 2_000_000_000))
    second = run({"src": str(src), "dest": str(dest)})
    assert first["changed"] is True
    assert second["changed"] is False
    assert second["sha256"] == first["sha256"]
    assert dest.stat().st_mtime == 1
    assert dest.stat().st_ino == inode


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda root: (root / "app/store.py").write_bytes(b"TABLE = 'other'\n"), id="content"),
        pytest.param(lambda root: (root / "app/new.py").write_bytes(b"X = 1\n"), id="added"),
        pytest.param(lambda root: (root / "app/store.py").unlink(), id="removed"),
        pytest.param(lambda root: (root / "app/store.py").chmod(0o755), id="made-executable"),
        pytest.param(lambda root: (root / "app/store.py").rename(root / "app/db.py"), id="renamed"),
    ],
)
def test_a_real_change_rewrites_the_archive(src, tmp_path, edit):
    dest = tmp_path / "out.zip"
    before = run({"src": str(src), "dest": str(dest)})
    edit(src)
    after = run({"src": str(src), "dest": str(dest)})
    assert after["changed"] is True
    assert after["sha256"] != before["sha256"]
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == after["sha256"]


def test_a_change_to_an_excluded_file_changes_nothing(src, tmp_path):
    dest = tmp_path / "out.zip"
    run({"src": str(src), "dest": str(dest)})
    (src / "tests/test_handler.py").write_bytes(b"def test(): assert False\n")
    (src / "app/__pycache__/store.cpython-313.pyc").write_bytes(b"\x01")
    assert run({"src": str(src), "dest": str(dest)})["changed"] is False


def test_a_foreign_file_at_dest_is_replaced(src, tmp_path):
    dest = tmp_path / "out.zip"
    dest.write_bytes(b"not a zip")
    result = run({"src": str(src), "dest": str(dest)}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == "(not a zip archive)\n"
    assert names(dest) == sorted(APP)


def test_missing_parent_directories_are_created(src, tmp_path):
    dest = tmp_path / "build" / "nested" / "out.zip"
    assert run({"src": str(src), "dest": str(dest)})["changed"] is True
    assert names(dest) == sorted(APP)
    assert stat.S_IMODE(dest.stat().st_mode) & 0o044 == 0o044  # readable by the deploying tools


# --- exclusions -------------------------------------------------------------------------------------------------


def test_builtin_exclusions(src, tmp_path):
    dest = tmp_path / "out.zip"
    run({"src": str(src), "dest": str(dest)})
    packaged = names(dest)
    for junk in JUNK:
        assert junk not in packaged
    assert not any("__pycache__" in n or n.endswith((".pyc", ".pyo")) or "tests/" in n for n in packaged)


def test_user_exclusions_by_name_and_by_path(src, tmp_path):
    write_tree(src, {"README.md": b"# docs\n", "app/fixtures/a.json": b"{}", "app/fixtures.py": b"F = 1\n"})
    dest = tmp_path / "out.zip"
    result = run({"src": str(src), "dest": str(dest), "exclude": ["*.md", "app/fixtures", "bootstrap.sh"]})
    assert names(dest) == ["app/__init__.py", "app/fixtures.py", "app/handler.py", "app/store.py"]
    assert result["file_count"] == 4


def test_dest_inside_src_is_not_packaged_into_itself(src):
    dest = src / "dist" / "app.zip"
    first = run({"src": str(src), "dest": str(dest)})
    second = run({"src": str(src), "dest": str(dest)})
    assert "dist/app.zip" not in names(dest)
    assert (first["changed"], second["changed"]) == (True, False)


def test_symlinked_files_are_packaged_with_their_content(src, tmp_path):
    shared = tmp_path / "shared.py"
    shared.write_bytes(b"SHARED = True\n")
    (src / "app/shared.py").symlink_to(shared)
    dest = tmp_path / "out.zip"
    run({"src": str(src), "dest": str(dest)})
    with zipfile.ZipFile(dest) as archive:
        assert archive.read("app/shared.py") == b"SHARED = True\n"


def test_a_symlink_loop_fails(src, tmp_path):
    (src / "app/loop").symlink_to(src / "app")
    result = run({"src": str(src), "dest": str(tmp_path / "out.zip")})
    assert_fails_mentioning(result, "symbolic link loop")
    assert not (tmp_path / "out.zip").exists()


@pytest.mark.parametrize(
    "relpath, patterns, excluded",
    [
        ("app/handler.py", lambda_package.BUILTIN_EXCLUDES, False),
        ("app/__pycache__", lambda_package.BUILTIN_EXCLUDES, True),
        ("app/__pycache__/x.cpython-313.pyc", lambda_package.BUILTIN_EXCLUDES, True),
        ("app/x.pyc", lambda_package.BUILTIN_EXCLUDES, True),
        ("tests", lambda_package.BUILTIN_EXCLUDES, True),
        ("pkg/tests/test_x.py", lambda_package.BUILTIN_EXCLUDES, True),
        ("app/testsuite.py", lambda_package.BUILTIN_EXCLUDES, False),
        ("app/latest.py", lambda_package.BUILTIN_EXCLUDES, False),
        ("docs/readme.md", ["*.md"], True),
        ("docs/readme.md", ["docs/*"], True),
        ("app/docs/readme.md", ["docs/*"], False),
        ("app/docs/readme.md", ["/app/docs/*"], True),
        ("bin/normalizer", lambda_package.DEPENDENCY_EXCLUDES, True),
        ("charset_normalizer/bin/x", lambda_package.DEPENDENCY_EXCLUDES, False),
        ("requests-2.32.3.dist-info/RECORD", lambda_package.DEPENDENCY_EXCLUDES, True),
        ("requests-2.32.3.dist-info/METADATA", lambda_package.DEPENDENCY_EXCLUDES, False),
        ("App/Handler.PY", ["*.py"], False),
    ],
)
def test_is_excluded(relpath, patterns, excluded):
    assert lambda_package.is_excluded(relpath, patterns) is excluded


# --- check mode and diff ----------------------------------------------------------------------------------------


def test_check_mode_on_a_new_package_writes_nothing(src, tmp_path):
    dest = tmp_path / "build" / "out.zip"
    result = run({"src": str(src), "dest": str(dest)}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert not dest.exists()
    assert not dest.parent.exists()
    real = run({"src": str(src), "dest": str(dest)})
    assert (result["sha256"], result["code_sha256"], result["size"]) == (
        real["sha256"],
        real["code_sha256"],
        real["size"],
    )
    assert result["diff"]["before"] == ""
    assert result["diff"]["after"].splitlines()[0].startswith("app/__init__.py 644 0 ")


def test_check_mode_on_a_changed_package_keeps_the_old_file(src, tmp_path):
    dest = tmp_path / "out.zip"
    run({"src": str(src), "dest": str(dest)})
    old = dest.read_bytes()
    (src / "app/store.py").write_bytes(b"TABLE = 'renamed'\n")
    result = run({"src": str(src), "dest": str(dest)}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert dest.read_bytes() == old
    before = result["diff"]["before"].splitlines()
    after = result["diff"]["after"].splitlines()
    changed_lines = sorted(set(before) ^ set(after))
    assert [line.split()[0] for line in changed_lines] == ["app/store.py", "app/store.py"]


def test_check_mode_on_an_unchanged_package(src, tmp_path):
    dest = tmp_path / "out.zip"
    run({"src": str(src), "dest": str(dest)})
    result = run({"src": str(src), "dest": str(dest)}, check_mode=True, diff=True)
    assert_unchanged_with_equal_diff(result)


# --- requirements -----------------------------------------------------------------------------------------------


class FakePip:
    """Stands in for ``module.run_command``: records the command and fills --target like pip would."""

    def __init__(self, files: dict[str, bytes], rc: int = 0, stderr: str = "") -> None:
        self.files = files
        self.rc = rc
        self.stderr = stderr
        self.commands: list[list[str]] = []
        self.targets: list[Path] = []

    def __call__(self, args, **kwargs):
        self.commands.append(list(args))
        target = Path(args[args.index("--target") + 1])
        self.targets.append(target)
        assert target.is_dir() and not any(target.iterdir()), "pip gets an empty target directory"
        if self.rc == 0:
            write_tree(target, self.files)
        return self.rc, "", self.stderr


DEPENDENCY = {
    "six.py": b"# six\n",
    "six-1.17.0.dist-info/METADATA": b"Name: six\nVersion: 1.17.0\n",
    "six-1.17.0.dist-info/RECORD": b"six.py,sha256=...\n../../bin/six,sha256=...\n",
    "six-1.17.0.dist-info/__pycache__/x.pyc": b"\x00",
    "bin/six": b"#!/home/someone/.venv/bin/python\n",
}


@pytest.fixture
def requirements(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("six==1.17.0\n")
    return path


def test_requirements_are_installed_for_the_lambda_target(src, tmp_path, requirements):
    pip = FakePip(DEPENDENCY)
    dest = tmp_path / "out.zip"
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", pip):
        result = run({"src": str(src), "dest": str(dest), "requirements": str(requirements)})
    assert result["changed"] is True
    (command,) = pip.commands
    assert command[:3] == [sys.executable, "-m", "pip"]
    assert command[3:5] == ["install", "--requirement"]
    assert command[5] == str(requirements)
    for flag, value in [("--platform", "manylinux2014_aarch64"), ("--python-version", "3.13")]:
        assert command[command.index(flag) + 1] == value
    assert "--only-binary=:all:" in command
    assert "--no-compile" in command
    assert names(dest) == sorted([*APP, "six.py", "six-1.17.0.dist-info/METADATA"])
    assert not pip.targets[0].exists(), "the temporary install directory is removed"


def test_requirements_rebuild_is_unchanged(src, tmp_path, requirements):
    dest = tmp_path / "out.zip"
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", FakePip(DEPENDENCY)):
        first = run({"src": str(src), "dest": str(dest), "requirements": str(requirements)})
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", FakePip(DEPENDENCY)):
        second = run({"src": str(src), "dest": str(dest), "requirements": str(requirements)})
    assert (first["changed"], second["changed"]) == (True, False)


def test_requirements_options(src, tmp_path, requirements):
    pip = FakePip(DEPENDENCY)
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", pip):
        run(
            {
                "src": str(src),
                "dest": str(tmp_path / "out.zip"),
                "requirements": str(requirements),
                "platform": "manylinux2014_x86_64",
                "python_version": "3.12",
                "pip_executable": "/opt/pip",
            },
            check_mode=True,
        )
    (command,) = pip.commands
    assert command[0] == "/opt/pip"
    assert command[command.index("--platform") + 1] == "manylinux2014_x86_64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert not (tmp_path / "out.zip").exists()


def test_pip_failure_is_reported(src, tmp_path, requirements):
    pip = FakePip({}, rc=1, stderr="ERROR: No matching distribution found for six==99")
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", pip):
        result = run({"src": str(src), "dest": str(tmp_path / "out.zip"), "requirements": str(requirements)})
    assert_fails_as(result, f"pip could not install {requirements} for manylinux2014_aarch64, Python 3.13")
    assert result["stderr"] == "ERROR: No matching distribution found for six==99"
    assert result["rc"] == 1
    assert not (tmp_path / "out.zip").exists()
    assert not pip.targets[0].exists()


def test_a_dependency_shadowing_a_source_file_fails(src, tmp_path, requirements):
    pip = FakePip({"app/handler.py": b"# from a wheel\n"})
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command", pip):
        result = run({"src": str(src), "dest": str(tmp_path / "out.zip"), "requirements": str(requirements)})
    assert result["failed"]
    assert result["msg"].endswith("src and the installed requirements both provide: app/handler.py")


def test_missing_requirements_file(src, tmp_path):
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command") as pip:
        result = run({"src": str(src), "dest": str(tmp_path / "out.zip"), "requirements": str(tmp_path / "nope")})
    assert result["failed"]
    assert "requirements file" in result["msg"] and "does not exist" in result["msg"]
    pip.assert_not_called()


def test_no_pip_without_requirements(src, tmp_path):
    with mock.patch("ansible.module_utils.basic.AnsibleModule.run_command") as pip:
        run({"src": str(src), "dest": str(tmp_path / "out.zip")})
    pip.assert_not_called()


# --- errors -----------------------------------------------------------------------------------------------------


def test_src_must_be_a_directory(tmp_path):
    result = run({"src": str(tmp_path / "missing"), "dest": str(tmp_path / "out.zip")})
    assert_fails_as(result, f"src {tmp_path / 'missing'} is not a directory")


def test_nothing_to_package(tmp_path):
    src = write_tree(tmp_path / "src", JUNK)
    result = run({"src": str(src), "dest": str(tmp_path / "out.zip")})
    assert_fails_mentioning(result, "nothing to package")
    assert not (tmp_path / "out.zip").exists()


def test_dest_is_a_directory(src, tmp_path):
    (tmp_path / "out.zip").mkdir()
    result = run({"src": str(src), "dest": str(tmp_path / "out.zip")})
    assert_fails_as(result, f"Failed to build {tmp_path / 'out.zip'}: dest {tmp_path / 'out.zip'} is a directory")


def test_build_zip_is_a_pure_function_of_its_entries(tmp_path):
    a = tmp_path / "a.py"
    a.write_bytes(b"A = 1\n")
    entries = [("a.py", str(a), False)]
    data = lambda_package.build_zip(entries)
    assert data == lambda_package.build_zip(entries)
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.py") == b"A = 1\n"
    assert data != lambda_package.build_zip([("a.py", str(a), True)])

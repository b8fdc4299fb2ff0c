#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)

DOCUMENTATION = r"""
module: lambda_package
short_description: Build a deterministic zip deployment package for AWS Lambda
version_added: 0.1.0
description:
  - Zips the contents of O(src) (and, optionally, the dependencies in O(requirements)) into O(dest) so that the
    same inputs always give the same bytes, whatever the files' timestamps, owners or the order the filesystem
    lists them in.
  - Entries are sorted by path, dated 1980-01-01 00:00:00, stored with Unix permissions C(0644), or C(0755) for
    files with any execute bit, compressed with deflate at level 9; directories have no entries of their own.
  - C(__pycache__) and C(tests) directories, C(*.pyc) and C(*.pyo) files and tool caches are never packaged;
    see O(exclude) for more.
  - O(dest) is written only when the new archive's bytes differ from the file already there, so the task reports
    a change only when the package really changes. RV(code_sha256) is what Lambda reports as C(CodeSha256) for
    this package, so a playbook can tell whether a function runs this code without uploading it.
  - This is not an AWS module. It makes no AWS call and takes no credentials or region, so it is built on
    Ansible's plain C(AnsibleModule) rather than on the collection's AWS module base class.
  - It builds on the host it runs on; run it on the controller with C(connection=local) or
    C(delegate_to=localhost).
  - Identical bytes hold for the same Python and zlib build. A different zlib (another Python build or
    operating system) may compress differently, which changes RV(sha256) once and then stays stable.
author: multiregion.serverless maintainers (!UNKNOWN)
options:
  src:
    description:
      - The directory whose contents become the root of the archive. For a handler C(app.handler.lambda_handler),
        O(src) holds the C(app/) package.
      - Symbolic links are followed.
    type: path
    required: true
  dest:
    description:
      - The zip file to write. Missing parent directories are created.
      - When O(dest) lies inside O(src) it is not packaged into itself.
    type: path
    required: true
  requirements:
    description:
      - A pip requirements file. Its packages are installed for the Lambda target (O(platform),
        O(python_version), CPython, binary wheels only) into a temporary directory and packaged at the root of the
        archive beside the contents of O(src).
      - Pip runs on every build, also in check mode (into a temporary directory, changing nothing), because the
        resulting bytes are what decides whether the task reports C(changed). Pin every requirement to keep builds
        reproducible.
      - The installed packages' C(bin/) scripts and C(*.dist-info/RECORD) files are left out, since they carry the
        building host's interpreter path.
      - A path that both O(src) and the installed packages provide is an error.
    type: path
  exclude:
    description:
      - More glob patterns of paths to leave out, on top of the built-in ones.
      - A pattern without C(/) is matched against every file and directory name (C(*.md), C(docs)); a pattern
        with C(/) against the path relative to O(src), or to the root of the installed requirements
        (C(app/fixtures/*)). An excluded directory is skipped whole.
    type: list
    elements: str
    default: []
  python_version:
    description: The Python version of the Lambda runtime, passed to C(pip install --python-version).
    type: str
    default: "3.13"
  platform:
    description:
      - The wheel platform of the Lambda architecture, passed to C(pip install --platform).
      - C(manylinux2014_aarch64) for arm64, C(manylinux2014_x86_64) for x86_64.
    type: str
    default: manylinux2014_aarch64
  pip_executable:
    description:
      - The pip to run for O(requirements). By default the pip module of the Python that runs this module.
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Builds the archive in memory and reports what would change without writing O(dest).
  diff_mode:
    support: full
    details: The archive's entries before and after, one line each with permissions, size and CRC-32.
  platform:
    platforms: posix
notes:
  - The default O(platform) and O(python_version) match the C(python3.13) runtime on C(arm64).
seealso:
  - module: amazon.aws.lambda
"""

EXAMPLES = r"""
- name: Build the API function's package
  multiregion.serverless.lambda_package:
    src: "{{ role_path }}/files/lambda"
    dest: "{{ playbook_dir }}/.build/items-api.zip"
  delegate_to: localhost
  register: api_package

- name: Deploy it; Lambda is called only when the code changed
  amazon.aws.lambda:
    name: items-api
    zip_file: "{{ api_package.path }}"
    runtime: python3.13
    handler: app.handler.lambda_handler
    architecture: arm64
    role: "{{ api_role_arn }}"

- name: Package with dependencies for an x86_64 function, leaving out documentation
  multiregion.serverless.lambda_package:
    src: src/worker
    dest: build/worker.zip
    requirements: src/worker/requirements.txt
    platform: manylinux2014_x86_64
    exclude:
      - "*.md"
      - requirements.txt
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: The archive's path (O(dest)).
  returned: always
  type: str
  sample: /home/ops/.build/items-api.zip
sha256:
  description: The SHA-256 of the archive, hexadecimal.
  returned: always
  type: str
  sample: 3b0b1b5f8b1e5d8c8f5f6f0b3a1f3c6f0b1a2c3d4e5f60718293a4b5c6d7e8f9
code_sha256:
  description:
    - The SHA-256 of the archive, base64-encoded, as Lambda reports it in C(CodeSha256) (GetFunction,
      UpdateFunctionCode). Equal values mean the function already runs this package.
  returned: always
  type: str
  sample: OwsbX4seXYyPX29vCzofPG8LGiw9Tl9gcYKTpLXG1+g=
size:
  description: The archive's size in bytes.
  returned: always
  type: int
  sample: 9318
file_count:
  description: How many files the archive holds.
  returned: always
  type: int
  sample: 8
"""

import base64
import fnmatch
import hashlib
import io
import os
import shutil
import stat
import sys
import tempfile
import zipfile

from ansible.module_utils.basic import AnsibleModule

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
UNIX = 3
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755
COMPRESS_LEVEL = 9

# Never wanted in a function's package: bytecode is rebuilt by the runtime, tests and caches are dead weight,
# and each of them differs between hosts or runs, which would break the "same inputs, same bytes" promise.
BUILTIN_EXCLUDES = (
    "__pycache__",
    "*.pyc",
    "*.pyo",
    "tests",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".git",
    ".DS_Store",
)
# pip --target writes console scripts whose shebang is the building host's interpreter, and RECORD lists their
# hashes: both would make the package depend on where it was built, and Lambda needs neither.
DEPENDENCY_EXCLUDES = ("bin/*", "*.dist-info/RECORD")


class PackageError(Exception):
    pass


def is_excluded(relpath, patterns):
    """True when the POSIX path ``relpath`` (relative to the source root) matches one of ``patterns``.

    A pattern without "/" matches any single path component, one with "/" the whole relative path.
    """
    parts = relpath.split("/")
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch.fnmatchcase(relpath, pattern.strip("/")):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def collect(root, patterns, skip=()):
    """The files under ``root`` to package: a sorted list of (archive name, path, executable)."""
    entries = []
    skip = set(os.path.realpath(path) for path in skip)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        reldir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        reldir = "" if reldir == "." else reldir + "/"
        dirnames[:] = sorted(d for d in dirnames if not is_excluded(reldir + d, patterns))
        _refuse_link_loops(dirpath, dirnames)
        for name in sorted(filenames):
            relpath = reldir + name
            path = os.path.join(dirpath, name)
            if is_excluded(relpath, patterns) or os.path.realpath(path) in skip:
                continue
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, fifos and dangling links have no content to package
            entries.append((relpath, path, bool(st.st_mode & 0o111)))
    return sorted(entries)


def _refuse_link_loops(dirpath, dirnames):
    here = os.path.realpath(dirpath)
    for name in dirnames:
        path = os.path.join(dirpath, name)
        if os.path.islink(path):
            target = os.path.realpath(path)
            if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
                raise PackageError(f"symbolic link loop: {path} points to {target}")


def merge(sources, dependencies):
    """One sorted entry list; a path present in both is an error rather than a silent shadowing."""
    clashes = sorted(set(e[0] for e in sources) & set(e[0] for e in dependencies))
    if clashes:
        more = f" (and {len(clashes) - 10} more)" if len(clashes) > 10 else ""
        raise PackageError(f"src and the installed requirements both provide: {', '.join(clashes[:10])}{more}")
    return sorted(sources + dependencies)


def build_zip(entries):
    """The archive's bytes: entries in the given order, fixed dates and permissions, deflate level 9."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, path, executable in entries:
            info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = UNIX
            info.external_attr = (stat.S_IFREG | (EXECUTABLE_MODE if executable else FILE_MODE)) << 16
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def digests(data):
    digest = hashlib.sha256(data).digest()
    return {
        "sha256": digest.hex(),
        "code_sha256": base64.b64encode(digest).decode("ascii"),
        "size": len(data),
    }


def pip_command(pip, requirements, target, platform, python_version):
    return list(pip) + [
        "install",
        "--requirement",
        requirements,
        "--target",
        target,
        "--platform",
        platform,
        "--only-binary=:all:",
        "--python-version",
        python_version,
        "--implementation",
        "cp",
        "--no-compile",
        "--no-input",
        "--disable-pip-version-check",
    ]


def listing(data):
    """One line per archive entry, for diff output; None when ``data`` is not a zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            lines = [
                f"{info.filename} {(info.external_attr >> 16) & 0o7777:o} {info.file_size} {info.CRC:08x}"
                for info in archive.infolist()
            ]
    except zipfile.BadZipFile:
        return None
    return "".join(line + "\n" for line in lines)


def read_existing(dest):
    if not os.path.exists(dest):
        return None
    if os.path.isdir(dest):
        raise PackageError(f"dest {dest} is a directory")
    with open(dest, "rb") as handle:
        return handle.read()


def install_requirements(module, requirements, target):
    pip = [module.params["pip_executable"]] if module.params["pip_executable"] else [sys.executable, "-m", "pip"]
    command = pip_command(pip, requirements, target, module.params["platform"], module.params["python_version"])
    rc, out, err = module.run_command(command)
    if rc != 0:
        module.fail_json(
            msg=f"pip could not install {requirements} for {module.params['platform']}, "
            f"Python {module.params['python_version']}",
            cmd=command,
            rc=rc,
            stdout=out,
            stderr=err,
        )


def build(module, src, dest, patterns):
    """The archive's bytes and its file count, installing requirements into a temporary directory first."""
    sources = collect(src, patterns, skip=[dest])
    requirements = module.params["requirements"]
    if not requirements:
        entries = sources
        return build_zip(entries), len(entries)
    if not os.path.isfile(requirements):
        raise PackageError(f"requirements file {requirements} does not exist")
    target = tempfile.mkdtemp(prefix="lambda_package-")
    try:
        install_requirements(module, requirements, target)
        dependencies = collect(target, list(patterns) + list(DEPENDENCY_EXCLUDES))
        entries = merge(sources, dependencies)
        return build_zip(entries), len(entries)
    finally:
        shutil.rmtree(target, ignore_errors=True)


def write_atomically(module, dest, data):
    directory = os.path.dirname(dest) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".lambda_package-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, FILE_MODE)
        module.atomic_move(temp, dest)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            dest=dict(type="path", required=True),
            requirements=dict(type="path"),
            exclude=dict(type="list", elements="str", default=[]),
            python_version=dict(type="str", default="3.13"),
            platform=dict(type="str", default="manylinux2014_aarch64"),
            pip_executable=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    src = module.params["src"]
    dest = module.params["dest"]
    if not os.path.isdir(src):
        module.fail_json(msg=f"src {src} is not a directory")
    patterns = list(BUILTIN_EXCLUDES) + list(module.params["exclude"])

    try:
        data, file_count = build(module, src, dest, patterns)
        if not file_count:
            raise PackageError(f"nothing to package: {src} holds no file outside the exclusions")
        current = read_existing(dest)
    except (PackageError, OSError) as error:
        module.fail_json(msg=f"Failed to build {dest}: {error}")

    changed = current != data
    result = dict(changed=changed, path=dest, file_count=file_count, **digests(data))
    if module._diff:
        before = "" if current is None else listing(current)
        result["diff"] = dict(
            before_header=dest,
            after_header=dest,
            before="(not a zip archive)\n" if before is None else before,
            after=listing(data),
        )
    if changed and not module.check_mode:
        try:
            write_atomically(module, dest, data)
        except OSError as error:
            module.fail_json(msg=f"Failed to write {dest}: {error}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()

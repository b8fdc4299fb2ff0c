#!/usr/bin/env bash
# Runs `ansible-test sanity` on the collection in a temporary ansible_collections/multiregion/serverless tree.
#
# ansible-test bootstraps pip in its virtualenvs with a script it downloads from a site this environment
# cannot reach; tools/ansible_test/get_pip.py stands in for it (ensurepip, then pip from the package index).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"
# The Makefile's folder for this checkout (outside the collection), also when the script is run by itself.
OUT="${MULTIREGION_OUT:-$HOME/.cache/multiregion-serverless/checkouts/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)}"
BUILD="$OUT/sanity"
TREE="$BUILD/ansible_collections/multiregion/serverless"
CACHE="$HOME/.ansible/test/cache"

mkdir -p "$CACHE"
pip_version="$("$VENV/bin/python" -c '
import inspect, re, ansible_test._internal.python_requirements as r
print(re.search(r"pip=.([0-9.]+).", inspect.getsource(r.get_venv_packages)).group(1))')"
cp "$ROOT/tools/ansible_test/get_pip.py" "$CACHE/get_pip_${pip_version//./_}.py"

rm -rf "$TREE"
mkdir -p "$TREE"
# A copy of what git tracks (plus untracked, not ignored files): what a release would contain.
(cd "$ROOT" && git ls-files -co --exclude-standard -z) | (cd "$ROOT" && xargs -0 cp --parents -t "$TREE" 2>/dev/null || true)
# The collection's dependencies, from the ansible package's bundled collections.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
mkdir -p "$BUILD/ansible_collections/amazon" "$BUILD/ansible_collections/community"
ln -sfn "$SITE/ansible_collections/amazon/aws" "$BUILD/ansible_collections/amazon/aws"
ln -sfn "$SITE/ansible_collections/community/aws" "$BUILD/ansible_collections/community/aws"
cd "$TREE"
git init -q . && git add -A >/dev/null 2>&1
PY_VERSION="$("$VENV/bin/python" -c 'import sys; print(f"{sys.version_info.major}.{sys.version_info.minor}")')"
exec "$VENV/bin/ansible-test" sanity --requirements --python "$PY_VERSION" --color no "$@"

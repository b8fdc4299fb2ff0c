# Stand-in for the pip bootstrap script ansible-test downloads; see tools/sanity.sh.
"""Stand-in for the pip bootstrap script ansible-test downloads (its site is unreachable here)."""

import os
import subprocess
import sys

env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], env=env)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade", *args], env=env)

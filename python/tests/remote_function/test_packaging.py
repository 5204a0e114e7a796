"""The client installs from the repository with pip and no network, its extra's dependencies
satisfied by Debian's packages."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO


def test_pip_installs_the_client_offline(tmp_path):
    source = tmp_path / "python"  # a copy: setuptools builds in the source tree
    shutil.copytree(os.path.join(REPO, "python"), source,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    created = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                             capture_output=True, text=True)
    if created.returncode != 0:
        pytest.skip("python3 -m venv is not available: %s" % created.stderr.strip())
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(HOME=str(tmp_path), PIP_NO_CACHE_DIR="1",
                       PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                    f"{source}[remote-function]"], env=environment, check=True, cwd=tmp_path)
    probe = ("import optml_toolkit.remote_function as rf; "
             "print(rf.__file__); "
             "print(sorted(n for n in ('remote', 'RemoteExecutor', 'Future', 'RemoteFunctionError',"
             " 'ServiceError', 'DeserializationError', 'RuntimeEnvironmentError') if hasattr(rf, n)))")
    shown = subprocess.run([python, "-c", probe], env=environment, cwd=tmp_path, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    assert shown[0].startswith(str(venv))
    assert shown[1] == str(sorted(["remote", "RemoteExecutor", "Future", "RemoteFunctionError",
                                   "ServiceError", "DeserializationError",
                                   "RuntimeEnvironmentError"]))

"""The packages install offline with pip, under the distribution names the framework
toolkits require, so that `pip install <toolkit>` finds them satisfied."""

import os
import shutil
import subprocess
import textwrap

import pytest

from conftest import REPO


def pip_environment(tmp):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(HOME=str(tmp), PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1")
    return env


def write_toolkit(folder, name, requirement):
    os.makedirs(os.path.join(folder, name.replace("-", "_")))
    with open(os.path.join(folder, name.replace("-", "_"), "__init__.py"), "w") as f:
        f.write("")
    with open(os.path.join(folder, "pyproject.toml"), "w") as f:
        f.write(textwrap.dedent("""\
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"
            [project]
            name = "%s"
            version = "1.0"
            dependencies = ["%s"]
            [tool.setuptools]
            packages = ["%s"]
            """ % (name, requirement, name.replace("-", "_"))))


def test_toolkits_find_sagemaker_training_and_containers_installed(tmp_path, python3):
    source = tmp_path / "python"  # a copy: setuptools builds in the source tree
    shutil.copytree(os.path.join(REPO, "python"), source,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info",
                                                  "__pycache__"))
    venv = tmp_path / "venv"
    created = subprocess.run([python3, "-m", "venv", "--system-site-packages", str(venv)],
                             capture_output=True, text=True)
    if created.returncode != 0:
        pytest.skip("python3 -m venv is not available: %s" % created.stderr.strip())
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
           "--no-build-isolation"]
    env = pip_environment(tmp_path)
    subprocess.run(pip + [str(source), str(source / "compat" / "sagemaker-training"),
                          str(source / "compat" / "sagemaker-containers")],
                   env=env, check=True, cwd=tmp_path)

    write_toolkit(tmp_path / "pytorch_toolkit", "stand-in-pytorch-training",
                  "sagemaker-training>=5.0.0,<6.0.0")
    write_toolkit(tmp_path / "xgboost_toolkit", "stand-in-xgboost-container",
                  "sagemaker-containers==2.8.6.post2")
    subprocess.run(pip + [str(tmp_path / "pytorch_toolkit"), str(tmp_path / "xgboost_toolkit")],
                   env=env, check=True, cwd=tmp_path)

    shown = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import importlib.metadata as m, sagemaker_training.environment, "
         "sagemaker_containers.beta.framework; "
         "print(m.version('sagemaker-training'), m.version('sagemaker-containers'), "
         "sagemaker_training.__file__.startswith(%r))" % str(venv)],
        env=dict(env, SAGEMAKER_BASE_DIR=str(tmp_path / "base")), capture_output=True,
        text=True, check=True, cwd=tmp_path).stdout.split()
    assert shown[0].startswith("5.") and shown[1].startswith("2.8.6.post2")
    assert shown[2] == "True"

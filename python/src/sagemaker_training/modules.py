"""Installing and importing the user's code as Python modules."""

import importlib
import os
import subprocess
import sys
import textwrap

from sagemaker_training import environment, errors, files, logging_config

logger = logging_config.get_logger()

DEFAULT_MODULE_NAME = "default_user_module_name"


def exists(name):
    """Whether a module of that name can be imported."""
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def has_requirements(path):
    """Whether the folder holds a requirements.txt."""
    return os.path.exists(os.path.join(path, "requirements.txt"))


def prepare(path, name):
    """Give a folder of scripts a minimal setup.py (plus setup.cfg and MANIFEST.in) so that
    pip can install it as the package `name`; a folder with its own setup.py is left alone."""
    if os.path.exists(os.path.join(path, "setup.py")):
        return
    logger.info("Module %s has no setup.py; writing one", name)
    files.write_file(os.path.join(path, "setup.py"), textwrap.dedent("""\
        from setuptools import setup
        setup(packages=[''], name=%r, version='1.0.0', include_package_data=True)
        """ % name))
    files.write_file(os.path.join(path, "setup.cfg"), "[wheel]\nuniversal = 1\n")
    files.write_file(os.path.join(path, "MANIFEST.in"), textwrap.dedent("""\
        recursive-include . *
        recursive-exclude . __pycache__*
        recursive-exclude . *.pyc
        recursive-exclude . *.pyo
        """))


def _pip(arguments, error_class, path, capture_error):
    command = [sys.executable, "-m", "pip", "install"] + arguments
    completed = subprocess.run(command, cwd=path,
                               stderr=subprocess.PIPE if capture_error else None)
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", "replace") if completed.stderr else None
        raise error_class(cmd=" ".join(command), return_code=completed.returncode,
                          output=stderr)


def install(path, capture_error=False):
    """pip install the folder (and its requirements.txt)."""
    arguments = ["."] + (["-r", "requirements.txt"] if has_requirements(path) else [])
    _pip(arguments, errors.InstallModuleError, path, capture_error)


def install_requirements(path, capture_error=False):
    """pip install -r requirements.txt in the folder."""
    _pip(["-r", "requirements.txt"], errors.InstallRequirementsError, path, capture_error)


def python_executable():
    """This interpreter."""
    if not sys.executable:
        raise RuntimeError("Failed to retrieve the real path for the Python executable binary")
    return sys.executable


def import_module(uri, name=DEFAULT_MODULE_NAME):
    """Get the code at `uri` into the code dir, install it as package `name`, import it."""
    files.download_and_extract(uri, environment.code_dir)
    prepare(environment.code_dir, name)
    install(environment.code_dir)
    try:
        module = importlib.import_module(name)
        return importlib.reload(module)
    except Exception as error:  # any import-time failure of user code is the user's error
        raise errors.ImportModuleError(error) from error

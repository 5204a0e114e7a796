"""Running and installing the user's code as modules.

`run_module` hands `python -m <name>` to optml's train. Unlike the reference, neither it nor
`download_and_install` writes a setup.py and pip-installs the scripts: that step only made
the scripts importable, needed setuptools from the network, and the code dir on PYTHONPATH
does the same. Code with its own setup.py is still pip-installed, as its author asked.
"""

import os
import sys

from optml_toolkit.compat import handoff
from sagemaker_containers import _env, _errors, _files
from sagemaker_training.modules import (  # noqa: F401
    DEFAULT_MODULE_NAME, exists, has_requirements, import_module, install,
    install_requirements, prepare, python_executable)


def _get_code(uri):
    if uri and not str(uri).startswith("s3://"):
        _files.download_and_extract(uri, _env.code_dir)
    if _env.code_dir not in sys.path:
        sys.path.insert(0, _env.code_dir)


def download_and_install(uri, name=DEFAULT_MODULE_NAME, cache=True):
    """Get the code into the code dir and make it importable (pip-installing it only when
    it has its own setup.py)."""
    _get_code(uri)
    if os.path.exists(os.path.join(_env.code_dir, "setup.py")):
        install(_env.code_dir)


def run_module(uri, args, env_vars=None, name=DEFAULT_MODULE_NAME, cache=None, wait=True,
               capture_error=False):
    """Run `python -m name args` with this process's environment plus `env_vars`."""
    env_vars = dict(env_vars or {})
    _get_code(uri)
    _env.write_env_vars(env_vars)
    spec = handoff.entry_point_spec(uri=uri, module=name, args=args, runner="Process",
                                    capture_error=capture_error, code_dir=_env.code_dir)
    return handoff.run(spec, wait=wait, errors_module=_errors)

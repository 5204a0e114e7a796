"""What kind of program an entry point is: a Python package, a Python script or a command."""

import enum
import os


class _EntryPointType(enum.Enum):
    PYTHON_PACKAGE = "PYTHON_PACKAGE"
    PYTHON_PROGRAM = "PYTHON_PROGRAM"
    COMMAND = "COMMAND"


PYTHON_PACKAGE = _EntryPointType.PYTHON_PACKAGE
PYTHON_PROGRAM = _EntryPointType.PYTHON_PROGRAM
COMMAND = _EntryPointType.COMMAND


def get(path, name):
    """`.sh` is a command; a folder with setup.py a package; `.py` a script; else a command."""
    if name.endswith(".sh"):
        return COMMAND
    if "setup.py" in os.listdir(path):
        return PYTHON_PACKAGE
    if name.endswith(".py"):
        return PYTHON_PROGRAM
    return COMMAND

"""optml's implementation of the SageMaker training toolkit's Python API.

Framework toolkits (PyTorch, TensorFlow, MXNet, scikit-learn) import this package; the work
of running the user's program is handed to optml's `train` (see
optml_toolkit/compat/RUN_ENTRY_POINT.md).
"""

import builtins as _builtins

# Names the reference looks for in a program's stderr to find where its error starts.
_PYTHON_ERRORS_ = sorted(
    name for name, value in vars(_builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
    and not issubclass(value, Warning)
) + ["Invalid requirement", "ResourceExhaustedError", "OutOfRangeError", "InvalidArgumentError"]

_MPI_ERRORS_ = ["mpirun.real", "ORTE"]

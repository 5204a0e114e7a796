"""The interpreter programs are run with."""

from sagemaker_training.modules import python_executable  # noqa: F401

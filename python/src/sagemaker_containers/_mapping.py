"""Dictionaries as program arguments and SM_* variables (shared with sagemaker_training)."""

from sagemaker_training.mapping import (  # noqa: F401
    MappingMixin, SplitResultSpec, split_by_criteria, to_cmd_args, to_env_vars)

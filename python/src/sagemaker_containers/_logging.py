"""The package's logger."""

import logging

from sagemaker_training.logging_config import configure_logger, log_script_invocation  # noqa: F401


def get_logger():
    return logging.getLogger("sagemaker-containers")

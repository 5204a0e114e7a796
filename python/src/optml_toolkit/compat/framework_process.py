"""Set-up of the framework process train starts for SAGEMAKER_TRAINING_MODULE, done before
the framework's function runs (the reference configures logging before it calls it, so the
framework's log lines show). train's bootstrap calls `prepare()`."""

import json
import logging
import os

from sagemaker_training import logging_config


def job_log_level(environ=None):
    """The job's log level from SM_TRAINING_ENV (sagemaker_container_log_level), else INFO."""
    environ = os.environ if environ is None else environ
    try:
        level = json.loads(environ.get("SM_TRAINING_ENV") or "{}").get("log_level")
    except (ValueError, AttributeError):
        level = None
    return int(level) if isinstance(level, (int, bool)) else logging.INFO


def prepare(environ=None):
    """Configure logging at the job's level."""
    logging_config.configure_logger(job_log_level(environ))

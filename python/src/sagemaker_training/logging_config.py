"""The toolkit's logger and the logging set-up framework functions get."""

import logging

LOGGER_NAME = "sagemaker-training-toolkit"
DEFAULT_FORMAT = "%(asctime)s %(name)-12s %(levelname)-8s %(message)s"


def get_logger():
    """The toolkit's logger."""
    return logging.getLogger(LOGGER_NAME)


def configure_logger(level, log_format=DEFAULT_FORMAT):
    """Configure the root logger at `level`, quieting the AWS SDK's loggers to it."""
    logging.basicConfig(format=log_format, level=level)
    if level >= logging.INFO:
        for name in ("boto3", "s3transfer", "botocore"):
            logging.getLogger(name).setLevel(level)


def log_script_invocation(cmd, env_vars, logger=None):
    """Log that a user program starts: its command and the names of the variables it gets.
    Values are never logged: hyperparameters and variables may hold secrets."""
    logger = logger or get_logger()
    logger.info("Invoking user script %s with the variables %s",
                cmd[0] if cmd else "", ", ".join(sorted(env_vars)) or "(none)")

"""The reference's exception classes (the same classes as sagemaker_training.errors)."""

from sagemaker_training.errors import (  # noqa: F401
    ChannelDoesNotExistError, ClientError, ExecuteUserScriptError, ImportModuleError,
    InstallModuleError, UnsupportedFormatError, _CalledProcessError)

"""Remote functions: run a Python call as a job, as the SageMaker SDK's @remote and
RemoteExecutor do, with an embedded local backend (`train remote-function` processes) and a
SageMaker backend. See README.md beside this file."""

from .client import Future, RemoteExecutor, remote, validate_submit_args
from .errors import (
    DeserializationError,
    RemoteFunctionError,
    RemoteFunctionStopped,
    RuntimeEnvironmentError,
    SerializationError,
    ServiceError,
)
from .workspace import CustomFileFilter

__all__ = [
    "CustomFileFilter",
    "DeserializationError",
    "Future",
    "RemoteExecutor",
    "RemoteFunctionError",
    "RemoteFunctionStopped",
    "RuntimeEnvironmentError",
    "SerializationError",
    "ServiceError",
    "remote",
    "validate_submit_args",
]

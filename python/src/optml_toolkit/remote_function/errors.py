"""The SDK's remote-function error classes, with the same names, bases and messages.

They are the job side's classes (optml_toolkit.remote.errors) when that module is installed:
a pickled exception names its class's module, so an error the job raises (say an integrity
DeserializationError) is caught here by the same class. Without it they are defined here,
alike. Every class gets tblib's pickling support, so tracebacks travel with the exceptions.
"""

from tblib import pickling_support

try:
    from optml_toolkit.remote.errors import (  # noqa: F401 - re-exported
        DeserializationError,
        RemoteFunctionError,
        RuntimeEnvironmentError,
        SerializationError,
        ServiceError,
    )
except ImportError:

    class RemoteFunctionError(Exception):
        """The base class of the errors the remote-function client raises itself."""

        def __init__(self, message):
            self.message = message
            super().__init__(self.message)

    class ServiceError(RemoteFunctionError):
        """Talking to the storage or the job service failed."""

    class SerializationError(RemoteFunctionError):
        """The function, its arguments or its result could not be pickled."""

    class DeserializationError(RemoteFunctionError):
        """A payload could not be read back: bad metadata, a hash mismatch, or unpickling."""

    class RuntimeEnvironmentError(Exception):
        """The job failed while preparing its environment, before the function ran.

        Not a RemoteFunctionError, as in the SDK (it lives beside the bootstrap there).
        """

        def __init__(self, message):
            self.message = message
            super().__init__(self.message)


try:
    from optml_toolkit.remote.errors import RemoteFunctionStopped  # noqa: F401
except ImportError:

    class RemoteFunctionStopped(RemoteFunctionError):
        """The job was asked to stop (SIGTERM) while the function ran."""


pickling_support.install(
    RemoteFunctionError,
    ServiceError,
    SerializationError,
    DeserializationError,
    RuntimeEnvironmentError,
    RemoteFunctionStopped,
)

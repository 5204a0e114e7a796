"""The SDK's remote-function error classes, with the same names, bases and messages.

They are the job side's classes (optml_toolkit.remote.errors): a pickled exception names its
class's module, so an error the job raises (say an integrity DeserializationError) is caught
here by the same class. Every class gets tblib's pickling support, so tracebacks travel with
the exceptions.
"""

from tblib import pickling_support

from optml_toolkit.remote.errors import (  # noqa: F401 - re-exported
    DeserializationError,
    RemoteFunctionError,
    RemoteFunctionStopped,
    RuntimeEnvironmentError,
    SerializationError,
    ServiceError,
)

pickling_support.install(
    RemoteFunctionError,
    ServiceError,
    SerializationError,
    DeserializationError,
    RuntimeEnvironmentError,
    RemoteFunctionStopped,
)

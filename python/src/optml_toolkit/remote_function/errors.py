"""The SDK's remote-function error classes, with the same names, bases and messages.

Every class installs tblib's pickling support, so an exception raised in a job travels back
with its traceback and is raised here as it was raised there.
"""

from tblib import pickling_support


@pickling_support.install
class RemoteFunctionError(Exception):
    """The base class of the errors the remote-function client raises itself."""

    def __init__(self, message):
        self.message = message
        super().__init__(self.message)


@pickling_support.install
class ServiceError(RemoteFunctionError):
    """Talking to the storage or the job service failed."""


@pickling_support.install
class SerializationError(RemoteFunctionError):
    """The function, its arguments or its result could not be pickled."""


@pickling_support.install
class DeserializationError(RemoteFunctionError):
    """A payload could not be read back: bad metadata, a hash mismatch, or unpickling failed."""


@pickling_support.install
class RuntimeEnvironmentError(Exception):
    """The job failed while preparing its environment, before the function ran.

    Not a RemoteFunctionError, as in the SDK (it lives beside the bootstrap there).
    """

    def __init__(self, message):
        self.message = message
        super().__init__(self.message)

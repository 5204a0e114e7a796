"""The SageMaker SDK's remote-function error classes, as the job side raises and pickles them.

Kept free of heavy imports: the client imports these to re-raise what a job uploaded, and the
job's invoker pickles them (their module path is part of the pickled bytes).
"""


class RemoteFunctionError(Exception):
    """The base class of remote-function errors."""

    def __init__(self, message):
        self.message = message
        super().__init__(self.message)


class ServiceError(RemoteFunctionError):
    """Reading or writing the job's objects failed."""


class SerializationError(RemoteFunctionError):
    """An object could not be serialized."""


class DeserializationError(RemoteFunctionError):
    """A payload could not be read back, or failed its integrity check."""


class RemoteFunctionStopped(RemoteFunctionError):
    """The job was asked to stop (SIGTERM) while the function ran."""


class RuntimeEnvironmentError(Exception):
    """Preparing the job's runtime environment failed (the SDK's bootstrap errors)."""

    def __init__(self, message):
        self.message = message
        super().__init__(self.message)

"""The reference toolkit's exception classes, with the same names and str() shape.

With optml the text of a failed program's error comes from train's supervisor: the tail of
what the program wrote to stderr, never its command line with hyperparameter values.
"""

import textwrap


class ClientError(Exception):
    """An error of the user's code or configuration, as opposed to the toolkit's."""


class SMTrainingCompilerConfigurationError(Exception):
    """A SageMaker Training Compiler configuration error."""


class _CalledProcessError(ClientError):
    """A process ended with a non-zero status: cmd, return_code, output (stderr), extra_info."""

    def __init__(self, cmd, return_code=None, output=None, info=None):
        self.return_code = str(return_code)
        self.cmd = cmd
        self.output = output
        self.extra_info = info
        super().__init__()

    def __str__(self):
        if isinstance(self.output, bytes):
            message = self.output.decode("utf-8", "replace") if self.output else ""
        else:
            message = "%s" % self.output if self.output else ""
        lines = ["%s:" % type(self).__name__, "ExitCode %s" % self.return_code,
                 'ErrorMessage "%s"' % message]
        if self.extra_info is not None:
            lines.append('ExtraInfo "%s"' % self.extra_info)
        lines.append('Command "%s"' % self.cmd)
        return "\n".join(lines).strip()


class InstallModuleError(_CalledProcessError):
    """Installing the user's code as a package (pip install .) failed."""


class InstallRequirementsError(_CalledProcessError):
    """Installing requirements.txt failed."""


class ImportModuleError(ClientError):
    """A module could not be imported."""


class ExecuteUserScriptError(_CalledProcessError):
    """The user's program failed."""


class ChannelDoesNotExistError(Exception):
    """A channel name that the job does not have."""

    def __init__(self, channel_name):
        super().__init__("Channel %s is not a valid channel" % channel_name)


class UnsupportedFormatError(Exception):
    """A content type the framework cannot decode or encode."""

    def __init__(self, content_type, **kwargs):
        self.message = textwrap.dedent(
            """Content type %s is not supported by this framework.

            Please implement input_fn to to deserialize the request data or an output_fn to
            serialize the response. For more information, see the SageMaker Python SDK README."""
            % content_type
        )
        super().__init__(self.message, **kwargs)

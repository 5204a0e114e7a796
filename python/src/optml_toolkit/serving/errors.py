"""Errors with an HTTP status, compatible with the reference toolkit's names.

A handler may raise ``BaseInferenceToolkitError`` (or ``GenericInferenceToolkitError``) with a
status code to choose the response's status; the reference's own classes of those names work
too (they are recognised by name and ``status_code``).
"""


class BaseInferenceToolkitError(Exception):
    """An error during inference that carries the HTTP status to answer with."""

    def __init__(self, status_code, message, phrase):
        self.status_code = status_code
        self.message = message
        self.phrase = phrase
        super().__init__(status_code, message, phrase)


class GenericInferenceToolkitError(BaseInferenceToolkitError):
    def __init__(self, status_code, message=None, phrase=None):
        message = message or "Invalid Request"
        super().__init__(status_code, message, phrase or message)


class UnsupportedFormatError(BaseInferenceToolkitError):
    """A content type (415) or accept type (406) that the codecs cannot handle."""

    def __init__(self, content_type, status_code=415):
        if status_code == 406:
            message = (
                f"Accept type {content_type} is not supported by the default output_fn "
                "(it encodes application/json, application/jsonlines, text/csv and "
                "application/x-npy); implement output_fn to serialize other types."
            )
            phrase = "Not Acceptable"
        else:
            message = (
                f"Content type {content_type} is not supported by the default input_fn "
                "(it decodes application/json, application/jsonlines, text/csv, "
                "application/x-npy and application/x-npz); implement input_fn to "
                "deserialize other types."
            )
            phrase = "Unsupported Media Type"
        super().__init__(status_code, message, phrase)
        self.content_type = content_type


class UndecodableBodyError(BaseInferenceToolkitError):
    """A request body that does not decode under its declared content type (400)."""

    def __init__(self, content_type, problem):
        problem = " ".join(str(problem).split())  # one line, whatever numpy's layout
        message = f"The request body could not be decoded as {content_type}: {problem}"
        super().__init__(400, message, "Bad Request")


def status_of(error):
    """The HTTP status an exception asks for, or None when it names none.

    Any class called BaseInferenceToolkitError in the exception's ancestry counts, so errors
    from an installed sagemaker_inference package keep their status too.
    """
    status = getattr(error, "status_code", None)
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    if any(cls.__name__ == "BaseInferenceToolkitError" for cls in type(error).__mro__):
        return status
    return None

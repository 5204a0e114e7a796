"""The handlers used where the user module defines none (the reference's defaults).

The codecs (and numpy with them) are imported only by ``load_codecs``, which the transformer
calls at load time when a default input_fn or output_fn is in use: handlers that bring their
own codecs never pay for numpy.
"""

import os

from optml_toolkit.serving import content_types
from optml_toolkit.serving.errors import UnsupportedFormatError


_codecs = None


def load_codecs():
    """Imports the default codecs once; returns (decoder, encoder)."""
    global _codecs  # pylint: disable=global-statement
    if _codecs is None:
        # pylint: disable=import-outside-toplevel
        from optml_toolkit.serving import decoder, encoder
        _codecs = decoder, encoder
    return _codecs

# The reference's words, so that users find the same message in their logs.
MODEL_FN_MISSING = (
    "Please provide a model_fn implementation.\n"
    "See documentation for model_fn at https://sagemaker.readthedocs.io/en/stable/"
)
PREDICT_FN_MISSING = (
    "Please provide a predict_fn implementation.\n"
    "See documentation for predict_fn at https://sagemaker.readthedocs.io/en/stable/"
)


def default_model_fn(model_dir, context=None):
    raise NotImplementedError(MODEL_FN_MISSING)


def default_input_fn(input_data, content_type, context=None):
    decoder, _ = load_codecs()
    value, records_as_lines = decoder.decode_records(input_data, content_type)
    if context is not None and hasattr(context, "records_as_lines"):
        context.records_as_lines = records_as_lines
    return value


def default_predict_fn(data, model, context=None):
    raise NotImplementedError(PREDICT_FN_MISSING)


def default_output_fn(prediction, accept, context=None):
    """Encodes as the first type of the Accept list that the encoders support, else 406."""
    _, encoder = load_codecs()
    for entry in content_types.parse_accept(accept):
        media_type = content_types.media_type(entry)
        if media_type == content_types.ANY:
            media_type = content_types.media_type(
                os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT") or content_types.JSON
            )
        if media_type in encoder.SUPPORTED_CONTENT_TYPES:
            # Records that came in as JSON lines go back as JSON lines, one per record.
            if media_type == content_types.JSON and getattr(context, "records_as_lines", False):
                return encoder.encode(prediction, content_types.JSONLINES), media_type
            return encoder.encode(prediction, media_type), media_type
    raise UnsupportedFormatError(accept, status_code=406)

"""Predictions to response bodies, with the reference toolkit's numpy semantics.

JSON is ``json.dumps`` with ``tolist()`` for numpy values, CSV is ``np.savetxt`` with
``fmt="%s"``, NPY is ``np.save``. Additions: JSON lines (one document per record), and a scalar
prediction encodes as one CSV line where the reference fails on it.
"""

import io
import json

import numpy as np

from optml_toolkit.serving import content_types
from optml_toolkit.serving.errors import UnsupportedFormatError


def _tolist_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# What json.dumps(value, default=_tolist_default) uses, made once instead of per call.
_JSON_ENCODER = json.JSONEncoder(default=_tolist_default)


def _to_json(array_like):
    return _JSON_ENCODER.encode(array_like)


def _to_jsonlines(array_like):
    records = array_like.tolist() if hasattr(array_like, "tolist") else array_like
    if not isinstance(records, (list, tuple)):
        records = [records]
    return "".join(_JSON_ENCODER.encode(record) + "\n" for record in records)


def _to_csv(array_like):
    if np.ndim(array_like) == 0:
        array_like = np.atleast_1d(array_like)
    if (isinstance(array_like, np.ndarray) and array_like.ndim in (1, 2)
            and array_like.dtype in (np.float64, np.int64)):
        # What savetxt writes for these ("%s" of each numpy scalar is the Python repr of the
        # same value), without its per-row formatting loop.
        rows = array_like.tolist()
        if array_like.ndim == 1:
            return "".join(f"{value!r}\n" for value in rows)
        return "".join(",".join(map(repr, row)) + "\n" for row in rows)
    stream = io.StringIO()
    np.savetxt(stream, array_like, delimiter=",", fmt="%s")
    return stream.getvalue()


def _to_npy(array_like):
    buffer = io.BytesIO()
    np.save(buffer, array_like)
    return buffer.getvalue()


_ENCODERS = {
    content_types.JSON: _to_json,
    content_types.JSONLINES: _to_jsonlines,
    content_types.CSV: _to_csv,
    content_types.NPY: _to_npy,
}

SUPPORTED_CONTENT_TYPES = set(_ENCODERS)


def encode(array_like, content_type):
    """Encodes a prediction as one of the default types; 406 for any other."""
    encoder = _ENCODERS.get(content_types.media_type(content_type))
    if encoder is None:
        raise UnsupportedFormatError(content_type, status_code=406)
    return encoder(array_like)

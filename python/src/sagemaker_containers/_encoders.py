"""Encoding and decoding of request and response bodies (JSON, CSV, NPY). numpy is
imported only when an array is encoded or decoded."""

import io
import json

from sagemaker_containers import _content_types, _errors


def _numpy():
    import numpy

    return numpy


def array_to_npy(array_like):
    buffer = io.BytesIO()
    _numpy().save(buffer, array_like)
    return buffer.getvalue()


def npy_to_numpy(npy_array):
    return _numpy().load(io.BytesIO(npy_array), allow_pickle=True)


def array_to_json(array_like):
    def default(value):
        if hasattr(value, "tolist"):
            return value.tolist()
        raise TypeError("%r is not JSON serializable" % (value,))

    return json.dumps(array_like, default=default)


def json_to_numpy(string_like, dtype=None):
    return _numpy().array(json.loads(string_like), dtype=dtype)


def csv_to_numpy(string_like, dtype=None):
    text = string_like.decode("utf-8") if isinstance(string_like, bytes) else string_like
    return _numpy().genfromtxt(io.StringIO(text), dtype=dtype, delimiter=",")


def array_to_csv(array_like):
    buffer = io.StringIO()
    _numpy().savetxt(buffer, array_like, delimiter=",", fmt="%s")
    return buffer.getvalue()


_encoders_map = {_content_types.NPY: array_to_npy, _content_types.CSV: array_to_csv,
                 _content_types.JSON: array_to_json}
_decoders_map = {_content_types.NPY: npy_to_numpy, _content_types.CSV: csv_to_numpy,
                 _content_types.JSON: json_to_numpy}


def decode(obj, content_type):
    try:
        return _decoders_map[content_type](obj)
    except KeyError:
        raise _errors.UnsupportedFormatError(content_type)


def encode(array_like, content_type):
    try:
        return _encoders_map[content_type](array_like)
    except KeyError:
        raise _errors.UnsupportedFormatError(content_type)

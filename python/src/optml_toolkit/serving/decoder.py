"""Request bodies to numpy values, with the reference toolkit's numpy semantics.

JSON goes through ``json.loads`` then ``np.array``, CSV through ``np.genfromtxt`` with
``dtype=None`` (per-column types), NPY through ``np.load`` and NPZ through
``scipy.sparse.load_npz``. Differences, on purpose: a body that does not decode is a 400 that
names the problem instead of a 500; NPY bodies holding pickled objects are refused (unpickling a
request body would run the client's code); JSON lines (``application/jsonlines``, or several
JSON documents one per line under ``application/json``, as batch transform sends them) decode
to an array with one entry per line.
"""

import io
import json
import re

import numpy as np

from optml_toolkit.serving import content_types
from optml_toolkit.serving.errors import UndecodableBodyError, UnsupportedFormatError


def _text(obj, content_type):
    if isinstance(obj, str):
        return obj
    try:
        return bytes(obj).decode(content_types.charset(content_type))
    except (UnicodeDecodeError, LookupError) as error:
        raise UndecodableBodyError(content_type, str(error)) from None


def _array(data, content_type):
    try:
        return np.array(data)
    except ValueError as error:
        raise UndecodableBodyError(content_type, f"not an array: {error}") from None


def _json_lines(text, content_type):
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise UndecodableBodyError(content_type, f"line {number}: {error}") from None
    return records


def _from_json(obj, content_type):
    text = _text(obj, content_type)
    try:
        return _array(json.loads(text), content_type), False
    except json.JSONDecodeError as error:
        if not error.msg.startswith("Extra data"):
            raise UndecodableBodyError(content_type, str(error)) from None
    # Several documents: JSON lines, one record each.
    return _array(_json_lines(text, content_type), content_type), True


def _from_jsonlines(obj, content_type):
    return _array(_json_lines(_text(obj, content_type), content_type), content_type), True


# Bodies made only of these characters may take the fast path; anything else (spaces, quotes,
# comments, nan, booleans, strings) goes to genfromtxt itself.
_PLAIN_NUMBERS = re.compile(r"[0-9.,eE+\-\n]*")


def _numeric_csv(text):
    """genfromtxt(dtype=None, delimiter=",")'s result for plain numeric CSV, or None.

    The same rules, without its per-field converter machinery: every column of integers gives
    int64, every column holding a non-integer gives float64 (mixed columns make genfromtxt
    build a structured array: left to it), and the result is squeezed the same way.
    """
    if not _PLAIN_NUMBERS.fullmatch(text):
        return None
    lines = [line for line in text.split("\n") if line]
    if not lines:
        return None
    columns = lines[0].count(",") + 1
    if any(line.count(",") + 1 != columns for line in lines):
        return None  # genfromtxt names the ragged line in its error
    fields = ",".join(lines).split(",")
    try:
        values = np.array([int(field) for field in fields], dtype=np.int64)
    except (ValueError, OverflowError):
        try:
            values = np.array([float(field) for field in fields], dtype=np.float64)
        except ValueError:
            return None
        # A column that holds only integers would stay int64: a structured array, not ours.
        integral = np.array(
            [not ("." in field or "e" in field or "E" in field) for field in fields]
        ).reshape(len(lines), columns)
        if integral.all(axis=0).any():
            return None
    return np.squeeze(values.reshape(len(lines), columns))


def _from_csv(obj, content_type):
    text = _text(obj, content_type)
    fast = _numeric_csv(text)
    if fast is not None:
        return fast, False
    try:
        return np.genfromtxt(io.StringIO(text), dtype=None, delimiter=","), False
    except ValueError as error:
        raise UndecodableBodyError(content_type, str(error).strip()) from None


def _from_npy(obj, content_type):
    try:
        value = np.load(io.BytesIO(obj), allow_pickle=False)
    except Exception as error:  # numpy raises several types for malformed files
        if str(error).startswith("Object arrays"):
            problem = "the array holds Python objects (pickled data), which are never unpickled"
        elif "pickled data" in str(error):
            problem = "the body is not in NPY format (no NPY magic string)"
        else:
            problem = f"{type(error).__name__}: {error}"
        raise UndecodableBodyError(content_type, problem) from None
    if not isinstance(value, np.ndarray):
        raise UndecodableBodyError(content_type, "the body is an NPZ archive, not one array")
    return value, False


def _from_npz(obj, content_type):
    try:
        import scipy.sparse  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise RuntimeError(
            "decoding application/x-npz needs scipy (Debian package python3-scipy)"
        ) from None
    try:
        return scipy.sparse.load_npz(io.BytesIO(obj)), False
    except Exception as error:  # zipfile, numpy and scipy each raise their own types
        raise UndecodableBodyError(content_type, f"{type(error).__name__}: {error}") from None


_DECODERS = {
    content_types.JSON: _from_json,
    content_types.JSONLINES: _from_jsonlines,
    content_types.CSV: _from_csv,
    content_types.NPY: _from_npy,
    content_types.NPZ: _from_npz,
}


def decode_records(obj, content_type):
    """(value, whether the body was JSON lines); the status-carrying errors on failure."""
    decoder = _DECODERS.get(content_types.media_type(content_type))
    if decoder is None:
        raise UnsupportedFormatError(content_type, status_code=415)
    return decoder(obj, content_type)


def decode(obj, content_type):
    """Decodes a body of one of the default content types (parameters such as charset allowed)."""
    return decode_records(obj, content_type)[0]

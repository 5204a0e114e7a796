"""The codecs' fast paths give exactly what the reference's numpy calls give."""

import io
import warnings

import numpy as np
import pytest

from optml_toolkit.serving import decoder, encoder

CSV_BODIES = [
    "1,2", "1\n2", "5", "1,2\n", "1,2\n3,4", "1.5,2.5\n3,4", "1.5,2\n3,4", "1,2.5\n3,4",
    "-1,+2\n3e2,4E-1", "1.,2.\n.5,-.5", "1e400,1", "99999999999999999999,1", "1,2\n\n3,4\n\n",
    "1, 2\n3, 4", "1,2\r\n3,4\r\n", "nan,1.5", "inf,-inf", "True,False", "a,b\n1,2", "1,,3",
    "# comment\n1,2", "1,2\n3,4,5", "", "\n", "-", "e", "1e5", "0,0\n0,0", "007,8",
    "\n".join(f"{i},{i + 1}" for i in range(1000)),
    "\n".join(f"{i / 7},{i * 1e-9},{-i * 1e12}" for i in range(200)),
]


def reference_csv(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.genfromtxt(io.StringIO(text), dtype=None, delimiter=",")


@pytest.mark.parametrize("text", CSV_BODIES)
def test_csv_decoding_matches_genfromtxt(text):
    try:
        expected = reference_csv(text)
    except ValueError as error:
        with pytest.raises(Exception) as raised:
            decoder.decode(text, "text/csv")
        assert " ".join(str(error).split()) in raised.value.message
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        actual = decoder.decode(text, "text/csv")
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)


def reference_savetxt(array_like):
    stream = io.StringIO()
    np.savetxt(stream, array_like, delimiter=",", fmt="%s")
    return stream.getvalue()


def float_samples():
    rng = np.random.default_rng(11)
    magnitudes = 10.0 ** rng.integers(-30, 30, size=400)
    values = rng.standard_normal(400) * magnitudes
    special = [0.0, -0.0, 1e16, 1e15, 123456789012345.6, 1e-5, 1e-4, 0.1, 1 / 3, np.inf,
               -np.inf, np.nan, 5e-324, 1.7976931348623157e308]
    return np.concatenate([values, special])


@pytest.mark.parametrize("array_like", [
    float_samples(),
    float_samples().reshape(-1, 2),
    np.arange(-500, 500, dtype=np.int64),
    np.arange(12, dtype=np.int64).reshape(3, 4),
    np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]),
    np.arange(6, dtype=np.float32),
    [[1, 2], [3, 4]],
    np.array([[1.5, 2]], dtype=object),
])
def test_csv_encoding_matches_savetxt(array_like):
    assert encoder.encode(array_like, "text/csv") == reference_savetxt(array_like)

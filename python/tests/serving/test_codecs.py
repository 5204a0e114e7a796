"""The default input_fn/output_fn through a real worker, with the reference's numpy semantics."""

import io
import json

import numpy as np
import pytest

from conftest import LINEAR_MODEL, Launcher

ECHO_MODEL = """
def model_fn(model_dir):
    return None

def predict_fn(data, model):
    return data
"""


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("linear"))
    yield launcher.ready_worker(LINEAR_MODEL).peer
    launcher.stop_all()


@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("echo"))
    yield launcher.ready_worker(ECHO_MODEL).peer
    launcher.stop_all()


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def ok(response, content_type):
    assert response.header["status"] == 200, response.body
    assert response.header["content_type"] == content_type
    return response.body


def test_json_in_json_out(linear):
    body = ok(linear.invoke(b"[[1, 2], [3, 4]]", "application/json", "application/json"),
              "application/json")
    assert body == b"[5.0, 11.0]"


def test_csv_rows_in_csv_rows_out_one_per_record_in_order(linear):
    rows = "\n".join(f"{i},{i + 1}" for i in range(1000)).encode()
    body = ok(linear.invoke(rows, "text/csv", "text/csv"), "text/csv")
    lines = body.decode().splitlines()
    assert len(lines) == 1000
    assert lines[:3] == ["2.0", "5.0", "8.0"]
    assert lines[-1] == str(999 + 2 * 1000.0)


def test_one_csv_row_gives_one_csv_record(linear):
    assert ok(linear.invoke(b"1,2", "text/csv", "text/csv"), "text/csv") == b"5.0\n"


def test_content_type_parameters_are_accepted(linear):
    body = ok(linear.invoke(b"1,2\n3,4\n", "text/csv; charset=utf-8", "application/json"),
              "application/json")
    assert body == b"[5.0, 11.0]"
    body = ok(linear.invoke(b"[1, 1]", "Application/JSON;charset=UTF-8", None),
              "application/json")
    assert body == b"3.0"


def test_csv_decodes_with_per_column_types_like_genfromtxt_dtype_none(echo):
    assert ok(echo.invoke(b"1,2\n3,4", "text/csv", "application/json"),
              "application/json") == b"[[1, 2], [3, 4]]"
    assert ok(echo.invoke(b"1.5,2\n3,4", "text/csv", "text/csv"),
              "text/csv") == b"1.5,2\n3.0,4\n"


def test_json_decodes_through_np_array(echo):
    assert ok(echo.invoke(b'{"a": 1}', "application/json", "application/json"),
              "application/json") == b'{"a": 1}'
    assert ok(echo.invoke(b"[true, false]", "application/json", "application/json"),
              "application/json") == b"[true, false]"


def test_npy_in_npy_out(linear):
    data = np.arange(6, dtype=np.float32).reshape(3, 2)
    body = ok(linear.invoke(npy(data), "application/x-npy", "application/x-npy"),
              "application/x-npy")
    np.testing.assert_array_equal(np.load(io.BytesIO(body)), data @ np.array([1.0, 2.0]))


def test_npz_decodes_to_a_scipy_sparse_matrix(tmp_path):
    scipy_sparse = pytest.importorskip("scipy.sparse")
    launcher = Launcher(tmp_path)
    peer = launcher.ready_worker(
        """
        def model_fn(model_dir):
            return None
        def predict_fn(data, model):
            return [type(data).__name__, data.toarray()]
        """
    ).peer
    try:
        buffer = io.BytesIO()
        scipy_sparse.save_npz(buffer, scipy_sparse.csr_matrix(np.array([[0, 1], [2, 0]])))
        body = ok(peer.invoke(buffer.getvalue(), "application/x-npz", "application/json"),
                  "application/json")
        assert json.loads(body) == ["csr_matrix", [[0, 1], [2, 0]]]
    finally:
        launcher.stop_all()


def test_json_lines_give_one_line_per_record(linear):
    for content_type in ("application/jsonlines", "application/json"):
        body = ok(linear.invoke(b"[1, 2]\n[3, 4]\n\n[5, 6]\n", content_type, "application/json"),
                  "application/json")
        assert body == b"5.0\n11.0\n17.0\n"
    body = ok(linear.invoke(b"[1, 2]\n[3, 4]", "application/jsonlines", "application/jsonlines"),
              "application/jsonlines")
    assert body == b"5.0\n11.0\n"


def test_missing_or_any_accept_uses_the_default_accept(linear):
    for accept in (None, "", "*/*"):
        assert ok(linear.invoke(b"[1, 1]", "application/json", accept),
                  "application/json") == b"3.0"


def test_default_accept_comes_from_the_environment(tmp_path):
    launcher = Launcher(tmp_path)
    peer = launcher.ready_worker(
        env={"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}).peer
    try:
        assert ok(peer.invoke(b"[[1, 1], [0, 1]]", "application/json", "*/*"),
                  "text/csv") == b"3.0\n2.0\n"
        assert ok(peer.invoke(b"[[1, 1]]", "application/json", "text/html, */*"),
                  "text/csv") == b"3.0\n"
    finally:
        launcher.stop_all()


def test_accept_lists_take_the_first_supported_type(linear):
    assert ok(linear.invoke(b"[1, 1]", "application/json", "text/html, text/csv, application/json"),
              "text/csv") == b"3.0\n"
    assert ok(linear.invoke(b"[1, 1]", "application/json", "application/x-npy;q=0.9,text/csv"),
              "application/x-npy") == npy(np.float64(3.0))


def test_a_20_mib_npy_body_round_trips(echo):
    data = np.random.default_rng(7).random(20 * 1024 * 1024 // 8)
    body = ok(echo.invoke(npy(data), "application/x-npy", "application/x-npy"),
              "application/x-npy")
    assert len(body) > 20 * 1024 * 1024
    np.testing.assert_array_equal(np.load(io.BytesIO(body)), data)


def test_the_codec_modules_work_directly():
    from optml_toolkit.serving import decoder, encoder

    assert decoder.decode("[1, 2]", "application/json").tolist() == [1, 2]
    assert decoder.decode(b"1,2\n3,4", "text/csv").shape == (2, 2)
    assert encoder.encode(np.array([[1, 2]]), "text/csv") == "1,2\n"
    assert encoder.encode(np.array([1.5]), "application/json") == "[1.5]"
    assert encoder.encode({"a": np.int64(3)}, "application/json") == '{"a": 3}'

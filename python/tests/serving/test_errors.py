"""Statuses of failed requests: 415, 406, 400, the handler's own status, 500."""

import io

import numpy as np
import pytest

from conftest import LINEAR_MODEL, Launcher

TEXT = "text/plain; charset=utf-8"


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("linear"))
    yield launcher.ready_worker(LINEAR_MODEL).peer
    launcher.stop_all()


def failed(response, status):
    assert response.header["status"] == status, response.body
    assert response.header["content_type"] == TEXT
    return response.body.decode("utf-8")


def test_unsupported_content_type_is_415(linear):
    message = failed(linear.invoke(b"<a/>", "application/xml", None), 415)
    assert "Content type application/xml is not supported" in message
    assert "input_fn" in message


def test_missing_content_type_is_415(linear):
    assert "Content type None is not supported" in failed(linear.invoke(b"[1, 2]"), 415)


def test_unsupported_accept_is_406(linear):
    message = failed(linear.invoke(b"[1, 2]", "application/json", "text/html"), 406)
    assert "Accept type text/html is not supported" in message


@pytest.mark.parametrize(
    "body, content_type, problem",
    [
        (b"[1, 2", "application/json", "Expecting ',' delimiter"),
        (b"\xff\xfe[1]", "application/json", "can't decode byte 0xff"),
        (b"[1, 2]\n[3", "application/jsonlines", "line 2"),
        (b"[1, 2]\n{", "application/json", "line 2"),
        (b"[[1, 2], [3]]", "application/json", "not an array"),
        (b"1,2\n3,4,5", "text/csv", "Line #2 (got 3 columns instead of 2)"),
        (b"not an npy file", "application/x-npy", "not in NPY format"),
        (b"\x93NUMPY\x01\x00", "application/x-npy", "Error"),
        (b"1,2", "text/csv; charset=no-such-charset", "no-such-charset"),
    ],
)
def test_a_body_that_does_not_decode_is_400_naming_the_problem(linear, body, content_type,
                                                                 problem):
    message = failed(linear.invoke(body, content_type, "application/json"), 400)
    assert message.startswith(f"The request body could not be decoded as {content_type}")
    assert problem in message


def test_npy_with_pickled_objects_is_refused_with_400(linear):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    message = failed(linear.invoke(buffer.getvalue(), "application/x-npy", None), 400)
    assert "pickled" in message


@pytest.fixture(scope="module")
def raising(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("raising"))
    process = launcher.ready_worker(
        """
        from optml_toolkit.serving import errors

        class BaseInferenceToolkitError(Exception):
            # The shape of sagemaker_inference.errors.BaseInferenceToolkitError.
            def __init__(self, status_code, message, phrase):
                self.status_code, self.message, self.phrase = status_code, message, phrase
                super().__init__(status_code, message, phrase)

        def model_fn(model_dir):
            return None

        def transform_fn(model, data, content_type, accept, context):
            kind = context.get_request_header(0, "x-kind")
            if kind == "value":
                raise ValueError("the model cannot take this input")
            if kind == "generic":
                raise errors.GenericInferenceToolkitError(422, "feature 3 is out of range")
            if kind == "reference":
                raise BaseInferenceToolkitError(429, "slow down", "Too Many Requests")
            if kind == "status":
                context.set_response_status(202, "Accepted")
                return "later"
            if kind == "unserializable":
                return object()
            if kind == "silly-status":
                raise errors.GenericInferenceToolkitError(1000, "what")
            return "fine"
        """
    )
    yield process
    launcher.stop_all()


def invoke_kind(process, kind):
    return process.peer.invoke(b"{}", "application/json", None, headers={"x-kind": kind})


def test_a_handler_exception_is_500_naming_it(raising):
    message = failed(invoke_kind(raising, "value"), 500)
    assert message == "ValueError: the model cannot take this input"
    assert "Traceback" in raising.stderr()


def test_the_handlers_own_status_error_sets_the_status(raising):
    assert failed(invoke_kind(raising, "generic"), 422) == "feature 3 is out of range"
    assert failed(invoke_kind(raising, "reference"), 429) == "slow down"


def test_a_status_outside_the_http_range_becomes_500(raising):
    assert failed(invoke_kind(raising, "silly-status"), 500) == "what"


def test_a_status_set_on_the_context_is_kept(raising):
    response = invoke_kind(raising, "status")
    assert response.header["status"] == 202
    assert response.body == b"later"


def test_an_unserializable_result_is_500_naming_its_type(raising):
    message = failed(invoke_kind(raising, "unserializable"), 500)
    assert message.startswith("TypeError: the handler returned a object")


def test_the_worker_keeps_serving_after_errors(raising):
    assert invoke_kind(raising, "none").body == b"fine"


def test_missing_predict_fn_is_500_with_the_reference_message(tmp_path):
    launcher = Launcher(tmp_path)
    peer = launcher.ready_worker("def model_fn(model_dir):\n    return 1\n").peer
    try:
        message = failed(peer.invoke(b"[1]", "application/json", None), 500)
        assert message.startswith("NotImplementedError: Please provide a predict_fn")
    finally:
        launcher.stop_all()


def test_a_handler_with_the_wrong_arity_is_500_naming_it(tmp_path):
    launcher = Launcher(tmp_path)
    peer = launcher.ready_worker(
        "def model_fn(model_dir):\n    return 1\n"
        "def predict_fn(a, b, c, d):\n    return 1\n"
    ).peer
    try:
        message = failed(peer.invoke(b"[1]", "application/json", None), 500)
        assert message.startswith("TypeError: predict_fn takes 4 arguments")
    finally:
        launcher.stop_all()

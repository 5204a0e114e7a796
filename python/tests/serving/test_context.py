"""The handler's context (request headers, system properties) and the shapes of results."""

import json

import pytest

from conftest import Launcher


@pytest.fixture(scope="module")
def context_echo(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("context"))
    process = launcher.ready_worker(
        """
        import json

        def model_fn(model_dir, context):
            return {"model_dir_at_load": context.system_properties["model_dir"]}

        def transform_fn(model, data, content_type, accept, context):
            processor = context.request_processor[0]
            return json.dumps({
                "custom": context.get_request_header(0, "X-Amzn-SageMaker-Custom-Attributes"),
                "target": processor.get_request_property("x-amzn-sagemaker-target-model"),
                "inference_id": context.get_all_request_header(0).get(
                    "X-Amzn-SageMaker-Inference-Id"),
                "names": sorted(context.get_all_request_header(0)),
                "request_id": context.get_request_id(0),
                "system": context.system_properties,
                "model": model,
                "content_type": content_type,
                "accept": accept,
                "data_type": type(data).__name__,
            }), "application/json"
        """
    )
    yield process.peer, launcher
    launcher.stop_all()


def test_forwarded_headers_reach_the_context_in_any_spelling(context_echo):
    peer, launcher = context_echo
    headers = {
        "x-amzn-sagemaker-custom-attributes": "trace=abc",
        "x-amzn-sagemaker-target-model": "model-a.tar.gz",
        "x-amzn-sagemaker-inference-id": "id-42",
        "content-type": "application/json",
    }
    response = peer.invoke(b"{}", "application/json", "text/csv", headers=headers,
                           request_id=42)
    seen = json.loads(response.body)
    assert seen["custom"] == "trace=abc"
    assert seen["target"] == "model-a.tar.gz"
    assert seen["inference_id"] == "id-42"
    assert seen["names"] == sorted(headers)
    assert seen["request_id"] == "42"
    assert seen["system"]["model_dir"] == str(launcher.model_dir)
    assert seen["system"]["batch_size"] == 1
    assert seen["model"] == {"model_dir_at_load": str(launcher.model_dir)}
    assert seen["accept"] == "text/csv"


def test_headers_of_one_request_do_not_leak_into_the_next(context_echo):
    peer, _ = context_echo
    peer.invoke(b"{}", "application/json", headers={"x-amzn-sagemaker-custom-attributes": "a"})
    seen = json.loads(peer.invoke(b"{}", "application/json", headers={}).body)
    assert seen["custom"] is None and seen["names"] == []


def test_utf8_types_reach_the_handler_as_str_others_as_bytes(context_echo):
    peer, _ = context_echo
    for content_type, kind in [("application/json", "str"), ("text/csv; charset=utf-8", "str"),
                               ("application/x-npy", "bytes"), (None, "bytes")]:
        seen = json.loads(peer.invoke(b"1", content_type).body)
        assert seen["data_type"] == kind
        assert seen["content_type"] == content_type


def test_the_handler_receives_the_default_accept_for_missing_or_any(context_echo):
    peer, _ = context_echo
    for accept in (None, "*/*"):
        assert json.loads(peer.invoke(b"1", "application/json", accept).body)["accept"] == (
            "application/json")


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    launcher = Launcher(tmp_path_factory.mktemp("shapes"))
    process = launcher.ready_worker(
        """
        def model_fn(model_dir):
            return None

        def input_fn(data, content_type, context):
            return context.get_request_header(0, "x-shape")

        def predict_fn(shape, model):
            return shape

        def output_fn(shape, accept, context):
            if shape == "tuple":
                return "a,b\\n", "text/csv"
            if shape == "bytes":
                return b"\\x00\\x01"
            if shape == "dict":
                return {"a": [1, 2]}
            if shape == "header":
                context.set_response_header(0, "X-Extra", "yes")
                return "with header"
            return "plain"
        """
    )
    yield process.peer
    launcher.stop_all()


def shape(peer, name, accept="application/json"):
    return peer.invoke(b"{}", "application/json", accept, headers={"x-shape": name})


def test_a_tuple_result_sets_the_content_type(shapes):
    response = shape(shapes, "tuple")
    assert response.header["content_type"] == "text/csv"
    assert response.body == b"a,b\n"


def test_a_plain_result_takes_the_accept_as_content_type(shapes):
    response = shape(shapes, "bytes", accept="application/octet-stream")
    assert response.header["content_type"] == "application/octet-stream"
    assert response.body == b"\x00\x01"
    assert shape(shapes, "plain").body == b"plain"


def test_other_results_are_json_like_the_model_server(shapes):
    assert json.loads(shape(shapes, "dict").body) == {"a": [1, 2]}


def test_response_headers_set_on_the_context_travel_in_the_frame(shapes):
    response = shape(shapes, "header")
    assert response.header["headers"] == {"X-Extra": "yes"}
    assert "headers" not in shape(shapes, "plain").header


def test_transform_fn_plain_and_tuple_results(tmp_path):
    launcher = Launcher(tmp_path)
    peer = launcher.ready_worker(
        """
        def model_fn(model_dir):
            return 10

        def transform_fn(model, data, content_type, accept):
            if data == "tuple":
                return str(model), "text/x-number"
            return data.upper()
        """
    ).peer
    try:
        response = peer.invoke(b"tuple", "text/csv", "text/csv")
        assert (response.header["content_type"], response.body) == ("text/x-number", b"10")
        response = peer.invoke(b"abc", "text/csv", "text/csv")
        assert (response.header["content_type"], response.body) == ("text/csv", b"ABC")
    finally:
        launcher.stop_all()

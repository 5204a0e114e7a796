"""The inference contract over HTTP: routes, codecs, error statuses, limits, keep-alive,
pipelining and chunked bodies, against the built serve and a numpy model."""

import io
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import Serve, run_tests, wait_until  # noqa: E402

import numpy as np  # noqa: E402

JSON = {"Content-Type": "application/json"}


def read_response(sock_file):
    """(status, headers, body) of one HTTP/1.1 response with a Content-Length."""
    status_line = sock_file.readline().decode("latin-1")
    assert status_line.startswith("HTTP/1.1 "), status_line
    headers = {}
    while True:
        line = sock_file.readline().decode("latin-1").rstrip("\r\n")
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = sock_file.read(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


def test_ping_before_and_after_load(serve_binary):
    serve = Serve(serve_binary, workers=2)
    gate = os.path.join(serve.base, "gate")
    serve.environment["TEST_LOAD_GATE"] = gate
    try:
        serve.start()
        # Listening before the model loads: /ping answers, unhealthy.
        assert wait_until(serve.ping_status, "a /ping answer") == 503
        status, _, _ = serve.request("POST", "/invocations", body=b"[[1, 2]]", headers=JSON)
        assert status == 503
        open(gate, "w").close()
        serve.wait_healthy()
        status, headers, body = serve.request("GET", "/ping")
        assert status == 200 and headers["Content-Type"] == "application/json", headers
        assert json.loads(body) == {"status": "Healthy"}
    finally:
        serve.stop()


def test_invocations_codecs(serve_binary):
    serve = Serve(serve_binary).start()
    try:
        serve.wait_healthy()
        status, headers, body = serve.request("POST", "/invocations", body=b"[[1.5, 2.5]]",
                                              headers=JSON)
        assert status == 200, (status, body)
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == [[6.5]]

        # Parameters on the type; CSV in and out, one record per row.
        status, headers, body = serve.request(
            "POST", "/invocations", body=b"1,2\n3,4\n",
            headers={"Content-Type": "text/csv; charset=utf-8", "Accept": "text/csv"})
        assert status == 200, (status, body)
        assert headers["Content-Type"].startswith("text/csv")
        assert body.decode().split() == ["5.0", "11.0"]

        # NPY in, NPY out; the legacy ContentType spelling of the header.
        buffer = io.BytesIO()
        np.save(buffer, np.array([[1.0, 1.0], [0.0, 2.0]]))
        status, headers, body = serve.request(
            "POST", "/invocations", body=buffer.getvalue(),
            headers={"ContentType": "application/x-npy", "Accept": "application/x-npy"})
        assert status == 200, (status, body)
        assert np.load(io.BytesIO(body)).tolist() == [[3.0], [4.0]]

        # An Accept list: the first supported type wins; */* is the default accept.
        status, headers, body = serve.request(
            "POST", "/invocations", body=b"[[1, 1]]",
            headers={"Content-Type": "application/json",
                     "Accept": "application/unknown, text/csv"})
        assert status == 200 and headers["Content-Type"].startswith("text/csv"), headers
        status, headers, _ = serve.request(
            "POST", "/invocations", body=b"[[1, 1]]",
            headers={"Content-Type": "application/json", "Accept": "*/*"})
        assert status == 200 and headers["Content-Type"] == "application/json", headers
    finally:
        serve.stop()


def test_error_statuses(serve_binary):
    serve = Serve(serve_binary).start()
    try:
        serve.wait_healthy()
        status, _, body = serve.request("POST", "/invocations", body=b"abc",
                                        headers={"Content-Type": "application/unknown"})
        assert status == 415, (status, body)
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 2]]",
                                        headers={"Content-Type": "application/json",
                                                 "Accept": "application/unknown"})
        assert status == 406, (status, body)
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 2",
                                        headers=JSON)
        assert status == 400, (status, body)
        status, headers, body = serve.request("POST", "/invocations", body=b"[[-2, 0]]",
                                              headers=JSON)
        assert status == 500, (status, body)
        assert b"ValueError" in body and b"the model refuses -2" in body, body
        assert headers["Content-Type"].startswith("text/plain")
        status, _, body = serve.request("POST", "/invocations", body=b"[[-5, 0]]",
                                        headers=JSON)
        assert status == 422, (status, body)
        # The worker survived all of it.
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)
        assert status == 200 and json.loads(body) == [[3.0]]
    finally:
        serve.stop()


def test_routes_and_methods(serve_binary):
    serve = Serve(serve_binary, workers=2,
                  env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "3",
                       "SAGEMAKER_BATCH_STRATEGY": "single_record"}).start()
    try:
        serve.wait_healthy()
        status, headers, body = serve.request("GET", "/execution-parameters")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"MaxConcurrentTransforms": 2,
                                    "BatchStrategy": "SINGLE_RECORD", "MaxPayloadInMB": 3}
        assert serve.request("GET", "/nowhere")[0] == 404
        status, headers, _ = serve.request("GET", "/invocations")
        assert status == 405 and headers["Allow"] == "POST", headers
        status, headers, _ = serve.request("POST", "/ping", body=b"")
        assert status == 405 and "GET" in headers["Allow"], headers
        assert serve.request("GET", "/ping?x=1")[0] == 200
        # Headers the platform forwards reach the handler's context.
        status, _, body = serve.request(
            "POST", "/invocations", body=b"[[-6, 0]]",
            headers={"Content-Type": "application/json",
                     "X-Amzn-SageMaker-Custom-Attributes": "trace=abc"})
        assert status == 200 and json.loads(body)["attributes"] == "trace=abc", body
        # Headers the handler sets on its context reach the response, unsafe ones do not.
        status, headers, body = serve.request("POST", "/invocations", body=b"[[-8, 0]]",
                                              headers=JSON)
        assert status == 200 and json.loads(body) == [[-8.0]], body
        assert headers.get("X-Model-Version") == "7", headers
        assert "X-Injected" not in headers and "X-Evil" not in headers, headers
        assert headers["Content-Length"] == str(len(body))
    finally:
        serve.stop()


def test_payload_limit_answers_before_the_body(serve_binary):
    serve = Serve(serve_binary, env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "1"}).start()
    try:
        serve.wait_healthy()
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            # Only the head: the answer must come although no byte of the body was sent.
            sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\n"
                         b"Content-Length: 2097152\r\n\r\n")
            status, headers, body = read_response(sock.makefile("rb"))
            assert status == 413, (status, body)
            assert headers.get("connection") == "close", headers
        # Chunked bodies are counted as they arrive.
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"1" * 65536
            try:
                for _ in range(40):
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass  # the server may close while we still send
            status, _, _ = read_response(sock.makefile("rb"))
            assert status == 413
        # A body under the limit is still fine.
        buffer = io.BytesIO()
        np.save(buffer, np.ones((1000, 2)))
        status, _, body = serve.request("POST", "/invocations", body=buffer.getvalue(),
                                        headers={"Content-Type": "application/x-npy"})
        assert status == 200 and len(json.loads(body)) == 1000
    finally:
        serve.stop()


def test_no_payload_limit(serve_binary):
    # SAGEMAKER_MAX_PAYLOAD_IN_MB=0 (batch transform): any size, with a length or chunked.
    serve = Serve(serve_binary, env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "0"}).start()
    try:
        serve.wait_healthy()
        buffer = io.BytesIO()
        np.save(buffer, np.ones((500000, 2)))  # 8 MB, over the default limit
        status, _, body = serve.request("POST", "/invocations", body=buffer.getvalue(),
                                        headers={"Content-Type": "application/x-npy",
                                                 "Accept": "application/x-npy"})
        assert status == 200, (status, body[:200])
        assert np.load(io.BytesIO(body)).shape == (500000, 1)
        rows = b"1,1\n" * 1000
        connection = serve.connection()
        connection.request("POST", "/invocations", body=iter([rows[:1000], rows[1000:]]),
                           headers={"Content-Type": "text/csv", "Accept": "text/csv"},
                           encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 200
        assert response.read().decode().split() == ["3.0"] * 1000
        connection.close()
    finally:
        serve.stop()


def test_unset_payload_limit_takes_batch_transform_sizes(serve_binary):
    # Unset: /execution-parameters reports the reference's 6 MB, yet a 20 MiB body (which the
    # Java stack refuses) is answered; only a head announcing more than 100 MiB gets 413.
    serve = Serve(serve_binary).start()
    try:
        serve.wait_healthy()
        status, _, body = serve.request("GET", "/execution-parameters")
        assert status == 200 and json.loads(body)["MaxPayloadInMB"] == 6, body
        buffer = io.BytesIO()
        np.save(buffer, np.ones((1310720, 2)))  # 20 MiB of float64 plus the header
        status, _, body = serve.request("POST", "/invocations", body=buffer.getvalue(),
                                        headers={"Content-Type": "application/x-npy",
                                                 "Accept": "application/x-npy"})
        assert status == 200, (status, body[:200])
        assert np.load(io.BytesIO(body)).shape == (1310720, 1)
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % (100 * 1024 * 1024 + 1))
            status, _, body = read_response(sock.makefile("rb"))
            assert status == 413, (status, body)
    finally:
        serve.stop()


def test_keep_alive_pipelining_and_chunked(serve_binary):
    serve = Serve(serve_binary, workers=2).start()
    try:
        serve.wait_healthy()
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            sock_file = sock.makefile("rb")
            # Three requests in one write: the answers come back in order.
            sock.sendall(
                b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 8\r\n\r\n[[1, 0]]"
                b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
                b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n3\r\n[[2\r\n5\r\n, 0]]\r\n0\r\n\r\n")
            first = read_response(sock_file)
            second = read_response(sock_file)
            third = read_response(sock_file)
            assert first[0] == 200 and json.loads(first[2]) == [[1.0]], first
            assert second[0] == 200 and json.loads(second[2]) == {"status": "Healthy"}, second
            assert third[0] == 200 and json.loads(third[2]) == [[2.0]], third
            # The same connection keeps serving.
            sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(sock_file)[0] == 200
        # http.client on one keep-alive connection.
        connection = serve.connection()
        for value in range(5):
            connection.request("POST", "/invocations", body=b"[[%d, 0]]" % value, headers=JSON)
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read()) == [[float(value)]]
        connection.close()
        # Expect: 100-continue is answered before the body is sent.
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            sock_file = sock.makefile("rb")
            sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 8\r\n"
                         b"Expect: 100-continue\r\n\r\n")
            assert sock_file.readline().startswith(b"HTTP/1.1 100")
            assert sock_file.readline() == b"\r\n"
            sock.sendall(b"[[4, 0]]")
            status, _, body = read_response(sock_file)
            assert status == 200 and json.loads(body) == [[4.0]]
        # A broken request gets 400 and a closed connection.
        with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            status, headers, _ = read_response(sock.makefile("rb"))
            assert status == 400 and headers.get("connection") == "close"
    finally:
        serve.stop()


if __name__ == "__main__":
    run_tests([
        test_ping_before_and_after_load,
        test_invocations_codecs,
        test_error_statuses,
        test_routes_and_methods,
        test_payload_limit_answers_before_the_body,
        test_no_payload_limit,
        test_unset_payload_limit_takes_batch_transform_sizes,
        test_keep_alive_pipelining_and_chunked,
    ])

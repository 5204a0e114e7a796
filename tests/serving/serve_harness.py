"""Shared pieces of the black-box tests of `serve`: a temporary base dir with a numpy model,
serve started on a free loopback port, and polls with deadlines. Stdlib only (http.client)."""

import argparse
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

DEADLINE_S = 60.0
HERE = os.path.dirname(os.path.abspath(__file__))

# A linear model whose handlers obey magic first values, so one module drives every case:
# -1 dies by SIGKILL, -2 raises ValueError, -3 hangs, -4 sleeps the second value's seconds
# (after leaving a marker file), -5 raises the reference's error type with status 422.
HANDLER = '''
import os
import signal
import time

import numpy as np

from optml_toolkit.serving.errors import GenericInferenceToolkitError


def model_fn(model_dir):
    gate = os.environ.get("TEST_LOAD_GATE")
    if gate:
        while not os.path.exists(gate):
            time.sleep(0.01)
    print("model loaded in", os.getpid(), flush=True)
    return np.load(os.path.join(model_dir, "weights.npy"))


def predict_fn(data, model, context=None):
    data = np.asarray(data, dtype=float)
    first = data.flat[0] if data.size else 0
    if first == -1:
        os.kill(os.getpid(), signal.SIGKILL)
    if first == -2:
        raise ValueError("the model refuses -2")
    if first == -3:
        time.sleep(3600)
    if first == -4:
        marker_dir = os.environ["TEST_MARKER_DIR"]
        open(os.path.join(marker_dir, str(time.monotonic_ns())), "w").close()
        time.sleep(data.flat[1])
        return {"pid": os.getpid()}
    if first == -5:
        raise GenericInferenceToolkitError(422, "unprocessable by design")
    if first == -6:
        # The forwarded headers, as the handler sees them.
        properties = context.request_processor[0].get_request_properties()
        return {"attributes": properties.get("X-Amzn-SageMaker-Custom-Attributes"),
                "pid": os.getpid()}
    if first == -7:
        return {"pid": os.getpid()}
    if first == -8:
        context.set_response_header(0, "X-Model-Version", "7")
        context.set_response_header(0, "Content-Length", "1")  # the server's own: dropped
        context.set_response_header(0, "X-Injected", "a\\r\\nX-Evil: 1")  # unsafe: dropped
    return data @ model
'''


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, what, deadline_s=DEADLINE_S):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Serve:
    """One `serve` on a temporary base dir; stop() (also on failure) ends it by its PID."""

    def __init__(self, serve_binary, env=None, handler=HANDLER, workers=1, wrapper=None,
                 write_model=True):
        self.base = tempfile.mkdtemp(prefix="optml-serve-test-")
        self.code_dir = os.path.join(self.base, "model", "code")
        self.marker_dir = os.path.join(self.base, "markers")
        os.makedirs(self.code_dir)
        os.makedirs(self.marker_dir)
        if handler is not None:
            with open(os.path.join(self.code_dir, "inference.py"), "w") as module:
                module.write(handler)
        if write_model:
            import numpy as np  # python3-numpy; only the tests' own interpreter needs it
            np.save(os.path.join(self.base, "model", "weights.npy"), np.array([[1.0], [2.0]]))
        self.port = free_port()
        self.log_path = os.path.join(self.base, "serve.log")
        self.environment = dict(os.environ)
        self.environment.update({
            "SAGEMAKER_BASE_DIR": self.base,
            "SAGEMAKER_BIND_TO_PORT": str(self.port),
            "OPTML_SERVE_BIND_ADDRESS": "127.0.0.1",
            "SAGEMAKER_MODEL_SERVER_WORKERS": str(workers),
            "OPTML_PYTHON": sys.executable,
            "TEST_MARKER_DIR": self.marker_dir,
        })
        self.environment.update(env or {})
        self.command = (wrapper or []) + [serve_binary]
        self.process = None

    def start(self):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, env=self.environment, stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    def output(self):
        with open(self.log_path, "rb") as log:
            return log.read().decode("utf-8", "replace")

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = self.connection(timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def ping_status(self):
        try:
            return self.request("GET", "/ping", timeout=5)[0]
        except OSError:
            return None

    def wait_healthy(self):
        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n"
                                     + self.output())
            return self.ping_status() == 200
        wait_until(healthy, "/ping 200")
        return self

    def markers(self):
        return len(os.listdir(self.marker_dir))

    def wait_exit(self, deadline_s=DEADLINE_S):
        try:
            return self.process.wait(timeout=deadline_s)
        except subprocess.TimeoutExpired:
            raise AssertionError("serve did not exit:\n" + self.output()) from None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)


def worker_pids(serve):
    """PIDs of serve's workers as their handlers report them (magic value -7)."""
    import json
    status, _, body = serve.request("POST", "/invocations", body=b"[[-7, 0]]",
                                    headers={"Content-Type": "application/json"})
    assert status == 200, (status, body)
    return json.loads(body)["pid"]


def two_worker_pids(serve):
    """The PIDs of two different workers: one holds a request while the other answers."""
    import json
    import threading
    held = []
    thread = threading.Thread(target=lambda: held.append(serve.request(
        "POST", "/invocations", body=b"[[-4, 1]]",
        headers={"Content-Type": "application/json"}, timeout=60)))
    before = serve.markers()
    thread.start()
    wait_until(lambda: serve.markers() > before, "a request in a handler")
    other = worker_pids(serve)
    thread.join()
    status, _, body = held[0]
    assert status == 200, (status, body)
    return {json.loads(body)["pid"], other}


def write_model_folder(root, name, weights, handler=None, files=None):
    """A model folder `root/name` for multi-model serve: weights.npy, code/inference.py when
    `handler` is given, and any extra files (name -> text). Returns its path."""
    import numpy as np
    folder = os.path.join(root, name)
    os.makedirs(folder)
    np.save(os.path.join(folder, "weights.npy"), np.asarray(weights, dtype=float))
    if handler is not None:
        os.makedirs(os.path.join(folder, "code"))
        with open(os.path.join(folder, "code", "inference.py"), "w") as module:
            module.write(handler)
    for file_name, text in (files or {}).items():
        with open(os.path.join(folder, file_name), "w") as extra:
            extra.write(text)
    return folder


def json_request(serve, method, path, document=None, headers=None, timeout=60):
    """A request whose body (when given) is `document` as JSON; returns (status, headers,
    parsed JSON body or None when it is not JSON, raw body)."""
    import json
    body = None if document is None else json.dumps(document).encode()
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    status, response_headers, raw = serve.request(method, path, body=body, headers=all_headers,
                                                  timeout=timeout)
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return status, response_headers, parsed, raw


def process_gone(pid):
    """True when `pid` no longer runs (gone, or a zombie not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def run_tests(tests):
    """Runs each test(serve_binary) in order; prints failures; exits 1 if any failed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", required=True)
    parser.add_argument("--only")
    arguments = parser.parse_args()
    failures = 0
    for test in tests:
        if arguments.only and arguments.only not in test.__name__:
            continue
        started = time.monotonic()
        try:
            test(arguments.serve)
            print(f"PASS {test.__name__} ({time.monotonic() - started:.1f} s)", flush=True)
        except Exception:  # pylint: disable=broad-except
            failures += 1
            print(f"FAIL {test.__name__}", flush=True)
            traceback.print_exc()
    sys.exit(1 if failures else 0)

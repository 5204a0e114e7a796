"""Multi-model serve (SAGEMAKER_MULTI_MODEL=true; README.md, "Multi-model endpoints"): models
loaded, listed, invoked and unloaded through the management API, evicted under a memory budget,
refused with 507 when they cannot fit, and isolated from each other's crashes and hangs."""

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import (Serve, json_request, process_gone, run_tests,  # noqa: E402
                           wait_until, write_model_folder)

TARGET = "X-Amzn-SageMaker-Target-Model"
MIB = 1024 * 1024

# One handler module drives every case. CODE tells which copy answered (a model's own code/,
# the container's default code dir, SAGEMAKER_SUBMIT_DIRECTORY). model_fn leaves a marker
# naming the model and its pid (so the tests can check that a model's processes end) and obeys
# files in the model's folder: load_gate (waits while it exists), raise_value_error,
# raise_memory_error, sigkill, ballast_mib (MiB of ones it allocates and writes). predict_fn
# obeys magic first values: -1 dies by SIGKILL, -3 hangs, -4 holds the request until the test
# creates release-<model>-<second value>, -5 keeps the second value's MiB more, -9 tells where
# it runs.
HANDLER = '''
import os
import signal
import time

import numpy as np

CODE = "%s"
MIB = 1024 * 1024


def _marker(name):
    open(os.path.join(os.environ["TEST_MARKER_DIR"], name), "w").close()


def _name(model_dir):
    return os.path.basename(os.path.normpath(model_dir))


def model_fn(model_dir):
    name = _name(model_dir)
    _marker("loader-%%s-%%d" %% (name, os.getpid()))
    gate = os.path.join(model_dir, "load_gate")
    if os.path.exists(gate):  # waits until the test removes the file
        deadline = time.monotonic() + 120
        while os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.01)
    if os.path.exists(os.path.join(model_dir, "raise_value_error")):
        raise ValueError("the weights of " + name + " are corrupt")
    if os.path.exists(os.path.join(model_dir, "raise_memory_error")):
        raise MemoryError("no room for " + name)
    if os.path.exists(os.path.join(model_dir, "sigkill")):  # as the OOM killer would
        os.kill(os.getpid(), signal.SIGKILL)
    ballast = None
    ballast_path = os.path.join(model_dir, "ballast_mib")
    if os.path.exists(ballast_path):
        with open(ballast_path) as size:
            ballast = np.ones(int(size.read()) * MIB // 8)  # written, so resident
    return {"weights": np.load(os.path.join(model_dir, "weights.npy")), "dir": model_dir,
            "ballast": ballast}


def predict_fn(data, model, context=None):
    data = np.asarray(data, dtype=float)
    first = data.flat[0] if data.size else 0
    name = _name(model["dir"])
    if first == -1:
        os.kill(os.getpid(), signal.SIGKILL)
    if first == -3:
        _marker("hung-%%s-%%d" %% (name, time.monotonic_ns()))
        time.sleep(3600)
    if first == -4:
        release = os.path.join(os.environ["TEST_MARKER_DIR"],
                               "release-%%s-%%d" %% (name, int(data.flat[1])))
        _marker("held-%%s-%%d" %% (name, int(data.flat[1])))
        deadline = time.monotonic() + 120
        while not os.path.exists(release) and time.monotonic() < deadline:
            time.sleep(0.01)
    if first == -5:  # grows: keeps the second value's MiB of written pages
        model.setdefault("grown", []).append(np.ones(int(data.flat[1]) * MIB // 8))
    if first == -9:
        return {"dir": model["dir"], "code": CODE, "pid": os.getpid()}
    return data @ model["weights"]
'''
OWN_HANDLER = HANDLER % "own"
DEFAULT_HANDLER = HANDLER % "default"


def weights_for(index):
    """Model `index`'s weights: [[1, 1]] answers 11 * (index + 1), so every model differs."""
    return [[index + 1.0], [10.0 * (index + 1)]]


def expected(index, first, second=1.0):
    weights = weights_for(index)
    return [[first * weights[0][0] + second * weights[1][0]]]


class MultiModelServe(Serve):
    """A multi-model serve on a temporary base dir, with no model at start; model folders go
    under <base>/models, beside the container's default code dir <base>/models/code (where
    `default_handler` is written). workers=None leaves SAGEMAKER_MODEL_SERVER_WORKERS unset."""

    def __init__(self, serve_binary, workers=1, env=None, default_handler=None):
        settings = {"SAGEMAKER_MULTI_MODEL": "true"}
        settings.update(env or {})
        super().__init__(serve_binary, env=settings, handler=None, workers=workers or 1,
                         write_model=False)
        if workers is None:
            del self.environment["SAGEMAKER_MODEL_SERVER_WORKERS"]
        self.models_dir = os.path.join(self.base, "models")
        os.makedirs(self.models_dir)
        if default_handler is not None:
            os.makedirs(os.path.join(self.models_dir, "code"))
            with open(os.path.join(self.models_dir, "code", "inference.py"), "w") as module:
                module.write(default_handler)
        self.stderr_path = os.path.join(self.base, "serve.stderr")

    def start(self):
        # stdout and stderr apart: the spec puts the eviction log lines on stderr.
        self.log = open(self.log_path, "wb")
        self.error_log = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(self.command, env=self.environment, stdout=self.log,
                                        stderr=self.error_log, stdin=subprocess.DEVNULL)
        return self

    def errors(self):
        with open(self.stderr_path, "rb") as log:
            return log.read().decode("utf-8", "replace")

    def output(self):
        return super().output() + self.errors()

    def stop(self):
        if getattr(self, "error_log", None):
            self.error_log.close()
        super().stop()

    def model_folder(self, name, index, handler=OWN_HANDLER, files=None):
        return write_model_folder(self.models_dir, name, weights_for(index), handler, files)

    def load(self, name, url, timeout=120):
        return json_request(self, "POST", "/models", {"model_name": name, "url": url},
                            timeout=timeout)

    def load_ok(self, name, url):
        status, _, document, raw = self.load(name, url)
        assert status == 200, (name, status, raw, self.output())
        assert document == {"status": f'Model "{name}" loaded'}, document
        return url

    def invoke(self, name, data, through_invocations=False, timeout=60):
        body = json.dumps(data).encode()
        if through_invocations:
            return self.request("POST", "/invocations", body=body, timeout=timeout,
                                headers={"Content-Type": "application/json", TARGET: name})
        return self.request("POST", f"/models/{quoted(name)}/invoke", body=body, timeout=timeout,
                            headers={"Content-Type": "application/json"})

    def answer(self, name, data, through_invocations=False):
        status, _, body = self.invoke(name, data, through_invocations)
        assert status == 200, (name, data, status, body, self.output())
        return json.loads(body)

    def describe(self, name):
        status, _, document, raw = json_request(self, "GET", f"/models/{quoted(name)}")
        assert status == 200, (name, status, raw)
        return document

    def model_status(self, name):
        return self.describe(name)["status"]

    def listed(self):
        status, _, document, raw = json_request(self, "GET", "/models")
        assert status == 200, (status, raw)
        return [model["modelName"] for model in document["models"]]

    def marker_names(self):
        return os.listdir(self.marker_dir)

    def loader_pids(self, name):
        prefix = f"loader-{name}-"
        return {int(marker[len(prefix):]) for marker in self.marker_names()
                if marker.startswith(prefix)}

    def wait_held(self, name, token):
        wait_until(lambda: f"held-{name}-{token}" in self.marker_names(),
                   f"a request to {name} held in its handler")

    def release(self, name, token):
        open(os.path.join(self.marker_dir, f"release-{name}-{token}"), "w").close()

    def terminate(self):
        """SIGTERM by PID; serve must exit 0, and every model's loader must be gone."""
        self.process.send_signal(signal.SIGTERM)
        assert self.wait_exit() == 0, self.output()
        loaders = {int(marker.rsplit("-", 1)[1]) for marker in self.marker_names()
                   if marker.startswith("loader-")}
        wait_until(lambda: all(process_gone(pid) for pid in loaders),
                   "every model process gone after serve's exit")


def quoted(name):
    """A model name as a path segment (percent-encoded UTF-8)."""
    return urllib.parse.quote(name, safe="")


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def assert_error(response, status, error_type=None, in_message=()):
    """The multi-model-server error shape: {"code", "type", "message"} as application/json."""
    got_status, headers, document, raw = response
    assert got_status == status, (status, got_status, raw)
    assert (header(headers, "Content-Type") or "").startswith("application/json"), headers
    assert isinstance(document, dict), raw
    assert document.get("code") == status, raw
    assert isinstance(document.get("type"), str) and document["type"], raw
    assert isinstance(document.get("message"), str) and document["message"], raw
    if error_type is not None:
        assert document["type"] == error_type, raw
    for text in in_message:
        assert text in document["message"], (text, raw)
    return document


class PingWatcher:
    """Polls /ping in a thread until stopped; every answer must have been 200."""

    def __init__(self, serve):
        self.serve = serve
        self.statuses = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while not self.stopping.is_set():
            self.statuses.append(self.serve.ping_status())
            self.stopping.wait(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()

    def check(self):
        assert self.statuses, "no /ping was answered"
        assert set(self.statuses) == {200}, sorted(set(self.statuses), key=str)


def test_models_load_list_and_answer_concurrently(serve_binary):
    serve = MultiModelServe(serve_binary, workers=2).start()
    try:
        serve.wait_healthy()
        names = ["delta", "alpha", "charlie", "bravo"]  # registered out of order
        urls = {name: serve.model_folder(name, index) for index, name in enumerate(names)}
        index_of = {name: index for index, name in enumerate(names)}
        with PingWatcher(serve) as ping:
            # Nothing is listed before the first load.
            status, _, document, _ = json_request(serve, "GET", "/models")
            assert status == 200 and document == {"models": []}, document
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda name: serve.load_ok(name, urls[name]), names))
            # Workers start on the first invocation, not at the load.
            for name in names:
                described = serve.describe(name)
                assert described["status"] == "Loaded" and described["workers"] == [], described

            # Every model answers with its own weights, through both routes, concurrently.
            def ask(case):
                name, value, through_invocations = case
                return case, serve.answer(name, [[value, 1]], through_invocations)
            cases = [(name, value, through) for name in names for value in (1, 2, 3)
                     for through in (False, True)]
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                for (name, value, _), answer in pool.map(ask, cases):
                    assert answer == expected(index_of[name], value), (name, value, answer)

            # Sorted by name, with the urls as given.
            status, _, document, raw = json_request(serve, "GET", "/models")
            assert status == 200, raw
            assert document == {"models": [{"modelName": name, "modelUrl": urls[name]}
                                           for name in sorted(names)]}, document
            # Pages of two. As the reference (multi-model-server's handleListModels), a page
            # that reaches its limit carries a token even at the very end; the page after it
            # is empty, without a token.
            status, _, first, raw = json_request(serve, "GET", "/models?limit=2")
            assert status == 200, raw
            assert [m["modelName"] for m in first["models"]] == ["alpha", "bravo"], first
            token = first.get("nextPageToken")
            assert token == "2", first
            status, _, second, raw = json_request(
                serve, "GET", f"/models?limit=2&next_page_token={token}")
            assert status == 200, raw
            assert [m["modelName"] for m in second["models"]] == ["charlie", "delta"], second
            assert second.get("nextPageToken") == "4", second
            status, _, third, raw = json_request(serve, "GET", "/models?limit=2&next_page_token=4")
            assert status == 200 and third == {"models": []}, raw
            status, _, first, _ = json_request(serve, "GET", "/models?limit=3")
            assert len(first["models"]) == 3 and "nextPageToken" in first, first
            status, _, rest, _ = json_request(
                serve, "GET", f"/models?limit=3&next_page_token={first['nextPageToken']}")
            assert [m["modelName"] for m in rest["models"]] == ["delta"], rest
            assert "nextPageToken" not in rest, rest
            # Out-of-range limits become 100.
            for limit in ("101", "-1"):
                status, _, document, raw = json_request(serve, "GET", f"/models?limit={limit}")
                assert status == 200 and len(document["models"]) == 4, (limit, raw)
                assert "nextPageToken" not in document, (limit, raw)

            # One model's description.
            described = serve.describe("charlie")
            assert described["modelName"] == "charlie", described
            assert described["modelUrl"] == urls["charlie"], described
            assert described["status"] == "Loaded", described
            assert described["maxWorkers"] == 2, described
            workers = described["workers"]
            assert 1 <= len(workers) <= 2, described
            for worker in workers:
                assert isinstance(worker["id"], int), worker
                assert worker["status"] in ("Starting", "Ready", "Busy"), worker
                if worker["pid"] is None:  # a fork that has not said hello yet
                    assert worker["status"] == "Starting", worker
                else:
                    assert not process_gone(worker["pid"]), worker
            assert isinstance(described["memoryBytes"], int), described
            assert described["memoryBytes"] > 0, described

            # A model is listed (and "Loading") while its model_fn runs.
            slow = serve.model_folder("echo", 4, files={"load_gate": ""})
            loading = concurrent.futures.ThreadPoolExecutor(1)
            slow_load = loading.submit(serve.load, "echo", slow)
            wait_until(lambda: serve.loader_pids("echo"), "echo's model_fn running")
            assert serve.model_status("echo") == "Loading", serve.describe("echo")
            assert "echo" in serve.listed()
            assert_error(serve.load("echo", slow), 409, "ConflictStatusException")
            assert serve.answer("alpha", [[1, 1]]) == expected(index_of["alpha"], 1)
            os.remove(os.path.join(slow, "load_gate"))
            assert slow_load.result()[0] == 200, slow_load.result()
            loading.shutdown()
            assert serve.model_status("echo") == "Loaded"
            assert serve.answer("echo", [[1, 1]]) == expected(4, 1)

            # Unloading one keeps /ping 200 and the others answering.
            status, _, document, raw = json_request(serve, "DELETE", "/models/bravo")
            assert status == 200, raw
            assert serve.listed() == ["alpha", "charlie", "delta", "echo"]
            assert serve.answer("alpha", [[1, 1]], True) == expected(index_of["alpha"], 1)
        ping.check()
        serve.terminate()
    finally:
        serve.stop()


def test_model_without_code_uses_the_default_code_dir(serve_binary):
    # The default code dir is $SAGEMAKER_BASE_DIR/models/code; workers per model default to 1.
    serve = MultiModelServe(serve_binary, workers=None, default_handler=DEFAULT_HANDLER).start()
    try:
        serve.wait_healthy()
        plain = serve.load_ok("plain", serve.model_folder("plain", 0, handler=None))
        own = serve.load_ok("own", serve.model_folder("own", 1))
        answer = serve.answer("plain", [[-9, 0]])
        assert answer["code"] == "default" and answer["dir"] == plain, answer
        assert serve.answer("plain", [[1, 1]]) == expected(0, 1)
        # A model with its own code/ uses that, not the default.
        answer = serve.answer("own", [[-9, 0]], through_invocations=True)
        assert answer["code"] == "own" and answer["dir"] == own, answer
        assert serve.answer("own", [[1, 1]]) == expected(1, 1)
        assert serve.describe("own")["maxWorkers"] == 1
        serve.terminate()
    finally:
        serve.stop()
    # SAGEMAKER_SUBMIT_DIRECTORY (a local folder) names the default code dir instead.
    serve = MultiModelServe(serve_binary)
    submitted = os.path.join(serve.base, "submitted")
    os.makedirs(submitted)
    with open(os.path.join(submitted, "inference.py"), "w") as module:
        module.write(HANDLER % "submitted")
    serve.environment["SAGEMAKER_SUBMIT_DIRECTORY"] = submitted
    try:
        serve.start().wait_healthy()
        plain = serve.load_ok("plain", serve.model_folder("plain", 0, handler=None))
        answer = serve.answer("plain", [[-9, 0]])
        assert answer["code"] == "submitted" and answer["dir"] == plain, answer
        serve.terminate()
    finally:
        serve.stop()


# Eviction sizes: each model holds BALLAST_MIB of written pages plus its Python processes'
# own (about 15-35 MiB of PSS for Python with numpy, a forked worker sharing its loader's
# pages). Two models stay well under BUDGET_MIB, three are well over it.
BALLAST_MIB = 200
BUDGET_MIB = 560


def memory_serve(serve_binary):
    return MultiModelServe(serve_binary, workers=1,
                           env={"OPTML_SERVE_MODEL_MEMORY_MB": str(BUDGET_MIB)})


def ballast_folder(serve, name, index, mib=BALLAST_MIB, files=None):
    extra = {"ballast_mib": str(mib)}
    extra.update(files or {})
    return serve.model_folder(name, index, files=extra)


def wait_eviction(serve, candidates, expected_name):
    """Waits until one of `candidates` (loaded before) is evicted; it must be `expected_name`."""
    def evicted():
        return [name for name in candidates if serve.model_status(name) == "Evicted"]
    names = wait_until(evicted, f"an eviction among {candidates}")
    assert names == [expected_name], (names, memory_report(serve))


def memory_report(serve):
    return {name: (serve.describe(name)["status"], serve.describe(name)["memoryBytes"])
            for name in serve.listed()}


def test_least_recently_used_model_is_evicted(serve_binary):
    serve = memory_serve(serve_binary).start()
    try:
        serve.wait_healthy()
        for index, name in enumerate(["A", "B", "C", "D"]):
            ballast_folder(serve, name, index)
        serve.load_ok("A", os.path.join(serve.models_dir, "A"))
        serve.load_ok("B", os.path.join(serve.models_dir, "B"))
        assert serve.answer("A", [[1, 1]]) == expected(0, 1)  # B is now the least recent
        assert serve.model_status("B") == "Loaded", memory_report(serve)
        b_loaders = serve.loader_pids("B")
        serve.load_ok("C", os.path.join(serve.models_dir, "C"))
        wait_eviction(serve, ["A", "B"], "B")
        assert 'evicted model "B"' in serve.errors(), serve.output()
        assert serve.model_status("A") == "Loaded", memory_report(serve)
        assert serve.model_status("C") == "Loaded", memory_report(serve)
        assert serve.listed() == ["A", "B", "C"]  # an evicted model stays registered
        wait_until(lambda: all(process_gone(pid) for pid in b_loaders), "B's loader gone")

        # B's next invocations load it again, once, and are answered; A is now the least
        # recent.
        assert serve.answer("C", [[1, 1]]) == expected(2, 1)
        loads_before = len(serve.loader_pids("B"))
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda value: serve.answer("B", [[value, 1]], value == 2),
                                    (1, 2, 3)))
        assert answers == [expected(1, value) for value in (1, 2, 3)], answers
        assert len(serve.loader_pids("B")) == loads_before + 1, serve.marker_names()
        wait_eviction(serve, ["A", "C"], "A")
        assert 'evicted model "A"' in serve.errors(), serve.output()
        assert serve.model_status("B") == "Loaded", memory_report(serve)
        assert serve.model_status("C") == "Loaded", memory_report(serve)

        # A request in flight protects its model: B is busy (and the least recent, C being
        # asked after it), so loading D evicts C.
        results = []
        busy = threading.Thread(target=lambda: results.append(serve.invoke("B", [[-4, 1]])))
        busy.start()
        serve.wait_held("B", 1)
        assert [w["status"] for w in serve.describe("B")["workers"]] == ["Busy"]
        assert serve.answer("C", [[1, 1]]) == expected(2, 1)
        serve.load_ok("D", os.path.join(serve.models_dir, "D"))
        wait_eviction(serve, ["B", "C"], "C")
        assert serve.model_status("B") == "Loaded", memory_report(serve)
        serve.release("B", 1)
        busy.join()
        status, _, body = results[0]
        assert status == 200 and json.loads(body) == expected(1, -4), (status, body)
        assert 'evicted model "B"' not in serve.output().split('evicted model "A"', 1)[1]
        assert serve.model_status("B") == "Loaded", memory_report(serve)
        assert serve.model_status("D") == "Loaded", memory_report(serve)
        assert serve.answer("D", [[1, 1]]) == expected(3, 1)
        # An evicted model can be deleted like any other.
        status, _, document, raw = json_request(serve, "DELETE", "/models/C")
        assert status == 200 and document == {"status": 'Model "C" unloaded'}, raw
        assert serve.listed() == ["A", "B", "D"]
        serve.terminate()
    finally:
        serve.stop()


def test_a_model_that_grows_evicts_another(serve_binary):
    # Memory is measured every second too, not only after loads: a model whose worker grows
    # past the budget gets the least recently used other model evicted.
    serve = memory_serve(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("old", ballast_folder(serve, "old", 0))
        serve.load_ok("growing", serve.model_folder("growing", 1))
        assert serve.answer("old", [[1, 1]]) == expected(0, 1)
        assert serve.answer("growing", [[1, 1]]) == expected(1, 1)
        assert serve.model_status("old") == "Loaded", memory_report(serve)
        grow = BUDGET_MIB - BALLAST_MIB + 40
        assert serve.answer("growing", [[-5, grow]]) == expected(1, -5, grow)
        wait_eviction(serve, ["old", "growing"], "old")
        assert 'evicted model "old"' in serve.errors(), serve.output()
        assert serve.answer("growing", [[2, 1]]) == expected(1, 2)
        serve.terminate()
    finally:
        serve.stop()


def test_models_that_cannot_fit_get_507(serve_binary):
    serve = memory_serve(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("small", serve.model_folder("small", 0))
        # Alone over the budget.
        huge = ballast_folder(serve, "huge", 1, mib=BUDGET_MIB + 200)
        assert_error(serve.load("huge", huge), 507)
        assert serve.listed() == ["small"]
        assert_error(json_request(serve, "GET", "/models/huge"), 404)
        huge_loaders = serve.loader_pids("huge")
        assert huge_loaders, serve.output()
        wait_until(lambda: all(process_gone(pid) for pid in huge_loaders), "huge's loader gone")
        # model_fn raising MemoryError.
        short = serve.model_folder("short", 2, files={"raise_memory_error": ""})
        assert_error(serve.load("short", short), 507)
        assert serve.listed() == ["small"]
        # The loader killed by SIGKILL while loading.
        killed = serve.model_folder("killed", 4, files={"sigkill": ""})
        assert_error(serve.load("killed", killed), 507)
        assert serve.listed() == ["small"]
        # The endpoint goes on: the small model answers, another one loads.
        assert serve.answer("small", [[1, 1]]) == expected(0, 1)
        serve.load_ok("next", serve.model_folder("next", 3))
        assert serve.answer("next", [[1, 1]]) == expected(3, 1)
        # Fits alone, but not beside a model that cannot be evicted (a request in flight).
        serve.load_ok("pinned", ballast_folder(serve, "pinned", 5))
        results = []
        held = threading.Thread(target=lambda: results.append(serve.invoke("pinned", [[-4, 1]])))
        held.start()
        serve.wait_held("pinned", 1)
        wide = ballast_folder(serve, "wide", 6, mib=BUDGET_MIB - BALLAST_MIB)
        assert_error(serve.load("wide", wide), 507)
        assert serve.model_status("pinned") == "Loaded", memory_report(serve)
        serve.release("pinned", 1)
        held.join()
        status, _, body = results[0]
        assert status == 200 and json.loads(body) == expected(5, -4), (status, body)
        assert "wide" not in serve.listed()
        serve.terminate()
    finally:
        serve.stop()


def test_delete_unloads_and_stops_the_models_processes(serve_binary):
    serve = MultiModelServe(serve_binary, workers=2).start()
    try:
        serve.wait_healthy()
        url = serve.load_ok("gone", serve.model_folder("gone", 0))
        serve.load_ok("kept", serve.model_folder("kept", 1))
        for value in range(4):
            assert serve.answer("gone", [[value, 1]]) == expected(0, value)
        pids = {worker["pid"] for worker in serve.describe("gone")["workers"] if worker["pid"]}
        assert pids, serve.describe("gone")
        pids |= serve.loader_pids("gone")
        status, _, document, raw = json_request(serve, "DELETE", "/models/gone")
        assert status == 200 and document == {"status": 'Model "gone" unloaded'}, raw
        assert_error(json_request(serve, "GET", "/models/gone"), 404)
        assert_error(json_request(serve, "POST", "/models/gone/invoke", [[1, 1]]), 404,
                     "ModelNotFoundException", ["Model not found: gone"])
        assert_error(json_request(serve, "POST", "/invocations", [[1, 1]],
                                  headers={TARGET: "gone"}), 404, "ModelNotFoundException")
        wait_until(lambda: all(process_gone(pid) for pid in pids), "the model's processes gone")
        assert serve.listed() == ["kept"]
        assert serve.answer("kept", [[1, 1]]) == expected(1, 1)
        assert_error(json_request(serve, "DELETE", "/models/gone"), 404)
        assert_error(json_request(serve, "DELETE", "/models/never-loaded"), 404)
        # The name is free again.
        serve.load_ok("gone", url)
        assert serve.answer("gone", [[1, 1]]) == expected(0, 1)
        serve.terminate()
    finally:
        serve.stop()


def test_workers_start_on_demand_up_to_the_limit_with_a_queue_per_model(serve_binary):
    serve = MultiModelServe(serve_binary, workers=2, env={"OPTML_SERVE_QUEUE_SIZE": "2"}).start()
    try:
        serve.wait_healthy()
        serve.load_ok("busy", serve.model_folder("busy", 0))
        serve.load_ok("free", serve.model_folder("free", 1))
        assert serve.describe("busy")["workers"] == []
        results = {}

        def hold(token):
            results[token] = serve.invoke("busy", [[-4, token]])
        # Two requests at once: a second worker starts for the one left waiting.
        threads = [threading.Thread(target=hold, args=(token,)) for token in (1, 2)]
        for thread in threads:
            thread.start()
        serve.wait_held("busy", 1)
        serve.wait_held("busy", 2)
        workers = serve.describe("busy")["workers"]
        assert [w["status"] for w in workers] == ["Busy", "Busy"], workers
        assert len({w["pid"] for w in workers}) == 2, workers
        # No third worker: of three more requests two wait in the model's queue (size 2) and
        # one finds it full (503). Another model's queue is its own.
        more = [threading.Thread(target=hold, args=(token,)) for token in (3, 4, 5)]
        for thread in more:
            thread.start()
        wait_until(lambda: [r[0] for r in list(results.values())].count(503) == 1,
                   "a request refused by busy's full queue")
        assert len(serve.describe("busy")["workers"]) == 2
        assert serve.answer("free", [[1, 1]]) == expected(1, 1)
        for token in (1, 2, 3, 4, 5):
            serve.release("busy", token)
        for thread in threads + more:
            thread.join()
        statuses = sorted(results[token][0] for token in results)
        assert statuses == [200, 200, 200, 200, 503], results
        for token, (status, _, body) in results.items():
            if status == 200:
                assert json.loads(body) == expected(0, -4, token), (token, body)
        serve.terminate()
    finally:
        serve.stop()


def test_delete_waits_for_requests_in_flight(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("leaving", serve.model_folder("leaving", 0))
        results = {}
        held = threading.Thread(target=lambda: results.update(
            invoke=serve.invoke("leaving", [[-4, 1]])))
        held.start()
        serve.wait_held("leaving", 1)
        deleting = threading.Thread(target=lambda: results.update(
            delete=json_request(serve, "DELETE", "/models/leaving")))
        deleting.start()
        serve.release("leaving", 1)
        held.join()
        deleting.join()
        status, _, body = results["invoke"]
        assert status == 200 and json.loads(body) == expected(0, -4), (status, body)
        status, _, document, raw = results["delete"]
        assert status == 200 and document == {"status": 'Model "leaving" unloaded'}, raw
        assert serve.listed() == []
        serve.terminate()
    finally:
        serve.stop()


def test_model_fn_error_gets_500_and_is_not_registered(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("good", serve.model_folder("good", 0))
        bad = serve.model_folder("bad", 1, files={"raise_value_error": ""})
        assert_error(serve.load("bad", bad), 500,
                     in_message=["ValueError", "the weights of bad are corrupt"])
        assert serve.listed() == ["good"]
        assert_error(json_request(serve, "GET", "/models/bad"), 404)
        assert_error(json_request(serve, "POST", "/models/bad/invoke", [[1, 1]]), 404)
        assert serve.answer("good", [[1, 1]]) == expected(0, 1)
        # Not registered: once fixed, the same name loads.
        os.remove(os.path.join(bad, "raise_value_error"))
        serve.load_ok("bad", bad)
        assert serve.answer("bad", [[1, 1]]) == expected(1, 1)
        # The handler module's import raising: 500 naming it, not registered.
        broken = serve.model_folder("broken", 2, handler="import optml_no_such_module\n")
        assert_error(serve.load("broken", broken), 500,
                     in_message=["ModuleNotFoundError", "optml_no_such_module"])
        assert serve.listed() == ["bad", "good"]
        serve.terminate()
    finally:
        serve.stop()


def test_requests_during_a_load(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        # An invocation sent while its model loads waits for the load and is answered.
        slow = serve.model_folder("slow", 0, files={"load_gate": ""})
        results = {}
        loading = threading.Thread(target=lambda: results.update(load=serve.load("slow", slow)))
        loading.start()
        wait_until(lambda: serve.loader_pids("slow"), "slow's model_fn running")
        # Its bytes are sent before model_fn may return.
        asking = serve.connection()
        asking.request("POST", "/models/slow/invoke", body=b"[[1, 1]]",
                       headers={"Content-Type": "application/json"})
        os.remove(os.path.join(slow, "load_gate"))
        response = asking.getresponse()
        status, body = response.status, response.read()
        asking.close()
        assert status == 200 and json.loads(body) == expected(0, 1), (status, body)
        loading.join()
        assert results["load"][0] == 200, results["load"]
        # DELETE while a model loads: it is unloaded, its load request fails, its loader ends.
        doomed = serve.model_folder("doomed", 1, files={"load_gate": ""})
        loading = threading.Thread(target=lambda: results.update(
            doomed=serve.load("doomed", doomed)))
        loading.start()
        wait_until(lambda: serve.loader_pids("doomed"), "doomed's model_fn running")
        status, _, document, raw = json_request(serve, "DELETE", "/models/doomed")
        assert status == 200, raw
        loading.join()
        assert_error(results["doomed"], results["doomed"][0])
        assert results["doomed"][0] != 200, results["doomed"]
        assert serve.listed() == ["slow"]
        loaders = serve.loader_pids("doomed")
        wait_until(lambda: all(process_gone(pid) for pid in loaders), "doomed's loader gone")
        serve.terminate()
    finally:
        serve.stop()


def test_a_load_past_the_startup_timeout_fails(serve_binary):
    serve = MultiModelServe(serve_binary, env={"SAGEMAKER_STARTUP_TIMEOUT": "2"}).start()
    try:
        serve.wait_healthy()
        slow = serve.model_folder("slow", 0, files={"load_gate": ""})
        assert_error(serve.load("slow", slow), 500, in_message=["SAGEMAKER_STARTUP_TIMEOUT"])
        assert serve.listed() == []
        loaders = serve.loader_pids("slow")
        assert loaders, serve.output()
        wait_until(lambda: all(process_gone(pid) for pid in loaders), "the slow loader gone")
        os.remove(os.path.join(slow, "load_gate"))
        serve.load_ok("slow", slow)
        assert serve.answer("slow", [[1, 1]]) == expected(0, 1)
        serve.terminate()
    finally:
        serve.stop()


def test_request_errors(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        url = serve.load_ok("model", serve.model_folder("model", 0))
        post = {"Content-Type": "application/json"}
        # Not JSON, no url, no name, not strings, invalid names.
        response = serve.request("POST", "/models", body=b"{not json", headers=post)
        parsed = json.loads(response[2]) if response[2].startswith(b"{") else None
        assert_error((response[0], response[1], parsed, response[2]), 400)
        for document in ({"model_name": "x"}, {"url": url}, {"model_name": 7, "url": url},
                         {"model_name": "x", "url": ["a"]}, {"model_name": "", "url": url},
                         {"model_name": "a/b", "url": url},
                         {"model_name": "a\nb", "url": url},
                         {"model_name": "n" * 257, "url": url}, [1, 2]):
            assert_error(json_request(serve, "POST", "/models", document), 400)
        # The url's folder does not exist.
        missing = os.path.join(serve.models_dir, "missing")
        assert_error(serve.load("missing", missing), 404, "ModelNotFoundException")
        # The same name twice.
        other = serve.model_folder("other", 1)
        assert_error(serve.load("model", other), 409, "ConflictStatusException")
        assert serve.answer("model", [[1, 1]]) == expected(0, 1)  # the first one stays
        assert serve.listed() == ["model"]
        # /invocations needs the target header; an unknown target is 404.
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=post)
        assert status == 400, (status, body)
        assert_error(json_request(serve, "POST", "/invocations", [[1, 1]],
                                  headers={TARGET: "nobody"}), 404, "ModelNotFoundException",
                     ["Model not found: nobody"])
        assert_error(json_request(serve, "POST", "/models/nobody/invoke", [[1, 1]]), 404,
                     "ModelNotFoundException", ["Model not found: nobody"])
        assert_error(json_request(serve, "GET", "/models/nobody"), 404)
        assert_error(json_request(serve, "GET", "/models?limit=two"), 400)
        serve.terminate()
    finally:
        serve.stop()


def test_names_at_the_limits(serve_binary):
    # Valid: 256 bytes, spaces, dots, non-ASCII (percent-encoded in paths).
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        names = ["n" * 256, "my model.v2", "mod\u00e8le-\u00fc"]
        for index, name in enumerate(names):
            serve.load_ok(name, serve.model_folder(f"folder{index}", index))
        for index, name in enumerate(names):
            assert serve.answer(name, [[1, 1]]) == expected(index, 1)
            assert serve.describe(name)["modelName"] == name
        assert serve.answer("my model.v2", [[2, 1]], through_invocations=True) == expected(1, 2)
        assert sorted(serve.listed()) == sorted(names)
        status, _, document, raw = json_request(serve, "DELETE", "/models/" + quoted(names[2]))
        assert status == 200, raw
        assert sorted(serve.listed()) == sorted(names[:2])
        serve.terminate()
    finally:
        serve.stop()


def test_invocations_follow_the_single_model_rules(serve_binary):
    # Content types, the payload limit and unsupported Accept types, on both routes.
    serve = MultiModelServe(serve_binary, env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "1"}).start()
    try:
        serve.wait_healthy()
        serve.load_ok("m", serve.model_folder("m", 0))
        routes = [("/models/m/invoke", {}), ("/invocations", {TARGET: "m"})]
        oversized = b"[[" + b"1," * (MIB // 2) + b"1]]"
        for path, target in routes:
            csv = {"Content-Type": "text/csv", "Accept": "text/csv"}
            status, headers, body = serve.request("POST", path, body=b"1,1\n",
                                                  headers={**csv, **target})
            assert (status, body) == (200, b"11.0\n"), (path, status, body)
            assert header(headers, "Content-Type") == "text/csv", headers
            status, _, body = serve.request("POST", path, body=oversized,
                                            headers={"Content-Type": "application/json", **target})
            assert status == 413, (path, status, body)
            status, _, body = serve.request(
                "POST", path, body=b"[[1, 1]]",
                headers={"Content-Type": "application/json", "Accept": "application/x-nope",
                         **target})
            assert status == 406, (path, status, body)
        serve.terminate()
    finally:
        serve.stop()


def test_a_crash_does_not_touch_other_models(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("fragile", serve.model_folder("fragile", 0))
        serve.load_ok("steady", serve.model_folder("steady", 1))
        assert serve.answer("fragile", [[1, 1]]) == expected(0, 1)
        crashed_pid = serve.answer("fragile", [[-9, 0]])["pid"]
        # steady holds a request while fragile's worker dies.
        results = []
        held = threading.Thread(target=lambda: results.append(serve.invoke("steady", [[-4, 1]])))
        held.start()
        serve.wait_held("steady", 1)
        status, _, body = serve.invoke("fragile", [[-1, 0]])
        assert status == 500 and b"SIGKILL" in body, (status, body)
        serve.release("steady", 1)
        held.join()
        status, _, body = results[0]
        assert status == 200 and json.loads(body) == expected(1, -4), (status, body)
        assert serve.answer("steady", [[2, 1]], True) == expected(1, 2)
        # The crashed model answers again, from a new worker.
        assert serve.answer("fragile", [[1, 1]]) == expected(0, 1)
        assert serve.answer("fragile", [[-9, 0]])["pid"] != crashed_pid
        assert crashed_pid not in [w["pid"] for w in serve.describe("fragile")["workers"]]
        assert serve.answer("fragile", [[3, 1]], True) == expected(0, 3)
        serve.terminate()
    finally:
        serve.stop()


def test_a_hang_does_not_touch_other_models(serve_binary):
    serve = MultiModelServe(serve_binary, env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "2"}).start()
    try:
        serve.wait_healthy()
        serve.load_ok("stuck", serve.model_folder("stuck", 0))
        serve.load_ok("steady", serve.model_folder("steady", 1))
        results = []
        hung = threading.Thread(target=lambda: results.append(serve.invoke("stuck", [[-3, 0]])))
        hung.start()
        wait_until(lambda: any(m.startswith("hung-stuck-") for m in serve.marker_names()),
                   "stuck's handler hanging")
        for value in range(3):
            assert serve.answer("steady", [[value, 1]], value % 2 == 1) == expected(1, value)
        hung.join()
        status, _, body = results[0]
        assert status == 504 and b"SAGEMAKER_MODEL_SERVER_TIMEOUT" in body, (status, body)
        assert serve.answer("stuck", [[1, 1]]) == expected(0, 1)  # a new worker answers
        assert serve.answer("stuck", [[2, 1]]) == expected(0, 2)
        assert serve.answer("steady", [[1, 1]]) == expected(1, 1)
        serve.terminate()
    finally:
        serve.stop()


def test_sigterm_finishes_a_request_in_flight(serve_binary):
    serve = MultiModelServe(serve_binary).start()
    try:
        serve.wait_healthy()
        serve.load_ok("busy", serve.model_folder("busy", 0))
        serve.load_ok("idle", serve.model_folder("idle", 1))
        results = []
        held = threading.Thread(target=lambda: results.append(serve.invoke("busy", [[-4, 1]])))
        held.start()
        serve.wait_held("busy", 1)
        serve.process.send_signal(signal.SIGTERM)
        wait_until(lambda: serve.ping_status() != 200, "serve draining")
        serve.release("busy", 1)
        held.join()
        status, _, body = results[0]
        assert status == 200 and json.loads(body) == expected(0, -4), (status, body)
        assert serve.wait_exit() == 0, serve.output()
        loaders = serve.loader_pids("busy") | serve.loader_pids("idle")
        wait_until(lambda: all(process_gone(pid) for pid in loaders), "the models' processes gone")
    finally:
        serve.stop()


def test_draining_refuses_new_models(serve_binary):
    # While serve drains, /ping is 503 and POST /models 503 (README.md); new connections
    # are refused, so both are asked on connections opened before SIGTERM.
    serve = MultiModelServe(serve_binary).start()
    kept = [serve.connection(), serve.connection()]
    try:
        serve.wait_healthy()
        serve.load_ok("busy", serve.model_folder("busy", 0))
        late = serve.model_folder("late", 1)
        for connection in kept:  # open and proven alive (keep-alive)
            connection.request("GET", "/ping")
            response = connection.getresponse()
            assert response.status == 200 and not response.will_close, response.status
            response.read()
        results = []
        held = threading.Thread(target=lambda: results.append(serve.invoke("busy", [[-4, 1]])))
        held.start()
        serve.wait_held("busy", 1)
        serve.process.send_signal(signal.SIGTERM)
        wait_until(lambda: serve.ping_status() is None, "new connections refused")
        kept[0].request("GET", "/ping")
        response = kept[0].getresponse()
        ping = (response.status, response.read())
        kept[1].request("POST", "/models", body=json.dumps({"model_name": "late", "url": late}),
                        headers={"Content-Type": "application/json"})
        response = kept[1].getresponse()
        load = (response.status, response.read())
        serve.release("busy", 1)
        held.join()
        assert results[0][0] == 200, results
        assert serve.wait_exit() == 0, serve.output()
        assert (ping[0], load[0]) == (503, 503), (ping, load)
        assert not serve.loader_pids("late"), "a model was loaded while serve drained"
    finally:
        for connection in kept:
            connection.close()
        serve.stop()


if __name__ == "__main__":
    run_tests([
        test_models_load_list_and_answer_concurrently,
        test_model_without_code_uses_the_default_code_dir,
        test_least_recently_used_model_is_evicted,
        test_a_model_that_grows_evicts_another,
        test_models_that_cannot_fit_get_507,
        test_delete_unloads_and_stops_the_models_processes,
        test_workers_start_on_demand_up_to_the_limit_with_a_queue_per_model,
        test_delete_waits_for_requests_in_flight,
        test_model_fn_error_gets_500_and_is_not_registered,
        test_requests_during_a_load,
        test_a_load_past_the_startup_timeout_fails,
        test_request_errors,
        test_names_at_the_limits,
        test_invocations_follow_the_single_model_rules,
        test_a_crash_does_not_touch_other_models,
        test_a_hang_does_not_touch_other_models,
        test_sigterm_finishes_a_request_in_flight,
        test_draining_refuses_new_models,
    ])

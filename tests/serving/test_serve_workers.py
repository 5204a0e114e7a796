"""The worker pool: queue full, hung and crashed workers replaced, both preload paths."""

import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import (HANDLER, Serve, run_tests, two_worker_pids, wait_until,  # noqa: E402
                           worker_pids)

JSON = {"Content-Type": "application/json"}


def post_in_background(serve, body, results):
    def send():
        try:
            results.append(serve.request("POST", "/invocations", body=body, headers=JSON,
                                         timeout=60)[0])
        except OSError as error:
            results.append(error)
    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_queue_full_answers_503(serve_binary):
    serve = Serve(serve_binary, workers=1, env={"OPTML_SERVE_QUEUE_SIZE": "1"}).start()
    try:
        serve.wait_healthy()
        results = []
        busy = post_in_background(serve, b"[[-4, 4]]", results)  # the worker sleeps 4 s
        wait_until(lambda: serve.markers() == 1, "the first request in the handler")
        # Two more: the queue holds one, the other is refused at once.
        others = [post_in_background(serve, b"[[1, 0]]", results) for _ in range(2)]
        wait_until(lambda: 503 in results, "a 503")
        # /ping is never queued: it answers while the worker is busy and the queue full.
        assert serve.request("GET", "/ping")[0] == 200
        busy.join()
        for thread in others:
            thread.join()
        assert sorted(results) == [200, 200, 503], results
    finally:
        serve.stop()


def test_hung_handler_gets_504_and_is_replaced(serve_binary):
    serve = Serve(serve_binary, workers=1,
                  env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "2"}).start()
    try:
        serve.wait_healthy()
        before = worker_pids(serve)
        status, _, body = serve.request("POST", "/invocations", body=b"[[-3, 0]]", headers=JSON)
        assert status == 504, (status, body)
        assert b"SAGEMAKER_MODEL_SERVER_TIMEOUT" in body
        # A new worker answers (forked from the loaded model).
        wait_until(lambda: serve.ping_status() == 200, "a healthy serve again")
        after = worker_pids(serve)
        assert after != before
        wait_until(lambda: not os.path.exists(f"/proc/{before}") or
                   open(f"/proc/{before}/stat").read().split()[2] == "Z",
                   "the hung worker gone")
    finally:
        serve.stop()


def test_crashed_worker_gets_500_and_is_replaced(serve_binary):
    serve = Serve(serve_binary, workers=1).start()
    try:
        serve.wait_healthy()
        before = worker_pids(serve)
        status, _, body = serve.request("POST", "/invocations", body=b"[[-1, 0]]", headers=JSON)
        assert status == 500, (status, body)
        assert b"SIGKILL" in body, body
        wait_until(lambda: serve.ping_status() == 200, "a healthy serve again")
        after = worker_pids(serve)
        assert after != before
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)
        assert status == 200 and json.loads(body) == [[3.0]]
        assert "worker 0" in serve.output() and "SIGKILL" in serve.output()
    finally:
        serve.stop()


def loaded_pids(serve):
    return [int(line.split()[-1]) for line in serve.output().splitlines()
            if "model loaded in" in line]


def test_preload_forks_workers_from_one_load(serve_binary):
    serve = Serve(serve_binary, workers=2).start()
    try:
        serve.wait_healthy()
        # One load (the loader), two workers that are not the loader.
        assert len(loaded_pids(serve)) == 1, serve.output()
        seen = two_worker_pids(serve)
        assert len(seen) == 2
        assert loaded_pids(serve)[0] not in seen
        assert "forking 2 worker(s)" in serve.output()
    finally:
        serve.stop()


def test_without_preload_each_worker_loads(serve_binary):
    serve = Serve(serve_binary, workers=2, env={"OPTML_SERVE_PRELOAD": "false"}).start()
    try:
        serve.wait_healthy()
        loaded = loaded_pids(serve)
        assert len(loaded) == 2, serve.output()
        assert two_worker_pids(serve) == set(loaded)
        # Each worker's output comes through tagged, line by line.
        output = serve.output()
        assert "[worker 0] model loaded in" in output and "[worker 1] model loaded in" in output
        # A crash is replaced by a new process that loads the model again.
        status, _, _ = serve.request("POST", "/invocations", body=b"[[-1, 0]]", headers=JSON)
        assert status == 500
        wait_until(lambda: len(loaded_pids(serve)) == 3, "a replacement that loaded the model")
        wait_until(lambda: serve.ping_status() == 200, "healthy again")
    finally:
        serve.stop()


def test_a_dead_loader_is_restarted_for_replacements(serve_binary):
    serve = Serve(serve_binary, workers=1).start()
    try:
        serve.wait_healthy()
        assert "[loader] model loaded in" in serve.output()
        loader_pid = loaded_pids(serve)[0]
        os.kill(loader_pid, signal.SIGKILL)
        wait_until(lambda: len(loaded_pids(serve)) == 2, "a new loader with the model loaded")
        # The worker kept serving; a crash is replaced by a fork of the new loader.
        assert serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)[0] == 200
        status, _, _ = serve.request("POST", "/invocations", body=b"[[-1, 0]]", headers=JSON)
        assert status == 500
        wait_until(lambda: serve.ping_status() == 200, "healthy again")
        assert serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)[0] == 200
        assert "model loader (pid %d) ended" % loader_pid in serve.output()
    finally:
        serve.stop()


def test_unforkable_model_is_loaded_by_each_worker(serve_binary):
    # A thread started by model_fn would not survive fork: the loader says so, and serve
    # falls back to workers that each load the model.
    handler = HANDLER.replace(
        "def model_fn(model_dir):",
        "import threading\n\n\ndef model_fn(model_dir):\n"
        "    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()")
    serve = Serve(serve_binary, workers=2, handler=handler).start()
    try:
        serve.wait_healthy()
        output = serve.output()
        assert "cannot be shared by forking" in output, output
        assert len(loaded_pids(serve)) == 3, output  # the loader's, then each worker's
        assert two_worker_pids(serve) == set(loaded_pids(serve)[1:])
    finally:
        serve.stop()


if __name__ == "__main__":
    run_tests([
        test_queue_full_answers_503,
        test_hung_handler_gets_504_and_is_replaced,
        test_crashed_worker_gets_500_and_is_replaced,
        test_preload_forks_workers_from_one_load,
        test_without_preload_each_worker_loads,
        test_a_dead_loader_is_restarted_for_replacements,
        test_unforkable_model_is_loaded_by_each_worker,
    ])

"""serve's life: SIGTERM drain, SIGTERM during start-up, PID 1 in a PID namespace, start-up
failures (settings, handlers, pip) and legacy code acquisition."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import HANDLER, Serve, run_tests, wait_until  # noqa: E402

JSON = {"Content-Type": "application/json"}


def test_sigterm_drains_requests_in_flight(serve_binary):
    serve = Serve(serve_binary, workers=5).start()
    try:
        serve.wait_healthy()
        results = []
        lock = threading.Lock()

        def send():
            status, _, body = serve.request("POST", "/invocations", body=b"[[-4, 2]]",
                                            headers=JSON, timeout=60)
            with lock:
                results.append(status)

        # Five requests in the handlers when SIGTERM comes.
        threads = [threading.Thread(target=send) for _ in range(5)]
        for thread in threads:
            thread.start()
        wait_until(lambda: serve.markers() == 5, "five requests in the handlers")
        serve.process.send_signal(signal.SIGTERM)
        assert serve.wait_exit() == 0, serve.output()
        for thread in threads:
            thread.join()
        assert results == [200] * 5, (results, serve.output())
        assert serve.markers() == 5
    finally:
        serve.stop()


def test_sigterm_answers_requests_already_sent(serve_binary):
    # Requests whose bytes were sent before SIGTERM are answered, wherever they wait: read,
    # in serve's queue, or still in the kernel's accept backlog or socket buffer.
    serve = Serve(serve_binary, workers=1).start()
    try:
        serve.wait_healthy()
        results = []
        holder = threading.Thread(target=lambda: results.append(serve.request(
            "POST", "/invocations", body=b"[[-4, 1]]", headers=JSON, timeout=60)[0]))
        holder.start()
        wait_until(lambda: serve.markers() == 1, "a request in the handler")
        sockets = []
        for value in range(4):
            sock = socket.create_connection(("127.0.0.1", serve.port), timeout=60)
            sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                         b"[[%d, 0]]" % value)
            sockets.append(sock)
        serve.process.send_signal(signal.SIGTERM)
        for sock in sockets:
            status_line = sock.makefile("rb").readline()
            results.append(int(status_line.split()[1]) if status_line else None)
            sock.close()
        holder.join()
        assert results.count(200) == 5, (results, serve.output())
        assert serve.wait_exit() == 0
    finally:
        serve.stop()


def test_sigterm_during_start_up_ends_at_once(serve_binary):
    serve = Serve(serve_binary)
    serve.environment["TEST_LOAD_GATE"] = os.path.join(serve.base, "never")
    try:
        serve.start()
        wait_until(lambda: "model loader" in serve.output(), "the loader started")
        serve.process.send_signal(signal.SIGTERM)
        assert serve.wait_exit(deadline_s=10) == 0, serve.output()
        assert "during start-up" in serve.output()
    finally:
        serve.stop()


def test_pid_1_in_a_pid_namespace(serve_binary):
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        print("skipped: needs root and unshare")
        return
    serve = Serve(serve_binary, workers=2,
                  wrapper=["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"])
    try:
        serve.start()
        serve.wait_healthy()
        # serve is the namespace's init: crashed workers are still reaped and replaced.
        status, _, body = serve.request("POST", "/invocations", body=b"[[-1, 0]]", headers=JSON)
        assert status == 500 and b"SIGKILL" in body, body
        wait_until(lambda: serve.ping_status() == 200, "healthy again")
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)
        assert status == 200
        # SIGTERM to serve itself (the namespace's PID 1, a child of unshare).
        children = open(f"/proc/{serve.process.pid}/task/{serve.process.pid}/children").read()
        serve_pid = int(children.split()[0])
        os.kill(serve_pid, signal.SIGTERM)
        assert serve.wait_exit() == 0, serve.output()
        assert "every request answered" in serve.output()
    finally:
        serve.stop()


def run_to_exit(serve, deadline_s=60):
    serve.start()
    code = serve.wait_exit(deadline_s)
    return code, serve.output()


def test_bad_setting_names_the_variable(serve_binary):
    serve = Serve(serve_binary, env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "soon-ish"})
    try:
        code, output = run_to_exit(serve)
        assert code == 2, output
        assert "SAGEMAKER_MODEL_SERVER_TIMEOUT" in output and "soon-ish" not in output, output
    finally:
        serve.stop()


def test_handler_errors_end_start_up(serve_binary):
    # transform_fn together with predict_fn: a clear error at start-up, not on a request.
    handler = (HANDLER +
               "\n\ndef transform_fn(model, body, content_type, accept):\n    return body\n")
    serve = Serve(serve_binary, handler=handler)
    try:
        code, output = run_to_exit(serve)
        assert code != 0, output
        assert "transform_fn" in output, output
    finally:
        serve.stop()
    # No model_fn and no default for it: the reference's message, at start-up.
    serve = Serve(serve_binary, handler="def predict_fn(data, model):\n    return data\n",
                  env={"OPTML_SERVE_PRELOAD": "false"})
    try:
        code, output = run_to_exit(serve)
        assert code != 0, output
        assert "model_fn" in output, output
    finally:
        serve.stop()


def test_start_up_timeout(serve_binary):
    serve = Serve(serve_binary, env={"SAGEMAKER_STARTUP_TIMEOUT": "1"})
    serve.environment["TEST_LOAD_GATE"] = os.path.join(serve.base, "never")
    try:
        code, output = run_to_exit(serve)
        assert code != 0, output
        assert "SAGEMAKER_STARTUP_TIMEOUT" in output, output
    finally:
        serve.stop()


def test_requirements_failure_names_pips_complaint(serve_binary):
    serve = Serve(serve_binary)
    with open(os.path.join(serve.code_dir, "requirements.txt"), "w") as requirements:
        requirements.write("--no-index\noptml-no-such-package-anywhere==1.0\n")
    try:
        code, output = run_to_exit(serve, deadline_s=120)
        assert code != 0, output
        last = [line for line in output.splitlines() if "optml error" in line][-1]
        assert "pip install -r requirements.txt failed" in last, output
        assert "optml-no-such-package-anywhere" in last, output
    finally:
        serve.stop()


def test_submit_directory_archive(serve_binary):
    serve = Serve(serve_binary, handler=None)
    source = os.path.join(serve.base, "source")
    os.makedirs(source)
    with open(os.path.join(source, "inference.py"), "w") as module:
        module.write(HANDLER)
    archive = os.path.join(serve.base, "sourcedir.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(os.path.join(source, "inference.py"), arcname="inference.py")
    os.rmdir(serve.code_dir)
    serve.environment["SAGEMAKER_SUBMIT_DIRECTORY"] = archive
    try:
        serve.start()
        serve.wait_healthy()
        status, _, body = serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)
        assert status == 200 and json.loads(body) == [[3.0]]
        assert os.path.exists(os.path.join(serve.base, "code", "inference.py"))
    finally:
        serve.stop()
    # A local folder is used where it is.
    serve = Serve(serve_binary, handler=None)
    os.rmdir(serve.code_dir)
    folder = os.path.join(serve.base, "my-code")
    os.makedirs(folder)
    with open(os.path.join(folder, "inference.py"), "w") as module:
        module.write(HANDLER)
    serve.environment["SAGEMAKER_SUBMIT_DIRECTORY"] = folder
    try:
        serve.start()
        serve.wait_healthy()
        assert serve.request("POST", "/invocations", body=b"[[1, 1]]", headers=JSON)[0] == 200
    finally:
        serve.stop()


def test_version_and_help(serve_binary):
    result = subprocess.run([serve_binary, "--version"], capture_output=True, text=True,
                            timeout=30, check=True)
    assert result.stdout.startswith("optml serve "), result.stdout
    result = subprocess.run([serve_binary, "--help"], capture_output=True, text=True,
                            timeout=30, check=True)
    assert "/invocations" in result.stdout


if __name__ == "__main__":
    run_tests([
        test_sigterm_drains_requests_in_flight,
        test_sigterm_answers_requests_already_sent,
        test_sigterm_during_start_up_ends_at_once,
        test_pid_1_in_a_pid_namespace,
        test_bad_setting_names_the_variable,
        test_handler_errors_end_start_up,
        test_start_up_timeout,
        test_requirements_failure_names_pips_complaint,
        test_submit_directory_archive,
        test_version_and_help,
    ])

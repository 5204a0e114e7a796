"""Drives `python -m optml_toolkit.serving.worker` exactly as the serve front end does.

Each process is spawned with one end of a socketpair as fd 3, stdout and stderr to files and
stdin from /dev/null, in its own process group. The test process makes itself a child
subreaper, as the front end does, so forked workers are reparented to it and reaped by PID.
"""

import array
import ctypes
import json
import os
import signal
import socket
import struct
import sys
import textwrap
import time

import pytest

PACKAGE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "src"))
sys.path.insert(0, PACKAGE_DIR)

from optml_toolkit.serving.protocol import Connection  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36
DEADLINE_S = 60.0


def _become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


_become_subreaper()


def wait_for_exit(pid, timeout=DEADLINE_S):
    """The exit status (code, or -signal) of a child, polled with a deadline."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {pid} did not exit within {timeout} s")
        time.sleep(0.01)


def frame_bytes(header, body=b""):
    header_bytes = json.dumps(header).encode("utf-8")
    return struct.pack("<IQ", len(header_bytes), len(body)) + header_bytes + body


class Peer:
    """The front end's side of one connection."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(DEADLINE_S)
        self.connection = Connection(sock)

    def send(self, header, body=b"", fds=()):
        data = frame_bytes(header, body)
        if fds:
            # The descriptors ride on the frame's first byte, in one sendmsg.
            sent = self.sock.sendmsg(
                [data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
            )
            self.sock.sendall(data[sent:])
        else:
            self.sock.sendall(data)

    def receive(self):
        return self.connection.receive()

    def expect(self, frame_type):
        frame = self.receive()
        assert frame is not None, f"connection closed while waiting for {frame_type}"
        assert frame.type == frame_type, f"expected {frame_type}, got {frame.header}"
        return frame

    def invoke(self, body=b"", content_type=None, accept=None, headers=None, request_id=1):
        self.send(
            {
                "type": "invoke",
                "id": request_id,
                "content_type": content_type,
                "accept": accept,
                "headers": headers or {},
            },
            body,
        )
        frame = self.expect("response")
        assert frame.header["id"] == request_id
        return frame

    def close(self):
        self.sock.close()


class ServeProcess:
    """A loader or worker-role process started like the front end starts one."""

    def __init__(self, tmp_path, code_dir, model_dir, role, env=None, worker_id=None):
        self.tmp_path = tmp_path
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.stdout_path = tmp_path / f"{role}-{worker_id}.out"
        self.stderr_path = tmp_path / f"{role}-{worker_id}.err"
        environment = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("OPTML_", "SAGEMAKER_"))
        }
        environment.update(
            PYTHONPATH=os.pathsep.join([str(code_dir), PACKAGE_DIR]),
            OPTML_SERVE_FD="3",
            OPTML_SERVE_ROLE=role,
            OPTML_SERVE_MODEL_DIR=str(model_dir),
            OPTML_SERVE_CODE_DIR=str(code_dir),
        )
        if worker_id is not None:
            environment["OPTML_SERVE_WORKER_ID"] = str(worker_id)
        environment.update(env or {})
        with open(os.devnull, "rb") as stdin, open(self.stdout_path, "wb") as stdout, open(
            self.stderr_path, "wb"
        ) as stderr:
            self.pid = os.posix_spawn(
                sys.executable,
                [sys.executable, "-m", "optml_toolkit.serving.worker"],
                environment,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, stdin.fileno(), 0),
                    (os.POSIX_SPAWN_DUP2, stdout.fileno(), 1),
                    (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2),
                    (os.POSIX_SPAWN_DUP2, child_end.fileno(), 3),
                ],
                setpgroup=0,
            )
        child_end.close()
        self.peer = Peer(parent_end)
        self.exit_code = None

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")

    def wait(self, timeout=DEADLINE_S):
        if self.exit_code is None:
            self.exit_code = wait_for_exit(self.pid, timeout)
        return self.exit_code

    def stop(self):
        if self.exit_code is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.wait()
        self.peer.close()


class ForkedWorker:
    """A worker the loader forked on our command: its own connection and output files."""

    def __init__(self, loader, worker_id):
        tmp_path = loader.tmp_path
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.stdout_path = tmp_path / f"forked-{worker_id}-{time.monotonic_ns()}.out"
        self.stderr_path = self.stdout_path.with_suffix(".err")
        with open(self.stdout_path, "wb") as stdout, open(self.stderr_path, "wb") as stderr:
            loader.peer.send(
                {"type": "fork", "worker_id": worker_id},
                fds=[child_end.fileno(), stdout.fileno(), stderr.fileno()],
            )
        child_end.close()
        self.peer = Peer(parent_end)
        hello = self.peer.expect("hello")
        assert hello.header["role"] == "worker"
        assert hello.header["worker_id"] == worker_id
        self.pid = hello.header["pid"]
        self.ready = self.peer.expect("ready")
        self.exit_code = None

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def stop(self):
        if self.exit_code is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.exit_code = wait_for_exit(self.pid)
        self.peer.close()


LINEAR_MODEL = """
import os
import numpy as np

def model_fn(model_dir):
    return np.load(os.path.join(model_dir, "weights.npy"))

def predict_fn(data, model):
    return np.asarray(data, dtype=float) @ model
"""


class Launcher:
    """Writes a model dir and handler module, then starts processes on them."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.model_dir = tmp_path / "model"
        self.code_dir = self.model_dir / "code"
        self.code_dir.mkdir(parents=True)
        import numpy as np

        np.save(self.model_dir / "weights.npy", np.array([1.0, 2.0]))
        self.processes = []

    def write(self, source, name="inference.py"):
        (self.code_dir / name).write_text(textwrap.dedent(source))

    def start(self, role="worker", env=None, worker_id=0):
        process = ServeProcess(
            self.tmp_path, self.code_dir, self.model_dir, role, env=env,
            worker_id=worker_id if role == "worker" else None,
        )
        self.processes.append(process)
        return process

    def ready_worker(self, source=LINEAR_MODEL, env=None):
        """A worker-role process that loaded ``source`` and said ready."""
        self.write(source)
        process = self.start("worker", env=env)
        process.peer.expect("hello")
        ready = process.peer.receive()
        assert ready is not None and ready.type == "ready", (
            f"worker did not get ready: {ready and ready.header}; stderr: {process.stderr()}"
        )
        return process

    def stop_all(self):
        for process in self.processes:
            process.stop()


@pytest.fixture
def launcher(tmp_path):
    instance = Launcher(tmp_path)
    yield instance
    instance.stop_all()

"""A Python process of `serve`: the loader (load once, fork workers) or a worker (PROTOCOL.md).

Run as ``python -m optml_toolkit.serving.worker`` by the front end, with its connection on
fd 3 (OPTML_SERVE_FD) and the role in OPTML_SERVE_ROLE. Exit codes: 0 when the front end closes
the connection or says exit, 1 after a fatal start-up error, 2 for a broken protocol.
"""

import gc
import importlib
import os
import signal
import socket
import sys
import time
import traceback

from optml_toolkit.serving import fork_safety
from optml_toolkit.serving.protocol import Connection, ProtocolError

EXIT_FATAL = 1
EXIT_PROTOCOL = 2
_CONNECTION_FD = 3
_LAST_FRAMES = 3
_REPARENT_DEADLINE_S = 10.0
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_IMPORTLIB_DIR = os.path.dirname(importlib.__file__) + os.sep


def _environment_setting(name, default=None):
    value = os.environ.get(name)
    return value if value else default


def _gpu_count():
    try:
        return sum(1 for name in os.listdir("/dev") if name[6:].isdigit() and name[:6] == "nvidia")
    except OSError:
        return 0


def _gpu_id(worker_id):
    count = _gpu_count()
    if count == 0:
        return None
    return (worker_id or 0) % count


def new_transformer(worker_id=None):
    # Imported here, after main() has turned the collector off for the load.
    from optml_toolkit.serving.transformer import Transformer  # pylint: disable=import-outside-toplevel
    return Transformer(
        model_dir=_environment_setting("OPTML_SERVE_MODEL_DIR", "/opt/ml/model"),
        code_dir=_environment_setting("OPTML_SERVE_CODE_DIR"),
        program=_environment_setting("SAGEMAKER_PROGRAM", "inference.py"),
        default_accept=_environment_setting("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"),
        gpu_id=_gpu_id(worker_id),
    )


def fatal_message(error):
    """One paragraph: the exception's type and message, then where in the user's code (or the
    libraries it called) it was raised; the import machinery's and this package's frames are
    left out."""
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(("<frozen ", _PACKAGE_DIR, _IMPORTLIB_DIR))
    ][-_LAST_FRAMES:]
    if frames:
        where = "; ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in frames)
        text += f" (raised at {where})"
    return text


def _load(connection, transformer):
    """Loads the model; on failure reports it as fatal and returns False."""
    try:
        transformer.load()
        return True
    except BaseException as error:  # pylint: disable=broad-except
        if isinstance(error, SystemExit):
            error = RuntimeError(f"the handler code called sys.exit({error.code!r}) while loading")
        traceback.print_exc(file=sys.stderr)
        try:
            connection.send({"type": "fatal", "message": fatal_message(error),
                             "error_type": type(error).__name__})
        except OSError:
            pass
        return False


def serve_requests(connection, transformer):
    """Answers invoke frames one at a time until the front end closes or says exit."""
    while True:
        frame = connection.receive()
        if frame is None or frame.type == "exit":
            return 0
        if frame.type != "invoke":
            continue  # room for later protocol versions
        header = frame.header
        response = transformer.invoke(
            header.get("id"),
            header.get("content_type"),
            header.get("accept"),
            header.get("headers") or {},
            frame.body,
        )
        reply = {
            "type": "response",
            "id": header.get("id"),
            "status": response.status,
            "content_type": response.content_type,
        }
        if response.headers:
            reply["headers"] = {str(k): str(v) for k, v in response.headers.items()}
        connection.send(reply, response.body)


def _reset_signals():
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError, RuntimeError):
            pass


def _await_reparenting(intermediate_pid):
    """Waits until the intermediate child is gone, so that hello means "the front end is now
    this process's parent" and the front end can reap it from then on."""
    deadline = time.monotonic() + _REPARENT_DEADLINE_S
    while os.getppid() == intermediate_pid and time.monotonic() < deadline:
        time.sleep(0.0005)


def _become_worker(loader_connection, transformer, worker_id, fds, intermediate_pid):
    """In the grandchild: take the received fds as 3, 1, 2 and serve. Never returns."""
    code = EXIT_PROTOCOL
    try:
        os.setpgid(0, 0)
        # The loaded objects are frozen in the loader; this worker's own garbage is collected.
        gc.enable()
        _reset_signals()
        connection_fd, stdout_fd, stderr_fd = fds
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(stdout_fd, 1)
        os.dup2(stderr_fd, 2)
        loader_connection.detach()
        os.dup2(connection_fd, _CONNECTION_FD, inheritable=False)
        for fd in set(fds) - {1, 2, _CONNECTION_FD}:
            os.close(fd)
        connection = Connection(socket.socket(fileno=_CONNECTION_FD))
        # As a started worker would see them.
        os.environ["OPTML_SERVE_ROLE"] = "worker"
        os.environ["OPTML_SERVE_WORKER_ID"] = str(worker_id)
        transformer.context.system_properties["gpu_id"] = _gpu_id(worker_id)
        _await_reparenting(intermediate_pid)
        connection.send({"type": "hello", "role": "worker", "worker_id": worker_id,
                         "pid": os.getpid()})
        connection.send({"type": "ready", "worker_id": worker_id})
        code = serve_requests(connection, transformer)
    except BaseException:  # pylint: disable=broad-except
        traceback.print_exc(file=sys.stderr)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _fork_worker(connection, transformer, worker_id, fds):
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child != 0:
        return
    try:
        # The intermediate child exits at once, so the worker is reparented to the front end
        # (a subreaper), which owns every waitpid.
        intermediate_pid = os.getpid()
        if os.fork() == 0:
            _become_worker(connection, transformer, worker_id, fds, intermediate_pid)
    finally:
        os._exit(0)


def run_loader(connection):
    connection.send({"type": "hello", "role": "loader", "pid": os.getpid()})
    transformer = new_transformer(worker_id=0)
    if not _load(connection, transformer):
        return EXIT_FATAL
    blockers = fork_safety.fork_blockers()
    if blockers:
        gc.enable()
    else:
        # Everything loaded so far moves out of the collector's reach, so that collections in
        # the workers do not write to (and so un-share) the model's pages. The loader itself
        # only forks from now on and keeps the collector off.
        gc.freeze()
    connection.send({"type": "loaded", "fork_safe": not blockers, "reason": "; ".join(blockers)})
    # Forked children are never waited for here: the intermediate one is reaped by the kernel.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        frame = connection.receive()
        if frame is None or frame.type == "exit":
            return 0
        fds = frame.fds
        if frame.type != "fork":
            for fd in fds:
                os.close(fd)
            continue
        try:
            worker_id = frame.header.get("worker_id")
            if len(fds) != 3:
                print(f"fork command for worker {worker_id} came with {len(fds)} file "
                      "descriptors instead of 3; ignored", file=sys.stderr, flush=True)
                continue
            _fork_worker(connection, transformer, worker_id, fds)
        finally:
            for fd in fds:
                os.close(fd)


def run_worker(connection):
    worker_id = int(_environment_setting("OPTML_SERVE_WORKER_ID", "0"))
    connection.send({"type": "hello", "role": "worker", "worker_id": worker_id,
                     "pid": os.getpid()})
    transformer = new_transformer(worker_id=worker_id)
    if not _load(connection, transformer):
        return EXIT_FATAL
    # The model and modules live as long as the worker: later collections skip them.
    gc.freeze()
    gc.enable()
    connection.send({"type": "ready", "worker_id": worker_id})
    return serve_requests(connection, transformer)


def main():
    # Loading creates objects that live as long as the process: collections during the load
    # are wasted work, and in the loader they would also dirty pages the workers share. As
    # Python's gc documentation advises for fork servers: off early, frozen before the fork,
    # on again in each worker.
    gc.disable()
    # Every role runs with default signal dispositions (Python's own SIGINT handler and ignored
    # SIGPIPE included), so handlers behave alike in forked and in started workers.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    _reset_signals()
    # The front end relays stdout line by line; a block-buffered pipe would hold lines back.
    sys.stdout.reconfigure(line_buffering=True)
    fd = int(_environment_setting("OPTML_SERVE_FD", str(_CONNECTION_FD)))
    role = _environment_setting("OPTML_SERVE_ROLE", "worker")
    # User code's subprocesses must not keep the connection open after this process dies.
    os.set_inheritable(fd, False)
    connection = Connection(socket.socket(fileno=fd), accept_fds=(role == "loader"))
    try:
        if role == "loader":
            return run_loader(connection)
        if role == "worker":
            return run_worker(connection)
        connection.send({"type": "fatal",
                         "message": f"OPTML_SERVE_ROLE is {role!r}; expected loader or worker"})
        return EXIT_FATAL
    except ProtocolError as error:
        print(f"serve protocol error: {error}", file=sys.stderr, flush=True)
        return EXIT_PROTOCOL
    except (BrokenPipeError, ConnectionResetError):
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""XGBoost's own tracker for a multi-host job, run by the leader's train as a helper:
python -c <this> PORT HOST_ADDRESS.

1. Listens on PORT before anything slow (XGBoost 1.7-2.0, whose tracker is Python and takes a
   socket): SO_REUSEADDR, so a port that served a stopped job binds again at once, and workers
   that arrive early wait in the backlog instead of being refused (XGBoost then sleeps 2 s
   before it retries). Prints "optml-xgboost-tracker-listening PORT" once listening.
2. Imports xgboost (about a second) while train waits for the hosts to join, then reads the
   number of workers from stdin (train writes it once every host joined).
3. Runs the tracker until every worker shut down (exit 0); an error ends it non-zero.

XGBoost >= 2.1 has a C++ tracker that binds its own socket: the tracker is built once the
number of workers is known, on PORT, or on a free port when PORT cannot be bound, and the
line above names the port it really listens on.

A connection that closes before sending anything (a port probe) would make 1.7's tracker
spin forever in recvall; such connections are dropped before the tracker sees them, and a
worker that vanishes mid-handshake ends the tracker with an error instead of a spin.
"""
import importlib.util
import os
import socket
import sys

READY = "optml-xgboost-tracker-listening"
# How long an accepted connection may take to send its first bytes (the magic number).
FIRST_BYTES_TIMEOUT = 30


def installed_version():
    """XGBoost's version from its VERSION file, without importing it (that takes a second)."""
    spec = importlib.util.find_spec("xgboost")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The XGBoost runner needs the xgboost package for %s (Debian: "
                         "python3-xgboost)." % sys.executable)
    for location in spec.submodule_search_locations:
        try:
            with open(os.path.join(location, "VERSION")) as f:
                text = f.read().strip()
        except OSError:
            continue
        parts = []
        for part in text.split(".")[:2]:
            digits = "".join(c for c in part if c.isdigit())
            parts.append(int(digits or 0))
        return tuple(parts)
    return (0, 0)


def announce(port):
    print("%s %d" % (READY, port), flush=True)


def read_worker_count():
    line = sys.stdin.readline()
    if not line.strip():
        raise SystemExit(0)  # train went away before every host joined: nothing to track
    return int(line)


class ProbeFilteringListener:
    """The listening socket as 1.7's tracker uses it (accept, close), passing on only
    connections that send something."""

    def __init__(self, listener):
        self._listener = listener

    def accept(self):
        while True:
            connection, address = self._listener.accept()
            connection.settimeout(FIRST_BYTES_TIMEOUT)
            try:
                first = connection.recv(4, socket.MSG_PEEK)
            except OSError:
                first = b""
            if first:
                connection.settimeout(None)
                return connection, address
            connection.close()

    def close(self):
        self._listener.close()

    def getsockname(self):
        return self._listener.getsockname()


def python_tracker_module():
    """xgboost/tracker.py of 1.7-2.0 needs only the standard library: loaded on its own it
    takes milliseconds instead of the package's second (numpy, scipy, libxgboost), which the
    hosts' programs are busy spending at the same time. The package's import otherwise."""
    spec = importlib.util.find_spec("xgboost")
    for location in spec.submodule_search_locations or []:
        path = os.path.join(location, "tracker.py")
        try:
            alone = importlib.util.spec_from_file_location("optml_xgboost_tracker", path)
            module = importlib.util.module_from_spec(alone)
            alone.loader.exec_module(module)
            return module
        except (ImportError, OSError):
            continue
    from xgboost import tracker
    return tracker


def python_tracker(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(256)
    announce(listener.getsockname()[1])

    xgboost_tracker = python_tracker_module()

    def recvall_or_fail(self, nbytes):
        chunks = []
        received = 0
        while received < nbytes:
            chunk = self.sock.recv(min(nbytes - received, 1024))
            if not chunk:
                raise ConnectionError("a worker closed its connection to the tracker")
            received += len(chunk)
            chunks.append(chunk)
        return b"".join(chunks)

    xgboost_tracker.ExSocket.recvall = recvall_or_fail
    workers = read_worker_count()
    # Built on an ephemeral port, then given the listening socket: only `sock` and `port`
    # are the tracker's own, the rest is its bookkeeping.
    tracker = xgboost_tracker.RabitTracker(host_ip="0.0.0.0", n_workers=workers, port=0,
                                           sortby="task")
    tracker.sock.close()
    tracker.sock = ProbeFilteringListener(listener)
    tracker.port = port
    tracker.accept_workers(workers)


def native_tracker(port, address):
    from xgboost.tracker import RabitTracker

    workers = read_worker_count()
    try:
        tracker = RabitTracker(n_workers=workers, host_ip=address, port=port, sortby="task")
    except Exception as error:  # the port is taken (a socket of the last job in TIME_WAIT)
        print("port %d cannot be bound (%s); the tracker takes a free port" % (port, error),
              file=sys.stderr, flush=True)
        tracker = RabitTracker(n_workers=workers, host_ip=address, port=0, sortby="task")
    tracker.start()
    announce(int(tracker.worker_args()["dmlc_tracker_port"]))
    tracker.wait_for()


def main():
    port = int(sys.argv[1])
    address = sys.argv[2]
    if installed_version() >= (2, 1):
        native_tracker(port, socket.gethostbyname(address))
    else:
        python_tracker(port)


main()

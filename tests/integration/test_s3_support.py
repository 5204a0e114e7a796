"""Shared pieces of the S3 tests: a local s3rver, a fault-injecting proxy, a tiny S3 reader.

Imported by the other test_s3_*.py files; run directly (as CTest does) it tests itself.
Everything listens on 127.0.0.1 only; nothing here can reach AWS or 169.254.x.x.
s3rver (npm, pinned 3.7.1) lives in tests/.node, installed by scripts/install-deps.sh.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(HERE, "..", ".node", "node_modules")
S3RVER = os.path.join(NODE_MODULES, "s3rver", "bin", "s3rver.js")

# s3rver's fixed credentials; train gets them as ordinary AWS_* variables.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
               "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def missing_prerequisite():
    """Why the S3 tests cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (scripts/install-deps.sh installs it)"
    if not os.path.exists(S3RVER):
        return "s3rver is not installed under tests/.node (run scripts/install-deps.sh)"
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, deadline_seconds=20.0, process=None):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)  # polling a port that is not open yet, bounded by the deadline
    return False


class S3rver:
    """s3rver on a free loopback port with its data in a temporary folder."""

    def __init__(self, buckets=()):
        self.directory = tempfile.mkdtemp(prefix="optml-s3rver-")
        self.process = None
        for _ in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            command = ["node", S3RVER, "--directory", self.directory, "--address", "127.0.0.1",
                       "--port", str(self.port), "--silent", "--no-vhost-buckets"]
            for bucket in buckets:
                command += ["--configure-bucket", bucket]
            env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            start_new_session=True)
            if wait_for_port(self.port, process=self.process):
                return
            self.stop()
        raise RuntimeError("s3rver did not start")

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    # s3rver accepts unsigned requests, so the tests read and write with plain HTTP and stay
    # independent of the client under test.
    def url(self, bucket, key=""):
        return "%s/%s/%s" % (self.endpoint, bucket, urllib.request.quote(key))

    def put(self, bucket, key, data):
        request = urllib.request.Request(self.url(bucket, key), data=data, method="PUT")
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    def get(self, bucket, key):
        """The object's bytes, or None when it does not exist."""
        try:
            with urllib.request.urlopen(self.url(bucket, key), timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise


class FaultProxy:
    """A TCP proxy in front of a server that spoils the first connections on purpose.

    faults: a list consumed one per accepted connection, each "drop" (close after reading the
    request head), "500" (answer HTTP 500 without forwarding), "cut" (forward, then cut the
    answer after cut_bytes bytes) or None (forward untouched); later connections are forwarded.
    """

    def __init__(self, target_port, faults, cut_bytes=65536):
        self.target_port = target_port
        self.faults = list(faults)
        self.cut_bytes = cut_bytes
        self.served = []
        self.forwarded_heads = []  # the start of each forwarded request, lower-cased
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.stopping = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        self.listener.close()
        self.thread.join(timeout=10)

    def _serve(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            fault = self.faults.pop(0) if self.faults else None
            self.served.append(fault)
            threading.Thread(target=self._handle, args=(client, fault), daemon=True).start()

    def _handle(self, client, fault):
        with client:
            if fault in ("drop", "500"):
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                if fault == "500":
                    body = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
                    client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: %d\r\n"
                                   b"Connection: close\r\n\r\n%s" % (len(body), body))
                return
            with socket.create_connection(("127.0.0.1", self.target_port)) as upstream:
                upward = threading.Thread(target=self._pump, args=(client, upstream, None, self.forwarded_heads),
                                          daemon=True)
                upward.start()
                self._pump(upstream, client, self.cut_bytes if fault == "cut" else None)
                for side in (client, upstream):
                    try:
                        side.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                upward.join(timeout=10)

    @staticmethod
    def _pump(source, destination, limit, heads=None):
        moved = 0
        try:
            while limit is None or moved < limit:
                chunk = source.recv(65536 if limit is None else min(65536, limit - moved))
                if not chunk:
                    break
                if heads is not None and moved == 0:
                    heads.append(chunk[:4096].decode("latin-1").lower())
                destination.sendall(chunk)
                moved += len(chunk)
            destination.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class S3TestCase(unittest.TestCase):
    def setUp(self):
        reason = missing_prerequisite()
        if reason:
            self.skipTest(reason)

    def start_s3rver(self, buckets=("bucket",)):
        server = S3rver(buckets)
        self.addCleanup(server.stop)
        return server


class SupportSelfTest(S3TestCase):
    def test_s3rver_stores_and_returns_bytes_and_stops_by_pid(self):
        server = self.start_s3rver()
        server.put("bucket", "a/b.bin", b"\x00\x01hello")
        self.assertEqual(server.get("bucket", "a/b.bin"), b"\x00\x01hello")
        self.assertIsNone(server.get("bucket", "missing"))
        server.stop()
        self.assertIsNotNone(server.process.poll())

    def test_fault_proxy_applies_faults_in_order_then_forwards(self):
        server = self.start_s3rver()
        server.put("bucket", "k", b"x" * 1000)
        proxy = FaultProxy(server.port, ["500", "drop"])
        self.addCleanup(proxy.stop)
        url = "%s/bucket/k" % proxy.endpoint
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(raised.exception.code, 500)
        with self.assertRaises(Exception):
            urllib.request.urlopen(url, timeout=10).read()
        self.assertEqual(urllib.request.urlopen(url, timeout=10).read(), b"x" * 1000)
        self.assertEqual(proxy.served, ["500", "drop", None])


if __name__ == "__main__":
    import sys
    sys.path.insert(0, HERE)
    from harness import main  # noqa: E402
    main(globals())

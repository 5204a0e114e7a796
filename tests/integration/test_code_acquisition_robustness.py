"""Getting the code under pressure: a full disk, the file size limit, a stop request in the
middle of a long extraction or a stalled download, an entry point linked out of the code dir.

Full disks are small tmpfs mounts in a private mount namespace (`unshare -m`, root only);
the S3 server is a few lines on 127.0.0.1 that serve one object or stall on purpose.
"""
import gzip
import io
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, kill_group, main  # noqa: E402

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "TESTKEY", "AWS_SECRET_ACCESS_KEY": "TESTSECRET",
               "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
PROGRAM = "import os\nopen(os.path.join(os.environ['SM_MODEL_DIR'], 'ran'), 'w').close()\n"
# Mounts a tmpfs of $1 bytes over $2, then runs the rest of the command line.
SMALL_TMPFS = 'mount -t tmpfs -o size="$1" optml-test "$2" && shift 2 && exec "$@"'


def tar_gz(entries):
    """A .tar.gz of (name, bytes) regular files, in order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def huge_zero_archive(path, gibibytes):
    """train.py, then a file of `gibibytes` GiB of zeros, as a few MB of concatenated gzip
    members (valid gzip): inflating it takes far longer than a stop may."""
    chunk_size = 64 << 20
    size = gibibytes << 30
    header = tarfile.TarInfo("train.py")
    header.size = len(PROGRAM)
    big = tarfile.TarInfo("huge.bin")
    big.size = size
    head = header.tobuf(tarfile.PAX_FORMAT) + PROGRAM.encode().ljust(512, b"\0")
    head += big.tobuf(tarfile.PAX_FORMAT)
    zeros = gzip.compress(bytes(chunk_size), compresslevel=9)
    with open(path, "wb") as f:
        f.write(gzip.compress(head))
        for _ in range(size // chunk_size):
            f.write(zeros)
        f.write(gzip.compress(bytes(1024)))  # the end-of-archive blocks
    return path


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class TinyS3:
    """Answers every GET on 127.0.0.1 with `body`, or, with stall=True, with the headers and a
    first piece of the body and then nothing until stop(). `stalled` is set once it stalls."""

    def __init__(self, body, stall=False):
        self.body = body
        self.stall = stall
        self.stalled = threading.Event()
        self.stopping = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.stopping.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.thread.join(timeout=10)

    def _serve(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _answer(self, client):
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: \"e\"\r\n\r\n"
                           % len(self.body))
            if not self.stall:
                client.sendall(self.body)
                return
            client.sendall(self.body[:1000])
            self.stalled.set()
            self.stopping.wait(60)


class CodeAcquisitionRobustnessTest(TrainTestCase):
    def job_with_submit(self, submit):
        return self.job(hyperparameters={"sagemaker_program": "train.py",
                                         "sagemaker_submit_directory": submit})

    def job_with_local_submit(self, make_submit):
        """A job whose submit dir make_submit(job root) creates and returns."""
        job = self.job()
        job.write_config("hyperparameters.json", {
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory": '"%s"' % make_submit(job.root)})
        return job

    def require_root_namespaces(self):
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            self.skipTest("needs root and unshare for a private tmpfs")
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                               capture_output=True)
        if probe.returncode != 0:
            self.skipTest("cannot create a mount namespace here")

    def small_disk(self, size, folder):
        """A prefix that runs train with a tmpfs of `size` over `folder`, seen only by it."""
        self.require_root_namespaces()
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", SMALL_TMPFS,
                "sh", str(size), folder]

    def assert_code_acquisition_failed(self, job, code, stderr, *expected):
        self.assertEqual(code, 1, stderr)
        failure = job.failure()
        self.assertIsNotNone(failure, stderr)
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"), failure)
        for text in expected:
            self.assertIn(text, failure)
        self.assertFalse(os.path.exists(job.path("model", "ran")), "the program ran")
        self.assertFalse(job.succeeded())
        return failure

    # A full disk ----------------------------------------------------------------------------

    def test_extracting_onto_a_full_disk_fails_the_job(self):
        job = self.job_with_local_submit(lambda root: write_bytes(
            os.path.join(root, "sourcedir.tar.gz"),
            tar_gz([("train.py", PROGRAM.encode()), ("data/zeros.bin", bytes(4 << 20))])))
        code, _, stderr = job.run(self.train, prefix=self.small_disk("512k", job.path("code")))
        self.assert_code_acquisition_failed(job, code, stderr.decode(errors="replace"),
                                            "data/zeros.bin", "No space left on device")

    def test_copying_onto_a_full_disk_fails_the_job(self):
        def submit_folder(root):
            submit = os.path.join(root, "submit")
            os.makedirs(submit)
            write_bytes(os.path.join(submit, "train.py"), PROGRAM.encode())
            write_bytes(os.path.join(submit, "zeros.bin"), bytes(4 << 20))
            return submit

        job = self.job_with_local_submit(submit_folder)
        code, _, stderr = job.run(self.train, prefix=self.small_disk("512k", job.path("code")))
        self.assert_code_acquisition_failed(job, code, stderr.decode(errors="replace"),
                                            "zeros.bin", "No space left on device")

    def test_downloading_onto_a_full_disk_fails_the_job(self):
        archive = tar_gz([("train.py", PROGRAM.encode()), ("random.bin", os.urandom(2 << 20))])
        server = TinyS3(archive)
        self.addCleanup(server.stop)
        job = self.job_with_submit("s3://bucket/source/sourcedir.tar.gz")
        temporary = os.path.join(job.root, "small-tmp")
        os.makedirs(temporary)
        env = dict(CREDENTIALS, S3_ENDPOINT_URL=server.endpoint, TMPDIR=temporary)
        code, _, stderr = job.run(self.train, env, prefix=self.small_disk("512k", temporary))
        self.assert_code_acquisition_failed(job, code, stderr.decode(errors="replace"),
                                            "s3://bucket/source/sourcedir.tar.gz",
                                            "No space left on device")

    # The file size limit --------------------------------------------------------------------

    def test_the_file_size_limit_is_an_error_not_a_kill(self):
        job = self.job_with_local_submit(lambda root: write_bytes(
            os.path.join(root, "sourcedir.tar.gz"),
            tar_gz([("train.py", PROGRAM.encode()), ("zeros.bin", bytes(4 << 20))])))

        def limit_file_size():
            resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

        process = job.start(self.train, preexec_fn=limit_file_size, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
        self.addCleanup(kill_group, process)
        _, stderr = process.communicate(timeout=120)
        self.assertNotEqual(process.returncode, 128 + signal.SIGXFSZ)
        self.assert_code_acquisition_failed(job, process.returncode,
                                            stderr.decode(errors="replace"), "zeros.bin",
                                            "File too large")

    def test_the_program_starts_with_the_default_sigxfsz(self):
        job = self.job(hyperparameters={"sagemaker_program": "run.sh"})
        job.write_code("run.sh", "#!/bin/sh\nexec %s\n" % self.helper("helper_sigstate"))
        code, stdout, stderr = job.run(self.train)
        self.assertEqual(code, 0, stderr)
        ignored = [line for line in stdout.decode().splitlines() if line.startswith("SigIgn:")]
        self.assertEqual(len(ignored), 1, stdout)
        mask = int(ignored[0].split()[1], 16)
        self.assertEqual(mask & (1 << (signal.SIGXFSZ - 1)), 0, ignored[0])

    # Stop requests ----------------------------------------------------------------------------

    def assert_stopped_promptly(self, job, process, step):
        process.send_signal(signal.SIGTERM)
        try:
            # Generous: the bound to meet is one second, this only catches a hang.
            code = process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.fail("train did not end within 3 s of SIGTERM while " + step)
        self.assertEqual(code, 128 + signal.SIGTERM)
        failure = job.failure()
        self.assertIsNotNone(failure)
        self.assertTrue(failure.startswith("Stopped:\n"), failure)
        self.assertIn("train received SIGTERM while " + step, failure)
        self.assertFalse(os.path.exists(job.path("model", "ran")), "the program ran")

    def start_quietly(self, job, extra_env=None):
        process = job.start(self.train, extra_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
        self.addCleanup(kill_group, process)
        return process

    def test_a_stop_during_a_long_extraction_ends_train_promptly(self):
        job = self.job_with_local_submit(
            lambda root: huge_zero_archive(os.path.join(root, "sourcedir.tar.gz"), 16))
        archive = os.path.join(job.root, "sourcedir.tar.gz")
        process = self.start_quietly(job)
        fd_folder = "/proc/%d/fd" % process.pid

        def archive_open():
            try:
                return any(os.readlink(os.path.join(fd_folder, fd)) == archive
                           for fd in os.listdir(fd_folder))
            except OSError:
                return False

        deadline = time.monotonic() + 30
        while not archive_open():
            self.assertIsNone(process.poll(), "train ended before it opened the archive")
            self.assertLess(time.monotonic(), deadline, "train never opened the archive")
            time.sleep(0.005)  # polling with a deadline: no event says "extraction started"
        self.assert_stopped_promptly(job, process, "extracting the code archive")
        self.assertEqual(os.listdir(job.path("code")), [])

    def test_a_stop_during_a_stalled_download_ends_train_promptly(self):
        server = TinyS3(tar_gz([("train.py", PROGRAM.encode())]) + bytes(1 << 20), stall=True)
        self.addCleanup(server.stop)
        job = self.job_with_submit("s3://bucket/source/sourcedir.tar.gz")
        process = self.start_quietly(job, dict(CREDENTIALS, S3_ENDPOINT_URL=server.endpoint))
        self.assertTrue(server.stalled.wait(30), "train never asked for the object")
        self.assert_stopped_promptly(job, process,
                                     "downloading the code from s3://bucket/source/sourcedir.tar.gz")

    # The entry point's mode -----------------------------------------------------------------

    def test_an_entry_point_linked_out_of_the_code_dir_is_refused_and_left_alone(self):
        job = self.job(hyperparameters={"sagemaker_program": "run.sh"})
        outside = write_bytes(os.path.join(job.root, "outside.sh"), b"#!/bin/sh\nexit 0\n")
        os.chmod(outside, 0o600)
        os.symlink(outside, job.path("code", "run.sh"))
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 2, stderr)
        failure = job.failure()
        self.assertTrue(failure.startswith("EntryPointError:\n"), failure)
        self.assertIn(job.path("code", "run.sh"), failure)
        self.assertIn("outside the code dir", failure)
        self.assertEqual(mode_of(outside), 0o600)

    def test_an_entry_point_linked_inside_the_code_dir_is_made_executable(self):
        job = self.job(hyperparameters={"sagemaker_program": "run.sh"})
        real = job.write_code("bin/real.sh", "#!/bin/sh\n: > \"$SM_MODEL_DIR/ran\"\n")
        os.symlink("bin/real.sh", job.path("code", "run.sh"))
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(mode_of(real), 0o755)
        self.assertTrue(os.path.exists(job.path("model", "ran")))


if __name__ == "__main__":
    main(globals())

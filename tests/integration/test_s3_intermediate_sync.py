"""sagemaker_s3_output through train: files written to output/intermediate reach the local
s3rver under <s3_output>/<TRAINING_JOB_NAME>/output/intermediate/ with identical bytes, also
files written just before the program exits, fails, or is stopped by SIGTERM."""
import hashlib
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, kill_group, main  # noqa: E402
from test_s3_support import CREDENTIALS, S3TestCase  # noqa: E402

WRITER = """
import os, random, signal, sys, time
folder = os.environ["SM_OUTPUT_INTERMEDIATE_DIR"]
os.makedirs(folder, exist_ok=True)
def write(name, size, seed):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(random.Random(seed).randbytes(size))
write("empty.bin", 0, 1)
write("small.txt", 100, 2)
write("sub/dir/multipart.bin", 21 * 1024 * 1024 + 5, 3)
mode = sys.argv[-1]
# Left open on purpose: only the final flush can upload it.
last = open(os.path.join(folder, "last-words.log"), "wb")
last.write(random.Random(4).randbytes(5000))
last.flush()
if mode == "fail":
    os._exit(3)
if mode == "wait":
    print("ready", flush=True)
    time.sleep(120)
os._exit(0)
"""

EXPECTED = {"empty.bin": (0, 1), "small.txt": (100, 2), "sub/dir/multipart.bin": (21 * 1024 * 1024 + 5, 3),
            "last-words.log": (5000, 4)}


def expected_bytes(size, seed):
    import random
    return random.Random(seed).randbytes(size)


class S3IntermediateSyncTest(S3TestCase, TrainTestCase):
    def start_job(self, mode):
        server = self.start_s3rver()
        job = self.job(hyperparameters={"sagemaker_program": "writer.py", "mode": mode,
                                        "sagemaker_s3_output": "s3://bucket/out"})
        job.write_code("writer.py", WRITER)
        env = dict(CREDENTIALS, S3_ENDPOINT_URL=server.endpoint, TRAINING_JOB_NAME="job-1")
        return server, job, env

    def check_uploaded(self, server):
        for name, (size, seed) in EXPECTED.items():
            stored = server.get("bucket", "out/job-1/output/intermediate/" + name)
            self.assertIsNotNone(stored, name)
            self.assertEqual(len(stored), size, name)
            self.assertEqual(hashlib.sha256(stored).hexdigest(),
                             hashlib.sha256(expected_bytes(size, seed)).hexdigest(), name)

    def run_to_end(self, mode, expected_code):
        server, job, env = self.start_job(mode)
        code, _, stderr = job.run(self.train, env)
        self.assertEqual(code, expected_code, stderr.decode(errors="replace"))
        self.check_uploaded(server)

    def test_files_arrive_when_the_program_succeeds(self):
        self.run_to_end("ok", 0)

    def test_files_arrive_when_the_program_fails(self):
        self.run_to_end("fail", 3)

    def test_files_arrive_when_train_is_stopped_by_sigterm(self):
        import subprocess
        server, job, env = self.start_job("wait")
        process = job.start(self.train, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(kill_group, process)
        deadline = time.monotonic() + 60
        line = b""
        while b"ready" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
        self.assertIn(b"ready", line)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 128 + signal.SIGTERM, stderr.decode(errors="replace"))
        self.check_uploaded(server)


if __name__ == "__main__":
    main(globals())

"""sagemaker_submit_directory=s3://... end to end: train downloads the archive from a local
s3rver, extracts it into the code dir and runs it; failures name the bucket and key; retries
survive a proxy that drops connections, answers 500 and cuts a download short."""
import io
import json
import os
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402
from test_s3_support import CREDENTIALS, FaultProxy, S3TestCase  # noqa: E402

PROGRAM = b"""
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "payload.bin"), "rb") as f:
    size = len(f.read())
json.dump({"argv": sys.argv[1:], "payload": size, "cwd": os.getcwd()},
          open(os.path.join(os.environ["SM_MODEL_DIR"], "ran.json"), "w"))
"""


def source_archive(payload_bytes):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("train.py", PROGRAM), ("payload.bin", os.urandom(payload_bytes))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class S3CodeDownloadTest(S3TestCase, TrainTestCase):
    def run_job(self, submit, endpoint, extra=None):
        job = self.job(hyperparameters={"sagemaker_program": "train.py", "epochs": 2,
                                        "sagemaker_submit_directory": submit})
        env = dict(CREDENTIALS, S3_ENDPOINT_URL=endpoint, AWS_SESSION_TOKEN="tok-do-not-log-31337")
        env.update(extra or {})
        code, stdout, stderr = job.run(self.train, env)
        self.assertNotIn(b"tok-do-not-log-31337", stdout + stderr)
        return job, code, stderr.decode(errors="replace")

    def test_code_is_downloaded_extracted_and_run(self):
        server = self.start_s3rver()
        server.put("bucket", "job-1/source/sourcedir.tar.gz", source_archive(300_000))
        job, code, stderr = self.run_job("s3://bucket/job-1/source/sourcedir.tar.gz", server.endpoint)
        self.assertEqual(code, 0, stderr)
        self.assertTrue(job.succeeded())
        with open(job.path("model", "ran.json")) as f:
            ran = json.load(f)
        self.assertEqual(ran["argv"], ["--epochs", "2"])
        self.assertEqual(ran["payload"], 300_000)
        self.assertEqual(ran["cwd"], job.path("code"))
        self.assertEqual(sorted(os.listdir(job.path("code"))), ["payload.bin", "train.py"])

    def test_a_missing_object_names_bucket_and_key(self):
        server = self.start_s3rver()
        job, code, _ = self.run_job("s3://bucket/job-1/source/missing.tar.gz", server.endpoint)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"), failure)
        self.assertIn("s3://bucket/job-1/source/missing.tar.gz does not exist", failure)
        self.assertIn("bucket 'bucket', key 'job-1/source/missing.tar.gz'", failure)
        self.assertEqual(os.listdir(job.path("code")), [])

    def test_a_missing_bucket_is_named(self):
        server = self.start_s3rver()
        job, code, _ = self.run_job("s3://no-such-bucket/source.tar.gz", server.endpoint)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"), failure)
        self.assertIn("The S3 bucket 'no-such-bucket' does not exist", failure)

    def test_retries_survive_dropped_connections_errors_and_a_cut_download(self):
        server = self.start_s3rver()
        archive = source_archive(2_000_000)
        server.put("bucket", "src.tar.gz", archive)
        # drop: no answer at all; 500: a server error; cut: the download breaks off after
        # 256 kB and must resume with a Range request, not start over.
        proxy = FaultProxy(server.port, ["drop", "500", "cut"], cut_bytes=256 * 1024)
        self.addCleanup(proxy.stop)
        job, code, stderr = self.run_job("s3://bucket/src.tar.gz", proxy.endpoint)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(proxy.served[:4], ["drop", "500", "cut", None])
        with open(job.path("model", "ran.json")) as f:
            self.assertEqual(json.load(f)["payload"], 2_000_000)
        resumed = [head for head in proxy.forwarded_heads if "\r\nrange: bytes=" in head]
        self.assertEqual(len(resumed), 1, proxy.forwarded_heads)
        self.assertNotIn("range: bytes=0-", resumed[0])
        self.assertIn("attempt 2 of", stderr)
        self.assertIn("attempt 4 of", stderr)

    def test_train_loads_libcurl_only_when_it_needs_s3(self):
        # Linking libcurl would load ~27 libraries (~7 ms) at every start; it is dlopen'ed.
        linked = subprocess.run(["ldd", self.train], stdout=subprocess.PIPE, check=True).stdout
        self.assertNotIn(b"libcurl", linked)
        self.assertNotIn(b"libcrypto", linked)

    def test_a_server_that_never_recovers_fails_clearly(self):
        server = self.start_s3rver()
        proxy = FaultProxy(server.port, ["500"] * 20)
        self.addCleanup(proxy.stop)
        job, code, _ = self.run_job("s3://bucket/src.tar.gz", proxy.endpoint)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"), failure)
        self.assertIn("downloading s3://bucket/src.tar.gz failed: HTTP 500 InternalError: injected (after 6 attempts)", failure)


if __name__ == "__main__":
    main(globals())

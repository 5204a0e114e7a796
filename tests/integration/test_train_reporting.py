"""Reporting that survives a hostile or broken world: every outcome reaches the log and the
exit code, output/ is never followed through a link, status files are valid UTF-8, nothing
temporary is left behind, secrets in URIs never appear, and a closed stderr is not fatal.
"""
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, kill_group, main  # noqa: E402

SIGPIPE_BIT = 1 << (13 - 1)


def leftovers(folder):
    return glob.glob(os.path.join(glob.escape(folder), "**", "*.optml-tmp"), recursive=True)


class TrainReportingTest(TrainTestCase):
    def program_job(self, text, name="t.py"):
        job = self.job(hyperparameters={"sagemaker_program": name})
        job.write_code(name, text, 0o755)
        return job

    def assert_reason_logged(self, stderr, exit_code, *parts):
        log = stderr.decode(errors="replace")
        lines = [line for line in log.splitlines()
                 if "training failed (exit code %d)" % exit_code in line]
        self.assertEqual(len(lines), 1, log)
        for part in parts:
            self.assertIn(part, lines[0])

    def test_a_configuration_failure_logs_its_reason(self):
        job = self.job()
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 2)
        self.assert_reason_logged(stderr, 2, "EntryPointError: ", "SAGEMAKER_PROGRAM")
        self.assertIn("sagemaker_program", job.failure())

    def test_unwritable_output_still_reports_through_log_and_exit_code(self):
        job = self.job(output_dir=False)
        with open(job.path("output"), "w") as f:
            f.write("a file where output/ belongs")
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 2)
        self.assert_reason_logged(stderr, 2, "EntryPointError: ", "SAGEMAKER_PROGRAM")
        self.assertIn(job.path("output"), stderr.decode())
        self.assertEqual(leftovers(job.root), [])

    def test_output_damaged_by_the_program_is_reported_through_log_and_exit_code(self):
        damages = {
            "output is a file": "shutil.rmtree(out); open(out, 'w').write('x')",
            "failure is a folder": "os.makedirs(os.path.join(out, 'failure'))",
            "output is a symlink": "shutil.rmtree(out); os.makedirs(elsewhere); "
                                   "os.symlink(elsewhere, out)",
        }
        for what, damage in damages.items():
            with self.subTest(what):
                job = self.program_job(
                    "import os, shutil, sys\n"
                    "out = os.path.join(os.environ['SM_MODEL_DIR'], '..', 'output')\n"
                    "out = os.path.normpath(out)\n"
                    "elsewhere = os.path.join(os.path.dirname(out), 'elsewhere')\n"
                    + damage + "\n"
                    "sys.exit('damaged: ' + %r)\n" % what)
                code, _, stderr = job.run(self.train)
                self.assertEqual(code, 1, stderr.decode())
                self.assert_reason_logged(stderr, 1, "ExecuteUserScriptError: ", "damaged: ")
                self.assertIn("cannot write", stderr.decode())
                self.assertEqual(leftovers(job.root), [])
                elsewhere = job.path("elsewhere")
                if os.path.isdir(elsewhere):
                    self.assertEqual(os.listdir(elsewhere), [])

    def run_in_mount_namespace(self, job, setup, after="true"):
        """Runs train under `unshare -m` after `setup` (shell) prepared the private mounts,
        then `after` in the same namespace; the exit code is train's."""
        if shutil.which("unshare") is None or os.geteuid() != 0:
            self.skipTest("needs root and unshare for a private mount namespace")
        script = setup + " && { \"$0\"; code=$?; " + after + "; exit $code; }"
        return job.run(self.train, prefix=["unshare", "-m", "--propagation", "private",
                                           "sh", "-c", script])

    def test_read_only_output_is_reported_through_log_and_exit_code(self):
        job = self.program_job("import sys\nsys.exit('the job failed')\n")
        out = job.path("output")
        code, _, stderr = self.run_in_mount_namespace(
            job, "mount --bind '%s' '%s' && mount -o remount,bind,ro '%s'" % (out, out, out))
        self.assertEqual(code, 1, stderr.decode())
        self.assert_reason_logged(stderr, 1, "the job failed")
        self.assertIn("Read-only file system", stderr.decode())
        self.assertIsNone(job.failure())

    def test_a_full_disk_is_reported_and_no_temporary_file_stays(self):
        # The program fills a small output/ completely, then fails with a long message, so
        # the failure text cannot be written; the folder is listed inside the namespace.
        job = self.program_job(
            "import os, sys\n"
            "out = os.path.normpath(os.path.join(os.environ['SM_MODEL_DIR'], '..', 'output'))\n"
            "try:\n"
            "    with open(os.path.join(out, 'fill'), 'wb') as f:\n"
            "        while True:\n"
            "            f.write(b'x' * 4096)\n"
            "            f.flush()\n"
            "except OSError:\n"
            "    pass\n"
            "sys.exit('disk is full ' + 'y' * 800)\n")
        out = job.path("output")
        code, _, stderr = self.run_in_mount_namespace(
            job, "mount -t tmpfs -o size=64k tmpfs '%s'" % out,
            after="ls -a '%s' >&2" % out)
        log = stderr.decode()
        self.assertEqual(code, 1, log)
        self.assert_reason_logged(stderr, 1, "disk is full")
        self.assertIn("No space left on device", log)
        self.assertIn("fill", log)
        self.assertNotIn(".optml-tmp", log)

    def test_failure_text_from_stderr_is_strict_utf8(self):
        job = self.program_job(
            "import os, sys\n"
            "os.write(2, b'overlong \\xc0\\xaf \\xe0\\x80\\xaf surrogate \\xed\\xa0\\x80 '\n"
            "            b'too big \\xf4\\x90\\x80\\x80 end\\n')\n"
            "sys.exit(3)\n")
        code, _, _ = job.run(self.train)
        self.assertEqual(code, 3)
        with open(job.path("output", "failure"), "rb") as f:
            text = f.read().decode("utf-8")  # strict: raises on any invalid sequence
        self.assertIn("overlong", text)
        self.assertIn("end", text)

    def test_a_closed_stderr_does_not_kill_train_and_children_get_default_sigpipe(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.sh"})
        job.write_code("t.sh", "grep -E '^Sig(Ign|Blk):' /proc/self/status "
                       "> \"$SM_MODEL_DIR/signals\"\n", 0o755)
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            process = job.start(self.train, stdout=write_end, stderr=write_end)
        finally:
            os.close(write_end)
        try:
            code = process.wait(timeout=120)
        finally:
            kill_group(process)
        self.assertEqual(code, 0)
        self.assertTrue(job.succeeded())
        with open(job.path("model", "signals")) as f:
            masks = dict(line.split(":") for line in f.read().splitlines())
        self.assertEqual(int(masks["SigIgn"], 16) & SIGPIPE_BIT, 0)
        self.assertEqual(int(masks["SigBlk"], 16) & SIGPIPE_BIT, 0)

    def test_hardware_probes_get_default_signals_too(self):
        job = self.program_job("pass\n")
        tools = os.path.join(job.root, "tools")
        os.makedirs(tools)
        record = os.path.join(job.root, "probe-signals")
        with open(os.path.join(tools, "nvidia-smi"), "w") as f:
            f.write("#!/bin/sh\ngrep -E '^Sig(Ign|Blk):' /proc/self/status > '%s'\nexit 1\n"
                    % record)
        os.chmod(os.path.join(tools, "nvidia-smi"), 0o755)
        code, _, stderr = job.run(self.train, {"PATH": tools + ":" + job.environment()["PATH"]})
        self.assertEqual(code, 0, stderr.decode())
        with open(record) as f:
            masks = dict(line.split(":") for line in f.read().splitlines())
        self.assertEqual(int(masks["SigIgn"], 16) & SIGPIPE_BIT, 0)
        self.assertEqual(int(masks["SigBlk"], 16), 0)

    def test_a_closed_stderr_still_reports_a_failure(self):
        job = self.job()
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            process = job.start(self.train, stdout=write_end, stderr=write_end)
        finally:
            os.close(write_end)
        try:
            code = process.wait(timeout=120)
        finally:
            kill_group(process)
        self.assertEqual(code, 2)
        self.assertIn("SAGEMAKER_PROGRAM", job.failure())

    def test_secrets_in_uris_never_reach_the_log_or_the_failure_file(self):
        secrets = ["SESSIONTOKEN42", "SIGNATURE42", "ENDPOINTPASS42", "ENDPOINTQUERY42",
                   "CONTAINERPASS42", "CONTAINERQUERY42"]
        submit = ("s3://bucket/key.tar.gz?X-Amz-Security-Token=SESSIONTOKEN42"
                  "&X-Amz-Signature=SIGNATURE42")
        job = self.job(hyperparameters={"sagemaker_program": "t.py",
                                        "sagemaker_submit_directory": submit})
        os.rmdir(job.path("code"))
        # Loopback endpoints only, a port nobody listens on: nothing leaves the machine.
        offline = {
            "AWS_EC2_METADATA_DISABLED": "true",
            "S3_ENDPOINT_URL": "http://user:ENDPOINTPASS42@127.0.0.1:9/?q=ENDPOINTQUERY42",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI":
                "http://user:CONTAINERPASS42@127.0.0.1:9/creds?token=CONTAINERQUERY42",
        }
        code, stdout, stderr = job.run(self.train, offline)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertIn("s3://bucket/key.tar.gz", failure)
        self.assertIn("http://***@127.0.0.1:9/creds?***", failure)
        for secret in secrets:
            self.assertNotIn(secret, failure)
            self.assertNotIn(secret.encode(), stderr)
            self.assertNotIn(secret.encode(), stdout)

    def test_unexpected_arguments_are_a_reported_configuration_error(self):
        job = self.program_job("pass\n")
        code, _, stderr = job.run(self.train, prefix=())  # the plain run works
        self.assertEqual(code, 0, stderr.decode())
        os.remove(job.path("output", "success"))
        process = subprocess.run([self.train, "--bogus", "--token=hunter2", "extra"],
                                 env=job.environment(), cwd=job.root, capture_output=True,
                                 timeout=60)
        self.assertEqual(process.returncode, 2)
        failure = job.failure()
        self.assertIsNotNone(failure, process.stderr.decode())
        self.assertTrue(failure.startswith("ConfigurationError:\n"))
        for name in ("--bogus", "--token", "extra"):
            self.assertIn(name, failure)
        self.assertNotIn("hunter2", failure)
        self.assertNotIn(b"hunter2", process.stderr)
        self.assertFalse(job.succeeded())
        self.assert_reason_logged(process.stderr, 2, "--bogus")

    def test_help_and_version_still_print_and_exit_0(self):
        job = self.job()
        for flag, expected in (("--help", b"SAGEMAKER_BASE_DIR"), ("--version", b"optml train")):
            with self.subTest(flag):
                process = subprocess.run([self.train, flag], env=job.environment(),
                                         cwd=job.root, capture_output=True, timeout=60)
                self.assertEqual(process.returncode, 0)
                self.assertIn(expected, process.stdout)
                self.assertIsNone(job.failure())


if __name__ == "__main__":
    main(globals())

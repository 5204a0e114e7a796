"""Bad input: each configuration problem gives a named, one-sentence failure and no traceback."""
import json
import os
import sys
import tarfile
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402


class TrainErrorTest(TrainTestCase):
    def assert_config_failure(self, job, *named, extra_env=None):
        code, _, stderr = job.run(self.train, extra_env)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertIsNotNone(failure, stderr.decode())
        for name in named:
            self.assertIn(name, failure[:1024])
        self.assertNotIn("Traceback", failure)
        self.assertNotIn(b"Traceback", stderr)
        return failure

    def test_each_config_file_missing_or_malformed_is_named(self):
        for name in ("hyperparameters.json", "inputdataconfig.json", "resourceconfig.json"):
            with self.subTest(missing=name):
                job = self.job()
                os.remove(job.path("input", "config", name))
                self.assert_config_failure(job, name, "does not exist")
            for text in ("", "{'a': 1}", "[1, 2]", "{\"a\": 1,}"):
                with self.subTest(file=name, text=text):
                    job = self.job()
                    with open(job.path("input", "config", name), "w") as f:
                        f.write(text)
                    self.assert_config_failure(job, name)

    def test_missing_resource_keys_are_named(self):
        job = self.job(resources={"hosts": ["algo-1"]})
        self.assert_config_failure(job, "resourceconfig.json", "current_host")
        job = self.job(resources={"current_host": "algo-1", "hosts": "algo-1"})
        self.assert_config_failure(job, "resourceconfig.json", "hosts")

    def test_ill_typed_sagemaker_values_and_variables_are_named(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py",
                                        "sagemaker_container_log_level": "DEBUG"})
        self.assert_config_failure(job, "sagemaker_container_log_level")
        for variable in ("SAGEMAKER_CONTAINER_LOG_LEVEL", "OPTML_STOP_TIMEOUT"):
            with self.subTest(variable=variable):
                job = self.job(hyperparameters={"sagemaker_program": "t.py"})
                self.assert_config_failure(job, variable, extra_env={variable: "soon"})

    def test_no_entry_point_says_how_to_name_one(self):
        job = self.job()
        failure = self.assert_config_failure(job, "sagemaker_program", "SAGEMAKER_PROGRAM")
        self.assertTrue(failure.startswith("EntryPointError:\n"))

    def test_missing_entry_point_file_is_named(self):
        job = self.job(hyperparameters={"sagemaker_program": "missing.py"})
        self.assert_config_failure(job, "missing.py")

    def test_s3_submit_directory_without_credentials_is_named(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py",
                                        "sagemaker_submit_directory": "s3://bucket/key.tar.gz"})
        os.rmdir(job.path("code"))
        # No credentials, no instance metadata, a loopback endpoint: nothing leaves the machine.
        offline = {"AWS_EC2_METADATA_DISABLED": "true", "S3_ENDPOINT_URL": "http://127.0.0.1:9"}
        failure = self.assert_config_failure(job, "s3://bucket/key.tar.gz", extra_env=offline)
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"))

    def test_hostile_archive_is_rejected_and_nothing_escapes(self):
        job = self.job()
        archive = job.path("submit.tar.gz")
        with tarfile.open(archive, "w:gz") as tar:
            for name, data in (("t.py", b"pass\n"), ("../../escaped.txt", b"x")):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        job.write_config("hyperparameters.json", {"sagemaker_program": '"t.py"',
                                                  "sagemaker_submit_directory": json.dumps(archive)})
        failure = self.assert_config_failure(job, "escaped.txt")
        self.assertTrue(failure.startswith("CodeAcquisitionError:\n"))
        self.assertFalse(os.path.exists(os.path.join(job.base, "..", "escaped.txt")))
        self.assertFalse(os.path.exists(job.path("code", "t.py")))

    def test_unresolvable_host_is_named_after_the_bounded_wait(self):
        # In a new network namespace nothing can leave the machine: the lookup fails locally.
        job = self.job(hyperparameters={"sagemaker_program": "t.py"},
                       resources={"current_host": "algo-1", "hosts": ["localhost", "algo-1"]})
        job.write_code("t.py", "pass\n")
        environment = {"OPTML_HOST_RESOLUTION_TIMEOUT": "1", "SM_STUDIO_LOCAL_MODE": "false"}
        code, _, stderr = job.run(self.train, environment, prefix=("unshare", "--net"))
        self.assertNotEqual(code, 0, stderr.decode())
        failure = job.failure()
        self.assertTrue(failure.startswith("HostResolutionError:\n"), failure)
        self.assertIn("'algo-1'", failure)

    def test_help_and_version(self):
        job = self.job()
        import subprocess
        version = subprocess.run([self.train, "--version"], capture_output=True, text=True)
        self.assertEqual(version.returncode, 0)
        self.assertIn("optml train", version.stdout)
        helped = subprocess.run([self.train, "--help"], capture_output=True, text=True)
        self.assertEqual(helped.returncode, 0)
        self.assertIn("SAGEMAKER_BASE_DIR", helped.stdout)
        wrong = subprocess.run([self.train, "--bogus"], capture_output=True, text=True,
                               env=job.environment())
        self.assertNotEqual(wrong.returncode, 0)
        self.assertFalse(job.succeeded())


if __name__ == "__main__":
    main(globals())

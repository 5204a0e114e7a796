"""Hostile or oversized input through the real train: each ends in one named sentence, a
failure file, exit code 2, and never a hang, a runaway read or a printed value."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402

PRINT_ENV = """
import json, os, sys
with open(os.path.join(os.environ["SM_MODEL_DIR"], "seen.json"), "w") as f:
    json.dump({k: v for k, v in os.environ.items() if k.startswith("SM_")}, f)
"""


class TrainRobustInputTest(TrainTestCase):
    def assert_configuration_error(self, job, *named, timeout=60):
        code, stdout, stderr = job.run(self.train, timeout=timeout)
        self.assertEqual(code, 2, stderr.decode(errors="replace")[-2000:])
        failure = job.failure()
        self.assertIsNotNone(failure, stderr.decode(errors="replace")[-2000:])
        self.assertTrue(failure.startswith("ConfigurationError"), failure[:300])
        for name in named:
            self.assertIn(name, failure[:2048])
        self.assertNotIn("Traceback", failure)
        return failure, stdout + stderr

    def test_a_fifo_config_file_fails_at_once(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py"})
        path = job.path("input", "config", "hyperparameters.json")
        os.remove(path)
        os.mkfifo(path)
        # No writer ever opens the FIFO: a blocking read would hang until the timeout.
        self.assert_configuration_error(job, "hyperparameters.json", "not a regular file",
                                        timeout=30)

    def test_a_config_file_linked_to_dev_zero_is_not_read(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py"})
        path = job.path("input", "config", "resourceconfig.json")
        os.remove(path)
        os.symlink("/dev/zero", path)
        self.assert_configuration_error(job, "resourceconfig.json", "not a regular file",
                                        timeout=30)

    def test_an_oversized_config_file_names_its_size_and_the_limit(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py"})
        path = job.path("input", "config", "inputdataconfig.json")
        with open(path, "w") as f:
            f.write("{")
        os.truncate(path, 64 * 1024 * 1024 + 1)  # sparse: costs no disk
        self.assert_configuration_error(job, "inputdataconfig.json", "67108865 bytes", "64 MiB")

    def test_inconsistent_hosts_are_named(self):
        cases = [
            ({"current_host": "algo-9", "hosts": ["algo-1"]}, "current_host", "'algo-9'"),
            ({"current_host": "", "hosts": ["algo-1"]}, "current_host", "must not be empty"),
            ({"current_host": "algo-1", "hosts": ["algo-1", "algo-1"]}, "hosts", "twice"),
            ({"current_host": "algo-1", "hosts": []}, "hosts", "must not be empty"),
        ]
        for resources, key, problem in cases:
            with self.subTest(resources=resources):
                job = self.job(hyperparameters={"sagemaker_program": "t.py"}, resources=resources)
                job.write_code("t.py", "")
                self.assert_configuration_error(job, "resourceconfig.json", "'%s'" % key, problem)

    def test_a_10_mb_hyperparameter_names_the_argument_and_limit_not_the_value(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py", "token": "S" * 10_000_000})
        job.write_code("t.py", "")
        failure, output = self.assert_configuration_error(job, "bytes", "'token'")
        self.assertNotIn("SSSSSSSS", failure)
        self.assertNotIn(b"SSSSSSSS", output)

    def test_10000_hyperparameters_name_the_largest_variable_and_the_limit(self):
        hyperparameters = {"hp_%05d" % i: "v" * 600 for i in range(10_000)}
        hyperparameters["sagemaker_program"] = "t.py"
        job = self.job(hyperparameters=hyperparameters)
        job.write_code("t.py", "")
        # SM_USER_ARGS, SM_HPS and SM_TRAINING_ENV each repeat all 6 MB: one string too long.
        failure, output = self.assert_configuration_error(job, "environment variable SM_",
                                                          "131,072 bytes")
        self.assertNotIn("v" * 100, failure)
        self.assertNotIn(b"v" * 100, output)

    def test_many_entries_within_the_string_limit_name_the_total_and_the_stack_rule(self):
        hyperparameters = {"hp_%04d" % i: "v" * 100 for i in range(1000)}
        hyperparameters["sagemaker_program"] = "t.py"
        job = self.job(hyperparameters=hyperparameters)
        job.write_code("t.py", "")
        # A 1 MiB stack limit allows 256 KiB of arguments and environment; the job needs ~600.
        code, stdout, stderr = job.run(self.train, prefix=("prlimit", "--stack=1048576"))
        self.assertEqual(code, 2, stderr.decode(errors="replace")[-2000:])
        failure = job.failure()
        self.assertIn("arguments and environment take", failure)
        self.assertIn("262,144 bytes", failure)
        self.assertIn("a quarter of the stack limit", failure)
        self.assertNotIn("v" * 50, failure)
        self.assertNotIn(b"v" * 50, stdout + stderr)

    def test_a_file_output_location_means_local_output(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py",
                                        "sagemaker_s3_output": "file:///tmp/local-output"})
        job.write_code("t.py", "import os\nassert os.path.isdir(os.environ['SM_OUTPUT_INTERMEDIATE_DIR'])\n")
        code, _, stderr = job.run(self.train, {"TRAINING_JOB_NAME": "job-1"})
        self.assertEqual(code, 0, stderr.decode(errors="replace"))
        self.assertTrue(job.succeeded())

    def test_sm_topology_only_when_the_resource_config_has_one(self):
        topology = [{"hostName": "algo-1", "capacityUnitId": "cu-1"}]
        for resources, expected in [
                ({"current_host": "algo-1", "hosts": ["algo-1"]}, None),
                ({"current_host": "algo-1", "hosts": ["algo-1"], "topology": []}, None),
                ({"current_host": "algo-1", "hosts": ["algo-1"], "topology": topology},
                 '[{"capacityUnitId":"cu-1","hostName":"algo-1"}]')]:
            with self.subTest(resources=resources):
                job = self.job(hyperparameters={"sagemaker_program": "t.py"}, resources=resources)
                job.write_code("t.py", PRINT_ENV)
                code, _, stderr = job.run(self.train)
                self.assertEqual(code, 0, stderr.decode(errors="replace"))
                with open(job.path("model", "seen.json")) as f:
                    seen = json.load(f)
                self.assertEqual(seen.get("SM_TOPOLOGY"), expected)
                self.assertEqual(json.loads(seen["SM_TRAINING_ENV"])["topology"],
                                 resources.get("topology", []))


if __name__ == "__main__":
    main(globals())

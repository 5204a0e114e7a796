"""train remote-function end to end on file:// roots and on a local s3rver: every SDK
integrity generation with good and tampered payloads, results and exceptions written byte
for byte as the SDK writes them, exit codes that are never 0 after a failure, the workspace
with pre_exec.sh and requirements, a Python version mismatch, and SIGTERM."""
import errno
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The client unpickles the job's own errors from optml_toolkit.remote.errors.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python",
                                "src"))
from harness import TrainTestCase, kill_group, main  # noqa: E402
from remote_payloads import (  # noqa: E402
    FolderRoot, generations, serialize, write_call)
from test_s3_support import CREDENTIALS, S3TestCase  # noqa: E402

PYTHON_MAJOR_MINOR = f"{sys.version_info.major}.{sys.version_info.minor}"
INTEGRITY_FAILED = ("DeserializationError('Integrity check for the serialized function or data "
                    "failed. Please restrict access to your S3 bucket')")


def add(a, b=0):
    return {"sum": a + b, "cwd": os.getcwd()}


def fail_with_errno(number):
    raise OSError(number, "made to fail")


def divide(a, b):
    return a / b


def wait_for_stop():
    import time as clock
    with open(os.environ["STARTED_FILE"], "w") as started:
        started.write("started")
    clock.sleep(60)


def ignore_stop():
    import signal as signals
    import time as clock
    signals.signal(signals.SIGTERM, signals.SIG_IGN)
    with open(os.environ["STARTED_FILE"], "w") as started:
        started.write("started")
    clock.sleep(60)


def read_workspace_file():
    import helper_module  # shipped in the workspace
    with open("made_by_pre_exec.txt") as made:
        return helper_module.VALUE, made.read().strip(), os.getcwd()


class RemoteJobMixin:
    def remote_job(self, root, generation, extra_arguments=(), env=None, python_version=None,
                   workspace=None, run=True):
        job = self.job(resources={"current_host": "algo-1", "hosts": ["algo-1"],
                                  "current_instance_type": "ml.m5.large",
                                  "network_interface_name": "eth0"})
        if workspace is not None:
            folder = job.path("input", "data", "sm_rf_user_ws")
            os.makedirs(folder, exist_ok=True)
            with zipfile.ZipFile(os.path.join(folder, "workspace.zip"), "w") as archive:
                for name, text in workspace.items():
                    archive.writestr("sagemaker_remote_function_workspace/" + name, text)
        arguments = ["remote-function", "--s3_base_uri", root.base_uri, "--region", "us-east-1",
                     "--client_python_version", python_version or PYTHON_MAJOR_MINOR,
                     "--client_sagemaker_pysdk_version", generation.sdk_version(),
                     "--dependency_settings", json.dumps({"dependency_file": None}),
                     "--unknown_future_argument", "ignored"] + list(extra_arguments)
        environment = dict(generation.environment(), OPTML_PYTHON="/usr/bin/python3",
                           TRAINING_JOB_NAME="job-1")
        environment.update(env or {})
        if not run:
            return job, arguments, environment
        code, _, stderr = self.run_with_arguments(job, arguments, environment)
        return job, code, stderr.decode(errors="replace")

    def run_with_arguments(self, job, arguments, environment, timeout=120):
        process = subprocess.Popen([self.train] + arguments, env=job.environment(environment),
                                   cwd=job.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            kill_group(process)
        return process.returncode, stdout, stderr


class FolderRootTest(RemoteJobMixin, TrainTestCase):
    def root(self):
        job_dir = self.job()
        return FolderRoot(job_dir.root)

    def test_every_generation_runs_good_payloads_and_writes_results_byte_for_byte(self):
        for generation in generations():
            with self.subTest(generation=generation.name):
                root = self.root()
                write_call(root.put, generation, add, 2, b=3)
                job, code, stderr = self.remote_job(root, generation)
                self.assertEqual(code, 0, stderr)
                value = pickle.loads(root.get("results/payload.pkl"))
                self.assertEqual(value["sum"], 5)
                self.assertEqual(root.get("results/metadata.json"),
                                 generation.job_metadata(root.get("results/payload.pkl")))
                self.assertEqual(root.get("results/payload.pkl"), serialize(value))
                self.assertIsNone(root.get("exception/payload.pkl"))
                with open(job.path("input", "sm_training.env")) as env_file:
                    env_text = env_file.read()
                self.assertIn("export SM_HOSTS='[\"algo-1\"]'\n", env_text)
                self.assertIn("export SM_MASTER_PORT='7777'\n", env_text)
                self.assertIn('"job_name": "job-1"', env_text)

    def tampered_cases(self, generation):
        def flip_byte(root):
            payload = bytearray(root.get("arguments/payload.pkl"))
            payload[len(payload) // 2] ^= 0x01
            root.put("arguments/payload.pkl", bytes(payload))

        def recompute_hash_only(root):
            payload = serialize(((100, 100), {}))
            root.put("arguments/payload.pkl", payload)
            metadata = json.loads(root.get("arguments/metadata.json"))
            import hashlib
            metadata["sha256_hash"] = hashlib.sha256(payload).hexdigest()
            root.put("arguments/metadata.json", json.dumps(metadata).encode())

        def strip_signature(root):
            metadata = json.loads(root.get("function/metadata.json"))
            metadata.pop("asymmetric_signature", None)
            root.put("function/metadata.json", json.dumps(metadata).encode())

        cases = {"flip a byte": flip_byte}
        if generation.name in ("hmac", "ecdsa"):
            cases["recompute only the hash"] = recompute_hash_only
        if generation.name == "ecdsa":
            cases["strip the signature"] = strip_signature
        return cases

    def test_tampered_payloads_fail_with_the_sdks_deserialization_error(self):
        for generation in generations():
            if generation.name == "nohash":
                continue
            for case, tamper in self.tampered_cases(generation).items():
                with self.subTest(generation=generation.name, case=case):
                    root = self.root()
                    write_call(root.put, generation, add, 2, b=3)
                    tamper(root)
                    job, code, stderr = self.remote_job(root, generation)
                    self.assertEqual(code, 1, stderr)
                    failure = job.failure()
                    if case == "strip the signature":
                        self.assertIn("does not contain an asymmetric signature", failure)
                    else:
                        self.assertEqual(failure, INTEGRITY_FAILED)
                    self.assertIsNone(root.get("results/payload.pkl"))
                    error = pickle.loads(root.get("exception/payload.pkl"))
                    self.assertEqual(type(error).__name__, "DeserializationError")
                    self.assertEqual(root.get("exception/metadata.json"),
                                     generation.job_metadata(root.get("exception/payload.pkl")))

    def test_a_wrong_key_fails(self):
        for name in ("hmac", "ecdsa"):
            with self.subTest(generation=name):
                writer, = [g for g in generations() if g.name == name]
                other, = [g for g in generations() if g.name == name]
                root = self.root()
                write_call(root.put, writer, add, 1)
                job, arguments, environment = self.remote_job(root, other, run=False)
                code, _, stderr = self.run_with_arguments(job, arguments, environment)
                self.assertEqual(code, 1, stderr)
                self.assertEqual(job.failure(), INTEGRITY_FAILED)

    def test_a_hashed_client_without_hash_is_refused(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        nohash, = [g for g in generations() if g.name == "nohash"]
        root = self.root()
        write_call(root.put, nohash, add, 1)  # no hash, but the client says 2.240
        job, code, stderr = self.remote_job(root, sha256)
        self.assertEqual(code, 1, stderr)
        self.assertIn("SHA256 hash for the serialized data does not exist", job.failure())

    def test_an_exception_round_trips_with_its_traceback_and_errno(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        for number, expected_code in ((errno.ENOENT, errno.ENOENT), (0, 1), (300, 1)):
            with self.subTest(errno=number):
                root = self.root()
                write_call(root.put, sha256, fail_with_errno, number)
                job, code, stderr = self.remote_job(root, sha256)
                self.assertEqual(code, expected_code, stderr)
                self.assertEqual(job.failure(), repr(OSError(number, "made to fail")))
                error = pickle.loads(root.get("exception/payload.pkl"))
                self.assertIsInstance(error, OSError)
                self.assertIsNotNone(error.__traceback__)
                self.assertEqual(root.get("exception/metadata.json"),
                                 sha256.job_metadata(root.get("exception/payload.pkl")))

    def test_zero_division_is_raised_with_exit_1(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, divide, 10, 0)
        job, code, stderr = self.remote_job(root, sha256)
        self.assertEqual(code, 1, stderr)
        self.assertEqual(job.failure(), "ZeroDivisionError('division by zero')")
        self.assertIsInstance(pickle.loads(root.get("exception/payload.pkl")), ZeroDivisionError)

    def test_workspace_pre_exec_and_requirements(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, read_workspace_file)
        workspace = {"helper_module.py": "VALUE = 42\n",
                     "pre_exec.sh": "echo from-pre-exec > made_by_pre_exec.txt\n",
                     "requirements.txt": "\n"}
        job, code, stderr = self.remote_job(
            root, sha256, workspace=workspace,
            extra_arguments=[],
            env={"PIP_NO_INDEX": "1"})
        # an empty requirements file only when named: the settings say none here
        self.assertEqual(code, 0, stderr)
        value, made, cwd = pickle.loads(root.get("results/payload.pkl"))
        self.assertEqual((value, made), (42, "from-pre-exec"))
        self.assertEqual(cwd, os.path.join(job.root, "sagemaker_remote_function_workspace"))

    def test_a_failing_pre_exec_is_a_runtime_environment_error(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, add, 1)
        job, code, stderr = self.remote_job(
            root, sha256, workspace={"pre_exec.sh": "echo broken-step >&2\nfalse\n"})
        self.assertEqual(code, 1, stderr)
        self.assertTrue(job.failure().startswith(
            "RuntimeEnvironmentError: Encountered error while running pre-execution commands. "
            "Reason: broken-step"), job.failure())
        self.assertIsNone(root.get("results/payload.pkl"))

    def test_a_failing_requirements_install_is_a_runtime_environment_error(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, add, 1)
        job, code, stderr = self.remote_job(
            root, sha256, workspace={"requirements.txt": "no-such-package-optml==0.0.0\n"},
            extra_arguments=["--dependency_settings",
                             json.dumps({"dependency_file": "requirements.txt"})],
            env={"PIP_NO_INDEX": "1"})
        self.assertEqual(code, 1, stderr)
        self.assertTrue(job.failure().startswith(
            "RuntimeEnvironmentError: Encountered error while running command '"), job.failure())

    def test_a_conda_file_without_conda_is_a_clear_error(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, add, 1)
        job, code, stderr = self.remote_job(
            root, sha256, workspace={"environment.yml": "name: x\n"},
            extra_arguments=["--dependency_settings",
                             json.dumps({"dependency_file": "environment.yml"})])
        self.assertEqual(code, 1, stderr)
        self.assertEqual(job.failure(),
                         "RuntimeEnvironmentError: Neither conda nor mamba is installed on the image")

    def test_a_python_version_mismatch_names_both(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, add, 1)
        job, code, stderr = self.remote_job(root, sha256, python_version="2.7")
        self.assertEqual(code, 1, stderr)
        self.assertEqual(
            job.failure(),
            f"RuntimeEnvironmentError: Python version found in the container is "
            f"'{PYTHON_MAJOR_MINOR}' which does not match python version '2.7' on the local "
            f"client. Please make sure that the python version used in the training container "
            f"is same as the local python version.")

    def stop_job(self, function, stop_timeout):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, function)
        job, arguments, environment = self.remote_job(root, sha256, run=False)
        started_file = os.path.join(job.root, "started")
        environment.update(STARTED_FILE=started_file, OPTML_STOP_TIMEOUT=str(stop_timeout))
        process = subprocess.Popen([self.train] + arguments, env=job.environment(environment),
                                   cwd=job.root, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        self.addCleanup(kill_group, process)
        deadline = time.monotonic() + 60
        while not os.path.exists(started_file) and time.monotonic() < deadline:
            self.assertIsNone(process.poll(), "train ended before the function started")
            time.sleep(0.02)  # polling for the function's start file, bounded by the deadline
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
        return job, root, process.returncode

    def test_sigterm_reaches_the_function_and_is_uploaded(self):
        job, root, code = self.stop_job(wait_for_stop, 30)
        self.assertNotEqual(code, 0)
        error = pickle.loads(root.get("exception/payload.pkl"))
        self.assertEqual(type(error).__name__, "RemoteFunctionStopped")
        self.assertIn("SIGTERM", job.failure())

    def test_a_function_that_ignores_sigterm_is_killed_and_reported_stopped(self):
        job, root, code = self.stop_job(ignore_stop, 1)
        self.assertEqual(code, 128 + signal.SIGKILL)
        error = pickle.loads(root.get("exception/payload.pkl"))
        self.assertEqual(type(error).__name__, "RemoteFunctionError")
        self.assertIn("did not return in time", error.message)

    def test_serialize_output_to_json(self):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = self.root()
        write_call(root.put, sha256, divide, 9, 3)
        job, code, stderr = self.remote_job(root, sha256,
                                            extra_arguments=["--serialize_output_to_json", "True"])
        self.assertEqual(code, 0, stderr)
        self.assertEqual(json.loads(root.get("results/results.json")),
                         {"Result": 3.0, "Exception": None})


def report_rank():
    return int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])


def fail_on_rank_one():
    if os.environ["RANK"] == "1":
        raise ValueError("rank 1 failed")
    return "rank 0 returned"


class TorchrunTest(RemoteJobMixin, TrainTestCase):
    """--distribution torchrun through optml's torchrun runner, two ranks on this host.
    Debian's torch 1.13 on Python 3.11 needs PET_REDIRECTS/PET_TEE (see tests/multihost)."""

    def setUp(self):
        probe = subprocess.run(["/usr/bin/python3", "-c", "import torch.distributed.run"],
                               capture_output=True)
        if probe.returncode != 0:
            self.skipTest("torch is not installed (python3-torch)")

    def run_torchrun(self, function):
        sha256, = [g for g in generations() if g.name == "sha256"]
        root = FolderRoot(self.job().root)
        write_call(root.put, sha256, function)
        # A rendezvous port of its own: another test's torchrun may run beside it (ctest -j).
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {"OPTML_TORCHRUN": "/usr/bin/python3 -m torch.distributed.run",
               "PET_REDIRECTS": "9:1", "PET_TEE": "9:1", "PET_MASTER_PORT": str(port),
               "GLOO_SOCKET_IFNAME": "lo"}
        job, code, stderr = self.remote_job(
            root, sha256, env=env,
            extra_arguments=["--distribution", "torchrun", "--user_nproc_per_node", "2"])
        return job, root, code, stderr

    def test_only_rank_0_writes_results(self):
        job, root, code, stderr = self.run_torchrun(report_rank)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(pickle.loads(root.get("results/payload.pkl")), (0, 2))

    def test_the_failing_rank_writes_exception(self):
        job, root, code, stderr = self.run_torchrun(fail_on_rank_one)
        self.assertNotEqual(code, 0, stderr)
        error = pickle.loads(root.get("exception/payload.pkl"))
        self.assertEqual(repr(error), "ValueError('rank 1 failed')")
        self.assertIsNone(root.get("results/payload.pkl"))


class S3rverRoot:
    def __init__(self, server, job_name="job-1"):
        self.server = server
        self.prefix = f"root/{job_name}"
        self.base_uri = f"s3://bucket/{self.prefix}"

    def put(self, key, data):
        self.server.put("bucket", f"{self.prefix}/{key}", data)

    def get(self, key):
        return self.server.get("bucket", f"{self.prefix}/{key}")


class S3RootTest(RemoteJobMixin, S3TestCase, TrainTestCase):
    def test_every_generation_good_and_flipped_over_s3(self):
        server = self.start_s3rver()
        s3_env = dict(CREDENTIALS, 

                      S3_ENDPOINT_URL=server.endpoint)
        for index, generation in enumerate(generations()):
            with self.subTest(generation=generation.name):
                root = S3rverRoot(server, f"job-{index}")
                write_call(root.put, generation, add, 20, b=22)
                job, code, stderr = self.remote_job(root, generation, env=s3_env)
                self.assertEqual(code, 0, stderr)
                payload = root.get("results/payload.pkl")
                self.assertEqual(pickle.loads(payload)["sum"], 42)
                self.assertEqual(root.get("results/metadata.json"), generation.job_metadata(payload))
            if generation.name == "nohash":
                continue
            with self.subTest(generation=generation.name, case="flip a byte"):
                root = S3rverRoot(server, f"job-{index}-tampered")
                write_call(root.put, generation, add, 20, b=22)
                payload = bytearray(root.get("function/payload.pkl"))
                payload[-3] ^= 0x10
                root.put("function/payload.pkl", bytes(payload))
                job, code, stderr = self.remote_job(root, generation, env=s3_env)
                self.assertEqual(code, 1, stderr)
                self.assertEqual(job.failure(), INTEGRITY_FAILED)
                self.assertIsNone(root.get("results/payload.pkl"))


if __name__ == "__main__":
    main(globals())

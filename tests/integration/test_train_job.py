"""train end to end on temporary base dirs: entry point kinds, exit codes, status files."""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402

PYTHON_DUMP = """
import json, os, sys
json.dump({"argv": sys.argv, "cwd": os.getcwd(),
           "env": {k: v for k, v in os.environ.items() if k.startswith("SM_") or k == "PYTHONPATH"}},
          open(os.path.join(os.environ["SM_MODEL_DIR"], "dump.json"), "w"))
"""


class TrainJobTest(TrainTestCase):
    def test_python_program_gets_arguments_environment_and_success(self):
        job = self.job(hyperparameters={"sagemaker_program": "train.py", "epochs": 3, "name": "x y"},
                       channels={"train": {"TrainingInputMode": "File"}})
        job.write_code("train.py", PYTHON_DUMP)
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 0, stderr.decode())
        self.assertTrue(job.succeeded())
        self.assertIsNone(job.failure())
        with open(job.path("model", "dump.json")) as f:
            dump = json.load(f)
        self.assertEqual(dump["argv"][1:], ["--epochs", "3", "--name", "x y"])
        self.assertEqual(dump["cwd"], job.path("code"))
        self.assertEqual(dump["env"]["SM_CHANNEL_TRAIN"], job.path("input", "data", "train"))
        self.assertTrue(dump["env"]["PYTHONPATH"].startswith(job.path("code")))
        self.assertIn(b"hyperparameters: epochs, name", stderr)

    def test_gpus_and_neuron_cores_are_probed_once_with_a_timeout(self):
        job = self.job(hyperparameters={"sagemaker_program": "train.py"})
        job.write_code("train.py", PYTHON_DUMP)
        tools = os.path.join(job.root, "tools")
        os.makedirs(tools)
        for name, text in (("nvidia-smi", "#!/bin/sh\necho \"$0 $*\" >> %s/calls\n"
                                          "printf 'GPU 0: A (UUID: 1)\\nGPU 1: A (UUID: 2)\\n'\n"),
                           ("neuron-ls", "#!/bin/sh\necho \"$0 $*\" >> %s/calls\n"
                                         "echo '[{\"nc_count\": 2}, {\"nc_count\": 2}]'\n")):
            path = os.path.join(tools, name)
            with open(path, "w") as f:
                f.write(text % job.root)
            os.chmod(path, 0o755)
        path = tools + ":" + job.environment()["PATH"]
        code, _, stderr = job.run(self.train, {"PATH": path})
        self.assertEqual(code, 0, stderr.decode())
        with open(job.path("model", "dump.json")) as f:
            env = json.load(f)["env"]
        self.assertEqual(env["SM_NUM_GPUS"], "2")
        self.assertEqual(env["SM_NUM_NEURONS"], "4")
        with open(os.path.join(job.root, "calls")) as f:
            self.assertEqual(sorted(line.split("/")[-1] for line in f.read().splitlines()),
                             ["neuron-ls -j", "nvidia-smi --list-gpus"])

        hanging = self.job(hyperparameters={"sagemaker_program": "train.py"})
        hanging.write_code("train.py", PYTHON_DUMP)
        with open(os.path.join(tools, "nvidia-smi"), "w") as f:
            f.write("#!/bin/sh\nexec sleep 60\n")
        started = time.monotonic()
        code, _, stderr = hanging.run(self.train, {"PATH": path, "OPTML_PROBE_TIMEOUT": "1"})
        self.assertEqual(code, 0, stderr.decode())
        self.assertLess(time.monotonic() - started, 30)
        with open(hanging.path("model", "dump.json")) as f:
            self.assertEqual(json.load(f)["env"]["SM_NUM_GPUS"], "0")

    def test_hyperparameter_values_are_never_logged(self):
        job = self.job(hyperparameters={"sagemaker_program": "train.py", "api_key": "s3cr3t-value"})
        job.write_code("train.py", "pass\n")
        code, stdout, stderr = job.run(self.train)
        self.assertEqual(code, 0)
        self.assertNotIn(b"s3cr3t-value", stdout + stderr)

    def test_exit_codes_pass_through_from_a_native_program(self):
        for status in (0, 1, 3, 42, 255):
            with self.subTest(status=status):
                job = self.job()
                job.copy_into_code(self.helper("helper_exit"), "helper_exit")
                os.chmod(job.path("code", "helper_exit"), 0o644)
                job.write_config("hyperparameters.json", {"sagemaker_program": '"helper_exit"',
                                                          "code": str(status)})
                code, _, _ = job.run(self.train)
                # helper_exit reads its status from the last argument.
                self.assertEqual(code, status)
                self.assertEqual(job.succeeded(), status == 0)
                if status:
                    self.assertTrue(job.failure().startswith(
                        "ExecuteUserScriptError:\nExitCode %d\n" % status))

    def test_death_by_signal_exits_128_plus_n_and_names_the_signal(self):
        for number, name in ((signal.SIGKILL, "SIGKILL"), (signal.SIGSEGV, "SIGSEGV"),
                             (signal.SIGABRT, "SIGABRT")):
            with self.subTest(signal=name):
                job = self.job()
                job.copy_into_code(self.helper("helper_kill_self"), "helper_kill_self")
                job.write_config("hyperparameters.json", {"sagemaker_program": '"helper_kill_self"',
                                                          "s": str(int(number))})
                code, _, _ = job.run(self.train)
                self.assertEqual(code, 128 + number)
                self.assertIn(name, job.failure()[:1024])

    def test_script_without_shebang_runs_through_bin_sh(self):
        job = self.job(hyperparameters={"sagemaker_program": "run", "msg": "it's $HOME"})
        job.write_code("run", 'printf "%s|" "$0" "$@" > "$SM_MODEL_DIR/args"\n')
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 0, stderr.decode())
        with open(job.path("model", "args")) as f:
            self.assertEqual(f.read(), "./run|--msg|it's $HOME|")
        self.assertEqual(os.stat(job.path("code", "run")).st_mode & 0o7777, 0o755)

    def test_python_traceback_reaches_the_failure_reason(self):
        job = self.job(hyperparameters={"sagemaker_program": "boom.py"})
        job.write_code("boom.py", "print('x' * 5000)\nraise ValueError('bad value 42')\n")
        code, _, _ = job.run(self.train)
        self.assertEqual(code, 1)
        failure = job.failure()
        self.assertTrue(failure.startswith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage \""))
        self.assertIn("ValueError: bad value 42", failure[:1024])
        self.assertNotIn("Command \"", failure)

    def test_missing_output_dir_is_created(self):
        job = self.job(hyperparameters={"sagemaker_program": "train.py"}, output_dir=False)
        job.write_code("train.py", "pass\n")
        code, _, _ = job.run(self.train)
        self.assertEqual(code, 0)
        self.assertTrue(job.succeeded())

    def test_program_written_failure_file_is_kept(self):
        job = self.job(hyperparameters={"sagemaker_program": "own.py"})
        job.write_code("own.py", "import os, sys\n"
                       "open(os.environ['SM_OUTPUT_DIR'] + '/failure', 'w').write('mine')\n"
                       "sys.exit(4)\n")
        code, _, _ = job.run(self.train)
        self.assertEqual(code, 4)
        self.assertEqual(job.failure(), "mine")

    def test_framework_module_is_called_and_a_missing_one_is_named(self):
        job = self.job()
        job.write_code("myframework.py", "import os\n"
                       "def main():\n"
                       "    open(os.environ['SM_MODEL_DIR'] + '/called', 'w').write('yes')\n")
        code, _, stderr = job.run(self.train, {"SAGEMAKER_TRAINING_MODULE": "myframework:main"})
        self.assertEqual(code, 0, stderr.decode())
        self.assertTrue(os.path.exists(job.path("model", "called")))

        missing = self.job()
        code, _, _ = missing.run(self.train, {"SAGEMAKER_TRAINING_MODULE": "nosuchframework.x:main"})
        self.assertNotEqual(code, 0)
        self.assertIn("nosuchframework.x", missing.failure()[:1024])

    def test_framework_module_runs_alone_whatever_the_distribution_switches(self):
        # Distribution is the framework's business: no mpirun, torchrun or parameter servers
        # around its process (they would fail here: no sshd, torchrun or mxnet).
        for switch in ("sagemaker_mpi_enabled", "sagemaker_torch_distributed_enabled",
                       "sagemaker_parameter_server_enabled"):
            job = self.job(hyperparameters={switch: True})
            job.write_code("myframework.py", "import os\n"
                           "def main():\n"
                           "    open(os.environ['SM_MODEL_DIR'] + '/env', 'w').write(\n"
                           "        os.environ.get('DMLC_ROLE', '') + os.environ.get('RANK', ''))\n")
            code, _, stderr = job.run(self.train,
                                      {"SAGEMAKER_TRAINING_MODULE": "myframework:main"})
            self.assertEqual(code, 0, switch + ": " + stderr.decode())
            with open(job.path("model", "env")) as f:
                self.assertEqual(f.read(), "", switch)

    def test_requirements_failure_reports_pips_complaint(self):
        job = self.job(hyperparameters={"sagemaker_program": "train.py"})
        job.write_code("train.py", "pass\n")
        job.write_code("requirements.txt", "/nonexistent/optml-no-such-package\n")
        code, _, _ = job.run(self.train)
        self.assertNotEqual(code, 0)
        failure = job.failure()
        self.assertTrue(failure.startswith("InstallRequirementsError:\n"), failure)
        self.assertIn("optml-no-such-package", failure)

    def test_stderr_is_relayed_completely(self):
        job = self.job(hyperparameters={"sagemaker_program": "loud.sh"})
        job.write_code("loud.sh", "#!/bin/sh\n"
                       "i=0; while [ $i -lt 2000 ]; do echo \"line $i\" >&2; i=$((i+1)); done\n")
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 0)
        lines = [l for l in stderr.decode().splitlines() if l.startswith("line ")]
        self.assertEqual(lines, ["line %d" % i for i in range(2000)])


if __name__ == "__main__":
    main(globals())

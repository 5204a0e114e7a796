"""Helpers of the compat tests: a job folder on a temporary base dir, the clean environment
of a job, and ways to run a framework toolkit (through train, or directly)."""

import json
import os
import shutil
import subprocess

from conftest import PYTHON_SRC, TESTS_DIR

CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
STAND_IN_TRAIN = os.path.join(TESTS_DIR, "stand_in_train.py")
RECORDING_TRAIN = os.path.join(TESTS_DIR, "recording_train.py")
# The real train binary (set by conftest's session fixture from --train).
REAL_TRAIN = None
TOOLKITS = os.path.join(TESTS_DIR, "toolkits")
USER_PROGRAM = os.path.join(TESTS_DIR, "user_program.py")


class Job:
    """A job on tmp/opt/ml whose code dir holds the dumping user program as train.py.

    Programs handed over by the toolkits run through the real `train run-entry-point`
    (behind recording_train.py, which keeps the spec for assertions). `stand_in=True` uses
    stand_in_train.py instead, for tests that check only what the Python side hands over
    for a runner that cannot run on one machine without the namespace testbed (MPI starts
    sshd; tests/multihost runs those for real)."""

    def __init__(self, tmp, hyperparameters, resource_config=None, channels=None,
                 environment=None, stand_in=False):
        self.tmp = os.path.realpath(str(tmp))
        self.base = os.path.join(self.tmp, "opt", "ml")
        for folder in ("model", "output/data", "input/data", "input/config", "code"):
            os.makedirs(os.path.join(self.base, folder), exist_ok=True)
        os.makedirs(os.path.join(self.tmp, "home"), exist_ok=True)
        self._write_config("hyperparameters.json", hyperparameters)
        self._write_config("resourceconfig.json", resource_config
                           or {"current_host": "algo-1", "hosts": ["algo-1"]})
        self._write_config("inputdataconfig.json", channels or {})
        shutil.copyfile(USER_PROGRAM, os.path.join(self.base, "code", "train.py"))
        self.dump_path = os.path.join(self.tmp, "dump.json")
        self.spec_record = os.path.join(self.tmp, "spec.json")
        self.env = {
            "PATH": CLEAN_PATH,
            "LANG": "C.UTF-8",
            "HOME": os.path.join(self.tmp, "home"),
            "SAGEMAKER_BASE_DIR": self.base,
            "DUMP_TO": self.dump_path,
            "OPTML_TRAIN": STAND_IN_TRAIN if stand_in else RECORDING_TRAIN,
            "OPTML_TEST_REAL_TRAIN": REAL_TRAIN or "",
            "STAND_IN_RECORD": self.spec_record,
            "SM_STUDIO_LOCAL_MODE": "true",
            "PYTHONPATH": PYTHON_SRC + ":" + TOOLKITS,
        }
        self.env.update(environment or {})

    def _write_config(self, name, document):
        with open(os.path.join(self.base, "input", "config", name), "w",
                  encoding="utf-8") as f:
            json.dump(document, f)

    def through_train(self, train, module):
        """Run train with SAGEMAKER_TRAINING_MODULE=<module>:main."""
        env = dict(self.env, SAGEMAKER_TRAINING_MODULE=module + ":main")
        return subprocess.run([train], cwd=self.tmp, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)

    def plain_job(self, train):
        """Run train on the job as it is (sagemaker_program names train.py), no toolkit."""
        return subprocess.run([train], cwd=self.tmp, env=self.env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)

    def directly(self, python3, module,
                 code="import importlib; importlib.import_module(%r).main()"):
        """Run the toolkit's main() in a plain interpreter (no train around it)."""
        return subprocess.run([python3, "-c", code % module], cwd=self.tmp, env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=300)

    def python(self, python3, code):
        """Run a snippet with the job's environment; gives its stdout parsed as JSON."""
        completed = subprocess.run([python3, "-c", code], cwd=self.tmp, env=self.env,
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=300)
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    def dump(self):
        with open(self.dump_path, encoding="utf-8") as f:
            return json.load(f)

    def spec(self):
        with open(self.spec_record, encoding="utf-8") as f:
            return json.load(f)

    def failure(self):
        path = os.path.join(self.base, "output", "failure")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read()

    def succeeded(self):
        return os.path.exists(os.path.join(self.base, "output", "success"))


def compact_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

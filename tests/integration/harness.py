"""Shared pieces of the integration tests: a scaffolded base dir and a way to run train.

Every test works in its own temporary directory; nothing touches the machine's /opt/ml.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def parse_arguments():
    """Reads --train and --helpers, leaving the rest for unittest."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--helpers", required=True)
    known, rest = parser.parse_known_args()
    return known, [sys.argv[0]] + rest


class Job:
    """A base dir under a fresh temporary directory, with the three config files."""

    def __init__(self, hyperparameters=None, channels=None, resources=None, output_dir=True):
        self.root = tempfile.mkdtemp(prefix="optml-it-")
        self.base = os.path.join(self.root, "opt", "ml")
        for folder in ["model", "input/data", "input/config", "code"] + (
                ["output", "output/data"] if output_dir else []):
            os.makedirs(os.path.join(self.base, folder), exist_ok=True)
        stored = {k: json.dumps(v) for k, v in (hyperparameters or {}).items()}
        self.write_config("hyperparameters.json", stored)
        self.write_config("inputdataconfig.json", channels or {})
        self.write_config("resourceconfig.json", resources or {
            "current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"})

    def path(self, *parts):
        return os.path.join(self.base, *parts)

    def write_config(self, name, document):
        with open(self.path("input", "config", name), "w") as f:
            json.dump(document, f)

    def write_code(self, name, text, mode=0o644):
        target = self.path("code", name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as f:
            f.write(text)
        os.chmod(target, mode)
        return target

    def copy_into_code(self, source, name):
        target = self.path("code", name)
        shutil.copy(source, target)
        return target

    def environment(self, extra=None):
        env = {"PATH": CLEAN_PATH, "LANG": "C.UTF-8", "HOME": self.root,
               "SAGEMAKER_BASE_DIR": self.base, "SM_STUDIO_LOCAL_MODE": "true"}
        env.update(extra or {})
        return env

    def start(self, train, extra_env=None, prefix=(), **popen_arguments):
        return subprocess.Popen(list(prefix) + [train], env=self.environment(extra_env),
                                cwd=self.root, stdin=subprocess.DEVNULL, start_new_session=True,
                                **popen_arguments)

    def run(self, train, extra_env=None, prefix=(), timeout=120):
        process = self.start(train, extra_env, prefix, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            kill_group(process)
        return process.returncode, stdout, stderr

    def failure(self):
        path = self.path("output", "failure")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read()

    def succeeded(self):
        return os.path.exists(self.path("output", "success"))

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def kill_group(process):
    try:
        os.killpg(process.pid, 9)
    except (ProcessLookupError, PermissionError):
        pass


class TrainTestCase(unittest.TestCase):
    train = None
    helpers = None

    def job(self, **arguments):
        job = Job(**arguments)
        self.addCleanup(job.cleanup)
        return job

    def helper(self, name):
        return os.path.join(self.helpers, name)


def main(test_globals):
    known, argv = parse_arguments()
    TrainTestCase.train = os.path.abspath(known.train)
    TrainTestCase.helpers = os.path.abspath(known.helpers)
    unittest.main(module=test_globals["__name__"], argv=argv, verbosity=2)

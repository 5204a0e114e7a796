"""Benchmark: the job side of a remote function, `train remote-function` against the
reference's path (issue 12).

Not part of the test suite. Python 3 stdlib + cloudpickle (Debian), about 30 s:

    python3 bench/remote_function_benchmark.py --train build/bin/train [--runs 15] [--json out.json]

Both paths run the same function on the same file:// root (the SDK layout on a local folder,
payloads written in the SHA-256 generation's format) with the same base dir:

- optml: `train remote-function --s3_base_uri file://... ...`: one process tree, train does
  bootstrap, transfer and hashing, then runs `python -m optml_toolkit.remote.invoke`.
- reference: the SDK's path recreated from its published scripts: `/bin/bash job_driver.sh`
  (set -eu, printf, cat resourceconfig.json), `python bootstrap_runtime_environment.py` (argparse,
  the Python version check, getpass, nvidia-smi/neuron-ls probes, set_env writing
  sm_training.env, logging of the variables), `source sm_training.env`, then a second
  interpreter `python -m invoke_function` that imports boto3 (as the SDK's invoker does),
  reads metadata and payloads, checks SHA-256, cloudpickle-loads, calls, pickles the result and
  writes results/ (payload then metadata). It does not import the `sagemaker` package (not
  installed here), so the reference figures are a lower bound of the real SDK's.

The function writes CLOCK_MONOTONIC at its first line and just before it returns; the script
takes time.monotonic_ns() right before spawning and right after waitpid returns. Runs are
interleaved; medians are printed.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import cloudpickle

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def stamped_function(stamp_file):
    def function(a, b):
        import time as clock
        first = clock.monotonic_ns()
        result = a + b
        with open(stamp_file, "w") as out:
            out.write(f"{first} {clock.monotonic_ns()}")
        return result
    return function


def write_payloads(folder, function):
    for name, obj in (("function", function), ("arguments", ((1, 2), {}))):
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        payload = cloudpickle.dumps(obj)
        with open(os.path.join(folder, name, "payload.pkl"), "wb") as f:
            f.write(payload)
        v = sys.version_info
        metadata = {"sha256_hash": hashlib.sha256(payload).hexdigest(), "version": "2023-04-24",
                    "python_version": f"{v.major}.{v.minor}.{v.micro}",
                    "serialization_module": "cloudpickle"}
        with open(os.path.join(folder, name, "metadata.json"), "w") as f:
            f.write(json.dumps(metadata))


JOB_DRIVER = """#!/bin/bash
set -eu
PERSISTENT_CACHE_DIR=${SAGEMAKER_MANAGED_WARMPOOL_CACHE_DIRECTORY:-/tmp/cache}
export CONDA_PKGS_DIRS=${PERSISTENT_CACHE_DIR}/sm_remotefunction_user_dependencies_cache/conda/pkgs
printf "INFO: CONDA_PKGS_DIRS is set to '$CONDA_PKGS_DIRS'\\n"
export PIP_CACHE_DIR=${PERSISTENT_CACHE_DIR}/sm_remotefunction_user_dependencies_cache/pip
printf "INFO: PIP_CACHE_DIR is set to '$PIP_CACHE_DIR'\\n"
printf "INFO: resourceconfig.json:\\n"
cat "$SAGEMAKER_BASE_DIR/input/config/resourceconfig.json"
printf "INFO: Bootstraping runtime environment.\\n"
python3 "$BENCH_SCRIPTS/bootstrap_runtime_environment.py" "$@"
source "$SAGEMAKER_BASE_DIR/input/sm_training.env"
if [ -d sagemaker_remote_function_workspace ]
then
    cd sagemaker_remote_function_workspace
fi
printf "INFO: No conda env provided. Invoking remote function\\n"
PYTHONPATH="$BENCH_SCRIPTS" python3 -m invoke_function "$@"
"""

BOOTSTRAP = '''
import argparse, getpass, json, logging, multiprocessing, os, subprocess, sys
logging.basicConfig(level=logging.INFO)
logger = logging.getLogger("sagemaker.remote_function")
base = os.environ["SAGEMAKER_BASE_DIR"]
SENSITIVE = ["SECRET", "PASSWORD", "KEY", "TOKEN", "PRIVATE", "CREDS", "CREDENTIALS"]
def num_gpus():
    try:
        out = subprocess.check_output(["nvidia-smi", "--list-gpus"]).decode()
        return sum(1 for line in out.splitlines() if line.startswith("GPU "))
    except (OSError, subprocess.CalledProcessError):
        return 0
def num_neurons():
    try:
        out = subprocess.check_output(["neuron-ls", "-j"], stderr=subprocess.STDOUT).decode()
        return sum(item.get("nc_count", 0) for item in json.loads(out))
    except (OSError, subprocess.CalledProcessError):
        return 0
def safe(value):
    return value if isinstance(value, str) else json.dumps(value)
def main(argv):
    parser = argparse.ArgumentParser()
    for name in ("job_conda_env", "client_python_version", "client_sagemaker_pysdk_version",
                 "pipeline_execution_id", "dependency_settings", "func_step_s3_dir",
                 "distribution", "user_nproc_per_node"):
        parser.add_argument("--" + name, type=str)
    args, _ = parser.parse_known_args(argv)
    for arg in vars(args):
        logger.info("%s=%s", arg, getattr(args, arg))
    job = f"{sys.version_info.major}.{sys.version_info.minor}"
    if args.client_python_version.strip() != job:
        raise SystemExit("version mismatch")
    getpass.getuser()
    json.loads(args.dependency_settings)
    workspace = os.path.join(base, "input", "data", "sm_rf_user_ws", "workspace.zip")
    if os.path.isfile(workspace):
        import shutil
        shutil.unpack_archive(workspace, os.getcwd())
    with open(os.path.join(base, "input", "config", "resourceconfig.json")) as f:
        rc = json.load(f)
    hosts = sorted(rc["hosts"])
    env = {"SM_MODEL_DIR": base + "/model", "SM_INPUT_DIR": base + "/input",
           "SM_MASTER_ADDR": "algo-1", "SM_MASTER_PORT": 7777,
           "SM_CURRENT_HOST": rc["current_host"], "SM_HOSTS": hosts,
           "SM_HOST_COUNT": len(hosts), "SM_NUM_CPUS": multiprocessing.cpu_count(),
           "SM_NUM_GPUS": num_gpus(), "SM_NUM_NEURONS": num_neurons(), "SM_RESOURCE_CONFIG": rc}
    env["SM_NPROC_PER_NODE"] = env["SM_NUM_CPUS"]
    env["SM_TRAINING_ENV"] = dict(env, job_name=os.environ["TRAINING_JOB_NAME"])
    with open(os.path.join(base, "input", "sm_training.env"), "w") as f:
        for key, value in env.items():
            f.write(f"export {key}='{safe(value)}'\\n")
    for key, value in list(os.environ.items()) + list(env.items()):
        hidden = any(word.lower() in key.lower() for word in SENSITIVE)
        logger.info("%s=%s", key, "******" if hidden else value)
main(sys.argv[1:])
'''

INVOKE = '''
import argparse, hashlib, io, json, os, sys
import boto3  # the SDK's invoker imports boto3 and the sagemaker package at start
import cloudpickle
from tblib import pickling_support
def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", required=True)
    parser.add_argument("--s3_base_uri", required=True)
    args, _ = parser.parse_known_args(argv)
    base = args.s3_base_uri[len("file://"):]
    def read(folder):
        with open(os.path.join(base, folder, "metadata.json"), "rb") as f:
            metadata = json.loads(f.read())
        with open(os.path.join(base, folder, "payload.pkl"), "rb") as f:
            payload = f.read()
        if hashlib.sha256(payload).hexdigest() != metadata["sha256_hash"]:
            raise SystemExit("integrity")
        return cloudpickle.loads(payload)
    func = read("function")
    fargs, fkwargs = read("arguments")
    result = func(*fargs, **fkwargs)
    payload = cloudpickle.dumps(result)
    os.makedirs(os.path.join(base, "results"), exist_ok=True)
    with open(os.path.join(base, "results", "payload.pkl"), "wb") as f:
        f.write(payload)
    v = sys.version_info
    with open(os.path.join(base, "results", "metadata.json"), "w") as f:
        f.write(json.dumps({"sha256_hash": hashlib.sha256(payload).hexdigest(),
                            "version": "2023-04-24",
                            "python_version": f"{v.major}.{v.minor}.{v.micro}",
                            "serialization_module": "cloudpickle"}))
    pickling_support.install()
main(sys.argv[1:])
'''


class Setup:
    def __init__(self, root):
        self.root = root
        self.base = os.path.join(root, "ml")
        for folder in ("input/config", "input/data", "model", "output"):
            os.makedirs(os.path.join(self.base, folder), exist_ok=True)
        for name, document in (("resourceconfig.json", {"current_host": "algo-1",
                                                        "hosts": ["algo-1"],
                                                        "current_instance_type": "ml.m5.large",
                                                        "network_interface_name": "eth0"}),
                               ("inputdataconfig.json", {}), ("hyperparameters.json", {})):
            with open(os.path.join(self.base, "input", "config", name), "w") as f:
                json.dump(document, f)
        self.scripts = os.path.join(root, "scripts")
        os.makedirs(self.scripts)
        for name, text in (("job_driver.sh", JOB_DRIVER),
                           ("bootstrap_runtime_environment.py", BOOTSTRAP),
                           ("invoke_function.py", INVOKE)):
            with open(os.path.join(self.scripts, name), "w") as f:
                f.write(text)
        self.stamp = os.path.join(root, "stamp")
        self.s3root = os.path.join(root, "s3root", "job")

    def arguments(self):
        v = sys.version_info
        return ["--s3_base_uri", "file://" + self.s3root, "--region", "us-east-1",
                "--client_python_version", f"{v.major}.{v.minor}",
                "--client_sagemaker_pysdk_version", "2.240.0",
                "--dependency_settings", json.dumps({"dependency_file": None})]

    def run(self, command):
        shutil.rmtree(self.s3root, ignore_errors=True)
        write_payloads(self.s3root, stamped_function(self.stamp))
        env = {"PATH": PATH, "LANG": "C.UTF-8", "HOME": self.root, "TRAINING_JOB_NAME": "job",
               "SAGEMAKER_BASE_DIR": self.base, "BENCH_SCRIPTS": self.scripts,
               "OPTML_PYTHON": "/usr/bin/python3"}
        start = time.monotonic_ns()
        completed = subprocess.run(command, env=env, cwd=self.root, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        end = time.monotonic_ns()
        if completed.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {completed.stderr.decode()[-2000:]}")
        with open(os.path.join(self.s3root, "results", "payload.pkl"), "rb") as f:
            assert cloudpickle.loads(f.read()) == 3
        with open(self.stamp) as f:
            first, last = (int(x) for x in f.read().split())
        return (first - start) / 1e6, (end - last) / 1e6, (end - start) / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json")
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="optml-rf-bench-")
    try:
        setup = Setup(root)
        paths = {
            "optml": [os.path.abspath(options.train), "remote-function"] + setup.arguments(),
            "reference": ["/bin/bash", os.path.join(setup.scripts, "job_driver.sh")]
            + setup.arguments(),
        }
        samples = {name: [] for name in paths}
        for name, command in paths.items():  # warm-up
            setup.run(command)
        for _ in range(options.runs):
            for name, command in paths.items():
                samples[name].append(setup.run(command))
        figures = {}
        print(f"{'path':<10} {'start→first line':>18} {'return→exit':>13} {'total':>9}  (ms, median of {options.runs})")
        for name, runs in samples.items():
            medians = [statistics.median(run[i] for run in runs) for i in range(3)]
            figures[name] = dict(zip(("start_to_first_line_ms", "return_to_exit_ms", "total_ms"),
                                     medians))
            print(f"{name:<10} {medians[0]:>18.1f} {medians[1]:>13.1f} {medians[2]:>9.1f}")
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        if options.json:
            with open(options.json, "w") as f:
                json.dump(figures, f, indent=2)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

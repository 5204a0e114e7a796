"""Shared pieces of the multi-host remote-function tests: the SDK's payload layout on a folder
every simulated host sees (the run folder), and `train remote-function` started on every host
with the same arguments."""
import json
import os
import sys

import mpi_job
import simulated_hosts

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
# The exceptions the job writes unpickle through tblib and optml_toolkit.remote.errors.
sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "src"))
from remote_payloads import FolderRoot, generations, write_call  # noqa: E402


def start_remote_jobs(test, function, distribution, extra_env):
    """Writes the call's payloads (SHA-256 generation) and starts train remote-function on
    every host, algo-1 last; returns the root and {host: process}."""
    sha256, = [g for g in generations() if g.name == "sha256"]
    root = FolderRoot(test.cluster.root)
    write_call(root.put, sha256, function)
    argv = [test.train, "remote-function", "--s3_base_uri", root.base_uri,
            "--region", "us-east-1", "--client_python_version", "%d.%d" % sys.version_info[:2],
            "--client_sagemaker_pysdk_version", sha256.sdk_version(),
            "--dependency_settings", json.dumps({"dependency_file": None}),
            "--distribution", distribution, "--user_nproc_per_node", "1"]
    env = {"PATH": simulated_hosts.CLEAN_PATH, "LANG": "C.UTF-8", "HOME": "/root",
           "SAGEMAKER_BASE_DIR": test.cluster.base, "OPTML_PYTHON": test.python,
           "TRAINING_JOB_NAME": "job-1", "OPTML_STOP_TIMEOUT": "10"}
    env.update(extra_env)
    processes = {}
    for host in reversed(test.cluster.hosts):
        test.cluster.write_job(host, {}, {}, mpi_job.resources(host, test.cluster.hosts))
        processes[host] = test.cluster.start(host, argv, env, host + ".train.log")
    return root, processes

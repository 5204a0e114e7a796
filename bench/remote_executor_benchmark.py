#!/usr/bin/env python3
"""RemoteExecutor.map over N local jobs with max_parallel_jobs 1 and 4 (the embedded backend).

Each job is a whole `train remote-function` process: scaffold, payload upload, start, invoke,
results read back. Uses --train when it has the `remote-function` subcommand, else the test
stand-in job runner (python/tests/remote_function/stand_in_train.py), and says which.

    python3 bench/remote_executor_benchmark.py [--train build/bin/train] [--jobs 20] [--repeat 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "python", "src"))
STAND_IN = os.path.join(REPO, "python", "tests", "remote_function", "stand_in_train.py")


def square(x):
    return x * x


def pick_runner(train, scratch):
    if train and os.path.isfile(train):
        # a train without the subcommand prints its general help, also with exit 0
        probe = subprocess.run([train, "remote-function", "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               env=dict(os.environ, SAGEMAKER_BASE_DIR=scratch))
        if probe.returncode == 0 and b"remote-function" in probe.stdout:
            return os.path.realpath(train), "train remote-function"
    runner = os.path.join(scratch, "train")
    with open(runner, "w") as file:
        file.write(f'#!/bin/sh\nexec "{sys.executable}" "{STAND_IN}" "$@"\n')
    os.chmod(runner, 0o755)
    return runner, "test stand-in (train has no remote-function subcommand here)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default=os.path.join(REPO, "build", "bin", "train"))
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="optml-rf-bench-") as scratch:
        runner, runner_name = pick_runner(options.train, scratch)
        os.environ.update({
            "OPTML_TRAIN": runner,
            "OPTML_REMOTE_FUNCTION_S3_ROOT_URI": "file://" + os.path.join(scratch, "s3"),
            "OPTML_REMOTE_FUNCTION_JOBS_DIR": os.path.join(scratch, "jobs"),
            "OPTML_REMOTE_FUNCTION_BACKEND": "local",
            # the job's python3 is this interpreter, as an image's Python matches its client's
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]]),
            # the job imports this file's `square` by name
            "PYTHONPATH": os.pathsep.join([os.path.dirname(os.path.abspath(__file__)),
                                           os.path.join(REPO, "python", "src")]),
        })
        from optml_toolkit.remote_function import RemoteExecutor
        import remote_executor_benchmark as this_module  # importable name for the job

        print(f"runner: {runner_name}; {options.jobs} jobs per map; {os.cpu_count()} CPUs; "
              f"best and median of {options.repeat}")
        for parallel in (1, 4):
            walls = []
            for _ in range(options.repeat):
                started = time.perf_counter()
                with RemoteExecutor(max_parallel_jobs=parallel) as executor:
                    results = executor.map(this_module.square, range(options.jobs))
                walls.append(time.perf_counter() - started)
                assert results == [x * x for x in range(options.jobs)]
            best, median = min(walls), statistics.median(walls)
            print(f"max_parallel_jobs={parallel}: map {best:.2f} s best, {median:.2f} s median "
                  f"({best / options.jobs * 1000:.0f} ms per job at best)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmarks of `train` against running the same program directly, measured in one run.

Prints medians and ratios; not part of the pass/fail test suite. Usage:
    python3 bench/run_benchmarks.py --train build/bin/train --helpers build/tests/helpers
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Job:
    """A scaffolded base dir whose entry point is `program` (copied into code/)."""

    def __init__(self, program_name, program_text=None, program_file=None, hyperparameters=None):
        self.root = tempfile.mkdtemp(prefix="optml-bench-")
        self.base = os.path.join(self.root, "opt", "ml")
        for folder in ("model", "output/data", "input/data", "input/config", "code"):
            os.makedirs(os.path.join(self.base, folder))
        stored = {"sagemaker_program": json.dumps(program_name)}
        stored.update({k: json.dumps(v) for k, v in (hyperparameters or {}).items()})
        self._write("input/config/hyperparameters.json", json.dumps(stored))
        self._write("input/config/inputdataconfig.json", "{}")
        self._write("input/config/resourceconfig.json",
                    json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))
        self.program = os.path.join(self.base, "code", program_name)
        if program_file:
            shutil.copy(program_file, self.program)
        else:
            self._write("code/" + program_name, program_text)
        self.env = {"PATH": CLEAN_PATH, "LANG": "C.UTF-8", "HOME": self.root,
                    "SAGEMAKER_BASE_DIR": self.base, "SM_STUDIO_LOCAL_MODE": "true"}

    def _write(self, relative, text):
        with open(os.path.join(self.base, relative), "w") as f:
            f.write(text)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def timed(command, env, cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=stdout, stderr=stderr, check=False)
    return time.perf_counter() - start


def median_ms(samples):
    return statistics.median(samples) * 1000


def bench_startup(train, label, job, direct_command, runs):
    direct, through_train = [], []
    for _ in range(runs):
        direct.append(timed(direct_command, job.env, os.path.join(job.base, "code")))
        through_train.append(timed([train], job.env, job.root))
    d, t = median_ms(direct), median_ms(through_train)
    print(f"start-up, {label:<22} direct {d:8.2f} ms   train {t:8.2f} ms   "
          f"overhead {t - d:7.2f} ms   ratio {t / d:5.2f}x")


def bench_rss(train, helpers):
    """Peak RSS of train while the program sleeps, from /proc/<pid>/status VmHWM."""
    job = Job("helper_sleep", program_file=os.path.join(helpers, "helper_sleep"))
    try:
        process = subprocess.Popen([train], env=job.env, cwd=job.root, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        peak_kb = None
        while time.monotonic() < deadline:
            children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                      text=True).stdout.split()
            if children:
                with open(f"/proc/{process.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak_kb = int(line.split()[1])
                break
            time.sleep(0.01)  # polling for the child to appear, bounded by the deadline
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        print(f"peak RSS of train while the program sleeps: {peak_kb / 1024:.2f} MB"
              if peak_kb else "peak RSS: child never appeared")
    finally:
        job.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True)
    parser.add_argument("--helpers", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    train = os.path.abspath(args.train)
    helpers = os.path.abspath(args.helpers)
    python = shutil.which("python3", path=CLEAN_PATH)

    noop_py = Job("noop.py", program_text="pass\n")
    noop_native = Job("helper_exit", program_file=os.path.join(helpers, "helper_exit"))
    os.chmod(noop_native.program, 0o755)
    try:
        bench_startup(train, "no-op .py program", noop_py, [python, "noop.py"], args.runs)
        bench_startup(train, "no-op native program", noop_native, ["./helper_exit"], args.runs)
    finally:
        noop_py.cleanup()
        noop_native.cleanup()
    bench_rss(train, helpers)
    return 0


if __name__ == "__main__":
    sys.exit(main())

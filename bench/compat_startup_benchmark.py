#!/usr/bin/env python3
"""What the Python compat layer costs a framework-module job before the user's program runs.

Not part of the test suite; standard library only. Usage:
    python3 bench/compat_startup_benchmark.py [--runs 20]

Measures, in fresh interpreters on a scaffolded temporary base dir (runs interleaved, median
and spread of wall time):
  bare        python3 -c pass
  import      importing sagemaker_training's entry_point, environment, errors and runner
  exported    import + Environment() + to_env_vars(), reading train's SM_TRAINING_ENV
  computed    import + Environment() + to_env_vars(), computed from the config files (the
              reference's way: reads the files, spawns nvidia-smi / neuron-ls probes)
The end-to-end figure (framework-module job vs the program run directly through train)
needs the C++ `train run-entry-point`, which does not exist yet.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
SRC = os.path.join(REPO, "python", "src")
IMPORTS = "from sagemaker_training import entry_point, environment, errors, runner"
SNIPPETS = {
    "bare": "pass",
    "import": IMPORTS,
    "exported": IMPORTS + "; environment.Environment().to_env_vars()",
    "computed": IMPORTS + "; environment.Environment().to_env_vars()",
}


def scaffold(tmp):
    base = os.path.join(tmp, "opt", "ml")
    config = os.path.join(base, "input", "config")
    os.makedirs(config)
    os.makedirs(os.path.join(base, "code"))
    documents = {"hyperparameters.json": {"sagemaker_program": '"train.py"', "lr": "0.1",
                                          "epochs": "10"},
                 "resourceconfig.json": {"current_host": "algo-1", "hosts": ["algo-1"]},
                 "inputdataconfig.json": {"train": {"TrainingInputMode": "File"}}}
    for name, document in documents.items():
        with open(os.path.join(config, name), "w") as f:
            json.dump(document, f)
    return base


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--python", default="/usr/bin/python3")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = scaffold(tmp)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SAGEMAKER_BASE_DIR": base,
               "PYTHONPATH": SRC, "HOME": tmp, "LANG": "C.UTF-8"}
        exported = subprocess.run(
            [options.python, "-c", IMPORTS + "; print(environment.Environment()"
             ".to_env_vars()['SM_TRAINING_ENV'])"],
            env=env, capture_output=True, text=True, check=True).stdout.strip()
        environments = {name: env for name in SNIPPETS}
        environments["exported"] = dict(env, SM_TRAINING_ENV=exported)
        times = {name: [] for name in SNIPPETS}
        cpu = {name: [] for name in SNIPPETS}
        for _ in range(options.runs):
            for name, snippet in SNIPPETS.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([options.python, "-c", snippet], env=environments[name],
                               check=True)
                times[name].append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime + after.ru_stime
                                 - before.ru_utime - before.ru_stime)
    for name in SNIPPETS:
        print("%-9s wall median %6.1f ms (min %6.1f)   cpu median %6.1f ms (%d runs)" % (
            name, 1000 * statistics.median(times[name]), 1000 * min(times[name]),
            1000 * statistics.median(cpu[name]), options.runs))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What the Python compat layer costs a framework-module job before the user's program runs.

Not part of the test suite; standard library only. Usage:
    python3 bench/compat_startup_benchmark.py [--runs 20] [--train build/bin/train]

Measures, in fresh interpreters on a scaffolded temporary base dir (runs interleaved, median
and spread of wall time):
  bare        python3 -c pass
  import      importing sagemaker_training's entry_point, environment, errors and runner
  exported    import + Environment() + to_env_vars(), reading train's SM_TRAINING_ENV
  computed    import + Environment() + to_env_vars(), computed from the config files (the
              reference's way: reads the files, spawns nvidia-smi / neuron-ls probes)
With --train (end to end, whole jobs on fresh base dirs, a no-op train.py; runs interleaved):
  program     python3 train.py, no train around it
  direct      train running train.py as the job's entry point (sagemaker_program)
  framework   train running a PyTorch-style toolkit (SAGEMAKER_TRAINING_MODULE, the compat
              tests' stand_in_pytorch) whose entry_point.run hands train.py to
              `train run-entry-point`
  toolkit     the same framework process without the run (Environment(), to_env_vars())
framework - direct is what a framework-module job costs over the same program run directly;
framework - toolkit - program is the hand-off itself (spec, run-entry-point, its supervisor).
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


TOOLKITS = os.path.join(REPO, "python", "tests", "compat", "toolkits")
NO_RUN_TOOLKIT = ("from sagemaker_training import environment\n"
                  "def main():\n    environment.Environment().to_env_vars()\n")


def end_to_end(options):
    """Whole jobs through train: the figures of the module docstring's second part."""
    cases = ("program", "direct", "framework", "toolkit")
    times = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "bench_no_run_toolkit.py"), "w") as f:
            f.write(NO_RUN_TOOLKIT)
        for run in range(options.runs):
            for name in cases:
                base = scaffold(os.path.join(tmp, "%s-%d" % (name, run)))
                code = os.path.join(base, "code")
                with open(os.path.join(code, "train.py"), "w") as f:
                    f.write("pass\n")
                env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SAGEMAKER_BASE_DIR": base,
                       "PYTHONPATH": ":".join([SRC, TOOLKITS, tmp]), "HOME": tmp,
                       "LANG": "C.UTF-8", "SM_STUDIO_LOCAL_MODE": "true",
                       "OPTML_PYTHON": options.python, "OPTML_TRAIN": options.train}
                if name == "program":
                    argv = [options.python, "train.py"]
                else:
                    argv = [options.train]
                if name == "framework":
                    env["SAGEMAKER_TRAINING_MODULE"] = "stand_in_pytorch.training:main"
                if name == "toolkit":
                    env["SAGEMAKER_TRAINING_MODULE"] = "bench_no_run_toolkit:main"
                start = time.perf_counter()
                completed = subprocess.run(argv, env=env, cwd=code, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE, text=True)
                times[name].append(time.perf_counter() - start)
                if completed.returncode != 0:
                    raise SystemExit("%s failed: %s" % (name, completed.stderr[-2000:]))
                if name != "program" and not os.path.exists(
                        os.path.join(base, "output", "success")):
                    raise SystemExit("%s wrote no output/success" % name)
    median = {name: 1000 * statistics.median(values) for name, values in times.items()}
    for name in cases:
        print("%-10s wall median %6.1f ms (min %6.1f, max %6.1f, %d runs)" % (
            name, median[name], 1000 * min(times[name]), 1000 * max(times[name]),
            options.runs))
    print("framework-module job over the same program run directly by train: %+.1f ms"
          % (median["framework"] - median["direct"]))
    print("framework-module job over the bare program: %+.1f ms"
          % (median["framework"] - median["program"]))
    print("the hand-off (spec, train run-entry-point, its supervisor), without the "
          "program's own run: %+.1f ms"
          % (median["framework"] - median["toolkit"] - median["program"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--train", help="optml's train: also time whole jobs end to end")
    options = parser.parse_args()
    if options.train:
        options.train = os.path.realpath(options.train)
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
    if options.train:
        print()
        end_to_end(options)


if __name__ == "__main__":
    sys.exit(main())

"""Container start -> program start: what `train` adds when it is the container's command.

1. End to end: runs, alternately, `podman run --rm IMAGE train` on a job whose program is a
   no-op Python script and `podman run --rm IMAGE python3 -c pass`, and reports the medians
   and their difference. podman's own ~1 s and its jitter dominate both.
2. Inside one container, without podman's jitter: `train` on the same job against
   `python3 noop.py` directly, alternately, timed with a monotonic clock (train reading the
   job, exporting SM_*, starting, supervising and reporting the program).
Uses the images of tests/containers (built or reused in --work):

  sudo python3 bench/container_benchmark.py --train build/bin/train --work build/containers
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "containers"))
import containers  # noqa: E402


def make_noop_job():
    base = tempfile.mkdtemp(prefix="optml-ctr-bench-")
    for folder in ("input/config", "input/data", "model", "output", "code"):
        os.makedirs(os.path.join(base, folder))
    documents = {"hyperparameters.json": '{"sagemaker_program": "\\"noop.py\\""}',
                 "inputdataconfig.json": "{}",
                 "resourceconfig.json": '{"current_host": "algo-1", "hosts": ["algo-1"]}'}
    for name, text in documents.items():
        with open(os.path.join(base, "input", "config", name), "w") as f:
            f.write(text)
    with open(os.path.join(base, "code", "noop.py"), "w") as f:
        f.write("pass\n")
    return base


INSIDE = r"""
import statistics, subprocess, sys, time
def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
runs = int(sys.argv[1])
train, direct = [], []
for _ in range(runs):
    train.append(timed(["train"]))
    direct.append(timed(["python3", "/opt/ml/code/noop.py"]))
t, d = statistics.median(train), statistics.median(direct)
print("in the container: train + no-op %.1f ms, python3 no-op %.1f ms, overhead %.1f ms "
      "(medians of %d)" % (t * 1000, d * 1000, (t - d) * 1000, runs))
"""


def timed(podman, args):
    start = time.perf_counter()
    result = podman.podman(*args, check=False)
    took = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--image", default="localhost/optml/base")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    why = containers.missing_requirement()
    if why:
        sys.exit("container benchmark: " + why)
    podman = containers.Podman(args.work)
    containers.build_images(podman, args.train, reuse=True)
    base = make_noop_job()
    try:
        volumes = [(os.path.join(base, f), "/opt/ml/" + f)
                   for f in ("input", "model", "output", "code")]
        with_train = podman.run_args(args.image, ["train"], volumes=volumes)
        python_only = podman.run_args(args.image, ["python3", "-c", "pass"], volumes=volumes)
        timed(podman, with_train)  # warm the page cache and the storage
        timed(podman, python_only)
        train_times, python_times = [], []
        for _ in range(args.runs):
            train_times.append(timed(podman, with_train))
            python_times.append(timed(podman, python_only))
        train_median = statistics.median(train_times)
        python_median = statistics.median(python_times)
        print("podman run IMAGE train (no-op .py program): median %.1f ms (min %.1f)" % (
            train_median * 1000, min(train_times) * 1000))
        print("podman run IMAGE python3 -c pass:           median %.1f ms (min %.1f)" % (
            python_median * 1000, min(python_times) * 1000))
        print("overhead of train, end to end:               %.1f ms (medians of %d runs)" % (
            (train_median - python_median) * 1000, args.runs))
        inside = podman.run(args.image, ["python3", "-c", INSIDE, str(args.runs * 2)],
                            volumes=volumes)
        if inside.returncode != 0:
            raise RuntimeError(inside.stderr)
        print(inside.stdout, end="")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

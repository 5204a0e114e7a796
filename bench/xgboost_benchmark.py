#!/usr/bin/env python3
"""XGBoost runner benchmark (issue 15): 3 simulated hosts with Debian's python3-xgboost.

Not part of the test suite; root, like the multihost tests, whose harness it reuses
(tests/multihost/simulated_hosts.py: network namespaces behind a blackhole guard route, so no
packet leaves the machine). Usage (~2 min):
    sudo python3 bench/xgboost_benchmark.py --train build/bin/train [--runs 3] [--rows 20000]

Figures (medians of --runs, runs alternating so the machine's load weighs on each alike):
  single host   example/xgboost/train_xgboost.py alone on all rows (no runner, no tracker)
  optml 3 hosts train on every host (sagemaker_xgboost_enabled), start -> every train exited
  glue 3 hosts  the same script with hand-written tracker glue (bench/xgboost_glue.py) run
                directly on every host, start -> every process exited
  pre-join failure   algo-2's shard has a header row: from algo-2's exit to every host's exit,
                through train, and with the glue (which waits on XGBoost's own timeouts:
                bounded here by --failure-bound seconds, then killed)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "multihost"))
sys.path.insert(0, os.path.join(ROOT, "example", "xgboost"))
import make_shards  # noqa: E402
import mpi_job  # noqa: E402
import simulated_hosts  # noqa: E402

SCRIPT = os.path.join(ROOT, "example", "xgboost", "train_xgboost.py")
GLUE = os.path.join(ROOT, "bench", "xgboost_glue.py")
PYTHON = "/usr/bin/python3"
HYPERPARAMETERS = {"objective": "reg:tweedie", "num_round": 20, "eta": 0.3, "max_depth": 6,
                   "subsample": 1, "tree_method": "hist", "eval_metric": "rmse"}


def script_arguments():
    words = []
    for name, value in HYPERPARAMETERS.items():
        words += ["--" + name, str(value)]
    return words


def write_jobs(cluster, shards):
    with open(SCRIPT) as f:
        code = f.read()
    hyperparameters = dict(HYPERPARAMETERS, sagemaker_program="train_xgboost.py",
                           sagemaker_xgboost_enabled=True)
    for host in cluster.hosts:
        cluster.write_job(host, hyperparameters, {"train_xgboost.py": code},
                          mpi_job.resources(host, cluster.hosts))
        base = cluster.host_base(host)
        with open(os.path.join(base, "input", "config", "inputdataconfig.json"), "w") as f:
            json.dump({"train": {"TrainingInputMode": "File"}}, f)
        channel = os.path.join(base, "input", "data", "train")
        os.makedirs(channel, exist_ok=True)
        for name in os.listdir(channel):
            os.remove(os.path.join(channel, name))
        with open(os.path.join(channel, "part.csv"), "w") as f:
            f.write(shards[host])
        for folder in ("model", "output"):
            subprocess.run(["rm", "-rf", os.path.join(base, folder)], check=True)
            os.makedirs(os.path.join(base, folder, "data"))


def wait_exits(processes, bound):
    """{host: monotonic exit time}; processes still running after `bound` s are killed and get
    None."""
    ended = {}
    deadline = time.monotonic() + bound
    while len(ended) < len(processes):
        for host, process in processes.items():
            if host not in ended and process.poll() is not None:
                ended[host] = time.monotonic()
        if time.monotonic() > deadline:
            for host, process in processes.items():
                if host not in ended:
                    simulated_hosts._kill_group(process)
                    process.wait()
                    ended[host] = None
            break
        time.sleep(0.005)
    return ended


def run_optml(cluster, train, tag):
    env = {"PATH": simulated_hosts.CLEAN_PATH, "LANG": "C.UTF-8", "HOME": "/root",
           "SAGEMAKER_BASE_DIR": cluster.base, "OPTML_PYTHON": PYTHON, "OMP_NUM_THREADS": "1",
           "OPTML_XGBOOST_JOIN_TIMEOUT": "60", "OPTML_CLEANUP_TIMEOUT": "1"}
    started = time.monotonic()
    processes = {host: cluster.start(host, [train], env, "%s.%s.log" % (host, tag))
                 for host in cluster.hosts}
    return started, processes


def run_glue(cluster, tag, port):
    started = time.monotonic()
    processes = {}
    for host in cluster.hosts:
        base = cluster.base
        env = {"PATH": simulated_hosts.CLEAN_PATH, "LANG": "C.UTF-8", "HOME": "/root",
               "OMP_NUM_THREADS": "1", "SM_HOSTS": json.dumps(cluster.hosts),
               "SM_CURRENT_HOST": host, "SM_CHANNEL_TRAIN": base + "/input/data/train",
               "SM_MODEL_DIR": base + "/model", "SM_OUTPUT_DATA_DIR": base + "/output/data",
               "GLUE_TRACKER_PORT": str(port)}
        processes[host] = cluster.start(host, [PYTHON, GLUE] + script_arguments(), env,
                                        "%s.%s.log" % (host, tag))
    return started, processes


def log_tail(process):
    with open(process.log_path, errors="replace") as f:
        return f.read()[-3000:]


def check_success(processes, label):
    for host, process in processes.items():
        if process.returncode != 0:
            raise SystemExit("%s failed on %s:\n%s" % (label, host, log_tail(process)))


def single_host(shards):
    with tempfile.TemporaryDirectory(prefix="optml-xgb-bench-") as folder:
        channel = os.path.join(folder, "train")
        os.makedirs(channel)
        for index, text in enumerate(shards.values()):
            with open(os.path.join(channel, "part-%d.csv" % index), "w") as f:
                f.write(text)
        env = {"PATH": simulated_hosts.CLEAN_PATH, "SM_CHANNEL_TRAIN": channel,
               "SM_MODEL_DIR": folder, "OMP_NUM_THREADS": "1"}
        started = time.monotonic()
        subprocess.run([PYTHON, SCRIPT] + script_arguments(), env=env, check=True,
                       capture_output=True, timeout=300)
        return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20000, help="rows per host")
    parser.add_argument("--failure-bound", type=float, default=60.0)
    arguments = parser.parse_args()
    why = simulated_hosts.missing_requirement(PYTHON, ["ip", "unshare", "nsenter"],
                                              ("xgboost", "python3-xgboost"))
    if why:
        raise SystemExit("cannot run: " + why)
    train = os.path.abspath(arguments.train)

    shards = {"algo-%d" % (i + 1): make_shards.rows(1000 + i, arguments.rows) for i in range(3)}
    bad = dict(shards)
    bad["algo-2"] = "y,a,b,c\n" + shards["algo-2"]
    figures = {"single": [], "optml": [], "glue": [], "optml_failure": [], "glue_failure": []}
    with simulated_hosts.SimulatedHosts(3) as cluster:
        for run in range(arguments.runs):
            figures["single"].append(single_host(shards))

            write_jobs(cluster, shards)
            started, processes = run_optml(cluster, train, "optml%d" % run)
            ended = wait_exits(processes, 300)
            check_success(processes, "optml")
            figures["optml"].append(max(ended.values()) - started)

            write_jobs(cluster, shards)
            started, processes = run_glue(cluster, "glue%d" % run, 9100 + 2 * run)
            ended = wait_exits(processes, 300)
            check_success(processes, "glue")
            figures["glue"].append(max(ended.values()) - started)

            write_jobs(cluster, bad)
            started, processes = run_optml(cluster, train, "optml-fail%d" % run)
            ended = wait_exits(processes, arguments.failure_bound)
            if None in ended.values():
                raise SystemExit("optml: a host was still running after the failure:\n" +
                                 log_tail(processes["algo-1"]))
            figures["optml_failure"].append(max(ended.values()) - ended["algo-2"])

            write_jobs(cluster, bad)
            started, processes = run_glue(cluster, "glue-fail%d" % run, 9101 + 2 * run)
            ended = wait_exits(processes, arguments.failure_bound)
            if ended["algo-2"] is None:
                raise SystemExit("glue: algo-2 did not fail")
            last = [t for t in ended.values() if t is not None]
            figures["glue_failure"].append(
                None if None in ended.values() else max(last) - ended["algo-2"])

    def median(values):
        known = [v for v in values if v is not None]
        if len(known) < len(values):
            return "> %.0f s (hosts still waiting, killed)" % arguments.failure_bound
        return "%.2f s" % statistics.median(known)

    load = os.getloadavg()[0]
    print("XGBoost %s rows per host x 3 hosts, num_round %d, medians of %d runs, load %.1f" % (
        arguments.rows, HYPERPARAMETERS["num_round"], arguments.runs, load))
    print("  single host, all rows                 %s" % median(figures["single"]))
    print("  optml, 3 hosts                        %s" % median(figures["optml"]))
    print("  hand-written glue, 3 hosts            %s" % median(figures["glue"]))
    print("  pre-join failure -> every host exited")
    print("    optml                               %s" % median(figures["optml_failure"]))
    print("    hand-written glue                   %s" % median(figures["glue_failure"]))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

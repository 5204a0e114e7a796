"""Shared pieces of the XGBoost multi-host tests: sharded headerless CSVs on every host, the
example's training script, the runner switched on, and single-host training to compare with."""
import json
import os
import random
import subprocess
import tempfile
import time

import mpi_job
import runner_job
import simulated_hosts

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "example", "xgboost", "train_xgboost.py")
HYPERPARAMETERS = {"objective": "reg:tweedie", "num_round": 6, "eta": 0.3, "max_depth": 4,
                   "subsample": 1, "tree_method": "hist", "eval_metric": "rmse"}
MODEL = "xgboost-model.json"


def shard_rows(index, count=40):
    """Deterministic rows: a positive label, then 3 features with few distinct values (the
    quantile sketch stays exact, so the split candidates are the same however the rows are
    spread over hosts)."""
    generator = random.Random(1000 + index)
    rows = []
    for _ in range(count):
        features = [generator.randint(0, 20) / 4 for _ in range(3)]
        label = max(0.0, features[0] * 0.5 + features[1] - features[2] * 0.3 +
                    generator.randint(0, 4) / 2)
        rows.append(",".join("%g" % value for value in [label] + features))
    return "\n".join(rows) + "\n"


class XgboostTestCase(runner_job.RunnerTestCase):
    hosts_count = 3
    module = ("xgboost", "python3-xgboost")

    def write_xgboost_jobs(self, shards, extra_hyperparameters=None):
        """`shards`: host -> {file name: text}; a host missing from it gets no files."""
        with open(SCRIPT) as f:
            code = f.read()
        hyperparameters = dict(HYPERPARAMETERS, sagemaker_program="train_xgboost.py",
                               sagemaker_xgboost_enabled=True)
        hyperparameters.update(extra_hyperparameters or {})
        for host in self.cluster.hosts:
            self.cluster.write_job(host, hyperparameters, {"train_xgboost.py": code},
                                   mpi_job.resources(host, self.cluster.hosts))
            base = self.cluster.host_base(host)
            with open(os.path.join(base, "input", "config", "inputdataconfig.json"), "w") as f:
                json.dump({"train": {"TrainingInputMode": "File",
                                     "S3DistributionType": "ShardedByS3Key"}}, f)
            channel = os.path.join(base, "input", "data", "train")
            os.makedirs(channel, exist_ok=True)
            for name, text in shards.get(host, {}).items():
                with open(os.path.join(channel, name), "w") as f:
                    f.write(text)

    def default_shards(self):
        return {host: {"part-%d.csv" % index: shard_rows(index)}
                for index, host in enumerate(self.cluster.hosts)}

    def start_xgboost(self, hosts=None, extra_env=None):
        env = {"OPTML_XGBOOST_JOIN_TIMEOUT": "30", "OPTML_CLEANUP_TIMEOUT": "1",
               "OMP_NUM_THREADS": "1"}
        env.update(extra_env or {})
        return {host: self.start_train(host, env) for host in (hosts or self.cluster.hosts)}

    def single_host_model(self, texts):
        """The script alone on one machine with every row (no runner, no tracker)."""
        with tempfile.TemporaryDirectory(prefix="optml-xgb-single-") as folder:
            channel = os.path.join(folder, "train")
            os.makedirs(channel)
            for index, text in enumerate(texts):
                with open(os.path.join(channel, "part-%d.csv" % index), "w") as f:
                    f.write(text)
            argv = [self.python, SCRIPT]
            for name, value in HYPERPARAMETERS.items():
                argv += ["--" + name, str(value)]
            env = {"PATH": simulated_hosts.CLEAN_PATH, "SM_CHANNEL_TRAIN": channel,
                   "SM_MODEL_DIR": folder, "OMP_NUM_THREADS": "1"}
            subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
            with open(os.path.join(folder, MODEL), "rb") as f:
                return f.read()

    def model_on(self, host):
        path = os.path.join(self.cluster.host_base(host), "model", MODEL)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def wait_for_training(self, host, timeout=60):
        """The pid (inside its host) of the script once its first round is done."""
        marker = os.path.join(self.cluster.host_base(host), "output", "data", "training.pid")
        deadline = time.monotonic() + timeout
        while not os.path.exists(marker):
            if time.monotonic() > deadline:
                self.fail("%s never finished a round" % host)
            time.sleep(0.05)
        with open(marker) as f:
            return int(f.read())

    def run_on(self, host, argv):
        process = self.cluster.start(host, argv, {"PATH": simulated_hosts.CLEAN_PATH},
                                     "%s.%s.log" % (host, os.path.basename(argv[0])))
        process.wait(timeout=30)
        return process.returncode


main = mpi_job.main


def trackers_left(cluster):
    """XGBoost trackers (the runner's bootstrap) still running for this cluster's hosts."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                command = f.read()
            with open("/proc/%s/environ" % pid, "rb") as f:
                environment = f.read().split(b"\0")
        except OSError:
            continue
        if b"optml-xgboost-tracker-listening" in command and \
                ("SAGEMAKER_BASE_DIR=" + cluster.base).encode() in environment:
            left.append(int(pid))
    return left

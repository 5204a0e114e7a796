"""Distributed XGBoost in script mode, run by optml's XGBoost runner
(hyperparameter sagemaker_xgboost_enabled=true).

Every host gets a different share of the training CSVs (ShardedByS3Key) in its `train`
channel: label in the first column, no header row. optml starts XGBoost's tracker on the
first host, gives every host with data its DMLC_* variables and starts this script there;
rank 0 saves the model. Alone (no runner, one host) the same script trains on its files.
"""
import argparse
import glob
import json
import os

import numpy as np
import xgboost as xgb


def read_shard(channel):
    """Every CSV of this host's share as one DMatrix; a header row or an empty file is an
    error that names the file."""
    paths = sorted(glob.glob(os.path.join(channel, "**", "*.csv"), recursive=True))
    parts = []
    for path in paths:
        with open(path) as f:
            first = f.readline()
        name = os.path.relpath(path, channel)
        if not first.strip():
            raise ValueError("%s is empty: every CSV file needs rows" % name)
        try:
            [float(value) for value in first.split(",")]
        except ValueError:
            raise ValueError("%s starts with a header row; the CSV files must have none"
                             % name) from None
        parts.append(np.loadtxt(path, delimiter=",", ndmin=2))
    if not parts:
        raise ValueError("no CSV files in %s" % channel)
    rows = np.vstack(parts)
    return xgb.DMatrix(rows[:, 1:], label=rows[:, 0])


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--objective", default="reg:tweedie")
    parser.add_argument("--num_round", type=int, default=10)
    parser.add_argument("--eta", type=float, default=0.3)
    parser.add_argument("--max_depth", type=int, default=6)
    parser.add_argument("--subsample", type=float, default=1.0)
    parser.add_argument("--tree_method", default="hist")
    parser.add_argument("--eval_metric", default="rmse")
    # Seconds each round waits: lets the tests act while training runs.
    parser.add_argument("--round_pause", type=float, default=0.0)
    arguments, _ = parser.parse_known_args()
    return arguments


class Progress(xgb.callback.TrainingCallback):
    """Marks the first round done (output/data/training.pid holds the process id) and
    paces the rounds when asked."""

    def __init__(self, pause, marker):
        super().__init__()
        self.pause = pause
        self.marker = marker

    def after_iteration(self, model, epoch, evals_log):
        if epoch == 0 and self.marker:
            with open(self.marker + ".tmp", "w") as f:
                f.write(str(os.getpid()))
            os.replace(self.marker + ".tmp", self.marker)
        if self.pause:
            import time
            time.sleep(self.pause)
        return False


def train(arguments, data, distributed):
    params = {"objective": arguments.objective, "eta": arguments.eta,
              "max_depth": arguments.max_depth, "subsample": arguments.subsample,
              "tree_method": arguments.tree_method, "eval_metric": arguments.eval_metric}
    output_data = os.environ.get("SM_OUTPUT_DATA_DIR")
    marker = os.path.join(output_data, "training.pid") if output_data else None
    booster = xgb.train(params, data, num_boost_round=arguments.num_round,
                        evals=[(data, "train")],
                        callbacks=[Progress(arguments.round_pause, marker)])
    rank = xgb.collective.get_rank() if distributed else 0
    if rank == 0:
        booster.save_model(os.path.join(os.environ.get("SM_MODEL_DIR", "."),
                                        "xgboost-model.json"))


def main():
    arguments = parse_arguments()
    # Before joining the other hosts: a bad shard fails this host at once, and optml ends the
    # job on every host.
    data = read_shard(os.environ.get("SM_CHANNEL_TRAIN", "."))
    if "OPTML_XGBOOST_COMMUNICATOR_ARGS" not in os.environ:
        train(arguments, data, distributed=False)
        return
    communicator = json.loads(os.environ["OPTML_XGBOOST_COMMUNICATOR_ARGS"])
    with xgb.collective.CommunicatorContext(**communicator):
        train(arguments, data, distributed=True)


if __name__ == "__main__":
    main()

"""The benchmark's baseline: train_xgboost.py with the tracker glue a user writes by hand
without a runner (about 40 lines): the first host starts XGBoost's tracker in a thread, every
host works out its task id from its place in SM_HOSTS, sets the DMLC_* variables and
connects, retrying while the tracker is not up. Run directly on each host (no train)."""
import json
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "example",
                                "xgboost"))
import train_xgboost  # noqa: E402
import xgboost as xgb  # noqa: E402
from xgboost.tracker import RabitTracker  # noqa: E402

# The benchmark gives each run its own port: without SO_REUSEADDR, which RabitTracker does not
# set, the port of a stopped run stays unbindable for about a minute.
PORT = int(os.environ.get("GLUE_TRACKER_PORT", "9099"))


def main():
    hosts = json.loads(os.environ["SM_HOSTS"])
    current = os.environ["SM_CURRENT_HOST"]
    arguments = train_xgboost.parse_arguments()
    data = train_xgboost.read_shard(os.environ["SM_CHANNEL_TRAIN"])
    tracker = None
    if current == hosts[0]:
        tracker = RabitTracker(host_ip=socket.gethostbyname(current), n_workers=len(hosts),
                               port=PORT, sortby="task")
        thread = threading.Thread(target=tracker.accept_workers, args=(len(hosts),),
                                  daemon=True)
        thread.start()
    os.environ.update({"DMLC_TRACKER_URI": hosts[0], "DMLC_TRACKER_PORT": str(PORT),
                       "DMLC_TASK_ID": str(hosts.index(current)),
                       "DMLC_NUM_WORKER": str(len(hosts)), "DMLC_WORKER_CONNECT_RETRY": "30"})
    with xgb.collective.CommunicatorContext():
        train_xgboost.train(arguments, data, distributed=True)
    if tracker is not None:
        thread.join(60)


if __name__ == "__main__":
    main()

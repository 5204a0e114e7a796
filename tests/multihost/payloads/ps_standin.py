# Stand-in for a parameter server, scheduler or worker (MXNet is not in Debian): writes the
# role and variables it received to output/data/<role>.json on its host. Servers then wait to
# be stopped, as real ones never exit on their own; the bound only limits a leak.
import json
import os
import sys
import time

NAMES = ("DMLC_ROLE", "DMLC_NUM_WORKER", "DMLC_NUM_SERVER", "DMLC_PS_ROOT_URI",
         "DMLC_PS_ROOT_PORT", "PS_VERBOSE", "TF_CONFIG", "CUDA_VISIBLE_DEVICES",
         "SM_CURRENT_HOST")
out = os.path.join(os.environ["SAGEMAKER_BASE_DIR"], "output", "data")
is_server = "--server" in sys.argv
role = os.environ.get("DMLC_ROLE")
if role is None:
    role = json.loads(os.environ["TF_CONFIG"])["task"]["type"] if "TF_CONFIG" in os.environ \
        else "none"
seen = {name: os.environ.get(name) for name in NAMES}
if not is_server:
    # This host's servers (and the scheduler on the first host) run next to the worker, started
    # before it: a bounded wait for their files, so none is stopped before it wrote its own.
    if "TF_CONFIG" in os.environ:
        expected = {"ps.json"}
    else:
        expected = {"server.json"}
        if os.environ.get("DMLC_PS_ROOT_URI") == os.environ.get("SM_CURRENT_HOST"):
            expected.add("scheduler.json")
    deadline = time.monotonic() + 10
    while not expected <= set(os.listdir(out)) and time.monotonic() < deadline:
        time.sleep(0.02)
    seen["servers_before"] = sorted(f for f in os.listdir(out) if f.endswith(".json"))
with open(os.path.join(out, role + ".json.tmp"), "w") as f:
    json.dump(seen, f)
os.rename(os.path.join(out, role + ".json.tmp"), os.path.join(out, role + ".json"))
if is_server:
    time.sleep(120)
sys.exit(int(os.environ.get("STANDIN_EXIT", "0")))

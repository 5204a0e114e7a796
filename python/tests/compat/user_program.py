"""The user program of the compat tests: dumps its argv and environment to $DUMP_TO, then
fails as its --probe_failure argument says (raise, gloo), or with `stop` waits for SIGTERM
and takes 2 s to stop gracefully (writing $DUMP_TO.stopped)."""

import json
import os
import signal
import sys
import time

arguments = sys.argv[1:]
failure = arguments[arguments.index("--probe_failure") + 1] if "--probe_failure" in arguments \
    else None


def stop_gracefully(signal_number, frame):
    time.sleep(2)
    with open(os.environ["DUMP_TO"] + ".stopped", "w", encoding="utf-8") as f:
        f.write(signal.Signals(signal_number).name)
    sys.exit(0)


if failure == "stop":
    signal.signal(signal.SIGTERM, stop_gracefully)
with open(os.environ["DUMP_TO"], "w", encoding="utf-8") as f:
    json.dump({"argv": arguments, "argv0": sys.argv[0], "cwd": os.getcwd(), "pid": os.getpid(),
               "env": dict(os.environ)}, f)
if failure == "raise":
    raise ValueError("the user program failed on purpose")
if failure == "gloo":
    sys.stderr.write("terminate called after throwing an instance of 'gloo::EnforceNotMet'\n")
    sys.exit(1)
if failure == "stop":
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.1)
    sys.exit(3)

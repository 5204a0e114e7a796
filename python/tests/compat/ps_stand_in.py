"""A parameter server stand-in for the compat tests: writes `<role>.pid` (its pid and who
started it, $PS_STARTED_BY) and `<role>.ready` into $STAND_IN_PS_DIR, then serves forever,
as servers do, until it is killed."""

import json
import os
import signal

folder = os.environ["STAND_IN_PS_DIR"]
role = os.environ.get("DMLC_ROLE", "unknown")
started_by = os.environ.get("PS_STARTED_BY", "toolkit")
with open(os.path.join(folder, "%s.%s.pid" % (started_by, role)), "w", encoding="utf-8") as f:
    json.dump({"pid": os.getpid(), "role": role}, f)
open(os.path.join(folder, role + ".ready"), "w", encoding="utf-8").close()
while True:
    signal.pause()

"""The user program of the compat tests: dumps its argv and environment to $DUMP_TO, then
fails as its --probe_failure argument says (raise, gloo)."""

import json
import os
import sys

arguments = sys.argv[1:]
with open(os.environ["DUMP_TO"], "w", encoding="utf-8") as f:
    json.dump({"argv": arguments, "argv0": sys.argv[0], "cwd": os.getcwd(),
               "env": dict(os.environ)}, f)
failure = arguments[arguments.index("--probe_failure") + 1] if "--probe_failure" in arguments \
    else None
if failure == "raise":
    raise ValueError("the user program failed on purpose")
if failure == "gloo":
    sys.stderr.write("terminate called after throwing an instance of 'gloo::EnforceNotMet'\n")
    sys.exit(1)

#!/usr/bin/python3
"""TEST STAND-IN for `train run-entry-point` (optml_toolkit/compat/RUN_ENTRY_POINT.md).

The compat tests use the real train (behind recording_train.py); this stand-in remains for
the tests that check only what the Python side hands over for a runner the real train would
run for real (MPI starts sshd, which a test on one machine must not do: tests/multihost runs
MPI on the namespace testbed). It implements the contract minimally: every runner as one
process, no code acquisition, no install steps, no signal handling. It runs the program with
the spec's environment, arguments and code dir, relays its stderr while keeping a tail, writes the
result file and exits with the program's status. When the spec's environment has
STAND_IN_RECORD (a path), it also saves the spec there so tests can check what the Python
side handed over.
"""

import collections
import json
import os
import stat
import subprocess
import sys

TAIL_LINES = 20


def program_command(spec, python):
    if spec["module"] is not None:
        return [python, "-m", spec["module"]], "-m %s" % spec["module"]
    entry_point = spec["entry_point"]
    path = os.path.join(spec["code_dir"], entry_point)
    if entry_point.endswith(".py"):
        return [python, entry_point], entry_point
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return [path], entry_point


def main(argv):
    if len(argv) != 4 or argv[1] != "run-entry-point" or argv[2] != "--spec":
        sys.stderr.write("stand-in train: usage: run-entry-point --spec FILE\n")
        return 2
    with open(argv[3], encoding="utf-8") as f:
        spec = json.load(f)
    if spec.get("version") != 1:
        sys.stderr.write("stand-in train: unsupported spec version\n")
        return 2
    record = spec["environment"].get("STAND_IN_RECORD")
    if record:
        with open(record, "w", encoding="utf-8") as f:
            json.dump(dict(spec, spec_file_mode=stat.S_IMODE(os.stat(argv[3]).st_mode)), f)
    command, shown = program_command(spec, sys.executable)
    process = subprocess.Popen(command + spec["args"], cwd=spec["code_dir"],
                               env=spec["environment"], stderr=subprocess.PIPE)
    tail = collections.deque(maxlen=TAIL_LINES)
    for line in process.stderr:
        sys.stderr.buffer.write(line)
        sys.stderr.buffer.flush()
        tail.append(line.decode("utf-8", "replace"))
    status = process.wait()
    exit_code = 128 - status if status < 0 else status
    failed = exit_code != 0
    stderr_tail = "".join(tail).strip()
    result = {
        "exit_code": exit_code,
        "error_class": "ExecuteUserScriptError" if failed else None,
        "stderr_tail": stderr_tail,
        "extra_info": "OutOfMemory: Process killed by SIGKILL (signal 9)"
        if exit_code == 137 else None,
        "command": shown,
        "failure_text": ("ExecuteUserScriptError:\nExitCode %d\nErrorMessage \"%s\""
                         % (exit_code, stderr_tail)) if failed else None,
    }
    with open(spec["result_file"], "w", encoding="utf-8") as f:
        json.dump(result, f)
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""What the compat tests put in OPTML_TRAIN: saves the spec the Python side hands over to
$STAND_IN_RECORD (with the spec file's mode) so tests can check it, then execs the real
`train run-entry-point` named by $OPTML_TEST_REAL_TRAIN with the same arguments."""

import json
import os
import stat
import sys


def main(argv):
    real_train = os.environ["OPTML_TEST_REAL_TRAIN"]
    record = os.environ.get("STAND_IN_RECORD")
    if record and len(argv) == 4 and argv[2] == "--spec":
        with open(argv[3], encoding="utf-8") as f:
            spec = json.load(f)
        with open(record, "w", encoding="utf-8") as f:
            json.dump(dict(spec, spec_file_mode=stat.S_IMODE(os.stat(argv[3]).st_mode)), f)
    os.execv(real_train, [real_train] + argv[1:])


if __name__ == "__main__":
    main(sys.argv)

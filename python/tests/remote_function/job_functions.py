"""Functions the tests run as jobs; importable in the job (PYTHONPATH names this folder)."""

import os
import time


def add(x, y=0):
    return x + y


def divide(x, y):
    return x / y


def append_one(items):
    items.append(1)
    return items


def environment_value(name):
    return os.environ.get(name)


def read_file_in_cwd(name):
    with open(name) as file:
        return file.read()


def wait_for_release(marker_dir, index, deadline_seconds=60):
    """Marks itself started, then waits (bounded) until the test creates `release`."""
    open(os.path.join(marker_dir, f"started-{index}"), "w").close()
    deadline = time.monotonic() + deadline_seconds
    while not os.path.exists(os.path.join(marker_dir, "release")):
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released this job")
        time.sleep(0.02)
    return index


class CustomError(Exception):
    pass


def raise_custom(message):
    raise CustomError(message)


def raise_os_error():
    raise OSError(5, "input/output trouble")

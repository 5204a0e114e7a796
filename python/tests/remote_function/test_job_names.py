"""Job names as the SDK makes them (<prefix>-<UTC time to the millisecond>, at most 63
characters), unique within a process even when many jobs start at once."""

import re
import threading

from optml_toolkit.remote_function.job_request import job_name_for
from optml_toolkit.remote_function.settings import JobSettings

STAMP = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}"


def _private_function():
    pass


def test_prefix_comes_from_the_function_name_made_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(tmp_path))
    name = job_name_for(JobSettings(), _private_function)
    assert re.fullmatch(r"private-function-" + STAMP, name), name
    long_prefix = JobSettings(job_name_prefix="p" * 80)
    assert len(job_name_for(long_prefix, _private_function)) == 63


def test_names_are_unique_under_concurrency(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(tmp_path))
    settings = JobSettings(job_name_prefix="many")
    names, lock = [], threading.Lock()

    def take():
        for _ in range(10):
            name = job_name_for(settings, _private_function)
            with lock:
                names.append(name)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(names)) == len(names) == 40
    assert all(re.fullmatch("many-" + STAMP, name) for name in names)

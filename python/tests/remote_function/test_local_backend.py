"""End to end on the embedded local backend: each job a `train remote-function` process.

Every test runs once per job runner (the stand-in, and the real train once it has the
subcommand). Waiting is on job ends or on marker files with a deadline, never on a guess.
"""

import os
import subprocess
import sys
import time
import traceback
import zipfile

import pytest

import job_functions
from conftest import PYTHON_SRC, TESTS_DIR
from optml_toolkit.remote_function import (
    RemoteExecutor,
    RemoteFunctionError,
    RuntimeEnvironmentError,
    remote,
)

EXAMPLES = os.path.join(TESTS_DIR, "examples")


def wait_until(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.mark.parametrize("example", ["matrix_multiply", "divide", "append", "executor_map"])
def test_seed_examples_run_unchanged_apart_from_the_import(local_jobs, example, tmp_path):
    completed = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, example + ".py")],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=PYTHON_SRC),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stdout
    if example == "divide":
        assert "ZeroDivisionError: division by zero" in completed.stdout
        assert "return x / y" in completed.stdout  # the remote frame, through tblib


def test_return_value_and_untouched_arguments(local_jobs):
    items = []
    assert remote(job_functions.append_one)(items) == [1]
    assert items == []
    assert remote(job_functions.add)(2, y=40) == 42


def test_remote_exception_keeps_type_message_and_traceback(local_jobs):
    with pytest.raises(job_functions.CustomError, match="^went wrong$") as raised:
        remote(job_functions.raise_custom)("went wrong")
    frames = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert "raise_custom" in frames


def test_os_error_travels_back(local_jobs):
    with pytest.raises(OSError) as raised:
        remote(job_functions.raise_os_error)()
    assert raised.value.errno == 5


def test_environment_variables_reach_the_function(local_jobs):
    read = remote(environment_variables={"OPTML_RF_TEST_VALUE": "seen"})(
        job_functions.environment_value)
    assert read("OPTML_RF_TEST_VALUE") == "seen"
    assert read("AWS_DEFAULT_REGION")  # added for every job, as the SDK does


def test_pre_execution_commands_run_in_the_workspace(local_jobs):
    read = remote(pre_execution_commands=["echo -n prepared > note.txt"])(
        job_functions.read_file_in_cwd)
    assert read("note.txt") == "prepared"


def test_failed_pre_execution_is_a_runtime_environment_error(local_jobs):
    failing = remote(pre_execution_commands=["exit 3"])(job_functions.add)
    with pytest.raises(RuntimeEnvironmentError):
        failing(1)


def test_workspace_archive_holds_what_the_sdk_packs(local_jobs, tmp_path, monkeypatch):
    workdir = tmp_path / "workdir"
    (workdir / "pkg" / "__pycache__").mkdir(parents=True)
    (workdir / "helper.py").write_text("VALUE = 1\n")
    (workdir / "pkg" / "mod.py").write_text("")
    (workdir / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"")
    (workdir / "data.csv").write_text("1,2\n")
    script = tmp_path / "setup.sh"
    script.write_text("true\n")
    monkeypatch.chdir(workdir)
    with RemoteExecutor(include_local_workdir=True, pre_execution_script=str(script),
                        job_name_prefix="ws") as executor:
        future = executor.submit(job_functions.read_file_in_cwd, "helper.py")
        assert future.result() == "VALUE = 1\n"
    [job_dir] = local_jobs["jobs"].iterdir()
    with zipfile.ZipFile(job_dir / "input" / "data" / "sm_rf_user_ws" / "workspace.zip") as z:
        names = {name.rstrip("/") for name in z.namelist()}
    folder = "sagemaker_remote_function_workspace"
    assert {f"{folder}/helper.py", f"{folder}/pkg/mod.py", f"{folder}/pre_exec.sh"} <= names
    assert not any(name.endswith((".csv", ".pyc")) for name in names)


def test_executor_keeps_to_max_parallel_jobs_and_returns_in_order(local_jobs, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    with RemoteExecutor(max_parallel_jobs=2) as executor:
        futures = [executor.submit(job_functions.wait_for_release, str(markers), index)
                   for index in range(4)]
        wait_until(lambda: len(list(markers.glob("started-*"))) == 2)
        # Slots free only when a job ends, and none can end before the release.
        assert [future.job_name is not None for future in futures] == [True, True, False, False]
        assert [future.running() for future in futures] == [True, True, False, False]
        assert not any(future.done() for future in futures)
        with pytest.raises(TimeoutError):
            futures[0].result(timeout=0.05)
        (markers / "release").touch()
        assert [future.result() for future in futures] == [0, 1, 2, 3]
    assert all(future.done() and not future.running() for future in futures)


def test_map_and_exception(local_jobs):
    with RemoteExecutor(max_parallel_jobs=3) as executor:
        assert executor.map(job_functions.add, [1, 2, 3], [10, 20, 30]) == [11, 22, 33]
        failing = executor.submit(job_functions.divide, 1, 0)
        assert isinstance(failing.exception(), ZeroDivisionError)
        with pytest.raises(ZeroDivisionError):
            failing.result()
        assert executor.submit(job_functions.add, 1).exception() is None


def test_cancel_stops_a_running_job_and_skips_a_pending_one(local_jobs, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    executor = RemoteExecutor(max_parallel_jobs=1)
    running = executor.submit(job_functions.wait_for_release, str(markers), 0)
    pending = executor.submit(job_functions.add, 1, 2)
    wait_until(lambda: (markers / "started-0").exists())
    assert pending.cancel() is True
    assert running.cancel() is True
    assert running.cancel() is True  # cancelling twice is harmless
    with pytest.raises(RemoteFunctionError, match="^Job for remote function has been aborted.$"):
        running.result(timeout=60)
    executor.shutdown()
    assert running.cancelled() and running.done()
    assert pending.cancelled() and pending.job_name is None  # never started
    finished = RemoteExecutor().submit(job_functions.add, 1)
    assert finished.result() == 1
    assert finished.cancel() is False


def test_a_job_that_leaves_no_exception_is_a_remote_function_error(tmp_path, monkeypatch):
    from conftest import configure_local_jobs

    train = tmp_path / "train"
    train.write_text("#!/bin/sh\nexit 1\n")
    train.chmod(0o755)
    configure_local_jobs(tmp_path, monkeypatch, str(train))
    with pytest.raises(RemoteFunctionError,
                       match="^Failed to execute remote function. Check corresponding job"):
        remote(job_functions.add)(1)


def test_max_runtime_stops_the_job(local_jobs, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    bounded = remote(max_runtime_in_seconds=1)(job_functions.wait_for_release)
    with pytest.raises(RemoteFunctionError, match="^Job for remote function has been aborted.$"):
        bounded(str(markers), 0)
    assert (markers / "started-0").exists()


def test_the_jobs_integrity_error_is_the_clients_deserialization_error(
        tmp_path, monkeypatch, real_train):
    """A function payload whose hash does not match fails in the job; the error comes back as
    the client's own DeserializationError class (shared with the job side)."""
    from conftest import configure_local_jobs
    from optml_toolkit.remote_function import DeserializationError, serialization

    configure_local_jobs(tmp_path, monkeypatch, real_train)
    genuine = serialization.metadata_for
    monkeypatch.setattr(serialization, "metadata_for",
                        lambda payload: genuine(payload + b"tampered"))
    with pytest.raises(DeserializationError,
                       match="^Integrity check for the serialized function or data failed"):
        remote(job_functions.add)(1)

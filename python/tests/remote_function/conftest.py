"""Fixtures of the remote-function client tests: job runners, a private S3 root and jobs dir.

Jobs run through one of two runners that follow the job side's interface: the real
`train remote-function` (skipped, saying why, while train lacks the subcommand) and
stand_in_train.py, a test-only stand-in. Every path a job touches is under tmp_path.
"""

import os
import subprocess
import sys

import pytest

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PYTHON_SRC = os.path.join(REPO, "python", "src")
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
STAND_IN = os.path.join(TESTS_DIR, "stand_in_train.py")

if PYTHON_SRC not in sys.path:
    sys.path.insert(0, PYTHON_SRC)


def pytest_addoption(parser):
    parser.addoption("--train", default=os.environ.get("OPTML_TEST_TRAIN"),
                     help="optml's train binary (default: $OPTML_TEST_TRAIN, build/bin/train)")


def _train_supports_remote_function(train, scratch):
    """Whether `train remote-function --help` describes the subcommand (a train without it
    prints its general help, also with exit 0)."""
    environment = dict(os.environ, SAGEMAKER_BASE_DIR=str(scratch))
    try:
        completed = subprocess.run([train, "remote-function", "--help"], env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0 and b"remote-function" in completed.stdout


@pytest.fixture(scope="session")
def stand_in_runner(tmp_path_factory):
    """An executable `train` that is the test stand-in, run by this interpreter."""
    folder = tmp_path_factory.mktemp("stand-in")
    runner = folder / "train"
    runner.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STAND_IN}" "$@"\n')
    runner.chmod(0o755)
    return str(runner)


@pytest.fixture(scope="session")
def real_train(request, tmp_path_factory):
    train = request.config.getoption("--train") or os.path.join(REPO, "build", "bin", "train")
    if not os.path.isfile(train):
        pytest.skip(f"no train binary at {train} (pass --train): real-train runs skipped")
    if not _train_supports_remote_function(train, tmp_path_factory.mktemp("probe")):
        pytest.skip(f"{train} has no `remote-function` subcommand yet (the job side is another "
                    "branch): real-train runs skipped, the stand-in runs cover the client")
    return os.path.realpath(train)


@pytest.fixture(params=["stand-in", "train"])
def job_runner(request):
    if request.param == "stand-in":
        return request.getfixturevalue("stand_in_runner")
    return request.getfixturevalue("real_train")


@pytest.fixture
def local_jobs(tmp_path, monkeypatch, job_runner):
    """Local backend settings in the environment: runner, file:// root and jobs dir in tmp."""
    return configure_local_jobs(tmp_path, monkeypatch, job_runner)


def configure_local_jobs(tmp_path, monkeypatch, runner):
    root = tmp_path / "s3"
    jobs = tmp_path / "jobs"
    monkeypatch.setenv("OPTML_TRAIN", runner)
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(root))
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_JOBS_DIR", str(jobs))
    monkeypatch.delenv("OPTML_REMOTE_FUNCTION_BACKEND", raising=False)
    # Jobs import the functions of job_functions.py by name, and the client package.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([TESTS_DIR, PYTHON_SRC]))
    # A job's `python3` is the tests' interpreter (Debian's, with cloudpickle and tblib),
    # as an image's Python matches its client's.
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(sys.executable),
                                                os.environ.get("PATH", "")]))
    return {"root": root, "jobs": jobs, "runner": runner}

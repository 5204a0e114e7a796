"""Shared fixtures of the compat tests: the train binary and the repository's paths."""

import os
import shutil
import sys

import pytest

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PYTHON_SRC = os.path.join(REPO, "python", "src")
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.realpath(os.path.join(REPO, "..", "shared", "conformance", "cases"))

if PYTHON_SRC not in sys.path:
    sys.path.insert(0, PYTHON_SRC)


def pytest_addoption(parser):
    parser.addoption("--train", default=os.environ.get("OPTML_TEST_TRAIN"),
                     help="optml's train binary (default: $OPTML_TEST_TRAIN, build/bin/train)")
    parser.addoption("--cases", default=DEFAULT_CASES, help="folder of conformance cases")


@pytest.fixture(scope="session")
def train_binary(request):
    train = request.config.getoption("--train") or os.path.join(REPO, "build", "bin", "train")
    if not os.path.isfile(train):
        pytest.skip("no train binary at %s (pass --train)" % train)
    return os.path.realpath(train)


@pytest.fixture(scope="session", autouse=True)
def real_train_for_jobs(request):
    """Jobs hand programs to the real train (through recording_train.py)."""
    import jobs
    train = request.config.getoption("--train") or os.path.join(REPO, "build", "bin", "train")
    jobs.REAL_TRAIN = os.path.realpath(train)


@pytest.fixture(scope="session")
def python3():
    """The interpreter the tests run programs with (Debian's, as in the jobs)."""
    return shutil.which("python3", path="/usr/bin:/bin") or sys.executable

"""The local backend with its payloads on an S3 endpoint: s3rver on 127.0.0.1 (nothing else).

The client writes function/ and arguments/ through boto3, the job reads them and writes
results/ or exception/ through the same endpoint (S3_ENDPOINT_URL), and the client checks
the hash of what comes back.
"""

import hashlib
import json
import os
import sys

import pytest

import job_functions
from conftest import REPO, configure_local_jobs
from optml_toolkit.remote_function import DeserializationError, remote, serialization
from optml_toolkit.remote_function.storage import S3Storage

sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import test_s3_support  # noqa: E402 - the repository's s3rver harness

BUCKET = "optml-rf"


@pytest.fixture(scope="module")
def s3rver():
    why_not = test_s3_support.missing_prerequisite()
    if why_not:
        pytest.skip(why_not)
    server = test_s3_support.S3rver(buckets=[BUCKET])
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3rver, monkeypatch):
    for key, value in test_s3_support.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("S3_ENDPOINT_URL", s3rver.endpoint)
    return S3Storage(region="us-east-1", endpoint_url=s3rver.endpoint)


@pytest.fixture
def s3_jobs(s3_storage, tmp_path, monkeypatch, job_runner):
    configure_local_jobs(tmp_path, monkeypatch, job_runner)
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", f"s3://{BUCKET}/{tmp_path.name}")
    return s3_storage


def test_results_and_exceptions_round_trip_through_s3(s3_jobs):
    items = []
    assert remote(job_functions.append_one)(items) == [1]
    assert items == []
    with pytest.raises(ZeroDivisionError):
        remote(job_functions.divide)(1, 0)


def test_a_tampered_result_on_s3_fails_the_hash_check(s3_storage, tmp_path):
    uri = f"s3://{BUCKET}/{tmp_path.name}/tampered/results"
    payload = serialization.serialize("genuine")
    s3_storage.write_bytes(uri + "/payload.pkl", serialization.serialize("forged"))
    s3_storage.write_bytes(uri + "/metadata.json", json.dumps({
        "sha256_hash": hashlib.sha256(payload).hexdigest(), "version": "2023-04-24",
        "python_version": "3.11.2", "serialization_module": "cloudpickle"}).encode())
    with pytest.raises(DeserializationError, match="^Integrity check for the serialized"):
        serialization.deserialize_from(s3_storage, uri)

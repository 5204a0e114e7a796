"""Payloads byte for byte as the SDK's SHA-256 generation writes them, and its read checks.

The expected bytes are rebuilt here from the SDK's documented rules, independently of the
client: payload.pkl is what cloudpickle's CloudPickler (default protocol, the SDK's dispatch
table chained in front, empty for plain objects) dumps; metadata.json is json.dumps of
sha256_hash, version "2023-04-24", python_version (major.minor.micro) and
serialization_module "cloudpickle", in that order, UTF-8.
"""

import hashlib
import io
import json
import pickle
import platform

import cloudpickle
import pytest

import job_functions
from optml_toolkit.remote_function import DeserializationError, ServiceError, serialization
from optml_toolkit.remote_function.client import _Call, _Launcher
from optml_toolkit.remote_function.settings import JobSettings
from optml_toolkit.remote_function.storage import LocalFolderStorage


def sdk_payload(obj):
    buffer = io.BytesIO()
    pickler = cloudpickle.CloudPickler(buffer)
    table = pickle.Pickler.dispatch_table.__get__(pickler)
    pickle.Pickler.dispatch_table.__set__(pickler, table.new_child({}))
    pickler.dump(obj)
    return buffer.getvalue()


def sdk_metadata(payload):
    return json.dumps({
        "sha256_hash": hashlib.sha256(payload).hexdigest(),
        "version": "2023-04-24",
        "python_version": platform.python_version(),
        "serialization_module": "cloudpickle",
    }).encode("utf-8")


def test_function_and_arguments_are_written_as_the_sdk_writes_them(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(tmp_path / "s3"))
    settings = JobSettings(job_name_prefix="payload-check")
    launcher = _Launcher(settings)
    monkeypatch.setattr(launcher, "_start", lambda *args: None)  # upload only
    arguments = ([1, 2.5, "three", {"four": (4,)}], {"y": b"bytes"})
    launcher.start(_Call(job_functions.add, *arguments), stream_output=False)

    [job_dir] = (tmp_path / "s3").iterdir()
    assert job_dir.name.startswith("payload-check-")
    expected = {
        "function": sdk_payload(job_functions.add),
        "arguments": sdk_payload(arguments),
    }
    for folder, payload in expected.items():
        assert (job_dir / folder / "payload.pkl").read_bytes() == payload
        assert (job_dir / folder / "metadata.json").read_bytes() == sdk_metadata(payload)
    assert sorted(p.name for p in job_dir.iterdir()) == ["arguments", "function"]


def write(folder, payload, metadata):
    folder.mkdir(parents=True)
    (folder / "payload.pkl").write_bytes(payload)
    (folder / "metadata.json").write_bytes(metadata)


def test_results_written_by_the_sdk_rules_are_read_back(tmp_path):
    value = {"a": [1, 2, 3]}
    write(tmp_path / "results", sdk_payload(value), sdk_metadata(sdk_payload(value)))
    uri = "file://" + str(tmp_path / "results")
    assert serialization.deserialize_from(LocalFolderStorage(), uri) == value


@pytest.mark.parametrize(
    "tamper, message",
    [
        ("flip a payload byte",
         "Integrity check for the serialized function or data failed. "
         "Please restrict access to your S3 bucket"),
        ("no hash",
         "Corrupt metadata file. SHA256 hash for the serialized data does not exist. "
         "Please make sure to install SageMaker SDK version >= 2.156.0 on the client side "
         "and try again."),
        ("not json", "Corrupt metadata file. It is not a valid json file."),
        ("other version", "Corrupt metadata file. Serialization approach"),
    ],
)
def test_tampered_payloads_raise_the_sdk_deserialization_errors(tmp_path, tamper, message):
    payload = sdk_payload("result")
    metadata = json.loads(sdk_metadata(payload))
    if tamper == "flip a payload byte":
        payload = payload[:-2] + bytes([payload[-2] ^ 1]) + payload[-1:]
    elif tamper == "no hash":
        del metadata["sha256_hash"]
    elif tamper == "other version":
        metadata["version"] = "2022-01-01"
    raw = b"{not json" if tamper == "not json" else json.dumps(metadata).encode()
    write(tmp_path / "results", payload, raw)
    with pytest.raises(DeserializationError) as raised:
        serialization.deserialize_from(LocalFolderStorage(), "file://" + str(tmp_path / "results"))
    assert str(raised.value).startswith(message)


def test_a_missing_payload_is_a_service_error_known_as_not_found(tmp_path):
    with pytest.raises(ServiceError, match="^Failed to read serialized bytes from file://") as raised:
        serialization.deserialize_from(LocalFolderStorage(), "file://" + str(tmp_path / "none"))
    assert serialization.is_not_found(raised.value)

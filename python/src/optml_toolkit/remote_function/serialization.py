"""Payloads in the SDK's SHA-256 generation format.

<uri>/payload.pkl holds the cloudpickle bytes; <uri>/metadata.json, written after it, holds
json.dumps of {sha256_hash, version, python_version, serialization_module} in that order,
with json's default separators, encoded as UTF-8. The hash is the plain SHA-256 hex digest
of payload.pkl (no key). Readers check the metadata, then the hash, then unpickle.
"""

import hashlib
import hmac
import io
import json
import sys

import cloudpickle
from tblib import pickling_support

from .errors import DeserializationError, SerializationError, ServiceError
from .storage import NotFound, describe_uri

METADATA_VERSION = "2023-04-24"
SERIALIZATION_MODULE = "cloudpickle"
PAYLOAD_FILE = "payload.pkl"
METADATA_FILE = "metadata.json"


def python_version():
    return f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"


def serialize(obj):
    """cloudpickle bytes of obj, as the SDK's CloudPickler with its default protocol writes them."""
    try:
        buffer = io.BytesIO()
        cloudpickle.CloudPickler(buffer).dump(obj)
        return buffer.getvalue()
    except Exception as error:
        raise SerializationError(
            "Error when serializing object of type [{}]: {}".format(type(obj).__name__, repr(error))
        ) from error


def sha256_hex(payload):
    return hashlib.sha256(payload).hexdigest()


def metadata_for(payload):
    """The metadata.json bytes that describe payload."""
    return json.dumps(
        {
            "sha256_hash": sha256_hex(payload),
            "version": METADATA_VERSION,
            "python_version": python_version(),
            "serialization_module": SERIALIZATION_MODULE,
        }
    ).encode()


def parse_metadata(raw):
    """The hash a metadata.json promises, after the SDK's checks (same messages)."""
    try:
        metadata = json.loads(raw)
    except json.decoder.JSONDecodeError:
        raise DeserializationError("Corrupt metadata file. It is not a valid json file.")
    if not isinstance(metadata, dict):
        raise DeserializationError("Corrupt metadata file. It is not a valid json file.")
    expected_hash = metadata.get("sha256_hash")
    if not expected_hash:
        raise DeserializationError(
            "Corrupt metadata file. SHA256 hash for the serialized data does not exist. "
            "Please make sure to install SageMaker SDK version >= 2.156.0 on the client side "
            "and try again."
        )
    if not (
        metadata.get("version") == METADATA_VERSION
        and metadata.get("serialization_module") == SERIALIZATION_MODULE
    ):
        raise DeserializationError(
            f"Corrupt metadata file. Serialization approach {raw} is not supported."
        )
    return expected_hash


def verify_hash(expected_hash, payload):
    if not isinstance(expected_hash, str) or not hmac.compare_digest(
        expected_hash, sha256_hex(payload)
    ):
        raise DeserializationError(
            "Integrity check for the serialized function or data failed. "
            "Please restrict access to your S3 bucket"
        )


def deserialize(uri, payload):
    try:
        return cloudpickle.loads(payload)
    except Exception as error:
        raise DeserializationError(
            "Error when deserializing bytes downloaded from {}: {}. "
            "NOTE: this may be caused by inconsistent sagemaker python sdk versions "
            "where remote function runs versus the one used on client side. "
            "If the sagemaker versions do not match, a warning message would "
            "be logged starting with 'Inconsistent sagemaker versions found'. "
            "Please check it to validate.".format(describe_uri(uri), repr(error))
        ) from error


def _write(storage, uri, data, kms_key):
    try:
        storage.write_bytes(uri, data, kms_key)
    except Exception as error:
        raise ServiceError(
            "Failed to upload serialized bytes to {}: {}".format(describe_uri(uri), repr(error))
        ) from error


def _read(storage, uri):
    try:
        return storage.read_bytes(uri)
    except Exception as error:
        raise ServiceError(
            "Failed to read serialized bytes from {}: {}".format(describe_uri(uri), repr(error))
        ) from error


def upload_payload(storage, uri, payload, kms_key=None):
    """payload.pkl first, then metadata.json: a reader that sees the metadata sees the payload."""
    _write(storage, f"{uri}/{PAYLOAD_FILE}", payload, kms_key)
    _write(storage, f"{uri}/{METADATA_FILE}", metadata_for(payload), kms_key)


def serialize_to(storage, uri, obj, kms_key=None):
    upload_payload(storage, uri, serialize(obj), kms_key)


def serialize_exception_to(storage, uri, error, kms_key=None):
    pickling_support.install()
    upload_payload(storage, uri, serialize(error), kms_key)


def deserialize_from(storage, uri):
    """The object stored under uri, with metadata and hash checked first."""
    expected_hash = parse_metadata(_read(storage, f"{uri}/{METADATA_FILE}"))
    payload = _read(storage, f"{uri}/{PAYLOAD_FILE}")
    verify_hash(expected_hash, payload)
    return deserialize(f"{uri}/{PAYLOAD_FILE}", payload)


def is_not_found(service_error):
    """Whether a ServiceError came from a missing object (no exception/ uploaded)."""
    return isinstance(service_error, ServiceError) and isinstance(
        service_error.__cause__, NotFound
    )

"""A test-only writer of remote-function payloads in the SageMaker SDK's documented format.

It follows the SDK's serialization rules (core/serialization.py of each generation) without
importing the SDK: cloudpickle bytes of the object; metadata.json as json.dumps of the
_MetaData fields in their order; sha256_hash as plain SHA-256 hex, HMAC-SHA256 hex keyed by
the secret key's text, or absent (clients before 2.156); asymmetric_signature as base64 of
the DER ECDSA-SHA256 signature. Payload first, then metadata, as the SDK uploads them.
"""
import base64
import hashlib
import hmac
import io
import json
import os
import pickle
import sys

import cloudpickle

VERSION = "2023-04-24"


def python_version():
    return f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"


def serialize(obj):
    """CloudpickleSerializer.serialize: a CloudPickler on a BytesIO (its default protocol)."""
    buffer = io.BytesIO()
    cloudpickle.CloudPickler(buffer).dump(obj)
    return buffer.getvalue()


def metadata_bytes(sha256_hash=None, signature=None, hashed=True):
    fields = {}
    if hashed:
        fields["sha256_hash"] = sha256_hash
    fields.update(version=VERSION, python_version=python_version(),
                  serialization_module="cloudpickle")
    if signature is not None:
        fields["asymmetric_signature"] = signature
    return json.dumps(fields).encode()


class Generation:
    """How one SDK generation writes function/ and arguments/ and checks results/."""

    def __init__(self, name, secret=None, private_key=None):
        self.name = name
        self.secret = secret  # HMAC key text
        self.private_key = private_key  # cryptography EC private key

    def environment(self):
        if self.name == "hmac":
            return {"REMOTE_FUNCTION_SECRET_KEY": self.secret}
        if self.name == "ecdsa":
            from cryptography.hazmat.primitives import serialization
            pem = self.private_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            return {"REMOTE_FUNCTION_SECRET_KEY": pem.decode()}
        return {}

    def sdk_version(self):
        return "2.150.0" if self.name == "nohash" else "2.240.0"

    def digest(self, payload):
        if self.name == "nohash":
            return None
        if self.name == "hmac":
            return hmac.new(self.secret.encode(), msg=payload, digestmod=hashlib.sha256).hexdigest()
        return hashlib.sha256(payload).hexdigest()

    def sign(self, payload):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        return base64.b64encode(self.private_key.sign(payload, ec.ECDSA(hashes.SHA256()))).decode()

    def client_metadata(self, payload):
        if self.name == "ecdsa":
            return metadata_bytes(self.digest(payload), self.sign(payload))
        return metadata_bytes(self.digest(payload), hashed=self.name != "nohash")

    def job_metadata(self, payload):
        """What results/ and exception/ must carry for this generation."""
        if self.name == "ecdsa":
            return metadata_bytes(hashlib.sha256(payload).hexdigest())
        return metadata_bytes(self.digest(payload), hashed=self.name != "nohash")


def generations():
    from cryptography.hazmat.primitives.asymmetric import ec
    return [Generation("nohash"), Generation("sha256"),
            Generation("hmac", secret=os.urandom(32).hex()),
            Generation("ecdsa", private_key=ec.generate_private_key(ec.SECP256R1()))]


def write_call(put, generation, func, *args, **kwargs):
    """Writes function/ and arguments/ through put(relative_key, bytes)."""
    for folder, obj in (("function", func), ("arguments", (args, kwargs))):
        payload = serialize(obj)
        put(f"{folder}/payload.pkl", payload)
        put(f"{folder}/metadata.json", generation.client_metadata(payload))


class FolderRoot:
    """A file:// root: the SDK layout on a local folder."""

    def __init__(self, directory, job_name="job-1"):
        self.folder = os.path.join(directory, "s3root", job_name)
        os.makedirs(self.folder, exist_ok=True)
        self.base_uri = "file://" + self.folder

    def put(self, key, data):
        path = os.path.join(self.folder, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def get(self, key):
        path = os.path.join(self.folder, key)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read()


def loads(payload):
    return pickle.loads(payload)

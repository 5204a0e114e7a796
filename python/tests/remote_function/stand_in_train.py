"""TEST STAND-IN for `train remote-function`, used only by these tests.

It follows the job side's interface (the SDK's container arguments, SAGEMAKER_BASE_DIR's
layout, the payload format) closely enough for the client's end-to-end tests to run before
the real job side is on this branch. It is written apart from the client package on purpose:
it shares no code with it, so a test that passes through it checks the format from both ends.
Not a product: no dependency installs, no distribution, no S3 except through boto3.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import traceback
import zipfile
from urllib.parse import urlsplit

import cloudpickle
from tblib import pickling_support


class StandInRuntimeError(Exception):
    pass


def read_bytes(uri):
    split = urlsplit(uri)
    if split.scheme == "file":
        with open(split.path, "rb") as file:
            return file.read()
    import boto3

    endpoint = os.environ.get("S3_ENDPOINT_URL")
    client = boto3.client("s3", endpoint_url=endpoint or None)
    return client.get_object(Bucket=split.netloc, Key=split.path.lstrip("/"))["Body"].read()


def write_bytes(uri, data):
    split = urlsplit(uri)
    if split.scheme == "file":
        os.makedirs(os.path.dirname(split.path), exist_ok=True)
        with open(split.path, "wb") as file:
            file.write(data)
        return
    import boto3

    endpoint = os.environ.get("S3_ENDPOINT_URL")
    client = boto3.client("s3", endpoint_url=endpoint or None)
    client.put_object(Bucket=split.netloc, Key=split.path.lstrip("/"), Body=data)


def load(uri):
    metadata = json.loads(read_bytes(uri + "/metadata.json"))
    payload = read_bytes(uri + "/payload.pkl")
    if metadata.get("version") != "2023-04-24" or metadata.get("serialization_module") != "cloudpickle":
        raise StandInRuntimeError("unsupported metadata")
    if hashlib.sha256(payload).hexdigest() != metadata.get("sha256_hash"):
        raise StandInRuntimeError(
            "Integrity check for the serialized function or data failed. "
            "Please restrict access to your S3 bucket"
        )
    return cloudpickle.loads(payload)


def store(uri, obj):
    payload = cloudpickle.dumps(obj)
    write_bytes(uri + "/payload.pkl", payload)
    version = sys.version_info
    metadata = {
        "sha256_hash": hashlib.sha256(payload).hexdigest(),
        "version": "2023-04-24",
        "python_version": f"{version.major}.{version.minor}.{version.micro}",
        "serialization_module": "cloudpickle",
    }
    write_bytes(uri + "/metadata.json", json.dumps(metadata).encode())


def write_failure(base_dir, text):
    os.makedirs(os.path.join(base_dir, "output"), exist_ok=True)
    with open(os.path.join(base_dir, "output", "failure"), "w") as file:
        file.write(text)


def prepare_workspace(base_dir, dependency_file):
    archive = os.path.join(base_dir, "input", "data", "sm_rf_user_ws", "workspace.zip")
    workspace = os.path.join(base_dir, "sagemaker_remote_function_workspace")
    if os.path.isfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(base_dir)
    os.makedirs(workspace, exist_ok=True)
    pre_exec = os.path.join(workspace, "pre_exec.sh")
    if os.path.isfile(pre_exec):
        completed = subprocess.run(["bash", "-eu", pre_exec], cwd=workspace)
        if completed.returncode != 0:
            raise StandInRuntimeError(f"pre_exec.sh failed with exit code {completed.returncode}")
    if dependency_file:
        raise StandInRuntimeError("the test stand-in does not install dependencies")
    return workspace


def main(argv):
    if not argv or argv[0] != "remote-function":
        print("stand_in_train.py: only `remote-function` is supported", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser()
    parser.add_argument("--s3_base_uri", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--client_python_version", required=True)
    parser.add_argument("--client_sagemaker_pysdk_version")
    parser.add_argument("--dependency_settings")
    args, _ = parser.parse_known_args(argv[1:])
    base_dir = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
    try:
        ours = f"{sys.version_info.major}.{sys.version_info.minor}"
        if args.client_python_version != ours:
            raise StandInRuntimeError(
                f"Python version found in the container is '{ours}' which does not match "
                f"python version '{args.client_python_version}' on the local client."
            )
        settings = json.loads(args.dependency_settings or "{}")
        workspace = prepare_workspace(base_dir, settings.get("dependency_file"))
    except StandInRuntimeError as error:
        write_failure(base_dir, f"RuntimeEnvironmentError: {error}")
        return 1
    os.chdir(workspace)
    sys.path.insert(0, workspace)
    try:
        func = load(args.s3_base_uri + "/function")
        call_args, call_kwargs = load(args.s3_base_uri + "/arguments")
        result = func(*call_args, **call_kwargs)
        store(args.s3_base_uri + "/results", result)
        return 0
    except Exception as error:  # the job's one report of what the function raised
        traceback.print_exc()
        pickling_support.install()
        write_failure(base_dir, repr(error))
        store(args.s3_base_uri + "/exception", error)
        code = getattr(error, "errno", 1)
        return code if isinstance(code, int) and code != 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where payloads live: a local folder (file:///abs/path) or any S3 endpoint (s3://bucket/key).

Both speak in URIs so the job layout <root>/<job_name>/{function,arguments,results,exception}/
reads the same whichever backend runs the job.
"""

import os
import tempfile
from urllib.parse import urlsplit


class NotFound(Exception):
    """The object at a URI does not exist."""


def join_uri(root, *parts):
    """Joins URI parts with single slashes, skipping empty parts (as the SDK's s3_path_join)."""
    pieces = [root.rstrip("/")] + [str(part).strip("/") for part in parts if part]
    return "/".join(piece for piece in pieces if piece)


def describe_uri(uri):
    """The URI without userinfo, query string or fragment, for messages."""
    split = urlsplit(uri)
    host = split.hostname or ""
    if split.port:
        host += f":{split.port}"
    return f"{split.scheme}://{host}{split.path}"


class LocalFolderStorage:
    """file:///abs/path URIs: the S3 layout as plain files."""

    scheme = "file"

    @staticmethod
    def path_of(uri):
        split = urlsplit(uri)
        if split.scheme != "file" or split.netloc not in ("", "localhost"):
            raise ValueError(f"Not a local file:/// URI: {describe_uri(uri)}")
        if not split.path.startswith("/"):
            raise ValueError(f"A file:// URI needs an absolute path: {describe_uri(uri)}")
        return split.path

    def write_bytes(self, uri, data, kms_key=None):
        path = self.path_of(uri)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written beside and renamed, so a reader never sees half a payload.
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def read_bytes(self, uri):
        try:
            with open(self.path_of(uri), "rb") as file:
                return file.read()
        except FileNotFoundError as error:
            raise NotFound(describe_uri(uri)) from error

    def upload_file(self, local_path, uri, kms_key=None):
        with open(local_path, "rb") as file:
            self.write_bytes(uri, file.read(), kms_key)


class S3Storage:
    """s3://bucket/key URIs through boto3; S3_ENDPOINT_URL (as train reads it) picks a server."""

    scheme = "s3"

    def __init__(self, region=None, endpoint_url=None, client=None):
        if client is None:
            import boto3

            endpoint_url = (
                endpoint_url
                or os.environ.get("S3_ENDPOINT_URL")
                or os.environ.get("AWS_ENDPOINT_URL_S3")
            )
            client = boto3.session.Session(region_name=region).client(
                "s3", endpoint_url=endpoint_url or None
            )
        self.client = client

    @staticmethod
    def bucket_and_key(uri):
        split = urlsplit(uri)
        if split.scheme != "s3" or not split.netloc:
            raise ValueError(f"Not an s3://bucket/key URI: {describe_uri(uri)}")
        return split.netloc, split.path.lstrip("/")

    def write_bytes(self, uri, data, kms_key=None):
        bucket, key = self.bucket_and_key(uri)
        extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key} if kms_key else {}
        self.client.put_object(Bucket=bucket, Key=key, Body=data, **extra)

    def read_bytes(self, uri):
        from botocore.exceptions import ClientError

        bucket, key = self.bucket_and_key(uri)
        try:
            return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in ("404", "NoSuchKey", "NotFound"):
                raise NotFound(describe_uri(uri)) from error
            raise

    def upload_file(self, local_path, uri, kms_key=None):
        with open(local_path, "rb") as file:
            self.write_bytes(uri, file.read(), kms_key)


def storage_for(uri, region=None):
    """The storage that serves a root URI's scheme."""
    scheme = urlsplit(uri).scheme
    if scheme == "file":
        return LocalFolderStorage()
    if scheme == "s3":
        return S3Storage(region=region)
    raise ValueError(
        f"s3_root_uri must be an s3://bucket/prefix or a file:///absolute/path URI, "
        f"not {describe_uri(uri)!r}."
    )

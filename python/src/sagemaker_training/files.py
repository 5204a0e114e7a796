"""Status files, small file helpers, and getting the user's code into a folder."""

import contextlib
import json
import os
import shutil
import tarfile
import tempfile

from sagemaker_training import environment, logging_config

logger = logging_config.get_logger()


def write_success_file():
    """Create output/success (empty)."""
    write_file(os.path.join(environment.output_dir, "success"), "")


def write_failure_file(failure_msg):
    """Create output/failure with the message, unless a failure file is already there."""
    path = os.path.join(environment.output_dir, "failure")
    if os.path.exists(path):
        logger.info("Failure file exists. Skipping creation....")
        return
    write_file(path, failure_msg)


@contextlib.contextmanager
def tmpdir(suffix="", prefix="tmp", directory=None):
    """A temporary folder, removed when the block ends."""
    path = tempfile.mkdtemp(suffix=suffix, prefix=prefix, dir=directory)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_file(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)


def read_file(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def read_json(path):
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def _extract_safely(archive_path, path):
    with tarfile.open(name=archive_path, mode="r:*") as archive:
        if hasattr(tarfile, "data_filter"):
            # Refuses absolute paths, `..`, links leaving the folder and devices.
            archive.extractall(path=path, filter="data")
            return
        root = os.path.realpath(path)
        for member in archive.getmembers():
            target = os.path.realpath(os.path.join(root, member.name))
            if not (target == root or target.startswith(root + os.sep)) or not (
                    member.isfile() or member.isdir()):
                raise ValueError("%s holds an entry outside plain files and folders: %s"
                                 % (archive_path, member.name))
        archive.extractall(path=path)


def download_and_extract(uri, path):
    """Put the code at `uri` (a local folder, a .tar.gz or a file) into `path`, unless
    `path` already holds something. s3:// sources are fetched by optml's train, which
    does this before any framework code runs."""
    os.makedirs(path, exist_ok=True)
    if os.listdir(path):
        logger.info("%s is not empty; keeping the code already there", path)
        return
    if uri.startswith("s3://"):
        raise ValueError("s3:// code is downloaded by optml's train, not in Python: %s is "
                         "empty" % path)
    if os.path.isdir(uri):
        if os.path.realpath(uri) == os.path.realpath(path):
            return
        shutil.copytree(uri, path, dirs_exist_ok=True)
    elif tarfile.is_tarfile(uri):
        _extract_safely(uri, path)
    else:
        shutil.copy2(uri, path)


def s3_download(url, dst):
    """Not available in Python: optml's train downloads s3:// code."""
    raise NotImplementedError("s3:// downloads are done by optml's train (%s)" % dst)

"""Status files and getting code into a folder (shared with sagemaker_training)."""

from sagemaker_training.files import (  # noqa: F401
    download_and_extract, read_file, read_json, s3_download, tmpdir, write_failure_file,
    write_file, write_success_file)

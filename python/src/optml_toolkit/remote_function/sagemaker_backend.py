"""The SageMaker backend: CreateTrainingJob with the image's `train remote-function` as the
container entry point, DescribeTrainingJob polled until the job ends, StopTrainingJob on cancel."""

import os
import threading

from .jobs import Job, TERMINAL_STATUSES
from .job_request import (
    BOOTSTRAP_CHANNEL,
    BOOTSTRAP_DRIVER,
    BOOTSTRAP_DRIVER_TEXT,
    WORKSPACE_KEY,
    create_training_job_request,
)
from .storage import S3Storage, join_uri
from .workspace import build_workspace_archive

POLL_VARIABLE = "OPTML_REMOTE_FUNCTION_POLL_SECONDS"
DEFAULT_POLL_SECONDS = 10.0
_RETRYABLE_CODES = ("ThrottlingException", "LimitExceededException", "InternalFailure")


def poll_interval():
    try:
        return max(0.01, float(os.environ.get(POLL_VARIABLE, DEFAULT_POLL_SECONDS)))
    except ValueError:
        raise ValueError(f"{POLL_VARIABLE} must be a number of seconds.") from None


def sagemaker_client(settings):
    session = settings.sagemaker_session
    if session is not None and getattr(session, "sagemaker_client", None) is not None:
        return session.sagemaker_client
    import boto3

    return boto3.session.Session(region_name=settings.region).client("sagemaker")


def s3_storage(settings):
    session = settings.sagemaker_session
    if session is not None and getattr(session, "s3_client", None) is not None:
        return S3Storage(client=session.s3_client)
    return S3Storage(region=settings.region)


class SageMakerJob(Job):
    def __init__(self, job_name, s3_base_uri, storage, client, interval):
        super().__init__(job_name, s3_base_uri, storage)
        self._client = client
        self._interval = interval
        self._wake = threading.Event()

    def _poll(self):
        from botocore.exceptions import ClientError

        while True:
            try:
                description = self._client.describe_training_job(TrainingJobName=self.job_name)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in _RETRYABLE_CODES:
                    self._end("Failed", f"DescribeTrainingJob failed: {error}")
                    return
                description = None
            if description and description["TrainingJobStatus"] in TERMINAL_STATUSES:
                self._end(description["TrainingJobStatus"], description.get("FailureReason"))
                return
            self._wake.wait(self._interval)
            self._wake.clear()

    def stop(self):
        if not self._ended.is_set():
            self._client.stop_training_job(TrainingJobName=self.job_name)
            self._wake.set()  # look at the status again now rather than a poll later


def start_sagemaker_job(settings, job_name, s3_base_uri, storage, stream_output):
    import tempfile

    client = sagemaker_client(settings)
    storage.write_bytes(
        join_uri(s3_base_uri, BOOTSTRAP_CHANNEL, BOOTSTRAP_DRIVER),
        BOOTSTRAP_DRIVER_TEXT.encode(),
        settings.s3_kms_key,
    )
    with tempfile.TemporaryDirectory(prefix="optml-rf-") as scratch:
        archive = build_workspace_archive(settings, scratch)
        if archive:
            storage.upload_file(archive, join_uri(s3_base_uri, WORKSPACE_KEY), settings.s3_kms_key)
    request = create_training_job_request(settings, job_name, s3_base_uri, archive is not None)
    client.create_training_job(**request)
    job = SageMakerJob(job_name, s3_base_uri, storage, client, poll_interval())
    threading.Thread(target=job._poll, name=f"optml-rf-{job_name}", daemon=True).start()
    return job

"""What a job is told: the container arguments and, for SageMaker, the CreateTrainingJob request.

Both follow the SDK: `--s3_base_uri <root>/<job> --region R --client_python_version X.Y
--client_sagemaker_pysdk_version V --dependency_settings '{"dependency_file": name|null}'`,
then the optional `--distribution`, `--user_nproc_per_node`, `--s3_kms_key`, `--job_conda_env`.
"""

import json
import re
import threading
import time

from .settings import SAGEMAKER_PYSDK_VERSION, client_python_version, dependency_file_name
from .workspace import WORKSPACE_CHANNEL, WORKSPACE_ARCHIVE

# The image's own driver replaces the SDK's `/bin/bash .../job_driver.sh`.
CONTAINER_ENTRYPOINT = ["train", "remote-function"]
BOOTSTRAP_CHANNEL = "sagemaker_remote_function_bootstrap"
BOOTSTRAP_DRIVER = "job_driver.sh"
# The bootstrap channel carries only this driver: the SDK always sends the channel, and a
# container started with the SDK's entry point still lands in optml's job side.
BOOTSTRAP_DRIVER_TEXT = '#!/bin/bash\nexec train remote-function "$@"\n'

_names_lock = threading.Lock()
_names_used = set()


def _timestamp(moment):
    milliseconds = int((moment % 1) * 1000)
    return time.strftime(f"%Y-%m-%d-%H-%M-%S-{milliseconds:03d}", time.gmtime(moment))


def job_name_for(settings, func):
    """<prefix>-<UTC timestamp with milliseconds>, at most 63 characters, as the SDK names jobs.

    The SDK spaces submissions a second apart; optml starts local jobs at once, so a name
    already given out in this process waits for the next millisecond.
    """
    prefix = settings.job_name_prefix
    if not prefix:
        prefix = re.sub(r"^[^a-zA-Z0-9]+", "", func.__name__)
        prefix = re.sub(r"[^a-zA-Z0-9-]", "-", prefix)
    while True:
        timestamp = _timestamp(time.time())
        name = f"{prefix[: 63 - len(timestamp) - 1]}-{timestamp}"
        with _names_lock:
            if name not in _names_used:
                _names_used.add(name)
                return name
        time.sleep(0.001)


def container_arguments(settings, s3_base_uri):
    arguments = [
        "--s3_base_uri", s3_base_uri,
        "--region", settings.region,
        "--client_python_version", client_python_version(),
        "--client_sagemaker_pysdk_version", SAGEMAKER_PYSDK_VERSION,
        "--dependency_settings",
        json.dumps({"dependency_file": dependency_file_name(settings.dependencies)}),
    ]  # fmt: skip
    if settings.use_torchrun:
        arguments += ["--distribution", "torchrun"]
    elif settings.use_mpirun:
        arguments += ["--distribution", "mpirun"]
    if settings.nproc_per_node is not None and int(settings.nproc_per_node) > 0:
        arguments += ["--user_nproc_per_node", str(settings.nproc_per_node)]
    if settings.s3_kms_key:
        arguments += ["--s3_kms_key", settings.s3_kms_key]
    if settings.job_conda_env:
        arguments += ["--job_conda_env", settings.job_conda_env]
    return arguments


def _s3_channel(name, uri):
    return {
        "ChannelName": name,
        "DataSource": {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix"}},
    }


def create_training_job_request(settings, job_name, s3_base_uri, has_workspace):
    """The CreateTrainingJob request the SDK sends, with optml's entry point."""
    stopping_condition = {"MaxRuntimeInSeconds": settings.max_runtime_in_seconds}
    if settings.max_wait_time_in_seconds is not None:
        stopping_condition["MaxWaitTimeInSeconds"] = settings.max_wait_time_in_seconds
    request = {
        "TrainingJobName": job_name,
        "RoleArn": settings.role,
        "StoppingCondition": stopping_condition,
        "RetryStrategy": {"MaximumRetryAttempts": settings.max_retry_attempts},
    }
    if settings.tags:
        request["Tags"] = settings.tags
    channels = [_s3_channel(BOOTSTRAP_CHANNEL, f"{s3_base_uri}/{BOOTSTRAP_CHANNEL}")]
    if has_workspace:
        channels.append(_s3_channel(WORKSPACE_CHANNEL, f"{s3_base_uri}/{WORKSPACE_CHANNEL}"))
    if settings.instance_count > 1 and (settings.use_torchrun or settings.use_mpirun):
        for channel in channels:
            channel["DataSource"]["S3DataSource"]["S3DataDistributionType"] = "FullyReplicated"
    request["InputDataConfig"] = channels
    output = {"S3OutputPath": s3_base_uri}
    if settings.s3_kms_key is not None:
        output["KmsKeyId"] = settings.s3_kms_key
    if settings.disable_output_compression:
        output["CompressionType"] = "NONE"
    request["OutputDataConfig"] = output
    request["AlgorithmSpecification"] = {
        "TrainingImage": settings.image_uri,
        "TrainingInputMode": "File",
        "ContainerEntrypoint": list(CONTAINER_ENTRYPOINT),
        "ContainerArguments": container_arguments(settings, s3_base_uri),
    }
    resources = {
        "VolumeSizeInGB": settings.volume_size,
        "InstanceCount": settings.instance_count,
        "InstanceType": settings.instance_type,
    }
    if settings.volume_kms_key is not None:
        resources["VolumeKmsKeyId"] = settings.volume_kms_key
    if settings.keep_alive_period_in_seconds is not None:
        resources["KeepAlivePeriodInSeconds"] = settings.keep_alive_period_in_seconds
    request["ResourceConfig"] = resources
    request["EnableNetworkIsolation"] = settings.enable_network_isolation
    request["EnableInterContainerTrafficEncryption"] = settings.encrypt_inter_container_traffic
    if settings.vpc_config:
        request["VpcConfig"] = settings.vpc_config
    request["EnableManagedSpotTraining"] = settings.use_spot_instances
    request["Environment"] = dict(settings.environment_variables)
    return request


WORKSPACE_KEY = f"{WORKSPACE_CHANNEL}/{WORKSPACE_ARCHIVE}"

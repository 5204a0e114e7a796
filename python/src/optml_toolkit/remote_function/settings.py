"""The settings users pass to @remote and RemoteExecutor, checked as the SDK checks them.

Where the SDK would look up a default in AWS (image, role, bucket), optml's embedded local
backend needs none of them; the SageMaker backend asks for them by name instead.
"""

import inspect
import os
import re
import sys

BACKEND_VARIABLE = "OPTML_REMOTE_FUNCTION_BACKEND"
S3_ROOT_VARIABLE = "OPTML_REMOTE_FUNCTION_S3_ROOT_URI"
BACKENDS = ("local", "sagemaker")

# The SDK generation whose payload format and arguments this client follows (SHA-256 hashes,
# no key): the job side may compare it with its own.
SAGEMAKER_PYSDK_VERSION = "2.256.0"


def cache_dir():
    """<XDG_CACHE_HOME or ~/.cache>/optml/remote-function: the local backend's default home."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.path.abspath(base), "optml", "remote-function")


def client_python_version():
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def dependency_file_name(dependencies):
    """The name the job finds the dependency file under, as the SDK's _DependencySettings."""
    if dependencies is None:
        return None
    if dependencies == "auto_capture":
        return "env_snapshot.yml"
    return os.path.basename(dependencies)


def _check_dependencies(dependencies):
    if dependencies is None:
        return
    if dependencies == "auto_capture":
        raise ValueError(
            "dependencies='auto_capture' snapshots a conda environment, which optml's client "
            "does not do; pass the path of a requirements.txt or environment.yml file."
        )
    if dependencies.endswith((".txt", ".yml", ".yaml")):
        if not os.path.isfile(dependencies):
            raise ValueError(f'No dependencies file named "{dependencies}" was found.')
        return
    raise ValueError(f'Invalid dependencies provided: "{dependencies}"')


def check_instance_count(instance_count, use_torchrun, use_mpirun, spark_config=None):
    """The SDK's rule: several instances only for Spark, torchrun or mpirun (one of them)."""
    if instance_count > 1 and not (
        (spark_config is not None and not use_torchrun and not use_mpirun)
        or (spark_config is None and use_torchrun and not use_mpirun)
        or (spark_config is None and not use_torchrun and use_mpirun)
    ):
        raise ValueError(
            "Remote function do not support training on multi instances "
            + "without spark_config or use_torchrun or use_mpirun. "
            + "Please provide instance_count = 1"
        )


def check_env_name(env_name):
    """The current SDK's check of job_conda_env (no shell metacharacters)."""
    if not re.match(r"^[a-zA-Z0-9_-]+$", env_name):
        raise ValueError(
            f"Invalid environment name '{env_name}'. "
            "Only alphanumeric characters, underscores, and hyphens are allowed."
        )


def _format_tags(tags):
    if not tags:
        return None
    if isinstance(tags, dict):
        return [{"Key": str(key), "Value": str(value)} for key, value in tags.items()]
    formatted = []
    for tag in tags:
        if isinstance(tag, dict):
            formatted.append(tag)
        else:
            key, value = tag
            formatted.append({"Key": str(key), "Value": str(value)})
    return formatted


def _region_of(sagemaker_session):
    region = getattr(sagemaker_session, "boto_region_name", None)
    if region:
        return region
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        import boto3

        region = boto3.session.Session().region_name
    except Exception:  # boto3 missing or a broken profile: fall back as the local backend may
        region = None
    return region


class JobSettings:
    """Checked settings, shared by every job a decorator or executor starts."""

    def __init__(
        self,
        *,
        dependencies=None,
        pre_execution_commands=None,
        pre_execution_script=None,
        environment_variables=None,
        image_uri=None,
        include_local_workdir=None,
        custom_file_filter=None,
        instance_count=1,
        instance_type=None,
        job_conda_env=None,
        job_name_prefix=None,
        keep_alive_period_in_seconds=0,
        max_retry_attempts=1,
        max_runtime_in_seconds=24 * 60 * 60,
        role=None,
        s3_kms_key=None,
        s3_root_uri=None,
        sagemaker_session=None,
        security_group_ids=None,
        subnets=None,
        tags=None,
        volume_kms_key=None,
        volume_size=30,
        encrypt_inter_container_traffic=None,
        spark_config=None,
        use_spot_instances=False,
        max_wait_time_in_seconds=None,
        disable_output_compression=False,
        use_torchrun=False,
        use_mpirun=False,
        nproc_per_node=None,
        backend=None,
    ):
        self.backend = backend or os.environ.get(BACKEND_VARIABLE) or "local"
        if self.backend not in BACKENDS:
            raise ValueError(
                f"backend (or {BACKEND_VARIABLE}) must be one of {', '.join(BACKENDS)}, "
                f"not {self.backend!r}."
            )
        if spark_config is not None:
            raise ValueError("spark_config is not supported by optml's remote-function client.")
        self.sagemaker_session = sagemaker_session
        self.region = _region_of(sagemaker_session)
        if not self.region:
            if self.backend == "sagemaker":
                raise ValueError(
                    "The SageMaker backend needs a region: set AWS_DEFAULT_REGION or pass a "
                    "sagemaker_session."
                )
            self.region = "us-east-1"

        self.environment_variables = dict(environment_variables or {})
        self.environment_variables.update({"AWS_DEFAULT_REGION": self.region})

        if pre_execution_commands is not None and pre_execution_script is not None:
            raise ValueError(
                "Only one of pre_execution_commands or pre_execution_script can be specified!"
            )
        if pre_execution_script is not None and not os.path.isfile(pre_execution_script):
            raise ValueError(f'No pre-execution script named "{pre_execution_script}" was found.')
        _check_dependencies(dependencies)
        if job_conda_env:
            check_env_name(job_conda_env)
        check_instance_count(instance_count, use_torchrun, use_mpirun)

        self.dependencies = dependencies
        self.pre_execution_commands = pre_execution_commands
        self.pre_execution_script = pre_execution_script
        self.include_local_workdir = bool(include_local_workdir)
        self.custom_file_filter = custom_file_filter
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.image_uri = image_uri
        self.job_conda_env = job_conda_env
        self.job_name_prefix = job_name_prefix
        self.keep_alive_period_in_seconds = keep_alive_period_in_seconds
        self.max_retry_attempts = max_retry_attempts
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.s3_kms_key = s3_kms_key
        self.volume_kms_key = volume_kms_key
        self.volume_size = volume_size
        self.encrypt_inter_container_traffic = bool(encrypt_inter_container_traffic)
        self.enable_network_isolation = False
        self.use_spot_instances = use_spot_instances
        self.max_wait_time_in_seconds = max_wait_time_in_seconds
        self.disable_output_compression = disable_output_compression
        self.use_torchrun = use_torchrun
        self.use_mpirun = use_mpirun
        self.nproc_per_node = nproc_per_node
        self.tags = _format_tags(tags)
        self.vpc_config = (
            {"Subnets": list(subnets), "SecurityGroupIds": list(security_group_ids)}
            if subnets and security_group_ids
            else None
        )
        self.role = role

        self.s3_root_uri = (s3_root_uri or os.environ.get(S3_ROOT_VARIABLE) or "").rstrip("/")
        if self.backend == "local":
            self.instance_type = instance_type or "local"
            if not self.s3_root_uri:
                self.s3_root_uri = "file://" + os.path.join(cache_dir(), "s3")
        else:
            if not self.instance_type:
                raise ValueError("instance_type is a required parameter!")
            if not self.image_uri:
                raise ValueError(
                    "image_uri is a required parameter for the SageMaker backend: an image "
                    "whose `train remote-function` runs the job."
                )
            if not self.role:
                raise ValueError("role is a required parameter for the SageMaker backend.")
            if not self.s3_root_uri.startswith("s3://"):
                raise ValueError(
                    f"The SageMaker backend needs s3_root_uri (or {S3_ROOT_VARIABLE}) to be an "
                    "s3://bucket/prefix URI."
                )
        if not re.match(r"^(s3://[^/]+|file:///)", self.s3_root_uri + "/"):
            raise ValueError(
                "s3_root_uri must be an s3://bucket/prefix or a file:///absolute/path URI."
            )


def job_setting_arguments(values):
    """The entries of `values` (remote's or RemoteExecutor's locals()) that JobSettings takes:
    their public signatures spell out the SDK's keywords, this passes them on by name."""
    names = inspect.signature(JobSettings).parameters
    return {name: value for name, value in values.items() if name in names}

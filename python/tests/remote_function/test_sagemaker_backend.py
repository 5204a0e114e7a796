"""The SageMaker backend against botocore's own Stubber and an in-process fake control plane.

botocore validates every request against the real SageMaker service model before the stub
answers, so a request shape the service would refuse fails here. Nothing leaves the process:
S3 is an in-memory fake that "runs" the job when the arguments land, as a container would.
"""

import io
import threading

import botocore.session
import pytest
from botocore.stub import ANY, Stubber
from botocore.validate import validate_parameters

import job_functions
from optml_toolkit.remote_function import RemoteExecutor, RemoteFunctionError, remote
from optml_toolkit.remote_function import job_request, serialization
from optml_toolkit.remote_function.storage import S3Storage

ROLE = "arn:aws:iam::111122223333:role/optml-remote"
IMAGE = "111122223333.dkr.ecr.us-west-2.amazonaws.com/optml:latest"
ROOT = "s3://optml-bucket/rf"


class FakeS3:
    """put_object/get_object in memory; runs a stored call once its arguments' metadata lands."""

    def __init__(self):
        self.objects = {}
        self.lock = threading.Lock()
        self.on_arguments = None

    def put_object(self, Bucket, Key, Body, **extra):
        with self.lock:
            self.objects[(Bucket, Key)] = bytes(Body)
        if Key.endswith("/arguments/metadata.json") and self.on_arguments:
            self.on_arguments(f"s3://{Bucket}/{Key[: -len('/arguments/metadata.json')]}")

    def get_object(self, Bucket, Key):
        from botocore.exceptions import ClientError

        with self.lock:
            if (Bucket, Key) not in self.objects:
                raise ClientError({"Error": {"Code": "NoSuchKey", "Message": "Not Found"}},
                                  "GetObject")
            return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}


def run_like_a_container(s3):
    """What the job side does with a stored call: results/ or exception/ beside it."""
    storage = S3Storage(client=s3)

    def run(base_uri):
        func = serialization.deserialize_from(storage, base_uri + "/function")
        args, kwargs = serialization.deserialize_from(storage, base_uri + "/arguments")
        try:
            serialization.serialize_to(storage, base_uri + "/results", func(*args, **kwargs))
        except Exception as error:
            serialization.serialize_exception_to(storage, base_uri + "/exception", error)

    return run


class Session:
    def __init__(self, sagemaker_client, s3_client):
        self.sagemaker_client = sagemaker_client
        self.s3_client = s3_client
        self.boto_region_name = "us-west-2"


def sagemaker_client():
    return botocore.session.get_session().create_client(
        "sagemaker", region_name="us-west-2",
        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_POLL_SECONDS", "0.01")


def described(name, status, reason=None):
    response = {
        "TrainingJobName": name,
        "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:111122223333:training-job/{name}",
        "ModelArtifacts": {"S3ModelArtifacts": f"{ROOT}/{name}/output/model.tar.gz"},
        "TrainingJobStatus": status,
        "SecondaryStatus": "Completed" if status == "Completed" else "Training",
        "AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": IMAGE},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1,
                           "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": "2026-11-25T00:00:00Z",
    }
    if reason:
        response["FailureReason"] = reason
    return response


def test_remote_call_sends_the_sdk_request_and_reads_the_result(monkeypatch):
    name = "add-2026-11-25-12-00-00-000"
    monkeypatch.setattr(job_request, "job_name_for", lambda settings, func: name)
    monkeypatch.setattr("optml_toolkit.remote_function.client.job_name_for",
                        lambda settings, func: name)
    client, s3 = sagemaker_client(), FakeS3()
    s3.on_arguments = run_like_a_container(s3)
    base = f"{ROOT}/{name}"
    expected_request = {
        "TrainingJobName": name,
        "RoleArn": ROLE,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "RetryStrategy": {"MaximumRetryAttempts": 1},
        "Tags": [{"Key": "team", "Value": "optml"}],
        "InputDataConfig": [
            {"ChannelName": "sagemaker_remote_function_bootstrap",
             "DataSource": {"S3DataSource": {
                 "S3Uri": f"{base}/sagemaker_remote_function_bootstrap",
                 "S3DataType": "S3Prefix"}}},
            {"ChannelName": "sm_rf_user_ws",
             "DataSource": {"S3DataSource": {"S3Uri": f"{base}/sm_rf_user_ws",
                                             "S3DataType": "S3Prefix"}}},
        ],
        "OutputDataConfig": {"S3OutputPath": base},
        "AlgorithmSpecification": {
            "TrainingImage": IMAGE,
            "TrainingInputMode": "File",
            "ContainerEntrypoint": ["train", "remote-function"],
            "ContainerArguments": [
                "--s3_base_uri", base, "--region", "us-west-2",
                "--client_python_version", ANY, "--client_sagemaker_pysdk_version", ANY,
                "--dependency_settings", '{"dependency_file": null}',
            ],
        },
        "ResourceConfig": {"VolumeSizeInGB": 30, "InstanceCount": 1,
                           "InstanceType": "ml.m5.large", "KeepAlivePeriodInSeconds": 0},
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": False,
        "Environment": {"MY_SETTING": "1", "AWS_DEFAULT_REGION": "us-west-2"},
    }
    with Stubber(client) as stubber:
        stubber.add_response(
            "create_training_job",
            {"TrainingJobArn": f"arn:aws:sagemaker:us-west-2:111122223333:training-job/{name}"},
            expected_request)
        stubber.add_response("describe_training_job", described(name, "InProgress"),
                             {"TrainingJobName": name})
        stubber.add_response("describe_training_job", described(name, "Completed"),
                             {"TrainingJobName": name})
        decorated = remote(
            job_functions.add, backend="sagemaker", instance_type="ml.m5.large",
            image_uri=IMAGE, role=ROLE, s3_root_uri=ROOT, max_runtime_in_seconds=3600,
            environment_variables={"MY_SETTING": "1"}, tags={"team": "optml"},
            pre_execution_commands=["echo ready"], sagemaker_session=Session(client, s3))
        assert decorated(40, y=2) == 42
        stubber.assert_no_pending_responses()
    driver = s3.objects[("optml-bucket", f"rf/{name}/sagemaker_remote_function_bootstrap/job_driver.sh")]
    assert b"train remote-function" in driver
    assert ("optml-bucket", f"rf/{name}/sm_rf_user_ws/workspace.zip") in s3.objects


def test_failed_job_without_exception_uses_the_failure_reason(monkeypatch):
    name = "add-2026-11-25-12-00-01-000"
    monkeypatch.setattr("optml_toolkit.remote_function.client.job_name_for",
                        lambda settings, func: name)
    client, s3 = sagemaker_client(), FakeS3()
    with Stubber(client) as stubber:
        stubber.add_response("create_training_job", {"TrainingJobArn": "arn:x"}, None)
        stubber.add_response(
            "describe_training_job",
            described(name, "Failed", "RuntimeEnvironmentError: Python version found in the "
                                      "container is '3.10' which does not match"),
            {"TrainingJobName": name})
        decorated = remote(job_functions.add, backend="sagemaker", instance_type="ml.m5.large",
                           image_uri=IMAGE, role=ROLE, s3_root_uri=ROOT,
                           sagemaker_session=Session(client, s3))
        from optml_toolkit.remote_function import RuntimeEnvironmentError

        with pytest.raises(RuntimeEnvironmentError, match="^Python version found"):
            decorated(1)


class FakeControlPlane:
    """CreateTrainingJob / DescribeTrainingJob / StopTrainingJob in memory, every request
    validated against botocore's SageMaker service model."""

    def __init__(self, s3, run):
        self.model = sagemaker_client().meta.service_model
        self.s3, self.run = s3, run
        self.jobs = {}
        self.stopped = []
        self.lock = threading.Lock()

    def _validate(self, operation, params):
        validate_parameters(params, self.model.operation_model(operation).input_shape)

    def create_training_job(self, **params):
        self._validate("CreateTrainingJob", params)
        with self.lock:
            self.jobs[params["TrainingJobName"]] = {"request": params, "status": "InProgress"}
        return {"TrainingJobArn": "arn:x"}

    def describe_training_job(self, **params):
        self._validate("DescribeTrainingJob", params)
        with self.lock:
            job = self.jobs[params["TrainingJobName"]]
            if job["status"] == "InProgress" and self.run is not None:
                base = job["request"]["OutputDataConfig"]["S3OutputPath"]
                self.run(base)
                job["status"] = "Completed" if (
                    "optml-bucket", base[len("s3://optml-bucket/"):] + "/results/metadata.json"
                ) in self.s3.objects else "Failed"
            return {"TrainingJobName": params["TrainingJobName"],
                    "TrainingJobStatus": job["status"]}

    def stop_training_job(self, **params):
        self._validate("StopTrainingJob", params)
        with self.lock:
            self.stopped.append(params["TrainingJobName"])
            self.jobs[params["TrainingJobName"]]["status"] = "Stopped"


def test_executor_map_and_exceptions_through_the_fake_control_plane():
    s3 = FakeS3()
    plane = FakeControlPlane(s3, run_like_a_container(s3))
    with RemoteExecutor(backend="sagemaker", max_parallel_jobs=2, instance_type="ml.m5.large",
                        image_uri=IMAGE, role=ROLE, s3_root_uri=ROOT, use_torchrun=True,
                        instance_count=2, nproc_per_node=4,
                        sagemaker_session=Session(plane, s3)) as executor:
        assert executor.map(job_functions.add, [1, 2, 3], [4, 5, 6]) == [5, 7, 9]
        with pytest.raises(ZeroDivisionError):
            executor.submit(job_functions.divide, 1, 0).result()
    request = next(iter(plane.jobs.values()))["request"]
    arguments = request["AlgorithmSpecification"]["ContainerArguments"]
    assert arguments[arguments.index("--distribution") + 1] == "torchrun"
    assert arguments[arguments.index("--user_nproc_per_node") + 1] == "4"
    assert request["ResourceConfig"]["InstanceCount"] == 2
    assert all(channel["DataSource"]["S3DataSource"]["S3DataDistributionType"]
               == "FullyReplicated" for channel in request["InputDataConfig"])


def test_cancel_sends_stop_training_job():
    s3 = FakeS3()
    plane = FakeControlPlane(s3, run=None)  # jobs stay InProgress until stopped
    executor = RemoteExecutor(backend="sagemaker", instance_type="ml.m5.large", image_uri=IMAGE,
                              role=ROLE, s3_root_uri=ROOT, sagemaker_session=Session(plane, s3))
    future = executor.submit(job_functions.add, 1, 2)
    with pytest.raises(TimeoutError):
        future.result(timeout=0.1)
    assert future.running()
    assert future.cancel() is True
    with pytest.raises(RemoteFunctionError, match="^Job for remote function has been aborted.$"):
        future.result(timeout=30)
    executor.shutdown()
    assert plane.stopped == [future.job_name]

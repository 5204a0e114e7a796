"""The embedded default backend: each job is a `train remote-function` process on this machine.

Every job gets its own scaffolded base dir (SAGEMAKER_BASE_DIR) laid out as SageMaker lays
out /opt/ml: input/config/{hyperparameters,inputdataconfig,resourceconfig}.json, the
workspace channel input/data/sm_rf_user_ws/workspace.zip, output/. The payloads go to the
same <s3_root_uri>/<job_name>/ layout as on SageMaker (a file:/// folder or an S3 endpoint),
and the user's environment_variables are in the process environment.
"""

import json
import os
import shutil
import signal
import subprocess
import threading

from .errors import RemoteFunctionError
from .jobs import Job
from .job_request import container_arguments
from .settings import cache_dir
from .workspace import WORKSPACE_CHANNEL, build_workspace_archive

TRAIN_VARIABLE = "OPTML_TRAIN"
JOBS_DIR_VARIABLE = "OPTML_REMOTE_FUNCTION_JOBS_DIR"
HOST = "algo-1"
FAILURE_REASON_LIMIT = 1024  # what DescribeTrainingJob keeps of output/failure


def find_train():
    """$OPTML_TRAIN, else `train` on PATH; a clear error when neither is there."""
    configured = os.environ.get(TRAIN_VARIABLE)
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise RemoteFunctionError(
                f"{TRAIN_VARIABLE} names {configured!r}, which is not an executable file."
            )
        return configured
    found = shutil.which("train")
    if not found:
        raise RemoteFunctionError(
            "The local remote-function backend runs each job with `train remote-function`, "
            f"but no `train` is on PATH: install optml or set {TRAIN_VARIABLE} to its path."
        )
    return found


def jobs_dir():
    return os.environ.get(JOBS_DIR_VARIABLE) or os.path.join(cache_dir(), "jobs")


def _write_json(path, document):
    with open(path, "w") as file:
        json.dump(document, file)


def scaffold_base_dir(base_dir, settings, job_name):
    """The /opt/ml tree SageMaker would give the job; returns the input data dir."""
    config = os.path.join(base_dir, "input", "config")
    os.makedirs(config)
    os.makedirs(os.path.join(base_dir, "output", "data"))
    os.makedirs(os.path.join(base_dir, "model"))
    data = os.path.join(base_dir, "input", "data")
    os.makedirs(data)
    channels = {}
    if build_workspace_archive(settings, os.path.join(data, WORKSPACE_CHANNEL)):
        channels[WORKSPACE_CHANNEL] = {
            "TrainingInputMode": "File",
            "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "None",
        }
    _write_json(os.path.join(config, "hyperparameters.json"), {})
    _write_json(os.path.join(config, "inputdataconfig.json"), channels)
    _write_json(
        os.path.join(config, "resourceconfig.json"),
        {
            "current_host": HOST,
            "current_instance_type": settings.instance_type,
            "current_group_name": "homogeneousCluster",
            "hosts": [HOST],
            "instance_groups": [
                {
                    "instance_group_name": "homogeneousCluster",
                    "instance_type": settings.instance_type,
                    "hosts": [HOST],
                }
            ],
            "network_interface_name": "eth0",
        },
    )


class LocalJob(Job):
    def __init__(self, job_name, s3_base_uri, storage, base_dir, max_runtime_in_seconds):
        super().__init__(job_name, s3_base_uri, storage)
        self.base_dir = base_dir
        self._max_runtime = max_runtime_in_seconds
        self._process = None
        self._stop_requested = False

    def _launch(self, command, environment, log_path):
        log = open(log_path, "ab") if log_path else None
        try:
            self._process = subprocess.Popen(
                command,
                env=environment,
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT if log else None,
                start_new_session=True,  # the user's Ctrl-C goes to the client, which decides
            )
        finally:
            if log:
                log.close()
        threading.Thread(target=self._monitor, name=f"optml-rf-{self.job_name}", daemon=True).start()

    def _monitor(self):
        try:
            code = self._process.wait(timeout=self._max_runtime)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self._process.wait()
        if code == 0:
            self._end("Completed")
        elif self._stop_requested:
            self._end("Stopped")
        else:
            self._end("Failed", self._read_failure(code))

    def _read_failure(self, code):
        try:
            with open(os.path.join(self.base_dir, "output", "failure"), errors="replace") as file:
                reason = file.read(FAILURE_REASON_LIMIT)
        except OSError:
            reason = ""
        return reason or f"The job's process exited with code {code} and left no failure file."

    def stop(self):
        with self._lock:
            if self._ended.is_set() or self._process is None:
                return
            self._stop_requested = True
            try:
                self._process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass


def start_local_job(settings, job_name, s3_base_uri, storage, stream_output):
    """Scaffolds the base dir and starts `train remote-function` on it."""
    train = find_train()
    if settings.instance_count > 1:
        raise ValueError(
            "The local remote-function backend runs one host: instance_count > 1 needs "
            "backend='sagemaker'."
        )
    base_dir = os.path.join(jobs_dir(), job_name)
    os.makedirs(os.path.dirname(base_dir), exist_ok=True)
    os.mkdir(base_dir)  # fails on a name clash rather than mixing two jobs
    scaffold_base_dir(base_dir, settings, job_name)
    environment = dict(os.environ)
    environment.update({key: str(value) for key, value in settings.environment_variables.items()})
    # train reads an S3 server's address from either name; the job gets the one the client used.
    endpoint = environment.get("S3_ENDPOINT_URL") or environment.get("AWS_ENDPOINT_URL_S3")
    if endpoint:
        environment.setdefault("S3_ENDPOINT_URL", endpoint)
        environment.setdefault("AWS_ENDPOINT_URL_S3", endpoint)
    environment.update(
        {
            "SAGEMAKER_BASE_DIR": base_dir,
            "TRAINING_JOB_NAME": job_name,
            # One host on this machine: `algo-1` needs no name resolution.
            "SM_STUDIO_LOCAL_MODE": "true",
        }
    )
    job = LocalJob(job_name, s3_base_uri, storage, base_dir, settings.max_runtime_in_seconds)
    command = [train, "remote-function"] + container_arguments(settings, s3_base_uri)
    job._launch(command, environment, None if stream_output else os.path.join(base_dir, "job.log"))
    return job

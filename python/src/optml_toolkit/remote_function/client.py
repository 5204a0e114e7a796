"""@remote, RemoteExecutor and their futures: a function call becomes a job.

The call's function and (args, kwargs) are pickled when it is made, so the job sees the
arguments as they were then and nothing the function does to them comes back; the job's
return value (results/) or exception with its traceback (exception/) is read back, hash
checked, and returned or raised here.
"""

import collections
import functools
import inspect
import itertools
import threading
import time

from . import serialization
from .errors import DeserializationError, RemoteFunctionError, RuntimeEnvironmentError, ServiceError
from .job_request import job_name_for
from .local_backend import start_local_job
from .sagemaker_backend import s3_storage, start_sagemaker_job
from .settings import JobSettings, check_env_name, check_instance_count, job_setting_arguments
from .storage import join_uri, storage_for

FUNCTION_FOLDER = "function"
ARGUMENTS_FOLDER = "arguments"
RESULTS_FOLDER = "results"
EXCEPTION_FOLDER = "exception"

_PENDING = "PENDING"
_RUNNING = "RUNNING"
_CANCELLED = "CANCELLED"
_FINISHED = "FINISHED"

_TIMEOUT_MESSAGE = "Job for remote function timed out before reaching a termination status."
_ABORTED_MESSAGE = "Job for remote function has been aborted."
_FAILED_MESSAGE = "Failed to execute remote function. Check corresponding job for details."
_RUNTIME_ERROR_PREFIX = "RuntimeEnvironmentError: "


def _plural(count, singular, plural):
    return plural if count > 1 else singular


def _quoted_list(names):
    if len(names) > 1:
        return ", ".join(f"'{name}'" for name in names[:-1]) + f", and '{names[-1]}'"
    return f"'{names[0]}'"


def validate_submit_args(func, *args, **kwargs):
    """Raises the SDK's TypeError for a call that does not fit func's signature.

    Same checks, order and texts as the SDK, except that a function taking **kwargs accepts
    any keyword and keyword-only parameters without defaults no longer crash the check.
    """
    spec = inspect.getfullargspec(func)
    name = func.__name__
    defaults = len(spec.defaults) if spec.defaults else 0
    minimum_positional = len(spec.args) - defaults
    if spec.varargs is None and len(args) > len(spec.args):
        raise TypeError(
            f"{name}() takes {len(spec.args)} positional "
            + f"{_plural(len(spec.args), 'argument', 'arguments')} but {len(args)} "
            + f"{_plural(len(args), 'was', 'were')} given."
        )
    if len(args) < minimum_positional:
        missing = [arg for arg in spec.args[len(args) : minimum_positional] if arg not in kwargs]
        if missing:
            raise TypeError(
                f"{name}() missing {len(missing)} required positional "
                + f"{_plural(len(missing), 'argument', 'arguments')}: {_quoted_list(missing)}"
            )
    for key in kwargs:
        if key in spec.args and len(args) > spec.args.index(key):
            raise TypeError(f"{name}() got multiple values for argument '{key}'")
        if key not in spec.kwonlyargs and key not in spec.args and spec.varkw is None:
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    keyword_defaults = spec.kwonlydefaults or {}
    missing_keywords = [
        key for key in spec.kwonlyargs if key not in keyword_defaults and key not in kwargs
    ]
    if missing_keywords:
        raise TypeError(
            f"{name}() missing {len(missing_keywords)} required keyword-only "
            + f"{_plural(len(missing_keywords), 'argument', 'arguments')}: "
            + f"{_quoted_list(missing_keywords)}"
        )


class _Call:
    """A call pickled when it is made: the function and its (args, kwargs)."""

    def __init__(self, func, args, kwargs):
        self.func = func
        self.function_payload = serialization.serialize(func)
        self.arguments_payload = serialization.serialize((args, kwargs))


class _Launcher:
    """Starts jobs for one set of settings (one storage client, shared)."""

    def __init__(self, settings):
        self.settings = settings
        if settings.backend == "sagemaker":
            self.storage = s3_storage(settings)
            self._start = start_sagemaker_job
        else:
            self.storage = storage_for(settings.s3_root_uri, settings.region)
            self._start = start_local_job

    def start(self, call, stream_output):
        settings = self.settings
        job_name = job_name_for(settings, call.func)
        s3_base_uri = join_uri(settings.s3_root_uri, job_name)
        for folder, payload in (
            (FUNCTION_FOLDER, call.function_payload),
            (ARGUMENTS_FOLDER, call.arguments_payload),
        ):
            serialization.upload_payload(
                self.storage, join_uri(s3_base_uri, folder), payload, settings.s3_kms_key
            )
        return self._start(settings, job_name, s3_base_uri, self.storage, stream_output)


class Future:
    """The outcome of one remote call; its job may not have started, be running or be done."""

    def __init__(self):
        self._condition = threading.Condition()
        self._state = _PENDING
        self._job = None
        self._exception = None
        self._return = None
        self._outcome_lock = threading.Lock()

    def _start(self, start):
        """Runs start() (which returns a started job) unless the future was cancelled."""
        with self._condition:
            if self._state != _PENDING:
                return None
        try:
            job = start()
        except Exception as error:  # the job never started: the future carries why
            with self._condition:
                if self._state == _PENDING:
                    self._exception = error
                    self._state = _FINISHED
                self._condition.notify_all()
            return None
        with self._condition:
            self._job = job
            if self._state == _CANCELLED:
                job.stop()
            else:
                self._state = _RUNNING
            self._condition.notify_all()
        return job

    def _load_outcome(self):
        """Reads results/ or exception/ once the job ended (once per future)."""
        with self._outcome_lock:
            with self._condition:
                if self._state != _RUNNING:
                    return
                job = self._job
            status, returned, raised, state = job.status(), None, None, _FINISHED
            if status == "Completed":
                try:
                    returned = serialization.deserialize_from(
                        job.storage, join_uri(job.s3_base_uri, RESULTS_FOLDER)
                    )
                except (DeserializationError, ServiceError) as error:
                    raised = error
            elif status == "Failed":
                raised = self._remote_exception(job)
            else:
                state = _CANCELLED
            with self._condition:
                if self._state == _RUNNING:
                    self._state, self._return, self._exception = state, returned, raised
                self._condition.notify_all()

    @staticmethod
    def _remote_exception(job):
        try:
            error = serialization.deserialize_from(
                job.storage, join_uri(job.s3_base_uri, EXCEPTION_FOLDER)
            )
        except ServiceError as service_error:
            if not serialization.is_not_found(service_error):
                return service_error
            reason = job.failure_reason() or ""
            if _RUNTIME_ERROR_PREFIX in reason:
                return RuntimeEnvironmentError(reason.replace(_RUNTIME_ERROR_PREFIX, ""))
            return RemoteFunctionError(_FAILED_MESSAGE)
        except DeserializationError as deserialization_error:
            return deserialization_error
        if not isinstance(error, BaseException):
            return RemoteFunctionError(f"The job stored a non-exception as its failure: {error!r}")
        return error

    def _wait_outcome(self, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            if not self._condition.wait_for(lambda: self._state != _PENDING, timeout):
                raise TimeoutError(_TIMEOUT_MESSAGE)
            job = self._job if self._state == _RUNNING else None
        if job is not None:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not job.wait(remaining):
                raise TimeoutError(_TIMEOUT_MESSAGE)
            self._load_outcome()
        with self._condition:
            return self._state

    def result(self, timeout=None):
        """The function's return value; its exception is raised here with the remote traceback.

        Raises TimeoutError when the job has not ended within timeout seconds, and
        RemoteFunctionError when it was stopped.
        """
        if self._wait_outcome(timeout) == _CANCELLED:
            raise RemoteFunctionError(_ABORTED_MESSAGE)
        with self._condition:
            if self._exception is not None:
                raise self._exception
            return self._return

    def exception(self, timeout=None):
        """The exception result() would raise, or None when the call returned."""
        if self._wait_outcome(timeout) == _CANCELLED:
            return RemoteFunctionError(_ABORTED_MESSAGE)
        with self._condition:
            return self._exception

    def wait(self, timeout=None):
        """Blocks until the job ended or timeout passed (no error either way)."""
        try:
            self._wait_outcome(timeout)
        except TimeoutError:
            pass

    def cancel(self):
        """Keeps a pending job from starting or stops a running one; False once finished."""
        with self._condition:
            if self._state == _FINISHED:
                return False
            if self._state == _CANCELLED:
                return True
            job = self._job
            self._state = _CANCELLED
            self._condition.notify_all()
        if job is not None:
            job.stop()
        return True

    def running(self):
        with self._condition:
            return self._state == _RUNNING and not self._job.done()

    def cancelled(self):
        with self._condition:
            return self._state == _CANCELLED

    def done(self):
        with self._condition:
            if self._state in (_FINISHED, _CANCELLED):
                return True
            return self._state == _RUNNING and self._job.done()

    @property
    def job_name(self):
        with self._condition:
            return self._job.job_name if self._job is not None else None


def remote(
    _func=None,
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
    """Runs the decorated function as a job each time it is called, and waits for it.

    The settings are the SDK's; backend ('local', the default, or 'sagemaker'; else
    $OPTML_REMOTE_FUNCTION_BACKEND) picks where jobs run.
    """
    setting_arguments = job_setting_arguments(locals())
    if job_conda_env:
        check_env_name(job_conda_env)

    def decorate(func):
        settings = JobSettings(**dict(setting_arguments, instance_count=1))
        # As in the SDK, instance_count is checked at call time, not at decoration.
        settings.instance_count = instance_count
        launcher = None

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            nonlocal launcher
            check_instance_count(instance_count, use_torchrun, use_mpirun, spark_config)
            validate_submit_args(func, *args, **kwargs)
            if launcher is None:
                launcher = _Launcher(settings)
            call = _Call(func, args, kwargs)
            future = Future()
            future._start(lambda: launcher.start(call, stream_output=True))
            try:
                return future.result()
            except KeyboardInterrupt:
                future.cancel()
                raise

        wrapper.job_settings = settings
        wrapper.wrapped_func = func
        return wrapper

    if _func is None:
        return decorate
    return decorate(_func)


class RemoteExecutor:
    """Runs calls as jobs in the background, at most max_parallel_jobs at once."""

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
        max_parallel_jobs=1,
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
        self.max_parallel_jobs = max_parallel_jobs
        if self.max_parallel_jobs <= 0:
            raise ValueError("max_parallel_jobs must be greater than 0.")
        if job_conda_env:
            check_env_name(job_conda_env)
        check_instance_count(instance_count, use_torchrun, use_mpirun, spark_config)
        self.job_settings = JobSettings(**job_setting_arguments(locals()))
        self._launcher = None
        self._condition = threading.Condition()
        self._pending = collections.deque()
        self._running = 0
        self._futures = []
        self._shutdown = False
        self._dispatcher = None

    def submit(self, func, *args, **kwargs):
        """Starts func(*args, **kwargs) as a job when a slot is free; returns its Future."""
        if self._shutdown:
            raise RuntimeError("Cannot schedule new remote function executions after shutdown")
        validate_submit_args(func, *args, **kwargs)
        call = _Call(func, args, kwargs)
        future = Future()
        with self._condition:
            if self._launcher is None:
                self._launcher = _Launcher(self.job_settings)
            self._pending.append((future, call))
            self._futures.append(future)
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(
                    target=self._dispatch, name="optml-rf-dispatcher", daemon=True
                )
                self._dispatcher.start()
            self._condition.notify_all()
        return future

    def _release_slot(self, _job=None):
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def _dispatch(self):
        while True:
            with self._condition:
                self._condition.wait_for(
                    lambda: (self._pending and self._running < self.max_parallel_jobs)
                    or (self._shutdown and not self._pending)
                )
                if not self._pending:
                    return
                future, call = self._pending.popleft()
                self._running += 1
            job = future._start(functools.partial(self._launcher.start, call, stream_output=False))
            if job is None:
                self._release_slot()
            else:
                job.add_done_callback(self._release_slot)

    def map(self, func, *iterables):
        """[func(*items) for items in zip(*iterables)], each call a job; results in order."""
        futures = list(map(self.submit, itertools.repeat(func), *iterables))
        return [future.result() for future in futures]

    def shutdown(self, wait=True):
        """Accepts no more calls; with wait, returns once every submitted job has ended."""
        with self._condition:
            self._shutdown = True
            self._condition.notify_all()
            dispatcher, futures = self._dispatcher, list(self._futures)
        if wait:
            if dispatcher is not None:
                dispatcher.join()
            for future in futures:
                future.wait()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.shutdown()
        return False

"""Argument and setting checks: the SDK's exception texts, raised before any job starts."""

import os

import pytest

from optml_toolkit.remote_function import RemoteExecutor, RemoteFunctionError, remote
from optml_toolkit.remote_function.client import validate_submit_args


@pytest.fixture
def no_job_may_start(tmp_path, monkeypatch):
    """A `train` that leaves a marker if anything ever runs it."""
    marker = tmp_path / "train-was-run"
    train = tmp_path / "train"
    train.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n")
    train.chmod(0o755)
    monkeypatch.setenv("OPTML_TRAIN", str(train))
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(tmp_path / "s3"))
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.delenv("OPTML_REMOTE_FUNCTION_BACKEND", raising=False)
    yield
    assert not marker.exists()
    assert not (tmp_path / "s3").exists()


def two_args(a, b):
    return a + b


def one_arg(a):
    return a


def with_default(a, b=2):
    return a + b


def keyword_only(a, *, c, d, e=1):
    return a


def one_keyword_only(*, c):
    return c


def var_positional(*args):
    return args


def var_keyword(a, **kwargs):
    return kwargs


@pytest.mark.parametrize(
    "func, args, kwargs, message",
    [
        (two_args, (1, 2, 3), {}, "two_args() takes 2 positional arguments but 3 were given."),
        (one_arg, (1, 2), {}, "one_arg() takes 1 positional argument but 2 were given."),
        (two_args, (), {}, "two_args() missing 2 required positional arguments: 'a', and 'b'"),
        (two_args, (1,), {}, "two_args() missing 1 required positional argument: 'b'"),
        (with_default, (), {}, "with_default() missing 1 required positional argument: 'a'"),
        (two_args, (1, 2), {"a": 2}, "two_args() got multiple values for argument 'a'"),
        (two_args, (1, 2), {"z": 3}, "two_args() got an unexpected keyword argument 'z'"),
        (keyword_only, (1,), {},
         "keyword_only() missing 2 required keyword-only arguments: 'c', and 'd'"),
        (keyword_only, (1,), {"c": 1},
         "keyword_only() missing 1 required keyword-only argument: 'd'"),
        (one_keyword_only, (), {},
         "one_keyword_only() missing 1 required keyword-only argument: 'c'"),
    ],
)
def test_the_sdk_type_error_texts(func, args, kwargs, message):
    with pytest.raises(TypeError) as raised:
        validate_submit_args(func, *args, **kwargs)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "func, args, kwargs",
    [
        (two_args, (1, 2), {}),
        (two_args, (1,), {"b": 2}),
        (with_default, (1,), {}),
        (keyword_only, (1,), {"c": 1, "d": 2}),
        (var_positional, (1, 2, 3), {}),
        # Deliberately wider than the SDK, which rejects every keyword of a **kwargs function.
        (var_keyword, (1,), {"anything": 2}),
    ],
)
def test_fitting_calls_pass(func, args, kwargs):
    validate_submit_args(func, *args, **kwargs)


def test_remote_call_with_bad_arguments_starts_no_job(no_job_may_start):
    decorated = remote(two_args, instance_type="ml.m5.large")
    with pytest.raises(TypeError, match=r"^two_args\(\) missing 1 required positional"):
        decorated(1)


def test_decorator_with_and_without_arguments(no_job_may_start):
    bare = remote(two_args)
    configured = remote(instance_type="ml.m5.large", job_name_prefix="x")(two_args)
    for wrapper in (bare, configured):
        assert wrapper.__name__ == "two_args"
        assert wrapper.wrapped_func is two_args
    assert configured.job_settings.job_name_prefix == "x"


def test_executor_submit_with_bad_arguments_starts_no_job(no_job_may_start):
    with RemoteExecutor(max_parallel_jobs=2) as executor:
        with pytest.raises(TypeError, match=r"got an unexpected keyword argument 'q'"):
            executor.submit(two_args, 1, 2, q=3)


def test_executor_setting_checks(no_job_may_start):
    with pytest.raises(ValueError, match="^max_parallel_jobs must be greater than 0.$"):
        RemoteExecutor(max_parallel_jobs=0)
    with pytest.raises(ValueError, match="^Only one of pre_execution_commands or"):
        RemoteExecutor(pre_execution_commands=["true"], pre_execution_script="x.sh")
    with pytest.raises(ValueError, match="^Remote function do not support training on multi"):
        RemoteExecutor(instance_count=2)
    with pytest.raises(ValueError, match=r"^Invalid environment name 'a;b'"):
        RemoteExecutor(job_conda_env="a;b")
    with pytest.raises(ValueError, match=r'^Invalid dependencies provided: "deps.json"'):
        RemoteExecutor(dependencies="deps.json")
    with pytest.raises(ValueError, match=r'^No dependencies file named "missing.txt" was found'):
        RemoteExecutor(dependencies="missing.txt")
    with pytest.raises(ValueError, match="backend"):
        RemoteExecutor(backend="elsewhere")


def test_multi_instance_without_a_runner_fails_at_call_time(no_job_may_start):
    decorated = remote(instance_count=2)(two_args)  # as in the SDK: decorating is fine
    with pytest.raises(ValueError, match="^Remote function do not support training on multi"):
        decorated(1, 2)


def test_executor_refuses_work_after_shutdown(no_job_may_start):
    executor = RemoteExecutor()
    executor.shutdown()
    with pytest.raises(RuntimeError, match="^Cannot schedule new remote function executions"):
        executor.submit(two_args, 1, 2)


def test_sagemaker_backend_names_what_it_needs(no_job_may_start, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    with pytest.raises(ValueError, match="^instance_type is a required parameter!$"):
        RemoteExecutor(backend="sagemaker")
    with pytest.raises(ValueError, match="^image_uri is a required parameter"):
        RemoteExecutor(backend="sagemaker", instance_type="ml.m5.large")
    with pytest.raises(ValueError, match="^role is a required parameter"):
        RemoteExecutor(backend="sagemaker", instance_type="ml.m5.large", image_uri="img")
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        RemoteExecutor(backend="sagemaker", instance_type="ml.m5.large", image_uri="img",
                       role="arn:aws:iam::111122223333:role/r")


def test_missing_train_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("OPTML_TRAIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `train` anywhere
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_S3_ROOT_URI", "file://" + str(tmp_path / "s3"))
    monkeypatch.setenv("OPTML_REMOTE_FUNCTION_JOBS_DIR", str(tmp_path / "jobs"))
    with pytest.raises(RemoteFunctionError, match=r"no `train` is on PATH.*OPTML_TRAIN"):
        remote(two_args)(1, 2)
    monkeypatch.setenv("OPTML_TRAIN", str(tmp_path / "nowhere"))
    with pytest.raises(RemoteFunctionError, match="not an executable file"):
        remote(two_args)(1, 2)
    assert not os.path.exists(tmp_path / "jobs")

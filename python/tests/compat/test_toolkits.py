"""Stand-in framework toolkits (toolkits/, written from framework-api.md's call patterns)
running on temporary base dirs through the real `train` and `train run-entry-point`
(recording_train.py keeps the spec the Python side handed over). The runner-choice test
uses stand_in_train.py, which records the spec and runs the program as one process: MPI on
one machine would start sshd (tests/multihost runs MPI for real)."""

import json
import os

import pytest

from jobs import Job, compact_json

PROGRAM = {"sagemaker_program": '"train.py"'}


def test_pytorch_style_job_through_train_gives_the_program_trains_own_environment(
        tmp_path, train_binary):
    hyperparameters = dict(PROGRAM, epochs="3", lr="0.1", name='"a b"',
                           nested='{"b": 1, "a": [1, 2.5]}')
    plain = Job(tmp_path / "plain", hyperparameters)
    assert plain.plain_job(train_binary).returncode == 0
    reference = plain.dump()

    job = Job(tmp_path / "toolkit", hyperparameters)
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    assert job.succeeded()
    seen = job.dump()
    assert seen["argv"] == reference["argv"]
    assert seen["env"]["MASTER_ADDR"] == "algo-1"
    assert seen["env"]["NCCL_SOCKET_IFNAME"] == "eth0"
    spec = job.spec()
    assert spec["runner"] == "Process" and spec["capture_error"] is True
    assert spec["entry_point"] == "train.py" and spec["args"] == reference["argv"]
    # Every SM_* variable the program gets through the toolkit is byte for byte the one
    # train gives a plain job's program, but for the framework module the toolkit runs in.
    for name, text in reference["env"].items():
        if not name.startswith("SM_"):
            continue
        got = seen["env"][name]
        expected = text.replace(plain.base, job.base)
        if name == "SM_TRAINING_ENV":
            expected_document = json.loads(expected)
            expected_document["framework_module"] = "stand_in_pytorch.training:main"
            expected = compact_json(expected_document)
        if name == "SM_FRAMEWORK_MODULE":
            expected = "stand_in_pytorch.training:main"
        assert got == expected, name


@pytest.mark.parametrize("flags, expected", [
    ({}, "Process"),
    ({"sagemaker_mpi_enabled": "true"}, "MPI"),
    ({"sagemaker_pytorch_ddp_enabled": "true"}, "SMDataParallel"),
    ({"sagemaker_torch_distributed_enabled": "true"}, "TorchDistributed"),
    ({"sagemaker_distributed_dataparallel_enabled": "true"}, "SMDataParallel"),
    ({"sagemaker_pytorch_xla_multi_worker_enabled": "true"}, "PyTorchXLA"),
    ({"sagemaker_mpi_enabled": "true", "sagemaker_pytorch_ddp_enabled": "true"}, "MPI"),
    ({"sagemaker_mpi_enabled": "true",
      "sagemaker_distribution_instance_groups": '["other"]'}, "Process"),
])
def test_pytorch_style_runner_choice_reaches_train(tmp_path, python3, flags, expected):
    resources = {"current_host": "algo-1", "hosts": ["algo-1", "algo-2"],
                 "current_group_name": "train",
                 "instance_groups": [
                     {"instance_group_name": "train", "instance_type": "ml.p4d.24xlarge",
                      "hosts": ["algo-1"]},
                     {"instance_group_name": "other", "instance_type": "ml.c5.xlarge",
                      "hosts": ["algo-2"]}]}
    job = Job(tmp_path, dict(PROGRAM, **flags), resource_config=resources, stand_in=True)
    completed = job.directly(python3, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    assert job.spec()["runner"] == expected


def test_pytorch_style_gloo_abort_at_exit_lets_the_job_succeed(tmp_path, train_binary):
    job = Job(tmp_path, dict(PROGRAM, probe_failure='"gloo"'))
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    assert job.succeeded() and job.failure() is None
    # The framework's own log line shows: logging is configured before its function runs.
    assert "gloo aborted at exit after training finished; ignoring" in completed.stderr


def test_pytorch_style_user_exception_is_raised_with_the_stderr_tail(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, probe_failure='"raise"', secret='"s3cr3t-value"'))
    seen = job.python(python3, (
        "import json, stand_in_pytorch.training as t\n"
        "from sagemaker_training import environment, errors\n"
        "try:\n"
        "    t.train(environment.Environment())\n"
        "except errors.ExecuteUserScriptError as err:\n"
        "    print(json.dumps({'text': str(err), 'code': err.return_code}))\n"))
    text = seen["text"]
    assert text.startswith('ExecuteUserScriptError:\nExitCode 1\nErrorMessage "')
    assert "ValueError: the user program failed on purpose" in text
    assert text.endswith('Command "train.py"')
    assert "s3cr3t-value" not in text
    assert seen["code"] == "1"


def test_pytorch_style_failing_program_fails_the_job_with_one_failure_file(tmp_path,
                                                                         train_binary):
    job = Job(tmp_path, dict(PROGRAM, probe_failure='"raise"', secret='"s3cr3t-value"'))
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 1, completed.stderr
    assert not job.succeeded()
    assert sorted(os.listdir(os.path.join(job.base, "output"))) == ["data", "failure"]
    failure = job.failure()
    # The user's exception first, by optml's contract: not the framework's traceback around
    # ExecuteUserScriptError, no command line, no hyperparameter value.
    assert failure.startswith('ExecuteUserScriptError:\nExitCode 1\nErrorMessage "ValueError: '
                              'the user program failed on purpose'), failure
    assert failure.count("ExecuteUserScriptError") == 1, failure
    assert "Command" not in failure and "s3cr3t-value" not in failure
    assert "training.py" not in failure  # the toolkit's frames
    assert "s3cr3t-value" not in completed.stderr  # nor in any log line


def test_tensorflow_style_model_dir_rewrite_reaches_argv_and_sm_variables(tmp_path,
                                                                          train_binary):
    hyperparameters = dict(PROGRAM, _tuning_objective_metric='"loss"',
                           model_dir='"s3://bucket/prefix"', batch="8")
    job = Job(tmp_path, hyperparameters, environment={"TRAINING_JOB_NAME": "job-7"})
    completed = job.through_train(train_binary, "stand_in_tensorflow.training")
    assert completed.returncode == 0, completed.stderr
    seen = job.dump()
    model_dir = "s3://bucket/prefix/job-7/model"
    assert seen["argv"] == ["--batch", "8", "--model_dir", model_dir]
    env = seen["env"]
    assert env["SM_HP_MODEL_DIR"] == model_dir
    assert env["SM_HPS"] == compact_json({"batch": 8, "model_dir": model_dir})
    assert env["SM_USER_ARGS"] == compact_json(seen["argv"])
    assert json.loads(env["SM_TRAINING_ENV"])["hyperparameters"]["model_dir"] == model_dir
    assert "TF_CONFIG" not in env


def test_tensorflow_style_tf_config_reaches_the_program(tmp_path, python3):
    resources = {"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]}
    job = Job(tmp_path, dict(PROGRAM, sagemaker_parameter_server_enabled="true"),
              resource_config=resources)
    completed = job.directly(python3, "stand_in_tensorflow.training")
    assert completed.returncode == 0, completed.stderr
    tf_config = json.loads(job.dump()["env"]["TF_CONFIG"])
    assert tf_config["task"] == {"index": 0, "type": "worker"}
    assert tf_config["cluster"]["master"] == ["algo-1:2222"]
    assert job.spec()["runner"] == "Process"


def test_mxnet_style_environment_changes_reach_the_program(tmp_path, python3):
    resources = {"current_host": "algo-1", "hosts": ["algo-1", "algo-2"]}
    job = Job(tmp_path, dict(PROGRAM, sagemaker_parameter_server_enabled="true"),
              resource_config=resources)
    completed = job.directly(python3, "stand_in_mxnet.training")
    assert completed.returncode == 0, completed.stderr
    env = job.dump()["env"]
    assert env["DMLC_ROLE"] == "worker" and env["DMLC_PS_ROOT_URI"] == "algo-1"
    assert env["DMLC_NUM_WORKER"] == "2"
    spec = job.spec()
    assert spec["capture_error"] is False and spec["runner"] == "Process"
    assert spec["environment"]["DMLC_ROLE"] == "worker"


def test_xgboost_style_run_module_through_train(tmp_path, train_binary):
    job = Job(tmp_path, dict(PROGRAM, max_depth="5"))
    completed = job.through_train(train_binary, "stand_in_xgboost.training")
    assert completed.returncode == 0, completed.stderr
    assert job.succeeded()
    seen = job.dump()
    assert seen["argv"] == ["--max_depth", "5"]
    assert seen["argv0"].endswith("/code/train.py")
    spec = job.spec()
    assert spec["module"] == "train" and spec["entry_point"] is None
    training_env = json.loads(seen["env"]["SM_TRAINING_ENV"])
    assert len(training_env) == 24 and training_env["master_hostname"] == "algo-1"


def test_xgboost_style_algorithm_mode_exports_sm_variables(tmp_path, train_binary):
    job = Job(tmp_path, {"max_depth": "5"})
    completed = job.through_train(train_binary, "stand_in_xgboost.training")
    assert completed.returncode == 0, completed.stderr
    seen = job.dump()
    assert seen == {"algorithm_mode": True, "hosts": ["algo-1"],
                    "model_dir": job.base + "/model", "current_host": "algo-1"}

"""Stand-in toolkits run through the real train: each runner type `train run-entry-point`
can run on one machine (MPI, SMDataParallel and multi-host torchrun run on the namespace
testbed, tests/multihost/test_framework_runners.py), one requirements install per job, and
no optml launch around the framework process."""

import glob
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import TESTS_DIR
from fake_tools import fake_gpus, fake_torch_xla
from jobs import Job


def torchrun_environment(python3):
    """Debian's torch 1.13 on Python 3.11 needs PET_REDIRECTS/PET_TEE (tests/multihost does the
    same); a rendezvous port of its own keeps a torchrun of another test (ctest -j) out of it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {"OPTML_TORCHRUN": python3 + " -m torch.distributed.run", "PET_REDIRECTS": "9:1",
            "PET_TEE": "9:1", "PET_MASTER_PORT": str(port), "OPTML_PYTHON": python3}

PROGRAM = {"sagemaker_program": '"train.py"'}
PS_STAND_IN = os.path.join(TESTS_DIR, "ps_stand_in.py")


def torch_available(python3):
    return subprocess.run([python3, "-c", "import torch"], capture_output=True).returncode == 0


def logging_python(tmp_path):
    """An OPTML_PYTHON that logs each of its command lines to a file, then runs python3."""
    log = tmp_path / "python-calls"
    wrapper = tmp_path / "logging-python"
    wrapper.write_text('#!/bin/sh\necho "$*" >> %s\nexec /usr/bin/python3 "$@"\n' % log)
    wrapper.chmod(0o755)
    return str(wrapper), log


def test_requirements_are_installed_once_per_job(tmp_path, train_binary):
    job = Job(tmp_path, PROGRAM)
    with open(os.path.join(job.base, "code", "requirements.txt"), "w") as f:
        f.write("# nothing to install\n")
    python, log = logging_python(tmp_path)
    job.env["OPTML_PYTHON"] = python
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    installs = [line for line in log.read_text().splitlines()
                if line.startswith("-m pip install -r requirements.txt")]
    assert len(installs) == 1, log.read_text()
    assert job.dump()["env"]["OPTML_REQUIREMENTS_INSTALLED"] == "1"


def test_run_entry_point_installs_requirements_without_the_marker(tmp_path, python3,
                                                                  train_binary):
    job = Job(tmp_path, PROGRAM)
    with open(os.path.join(job.base, "code", "requirements.txt"), "w") as f:
        f.write("# nothing to install\n")
    python, log = logging_python(tmp_path)
    job.env["OPTML_PYTHON"] = python
    completed = job.directly(python3, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    assert "-m pip install -r requirements.txt" in log.read_text()


def test_pytorch_style_torch_distributed_runs_the_program_under_torchrun(tmp_path, python3,
                                                                        train_binary):
    if not torch_available(python3):
        pytest.skip("needs Debian's python3-torch")
    job = Job(tmp_path, dict(PROGRAM, sagemaker_torch_distributed_enabled="true",
                             sagemaker_mpi_num_of_processes_per_host="1", epochs="2"))
    job.env.update(torchrun_environment(python3))
    before = set(glob.glob("/tmp/optml-torchrun-*"))
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    assert job.succeeded()
    seen = job.dump()
    assert seen["argv"] == ["--epochs", "2"]
    env = seen["env"]
    assert (env["RANK"], env["LOCAL_RANK"], env["WORLD_SIZE"]) == ("0", "0", "1")
    assert env["GLOO_SOCKET_IFNAME"] == "eth0" and env["MASTER_ADDR"] != ""
    assert job.spec()["runner"] == "TorchDistributed"
    assert set(glob.glob("/tmp/optml-torchrun-*")) - before == set()


def test_pytorch_style_torch_distributed_failure_names_the_rank(tmp_path, python3,
                                                               train_binary):
    if not torch_available(python3):
        pytest.skip("needs Debian's python3-torch")
    job = Job(tmp_path, dict(PROGRAM, sagemaker_torch_distributed_enabled="true",
                             sagemaker_mpi_num_of_processes_per_host="1",
                             probe_failure='"raise"'))
    job.env.update(torchrun_environment(python3))
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 1, completed.stderr
    failure = job.failure()
    assert failure.startswith("ExecuteUserScriptError:\ntorchrun failed on algo-1"), failure
    assert "ValueError: the user program failed on purpose" in failure
    assert "Command" not in failure


def test_pytorch_style_xla_runs_the_script_under_xla_spawn(tmp_path, train_binary):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_pytorch_xla_multi_worker_enabled="true",
                             lr="0.5"))
    job.env["PATH"] = fake_gpus(str(tmp_path / "gpus"), 2) + ":" + job.env["PATH"]
    job.env["PYTHONPATH"] += ":" + fake_torch_xla(str(tmp_path / "xla"))
    job.env["XLA_RECORD"] = str(tmp_path / "xla.json")
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 0, completed.stderr
    with open(tmp_path / "xla.json") as f:
        xla = json.load(f)
    assert xla["argv"] == ["--num_gpus", "2", "train.py", "--lr", "0.5"]
    assert xla["env"]["GPU_NUM_DEVICES"] == "2"
    assert xla["env"]["XRT_WORKERS"] == "localservice:0;algo-1:43857"
    assert (xla["env"]["XRT_HOST_ORDINAL"], xla["env"]["XRT_SHARD_WORLD_SIZE"]) == ("0", "1")
    assert xla["env"]["NCCL_PROTO"] == "simple"
    assert job.dump()["argv"] == ["--lr", "0.5"]


def test_pytorch_style_xla_without_gpus_fails_as_the_reference_does(tmp_path, train_binary):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_pytorch_xla_multi_worker_enabled="true"))
    completed = job.through_train(train_binary, "stand_in_pytorch.training")
    assert completed.returncode == 2, completed.stderr
    assert job.failure().startswith(
        "EntryPointError:\nDistributed training through PT-XLA (PyTorchXLA) is only supported "
        "on GPUs"), job.failure()


def ps_environment(job, tmp_path):
    """Parameter servers of the toolkit and of train (OPTML_PARAMETER_SERVER_COMMAND), both
    the stand-in, told apart by PS_STARTED_BY in their pid files."""
    folder = tmp_path / "ps"
    folder.mkdir()
    job.env.update({"STAND_IN_PS_DIR": str(folder), "STAND_IN_PS_COMMAND": PS_STAND_IN,
                    "OPTML_PARAMETER_SERVER_COMMAND": "env PS_STARTED_BY=train /usr/bin/python3 "
                                                      + PS_STAND_IN})
    return folder


def started_servers(folder):
    servers = {}
    for path in glob.glob(str(folder / "*.pid")):
        with open(path) as f:
            servers[os.path.basename(path)[:-4]] = json.load(f)["pid"]
    return servers


def wait_gone(pids, timeout=10):
    deadline = time.monotonic() + timeout
    while any(os.path.exists("/proc/%d" % pid) for pid in pids):
        assert time.monotonic() < deadline, "servers still running: %s" % pids
        time.sleep(0.02)


def test_mxnet_style_starts_its_own_parameter_servers_and_train_none(tmp_path, train_binary):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_parameter_server_enabled="true"))
    folder = ps_environment(job, tmp_path)
    completed = job.through_train(train_binary, "stand_in_mxnet.training")
    assert completed.returncode == 0, completed.stderr
    servers = started_servers(folder)
    assert sorted(servers) == ["toolkit.scheduler", "toolkit.server"], servers
    env = job.dump()["env"]
    assert (env["DMLC_ROLE"], env["DMLC_PS_ROOT_URI"], env["DMLC_NUM_SERVER"]) == (
        "worker", "algo-1", "1")
    # Servers never exit on their own: the framework process's group is cleaned up.
    wait_gone(servers.values())


def test_tensorflow_style_tf_config_through_train_starts_no_parameter_servers(tmp_path,
                                                                            train_binary):
    resources = {"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]}
    job = Job(tmp_path, dict(PROGRAM, sagemaker_parameter_server_enabled="true"),
              resource_config=resources)
    folder = ps_environment(job, tmp_path)
    job.env["OPTML_PARAMETER_SERVER"] = "tensorflow"
    completed = job.through_train(train_binary, "stand_in_tensorflow.training")
    assert completed.returncode == 0, completed.stderr
    tf_config = json.loads(job.dump()["env"]["TF_CONFIG"])
    assert tf_config["task"] == {"index": 0, "type": "worker"}
    assert tf_config["cluster"]["ps"] == ["algo-1:2223", "algo-2:2223"]
    assert started_servers(folder) == {}


def test_run_entry_point_with_a_bad_spec_names_it(tmp_path, train_binary):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"version": 1, "uri": None}))
    completed = subprocess.run([train_binary, "run-entry-point", "--spec", str(spec)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "The run-entry-point spec %s: key 'code_dir' is missing." % spec in completed.stderr
    missing = subprocess.run([train_binary, "run-entry-point"], capture_output=True, text=True,
                             timeout=60)
    assert missing.returncode == 2 and "--spec FILE" in missing.stderr


def test_a_stop_reaches_the_program_with_the_jobs_stop_deadline(tmp_path, train_binary):
    # SIGTERM to train reaches the framework's group (the framework, train run-entry-point)
    # and run-entry-point forwards it to the program, which takes 2 s to stop: longer than
    # the cleanup timeout, well within the stop timeout.
    job = Job(tmp_path, dict(PROGRAM, probe_failure='"stop"'))
    env = dict(job.env, SAGEMAKER_TRAINING_MODULE="stand_in_pytorch.training:main",
               OPTML_STOP_TIMEOUT="30", OPTML_CLEANUP_TIMEOUT="1")
    process = subprocess.Popen([train_binary], cwd=job.tmp, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(job.dump_path):
            assert process.poll() is None and time.monotonic() < deadline, "no program"
            time.sleep(0.02)
        program_pid = job.dump()["pid"]
        process.send_signal(15)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + 15, stderr
    with open(job.dump_path + ".stopped") as f:
        assert f.read() == "SIGTERM"
    assert job.failure().startswith("Stopped:\n"), job.failure()
    wait_gone([program_pid])

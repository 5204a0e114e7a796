"""MXNet-style: with parameter servers it starts its own scheduler (first host) and server
as plain subprocesses with DMLC_ROLE set, then puts the worker's DMLC_* variables into
os.environ and runs the entry point (capture_error left at its default; MPI chosen by flag).
The servers never exit on their own: whoever supervises the framework process ends them.

The server command is `python -c "import mxnet"` as in the toolkit, or $STAND_IN_PS_COMMAND
(a Python script) in tests; with $STAND_IN_PS_DIR the stand-in waits (bounded) until each
server wrote its ready file there, so tests see them running."""

import os
import subprocess
import sys
import time

from sagemaker_training import entry_point, environment, runner

READY_TIMEOUT = 30


def role_variables(role, hosts, ps_port, ps_verbose):
    return {"DMLC_NUM_WORKER": str(len(hosts)), "DMLC_NUM_SERVER": str(len(hosts)),
            "DMLC_ROLE": role, "DMLC_PS_ROOT_URI": hosts[0],
            "DMLC_PS_ROOT_PORT": ps_port, "PS_VERBOSE": ps_verbose}


def start_server(role, hosts, ps_port, ps_verbose):
    command = os.environ.get("STAND_IN_PS_COMMAND")
    argv = [sys.executable, command] if command else [sys.executable, "-c", "import mxnet"]
    env = dict(os.environ, **role_variables(role, hosts, ps_port, ps_verbose))
    subprocess.Popen(argv, env=env)


def wait_until_ready(roles):
    folder = os.environ.get("STAND_IN_PS_DIR")
    if not folder:
        return
    deadline = time.monotonic() + READY_TIMEOUT
    while not all(os.path.exists(os.path.join(folder, role + ".ready")) for role in roles):
        if time.monotonic() > deadline:
            raise RuntimeError("the parameter servers did not start")
        time.sleep(0.01)


def main():
    env = environment.Environment()
    parameters = env.additional_framework_parameters
    if parameters.get("sagemaker_parameter_server_enabled"):
        ps_port = env.hyperparameters.get("_ps_port", "8000")
        ps_verbose = env.hyperparameters.get("_ps_verbose", "0")
        roles = ["server"]
        if env.current_host == env.hosts[0]:
            roles.insert(0, "scheduler")
        for role in roles:
            start_server(role, env.hosts, ps_port, ps_verbose)
        wait_until_ready(roles)
        os.environ.update(role_variables("worker", env.hosts, ps_port, ps_verbose))
    runner_type = runner.MPIRunnerType if parameters.get("sagemaker_mpi_enabled") \
        else runner.ProcessRunnerType
    entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point,
                    args=env.to_cmd_args(), env_vars=env.to_env_vars(), runner_type=runner_type)

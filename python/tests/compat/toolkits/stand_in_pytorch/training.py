"""PyTorch-style: Environment(), NCCL/master variables in os.environ, the runner chosen by
distribution flag priority, and gloo's exit-time abort treated as success."""

import logging
import os

from sagemaker_training import entry_point, environment, errors, runner

logger = logging.getLogger(__name__)

GLOO_MESSAGE = "terminate called after throwing an instance of 'gloo::EnforceNotMet'"


def choose_runner(env):
    parameters = env.additional_framework_parameters
    if env.current_instance_group not in env.distribution_instance_groups:
        return runner.ProcessRunnerType
    for flag, runner_type in (
            ("sagemaker_mpi_enabled", runner.MPIRunnerType),
            ("sagemaker_pytorch_ddp_enabled", runner.SMDataParallelRunnerType),
            ("sagemaker_torch_distributed_enabled", runner.TorchDistributedRunnerType),
            ("sagemaker_distributed_dataparallel_enabled", runner.SMDataParallelRunnerType),
            ("sagemaker_pytorch_xla_multi_worker_enabled", runner.PyTorchXLARunnerType)):
        if parameters.get(flag, False):
            return runner_type
    return runner.ProcessRunnerType


def train(env):
    os.environ["NCCL_SOCKET_IFNAME"] = env.network_interface_name
    os.environ["NCCL_IB_DISABLE"] = "1"
    os.environ["NCCL_DEBUG"] = "WARN"
    os.environ["MASTER_ADDR"] = env.master_hostname
    os.environ["MASTER_PORT"] = "7777"
    native_launcher = env.additional_framework_parameters.get(
        "sagemaker_toolkit_native_launcher_enabled", False)
    try:
        entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point,
                        args=env.to_cmd_args(), env_vars=env.to_env_vars(),
                        capture_error=not native_launcher, runner_type=choose_runner(env))
    except errors.ExecuteUserScriptError as err:
        if GLOO_MESSAGE in str(err):
            logger.warning("gloo aborted at exit after training finished; ignoring")
        else:
            raise


def main():
    train(environment.Environment())

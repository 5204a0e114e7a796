"""MXNet-style: DMLC_* worker variables put into os.environ before the run, capture_error
left at its default, MPI chosen by flag."""

import os

from sagemaker_training import entry_point, environment, runner


def main():
    env = environment.Environment()
    parameters = env.additional_framework_parameters
    if parameters.get("sagemaker_parameter_server_enabled"):
        os.environ.update({
            "DMLC_NUM_WORKER": str(len(env.hosts)),
            "DMLC_NUM_SERVER": str(len(env.hosts)),
            "DMLC_ROLE": "worker",
            "DMLC_PS_ROOT_URI": env.hosts[0],
            "DMLC_PS_ROOT_PORT": env.hyperparameters.get("_ps_port", "8000"),
            "PS_VERBOSE": env.hyperparameters.get("_ps_verbose", "0"),
        })
    runner_type = runner.MPIRunnerType if parameters.get("sagemaker_mpi_enabled") \
        else runner.ProcessRunnerType
    entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point,
                    args=env.to_cmd_args(), env_vars=env.to_env_vars(), runner_type=runner_type)

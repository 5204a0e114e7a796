"""TensorFlow-style: hyperparameters read first, the model_dir rewritten in place when
tuning, TF_CONFIG built for parameter servers, arguments from mapping.to_cmd_args."""

import json

from sagemaker_training import entry_point, environment, mapping, runner


def tf_config(env):
    hosts = env.distribution_hosts
    workers = ["%s:2222" % host for host in hosts[1:]]
    cluster = {"master": ["%s:2222" % hosts[0]], "ps": ["%s:2223" % host for host in hosts]}
    if workers:
        cluster["worker"] = workers
    role = "master" if env.current_host == hosts[0] else "worker"
    index = 0 if role == "master" else hosts.index(env.current_host) - 1
    return {"cluster": cluster, "environment": "cloud", "task": {"index": index, "type": role}}


def main():
    hyperparameters = environment.read_hyperparameters()
    env = environment.Environment(hyperparameters=hyperparameters)
    if "_tuning_objective_metric" in hyperparameters:
        model_dir = hyperparameters.get("model_dir")
        env.hyperparameters["model_dir"] = "%s/%s/model" % (model_dir, env.job_name)
    env_vars = env.to_env_vars()
    runner_type = runner.ProcessRunnerType
    if env.additional_framework_parameters.get("sagemaker_parameter_server_enabled"):
        env_vars["TF_CONFIG"] = json.dumps(tf_config(env))
    elif env.additional_framework_parameters.get("sagemaker_mpi_enabled"):
        runner_type = runner.MPIRunnerType
    entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point,
                    args=mapping.to_cmd_args(env.hyperparameters), env_vars=env_vars,
                    capture_error=True, runner_type=runner_type)

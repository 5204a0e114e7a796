"""XGBoost-style (sagemaker_containers): training_env(); no entry point means algorithm
mode (write_env_vars, then the SM_* it exported are read back); else run_module."""

import json
import os
import sys

import sagemaker_containers.beta.framework as framework
from sagemaker_containers import _env


def main():
    env = framework.training_env()
    if env.user_entry_point is None:
        _env.write_env_vars(env.to_env_vars())
        with open(os.environ["DUMP_TO"], "w", encoding="utf-8") as f:
            json.dump({"algorithm_mode": True, "hosts": json.loads(os.environ["SM_HOSTS"]),
                       "model_dir": os.environ["SM_MODEL_DIR"],
                       "current_host": os.environ["SM_CURRENT_HOST"]}, f)
    else:
        framework.modules.run_module(env.module_dir, env.to_cmd_args(), env.to_env_vars(),
                                     env.module_name, capture_error=False)
    sys.exit(0)

"""Run by the tests in a clean interpreter: builds sagemaker_training's Environment from
this process's environment and prints what it holds as JSON on stdout."""

import json
import sys

from sagemaker_training import environment

job = environment.Environment()
json.dump({
    "from_exported": environment.exported_properties() is not None,
    "properties": json.loads(json.dumps(dict(job), sort_keys=True)),
    "properties_text": json.dumps(dict(job), sort_keys=True),
    "env_vars": job.to_env_vars(),
    "cmd_args": job.to_cmd_args(),
}, sys.stdout)

"""The training job as sagemaker-containers 2.x saw it: `TrainingEnv`, a read-only mapping
of 24 properties (an older, smaller set than sagemaker_training's Environment; its master is
always the first host). Values follow the same rules; in an optml job they come from train's
SM_TRAINING_ENV."""

import os

from sagemaker_containers import _mapping, _params
from sagemaker_training import environment as _stt
from sagemaker_training.environment import (  # noqa: F401
    BASE_PATH_ENV, HYPERPARAMETERS_FILE, INPUT_DATA_CONFIG_FILE, RESOURCE_CONFIG_FILE,
    SAGEMAKER_BASE_PATH, base_dir, channel_path, code_dir, hyperparameters_file_dir,
    input_config_dir, input_data_config_file_dir, input_dir, model_dir, num_cpus, num_gpus,
    output_data_dir, output_dir, output_intermediate_dir, read_hyperparameters,
    read_input_data_config, read_resource_config, resource_config_file_dir, write_env_vars)

_output_data_dir = output_data_dir

TRAINING_PROPERTY_NAMES = (
    "additional_framework_parameters", "channel_input_dirs", "current_host",
    "framework_module", "hosts", "hyperparameters", "input_config_dir", "input_data_config",
    "input_dir", "is_master", "job_name", "log_level", "master_hostname", "model_dir",
    "module_dir", "module_name", "network_interface_name", "num_cpus", "num_gpus",
    "output_data_dir", "output_dir", "output_intermediate_dir", "resource_config",
    "user_entry_point",
)


def _property(name):
    return property(lambda self: self._properties[name], doc="The job's %s." % name)


class TrainingEnv(_mapping.MappingMixin):
    """The training job; `hyperparameters` may be changed and to_cmd_args() / to_env_vars()
    follow it."""

    def __init__(self, resource_config=None, input_data_config=None, hyperparameters=None):
        exported = None
        if not (resource_config or input_data_config or hyperparameters):
            exported = _stt.exported_properties()
        if exported is None:
            exported, _ = _stt.compute_properties(
                resource_config or read_resource_config(),
                input_data_config or read_input_data_config(),
                hyperparameters or read_hyperparameters())
        properties = {name: exported[name] for name in TRAINING_PROPERTY_NAMES}
        properties["master_hostname"] = list(properties["hosts"])[0]
        properties["is_master"] = properties["current_host"] == properties["master_hostname"]
        self._properties = properties
        s3_output = _params.S3_OUTPUT_LOCATION_PARAM
        self._sagemaker_s3_output = (hyperparameters.get(s3_output) if hyperparameters
                                     else _stt._toolkit_parameter(s3_output))

    def sagemaker_s3_output(self):
        return self._sagemaker_s3_output

    def to_cmd_args(self):
        return _mapping.to_cmd_args(self.hyperparameters)

    def to_env_vars(self):
        env = {
            "hosts": self.hosts,
            "network_interface_name": self.network_interface_name,
            "hps": self.hyperparameters,
            "user_entry_point": self.user_entry_point,
            "framework_params": self.additional_framework_parameters,
            "resource_config": self.resource_config,
            "input_data_config": self.input_data_config,
            "output_data_dir": self.output_data_dir,
            "channels": sorted(self.channel_input_dirs.keys()),
            "current_host": self.current_host,
            "module_name": self.module_name,
            "log_level": self.log_level,
            "framework_module": self.framework_module,
            "input_dir": self.input_dir,
            "input_config_dir": self.input_config_dir,
            "output_dir": self.output_dir,
            "num_cpus": self.num_cpus,
            "num_gpus": self.num_gpus,
            "model_dir": self.model_dir,
            "module_dir": self.module_dir,
            "training_env": dict(self),
            "user_args": self.to_cmd_args(),
            "output_intermediate_dir": self.output_intermediate_dir,
        }
        for name, path in self.channel_input_dirs.items():
            env["channel_%s" % name] = path
        for name, value in self.hyperparameters.items():
            env["hp_%s" % name] = value
        return _mapping.to_env_vars(env)


for _name in TRAINING_PROPERTY_NAMES:
    setattr(TrainingEnv, _name, _property(_name))
del _name


class ServingEnv(_mapping.MappingMixin):
    """The serving settings from the environment (used by serving code; `serve` runs it)."""

    def __init__(self):
        environ = os.environ
        self._use_nginx = environ.get(_params.USE_NGINX_ENV, "true").lower() == "true"
        self._model_server_timeout = int(environ.get(_params.MODEL_SERVER_TIMEOUT_ENV, "60"))
        self._model_server_workers = int(environ.get(_params.MODEL_SERVER_WORKERS_ENV,
                                                     num_cpus()))
        self._framework_module = environ.get(_params.FRAMEWORK_SERVING_MODULE_ENV)
        self._default_accept = environ.get(_params.DEFAULT_INVOCATIONS_ACCEPT_ENV,
                                           "application/json")
        self._http_port = environ.get("SAGEMAKER_BIND_TO_PORT", "8080")
        self._safe_port_range = environ.get("SAGEMAKER_SAFE_PORT_RANGE")
        self._module_name = environ.get(_params.USER_PROGRAM_ENV)
        self._model_dir = model_dir

    use_nginx = property(lambda self: self._use_nginx)
    model_server_timeout = property(lambda self: self._model_server_timeout)
    model_server_workers = property(lambda self: self._model_server_workers)
    framework_module = property(lambda self: self._framework_module)
    default_accept = property(lambda self: self._default_accept)
    http_port = property(lambda self: self._http_port)
    safe_port_range = property(lambda self: self._safe_port_range)
    module_name = property(lambda self: self._module_name)
    model_dir = property(lambda self: self._model_dir)

"""The training job as a read-only mapping of 37 properties, as the reference toolkit's
`Environment`.

Inside an optml job `Environment()` reads the SM_TRAINING_ENV that train exported (train
already read the config files and probed the hardware once). With arguments, or outside a
job, it computes the same properties in Python by the same rules.
"""

import json
import logging
import os
import shutil
import subprocess
import sys
import time

from sagemaker_training import logging_config, mapping, params

logger = logging_config.get_logger()

SAGEMAKER_BASE_PATH = os.path.join("/opt", "ml")
BASE_PATH_ENV = "SAGEMAKER_BASE_DIR"
TRAINING_ENV_VARIABLE = "SM_TRAINING_ENV"

HYPERPARAMETERS_FILE = "hyperparameters.json"
RESOURCE_CONFIG_FILE = "resourceconfig.json"
INPUT_DATA_CONFIG_FILE = "inputdataconfig.json"

# Outside SageMaker (no /opt/ml and no SAGEMAKER_BASE_DIR) the reference works in a fresh
# local job folder under the home directory; the folder is created when first read.
_is_path_configured = os.path.exists(SAGEMAKER_BASE_PATH) or BASE_PATH_ENV in os.environ
if not _is_path_configured:
    os.environ[BASE_PATH_ENV] = os.path.join(
        os.path.expanduser("~"), "sagemaker_local", "jobs", str(time.time()), "opt", "ml")
    logger.info("Directory /opt/ml does not exist; SAGEMAKER_BASE_DIR is %s",
                os.environ[BASE_PATH_ENV])

base_dir = os.environ.get(BASE_PATH_ENV, SAGEMAKER_BASE_PATH)
code_dir = os.path.join(base_dir, "code")
model_dir = os.path.join(base_dir, "model")
input_dir = os.path.join(base_dir, "input")
_input_data_dir = os.path.join(input_dir, "data")
input_config_dir = os.path.join(input_dir, "config")
output_dir = os.path.join(base_dir, "output")
output_data_dir = os.path.join(output_dir, "data")
output_intermediate_dir = os.path.join(output_dir, "intermediate")
hyperparameters_file_dir = os.path.join(input_config_dir, HYPERPARAMETERS_FILE)
input_data_config_file_dir = os.path.join(input_config_dir, INPUT_DATA_CONFIG_FILE)
resource_config_file_dir = os.path.join(input_config_dir, RESOURCE_CONFIG_FILE)

# The 37 properties of the reference's Environment, which are also SM_TRAINING_ENV's keys.
PROPERTY_NAMES = (
    "additional_framework_parameters", "channel_input_dirs", "current_host",
    "current_instance_group", "current_instance_group_hosts", "current_instance_type",
    "distribution_hosts", "distribution_instance_groups", "framework_module", "hosts",
    "hyperparameters", "input_config_dir", "input_data_config", "input_dir",
    "instance_groups", "instance_groups_dict", "is_hetero", "is_master",
    "is_modelparallel_enabled", "is_smddpmprun_installed", "is_smddprun_installed",
    "job_name", "log_level", "master_hostname", "model_dir", "module_dir", "module_name",
    "network_interface_name", "num_cpus", "num_gpus", "num_neurons", "output_data_dir",
    "output_dir", "output_intermediate_dir", "resource_config", "topology",
    "user_entry_point",
)

# Any of these turns distribution on for the current instance group when the job does not
# list its distribution groups itself (the reference's, and optml's XGBoost runner switch,
# as train's config/ has them).
_DISTRIBUTION_SWITCHES = (
    "sagemaker_mpi_enabled",
    "sagemaker_parameter_server_enabled",
    "sagemaker_distributed_dataparallel_enabled",
    "sagemaker_pytorch_ddp_enabled",
    "sagemaker_pytorch_xla_multi_worker_enabled",
    "sagemaker_multi_worker_mirrored_strategy_enabled",
    "sagemaker_torch_distributed_enabled",
    "sagemaker_xgboost_enabled",
)

_PROBE_TIMEOUT_S = 30


def _write_json(obj, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)


def _create_local_job_folder():
    """The reference's local job: empty hyperparameters and channels, this host alone."""
    if os.path.exists(resource_config_file_dir):
        return
    logger.info("Creating a new training folder under %s", base_dir)
    for folder in (model_dir, input_config_dir, output_data_dir, code_dir):
        os.makedirs(folder, exist_ok=True)
    _write_json({}, hyperparameters_file_dir)
    _write_json({}, input_data_config_file_dir)
    import socket  # only for a local job: the import is not free

    host = socket.gethostname()
    _write_json({
        "current_host": host,
        "hosts": [host],
        "current_instance_group": "homogeneousCluster",
        "instance_groups": [{"instance_group_name": "homogeneousCluster",
                             "instance_type": "local", "hosts": [host]}],
    }, resource_config_file_dir)


def _read_json(path):
    if not _is_path_configured:
        _create_local_job_folder()
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def _decode_values(raw):
    """Hyperparameter values that parse as JSON are decoded; the others stay as they are."""
    decoded = {}
    for name, value in raw.items():
        try:
            value = json.loads(value)
        except (ValueError, TypeError):
            logger.info("Hyperparameter %s is not JSON; keeping it as it is", name)
        decoded[name] = value
    return decoded


def read_hyperparameters():
    """hyperparameters.json with every value that parses as JSON decoded (sagemaker_* kept)."""
    return _decode_values(_read_json(hyperparameters_file_dir))


def read_resource_config():
    """resourceconfig.json as a dict."""
    return _read_json(resource_config_file_dir)


def read_input_data_config():
    """inputdataconfig.json as a dict (channel name -> channel settings)."""
    return _read_json(input_data_config_file_dir)


def channel_path(channel):
    """The folder of a channel's data: <base>/input/data/<channel>."""
    return os.path.join(_input_data_dir, channel)


def _probe_output(command):
    return subprocess.run(command, check=True, capture_output=True,
                          timeout=_PROBE_TIMEOUT_S).stdout.decode("utf-8", "replace")


def num_gpus():
    """GPUs listed by `nvidia-smi --list-gpus`; 0 without nvidia-smi or when it fails."""
    try:
        output = _probe_output(["nvidia-smi", "--list-gpus"])
    except (OSError, subprocess.SubprocessError):
        logger.info("No GPUs detected (normal if no gpus installed)")
        return 0
    return sum(1 for line in output.split("\n") if line.startswith("GPU "))


def num_neurons(instance_type):
    """Neuron cores: 64 on trn2.48xlarge, else the nc_count sum of `neuron-ls -j`."""
    if "trn2.48xlarge" in instance_type:
        return 64
    try:
        devices = json.loads(_probe_output(["neuron-ls", "-j"]))
        return sum(device.get("nc_count", 0) for device in devices)
    except (OSError, subprocess.SubprocessError, ValueError, TypeError, AttributeError):
        logger.info("No Neurons detected (normal if no neurons installed)")
        return 0


def num_cpus():
    """CPUs of the machine, as multiprocessing.cpu_count() counts them (without importing
    multiprocessing, which costs a framework process's start-up)."""
    count = os.cpu_count()
    if count is None:
        raise NotImplementedError("cannot determine number of cpus")
    return count


def validate_smddprun():
    """Whether smddprun is on PATH."""
    return shutil.which("smddprun") is not None


def validate_smddpmprun():
    """Whether smddpmprun is on PATH."""
    return shutil.which("smddpmprun") is not None


def _instance_groups(resource_config):
    return resource_config.get("instance_groups", [])


def compute_properties(resource_config, input_data_config, hyperparameters):
    """The 37 properties from the three config documents and this process's environment,
    by the reference's rules. Returns (properties, sagemaker_s3_output).

    Like the reference, it exports SAGEMAKER_JOB_NAME, CURRENT_HOST and SAGEMAKER_REGION.
    """
    environ = os.environ
    program_variable = environ.get(params.USER_PROGRAM_ENV)
    int(environ.get(params.LOG_LEVEL_ENV, logging.INFO))  # the reference rejects a non-int

    hosts = resource_config["hosts"]
    current_host = resource_config["current_host"]
    instance_type = resource_config.get("current_instance_type", "local")
    current_group = resource_config.get("current_group_name", "homogeneousCluster")

    split = mapping.split_by_criteria(hyperparameters, keys=params.SAGEMAKER_HYPERPARAMETERS,
                                      prefix=params.SAGEMAKER_PREFIX)
    toolkit_parameters = split.included
    framework_parameters = {k: v for k, v in toolkit_parameters.items()
                            if k not in params.SAGEMAKER_HYPERPARAMETERS}

    region = toolkit_parameters.get(params.REGION_NAME_PARAM, _configured_region())
    environ[params.JOB_NAME_ENV] = toolkit_parameters.get(params.JOB_NAME_PARAM, "")
    environ[params.CURRENT_HOST_ENV] = current_host
    environ[params.REGION_NAME_ENV] = region or ""

    if program_variable is None:
        module_name = str(toolkit_parameters.get(params.USER_PROGRAM_PARAM, None))
    else:
        module_name = program_variable
    if module_name and module_name.endswith(".py"):
        module_name = module_name[:-3]
    user_entry_point = program_variable or toolkit_parameters.get(params.USER_PROGRAM_PARAM)

    groups = _instance_groups(resource_config)
    group_names = [group["instance_group_name"] for group in groups]
    current_group_hosts = next((group["hosts"] for group in groups
                                if group["instance_group_name"] == current_group), [])
    if params.DISTRIBUTION_INSTANCE_GROUPS in framework_parameters:
        distribution_groups = framework_parameters[params.DISTRIBUTION_INSTANCE_GROUPS]
    elif any(framework_parameters.get(name, False) for name in _DISTRIBUTION_SWITCHES):
        distribution_groups = [current_group]
    else:
        distribution_groups = []
    if groups:
        distribution_hosts = [host for group in groups
                              if group["instance_group_name"] in distribution_groups
                              for host in group["hosts"]]
    else:
        distribution_hosts = list(hosts)
    master_hostname = list(distribution_hosts or hosts)[0]
    mp_parameters = environ.get(params.SM_HP_MP_PARAMETERS)
    hardware = _hardware(instance_type)

    properties = {
        "additional_framework_parameters": framework_parameters,
        "channel_input_dirs": {channel: channel_path(channel) for channel in input_data_config},
        "current_host": current_host,
        "current_instance_group": current_group,
        "current_instance_group_hosts": current_group_hosts,
        "current_instance_type": instance_type,
        "distribution_hosts": distribution_hosts,
        "distribution_instance_groups": distribution_groups,
        "framework_module": environ.get(params.FRAMEWORK_TRAINING_MODULE_ENV),
        "hosts": hosts,
        "hyperparameters": split.excluded,
        "input_config_dir": input_config_dir,
        "input_data_config": input_data_config,
        "input_dir": input_dir,
        "instance_groups": group_names,
        "instance_groups_dict": {group["instance_group_name"]: group for group in groups},
        "is_hetero": len(group_names) > 1,
        "is_master": current_host == master_hostname,
        "is_modelparallel_enabled": mp_parameters and mp_parameters != "{}",
        "is_smddpmprun_installed": hardware["is_smddpmprun_installed"],
        "is_smddprun_installed": hardware["is_smddprun_installed"],
        "job_name": environ.get(params.TRAINING_JOB_ENV),
        "log_level": toolkit_parameters.get(params.LOG_LEVEL_PARAM, logging.INFO),
        "master_hostname": master_hostname,
        "model_dir": model_dir,
        "module_dir": str(toolkit_parameters.get(params.SUBMIT_DIR_PARAM, code_dir)),
        "module_name": module_name,
        "network_interface_name": resource_config.get("network_interface_name", "eth0"),
        "num_cpus": hardware["num_cpus"],
        "num_gpus": hardware["num_gpus"],
        "num_neurons": hardware["num_neurons"],
        "output_data_dir": output_data_dir,
        "output_dir": output_dir,
        "output_intermediate_dir": output_intermediate_dir,
        "resource_config": resource_config,
        "topology": resource_config.get("topology", []),
        "user_entry_point": user_entry_point,
    }
    return properties, toolkit_parameters.get(params.S3_OUTPUT_LOCATION_PARAM)


_HARDWARE_KEYS = ("num_cpus", "num_gpus", "num_neurons", "is_smddprun_installed",
                  "is_smddpmprun_installed")


def _hardware(instance_type):
    """The machine's counts: train's probes from SM_TRAINING_ENV when this is its job (the
    same machine and instance type), else probed here as the reference does."""
    exported = exported_properties()
    if exported is not None and exported["current_instance_type"] == instance_type:
        return {key: exported[key] for key in _HARDWARE_KEYS}
    return {"num_cpus": num_cpus(), "num_gpus": num_gpus(),
            "num_neurons": num_neurons(instance_type),
            "is_smddprun_installed": validate_smddprun(),
            "is_smddpmprun_installed": validate_smddpmprun()}


def _configured_region():
    """The region boto3 would find in the environment (no boto3, no network)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return os.environ[variable]
    return None


def _in_file_order(value, template):
    """`value` with its dict keys in `template`'s order where template has them (keys the
    template lacks follow in their own order). Values are never changed: SM_TRAINING_ENV
    is key-sorted JSON, and the order matters for str() of nested dicts in program
    arguments and for which of two colliding SM_* names wins."""
    if isinstance(value, dict) and isinstance(template, dict):
        ordered = {key: _in_file_order(value[key], template[key])
                   for key in template if key in value}
        ordered.update((key, item) for key, item in value.items() if key not in ordered)
        return ordered
    if isinstance(value, list) and isinstance(template, list) and len(value) == len(template):
        return [_in_file_order(item, pattern) for item, pattern in zip(value, template)]
    return value


def _read_json_quietly(path, decode=False):
    try:
        with open(path, "r", encoding="utf-8") as f:
            document = json.load(f)
        return _decode_values(document) if decode and isinstance(document, dict) else document
    except (OSError, ValueError):
        return None


def exported_properties(environ=None):
    """The properties train exported in SM_TRAINING_ENV, or None when there is no usable
    one (no job, another base dir, or not the 37 properties)."""
    environ = os.environ if environ is None else environ
    text = environ.get(TRAINING_ENV_VARIABLE)
    if not text:
        return None
    try:
        properties = json.loads(text)
    except ValueError:
        return None
    if not isinstance(properties, dict) or set(properties) != set(PROPERTY_NAMES):
        return None
    if properties.get("model_dir") != model_dir:
        return None
    hyperparameters = _read_json_quietly(hyperparameters_file_dir, decode=True)
    channels = _read_json_quietly(input_data_config_file_dir)
    resources = _read_json_quietly(resource_config_file_dir)
    for name, template in (("hyperparameters", hyperparameters),
                           ("additional_framework_parameters", hyperparameters),
                           ("input_data_config", channels),
                           ("channel_input_dirs", channels),
                           ("resource_config", resources)):
        properties[name] = _in_file_order(properties[name], template)
    if isinstance(resources, dict):
        groups = {group.get("instance_group_name"): group
                  for group in resources.get("instance_groups", []) if isinstance(group, dict)}
        properties["instance_groups_dict"] = _in_file_order(
            properties["instance_groups_dict"], groups)
    return properties


def _toolkit_parameter(name):
    hyperparameters = _read_json_quietly(hyperparameters_file_dir, decode=True)
    return hyperparameters.get(name) if isinstance(hyperparameters, dict) else None


def _property(name):
    return property(lambda self: self._properties[name], doc="The job's %s." % name)


class Environment(mapping.MappingMixin):
    """The training job: hyperparameters, channels, hosts, instance groups, paths and
    hardware, as a read-only mapping of the reference's 37 properties.

    `hyperparameters` is a plain dict that callers may change; `to_cmd_args()` and
    `to_env_vars()` always reflect its current content.
    """

    def __init__(self, resource_config=None, input_data_config=None, hyperparameters=None):
        exported = None
        if not (resource_config or input_data_config or hyperparameters):
            exported = exported_properties()
        if exported is not None:
            self._properties = exported
            # A toolkit hyperparameter: not among the properties, so from the file.
            self._sagemaker_s3_output = _toolkit_parameter(params.S3_OUTPUT_LOCATION_PARAM)
        else:
            self._properties, self._sagemaker_s3_output = compute_properties(
                resource_config or read_resource_config(),
                input_data_config or read_input_data_config(),
                hyperparameters or read_hyperparameters())

    def sagemaker_s3_output(self):
        """The sagemaker_s3_output hyperparameter, or None."""
        return self._sagemaker_s3_output

    def get_current_instance_group(self):
        return self.resource_config["current_instance_group"]

    def to_cmd_args(self):
        """The hyperparameters as program arguments."""
        return mapping.to_cmd_args(self.hyperparameters)

    def to_env_vars(self):
        """The SM_* variables of the job as it is now, byte-exact with train's."""
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
            "current_instance_type": self.current_instance_type,
            "current_instance_group": self.current_instance_group,
            "current_instance_group_hosts": self.current_instance_group_hosts,
            "instance_groups": self.instance_groups,
            "instance_groups_dict": self.instance_groups_dict,
            "distribution_instance_groups": self.distribution_instance_groups,
            "is_hetero": self.is_hetero,
            "module_name": self.module_name,
            "log_level": self.log_level,
            "framework_module": self.framework_module,
            "input_dir": self.input_dir,
            "input_config_dir": self.input_config_dir,
            "output_dir": self.output_dir,
            "num_cpus": self.num_cpus,
            "num_gpus": self.num_gpus,
            "num_neurons": self.num_neurons,
            "model_dir": self.model_dir,
            "module_dir": self.module_dir,
            "training_env": dict(self),
            "user_args": self.to_cmd_args(),
            "output_intermediate_dir": self.output_intermediate_dir,
        }
        if self.topology:
            env["topology"] = self.topology
        for name, path in self.channel_input_dirs.items():
            env["channel_%s" % name] = path
        for name, value in self.hyperparameters.items():
            env["hp_%s" % name] = value
        return mapping.to_env_vars(env)


for _name in PROPERTY_NAMES:
    setattr(Environment, _name, _property(_name))
del _name


def write_env_vars(env_vars=None):
    """Export env_vars into os.environ, with PYTHONPATH set to this interpreter's sys.path."""
    env_vars = env_vars or {}
    env_vars["PYTHONPATH"] = ":".join(sys.path)
    for name, value in env_vars.items():
        os.environ[name] = value

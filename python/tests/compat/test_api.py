"""The Python API itself: mapping, errors, Environment with arguments and outside a job,
entry_point.run's hand-off (stand-in train, see stand_in_train.py), sagemaker_containers."""

import json
import math
import os

import pytest

import conftest  # noqa: F401  (puts python/src on sys.path)
from jobs import Job, compact_json
from sagemaker_training import errors, mapping

PROGRAM = {"sagemaker_program": '"train.py"'}


def test_to_cmd_args_sorts_names_and_writes_values_as_str():
    arguments = mapping.to_cmd_args({"bb": "x", "a": 1, "c": None, "d": {"z": 1, "y": "q"},
                                     "e": [1, "t"], "f": 0.5, "g": True})
    assert arguments == ["-a", "1", "--bb", "x", "-c", "", "-d", "y=q,z=1",
                         "-e", "[1, 't']", "-f", "0.5", "-g", "True"]


def test_to_env_vars_writes_compact_sorted_ascii_json_for_non_strings():
    variables = mapping.to_env_vars({"hps": {"b": 1.0, "a": math.nan, "u": "é"}, "x": None,
                                     "s": "t", "raw": b"\xe9", "big": 10 ** 30,
                                     "inf": -math.inf})
    assert variables == {"SM_HPS": '{"a":NaN,"b":1.0,"u":"\\u00e9"}', "SM_X": "",
                         "SM_S": "t", "SM_RAW": "é", "SM_BIG": "1" + "0" * 30,
                         "SM_INF": "-Infinity"}


def test_to_env_vars_later_colliding_name_wins():
    assert mapping.to_env_vars({"hp_lr": "1", "hp_LR": "2"}) == {"SM_HP_LR": "2"}


def test_execute_user_script_error_has_the_reference_shape():
    error = errors.ExecuteUserScriptError(cmd="python train.py", output=b"boom\n")
    assert str(error) == ('ExecuteUserScriptError:\nExitCode None\nErrorMessage "boom\n"\n'
                          'Command "python train.py"')
    detailed = errors.InstallRequirementsError(cmd="pip", return_code=137, output="oom",
                                               info="OutOfMemory")
    assert str(detailed) == ('InstallRequirementsError:\nExitCode 137\nErrorMessage "oom"\n'
                             'ExtraInfo "OutOfMemory"\nCommand "pip"')
    assert isinstance(error, errors.ClientError) and error.return_code == "None"
    assert str(errors.ImportModuleError("no module x")) == "no module x"


def test_environment_with_arguments_is_computed_and_mutations_show_in_env_vars(
        tmp_path, python3):
    job = Job(tmp_path, {})
    seen = job.python(python3, (
        "import json\n"
        "from sagemaker_training import environment\n"
        "env = environment.Environment(\n"
        "    resource_config={'current_host': 'algo-2', 'hosts': ['algo-1', 'algo-2'],\n"
        "                     'network_interface_name': 'ethwe'},\n"
        "    input_data_config={'train': {'TrainingInputMode': 'File'}},\n"
        "    hyperparameters={'lr': 0.1, 'sagemaker_mpi_enabled': True,\n"
        "                     'sagemaker_program': 'train.py'})\n"
        "env.hyperparameters['model_dir'] = 's3://b/m'\n"
        "print(json.dumps({'keys': sorted(dict(env)), 'vars': env.to_env_vars(),\n"
        "                  'master': env.master_hostname, 'is_master': env.is_master,\n"
        "                  'groups': env.distribution_instance_groups}))\n"))
    assert len(seen["keys"]) == 37
    variables = seen["vars"]
    assert variables["SM_HPS"] == compact_json({"lr": 0.1, "model_dir": "s3://b/m"})
    assert variables["SM_HP_MODEL_DIR"] == "s3://b/m"
    assert variables["SM_USER_ARGS"] == compact_json(["--lr", "0.1", "--model_dir", "s3://b/m"])
    assert variables["SM_CHANNEL_TRAIN"] == job.base + "/input/data/train"
    assert variables["SM_NETWORK_INTERFACE_NAME"] == "ethwe"
    assert json.loads(variables["SM_TRAINING_ENV"])["hyperparameters"]["model_dir"] == "s3://b/m"
    assert seen["master"] == "algo-1" and seen["is_master"] is False
    assert seen["groups"] == ["homogeneousCluster"]


def test_sm_training_env_of_another_base_dir_is_not_used(tmp_path, python3):
    job = Job(tmp_path, {"lr": "0.5"})
    seen = job.python(python3, (
        "import json, os\nfrom sagemaker_training import environment\n"
        "document = dict(environment.Environment())\n"
        "exported = dict(document, hyperparameters={'lr': 99})\n"
        "os.environ['SM_TRAINING_ENV'] = json.dumps(exported)\n"
        "used = environment.Environment().hyperparameters\n"
        "os.environ['SM_TRAINING_ENV'] = json.dumps(dict(exported, model_dir='/elsewhere'))\n"
        "print(json.dumps([used, environment.Environment().hyperparameters]))\n"))
    assert seen == [{"lr": 99}, {"lr": 0.5}]


def test_environment_outside_a_job_uses_a_local_job_folder(tmp_path, python3):
    if os.path.exists("/opt/ml"):
        pytest.skip("this machine has /opt/ml, so it is not outside a job")
    job = Job(tmp_path, {})
    del job.env["SAGEMAKER_BASE_DIR"]
    seen = job.python(python3, (
        "import json, socket\nfrom sagemaker_training import environment\n"
        "env = environment.Environment()\n"
        "print(json.dumps([env.hosts == [socket.gethostname()], env.model_dir]))\n"))
    assert seen[0] is True
    assert seen[1].startswith(job.env["HOME"] + "/sagemaker_local/jobs/")
    assert os.path.isdir(seen[1])


def test_read_hyperparameters_decodes_values_and_keeps_sagemaker_keys(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, lr="0.1", name="plain text", flag="true"))
    seen = job.python(python3, (
        "import json\nfrom sagemaker_training import environment\n"
        "print(json.dumps(environment.read_hyperparameters()))\n"))
    assert seen == {"sagemaker_program": "train.py", "lr": 0.1, "name": "plain text",
                    "flag": True}


def test_entry_point_run_hands_over_args_environment_and_options(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, lr="0.1"), stand_in=True)
    job.python(python3, (
        "import os\n"
        "from sagemaker_training import entry_point, environment, runner\n"
        "os.environ['SET_BY_TOOLKIT'] = 'yes'\n"
        "entry_point.run(uri=environment.code_dir, user_entry_point='train.py', args=[],\n"
        "                env_vars={'EXTRA': 'x'}, runner_type=runner.MPIRunnerType,\n"
        "                extra_opts={'sagemaker_mpi_num_of_processes_per_host': 2})\n"
        "print(1)\n"))
    spec = job.spec()
    assert spec["args"] == ["--lr", "0.1"]  # empty args: the job's own, as the reference
    assert spec["runner"] == "MPI"
    assert spec["extra_opts"] == {"sagemaker_mpi_num_of_processes_per_host": 2}
    assert spec["environment"]["SET_BY_TOOLKIT"] == "yes"
    assert spec["environment"]["EXTRA"] == "x"
    assert spec["environment"]["PYTHONPATH"].split(":")[0] == job.base + "/code"
    assert spec["code_dir"] == job.base + "/code"
    assert spec["spec_file_mode"] == 0o600
    assert job.dump()["env"]["EXTRA"] == "x"


def test_entry_point_run_without_waiting_returns_the_process(tmp_path, python3):
    job = Job(tmp_path, PROGRAM)
    seen = job.python(python3, (
        "import json, os\nfrom sagemaker_training import entry_point, environment\n"
        "process = entry_point.run(environment.code_dir, 'train.py', ['--a', '1'], wait=False)\n"
        "code = process.wait()\n"
        "print(json.dumps([code, os.path.exists(process._files.directory)]))\n"))
    assert seen == [0, False]
    assert job.dump()["argv"] == ["--a", "1"]


def test_entry_point_run_without_train_names_optml_train(tmp_path, python3):
    job = Job(tmp_path, PROGRAM)
    del job.env["OPTML_TRAIN"]
    job.env["PATH"] = str(tmp_path)  # no train here
    seen = job.python(python3, (
        "import json\nfrom sagemaker_training import entry_point, environment\n"
        "try:\n"
        "    entry_point.run(environment.code_dir, 'train.py', ['--a', '1'])\n"
        "except RuntimeError as err:\n"
        "    print(json.dumps(str(err)))\n"))
    assert "OPTML_TRAIN" in seen


def test_containers_chainer_style_run_with_runner_keyword(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_use_mpi="true", epochs="2"), stand_in=True)
    seen = job.python(python3, (
        "import json\n"
        "import sagemaker_containers.beta.framework as framework\n"
        "hp = framework.env.read_hyperparameters()\n"
        "env = framework.training_env(hyperparameters=hp)\n"
        "framework.modules.download_and_install(env.module_dir)\n"
        "opts = {framework.params.MPI_PROCESSES_PER_HOST: 1,\n"
        "        framework.params.MPI_NUM_PROCESSES: 1}\n"
        "framework.entry_point.run(env.module_dir, env.user_entry_point, env.to_cmd_args(),\n"
        "                          env.to_env_vars(), runner=framework.runner.MPIRunnerType,\n"
        "                          extra_opts=opts)\n"
        "print(json.dumps([len(dict(env)), env.log_level, env.to_cmd_args()]))\n"))
    assert seen == [24, 20, ["--epochs", "2"]]
    spec = job.spec()
    assert spec["runner"] == "MPI"
    assert spec["extra_opts"] == {"sagemaker_mpi_num_of_processes_per_host": 1,
                                  "sagemaker_mpi_num_processes": 1}
    assert not os.path.exists(os.path.join(job.base, "code", "setup.py"))


def test_containers_user_script_names(tmp_path, python3):
    job = Job(tmp_path, PROGRAM, resource_config={"current_host": "algo-1",
                                                  "hosts": ["algo-1", "algo-2"]})
    job.env["SM_STUDIO_LOCAL_MODE"] = "true"
    seen = job.python(python3, (
        "import json\nimport sagemaker_containers\n"
        "from sagemaker_containers import entry_point, _content_types, _errors, _recordio\n"
        "from sagemaker_containers.beta.framework import encoders, env\n"
        "training = sagemaker_containers.training_env()\n"
        "import io\nbuffer = io.BytesIO()\n_recordio._write_recordio(buffer, b'abcde')\n"
        "buffer.seek(0)\n"
        "print(json.dumps([training.hosts, training.master_hostname,\n"
        "                  list(_recordio._read_recordio(buffer))[0].decode(),\n"
        "                  issubclass(_errors.UnsupportedFormatError, Exception),\n"
        "                  _content_types.CSV]))\n"))
    assert seen == [["algo-1", "algo-2"], "algo-1", "abcde", True, "text/csv"]


def test_framework_process_logging_follows_the_job_log_level(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_container_log_level="10"))
    seen = job.python(python3, (
        "import json, logging, os\n"
        "from sagemaker_training import environment\n"
        "os.environ['SM_TRAINING_ENV'] = environment.Environment().to_env_vars()"
        "['SM_TRAINING_ENV']\n"
        "from optml_toolkit.compat import framework_process\n"
        "framework_process.prepare()\n"
        "print(json.dumps([logging.getLogger().level, bool(logging.getLogger().handlers)]))\n"))
    assert seen == [10, True]


def test_environment_with_arguments_in_a_job_takes_trains_hardware_counts(tmp_path, python3):
    job = Job(tmp_path, {})
    seen = job.python(python3, (
        "import json, os\nfrom sagemaker_training import environment\n"
        "document = dict(environment.Environment())\n"
        "os.environ['SM_TRAINING_ENV'] = json.dumps(dict(document, num_gpus=7))\n"
        "os.environ['PATH'] = '/nonexistent'  # no probe could find anything now\n"
        "env = environment.Environment(hyperparameters={'lr': 1})\n"
        "print(json.dumps([env.num_gpus, env.hyperparameters]))\n"))
    assert seen == [7, {"lr": 1}]


def test_topology_is_exported_only_when_the_resource_config_has_one(tmp_path, python3):
    job = Job(tmp_path, {})
    seen = job.python(python3, (
        "import json\nfrom sagemaker_training import environment\n"
        "topology = [{'hostName': 'algo-1', 'capacityUnitId': 'cu-1'}]\n"
        "plain = environment.Environment(\n"
        "    resource_config={'current_host': 'algo-1', 'hosts': ['algo-1']})\n"
        "gb200 = environment.Environment(\n"
        "    resource_config={'current_host': 'algo-1', 'hosts': ['algo-1'],\n"
        "                     'topology': topology})\n"
        "print(json.dumps([plain.to_env_vars().get('SM_TOPOLOGY'),\n"
        "                  gb200.to_env_vars().get('SM_TOPOLOGY'), plain.topology]))\n"))
    assert seen == [None, '[{"capacityUnitId":"cu-1","hostName":"algo-1"}]', []]


def test_sagemaker_s3_output_is_a_toolkit_parameter(tmp_path, python3):
    job = Job(tmp_path, dict(PROGRAM, sagemaker_s3_output='"s3://bucket/out"'))
    seen = job.python(python3, (
        "import json, os\nfrom sagemaker_training import environment\n"
        "computed = environment.Environment()\n"
        "os.environ['SM_TRAINING_ENV'] = computed.to_env_vars()['SM_TRAINING_ENV']\n"
        "exported = environment.Environment()\n"
        "print(json.dumps([computed.sagemaker_s3_output(), exported.sagemaker_s3_output(),\n"
        "                  computed.additional_framework_parameters,\n"
        "                  computed.hyperparameters]))\n"))
    assert seen == ["s3://bucket/out", "s3://bucket/out", {}, {}]


def test_environment_in_a_job_probes_no_hardware(tmp_path, python3):
    job = Job(tmp_path, PROGRAM)
    probes = tmp_path / "probes"
    probes.mkdir()
    marker = tmp_path / "probed"
    for name in ("nvidia-smi", "neuron-ls"):
        script = probes / name
        script.write_text("#!/bin/sh\necho %s >> %s\n" % (name, marker))
        script.chmod(0o755)
    seen = job.python(python3, (
        "import json, os\nfrom sagemaker_training import environment\n"
        "os.environ['SM_TRAINING_ENV'] = environment.Environment().to_env_vars()"
        "['SM_TRAINING_ENV']\n"
        "os.environ['PATH'] = %r + ':' + os.environ['PATH']\n"
        "for _ in range(5):\n"
        "    environment.Environment()\n"
        "print(json.dumps(os.path.exists(%r)))\n" % (str(probes), str(marker))))
    assert seen is False


@pytest.mark.parametrize("result, expected_class, expected_text", [
    ({"exit_code": 2, "error_class": "InstallRequirementsError", "stderr_tail": "no dist",
      "extra_info": None, "command": "pip install -r requirements.txt"},
     errors.InstallRequirementsError,
     'InstallRequirementsError:\nExitCode 2\nErrorMessage "no dist"\n'
     'Command "pip install -r requirements.txt"'),
    ({"exit_code": 137, "error_class": "SomethingNew", "stderr_tail": "",
      "extra_info": "OutOfMemory", "command": "train.py"},
     errors.ExecuteUserScriptError,
     'ExecuteUserScriptError:\nExitCode 137\nErrorMessage ""\nExtraInfo "OutOfMemory"\n'
     'Command "train.py"'),
    (None, errors.ExecuteUserScriptError,
     "ExecuteUserScriptError:\nExitCode 3\nErrorMessage \"optml's train run-entry-point "
     'ended with 3 and reported no result"\nCommand "train.py"'),
])
def test_results_become_the_reference_errors(result, expected_class, expected_text):
    from optml_toolkit.compat import handoff

    error = handoff.failure_error(errors, 3, result, {"entry_point": "train.py"})
    assert type(error) is expected_class
    assert str(error) == expected_text

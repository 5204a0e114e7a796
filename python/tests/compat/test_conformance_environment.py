"""Environment() and to_env_vars() against what train exports, on every conformance case.

Each case is run through train exactly as tests/conformance/run_conformance.py runs it; the
case's probe dumps the program's SM_* environment. Then, in fresh interpreters:
- with that environment (SM_TRAINING_ENV included), Environment() must take train's
  properties and to_env_vars() must give every SM_* variable byte for byte;
- without SM_TRAINING_ENV, Environment() computed in Python from the case's config files
  must hold the same 37 properties and give the same bytes.
Cases whose program never runs (configuration errors) have nothing to compare.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import PYTHON_SRC, REPO, TESTS_DIR

sys.path.insert(0, os.path.join(REPO, "tests", "conformance"))
import run_conformance  # noqa: E402  (the conformance runner's own case set-up)

PROBE = os.path.join(TESTS_DIR, "environment_probe.py")


def case_names(cases_dir):
    if not os.path.isdir(cases_dir):
        return []
    return sorted(name for name in os.listdir(cases_dir)
                  if os.path.isfile(os.path.join(cases_dir, name, "case.json")))


def pytest_generate_tests(metafunc):
    if "case_name" in metafunc.fixturenames:
        cases_dir = metafunc.config.getoption("--cases")
        metafunc.parametrize("case_name", case_names(cases_dir))


def run_probe(python3, env):
    env = dict(env, PYTHONPATH=PYTHON_SRC)
    completed = subprocess.run([python3, PROBE], env=env, capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


_runs = {}


@pytest.fixture
def job(request, case_name, train_binary, tmp_path_factory):
    """Runs the case through train once; gives (case env, dumped program env, dumped argv)."""
    if case_name not in _runs:
        _runs[case_name] = run_case(request.config.getoption("--cases"), case_name,
                                    train_binary, tmp_path_factory)
    if _runs[case_name] is None:
        pytest.skip("the case's program does not run, so nothing is exported")
    return _runs[case_name]


def run_case(cases_dir, case_name, train_binary, tmp_path_factory):
    case_dir = os.path.join(cases_dir, case_name)
    case = run_conformance.load_json_file(os.path.join(case_dir, "case.json"))
    tmp = os.path.realpath(str(tmp_path_factory.mktemp(case_name)))
    installed = run_conformance.InstalledPackagesUndo(case_dir)
    try:
        base = run_conformance.prepare_base_dir(case_dir, tmp, case)
        env = run_conformance.clean_environment(case_dir, tmp, base)
        run_conformance.launch_train(train_binary, tmp, env, case.get("timeout_s", 120))
        dump = run_conformance.read_dump(tmp)
    finally:
        installed.undo()
    return (env, dump["env"], dump["argv"]) if isinstance(dump, dict) else None


def test_exported_environment_is_read_and_reproduced_byte_for_byte(job, python3):
    case_env, program_env, _argv = job
    seen = run_probe(python3, dict(case_env, **program_env))
    assert seen["from_exported"], "Environment() did not use train's SM_TRAINING_ENV"
    produced = seen["env_vars"]
    for name, text in produced.items():
        assert name in program_env, "train does not export %s" % name
        assert text == program_env[name], "%s differs from train's bytes" % name
    exported_by_train = {name for name in program_env if name.startswith("SM_")}
    passed_through = {name for name in case_env if name.startswith("SM_")}
    assert exported_by_train - passed_through <= set(produced)


def test_environment_computed_from_config_files_equals_the_exported_one(job, python3):
    case_env, program_env, _argv = job
    exported = run_probe(python3, dict(case_env, **program_env))
    computed = run_probe(python3, case_env)
    assert not computed["from_exported"]
    assert computed["properties_text"] == exported["properties_text"]
    assert computed["env_vars"] == exported["env_vars"]
    assert computed["cmd_args"] == exported["cmd_args"]


def test_program_arguments_are_to_cmd_args(job, python3):
    case_env, program_env, argv = job
    seen = run_probe(python3, dict(case_env, **program_env))
    assert seen["cmd_args"] == argv

"""Running the user's entry point (sagemaker-containers' keyword is `runner=`); the run is
handed to optml's train as in sagemaker_training.entry_point."""

from optml_toolkit.compat import handoff
from sagemaker_containers import _env, _errors, _runner
from sagemaker_training import entry_point as _stt_entry_point


def run(uri, user_entry_point, args, env_vars=None, wait=True, capture_error=False,
        runner=_runner.ProcessRunnerType, extra_opts=None):
    """Run the entry point with `args` and this process's environment plus `env_vars`;
    raises ExecuteUserScriptError with the stderr tail when it fails (wait=True)."""
    env_vars = dict(env_vars or {})
    _stt_entry_point.install(user_entry_point, _env.code_dir, capture_error)
    _env.write_env_vars(env_vars)
    spec = handoff.entry_point_spec(
        uri=uri, entry_point=user_entry_point, args=args, runner=_runner_name(runner),
        extra_opts=extra_opts, capture_error=capture_error, code_dir=_env.code_dir)
    return handoff.run(spec, wait=wait, errors_module=_errors)


def _runner_name(runner):
    value = getattr(runner, "value", runner)
    if value not in ("MPI", "Process"):
        raise ValueError("Invalid identifier %s" % (runner,))
    return value


def _wait_hostname_resolution():
    """Every host resolves (train waited for them before the framework started)."""
    _stt_entry_point._wait_hostname_resolution()

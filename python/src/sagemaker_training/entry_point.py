"""Running the user's entry point: the work goes to optml's `train run-entry-point`, which
gets the code, installs it, and runs and supervises the program with the chosen runner."""

import logging
import sys
import time

from optml_toolkit.compat import handoff
from sagemaker_training import environment, runner

logger = logging.getLogger(__name__)

_HOST_RESOLUTION_DEADLINE_S = 15 * 60


def run(uri, user_entry_point, args, env_vars=None, wait=True, capture_error=False,
        runner_type=runner.ProcessRunnerType, extra_opts=None):
    """Run the entry point `user_entry_point` of the code at `uri` with `args` and the
    environment of this process plus `env_vars` (which are also exported into os.environ,
    with PYTHONPATH, as the reference does).

    With wait=True it returns after the program ended and raises the reference's error
    (ExecuteUserScriptError, InstallRequirementsError, ...) with the tail of the program's
    stderr when it failed. With wait=False it returns the running `subprocess.Popen`.
    """
    env_vars = dict(env_vars or {})
    install(user_entry_point, environment.code_dir, capture_error)
    environment.write_env_vars(env_vars)
    if not user_entry_point or not args:
        job = environment.Environment()
        user_entry_point = user_entry_point or job.user_entry_point
        args = args or job.to_cmd_args()
    spec = handoff.entry_point_spec(
        uri=uri, entry_point=user_entry_point, args=args, runner=_runner_name(runner_type),
        extra_opts=extra_opts, capture_error=capture_error, code_dir=environment.code_dir)
    return handoff.run(spec, wait=wait)


def _runner_name(runner_type):
    if isinstance(runner_type, runner.RunnerType):
        return runner_type.value
    value = getattr(runner_type, "value", runner_type)
    if value in {member.value for member in runner.RunnerType}:
        return value
    raise ValueError("Invalid identifier %s" % (runner_type,))


def install(name, path=environment.code_dir, capture_error=False):
    """Make the entry point importable from this process. Installing requirements and
    packages is train's work, once per job (run() hands it over)."""
    if path not in sys.path:
        sys.path.insert(0, path)


def _dns_lookup(host, deadline_s=_HOST_RESOLUTION_DEADLINE_S):
    import socket  # rarely needed in an optml job: train resolved every host already

    deadline = time.monotonic() + deadline_s
    delay = 0.1
    while True:
        try:
            return socket.gethostbyname(host)
        except OSError:
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 30)


def _wait_hostname_resolution():
    """Wait until every host of the job resolves. In an optml job train already waited for
    every host before anything else started, so there is nothing left to wait for."""
    if environment.exported_properties() is not None:
        return
    for host in environment.Environment().hosts:
        _dns_lookup(host)

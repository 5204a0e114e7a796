"""Hands a user program to `train run-entry-point` and turns its result into the
reference's exceptions. The spec and result formats are in RUN_ENTRY_POINT.md."""

import json
import os
import shutil
import subprocess
import tempfile

SPEC_VERSION = 1
TRAIN_VARIABLE = "OPTML_TRAIN"
SUBCOMMAND = "run-entry-point"

# The error classes train may name in a result; anything else is reported as
# ExecuteUserScriptError.
_KNOWN_ERRORS = ("ExecuteUserScriptError", "InstallRequirementsError", "InstallModuleError",
                 "ImportModuleError")


class TrainNotFoundError(RuntimeError):
    """optml's train binary is neither named by OPTML_TRAIN nor on PATH."""


def find_train(environ=None):
    """The train binary: $OPTML_TRAIN, else `train` on PATH."""
    environ = os.environ if environ is None else environ
    named = environ.get(TRAIN_VARIABLE)
    if named:
        return named
    found = shutil.which("train", path=environ.get("PATH"))
    if found is None:
        raise TrainNotFoundError(
            "optml's train is needed to run the entry point: set OPTML_TRAIN to its path "
            "or put it on PATH.")
    return found


def _text_list(values):
    return [value if isinstance(value, str) else str(value) for value in values or []]


def entry_point_spec(uri, args, runner, code_dir, entry_point=None, module=None,
                     extra_opts=None, capture_error=False, environ=None):
    """The spec for one run. Exactly one of `entry_point` (a file in the code dir, run by
    its kind) and `module` (run as `python -m module`) is given."""
    if (entry_point is None) == (module is None):
        raise ValueError("give exactly one of entry_point and module")
    environ = os.environ if environ is None else environ
    return {
        "version": SPEC_VERSION,
        "uri": None if uri is None else str(uri),
        "code_dir": code_dir,
        "entry_point": entry_point,
        "module": module,
        "args": _text_list(args),
        "environment": dict(environ),
        "runner": runner,
        "extra_opts": {str(k): v for k, v in (extra_opts or {}).items()},
        "capture_error": bool(capture_error),
    }


def _write_private_json(document, directory):
    descriptor, path = tempfile.mkstemp(prefix="optml-entry-point-", suffix=".json",
                                        dir=directory)
    with os.fdopen(descriptor, "w", encoding="utf-8") as f:
        # default=str: extra_opts may hold values JSON has no type for.
        json.dump(document, f, default=str)
    return path


class _Run:
    """The files of one hand-off: the spec (0600: it holds the environment) and the result."""

    def __init__(self, spec):
        self.directory = tempfile.mkdtemp(prefix="optml-run-")
        self.result_path = os.path.join(self.directory, "result.json")
        self.spec_path = _write_private_json(dict(spec, result_file=self.result_path),
                                             self.directory)

    def command(self, train):
        return [train, SUBCOMMAND, "--spec", self.spec_path]

    def read_result(self):
        try:
            with open(self.result_path, "r", encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)


class _Handle(subprocess.Popen):
    """The running `train run-entry-point` (for wait=False); its files go with it."""

    def __init__(self, files, *args, **kwargs):
        self._files = files
        super().__init__(*args, **kwargs)

    def wait(self, timeout=None):
        code = super().wait(timeout)
        self._files.remove()
        return code


def run(spec, wait=True, train=None, errors_module=None):
    """Run the spec through train. wait=True: returns the finished Popen or raises the
    reference's error (from `errors_module`, sagemaker_training.errors by default) for a
    failed program. wait=False: returns the running Popen."""
    if errors_module is None:
        from sagemaker_training import errors as errors_module  # noqa: N813 (lazy: no cycle)

    train = train or find_train()
    cwd = spec["code_dir"] if os.path.isdir(spec["code_dir"]) else None
    files = _Run(spec)
    if not wait:
        # The caller owns the process; the spec (it holds the environment) goes at wait().
        return _Handle(files, files.command(train), cwd=cwd)
    try:
        process = subprocess.Popen(files.command(train), cwd=cwd)
        exit_code = process.wait()
        result = files.read_result()
    finally:
        files.remove()
    if exit_code == 0 and (result is None or result.get("exit_code", 0) == 0):
        return process
    raise failure_error(errors_module, exit_code, result, spec)


def failure_error(errors, exit_code, result, spec):
    """The reference's exception for a failed run, carrying the stderr tail train kept."""
    what = spec.get("entry_point") or "-m %s" % spec.get("module")
    if result is None:
        return errors.ExecuteUserScriptError(
            cmd=what, return_code=exit_code,
            output="optml's train %s ended with %d and reported no result" % (SUBCOMMAND,
                                                                              exit_code))
    name = result.get("error_class")
    error_class = getattr(errors, name) if name in _KNOWN_ERRORS else errors.ExecuteUserScriptError
    if error_class is errors.ImportModuleError:
        return error_class(result.get("stderr_tail") or "")
    return error_class(cmd=result.get("command") or what,
                       return_code=result.get("exit_code", exit_code),
                       output=result.get("stderr_tail") or "",
                       info=result.get("extra_info"))

"""Runs a remote function inside a `train remote-function` job.

train has already downloaded and verified the payloads and hands them over in the folder
named by OPTML_REMOTE_HANDOFF (see toolkit/remote/invoker.hpp): this module only unpickles,
calls and pickles. S3, hashing, signals and exit codes stay in train. Under torchrun or mpirun
only rank 0 writes its result, and only the first failing rank of the host its exception.
"""

import json
import os
import signal
import sys

from optml_toolkit.remote import errors

_DESERIALIZATION_NOTE = (
    "NOTE: this may be caused by inconsistent sagemaker python sdk versions "
    "where remote function runs versus the one used on client side. "
    "If the sagemaker versions do not match, a warning message would "
    "be logged starting with 'Inconsistent sagemaker versions found'. "
    "Please check it to validate."
)


def _python_version():
    info = sys.version_info
    return f"{info.major}.{info.minor}.{info.micro}"


def _load(path, uri):
    import cloudpickle

    with open(path, "rb") as payload:
        data = payload.read()
    try:
        return cloudpickle.loads(data)
    except Exception as e:  # the SDK wraps every failure the same way
        raise errors.DeserializationError(
            "Error when deserializing bytes downloaded from {}: {}. {}".format(
                uri, repr(e), _DESERIALIZATION_NOTE
            )
        ) from e


def _dumps(obj):
    import cloudpickle

    try:
        return cloudpickle.dumps(obj)
    except Exception as e:
        raise errors.SerializationError(
            "Error when serializing object of type [{}]: {}".format(type(obj).__name__, repr(e))
        ) from e


def _write(handoff, name, data):
    path = os.path.join(handoff, name)
    with open(path + ".partial", "wb") as out:
        out.write(data)
    os.replace(path + ".partial", path)


def _json_result(result):
    try:
        return json.dumps({"Result": result, "Exception": None})
    except TypeError as e:
        if "is not JSON serializable" not in str(e):
            raise
        return json.dumps(
            {"Result": None, "Exception": f"The function return ({result}) is not JSON serializable."}
        )


def _error_number(error):
    if isinstance(error, errors.RemoteFunctionError):
        return 1
    number = getattr(error, "errno", 1)
    try:
        return int(number)
    except (TypeError, ValueError):
        return 1


def _on_stop(signum, _frame):
    # Reaches the function as an exception, so its finally blocks and context managers run.
    signal.signal(signum, signal.SIG_DFL)
    raise errors.RemoteFunctionStopped(
        f"The job was stopped: {signal.Signals(signum).name} reached the remote function."
    )


def _report_exception(handoff, error):
    from tblib import pickling_support

    pickling_support.install()
    failure = repr(error)
    try:
        data = _dumps(error)
    except errors.SerializationError as unpicklable:
        failure += f"\nThe exception could not be pickled: {unpicklable.message}"
        data = _dumps(errors.SerializationError(failure))
    _write(handoff, "exception.pkl", data)
    return {
        "raised": True,
        "failure": failure,
        "errno": _error_number(error),
        "python_version": _python_version(),
    }


def _rank():
    """The worker's global rank under torchrun or Open MPI (0 without a distribution)."""
    for name in ("RANK", "OMPI_COMM_WORLD_RANK"):
        try:
            return int(os.environ[name])
        except (KeyError, ValueError):
            continue
    return 0


def _first_failure(handoff):
    """True for the first failing rank on this host: only it writes exception/."""
    try:
        os.close(os.open(os.path.join(handoff, "failure.claim"), os.O_CREAT | os.O_EXCL, 0o600))
        return True
    except FileExistsError:
        return False


def main():
    handoff = os.environ["OPTML_REMOTE_HANDOFF"]
    signal.signal(signal.SIGTERM, _on_stop)
    try:
        func = _load(os.path.join(handoff, "function.pkl"), os.environ["OPTML_REMOTE_FUNCTION_URI"])
        args, kwargs = _load(
            os.path.join(handoff, "arguments.pkl"), os.environ["OPTML_REMOTE_ARGUMENTS_URI"]
        )
        result = func(*args, **kwargs)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if _rank() != 0:
            return 0  # only rank 0 writes results/
        _write(handoff, "output.pkl", _dumps(result))
        if os.environ.get("OPTML_REMOTE_OUTPUT_JSON") == "1":
            _write(handoff, "output.json", _json_result(result).encode())
        outcome = {"raised": False, "failure": "", "errno": 0, "python_version": _python_version()}
        _write(handoff, "outcome.json", json.dumps(outcome).encode())
        return 0
    except BaseException as e:  # noqa: B902 - SystemExit and KeyboardInterrupt are results too
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if not _first_failure(handoff):
            return 1
        outcome = _report_exception(handoff, e)
        _write(handoff, "exception-outcome.json", json.dumps(outcome).encode())
        return 1


if __name__ == "__main__":
    sys.exit(main())

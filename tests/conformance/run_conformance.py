#!/usr/bin/env python3
"""Conformance runner for optml's `train`.

Runs the cases recorded from the reference SageMaker training toolkit (see
shared/conformance/README.md, next to the repository) against a `train`
binary. Each case is run exactly as the README's procedure says, and the
`optml` block of its expected.json is applied on top of the recorded result
before comparing.

    run_conformance.py --train PATH [--cases DIR] [--strict-bytes]
                       [--only NAME ...] [--keep] [-v]
    run_conformance.py --self-test

Prints `PASS name` or `FAIL name` per case, with indented reasons and notes,
and last `N passed, M failed` (CI reads that line). Exits 0 only if every
case passed. Python 3.9+ standard library only.
"""
import argparse
import difflib
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import List, Optional

BASE_TOKEN = "{base_dir}"
PYTHON_TOKEN = "{python}"
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_DIRS = ["model", "output", "output/data", "input/data"]
CONFIG_FILES = ("hyperparameters.json", "inputdataconfig.json", "resourceconfig.json")
DEFAULT_TIMEOUT_S = 120
DEFAULT_WITHIN = 1024  # what SageMaker shows as FailureReason
MASK = "<volatile>"
STDERR_TAIL_LINES = 40
MAX_LISTED_DIFFERENCES = 20


# --------------------------------------------------------------------------
# JSON value spans in raw text. The byte comparison must see the text exactly
# as train wrote it, so volatile keys are masked in place instead of parsing
# and re-serializing (which would hide formatting differences).


def skip_whitespace(text, i):
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def string_end(text, i):
    """Index just past the JSON string starting at text[i] (a quote)."""
    if i >= len(text) or text[i] != '"':
        raise ValueError(f"expected a string at {i}")
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2  # an escape: the next character can never end the string
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    raise ValueError("unterminated string")


def value_end(text, i):
    """Index just past the JSON value starting at text[i].

    Containers are spanned by bracket depth, skipping strings (which may hold
    brackets). Anything else is one bare token up to a delimiter: numbers,
    true/false/null, and the NaN/Infinity/-Infinity the reference emits.
    """
    if i >= len(text):
        raise ValueError("expected a value, found the end")
    if text[i] == '"':
        return string_end(text, i)
    if text[i] in "{[":
        depth = 0
        while i < len(text):
            c = text[i]
            if c == '"':
                i = string_end(text, i)
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise ValueError("unterminated container")
    start = i
    while i < len(text) and text[i] not in ",:{}[]\" \t\r\n":
        i += 1
    if i == start:
        raise ValueError(f"expected a value at {start}")
    return i


def mask_top_level_keys(text, keys):
    """Replace the values of the given top-level object keys with MASK.

    Text that is not a JSON object, or is malformed, comes back unchanged:
    the byte comparison then simply reports the difference.
    """
    if not keys:
        return text
    try:
        i = skip_whitespace(text, 0)
        if i >= len(text) or text[i] != "{":
            return text
        pieces, copied_up_to = [], 0
        i = skip_whitespace(text, i + 1)
        if i < len(text) and text[i] == "}":
            return text
        while True:
            key_end = string_end(text, i)
            key = json.loads(text[i:key_end])  # decodes escapes such as \u0041
            i = skip_whitespace(text, key_end)
            if i >= len(text) or text[i] != ":":
                return text
            start = skip_whitespace(text, i + 1)
            end = value_end(text, start)
            if key in keys:
                pieces += [text[copied_up_to:start], MASK]
                copied_up_to = end
            i = skip_whitespace(text, end)
            if i < len(text) and text[i] == ",":
                i = skip_whitespace(text, i + 1)
            elif i < len(text) and text[i] == "}":
                break
            else:
                return text
        return "".join(pieces) + text[copied_up_to:]
    except ValueError:
        return text


# --------------------------------------------------------------------------
# Type-aware structural comparison of parsed JSON.


def short_repr(value, limit=120):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def json_differences(expected, actual, path="$"):
    """List of differences; 1 vs 1.0, True vs 1 and -0.0 vs 0.0 differ, NaN equals NaN."""
    if type(expected) is not type(actual):  # bool is not int, int is not float
        return [f"{path}: expected {short_repr(expected)} ({type(expected).__name__}), "
                f"got {short_repr(actual)} ({type(actual).__name__})"]
    if isinstance(expected, dict):
        out = [f"{path}: missing key {k!r}" for k in sorted(expected.keys() - actual.keys())]
        out += [f"{path}: unexpected key {k!r}" for k in sorted(actual.keys() - expected.keys())]
        for k in sorted(expected.keys() & actual.keys()):
            sub = f"{path}.{k}" if k.isidentifier() else f"{path}[{json.dumps(k)}]"
            out += json_differences(expected[k], actual[k], sub)
        return out
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items {short_repr(expected)}, "
                    f"got {len(actual)} {short_repr(actual)}"]
        out = []
        for n, (e, a) in enumerate(zip(expected, actual)):
            out += json_differences(e, a, f"{path}[{n}]")
        return out
    if isinstance(expected, float):
        same = (math.isnan(expected) and math.isnan(actual)) or (
            expected == actual and math.copysign(1.0, expected) == math.copysign(1.0, actual))
    else:
        same = expected == actual
    return [] if same else [f"{path}: expected {short_repr(expected)}, got {short_repr(actual)}"]


# --------------------------------------------------------------------------
# Readable mismatch reports.


def first_difference(expected, actual, unit="char", radius=40):
    """Both values (str or bytes) shown around their first differing position."""
    n = next((k for k, (x, y) in enumerate(zip(expected, actual)) if x != y),
             min(len(expected), len(actual)))
    lo = max(0, n - radius)
    lead = "..." if lo else ""

    def around(v):
        return f"{lead}{v[lo:n]!r} >>> {v[n:n + radius]!r}{'...' if len(v) > n + radius else ''}"

    return [f"first difference at {unit} {n} (lengths {len(expected)} vs {len(actual)}):",
            f"  expected: {around(expected)}",
            f"  actual:   {around(actual)}"]


def text_mismatch(label, expected, actual):
    """One problem (possibly multi-line) describing two differing texts."""
    if "\n" in expected or "\n" in actual:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    "expected", "actual", lineterm="")
        lines = [f"{label} differs:"] + ["  " + d for d in diff]
        if expected.endswith("\n") != actual.endswith("\n"):
            lines.append("  (only one of them ends with a newline)")
        if len(lines) == 1:
            lines += ["  " + s for s in first_difference(expected, actual)]
        return "\n".join(lines)
    if len(expected) > 100 or len(actual) > 100:
        return "\n".join([f"{label} differs:"] + ["  " + s for s in first_difference(expected, actual)])
    return f"{label}: expected {expected!r}, got {actual!r}"


def list_mismatch(label, expected, actual):
    if len(repr(expected)) + len(repr(actual)) <= 160:
        return f"{label}: expected {expected!r}, got {actual!r}"
    diff = difflib.unified_diff([repr(x) for x in expected], [repr(x) for x in actual],
                                "expected", "actual", lineterm="")
    return "\n".join([f"{label} differs (one item per line):"] + ["  " + d for d in diff])


def capped(lines, limit=MAX_LISTED_DIFFERENCES):
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


# --------------------------------------------------------------------------
# Running one case (README "How a case is run").


class UnreadableDump:
    """TMP/dump.json exists but is not a JSON object."""

    def __init__(self, reason):
        self.reason = reason


@dataclass
class Observation:
    base: str
    exit_code: int
    timed_out: bool
    success_file: bool
    failure_text: Optional[str]
    dump: object  # None, a dict, or UnreadableDump
    tree: List[str]


def copy_fixture_tree(src, dst):
    """Copy a case folder into the base dir with modes 0644/0755.

    The shared fixtures are read-only (0444); the README says they are stored
    0644, and train must be able to chmod/extract into them and we must be
    able to delete them.
    """
    for root, _dirs, files in os.walk(src):
        target = os.path.normpath(os.path.join(dst, os.path.relpath(root, src)))
        os.makedirs(target, exist_ok=True)
        os.chmod(target, 0o755)
        for name in files:
            shutil.copyfile(os.path.join(root, name), os.path.join(target, name))
            os.chmod(os.path.join(target, name), 0o644)


def prepare_base_dir(case_dir, tmp, case):
    base = os.path.join(tmp, "opt", "ml")
    os.makedirs(base)
    for d in case.get("dirs", DEFAULT_DIRS):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    for entry in sorted(os.listdir(case_dir)):
        if os.path.isdir(os.path.join(case_dir, entry)):
            copy_fixture_tree(os.path.join(case_dir, entry), os.path.join(base, entry))
    for name in CONFIG_FILES:
        path = os.path.join(base, "input", "config", name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
            if BASE_TOKEN.encode() in data:
                with open(path, "wb") as f:
                    f.write(data.replace(BASE_TOKEN.encode(), os.fsencode(base)))
    os.makedirs(os.path.join(tmp, "home"))
    return base


def clean_environment(case_dir, tmp, base):
    env = {
        "PATH": CLEAN_PATH,
        "LANG": "C.UTF-8",
        "HOME": os.path.join(tmp, "home"),
        "SAGEMAKER_BASE_DIR": base,
        "DUMP_TO": os.path.join(tmp, "dump.json"),
    }
    env_file = os.path.join(case_dir, "env.json")
    if os.path.exists(env_file):
        for name, value in load_json_file(env_file).items():
            if not isinstance(value, str):
                raise ValueError(f"env.json: value of {name} is not a string")
            env[name] = value.replace(BASE_TOKEN, base)
    return env


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def launch_train(train, tmp, env, timeout_s):
    """Run train; returns (exit status, timed out, stderr bytes).

    Output goes to anonymous files, not pipes: a leftover grandchild holding
    a pipe open would otherwise keep us waiting after train itself exited.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([train], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        try:
            try:
                code = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                kill_group(proc.pid)
                code = proc.wait()
        finally:
            kill_group(proc.pid)  # leftover children, also on Ctrl-C
        err.seek(0)
        return code, timed_out, err.read()


def is_skipped_component(name):
    return name in ("__pycache__", "build") or name.endswith(".egg-info")


def list_tree(base):
    entries = []
    for root, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not is_skipped_component(d)]  # prune: never descend
        rel = os.path.relpath(root, base)
        prefix = "" if rel == "." else rel + "/"
        entries += [prefix + d + "/" for d in dirs]
        entries += [prefix + f for f in files if not is_skipped_component(f)]
    return sorted(entries)


def read_failure_text(base):
    try:
        with open(os.path.join(base, "output", "failure"), "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        return f"<unreadable output/failure: {err}>"


def read_dump(tmp):
    try:
        with open(os.path.join(tmp, "dump.json"), "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    try:
        dump = json.loads(raw.decode("utf-8"))
    except ValueError as err:  # includes UnicodeDecodeError
        return UnreadableDump(f"dump.json is not valid JSON: {err}")
    return dump if isinstance(dump, dict) else UnreadableDump("dump.json is not a JSON object")


def replace_in_strings(value, old, new):
    """Replace old by new in every string value (not key) of a JSON-like value."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [replace_in_strings(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: replace_in_strings(v, old, new) for k, v in value.items()}
    return value


def observe(tmp, base, code, timed_out):
    """Step 7 and 8: what train left behind, with BASE replaced by {base_dir}."""
    failure = read_failure_text(base)
    dump = read_dump(tmp)
    return Observation(
        base=base,
        exit_code=code,
        timed_out=timed_out,
        success_file=os.path.exists(os.path.join(base, "output", "success")),
        failure_text=None if failure is None else failure.replace(base, BASE_TOKEN),
        dump=replace_in_strings(dump, base, BASE_TOKEN) if isinstance(dump, dict) else dump,
        tree=[p.replace(base, BASE_TOKEN) for p in list_tree(base)],
    )


# --------------------------------------------------------------------------
# Expected result: the recording with the optml block applied.


def effective_expectation(expected):
    exp = dict(expected)
    optml = expected.get("optml") or {}
    for key in ("exit_code", "success_file", "tree", "dump"):
        if key in optml:
            exp[key] = optml[key]
    exp["failure_rules"] = optml.get("failure")  # replaces the failure-text comparison
    return exp


def failure_text_matches_exactly(expected, actual):
    """Exact match, except {python} stands for one run of non-space characters."""
    pattern = r"\S+".join(re.escape(piece) for piece in expected.split(PYTHON_TOKEN))
    return re.fullmatch(pattern, actual) is not None


def check_exit_code(expected, obs):
    if obs.timed_out:
        return [f"timed out: train was killed (exit status {obs.exit_code})"]
    if expected == "nonzero":
        return [] if obs.exit_code != 0 else ["exit_code: expected nonzero, got 0"]
    return [] if obs.exit_code == expected else [f"exit_code: expected {expected}, got {obs.exit_code}"]


def check_failure_rules(rules, text):
    if text is None:
        return ["failure: expected output/failure, none was written"]
    problems = []
    start = rules.get("starts_with")
    if start is not None and not text.startswith(start):
        problems.append(f"failure: should start with {start!r}")
    within = rules.get("within", DEFAULT_WITHIN)
    for needle in rules.get("contains", []):
        if needle not in text[:within]:
            where = f"found at char {text.find(needle)}" if needle in text else "not found"
            problems.append(f"failure: should contain {needle!r} within the first {within} chars ({where})")
    for needle in rules.get("excludes", []):
        if needle in text:
            problems.append(f"failure: must not contain {needle!r} (found at char {text.find(needle)})")
    if problems:
        problems.append(f"failure text (first 400 chars): {text[:400]!r}")
    return problems


def check_failure(exp, text):
    if exp["failure_rules"] is not None:
        return check_failure_rules(exp["failure_rules"], text)
    expected = exp.get("failure_file")
    if expected is None:
        return [] if text is None else [f"failure: expected no output/failure, got {short_repr(text, 400)}"]
    if text is None:
        return ["failure: expected output/failure, none was written"]
    if exp.get("failure_match", "exact") == "prefix":
        prefix = exp.get("failure_prefix", "")
        if text.startswith(prefix):
            return []
        return [f"failure: should start with {prefix!r}, got {short_repr(text[:len(prefix) + 60])}"]
    if failure_text_matches_exactly(expected, text):
        return []
    hint = f" ({PYTHON_TOKEN} matches any run of non-space characters)" if PYTHON_TOKEN in expected else ""
    return [text_mismatch("failure text" + hint, expected, text)]


def split_volatile(volatile, json_env):
    """Plain env names, and {env name: top-level keys} for `NAME.key` entries.

    An entry is `NAME.key` only when NAME is a JSON-valued variable, because
    a plain variable name could itself contain a dot.
    """
    plain, subkeys = set(), {}
    for entry in volatile:
        name, dot, key = entry.partition(".")
        if dot and name in json_env:
            subkeys.setdefault(name, set()).add(key)
        else:
            plain.add(entry)
    return plain, subkeys


def check_json_env(name, expected, actual, volatile_keys, base, strict_bytes):
    """Structural (type-aware) and byte comparison of one JSON-valued variable."""
    problems, notes = [], []
    try:
        exp_value = json.loads(expected)
        structural = True
    except ValueError as err:
        problems.append(f"env {name}: the recorded value is not JSON ({err})")
        structural = False
    try:
        act_value = json.loads(actual)
    except ValueError as err:
        problems.append(f"env {name}: not valid JSON ({err}): {short_repr(actual, 200)}")
    else:
        if structural:
            # Step 8 replaced BASE in the raw text only; a path written with
            # escapes (e.g. "\/") must not fail the structural check too.
            act_value = replace_in_strings(act_value, base, BASE_TOKEN)
            for key in sorted(volatile_keys):
                in_exp = isinstance(exp_value, dict) and key in exp_value
                in_act = isinstance(act_value, dict) and key in act_value
                if in_exp != in_act:
                    problems.append(f"env {name}: volatile key {key!r} is "
                                    f"{'missing' if in_exp else 'unexpected'}")
                if in_exp:
                    del exp_value[key]
                if in_act:
                    del act_value[key]
            diffs = json_differences(exp_value, act_value)
            if diffs:
                problems.append("\n".join([f"env {name}: JSON value differs:"]
                                          + ["  " + d for d in capped(diffs)]))
    exp_bytes = mask_top_level_keys(expected, volatile_keys).encode("utf-8", "surrogateescape")
    act_bytes = mask_top_level_keys(actual, volatile_keys).encode("utf-8", "surrogateescape")
    if exp_bytes != act_bytes:
        report = "\n".join([f"env {name}: bytes differ from the reference format"
                            f"{'' if strict_bytes else ' (not failing without --strict-bytes)'}:"]
                           + ["  " + s for s in first_difference(exp_bytes, act_bytes, "byte")])
        (problems if strict_bytes else notes).append(report)
    return problems, notes


def check_dump(exp, obs, strict_bytes):
    expected, actual = exp.get("dump"), obs.dump
    if isinstance(actual, UnreadableDump):
        return [f"dump: {actual.reason}"], []
    if expected is None or actual is None:
        if (expected is None) == (actual is None):
            return [], []
        if expected is None:
            return ["dump: expected none (the program should not run or dump), got one"], []
        return ["dump: expected one, the program never wrote TMP/dump.json"], []
    problems, notes = [], []
    for key in ("kind", "argv0", "cwd"):
        if expected.get(key) != actual.get(key):
            problems.append(f"dump {key}: expected {expected.get(key)!r}, got {actual.get(key)!r}")
    if expected.get("argv") != actual.get("argv"):
        problems.append(list_mismatch("dump argv", expected.get("argv"), actual.get("argv")))
    exp_env, act_env = expected.get("env") or {}, actual.get("env")
    if not isinstance(act_env, dict):
        return problems + [f"dump env: expected an object, got {short_repr(act_env)}"], notes
    missing, extra = sorted(exp_env.keys() - act_env.keys()), sorted(act_env.keys() - exp_env.keys())
    if missing:
        problems.append(f"dump env: missing variables {missing}")
    if extra:
        problems.append(f"dump env: unexpected variables {extra}")
    json_env = set(exp.get("json_env", []))
    plain_volatile, volatile_keys = split_volatile(exp.get("volatile", []), json_env)
    for name in sorted(exp_env.keys() & act_env.keys()):
        if name in plain_volatile:
            continue  # machine-dependent: presence is all that counts
        if not isinstance(act_env[name], str):
            problems.append(f"env {name}: expected a string, got {short_repr(act_env[name])}")
            continue
        if name in json_env:
            p, n = check_json_env(name, exp_env[name], act_env[name],
                                  volatile_keys.get(name, set()), obs.base, strict_bytes)
            problems += p
            notes += n
        elif exp_env[name] != act_env[name]:
            problems.append(text_mismatch(f"env {name}", exp_env[name], act_env[name]))
    return problems, notes


def check_tree(expected, actual):
    if expected == actual:
        return []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    lines = ["tree differs:"]
    lines += [f"  missing:    {p}" for p in missing]
    lines += [f"  unexpected: {p}" for p in extra]
    if not missing and not extra:
        lines.append(f"  same entries, different order/duplicates: {actual}")
    return ["\n".join(lines)]


def check_case(expected, obs, strict_bytes):
    """Returns (problems, notes); the case passes when problems is empty."""
    exp = effective_expectation(expected)
    problems = check_exit_code(exp.get("exit_code"), obs)
    if obs.success_file != exp.get("success_file"):
        problems.append(f"success_file: expected {exp.get('success_file')}, got {obs.success_file}")
    problems += check_failure(exp, obs.failure_text)
    dump_problems, notes = check_dump(exp, obs, strict_bytes)
    problems += dump_problems
    problems += check_tree(exp.get("tree"), obs.tree)
    return problems, notes


# --------------------------------------------------------------------------
# Driver.


def load_json_file(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def remove_tree(path):
    """rmtree that survives whatever modes train (or the user program) left."""

    def make_writable_and_retry(func, failed, _exc_info):
        for p in (os.path.dirname(failed), failed):
            try:
                if not os.path.islink(p):
                    os.chmod(p, stat.S_IRWXU)
            except OSError:
                pass
        if os.path.isdir(failed) and not os.path.islink(failed):
            rmtree(failed)  # listing it had failed, so its content is still there
        else:
            func(failed)

    def rmtree(p):
        # Python 3.12 deprecates onerror (with a warning) in favour of onexc.
        if sys.version_info >= (3, 12):
            shutil.rmtree(p, onexc=make_writable_and_retry)
        else:
            shutil.rmtree(p, onerror=make_writable_and_retry)

    try:
        rmtree(path)
    except OSError as err:
        print(f"warning: could not remove {path}: {err}", file=sys.stderr)


class InstalledPackagesUndo:
    """Package cases make train run `pip install .` into the case interpreter's site-packages,
    as the reference does. This removes what appeared there during the case, so the suite
    leaves the machine's Python as it found it."""

    def __init__(self, case_dir):
        self.folders = []
        if os.path.exists(os.path.join(case_dir, "code", "setup.py")):
            python = shutil.which("python3", path=CLEAN_PATH)
            listed = subprocess.run(
                [python, "-c", "import site; print('\\n'.join(site.getsitepackages()))"],
                capture_output=True, text=True, check=False).stdout.split()
            self.folders = [f for f in listed + ["/usr/local/bin"]
                            if os.path.isdir(f)]
        self.before = {folder: set(os.listdir(folder)) for folder in self.folders}

    def undo(self):
        for folder, names in self.before.items():
            for name in set(os.listdir(folder)) - names:
                path = os.path.join(folder, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    remove_tree(path)
                else:
                    os.remove(path)


def run_case(case_dir, train, strict_bytes, keep):
    """Runs one case; returns (problems, notes, stderr bytes, temp dir)."""
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="optml-conf-"))  # getcwd() gives real paths
    stderr = b""
    installed = InstalledPackagesUndo(case_dir)
    try:
        case = load_json_file(os.path.join(case_dir, "case.json"))
        expected = load_json_file(os.path.join(case_dir, "expected.json"))
        base = prepare_base_dir(case_dir, tmp, case)
        env = clean_environment(case_dir, tmp, base)
        code, timed_out, stderr = launch_train(train, tmp, env, case.get("timeout_s", DEFAULT_TIMEOUT_S))
        problems, notes = check_case(expected, observe(tmp, base, code, timed_out), strict_bytes)
    except Exception as err:  # a broken fixture or an unstartable train fails this case only
        problems, notes = [f"runner error: {type(err).__name__}: {err}"], []
    finally:
        installed.undo()
        if not keep:
            remove_tree(tmp)
    return problems, notes, stderr, tmp


def print_indented(text, indent="    "):
    for line in text.splitlines() or [""]:
        print(indent + line)


def default_cases_dir():
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    return os.path.normpath(os.path.join(repo, "..", "shared", "conformance", "cases"))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", help="the train binary to test")
    parser.add_argument("--cases", default=default_cases_dir(), help="folder of case folders")
    parser.add_argument("--strict-bytes", action="store_true",
                        help="JSON-valued variables must also match the reference byte for byte")
    parser.add_argument("--only", nargs="+", action="extend", metavar="NAME", help="run only these cases")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("-v", "--verbose", action="store_true", help="show train's stderr tail on failure")
    parser.add_argument("--self-test", action="store_true", help="check the runner's own helpers")
    args = parser.parse_args(argv)
    if not args.self_test and not args.train:
        parser.error("--train is required")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.self_test:
        return self_test()
    train = os.path.abspath(args.train)  # train runs with cwd TMP
    if not (os.path.isfile(train) and os.access(train, os.X_OK)):
        print(f"error: {train} is not an executable file", file=sys.stderr)
        return 2
    if not os.path.isdir(args.cases):
        print(f"error: no cases folder {args.cases}", file=sys.stderr)
        return 2
    names = sorted(n for n in os.listdir(args.cases) if os.path.isdir(os.path.join(args.cases, n)))
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            print(f"error: no such case(s) in {args.cases}: {', '.join(unknown)}", file=sys.stderr)
            return 2
        names = [n for n in names if n in args.only]
    if not names:
        print(f"error: no cases in {args.cases}", file=sys.stderr)
        return 2
    passed = failed = 0
    for name in names:
        problems, notes, stderr, tmp = run_case(os.path.join(args.cases, name), train,
                                                args.strict_bytes, args.keep)
        print(("FAIL " if problems else "PASS ") + name)
        for item in problems + [f"note: {n}" for n in notes]:
            print_indented(item)
        if problems and args.verbose:
            tail = stderr.decode("utf-8", errors="replace").splitlines()[-STDERR_TAIL_LINES:]
            print(f"    train stderr (last {len(tail)} lines):")
            for line in tail:
                print("      | " + line)
        if args.keep:
            print(f"    kept: {tmp}")
        sys.stdout.flush()
        failed += bool(problems)
        passed += not problems
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


# --------------------------------------------------------------------------
# Self-test of the scanner, the masking and the comparisons.


def self_test():
    def spans(text):
        return text[:value_end(text, 0)]

    def raises(text):
        try:
            value_end(text, 0)
        except ValueError:
            return True
        return False

    checks = [
        # value spans
        (spans('"a\\"b}{" , 1'), '"a\\"b}{"'),
        (spans('"back\\\\" x'), '"back\\\\"'),
        (spans('{"a": {"b": [1, "}]", "\\\\"]}, "c": 2} tail'), '{"a": {"b": [1, "}]", "\\\\"]}, "c": 2}'),
        (spans('NaN,'), "NaN"),
        (spans('-Infinity}'), "-Infinity"),
        (spans('Infinity '), "Infinity"),
        (spans('-1.5e+300]'), "-1.5e+300"),
        (spans('123456789012345678901234567890'), "123456789012345678901234567890"),
        (spans('true,'), "true"),
        (spans('[]'), "[]"),
        (raises('"unterminated'), True),
        (raises('{"a": [1, 2}'), True),
        (raises(''), True),
        (raises(',1'), True),
        # masking: top level only, never inside nested objects or strings
        (mask_top_level_keys('{"num_cpus":2,"x":{"num_cpus":3},"y":"\\"num_cpus\\":4"}', {"num_cpus"}),
         '{"num_cpus":' + MASK + ',"x":{"num_cpus":3},"y":"\\"num_cpus\\":4"}'),
        (mask_top_level_keys('{ "a" : NaN , "b" : -Infinity }', {"a", "b"}),
         '{ "a" : ' + MASK + ' , "b" : ' + MASK + ' }'),
        (mask_top_level_keys('{"k":{"s":"}{\\""},"z":1.0}', {"k"}), '{"k":' + MASK + ',"z":1.0}'),
        (mask_top_level_keys('{"n\\u0075m":[1,{"a":"]"}],"z":1}', {"num"}), '{"n\\u0075m":' + MASK + ',"z":1}'),
        (mask_top_level_keys('{"a":1,"n":2}', {"n"}) == mask_top_level_keys('{"a":1,"n":64}', {"n"}), True),
        (mask_top_level_keys('{"a":1,"n":2}', {"n"}) == mask_top_level_keys('{"a":1.0,"n":2}', {"n"}), False),
        (mask_top_level_keys('[1,{"n":2}]', {"n"}), '[1,{"n":2}]'),
        (mask_top_level_keys('{"n":', {"n"}), '{"n":'),
        (mask_top_level_keys('{}', {"n"}), '{}'),
        # type-aware structural comparison
        (json_differences(1, 1.0) != [], True),
        (json_differences(True, 1) != [], True),
        (json_differences(-0.0, 0.0) != [], True),
        (json_differences(float("nan"), json.loads("NaN")), []),
        (json_differences(json.loads("-Infinity"), float("-inf")), []),
        (json_differences({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}), []),
        (json_differences([1, 2], [2, 1]) != [], True),
        (json_differences({"a": None}, {"a": None, "b": 1}), ["$: unexpected key 'b'"]),
        # {python} in exact failure texts
        (failure_text_matches_exactly('Command "{python} a.py"', 'Command "/usr/bin/python3 a.py"'), True),
        (failure_text_matches_exactly('Command "{python} a.py"', 'Command "/usr/bin/py thon3 a.py"'), False),
        (failure_text_matches_exactly('x a.py', 'x aXpy'), False),
        (failure_text_matches_exactly('done\n', 'done'), False),
        # volatile entries
        (split_volatile(["SM_NUM_CPUS", "SM_TRAINING_ENV.num_cpus"], {"SM_TRAINING_ENV"}),
         ({"SM_NUM_CPUS"}, {"SM_TRAINING_ENV": {"num_cpus"}})),
    ]
    bad = [(n, got, want) for n, (got, want) in enumerate(checks) if got != want]
    for n, got, want in bad:
        print(f"self-test check #{n} failed: got {got!r}, want {want!r}")
    print(f"self-test: {len(checks) - len(bad)} of {len(checks)} checks passed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

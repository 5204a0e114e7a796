#!/usr/bin/env python3
"""Benchmarks of `train` against running the same program directly, measured in one run.

Not part of the pass/fail test suite; Python 3 standard library only. Usage (Release build):
    python3 bench/run_benchmarks.py --train build/bin/train --helpers build/tests/helpers \
        [--json figures.json]

What it measures, each time through `train` (a scaffolded base dir, SM_STUDIO_LOCAL_MODE=true)
and for the same program run directly, runs interleaved:
  start-up   wall time of a no-op .py program and of a no-op native program (helper_exit);
  RSS        train's peak RSS (VmHWM) while its program (helper_sleep) sleeps;
  relay      200 MB of 100-byte lines (helper_write, pattern "line") on stdout and on stderr, into /dev/null
             and into a pipe that this script drains and counts (every run must deliver
             exactly 200 MB: the relay must be lossless);
  exit       program exit -> exit of train: helper_exit_stamp writes CLOCK_MONOTONIC right
             before _exit, this script takes time.monotonic_ns() when waitpid returns;
  signal     SIGTERM sent -> the program's handler runs: helper_sigterm_stamp prints "ready",
             and its SIGTERM handler writes CLOCK_MONOTONIC; SIGTERM goes to train (which
             forwards it) or straight to the program.
Synchronisation is by "ready" lines, pipes and waitpid, with deadlines; no fixed sleeps.
Every process started runs in its own session and is killed (by session id) if still there.
"""
import argparse
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from measuring import busy_share_of_others, cpu_times

CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
RELAY_BYTES = 200_000_000
# Relay jobs run with train's own log lines off (Python level ERROR = 40), so train's stderr
# holds exactly the program's bytes and the count can be checked to the byte.
QUIET = {"sagemaker_container_log_level": 40}
DEADLINE_S = 30.0  # no single step of the benchmark may take longer than this

TARGETS = {  # from issue 3
    "startup_overhead_ms": 5.0,
    "rss_mb": 8.0,
    "relay_ratio": 1.2,
    "exit_latency_ms": 10.0,
    "signal_latency_ms": 10.0,
}
REFERENCE = {  # the Python reference toolkit on a 2-core machine (issue 3)
    "startup_overhead_ms": 380.0,
    "rss_mb": 52.6,
    "exit_latency_ms": 110.0,
}


class BenchError(Exception):
    pass


# ----------------------------------------------------------------------------- bookkeeping

class Jobs:
    """Scaffolded base dirs; every one is removed at the end."""

    def __init__(self):
        self.roots = []

    def make(self, program_name, program_text=None, program_file=None, hyperparameters=None):
        job = Job(program_name, program_text, program_file, hyperparameters)
        self.roots.append(job.root)
        return job

    def cleanup(self):
        for root in self.roots:
            shutil.rmtree(root, ignore_errors=True)
        self.roots.clear()


class Job:
    """A scaffolded base dir whose entry point is `program` (copied into code/)."""

    def __init__(self, program_name, program_text=None, program_file=None, hyperparameters=None):
        self.root = tempfile.mkdtemp(prefix="optml-bench-")
        self.base = os.path.join(self.root, "opt", "ml")
        for folder in ("model", "output/data", "input/data", "input/config", "code"):
            os.makedirs(os.path.join(self.base, folder))
        stored = {"sagemaker_program": json.dumps(program_name)}
        stored.update({k: json.dumps(v) for k, v in (hyperparameters or {}).items()})
        self._write("input/config/hyperparameters.json", json.dumps(stored))
        self._write("input/config/inputdataconfig.json", "{}")
        self._write("input/config/resourceconfig.json",
                    json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))
        self.code = os.path.join(self.base, "code")
        self.program = os.path.join(self.code, program_name)
        if program_file:
            shutil.copy(program_file, self.program)
            os.chmod(self.program, 0o755)
        else:
            self._write("code/" + program_name, program_text)
        self.env = {"PATH": CLEAN_PATH, "LANG": "C.UTF-8", "HOME": self.root,
                    "SAGEMAKER_BASE_DIR": self.base, "SM_STUDIO_LOCAL_MODE": "true"}

    def _write(self, relative, text):
        with open(os.path.join(self.base, relative), "w") as f:
            f.write(text)


class Processes:
    """Every process the benchmark starts: each leads its own session, so whatever it (or
    train's program, which has its own process group in that session) leaves behind can be
    found by session id and killed."""

    def __init__(self):
        self.live = {}
        self.sessions = set()

    def start(self, command, **kwargs):
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.live[process.pid] = process
        self.sessions.add(process.pid)
        return process

    def reaped(self, process):
        self.live.pop(process.pid, None)

    @staticmethod
    def session_members(*session_ids):
        members = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2:].split()
            if int(fields[3]) in session_ids:  # state ppid pgrp session ...
                members.append(int(entry))
        return members

    def kill_session(self, *session_ids):
        for pid in self.session_members(*session_ids):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cleanup(self):
        # Also what outlived a process that was reaped (a program train left behind).
        self.kill_session(*self.sessions)
        for process in list(self.live.values()):
            try:
                process.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                pass
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()
        self.live.clear()


def wait_reaped(processes, process, timeout=DEADLINE_S):
    """waitpid with a deadline; kills the session on expiry."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid == process.pid:
            break
        if time.monotonic() >= deadline:
            processes.kill_session(process.pid)
            raise BenchError(f"{process.args} did not exit within {timeout:.0f} s")
        # Blocking in the kernel for at most what is left: pidfd readability is exit.
        fd = os.pidfd_open(process.pid)
        try:
            select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        finally:
            os.close(fd)
    process.returncode = os.waitstatus_to_exitcode(status)
    processes.reaped(process)
    return process.returncode


class LineReader:
    """Reads lines from a raw pipe fd, each against a deadline."""

    def __init__(self, fd):
        self.fd = fd
        self.pending = b""

    def line(self, timeout=DEADLINE_S):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                raise BenchError("no line within the deadline")
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise BenchError(f"EOF before a full line (got {self.pending!r})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()


# ----------------------------------------------------------------------------- statistics

def percentile(samples, fraction):
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples):
    return {"median": statistics.median(samples), "p90": percentile(samples, 0.9),
            "min": min(samples), "max": max(samples), "runs": len(samples)}


def fmt(stats, unit="ms", digits=2):
    return f"{stats['median']:{digits + 6}.{digits}f} {unit} (p90 {stats['p90']:.{digits}f})"


# ----------------------------------------------------------------------------- benchmarks

def run_to_end(processes, command, env, cwd):
    """Wall time (s) of one run, stdout and stderr into /dev/null; fails unless it exits 0."""
    start = time.perf_counter()
    process = processes.start(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    code = wait_reaped(processes, process)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise BenchError(f"{command} in {cwd} exited with {code}")
    return elapsed


def alternate(run_direct, run_train, runs, warmup):
    """Runs direct and through-train measurements in turn (so drift hits both alike); returns
    both lists without the warm-up runs."""
    direct, through_train = [], []
    for i in range(warmup + runs):
        d, t = run_direct(), run_train()
        if i >= warmup:
            direct.append(d)
            through_train.append(t)
    return direct, through_train


def added_latency(direct, through_train):
    return {"direct_ms": summary(direct), "train_ms": summary(through_train),
            "added_ms": statistics.median(through_train) - statistics.median(direct)}


def bench_startup(processes, train, job, direct_command, runs, warmup=3):
    direct, through_train = alternate(
        lambda: run_to_end(processes, direct_command, job.env, job.code) * 1000,
        lambda: run_to_end(processes, [train], job.env, job.root) * 1000, runs, warmup)
    result = {"direct_ms": summary(direct), "train_ms": summary(through_train),
              "overhead_ms": statistics.median(through_train) - statistics.median(direct),
              "paired_overhead_ms": summary([t - d for t, d in zip(through_train, direct)])}
    result["ratio"] = statistics.median(through_train) / statistics.median(direct)
    return result


def read_status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {field} in /proc/{pid}/status")


def bench_rss(processes, train, jobs, helpers, runs):
    """train's VmHWM (peak RSS) once its program (helper_sleep) printed "ready"."""
    job = jobs.make("helper_sleep", program_file=os.path.join(helpers, "helper_sleep"))
    peaks, current, anon, program = [], [], [], []
    for _ in range(runs):
        process = processes.start([train], env=job.env, cwd=job.root, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        reader = LineReader(process.stdout.fileno())
        if reader.line() != "ready":
            raise BenchError("helper_sleep did not print ready")
        peaks.append(read_status_kb(process.pid, "VmHWM") / 1024)
        current.append(read_status_kb(process.pid, "VmRSS") / 1024)
        anon.append(read_status_kb(process.pid, "RssAnon") / 1024)
        children = [p for p in processes.session_members(process.pid) if p != process.pid]
        if children:
            program.append(read_status_kb(children[0], "VmHWM") / 1024)
        os.kill(process.pid, signal.SIGTERM)  # forwarded: ends helper_sleep, then train
        wait_reaped(processes, process)
        process.stdout.close()
    return {"train_vmhwm_mb": summary(peaks), "train_vmrss_mb": summary(current),
            "train_rss_anon_mb": summary(anon),
            "program_vmhwm_mb": summary(program) if program else None}


def drain_count(fd, probe=None, probe_at=()):
    """Reads fd to EOF as fast as Python can, returning the byte count; calls probe() once
    the count passes each of probe_at."""
    buffer = bytearray(1 << 20)
    views = [memoryview(buffer)]
    total = 0
    readinto = os.readv
    pending = sorted(probe_at)
    while True:
        n = readinto(fd, views)
        if n == 0:
            return total
        total += n
        if pending and total >= pending[0]:
            pending.pop(0)
            probe()


def relay_run(processes, command, env, cwd, stream, sink):
    """One 200 MB run: (seconds, the process's VmHWM in MB at 50% and 90% of the bytes when
    they go into a pipe, else None)."""
    devnull = subprocess.DEVNULL
    pipe = subprocess.PIPE if sink == "pipe" else devnull
    kwargs = {"stdout": pipe if stream == "stdout" else devnull,
              "stderr": pipe if stream == "stderr" else devnull}
    start = time.perf_counter()
    process = processes.start(command, env=env, cwd=cwd, **kwargs)
    received = None
    peaks = []

    def probe():
        try:
            peaks.append(read_status_kb(process.pid, "VmHWM") / 1024)
        except (OSError, BenchError):
            pass  # already exiting

    if sink == "pipe":
        source = process.stdout if stream == "stdout" else process.stderr
        received = drain_count(source.fileno(), probe, (RELAY_BYTES // 2, RELAY_BYTES * 9 // 10))
        source.close()
    code = wait_reaped(processes, process, timeout=120)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise BenchError(f"{command} exited with {code}")
    if received is not None and received != RELAY_BYTES:
        raise BenchError(f"{command} ({stream} into a pipe) delivered {received} bytes, "
                         f"not {RELAY_BYTES}: the relay lost or added bytes")
    return elapsed, max(peaks) if peaks else None


def bench_relay(processes, train, jobs, helpers, runs, startup_overhead_ms):
    """startup_overhead_ms (train's own start-up and exit around a native no-op) is taken
    off train's time for the "net" ratio, which isolates the cost of moving the bytes."""
    results = {}
    program = os.path.join(helpers, "helper_write")
    for stream in ("stdout", "stderr"):
        job = jobs.make("helper_write", program_file=program,
                        hyperparameters=dict(QUIET, stream=stream, bytes=RELAY_BYTES,
                                             pattern="line"))
        direct_command = ["./helper_write", stream, str(RELAY_BYTES), "line"]
        for sink in ("devnull", "pipe"):
            direct, through_train, rss = [], [], []
            relay_run(processes, direct_command, job.env, job.code, stream, sink)  # warm-up
            relay_run(processes, [train], job.env, job.root, stream, sink)
            for _ in range(runs):
                d, _ = relay_run(processes, direct_command, job.env, job.code, stream, sink)
                t, peak = relay_run(processes, [train], job.env, job.root, stream, sink)
                direct.append(d * 1000)
                through_train.append(t * 1000)
                if peak is not None:
                    rss.append(peak)
            d_med, t_med = statistics.median(direct), statistics.median(through_train)
            results[f"{stream}_{sink}"] = {
                "direct_ms": summary(direct), "train_ms": summary(through_train),
                "ratio": t_med / d_med,
                "net_ratio": ((t_med - startup_overhead_ms) / d_med
                              if t_med > startup_overhead_ms else None),
                "direct_mb_per_s": RELAY_BYTES / 1e6 / (d_med / 1000),
                "train_mb_per_s": RELAY_BYTES / 1e6 / (t_med / 1000),
                "train_vmhwm_while_relaying_mb": max(rss) if rss else None,
                "bytes_verified": sink == "pipe",
            }
    return results


def exit_latency_run(processes, command, env, cwd):
    """ms from the program's last clock reading before _exit to waitpid returning here."""
    process = processes.start(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    stamp = int(LineReader(process.stdout.fileno()).line())
    # Block in waitpid itself (not a poll loop) so the wake-up is as prompt as the kernel's;
    # the pidfd-with-deadline path of wait_reaped is only the fallback for a hang.
    fd = os.pidfd_open(process.pid)
    try:
        if not select.select([fd], [], [], DEADLINE_S)[0]:
            processes.kill_session(process.pid)
            raise BenchError(f"{command} did not exit within {DEADLINE_S:.0f} s")
    finally:
        os.close(fd)
    pid, status = os.waitpid(process.pid, 0)
    now = time.monotonic_ns()
    process.returncode = os.waitstatus_to_exitcode(status)
    processes.reaped(process)
    process.stdout.close()
    if process.returncode != 0:
        raise BenchError(f"{command} exited with {process.returncode}")
    return (now - stamp) / 1e6


def bench_exit_latency(processes, train, jobs, helpers, runs, warmup=2):
    job = jobs.make("helper_exit_stamp",
                    program_file=os.path.join(helpers, "helper_exit_stamp"))
    return added_latency(*alternate(
        lambda: exit_latency_run(processes, ["./helper_exit_stamp"], job.env, job.code),
        lambda: exit_latency_run(processes, [train], job.env, job.root), runs, warmup))


def signal_latency_run(processes, command, env, cwd):
    """ms from os.kill(SIGTERM) here to the program's handler reading the clock."""
    process = processes.start(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    reader = LineReader(process.stdout.fileno())
    if reader.line() != "ready":
        raise BenchError(f"{command}: no ready line")
    sent = time.monotonic_ns()
    os.kill(process.pid, signal.SIGTERM)  # train itself, or the program when run directly
    handled = int(reader.line())
    wait_reaped(processes, process)
    process.stdout.close()
    return (handled - sent) / 1e6


def bench_signal_latency(processes, train, jobs, helpers, runs, warmup=2):
    job = jobs.make("helper_sigterm_stamp",
                    program_file=os.path.join(helpers, "helper_sigterm_stamp"))
    return added_latency(*alternate(
        lambda: signal_latency_run(processes, ["./helper_sigterm_stamp"], job.env, job.code),
        lambda: signal_latency_run(processes, [train], job.env, job.root), runs, warmup))


# ----------------------------------------------------------------------------- report

def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])






def net_text(relay):
    return "n/a" if relay["net_ratio"] is None else f"{relay['net_ratio']:.2f}x"


def verdict(value, target):
    return "ok" if value <= target else "MISS"


def print_summary(figures):
    rows = []
    for key, label in (("startup_py", "start-up overhead, no-op .py"),
                       ("startup_native", "start-up overhead, no-op native")):
        s = figures[key]
        rows.append((label, f"{s['overhead_ms']:.2f} ms",
                     f"train {s['train_ms']['median']:.2f} / direct "
                     f"{s['direct_ms']['median']:.2f} ms ({s['ratio']:.2f}x)",
                     "<= 5 ms", verdict(s["overhead_ms"], TARGETS["startup_overhead_ms"]),
                     "380 ms"))
    r = figures["rss"]["train_vmhwm_mb"]
    rows.append(("peak RSS of train (VmHWM)", f"{r['median']:.2f} MB",
                 f"p90 {r['p90']:.2f} MB", "<= 8 MB", verdict(r["median"], TARGETS["rss_mb"]),
                 "52.6 MB"))
    for key, relay in figures["relay"].items():
        stream, sink = key.split("_")
        rows.append((f"relay 200 MB {stream} -> {'/dev/null' if sink == 'devnull' else 'pipe'}",
                     f"{relay['ratio']:.2f}x",
                     f"train {relay['train_ms']['median']:.0f} / direct "
                     f"{relay['direct_ms']['median']:.0f} ms; net of start-up "
                     f"{net_text(relay)}", "<= 1.2x",
                     verdict(relay["ratio"], TARGETS["relay_ratio"]), "-"))
    e = figures["exit_latency"]
    rows.append(("program exit -> train exit", f"{e['train_ms']['median']:.2f} ms",
                 f"p90 {e['train_ms']['p90']:.2f}; direct {e['direct_ms']['median']:.2f} ms",
                 "<= 10 ms", verdict(e["train_ms"]["median"], TARGETS["exit_latency_ms"]),
                 "110 ms"))
    s = figures["signal_latency"]
    rows.append(("SIGTERM -> program's handler", f"{s['train_ms']['median']:.3f} ms",
                 f"p90 {s['train_ms']['p90']:.3f}; direct {s['direct_ms']['median']:.3f} ms",
                 "<= 10 ms", verdict(s["train_ms"]["median"], TARGETS["signal_latency_ms"]),
                 "never forwarded"))
    header = ("figure", "train", "detail", "target", "", "reference")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)
    print()
    print("summary (medians over the runs; the reference is the Python toolkit, 2 cores)")
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
    misses = [row[0] for row in rows if row[4] == "MISS"]
    print()
    print("targets missed: " + (", ".join(misses) if misses else "none"))
    return misses


def main():
    # A SIGTERM to the benchmark still runs the clean-up in main's finally.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="the train binary (Release build)")
    parser.add_argument("--helpers", required=True, help="the dir of the helper_* programs")
    parser.add_argument("--runs", type=int, default=30, help="start-up runs (default 30)")
    parser.add_argument("--latency-runs", type=int, default=40,
                        help="exit and signal latency runs (default 40)")
    parser.add_argument("--relay-runs", type=int, default=7,
                        help="runs of each 200 MB relay (default 7)")
    parser.add_argument("--rss-runs", type=int, default=5, help="RSS runs (default 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--nice", type=int, default=0,
                        help="add this to the benchmark's nice value (inherited by train and "
                             "the programs); a negative one, as root, shields the figures from "
                             "other work on a busy machine")
    args = parser.parse_args()
    if args.nice:
        os.nice(args.nice)
    train = os.path.abspath(args.train)
    helpers = os.path.abspath(args.helpers)
    python = shutil.which("python3", path=CLEAN_PATH)
    for needed in [train] + [os.path.join(helpers, h) for h in (
            "helper_exit", "helper_sleep", "helper_write", "helper_exit_stamp",
            "helper_sigterm_stamp")]:
        if not os.access(needed, os.X_OK):
            print(f"missing or not executable: {needed}", file=sys.stderr)
            return 2

    jobs, processes = Jobs(), Processes()
    figures = {"machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                           "python": platform.python_version(), "load_average": load_average(),
                           "nice": os.nice(0)},
               "train": train, "targets": TARGETS, "reference_toolkit": REFERENCE}
    began = time.monotonic()
    busy_before = cpu_times()
    try:
        print(f"train: {train}  ({os.cpu_count()} CPUs, Linux {platform.release()}, "
              f"load average {load_average():.2f})")
        noop_py = jobs.make("noop.py", program_text="pass\n")
        s = figures["startup_py"] = bench_startup(processes, train, noop_py,
                                                  [python, "noop.py"], args.runs)
        print(f"start-up, no-op .py     direct {fmt(s['direct_ms'])}   train "
              f"{fmt(s['train_ms'])}   overhead {s['overhead_ms']:6.2f} ms  {s['ratio']:.2f}x")
        noop_native = jobs.make("helper_exit",
                                program_file=os.path.join(helpers, "helper_exit"))
        s = figures["startup_native"] = bench_startup(processes, train, noop_native,
                                                      ["./helper_exit"], args.runs)
        print(f"start-up, no-op native  direct {fmt(s['direct_ms'])}   train "
              f"{fmt(s['train_ms'])}   overhead {s['overhead_ms']:6.2f} ms  {s['ratio']:.2f}x")

        r = figures["rss"] = bench_rss(processes, train, jobs, helpers, args.rss_runs)
        print(f"peak RSS of train while the program sleeps: VmHWM {fmt(r['train_vmhwm_mb'], 'MB')}"
              f", VmRSS {r['train_vmrss_mb']['median']:.2f} MB of which anonymous "
              f"{r['train_rss_anon_mb']['median']:.2f} MB"
              + (f" (the program: {r['program_vmhwm_mb']['median']:.2f} MB)"
                 if r["program_vmhwm_mb"] else ""))

        figures["relay"] = bench_relay(processes, train, jobs, helpers, args.relay_runs,
                                       figures["startup_native"]["overhead_ms"])
        for key, relay in figures["relay"].items():
            stream, sink = key.split("_")
            print(f"relay 200 MB {stream:<6} -> {'/dev/null' if sink == 'devnull' else 'pipe':<9}"
                  f" direct {fmt(relay['direct_ms'], 'ms', 0)} {relay['direct_mb_per_s']:6.0f} MB/s"
                  f"   train {fmt(relay['train_ms'], 'ms', 0)} {relay['train_mb_per_s']:6.0f} MB/s"
                  f"   {relay['ratio']:5.2f}x (net of start-up {net_text(relay)})"
                  + (f"   200000000 bytes in every run; train VmHWM meanwhile "
                     f"{relay['train_vmhwm_while_relaying_mb']:.2f} MB"
                     if relay["bytes_verified"] else ""))

        e = figures["exit_latency"] = bench_exit_latency(processes, train, jobs, helpers,
                                                         args.latency_runs)
        print(f"program exit -> exit     direct {fmt(e['direct_ms'], 'ms', 3)}   train "
              f"{fmt(e['train_ms'], 'ms', 3)}   added {e['added_ms']:.3f} ms")
        s = figures["signal_latency"] = bench_signal_latency(processes, train, jobs, helpers,
                                                             args.latency_runs)
        print(f"SIGTERM -> handler       direct {fmt(s['direct_ms'], 'ms', 3)}   train "
              f"{fmt(s['train_ms'], 'ms', 3)}   added {s['added_ms']:.3f} ms")

        busy = busy_share_of_others(busy_before, cpu_times())
        figures["machine"]["busy_share_of_other_processes"] = busy
        misses = print_summary(figures)
        if busy > 0.15:
            print(f"warning: other processes kept {busy:.0%} of the CPUs busy during the "
                  f"benchmark; the figures are inflated, run it again on an idle machine")
        figures["targets_missed"] = misses
        figures["duration_s"] = time.monotonic() - began
        print(f"benchmark took {figures['duration_s']:.0f} s")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(figures, f, indent=2, sort_keys=True)
                f.write("\n")
            print(f"figures written to {args.json}")
        return 0
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        processes.cleanup()
        jobs.cleanup()


if __name__ == "__main__":
    sys.exit(main())

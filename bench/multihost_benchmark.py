#!/usr/bin/env python3
"""Multi-host MPI benchmark of `train` on three simulated hosts (issue 4), against the same
mpirun command run by hand.

Not part of the pass/fail test suite; Python 3 standard library only; root, like the multihost
tests, whose harness it reuses (tests/multihost/simulated_hosts.py: network namespaces behind a
blackhole guard route, so no packet leaves the machine; every host and process is removed at
the end, also on failure or SIGTERM). Usage (Release build, ~45 s):
    sudo python3 bench/multihost_benchmark.py --train build/bin/train [--runs 7] [--json FILE]

The payload (every rank, under `python -m mpi4py` as train runs Python entry points) stamps
CLOCK_MONOTONIC into its host's model dir when it starts, passes a barrier, finalizes MPI,
stamps again and _exits. All hosts share the machine's monotonic clock (no time namespaces).
  teardown   last rank's exit stamp -> every host's train has exited (each train is watched
             through a pidfd on its `nsenter` parent, which exits right after it);
             for the by-hand run: last rank's exit stamp -> mpirun has exited;
  start-up   leader's train started (just before spawning it) -> first rank running
             (earliest start stamp), with the workers' train already up and their sshd
             listening; by hand: the same from mpirun's start. The difference is the leader's
             own overhead (config, status port, its sshd, the check of the workers' sshd).
The by-hand command is the one the leader's train ran (argv, environment and working directory
read from /proc during a warm-up run), started on the leader host with sshd running by hand on
every host. Runs alternate (train, by hand, train, ...) so the machine's load weighs on both. Waits are on pidfds and files with deadlines; no fixed sleeps.

A second phase measures output: every rank writes --output-mb MB of 100-byte lines to stdout
before the barrier, and the figure is the leader's wall time (its start -> its exit), train
against by hand. Through train the leader relays mpirun's stdout, mends the lines mpirun split
into 4 KiB chunks and puts each rank's host into its tags; by hand mpirun writes straight to
the log file. Both logs must hold every payload byte; through train every line must be whole
behind "[algo-N][1,R]<stdout>:"; by hand the share of lines mpirun split is reported.
"""
import argparse
import json
import os
import re
import select
import signal
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "multihost"))
import mpi_job  # noqa: E402
import simulated_hosts  # noqa: E402

DEADLINE_S = 60.0  # no single run may take longer
REFERENCE_TEARDOWN_S = 30.0  # the reference sleeps a fixed 30 s on its leader and workers
PAYLOAD_NAME = "stamps.py"
LINE = b"x" * 99 + b"\n"
PAYLOAD = r'''# Stamps CLOCK_MONOTONIC (ns) into this host's model dir at start and right before exiting;
# with --output_bytes N it writes N bytes of 100-byte lines to stdout in between.
import os
import sys
import time


def stamp(kind):
    now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    name = "%s-%s" % (kind, os.environ["OMPI_COMM_WORLD_RANK"])
    with open(os.path.join(os.environ["SM_MODEL_DIR"], name), "w") as f:
        f.write(str(now))


def output_bytes():
    args = sys.argv[1:]
    return int(args[args.index("--output_bytes") + 1]) if "--output_bytes" in args else 0


stamp("start")
lines = output_bytes() // 100
chunk = b"x" * 99 + b"\n"
for _ in range(lines // 650):
    sys.stdout.buffer.write(chunk * 650)
sys.stdout.buffer.write(chunk * (lines % 650))
sys.stdout.buffer.flush()
from mpi4py import MPI  # noqa: E402

MPI.COMM_WORLD.Barrier()
MPI.Finalize()
stamp("exit")
os._exit(0)
'''


class BenchError(Exception):
    pass


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def wait_exits(processes, deadline_s=DEADLINE_S):
    """CLOCK_MONOTONIC ns at which each process (name -> Popen) exited, from pidfds."""
    poller = select.poll()
    by_fd = {}
    for name, process in processes.items():
        fd = os.pidfd_open(process.pid)
        by_fd[fd] = name
        poller.register(fd, select.POLLIN)
    exited = {}
    deadline = time.monotonic() + deadline_s
    try:
        while len(exited) < len(processes):
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0:
                raise BenchError("still running after %.0f s: %s" % (
                    deadline_s, sorted(set(processes) - set(exited))))
            for fd, _ in poller.poll(left_ms):
                exited[by_fd[fd]] = now_ns()
                poller.unregister(fd)
    finally:
        for fd in by_fd:
            os.close(fd)
    for name, process in processes.items():
        process.wait(timeout=5)
    return exited


def wait_until(condition, what, deadline_s=10.0, interval_s=0.005):
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError("timed out waiting for " + what)
        time.sleep(interval_s)


class Bench:
    def __init__(self, cluster, train, python):
        self.cluster = cluster
        self.train = train
        self.python = python
        self.leader = cluster.hosts[0]
        self.workers = cluster.hosts[1:]

    def forget_ended(self):
        """Drops reaped processes from the harness's list: its teardown kills each one's
        process group, and an ended one's pid may belong to someone else by then."""
        self.cluster.started = [p for p in self.cluster.started if p.returncode is None]

    # --- the hosts, seen from outside through /proc ------------------------------------------
    def init_pid(self, host):
        return self.cluster._init_pid(host)

    def listening_on_22(self, host):
        """Whether something in `host`'s network namespace listens on TCP port 22: read from
        /proc, so the check sends nothing."""
        with open("/proc/%d/net/tcp" % self.init_pid(host)) as f:
            rows = [line.split() for line in f.readlines()[1:]]
        return any(row[1].endswith(":0016") and row[3] == "0A" for row in rows)

    def host_processes(self, host):
        """pid -> comm of every process in `host`'s PID namespace but its init and its sleep."""
        init = self.init_pid(host)
        namespace = os.readlink("/proc/%d/ns/pid" % init)
        found = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == init:
                continue
            try:
                if os.readlink("/proc/%s/ns/pid" % entry) != namespace:
                    continue
                with open("/proc/%s/comm" % entry) as f:
                    comm = f.read().strip()
            except OSError:
                continue
            if comm != "sleep":
                found[int(entry)] = comm
        return found

    def wait_hosts_quiet(self):
        """Every process of the previous run gone from every host (none may outlive it)."""
        for host in self.cluster.hosts:
            wait_until(lambda: not self.host_processes(host),
                       "the processes left on %s to end: %s" % (host, self.host_processes(host)),
                       deadline_s=5.0)

    # --- the job ------------------------------------------------------------------------------
    def write_jobs(self, output_bytes=0):
        hyperparameters = {"sagemaker_program": PAYLOAD_NAME, "sagemaker_mpi_enabled": True,
                           "sagemaker_mpi_num_of_processes_per_host": 1}
        if output_bytes:
            hyperparameters["output_bytes"] = output_bytes
        for host in self.cluster.hosts:
            self.cluster.write_job(host, hyperparameters, {PAYLOAD_NAME: PAYLOAD},
                                   mpi_job.resources(host, self.cluster.hosts))

    def clear_run_files(self):
        for host in self.cluster.hosts:
            base = self.cluster.host_base(host)
            for folder in ("model", "output"):
                for name in os.listdir(os.path.join(base, folder)):
                    path = os.path.join(base, folder, name)
                    if os.path.isfile(path):
                        os.remove(path)

    def stamps(self, kind):
        values = []
        for host in self.cluster.hosts:
            model = os.path.join(self.cluster.host_base(host), "model")
            for name in os.listdir(model):
                if name.startswith(kind + "-"):
                    with open(os.path.join(model, name)) as f:
                        values.append(int(f.read()))
        if len(values) != len(self.cluster.hosts):
            raise BenchError("expected %d %s stamps, found %d" % (
                len(self.cluster.hosts), kind, len(values)))
        return values

    def train_env(self):
        return {"PATH": simulated_hosts.CLEAN_PATH, "LANG": "C.UTF-8", "HOME": "/root",
                "SAGEMAKER_BASE_DIR": self.cluster.base, "OPTML_PYTHON": self.python,
                "OPTML_MPI_WORKERS_TIMEOUT": "20", "OPTML_MPI_JOB_START_TIMEOUT": "30"}

    # --- one run through train on every host ---------------------------------------------------
    def train_run(self, index, capture=False):
        self.clear_run_files()
        trains = {host: self.cluster.start(host, [self.train], self.train_env(),
                                           "%s.train.%d.log" % (host, index))
                  for host in self.workers}
        for host in self.workers:
            wait_until(lambda: self.listening_on_22(host) or trains[host].poll() is not None,
                       "sshd of " + host)
        started = now_ns()
        trains[self.leader] = self.cluster.start(self.leader, [self.train], self.train_env(),
                                                 "%s.train.%d.log" % (self.leader, index))
        command = self.capture_mpirun(trains[self.leader]) if capture else None
        exited = wait_exits(trains)
        for host, process in trains.items():
            if process.returncode != 0:
                with open(process.log_path, errors="replace") as f:
                    raise BenchError("train failed on %s:\n%s" % (host, f.read()[-3000:]))
        last_rank_exit = max(self.stamps("exit"))
        figures = {
            "wall_ms": (exited[self.leader] - started) / 1e6,
            "startup_ms": (min(self.stamps("start")) - started) / 1e6,
            "teardown_all_ms": (max(exited.values()) - last_rank_exit) / 1e6,
            "teardown_leader_ms": (exited[self.leader] - last_rank_exit) / 1e6,
            "teardown_workers_ms": (max(exited[h] for h in self.workers) - last_rank_exit) / 1e6,
        }
        self.forget_ended()
        self.wait_hosts_quiet()
        return figures, command

    def capture_mpirun(self, leader_train):
        """argv, environment and cwd of the mpirun the leader's train starts, from /proc."""
        namespace = os.readlink("/proc/%d/ns/pid" % self.init_pid(self.leader))
        found = {}

        def look():
            if leader_train.poll() is not None:
                return True
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open("/proc/%s/comm" % entry) as f:
                        if f.read().strip() != "mpirun":
                            continue
                    if os.readlink("/proc/%s/ns/pid" % entry) != namespace:
                        continue
                    with open("/proc/%s/cmdline" % entry, "rb") as f:
                        argv = [w.decode() for w in f.read().split(b"\0")[:-1]]
                    with open("/proc/%s/environ" % entry, "rb") as f:
                        env = dict(e.decode().split("=", 1)
                                   for e in f.read().split(b"\0")[:-1])
                    cwd = os.readlink("/proc/%s/cwd" % entry)
                except (OSError, ValueError):
                    continue
                found.update(argv=argv, env=env, cwd=cwd)
                return True
            return False

        wait_until(look, "the leader's mpirun", deadline_s=DEADLINE_S)
        if not found:
            raise BenchError("the leader's train ended before its mpirun was seen")
        return found

    # --- the same mpirun by hand ---------------------------------------------------------------
    def start_sshd_by_hand(self, index):
        daemons = {}
        for host in self.cluster.hosts:
            mkdir = self.cluster.start(host, ["mkdir", "-p", "/run/sshd"],
                                       {"PATH": simulated_hosts.CLEAN_PATH},
                                       "%s.mkdir.%d.log" % (host, index))
            if mkdir.wait(timeout=10) != 0:
                raise BenchError("cannot create /run/sshd on " + host)
            daemons[host] = self.cluster.start(host, ["/usr/sbin/sshd", "-D", "-e"],
                                               {"PATH": simulated_hosts.CLEAN_PATH},
                                               "%s.sshd.%d.log" % (host, index))
        for host in self.cluster.hosts:
            wait_until(lambda: self.listening_on_22(host), "sshd of %s (by hand)" % host)
        return daemons

    def by_hand_cycle(self, index, command):
        """sshd by hand on every host, one by-hand run, sshd stopped, every host empty."""
        daemons = self.start_sshd_by_hand(index)
        try:
            return self.by_hand_run(index, command)
        finally:
            for daemon in daemons.values():
                os.killpg(daemon.pid, signal.SIGTERM)  # nsenter and sshd: its own session
            wait_exits(daemons, deadline_s=10)
            self.forget_ended()
            self.wait_hosts_quiet()

    def by_hand_run(self, index, command):
        self.clear_run_files()
        started = now_ns()
        mpirun = self.cluster.start(self.leader, ["env", "-C", command["cwd"], "--"] +
                                    command["argv"], command["env"],
                                    "%s.mpirun.%d.log" % (self.leader, index))
        exited = wait_exits({"mpirun": mpirun})["mpirun"]
        if mpirun.returncode != 0:
            with open(mpirun.log_path, errors="replace") as f:
                raise BenchError("mpirun by hand failed:\n" + f.read()[-3000:])
        return {"wall_ms": (exited - started) / 1e6,
                "startup_ms": (min(self.stamps("start")) - started) / 1e6,
                "teardown_ms": (exited - max(self.stamps("exit"))) / 1e6}

    def whole_lines(self, log_path, tag):
        """How many of each rank's lines the leader's log holds whole behind one tag."""
        with open(log_path, "rb") as f:
            log = f.read()
        counts = []
        for rank, host in enumerate(self.cluster.hosts):
            expected_tag = tag.format(host=host, rank=rank).encode()
            counts.append(len(re.findall(b"^" + re.escape(expected_tag + LINE), log,
                                         re.MULTILINE)))
        # Every payload byte arrived, split or not (mpirun's own lines are untagged).
        payload = sum(line.count(b"x") for line in log.split(b"\n")
                      if re.match(rb"(\[[^\]]+\])?\[1,\d+\]<stdout>:", line))
        return counts, payload


def medians(samples):
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def output_phase(bench, mb_per_rank, runs):
    """Median leader wall times with every rank writing `mb_per_rank` MB; None when skipped."""
    if mb_per_rank <= 0 or runs <= 0:
        return None
    output_bytes = mb_per_rank * 1000 * 1000
    lines_per_rank = output_bytes // len(LINE)
    bench.write_jobs(output_bytes)
    # The ranks' command line changed (the new hyperparameter): read it again while warming up.
    _, command = bench.train_run(100, capture=True)
    bench.by_hand_cycle(100, command)
    train_walls, by_hand_walls = [], []
    payload_bytes = len(bench.cluster.hosts) * lines_per_rank * (len(LINE) - 1)
    by_hand_whole = []
    for index in range(101, 101 + runs):
        figures, _ = bench.train_run(index)
        whole, payload = bench.whole_lines(os.path.join(bench.cluster.root, "%s.train.%d.log" % (
            bench.leader, index)), "[{host}][1,{rank}]<stdout>:")
        if whole != [lines_per_rank] * len(whole) or payload != payload_bytes:
            raise BenchError("through train, whole lines per rank %s of %d, payload %d of %d"
                             % (whole, lines_per_rank, payload, payload_bytes))
        manual = bench.by_hand_cycle(index, command)
        whole, payload = bench.whole_lines(os.path.join(bench.cluster.root, "%s.mpirun.%d.log" % (
            bench.leader, index)), "[1,{rank}]<stdout>:")
        if payload != payload_bytes:
            raise BenchError("by hand, payload %d of %d bytes" % (payload, payload_bytes))
        by_hand_whole.append(sum(whole) / (lines_per_rank * len(whole)))
        train_walls.append(figures["wall_ms"])
        by_hand_walls.append(manual["wall_ms"])
        print("  output run %d: train %.0f ms, every line whole; by hand %.0f ms, %.1f%% of "
              "lines split by mpirun" % (index - 100, figures["wall_ms"], manual["wall_ms"],
                                         100 * (1 - by_hand_whole[-1])))
    train_wall = statistics.median(train_walls)
    by_hand_wall = statistics.median(by_hand_walls)
    return {"mb_per_rank": mb_per_rank, "runs": runs, "train_wall_ms": train_wall,
            "by_hand_wall_ms": by_hand_wall, "ratio": train_wall / by_hand_wall,
            "by_hand_split_percent": 100 * (1 - statistics.median(by_hand_whole))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="the train binary (Release build)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="an interpreter with mpi4py (Debian's python3-mpi4py)")
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each (default 7)")
    parser.add_argument("--output-mb", type=int, default=10,
                        help="MB each rank writes in the output phase (default 10; 0: skip)")
    parser.add_argument("--output-runs", type=int, default=3,
                        help="measured runs of each in the output phase (default 3)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    train = os.path.abspath(args.train)
    why = simulated_hosts.missing_requirement(args.python)
    if why:
        print("cannot run: " + why, file=sys.stderr)
        return 2
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    print("train: %s  (%d CPUs, load average %.2f; 3 simulated hosts, 1 rank each)" % (
        train, os.cpu_count(), load))
    began = time.monotonic()
    with simulated_hosts.SimulatedHosts(3) as cluster:
        bench = Bench(cluster, train, args.python)
        bench.write_jobs()
        # Warm-up pair; it also reads the command to repeat by hand.
        _, command = bench.train_run(0, capture=True)
        bench.by_hand_cycle(0, command)
        through_train, by_hand = [], []
        # Interleaved, so a change in the machine's load shows on both sides alike.
        for index in range(1, args.runs + 1):
            figures, _ = bench.train_run(index)
            through_train.append(figures)
            manual = bench.by_hand_cycle(index, command)
            by_hand.append(manual)
            print("  run %d: train start-up %.1f ms, teardown %.1f ms; by hand start-up "
                  "%.1f ms, teardown %.1f ms" % (
                      index, figures["startup_ms"], figures["teardown_all_ms"],
                      manual["startup_ms"], manual["teardown_ms"]))
        output = output_phase(bench, args.output_mb, args.output_runs)
    t, h = medians(through_train), medians(by_hand)
    result = {"runs": args.runs, "load_average": load, "train": t, "by_hand": h,
              "leader_startup_overhead_ms": t["startup_ms"] - h["startup_ms"],
              "reference_teardown_s": REFERENCE_TEARDOWN_S, "output": output,
              "seconds": time.monotonic() - began}
    print()
    print("medians of %d runs" % args.runs)
    print("  teardown, last rank exits -> every host's train exited: %.1f ms "
          "(leader %.1f ms, workers %.1f ms); mpirun by hand exits after %.1f ms" % (
              t["teardown_all_ms"], t["teardown_leader_ms"], t["teardown_workers_ms"],
              h["teardown_ms"]))
    print("  reference toolkit: >= %.0f s by design (fixed 30 s sleeps)" %
          REFERENCE_TEARDOWN_S)
    print("  start-up, leader start -> first rank running: train %.1f ms, mpirun by hand "
          "%.1f ms: leader overhead %.1f ms" % (t["startup_ms"], h["startup_ms"],
                                                result["leader_startup_overhead_ms"]))
    if output:
        print("  output, %d MB of 100-byte lines from each rank, leader start -> exit: train "
              "%.0f ms (hosts in the tags, every line whole), mpirun by hand %.0f ms (%.1f%% "
              "of lines split): %.2fx" % (
                  output["mb_per_rank"], output["train_wall_ms"], output["by_hand_wall_ms"],
                  output["by_hand_split_percent"], output["ratio"]))
    print("  (%.0f s in all)" % result["seconds"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print("benchmark failed: %s" % error, file=sys.stderr)
        sys.exit(1)

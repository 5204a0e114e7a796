"""train as a supervisor: signal forwarding, stop deadline, PID 1, orphans, exit codes, OOM.

Black-box: the real binary runs tiny helper programs (tests/helpers) as the user's entry
point. Synchronization is by lines the helpers print and by polling with deadlines.
"""
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, kill_group, main  # noqa: E402

COMMON_SIGNALS = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGABRT", "SIGBUS", "SIGFPE",
                  "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"]


class LineReader:
    """Reads a child's stdout line by line with a deadline per line."""

    def __init__(self, stream):
        self.stream = stream
        self.buffer = b""

    def next_line(self, timeout=10):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no line within %s s (have %r)" % (timeout, self.buffer))
            ready, _, _ = select.select([self.stream], [], [], remaining)
            if ready:
                chunk = os.read(self.stream.fileno(), 4096)
                if not chunk:
                    raise AssertionError("stream closed (have %r)" % self.buffer)
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()


def wait_until(predicate, timeout=10, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)  # polling with a deadline: no event exists for these conditions
    raise AssertionError("%s not met within %s s" % (what, timeout))


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


class TrainSupervisionTest(TrainTestCase):
    def job_running(self, helper, *arguments):
        """A job whose entry point execs a helper with positional arguments."""
        job = self.job(hyperparameters={"sagemaker_program": "run.sh"})
        words = " ".join([self.helper(helper)] + list(arguments))
        job.write_code("run.sh", "#!/bin/sh\nexec %s\n" % words)
        return job

    def start(self, job, extra_env=None, prefix=()):
        process = job.start(self.train, extra_env, prefix, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
        self.addCleanup(kill_group, process)
        self.addCleanup(process.stdout.close)
        self.addCleanup(process.stderr.close)
        return process, LineReader(process.stdout)

    def test_every_forwardable_signal_reaches_the_program(self):
        job = self.job_running("helper_signals")
        process, lines = self.start(job)
        self.assertEqual(lines.next_line(), "ready")
        for name in ("SIGUSR1", "SIGUSR2", "SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM"):
            process.send_signal(getattr(signal, name))
            self.assertEqual(lines.next_line(), name)
        self.assertEqual(process.wait(timeout=10), 0)
        failure = job.failure()
        self.assertTrue(failure.startswith("Stopped:\nExitCode 0\n"), failure)
        self.assertIn("SIGINT", failure)
        self.assertIn("exited within the stop deadline", failure)

    def test_a_program_ignoring_sigterm_is_killed_at_the_stop_deadline(self):
        job = self.job_running("helper_sleep", "--ignore-term")
        process, lines = self.start(job, {"OPTML_STOP_TIMEOUT": "1"})
        self.assertEqual(lines.next_line(), "ready")
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=20), 128 + signal.SIGKILL)
        self.assertGreaterEqual(time.monotonic() - sent, 1.0)
        failure = job.failure()
        self.assertIn("SIGTERM", failure)
        self.assertIn("did not exit within the stop deadline", failure)

    def test_as_pid_1_orphans_are_reaped_and_sigterm_reaches_the_handler(self):
        # helper_orphans exits 0 only if all 100 orphans were reaped while it still ran.
        job = self.job_running("helper_orphans", "100", "exit", "--await-reaped")
        code, _, stderr = job.run(self.train, prefix=("unshare", "--pid", "--fork", "--mount-proc"))
        self.assertEqual(code, 0, stderr.decode(errors="replace"))
        self.assertTrue(job.succeeded())

        job = self.job_running("helper_signals")
        process, lines = self.start(job, prefix=("unshare", "--pid", "--fork", "--mount-proc"))
        self.assertEqual(lines.next_line(), "ready")
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        self.assertEqual(len(children), 1)
        os.kill(int(children[0]), signal.SIGTERM)  # train, PID 1 inside the namespace
        self.assertEqual(lines.next_line(), "SIGTERM")
        self.assertEqual(process.wait(timeout=10), 0)
        self.assertTrue(job.failure().startswith("Stopped:\nExitCode 0\n"))

    def test_what_the_program_leaves_in_its_group_is_stopped(self):
        job = self.job(hyperparameters={"sagemaker_program": "run.sh"})
        pid_file = job.path("model", "sleeper")
        job.write_code("run.sh", "#!/bin/sh\nsleep 300 &\necho $! > %s\nexit 0\n" % pid_file)
        started = time.monotonic()
        code, _, _ = job.run(self.train)
        self.assertEqual(code, 0)
        self.assertLess(time.monotonic() - started, 20)
        with open(pid_file) as f:
            sleeper = int(f.read())
        wait_until(lambda: not alive(sleeper), what="the leftover sleep exits")

    def test_exit_codes_0_to_255_pass_through(self):
        for status in range(256):
            job = self.job()
            job.copy_into_code(self.helper("helper_exit"), "helper_exit")
            job.write_config("hyperparameters.json", {"sagemaker_program": '"helper_exit"',
                                                      "code": str(status)})
            code, _, _ = job.run(self.train)
            self.assertEqual(code, status)
            self.assertEqual(job.succeeded(), status == 0)
            job.cleanup()

    def test_death_by_each_common_signal_gives_128_plus_n(self):
        for name in COMMON_SIGNALS:
            number = int(getattr(signal, name))
            with self.subTest(signal=name):
                job = self.job()
                job.copy_into_code(self.helper("helper_kill_self"), "helper_kill_self")
                job.write_config("hyperparameters.json",
                                 {"sagemaker_program": '"helper_kill_self"', "s": str(number)})
                code, _, _ = job.run(self.train)
                self.assertEqual(code, 128 + number)
                failure = job.failure()
                self.assertTrue(failure.startswith("ExecuteUserScriptError:\nExitCode %d\n"
                                                   % (128 + number)), failure)
                self.assertIn(name, failure[:1024])
                self.assertNotIn("OutOfMemory", failure)

    def test_stderr_is_relayed_byte_for_byte(self):
        size = 4 * 1024 * 1024
        job = self.job_running("helper_write", "stderr", str(size), "invalid")
        code, _, stderr = job.run(self.train)
        self.assertEqual(code, 0)
        expected = bytes(10 if i % 64 == 63 else 0x80 + i % 128 for i in range(size))
        self.assertIn(expected, stderr)
        long_line = self.job_running("helper_write", "stderr", str(size), "single")
        code, _, stderr = long_line.run(self.train)
        self.assertEqual(code, 0)
        expected = bytes(10 if i == size - 1 else ord("a") + i % 26 for i in range(size))
        self.assertIn(expected, stderr)

    def test_stop_before_the_program_starts_ends_train_promptly(self):
        job = self.job(hyperparameters={"sagemaker_program": "t.py"},
                       resources={"current_host": "algo-1", "hosts": ["algo-1"]})
        job.write_code("t.py", "pass\n")
        environment = {"OPTML_HOST_RESOLUTION_TIMEOUT": "120", "SM_STUDIO_LOCAL_MODE": "false"}
        process = job.start(self.train, environment, ("unshare", "--net"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(kill_group, process)
        self.addCleanup(process.stderr.close)
        log = LineReader(process.stderr)
        while "waiting for host algo-1" not in log.next_line(timeout=20):
            pass
        process.send_signal(signal.SIGTERM)  # unshare without --fork became train itself
        self.assertEqual(process.wait(timeout=10), 128 + signal.SIGTERM)
        failure = job.failure()
        self.assertTrue(failure.startswith("Stopped:\n"), failure)
        self.assertIn("algo-1", failure)

    def test_out_of_memory_is_reported_only_when_the_cgroup_says_so(self):
        cgroup = memory_cgroup_for_test()
        if cgroup is None:
            self.skipTest("no writable memory cgroup on this machine")
        self.addCleanup(remove_cgroup, cgroup)
        # Well above train's own footprint (also in a sanitizer build), so the hog is the one killed.
        set_memory_limit(cgroup, 256 * 1024 * 1024)
        job = self.job(hyperparameters={"sagemaker_program": "hog.py"})
        job.write_code("hog.py", "chunks = []\nwhile True:\n    chunks.append(bytearray(8 << 20))\n")
        wrapper = ("sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$1"', cgroup)
        code, _, stderr = job.run(self.train, prefix=wrapper)
        self.assertEqual(code, 128 + signal.SIGKILL, stderr.decode(errors="replace"))
        self.assertIn("OutOfMemory", job.failure()[:1024])


def memory_cgroup_for_test():
    """A fresh child of train's memory cgroup (v2 or v1), or None when none can be made."""
    with open("/proc/self/cgroup") as f:
        lines = [line.strip().split(":", 2) for line in f]
    candidates = []
    for _, controllers, path in lines:
        if controllers == "":
            candidates.append(("/sys/fs/cgroup" + path).rstrip("/"))
        elif "memory" in controllers.split(","):
            candidates.append(("/sys/fs/cgroup/memory" + path).rstrip("/"))
            candidates.append("/sys/fs/cgroup/memory")
    for parent in candidates:
        child = os.path.join(parent, "optml-test-%d" % os.getpid())
        try:
            os.mkdir(child)
        except OSError:
            continue
        if any(os.path.exists(os.path.join(child, name))
               for name in ("memory.max", "memory.limit_in_bytes")):
            return child
        os.rmdir(child)
    return None


def set_memory_limit(cgroup, limit):
    for name in ("memory.max", "memory.limit_in_bytes"):
        path = os.path.join(cgroup, name)
        if os.path.exists(path):
            with open(path, "w") as f:
                f.write(str(limit))
    swap = os.path.join(cgroup, "memory.memsw.limit_in_bytes")
    if os.path.exists(swap):
        try:
            with open(swap, "w") as f:
                f.write(str(limit))
        except OSError:
            pass


def remove_cgroup(cgroup):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.rmdir(cgroup)
            return
        except OSError:
            time.sleep(0.05)  # the killed processes leave the cgroup asynchronously


if __name__ == "__main__":
    main(globals())

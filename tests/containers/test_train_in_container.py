"""`train` as a container's command, the way SageMaker runs it: the example job with /opt/ml
mounted, a stop (`podman kill -s TERM`) reaching the program's handler, orphans reaped by train
as PID 1, and a failing job's failure file."""
import json
import os
import shutil
import subprocess
import uuid

import containers

REPO = containers.REPO

STOPPABLE = r"""
import os, signal, time
model = os.environ["SM_MODEL_DIR"]
def on_term(signum, frame):
    with open(os.path.join(model, "handler-ran"), "w") as f:
        f.write("pid=%d ppid=%d\n" % (os.getpid(), os.getppid()))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
signal.signal(signal.SIGTERM, on_term)
with open(os.path.join(model, "ready"), "w") as f:
    f.write("ready\n")
for _ in range(600):
    time.sleep(0.1)
"""

# Makes an orphan: a child whose child outlives it. The orphan is re-parented to PID 1 (train),
# exits, and must be reaped there: its /proc entry (a zombie's stays) has to vanish.
ORPHANS = r"""
import json, os, sys, time
model = os.environ["SM_MODEL_DIR"]
read_end, write_end = os.pipe()
child = os.fork()
if child == 0:
    grandchild = os.fork()
    if grandchild == 0:
        os.close(read_end)
        os.close(write_end)
        deadline = time.monotonic() + 10
        while os.getppid() != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        os._exit(0)
    os.write(write_end, str(grandchild).encode())
    os._exit(0)
os.close(write_end)
orphan = int(os.read(read_end, 32))
os.waitpid(child, 0)
deadline = time.monotonic() + 15
while os.path.exists("/proc/%d" % orphan) and time.monotonic() < deadline:
    time.sleep(0.02)
with open(os.path.join(model, "orphans.json"), "w") as f:
    json.dump({"my_parent": os.getppid(), "orphan_reaped": not os.path.exists("/proc/%d" % orphan),
               "pid1": open("/proc/1/cmdline").read().split("\0")[0]}, f)
"""

FAILING = """
import sys
print("about to fail", flush=True)
raise ValueError("the learning rate must be positive")
"""


class TrainInContainer(containers.ContainerTestCase):
    def test_example_job_writes_model_and_success(self):
        base = self.make_job({})
        shutil.rmtree(os.path.join(base, "input"))
        shutil.copytree(os.path.join(REPO, "example", "config"),
                        os.path.join(base, "input", "config"))
        shutil.copytree(os.path.join(REPO, "example", "data"),
                        os.path.join(base, "input", "data"))
        # The code is baked into the example image at /opt/ml/code: only input, model and
        # output are mounted, as SageMaker mounts them.
        result = self.podman.run("localhost/optml/example-job", ["train"],
                                 volumes=self.job_volumes(base, with_code=False))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(self.read(os.path.join(base, "output", "success")), "")
        with open(os.path.join(base, "model", "model.json")) as f:
            model = json.load(f)
        self.assertEqual(model["trained_on"], "algo-1")
        self.assertAlmostEqual(model["a"], 2.0, delta=0.3)
        self.assertIn("epoch 0", result.stdout + result.stderr)

    def test_stop_reaches_the_program_handler(self):
        base = self.make_job({}, code=STOPPABLE)
        name = "optml-stop-" + uuid.uuid4().hex[:8]
        log_path = os.path.join(base, "container.log")
        with open(log_path, "w") as log:
            container = self.podman.popen(*self.podman.run_args(
                "localhost/optml/base", ["train"], volumes=self.job_volumes(base), name=name,
                env={"OPTML_STOP_TIMEOUT": "20"}), stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.remove_container, name, container)
        self.wait_for_file(os.path.join(base, "model", "ready"), 60, container)
        self.podman.podman("kill", "-s", "TERM", name)
        exit_code = container.wait(timeout=60)
        log = self.read(log_path)
        self.assertEqual(exit_code, 143, log)
        handler = self.read(os.path.join(base, "model", "handler-ran"))
        self.assertIsNotNone(handler, log)
        self.assertIn("ppid=1\n", handler)  # the program's parent is train, PID 1
        failure = self.read(os.path.join(base, "output", "failure"))
        self.assertTrue(failure and failure.startswith("Stopped"), failure)

    def test_orphans_are_reaped_by_train_as_pid_1(self):
        base = self.make_job({}, code=ORPHANS)
        result = self.podman.run("localhost/optml/base", ["train"],
                                 volumes=self.job_volumes(base))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(base, "model", "orphans.json")) as f:
            seen = json.load(f)
        self.assertEqual(seen["my_parent"], 1)
        self.assertTrue(seen["pid1"].endswith("train"), seen)
        self.assertTrue(seen["orphan_reaped"], seen)

    def test_failing_job_writes_its_failure_file(self):
        base = self.make_job({}, code=FAILING)
        result = self.podman.run("localhost/optml/base", ["train"],
                                 volumes=self.job_volumes(base))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        failure = self.read(os.path.join(base, "output", "failure"))
        self.assertIsNotNone(failure, result.stderr)
        self.assertIn("ValueError: the learning rate must be positive", failure)
        self.assertIn("ExitCode 1", failure)
        self.assertFalse(os.path.exists(os.path.join(base, "output", "success")))


if __name__ == "__main__":
    containers.main()

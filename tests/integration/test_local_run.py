"""scripts/optml-local, natively: a job from a code folder, a data folder per channel and
hyperparameters on the command line (the model and outcome copied out), and a model folder
served on loopback."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import harness

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCAL = os.path.join(REPO, "scripts", "optml-local")
TRAIN = None


class LocalRun(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="optml-local-it-")
        self.addCleanup(shutil.rmtree, self.root, True)

    def local(self, *argv, timeout=120):
        return subprocess.run([sys.executable, LOCAL] + list(argv), capture_output=True,
                              text=True, timeout=timeout, cwd=self.root,
                              env={"PATH": harness.CLEAN_PATH, "LANG": "C.UTF-8"})

    def test_example_job_runs_and_its_model_is_copied_out(self):
        output = os.path.join(self.root, "out")
        result = self.local("train", "--train", TRAIN,
                            "--code", os.path.join(REPO, "example", "code"),
                            "--entry-point", "train.py",
                            "--channel", "train=" + os.path.join(REPO, "example", "data", "train"),
                            "--hp", "epochs=200", "--hp", "learning-rate=0.05",
                            "--output", output)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(output, "model", "model.json")) as f:
            model = json.load(f)
        self.assertAlmostEqual(model["a"], 2.0, delta=0.3)
        self.assertTrue(os.path.exists(os.path.join(output, "output", "success")))
        self.assertIn("(success)", result.stdout)

    def test_hyperparameters_reach_the_program_as_sagemaker_passes_them(self):
        code = os.path.join(self.root, "code")
        os.makedirs(code)
        with open(os.path.join(code, "show.py"), "w") as f:
            f.write("import json, os, sys\n"
                    "json.dump({'argv': sys.argv[1:], 'hps': json.loads(os.environ['SM_HPS']),\n"
                    "           'channels': json.loads(os.environ['SM_CHANNELS'])},\n"
                    "          open(os.path.join(os.environ['SM_MODEL_DIR'], 'seen.json'), 'w'))\n")
        data = os.path.join(self.root, "data")
        os.makedirs(data)
        result = self.local("train", "--train", TRAIN, "--code", code, "--entry-point", "show.py",
                            "--channel", "train=" + data, "--channel", "test=" + data,
                            "--hp", "epochs=3", "--hp", "name=a b", "--hp", "layers=[64, 32]",
                            "--output", os.path.join(self.root, "out"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.root, "out", "model", "seen.json")) as f:
            seen = json.load(f)
        self.assertEqual(seen["hps"], {"epochs": 3, "name": "a b", "layers": [64, 32]})
        self.assertEqual(seen["channels"], ["test", "train"])
        self.assertIn("--epochs", seen["argv"])

    def test_a_failing_job_exits_with_its_code_and_copies_the_failure(self):
        code = os.path.join(self.root, "code")
        os.makedirs(code)
        with open(os.path.join(code, "fail.py"), "w") as f:
            f.write("import sys\nsys.exit(3)\n")
        output = os.path.join(self.root, "out")
        result = self.local("train", "--train", TRAIN, "--code", code, "--entry-point", "fail.py",
                            "--output", output)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        with open(os.path.join(output, "output", "failure")) as f:
            self.assertIn("ExitCode 3", f.read())

    def test_bad_arguments_are_named(self):
        result = self.local("train", "--train", TRAIN, "--code", self.root, "--entry-point",
                            "missing.py", "--channel", "train")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--channel must be NAME=VALUE", result.stderr)
        result = self.local("train", "--train", TRAIN, "--code", self.root, "--entry-point",
                            "missing.py")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("the entry point missing.py is not in", result.stderr)

    def test_serve_answers_a_model_folder_on_loopback_and_stops_on_sigterm(self):
        serve = os.path.join(os.path.dirname(TRAIN), "serve")
        if not os.access(serve, os.X_OK):
            self.skipTest("no serve beside train")
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, LOCAL, "serve", "--serve", serve, "--port", str(port),
             "--model", os.path.join(REPO, "example", "model")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.root,
            env={"PATH": harness.CLEAN_PATH, "LANG": "C.UTF-8",
                 "SAGEMAKER_MODEL_SERVER_WORKERS": "1"})
        self.addCleanup(lambda: process.poll() is None and process.kill())
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/ping")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                self.fail("serve did not answer /ping: " + process.communicate()[0])
            time.sleep(0.05)
        status, body = request(port, "POST", "/invocations", json.dumps({"x": [0, 3]}))
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"y": [1.0, 7.0]})
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=60), 0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


if __name__ == "__main__":
    known, argv = harness.parse_arguments()
    TRAIN = os.path.abspath(known.train)
    unittest.main(argv=argv)

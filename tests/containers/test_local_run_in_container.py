"""scripts/optml-local with --image: the example job from local folders run as `IMAGE train`
(the model copied out), and a model folder served as `IMAGE serve` in a test network
namespace, stopped with SIGTERM through optml-local and podman."""
import json
import os
import shlex
import signal
import subprocess
import sys
import uuid

import containers

LOCAL = os.path.join(containers.REPO, "scripts", "optml-local")
CLIENT = os.path.join(containers.HERE, "serve_client.py")


class LocalRunInContainer(containers.ContainerTestCase):
    def engine_arguments(self, network):
        engine = " ".join(shlex.quote(word) for word in ["podman"] + self.podman.engine)
        return ["--engine", engine] + ["--run-arg=" + arg for arg in containers.LIMITS] + [
            "--run-arg=--hostname=algo-1"] + (["--run-arg=--network=" + network]
                                              if network else [])

    def test_example_job_in_the_base_image(self):
        output = os.path.join(self.make_temp(), "out")
        result = subprocess.run(
            [sys.executable, LOCAL, "train", "--image", "localhost/optml/base",
             *self.engine_arguments("none"),
             "--code", os.path.join(containers.REPO, "example", "code"), "--entry-point",
             "train.py", "--channel",
             "train=" + os.path.join(containers.REPO, "example", "data", "train"),
             "--hp", "epochs=200", "--hp", "learning-rate=0.05", "--output", output],
            capture_output=True, text=True, timeout=300, env=self.podman.env())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(output, "model", "model.json")) as f:
            self.assertAlmostEqual(json.load(f)["a"], 2.0, delta=0.3)
        self.assertTrue(os.path.exists(os.path.join(output, "output", "success")))

    def test_model_folder_served_by_the_base_image(self):
        netns = "optmlctr-%d-%s" % (os.getpid(), uuid.uuid4().hex[:6])
        subprocess.run(["ip", "netns", "add", netns], check=True)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", netns])
        subprocess.run(["ip", "-n", netns, "link", "set", "lo", "up"], check=True)
        name = "optml-local-" + uuid.uuid4().hex[:8]
        log_path = os.path.join(self.make_temp(), "serve.log")
        with open(log_path, "w") as log:
            serve = subprocess.Popen(
                [sys.executable, LOCAL, "serve", "--image", "localhost/optml/base",
                 *self.engine_arguments("ns:/run/netns/" + netns), "--run-arg=--name=" + name,
                 "--model", os.path.join(containers.REPO, "example", "model")],
                stdout=log, stderr=subprocess.STDOUT, env=self.podman.env())
        self.addCleanup(self.remove_container, name, serve)

        def client(*argv):
            out = subprocess.run(["ip", "netns", "exec", netns, sys.executable, CLIENT, "8080"]
                                 + list(argv), capture_output=True, text=True, timeout=90)
            return json.loads(out.stdout)
        self.assertEqual(client("ping")["status"], 200, self.read(log_path))
        answer = client("invoke", json.dumps({"x": [2]}))
        self.assertEqual((answer["status"], json.loads(answer["body"])), (200, {"y": [5.0]}))
        serve.send_signal(signal.SIGTERM)
        self.assertEqual(serve.wait(timeout=60), 0, self.read(log_path))


if __name__ == "__main__":
    containers.main()

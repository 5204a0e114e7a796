"""`serve` as a container's command: the example model image answers /ping and /invocations
inside a network namespace the test makes (nothing else can reach it, nothing leaves), and
`podman stop` drains: a request in flight is answered, then serve exits 0."""
import json
import os
import subprocess
import sys
import uuid

import containers

CLIENT = os.path.join(containers.HERE, "serve_client.py")

SLOW_MODEL = r"""
import json, os, time
MODEL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
def model_fn(model_dir):
    return "slow"
def input_fn(data, content_type):
    return json.loads(data)
def predict_fn(data, model):
    with open(os.path.join(MODEL_DIR, "in-flight"), "w") as f:
        f.write("yes")
    time.sleep(data["sleep"])
    return {"slept": data["sleep"]}
def output_fn(prediction, accept):
    return json.dumps(prediction)
"""


class ServeInContainer(containers.ContainerTestCase):
    def setUp(self):
        self.netns = "optmlctr-%d-%s" % (os.getpid(), uuid.uuid4().hex[:6])
        subprocess.run(["ip", "netns", "add", self.netns], check=True)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", self.netns])
        subprocess.run(["ip", "-n", self.netns, "link", "set", "lo", "up"], check=True)

    def client(self, *argv):
        return subprocess.Popen(["ip", "netns", "exec", self.netns, sys.executable, CLIENT,
                                 "8080"] + list(argv), stdout=subprocess.PIPE, text=True)

    def answer(self, process):
        out, _ = process.communicate(timeout=90)
        return json.loads(out)

    def start_serve(self, image, volumes=()):
        name = "optml-serve-" + uuid.uuid4().hex[:8]
        log_path = os.path.join(self.make_temp(), "serve.log")
        with open(log_path, "w") as log:
            container = self.podman.popen(*self.podman.run_args(
                image, ["serve"], network="ns:/run/netns/" + self.netns, name=name,
                volumes=volumes, env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1"}),
                stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.remove_container, name, container)
        return name, container, log_path

    def test_example_model_answers_ping_and_invocations(self):
        name, container, log_path = self.start_serve("localhost/optml/example-model")
        ping = self.answer(self.client("ping"))
        self.assertEqual(ping["status"], 200, self.read(log_path))
        answer = self.answer(self.client("invoke", json.dumps({"x": [1, 2]})))
        self.assertEqual(answer["status"], 200, self.read(log_path))
        self.assertEqual(json.loads(answer["body"]), {"y": [3.0, 5.0]})
        self.podman.podman("stop", "-t", "30", name)
        self.assertEqual(container.wait(timeout=60), 0, self.read(log_path))

    def test_stop_drains_the_request_in_flight(self):
        model = self.make_temp()
        os.makedirs(os.path.join(model, "code"))
        with open(os.path.join(model, "code", "inference.py"), "w") as f:
            f.write(SLOW_MODEL)
        name, container, log_path = self.start_serve("localhost/optml/base",
                                                     volumes=[(model, "/opt/ml/model")])
        self.assertEqual(self.answer(self.client("ping"))["status"], 200, self.read(log_path))
        slow = self.client("invoke", json.dumps({"sleep": 1.5}))
        self.wait_for_file(os.path.join(model, "in-flight"), 30, container)
        self.podman.podman("stop", "-t", "30", name)
        answer = self.answer(slow)
        self.assertEqual(answer["status"], 200, self.read(log_path))
        self.assertEqual(json.loads(answer["body"]), {"slept": 1.5})
        self.assertEqual(container.wait(timeout=60), 0, self.read(log_path))


if __name__ == "__main__":
    containers.main()

"""Parameter servers on 2 hosts with Python stand-ins: each role gets its variables (MXNet's
DMLC_* and TensorFlow's TF_CONFIG), servers run next to the worker program and are gone once
train exits, and train reports the worker's own outcome."""
import json
import os

import mpi_job
import runner_job

STANDIN = os.path.join(mpi_job.PAYLOADS, "ps_standin.py")


class ParameterServers(runner_job.RunnerTestCase):
    def run_job(self, flavour, extra_env=None):
        self.write_runner_jobs(["ps_standin.py"], {"sagemaker_program": "ps_standin.py",
                                                   "sagemaker_parameter_server_enabled": True})
        # The cluster's own folder marks this run's stand-ins among the machine's processes.
        env = {"OPTML_PARAMETER_SERVER": flavour, "OPTML_CLEANUP_TIMEOUT": "1",
               "OPTML_PARAMETER_SERVER_COMMAND": "%s %s --server %s" % (
                   self.python, STANDIN, self.cluster.root)}
        env.update(extra_env or {})
        processes = {host: self.start_train(host, env) for host in self.cluster.hosts}
        ended = self.wait_all(processes, timeout=30)
        self.assertEqual(self.standins_left(), [], self.logs(processes))
        return processes, ended

    def standins_left(self):
        left = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    words = f.read().decode(errors="replace").split("\0")
            except OSError:
                continue
            if STANDIN in words and self.cluster.root in words:
                left.append(pid)
        return left

    def seen(self, host, role):
        path = os.path.join(self.cluster.host_base(host), "output", "data", role + ".json")
        self.assertTrue(os.path.exists(path), "no %s on %s" % (role, host))
        with open(path) as f:
            return json.load(f)

    def test_mxnet_roles_and_variables(self):
        processes, ended = self.run_job("mxnet")
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
        common = {"DMLC_NUM_WORKER": "2", "DMLC_NUM_SERVER": "2", "DMLC_PS_ROOT_URI": "algo-1",
                  "DMLC_PS_ROOT_PORT": "8000", "PS_VERBOSE": "0"}
        roles = {"algo-1": ["scheduler", "server", "worker"], "algo-2": ["server", "worker"]}
        for host, host_roles in roles.items():
            for role in host_roles:
                seen = self.seen(host, role)
                self.assertEqual(seen["DMLC_ROLE"], role)
                self.assertEqual({k: seen[k] for k in common}, common, (host, role))
                self.assertEqual(seen["SM_CURRENT_HOST"], host)
            self.assertIn("server.json", self.seen(host, "worker")["servers_before"])
        self.assertFalse(os.path.exists(os.path.join(
            self.cluster.host_base("algo-2"), "output", "data", "scheduler.json")))

    def test_tensorflow_config_and_a_failing_worker(self):
        processes, ended = self.run_job("tensorflow", {"STANDIN_EXIT": "3"})
        logs = self.logs(processes)
        cluster = {"master": ["algo-1:2222"], "ps": ["algo-1:2223", "algo-2:2223"],
                   "worker": ["algo-2:2222"]}
        tasks = {"algo-1": ("master", 0), "algo-2": ("worker", 0)}
        for index, host in enumerate(self.cluster.hosts):
            self.assertEqual(ended[host][0], 3, logs)
            self.assertTrue(self.cluster.read_output(host, "failure").startswith(
                "ExecuteUserScriptError:\n"), logs)
            ps = self.seen(host, "ps")
            self.assertEqual(json.loads(ps["TF_CONFIG"]), {
                "cluster": cluster, "environment": "cloud",
                "task": {"index": index, "type": "ps"}})
            self.assertEqual(ps["CUDA_VISIBLE_DEVICES"], "")
            task_type, task_index = tasks[host]
            worker = json.loads(self.seen(host, task_type)["TF_CONFIG"])
            self.assertEqual(worker["task"], {"index": task_index, "type": task_type})
            self.assertEqual(worker["cluster"], cluster)
            self.assertIsNone(self.seen(host, task_type)["DMLC_ROLE"])


if __name__ == "__main__":
    runner_job.main(globals())

"""A PyTorch-style framework toolkit (python/tests/compat/toolkits) as every host's
SAGEMAKER_TRAINING_MODULE, choosing MPI, SMDataParallel or torchrun: each host's train runs
the framework process alone, and the toolkit's `train run-entry-point` runs optml's runner
(MPI leader on algo-1, workers waiting for its outcome; one torchrun per host). A rank that
raises fails every host's job, the leader's failure file holding the rank's exception."""
import os
import re

import mpi_job
import runner_job

REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOOLKIT_PATH = os.path.join(REPO, "python", "src") + ":" + os.path.join(
    REPO, "python", "tests", "compat", "toolkits")


class FrameworkRunnerCase:
    def framework_env(self, extra=None):
        env = {"SAGEMAKER_TRAINING_MODULE": "stand_in_pytorch.training:main",
               "PYTHONPATH": TOOLKIT_PATH, "OPTML_TRAIN": self.train}
        env.update(extra or {})
        return env

    def start_framework_jobs(self, program, hyperparameters, extra_env=None):
        with open(os.path.join(mpi_job.PAYLOADS, program)) as f:
            code = f.read()
        for host in self.cluster.hosts:
            self.cluster.write_job(host, dict(hyperparameters, sagemaker_program=program),
                                   {program: code}, mpi_job.resources(host, self.cluster.hosts))
        return {host: self.start_train(host, self.framework_env(extra_env))
                for host in reversed(self.cluster.hosts)}

    def assert_every_host_succeeded(self, processes, ended):
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
            self.assertIsNone(self.cluster.read_output(host, "failure"), logs)
        return logs


class FrameworkMpi(FrameworkRunnerCase, mpi_job.MpiTestCase):
    hosts_count = 2

    def test_mpi_runner_from_the_toolkit(self):
        processes = self.start_framework_jobs(
            "allreduce.py", {"sagemaker_mpi_enabled": True,
                             "sagemaker_mpi_num_of_processes_per_host": 1})
        ended = self.wait_all(processes, timeout=60)
        self.assert_every_host_succeeded(processes, ended)
        leader_log = self.log(processes["algo-1"])
        ranks = re.findall(r"rank=(\d) size=2 sum=3 uname=(\S+) sm_current_host=(\S+)",
                           leader_log)
        self.assertEqual(sorted(ranks), [("0", "algo-1", "algo-1"), ("1", "algo-2", "algo-2")],
                         leader_log)
        self.assertIn("running the Python program with the MPI runner", leader_log)

    def test_smdataparallel_runner_from_the_toolkit(self):
        processes = self.start_framework_jobs(
            "allreduce.py", {"sagemaker_distributed_dataparallel_enabled": True,
                             "sagemaker_mpi_num_of_processes_per_host": 1})
        ended = self.wait_all(processes, timeout=60)
        self.assert_every_host_succeeded(processes, ended)
        leader_log = self.log(processes["algo-1"])
        self.assertEqual(len(re.findall(r"rank=\d size=2 sum=3 ", leader_log)), 2, leader_log)
        self.assertIn("with the SMDataParallel runner", leader_log)

    def test_failing_rank_fails_every_host_with_one_failure_file(self):
        processes = self.start_framework_jobs(
            "fail.py", {"sagemaker_mpi_enabled": True,
                        "sagemaker_mpi_num_of_processes_per_host": 1})
        ended = self.wait_all(processes, timeout=60)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertNotEqual(ended[host][0], 0, logs)
            self.assertIsNone(self.cluster.read_output(host, "success"), logs)
        failure = self.cluster.read_output("algo-1", "failure")
        self.assertTrue(failure.startswith("ExecuteUserScriptError:\nThe MPI job failed at "),
                        failure)
        self.assertNotIn("Command", failure)
        self.assertTrue(self.cluster.read_output("algo-2", "failure").startswith(
            "ClusterError:\nThe MPI job failed"), logs)


class FrameworkTorchrun(FrameworkRunnerCase, runner_job.RunnerTestCase):
    module = ("torch", "python3-torch")

    def test_torchrun_runner_from_the_toolkit(self):
        env = {"OPTML_TORCHRUN": self.python + " -m torch.distributed.run",
               "PET_REDIRECTS": "9:1", "PET_TEE": "9:1", "OPTML_STOP_TIMEOUT": "10"}
        processes = self.start_framework_jobs(
            "torch_allreduce.py", {"sagemaker_torch_distributed_enabled": True,
                                   "sagemaker_mpi_num_of_processes_per_host": 2}, env)
        ended = self.wait_all(processes, timeout=60)
        logs = self.assert_every_host_succeeded(processes, ended)
        ranks = re.findall(r"rank=(\d) size=4 sum=10 host=(\S+)", logs)
        self.assertEqual(sorted(rank for rank, _ in ranks), ["0", "1", "2", "3"], logs)
        for rank, host in ranks:
            self.assertEqual(host, self.cluster.hosts[int(rank) // 2], logs)


if __name__ == "__main__":
    mpi_job.main(globals())

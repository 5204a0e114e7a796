"""`train remote-function --distribution torchrun` on 2 simulated hosts, one rank each: every
host runs its own train over the same payloads, gloo reduces across the hosts, only rank 0
writes results/, and a failing rank writes exception/ while every host ends non-zero."""
import pickle

import mpi_job
import remote_job
import runner_job


def reduce_ranks():
    import socket

    import torch
    import torch.distributed as dist
    dist.init_process_group("gloo")
    total = torch.tensor([dist.get_rank() + 1])
    dist.all_reduce(total)
    return dist.get_rank(), dist.get_world_size(), int(total.item()), socket.gethostname()


def fail_on_rank_one():
    import torch.distributed as dist
    dist.init_process_group("gloo")
    if dist.get_rank() == 1:
        raise ValueError("rank 1 failed on purpose")
    dist.barrier()  # fails when rank 1's host goes away
    return "rank 0 returned"


class RemoteFunctionTorchrun(runner_job.RunnerTestCase):
    module = ("torch", "python3-torch")

    def start_jobs(self, function):
        # Debian's torch 1.13 on Python 3.11 needs PET_REDIRECTS/PET_TEE (see torch_job.py).
        return remote_job.start_remote_jobs(self, function, "torchrun", {
            "OPTML_TORCHRUN": self.python + " -m torch.distributed.run",
            "PET_REDIRECTS": "9:1", "PET_TEE": "9:1", "GLOO_SOCKET_IFNAME": "eth0"})

    def test_only_rank_0_writes_results(self):
        root, processes = self.start_jobs(reduce_ranks)
        ended = self.wait_all(processes, timeout=60)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
        # Rank 0 runs on algo-1; both ranks took part in the reduction (1 + 2).
        self.assertEqual(pickle.loads(root.get("results/payload.pkl")), (0, 2, 3, "algo-1"))
        self.assertIsNotNone(root.get("results/metadata.json"))
        self.assertIsNone(root.get("exception/payload.pkl"))

    def test_a_failing_rank_writes_exception_and_every_host_fails(self):
        root, processes = self.start_jobs(fail_on_rank_one)
        ended = self.wait_all(processes, timeout=60)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertNotEqual(ended[host][0], 0, logs)
            self.assertIsNotNone(self.cluster.read_output(host, "failure"), logs)
        self.assertIsNone(root.get("results/payload.pkl"), logs)
        self.assertIsNotNone(root.get("exception/metadata.json"), logs)
        error = pickle.loads(root.get("exception/payload.pkl"))
        # Each host's first failing rank writes exception/: rank 1's own error, or rank 0's
        # failed barrier when algo-1 uploaded last.
        self.assertIn(type(error), (ValueError, RuntimeError), repr(error))
        if isinstance(error, ValueError):
            self.assertEqual(repr(error), "ValueError('rank 1 failed on purpose')")
        self.assertIn("rank 1 failed on purpose", self.cluster.read_output("algo-2", "failure"),
                      logs)


if __name__ == "__main__":
    mpi_job.main(globals())

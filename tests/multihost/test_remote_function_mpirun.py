"""`train remote-function --distribution mpirun` on 2 simulated hosts, one rank each, through
optml's MPI runner (the leader's mpirun reaches algo-2 through its sshd): only rank 0 writes
results/, and a failing rank on the worker host writes exception/ while every host ends
non-zero."""
import pickle

import mpi_job
import remote_job


def reduce_ranks():
    import socket

    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    return comm.Get_rank(), comm.Get_size(), comm.allreduce(comm.Get_rank() + 1), \
        socket.gethostname()


def fail_on_rank_one():
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    if comm.Get_rank() == 1:
        raise ValueError("rank 1 failed on purpose")
    comm.Barrier()  # mpirun ends the job when rank 1 fails
    return "rank 0 returned"


class RemoteFunctionMpirun(mpi_job.MpiTestCase):
    hosts_count = 2

    def start_jobs(self, function):
        return remote_job.start_remote_jobs(self, function, "mpirun", {
            "OPTML_MPI_WORKERS_TIMEOUT": "20", "OPTML_MPI_JOB_START_TIMEOUT": "30"})

    def test_only_rank_0_writes_results(self):
        root, processes = self.start_jobs(reduce_ranks)
        ended = self.wait_all(processes, timeout=60)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
        # Rank 0 runs on the leader algo-1; both ranks took part in the reduction (1 + 2).
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
        self.assertEqual(repr(error), "ValueError('rank 1 failed on purpose')", logs)
        self.assertEqual(self.cluster.read_output("algo-2", "failure"),
                         "ValueError('rank 1 failed on purpose')", logs)


if __name__ == "__main__":
    mpi_job.main(globals())

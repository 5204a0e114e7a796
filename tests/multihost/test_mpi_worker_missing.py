"""A worker whose train never starts: the leader fails within OPTML_MPI_WORKERS_TIMEOUT naming
that host, and the worker that did start fails with it."""
import time

import mpi_job


class MpiWorkerMissing(mpi_job.MpiTestCase):
    def test_leader_names_the_missing_worker(self):
        self.write_jobs("allreduce.py")
        started = time.monotonic()
        processes = {host: self.start_train(host, {"OPTML_MPI_WORKERS_TIMEOUT": "3"})
                     for host in ("algo-2", "algo-1")}
        ended = self.wait_all(processes, timeout=30)
        logs = self.logs(processes)
        self.assertNotEqual(ended["algo-1"][0], 0, logs)
        self.assertLess(ended["algo-1"][1] - started, 15, logs)
        failure = self.cluster.read_output("algo-1", "failure")
        self.assertIsNotNone(failure, logs)
        self.assertTrue(failure.startswith("ClusterError:\n"), failure)
        self.assertIn("'algo-3'", failure)
        self.assertIn("OPTML_MPI_WORKERS_TIMEOUT", failure)
        self.assertNotEqual(ended["algo-2"][0], 0, logs)
        self.assertIsNotNone(self.cluster.read_output("algo-2", "failure"), logs)


if __name__ == "__main__":
    mpi_job.main(globals())

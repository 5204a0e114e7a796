"""Shared pieces of the torchrun and parameter-server multi-host tests: the MPI tests' hosts,
jobs and waiting, with each runner's own switch and requirements."""
import os
import unittest

import mpi_job
import simulated_hosts

# No sshd or mpirun: these runners only need the hosts' network.
TOOLS = ["ip", "unshare", "nsenter"]


class RunnerTestCase(mpi_job.MpiTestCase):
    hosts_count = 2
    module = None  # (Python module, Debian package) the payload needs

    @classmethod
    def setUpClass(cls):
        why = simulated_hosts.missing_requirement(cls.python, TOOLS, cls.module)
        if why:
            raise unittest.SkipTest(why)

    def write_runner_jobs(self, files, hyperparameters):
        code = {}
        for name in files:
            with open(os.path.join(mpi_job.PAYLOADS, name)) as f:
                code[name] = f.read()
        for host in self.cluster.hosts:
            self.cluster.write_job(host, hyperparameters, code,
                                   mpi_job.resources(host, self.cluster.hosts))


main = mpi_job.main

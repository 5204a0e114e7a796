"""A two-host MPI job in two containers of the MPI image, each joining a simulated host of the
namespace testbed (tests/multihost: its network namespace, name and hosts file): the leader's
train starts sshd, reaches the worker's sshd in the other container with the image's key,
runs mpirun, and both containers end with success. The blackhole route of the testbed keeps
every packet on the machine."""
import os
import re
import sys
import time

import containers

sys.path.insert(0, os.path.join(containers.REPO, "tests", "multihost"))
import simulated_hosts  # noqa: E402
from mpi_job import resources  # noqa: E402

PAYLOAD = os.path.join(containers.REPO, "tests", "multihost", "payloads", "allreduce.py")


class MpiInContainers(containers.ContainerTestCase):
    def test_allreduce_across_two_containers(self):
        why = simulated_hosts.missing_requirement("/usr/bin/python3", tools=["ip", "unshare",
                                                  "nsenter", "ssh-keygen"], module=None)
        if why:
            self.skipTest(why)
        cluster = simulated_hosts.SimulatedHosts(2).__enter__()
        self.addCleanup(cluster.teardown)
        with open(PAYLOAD) as f:
            code = f.read()
        hyperparameters = {"sagemaker_program": "allreduce.py", "sagemaker_mpi_enabled": True,
                           "sagemaker_mpi_num_of_processes_per_host": 1}
        for host in cluster.hosts:
            cluster.write_job(host, hyperparameters, {"allreduce.py": code},
                              resources(host, cluster.hosts))
        containers_by_host = {}
        for host in reversed(cluster.hosts):
            base = cluster.host_base(host)
            log = open(os.path.join(cluster.root, host + ".container.log"), "w")
            self.addCleanup(log.close)
            name = "%s-%s" % (cluster.tag, host)
            volumes = [(os.path.join(base, f), "/opt/ml/" + f)
                       for f in ("input", "model", "output", "code")]
            volumes.append((os.path.join(cluster.root, "hosts"), "/etc/hosts:ro"))
            process = self.podman.popen(*self.podman.run_args(
                "localhost/optml/base:mpi", ["train"],
                network="ns:/run/netns/" + cluster.netns(host), name=name, volumes=volumes,
                env={"OPTML_MPI_WORKERS_TIMEOUT": "30", "OPTML_MPI_JOB_START_TIMEOUT": "60"},
                hostname=host), stdout=log, stderr=log)
            self.addCleanup(self.remove_container, name, process)
            containers_by_host[host] = (process, log.name)
        deadline = time.monotonic() + 90
        while any(p.poll() is None for p, _ in containers_by_host.values()):
            if time.monotonic() > deadline:
                self.fail("containers still running after 90 s\n" + self._logs(containers_by_host))
            time.sleep(0.05)
        logs = self._logs(containers_by_host)
        for host in cluster.hosts:
            self.assertEqual(containers_by_host[host][0].returncode, 0, logs)
            self.assertEqual(cluster.read_output(host, "success"), "", logs)
        ranks = re.findall(r"rank=(\d) size=2 sum=3 uname=(\S+) sm_current_host=(\S+)",
                           self.read(containers_by_host["algo-1"][1]))
        self.assertEqual(sorted(ranks), [("0", "algo-1", "algo-1"), ("1", "algo-2", "algo-2")],
                         logs)

    def _logs(self, containers_by_host):
        return "\n".join("--- %s\n%s" % (host, self.read(log))
                         for host, (_, log) in containers_by_host.items())


if __name__ == "__main__":
    containers.main()

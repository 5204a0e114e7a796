"""MPI allreduce across 3 simulated hosts: every host's train succeeds, each rank sees its own
host in SM_CURRENT_HOST / CURRENT_HOST, and workers end right after the job."""
import os
import re

import mpi_job


class MpiAllreduce(mpi_job.MpiTestCase):
    def test_allreduce_succeeds_on_every_host(self):
        self.write_jobs("allreduce.py")
        hosts = self.cluster.hosts
        processes = {host: self.start_train(host) for host in reversed(hosts)}
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        for host in hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
            self.assertIsNone(self.cluster.read_output(host, "failure"), logs)
        leader_log = self.log(processes["algo-1"])
        ranks = re.findall(r"rank=(\d) size=3 sum=6 uname=(\S+) sm_current_host=(\S+) "
                           r"current_host=(\S+)", leader_log)
        self.assertEqual(sorted(r[0] for r in ranks), ["0", "1", "2"], leader_log)
        for rank, uname, sm_current_host, current_host in ranks:
            expected = hosts[int(rank)]
            self.assertEqual((uname, sm_current_host, current_host),
                             (expected, expected, expected), leader_log)
        # The gethostname() shim beside train reaches every rank (here the hosts' own names
        # are already algo-N; tests/integration/test_hostname_shim.py checks what it answers).
        shim = os.path.join(os.path.dirname(self.train), "liboptml_gethostname.so")
        self.assertEqual(re.findall(r"rank=\d .* ld_preload=(\S+)", leader_log),
                         [shim if os.path.exists(shim) else "None"] * 3, leader_log)
        # Workers learn the outcome from the leader: no fixed sleep after the job.
        leader_end = ended["algo-1"][1]
        for host in hosts[1:]:
            self.assertLess(ended[host][1] - leader_end, 2.0, logs)


if __name__ == "__main__":
    mpi_job.main(globals())

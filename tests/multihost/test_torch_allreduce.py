"""torchrun with gloo across 2 hosts x 2 processes: the allreduce sums every rank on every
host, each host's train succeeds and no torchrun log folder is left behind."""
import glob
import os
import re
import shutil
import tempfile

import torch_job


class TorchAllreduce(torch_job.TorchTestCase):
    def test_allreduce_succeeds_on_every_host(self):
        # A temp dir of this test's own: other tests (remote functions through torchrun) may
        # hold an optml-torchrun- folder in /tmp at the same time.
        temp_dir = tempfile.mkdtemp(prefix="optml-torch-test-")
        self.addCleanup(shutil.rmtree, temp_dir, True)
        processes = self.start_torch_jobs("torch_allreduce.py", {"TMPDIR": temp_dir})
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        ranks = {}
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
            for rank, local_rank, sm_host, rank_temp_dir in re.findall(
                    r"rank=(\d) size=4 sum=10 host=\S+ local_rank=(\d) sm_current_host=(\S+)"
                    r" tmpdir=(\S+)", self.log(processes[host])):
                ranks[int(rank)] = (host, int(local_rank), sm_host)
                # The job's temp dir (where train puts torchrun's --log_dir) is the test's.
                self.assertEqual(rank_temp_dir, temp_dir, logs)
        self.assertEqual(sorted(ranks), [0, 1, 2, 3], logs)
        for rank, (host, local_rank, sm_host) in ranks.items():
            self.assertEqual(host, self.cluster.hosts[rank // 2], logs)
            self.assertEqual((local_rank, sm_host), (rank % 2, host), logs)
        # /tmp is shared with the hosts: train removes its --log_dir.
        self.assertEqual(glob.glob(os.path.join(temp_dir, "optml-torchrun-*")), [],
                         os.listdir(temp_dir))


if __name__ == "__main__":
    torch_job.main(globals())

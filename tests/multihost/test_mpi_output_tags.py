"""The leader's output carries each rank's host next to mpirun's rank tag, also when the hosts
run different numbers of processes and ranks are placed round-robin by custom options; lines
mpirun split into chunks come out whole."""
import re

import mpi_job

TAGGED = re.compile(r"^\[([^\]]+)\]\[1,(\d+)\]<(stdout|stderr)>:(out|err) rank=(\d+) host=(\S+)$",
                    re.MULTILINE)
LONG = re.compile(r"^\[([^\]]+)\]\[1,(\d+)\]<stdout>:long rank=(\d+) (y*)$", re.MULTILINE)


class MpiOutputTags(mpi_job.MpiTestCase):
    hosts_count = 2

    def test_lines_carry_rank_and_host(self):
        # Two processes on algo-1, one on algo-2, placed by node: ranks 0 and 2 on algo-1.
        self.write_jobs("tags.py", {
            "sagemaker_mpi_num_processes": 3,
            "sagemaker_mpi_custom_mpi_options": "--host algo-1:2,algo-2:1 --map-by node"})
        processes = {host: self.start_train(host) for host in reversed(self.cluster.hosts)}
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
        leader_log = self.log(processes["algo-1"])
        lines = TAGGED.findall(leader_log)
        self.assertEqual(len(lines), 6, leader_log)
        expected_host = {0: "algo-1", 1: "algo-2", 2: "algo-1"}
        seen = set()
        for tag_host, tag_rank, stream, kind, rank, host in lines:
            self.assertEqual((tag_host, tag_rank), (host, rank), leader_log)
            self.assertEqual(host, expected_host[int(rank)], leader_log)
            self.assertEqual(kind, "out" if stream == "stdout" else "err", leader_log)
            seen.add((int(rank), stream))
        self.assertEqual(seen, {(r, s) for r in range(3) for s in ("stdout", "stderr")})
        long_lines = LONG.findall(leader_log)
        self.assertEqual(sorted((int(r), h) for h, r, _, _ in long_lines),
                         sorted(expected_host.items()), leader_log[-3000:])
        for _, tag_rank, rank, ys in long_lines:
            self.assertEqual((tag_rank, len(ys)), (rank, 20000))
        # The ranks' announcements of their hosts are consumed by the leader.
        self.assertNotIn("optml-rank-host", leader_log)


if __name__ == "__main__":
    mpi_job.main(globals())

"""One torchrun rank raises while the others wait in a collective: every host's train exits
non-zero within seconds, each failure naming its own failed ranks and the error a rank printed,
not torchrun's ChildFailedError."""
import re

import torch_job

# "at rank 2 (local rank 0) and rank 3 (local rank 1); first error printed: ..." when torchrun
# stamped both in the same second, else "at rank 3 (local rank 1): ...".
NAMED_RANK = re.compile(r"rank (\d+) \(local rank (\d+)")


class TorchRankFailure(torch_job.TorchTestCase):
    def test_failing_rank_fails_every_host(self):
        processes = self.start_torch_jobs("torch_fail.py")
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        failures = {}
        for node, host in enumerate(self.cluster.hosts):
            self.assertNotEqual(ended[host][0], 0, logs)
            self.assertIsNone(self.cluster.read_output(host, "success"), logs)
            failure = self.cluster.read_output(host, "failure")
            self.assertIsNotNone(failure, logs)
            self.assertTrue(failure.startswith("ExecuteUserScriptError:\n"), failure)
            summary = failure.split("\n")[1]
            self.assertTrue(summary.startswith("torchrun failed on %s (node %d of 2) at rank "
                                               % (host, node)), failure)
            # Each host names only its own ranks (2 per host).
            named = {(int(rank), int(local)) for rank, local in NAMED_RANK.findall(summary)}
            self.assertTrue(named, failure)
            self.assertLessEqual(named, {(2 * node + local, local) for local in (0, 1)}, failure)
            self.assertNotIn("ChildFailedError", failure)
            failures[host] = (summary, failure)

        summary, failure = failures["algo-2"]
        self.assertIn("rank 3 (local rank 1)", summary)
        self.assertTrue(summary.endswith(": ValueError: rank 3 gave up on purpose"), failure)
        self.assertIn('ErrorMessage "ValueError: rank 3 gave up on purpose\n'
                      "Traceback (most recent call last):\n", failure)
        self.assertIn('raise ValueError("rank %d gave up on purpose" % rank)', failure)

        # algo-1's ranks did nothing wrong: they failed in the barrier when rank 3's host went
        # away, and say so with their own error, not rank 3's.
        summary, failure = failures["algo-1"]
        self.assertRegex(summary, r": RuntimeError: \S", failure)
        self.assertIn('ErrorMessage "RuntimeError: ', failure)
        self.assertIn("dist.barrier()", failure)
        self.assertNotIn("ValueError", failure)

        ends = [end for _, end in ended.values()]
        self.assertLess(max(ends) - min(ends), 5.0, logs)


if __name__ == "__main__":
    torch_job.main(globals())

"""One torchrun rank raises while the others wait in a collective: every host's train exits
non-zero within seconds, each failure carrying torchrun's summary of its failed ranks."""
import torch_job


class TorchRankFailure(torch_job.TorchTestCase):
    def test_failing_rank_fails_every_host(self):
        processes = self.start_torch_jobs("torch_fail.py")
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertNotEqual(ended[host][0], 0, logs)
            self.assertIsNone(self.cluster.read_output(host, "success"), logs)
            failure = self.cluster.read_output(host, "failure")
            self.assertIsNotNone(failure, logs)
            self.assertTrue(failure.startswith("ExecuteUserScriptError:\n"), failure)
            self.assertIn("torchrun failed on " + host, failure)
            # torchrun's own summary of the failed local ranks comes last in its stderr.
            self.assertIn("ChildFailedError", failure)
        self.assertIn("ValueError: rank 3 gave up on purpose", self.log(processes["algo-2"]))
        ends = [end for _, end in ended.values()]
        self.assertLess(max(ends) - min(ends), 5.0, logs)


if __name__ == "__main__":
    torch_job.main(globals())

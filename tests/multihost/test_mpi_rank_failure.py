"""One rank raises: every host's train exits non-zero within seconds, and the leader's failure
names the failing rank, its host and its error line, and shows that rank's traceback."""
import mpi_job


class MpiRankFailure(mpi_job.MpiTestCase):
    def test_failing_rank_fails_every_host(self):
        self.write_jobs("fail.py")
        hosts = self.cluster.hosts
        processes = {host: self.start_train(host) for host in reversed(hosts)}
        ended = self.wait_all(processes, timeout=40)
        logs = self.logs(processes)
        for host in hosts:
            self.assertNotEqual(ended[host][0], 0, logs)
            self.assertIsNone(self.cluster.read_output(host, "success"), logs)
        failure = self.cluster.read_output("algo-1", "failure")
        self.assertIsNotNone(failure, logs)
        self.assertTrue(failure.startswith("ExecuteUserScriptError:\n"), failure)
        first_lines = failure.splitlines()[1]
        self.assertIn("rank 2 on algo-3", first_lines, failure)
        self.assertIn("ValueError: rank 2 gave up on purpose", first_lines, failure)
        # The ErrorMessage is that rank's own traceback, exception line first, without tags.
        self.assertIn('ErrorMessage "ValueError: rank 2 gave up on purpose\nTraceback', failure)
        self.assertIn("raise ValueError", failure)
        self.assertNotIn("<stderr>:", failure)
        for host in hosts[1:]:
            worker_failure = self.cluster.read_output(host, "failure")
            self.assertIsNotNone(worker_failure, logs)
            self.assertIn("algo-1", worker_failure)
            self.assertLess(ended[host][1] - ended["algo-1"][1], 2.0, logs)


if __name__ == "__main__":
    mpi_job.main(globals())

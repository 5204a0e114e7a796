"""Failures of a 3-host XGBoost job end it on every host within seconds (not XGBoost's 30
minutes): the failing host reports its own error, the others a ClusterError naming it, and
the tracker is stopped. Before the join (a header row, an empty shard), mid-training (a worker
killed with SIGKILL, a host whose link goes down, a stop request), and a host that never
starts."""
import os
import shutil
import signal

import xgboost_job


class XgboostFailures(xgboost_job.XgboostTestCase):
    def assert_cluster_errors(self, failing, hosts, processes, reason=None):
        logs = self.logs(processes)
        for host in hosts:
            failure = self.cluster.read_output(host, "failure")
            self.assertIsNotNone(failure, logs)
            self.assertTrue(failure.startswith("ClusterError:\n"), failure)
            self.assertIn("The XGBoost job failed on host '%s'" % failing, failure)
            if reason:
                self.assertIn(reason, failure)

    def assert_every_host_failed(self, ended, processes):
        logs = self.logs(processes)
        for host, (code, _) in ended.items():
            self.assertNotEqual(code, 0, logs)
            self.assertIsNone(self.cluster.read_output(host, "success"), logs)
        self.assertEqual(xgboost_job.trackers_left(self.cluster), [], logs)

    def bad_shard_fails_every_host(self, host, text, message):
        shards = self.default_shards()
        shards[host] = {"part-bad.csv": text}
        self.write_xgboost_jobs(shards)
        processes = self.start_xgboost()
        ended = self.wait_all(processes, timeout=40)
        self.assert_every_host_failed(ended, processes)
        failure = self.cluster.read_output(host, "failure")
        self.assertTrue(failure.startswith("ExecuteUserScriptError:\nThe XGBoost job failed on "
                                           "%s (rank " % host), failure)
        self.assertIn('ErrorMessage "ValueError: part-bad.csv ' + message, failure)
        others = [other for other in self.cluster.hosts if other != host]
        self.assert_cluster_errors(host, others, processes, "its program exited with code 1")

    def test_a_header_row_fails_every_host_before_the_join(self):
        self.bad_shard_fails_every_host("algo-2", "y,a,b,c\n" + xgboost_job.shard_rows(9),
                                        "starts with a header row")

    def test_an_empty_shard_fails_every_host_before_the_join(self):
        self.bad_shard_fails_every_host("algo-3", "", "is empty")

    def test_a_worker_killed_mid_training_ends_every_host(self):
        self.write_xgboost_jobs(self.default_shards(), {"num_round": 400, "round_pause": 0.05})
        processes = self.start_xgboost()
        pid = self.wait_for_training("algo-2")
        self.assertEqual(self.run_on("algo-2", ["kill", "-KILL", str(pid)]), 0)
        ended = self.wait_all(processes, timeout=40)
        self.assert_every_host_failed(ended, processes)
        failure = self.cluster.read_output("algo-2", "failure")
        self.assertTrue(failure.startswith("ExecuteUserScriptError:\n"), failure)
        self.assertIn("ExitCode 137", failure)
        self.assertIn("SIGKILL", failure)
        self.assert_cluster_errors("algo-2", ["algo-1", "algo-3"], processes,
                                   "its program was killed by SIGKILL")

    def test_a_host_whose_link_goes_down_ends_every_host(self):
        self.write_xgboost_jobs(self.default_shards(), {"num_round": 1000, "round_pause": 0.05})
        processes = self.start_xgboost()
        self.wait_for_training("algo-3")
        self.assertEqual(self.run_on("algo-3", ["ip", "link", "set", "eth0", "down"]), 0)
        ended = self.wait_all(processes, timeout=40)
        self.assert_every_host_failed(ended, processes)
        self.assert_cluster_errors("algo-3", ["algo-1", "algo-2"], processes,
                                   "the connection to it was lost")
        failure = self.cluster.read_output("algo-3", "failure")
        self.assertTrue(failure.startswith("ClusterError:\nThe XGBoost leader 'algo-1' was "
                                           "lost"), failure)

    def test_a_host_that_never_starts_fails_the_job(self):
        self.write_xgboost_jobs(self.default_shards())
        processes = self.start_xgboost(["algo-2", "algo-1"], {"OPTML_XGBOOST_JOIN_TIMEOUT": "3"})
        ended = self.wait_all(processes, timeout=30)
        self.assert_every_host_failed(ended, processes)
        failure = self.cluster.read_output("algo-1", "failure")
        self.assertTrue(failure.startswith("ClusterError:\n"), failure)
        self.assertIn("'algo-3' did not join within 3 s", failure)
        self.assertIn("OPTML_XGBOOST_JOIN_TIMEOUT", failure)
        self.assert_cluster_errors("algo-1", ["algo-2"], processes, "'algo-3' did not join")

    def test_a_stop_ends_every_host_and_the_tracker_port_binds_again(self):
        self.write_xgboost_jobs(self.default_shards(), {"num_round": 400, "round_pause": 0.05})
        processes = self.start_xgboost()
        self.wait_for_training("algo-1")
        # The leader's train is the child of the `nsenter` this test started.
        nsenter = processes["algo-1"].pid
        with open("/proc/%d/task/%d/children" % (nsenter, nsenter)) as f:
            os.kill(int(f.read().split()[0]), signal.SIGTERM)
        ended = self.wait_all(processes, timeout=40)
        self.assert_every_host_failed(ended, processes)
        self.assertEqual(ended["algo-1"][0], 143, self.logs(processes))
        self.assertTrue(self.cluster.read_output("algo-1", "failure").startswith("Stopped:\n"))
        self.assert_cluster_errors("algo-1", ["algo-2", "algo-3"], processes,
                                   "its train received SIGTERM and stopped its program")

        # The next job on the same hosts gets the tracker's port at once.
        for host in self.cluster.hosts:
            shutil.rmtree(os.path.join(self.cluster.host_base(host), "output"))
        self.write_xgboost_jobs(self.default_shards())
        processes = self.start_xgboost()
        ended = self.wait_all(processes, timeout=60)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, self.logs(processes))
        self.assertIn("listens on port 9091", self.log(processes["algo-1"]))


if __name__ == "__main__":
    xgboost_job.main(globals())

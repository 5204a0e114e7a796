"""Distributed XGBoost with Debian's python3-xgboost on 3 hosts, sharded headerless CSVs:
the model rank 0 saves is byte for byte the one single-host training makes from all files,
and a host without files exits 0 without being counted as a worker."""
import xgboost_job


class XgboostTraining(xgboost_job.XgboostTestCase):
    def test_three_hosts_train_the_single_host_model(self):
        shards = self.default_shards()
        self.write_xgboost_jobs(shards)
        processes = self.start_xgboost()
        ended = self.wait_all(processes, timeout=90)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
        self.assertIn("[xgboost tracker] ", self.log(processes["algo-1"]), logs)
        self.assertIn("as rank 2 of 3", self.log(processes["algo-3"]), logs)
        model = self.model_on("algo-1")
        self.assertIsNotNone(model, logs)
        self.assertIsNone(self.model_on("algo-2"))
        texts = [shards[host]["part-%d.csv" % index]
                 for index, host in enumerate(self.cluster.hosts)]
        self.assertEqual(model, self.single_host_model(texts))

    def test_a_host_without_data_exits_and_is_not_a_worker(self):
        shards = self.default_shards()
        del shards["algo-3"]
        self.write_xgboost_jobs(shards)
        processes = self.start_xgboost()
        ended = self.wait_all(processes, timeout=90)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
        self.assertIn("has no files in the data channel 'train'", self.log(processes["algo-3"]))
        self.assertNotIn("starting the XGBoost program", self.log(processes["algo-3"]))
        self.assertIn("as rank 1 of 2", self.log(processes["algo-2"]), logs)
        texts = [shards["algo-1"]["part-0.csv"], shards["algo-2"]["part-1.csv"]]
        self.assertEqual(self.model_on("algo-1"), self.single_host_model(texts), logs)

    def test_a_leader_without_data_runs_only_the_tracker(self):
        shards = self.default_shards()
        del shards["algo-1"]
        self.write_xgboost_jobs(shards)
        processes = self.start_xgboost()
        ended = self.wait_all(processes, timeout=90)
        logs = self.logs(processes)
        for host in self.cluster.hosts:
            self.assertEqual(ended[host][0], 0, logs)
            self.assertEqual(self.cluster.read_output(host, "success"), "", logs)
        self.assertIn("has no files in the data channel 'train'", self.log(processes["algo-1"]))
        self.assertIn("as rank 0 of 2", self.log(processes["algo-2"]), logs)
        self.assertIsNone(self.model_on("algo-1"))
        texts = [shards["algo-2"]["part-1.csv"], shards["algo-3"]["part-2.csv"]]
        self.assertEqual(self.model_on("algo-2"), self.single_host_model(texts), logs)


if __name__ == "__main__":
    xgboost_job.main(globals())

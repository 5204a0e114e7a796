"""Shared pieces of the MPI multi-host tests: arguments, the job on every host, waiting."""
import argparse
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simulated_hosts  # noqa: E402

PAYLOADS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "payloads")


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="an interpreter with mpi4py (Debian's python3-mpi4py)")
    known, rest = parser.parse_known_args()
    return known, [sys.argv[0]] + rest


def resources(host, hosts):
    return {"current_host": host, "hosts": hosts, "network_interface_name": "eth0",
            "current_instance_type": "ml.c5.xlarge", "current_group_name": "homogeneousCluster",
            "instance_groups": [{"instance_group_name": "homogeneousCluster",
                                 "instance_type": "ml.c5.xlarge", "hosts": hosts}]}


class MpiTestCase(unittest.TestCase):
    train = None
    python = None
    hosts_count = 3

    @classmethod
    def setUpClass(cls):
        why = simulated_hosts.missing_requirement(cls.python)
        if why:
            raise unittest.SkipTest(why)

    def setUp(self):
        self.cluster = simulated_hosts.SimulatedHosts(self.hosts_count).__enter__()
        self.addCleanup(self.cluster.teardown)

    def write_jobs(self, program, extra_hyperparameters=None):
        with open(os.path.join(PAYLOADS, program)) as f:
            code = f.read()
        hyperparameters = {"sagemaker_program": program, "sagemaker_mpi_enabled": True,
                           "sagemaker_mpi_num_of_processes_per_host": 1}
        hyperparameters.update(extra_hyperparameters or {})
        for host in self.cluster.hosts:
            self.cluster.write_job(host, hyperparameters, {program: code},
                                   resources(host, self.cluster.hosts))

    def start_train(self, host, extra_env=None):
        env = {"PATH": simulated_hosts.CLEAN_PATH, "LANG": "C.UTF-8", "HOME": "/root",
               "SAGEMAKER_BASE_DIR": self.cluster.base, "OPTML_PYTHON": self.python,
               "OPTML_MPI_WORKERS_TIMEOUT": "20", "OPTML_MPI_JOB_START_TIMEOUT": "30"}
        env.update(extra_env or {})
        return self.cluster.start(host, [self.train], env, host + ".train.log")

    def wait_all(self, processes, timeout):
        """Exit code and exit time (monotonic) of every process, failing after `timeout`."""
        deadline = time.monotonic() + timeout
        ended = {}
        while len(ended) < len(processes):
            for host, process in processes.items():
                if host not in ended and process.poll() is not None:
                    ended[host] = (process.returncode, time.monotonic())
            if len(ended) < len(processes):
                if time.monotonic() > deadline:
                    self.fail("train still running on %s after %d s\n%s" % (
                        sorted(set(processes) - set(ended)), timeout, self.logs(processes)))
                time.sleep(0.02)
        return ended

    def log(self, process):
        with open(process.log_path, errors="replace") as f:
            return f.read()

    def logs(self, processes):
        text = ""
        for host, process in processes.items():
            with open(process.log_path, errors="replace") as f:
                text += "----- %s\n%s" % (host, f.read()[-4000:])
        return text


def main(test_globals):
    known, argv = parse_arguments()
    MpiTestCase.train = os.path.abspath(known.train)
    MpiTestCase.python = known.python
    result = unittest.main(module=test_globals["__name__"], argv=argv, verbosity=2, exit=False)
    if result.result.skipped and not result.result.failures and not result.result.errors \
            and result.result.testsRun == len(result.result.skipped):
        print("SKIPPED: " + result.result.skipped[0][1])
        sys.exit(simulated_hosts.SKIP)
    sys.exit(0 if result.result.wasSuccessful() else 1)

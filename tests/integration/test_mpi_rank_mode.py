"""`train --mpi-rank -- PROGRAM...`, the wrapper every MPI rank runs under: this host's
current_host in SM_CURRENT_HOST / CURRENT_HOST, one line announcing it on stdout and stderr
(for the leader's output tags), the program exec'ed without a shell, no file written."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402


class RankModeTest(TrainTestCase):
    def rank(self, job, *argv, extra_env=None):
        env = job.environment({"SM_CURRENT_HOST": "algo-1", "CURRENT_HOST": "algo-1"})
        env.update(extra_env or {})
        return subprocess.run([self.train, "--mpi-rank", "--"] + list(argv), env=env,
                              capture_output=True, timeout=30, cwd=job.root)

    def programs_output(self, result, host="algo-1"):
        """The program's stdout and stderr after the wrapper's announcement of `host`."""
        announcement = b"optml-rank-host " + host.encode() + b"\n"
        for stream in (result.stdout, result.stderr):
            self.assertTrue(stream.startswith(announcement), (result.stdout, result.stderr))
        return result.stdout[len(announcement):], result.stderr[len(announcement):]

    def test_sets_this_hosts_name_and_execs_the_program(self):
        job = self.job(resources={"current_host": "algo-3", "hosts": ["algo-1", "algo-2", "algo-3"],
                                  "network_interface_name": "eth0"})
        before = sorted(os.listdir(job.root))
        result = self.rank(job, self.helper("helper_env"))
        self.assertEqual(result.returncode, 0, result.stderr)
        entries = self.programs_output(result, "algo-3")[0].split(b"\0")
        self.assertIn(b"SM_CURRENT_HOST=algo-3", entries)
        self.assertIn(b"CURRENT_HOST=algo-3", entries)
        self.assertEqual(sorted(os.listdir(job.root)), before)
        self.assertFalse(os.path.exists(job.path("output", "success")))

    def test_training_env_names_this_host_and_keeps_the_rest(self):
        job = self.job(resources={"current_host": "algo-3", "hosts": ["algo-1", "algo-3"]})
        leader = ('{"current_host":"algo-1","hosts":["algo-1","algo-3"],"hyperparameters":'
                  '{"lr":1e-05,"x":NaN},"is_master":true,"master_hostname":"algo-1"}')
        result = self.rank(job, self.helper("helper_env"), extra_env={"SM_TRAINING_ENV": leader})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b'SM_TRAINING_ENV={"current_host":"algo-3","hosts":["algo-1","algo-3"],'
                      b'"hyperparameters":{"lr":1e-05,"x":NaN},"is_master":false,'
                      b'"master_hostname":"algo-1"}', result.stdout.split(b"\0"))

    def test_program_arguments_reach_the_program_untouched(self):
        job = self.job()
        result = self.rank(job, "python3", "-c", "import sys; print(sys.argv[1:])", "--help",
                           "$HOME; id")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.programs_output(result), (b"['--help', '$HOME; id']\n", b""))

    def test_exit_code_and_signal_mask_are_the_programs(self):
        job = self.job()
        result = self.rank(job, self.helper("helper_exit"), "7")
        self.assertEqual(result.returncode, 7, result.stderr)
        result = self.rank(job, "grep", "SigBlk", "/proc/self/status")
        self.assertEqual(self.programs_output(result)[0].split(), [b"SigBlk:", b"0000000000000000"])

    def test_failures_are_one_line_with_their_own_exit_codes(self):
        job = self.job()
        result = self.rank(job, "/nonexistent/program")
        self.assertEqual(result.returncode, 127)
        self.assertIn(b"cannot execute /nonexistent/program", result.stderr)
        os.remove(job.path("input", "config", "resourceconfig.json"))
        result = self.rank(job, "true")
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"resourceconfig.json", result.stderr)
        # No host, no announcement.
        self.assertEqual(result.stdout, b"")
        result = subprocess.run([self.train, "--mpi-rank"], capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"usage", result.stderr)


if __name__ == "__main__":
    main(globals())

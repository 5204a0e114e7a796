"""The gethostname() shim MPI ranks preload (shim/gethostname_shim.c): with SM_CURRENT_HOST set,
gethostname() and uname() name that host, a short buffer fails like glibc's ENAMETOOLONG
without writing past it, and without the variable the real calls answer."""
import errno
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TrainTestCase, main  # noqa: E402

SHIM_NAME = "liboptml_gethostname.so"
REAL_HOST = socket.gethostname()  # this test's own process loads no shim


class HostnameShimTest(TrainTestCase):
    def setUp(self):
        bin_dir = os.path.dirname(self.train)
        # Beside train, where train finds it; sanitizer builds keep it in lib/ (see
        # shim/CMakeLists.txt).
        for folder in (bin_dir, os.path.join(os.path.dirname(bin_dir), "lib")):
            if os.path.isfile(os.path.join(folder, SHIM_NAME)):
                self.shim = os.path.join(folder, SHIM_NAME)
                break
        else:
            self.fail(SHIM_NAME + " is neither beside train nor in lib/")

    def preloaded(self, argv, host=None, cwd=None, extra_env=None, announced=b""):
        env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": self.shim,
               # Sanitized helpers accept a preloaded library ahead of their runtime.
               "ASAN_OPTIONS": "verify_asan_link_order=0"}
        if host is not None:
            env["SM_CURRENT_HOST"] = host
        env.update(extra_env or {})
        result = subprocess.run(argv, env=env, capture_output=True, timeout=30, cwd=cwd)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, announced)
        self.assertTrue(result.stdout.startswith(announced), result.stdout)
        return result.stdout[len(announced):].decode().splitlines()

    def hostname(self, host=None, length=None):
        argv = [self.helper("helper_hostname")] + ([str(length)] if length is not None else [])
        return self.preloaded(argv, host)

    def test_names_the_current_host(self):
        self.assertEqual(self.hostname("algo-7"),
                         ["gethostname=0 algo-7", "nodename=algo-7", "guard=intact"])

    def test_real_name_without_the_variable(self):
        expected = ["gethostname=0 " + REAL_HOST, "nodename=" + REAL_HOST, "guard=intact"]
        self.assertEqual(self.hostname(), expected)
        self.assertEqual(self.hostname(""), expected)

    def test_short_buffers_fail_like_glibc(self):
        host = "algo-12345"  # 10 bytes and its NUL
        self.assertEqual(self.hostname(host, 11)[0], "gethostname=0 " + host)
        for length, copied in ((10, host), (4, "algo"), (0, "")):
            lines = self.hostname(host, length)
            self.assertEqual(lines[0], "gethostname=-1 %d %s" % (errno.ENAMETOOLONG, copied))
            self.assertEqual(lines[2], "guard=intact")

    def test_a_name_too_long_for_uname_leaves_the_kernels(self):
        host = "h" * 65  # utsname.nodename holds 64 characters and the NUL
        self.assertEqual(self.hostname(host, 100),
                         ["gethostname=0 " + host, "nodename=" + REAL_HOST, "guard=intact"])

    def test_python_sees_the_current_host(self):
        code = "import platform, socket; print(socket.gethostname(), platform.node())"
        self.assertEqual(self.preloaded([sys.executable, "-c", code], "algo-2"),
                         ["algo-2 algo-2"])

    def test_rank_wrapper_gives_each_rank_its_hosts_name(self):
        # mpirun hands every rank the leader's SM_CURRENT_HOST; the wrapper, running on the
        # rank's host, replaces it before the program asks for its host name.
        job = self.job(resources={"current_host": "algo-3", "hosts": ["algo-1", "algo-3"],
                                  "network_interface_name": "eth0"})
        lines = self.preloaded([self.train, "--mpi-rank", "--", self.helper("helper_hostname")],
                               "algo-1", cwd=job.root,
                               extra_env={"SAGEMAKER_BASE_DIR": job.base},
                               announced=b"optml-rank-host algo-3\n")
        self.assertEqual(lines, ["gethostname=0 algo-3", "nodename=algo-3", "guard=intact"])


if __name__ == "__main__":
    main(globals())

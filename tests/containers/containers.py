"""Shared pieces of the container tests: podman and buildah without a registry, the images of
docker/ built from this checkout, and running them.

There is no registry and no Docker engine here. The Dockerfiles' base, debian:bookworm-slim,
is a debootstrapped bookworm minbase rootfs (make_rootfs.sh, cached in tests/.containers),
imported under that name; every build then runs with `--network none --pull=never`, and so
does every container unless a test puts it into a network namespace of its own. Storage is
kept in the build dir (--work), so image layers are reused from one run to the next.

What this machine needs (as the testbed found): runc instead of crun (hybrid cgroups),
cgroupfs (no systemd), explicit nofile/nproc ulimits (podman's defaults exceed the hard
limits) and chroot isolation for buildah's RUN steps.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SKIP = 77  # ctest's SKIP_RETURN_CODE
BASE_IMAGE = "docker.io/library/debian:bookworm-slim"
ROOTFS_CACHE = os.path.join(REPO, "tests", ".containers")
LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"]

# (name, Dockerfile, extra build arguments); in build order.
IMAGES = [
    ("localhost/optml/stage", "optml.Dockerfile", ["--build-arg", "OPTML_BIN={bin}"]),
    ("localhost/optml/base", "base.Dockerfile", ["--target", "base"]),
    ("localhost/optml/base:mpi", "base.Dockerfile", ["--target", "mpi"]),
    ("localhost/optml/base:native", "base.Dockerfile",
     ["--target", "base", "--build-arg", "PYTHON=false"]),
    ("localhost/optml/framework", "framework.Dockerfile", []),
    ("localhost/optml/example-job", "example-job.Dockerfile", []),
    ("localhost/optml/example-model", "example-model.Dockerfile", []),
]


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True,
                        help="build/bin/train (serve and the shim beside it)")
    parser.add_argument("--work", required=True, help="a folder for container storage (kept)")
    known, rest = parser.parse_known_args()
    return known, [sys.argv[0]] + rest


def missing_requirement():
    """Why podman cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (podman and buildah with storage of their own, network namespaces)"
    for tool in ("podman", "buildah", "runc", "debootstrap", "ip", "unshare"):
        if shutil.which(tool, path=CLEAN_PATH) is None:
            return "needs %s (scripts/install-deps.sh installs it)" % tool
    probe = subprocess.run(["unshare", "--mount", "--pid", "--net", "--uts", "--ipc", "--fork",
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "cannot create namespaces here: " + probe.stderr.strip()
    return None


class Podman:
    def __init__(self, work):
        self.work = os.path.abspath(work)
        self.storage = ["--root", os.path.join(self.work, "storage"),
                        "--runroot", os.path.join(self.work, "run"),
                        "--storage-driver", "overlay"]
        self.engine = self.storage + ["--cgroup-manager", "cgroupfs", "--runtime", "runc"]

    def env(self):
        return {"PATH": CLEAN_PATH, "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/root"),
                "TMPDIR": os.path.join(self.work, "tmp")}

    def podman(self, *argv, check=True, timeout=120, **kwargs):
        return self._run(["podman"] + self.engine + list(argv), check, timeout, **kwargs)

    def buildah(self, *argv, check=True, timeout=300, **kwargs):
        return self._run(["buildah"] + self.storage + list(argv), check, timeout, **kwargs)

    def _run(self, argv, check, timeout, **kwargs):
        os.makedirs(os.path.join(self.work, "tmp"), exist_ok=True)
        kwargs.setdefault("capture_output", True)
        result = subprocess.run(argv, env=self.env(), text=True, timeout=timeout, **kwargs)
        if check and result.returncode != 0:
            raise RuntimeError("%s exited with %d\n%s\n%s" % (
                " ".join(argv[:12]), result.returncode, result.stdout, result.stderr))
        return result

    def popen(self, *argv, **kwargs):
        return subprocess.Popen(["podman"] + self.engine + list(argv), env=self.env(),
                                text=True, **kwargs)

    def image_exists(self, name):
        return self.podman("image", "exists", name, check=False).returncode == 0

    def run_args(self, image, argv, network="none", volumes=(), env=None, name=None,
                 extra=(), hostname="algo-1"):
        # The job's host name resolves in the container (podman adds it to /etc/hosts), as
        # SageMaker's do: train waits until every host of resourceconfig.json resolves.
        args = ["run", "--rm"] + LIMITS + ["--network", network, "--hostname", hostname]
        if name:
            args += ["--name", name]
        for host, inside in volumes:
            args += ["-v", "%s:%s" % (host, inside)]
        for key, value in (env or {}).items():
            args += ["-e", "%s=%s" % (key, value)]
        return args + list(extra) + [image] + list(argv)

    def run(self, image, argv, timeout=120, **kwargs):
        return self.podman(*self.run_args(image, argv, **kwargs), check=False, timeout=timeout)


def stage_binaries(podman, train):
    """The build's train, serve and shim without their debug sections, in the work folder, and
    that folder relative to the checkout (the build context). The code is the build's own; a
    RelWithDebInfo build's debug info would only make every image ~75 MB larger."""
    source_dir = os.path.dirname(os.path.abspath(train))
    staged = os.path.join(podman.work, "optml-bin")
    relative = os.path.relpath(staged, REPO)
    if relative.startswith(".."):
        raise RuntimeError("the build dir %s must be inside the checkout %s: the Dockerfiles "
                           "copy the binaries from the build context" % (podman.work, REPO))
    os.makedirs(staged, exist_ok=True)
    for name in ("train", "serve", "liboptml_gethostname.so"):
        source, target = os.path.join(source_dir, name), os.path.join(staged, name)
        if not os.path.exists(source):
            raise RuntimeError("%s is missing: build every target first" % source)
        if not os.path.exists(target) or os.stat(target).st_mtime_ns != os.stat(source).st_mtime_ns:
            subprocess.run(["strip", "--strip-debug", "-o", target, source], check=True)
            stat = os.stat(source)
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return relative


def ensure_base_image(podman):
    """debian:bookworm-slim from the cached debootstrapped rootfs (made once)."""
    result = subprocess.run(["bash", os.path.join(HERE, "make_rootfs.sh"), ROOTFS_CACHE],
                            capture_output=True, text=True, timeout=900,
                            env={"PATH": CLEAN_PATH, "LANG": "C.UTF-8"})
    if result.returncode != 0:
        raise RuntimeError("making the bookworm rootfs failed:\n" + result.stderr)
    tarball = result.stdout.strip()
    stamp = os.path.join(podman.work, "base-image.stamp")
    identity = "%s %d %d" % (tarball, os.path.getsize(tarball), os.stat(tarball).st_mtime_ns)
    if podman.image_exists(BASE_IMAGE) and _read(stamp) == identity:
        return
    podman.podman("import", "-q", tarball, BASE_IMAGE, timeout=300)
    with open(stamp, "w") as f:
        f.write(identity)


def inputs_digest(bin_dir):
    """A digest of everything the images are built from: docker/, the Python package, the
    example, the staged binaries and the base image's tarball."""
    digest = hashlib.sha256()
    folders = ["docker", "python/src", "python/compat", "python/pyproject.toml", "example/code",
               "example/model", bin_dir]
    for folder in folders:
        top = os.path.join(REPO, folder)
        paths = [top] if os.path.isfile(top) else sorted(
            os.path.join(root, name) for root, dirs, files in os.walk(top)
            for name in files if "__pycache__" not in root and not name.endswith(".pyc"))
        for path in paths:
            digest.update(os.path.relpath(path, REPO).encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def build_images(podman, train, only=None, reuse=False):
    """Builds the images of docker/ (all, or those named in `only`) from this checkout, in
    order; layers are cached. With `reuse`, nothing is built when the images exist and were
    built from the same inputs. Returns the seconds each build took."""
    ensure_base_image(podman)
    bin_dir = stage_binaries(podman, train)
    stamp = os.path.join(podman.work, "images.stamp")
    digest = inputs_digest(bin_dir) + " " + _read(os.path.join(podman.work, "base-image.stamp"))
    if reuse and _read(stamp) == digest and all(
            podman.image_exists(name) for name, _, _ in IMAGES):
        return {}
    took = {}
    for name, dockerfile, extra in IMAGES:
        if only is not None and name not in only:
            continue
        start = time.monotonic()
        podman.buildah("bud", "--layers", "--isolation", "oci", "--runtime", "runc",
                       "--cgroupns", "host", *LIMITS, "--network", "none",
                       "--pull=never", "--quiet", "-f", os.path.join(REPO, "docker", dockerfile),
                       "-t", name, *[arg.format(bin=bin_dir) for arg in extra], REPO,
                       timeout=600)
        took[name] = time.monotonic() - start
    # buildah 1.28 leaves the working containers of `RUN --mount=...,from=STAGE` behind; this
    # storage is the tests' own, so every working container in it is a leftover.
    podman.buildah("rm", "--all", check=False)
    # The images these builds replaced (untagged now); cached layers stay.
    podman.podman("image", "prune", "-f", timeout=300, check=False)
    if only is None:
        with open(stamp, "w") as f:
            f.write(digest)
    return took


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


class ContainerTestCase(unittest.TestCase):
    """Skips where podman cannot run; builds (or finds) the images once per test file."""
    train = None
    work = None
    images_built = False

    @classmethod
    def setUpClass(cls):
        why = missing_requirement()
        if why:
            raise unittest.SkipTest(why)
        cls.podman = Podman(cls.work)
        if not ContainerTestCase.images_built:
            build_images(cls.podman, cls.train, reuse=True)
            ContainerTestCase.images_built = True

    def make_temp(self):
        folder = tempfile.mkdtemp(prefix="optml-ctr-")
        self.addCleanup(shutil.rmtree, folder, True)
        return folder

    def make_job(self, hyperparameters, code=None, channels=None, program="train.py"):
        """A job's /opt/ml pieces on the host: input/, model/, output/ (mounted one by one, as
        SageMaker mounts them, so an image's own /opt/ml/code stays visible) and code/."""
        base = self.make_temp()
        for folder in ("input/config", "input/data", "model", "output", "code"):
            os.makedirs(os.path.join(base, folder))
        hyperparameters = dict(hyperparameters)
        if code is not None:
            hyperparameters.setdefault("sagemaker_program", program)
            with open(os.path.join(base, "code", program), "w") as f:
                f.write(code)
        documents = {
            "hyperparameters.json": {k: json.dumps(v) for k, v in hyperparameters.items()},
            "inputdataconfig.json": {name: {"ContentType": "text/csv"} for name in channels or {}},
            "resourceconfig.json": {"current_host": "algo-1", "hosts": ["algo-1"],
                                    "network_interface_name": "eth0"},
        }
        for name, document in documents.items():
            with open(os.path.join(base, "input", "config", name), "w") as f:
                json.dump(document, f)
        for channel, files in (channels or {}).items():
            os.makedirs(os.path.join(base, "input", "data", channel))
            for name, text in files.items():
                with open(os.path.join(base, "input", "data", channel, name), "w") as f:
                    f.write(text)
        return base

    @staticmethod
    def job_volumes(base, with_code=True):
        folders = ["input", "model", "output"] + (["code"] if with_code else [])
        return [(os.path.join(base, f), "/opt/ml/" + f) for f in folders]

    @staticmethod
    def read(path):
        return _read(path)

    def remove_container(self, name, process):
        """Cleanup for a container this test started as `process` (podman run --name name)."""
        if process.poll() is None:
            self.podman.podman("kill", "-s", "KILL", name, check=False)
            process.wait(timeout=30)
        self.podman.podman("rm", "-f", "--ignore", name, check=False)

    def wait_for_file(self, path, timeout, process=None):
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            if process is not None and process.poll() is not None:
                self.fail("the container ended (%s) before %s appeared" % (
                    process.returncode, path))
            if time.monotonic() > deadline:
                self.fail("%s did not appear within %d s" % (path, timeout))
            time.sleep(0.02)


def main():
    known, argv = parse_arguments()
    ContainerTestCase.train = os.path.abspath(known.train)
    ContainerTestCase.work = os.path.abspath(known.work)
    why = missing_requirement()
    if why:
        print("SKIPPED: container tests: " + why)
        sys.exit(SKIP)
    unittest.main(module="__main__", argv=argv)

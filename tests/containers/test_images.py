"""Every Dockerfile of docker/ builds with buildah from this checkout, offline, and the images
hold what they promise: train, serve and the shim on PATH, the Python package, no ENTRYPOINT
(the MPI variant's execs), the compatibility distributions in the framework layer, sshd host
keys made at a container's first start."""
import os
import time

import containers


class Images(containers.ContainerTestCase):
    def test_every_dockerfile_builds(self):
        # setUpClass built them; building again reuses every layer.
        start = time.monotonic()
        took = containers.build_images(self.podman, self.train)
        print("rebuild of %d images with cached layers: %.1f s" % (
            len(took), time.monotonic() - start))
        for name, _, _ in containers.IMAGES:
            self.assertTrue(self.podman.image_exists(name), name)

    def test_base_has_optml_on_path_and_no_entrypoint(self):
        image = "localhost/optml/base"
        result = self.podman.run(image, [
            "sh", "-c", "for c in train serve python3 pip3; do command -v $c; done; "
            "ls /usr/local/bin; python3 -c 'import optml_toolkit.serving.worker, "
            "sagemaker_training; print(\"imports ok\")'; "
            "train --version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("/usr/local/bin/train\n/usr/local/bin/serve\n", result.stdout)
        self.assertIn("liboptml_gethostname.so", result.stdout)
        self.assertIn("imports ok", result.stdout)
        entrypoint = self.podman.podman("image", "inspect", "--format",
                                        "{{json .Config.Entrypoint}}", image).stdout.strip()
        self.assertIn(entrypoint, ("null", "[]"))

    def test_native_variant_runs_a_job_without_python(self):
        image = "localhost/optml/base:native"
        # (The tests' base has python3 already: see containers.py. The variant adds no package.)
        result = self.podman.run(image, ["sh", "-c", "command -v train; python3 -c "
                                         "'import optml_toolkit' 2>/dev/null || echo no package"])
        self.assertEqual(result.stdout, "/usr/local/bin/train\nno package\n", result.stderr)
        base = self.make_job({}, code="#!/bin/sh\necho native > /opt/ml/model/out.txt\n",
                             program="run.sh")
        result = self.podman.run(image, ["train"], volumes=self.job_volumes(base))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(self.read(os.path.join(base, "model", "out.txt")), "native\n")
        self.assertEqual(self.read(os.path.join(base, "output", "success")), "")

    def test_framework_layer_satisfies_toolkit_requirements(self):
        toolkit = self.make_temp()
        # A framework toolkit's distribution as PyPI has it: it requires sagemaker-training.
        with open(os.path.join(toolkit, "pyproject.toml"), "w") as f:
            f.write('[build-system]\nrequires = ["setuptools>=66"]\n'
                    'build-backend = "setuptools.build_meta"\n'
                    '[project]\nname = "fake-framework-training"\nversion = "1.0"\n'
                    'dependencies = ["sagemaker-training>=5,<6", "sagemaker-containers>=2.8"]\n'
                    '[tool.setuptools]\npackages = ["fake_framework_training"]\n')
        os.makedirs(os.path.join(toolkit, "fake_framework_training"))
        with open(os.path.join(toolkit, "fake_framework_training", "__init__.py"), "w") as f:
            f.write("from sagemaker_training import environment\n")
        result = self.podman.run("localhost/optml/framework", [
            "sh", "-c", "cp -R /toolkit /tmp/toolkit && "
            "PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q --no-index "
            "--no-build-isolation --root-user-action=ignore /tmp/toolkit && "
            "python3 -m pip show sagemaker-training sagemaker-containers | grep ^Version && "
            "python3 -c 'import fake_framework_training; print(\"toolkit imports ok\")'"],
            volumes=[(toolkit, "/toolkit")])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("Version: 5.1.1+optml\nVersion: 2.8.6.post2+optml\n", result.stdout)
        self.assertIn("toolkit imports ok", result.stdout)

    def test_install_script_without_a_usable_pip_copies_the_package(self):
        # The stage's layout from this checkout, mounted into the base image; a setuptools that
        # says 59 (Ubuntu 22.04's, which cannot build from [project] tables) shadows the real one.
        stage = self.make_temp()
        bin_dir = os.path.join(containers.REPO, containers.stage_binaries(self.podman, self.train))
        old_setuptools = os.path.join(stage, "old", "setuptools")
        os.makedirs(old_setuptools)
        with open(os.path.join(old_setuptools, "__init__.py"), "w") as f:
            f.write("__version__ = '59.6.0'\n")
        volumes = [(bin_dir, "/stage/bin"), (os.path.join(containers.REPO, "python"),
                                             "/stage/python"),
                   (os.path.join(containers.REPO, "docker", "install-optml.sh"),
                    "/stage/install.sh"), (os.path.join(stage, "old"), "/old")]
        script = ("PYTHONPATH=/old sh /stage/install.sh --prefix /opt/x && "
                  "ls /opt/x/bin && python3 -c 'import optml_toolkit.serving.worker; "
                  "print(\"package ok\")'; PYTHONPATH=/old sh /stage/install.sh --compat-only; "
                  "echo compat=$?")
        result = self.podman.run("localhost/optml/base:native", ["sh", "-c", script],
                                 volumes=volumes)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("Python package copied into /usr/local/lib/python3", result.stdout)
        self.assertIn("liboptml_gethostname.so\nserve\ntrain\npackage ok\n", result.stdout)
        self.assertIn("--compat needs pip and setuptools 61 or newer", result.stderr)
        self.assertIn("compat=1", result.stdout)

    def test_mpi_variant_makes_host_keys_at_first_start(self):
        image = "localhost/optml/base:mpi"
        baked = self.podman.run(image, ["-c", "ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l"],
                                extra=["--entrypoint", "/bin/sh"])
        self.assertEqual(baked.stdout.strip(), "0", baked.stderr)
        fingerprint = ["sh", "-c", "ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub; "
                       "command -v mpirun; command -v sshd; "
                       "python3 -c 'import mpi4py; print(\"mpi4py\")'"]
        first = self.podman.run(image, fingerprint)
        second = self.podman.run(image, fingerprint)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("/usr/bin/mpirun\n/usr/sbin/sshd\nmpi4py\n", first.stdout)
        self.assertNotEqual(fingerprint_of(first.stdout), fingerprint_of(second.stdout))
        entrypoint = self.podman.podman("image", "inspect", "--format",
                                        "{{json .Config.Entrypoint}}", image).stdout.strip()
        self.assertEqual(entrypoint, '["/usr/local/sbin/entrypoint.sh"]')


def fingerprint_of(output):
    return [word for word in output.split() if word.startswith("SHA256:")]


if __name__ == "__main__":
    containers.main()

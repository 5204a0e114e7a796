#!/usr/bin/env python3
"""S3 transfer benchmarks of `train` against Debian's `aws` CLI, in one run, on a local s3rver.

Not part of the pass/fail test suite; Python 3 standard library, node + s3rver from tests/.node
(scripts/install-deps.sh) and /usr/bin/aws. Usage (Release build recommended):
    python3 bench/s3_benchmark.py --train build/bin/train \
        --sync-tests build/tests/optml_sync_tests [--megabytes 200] [--runs 3] [--json out.json]

What it measures, runs interleaved, median reported:
  code      download + extract of a ~200 MB source archive (incompressible payload, so the
            .tar.gz is ~200 MB): train with sagemaker_submit_directory=s3://... and a no-op
            program, against `aws s3 cp` followed by `tar -xzf` into an empty folder;
  upload    the same ~200 MB as a folder of files (8 x 20 MB, 40 x 1 MB, 100 x 4 kB, 1 empty)
            written into output/intermediate while the uploader runs, then flushed
            (optml_sync_tests "[.benchmark]" drives toolkit/sync directly, so only the
            uploader is timed, not a training program), against `aws s3 cp --recursive` of
            the same folder.
All traffic stays on 127.0.0.1. s3rver runs with its data in a temporary folder and is stopped
by PID at the end, also on failure.
"""
import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from test_s3_support import CREDENTIALS, S3rver, missing_prerequisite  # noqa: E402

AWS = "/usr/bin/aws"


def payload_folder(root, megabytes):
    """A folder of incompressible files adding up to about `megabytes` MB."""
    folder = os.path.join(root, "payload")
    os.makedirs(os.path.join(folder, "small"))
    big_count = max(1, (megabytes - 40) // 20)
    sizes = [("big-%d.bin" % i, 20 << 20) for i in range(big_count)]
    sizes += [("medium-%d.bin" % i, 1 << 20) for i in range(40)]
    sizes += [("small/s-%d.txt" % i, 4096) for i in range(100)]
    sizes += [("empty.txt", 0)]
    for name, size in sizes:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(os.urandom(size))
    return folder


def make_archive(folder, path):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("noop.py")
        program = b"pass\n"
        info.size = len(program)
        tar.addfile(info, io.BytesIO(program))
        tar.add(folder, arcname="data")


def aws_environment(server):
    env = dict(os.environ, **CREDENTIALS)
    env.pop("AWS_PROFILE", None)
    env["AWS_CONFIG_FILE"] = "/dev/null"
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    return env


def aws(server, *arguments):
    subprocess.run([AWS, "--endpoint-url", server.endpoint, "s3", *arguments, "--only-show-errors"],
                   env=aws_environment(server), check=True, stdin=subprocess.DEVNULL)


def timed(action):
    started = time.monotonic()
    action()
    return time.monotonic() - started


def train_code_download(train, server, work, key):
    base = os.path.join(work, "opt", "ml")
    shutil.rmtree(os.path.join(work, "opt"), ignore_errors=True)
    for sub in ("code", "model", "input/config", "input/data", "output/data"):
        os.makedirs(os.path.join(base, sub))
    with open(os.path.join(base, "input", "config", "hyperparameters.json"), "w") as f:
        json.dump({"sagemaker_program": json.dumps("noop.py"),
                   "sagemaker_submit_directory": json.dumps("s3://bench/" + key)}, f)
    for name, document in (("inputdataconfig.json", {}),
                           ("resourceconfig.json", {"current_host": "algo-1", "hosts": ["algo-1"]})):
        with open(os.path.join(base, "input", "config", name), "w") as f:
            json.dump(document, f)
    env = dict(CREDENTIALS, PATH=os.environ["PATH"], HOME=work, SAGEMAKER_BASE_DIR=base,
               SM_STUDIO_LOCAL_MODE="true", S3_ENDPOINT_URL=server.endpoint, TMPDIR=work)
    result = subprocess.run([train], env=env, cwd=work, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise RuntimeError("train failed: " + result.stderr.decode(errors="replace")[-2000:])


def aws_code_download(server, work, key):
    target = os.path.join(work, "aws-code")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    archive = os.path.join(work, "aws-source.tar.gz")
    aws(server, "cp", "s3://bench/" + key, archive)
    subprocess.run(["tar", "-xzf", archive, "-C", target], check=True)
    os.remove(archive)


def optml_upload(sync_tests, server, source, work, prefix):
    folder = os.path.join(work, "intermediate")
    shutil.rmtree(folder, ignore_errors=True)
    env = dict(os.environ, **CREDENTIALS, S3_ENDPOINT_URL=server.endpoint, OPTML_BENCH_SOURCE=source,
               OPTML_BENCH_FOLDER=folder, OPTML_BENCH_PREFIX="bench/" + prefix)
    result = subprocess.run([sync_tests, "[.benchmark]"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise RuntimeError("upload benchmark failed: " + result.stdout.decode()[-2000:])


def mb_per_second(size, seconds):
    return size / (1 << 20) / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--sync-tests", required=True)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    arguments = parser.parse_args()
    arguments.train = os.path.abspath(arguments.train)
    arguments.sync_tests = os.path.abspath(arguments.sync_tests)
    reason = missing_prerequisite()
    if reason or not os.path.exists(AWS):
        sys.exit("cannot benchmark: " + (reason or "/usr/bin/aws is missing (apt-get install awscli)"))

    work = tempfile.mkdtemp(prefix="optml-s3-bench-")
    server = S3rver(["bench"])
    try:
        source = payload_folder(work, arguments.megabytes)
        source_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(source) for f in fs)
        archive = os.path.join(work, "source.tar.gz")
        make_archive(source, archive)
        archive_bytes = os.path.getsize(archive)
        aws(server, "cp", archive, "s3://bench/source.tar.gz")

        times = {"train code download+extract": [], "aws cp + tar -xzf": [],
                 "optml intermediate upload": [], "aws s3 cp --recursive": []}
        for run in range(arguments.runs):
            times["train code download+extract"].append(
                timed(lambda: train_code_download(arguments.train, server, work, "source.tar.gz")))
            times["aws cp + tar -xzf"].append(timed(lambda: aws_code_download(server, work, "source.tar.gz")))
            times["optml intermediate upload"].append(
                timed(lambda: optml_upload(arguments.sync_tests, server, source, work, "optml-%d" % run)))
            times["aws s3 cp --recursive"].append(
                timed(lambda: aws(server, "cp", "--recursive", source, "s3://bench/aws-%d" % run)))

        figures = {}
        print("archive %.1f MiB, upload folder %.1f MiB, %d runs, s3rver on loopback" %
              (archive_bytes / (1 << 20), source_bytes / (1 << 20), arguments.runs))
        for name, samples in times.items():
            size = archive_bytes if "download" in name or "tar" in name else source_bytes
            median = statistics.median(samples)
            figures[name] = {"median_seconds": median, "mib_per_second": mb_per_second(size, median),
                             "samples": samples}
            print("  %-30s median %6.2f s  %7.1f MiB/s   (%s)" %
                  (name, median, mb_per_second(size, median), ", ".join("%.2f" % s for s in samples)))
        if arguments.json:
            with open(arguments.json, "w") as f:
                json.dump(figures, f, indent=2)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The binaries an image gets (train, serve, the gethostname shim) must run on other glibc
distributions than the build's, e.g. an Ubuntu or CUDA image (issue 14). No Ubuntu rootfs can be
made here (Debian 12 has no ubuntu-keyring for debootstrap and only Debian's mirror is reached),
so this checks statically, with objdump, what a target's dynamic loader will ask for:

- every versioned glibc symbol is at most MAX_GLIBC, the floor README states; raising it (a
  newer function, a build on a newer distribution) has to be a decision, not an accident;
- the shared libraries needed are ones every glibc distribution's base image has (the C++
  runtime is linked statically).

Needs only binutils: it runs wherever the build does."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import unittest

# _dl_find_object, which the static libgcc unwinder calls (2.35: Ubuntu 22.04); arc4random (2.36)
# is defined in the binaries themselves (bin/glibc_floor.cpp). docker/README.md states it.
MAX_GLIBC = (2, 35)
ALLOWED_LIBRARIES = {"libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libz.so.1",
                     "libacl.so.1", "libdl.so.2", "libpthread.so.0"}
BIN = None


def needed_versions(path):
    """{(major, minor): [symbols]} of the GLIBC_x.y versions path needs."""
    dynamic = subprocess.run(["objdump", "-T", path], capture_output=True, text=True,
                             check=True).stdout
    versions = {}
    for line in dynamic.splitlines():
        # Undefined symbols (*UND*) are what the binary needs from libraries.
        match = re.search(r"\*UND\*\s+\S+\s+\(?GLIBC_(\d+)\.(\d+)(?:\.\d+)?\)?\s+(\S+)", line)
        if match:
            key = (int(match.group(1)), int(match.group(2)))
            versions.setdefault(key, []).append(match.group(3))
    return versions


def needed_libraries(path):
    headers = subprocess.run(["objdump", "-p", path], capture_output=True, text=True,
                             check=True).stdout
    return set(re.findall(r"^\s*NEEDED\s+(\S+)", headers, re.MULTILINE))


class Portability(unittest.TestCase):
    binaries = ("train", "serve", "liboptml_gethostname.so")

    def setUp(self):
        if shutil.which("objdump") is None:
            self.fail("objdump is missing (Debian: binutils, in scripts/install-deps.sh)")

    def test_glibc_versions_needed_are_at_most_the_stated_floor(self):
        for name in self.binaries:
            path = os.path.join(BIN, name)
            versions = needed_versions(path)
            self.assertTrue(versions, "%s needs no versioned glibc symbol?" % path)
            too_new = {"%d.%d" % v: sorted(s) for v, s in versions.items() if v > MAX_GLIBC}
            self.assertEqual(too_new, {}, "%s needs glibc newer than %d.%d" % ((name,) + MAX_GLIBC))
            newest = max(versions)
            print("%s: newest glibc version needed %d.%d (%s)" % (
                name, newest[0], newest[1], ", ".join(sorted(versions[newest]))))

    def test_only_base_system_libraries_are_needed(self):
        for name in self.binaries:
            libraries = needed_libraries(os.path.join(BIN, name))
            self.assertLessEqual(libraries, ALLOWED_LIBRARIES, name)
            self.assertFalse({lib for lib in libraries if "stdc++" in lib or "gcc_s" in lib},
                             name)

    def test_version_parsing_sees_a_known_symbol(self):
        # The parser must find what objdump prints, or the checks above check nothing.
        versions = needed_versions(os.path.join(BIN, "train"))
        self.assertTrue(any("pthread_create" in symbols for symbols in versions.values()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--work")
    known, rest = parser.parse_known_args()
    BIN = os.path.dirname(os.path.abspath(known.train))
    unittest.main(argv=[sys.argv[0]] + rest)

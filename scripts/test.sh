#!/usr/bin/env bash
# The one command that runs every test: installs dependencies, builds, then runs through CTest
# the unit tests, the integration tests against build/bin/train, the serve tests against
# build/bin/serve, the Python side's pytest suites (python/tests/serving as python.serving,
# python/tests/compat as python.compat), the fuzz targets, the include check, the multihost
# tests, the container tests (tests/containers: the images of docker/ built with buildah and run
# with podman; the first run fetches a Debian rootfs once with debootstrap, cached in
# tests/.containers) and the conformance cases in ../shared/conformance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${OPTML_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j"$(nproc)"

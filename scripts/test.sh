#!/usr/bin/env bash
# The one command that runs every test: installs dependencies, builds, then runs the unit
# tests, the integration tests against build/bin/train and the conformance cases in
# ../shared/conformance through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${OPTML_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j"$(nproc)"

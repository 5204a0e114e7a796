#!/usr/bin/env bash
# Configures and builds optml into build/ (pass extra CMake options as arguments,
# e.g. -DOPTML_SANITIZE=ON). Produces build/bin/train and build/bin/serve (with the Python
# worker package copied to build/python, where serve finds it).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${OPTML_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} \
  -DPython3_EXECUTABLE=/usr/bin/python3 "$@"
cmake --build "$build_dir" -j"$(nproc)"

#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from its seed corpus (ctest's fuzz.* tests).
# New inputs go to a temporary folder, never into the repository's corpus; a crash leaves its
# input in the build folder and fails the test. Exit 77 (skipped) when the target was not
# built because clang's libFuzzer is unavailable.
set -uo pipefail
binary=$1 seeds=$2 artifacts=$3 seconds=${4:-20}
if [ ! -x "$binary" ]; then
  echo "SKIPPED: $binary was not built: clang++ with libFuzzer (Debian: clang, libclang-rt-14-dev) is unavailable"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/optml-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
# -rss_limit_mb and -timeout turn runaway memory or a hang on one input into a finding.
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$seeds"

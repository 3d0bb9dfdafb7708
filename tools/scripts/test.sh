#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every lit and
# GoogleTest test through ctest. This is what .ci/run calls.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"

bash "$root/tools/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "${G4_JOBS:-2}"

#!/usr/bin/env bash
# Configures and builds into ./build (RelWithDebInfo, ccache). Extra arguments are build targets.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${SALES_BUILD_JOBS:-2}" ${1:+--target "$@"}

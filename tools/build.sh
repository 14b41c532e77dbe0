#!/usr/bin/env bash
# Configures and builds into ./build (RelWithDebInfo, ccache). Extra arguments are build targets.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on the compile command: with paths relative to the checkout, every clone of the
# repository (a CI checkout, a second worktree) shares the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${SALES_BUILD_JOBS:-2}" ${1:+--target "$@"}

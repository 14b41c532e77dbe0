#!/usr/bin/env bash
# Runs the product on a fresh Debian 12 machine: installs what is missing, builds, and starts
# salesd, the embedded all-in-one process. Arguments go to salesd (see salesd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh salesd salesctl
exec build/services/salesd/salesd "$@"

#!/usr/bin/env bash
# Installs the build and test dependencies from Debian 12 packages (nothing else is downloaded).
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ lld pkg-config ccache clang-format clang-tidy python3 git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev librocksdb-dev libabsl-dev libssl-dev libcivetweb-dev libxxhash-dev
  libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  kcat tzdata curl python3-yaml
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "Installing: ${missing[*]}" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"

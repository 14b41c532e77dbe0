#!/usr/bin/env bash
# The project's checks beyond the test suite (.ci/run runs them after tools/test.sh; a developer
# runs the same with `tools/checks.sh`):
#   1. formatting: every tracked C++ file is as clang-format (.clang-format) writes it;
#   2. warnings: the whole tree builds with -Werror (into build-werror/, ccache shared).
# Not yet here (issue 13 §4, next): clang-tidy with STYLE.md's allowlist, the tests under
# AddressSanitizer + UndefinedBehaviorSanitizer and the concurrency-heavy ones under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh

echo "checks: clang-format" >&2
unformatted=()
while IFS= read -r file; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done < <(git ls-files '*.cc' '*.h')
if [[ ${#unformatted[@]} -gt 0 ]]; then
  printf 'checks: not clang-formatted (run clang-format -i on them):\n' >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi

echo "checks: -Werror build" >&2
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-werror -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSALES_WERROR=ON >/dev/null
cmake --build build-werror -j "${SALES_BUILD_JOBS:-2}"
echo "checks: passed" >&2

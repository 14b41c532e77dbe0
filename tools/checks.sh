#!/usr/bin/env bash
# The project's checks beyond the test suite (.ci/run runs them after tools/test.sh; a developer
# runs the same with `tools/checks.sh`, or some of them: `tools/checks.sh format tidy`):
#   format  every tracked C++ file is as clang-format (.clang-format) writes it;
#   tidy    clang-tidy with the allowlist of .clang-tidy finds nothing (tools/tidy.py over the
#           build/ tree; clean results are cached by content, so a clone re-checks only what
#           changed);
#   werror  no compiler warning: every object file compiled afresh (build-werror/, no links) with
#           the flags of build/, ccache answering for what build/ compiled and replaying the
#           compiler's messages, and any "warning:" fails the step, as -Werror would (without a
#           second compile of every changed file under other flags);
#   asan    every unit and integration test passes under AddressSanitizer + UndefinedBehavior-
#           Sanitizer (build-asan/; the tests and what they run, not the benchmarks and tools);
#   tsan    the concurrency-heavy tests (event store and its recent events, outbox relay,
#           projection store and runner, watch hub) pass under ThreadSanitizer (build-tsan/).
# Every build shares ccache with the others and with every clone (CCACHE_BASEDIR).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(format tidy werror asan tsan)
jobs="${SALES_BUILD_JOBS:-2}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

configure() {  # configure DIR [CMAKE_ARGS...]
  local dir="$1"
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
}

check_format() {
  local unformatted=()
  while IFS= read -r file; do
    clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
  done < <(git ls-files '*.cc' '*.h')
  if [[ ${#unformatted[@]} -gt 0 ]]; then
    printf 'checks: not clang-formatted (run clang-format -i on them):\n' >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    return 1
  fi
}

check_werror() {
  rm -rf build-werror  # a fresh tree, so that every object goes through the compiler (or ccache)
  configure build-werror
  local objects log=build-werror/compile.log  # kept with the tree, to read after a failure
  mapfile -t objects < <(ninja -C build-werror -t targets all | sed -n 's/^\([^:]*\.o\): .*/\1/p')
  if ! ninja -C build-werror -j "$jobs" "${objects[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
  if grep -q 'warning:' "$log"; then
    printf 'checks: compiler warnings:\n' >&2
    grep -B3 -A6 'warning:' "$log" >&2
    return 1
  fi
  echo "checks: ${#objects[@]} object files compiled without a warning" >&2
}

check_tidy() {
  # compile_commands.json, the generated protos and ninja's dependency log of the built tree
  # (the test suite's build/).
  tools/build.sh
  python3 tools/tidy.py --build-dir build --jobs "$jobs"
}

check_asan() {
  configure build-asan -DSALES_SANITIZE=address,undefined
  cmake --build build-asan -j "$jobs" --target sales_tests
  (cd build-asan &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest -j "$jobs" --output-on-failure --timeout 600)
}

# The concurrency-heavy tests: what ThreadSanitizer runs.
readonly tsan_targets=(eventstore_test recent_events_test outbox_relay_test projection_store_test
  projection_runner_test watch_hub_test)

check_tsan() {
  configure build-tsan -DSALES_SANITIZE=thread
  cmake --build build-tsan -j "$jobs" --target "${tsan_targets[@]}"
  local target binary
  for target in "${tsan_targets[@]}"; do
    binary="$(find build-tsan -name "$target" -type f -perm -u+x | head -1)"
    echo "checks: tsan $target" >&2
    # ignore_noninstrumented_modules: RocksDB (linked shared in this build), librdkafka and gRPC
    # synchronise through atomics TSan cannot see; die_after_fork=0: the crash tests fork.
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:die_after_fork=0" \
      "$binary" --gtest_brief=1
  done
}

for step in "${steps[@]}"; do
  echo "checks: $step" >&2
  "check_$step"
done
echo "checks: passed" >&2

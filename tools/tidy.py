#!/usr/bin/env python3
"""clang-tidy over every tracked .cc file with the allowlist of .clang-tidy; any finding fails.

    tools/tidy.py [--build-dir build] [--jobs 2] [FILE ...]

Needs a configured and built tree (compile_commands.json, generated protos, ninja's dependency
log). Only our own headers are checked (--header-filter: common/, services/, tools/, tests/ of
this checkout; generated protos and system headers are not ours to fix).

A clean result is remembered outside the checkout (${XDG_CACHE_HOME:-~/.cache}/sales-tidy, like
ccache, so clones share it) under a SHA-256 of everything the result depends on: clang-tidy's
version, .clang-tidy, the compile command, the file and every header of this checkout it
includes (from ninja's dependency log). A file is checked again only when one of those changed.
Findings are never remembered.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys


def ninja_deps(build_dir):
    """Object path (relative to the build dir) -> the files it depends on, from ninja's log."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], check=True,
                         capture_output=True, text=True).stdout
    deps, current = {}, None
    for line in out.splitlines():
        if not line.strip():
            current = None
        elif not line.startswith(" "):
            current = line.split(":", 1)[0]
            deps[current] = []
        elif current is not None:
            deps[current].append(line.strip())
    return deps


def file_digest(path, memo):
    if path not in memo:
        with open(path, "rb") as f:
            memo[path] = hashlib.sha256(f.read()).hexdigest()
    return memo[path]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("SALES_BUILD_JOBS", "2")))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    build_dir = os.path.join(root, args.build_dir)
    files = args.files or subprocess.run(["git", "-C", root, "ls-files", "*.cc"], check=True,
                                         capture_output=True, text=True).stdout.split()
    commands = {os.path.normpath(os.path.join(entry["directory"], entry["file"])): entry
                for entry in json.load(open(os.path.join(build_dir, "compile_commands.json")))}
    deps = ninja_deps(build_dir)
    version = subprocess.run(["clang-tidy", "--version"], check=True, capture_output=True,
                             text=True).stdout
    config = open(os.path.join(root, ".clang-tidy")).read()
    cache_dir = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                             "sales-tidy")
    os.makedirs(cache_dir, exist_ok=True)
    header_filter = "^" + re.escape(root) + "/(common|services|tools|tests)/"

    # Compiled only in ThreadSanitizer builds (common/sanitizers): not part of the tree checked.
    tsan_only = {"common/sanitizers/tsan_absl_sync.cc"}
    memo, work = {}, []
    files = [rel for rel in files if rel not in tsan_only]
    for rel in files:
        path = os.path.join(root, rel)
        entry = commands.get(path)
        if entry is None:
            print(f"tidy: {rel} is in no compile command (not built?)", file=sys.stderr)
            return 1
        key = hashlib.sha256()
        for part in (version, config, entry["command"].replace(root, "<root>")):
            key.update(part.encode())
        key.update(file_digest(path, memo).encode())
        for dep in deps.get(entry.get("output", ""), []):
            dep_path = os.path.normpath(os.path.join(build_dir, dep))
            if dep_path.startswith(root + "/"):
                key.update(dep_path[len(root):].encode())
                key.update(file_digest(dep_path, memo).encode())
        marker = os.path.join(cache_dir, key.hexdigest())
        if not os.path.exists(marker):
            work.append((rel, marker))

    print(f"tidy: {len(files)} files, {len(files) - len(work)} unchanged since a clean check",
          file=sys.stderr)

    def check(item):
        rel, marker = item
        result = subprocess.run(
            ["clang-tidy", "-p", build_dir, "--quiet", "--warnings-as-errors=*",
             f"--header-filter={header_filter}", os.path.join(root, rel)],
            capture_output=True, text=True)
        if result.returncode == 0 and not re.search(r": (warning|error): ", result.stdout):
            open(marker, "w").close()
            return rel, ""
        return rel, result.stdout + result.stderr

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for rel, output in pool.map(check, work):
            if output:
                failed += 1
                print(f"tidy: {rel}\n{output}", file=sys.stderr)
    if failed:
        print(f"tidy: findings in {failed} file(s); fix them or justify a NOLINT(check) with its "
              "reason", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Builds one target family. Usage: scripts/build.sh native|ci|asan|fuzz|web
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export NODE_PATH=/usr/share/nodejs   # emcc's JS optimizer needs acorn from Debian's node modules
jobs="$(nproc)"
case "${1:-native}" in
  native) preset=native-release ;;
  ci) preset=native-ci ;;
  asan) preset=native-asan ;;
  fuzz) preset=fuzz ;;
  web)
    # shellcheck disable=SC2046
    cmake --preset web-release $(cat .cache/web-flags) >/dev/null
    cmake --build build/web-release -j "$jobs"
    exit 0 ;;
  *) echo "usage: scripts/build.sh native|ci|asan|fuzz|web" >&2; exit 2 ;;
esac
cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" -j "$jobs"
